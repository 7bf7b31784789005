"""Checked catalogues kept in the user cache folder, so flows already known good load at once.

Checking a flows folder (YAML with positions, JSON Schema, routes, references) takes a few hundred
milliseconds; most runs load the same, unchanged flows. After a folder has been checked, the
resulting `Catalogue` is stored under a key made of the sha256 of every YAML file in it, the
folder's path and the sharewizard code that checked it; any change to any of these is a miss, and
the folder is checked again.

The cache is only ever a shortcut: a missing, corrupt, foreign or unwritable cache file is ignored
and the flows are checked as if it were not there. `SHAREWIZARD_CACHE_DIR` moves it (the tests
point it at a temporary folder); the default is the user cache folder (platformdirs).

The entries are pickles, so one is only read when it is a regular file owned by the user and
writable by no one else, in a folder of their own: whoever could plant one could as well change
the user's shell start-up files.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard import __version__

if TYPE_CHECKING:
    from sharewizard.core.model import Catalogue

CACHE_ENV = "SHAREWIZARD_CACHE_DIR"
ENTRY_FORMAT = 1
MAX_FILE_BYTES = 5 * 1024 * 1024  # larger flow files are for the loader to refuse, not to hash


def cache_dir() -> Path:
    """`$SHAREWIZARD_CACHE_DIR`, else the user cache folder for sharewizard."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return platformdirs.user_cache_path("sharewizard", appauthor=False)


def _code_stamp() -> bytes:
    """What identifies the checking code: version, Python, and each module's size and mtime.

    Every module of the package counts (the loader, the model it pickles, and what they import),
    and the schemas.
    """
    package = Path(__file__).parent.parent
    parts = [f"{ENTRY_FORMAT} {__version__} {sys.version}"]
    for path in sorted([*package.rglob("*.py"), *package.glob("flowfiles/schemas/*.json")]):
        try:
            info = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package)} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts).encode()


def catalogue_key(directory: Path) -> str | None:
    """The cache key of a flows folder, or None when a file cannot safely be hashed.

    Only regular files of a reasonable size are read here: a FIFO, a device or a huge file is
    left to the loader, which refuses it with its own message.
    """
    digest = hashlib.sha256(_code_stamp())
    digest.update(str(directory).encode("utf-8", "surrogateescape"))
    for path in sorted(directory.glob("*.y*ml")):
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        digest.update(f"\n{path.name}\n".encode("utf-8", "surrogateescape"))
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _entry_path(directory: Path, kind: str = "catalogue", suffix: str = "pickle") -> Path:
    name = hashlib.sha256(str(directory).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"{kind}-{name}.{suffix}"


def _rows_path(directory: Path) -> Path:
    return _entry_path(directory, "list", "json")


def _trusted(fd: int) -> bool:
    """A regular file of ours that nobody else can write."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _read_trusted(path: Path) -> bytes | None:
    """The bytes of a cache entry we can trust (see `_trusted`), or None (never raises)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, ValueError):
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            return handle.read() if _trusted(handle.fileno()) else None
    except OSError:
        return None


def load(directory: Path, key: str) -> Catalogue | None:
    """The catalogue stored for `directory` under `key`, or None (never raises)."""
    import pickle

    from sharewizard.core.model import Catalogue

    data = _read_trusted(_entry_path(directory))
    if data is None:
        return None
    try:
        stored_key, catalogue = pickle.loads(data)  # noqa: S301 (see the module docstring)
    except Exception:  # noqa: BLE001 a corrupt or stale entry is a miss, whatever it raises
        return None
    if stored_key != key or not isinstance(catalogue, Catalogue):
        return None
    return catalogue


def load_known_good(directory: Path) -> Catalogue | None:
    """The catalogue of a flows folder checked before and unchanged since, or None (never raises).

    Read without importing the flows loader (YAML, JSON Schema): `decide` of known-good flows
    reaches its first question sooner. `None` leaves the folder to `loader.load_catalogue`, which
    checks it (and says what is wrong with it).
    """
    try:
        resolved = directory.resolve()
        if not resolved.is_dir():
            return None
        key = catalogue_key(resolved)
    except (OSError, ValueError):
        return None
    return load(resolved, key) if key else None


def load_rows(directory: Path) -> list[dict[str, Any]] | None:
    """The `list` rows stored for a flows folder still as it was checked, or None (never raises).

    Plain JSON, read without loading the flows loader: `list` of known-good flows stays as quick
    as starting Python.
    """
    data = _read_trusted(_rows_path(directory))
    if data is None:
        return None
    try:
        stored = json.loads(data)
        key = catalogue_key(directory)
    except (ValueError, OSError):
        return None
    if not isinstance(stored, dict) or key is None or stored.get("key") != key:
        return None
    rows = stored.get("rows")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return None
    return rows


def save(directory: Path, key: str, catalogue: Catalogue) -> None:
    """Store a checked catalogue and its `list` rows; a failure (a full disk) is ignored."""
    import pickle

    from sharewizard.flowfiles.listing import rows_of

    rows = json.dumps({"key": key, "rows": rows_of(catalogue)}, ensure_ascii=False)
    _store(_entry_path(directory), lambda: pickle.dumps((key, catalogue), pickle.HIGHEST_PROTOCOL))
    _store(_rows_path(directory), lambda: rows.encode("utf-8"))


def _store(path: Path, content: Callable[[], bytes]) -> None:
    """Write a cache entry atomically, owner-only; any failure leaves no entry and is ignored."""
    import tempfile

    from sharewizard.disk.files import make_private_folder

    try:
        folder = cache_dir()
        make_private_folder(folder)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}-", suffix=".tmp")
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content())
        os.replace(temporary, path)
    except Exception:  # noqa: BLE001 an object that will not pickle, a full disk: no cache
        try:
            os.unlink(temporary)
        except OSError:
            pass
