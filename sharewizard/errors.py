"""The one exception hierarchy, and the exit codes the command line maps it to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitStatus(IntEnum):
    """Process exit codes: documented in the README, mapped in one place in `cli.py`."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 70  # a bug in sharewizard (EX_SOFTWARE); the message asks for a report
    INTERRUPTED = 130


@dataclass
class Location:
    """Where in which file something is wrong; any part may be unknown."""

    path: Path | str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [str(self.path)] if self.path else []
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        return where


class SharewizardError(Exception):
    """Base of every error a user can act on; `cli.py` prints it without a traceback."""

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text = f"{text} {self.hint}"
        return text


class FlowError(SharewizardError):
    """A flow file (or sources file) cannot be read, parsed or validated."""


class AnswersError(SharewizardError):
    """An answers file, or an answer given to a question, does not fit the flow."""


class RecordError(SharewizardError):
    """A decision record cannot be written, read or verified."""


class TamperedRecord(RecordError):
    """A record's content no longer matches what was written: a failed check, not bad input."""

    exit_status = ExitStatus.CHECK_FAILED


class UsageError(SharewizardError):
    """The command line asks for something impossible (for example prompts without a terminal)."""


@dataclass
class Interrupted(Exception):
    """The user stopped a walk; carries what was answered so the CLI can save a draft."""

    flow_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    record_fields: dict[str, Any] = field(default_factory=dict)
    last_question: str | None = None
