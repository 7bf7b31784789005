"""Plain mode's line at a terminal: what was typed on it when the walk stopped, before Enter.

A terminal edits a line itself until Enter (canonical mode), so the program sees nothing of it
until then. At a stop, the line is read as it stands: the terminal leaves line mode for a moment,
which makes the half line readable (on Linux and the BSDs alike), and goes back. Ctrl-C would
empty the line first (a terminal discards its input on an interrupt key), so while a line is
read the terminal is told not to (NOFLSH). Nothing of this happens in a signal handler: the
line is read after the stop, by the code that saves the draft.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO

#: More than anyone types on one line; a line longer than this is cut here.
_MOST = 1 << 20


def _terminal(stream: IO[str]) -> int | None:
    """The file descriptor of `stream` when it is a terminal whose modes can be set."""
    try:
        import termios  # noqa: F401  # POSIX only: elsewhere the line is not kept
    except ImportError:
        return None
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # a StringIO, a closed stream
        return None
    return fd if os.isatty(fd) else None


def at_terminal(stream: IO[str]) -> bool:
    """Whether lines come from a person at a terminal (a line ends with Enter or not at all)."""
    return _terminal(stream) is not None


@contextlib.contextmanager
def kept_on_ctrl_c(stream: IO[str]) -> Iterator[None]:
    """While a line is read from `stream`: Ctrl-C leaves what was typed for `typed_so_far`."""
    fd = _terminal(stream)
    if fd is None:
        yield
        return
    import termios

    try:
        before = termios.tcgetattr(fd)
        keeping = list(before)
        keeping[3] |= termios.NOFLSH
        termios.tcsetattr(fd, termios.TCSANOW, keeping)
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, before)


def typed_so_far(stream: IO[str]) -> str:
    """The text typed on the terminal's line and not sent with Enter; the line is emptied.

    "" when `stream` is not a terminal, or the terminal is gone (closed: its line went with it).
    """
    fd = _terminal(stream)
    if fd is None:
        return ""
    import termios

    try:
        before = termios.tcgetattr(fd)
        reading = list(before)
        reading[3] &= ~termios.ICANON
        reading[6] = list(reading[6])
        reading[6][termios.VMIN], reading[6][termios.VTIME] = 0, 0  # what is there, no waiting
        termios.tcsetattr(fd, termios.TCSANOW, reading)
    except termios.error:
        return ""
    found = b""
    try:
        while len(found) < _MOST:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            found += chunk
    except OSError:  # the terminal closed meanwhile
        pass
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, before)
    return found.decode(getattr(stream, "encoding", None) or "utf-8", errors="replace")
