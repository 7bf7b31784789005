"""The terminal the program talks to: its streams, whether they are terminals, how it was started.

One object (the pattern of httpie's `Environment`), so nothing else reads `sys.stdin.isatty()` or
guesses the program's name; tests build their own.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

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
    """Standard streams and what they are; colour and plain mode follow from them."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    prog: str = field(default_factory=program_name)

    @property
    def stdin_is_tty(self) -> bool:
        """Whether someone can answer questions."""
        return _isatty(self.stdin)

    @property
    def stderr_is_tty(self) -> bool:
        """Whether progress bars make sense."""
        return _isatty(self.stderr)

    def out(self) -> Console:
        """Results: standard output."""
        return Console(file=self.stdout, highlight=False, emoji=False)

    def err(self) -> Console:
        """Messages and errors: standard error."""
        return Console(file=self.stderr, highlight=False, emoji=False)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
