"""One bad input never stops a replay, and no path a user can give makes it exit 70
(review 2026-12-06: F-10's consequence for replay, F-13)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.replay import batch as replay_module

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "answers" / "sittings" / "share-and-inform.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, " ".join(err.split())


def twenty_files(folder: Path) -> Path:
    folder.mkdir()
    for i in range(20):
        shutil.copy(GOOD, folder / f"f{i:02}.yaml")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_meets_a_bug_is_one_error_line_and_the_others_replay(
    jobs, tmp_path, capsys, monkeypatch
):
    inputs = twenty_files(tmp_path / "in")
    real = replay_module.decide_file

    def buggy(catalogue, answers, **kwargs):
        if answers.path.name == "f10.yaml":
            raise RuntimeError("something sharewizard did not expect")
        return real(catalogue, answers, **kwargs)

    monkeypatch.setattr(replay_module, "decide_file", buggy)
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "replay", str(inputs), "--out-dir", str(out), "--json",
                          "--jobs", jobs)  # fmt: skip
    assert code == 2
    report = json.loads(stdout)  # the report is printed
    assert (report["files"], report["records_written"], report["errors"]) == (20, 19, 1)
    [bad] = [r for r in report["results"] if r["error"]]
    assert bad["error"] == (
        f"{inputs / 'f10.yaml'}: unexpected RuntimeError: something sharewizard did not expect. "
        "This is a bug in sharewizard; please report it with this file."
    )
    assert len(list(out.iterdir())) == 19


def test_a_file_with_an_explicit_tag_does_not_stop_the_replay(tmp_path, capsys):
    # R7's replay half: one `!!bool maybe` among 20 files gave exit 70 and no report
    inputs = twenty_files(tmp_path / "in")
    (inputs / "f10.yaml").write_text(
        "flow: share-without-consent\nanswers:\n  whose-consent: !!bool maybe\n"
    )
    code, stdout, err = run(capsys, "replay", str(inputs), "--out-dir", str(tmp_path / "out"),
                            "--json", "--jobs", "1")  # fmt: skip
    assert code == 2, err
    report = json.loads(stdout)
    assert (report["records_written"], report["errors"]) == (19, 1)
    assert report["results"][10]["error"].startswith(f"{inputs / 'f10.yaml'}")


def test_a_nul_in_a_path_from_standard_input_is_a_usage_error(tmp_path):
    # R11: `printf 'a\000b.yaml\n' | sharewizard replay -` exited 70
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "replay", "-"],
        input=f"{GOOD}\na\0b.yaml\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "Error: PATH -: line 2 of standard input holds a NUL character, which no file name can.\n"
    )


def test_a_nul_in_a_path_argument_is_a_usage_error(capsys):
    code, _, err = run(capsys, "replay", "a\0b.yaml")
    assert code == 2
    assert err == "Error: PATH: 'a\\x00b.yaml' holds a NUL character, which no file name can."


@pytest.fixture
def deep_tree(tmp_path):
    """r11/d/d/.../d/x.yaml, 1,100 folders deep (removed level by level: rmtree recurses)."""
    os.mkdir(tmp_path / "r11")
    os.chdir(tmp_path / "r11")
    try:
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        Path("x.yaml").write_text("flow: how-much\nanswers: {}\n")
        yield tmp_path / "r11"
        os.unlink("x.yaml")
        for _ in range(1100):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(tmp_path)


def test_a_folder_tree_1100_levels_deep_is_walked(tmp_path, deep_tree):
    # R11: a RecursionError (exit 70) in the recursive walk of folders
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "replay", str(deep_tree), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr  # the file was found, and is incomplete
    [result] = json.loads(done.stdout)["results"]
    assert result["path"].endswith("/d/x.yaml") and result["path"].count("/d") == 1100
    assert "no answer to" in result["error"]


def test_an_input_whose_record_name_is_too_long_is_refused_alone(tmp_path, capsys):
    inputs = twenty_files(tmp_path / "in")
    deep = inputs / ("x" * 120) / ("y" * 120)
    deep.mkdir(parents=True)
    shutil.copy(GOOD, deep / "f.yaml")
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "replay", str(inputs), "--out-dir", str(out), "--json")
    assert code == 2
    report = json.loads(stdout)
    assert (report["records_written"], report["errors"]) == (20, 1)
    [bad] = [r for r in report["results"] if r["error"]]
    assert bad["error"].endswith(
        "cannot name a file here: it is longer than the 255 bytes a file name may have."
    )
