"""One sitting, one case: opening facts, triage, each decision with its record form, one review.

The conflicts check comes last. People at a terminal and answers files share this loop.

A sitting knows the case facts (flows/facts.yaml) once: a fact is asked where a flow first reads
it and never again; every decision reads the same value. Only the facts and the case group of the
record form (case reference, practitioner, organisation) carry from one decision to the next; each
decision's own record answers start empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError, Interrupted, Location, StoppedTyping
from sharewizard.core.model import (
    DECISION,
    FACTS_FLOW,
    Answer,
    Catalogue,
    Decision,
    DecisionDraft,
    Draft,
    Faq,
    Flow,
    HalfTyped,
    Handoff,
    Outcome,
    Progress,
    Question,
    Segment,
    Step,
)
from sharewizard.core.text import preview, unknown_name_hint

#: Where a fact or case value came from, as the review shows it.
FROM_SITTING, FROM_PROFILE = "from this sitting", "from your profile"
CASE_GROUP = "case"


class GoBack:
    """Returned by an Asker when the user chooses to go back one question."""


GO_BACK = GoBack()


class StopNow:
    """Returned by an Asker at an urgent outcome: stop now, and finish the record later."""


STOP_NOW = StopNow()


@dataclass(frozen=True)
class AlsoDecide:
    """Returned by an Asker at an outcome: decide this flow too, next in this sitting."""

    flow_id: str


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review screen: a question and its current answer.

    `part` says what it is: "fact" (a case fact of the sitting), "route" (the triage), "case"
    (the case reference, practitioner and organisation, shared by every record), "flow" (a
    question of decision `decision`, in its flow number `segment`) or "record" (a record field
    of decision `decision`). `origin` says where a fact or case value came from.
    """

    question: Question
    answer: Answer | None
    part: str = "flow"
    segment: int = 0
    decision: int = 0
    origin: str = ""

    @property
    def in_record_form(self) -> bool:
        """Whether this is a record field rather than a question of a flow."""
        return self.part in ("record", "case")


class Asker(Protocol):
    """Where answers come from: a person at a terminal, or an answers file."""

    def ask(
        self, question: Question, default: Answer | None, can_go_back: bool, *, kept: bool = False
    ) -> Answer | GoBack:
        """Ask one question; return the answer or GO_BACK.

        `kept`: `default` is text typed here before the walk stopped, never confirmed: it is
        offered, marked as such, to keep or edit. A stop while typing raises `StoppedTyping`.
        """

    def review(self, items: list[ReviewItem]) -> int | None:
        """Show every answer of the sitting; return the index of one to change, or None."""

    def announce(
        self,
        flow: Flow,
        outcome: Outcome,
        offers: Sequence[Flow] = (),
        queued: Sequence[Flow] = (),
    ) -> GoBack | StopNow | AlsoDecide | None:
        """Show where the answers lead; GO_BACK to change an answer; STOP_NOW (urgent).

        `offers` are the other questions of the guidance the outcome points to that the sitting
        has not decided: AlsoDecide(flow id) decides one next, and the outcome is shown again,
        with `queued` (those chosen at it so far).
        """

    def reject(self, question: Question, message: str) -> None:
        """Say why an answer was refused; the question is then asked again."""

    def begin(self, flow: Flow) -> None:
        """A flow starts (the first, or one handed over to): say which."""

    def tell(self, message: str) -> None:
        """Say something about the sitting (a decision already made, a conflict, the profile)."""


@dataclass(frozen=True)
class Given:
    """What an answers file or a draft already holds: taken without asking.

    `decisions` are in the order the sitting reaches them; `strict` (an answers file) makes
    anything missing or contradicting an error naming its place in the file (`places`).
    """

    facts: Mapping[str, object] = field(default_factory=dict)
    route: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    decisions: tuple[DecisionDraft, ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)
    places: Places | None = None
    at: int | None = None  # a draft: the decision under way when it was saved (None: the start)
    record_later: bool = False  # a draft kept at an urgent outcome: its record is finished now
    half_typed: HalfTyped | None = None  # a draft: what was being typed when it stopped


@dataclass(frozen=True)
class Places:
    """Where each given answer sits in its file, as dotted field names for errors."""

    decisions: tuple[str, ...] = ()  # each decision's prefix: `decisions.0` (v1: "", `then.0`)
    facts: Mapping[str, str] = field(default_factory=dict)  # a fact given elsewhere (v1)

    def fact(self, fact_id: str) -> str:
        """Where a fact is (or belongs) in the file."""
        return self.facts.get(fact_id, f"facts.{fact_id}")

    def decision(self, index: int, part: str, key: str) -> str:
        """Where decision `index`'s answer or record field `key` is (part: answers, record)."""
        prefix = self.decisions[index] if index < len(self.decisions) else f"decisions.{index}"
        return f"{prefix}.{part}.{key}" if prefix else f"{part}.{key}"


@dataclass
class DecisionState:
    """One decision of the sitting as it stands: its flows, answers, outcome and record."""

    start: str  # the flow it starts in (FACTS_FLOW: the opening stopped it)
    flows: list[Flow]  # the flows walked, the last one current (hand-offs append)
    answers: dict[str, Answer] = field(default_factory=dict)  # every flow's, flat
    facts: dict[str, Answer] = field(default_factory=dict)  # its decision-scoped facts
    asked: list[str] = field(default_factory=list)  # the facts asked in this decision
    outcome: Outcome | None = None
    fields: dict[str, Answer] = field(default_factory=dict)
    offered: dict[str, Answer] = field(default_factory=dict)  # old text, asked again
    changes: list[str] = field(default_factory=list)
    already: int | None = None  # handed over into decision N's flow: ends with no record
    given: DecisionDraft | None = None
    also: list[str] = field(default_factory=list)  # flows its outcome added, decided next

    @property
    def flow(self) -> Flow:
        """The flow walked now (the outcome's, once reached)."""
        return self.flows[-1]

    def answers_of(self, flow: Flow) -> dict[str, Answer]:
        """This decision's answers to one of its flows' questions."""
        return {q: a for q, a in self.answers.items() if q in flow.questions}


@dataclass
class Session:
    """One sitting: holds the state, so that an interrupt can hand it back as a draft."""

    catalogue: Catalogue
    asker: Asker
    entry: str  # the flow the sitting starts in (the triage, or a flow named)
    given: Given = field(default_factory=Given)
    strict: bool = False  # an answers file: nothing is asked; missing answers are errors
    profile: Mapping[str, str] = field(default_factory=dict)  # role, organisation, practitioner
    on_change: Callable[[Draft], None] | None = None
    facts: dict[str, Answer] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # fact or case field -> FROM_*
    route: list[Segment] = field(default_factory=list)  # the triage, walked before decisions
    decisions: list[DecisionState] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)  # flows still to walk
    case: dict[str, Answer] = field(default_factory=dict)  # the record form's case group
    at: int = 0  # the decision under way (len(decisions): the review)
    current: str | None = None  # where the answer being asked goes (`decisions.0.record.why`)
    offer: HalfTyped | None = None  # a draft's half-typed text, for the first question asked
    route_changes: list[str] = field(default_factory=list)  # the triage changed at the review
    stash: dict[str, DecisionState] = field(default_factory=dict)  # dropped by a new triage

    # --- the whole sitting ------------------------------------------------------------------

    def run(self, *, review: bool = True, record_fields: bool = True) -> list[Decision]:
        """Walk the sitting: every decision to its outcome and record, one review, no conflict.

        Returns the decisions to record, in order. Ctrl-C, Ctrl-D and the signals turned into
        interrupts stop it with `Interrupted`, which carries the whole sitting as a draft.
        """
        self._take_given()
        try:
            if self._opening():
                self._route()
                self._decide_all(record_fields=record_fields)
            if record_fields:
                self.at = len(self.decisions)
                self._late_fields()
                if review and not self.strict:
                    self._review()
            self._check_conflicts()
        except Interrupted:
            raise
        except (KeyboardInterrupt, EOFError) as stop:
            number = getattr(stop, "signal_number", None)
            typed = stop.text if isinstance(stop, StoppedTyping) else None
            raise Interrupted(self.snapshot(typed), signal_number=number) from None
        self._check_unused()
        return self.decided()

    def decided(self) -> list[Decision]:
        """The decisions of the sitting that get a record, each with what it read."""
        found = []
        for index, state in enumerate(self.decisions):
            if state.outcome is None or state.already is not None:
                continue
            case = self.case_of(state)
            answers = (
                {}
                if state.start == FACTS_FLOW
                else engine.kept_answers(state.flow, state.answers_of(state.flow), case)
            )
            found.append(
                Decision(
                    state.flow,
                    Progress(answers),
                    self._worded(state.outcome, state),  # as the screen said it, never `{advice}`
                    self.record_values(state),
                    tuple(self._segments(state)),
                    (*self.route_changes, *state.changes),
                    facts=case,
                    index=index,
                )
            )
        return found

    def skipped(self) -> list[str]:
        """Each decision that ended by handing over to a flow decided already: no record."""
        said = []
        for index, state in enumerate(self.decisions):
            if state.already is not None:
                flow = state.flow
                said.append(
                    f"Decision {index + 1} ({state.flows[0].title}) leads to “{flow.faq.heading}”, "
                    f"already decided in this sitting (decision {state.already + 1}): it has no "
                    "record of its own."
                )
        return said

    def snapshot(self, typed: str | None = None) -> Draft:
        """The sitting so far, as a draft; `typed`: text typed at the question being asked.

        A draft's half-typed text not yet offered again (no question asked since the resume)
        stays in it.
        """
        decisions = [self._draft_of(d) for d in self.decisions]
        for flow_id in self.queue:  # the decisions to come, with what a file or draft gave them
            put_aside = self.stash.get(flow_id)
            later = self._given_for(flow_id, len(decisions))
            if put_aside is not None:
                decisions.append(self._draft_of(put_aside))
            else:
                decisions.append(later or DecisionDraft(flow_id, {}, {}))
        return Draft(
            entry=self.entry,
            facts=dict(self.facts),
            origins={k: v for k, v in self.origins.items() if v != FROM_SITTING},
            route=tuple((s.flow.id, dict(s.answers)) for s in self.route),
            decisions=tuple(decisions),
            queue=tuple(self.queue),
            at=self.at,
            half_typed=HalfTyped(self.current, typed) if typed and self.current else self.offer,
        )

    def _given_for(self, flow_id: str, index: int) -> DecisionDraft | None:
        given = self.given.decisions
        if index < len(given) and given[index].flow_id == flow_id:
            return given[index]
        return None

    def _draft_of(self, state: DecisionState) -> DecisionDraft:
        fields = dict(state.fields)
        if state is self._first_recorded():
            fields = {**self.case, **fields}
        return DecisionDraft(
            state.start,
            {q: a for q, a in state.answers.items() if self._on_path(state, q)},
            fields,
            dict(state.facts),
            outcome=state.outcome.id if state.outcome else None,
            decision=state.outcome.decision if state.outcome else None,
            flow=state.flow.id if state.flows else None,
            also=tuple(state.also),
        )

    def _first_recorded(self) -> DecisionState | None:
        return next((d for d in self.decisions if d.already is None), None)

    def _saved(self) -> None:
        if self.on_change is not None:
            self.on_change(self.snapshot())

    # --- asking -----------------------------------------------------------------------------

    def _ask(
        self, place: str, question: Question, default: Answer | None, can_go_back: bool
    ) -> Answer | GoBack:
        """Ask the person the question whose answer goes to `place` (`decisions.0.answers.x`).

        Text half-typed at this very question when the draft stopped is offered instead of
        `default`, marked. Only the first question a resumed sitting asks can take it: when that
        is another question, the text was for one no longer asked, and it is dropped.
        """
        self.current = place
        offer, self.offer = self.offer, None
        if offer is not None and offer.field == place and question.type == "text":
            return self.asker.ask(question, offer.text, can_go_back, kept=True)
        return self.asker.ask(question, default, can_go_back)

    def _place(self, state: DecisionState | None, part: str, key: str) -> str:
        """Where an answer goes in a draft: `facts.role` (state None), `decisions.0.record.why`."""
        if state is None:
            return f"{part}.{key}"
        return f"decisions.{self.decisions.index(state)}.{part}.{key}"

    def _stopped_at(self, state: DecisionState, part: str) -> str | None:
        """The question of this decision a draft stopped at while typing (`part`: answers, record).

        A resumed walk goes back there first, even when it has an answer (the person was changing
        it), so that the text typed is offered where it was typed.
        """
        prefix = self._place(state, part, "")
        if self.offer is None or not self.offer.field.startswith(prefix):
            return None
        return self.offer.field.removeprefix(prefix)

    # --- what was given up front ----------------------------------------------------------

    def _take_given(self) -> None:
        """Facts from the file or draft, each checked; the route's answers; nothing asked."""
        book = self.catalogue.facts
        for fact_id, value in self.given.facts.items():
            fact = book.facts.get(fact_id)
            where = self._places().fact(fact_id)
            if fact is None:
                if self.strict:
                    raise AnswersError(
                        f"{preview(fact_id)} is not a case fact.",
                        Location(field=where),
                        f"Facts: {', '.join(book.facts)}.",
                    )
                continue
            try:
                self.facts[fact_id] = engine.check_answer(
                    fact.question, value, Location(field=where)
                )
            except AnswersError:
                if self.strict:
                    raise
                continue
            self.origins[fact_id] = self.given.origins.get(fact_id, FROM_SITTING)
        for field_id, origin in self.given.origins.items():
            if field_id not in book.facts:
                self.origins[field_id] = origin
        self.offer = self.given.half_typed
        check_given_answers(self.catalogue, self.given, self.entry)

    def _places(self) -> Places:
        return self.given.places or Places()

    def case_of(self, state: DecisionState | None) -> dict[str, Answer]:
        """What conditions of a decision see of the case: its facts and the derived facts."""
        facts = {**self.facts, **(state.facts if state is not None else {})}
        return engine.case_context(self.catalogue.facts, facts)

    # --- the opening ----------------------------------------------------------------------

    def _opening(self) -> bool:
        """Ask the opening facts, in order; False when one stops the sitting (call 999)."""
        book = self.catalogue.facts
        for fact_id in book.opening:
            fact = book.facts[fact_id]
            kept = self.profile.get(fact.question.profile) if fact.question.profile else None
            if fact_id not in self.facts:
                if kept is not None and fact.question.choice(kept):
                    self.facts[fact_id] = kept
                    self.origins[fact_id] = FROM_PROFILE
                    label = fact.question.label_of(kept)
                    if not self.strict:
                        self.asker.tell(
                            f"{fact.question.text} {label} ({FROM_PROFILE}: you can change it "
                            "when you check your answers)."
                        )
                else:
                    self._ask_fact(None, fact.question, can_go_back=False)
            target = fact.stops_at(self.facts[fact_id])
            if target is not None:
                self._stop_at(book.outcomes[target])
                return False
        return True

    def _stop_at(self, outcome: Outcome) -> None:
        """The opening ends the sitting at one of the facts file's outcomes (call 999)."""
        if self.decisions and self.decisions[0].start == FACTS_FLOW:
            state = self.decisions[0]
        else:
            self.decisions = [self._new_decision(FACTS_FLOW)]
            state = self.decisions[0]
        self.queue = []
        state.outcome = outcome
        self.at = 0
        self._saved()
        reply = self.asker.announce(state.flow, self._worded(outcome, state))
        if isinstance(reply, StopNow):
            raise Interrupted(self.snapshot(), record_later=True)

    def facts_flow(self) -> Flow:
        """The facts file as a flow with no questions: a stopped decision's record names it."""
        book = self.catalogue.facts
        return Flow(
            id=FACTS_FLOW,
            version=book.version,
            title=book.title,
            description=book.title,
            faq=Faq(None, book.title),
            start="",
            questions={},
            outcomes=dict(book.outcomes),
            path=book.path or self.catalogue.directory,
            sha256=book.sha256,
        )

    # --- the triage -----------------------------------------------------------------------

    def _route(self) -> None:
        """Walk the entry flow's questions up to its fan-out (the triage), or start at it."""
        entry = self.catalogue.flows[self.entry]
        if not any(q.fan_out for q in entry.questions.values()):
            self.queue = [self.entry]
            return
        answers = dict(self.route[0].answers) if self.route else {}
        given = self.given.route.get(entry.id, {})
        for qid, value in given.items():
            question = entry.questions.get(qid)
            where = Location(field=f"route.{entry.id}.{qid}")
            if question is None or question.fact:
                if self.strict:
                    raise AnswersError(
                        f"{preview(qid)} is not a question of the flow {preview(entry.id)}.",
                        where,
                    )
                continue
            answers.setdefault(qid, engine.check_answer(question, value, where))
        self.asker.begin(entry)
        handoff = self._walk_route(entry, answers, None)
        self._apply_queue(handoff.flow_ids)

    def _walk_route(self, entry: Flow, answers: dict[str, Answer], at: Question | None) -> Handoff:
        """Ask the triage's questions until it hands over to the flows chosen."""
        case = self.case_of(None)
        step: Step = at or engine.next_step(entry, answers, case)
        while isinstance(step, Question):
            previous = engine.previous_question(entry, Progress(answers), step.id, case)
            place = self._place(None, f"route.{entry.id}", step.id)
            if self.strict:
                raise self._missing(place, step)
            reply = self._ask(place, step, answers.get(step.id), previous is not None)
            if isinstance(reply, GoBack):
                if previous is not None:
                    step = entry.questions[previous]
                continue
            progress = engine.answer(entry, Progress(answers), step.id, reply, case)
            answers = dict(progress.answers)
            self.route_changes += progress.changes  # every record of the sitting shows them
            self.route = [Segment(entry, dict(answers))]
            self._saved()
            step = engine.following_step(entry, progress, step.id, case)
        self.route = [Segment(entry, dict(answers))]
        if not isinstance(step, Handoff):
            raise AnswersError(f"the flow {preview(entry.id)} ends without choosing a flow.")
        return step

    def _apply_queue(self, flow_ids: tuple[str, ...]) -> None:
        """The flows the triage chose, walked in this order from now on.

        Decisions made already are put aside by the flow they start in: one whose flow is chosen
        again comes back as it was (walked again with the facts as they are now); the others stay
        aside, their answers ready if their flow is chosen again.
        """
        for state in self.decisions:
            if state.start != FACTS_FLOW:
                self.stash[state.start] = state
        for state in self.stash.values():  # chosen by the triage now, no longer added by one
            state.also = [f for f in state.also if f not in flow_ids]
        self.decisions = []
        self.queue = list(flow_ids)
        self.at = 0
        self._saved()  # the flows chosen are known: their outputs are checked now

    def _next_decision(self) -> bool:
        """Start the next decision the triage chose; False when none is left.

        A flow that an earlier decision of the sitting reached by hand-off is not walked again.
        """
        while self.queue:
            flow_id = self.queue.pop(0)
            if any(flow_id in [f.id for f in d.flows] for d in self.decisions):
                continue
            index = len(self.decisions)
            state = self.stash.pop(flow_id, None)
            if state is not None:  # put aside by a change of the triage: walked again
                state.already, state.flows = None, state.flows[:1]
            self.decisions.append(state or self._new_decision(flow_id, index))
            self.at = index
            return True
        return False

    def _new_decision(self, flow_id: str, index: int = 0) -> DecisionState:
        if flow_id == FACTS_FLOW:
            given = self.given.decisions[0] if self.given.decisions else None
            state = DecisionState(FACTS_FLOW, [self.facts_flow()], given=given)
            if given is not None:
                self._take_fields(state, given.fields, 0)
            return state
        given = self.given.decisions[index] if index < len(self.given.decisions) else None
        if given is not None and given.flow_id not in (None, flow_id):
            if self.strict:
                raise AnswersError(
                    f"this sitting's decision {index + 1} starts in the flow {preview(flow_id)}, "
                    f"but the file gives {preview(given.flow_id)}.",
                    Location(field=self._places().decision(index, "flow", "id").rsplit(".", 1)[0]),
                    "List the decisions in the order the triage picks them (a flow reached by "
                    "hand-off is part of the decision that reached it).",
                )
            given = None
        state = DecisionState(flow_id, [self.catalogue.flows[flow_id]], given=given)
        if given is not None:
            state.answers = dict(given.answers)  # checked as each flow is walked
            state.facts = self._checked_facts(given.facts, index)
            self._take_fields(state, given.fields, index)
        return state

    def _checked_facts(self, raw: Mapping[str, object], index: int) -> dict[str, Answer]:
        """A decision's own facts (scope: decision), from a file or a draft."""
        book = self.catalogue.facts
        found: dict[str, Answer] = {}
        for fact_id, value in raw.items():
            fact = book.facts.get(fact_id)
            where = Location(field=self._places().decision(index, "facts", fact_id))
            if fact is None or fact.scope != DECISION:
                if self.strict:
                    raise AnswersError(
                        f"{preview(fact_id)} is not a fact asked per decision.",
                        where,
                        "Give the sitting's facts under `facts` at the top of the file.",
                    )
                continue
            found[fact_id] = engine.check_answer(fact.question, value, where)
        return found

    def _take_fields(self, state: DecisionState, raw: Mapping[str, object], index: int) -> None:
        """Record fields given for a decision: kept as given; checked once the outcome is known.

        The case group is the sitting's: a decision's case field, when given, is the sitting's
        from then on.
        """
        form = {f.id: f for f in self.catalogue.record_form.fields}
        for key, value in raw.items():
            question = form.get(key)
            if question is None:
                if self.strict:
                    raise AnswersError(
                        f"{preview(key)} is not a record field.",
                        Location(field=self._places().decision(index, "record", key)),
                        f"Fields: {', '.join(form)}.",
                    )
                continue
            if value is None or not isinstance(value, (str, bool, int, list)):
                continue
            if question.group == CASE_GROUP:
                self._take_case(key, value, index)
                continue
            state.fields[key] = value  # type: ignore[assignment]  # checked in _settle_fields

    def _take_case(self, key: str, value: object, index: int) -> None:
        """A case field given in a decision's record: the sitting's, the same for every record."""
        where = Location(field=self._places().decision(index, "record", key))
        question = next(f for f in self.catalogue.record_form.fields if f.id == key)
        try:
            checked = engine.check_answer(question, value, where)
        except AnswersError:
            if self.strict:
                raise
            return
        if key in self.case and self.case[key] != checked and self.strict:
            raise AnswersError(
                f"{preview(key)} is {preview(self.case[key])} in an earlier decision: the case "
                "reference, practitioner and organisation are the sitting's, the same in every "
                "record.",
                where,
                "Give it once, in the first decision's record, or give the same value.",
            )
        self.case.setdefault(key, checked)
        self.origins.setdefault(key, self.given.origins.get(key, FROM_SITTING))

    # --- one decision -----------------------------------------------------------------------

    def _decide(self, state: DecisionState, *, record_fields: bool = True) -> None:
        """Walk one decision to its outcome, then its record form.

        A decision walked before (resumed from a draft before the one under way, or put back
        after a change of the triage) is walked again without asking what it holds already.
        """
        index = self.decisions.index(state)
        seen_before = state.outcome is not None or (
            self.given.at is not None and index < self.given.at
        )
        later = self.given.record_later and index == self.given.at
        if not seen_before:
            self.asker.begin(state.flow)
        old = state.outcome
        self._walk_decision(state, announce=not (seen_before or later))
        if state.already is None and record_fields:
            if old is not None:
                self._after_rewalk(state, old)
                return
            self._settle_fields(state, None)
            self._fill_fields(state)

    def _complete(self, state: DecisionState) -> bool:
        if state.outcome is None:
            return False
        form = self._applicable(state)
        return all(self._value(state, f) is not None or not f.required for f in form)

    def _walk_decision(
        self, state: DecisionState, at: Question | None = None, *, announce: bool = True
    ) -> None:
        """Ask until the decision reaches an outcome (across hand-offs) and announce it.

        A hand-off into a flow another decision of the sitting already walked ends this one
        with no record of its own; a hand-off back to a flow this decision walked returns to the
        answer that led away, to change one of the two.
        """
        step: Question | None = at
        while True:
            end = self._walk(state, step)
            step = None
            if isinstance(end, Handoff):
                step = self._hand_off(state, end)
                if state.already is not None:
                    return
                continue
            state.outcome = end
            self._queue_also(state)
            self._saved()
            if not announce:
                return
            reply = self._announce(state)
            if isinstance(reply, GoBack):
                step = self._last_step(state)
                if step is None:
                    return
                continue
            if isinstance(reply, StopNow):
                raise Interrupted(self.snapshot(), record_later=True)
            return

    def _announce(self, state: DecisionState) -> GoBack | StopNow | None:
        """Show the outcome until the person goes on, goes back or stops.

        Each other question of the guidance they choose to decide too is queued, and the outcome
        shown again without it.
        """
        assert state.outcome is not None
        worded = self._worded(state.outcome, state)
        while True:
            offers = self._offers(state)
            queued = [self.catalogue.flows[f] for f in state.also]
            reply = self.asker.announce(state.flow, worded, offers, queued)
            if not isinstance(reply, AlsoDecide):
                return reply
            if reply.flow_id in [f.id for f in offers]:
                self._also(state, reply.flow_id)

    def _offers(self, state: DecisionState) -> list[Flow]:
        """The flows the outcome points to (`related_flows`) that the sitting has not taken."""
        assert state.outcome is not None
        flows = self.catalogue.flows
        return [flows[f] for f in state.outcome.related_flows if f in flows and not self._taken(f)]

    def _taken(self, flow_id: str) -> bool:
        """Whether the sitting decides a flow already: queued, or walked by a decision."""
        return flow_id in self.queue or any(
            flow_id in [f.id for f in d.flows] for d in self.decisions
        )

    def _also(self, state: DecisionState, flow_id: str) -> None:
        """Decide `flow_id` next: after those this decision queued before it, before the rest."""
        front = 0
        while front < len(self.queue) and self.queue[front] in state.also:
            front += 1
        self.queue.insert(front, flow_id)
        if flow_id not in state.also:
            state.also.append(flow_id)
        self._saved()

    def _queue_also(self, state: DecisionState) -> None:
        """Queue again what the decision added to the sitting at its outcome, when not taken.

        From its state (walked again after the triage changed) or from a file or draft. A file
        may name any flow of the catalogue, but not one the sitting decides or queues already.
        """
        given = list(state.given.also) if state.given is not None else []
        for flow_id in dict.fromkeys([*state.also, *given]):
            if flow_id in state.also:  # added before: walked or queued, or put aside since
                if not self._taken(flow_id):
                    self._also(state, flow_id)
                continue
            if flow_id not in self.catalogue.flows:
                problem = "is not a flow of this catalogue"
            elif self._taken(flow_id):
                problem = "is decided or queued in this sitting already"
            else:
                self._also(state, flow_id)
                continue
            if self.strict:  # a draft's is dropped
                index, number = self.decisions.index(state), given.index(flow_id)
                raise AnswersError(
                    f"{preview(flow_id)} {problem}, so this decision cannot add it.",
                    Location(field=self._places().decision(index, "also", str(number))),
                    unknown_name_hint(flow_id, self.catalogue.flows)
                    if flow_id not in self.catalogue.flows
                    else "Leave it out of `also`: it is decided where it is.",
                )

    def _walk(self, state: DecisionState, at: Question | None) -> Outcome | Handoff:
        index = self.decisions.index(state)
        flow = state.flow
        case = self.case_of(state)
        self._check_answers(state, flow, index)
        stopped_at = self._stopped_at(state, "answers") if at is None else None
        if stopped_at is not None and stopped_at in self._steps(state, flow):
            at = flow.questions[stopped_at]  # answered: it was being changed when the walk stopped
        step: Step = at or engine.next_step(flow, state.answers_of(flow), case)
        again = at is not None  # going through answers given already (after going back)
        while isinstance(step, Question):
            if step.fact and step.id in case and not (again and step.id in state.asked):
                # known: followed, not asked again (only a fact this decision asked is offered
                # again, when the person goes back through their answers)
                step = engine.following_step(flow, Progress(state.answers_of(flow)), step.id, case)
                continue
            back = self._previous(state, step.id)
            if step.fact:
                reply = self._ask_fact(state, step, can_go_back=back is not None)
            elif self.strict:  # an answers file: optional text may be left out
                if step.type != "text" or step.required:
                    raise self._missing(self._places().decision(index, "answers", step.id), step)
                reply = ""
            else:
                question = self._worded_question(step, state)
                place = self._place(state, "answers", step.id)
                reply = self._ask(place, question, state.answers.get(step.id), back is not None)
            if isinstance(reply, GoBack):
                if back is None:
                    continue
                if back[0] < 0:
                    self.stash[state.start] = state
                    self.decisions.remove(state)
                    raise _BackToRoute
                flow = self._back_to(state, back)
                step = flow.questions[back[1]]
                case = self.case_of(state)
                again = True
                continue
            if not step.fact:
                self._answer(state, flow, step, reply)
            case = self.case_of(state)
            step = engine.following_step(flow, Progress(state.answers_of(flow)), step.id, case)
        return step

    def _answer(self, state: DecisionState, flow: Flow, question: Question, reply: Answer) -> None:
        case = self.case_of(state)
        before = Progress(state.answers_of(flow))
        after = engine.answer(flow, before, question.id, reply, case)
        for qid in flow.questions:
            state.answers.pop(qid, None)
        state.answers.update(after.answers)
        state.changes += after.changes[len(before.changes) :]
        self._saved()

    def _check_answers(self, state: DecisionState, flow: Flow, index: int) -> None:
        """The given answers to this flow's questions, each checked (a draft's: dropped if bad)."""
        for qid in list(state.answers):
            question = flow.questions.get(qid)
            if question is None:
                continue
            where = Location(field=self._places().decision(index, "answers", qid))
            if question.fact:
                if self.strict:
                    raise AnswersError(
                        f"{preview(qid)} is a case fact, not an answer of the flow "
                        f"{preview(flow.id)}.",
                        where,
                        "Give it under `facts`.",
                    )
                state.answers.pop(qid)
                continue
            try:
                state.answers[qid] = engine.check_answer(question, state.answers[qid], where)
            except AnswersError:
                if self.strict:
                    raise
                state.answers.pop(qid)

    def _check_unused(self) -> None:
        """An answers file's answers must each belong to a flow its decision walks."""
        if not self.strict:
            return
        for index, state in enumerate(self.decisions):
            flows = [f for f in state.flows if f.id != FACTS_FLOW]
            walked = [q.id for f in flows for q in f.questions.values() if not q.fact]
            for qid in state.answers:
                if qid not in walked:
                    which = (
                        f"the flow {preview(flows[0].id)}"
                        if len(flows) == 1
                        else "the flows this decision walks ("
                        + ", ".join(preview(f.id) for f in flows)
                        + ")"
                    )
                    raise AnswersError(
                        f"{preview(qid)} is not a question of {which}.",
                        Location(field=self._places().decision(index, "answers", qid)),
                        f"Questions: {', '.join(walked) or 'none'}.",
                    )

    def _hand_off(self, state: DecisionState, handoff: Handoff) -> Question | None:
        """Continue the decision in the flow handed over to, unless it is decided already."""
        target = handoff.flow_id
        for index, other in enumerate(self.decisions):
            if other is not state and target in [f.id for f in other.flows]:
                state.already = index
                flow = self.catalogue.flows[target]
                state.flows.append(flow)
                self.asker.tell(
                    f"This leads to “{flow.faq.heading}”, already decided in this sitting "
                    f"(decision {index + 1}): it is not decided again, and this decision has no "
                    "record of its own."
                )
                self._saved()
                return None
        if target in [f.id for f in state.flows]:
            return self._came_back(state, target)
        if target in self.queue:
            self.queue.remove(target)  # reached by hand-off: not walked again as its own decision
        state.flows.append(self.catalogue.flows[target])
        state.outcome = None
        self._saved()
        self.asker.begin(state.flow)
        return None

    def _came_back(self, state: DecisionState, target: str) -> Question:
        """A hand-off to a flow this decision walked: the answers contradict each other.

        Rather than walk that flow again (or loop for ever), go back to the question that led
        away from it, say why, and let the person change one of the two answers. An answers file
        cannot be asked again, so there it is an error.
        """
        leaving = state.flow
        while state.flow.id != target:
            state.flows.pop()
        self.asker.begin(state.flow)
        question = self._last_step(state)
        assert question is not None  # a flow that handed over answered something
        answer = self._value_of_step(state, question)
        message = (
            f"your answers in “{leaving.title}” lead back here, where you answered "
            f"“{question.label_of(answer) if answer is not None else ''}”. One of the two answers "
            "must change: check this one first."
        )
        if self.strict:
            index = self.decisions.index(state)
            where = (
                self._places().fact(question.id)
                if question.fact
                else self._places().decision(index, "answers", question.id)
            )
            raise AnswersError(message, Location(field=where))
        self.asker.reject(question, message)
        return question

    def _value_of_step(self, state: DecisionState, question: Question) -> Answer | None:
        if question.fact:
            return self.case_of(state).get(question.id)
        return state.answers.get(question.id)

    def _steps(self, state: DecisionState, flow: Flow) -> list[str]:
        """The steps of a flow's path this decision can go back to.

        Its questions and the facts it asked: a fact known before it, from another decision, is
        changed at the review.
        """
        path = engine.trace(flow, state.answers_of(flow), self.case_of(state)).path
        return [q for q in path if not flow.questions[q].fact or q in state.asked]

    def _previous(self, state: DecisionState, current: str) -> tuple[int, str] | None:
        """The step before `current` that this decision may go back to: (flow index, step id)."""
        if self.strict:
            return None
        for index in range(len(state.flows) - 1, -1, -1):
            steps = self._steps(state, state.flows[index])
            if index == len(state.flows) - 1 and current in steps:
                steps = steps[: steps.index(current)]
            if steps:
                return index, steps[-1]
        if self.route and self.decisions and state is self.decisions[0]:
            return -1, ""  # back into the triage, to choose again
        return None

    def _back_to(self, state: DecisionState, back: tuple[int, str]) -> Flow:
        """Go back to an earlier step, in this flow or one that handed over to it."""
        index, _ = back
        while len(state.flows) > index + 1:
            state.flows.pop()
        state.outcome = None
        self.asker.begin(state.flow)
        return state.flow

    def _last_step(self, state: DecisionState) -> Question | None:
        for index in range(len(state.flows) - 1, -1, -1):
            steps = self._steps(state, state.flows[index])
            if steps:
                self._back_to(state, (index, steps[-1]))
                return state.flow.questions[steps[-1]]
        return None

    # --- facts ------------------------------------------------------------------------------

    def _ask_fact(
        self, state: DecisionState | None, question: Question, *, can_go_back: bool
    ) -> Answer | GoBack:
        """Ask a case fact (once for the sitting, or once for the decision), and keep it."""
        book = self.catalogue.facts
        fact = book.facts[question.id]
        per_decision = fact.scope == DECISION and state is not None
        if self.strict:
            raise self._missing(self._places().fact(question.id), question)
        known = self.case_of(state)
        default = known.get(question.id)
        if default is None and per_decision:
            default = self._earlier_decision_value(state, question.id)
        if default is None and question.profile:
            default = self.profile.get(question.profile)
        place = self._place(state if per_decision else None, "facts", question.id)
        while True:
            worded = self._worded_question(question, state)
            reply = self._ask(place, worded, default, can_go_back)
            if isinstance(reply, GoBack):
                return reply
            try:
                value = engine.check_answer(question, reply)
            except AnswersError as exc:
                self.asker.reject(question, exc.message)
                continue
            break
        self.set_fact(question.id, value, state)
        return value

    def _earlier_decision_value(self, state: DecisionState | None, fact_id: str) -> Answer | None:
        for other in reversed(self.decisions):
            if other is not state and fact_id in other.facts:
                return other.facts[fact_id]
        return None

    def set_fact(self, fact_id: str, value: Answer, state: DecisionState | None) -> list[str]:
        """Give (or change) a fact; facts that no longer apply go. Returns the change lines."""
        book = self.catalogue.facts
        fact = book.facts[fact_id]
        holder = state.facts if fact.scope == DECISION and state is not None else self.facts
        before = holder.get(fact_id)
        holder[fact_id] = value
        self.origins[fact_id] = FROM_SITTING
        if state is not None and fact_id not in state.asked:
            state.asked.append(fact_id)
        lines = []
        if before is not None and before != value:
            question = fact.question
            lines.append(
                f"“{question.text}” changed from “{question.label_of(before)}” to "
                f"“{question.label_of(value)}”"
            )
        self._settle_facts()
        self._saved()
        return lines

    def _settle_facts(self) -> None:
        """Facts whose `when` no longer holds do not apply any more: they go (in file order)."""
        book = self.catalogue.facts
        for fact_id, fact in book.facts.items():
            for holder in (self.facts, *(d.facts for d in self.decisions)):
                if fact_id in holder and not engine.applies(
                    fact.question, engine.case_context(book, holder)
                ):
                    del holder[fact_id]

    def facts_read(self) -> list[str]:
        """The sitting's facts some decision reads (or the opening asks), in the file's order."""
        book = self.catalogue.facts
        read = set(book.opening)
        for state in self.decisions:
            case = self.case_of(state)
            for flow in state.flows:
                if flow.id == FACTS_FLOW:
                    continue
                read.update(engine.path_facts(flow, Progress(state.answers_of(flow)), case))
            if state.outcome is not None and state.already is None:
                read.update(f.id for f in self._applicable(state) if f.fact)
        return [f for f in book.facts if f in read and f in self.facts]

    def _worded(self, outcome: Outcome, state: DecisionState | None) -> Outcome:
        return engine.worded_outcome(outcome, self.catalogue.facts.wording, self.case_of(state))

    def _worded_question(self, question: Question, state: DecisionState | None) -> Question:
        return engine.worded_question(question, self.catalogue.facts.wording, self.case_of(state))

    def _missing(self, where: str, question: Question) -> AnswersError:
        kind = "the case fact " if question.fact else ""
        return AnswersError(
            f"no answer to {kind}{preview(question.id)} ({question.text}), which this path needs.",
            Location(field=where),
            "Add it to the answers file.",
        )

    # --- the record form --------------------------------------------------------------------

    def form_context(self, state: DecisionState) -> dict[str, Answer]:
        """What a record field's conditions see: the outcome, the facts and the fields so far."""
        assert state.outcome is not None
        facts = engine.outcome_facts(state.outcome, self.catalogue.record_form.decisions)
        return {**facts, **self.case_of(state), **self.record_values(state)}

    def _applicable(self, state: DecisionState) -> list[Question]:
        assert state.outcome is not None
        facts = {
            **engine.outcome_facts(state.outcome, self.catalogue.record_form.decisions),
            **self.case_of(state),
        }
        return engine.form_fields(
            self.catalogue.record_form.fields, self.record_values(state), facts
        )

    def record_values(self, state: DecisionState) -> dict[str, Answer]:
        """Every record value of a decision: its own fields, the case group and fact fields."""
        values = dict(state.fields)
        values.update(self.case)
        case = self.case_of(state)
        for question in self.catalogue.record_form.fields:
            if question.fact and question.id in case:
                values[question.id] = case[question.id]
        return values

    def _value(self, state: DecisionState, question: Question) -> Answer | None:
        if question.group == CASE_GROUP:
            return self.case.get(question.id)
        if question.fact:
            return self.case_of(state).get(question.id)
        return state.fields.get(question.id)

    def _store(self, state: DecisionState, question: Question, value: Answer) -> None:
        if question.group == CASE_GROUP:
            self.case[question.id] = value
            self.origins[question.id] = FROM_SITTING
        elif question.fact:
            self.set_fact(question.id, value, state)
        else:
            state.fields[question.id] = value

    def _settle_fields(self, state: DecisionState, moved_from: Outcome | None) -> None:
        """Check the record values against the outcome and the facts as they are now.

        Given values are checked (an answers file's refusal is an error naming it); a value a
        field no longer accepts is asked again; after the outcome moved, a field about the
        decision itself (`per_outcome`) is asked again with its old text offered. A field that
        no longer applies is dropped; nothing else typed is wiped.
        """
        if state.outcome is None:
            return
        index = self.decisions.index(state)
        for question in self._applicable(state):
            value = self._value(state, question)
            if value is None or question.fact:
                continue
            context = {**self.form_context(state)}
            context.pop(question.id, None)
            where = Location(field=self._places().decision(index, "record", question.id))
            try:
                checked = engine.check_field(question, value, context, where)
            except AnswersError as exc:
                if self.strict:
                    raise
                self._drop(state, question)
                name = question.label or question.text
                why = engine.refusal(question, value, context) or exc.message
                state.changes.append(
                    f"record field “{name}” asked again: “{question.label_of(value)}” no longer "
                    "fitted the sitting's answers"
                )
                if moved_from is not None or state.given is None:
                    self.asker.tell(
                        f"{self._decision_named(state)}“{name}” is asked again: your answer "
                        f"“{question.label_of(value)}” no longer fits. {why}"
                    )
                continue
            self._store_quietly(state, question, checked)
            if moved_from is not None and question.per_outcome:
                state.offered[question.id] = checked
                self._drop(state, question)
                state.changes.append(
                    f"record field “{question.label or question.text}” asked again: the "
                    "outcome changed"
                )
        self._drop_inapplicable(state)
        if self.strict:
            self._refuse_inapplicable_given(state, index)

    def _decision_named(self, state: DecisionState) -> str:
        """“Decision 2 (its FAQ question): ” when the sitting has several, else nothing."""
        recorded = self._recorded_states()
        if len(recorded) < 2 or state not in recorded:
            return ""
        return f"Decision {self.decisions.index(state) + 1} ({state.flow.faq.heading}): "

    def _store_quietly(self, state: DecisionState, question: Question, value: Answer) -> None:
        if question.group == CASE_GROUP:
            self.case[question.id] = value
        else:
            state.fields[question.id] = value

    def _drop(self, state: DecisionState, question: Question) -> None:
        if question.group == CASE_GROUP:
            self.case.pop(question.id, None)
        else:
            state.fields.pop(question.id, None)

    def _drop_inapplicable(self, state: DecisionState) -> None:
        applicable = {f.id for f in self._applicable(state)}
        for key in list(state.fields):
            if key not in applicable:
                del state.fields[key]

    def _refuse_inapplicable_given(self, state: DecisionState, index: int) -> None:
        """An answers file's record field the outcome does not ask for contradicts the record."""
        if state.given is None:
            return
        applicable = {f.id for f in self._applicable(state)}
        facts = engine.outcome_facts(state.outcome, self.catalogue.record_form.decisions)  # type: ignore[arg-type]
        given = state.given.fields
        for question in self.catalogue.record_form.fields:  # in the form's order
            key = question.id
            if key not in given or key in applicable or given[key] is None:
                continue
            if question.group == CASE_GROUP:
                continue
            raise AnswersError(
                f"{preview(key)} does not apply to the outcome {preview(facts['outcome'])} "
                f"(decision {preview(facts['decision'])}), so it would contradict the record.",
                Location(field=self._places().decision(index, "record", key)),
                "Remove it, or check the answers lead to the outcome you meant.",
            )

    def _fill_fields(
        self, state: DecisionState, at: str | None = None, *, audit: bool = False
    ) -> None:
        """Ask `at` (from the review), then every applicable field of the decision still missing.

        The case group is the sitting's: asked once (its profile values offered), then carried.
        """
        by_id = {f.id: f for f in self.catalogue.record_form.fields}
        skipped: set[str] = set()
        ids = [f.id for f in self._applicable(state)]
        stopped_at = self._stopped_at(state, "record")
        current = at or (stopped_at if stopped_at in ids else self._first_missing(state, skipped))
        while current is not None:
            ids = [f.id for f in self._applicable(state)]
            index = ids.index(current)
            question = by_id[current]
            reply = self._ask_field(state, question, can_go_back=index > 0)
            if isinstance(reply, GoBack):
                earlier = [
                    i for i in ids[:index] if not by_id[i].fact and by_id[i].group != CASE_GROUP
                ]
                current = earlier[-1] if earlier else current
                continue
            if reply is None:
                skipped.add(current)
            elif not self._set_field(state, question, reply, audit=audit):
                continue
            current = self._first_missing(state, skipped)
        self._drop_inapplicable(state)

    def _ask_field(
        self, state: DecisionState, question: Question, *, can_go_back: bool
    ) -> Answer | GoBack | None:
        if self.strict:
            if question.fact:
                raise self._missing(self._places().fact(question.id), question)
            return "" if question.type == "text" and not question.required else None
        offered = self._value(state, question)
        if offered is None:
            offered = state.offered.get(question.id)
        if offered is None and question.profile:
            offered = self.profile.get(question.profile)
        return self._ask(self._place(state, "record", question.id), question, offered, can_go_back)

    def _set_field(
        self, state: DecisionState, question: Question, reply: Answer, *, audit: bool
    ) -> bool:
        context = self.form_context(state)
        context.pop(question.id, None)
        try:
            value = engine.check_answer(question, reply)
        except AnswersError as exc:
            self.asker.reject(question, exc.message)
            return False
        refused = engine.refusal(question, value, context)
        if refused is not None:  # said under the answer: the rule's own words suffice
            self.asker.reject(question, refused)
            return False
        before = self._value(state, question)
        asked_before = [f.id for f in self._applicable(state)]
        self._store(state, question, value)
        state.offered.pop(question.id, None)
        if audit and before is not None and before != value and not question.fact:
            targets = [state] if question.group != CASE_GROUP else self._recorded_states()
            for target in targets:
                target.changes.append(field_change(question, before, value))
            if [f.id for f in self._applicable(state)] != asked_before:
                self._ask_again_about_the_decision(state, keep=question.id)
        self._saved()
        return True

    def _ask_again_about_the_decision(self, state: DecisionState, keep: str) -> None:
        """Ask again about the decision itself (the rationale) when the record questions change.

        An edit at review that switches other questions on or off may leave the rationale
        describing a different decision: it is asked again, its old text offered.
        """
        for question in self.catalogue.record_form.fields:
            if question.per_outcome and question.id != keep and question.id in state.fields:
                state.offered[question.id] = state.fields.pop(question.id)
                state.changes.append(
                    f"record field “{question.label or question.text}” asked again: the "
                    "record questions changed"
                )

    def _first_missing(self, state: DecisionState, skipped: set[str]) -> str | None:
        for question in self._applicable(state):
            if self._value(state, question) is None and question.id not in skipped:
                return question.id
        return None

    def _late_fields(self) -> None:
        """After the last decision: record fields that the facts asked since switched on."""
        for state in self._recorded_states():
            self._settle_fields(state, None)
            if self._first_missing(state, set()) is not None and not self.strict:
                self.asker.begin(state.flow)
            self._fill_fields(state)

    def _recorded_states(self) -> list[DecisionState]:
        return [d for d in self.decisions if d.outcome is not None and d.already is None]

    # --- the review -------------------------------------------------------------------------

    def review_items(self) -> list[ReviewItem]:
        """Every answer of the sitting: facts, the triage, each decision, then the case group."""
        book = self.catalogue.facts
        items = [
            ReviewItem(
                self._worded_question(book.facts[f].question, None),
                self.facts[f],
                "fact",
                origin=self.origins.get(f, FROM_SITTING),
            )
            for f in self.facts_read()
        ]
        for index, segment in enumerate(self.route):
            items += [
                ReviewItem(q, a, "route", index)
                for q, a in engine.path_answers(segment.flow, Progress(segment.answers))
            ]
        for number, state in enumerate(self.decisions):
            case = self.case_of(state)
            for position, flow in enumerate(state.flows):
                if flow.id == FACTS_FLOW:
                    continue
                items += [
                    ReviewItem(q, a, "flow", position, number)
                    for q, a in engine.path_answers(flow, Progress(state.answers_of(flow)), case)
                ]
            if state.outcome is None or state.already is not None:
                continue
            items += [
                ReviewItem(f, state.fields.get(f.id), "record", decision=number)
                for f in self._applicable(state)
                if f.group != CASE_GROUP and not f.fact
            ]
        form = self.catalogue.record_form.fields
        asked_case = {f.id for d in self._recorded_states() for f in self._applicable(d)}
        items += [  # the case group: once, for every record of the sitting
            ReviewItem(f, self.case.get(f.id), "case", origin=self.origins.get(f.id, FROM_SITTING))
            for f in form
            if f.group == CASE_GROUP and f.id in asked_case
        ]
        return items

    def _review(self) -> None:
        """One review of the whole sitting, until the person confirms it and nothing conflicts."""
        while True:
            items = self.review_items()
            choice = self.asker.review(items)
            if choice is None:
                problems = self.conflicts()
                if not problems:
                    return
                for message in problems:
                    self.asker.tell(f"Not accepted: {message}")
                continue
            self._change(items[choice])
            if self.queue:  # a changed outcome's "Also decide now": decided before the review
                self._decide_all()
                self.at = len(self.decisions)
            self._late_fields()

    def _change(self, item: ReviewItem) -> None:
        if item.part == "fact":
            self._change_fact(item.question.id)
        elif item.part == "route":
            self._change_route(item.question.id)
        elif item.part == "case":
            state = self._recorded_states()[0]
            self._fill_fields(state, item.question.id, audit=True)
        elif item.part == "record":
            state = self.decisions[item.decision]
            self.at = item.decision
            self._fill_fields(state, item.question.id, audit=True)
        else:
            state = self.decisions[item.decision]
            self.at = item.decision
            old = state.outcome
            self._back_to(state, (item.segment, item.question.id))
            self._walk_decision(state, state.flow.questions[item.question.id])
            self._after_rewalk(state, old)
        self.at = len(self.decisions)

    def _change_fact(self, fact_id: str) -> None:
        """Change a fact, and walk again every decision that read it."""
        book = self.catalogue.facts
        question = book.facts[fact_id].question
        before = self.facts.get(fact_id)
        readers = [d for d in self.decisions if self._reads(d, fact_id)]
        others = [d for d in self.decisions if d not in readers and d.start != FACTS_FLOW]
        reply = self._ask_fact(None, question, can_go_back=False)
        if isinstance(reply, GoBack) or reply == before:
            return
        lines = (
            [
                f"“{question.text}” changed from “{question.label_of(before)}” to "
                f"“{question.label_of(reply)}”"
            ]
            if before is not None
            else []
        )
        target = book.facts[fact_id].stops_at(reply)
        if target is not None:
            self._stop_at(book.outcomes[target])
            return
        if fact_id in book.opening and self.decisions and self.decisions[0].start == FACTS_FLOW:
            self.decisions = []  # the opening no longer stops the sitting: walk it on
            self._route()
            self._decide_all()
            return
        for state in [*readers, *others]:  # a decision that did not read it may read it now
            if state in readers:
                state.changes += lines
            self.at = self.decisions.index(state)
            old = state.outcome
            state.flows, state.already = state.flows[:1], None
            self._walk_decision(state, announce=False)
            if state.outcome != old and state.outcome is not None:
                self._walk_decision(state, announce=True)  # the person sees where it leads now
            self._after_rewalk(state, old)

    def _reads(self, state: DecisionState, fact_id: str) -> bool:
        """Whether a decision read a fact: on its path, or as a field of its record form."""
        case = self.case_of(state)
        for flow in state.flows:
            if flow.id != FACTS_FLOW and fact_id in engine.path_facts(
                flow, Progress(state.answers_of(flow)), case
            ):
                return True
        if state.outcome is None or state.already is not None:
            return False
        return any(f.id == fact_id and f.fact for f in self._applicable(state))

    def _after_rewalk(self, state: DecisionState, old: Outcome | None) -> None:
        """After a decision was walked again: log a moved outcome; keep what still applies."""
        if state.already is not None:
            state.fields.clear()
            return
        moved = old is not None and state.outcome is not None and state.outcome.id != old.id
        if moved:
            assert old is not None and state.outcome is not None
            state.changes.append(
                f"outcome changed from “{self._worded(old, state).title}” to "
                f"“{self._worded(state.outcome, state).title}”"
            )
        self._settle_fields(state, old if moved else None)
        self._fill_fields(state)

    def _change_route(self, question_id: str) -> None:
        """Change the triage: decisions for flows no longer chosen are put aside, new ones asked."""
        entry = self.route[0].flow
        answers = dict(self.route[0].answers)
        handoff = self._walk_route(entry, answers, entry.questions[question_id])
        self._apply_queue(handoff.flow_ids)
        self._decide_all()

    def _decide_all(self, *, record_fields: bool = True) -> None:
        """Each decision the triage chose, in turn.

        Back from the first decision's first question returns to the triage, to choose again.
        """
        while True:
            try:
                while self._next_decision():
                    self._decide(self.decisions[-1], record_fields=record_fields)
                return
            except _BackToRoute:
                entry = self.route[0].flow
                answers = dict(self.route[0].answers)
                last = engine.trace(entry, answers, self.case_of(None)).path[-1]
                handoff = self._walk_route(entry, answers, entry.questions[last])
                self._apply_queue(handoff.flow_ids)

    # --- conflicts ------------------------------------------------------------------------

    def conflicts(self) -> list[str]:
        """Each contradiction between two decisions of the sitting, naming both and why."""
        states = self._recorded_states()
        found = []
        for conflict in self.catalogue.facts.conflicts:
            for first in states:
                for second in states:
                    if first is second:
                        continue
                    if engine.holds(conflict.first, self.form_context(first)) and engine.holds(
                        conflict.second, self.form_context(second)
                    ):
                        found.append(
                            f"decision {self.decisions.index(first) + 1} "
                            f"(“{self._worded(first.outcome, first).title}”) and decision "  # type: ignore[arg-type]
                            f"{self.decisions.index(second) + 1} "
                            f"(“{self._worded(second.outcome, second).title}”) contradict each "  # type: ignore[arg-type]
                            f"other: {conflict.says} Change an answer of one of them."
                        )
        return found

    def _check_conflicts(self) -> None:
        problems = self.conflicts()
        if problems and self.strict:
            raise AnswersError(problems[0], Location(field="decisions"))

    def _segments(self, state: DecisionState) -> list[Segment]:
        """The flows walked before this decision's outcome flow: the triage, then hand-offs."""
        case = self.case_of(state)
        segments = list(self.route)
        for flow in state.flows[:-1]:
            segments.append(Segment(flow, engine.kept_answers(flow, state.answers_of(flow), case)))
        return segments

    def _on_path(self, state: DecisionState, qid: str) -> bool:
        case = self.case_of(state)
        return any(
            qid in engine.trace(flow, state.answers_of(flow), case).path
            for flow in state.flows
            if flow.id != FACTS_FLOW
        )


def check_given_answers(catalogue: Catalogue, given: Given, entry: str, *, skip: int = 0) -> None:
    """Each answer given for a decision is a question of some flow, with an answer it takes.

    Checked before anything is asked, so that a file or a draft the flows have outgrown is
    refused at once, naming the place. (The answers are checked again, against the very flow
    that asks them, as the decision walks it.) `skip`: decisions recorded already.
    """
    flows = catalogue.flows
    places = given.places or Places()
    for index, part in enumerate(given.decisions):
        if index < skip:
            continue
        start = flows.get(part.flow_id) if part.flow_id else None
        for qid, value in part.answers.items():
            where = Location(field=places.decision(index, "answers", qid))
            if start is not None and qid in start.questions:
                owners = [start]
            else:
                owners = [f for f in flows.values() if qid in f.questions]
            if any(f.questions[qid].fact for f in owners):
                continue  # a fact given as an answer: refused or dropped as its flow is walked
            if not owners:
                name = start.id if start is not None else (part.flow_id or entry)
                asked = [q.id for q in start.questions.values() if not q.fact] if start else []
                raise AnswersError(
                    f"{preview(qid)} is not a question of the flow {preview(name)}.",
                    where,
                    f"Questions: {', '.join(asked)}." if asked else "",
                )
            problems = []
            for flow in owners:
                try:
                    engine.check_answer(flow.questions[qid], value, where)
                    break
                except AnswersError as exc:
                    problems.append(exc)
            else:
                raise problems[0]


class _BackToRoute(Exception):
    """Back from the first question of the first decision: to the triage, to choose again."""


def field_change(question: Question, before: Answer, after: Answer) -> str:
    """The audit line of a changed record field (typed text: only that it was edited)."""
    name = f"record field “{question.label or question.text}”"
    return engine.change_line(name, question, before, after)


class ScriptedAsker:
    """Asks nothing: an answers file holds every answer, and the session says what is missing.

    The session never asks it a question (it is strict); it confirms the review and refuses
    nothing on its own.
    """

    def ask(
        self, question: Question, default: Answer | None, can_go_back: bool, *, kept: bool = False
    ) -> Answer | GoBack:
        """Never called: a strict session raises for a missing answer instead."""
        raise AssertionError(f"an answers file is not asked ({question.id})")

    def review(self, items: list[ReviewItem]) -> int | None:
        """Nothing to review: confirm."""
        return None

    def announce(
        self,
        flow: Flow,
        outcome: Outcome,
        offers: Sequence[Flow] = (),
        queued: Sequence[Flow] = (),
    ) -> GoBack | StopNow | AlsoDecide | None:
        """Nobody to tell: the file says which flows each decision added (`also`)."""
        return None

    def begin(self, flow: Flow) -> None:
        """Nobody to tell."""

    def tell(self, message: str) -> None:
        """Nobody to tell."""

    def reject(self, question: Question, message: str) -> None:
        """A file cannot be asked again: never called (the session raises instead)."""
        raise AnswersError(message, Location(field=question.id))
