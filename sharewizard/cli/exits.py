"""The one path from an exception to an exit code and a message (httpie's `ExitStatus` pattern).

0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted (Ctrl-C, Ctrl-D), 128+N a signal,
70 a bug in sharewizard. Nothing a user can type or a file can hold should reach 70.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

from sharewizard.core.errors import ExitStatus, Interrupted, SharewizardError, interrupted_status
from sharewizard.disk.files import remove_unfinished
from sharewizard.walk.console import Env


def exit_status_of(body: Callable[[], int | None], env: Env, traceback: bool = False) -> int:
    """Run `body`; print what went wrong on standard error and return the exit status."""
    try:
        return int(body() or 0)
    except SystemExit as exc:  # typer/click's own exits (usage errors, --help) pass through
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else ExitStatus.BAD_INPUT)
    except Interrupted as stop:
        remove_unfinished()
        _say(_stopped, env, stop)
        return stop.exit_status
    except SharewizardError as exc:
        if traceback:
            raise
        _say(_error, env, str(exc))
        return exc.exit_status
    except (KeyboardInterrupt, EOFError) as stop:
        remove_unfinished()
        _say(_error, env, "interrupted; nothing was written.")
        return interrupted_status(stop)
    except OSError as exc:
        if traceback:
            raise
        if exc.errno == errno.EPIPE:  # the reader went away (`| head`): not our failure
            return ExitStatus.OK
        _say(_error, env, _os_error_message(exc))
        return ExitStatus.BAD_INPUT
    except Exception as exc:  # the last net: a bug must still not print a traceback
        if traceback:
            raise
        message = (
            f"unexpected {type(exc).__name__}: {exc}. This is a bug in sharewizard; please "
            f"report it with the command you ran (add --traceback for details)."
        )
        _say(_error, env, message)
        return ExitStatus.INTERNAL


# Every file sharewizard writes is named in its own errors, so a failed write that names no
# file is a failed write to standard output (`> /dev/full`, a full disk, a closed terminal).
_FAILED_WRITES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _os_error_message(exc: OSError) -> str:
    """An operating-system error in words, naming standard output when it is what failed."""
    reason = f"{exc.strerror or exc}."
    if exc.filename is None and exc.errno in _FAILED_WRITES:
        return f"cannot write to standard output: {reason}"
    return reason


def _say(show: Callable[[Env, Any], None], env: Env, what: Any) -> None:
    """Print on standard error; a closed terminal (SIGHUP) must not turn into a crash."""
    try:
        show(env, what)
    except (OSError, ValueError):
        pass


def _error(env: Env, message: str) -> None:
    from sharewizard.walk.summary import print_error

    print_error(env.err(), message)


def _stopped(env: Env, stop: Interrupted) -> None:
    from sharewizard.core.text import for_screen

    console = env.err()
    # the command to continue is printed the way this one was run, --plain included
    prog = f"{env.prog} --plain" if env.plain_requested else env.prog
    if stop.saved_to is not None and stop.record_later:
        draft_id = stop.saved_to.name.removesuffix(".answers.yaml")
        console.print(
            for_screen(
                f"The record waits as draft {draft_id} ({stop.saved_to}). When the child is "
                f"safe, finish it with: {prog} decide --resume {draft_id}"
            ),
            markup=False,
            soft_wrap=True,
        )
    elif stop.saved_to is not None:
        draft_id = stop.saved_to.name.removesuffix(".answers.yaml")
        typing = getattr(stop.draft, "half_typed", None) is not None
        what = "Your answers so far" + (", and the text you were typing," if typing else "")
        console.print(
            for_screen(
                f"Stopped. {what} are saved as draft {draft_id} ({stop.saved_to}).\n"
                f"Continue with: {prog} decide --resume {draft_id}"
            ),
            markup=False,
            soft_wrap=True,
        )
    elif stop.text:
        console.print(
            "Stopped. Your answers could not be saved anywhere, so here they are. Copy them "
            f"into a file and continue with: {prog} decide --resume FILE\n\n{stop.text}",
            markup=False,
            soft_wrap=True,
        )
    else:
        console.print("Stopped before anything was answered; nothing to save.", markup=False)
