"""Organisation signing keys (Ed25519): make a key pair, sign a record, check a signature.

A checksum only shows that a record was not edited carelessly: anyone who edits it can
recompute the checksum. A signature can only be made with the organisation's private key, so
an edit made without that key is caught by `sharewizard verify --trust PUBLIC_KEY`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from sharewizard.core.errors import Location, SharewizardError
from sharewizard.disk.files import make_private_folder

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from sharewizard.records.shape import Record

ALGORITHM = "ed25519"
PRIVATE_FILE = "sharewizard-signing.key"
PUBLIC_FILE = "sharewizard-signing.pub"
SIGNATURE_FIELD: Final = "signature"


class KeyFileError(SharewizardError):
    """A key file cannot be written, read, or is not an Ed25519 key (exit 2)."""


@dataclass(frozen=True)
class TrustedKey:
    """A public key someone trusts to sign records, and its fingerprint."""

    fingerprint: str
    key: Ed25519PublicKey
    path: Path | None = None


@dataclass(frozen=True)
class SignatureCheck:
    """What `check` found: `good`, `unsigned`, `wrong-key` or `bad-signature`."""

    state: str
    key: str | None = None  # the fingerprint the record names, when it names one
    detail: str = ""


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """`sha256:` + hex SHA-256 of the key's 32 raw bytes."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def new_key_pair(directory: Path) -> tuple[Path, Path]:
    """Write a new key pair into `directory` (created if missing): private 0600, public 0644.

    Refuses to replace either file: losing a private key would leave its records unverifiable
    by a new key, and replacing it silently would hide that.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_path, public_path = directory / PRIVATE_FILE, directory / PUBLIC_FILE
    try:
        make_private_folder(directory)
    except OSError as exc:
        raise KeyFileError(
            f"cannot create the folder: {exc.strerror}.", Location(directory)
        ) from None
    for path in (private_path, public_path):
        if os.path.lexists(path):
            raise KeyFileError(
                "already exists; no key was written.",
                Location(path),
                "Keys are never replaced: choose another folder.",
            )
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_new(private_path, private_pem)
    try:
        _write_new(public_path, public_pem(key.public_key()).encode("ascii"))
        os.chmod(public_path, 0o644)  # for anyone who checks records
    except (KeyFileError, OSError):
        os.unlink(private_path)  # a private key without its public half is no use to anyone
        raise
    return private_path, public_path


def public_pem(key: TrustedKey | Ed25519PublicKey) -> str:
    """A public key as the PEM text of a `.pub` file."""
    from cryptography.hazmat.primitives import serialization

    public = key.key if isinstance(key, TrustedKey) else key
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode("ascii")


def _write_new(path: Path, data: bytes) -> None:
    """Write a key whole or not at all (a full disk leaves no empty key), never replacing one.

    Through the records' writer: a temporary file, owner-only whatever the umask, linked into
    place only once complete.
    """
    from sharewizard.core.errors import RecordError
    from sharewizard.disk.files import write_private

    try:
        write_private(path, data.decode("ascii"), done="no key was written")
    except RecordError as exc:
        raise KeyFileError(exc.message, exc.location) from None


def _read_key_file(path: Path) -> bytes:
    from sharewizard.flowfiles.yamldoc import Limits, read_regular

    return read_regular(path, Limits("a key file", 16 * 1024, aliases=False), KeyFileError)


def _parse_pem(path: Path, parse: Any, not_a_key: str, hint: str) -> Any:
    """A key file read within its size limit and parsed; any failure names the file."""
    data = _read_key_file(path)
    try:
        return parse(data)
    except (ValueError, TypeError):
        raise KeyFileError(not_a_key, Location(path), hint) from None
    except Exception as exc:  # cryptography raises its own types for some damaged files
        raise KeyFileError(f"cannot read the key: {type(exc).__name__}.", Location(path)) from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in a PEM file written by `sharewizard keys new`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = _parse_pem(
        path,
        lambda data: serialization.load_pem_private_key(data, password=None),
        "is not an unencrypted PEM private key.",
        "Give the private key file written by `sharewizard keys new` (not the .pub file).",
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError("is not an Ed25519 key.", Location(path))
    if os.stat(path).st_mode & 0o077:
        raise KeyFileError(
            "can be read or changed by other users, so it cannot be trusted to sign records.",
            Location(path),
            f"Make it yours alone (chmod 600 {path}), or make a new key with `keys new`.",
        )
    return key


def load_public_key(path: Path) -> TrustedKey:
    """The Ed25519 public key in a PEM file (the `.pub` file `sharewizard keys new` writes)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = _parse_pem(
        path,
        serialization.load_pem_public_key,
        "is not a PEM public key.",
        "Give the .pub file written by `sharewizard keys new`.",
    )
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError("is not an Ed25519 key.", Location(path))
    return TrustedKey(fingerprint(key), key, path)


def _signed_bytes(record: Mapping[str, Any]) -> bytes:
    from sharewizard.records.record import canonical_json

    return canonical_json(record, (SIGNATURE_FIELD,))


def sign(record: Record, private_key: Ed25519PrivateKey) -> Record:
    """A copy of the record with a `signature` over every other field (checksum included)."""
    signed = cast("Record", {k: v for k, v in record.items() if k != SIGNATURE_FIELD})
    value = private_key.sign(_signed_bytes(signed))
    signed[SIGNATURE_FIELD] = {
        "algorithm": ALGORITHM,
        "key": fingerprint(private_key.public_key()),
        "value": base64.b64encode(value).decode("ascii"),
    }
    return signed


def check(record: Mapping[str, Any], trusted: Sequence[TrustedKey]) -> SignatureCheck:
    """Whether one of the trusted keys signed exactly this record."""
    from cryptography.exceptions import InvalidSignature

    signature = record.get(SIGNATURE_FIELD)
    if signature is None:
        return SignatureCheck("unsigned", detail="the record is not signed")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        return SignatureCheck("bad-signature", detail="the signature is not an Ed25519 signature")
    named = signature.get("key")
    key = next((t for t in trusted if t.fingerprint == named), None)
    shown = named if isinstance(named, str) else None
    if key is None:
        return SignatureCheck(
            "wrong-key", shown, f"signed by key {str(named)[:80]}, which is not trusted here"
        )
    try:
        key.key.verify(
            base64.b64decode(str(signature.get("value")), validate=True), _signed_bytes(record)
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return SignatureCheck(
            "bad-signature",
            shown,
            "the signature does not match: the record was changed after it was signed",
        )
    return SignatureCheck("good", shown, f"signed by trusted key {key.fingerprint}")
