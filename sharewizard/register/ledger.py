"""The ledger: one entry per record added or forgotten, each holding the hash of the one before.

An entry is (seq, at, action, record id, checksum, note, previous hash) and its own hash, the
SHA-256 of those values as compact JSON. `check` walks the chain and the register side by side,
so an entry removed or changed, a record's row removed without `forget`, a record added behind
the ledger's back, or a record whose content no longer matches its checksum is named. The last
entry's number and hash are kept apart too (`register_meta`), so removing the newest entries
shows as well; `check` prints that hash, for anyone who wants to note it outside the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sharewizard.register.database import Database
from sharewizard.register.rows import COLUMNS, decompress, entry_of

GENESIS = "sha256:" + "0" * 64  # the "previous hash" of the first entry
ENTRY_COLUMNS = "seq, at, action, record_id, checksum, note, prev_hash, hash"
CHECK_BATCH = 500  # records compared at once (their field states come in one query)


@dataclass(frozen=True)
class LedgerEntry:
    """One line of the ledger."""

    seq: int
    at: str
    action: str  # "add" or "forget"
    record_id: str
    checksum: str
    note: str  # forget: the reason given
    prev_hash: str
    hash: str


def entry_hash(
    seq: int, at: str, action: str, record_id: str, checksum: str, note: str, prev_hash: str
) -> str:
    """`sha256:` + the hex digest of the entry's values (its own hash aside) as compact JSON."""
    text = json.dumps(
        [seq, at, action, record_id, checksum, note, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_entry(
    previous: tuple[int, str], at: str, action: str, record_id: str, checksum: str, note: str = ""
) -> LedgerEntry:
    """The entry that follows `previous` (its seq and hash; (0, "") before the first)."""
    seq, prev_hash = previous[0] + 1, previous[1] or GENESIS
    digest = entry_hash(seq, at, action, record_id, checksum, note, prev_hash)
    return LedgerEntry(seq, at, action, record_id, checksum, note, prev_hash, digest)


def head(db: Database) -> tuple[int, str]:
    """The last entry's seq and hash, as kept apart from the entries."""
    kept = dict(
        db.rows("SELECT name, value FROM register_meta WHERE name IN ('ledger_seq', 'ledger_hash')")
    )
    return int(kept.get("ledger_seq") or 0), str(kept.get("ledger_hash") or "")


def append(db: Database, entries: list[LedgerEntry]) -> None:
    """Write entries and move the head (inside the caller's transaction, which locked it)."""
    if not entries:
        return
    db.executemany(
        f"INSERT INTO register_ledger ({ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.seq, e.at, e.action, e.record_id, e.checksum, e.note, e.prev_hash, e.hash)
            for e in entries
        ],
    )
    last = entries[-1]
    db.execute("UPDATE register_meta SET value = ? WHERE name = 'ledger_seq'", (str(last.seq),))
    db.execute("UPDATE register_meta SET value = ? WHERE name = 'ledger_hash'", (last.hash,))


def lock(db: Database) -> None:
    """Make the other writers wait until this transaction ends (the ledger grows one at a time).

    Updating the head row to itself takes its row lock on PostgreSQL and the write lock on
    SQLite, with the same SQL.
    """
    db.execute("UPDATE register_meta SET value = value WHERE name = 'ledger_seq'")


# --- check ---------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """What `register check` found: the ledger's size and last hash, records seen, problems."""

    entries: int = 0
    last_hash: str = ""
    records: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class _Said:
    """What the ledger says of one record: added (with which checksum) or forgotten."""

    action: str
    checksum: str
    seq: int


def check(db: Database) -> CheckResult:
    """Recompute the chain, then compare what it says with every record in the register."""
    result = CheckResult()
    said = _walk_chain(db, result)
    _compare_records(db, said, result)
    for record_id, what in said.items():
        if what.action == "add":
            result.problems.append(
                f"record {record_id} (added in ledger entry {what.seq}) is missing from the "
                "register: its row was removed without `register forget`."
            )
        else:
            result.problems.append(
                f"record {record_id} (forgotten in ledger entry {what.seq}) was removed from "
                "the register altogether."
            )
    return result


def _walk_chain(db: Database, result: CheckResult) -> dict[str, _Said]:
    said: dict[str, _Said] = {}
    last_seq, last_hash = 0, GENESIS
    query = f"SELECT {ENTRY_COLUMNS} FROM register_ledger WHERE seq > ? ORDER BY seq LIMIT ?"
    for row in db.pages(query, start=0):
        entry = LedgerEntry(*row)
        if entry.seq != last_seq + 1:
            result.problems.append(
                f"ledger entries {_span(last_seq + 1, entry.seq - 1)} were removed."
            )
        elif entry.prev_hash != last_hash:
            result.problems.append(
                f"ledger entry {last_seq} was replaced: entry {entry.seq} does not follow from it."
            )
        values = (entry.seq, entry.at, entry.action, entry.record_id, entry.checksum)
        if entry_hash(*values, entry.note, entry.prev_hash) != entry.hash:
            result.problems.append(
                f"ledger entry {entry.seq} ({entry.action} record {entry.record_id}) was "
                "changed: its hash no longer matches what it holds."
            )
        said[entry.record_id] = _Said(entry.action, entry.checksum, entry.seq)
        last_seq, last_hash = entry.seq, entry.hash
        result.entries += 1
    head_seq, head_hash = head(db)
    if head_seq > last_seq:
        result.problems.append(
            f"ledger entries {_span(last_seq + 1, head_seq)} were removed (the newest ones)."
        )
    elif head_seq and head_hash != last_hash:
        result.problems.append(f"ledger entry {last_seq}, the newest, was replaced.")
    result.last_hash = last_hash if last_seq else ""
    return said


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first} to {last}"


def _compare_records(db: Database, said: dict[str, _Said], result: CheckResult) -> None:
    """Each record against the ledger, its content against its checksum and its row."""
    columns = ", ".join(f"r.{name}" for name in COLUMNS)
    query = (
        f"SELECT {columns}, r.forgotten_at, c.content FROM register_records r "
        "LEFT JOIN register_content c ON c.record_id = r.record_id "
        "WHERE r.record_id > ? ORDER BY r.record_id LIMIT ?"
    )
    batch: list[tuple[Any, ...]] = []
    for row in db.pages(query, start=""):
        batch.append(row)
        if len(batch) == CHECK_BATCH:
            _compare_batch(db, batch, said, result)
            batch = []
    _compare_batch(db, batch, said, result)


def _compare_batch(
    db: Database, batch: list[tuple[Any, ...]], said: dict[str, _Said], result: CheckResult
) -> None:
    states = field_states_of(db, [row[0] for row in batch])
    for row in batch:
        result.records += 1
        stored = dict(zip(COLUMNS, row, strict=False))
        forgotten_at, content = row[len(COLUMNS)], row[len(COLUMNS) + 1]
        record_id = stored["record_id"]
        problem = _record_problem(
            stored, forgotten_at, content, said.pop(record_id, None), states.get(record_id, ())
        )
        if problem:
            result.problems.append(f"record {record_id}: {problem}")


def field_states_of(db: Database, record_ids: list[str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The stored field states of some records, in field order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(record_ids), CHECK_BATCH):
        chunk = record_ids[start : start + CHECK_BATCH]
        marks = ", ".join("?" * len(chunk))
        for record_id, field_id, state in db.rows(
            f"SELECT record_id, field, state FROM register_fields WHERE record_id IN ({marks})",
            chunk,
        ):
            found.setdefault(record_id, []).append((field_id, state))
    return {key: tuple(sorted(value)) for key, value in found.items()}


def _record_problem(
    stored: dict[str, Any],
    forgotten_at: str | None,
    content: Any,
    what: _Said | None,
    states: tuple[tuple[str, str], ...],
) -> str | None:
    """The first thing wrong with one record, or None."""
    if what is None:
        return "is in the register, but no ledger entry added it."
    if what.action == "forget":
        return None if forgotten_at else f"was forgotten (ledger entry {what.seq}) but is back."
    if forgotten_at:
        return "is marked forgotten, but the ledger has no entry that forgot it."
    if stored["checksum"] != what.checksum:
        return f"its checksum is not the one ledger entry {what.seq} holds."
    if content is None:
        return "its content is missing."
    from sharewizard.core.errors import RecordError
    from sharewizard.records.record import verify

    try:
        record = decompress(content)
        entry = entry_of(record)
    except (ValueError, RecordError) as exc:
        return f"{str(exc).rstrip('.')}."
    if record.get("checksum") != stored["checksum"] or not verify(record):
        return "its content was changed: the checksum no longer matches."
    changed = [n for n, v in zip(COLUMNS, entry.values(), strict=True) if stored[n] != v]
    if changed:
        return f"its row no longer matches its content ({', '.join(changed)})."
    expected = () if entry.row.training else tuple(sorted(entry.field_states))
    if states != expected:
        return "its field states no longer match its content."
    return None
