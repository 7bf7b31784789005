"""Verifying many records: a state for each file, and the worst state decides the exit code."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard.core.errors import ExitStatus, Location, RecordError, TamperedRecord
from sharewizard.core.text import for_screen_line
from sharewizard.records.signing import TrustedKey

if TYPE_CHECKING:
    from sharewizard.records.keyring import KnownKey
    from sharewizard.records.shape import Record


class State(Enum):
    """What verify found in one file, from best to worst; each carries its exit status."""

    OK = ("ok", ExitStatus.OK)
    SIGNED_UNCHECKED = ("signed-unchecked", ExitStatus.CHECK_FAILED, "SIGNED (key not checked)")
    TRAINING = ("training", ExitStatus.CHECK_FAILED)
    INCOMPLETE = ("incomplete", ExitStatus.CHECK_FAILED)
    UNSIGNED = ("unsigned", ExitStatus.CHECK_FAILED)
    WRONG_KEY = ("wrong-key", ExitStatus.CHECK_FAILED)
    INVALID = ("invalid", ExitStatus.CHECK_FAILED)
    TAMPERED = ("tampered", ExitStatus.CHECK_FAILED)
    UNREADABLE = ("unreadable", ExitStatus.BAD_INPUT)

    def __init__(self, word: str, exit_status: ExitStatus, label: str = "") -> None:
        self.word = word
        self.exit_status = exit_status
        self._label = label

    @property
    def rank(self) -> int:
        """Position from best (0) to worst."""
        return list(State).index(self)

    @property
    def label(self) -> str:
        """As printed: `OK`, `WRONG KEY`, `SIGNED (key not checked)`."""
        return self._label or self.name.replace("_", " ")


@dataclass(frozen=True)
class Verdict:
    """One file's state, why, and who signed it."""

    path: Path
    state: State
    details: tuple[str, ...] = ()
    signed_by: str | None = None
    missing: tuple[str, ...] = field(default_factory=tuple)
    allowed: bool = False  # the state fails, but an --allow option lets it pass

    @property
    def exit_status(self) -> ExitStatus:
        """The state's exit status; 0 when an --allow option lets the state pass."""
        return ExitStatus.OK if self.allowed else self.state.exit_status


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
    known: Sequence[KnownKey] = (),
    allow_incomplete: bool = False,
    allow_training: bool = False,
    allow_unchecked: bool = False,
) -> Verdict:
    """Check one record file: readable, schema, checksum, signature, training, missing.

    See `check_record` for the signature.
    """
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
        known=known,
        allow_incomplete=allow_incomplete,
        allow_training=allow_training,
        allow_unchecked=allow_unchecked,
    )


def check_record(
    path: Path,
    record: Record,
    *,
    trusted: Sequence[TrustedKey] = (),
    known: Sequence[KnownKey] = (),
    allow_incomplete: bool = False,
    allow_training: bool = False,
    allow_unchecked: bool = False,
) -> Verdict:
    """Check a record already read from `path`: schema, checksum, signature, training, missing.

    With `trusted` keys (`--trust`), a record must be signed by one of them. Without, a signature
    is checked when the key it names is `known` (registered with `keys add` or `keys new`);
    a signature by any other key is SIGNED (key not checked), which fails unless
    `allow_unchecked`. A signature that does not match is TAMPERED either way.
    """
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
    unchecked = False
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
    elif signature is not None:
        key = next((k for k in known if k.trusted.fingerprint == signed_by), None)
        found = check(record, [key.trusted] if key else [])
        if found.state == "bad-signature":
            return Verdict(path, State.TAMPERED, (found.detail,), signed_by=signed_by)
        unchecked = key is None
        details.append(
            f"signed by key {_short_key(signed_by)}, not known here: add it with `keys add "
            "KEY.pub` or give --trust KEY.pub"
            if key is None
            else f"signed by known key {key.name}"
        )
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
    if unchecked:  # never a bare OK for a signature nobody checked
        return Verdict(
            path,
            State.SIGNED_UNCHECKED,
            tuple(details),
            signed_by=signed_by,
            missing=missing,
            allowed=allow_unchecked,
        )
    return Verdict(path, State.OK, tuple(details), signed_by=signed_by, missing=missing)


def _short_key(fingerprint: str | None) -> str:
    """`sha256:9545271f60d2…`: enough of a fingerprint to tell keys apart on one line."""
    text = str(fingerprint)
    return text if len(text) <= 20 else text[:19] + "…"


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


RECORD_SUFFIXES = (".json", ".md", ".markdown")


def record_files(paths: Iterable[str], stdin: Iterable[str]) -> list[Path]:
    """The files to check, in order, each once.

    Files as given (even if missing: verify says so); folders searched recursively for *.json
    and *.md (hidden files and symbolic links to folders left out); for `-`, one path a line
    read from `stdin`.
    """
    found: list[Path] = []
    for raw in paths:
        if raw == "-":
            found += record_files([line.strip() for line in stdin if line.strip()], ())
        elif os.path.isdir(raw):
            found += sorted(_walk(Path(raw)))
        else:
            found.append(Path(raw))
    return list(dict.fromkeys(found))


def _walk(folder: Path) -> Iterator[Path]:
    for root, folders, names in os.walk(folder):
        folders.sort()
        for name in names:
            if name.lower().endswith(RECORD_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def verify_files(paths: Iterable[Path], **options: Any) -> list[Verdict]:
    """Every file checked, in order, with `verify_file`'s options; a bad file stops no other."""
    return [verify_file(path, **options) for path in paths]


def worst(verdicts: Sequence[Verdict]) -> State:
    """The worst state found (OK when there is nothing to check)."""
    return max((v.state for v in verdicts), key=lambda s: s.rank, default=State.OK)


def exit_status(verdicts: Sequence[Verdict]) -> ExitStatus:
    """0 when every record is OK (or allowed), 2 when any file is unreadable, else 1."""
    return max((v.exit_status for v in verdicts), default=ExitStatus.OK)


def report_line(verdict: Verdict) -> str:
    """`r.json: OK (checksum verifies)` or `r.json: TAMPERED: checksum does not match: ...`."""
    name = for_screen_line(str(verdict.path))  # as the walk shows text: controls out, bidi shown
    details = for_screen_line("; ".join(verdict.details))
    if verdict.state is State.OK:
        return f"{name}: OK ({details})"
    return f"{name}: {verdict.state.label}: {details}"


def summary_line(verdicts: Sequence[Verdict]) -> str:
    """One line counting each state, such as `3 records: 2 OK, 1 TAMPERED.`."""
    if not verdicts:
        return "No records found."
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
                "allowed": v.allowed,
            }
            for v in verdicts
        ],
    }
