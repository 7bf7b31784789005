"""One function per `register` command: open the register, do the work, return what to show.

The command line (`cli_register`) parses options, calls one of these and prints the result;
nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sharewizard.core.errors import Location, UsageError
from sharewizard.register.database import target_of
from sharewizard.register.ledger import CheckResult, LedgerEntry
from sharewizard.register.store import Added, Register


def now() -> str:
    """The time, as records and the ledger write it (UTC, to the second)."""
    from sharewizard.records.record import utc_timestamp

    return utc_timestamp()


@dataclass(frozen=True)
class AddOutcome:
    """What `register add` did, and the paths that named nothing."""

    register: str
    added: Added
    not_found: list[str]


def add_files(
    db: str | None, paths: Sequence[str], stdin: Iterable[str], trust: Sequence[Path] = ()
) -> AddOutcome:
    """Verify each record file and add it; quarantine the failures."""
    from sharewizard.records.keyring import known_keys
    from sharewizard.records.signing import load_public_key
    from sharewizard.register.intake import add_paths, record_paths

    trusted = [load_public_key(path) for path in trust]
    known = [] if trusted else known_keys()  # without --trust, signatures by known keys are checked
    files, missing = record_paths(paths, stdin)
    with Register.open(target_of(db)) as register:
        added = add_paths(register, files, trusted=trusted, known=known, at=now())
        return AddOutcome(register.db.name, added, missing)


def report_text(db: str | None, fmt: str, *, due_days: int, as_of: str | None, limit: int,
                boxed: bool = True) -> Any:  # fmt: skip
    """The report in `fmt`: text (json, csv, html) or Rich renderables (table)."""
    from sharewizard.register import render
    from sharewizard.register.report import build_report

    if due_days < 0:
        raise UsageError("must be 0 or more.", Location(field="--due"))
    if limit < 0:
        raise UsageError("must be 0 (everything) or more.", Location(field="--limit"))
    moment = parse_moment(as_of) if as_of else now()
    with Register.open(target_of(db)) as register:
        report = build_report(register.db, as_of=moment, due_days=due_days, limit=limit)
    if fmt == "table":
        return render.to_table(report, boxed=boxed)
    return {"json": render.to_json, "csv": render.to_csv, "html": render.to_html}[fmt](report)


def export_chunks(db: str | None, fmt: str) -> Iterator[str]:
    """The register exported, a chunk of text at a time: rows as CSV, or records as JSONL."""
    from sharewizard.register import render

    with Register.open(target_of(db)) as register:
        if fmt == "csv":
            names = ", ".join(render.EXPORT_COLUMNS)
            yield from render.export_csv(
                register.db.pages(
                    f"SELECT {names} FROM register_records WHERE record_id > ? "
                    "ORDER BY record_id LIMIT ?",
                    start="",
                )
            )
        else:
            yield from render.export_jsonl(
                row[1]
                for row in register.db.pages(
                    "SELECT record_id, content FROM register_content WHERE record_id > ? "
                    "ORDER BY record_id LIMIT ?",
                    start="",
                )
            )


def check_register(db: str | None) -> tuple[str, CheckResult]:
    """The ledger's chain recomputed and every record compared with it."""
    from sharewizard.register.ledger import check

    with Register.open(target_of(db)) as register:
        return register.db.name, check(register.db)


def forget_record(db: str | None, record_id: str, reason: str) -> tuple[str, LedgerEntry]:
    """Forget one record (an erasure request); the ledger entry that says so."""
    with Register.open(target_of(db)) as register:
        return register.db.name, register.forget(record_id, reason, now())


def parse_moment(text: str) -> str:
    """`--as-of`: a date or an ISO 8601 time (UTC when no offset is given), as UTC."""
    given = text.strip()
    if given.endswith(("z", "Z")):
        given = given[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(given)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError):
        raise UsageError(
            f"{text[:80]!r} is not a date or an ISO 8601 time.",
            Location(field="--as-of"),
            "For example 2026-07-31 or 2026-07-31T17:00:00Z.",
        ) from None


class ReplayInto:
    """`replay --register DB`: the records replay makes, added a batch per transaction.

    Opened before the first file is replayed, so a register that cannot be opened stops the
    replay before it starts. Call it with each batch of entries (`rows.entry_of` of each record).
    """

    def __init__(self, db: str) -> None:
        self.register = Register.open(target_of(db))
        self.added = Added()
        self.at = now()

    def __call__(self, entries: list[Any]) -> None:
        """Add one batch, in one transaction."""
        self.added.include(self.register.add(entries, ["replay"] * len(entries), self.at))

    def summary(self) -> str:
        """One line: how many records went into which register."""
        return self.added.summary(self.register.db.name)

    def close(self) -> None:
        """Close the register."""
        self.register.close()
