"""The one exception hierarchy, and the exit codes the command line maps it to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitStatus(IntEnum):
    """Process exit codes: documented in the README, mapped in one place, `cli.exits`."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 70  # a bug in sharewizard (EX_SOFTWARE); the message asks for a report
    INTERRUPTED = 130


# A field's name may hold a key from the file (`answers.<key>`): a 20,000-character key is cut.
_FIELD_CHARS = 80


@dataclass(frozen=True)
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
            field = (
                self.field if len(self.field) <= _FIELD_CHARS else self.field[:_FIELD_CHARS] + "…"
            )
            where = f"{where}: {field}" if where else field
        return where


class SharewizardError(Exception):
    """Base of every error a user can act on; `cli.exits` prints it without a traceback."""

    exit_status: int = ExitStatus.BAD_INPUT

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

    exit_status: int = ExitStatus.CHECK_FAILED


class RegisterError(SharewizardError):
    """The register's database cannot be opened, read or written, or refuses what was asked."""


class UsageError(SharewizardError):
    """The command line asks for something impossible (for example prompts without a terminal)."""


class Interrupted(SharewizardError, KeyboardInterrupt):
    """The user stopped a walk (Ctrl-C, Ctrl-D, a closed terminal, `kill`).

    Both a SharewizardError (it carries its exit status) and a KeyboardInterrupt (so code that
    only knows about interrupts still stops), holding the partial walk so it can be saved as a
    draft (the pattern of copier's `CopierAnswersInterrupt`).
    """

    exit_status: int = ExitStatus.INTERRUPTED

    def __init__(
        self,
        draft: Any = None,
        *,
        signal_number: int | None = None,
        saved_to: Path | None = None,
        text: str = "",
        record_later: bool = False,
    ) -> None:
        super().__init__("stopped before the decision was recorded.")
        self.draft = draft
        self.signal_number = signal_number
        self.saved_to = saved_to  # the draft file, when it could be written
        self.text = text  # the draft as an answers file, the last resort when it could not
        # Chosen at an urgent outcome (call 999): stop now, finish the record later. Not a
        # failure: the draft waits, and the person is told how to finish it.
        self.record_later = record_later
        if record_later:
            self.exit_status = ExitStatus.OK
        if signal_number is not None:
            self.exit_status = 128 + signal_number


class SignalInterrupt(KeyboardInterrupt):
    """Raised from a SIGTERM or SIGHUP handler, so a walk stops as it would on Ctrl-C."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(f"signal {signal_number}")
        self.signal_number = signal_number


class StoppedTyping(KeyboardInterrupt):
    """A stop (Ctrl-C, Ctrl-D, a signal) at a text question with text typed but not confirmed.

    The text rides to the draft, where a resumed walk offers it again; it is not an answer.
    `signal_number` is the signal's, as in `SignalInterrupt` (None: Ctrl-C or Ctrl-D).
    """

    def __init__(self, text: str, signal_number: int | None = None) -> None:
        super().__init__("stopped while typing")
        self.text = text
        self.signal_number = signal_number


def interrupted_status(stop: BaseException) -> int:
    """The exit status of an interrupt: 128 + N for signal N (SIGTERM, SIGHUP), else 130."""
    number = getattr(stop, "signal_number", None)
    return ExitStatus.INTERRUPTED if number is None else 128 + number
