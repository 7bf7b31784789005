"""One way to run sharewizard in a pseudo-terminal (pexpect), for every terminal test."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pexpect


def in_terminal(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    without: tuple[str, ...] = (),
    rows: int = 40,
    columns: int = 100,
    program: list[str] | None = None,
) -> pexpect.spawn:
    """`python -m sharewizard ARGS` in a terminal of `rows` x `columns`, in `cwd`.

    `env` is added to this process's environment (which the test session points into temporary
    folders) and the variables `without` names are left out; `program` replaces
    `python -m sharewizard` (a shell wrapper, say). The caller waits for what the screen shows
    (`expect`), never for time.
    """
    command = program or [sys.executable, "-m", "sharewizard"]
    environ = {
        **os.environ,
        "PROMPT_TOOLKIT_NO_CPR": "1",  # no cursor-position query to wait for
        "COLUMNS": str(columns),
        "LINES": str(rows),
        **(env or {}),
    }
    for name in without:
        environ.pop(name, None)
    return pexpect.spawn(
        command[0],
        [*command[1:], *args],
        cwd=str(cwd),
        env=environ,
        encoding="utf-8",
        timeout=20,
        dimensions=(rows, columns),
        preexec_fn=_keys_as_in_a_terminal,
    )


def _keys_as_in_a_terminal() -> None:
    """Ctrl-C and Ctrl-\\ as a terminal delivers them, however the tests were started.

    A shell without job control starts a background job with SIGINT and SIGQUIT ignored, and a
    program inherits that: Python then never turns Ctrl-C into KeyboardInterrupt, so every
    Ctrl-C test would hang when the suite runs as `pytest ... &` in a script.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
