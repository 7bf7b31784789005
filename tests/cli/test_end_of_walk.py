"""The end of `decide`: the outcome and the record's location last; --quiet and --verbose."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "answers" / "sittings" / "share-and-inform.yaml"


def decide(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "decide", "--answers", str(ANSWERS), *options],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_the_answers_are_folded_and_the_location_comes_last(tmp_path):
    done = decide(tmp_path, "--out", "r.json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").splitlines()
    assert lines[-1] == "✔ Record written to r.json"
    assert "; see --verbose." in lines[0]
    assert "Decision: " in done.stdout
    assert "Guidance" not in done.stdout


def test_verbose_shows_every_answer_and_the_guidance_first(tmp_path):
    done = decide(tmp_path, "--out", "r.json", "--verbose")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "YOUR ANSWERS" in out and "FOR THE RECORD" in out and "GUIDANCE" in out  # plain mode
    assert out.index("GUIDANCE") < out.index("Decision: ") < out.index("Record written to r.json")


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_says_only_where_the_record_went(tmp_path, flag):
    done = decide(tmp_path, "--out", "r.json", flag)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "✔ Record written to r.json\n"
    assert (tmp_path / "r.json").exists()
