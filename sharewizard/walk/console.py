"""The terminal the program talks to: its streams, whether they are terminals, how it was started.

One object (the pattern of httpie's `Environment`), so nothing else reads `sys.stdin.isatty()`,
`TERM` or `NO_COLOR`, or guesses the program's name; tests build their own.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def program_name(argv0: str | None = None) -> str:
    """How to run sharewizard again, as the person would type it.

    `sharewizard` when that is what PATH finds; otherwise the path the program was started by
    (for example `.venv/bin/sharewizard` after the README's quick start).
    """
    started = argv0 if argv0 is not None else sys.argv[0]
    name = Path(started).name
    if name in ("__main__.py", "-c", "") or name.startswith("python"):
        return "python -m sharewizard"
    on_path = shutil.which("sharewizard")
    if on_path and Path(started).name == "sharewizard":
        try:
            if Path(on_path).resolve() == Path(started).resolve() or os.sep not in started:
                return "sharewizard"
        except OSError:
            pass
    return started if os.sep in started else "sharewizard"


@dataclass
class Env:
    """Standard streams and what they are; colour and plain mode follow from them.

    Plain mode (for screen readers, `TERM=dumb` terminals and logs): no colour, no boxes, no cursor
    movement; questions are one line each and answered by typing. It is on with `--plain`, when
    `TERM=dumb`, when `ACCESSIBLE` is set, or when standard output is not a terminal.
    """

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    prog: str = field(default_factory=program_name)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    plain_requested: bool = False  # --plain

    @property
    def stdin_is_tty(self) -> bool:
        """Whether someone can answer questions."""
        return _isatty(self.stdin)

    @property
    def stdout_is_tty(self) -> bool:
        """Whether results go to a terminal (rather than a file, a pipe or a log)."""
        return _isatty(self.stdout)

    @property
    def stderr_is_tty(self) -> bool:
        """Whether progress bars make sense."""
        return _isatty(self.stderr)

    @property
    def plain(self) -> bool:
        """Plain mode: `--plain`, `TERM=dumb`, `ACCESSIBLE` set, or output not a terminal."""
        return (
            self.plain_requested
            or self.environ.get("TERM", "") == "dumb"
            or bool(self.environ.get("ACCESSIBLE"))
            or not self.stdout_is_tty
        )

    @property
    def no_color(self) -> bool:
        """No colour: `NO_COLOR` set to anything but the empty string (no-color.org), or plain."""
        return bool(self.environ.get("NO_COLOR")) or self.plain

    def out(self) -> Console:
        """Results: standard output."""
        return self._console(self.stdout)

    def err(self) -> Console:
        """Messages and errors: standard error."""
        return self._console(self.stderr)

    def _console(self, stream: IO[str]) -> Console:
        # Rich is imported here, not at the top: `--version`, `replay --json` and the first
        # question of `decide` should not wait for it (about 25 ms).
        from rich.console import Console

        # Every Console of the program is made here: emoji codes such as :warning: in user text
        # stay as typed, and plain mode gets no escape codes at all (no colour, no styles).
        if self.plain:
            return Console(
                file=stream,
                highlight=False,
                emoji=False,
                color_system=None,
                no_color=True,
                force_terminal=False,
                force_interactive=False,
            )
        return Console(file=stream, highlight=False, emoji=False, no_color=self.no_color)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def tolerate_narrow_encodings() -> None:
    """On a terminal that cannot show a character (an ASCII-only one), show `?` instead of failing.

    Typographic quotes, arrows and box lines are decoration: losing them must never stop a
    command, let alone turn into "a bug". Bytes typed that are not text in the terminal's
    encoding are read as lone surrogates (as prompt_toolkit reads them), so that whoever reads
    the line can refuse it with a message (`text.undecoded`) instead of crashing.
    """
    for stream, errors in (
        (sys.stdin, "surrogateescape"),
        (sys.stdout, "replace"),
        (sys.stderr, "replace"),
    ):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=errors)
            except (ValueError, OSError):
                pass
