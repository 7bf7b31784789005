"""What a person is asked in each recorded sitting (issue 22): its questions, counted as asked.

Each answers file is walked through the real `Session`, not replayed: a `FileAsker` stands in
for the person at the terminal and answers every question the session asks from the file. So a
fact the session asked twice is counted twice, and a record field the session asks although the
file leaves it empty is counted too. `run.py` prints the table; the tests use `FileAsker` to play
a person who changes an answer at the review.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sharewizard.core.model import DECISION, Answer, Catalogue, Flow, Outcome, Question
from sharewizard.flowfiles.answers import AnswersFile, load_answers
from sharewizard.walk.decide import entry_of
from sharewizard.walk.session import CASE_GROUP, GoBack, ReviewItem, Session, StopNow

#: The issue's targets: no fact asked twice in a sitting; at most this many record questions per
#: decision (median): FAQ 7's what, with whom, how, when, lawful basis and rationale, and one more.
MEDIAN_RECORD_QUESTIONS = 7

#: What a question asked is: a case fact, the triage, a flow's own question, a record field of the
#: decision, or the case group (case reference, practitioner, organisation: once a sitting).
FACT, ROUTE, FLOW, RECORD, CASE = "fact", "route", "flow", "record", "case"


class NoAnswer(LookupError):
    """The session asked something the answers file does not answer."""


@dataclass(frozen=True)
class Ask:
    """One question as the session asked it: of which decision, what kind, and what it offered."""

    decision: int
    kind: str
    question: str
    offered: Answer | None


@dataclass
class FileAsker:
    """A person at the terminal answering from an answers file.

    `first` gives other answers the first time a question is asked (the person changes them at
    the review); `review_changes` names, in order, the question the person changes at each
    review, before confirming the next one. Everything asked, announced and said is kept.
    """

    answers: AnswersFile
    first: Mapping[str, Answer] = field(default_factory=dict)
    review_changes: Sequence[str] = ()
    asks: list[Ask] = field(default_factory=list)
    announced: list[tuple[int, str]] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    reviews: int = 0
    session: Session | None = None
    _decision: int = 0
    _used: set[str] = field(default_factory=set)

    def attach(self, session: Session) -> Session:
        """The session this person answers (to know which decision a question belongs to)."""
        self.session = session
        return session

    # --- the Asker protocol -------------------------------------------------------------------

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Answer from the file (or from `first`, the first time), and count the question."""
        kind = self._kind(question)
        self.asks.append(Ask(self._current(), kind, question.id, default))
        if question.id in self.first and question.id not in self._used:
            self._used.add(question.id)
            return self.first[question.id]
        return self._from_file(question, kind)

    def review(self, items: list[ReviewItem]) -> int | None:
        """Change the next question of `review_changes`, or confirm."""
        self.reviews += 1
        if self.reviews > len(self.review_changes):
            return None
        wanted = self.review_changes[self.reviews - 1]
        return next(i for i, item in enumerate(items) if item.question.id == wanted)

    def announce(
        self, flow: Flow, outcome: Outcome, offers: Sequence[Flow] = (), queued: Sequence[Flow] = ()
    ) -> GoBack | StopNow | None:
        """Note where the decision leads, and go on (no other question offered is taken)."""
        self.announced.append((self._current(), outcome.id))
        return None

    def reject(self, question: Question, message: str) -> None:
        """The file's answer was refused: it does not fit the sitting."""
        raise NoAnswer(f"{self.answers.path}: {question.id} refused: {message}")

    def begin(self, flow: Flow) -> None:
        """A flow starts: the questions that follow are its decision's."""
        session = self._session()
        for index, state in enumerate(session.decisions):
            if state.flow.id == flow.id and state.already is None:
                self._decision = index

    def tell(self, message: str) -> None:
        """Keep what the session says."""
        self.told.append(message)

    # --- which question, and its answer --------------------------------------------------------

    def _session(self) -> Session:
        assert self.session is not None, "attach the session first"
        return self.session

    def _current(self) -> int:
        """The decision under way (after the last decision: the one whose form is being filled)."""
        session = self._session()
        return session.at if session.at < len(session.decisions) else self._decision

    def _kind(self, question: Question) -> str:
        session = self._session()
        if question.id in session.catalogue.facts.facts:
            return FACT
        entry = session.catalogue.flows[session.entry]
        if question.id in entry.questions and any(q.fan_out for q in entry.questions.values()):
            return ROUTE  # the triage
        decisions = session.decisions
        index = self._current()
        form = {f.id: f for f in session.catalogue.record_form.fields}
        # A decision walked again after the review still has its old outcome: its flow's
        # questions are asked then too.
        if index < len(decisions) and decisions[index].outcome is not None and question.id in form:
            return CASE if form[question.id].group == CASE_GROUP else RECORD
        return FLOW

    def _from_file(self, question: Question, kind: str) -> Answer:
        index = self._current()
        parts = self.answers.parts
        part = parts[index] if index < len(parts) else None
        if kind == FACT:
            facts = {**self.answers.facts, **(part.facts if part else {})}  # a decision's own
            value = facts.get(question.id)
        elif kind == ROUTE:
            value = next((a[question.id] for _, a in self.answers.route if question.id in a), None)
        elif kind == CASE:
            value = next((p.record[question.id] for p in parts if question.id in p.record), None)
        elif kind == RECORD:
            value = part.record.get(question.id) if part else None
        else:
            value = part.answers.get(question.id) if part else None
        if value is None and kind in (RECORD, CASE) and not question.required:
            return ""  # an optional field left empty: Enter
        if value is None:
            raise NoAnswer(
                f"{self.answers.path}: decision {index + 1} is asked {kind} {question.id!r}, "
                "which the file does not answer"
            )
        return tuple(value) if isinstance(value, list) else value


# --- one sitting, and the table ----------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """What one sitting asked: per decision, before its outcome and in its record form."""

    path: Path
    before: tuple[int, ...]  # questions before each decision's outcome (the opening and the
    #                          triage count for the first)
    record: tuple[int, ...]  # each decision's record questions (the case group aside)
    case: tuple[int, ...]  # the case group's questions in each decision's form (the sitting's:
    #                        asked once, in the first form)
    twice: tuple[str, ...]  # facts asked more than once (a sitting's: at all; a decision's: in it)


def sitting_asks(catalogue: Catalogue, path: Path) -> Asked:
    """Walk one answers file through the real session as a person, counting what is asked."""
    answers = load_answers(path)
    asker = FileAsker(answers)
    # The file is not given to the session (it would then ask nothing): only where the sitting
    # starts comes from it, and every answer is asked.
    session = asker.attach(Session(catalogue, asker, entry_of(catalogue, answers)))
    session.run()
    return counted(catalogue, path, asker.asks, len(session.decisions))


def counted(catalogue: Catalogue, path: Path, asks: Iterable[Ask], decisions: int) -> Asked:
    """The counts of one sitting's questions."""
    before, record, case = [0] * decisions, [0] * decisions, [0] * decisions
    facts: Counter[tuple[str, int]] = Counter()
    book = catalogue.facts.facts
    for ask in asks:
        if ask.kind == CASE:
            case[ask.decision] += 1
        elif ask.kind == RECORD:
            record[ask.decision] += 1
        else:
            before[ask.decision] += 1
        if ask.kind == FACT:
            scope = ask.decision if book[ask.question].scope == DECISION else -1
            facts[ask.question, scope] += 1
    twice = tuple(sorted({fact for (fact, _), n in facts.items() if n > 1}))
    return Asked(path, tuple(before), tuple(record), tuple(case), twice)


def recorded_files(root: Path) -> list[Path]:
    """Every recorded answers file of the shipped flows, but those that must be refused."""
    found = sorted((root / "tests" / "answers").rglob("*.yaml"))
    found += sorted((root / "examples" / "cases").glob("*.yaml"))
    return [p for p in found if "refused" not in load_answers(p).expect]


def table(sittings: Sequence[Asked]) -> list[str]:
    """The Markdown table of issue 22: what the recorded sittings ask, against the targets."""
    before = [n for s in sittings for n in s.before]
    record = [n for s in sittings for n in s.record]
    with_case = [r + c for s in sittings for r, c in zip(s.record, s.case, strict=True)]
    case = [sum(s.case) for s in sittings]
    twice = [f"{s.path.name}: {f}" for s in sittings for f in s.twice]
    median = statistics.median(record)

    def row(what: str, values: list[int], target: str = "-", met: str = "-") -> str:
        return f"| {what} | {statistics.median(values):g} | {max(values)} | {target} | {met} |"

    return [
        f"{len(sittings)} recorded sittings, {len(before)} decisions, walked through the session "
        "as a person answering from each file:",
        "",
        "| questions asked | median | max | target | met |",
        "|---|---:|---:|---|---|",
        row("before the outcome, per decision (the opening and triage in the first)", before),
        row(
            "record questions per decision (the case group aside)",
            record,
            f"median <= {MEDIAN_RECORD_QUESTIONS}",
            "yes" if median <= MEDIAN_RECORD_QUESTIONS else "**no**",
        ),
        row("the case group (case reference, your role, organisation), once a sitting", case),
        row("record questions per decision, the case group included", with_case),
        f"| facts asked more than once in a sitting | {len(twice)} | - | 0 | "
        f"{'yes' if not twice else '**no**: ' + '; '.join(twice)} |",
    ]


def main(root: Path) -> list[Asked]:
    """Count every recorded sitting of the shipped flows."""
    from sharewizard.flowfiles.loader import load_catalogue

    catalogue = load_catalogue(root / "flows")
    return [sitting_asks(catalogue, path) for path in recorded_files(root)]
