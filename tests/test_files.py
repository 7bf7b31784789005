"""The one writer: owner-only under every umask, no temporary file left by an interrupt, and every
name built from what was read kept inside its folder (review 2026-12-06: F-7, F-21, F-22)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.core.errors import RecordError
from sharewizard.disk import files
from sharewizard.disk.files import write_private
from sharewizard.records import signing

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
GOOD = Path(__file__).parent / "fixtures" / "answers" / "good" / "refer.yaml"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_777():
    previous = os.umask(0o777)
    try:
        yield
    finally:
        os.umask(previous)


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    return int(stopped.value.code or 0)


# --- owner-only under every umask -----------------------------------------------------------------


def test_records_answers_drafts_and_folders_are_owner_only_under_umask_777(
    tmp_path, capsys, umask_777
):
    # F-21: under umask 777 records, answers files, drafts and folders were mode 0000
    assert run("decide", "--answers", str(GOOD), "--out", str(tmp_path / "u.json")) == 0
    assert mode(tmp_path / "u.json") == 0o600

    out = tmp_path / "new" / "deep" / "out"
    assert run("replay", str(GOOD), "--out-dir", str(out)) == 0
    assert [mode(p) for p in (tmp_path / "new", tmp_path / "new" / "deep", out)] == [0o700] * 3
    assert [mode(p) for p in out.iterdir()] == [0o600]

    write_private(tmp_path / "a.answers.yaml", "flow: demo\nanswers: {}\n")
    assert mode(tmp_path / "a.answers.yaml") == 0o600

    from sharewizard.disk.places import data_dir
    from sharewizard.walk.drafts import DraftBox, draft_path

    box = DraftBox(draft_path("demo-1"), str)
    box.save("flow: demo\nanswers: {}\n")
    assert box.saved, box.error
    assert mode(box.path) == 0o600
    assert mode(box.path.parent) == mode(data_dir()) == 0o700

    private, public = signing.new_key_pair(tmp_path / "keys")
    assert (mode(tmp_path / "keys"), mode(private), mode(public)) == (0o700, 0o600, 0o644)


def test_an_existing_folder_keeps_its_mode(tmp_path):
    (tmp_path / "shared").mkdir(mode=0o755)
    os.chmod(tmp_path / "shared", 0o755)
    files.make_private_folder(tmp_path / "shared" / "mine")
    assert (mode(tmp_path / "shared"), mode(tmp_path / "shared" / "mine")) == (0o755, 0o700)


# --- an interrupt never leaves a temporary file ---------------------------------------------------


def test_an_interrupt_just_after_the_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch):
    # F-7: Ctrl-C between mkstemp and the `try` left a 0-byte temporary record
    real_open = os.open

    def opened_then_interrupted(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if flags & os.O_CREAT:
            raise KeyboardInterrupt  # as if Ctrl-C came the moment the file existed
        return fd

    monkeypatch.setattr(files.os, "open", opened_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_private(tmp_path / "r.json", "{}")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_name_someone_else_holds_is_neither_used_nor_removed(tmp_path, monkeypatch):
    names = iter(["aaaaaaaa", "bbbbbbbb"])
    monkeypatch.setattr(files.secrets, "token_hex", lambda _n: next(names))
    theirs = tmp_path / ".r.json.aaaaaaaa.tmp"
    theirs.write_text("not ours")
    write_private(tmp_path / "r.json", "{}")
    assert theirs.read_text() == "not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.json.aaaaaaaa.tmp", "r.json"]


# --- names stay inside their folder ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../x", "it holds a path separator"),
        ("/etc/passwd", "it holds a path separator"),
        ("..", "it names no file"),
        ("", "it names no file"),
        ("a\0b", "it holds a NUL character"),
        ("x" * 256, "it is longer than the 255 bytes a file name may have"),
    ],
)
def test_a_name_that_would_leave_its_folder_is_refused(name, why, tmp_path):
    with pytest.raises(RecordError) as refused:
        files.name_inside(tmp_path, name)
    assert refused.value.message.endswith(f"cannot name a file here: {why}.")
    assert files.name_inside(tmp_path, "x.json") == tmp_path / "x.json"


# --- keys new on a full disk ----------------------------------------------------------------------


def test_keys_new_on_a_full_disk_leaves_no_key_and_a_later_run_works(tmp_path, monkeypatch):
    # F-22: a full disk left an empty private key, and every later `keys new` refused
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(signing.KeyFileError) as failed:
        signing.new_key_pair(tmp_path)
    assert failed.value.message == (
        "cannot write the file: No space left on device; no key was written."
    )
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(files.os, "write", real_write)
    private, public = signing.new_key_pair(tmp_path)
    assert signing.load_private_key(private) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == [private.name, public.name]


def test_keys_new_whose_public_half_fails_leaves_no_private_key(tmp_path, monkeypatch):
    real_link = os.link

    def full_for_public(source, target):
        if str(target).endswith(".pub"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_link(source, target)

    monkeypatch.setattr(files.os, "link", full_for_public)
    with pytest.raises(signing.KeyFileError):
        signing.new_key_pair(tmp_path)
    assert list(tmp_path.iterdir()) == []
