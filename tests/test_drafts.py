"""Drafts stay inside the data folder: named by id only, read carefully, named by sharewizard
(review 2026-12-06: F-5, F-8, F-14, F-19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sharewizard.cli import main
from sharewizard.walk import drafts
from tests.sittingkit import make_catalogue

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
GOOD_DRAFT = "flow: {id: demo, version: 1}\nanswers: {concern: 'yes'}\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, " ".join(err.split())


def sw(cwd: Path, *args: str, stdin: str = "", timeout: float = 30) -> subprocess.CompletedProcess:
    """sharewizard in a child process (a hang is a failed test, not a stuck suite)."""
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=os.environ.copy(),
        timeout=timeout,
    )


@pytest.fixture
def folder() -> Path:
    """The drafts folder of this test (conftest gives every test its own data folder)."""
    path = drafts.drafts_dir()
    path.mkdir(parents=True)
    return path


# --- drafts show and drafts delete take an id, never a path --------------------------------------


def test_drafts_delete_refuses_a_path_and_the_file_stays(tmp_path, capsys, monkeypatch):
    # R4: `drafts delete ./r4.json` deleted a real record
    monkeypatch.chdir(tmp_path)
    Path("r4.json").write_text('{"a real record": 1}')
    code, _, err = run(capsys, "drafts", "delete", "./r4.json")
    assert code == 2
    assert err == (
        "Error: ID: './r4.json' is not a draft id: a draft is named by its id, not by a path. "
        "List the drafts, with their ids, with `sharewizard drafts`."
    )
    assert Path("r4.json").read_text() == '{"a real record": 1}'
    assert "Deleted" not in err


@pytest.mark.parametrize("name", ["r4.json", "../r4", "..", "/etc/passwd", "a\0b"])
def test_drafts_show_and_delete_refuse_anything_but_an_id(name, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in ("show", "delete"):
        code, out, err = run(capsys, "drafts", command, name)
        assert (code, out) == (2, "")
        assert "is not a draft id" in err or "there is no draft" in err


def test_deleting_an_id_with_no_draft_is_an_error_not_deleted(capsys, folder):
    code, _, err = run(capsys, "drafts", "delete", "demo-20261123T143000Z-0000")
    assert code == 2
    assert err == (
        "Error: ID: there is no draft 'demo-20261123T143000Z-0000'. "
        "List the drafts, with their ids, with `sharewizard drafts`."
    )


def test_a_mistyped_draft_id_gets_a_did_you_mean(capsys, folder):
    (folder / "demo-20261123T143000Z-1a2b.answers.yaml").write_text(GOOD_DRAFT)
    code, _, err = run(capsys, "drafts", "show", "demo-20261123T143000Z-1a2")
    assert code == 2
    assert err == (
        "Error: ID: there is no draft 'demo-20261123T143000Z-1a2'. Did you mean "
        "'demo-20261123T143000Z-1a2b'? List the drafts, with their ids, with `sharewizard drafts`."
    )


def test_a_draft_is_shown_and_deleted_by_its_id(capsys, folder):
    (folder / "demo-1.answers.yaml").write_text(GOOD_DRAFT)
    assert run(capsys, "drafts", "show", "demo-1") == (0, GOOD_DRAFT, "")
    code, _, err = run(capsys, "drafts", "delete", "demo-1")
    assert code == 0 and err == f"Deleted {folder / 'demo-1.answers.yaml'}"
    assert not list(folder.iterdir())


def test_a_symbolic_link_in_the_drafts_folder_is_not_a_draft(tmp_path, capsys, folder):
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    (folder / "x.answers.yaml").symlink_to(victim)
    for command in ("show", "delete"):
        code, out, err = run(capsys, "drafts", command, "x")
        assert (code, out) == (2, "") and "there is no draft 'x'" in err
    assert victim.read_text() == "precious"
    assert (folder / "x.answers.yaml").is_symlink()


def test_drafts_show_reads_no_fifo_no_device_and_nothing_huge(tmp_path, folder):
    # R12: `drafts show /dev/zero` ate the memory, a FIFO hung
    os.mkfifo(folder / "fifo.answers.yaml")
    (folder / "huge.answers.yaml").write_bytes(b"#" * (2 * 1024 * 1024))
    for name, said in [
        ("fifo", "there is no draft 'fifo'."),  # not a regular file: not even opened
        ("huge", "is larger than the 1.0 MB allowed for an answers file; nothing was read."),
        ("/dev/zero", "is not a draft id"),
    ]:
        done = sw(tmp_path, "drafts", "show", name, timeout=10)
        assert done.returncode == 2, name
        assert said in " ".join(done.stderr.split()), name
        assert done.stdout == ""


# --- the draft `--resume FILE` keeps is named by sharewizard --------------------------------------


@pytest.mark.parametrize(
    "started_at",
    [
        "/../../../../../../../../..{out}/leak",
        "../../leak",
        "2026-11-23T14:30:00Z\0/x",
        "x" * 300,
        "2026\n11",
    ],
    ids=["absolute traversal", "relative traversal", "NUL", "300 characters", "newline"],
)
def test_a_crafted_started_at_never_names_the_draft(started_at, tmp_path):
    # R6: the draft of `decide --resume FILE` was written wherever `started_at` pointed
    flows = make_catalogue(tmp_path / "flows")
    out = tmp_path / "out"
    out.mkdir()
    crafted = tmp_path / "a.yaml"
    crafted.write_text(
        yaml.safe_dump(
            {
                "schema_version": 2,
                "facts": {"immediate-danger": "no", "role": "dsl", "risk-of-harm": "yes"},
                "decisions": [{"flow": "mini", "answers": {}}],
                "started_at": started_at.format(out=out),
            }
        )
    )
    done = sw(tmp_path, "--flows", str(flows), "--plain", "decide", "--resume", str(crafted))
    assert done.returncode == 130, done.stderr
    assert list(out.iterdir()) == []
    [kept] = drafts.drafts_dir().iterdir()  # one file, directly in the drafts folder
    assert kept.name.startswith("mini-") and kept.name.endswith(".answers.yaml")
    assert all(c.isalnum() or c in "-." for c in kept.name)
    draft_id = kept.name.removesuffix(".answers.yaml")
    assert f"Continue with: python -m sharewizard --plain decide --resume {draft_id}" in (
        done.stderr
    )
    assert yaml.safe_load(kept.read_text())["facts"]["risk-of-harm"] == "yes"


def test_a_draft_id_that_would_leave_the_folder_is_refused():
    with pytest.raises(Exception, match="cannot name a file here: it holds a path separator"):
        drafts.draft_path("../../x")


# --- a changed flow is not resumed silently -------------------------------------------------------


def test_resume_refuses_a_draft_of_another_flow_version(tmp_path, capsys, folder):
    (folder / "demo-1.answers.yaml").write_text(
        "flow: {id: demo, version: 0}\nanswers: {concern: 'yes'}\n"
    )
    code, out, err = run(capsys, "--plain", "decide", "--resume", "demo-1")
    assert code == 2
    assert err == (
        f"Error: {folder / 'demo-1.answers.yaml'}:1:27: flow.version: this draft was saved with "
        "version 0 of the flow 'demo', which is now version 3: its questions, outcomes or "
        "guidance may have changed, so the draft is not resumed. Start the decision again with "
        "`decide demo`; or check that the draft's answers still fit version 3, change its "
        "version to 3, and resume it."
    )
    assert "version: 0" in (folder / "demo-1.answers.yaml").read_text()  # left as it was


def test_a_signal_during_a_draft_save_waits_until_the_draft_is_written(tmp_path):
    # a SIGHUP in the middle of the first save left YAML half imported and the answer unsaved
    import signal

    from sharewizard.core.errors import SignalInterrupt

    def stop(number, _frame):
        raise SignalInterrupt(number)

    def render(_draft):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives in the middle of the save
        return GOOD_DRAFT

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        box = drafts.DraftBox(tmp_path / "d.answers.yaml", render)
        with pytest.raises(SignalInterrupt):
            box.save(None)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert box.saved
    assert (tmp_path / "d.answers.yaml").read_text() == GOOD_DRAFT


def test_drafts_show_prints_escape_sequences_from_a_draft_inertly(folder, capsys):
    # item 5: nothing from a file reaches the terminal raw (a pane title, colours, OSC 52)
    hostile = "\x1b]0;PWNED\x07\x1b[31mRED\u202e"
    (folder / "demo-x.answers.yaml").write_text(
        f"# {hostile}\nflow: {{id: demo, version: 1}}\nanswers: {{concern: 'yes'}}\n"
    )
    code, out, _ = run(capsys, "drafts", "show", "demo-x")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "RED<U+202E>" in out


# --- drafts lists what tells drafts apart; drafts delete --all (issue 24, newcomer §1.12) --------

SITTING_DRAFT = (
    "flow: {id: demo, version: 1}\nstarted_at: '2026-07-01T09:00:00Z'\n"
    "answers: {concern: 'yes'}\nrecord: {case_reference: CASE-42}\n"
)


def test_drafts_lists_each_drafts_flow_title_case_reference_and_local_time(capsys, folder):
    (folder / "demo-1.answers.yaml").write_text(SITTING_DRAFT)
    code, out, _ = run(capsys, "drafts")
    assert code == 0
    assert out.splitlines()[:3] == [
        "demo-1",
        "    Demo flow",
        "    case CASE-42; started 2026-07-01 10:00 (local time); 1 answer",
    ]
    code, out, _ = run(capsys, "drafts", "--json")
    [listed] = __import__("json").loads(out)
    assert (listed["flow_title"], listed["case_reference"]) == ("Demo flow", "CASE-42")


class _Terminal:
    """Standard input as a terminal where the person types `typed`."""

    def __init__(self, typed: str) -> None:
        import io

        self.lines = io.StringIO(typed)

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.lines.readline()


@pytest.mark.parametrize(("typed", "left"), [("y\n", 0), ("\n", 2), ("no\n", 2)])
def test_drafts_delete_all_asks_first(capsys, folder, monkeypatch, typed, left):
    for name in ("demo-1", "demo-2"):
        (folder / f"{name}.answers.yaml").write_text(GOOD_DRAFT)
    monkeypatch.setattr("sys.stdin", _Terminal(typed))
    code, _, err = run(capsys, "drafts", "delete", "--all")
    assert code == 0
    assert "Delete all 2 drafts? What was typed in them is lost. (y/N)" in err
    assert len(list(folder.iterdir())) == left


def test_drafts_delete_all_without_a_terminal_needs_yes(capsys, folder):
    (folder / "demo-1.answers.yaml").write_text(GOOD_DRAFT)
    code, _, err = run(capsys, "drafts", "delete", "--all")
    assert code == 2 and "Add --yes to delete them without asking." in err
    assert len(list(folder.iterdir())) == 1
    code, _, err = run(capsys, "drafts", "delete", "--all", "--yes")
    assert code == 0 and err == f"Deleted {folder / 'demo-1.answers.yaml'}"
    assert list(folder.iterdir()) == []


def test_drafts_delete_takes_one_id_or_all_not_both(capsys, folder):
    (folder / "demo-1.answers.yaml").write_text(GOOD_DRAFT)
    for args in ((), ("demo-1", "--all")):
        code, _, err = run(capsys, "drafts", "delete", *args)
        assert code == 2 and "name one draft, or give --all (not both)." in err
    assert len(list(folder.iterdir())) == 1
