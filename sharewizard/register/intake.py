"""`register add`: find the record files, verify each, add the good ones in batches.

A file that fails verification (unreadable, invalid, tampered, unsigned or signed by another key
under `--trust`) goes to the quarantine with the reason, never among the decisions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharewizard.register.rows import Entry, entry_of
from sharewizard.register.store import Added, Quarantined, Register

BATCH = 500  # records per transaction: the disk is paid once per batch


@dataclass
class AddReport:
    """What `register add` did, and the paths it could not find."""

    added: Added = field(default_factory=Added)
    not_found: list[str] = field(default_factory=list)


def record_paths(paths: Iterable[str], stdin: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Record files from the command line, and the paths that name nothing.

    Files as given; folders searched recursively for *.json and *.md (symbolic links to
    folders not followed); `-` reads one path a line from `stdin` (as `verify` finds them).
    """
    from sharewizard.records.verify import record_files

    found = record_files(paths, stdin)
    return [p for p in found if os.path.lexists(p)], [
        str(p) for p in found if not os.path.lexists(p)
    ]


def add_paths(
    register: Register,
    paths: Sequence[Path],
    *,
    trusted: Sequence[Any] = (),
    known: Sequence[Any] = (),
    at: str,
    progress: Callable[[int], None] | None = None,
) -> Added:
    """Verify and add every file, `BATCH` records per transaction; quarantine the failures."""
    total = Added()
    entries: list[Entry] = []
    sources: list[str] = []
    failed: list[Quarantined] = []

    def flush() -> None:
        total.include(register.add(entries, sources, at))
        register.quarantine(failed, at)
        total.quarantined += failed
        if progress:
            progress(len(entries) + len(failed))
        entries.clear()
        sources.clear()
        failed.clear()

    for path in paths:
        taken = _take(path, trusted, known)
        if isinstance(taken, Quarantined):
            failed.append(taken)
        else:
            entries.append(taken)
            sources.append(source_name(path))
        if len(entries) + len(failed) >= BATCH:
            flush()
    flush()
    return total


def _take(path: Path, trusted: Sequence[Any], known: Sequence[Any]) -> Entry | Quarantined:
    """The file's register entry, or why it goes to the quarantine."""
    from sharewizard.core.errors import RecordError
    from sharewizard.records.record import load_record
    from sharewizard.records.verify import State, check_record, verify_file

    source = source_name(path)
    try:
        record = load_record(path)
    except RecordError:  # read again by verify, whose verdict says what is wrong, and where
        verdict = verify_file(path, trusted=trusted)
        return Quarantined(source, verdict.state.word, "; ".join(verdict.details))
    verdict = check_record(
        path,
        record,
        trusted=trusted,
        known=known,
        allow_incomplete=True,
        allow_training=True,
        allow_unchecked=True,  # a signature by a key nobody registered: kept, as before
    )
    record_id = record.get("record_id") if isinstance(record.get("record_id"), str) else None
    if verdict.state is not State.OK and not verdict.allowed:
        return Quarantined(source, verdict.state.word, "; ".join(verdict.details), record_id)
    try:
        return entry_of(record)
    except RecordError as exc:
        return Quarantined(source, State.INVALID.word, exc.message, record_id)


def source_name(path: Path) -> str:
    """The file's absolute path as text the database can hold (undecodable bytes escaped)."""
    text = os.path.abspath(path)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
