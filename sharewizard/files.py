"""Atomic, owner-only, never-silently-overwriting file writes for records and answers."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from sharewizard.errors import Location, RecordError


def write_private(path: Path, text: str, *, force: bool = False) -> Path:
    """Write `text` to `path` atomically with mode 0600; refuse an existing file unless `force`.

    The text goes to a temporary file in the same directory first, so a reader (or a crash)
    never sees half a record; linking it into place fails if the name is taken.
    """
    return start_private_write(path, text, force=force).finish()


def start_private_write(
    path: Path, text: str, *, force: bool = False, option: str = "--out"
) -> PendingWrite:
    """The first half of `write_private`: checks, and the text in a temporary file beside `path`.

    `finish()` makes it durable and puts it in place; replay hands that half (the wait for
    the disk) to another thread while it works on the next file.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise RecordError(
            "the folder does not exist.",
            Location(directory),
            "Create it first, or choose another --out.",
        )
    check_target(path, force=force, option=option)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise RecordError(
            f"cannot write in this folder: {exc.strerror}.", Location(directory)
        ) from None
    pending = PendingWrite(path, tmp, fd, force, option)  # mkstemp made it owner-only (mode 0600)
    try:
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    except BaseException as exc:
        pending.discard()
        raise pending.failure(exc) from None
    return pending


class PendingWrite:
    """A text written to its temporary file, not yet synced to the disk nor in place."""

    def __init__(self, path: Path, tmp: str, fd: int, force: bool, option: str = "--out") -> None:
        self.path = path
        self.option = option  # named in the hint when the name is taken
        self.tmp = tmp
        self.fd = fd
        self.force = force
        self.synced = False
        self.sync_error: OSError | None = None

    def sync(self) -> None:
        """Wait for the text to be on the disk (another thread may); `finish()` reports errors."""
        try:
            os.fsync(self.fd)
        except OSError as exc:
            self.sync_error = exc
        else:
            self.synced = True

    def finish(self) -> Path:
        """Sync the file to the disk (unless done) and put it in place (it is owner-only)."""
        try:
            if self.sync_error is not None:
                raise self.sync_error
            if not self.synced:
                os.fsync(self.fd)
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                os.link(self.tmp, self.path)  # fails if another process took the name meanwhile
        except BaseException as exc:
            raise self.failure(exc) from None
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (once in place, only its second name goes)."""
        with contextlib.suppress(OSError):
            os.close(self.fd)  # closed once: the descriptor is forgotten
        self.fd = -1
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)

    def failure(self, exc: BaseException) -> BaseException:
        """The error to raise for what went wrong while writing (other exceptions as they are)."""
        if isinstance(exc, FileExistsError):
            return RecordError(
                "already exists; nothing was written.",
                Location(self.path),
                f"Choose another {self.option}, or pass --force to replace it.",
            )
        if isinstance(exc, OSError):
            return RecordError(f"cannot write the file: {exc.strerror}.", Location(self.path))
        if isinstance(exc, UnicodeEncodeError):  # a lone surrogate the readers should have refused
            return RecordError(
                "cannot write the file: the text holds a lone surrogate, which is not a character.",
                Location(self.path),
            )
        return exc


def check_target(
    path: Path, *, force: bool = False, option: str = "--out", done: str = "nothing was written"
) -> None:
    """Refuse a target that is not a regular file (even with `force`) or exists (unless `force`).

    `--force` replaces a record, never a FIFO, device, symlink or folder that happens to bear its
    name. `decide` runs this before asking any question (`done` then says "nothing was asked"),
    so nobody answers in vain.
    """
    existing = _existing(path)
    if existing is not None and not stat.S_ISREG(existing):
        raise RecordError(
            f"is {_kind_of(existing)}, not a regular file; --force replaces only regular files, "
            f"so {done}.",
            Location(path),
            f"Choose another {option}.",
        )
    if existing is not None and not force:
        raise RecordError(
            f"already exists; {done}.",
            Location(path),
            f"Choose another {option}, or pass --force to replace it.",
        )


def _existing(path: Path) -> int | None:
    """The mode of what is at `path` (a symlink itself, not its target), or None if nothing."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RecordError(f"cannot check the file: {exc.strerror}.", Location(path)) from None


def _kind_of(mode: int) -> str:
    for test, words in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return words
    return "not a regular file"


def read_text(path: Path) -> str:
    """A small text file sharewizard wrote (a draft), as text; errors name the file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"cannot read the file: {exc.strerror}.", Location(path)) from None
    except UnicodeDecodeError:
        raise RecordError("is not UTF-8 text.", Location(path)) from None
