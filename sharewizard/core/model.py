"""Immutable data the rest of the package passes around: flows, questions, outcomes, sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: An answer: a choice value or free text (str), or the chosen values of a multiple choice.
Answer = str | tuple[str, ...]

#: A `next` target of this form hands the walk over to another flow.
HANDOFF_PREFIX = "flow:"

YES, NO, NOT_SURE = "yes", "no", "not-sure"


@dataclass(frozen=True)
class Source:
    """A document the flows cite, declared once in `sources.yaml`."""

    id: str
    title: str
    publisher: str
    edition: str
    url: str


@dataclass(frozen=True)
class Citation:
    """A verbatim quote from a source, with the section it comes from."""

    source: str
    section: str
    quote: str


@dataclass(frozen=True)
class Condition:
    """A declarative test on earlier answers: `equals` (any of `values`), `all`, `any` or `not`."""

    kind: str
    question: str = ""
    values: tuple[str, ...] = ()
    parts: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Route:
    """Go to `goto` (a question, an outcome or `flow:<id>`) when `when` holds (or always)."""

    goto: str
    when: Condition | None = None


@dataclass(frozen=True)
class Refusal:
    """Answers a record field refuses when `when` holds, and the message that says why."""

    values: tuple[str, ...]
    message: str
    when: Condition | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a yes/no, single or multiple choice question."""

    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Question:
    """One question of a flow or of the record form."""

    id: str
    text: str
    type: str
    choices: tuple[Choice, ...] = ()
    routes: tuple[Route, ...] = ()
    help: str = ""
    guidance: tuple[Citation, ...] = ()
    required: bool = True
    min_length: int = 0
    max_length: int | None = None
    when: Condition | None = None
    fan_out: bool = False
    label: str = ""
    group: str = "sharing"
    refuse: tuple[Refusal, ...] = ()
    per_outcome: bool = False

    def choice(self, value: str) -> Choice | None:
        """The choice with this value, if the question has one."""
        return next((c for c in self.choices if c.value == value), None)

    def label_of(self, answer: Answer) -> str:
        """The answer as the user saw it: choice labels rather than values."""
        if isinstance(answer, tuple):
            return ", ".join(self.label_of(value) for value in answer)
        chosen = self.choice(answer) if self.choices else None
        return chosen.label if chosen else answer


@dataclass(frozen=True)
class Outcome:
    """Where a walk ends: the decision, what to do and the guidance behind it."""

    id: str
    decision: str
    title: str
    summary: str
    actions: tuple[str, ...]
    citations: tuple[Citation, ...]
    related_flows: tuple[str, ...] = ()
    without_consent: bool = False


@dataclass(frozen=True)
class Handoff:
    """A walk that continues in other flows, in turn (the triage flow ends this way)."""

    flow_ids: tuple[str, ...]

    @property
    def flow_id(self) -> str:
        """The flow walked next."""
        return self.flow_ids[0]


@dataclass(frozen=True)
class Faq:
    """The FAQ question a flow implements; `number` is None for triage."""

    number: int | None
    question: str

    @property
    def heading(self) -> str:
        """`FAQ 4: Do I need consent...?`, or the question alone (triage has no number)."""
        return f"FAQ {self.number}: {self.question}" if self.number else self.question


@dataclass(frozen=True)
class Flow:
    """A parsed, validated flow file."""

    id: str
    version: str
    title: str
    description: str
    faq: Faq
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    path: Path
    sha256: str


Step = Question | Outcome | Handoff


@dataclass(frozen=True)
class DecisionTerm:
    """One word of the decision vocabulary (`decisions:` in record.yaml)."""

    id: str
    label: str
    shares: bool


@dataclass(frozen=True)
class RecordForm:
    """The questions asked after an outcome to complete the decision record."""

    fields: tuple[Question, ...]
    disclaimer: str
    path: Path
    decisions: dict[str, DecisionTerm]


@dataclass(frozen=True)
class Catalogue:
    """Everything under one flows directory: sources, flows and the record form."""

    directory: Path
    sources: dict[str, Source]
    flows: dict[str, Flow]
    record_form: RecordForm
    triage: str | None = None


# --- the walk: what a session has answered, and what it hands on --------------------------------


@dataclass(frozen=True)
class Progress:
    """The answers given so far (in the order the path asks them) and the audit of changes."""

    answers: Mapping[str, Answer]
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A flow walked before a hand-off (the triage), kept in the record for audit."""

    flow: Flow
    answers: Mapping[str, Answer]
    queue: tuple[str, ...] = ()  # the flows still to walk when this segment handed over


@dataclass(frozen=True)
class Draft:
    """A walk stopped part way: enough to resume it, and the shape of an answers file."""

    flow_id: str
    answers: Mapping[str, Answer]
    fields: Mapping[str, Answer]
    route: tuple[tuple[str, Mapping[str, Answer]], ...] = ()
    queue: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A finished walk: the flow, its answers, the outcome, the record fields and the audit."""

    flow: Flow
    progress: Progress
    outcome: Outcome
    fields: Mapping[str, Answer]
    route: tuple[Segment, ...] = ()
    changes: tuple[str, ...] = ()
    queue: tuple[str, ...] = ()  # flows chosen in the same sitting, still to walk
