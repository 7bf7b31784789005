"""The register as a whole: open it, add records, quarantine what failed, forget a record.

Every change is one transaction that locks the ledger's head first, so writers take turns and
the ledger grows one entry at a time whatever the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType

from sharewizard.core.errors import Location, RegisterError, UsageError
from sharewizard.register.database import Database, connect
from sharewizard.register.ledger import LedgerEntry, append, head, lock, new_entry
from sharewizard.register.rows import COLUMNS, Entry
from sharewizard.register.schema import migrate

#: What `forget` clears: everything but what shows the record was there (its id, checksum,
#: sitting and when it was added), so a sitting does not read as missing a part.
FORGOTTEN_COLUMNS = (
    "created_at", "month", "flow", "flow_title", "flow_version", "outcome", "decision",
    "decision_label", "shares", "organisation", "role", "case_reference", "case_key", "for_now",
    "signed_by", "source",
)  # fmt: skip
REASON_LIMIT = 1000  # characters of a quarantine reason or a forget reason kept
LOOKUP_CHUNK = 500  # record ids looked up in one query


@dataclass(frozen=True)
class Quarantined:
    """A file that failed verification, or a record that clashes: where, what state, why."""

    source: str
    state: str  # a verify state (tampered, invalid, unsigned...), "unreadable" or "conflict"
    reason: str
    record_id: str | None = None


@dataclass
class Added:
    """What adding a batch did."""

    added: int = 0
    training: int = 0  # of those added, training records (kept apart)
    already: int = 0  # the same record was in the register: nothing to do
    forgotten: int = 0  # forgotten earlier: not added again
    quarantined: list[Quarantined] = field(default_factory=list)

    def summary(self, register: str) -> str:
        """One line: what was added to `register`, and what was not."""
        notes = [
            f"{self.training} of them training records (kept apart)" if self.training else "",
            f"{self.already} already there" if self.already else "",
            f"{self.forgotten} forgotten earlier (not added again)" if self.forgotten else "",
            f"{len(self.quarantined)} quarantined" if self.quarantined else "",
        ]
        aside = "".join(f"; {note}" for note in notes if note)
        records = "record" if self.added == 1 else "records"
        return f"Added {self.added} {records} to {register}{aside}."

    def include(self, other: Added) -> None:
        """Add another batch's counts to these."""
        self.added += other.added
        self.training += other.training
        self.already += other.already
        self.forgotten += other.forgotten
        self.quarantined += other.quarantined


class Register:
    """An open register: its database, migrated to the schema this sharewizard writes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, target: str) -> Register:
        """Open (or create) the register at `target`, a file or a PostgreSQL address."""
        db = connect(target)
        try:
            migrate(db)
        except BaseException:
            db.close()
            raise
        return cls(db)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def add(self, entries: Sequence[Entry], sources: Sequence[str], at: str) -> Added:
        """Add records in one transaction, each with its ledger entry; `at` is the time.

        A record already there is left alone; one forgotten is not added again; a different
        record under an id already taken goes to the quarantine.
        """
        result = Added()
        with self.db.transaction():
            lock(self.db)
            known = self._known([entry.row.record_id for entry in entries])
            previous = head(self.db)
            fresh: list[tuple[Entry, str]] = []
            ledger: list[LedgerEntry] = []
            for entry, source in zip(entries, sources, strict=True):
                row = entry.row
                if row.record_id not in known:
                    known[row.record_id] = (row.checksum, None)
                    ledger.append(new_entry(previous, at, "add", row.record_id, row.checksum))
                    previous = (ledger[-1].seq, ledger[-1].hash)
                    fresh.append((entry, source))
                elif known[row.record_id][1]:
                    result.forgotten += 1
                elif known[row.record_id][0] == row.checksum:
                    result.already += 1
                else:
                    result.quarantined.append(
                        Quarantined(
                            source,
                            "conflict",
                            "another record with the same record_id (and a different checksum) "
                            "is in the register already",
                            row.record_id,
                        )
                    )
            self._insert(fresh, at)
            append(self.db, ledger)
            self._quarantine(result.quarantined, at)
        result.added = len(fresh)
        result.training = sum(entry.row.training for entry, _ in fresh)
        return result

    def quarantine(self, items: Sequence[Quarantined], at: str) -> None:
        """Keep files that failed verification apart, with the reason (once each)."""
        if items:
            with self.db.transaction():
                self._quarantine(items, at)

    def forget(self, record_id: str, reason: str, at: str) -> LedgerEntry:
        """An erasure: the record's content and what it said go; the ledger says when and why."""
        reason = " ".join(reason.split())[:REASON_LIMIT]
        if not reason:
            raise UsageError("say why the record is forgotten.", Location(field="--reason"))
        with self.db.transaction():
            lock(self.db)
            found = self.db.rows(
                "SELECT checksum, forgotten_at FROM register_records WHERE record_id = ?",
                (record_id,),
            )
            if not found:
                raise RegisterError(
                    f"no record {record_id!r} in the register.",
                    Location(self.db.name, field="RECORD_ID"),
                    "Record ids are in `register export`.",
                )
            checksum, forgotten_at = found[0]
            if forgotten_at:
                raise RegisterError(
                    f"record {record_id} was forgotten already, at {forgotten_at}.",
                    Location(self.db.name, field="RECORD_ID"),
                )
            for table in ("register_content", "register_fields", "register_quarantine"):
                self.db.execute(f"DELETE FROM {table} WHERE record_id = ?", (record_id,))
            cleared = ", ".join(f"{name} = NULL" for name in FORGOTTEN_COLUMNS)
            self.db.execute(
                f"UPDATE register_records SET {cleared}, forgotten_at = ? WHERE record_id = ?",
                (at, record_id),
            )
            entry = new_entry(head(self.db), at, "forget", record_id, checksum, reason)
            append(self.db, [entry])
        return entry

    def _known(self, record_ids: list[str]) -> dict[str, tuple[str, str | None]]:
        """Checksum and forgotten time of those of `record_ids` the register holds."""
        known: dict[str, tuple[str, str | None]] = {}
        for start in range(0, len(record_ids), LOOKUP_CHUNK):
            chunk = record_ids[start : start + LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for record_id, checksum, forgotten_at in self.db.rows(
                "SELECT record_id, checksum, forgotten_at FROM register_records "
                f"WHERE record_id IN ({marks})",
                chunk,
            ):
                known[record_id] = (checksum, forgotten_at)
        return known

    def _insert(self, fresh: list[tuple[Entry, str]], at: str) -> None:
        names = ", ".join((*COLUMNS, "source", "added_at"))
        marks = ", ".join("?" * (len(COLUMNS) + 2))
        self.db.executemany(
            f"INSERT INTO register_records ({names}) VALUES ({marks})",
            [(*entry.values(), source, at) for entry, source in fresh],
        )
        self.db.executemany(
            "INSERT INTO register_content (record_id, content) VALUES (?, ?)",
            [(entry.row.record_id, entry.content) for entry, _ in fresh],
        )
        self.db.executemany(
            "INSERT INTO register_fields (record_id, field, state) VALUES (?, ?, ?)",
            [
                (entry.row.record_id, field_id, state)
                for entry, _ in fresh
                if not entry.row.training  # training records are never counted
                for field_id, state in entry.field_states
            ],
        )

    def _quarantine(self, items: Sequence[Quarantined], at: str) -> None:
        self.db.executemany(
            "INSERT INTO register_quarantine (item, source, record_id, state, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item) DO NOTHING",
            [
                (
                    _item_key(q),
                    q.source,
                    q.record_id,
                    q.state,
                    q.reason[:REASON_LIMIT],
                    at,
                )
                for q in items
            ],
        )


def _item_key(item: Quarantined) -> str:
    """The same file failing the same way is quarantined once."""
    text = f"{item.source}\n{item.state}\n{item.reason}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
