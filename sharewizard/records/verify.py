"""Verifying many records: a state for each file, and the worst state decides the exit code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard.core.errors import ExitStatus, Location, RecordError, TamperedRecord
from sharewizard.core.text import for_screen_line
from sharewizard.records.signing import TrustedKey

if TYPE_CHECKING:
    from sharewizard.records.shape import Record


class State(Enum):
    """What verify found in one file, from best to worst; each carries its exit status."""

    OK = ("ok", ExitStatus.OK)
    TRAINING = ("training", ExitStatus.CHECK_FAILED)
    INCOMPLETE = ("incomplete", ExitStatus.CHECK_FAILED)
    UNSIGNED = ("unsigned", ExitStatus.CHECK_FAILED)
    WRONG_KEY = ("wrong-key", ExitStatus.CHECK_FAILED)
    INVALID = ("invalid", ExitStatus.CHECK_FAILED)
    TAMPERED = ("tampered", ExitStatus.CHECK_FAILED)
    UNREADABLE = ("unreadable", ExitStatus.BAD_INPUT)

    def __init__(self, word: str, exit_status: ExitStatus) -> None:
        self.word = word
        self.exit_status = exit_status

    @property
    def rank(self) -> int:
        """Position from best (0) to worst."""
        return list(State).index(self)

    @property
    def label(self) -> str:
        """As printed: `OK`, `WRONG KEY`."""
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Verdict:
    """One file's state, why, and who signed it."""

    path: Path
    state: State
    details: tuple[str, ...] = ()
    signed_by: str | None = None
    missing: tuple[str, ...] = field(default_factory=tuple)


def _where(location: Location) -> str:
    """A location without its file (the verdict line names the file already)."""
    inner = Location(None, location.line, location.column, location.field)
    return f"{inner}: " if str(inner) else ""


def _said(error: RecordError) -> str:
    return f"{_where(error.location)}{error.message} {error.hint}".strip()


def verify_file(
    path: Path,
    *,
    trusted: Sequence[TrustedKey] = (),
    allow_incomplete: bool = False,
    allow_training: bool = False,
) -> Verdict:
    """Check one record file: readable, schema, checksum, signature (with `trusted`), missing."""
    from sharewizard.records.record import load_record

    try:
        record = load_record(path)
    except TamperedRecord as exc:
        return Verdict(path, State.TAMPERED, (_said(exc),))
    except RecordError as exc:
        return Verdict(path, State.UNREADABLE, (_said(exc),))
    return check_record(
        path,
        record,
        trusted=trusted,
        allow_incomplete=allow_incomplete,
        allow_training=allow_training,
    )


def check_record(
    path: Path,
    record: Record,
    *,
    trusted: Sequence[TrustedKey] = (),
    allow_incomplete: bool = False,
    allow_training: bool = False,
) -> Verdict:
    """Check a record already read from `path`: schema, checksum, signature, training, missing."""
    from sharewizard.records.record import schema_problems
    from sharewizard.records.record import verify as checksum_matches
    from sharewizard.records.signing import check

    signature = record.get("signature")
    named = signature.get("key") if isinstance(signature, dict) else None
    signed_by = named if isinstance(named, str) else None
    problems = schema_problems(record)
    if problems:
        return Verdict(
            path, State.INVALID, tuple(_short(p) for p in problems[:5]), signed_by=signed_by
        )
    if not checksum_matches(record):
        return Verdict(
            path,
            State.TAMPERED,
            ("checksum does not match: the record was changed after it was written",),
            signed_by=signed_by,
        )
    details = ["checksum verifies"]
    if trusted:
        found = check(record, trusted)
        state = {
            "unsigned": State.UNSIGNED,
            "wrong-key": State.WRONG_KEY,
            "bad-signature": State.TAMPERED,
        }.get(found.state)
        if state is not None:
            return Verdict(path, state, (found.detail,), signed_by=signed_by)
        details.append(found.detail)
    elif signed_by:
        details.append(f"signed by key {signed_by}, not checked: give --trust KEY to check it")
    if record.get("training") is True:
        if not allow_training:
            return Verdict(
                path,
                State.TRAINING,
                ("a training record (`sharewizard train`), not a real decision", *details),
                signed_by=signed_by,
            )
        details.append("a training record, allowed")
    missing = tuple(str(m) for m in record["missing"])
    practice = record.get("training") is True  # training asks no record questions
    if missing and not (allow_incomplete or practice):
        return Verdict(
            path,
            State.INCOMPLETE,
            (f"the record leaves out {', '.join(missing)}; the guidance asks for each", *details),
            signed_by=signed_by,
            missing=missing,
        )
    if missing:
        details.append(f"incomplete, allowed: leaves out {', '.join(missing)}")
    return Verdict(path, State.OK, tuple(details), signed_by=signed_by, missing=missing)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verify_files(
    paths: Iterable[Path],
    *,
    trusted: Sequence[TrustedKey] = (),
    allow_incomplete: bool = False,
    allow_training: bool = False,
) -> list[Verdict]:
    """Every file checked, in order; one bad file never stops the others."""
    return [
        verify_file(
            path,
            trusted=trusted,
            allow_incomplete=allow_incomplete,
            allow_training=allow_training,
        )
        for path in paths
    ]


def worst(verdicts: Sequence[Verdict]) -> State:
    """The worst state found (OK when there is nothing to check)."""
    return max((v.state for v in verdicts), key=lambda s: s.rank, default=State.OK)


def exit_status(verdicts: Sequence[Verdict]) -> ExitStatus:
    """0 when every record is OK, 2 when any file is unreadable, else 1."""
    return worst(verdicts).exit_status


def report_line(verdict: Verdict) -> str:
    """`r.json: OK (checksum verifies)` or `r.json: TAMPERED: checksum does not match: ...`."""
    name = for_screen_line(str(verdict.path))  # as the walk shows text: controls out, bidi shown
    details = for_screen_line("; ".join(verdict.details))
    if verdict.state is State.OK:
        return f"{name}: OK ({details})"
    return f"{name}: {verdict.state.label}: {details}"


def summary_line(verdicts: Sequence[Verdict]) -> str:
    """One line counting each state, such as `3 records: 2 OK, 1 TAMPERED.`."""
    counts = [
        f"{sum(v.state is s for v in verdicts)} {s.label}"
        for s in State
        if any(v.state is s for v in verdicts)
    ]
    return f"{len(verdicts)} records: {', '.join(counts)}."


def report_json(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """The machine-readable report printed by `verify --json`."""
    return {
        "files": len(verdicts),
        "worst": worst(verdicts).word,
        "exit_status": int(exit_status(verdicts)),
        "counts": {s.word: sum(v.state is s for v in verdicts) for s in State},
        "results": [
            {
                "path": str(v.path),
                "state": v.state.word,
                "details": list(v.details),
                "signed_by": v.signed_by,
                "missing": list(v.missing),
            }
            for v in verdicts
        ],
    }
