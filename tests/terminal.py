"""One way to run sharewizard in a pseudo-terminal (pexpect), for every terminal test.

`Screen` reads what the terminal shows, as a person would see it (pyte draws it): the rows of
the screen, not the stream of bytes, so that what scrolled away is gone.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pyte


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


class Screen:
    """The screen of a terminal `child` runs in, drawn as the bytes arrive (`rows` x `columns`)."""

    def __init__(self, child: pexpect.spawn, rows: int = 24, columns: int = 80) -> None:
        self.child = child
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.ended = False

    def rows(self) -> list[str]:
        """Each row of the screen, trailing spaces removed."""
        return [row.rstrip() for row in self.screen.display]

    def text(self) -> str:
        """The screen as one line of words: box lines gone, rows joined, spaces collapsed.

        A phrase wrapped over rows (inside a panel or not) reads whole in it.
        """
        return " ".join(" ".join(re.sub("[│╭╮╰╯─]", " ", row).split()) for row in self.rows())

    def shows(self, phrase: str) -> bool:
        """Whether `phrase` can be read on the screen now, whole."""
        return " ".join(phrase.split()) in self.text()

    def at_cursor(self) -> str:
        """The row the cursor is on, up to the cursor.

        When only spaces precede the cursor on its row, the terminal may have wrapped a full row
        onto it (a prompt one column too long): the row above comes first.
        """
        x, y = self.screen.cursor.x, self.screen.cursor.y
        row = self.screen.display[y][:x]
        if x and not row.strip() and y:
            return self.screen.display[y - 1] + row
        return row

    def waiting(self) -> bool:
        """Whether a question waits for an answer: the cursor after its key hint, `(...)`."""
        return bool(re.search(r"\)\s?$", self.at_cursor()))

    def asking(self, prompt: str) -> bool:
        """Whether the question waiting at the cursor says `prompt` (in its `? ...` lines)."""
        if not self.waiting():
            return False
        rows, y = self.screen.display, self.screen.cursor.y
        top = y
        while top > 0 and not rows[top].startswith("? "):
            top -= 1
        return " ".join(prompt.split()) in " ".join(" ".join(rows[top : y + 1]).split())

    def answer(self, prompt: str, keys: str) -> None:
        """Wait for the question that says `prompt`, then type `keys`."""
        self.wait(lambda: self.asking(prompt), repr(prompt))
        self.send(keys)

    def read(self, seconds: float = 0.05) -> bool:
        """Draw what arrived within `seconds`; False once the program has ended."""
        if self.ended:
            return False
        try:
            self.stream.feed(self.child.read_nonblocking(65536, timeout=seconds))
        except pexpect.TIMEOUT:
            pass
        except pexpect.EOF:
            self.ended = True
        return not self.ended

    def wait(self, ready: Callable[[], bool], what: str, timeout: float = 20) -> None:
        """Draw until `ready()` holds (or the program ended): waiting for what the screen shows."""
        limit = time.monotonic() + timeout
        while not ready():
            if not self.read() and not ready():
                raise AssertionError(f"ended before {what}; the screen was:\n{self.dump()}")
            if time.monotonic() > limit:
                raise AssertionError(f"never showed {what}; the screen was:\n{self.dump()}")

    def send(self, keys: str) -> None:
        """Type `keys`, then draw until the screen has changed."""
        before = (tuple(self.screen.display), self.screen.cursor.x, self.screen.cursor.y)
        self.child.send(keys)
        self.wait(
            lambda: (
                (tuple(self.screen.display), self.screen.cursor.x, self.screen.cursor.y) != before
            ),
            "a change after the keys",
        )

    def finish(self) -> int:
        """Draw until the program ends; its exit status."""
        self.wait(lambda: self.ended, "the end")
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -1

    def dump(self) -> str:
        """The screen as a person sees it, and where the cursor is (for failing tests)."""
        cursor = f"[cursor at row {self.screen.cursor.y}, column {self.screen.cursor.x}]"
        return "\n".join([*self.rows(), cursor])
