"""`sharewizard decide` end to end in a pseudo-terminal, as a person would use it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    """sharewizard in a terminal, in `tmp_path/work`, with drafts in `tmp_path/data`."""
    (tmp_path / "work").mkdir(exist_ok=True)
    return in_terminal(
        "--flows", str(CATALOGUE), *args,
        cwd=tmp_path / "work", env={"SHAREWIZARD_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def test_decide_in_a_terminal_writes_a_markdown_record(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--format", "md", "--out", "case.md")
    answer(child, "Concern?", "1\r")  # a digit, then Enter
    answer(child, "Which kinds?", "\x1b[B \r")  # injury
    answer(child, "How urgent?", "1\r")  # high
    answer(child, "Anything else?", "*urgent* <b>\r")
    child.expect_exact("Make the referral")  # the outcome panel names the decision
    answer(child, "What next?", "\r")  # go on: record the decision
    answer(child, "What information was shared", "Injury seen on arm\r")
    answer(child, "With whom", "MASH\r")
    answer(child, "How was it shared", "Phone\r")
    answer(child, "When was this decided", "2026-11-23 09:30\r")
    answer(child, "lawful basis", "1\r")
    answer(child, "rationale", "Child at risk of significant harm\r")
    answer(child, "Has the family been told", "2\r")  # no
    answer(child, "Why has the family not been told", "Could compromise a police investigation\r")
    answer(child, "Case reference", "LOG-99\r")
    answer(child, "Your job title", "\r")
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
    answer(child, "Concern?", "1\r")  # a digit, then Enter
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


# --- stopping at every kind of prompt, then resuming --------------------------------------------

# One walk of the demo flow to `refer`, prompt by prompt: what the screen shows, what is typed.
WALK = [
    ("Concern?", "1\r"),  # 0 a yes/no choice: yes (a digit, then Enter)
    ("Which kinds?", "\x1b[B \r"),  # 1 a multi choice: injury
    ("How urgent?", "1\r"),  # 2 a choice: high
    ("Anything else?", "\r"),  # 3 an optional text: nothing
    ("What next?", "\r"),  # 4 after the outcome: go on
    ("What information was shared", "Injury seen on arm\r"),  # 5
    ("With whom", "MASH\r"),  # 6
    ("How was it shared", "Phone\r"),  # 7
    ("When was this decided", "2026-11-23 09:30\r"),  # 8
    ("lawful basis", "1\r"),  # 9 public task
    ("rationale", "Child at risk of significant harm\r"),  # 10
    ("Has the family been told", "2\r"),  # 11 not yet
    ("Why has the family not been told", "Could compromise a police investigation\r"),  # 12
    ("Case reference", "LOG-99\r"),  # 13
    ("Your job title", "\r"),  # 14
    ("Your organisation", "\r"),  # 15
    ("Check your answers", "\r"),  # 16
]
AFTER_OUTCOME = 5  # WALK[4] is "What next?", asked again when a resumed walk reaches the outcome


def ctrl_d(child: pexpect.spawn) -> None:
    child.sendcontrol("d")


def ctrl_c_then_ctrl_d_at_quit_now(child: pexpect.spawn) -> None:
    child.sendcontrol("c")
    child.expect_exact("Quit now?")
    child.sendcontrol("d")


def hang_up(child: pexpect.spawn) -> None:
    child.kill(signal.SIGHUP)


def terminate(child: pexpect.spawn) -> None:
    child.kill(signal.SIGTERM)


@pytest.mark.parametrize(
    ("at", "stop", "status"),
    [  # stopped at the first question, nothing is kept: see test_interrupts_pty.py
        (1, ctrl_d, 130),
        (2, ctrl_d, 130),
        (3, ctrl_d, 130),
        (6, ctrl_d, 130),
        (11, ctrl_d, 130),
        (2, ctrl_c_then_ctrl_d_at_quit_now, 130),
        (2, hang_up, 128 + signal.SIGHUP),
        (7, terminate, 128 + signal.SIGTERM),
    ],
    ids=[
        "ctrl-d-multi",
        "ctrl-d-choice",
        "ctrl-d-text",
        "ctrl-d-record-text",
        "ctrl-d-record-choice",
        "ctrl-d-at-quit-now",
        "sighup",
        "sigterm",
    ],
)
def test_a_stopped_walk_leaves_a_private_draft_that_resumes_to_the_same_outcome(
    tmp_path, at, stop, status
):
    child = spawn(tmp_path, "decide", "demo")
    for prompt, keys in WALK[:at]:
        answer(child, prompt, keys)
    child.expect_exact(WALK[at][0])
    stop(child)
    child.expect_exact("decide --resume demo-")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status

    saved = list((tmp_path / "data" / "drafts").glob("demo-*.answers.yaml"))
    assert len(saved) == 1
    assert oct(saved[0].stat().st_mode & 0o777) == "0o600"
    assert list((tmp_path / "work").iterdir()) == []
    listing = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), "drafts", "--json"],
        env={**os.environ, "SHAREWIZARD_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    [listed] = json.loads(listing.stdout)
    draft_id = saved[0].name.removesuffix(".answers.yaml")
    assert (listed["id"], listed["flow"], listed["route"]) == (draft_id, "demo", [])
    assert listed["answered"] == min(at, 4)  # flow questions only; record fields come on top

    # resuming asks only what is still missing (and "What next?" again, once at the outcome)
    rest = WALK[at:] if at < AFTER_OUTCOME else [WALK[AFTER_OUTCOME - 1], *WALK[at:]]
    child = spawn(tmp_path, "decide", "--resume", draft_id, "--out", "r.json")
    for prompt, keys in rest:
        answer(child, prompt, keys)
    child.expect_exact("Record written to r.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = json.loads((tmp_path / "work" / "r.json").read_text())
    assert record["outcome"]["id"] == "refer"
    assert record["route"] == []
    assert record["missing"] == []
    assert [a["question"] for a in record["answers"]] == ["concern", "kinds", "urgency", "note"]
    assert {r["id"]: r["value"] for r in record["fields"]}["what"] == "Injury seen on arm"
    assert not saved[0].exists()  # the draft goes once the record is written


def test_out_dash_asks_on_stderr_and_writes_only_the_record_on_stdout(tmp_path):
    """`decide --out - > x.json` in a terminal: the menus on the screen, the record in the file."""
    (tmp_path / "work").mkdir()
    stdout = tmp_path / "record.json"
    command = f"{sys.executable} -m sharewizard --flows {CATALOGUE} decide demo --out - > {stdout}"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        cwd=str(tmp_path / "work"),
        env={**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "SHAREWIZARD_DATA_DIR": str(tmp_path)},
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 100),
    )
    answer(child, "Concern?", "2\r")  # no
    answer(child, "What next?", "\r")
    for prompt in ("was not shared", "Who asked for it", "When was this decided", "rationale"):
        answer(child, prompt, "Not shared for now\r")
    for prompt in ("Case reference", "Your job title", "Your organisation", "Check your answers"):
        answer(child, prompt, "\r")
    child.expect_exact("Record written to standard output")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = json.loads(stdout.read_text(encoding="utf-8"))  # nothing but the record
    assert record["flow"]["id"] == "demo" and record["checksum"].startswith("sha256:")
    assert list((tmp_path / "work").iterdir()) == []  # no file named `-`, no answers file


LONG_ANSWER = (
    "The bruising seen on the left arm on Monday, what the child said about it in class, and the "
    "two earlier welfare notes"
)


def test_the_review_shows_a_long_typed_answer_whole_at_80x24(tmp_path):
    from tests.terminal import Screen

    (tmp_path / "work").mkdir()
    child = in_terminal(
        "--flows", str(CATALOGUE), "decide", "demo", "--out", "r.json",
        cwd=tmp_path / "work", env={"SHAREWIZARD_DATA_DIR": str(tmp_path / "data")},
        rows=24, columns=80,
    )  # fmt: skip
    screen = Screen(child, rows=24, columns=80)
    walk = [*WALK[:5], ("What information was shared", LONG_ANSWER + "\r"), *WALK[6:-1]]
    for prompt, keys in walk:
        screen.answer(prompt, keys)
    screen.wait(lambda: screen.asking("Check your answers"), "the review")
    assert screen.shows(f"Record: What was shared → {LONG_ANSWER}"), screen.dump()
    assert all(len(row) <= 80 for row in screen.rows())
    screen.send("\r")
    assert screen.finish() == 0
