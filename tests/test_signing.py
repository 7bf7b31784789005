"""Organisation keys: `keys new`, signing a record and checking the signature."""

from __future__ import annotations

import base64
import copy
import stat
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.records import record as records
from sharewizard.records import signing

RECORD = {
    "schema_version": 2,
    "record_id": "00000000-0000-4000-8000-000000000000",
    "sharing": {"what": "Concerns", "rationale": "Necessary and proportionate."},
    "missing": [],
    "note": "caf\u00e9 \U0001f600",
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.fixture
def record() -> dict:
    made = copy.deepcopy(RECORD)
    made["checksum"] = records.checksum(made)
    return made


@pytest.fixture
def keys(tmp_path) -> tuple[Path, Path]:
    return signing.new_key_pair(tmp_path / "keys")


def test_keys_new_writes_a_private_key_only_the_owner_can_read(tmp_path, capsys):
    folder = tmp_path / "org"
    code, out, _ = run(capsys, "keys", "new", str(folder))
    assert code == 0
    private, public = folder / signing.PRIVATE_FILE, folder / signing.PUBLIC_FILE
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) == 0o644
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    fingerprint = signing.load_public_key(public).fingerprint
    name = "key-" + fingerprint.removeprefix("sha256:")[:12]
    assert out.splitlines() == [
        f"Private key (keep it secret; sign with --sign-key): {private}",
        f"Public key (give it to checkers; verify --trust): {public}",
        f"Fingerprint: {fingerprint}",
        f"Known here as {name}: `verify` checks its signatures (`keys list`).",
    ]


def test_keys_new_and_add_register_public_keys_that_keys_list_shows(tmp_path, capsys):
    assert run(capsys, "keys", "new", str(tmp_path / "a"), "--name", "head-office")[0] == 0
    _, other = signing.new_key_pair(tmp_path / "b")
    theirs = signing.load_public_key(other).fingerprint
    assert run(capsys, "keys", "add", str(other), "--name", "partner") == (
        0,
        f"Known here as partner: {theirs}\n",
        "",
    )
    assert run(capsys, "keys", "add", str(other), "--name", "again") == (
        0,
        f"Already known here as partner: {theirs}\n",
        "",
    )
    ours = signing.load_public_key(tmp_path / "a" / signing.PUBLIC_FILE).fingerprint
    code, out, _ = run(capsys, "keys", "list")
    assert (code, out) == (0, f"head-office  {ours}\npartner  {theirs}\n")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("head-office", "a key named 'head-office' is known here already."),
        ("../evil", "'../evil' cannot name a key."),
        ("", "'' cannot name a key."),
    ],
)
def test_a_key_name_taken_or_unfit_is_refused_before_any_key_is_made(
    tmp_path, capsys, name, problem
):
    run(capsys, "keys", "new", str(tmp_path / "a"), "--name", "head-office")
    code, out, err = run(capsys, "keys", "new", str(tmp_path / "b"), "--name", name)
    assert (code, out) == (2, "")
    assert f"Error: --name: {problem}" in err
    assert not (tmp_path / "b").exists()


def test_keys_list_with_no_keys_says_so(capsys):
    code, out, err = run(capsys, "keys", "list")
    assert (code, out) == (0, "") and err.startswith("No keys known here (none in ")


def test_keys_new_never_replaces_a_key(tmp_path, capsys):
    folder = tmp_path / "org"
    run(capsys, "keys", "new", str(folder))
    before = (folder / signing.PRIVATE_FILE).read_bytes()
    code, out, err = run(capsys, "keys", "new", str(folder))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {folder / signing.PRIVATE_FILE}: already exists; no key was written. "
        "Keys are never replaced: choose another folder.\n"
    )
    assert (folder / signing.PRIVATE_FILE).read_bytes() == before


def test_keys_new_refuses_when_only_the_public_half_exists(tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / signing.PUBLIC_FILE).write_text("someone else's\n")
    with pytest.raises(signing.KeyFileError, match="already exists"):
        signing.new_key_pair(folder)
    assert not (folder / signing.PRIVATE_FILE).exists()


def test_sign_then_check(record, keys):
    private, public = keys
    signed = signing.sign(record, signing.load_private_key(private))
    trusted = signing.load_public_key(public)
    assert signed["signature"]["algorithm"] == "ed25519"
    assert signed["signature"]["key"] == trusted.fingerprint
    assert len(base64.b64decode(signed["signature"]["value"])) == 64
    assert {k: v for k, v in signed.items() if k != "signature"} == record  # nothing else moves
    assert records.verify(signed)  # the checksum leaves the signature out
    found = signing.check(signed, [trusted])
    assert (found.state, found.key) == ("good", trusted.fingerprint)


def test_signing_twice_replaces_the_signature(record, keys, tmp_path):
    private, _ = keys
    other_private, other_public = signing.new_key_pair(tmp_path / "other")
    once = signing.sign(record, signing.load_private_key(private))
    twice = signing.sign(once, signing.load_private_key(other_private))
    assert signing.check(twice, [signing.load_public_key(other_public)]).state == "good"


@pytest.mark.parametrize(
    "edit",
    [
        lambda r: r["sharing"].update(what="Something else"),
        lambda r: r.update(record_id="00000000-0000-4000-8000-000000000001"),
        lambda r: r.update(extra="added"),
        lambda r: r["missing"].append("rationale"),
        lambda r: r.update(note=r["note"].replace("\u00e9", "e\u0301")),  # same look, other text
    ],
)
def test_any_edit_breaks_the_signature(record, keys, edit):
    private, public = keys
    signed = copy.deepcopy(signing.sign(record, signing.load_private_key(private)))
    edit(signed)
    signed["checksum"] = records.checksum(signed)  # a forger recomputes the checksum
    found = signing.check(signed, [signing.load_public_key(public)])
    assert found.state == "bad-signature"


@pytest.mark.parametrize(
    ("signature", "state"),
    [
        (None, "unsigned"),
        ("a string", "bad-signature"),
        ({"algorithm": "rsa", "key": "x", "value": "y"}, "bad-signature"),
        ({"algorithm": "ed25519", "key": "sha256:" + "0" * 64, "value": "AA=="}, "wrong-key"),
    ],
)
def test_crafted_signatures(record, keys, signature, state):
    _, public = keys
    trusted = signing.load_public_key(public)
    if signature is not None:
        record["signature"] = signature
    assert signing.check(record, [trusted]).state == state


@pytest.mark.parametrize("value", ["not base64!", "AA==", "", None, 7])
def test_a_damaged_signature_value_is_bad_not_a_crash(record, keys, value):
    private, public = keys
    signed = signing.sign(record, signing.load_private_key(private))
    signed["signature"]["value"] = value
    assert signing.check(signed, [signing.load_public_key(public)]).state == "bad-signature"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "is not an unencrypted PEM private key."),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "is not an"),
        (b"\xff" * 100, "is not an unencrypted PEM private key."),
    ],
)
def test_a_bad_private_key_file_is_a_clear_error(tmp_path, content, problem):
    path = tmp_path / "k.key"
    path.write_bytes(content)
    with pytest.raises(signing.KeyFileError, match=problem) as error:
        signing.load_private_key(path)
    assert error.value.exit_status == 2


def test_the_public_key_is_not_a_private_key(keys):
    _, public = keys
    with pytest.raises(signing.KeyFileError, match="is not an unencrypted PEM private key"):
        signing.load_private_key(public)


def test_an_rsa_key_is_refused(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "rsa.pub"
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    with pytest.raises(signing.KeyFileError, match="is not an Ed25519 key"):
        signing.load_public_key(path)


def test_a_key_file_must_be_a_regular_small_file(tmp_path):
    with pytest.raises(signing.KeyFileError, match="is a device"):
        signing.load_private_key(Path("/dev/zero"))
    big = tmp_path / "big.key"
    big.write_bytes(b"x" * 20_000)
    with pytest.raises(signing.KeyFileError, match="larger than"):
        signing.load_private_key(big)


# --- decide signs what it writes ---------------------------------------------------------------


def test_decide_signs_records_with_the_key_in_its_outputs(tmp_path, capsys):
    from sharewizard.flowfiles.answers import load_answers
    from sharewizard.flowfiles.loader import load_catalogue
    from sharewizard.records.verify import State, verify_file
    from sharewizard.walk import decide

    fixtures = Path(__file__).parent / "fixtures"
    catalogue = load_catalogue(fixtures / "catalogue")
    answers = load_answers(fixtures / "answers" / "good" / "refer.yaml")
    [(_, decision, record)] = decide.decide_file(
        catalogue, answers, created_at="2026-11-23T09:00:00Z", record_id=lambda n: f"{n:08d}"
    )
    private, public = signing.new_key_pair(tmp_path / "keys")
    for fmt in ("json", "md"):
        outputs = decide.Outputs(
            fmt=fmt,
            out=tmp_path / f"r.{fmt}",
            keep_answers=False,
            sign_with=signing.load_private_key(private),
        )
        written = decide.write_one(record, outputs, 1, done="nothing was written")
        trusted = [signing.load_public_key(public)]
        verdict = verify_file(written.path, trusted=trusted)
        assert verdict.state is State.OK, verdict
        assert verdict.signed_by == trusted[0].fingerprint


def test_the_signing_key_variable_signs_as_the_option_does(keys, tmp_path, monkeypatch, capsys):
    import json

    from sharewizard.cli.options import SIGNING_KEY_ENV

    answers = Path(__file__).parent / "answers" / "sittings" / "share-and-inform.yaml"
    private, _ = keys
    monkeypatch.setenv(SIGNING_KEY_ENV, str(private))
    code, _, _ = run(capsys, "replay", str(answers), "--out-dir", str(tmp_path / "out"), "-q")
    [written] = (tmp_path / "out").iterdir()
    assert code == 0 and "signature" in json.loads(written.read_text())
    monkeypatch.setenv(SIGNING_KEY_ENV, str(tmp_path / "missing.key"))
    code, _, err = run(capsys, "replay", str(answers), "--out-dir", str(tmp_path / "again"))
    assert code == 2 and "missing.key" in err and not (tmp_path / "again").exists()


def test_a_private_key_others_can_read_is_refused(keys):
    private, _ = keys
    private.chmod(0o644)
    with pytest.raises(signing.KeyFileError) as error:
        signing.load_private_key(private)
    assert str(error.value) == (
        f"{private}: can be read or changed by other users, so it cannot be trusted to sign "
        f"records. Make it yours alone (chmod 600 {private}), or make a new key with `keys new`."
    )
