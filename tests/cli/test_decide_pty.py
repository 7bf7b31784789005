"""`sharewizard decide` end to end in a pseudo-terminal, as a person would use it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pexpect

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    """sharewizard in a terminal, in `tmp_path/work`, with drafts in `tmp_path/data`."""
    (tmp_path / "work").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "COLUMNS": "100",
        "LINES": "40",
        "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"),
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "sharewizard", "--flows", str(CATALOGUE), *args],
        cwd=str(tmp_path / "work"),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def test_decide_in_a_terminal_writes_a_markdown_record(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--format", "md", "--out", "case.md")
    answer(child, "Concern?", "\r")
    answer(child, "Which kinds?", "\x1b[B \r")  # injury
    answer(child, "How urgent?", "\r")  # high
    answer(child, "Anything else?", "*urgent* <b>\r")
    child.expect_exact("Make the referral")  # the outcome panel names the decision
    answer(child, "What next?", "\r")  # go on: record the decision
    answer(child, "What information was shared", "Injury seen on arm\r")
    answer(child, "With whom", "MASH\r")
    answer(child, "How was it shared", "Phone\r")
    answer(child, "When was it shared", "2026-11-23 09:30\r")
    answer(child, "lawful basis", "\r")
    answer(child, "rationale", "Child at risk of significant harm\r")
    answer(child, "Has the family been told", "\x1b[B\r")  # no
    answer(child, "Why has the family not been told", "Could compromise a police investigation\r")
    answer(child, "Case reference", "LOG-99\r")
    answer(child, "Your role", "\r")
    answer(child, "Your organisation", "\r")
    answer(child, "Check your answers", "\r")
    child.expect_exact("Record written to case.md")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    work = tmp_path / "work"
    text = (work / "case.md").read_text()
    assert "## Decision: Make the referral" in text
    assert "**Lawful basis:** Public task (UK GDPR Art. 6(1)(e))" in text
    assert r"\*urgent\* \<b\>" in text
    assert "Could compromise a police investigation" in text
    assert "LOG-99" in text
    saved = (work / "case.answers.yaml").read_text()
    assert "urgency: high" in saved
    assert oct((work / "case.md").stat().st_mode & 0o777) == "0o600"
    assert list((tmp_path / "data" / "drafts").iterdir()) == []  # the draft went with the record


def test_ctrl_c_in_a_terminal_saves_a_draft(tmp_path):
    child = spawn(tmp_path, "decide", "demo")
    answer(child, "Concern?", "\r")
    child.expect_exact("Which kinds?")
    child.sendcontrol("c")
    answer(child, "Quit now?", "y")
    child.expect_exact("decide --resume demo-")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    drafts = list((tmp_path / "data" / "drafts").glob("demo-*.answers.yaml"))
    assert len(drafts) == 1
    assert oct(drafts[0].stat().st_mode & 0o777) == "0o600"
    assert list((tmp_path / "work").iterdir()) == []  # never in the current folder


def test_decide_refuses_to_prompt_without_a_terminal(tmp_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), "decide", "demo"],
        cwd=tmp_path,
        env={**os.environ, "SHAREWIZARD_DATA_DIR": str(tmp_path / "data")},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "--answers FILE" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.dumps(list(tmp_path.iterdir())) == "[]"
