"""From a decision record to its register row: the one place that reads a record's shape.

`register_row` is the only function that knows where a record keeps its flow, decision, role,
organisation, case and sitting, for every record schema version the register reads; a new
version is one edit there. What counts as a decision "for now" (an open loop) is stated here
once, in `FOR_NOW_DECISIONS` and `FOR_NOW_FIELDS`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from sharewizard.core.errors import RecordError

#: Decisions "for now": each waits for a later decision in the same case. A record's decision is
#: looked up first, then its record fields (field id, value).
FOR_NOW_DECISIONS = {
    "seek-advice": "seek advice",
    "revise-before-sharing": "revise before sharing",
}
FOR_NOW_FIELDS = {
    ("family_informed", "not-yet"): "family not told yet",
    ("young_person_informed", "not-yet"): "child not told yet",
    ("family_permission", "not-yet"): "family not asked yet",  # version 2 records
}
#: The record schema versions the register reads: 3 adds the sitting's facts and warnings, which
#: the register keeps with the record's content but does not count by.
READS = (2, 3)
FIELD_STATES = ("filled", "empty", "missing")  # missing: empty, and the guidance asks for it


@dataclass(frozen=True)
class RegisterRow:
    """What the register keeps of a record beside its content: the columns it counts by."""

    record_id: str
    checksum: str
    schema_version: int
    created_at: str
    month: str  # YYYY-MM of created_at (UTC)
    flow: str
    flow_title: str
    flow_version: str
    outcome: str
    decision: str
    decision_label: str
    shares: int  # 1 when the decision shares information, else 0
    organisation: str | None
    role: str | None
    case_reference: str | None
    case_key: str  # the case a later decision must share: its reference, else its sitting
    sitting_id: str
    sitting_part: int
    sitting_parts: int
    for_now: str | None  # the kind of open loop (see FOR_NOW_*), or None
    training: int  # 1 for a training record: kept apart, never counted as a decision
    signed_by: str | None


COLUMNS = tuple(f.name for f in fields(RegisterRow))


@dataclass(frozen=True)
class Entry:
    """A record ready for the register: its row, its field states and its content, compressed.

    Made wherever the record is (a replay worker process), so the process that writes the
    database only inserts.
    """

    row: RegisterRow
    field_states: tuple[tuple[str, str], ...]  # (field id, one of FIELD_STATES)
    content: bytes

    def values(self) -> tuple[Any, ...]:
        """The row's values in `COLUMNS` order."""
        return tuple(getattr(self.row, name) for name in COLUMNS)  # astuple would deep-copy


def register_row(record: Mapping[str, Any]) -> RegisterRow:
    """The register row of a record of any schema version the register reads (2 and 3).

    Raises `RecordError` for a version it does not know. Both keep the practitioner's role and
    organisation, and the case reference, as record fields.
    """
    version = record.get("schema_version")
    if version not in READS or isinstance(version, bool):
        raise RecordError(f"schema_version {version!r}: the register reads versions 2 and 3.")
    values = {row["id"]: row["value"] for row in record["fields"]}
    outcome = record["outcome"]
    sitting = record["sitting"]
    signature = record.get("signature")
    case_reference = _text(values.get("case_reference"))
    return RegisterRow(
        record_id=record["record_id"],
        checksum=record["checksum"],
        schema_version=version,
        created_at=record["created_at"],
        month=record["created_at"][:7],
        flow=record["flow"]["id"],
        flow_title=record["flow"]["title"],
        flow_version=str(record["flow"]["version"]),
        outcome=outcome["id"],
        decision=outcome["decision"],
        decision_label=outcome["decision_label"],
        shares=int(bool(outcome["shares"])),
        organisation=_text(values.get("organisation")),
        role=_text(values.get("practitioner_role")),
        case_reference=case_reference,
        case_key=f"case:{case_reference.casefold()}"
        if case_reference
        else f"sitting:{sitting['id']}",
        sitting_id=sitting["id"],
        sitting_part=int(sitting["part"]),
        sitting_parts=len(sitting["flows"]),
        for_now=for_now(outcome["decision"], values),
        training=int(record.get("training") is True),
        signed_by=signature.get("key") if isinstance(signature, dict) else None,
    )


def field_states(record: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Each record field that applies to the outcome: filled, empty, or missing (required)."""
    missing = set(record["missing"])
    return tuple(
        (
            row["id"],
            "missing" if row["id"] in missing else "empty" if _empty(row["value"]) else "filled",
        )
        for row in record["fields"]
    )


def for_now(decision: str, values: Mapping[str, Any]) -> str | None:
    """The kind of open loop a decision leaves, or None when it settles the matter."""
    if decision in FOR_NOW_DECISIONS:
        return FOR_NOW_DECISIONS[decision]
    for (field_id, value), kind in FOR_NOW_FIELDS.items():
        if values.get(field_id) == value:
            return kind
    return None


def entry_of(record: Mapping[str, Any]) -> Entry:
    """A record as the register stores it; `RecordError` if its shape is not one it reads.

    The record has passed the record schema already (a loaded file is verified first; replay
    makes its records), so a missing key here is a schema the register does not know.
    """
    try:
        return Entry(register_row(record), field_states(record), compress(record))
    except (KeyError, TypeError, AttributeError) as exc:
        raise RecordError(f"the record lacks what the register reads ({exc}).") from None


def compress(record: Mapping[str, Any]) -> bytes:
    """The whole record (checksum and signature too) as compact JSON, zlib-compressed."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode("utf-8"), 6)


def decompress(content: bytes) -> dict[str, Any]:
    """The record `compress` stored; `ValueError` when the bytes are damaged."""
    try:
        found = json.loads(zlib.decompress(bytes(content)).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the stored content is damaged ({exc})") from None
    if not isinstance(found, dict):
        raise ValueError("the stored content is not a record")
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value is None or not str(value).strip():
        return None
    return " ".join(str(value).split())


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []
