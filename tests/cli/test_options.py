"""Option values are converted the way a user expects, and a bad one is one message, exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sharewizard.cli import main

CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay", ".", "--jobs", "abc"], "Invalid value for '--jobs' / '-j': 'abc' is not a "
         "whole number."),
        (["replay", ".", "--format", "xml"], "Invalid value for '--format' / '-f': 'xml' is not "
         "one of 'json', 'md', 'text'."),
        (["schema", "flows"], "Invalid value for 'name': 'flows' is not one of 'flow', 'record', "
         "'answers', 'facts', 'policy'."),
    ],
)  # fmt: skip
def test_a_bad_option_value_is_one_message_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert f"Error: {message}" in err
    assert "Traceback" not in err and "pydantic" not in err


def test_paths_numbers_and_choices_reach_the_command_converted(capsys, tmp_path):
    answers = Path(__file__).resolve().parents[1] / "fixtures" / "answers" / "good"
    code, out, _ = run(
        capsys, "replay", str(answers), "-j", "2", "--format", "md", "--out-dir",
        str(tmp_path / "out"), "--timestamp", "2026-01-01T00:00:00Z", "--json",
    )  # fmt: skip
    assert code == 0, out
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".md"] * 4
    code, out, _ = run(capsys, "schema", "answers")
    assert code == 0 and '"$schema"' in out


def test_an_unreadable_path_is_refused_by_name(capsys, tmp_path):
    locked = tmp_path / "locked.json"
    locked.write_text("{}", encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("root can read any file")
    code, _, err = run(capsys, "note", str(locked))
    assert code == 2
    assert "Invalid value for 'RECORD'" in err and "is not readable" in err


# --- root options anywhere (issue 24.6) ---------------------------------------------------------


def test_plain_after_the_command_turns_plain_mode_on(capsys, monkeypatch):
    """`sharewizard decide --plain` (what a screen-reader user types first) asks in plain mode."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))  # "No": the demo flow's first answer
    with pytest.raises(SystemExit) as stopped:
        main(["decide", "demo", "--plain", "--practice", "--flows", str(CATALOGUE)])
    out, err = capsys.readouterr()
    assert "No such option" not in err
    assert "Concern?\n  1. Yes\n  2. No" in out  # the question, numbered, one line a choice
    assert stopped.value.code in (0, 130), err


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--flows", str(CATALOGUE), "--json"],
        ["list", f"--flows={CATALOGUE}", "--json"],
        ["--flows", "/nowhere", "list", "--flows", str(CATALOGUE), "--json"],  # the last one wins
        ["--flows", str(CATALOGUE), "list", "--json"],
    ],
)
def test_flows_works_before_or_after_the_command(capsys, args):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    out, err = capsys.readouterr()
    assert stopped.value.code in (0, None), err
    assert '"id": "demo"' in out


def test_root_options_after_a_subcommand_of_a_group(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        main(["drafts", "--plain", "--json"])
    assert stopped.value.code in (0, None)
    with pytest.raises(SystemExit) as stopped:
        main(["drafts", "show", "nope", "--flows", str(CATALOGUE)])
    _, err = capsys.readouterr()
    assert stopped.value.code == 2 and "No such option" not in err and "no draft" in err


def test_each_command_help_names_the_root_options_it_also_takes(capsys):
    with pytest.raises(SystemExit):
        main(["decide", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Global options, here or before the command: --flows DIR, --version, --plain" in out
    assert "--traceback" not in out  # hidden, as at the root


def test_version_after_a_command_prints_the_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["decide", "--version"])
    assert stopped.value.code in (0, None)
    assert capsys.readouterr().out.startswith("sharewizard ")
