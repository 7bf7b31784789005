"""Training: case studies, the what-if of a question, and the walk a room takes through a case."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError, Location, SharewizardError, UsageError
from sharewizard.core.model import (
    FACTS_FLOW,
    Answer,
    Catalogue,
    Citation,
    Decision,
    DecisionTerm,
    Flow,
    Handoff,
    Outcome,
    Progress,
    Question,
    Segment,
    Step,
)
from sharewizard.core.text import preview, unknown_name_hint
from sharewizard.flowfiles.answers import AnswersFile, load_answers, resolve_flow
from sharewizard.flowfiles.yamldoc import dotted_path

CASE_SUFFIXES = (".yaml", ".yml", ".json")


# --- case studies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A case study: an answers file with a `case:` block; its answers are the case's answers.

    `answers` holds the case's answers for every flow of the sitting (the triage in `route`, and
    each flow its decisions can walk), keyed by flow id; `flows` is the order the decisions start
    in; `facts` are the case facts, each answered once for the sitting.
    """

    id: str
    path: Path
    title: str
    narrative: str
    role: str
    teaching_point: str
    trap: bool
    faq: tuple[int, ...]
    flow_id: str
    flows: tuple[str, ...]
    answers: Mapping[str, Mapping[str, Answer]]
    expect: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, Answer] = field(default_factory=dict)

    @property
    def start_flow(self) -> str:
        """The flow the walk starts in (the triage, when the case records its answers)."""
        return self.flows[0]

    def answer_to(self, flow_id: str, question_id: str) -> Answer | None:
        """The case's answer to a question or fact, or None when the case never answers it."""
        if question_id in self.facts:
            return self.facts[question_id]
        return self.answers.get(flow_id, {}).get(question_id)


def faq_numbers(catalogue: Catalogue, case: Case) -> list[int]:
    """The FAQ questions a case covers: as it says, else those of its flows."""
    if case.faq:
        return list(case.faq)
    numbers = [catalogue.flows[f].faq.number for f in case.flows if f in catalogue.flows]
    return [n for n in numbers if n is not None]


def packaged_cases_dir() -> Path:
    """The case studies shipped in the package, else the source tree's `examples/cases`."""
    package = Path(__file__).parent.parent  # sharewizard/
    packaged = package / "cases"
    return packaged if packaged.is_dir() else package.parent / "examples" / "cases"


def case_files(directory: Path) -> list[Path]:
    """The answers files under a folder, in name order."""
    if not directory.is_dir():
        raise UsageError("no such cases folder.", Location(directory), "Pass an existing folder.")
    return sorted(
        p for p in directory.rglob("*") if p.suffix.lower() in CASE_SUFFIXES and p.is_file()
    )


def load_case(catalogue: Catalogue, path: Path) -> Case | None:
    """Read one case study, checking its answers against the flows; None without a `case:` block."""
    file = load_answers(path)
    block = file.case
    if block is None:
        return None
    facts = _checked_facts(catalogue, file)
    by_flow: dict[str, dict[str, Answer]] = {}
    for flow_id, answers in file.route:
        by_flow[flow_id] = _checked(catalogue, file, flow_id, answers, f"route.{flow_id}")
    starts: list[str] = []
    for part in file.parts:
        resolve_flow(catalogue, file, part)
        if part.flow_id is None:
            continue
        starts.append(part.flow_id)
        at = f"{part.where}.answers" if part.where else "answers"
        for flow_id, answers in _by_flow(catalogue, file, part.answers, at).items():
            by_flow.setdefault(flow_id, {}).update(answers)
    entry = file.flow_id or catalogue.triage or ""
    flows = [f for f, _ in file.route] + [f for f in starts if f not in dict(file.route)]
    expect = dict(file.parts[0].expect) if file.parts else {}
    return Case(
        id=path.stem,
        path=path,
        title=str(block["title"]).strip(),
        narrative=str(block["narrative"]).strip(),
        role=str(block["role"]).strip(),
        teaching_point=str(block["teaching_point"]).strip(),
        trap=bool(block.get("trap", False)),
        faq=tuple(block.get("faq") or ()),
        flow_id=entry,
        flows=tuple(flows) or (entry,),
        answers=by_flow,
        expect=expect,
        facts=facts,
    )


def _checked_facts(catalogue: Catalogue, file: AnswersFile) -> dict[str, Answer]:
    book = catalogue.facts
    checked: dict[str, Answer] = {}
    for fact_id, value in file.facts.items():
        fact = book.facts.get(fact_id)
        if fact is None:
            raise AnswersError(
                f"{preview(fact_id)} is not a case fact.",
                _located(file, f"facts.{fact_id}", key=True),
                f"Facts: {', '.join(book.facts)}.",
            )
        try:
            checked[fact_id] = engine.check_answer(fact.question, value)
        except AnswersError as exc:
            raise AnswersError(exc.message, _located(file, f"facts.{fact_id}"), exc.hint) from exc
    return checked


def _by_flow(
    catalogue: Catalogue, file: AnswersFile, answers: Mapping[str, Any], at: str
) -> dict[str, dict[str, Answer]]:
    """A decision's answers (to every flow it walks) under each flow that asks them."""
    found: dict[str, dict[str, Answer]] = {}
    for qid, value in answers.items():
        flows = [
            f
            for f in catalogue.flows.values()
            if qid in f.questions and not f.questions[qid].fact and f.id != catalogue.triage
        ]
        if not flows:
            raise AnswersError(
                f"{preview(qid)} is not a question of any flow.",
                _located(file, f"{at}.{qid}", key=True),
            )
        for flow in flows:
            found.setdefault(flow.id, {}).update(
                _checked(catalogue, file, flow.id, {qid: value}, at)
            )
    return found


def _checked(
    catalogue: Catalogue, file: AnswersFile, flow_id: str, answers: Mapping[str, Any], at: str
) -> dict[str, Answer]:
    flow = catalogue.flows.get(flow_id)
    if flow is None:
        raise AnswersError(
            f"unknown flow {preview(flow_id)}.",
            _located(file, at, key=True),
            unknown_name_hint(flow_id, catalogue.flows),
        )
    checked: dict[str, Answer] = {}
    for qid, value in answers.items():
        question = flow.questions.get(qid)
        if question is None:
            raise AnswersError(
                f"{preview(qid)} is not a question of the flow {preview(flow_id)}.",
                _located(file, f"{at}.{qid}", key=True),
                f"Questions: {', '.join(flow.questions)}.",
            )
        try:
            checked[qid] = engine.check_answer(question, value)
        except AnswersError as exc:
            raise AnswersError(exc.message, _located(file, f"{at}.{qid}"), exc.hint) from exc
    return checked


def _located(file: AnswersFile, dotted: str, *, key: bool = False) -> Location:
    """Where `then.0.answers.x` sits in the file: its value, or with `key` its key."""
    if file.doc is None or not key:
        return file.locate(dotted)
    return file.doc.locate(dotted_path(dotted), key=True)


def load_cases(catalogue: Catalogue, directories: Iterable[Path]) -> list[Case]:
    """Every case study in these folders, in order (answers files without `case:` are skipped)."""
    found = []
    for directory in directories:
        for path in case_files(directory):
            case = load_case(catalogue, path)
            if case is not None:
                found.append(case)
    return found


def find_case(cases: list[Case], name: str) -> Case | None:
    """The case named by its id (file name without extension) or its path; None if none is."""
    matches = [c for c in cases if name in (c.id, str(c.path)) or Path(name).resolve() == c.path]
    if len(matches) > 1:
        raise UsageError(
            f"{preview(name)} names more than one case: {', '.join(str(c.path) for c in matches)}.",
            Location(field="CASE"),
            "Give the path of the one you mean.",
        )
    return matches[0] if matches else None


# --- what-if -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """Where one answer to a question leads, given the answers before it."""

    answer: Answer
    label: str
    step: Step


def candidate_answers(question: Question) -> list[Answer]:
    """The answers a what-if tries: each choice (alone, for a multiple choice question)."""
    if question.type == "multi":
        return [(c.value,) for c in question.choices]
    return [c.value for c in question.choices]


def what_if(flow: Flow, question: Question, answers: Mapping[str, Answer]) -> list[Branch]:
    """For each answer to `question`, given the answers so far, the step it leads to."""
    return [
        Branch(
            value,
            question.label_of(value),
            engine.route(flow, question, {**answers, question.id: value}),
        )
        for value in candidate_answers(question)
    ]


def describe_step(
    step: Step,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """A step in a few words: the next question, the outcome with its decision, or a hand-off.

    A hand-off names the flows it goes on to by their `titles` (by flow id) where given.
    """
    if isinstance(step, Question):
        return f"next question: {step.text}"
    if isinstance(step, Handoff):
        return "; then ".join((titles or {}).get(flow_id, flow_id) for flow_id in step.flow_ids)
    return f"{step.title} [{decision_label(step.decision, decisions)}]"


def decision_label(decision: str, decisions: Mapping[str, DecisionTerm] | None = None) -> str:
    """The decision as the vocabulary words it (its id when the vocabulary lacks it)."""
    term = (decisions or {}).get(decision)
    return term.label if term else decision


# --- the walk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leg:
    """One flow of the sitting and the room's answers in it, in path order.

    `case` is what its conditions see of the case facts (the room's answers to them so far, and
    the derived facts). The first leg is the opening (the facts asked before every walk).
    """

    flow: Flow
    answers: Mapping[str, Answer] = field(default_factory=dict)
    case: Mapping[str, Answer] = field(default_factory=dict)

    @property
    def step(self) -> Step:
        """Where the room's answers lead in this flow."""
        return engine.next_step(self.flow, self.answers, self.case)


@dataclass(frozen=True)
class Walk:
    """The state of a training walk; every move returns a new Walk remembering the one before.

    `pending` is the answer on screen but not yet taken: the case's answer once revealed, or the
    room's choice. `queue` holds flows still to walk after a multiple hand-off.
    """

    catalogue: Catalogue = field(compare=False, repr=False)
    case: Case | None
    legs: tuple[Leg, ...]
    queue: tuple[str, ...] = ()
    pending: Answer | None = None
    revealed: bool = False
    previous: Walk | None = field(default=None, compare=False, repr=False)
    facts: Mapping[str, Answer] = field(default_factory=dict)  # the room's case facts
    taken: tuple[tuple[str, str], ...] = ()  # (flow, question or fact) of each answer, in order

    @property
    def known(self) -> dict[str, Answer]:
        """The room's case facts and the derived facts, as conditions see them."""
        return engine.case_context(self.catalogue.facts, self.facts)

    @property
    def leg(self) -> Leg:
        """The flow being walked now."""
        return self.legs[-1]

    @property
    def step(self) -> Question | Outcome:
        """The current question, or the outcome the current flow reached."""
        step = self.leg.step
        assert not isinstance(step, Handoff)  # moves start the next flow at once
        return step

    @property
    def question(self) -> Question | None:
        """The question on screen, if the current flow has not reached its outcome."""
        step = self.step
        return step if isinstance(step, Question) else None

    @property
    def finished(self) -> bool:
        """Whether every flow of the sitting has reached its outcome."""
        return isinstance(self.step, Outcome) and not self.queue

    @property
    def case_answer(self) -> Answer | None:
        """The case's answer to the current question (None without a case or off its path)."""
        question = self.question
        if self.case is None or question is None:
            return None
        return self.case.answer_to(self.leg.flow.id, question.id)

    @property
    def number(self) -> int:
        """The current question's position in the sitting, counting from 1."""
        return sum(len(leg.answers) for leg in self.legs) + len(self.facts) + 1

    def _move(self, **changes: Any) -> Walk:
        return dataclasses.replace(self, previous=self, **changes)

    def reveal(self) -> Walk:
        """Show the case's answer; it becomes the answer unless the room has chosen one already.

        Nothing happens without a case answer, or once it is shown.
        """
        if self.case_answer is None or self.revealed:
            return self
        pending = self.case_answer if self.pending is None else self.pending
        return self._move(pending=pending, revealed=True)

    def pick(self, value: Answer) -> Walk:
        """The room chooses an answer; a multiple choice toggles one value."""
        question = self.question
        if question is None:
            return self
        if question.type == "multi" and isinstance(value, str):
            chosen = self.pending if isinstance(self.pending, tuple) else ()
            value = tuple(v for v in chosen if v != value) if value in chosen else (*chosen, value)
            if not value:
                return self._move(pending=None)
        return self._move(pending=engine.check_answer(question, value))

    def go_on(self) -> Walk:
        """Take the pending answer, or start the next flow after an outcome; else stay."""
        question = self.question
        if question is None:
            if not self.queue:
                return self
            started = self._leg(self.queue[0], self.known)
            return self._move(legs=(*self.legs, started), queue=self.queue[1:])
        if self.pending is None:
            return self
        facts, answers = dict(self.facts), dict(self.leg.answers)
        if question.fact:
            facts[question.id] = self.pending
        else:
            answers[question.id] = self.pending
        known = engine.case_context(self.catalogue.facts, facts)
        legs = (*self.legs[:-1], Leg(self.leg.flow, answers, known))
        queue = self.queue
        step = legs[-1].step
        if isinstance(step, Handoff):
            walked = {leg.flow.id for leg in legs}
            # a flow reached by hand-off is not walked again as its own decision
            queue = (*step.flow_ids, *(f for f in queue if f not in step.flow_ids))
            queue = tuple(f for f in queue if f not in walked) or queue
            legs, queue = (*legs, self._leg(queue[0], known)), queue[1:]
        taken = (*self.taken, (self.leg.flow.id, question.id))
        return self._move(
            legs=legs, queue=queue, pending=None, revealed=False, facts=facts, taken=taken
        )

    def back(self) -> Walk:
        """Undo the last move (a reveal, a pick or an answer)."""
        return self.previous or self

    @property
    def departure(self) -> Difference | None:
        """Where the room's answers first left the case's; None on its path or without a case."""
        if self.case is None:
            return None
        flows = {leg.flow.id: leg for leg in self.legs}
        for number, (flow_id, question_id) in enumerate(self.taken, 1):
            leg = flows[flow_id]
            question = leg.flow.questions[question_id]
            answer = self.facts.get(question_id) if question.fact else leg.answers.get(question_id)
            theirs = self.case.answer_to(flow_id, question_id)
            if answer != theirs:
                return Difference(leg.flow, question, answer, theirs, number)
        return None

    def rejoin(self) -> Walk:
        """Back to the case's path: the question where the room left it, the case's answer shown.

        The room's own path is one `back` away. On the case's path, nothing happens.
        """
        left = self.departure
        if left is None:
            return self
        walk = start_walk(self.catalogue, case=self.case)
        while walk.leg.flow.id != left.flow.id or walk.question is not left.question:
            moved = walk.reveal().go_on() if walk.question is not None else walk.go_on()
            if moved.legs == walk.legs and moved.queue == walk.queue:
                break  # the case's answers go no further (never so: they led the room here)
            walk = moved
        return dataclasses.replace(walk.reveal(), previous=self)

    def _leg(self, flow_id: str, known: Mapping[str, Answer]) -> Leg:
        return Leg(self.catalogue.flows[flow_id], {}, known)

    def what_if(self) -> list[Branch]:
        """Where each answer to the current question leads, given the room's answers so far."""
        question = self.question
        if question is None:
            return []
        seen = {**self.known, **self.leg.answers}
        if not question.choices and self.pending is not None:
            given = {**seen, question.id: self.pending}
            step = engine.route(self.leg.flow, question, given)
            return [Branch(self.pending, question.label_of(self.pending) or "(no answer)", step)]
        return what_if(self.leg.flow, question, seen)


def start_walk(catalogue: Catalogue, *, case: Case | None = None, flow_id: str = "") -> Walk:
    """A walk through a case (from its first flow) or through a flow with no case.

    Every walk opens with the opening facts (immediate danger, the user's role), as `decide`
    does: a case's own answers to them are shown like any other.
    """
    first = case.start_flow if case is not None else flow_id
    if first not in catalogue.flows:
        raise UsageError(
            f"unknown flow {preview(first)}.",
            Location(field="FLOW"),
            unknown_name_hint(first, catalogue.flows),
        )
    known = engine.case_context(catalogue.facts, {})
    if catalogue.facts.opening:
        opening = engine.opening_flow(catalogue.facts, first)
        return Walk(catalogue, case, (Leg(opening, {}, known),))
    return Walk(catalogue, case, (Leg(catalogue.flows[first], {}, known),))


def case_walk(catalogue: Catalogue, case: Case) -> Walk:
    """The walk the case's own answers make, as far as they go."""
    walk = start_walk(catalogue, case=case)
    while not walk.finished:
        moved = walk.reveal().go_on() if walk.question is not None else walk.go_on()
        if moved.legs == walk.legs and moved.queue == walk.queue:
            break  # the case does not answer this question
        walk = moved
    return walk


# --- the end ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A question where the room's path and the case's path part: each side's answer, if any."""

    flow: Flow
    question: Question
    room: Answer | None
    case: Answer | None
    number: int = 0  # the question's number in the room's walk (0: not counted)


@dataclass(frozen=True)
class Ending:
    """The end of a training walk: the outcomes reached, the case's, and where the paths differ."""

    outcomes: tuple[tuple[Flow, Outcome], ...]
    case_outcomes: tuple[tuple[Flow, Outcome], ...]
    teaching_point: str
    citations: tuple[Citation, ...]
    differences: tuple[Difference, ...]

    @property
    def same_as_case(self) -> bool:
        """Whether the room reached the case's outcomes the case's way."""
        return not self.differences and self.outcomes == self.case_outcomes


def outcomes_of(walk: Walk) -> tuple[tuple[Flow, Outcome], ...]:
    """The outcome each flow of the walk reached (flows that handed over have none)."""
    return tuple((leg.flow, leg.step) for leg in walk.legs if isinstance(leg.step, Outcome))


def ending(walk: Walk) -> Ending:
    """What the end screen shows: outcomes, teaching point, citations, differences from the case."""
    outcomes = outcomes_of(walk)
    citations = tuple(c for _, outcome in outcomes for c in outcome.citations)
    case = walk.case
    if case is None:
        return Ending(outcomes, (), "", tuple(dict.fromkeys(citations)), ())
    theirs = case_walk(walk.catalogue, case)
    return Ending(
        outcomes,
        outcomes_of(theirs),
        case.teaching_point,
        tuple(dict.fromkeys(citations)),
        tuple(_differences(walk, theirs)),
    )


def _differences(room: Walk, case: Walk) -> list[Difference]:
    room_legs = {leg.flow.id: leg for leg in room.legs}
    case_legs = {leg.flow.id: leg for leg in case.legs}
    found = []
    book = room.catalogue.facts
    opening = room.legs[0].flow
    for fact_id in dict.fromkeys([*room.facts, *case.facts]):
        if room.facts.get(fact_id) != case.facts.get(fact_id):
            question = book.facts[fact_id].question
            found.append(
                Difference(opening, question, room.facts.get(fact_id), case.facts.get(fact_id))
            )
    for flow_id in dict.fromkeys([*room_legs, *case_legs]):
        leg = room_legs.get(flow_id) or case_legs[flow_id]
        ours = room_legs[flow_id].answers if flow_id in room_legs else {}
        theirs = case_legs[flow_id].answers if flow_id in case_legs else {}
        for qid in dict.fromkeys([*ours, *theirs]):
            if ours.get(qid) != theirs.get(qid):
                found.append(
                    Difference(leg.flow, leg.flow.questions[qid], ours.get(qid), theirs.get(qid))
                )
    return found


def training_decisions(walk: Walk) -> list[Decision]:
    """Each outcome of the walk as a `Decision` (no record fields), for `--record`.

    As in `decide`, every decision of a sitting carries the flows that handed over to it.
    """
    route: list[Segment] = []
    decisions = []
    for leg in walk.legs:
        step = leg.step
        if isinstance(step, Outcome):
            progress = Progress(dict(leg.answers))
            worded = engine.worded_outcome(step, walk.catalogue.facts.wording, leg.case)
            decision = Decision(leg.flow, progress, worded, {}, tuple(route), facts=leg.case)
            decisions.append(decision)
        elif isinstance(step, Handoff) and leg.flow.id != FACTS_FLOW:
            route.append(Segment(leg.flow, dict(leg.answers)))
    if not decisions:
        raise SharewizardError(
            "the walk has not reached an outcome, so there is nothing to record."
        )
    return decisions
