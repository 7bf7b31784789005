"""Immutable data the rest of the package passes around: flows, questions, outcomes, sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
class FieldRule:
    """Answers a record field refuses (or accepts with a warning) when `when` holds, and why."""

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
    refuse: tuple[FieldRule, ...] = ()
    warn: tuple[FieldRule, ...] = ()
    per_outcome: bool = False
    fact: bool = False  # a case fact (flows/facts.yaml): a fact node, or a record field
    profile: str = ""  # the user's profile value offered for it: role, organisation, practitioner

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
    now: str = ""  # what goes ahead now, while something waits or is held back
    further: str = ""  # more detail: shown with --verbose and in the record
    urgent: bool = False  # call 999: the menu after it stops by default

    @property
    def texts(self) -> tuple[tuple[str, str], ...]:
        """(part, text) of every piece of the outcome people read, in the order shown."""
        parts = [("title", self.title), ("summary", self.summary)]
        parts += [(f"actions.{i}", action) for i, action in enumerate(self.actions)]
        parts += [(name, text) for name, text in (("now", self.now), ("further", self.further))]
        return tuple((name, text) for name, text in parts if text)


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
    tone: str = ""  # how summaries colour it: urgent, share, hold, advice, none...


@dataclass(frozen=True)
class RecordForm:
    """The questions asked after an outcome to complete the decision record."""

    fields: tuple[Question, ...]
    disclaimer: str
    path: Path
    decisions: dict[str, DecisionTerm]


# --- the case facts of a sitting (flows/facts.yaml) ---------------------------------------------

#: A fact is asked once per sitting (the default), or once per decision that reads it.
SITTING, DECISION = "sitting", "decision"


@dataclass(frozen=True)
class Fact:
    """Something about the case or the user that several flows read, asked once.

    `question` holds its text, help, guidance, choices and `when` (asked only where it holds;
    otherwise the fact is absent). `stop` maps an answer to an outcome of the facts file that
    ends the decision (immediate danger: call 999).
    """

    question: Question
    stop: tuple[tuple[str, str], ...] = ()
    scope: str = SITTING

    @property
    def id(self) -> str:
        """The fact's id (also the id of its fact nodes in flows)."""
        return self.question.id

    def stops_at(self, value: Answer) -> str | None:
        """The outcome id this answer stops at, if it is a stop."""
        return next((outcome for answer, outcome in self.stop if answer == value), None)


@dataclass(frozen=True)
class DerivedFact:
    """A named condition over facts, read in conditions like a yes/no fact."""

    id: str
    text: str
    when: Condition


@dataclass(frozen=True)
class Wording:
    """`{name}` in outcome and help text: the words for the value of one fact."""

    name: str
    fact: str
    values: tuple[tuple[str, str], ...]
    default: str | None = None  # when the fact is unknown (None: the fact must be known)

    def words(self, value: Answer | None) -> str | None:
        """The words for a value of the fact; the default when it is unknown."""
        found = next((words for v, words in self.values if v == value), None)
        return found if found is not None else self.default


@dataclass(frozen=True)
class Conflict:
    """Two decisions of one sitting that contradict each other, and why (`says`).

    `first` holds for one decision, `second` for another: the sitting is refused before any
    record is written.
    """

    id: str
    says: str
    first: Condition
    second: Condition


@dataclass(frozen=True)
class CaseFacts:
    """`flows/facts.yaml`: the facts, derived facts, opening, its outcomes, wording, conflicts."""

    version: str = ""
    title: str = ""
    facts: Mapping[str, Fact] = field(default_factory=dict)
    derived: Mapping[str, DerivedFact] = field(default_factory=dict)
    opening: tuple[str, ...] = ()
    outcomes: Mapping[str, Outcome] = field(default_factory=dict)
    wording: Mapping[str, Wording] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    path: Path | None = None
    sha256: str = ""


#: The id a record gives the facts file when the opening ended a decision (call 999).
FACTS_FLOW = "facts"


# --- the guidance's safety rules (flows/policy.yaml; proved by lint, issue 23) ----------------


@dataclass(frozen=True)
class PolicyTerm:
    """A property of an outcome's words, usable in policy conditions (`tells-to-ask-dsl`)."""

    id: str
    mentions: tuple[str, ...] = ()  # yes when the outcome's text mentions any of these
    parts: tuple[str, ...] = ()  # which parts of the outcome (`in:`); empty: all of them
    has: tuple[str, ...] = ()  # yes when the outcome has every one of these parts


@dataclass(frozen=True)
class PolicyRule:
    """One safety rule: where `when` holds, `require` must (or `first`/`second` never both)."""

    id: str
    says: str
    rests_on: tuple[Citation, ...]
    at: str  # outcome | first-question | record | sitting
    when: Condition | None = None
    require: Condition | None = None
    first: Condition | None = None
    second: Condition | None = None


@dataclass(frozen=True)
class Policy:
    """`flows/policy.yaml`: the rules lint proves over every path, and the terms they use."""

    version: str
    rules: tuple[PolicyRule, ...]
    terms: Mapping[str, PolicyTerm]
    path: Path | None = None


@dataclass(frozen=True)
class Catalogue:
    """Everything under one flows directory: sources, flows, the record form and case facts."""

    directory: Path
    sources: dict[str, Source]
    flows: dict[str, Flow]
    record_form: RecordForm
    triage: str | None = None
    facts: CaseFacts = field(default_factory=CaseFacts)
    policy: Policy | None = None


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
class DecisionDraft:
    """One decision of a sitting as a draft or an answers file holds it.

    `flow_id` is the flow it starts in (None: the opening stopped it); `answers` are the answers
    to the questions of every flow it walked; `facts` its own facts (those asked per decision).
    `outcome`, `decision` and `flow` say where it ended, when it did; `also` the flows its outcome
    added to the sitting ("Also decide now"), decided next.
    """

    flow_id: str | None
    answers: Mapping[str, Answer]
    fields: Mapping[str, Answer]
    facts: Mapping[str, Answer] = field(default_factory=dict)
    outcome: str | None = None
    decision: str | None = None
    flow: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class HalfTyped:
    """Text typed at a question when the walk stopped, never confirmed with Enter: not an answer.

    `field` is where its answer would go in an answers file (`decisions.0.record.rationale`). A
    resumed walk offers the text there, to keep or edit; nothing else ever reads it.
    """

    field: str
    text: str


@dataclass(frozen=True)
class Draft:
    """A sitting stopped part way: enough to resume it, and the shape of an answers file."""

    entry: str  # the flow the sitting started in (the triage, or a flow named)
    facts: Mapping[str, Answer]
    decisions: tuple[DecisionDraft, ...] = ()
    route: tuple[tuple[str, Mapping[str, Answer]], ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)  # facts and case fields not asked
    queue: tuple[str, ...] = ()
    at: int = 0  # the decision under way (past the last: the review)
    half_typed: HalfTyped | None = None  # what was being typed when it stopped

    @property
    def answered(self) -> int:
        """How many answers it holds: facts, the triage's and every decision's."""
        route = sum(len(answers) for _, answers in self.route)
        return len(self.facts) + route + sum(len(d.answers) for d in self.decisions)


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
    facts: Mapping[str, Answer] = field(default_factory=dict)  # the case, as it read it
    index: int = 0  # its place among the sitting's decisions
