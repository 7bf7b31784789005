"""The public keys this user knows (`keys new`, `keys add`): `verify` checks their signatures.

Each known key is a `.pub` file in the `keys` folder of the user's data folder, named after the
key (`--name`, else its short fingerprint). A record signed by a known key has its signature
checked without `--trust`; a record signed by a key nobody registered is "SIGNED (key not
checked)", never a bare OK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sharewizard.core.errors import Location
from sharewizard.disk.places import data_dir
from sharewizard.records.signing import KeyFileError, TrustedKey, load_public_key, public_pem

SUFFIX = ".pub"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class KnownKey:
    """A registered public key: the name it was given and the key itself."""

    name: str
    trusted: TrustedKey


def keys_dir() -> Path:
    """The folder of known public keys: `keys/` in the data folder."""
    return data_dir() / "keys"


def default_name(fingerprint: str) -> str:
    """`key-9545271f60d2`: a name for a key registered without one."""
    return "key-" + fingerprint.removeprefix("sha256:")[:12]


def known_keys() -> list[KnownKey]:
    """Every registered key, by name; a file that is not a public key is passed over."""
    folder = keys_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            found.append(KnownKey(path.stem, load_public_key(path)))
        except KeyFileError:
            continue  # a damaged file is not a key anyone trusts; `keys list` says nothing of it
    return found


def add_key(public_key: Path, name: str | None = None) -> tuple[KnownKey, bool]:
    """Register a public key under `name`; returns it and whether it was new.

    A key registered already is not registered again (under any name); a name taken by another
    key is refused (exit 2).
    """
    from sharewizard.disk.files import make_private_folder, write_private

    key = load_public_key(public_key)
    already = next((k for k in known_keys() if k.trusted.fingerprint == key.fingerprint), None)
    if already is not None:
        return already, False
    target = free_name(name or default_name(key.fingerprint))
    try:
        make_private_folder(target.parent)
    except OSError as exc:
        raise KeyFileError(
            f"cannot create the folder: {exc.strerror}.", Location(target.parent)
        ) from None
    write_private(target, public_pem(key), done="the key was not registered")
    return KnownKey(target.stem, load_public_key(target)), True


def free_name(name: str) -> Path:
    """The file a new key named `name` goes to; a bad name or one taken is refused (exit 2)."""
    if not _NAME.fullmatch(name):
        raise KeyFileError(
            f"{name[:80]!r} cannot name a key.",
            Location(field="--name"),
            "Use up to 64 letters, digits, dots, hyphens and underscores, starting with a "
            "letter or digit.",
        )
    target = keys_dir() / f"{name}{SUFFIX}"
    if target.exists() or target.is_symlink():
        raise KeyFileError(
            f"a key named {name!r} is known here already.",
            Location(field="--name"),
            "Choose another --name (see `sharewizard keys list`).",
        )
    return target
