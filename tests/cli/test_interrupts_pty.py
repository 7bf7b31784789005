"""Nothing typed is lost: stop a walk in every way a person can, in a real terminal, and resume.

Ctrl-D at a choice, a yes/no, a text prompt and at "Quit now?"; a closed terminal (SIGHUP) and
`kill` (SIGTERM). Each leaves an owner-only draft in the data folder, listed by `drafts --json`,
that `decide --resume` completes to the same outcome and route (the pattern of httpie's
tests/test_exit_status.py: one case per phase).
"""

from __future__ import annotations

import json
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.sittingkit import CTRL_C, CTRL_D, ENTER, answer, finish, make_catalogue, spawn
from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

#: What to type at each prompt to finish the walk at "share, and tell the family". A choice not
#: answered yet takes a digit, then Enter (Enter alone does not answer it).
TO_SHARE = [
    ("Is a child in immediate danger right now?", "2" + ENTER),
    ("What is your role in this decision?", "3" + ENTER),
    ("Which situations fit?", " " + ENTER),
    ("Is the child at risk of harm", "1" + ENTER),
    ("Would telling the parents or carers", "2" + ENTER),
    ("What next?", ENTER),
    ("What information was shared", "Attendance and an injury\r"),
    ("With whom", "CSC front door\r"),
    ("How was it shared", "Phone\r"),
    ("When was this decided", "2026-11-23 14:30\r"),
    ("What is the lawful basis", "1" + ENTER),
    ("Have the parents or carers been told", "1" + ENTER),
    ("Who was told, when, how", "The mother, by phone.\r"),
    ("Why did you decide this?", "Necessary to protect the child.\r"),
    ("Case reference", "LOG-1\r"),
    ("Your job title", ENTER),
    ("Your organisation", ENTER),
    ("Check your answers", ENTER),
]
#: Questionary starts every prompt with "? " (styled), which keeps a prompt apart from help text
#: quoting it.
PROMPTS = [re.compile(r"\?(\x1b\[[0-9;]*m)* (\x1b\[[0-9;]*m)*" + re.escape(p)) for p, _ in TO_SHARE]


def answer_opening(child: pexpect.spawn) -> None:
    """The opening facts every sitting asks first: no immediate danger; a practitioner."""
    for prompt, keys in TO_SHARE[:2]:
        answer(child, prompt, keys)


def walk_until(child: pexpect.spawn, stop_at: str) -> None:
    """Answer every prompt of the path up to (not including) `stop_at`, then wait for it."""
    for prompt, keys in TO_SHARE:
        if prompt == stop_at:
            child.expect_exact(prompt)
            return
        answer(child, prompt, keys)


def complete(child: pexpect.spawn) -> None:
    """Answer what the resumed walk still asks, each prompt once, until the record is written."""
    done: set[str] = set()
    while True:
        index = child.expect([*PROMPTS, re.compile("Record written to")])
        if index == len(PROMPTS):
            return
        prompt = PROMPTS[index]
        if prompt in done:
            continue  # questionary redraws the line it just answered
        done.add(prompt)
        child.send(TO_SHARE[index][1])


def _ctrl_d(child: pexpect.spawn) -> None:
    child.send(CTRL_D)


def _ctrl_c_then_ctrl_d(child: pexpect.spawn) -> None:
    child.send(CTRL_C)
    child.expect_exact("Quit now?")
    child.send(CTRL_D)


def _signal(number: int):
    def send(child: pexpect.spawn) -> None:
        child.kill(number)

    return send


PHASES = {
    "ctrl-d at a choice": ("What is the lawful basis", _ctrl_d, 130),
    "ctrl-d at a yes/no": ("Is the child at risk of harm", _ctrl_d, 130),
    "ctrl-d at a text prompt": ("What information was shared", _ctrl_d, 130),
    "ctrl-d at quit now": ("Would telling the parents or carers", _ctrl_c_then_ctrl_d, 130),
    "terminal closed (SIGHUP)": ("Is the child at risk of harm", _signal(signal.SIGHUP), 129),
    "kill (SIGTERM)": ("Why did you decide this?", _signal(signal.SIGTERM), 143),
}


def drafts_json(flows: Path, data: Path) -> list[dict]:
    env = {"SHAREWIZARD_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(flows), "drafts", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("phase", PHASES, ids=list(PHASES))
def test_every_way_of_stopping_keeps_a_draft_that_resumes_to_the_same_decision(phase, tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    where, stop, status = PHASES[phase]
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, where)
    stop(child)
    assert finish(child) == status
    assert not list(tmp_path.glob("sharewizard-*"))  # no record yet

    [listed] = drafts_json(flows, data)
    assert listed["flow"] == "mini" and listed["route"] == ["triage"]
    draft = Path(listed["path"])
    assert draft.parent == data / "drafts"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600

    child = spawn(tmp_path, flows, data, "decide", "--resume", listed["id"])
    complete(child)
    assert finish(child) == 0
    [record_path] = (data / "records").glob("sharewizard-mini-*.json")  # the data folder's
    assert not list(tmp_path.glob("sharewizard-*"))  # never the current folder
    record = json.loads(record_path.read_text())
    assert record["outcome"]["id"] == "share"
    assert record["route"][0]["flow"]["id"] == "triage"
    assert [a["question"] for a in record["route"][0]["answers"]] == ["situations"]
    assert [f["id"] for f in record["sitting"]["facts"]] == [
        "immediate-danger", "role", "risk-of-harm", "telling-parents-risk"
    ]  # fmt: skip
    assert not draft.exists()  # the draft goes once its record is written


def test_the_stop_message_says_how_to_resume(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide", "mini")
    answer_opening(child)
    answer(child, "Is the child at risk of harm", "1" + ENTER)
    answer(child, "Would telling the parents or carers", CTRL_D)
    child.expect_exact("Your answers so far are saved as draft mini-")
    child.expect(r"Continue with: \S*(sharewizard|python -m sharewizard) decide --resume mini-")
    assert finish(child) == 130


def test_a_walk_stopped_at_its_first_question_keeps_no_empty_draft(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide", "mini")
    answer(child, "Is a child in immediate danger right now?", CTRL_D)
    child.expect_exact("Stopped before anything was answered; nothing to save.")
    assert "saved" not in child.before
    assert finish(child) == 130
    assert not list(data.glob("drafts/*"))


def test_resume_without_a_value_offers_the_drafts_to_choose_from(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide", "mini")
    answer_opening(child)
    answer(child, "Is the child at risk of harm", "1" + ENTER)
    answer(child, "Would telling the parents or carers", CTRL_D)
    assert finish(child) == 130
    child = spawn(tmp_path, flows, data, "decide", "--resume")
    answer(child, "Which draft?", ENTER)
    child.expect_exact("Would telling the parents or carers")  # it carries on where it stopped
    child.send(CTRL_D)
    assert finish(child) == 130
    assert len(drafts_json(flows, data)) == 1  # the same draft, not a second one


def test_closing_the_terminal_at_a_prompt_prints_no_traceback(tmp_path):
    # F-15: in 7 of 19 closed terminals prompt_toolkit/asyncio tracebacks reached stderr (the
    # race between SIGHUP and EIO decides, so the terminal is closed several times)
    data = tmp_path / "data"
    for attempt in range(6):
        err = tmp_path / f"err{attempt}"
        wrapper = 'exec "$0" -m sharewizard decide share-without-consent 2>"$1"'
        child = in_terminal(
            cwd=tmp_path, env={"SHAREWIZARD_DATA_DIR": str(data)}, without=("SHAREWIZARD_FLOWS",),
            rows=30, program=["/bin/sh", "-c", wrapper, sys.executable, str(err)],
        )  # fmt: skip
        answer(child, "Help and guidance", "2" + ENTER)  # no child in immediate danger
        child.expect_exact("Help and guidance")  # the second question
        child.close(force=False)  # the terminal goes away: SIGHUP, and EIO on every read
        assert not child.isalive()
        shown = err.read_text()
        assert "Traceback" not in shown and "Task was destroyed" not in shown, shown
        assert "Error" not in shown, shown
    assert len(list((data / "drafts").glob("*.answers.yaml"))) == 6  # each walk kept its draft
