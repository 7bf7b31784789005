"""`register report`: counts, completeness and open loops, each one SQL query over the register.

Only real decisions are counted: training records and forgotten ones are left out (and
counted on their own). The queries group in the database, so a register of a million records
is read once per count, never into memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sharewizard.register.database import Database

COUNTED = "training = 0 AND forgotten_at IS NULL"
#: The counts of the report: its name, the column counted by, and the column that labels it.
DIMENSIONS = (
    ("decision", "decision", "decision_label"),
    ("outcome", "outcome", "outcome"),
    ("flow", "flow", "flow_title"),
    ("organisation", "organisation", "organisation"),
    ("role", "role", "role"),
    ("month", "month", "month"),
)
#: Ages of open loops, for the chart: (upper bound in days, label); the last has none.
AGE_BUCKETS = ((30, "up to 30 days"), (90, "31-90 days"), (180, "91-180 days"),
               (365, "181-365 days"), (None, "over a year"))  # fmt: skip
NOT_GIVEN = "(not given)"


@dataclass(frozen=True)
class Count:
    """One line of a count: the value, what it is in words, how many records."""

    value: str
    label: str
    records: int


@dataclass(frozen=True)
class Completeness:
    """One record field: in how many records it applied, was missing (required) or left empty."""

    field: str
    asked: int
    missing: int
    empty: int

    @property
    def share_missing(self) -> float:
        """Missing (left empty though the guidance asks for it) as a share of `asked`."""
        return self.missing / self.asked if self.asked else 0.0


@dataclass(frozen=True)
class OpenLoop:
    """A decision "for now" past its due date with no later decision in its case."""

    record_id: str
    created_at: str
    age_days: int
    kind: str
    decision: str
    flow: str
    case_reference: str | None


@dataclass(frozen=True)
class BrokenSitting:
    """A sitting some of whose parts are not in the register."""

    sitting_id: str
    parts: int
    present: tuple[int, ...]

    @property
    def missing(self) -> tuple[int, ...]:
        """The parts not in the register."""
        return tuple(n for n in range(1, self.parts + 1) if n not in self.present)


@dataclass(frozen=True)
class QuarantineItem:
    """A file kept out of the register, and why."""

    source: str
    state: str
    reason: str
    at: str


@dataclass
class Report:
    """Everything `register report` shows, in every format."""

    register: str
    as_of: str
    due_days: int
    records: int = 0
    training: int = 0
    forgotten: int = 0
    counts: dict[str, list[Count]] = field(default_factory=dict)
    by_month_shares: list[tuple[str, int, int]] = field(default_factory=list)  # month, yes, no
    completeness: list[Completeness] = field(default_factory=list)
    open_loops: list[OpenLoop] = field(default_factory=list)
    open_loop_count: int = 0
    open_loops_by_age: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    broken_sittings: list[BrokenSitting] = field(default_factory=list)
    broken_sitting_count: int = 0
    quarantined: list[QuarantineItem] = field(default_factory=list)
    quarantined_count: int = 0


def build_report(db: Database, *, as_of: str, due_days: int, limit: int) -> Report:
    """The report of the register as it stands; lists are cut to `limit` items (0: all)."""
    report = Report(db.name, as_of, due_days)
    _totals(db, report)
    for name, column, label in DIMENSIONS:
        report.counts[name] = _count(db, column, label, by_value=name == "month")
    months: dict[str, list[int]] = {}
    for month, shares, records in db.rows(
        f"SELECT month, shares, COUNT(*) FROM register_records WHERE {COUNTED} "
        "GROUP BY month, shares"
    ):
        months.setdefault(month, [0, 0])[0 if shares else 1] += records
    report.by_month_shares = [(m, *months[m]) for m in sorted(months)]  # type: ignore[misc]
    report.completeness = _completeness(db)
    _open_loops(db, report, limit)
    _broken_sittings(db, report, limit)
    _quarantine(db, report, limit)
    return report


def _totals(db: Database, report: Report) -> None:
    for training, forgotten, records in db.rows(
        "SELECT training, CASE WHEN forgotten_at IS NULL THEN 0 ELSE 1 END, COUNT(*) "
        "FROM register_records GROUP BY training, CASE WHEN forgotten_at IS NULL THEN 0 ELSE 1 END"
    ):
        if forgotten:
            report.forgotten += records
        elif training:
            report.training += records
        else:
            report.records += records


def _count(db: Database, column: str, label: str, *, by_value: bool) -> list[Count]:
    """Records per value of `column`, most first (months in order)."""
    found = [
        Count(value or NOT_GIVEN, (shown or NOT_GIVEN) if label != column else "", records)
        for value, shown, records in db.rows(
            f"SELECT {column}, MAX({label}), COUNT(*) FROM register_records WHERE {COUNTED} "
            f"GROUP BY {column}"
        )
    ]
    if by_value:
        return sorted(found, key=lambda c: c.value)
    return sorted(found, key=lambda c: (-c.records, c.value == NOT_GIVEN, c.value))


def _completeness(db: Database) -> list[Completeness]:
    states: dict[str, dict[str, int]] = {}
    for field_id, state, records in db.rows(
        "SELECT field, state, COUNT(*) FROM register_fields GROUP BY field, state"
    ):
        states.setdefault(field_id, {})[state] = records
    rows = [
        Completeness(name, sum(found.values()), found.get("missing", 0), found.get("empty", 0))
        for name, found in states.items()
    ]
    return sorted(rows, key=lambda c: (-c.share_missing, c.field))


def _open_loops(db: Database, report: Report, limit: int) -> None:
    moment = _moment(report.as_of)
    due = (moment - timedelta(days=report.due_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = db.rows(
        "SELECT r.record_id, r.created_at, r.for_now, r.decision, r.flow, r.case_reference "
        "FROM register_records r "
        "WHERE r.for_now IS NOT NULL AND r.training = 0 AND r.forgotten_at IS NULL "
        "AND r.created_at < ? AND NOT EXISTS (SELECT 1 FROM register_records l "
        "WHERE l.case_key = r.case_key AND l.training = 0 AND l.record_id <> r.record_id "
        "AND (l.created_at > r.created_at "
        "OR (l.sitting_id = r.sitting_id AND l.sitting_part > r.sitting_part)))",
        (due,),
    )
    loops = sorted(
        (
            OpenLoop(rid, created, (moment - _moment(created)).days, kind, decision, flow, case)
            for rid, created, kind, decision, flow, case in found
        ),
        key=lambda loop: (loop.created_at, loop.record_id),
    )
    report.open_loop_count = len(loops)
    report.open_loops = loops[:limit] if limit else loops
    buckets: dict[str, dict[str, int]] = {label: {} for _, label in AGE_BUCKETS}
    for loop in loops:
        bucket = buckets[age_bucket(loop.age_days)]
        bucket[loop.kind] = bucket.get(loop.kind, 0) + 1
    report.open_loops_by_age = list(buckets.items())


def age_bucket(days: int) -> str:
    """The label of the age bucket `days` falls in."""
    return next(label for bound, label in AGE_BUCKETS if bound is None or days <= bound)


def _broken_sittings(db: Database, report: Report, limit: int) -> None:
    found = db.rows(
        "SELECT sitting_id, MAX(sitting_parts) FROM register_records WHERE training = 0 "
        "GROUP BY sitting_id HAVING COUNT(DISTINCT sitting_part) < MAX(sitting_parts)"
    )
    found.sort()
    report.broken_sitting_count = len(found)
    shown = found[:limit] if limit else found
    present: dict[str, set[int]] = {}
    for start in range(0, len(shown), 500):
        chunk = [sitting for sitting, _ in shown[start : start + 500]]
        marks = ", ".join("?" * len(chunk))
        for sitting, part in db.rows(
            f"SELECT sitting_id, sitting_part FROM register_records WHERE sitting_id IN ({marks})",
            chunk,
        ):
            present.setdefault(sitting, set()).add(part)
    report.broken_sittings = [
        BrokenSitting(sitting, parts, tuple(sorted(present.get(sitting, ()))))
        for sitting, parts in shown
    ]


def _quarantine(db: Database, report: Report, limit: int) -> None:
    report.quarantined_count = int(db.rows("SELECT COUNT(*) FROM register_quarantine")[0][0])
    query = "SELECT source, state, reason, at FROM register_quarantine ORDER BY at, source, item"
    rows: list[tuple[Any, ...]] = db.rows(f"{query} LIMIT ?", (limit,)) if limit else db.rows(query)
    report.quarantined = [QuarantineItem(*row) for row in rows]


def _moment(timestamp: str) -> datetime:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
