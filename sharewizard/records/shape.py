"""The shape of a decision record, as TypedDicts: what `build_record` makes and renderers read.

Typed here, below both, so that a renderer and the builder agree on every key (mypy checks
`record["outcome"]["decision"]`), and `record.schema.json` says the same for files.
"""

from __future__ import annotations

from typing import Any, TypedDict


class FlowRef(TypedDict):
    """Which flow, at which version and content, a record came from."""

    id: str
    version: str
    title: str
    sha256: str
    faq: dict[str, Any]


class AnswerRow(TypedDict):
    """One answered question, as the user saw it."""

    question: str
    text: str
    answer: str | list[str]
    answer_label: str


class RouteSegment(TypedDict):
    """A flow walked before this decision's flow in the same sitting (the triage)."""

    flow: FlowRef
    answers: list[AnswerRow]


class CitationRow(TypedDict):
    """A verbatim quote with its source described in full."""

    source: str
    title: str
    publisher: str
    edition: str
    url: str
    section: str
    quote: str


class _OutcomeExtras(TypedDict, total=False):
    """Outcome keys of version 3 records (case facts): what goes ahead now, more detail."""

    now: str
    further: str
    tone: str


class OutcomeRow(_OutcomeExtras):
    """The outcome reached (worded for the user's role), with its decision in words."""

    id: str
    decision: str
    decision_label: str
    shares: bool
    without_consent: bool
    title: str
    summary: str
    actions: list[str]
    citations: list[CitationRow]
    related_flows: list[str]


class FieldRow(TypedDict):
    """One record field that applies to the outcome: its label, question and answer."""

    id: str
    label: str
    question: str
    group: str
    value: str | list[str] | None
    text: str | None


#: A case fact of the sitting, as the user saw it, and where it came from (`from`: "asked" in
#: the sitting, "profile" from the user's profile, "file" from an answers file).
FactRow = TypedDict(
    "FactRow", {"id": str, "question": str, "answer": str, "label": str, "from": str}
)


class _SittingExtras(TypedDict, total=False):
    """Sitting keys of version 3 records: how many records, and the case facts."""

    of: int
    facts: list[FactRow]


class Sitting(_SittingExtras):
    """Decisions made together: one id, and which part of the sitting this record is."""

    id: str
    part: int
    flows: list[str]


class _Optional(TypedDict, total=False):
    """Record keys only some records carry."""

    training: bool  # made in `sharewizard train`: practice, not a real decision
    created_at_local: str  # `created_at` in the maker's local time, with its offset
    signature: dict[str, str]
    warnings: list[str]  # version 3: true answers that sit badly with the outcome


class Record(_Optional):
    """A decision record, as written to disk (JSON) and checksummed."""

    schema_version: int
    record_id: str
    created_at: str
    tool: dict[str, str]
    disclaimer: str
    flows: str  # "packaged": the flows shipped with sharewizard; "custom": from --flows
    sitting: Sitting
    flow: FlowRef
    route: list[RouteSegment]
    answers: list[AnswerRow]
    outcome: OutcomeRow
    changes: list[str]
    fields: list[FieldRow]
    missing: list[str]
    checksum: str
