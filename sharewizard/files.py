"""Atomic, owner-only, never-silently-overwriting file writes for records and answers."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from sharewizard.errors import Location, RecordError


def write_private(path: Path, text: str, *, force: bool = False) -> Path:
    """Write `text` to `path` atomically with mode 0600; refuse an existing file unless `force`.

    The text goes to a temporary file in the same directory first, so a reader (or a crash)
    never sees half a record; linking it into place fails if the name is taken.
    """
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise RecordError(
            "the folder does not exist.",
            Location(directory),
            "Create it first, or choose another --out.",
        )
    if path.exists() and not force:
        raise RecordError(
            "already exists; nothing was written.",
            Location(path),
            "Choose another --out, or pass --force to replace it.",
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise RecordError(
            f"cannot write in this folder: {exc.strerror}.", Location(directory)
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if another process took the name meanwhile
    except FileExistsError:
        raise RecordError(
            "already exists; nothing was written.",
            Location(path),
            "Choose another --out, or pass --force to replace it.",
        ) from None
    except OSError as exc:
        raise RecordError(f"cannot write the file: {exc.strerror}.", Location(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


def read_text(path: Path) -> str:
    """A small text file sharewizard wrote (a draft), as text; errors name the file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"cannot read the file: {exc.strerror}.", Location(path)) from None
    except UnicodeDecodeError:
        raise RecordError("is not UTF-8 text.", Location(path)) from None
