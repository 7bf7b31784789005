"""The first question of `decide` in a terminal: its heading, and when the draft starts.

A walk's draft is first written with its first answer: a walk stopped before any answer has
nothing to keep (Ctrl-C, Ctrl-D and the signals still save one and say how to resume).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pexpect
import pytest

from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"


def spawn(tmp_path: Path) -> pexpect.spawn:
    """`decide demo` in a terminal 100 columns wide, drafts in `tmp_path/data`."""
    env = {
        "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"),
        "SHAREWIZARD_CACHE_DIR": str(tmp_path / "cache"),
    }
    return in_terminal("--flows", str(CATALOGUE), "decide", "demo", cwd=tmp_path, env=env)


def drafts(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data" / "drafts").glob("demo-*.answers.yaml"))


def test_the_heading_names_the_faq_question_above_the_first_question(tmp_path):
    child = spawn(tmp_path)
    child.expect_exact("━━ ")
    child.expect_exact("FAQ 9: Demo?")
    child.expect_exact("Concern?")
    child.kill(signal.SIGKILL)
    child.close()


def test_a_walk_killed_before_its_first_answer_leaves_no_draft(tmp_path):
    child = spawn(tmp_path)
    child.expect_exact("Concern?")
    child.kill(signal.SIGKILL)  # nothing can be saved at a SIGKILL: nothing was typed either
    child.close()
    assert drafts(tmp_path) == []


def test_the_first_answer_is_in_the_draft_before_the_second_question(tmp_path):
    child = spawn(tmp_path)
    child.expect_exact("Concern?")
    child.send("1\r")
    child.expect_exact("Which kinds?")
    child.kill(signal.SIGKILL)
    child.close()
    [draft] = drafts(tmp_path)
    assert "concern: 'yes'" in draft.read_text(encoding="utf-8")
