"""Atomic, owner-only, never-silently-overwriting file writes; the one check of a file name."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from sharewizard.core.errors import Location, RecordError

STANDARD_OUTPUT = "-"  # `--out -`, `note -o -`: standard output, as every Unix tool reads it
NAME_MAX = 255  # bytes in one file name on the usual file systems (ext4, APFS, NTFS)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

# The temporary files this process has named and not yet put in place or removed. A signal that
# ends the process (replay's workers, or anything that cannot unwind) calls `remove_unfinished`,
# so no half-written record is left behind whatever line was running. Names are added before the
# file exists. Only the main thread adds and removes them, and signal handlers run there too.
_UNFINISHED: set[str] = set()


def remove_unfinished() -> None:
    """Remove every temporary file this process has not finished (an interrupt's last step)."""
    for name in list(_UNFINISHED):
        with contextlib.suppress(OSError):
            os.unlink(name)
        _UNFINISHED.discard(name)


def forget_unfinished() -> None:
    """A new process (a forked worker) owns none of its parent's temporary files."""
    _UNFINISHED.clear()


def write_private(
    path: Path,
    text: str,
    *,
    force: bool = False,
    option: str = "--out",
    done: str = "nothing was written",
) -> Path:
    """Write `text` to `path` atomically with mode 0600; refuse an existing file unless `force`.

    The text goes to a temporary file in the same directory first, so a reader (or a crash)
    never sees half a record; linking it into place fails if the name is taken. A refusal
    names `option` in its hint and says `done` (what was, and was not, written).
    """
    return start_private_write(path, text, force=force, option=option, done=done).finish()


def is_standard_output(path: Path | None) -> bool:
    """Whether a path given as an output is `-`, standard output (`./-` is a file named `-`)."""
    return path is not None and str(path) == STANDARD_OUTPUT


def start_private_write(
    path: Path,
    text: str,
    *,
    force: bool = False,
    option: str = "--out",
    done: str = "nothing was written",
) -> PendingWrite:
    """The first half of `write_private`: checks, and the text in a temporary file beside `path`.

    `finish()` makes it durable and puts it in place; replay hands that half (the wait for
    the disk) to another thread while it works on the next file. For `-`, `finish()` writes
    the text to standard output instead.
    """
    if is_standard_output(path):
        return _ToStandardOutput(path, text)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise RecordError(
            "the folder does not exist.",
            Location(directory),
            f"Create it first, or choose another {option}.",
        )
    check_target(path, force=force, option=option, done=done)
    # Made before the temporary file exists, so that from the moment it does, an interrupt
    # (Ctrl-C, or a signal turned into one) anywhere below reaches `discard`, which removes it.
    pending = PendingWrite(path, directory, force, option, done)
    try:
        pending.create()
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(pending.fd, data) :]
    except BaseException as exc:
        pending.discard()
        raise pending.failure(exc) from None
    return pending


class PendingWrite:
    """A text written to its temporary file, not yet synced to the disk nor in place."""

    def __init__(
        self,
        path: Path,
        directory: Path,
        force: bool,
        option: str = "--out",
        done: str = "nothing was written",
    ) -> None:
        self.path = path
        self.directory = directory
        self.option = option  # named in the hint when the name is taken
        self.done = done  # what a failure leaves written
        self.tmp = ""  # the temporary file, named by `create`
        self.fd = -1
        self.force = force
        self.synced = False
        self.sync_error: OSError | None = None

    def create(self) -> None:
        """Make the temporary file beside the target: new, and owner-only whatever the umask.

        Its name is kept before the file exists, so `discard` finds it however early an
        interrupt comes; a name someone else's file already has is never kept.
        """
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        for _attempt in range(100):
            name = str(self.directory / f".{self.path.name}.{secrets.token_hex(4)}.tmp")
            _UNFINISHED.add(name)
            self.tmp = name
            try:
                self.fd = os.open(name, flags, 0o600)
            except FileExistsError:  # someone else's: neither kept nor removed
                self.tmp = ""
                _UNFINISHED.discard(name)
                continue
            except OSError as exc:
                self.tmp = ""
                _UNFINISHED.discard(name)
                raise RecordError(
                    f"cannot write in this folder: {exc.strerror}.", Location(self.directory)
                ) from None
            os.fchmod(self.fd, 0o600)  # os.open's mode passes through the umask (777 gives 0000)
            return
        raise RecordError("cannot write in this folder: no free name.", Location(self.directory))

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
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # closed once: the descriptor is forgotten
        self.fd = -1
        if self.tmp:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            _UNFINISHED.discard(self.tmp)

    def failure(self, exc: BaseException) -> BaseException:
        """The error to raise for what went wrong while writing (other exceptions as they are)."""
        if isinstance(exc, FileExistsError):
            return RecordError(
                f"already exists; {self.done}.",
                Location(self.path),
                f"Choose another {self.option}, or pass --force to replace it.",
            )
        if isinstance(exc, OSError):
            return RecordError(
                f"cannot write the file: {exc.strerror}; {self.done}.", Location(self.path)
            )
        if isinstance(exc, UnicodeEncodeError):  # a lone surrogate the readers should have refused
            return RecordError(
                "cannot write the file: the text holds a lone surrogate, which is not a character.",
                Location(self.path),
            )
        return exc


class _ToStandardOutput(PendingWrite):
    """A text for standard output (`-`): written whole by `finish()`, as UTF-8 like a file."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__(path, Path("."), force=False)
        self.text = text

    def sync(self) -> None:
        """Nothing to wait for."""

    def finish(self) -> Path:
        """Write the text to standard output, byte for byte what a file would hold."""
        import sys

        sys.stdout.flush()
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:  # a stream of text only (a test's capture): it takes the text
            sys.stdout.write(self.text)
        else:
            raw.write(self.text.encode("utf-8"))
            raw.flush()
        return self.path

    def discard(self) -> None:
        """Nothing was made on disk."""


def check_target(
    path: Path,
    *,
    force: bool = False,
    option: str = "--out",
    done: str = "nothing was written",
    can_force: bool = True,
) -> None:
    """Refuse a target that is not a regular file (even with `force`) or exists (unless `force`).

    `--force` replaces a record, never a FIFO, device, symlink or folder that happens to bear its
    name. `decide` runs this before asking any question (`done` then says "nothing was asked"),
    so nobody answers in vain. `can_force` is False for a command without `--force` (the
    messages then do not offer it). `-` (standard output) is always fine.
    """
    if is_standard_output(path):
        return
    existing = _existing(path)
    if existing is not None and not stat.S_ISREG(existing):
        why = "--force replaces only regular files, so " if can_force else ""
        raise RecordError(
            f"is {_kind_of(existing)}, not a regular file; {why}{done}.",
            Location(path),
            f"Choose another {option}.",
        )
    if existing is not None and not force:
        raise RecordError(
            f"already exists; {done}.",
            Location(path),
            f"Choose another {option}, or pass --force to replace it."
            if can_force
            else f"Choose another {option}.",
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


# --- names and folders ---------------------------------------------------------------------------


def name_problem(name: str) -> str | None:
    """Why `name` cannot be one file directly inside a folder, or None when it can."""
    if name in ("", ".", ".."):
        return "it names no file"
    if "\0" in name:
        return "it holds a NUL character"
    if "/" in name or (os.altsep and os.altsep in name) or os.sep in name:
        return "it holds a path separator"
    if len(name.encode("utf-8", "surrogateescape")) > NAME_MAX:
        return f"it is longer than the {NAME_MAX} bytes a file name may have"
    return None


def name_inside(folder: Path, name: str) -> Path:
    """`folder / name`, for a name that stays directly inside `folder`; anything else is refused.

    Every file name sharewizard builds from something it read or was given (a draft id, a
    flow id, an input's path) comes through here: a `/`, a `..` or a NUL would put the file
    elsewhere, and an over-long name would fail only once everything else was done.
    """
    problem = name_problem(name)
    if problem is not None:
        shown = repr(name[:80]) + ("…" if len(name) > 80 else "")
        raise RecordError(f"{shown} cannot name a file here: {problem}.", Location(folder))
    return folder / name


def make_private_folder(folder: Path) -> None:
    """Create `folder` and its missing parents owner-only (0700), whatever the umask.

    Folders that exist already are left as they are. Raises OSError.
    """
    missing = []
    here = folder
    while not os.path.lexists(here) and here != here.parent:
        missing.append(here)
        here = here.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile (another walk): its maker set its mode
            continue
        os.chmod(each, 0o700)  # mkdir's mode passes through the umask (777 gives 0000)
