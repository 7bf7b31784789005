"""Nothing half-typed is lost, in a real terminal (issue 24, item 3): Ctrl-C, Ctrl-D, SIGHUP and
SIGTERM in the middle of a typed answer keep the text in the draft, and `decide --resume` offers
it at that question, where Enter keeps it. In rich mode (prompt_toolkit) and in plain mode
(`TERM=dumb`: the terminal's own line editing).
"""

from __future__ import annotations

import json
import re
import signal
import stat
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.cli.test_interrupts_pty import PROMPTS, TO_SHARE, drafts_json, walk_until
from tests.cli.test_plain_pty import WALK
from tests.cli.test_plain_pty import spawn as spawn_dumb
from tests.sittingkit import CTRL_C, CTRL_D, ENTER, finish, make_catalogue
from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

RATIONALE = "Why did you decide this?"
TYPED = "Necessary to prot"
KEPT_NOTE = "kept from when you stopped: Enter keeps it"


def spawn(cwd: Path, flows: Path, data: Path, *args: str) -> pexpect.spawn:
    """`sharewizard --flows FLOWS ARGS` in a terminal wide enough that a question and the text
    typed after it stay on one line (so the test can wait for the text on screen)."""
    return in_terminal(
        "--flows", str(flows), *args, cwd=cwd, env={"SHAREWIZARD_DATA_DIR": str(data)}, columns=200
    )


def only_draft(data: Path) -> dict:
    [path] = (data / "drafts").glob("*.answers.yaml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return yaml.safe_load(path.read_text())


def typed_then(child: pexpect.spawn, text: str) -> None:
    """Type `text` at the prompt on screen, and wait until the terminal shows it typed."""
    child.send(text)
    child.expect_exact(text[-8:])


def resume_to_the_end(child: pexpect.spawn, at: str, keys: str) -> None:
    """Answer the resumed walk as TO_SHARE does, but type `keys` at the prompt `at`."""
    done: set[int] = set()
    while True:
        index = child.expect([*PROMPTS, re.compile("Record written to")])
        if index == len(PROMPTS):
            return
        if index in done:
            continue  # questionary redraws the line it just answered
        done.add(index)
        prompt, usual = TO_SHARE[index]
        if prompt == at:
            child.expect_exact(KEPT_NOTE)
        child.send(keys if prompt == at else usual)


def after(steps: list[tuple[str, str]], prompt: str) -> list[tuple[str, str]]:
    """The steps of a walk that come after `prompt`'s."""
    return steps[[p for p, _ in steps].index(prompt) + 1 :]


def the_record(data: Path) -> dict:
    [path] = (data / "records").glob("sharewizard-mini-*.json")
    return json.loads(path.read_text())


def fields_of(record: dict) -> dict:
    return {row["id"]: row["value"] for row in record["fields"]}


# --- rich mode -----------------------------------------------------------------------------------


def test_ctrl_c_halfway_through_an_answer_then_resume_offers_it_and_enter_keeps_it(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, RATIONALE)
    typed_then(child, TYPED)
    child.send(CTRL_C)
    child.expect_exact("Quit now?")
    child.send(ENTER)
    child.expect_exact("Your answers so far, and the text you were typing, are saved as draft")
    assert finish(child) == 130
    draft = only_draft(data)
    assert draft["sitting"]["half_typed"] == {
        "field": "decisions.0.record.rationale",
        "text": TYPED,
    }
    assert "rationale" not in draft["decisions"][0]["record"]  # not an answer yet

    [listed] = drafts_json(flows, data)
    child = spawn(tmp_path, flows, data, "decide", "--resume", listed["id"])
    resume_to_the_end(child, RATIONALE, ENTER)  # Enter keeps it
    assert finish(child) == 0
    assert fields_of(the_record(data))["rationale"] == TYPED


def test_the_kept_text_can_be_finished_rather_than_retyped(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, RATIONALE)
    typed_then(child, TYPED)
    child.send(CTRL_D)  # at the end of the text: quits, keeping it
    assert finish(child) == 130
    assert only_draft(data)["sitting"]["half_typed"]["text"] == TYPED

    [listed] = drafts_json(flows, data)
    child = spawn(tmp_path, flows, data, "decide", "--resume", listed["id"])
    resume_to_the_end(child, RATIONALE, "ect." + ENTER)  # the cursor is at the end of the text
    assert finish(child) == 0
    assert fields_of(the_record(data))["rationale"] == TYPED + "ect."


@pytest.mark.parametrize(
    ("stop", "status"),
    [(signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["kill (SIGTERM)", "hang-up (SIGHUP)"],
)
def test_a_signal_in_the_middle_of_a_typed_answer_keeps_the_text(tmp_path, stop, status):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, "With whom")
    typed_then(child, "CSC front do")
    child.kill(stop)
    assert finish(child) == status
    draft = only_draft(data)
    assert draft["sitting"]["half_typed"] == {
        "field": "decisions.0.record.with_whom",
        "text": "CSC front do",
    }
    assert draft["decisions"][0]["record"] == {"what": "Attendance and an injury"}


def test_closing_the_terminal_in_the_middle_of_a_typed_answer_keeps_the_text(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, "How was it shared")
    typed_then(child, "Phone call to")
    child.close(force=False)  # SIGHUP, and EIO on every read
    assert only_draft(data)["sitting"]["half_typed"]["text"] == "Phone call to"


def test_ctrl_c_then_go_on_leaves_the_typed_text_in_the_box(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    walk_until(child, RATIONALE)
    typed_then(child, TYPED)
    child.send(CTRL_C)
    child.expect_exact("Quit now?")
    child.send("n")
    child.expect_exact(TYPED)  # asked again, with what was typed
    child.send("ect." + ENTER)
    for prompt, keys in after(TO_SHARE, RATIONALE):
        child.expect_exact(prompt)
        child.send(keys)
    child.expect_exact("Record written to")
    assert finish(child) == 0
    assert fields_of(the_record(data))["rationale"] == TYPED + "ect."


# --- plain mode (TERM=dumb): the terminal edits the line --------------------------------------

PLAIN_RATIONALE = "Child at risk of signif"


def plain_walk_until(child: pexpect.spawn, stop_at: str) -> None:
    for prompt, line in WALK:
        child.expect_exact(prompt)
        if prompt == stop_at:
            child.expect_exact("Type your answer")
            return
        child.sendline(line)


def plain_draft(tmp_path: Path) -> tuple[str, dict]:
    [path] = (tmp_path / "data" / "drafts").glob("demo-*.answers.yaml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.name.removesuffix(".answers.yaml"), yaml.safe_load(path.read_text())


def test_plain_mode_ctrl_c_keeps_the_line_typed_and_resume_offers_it(tmp_path):
    child = spawn_dumb(tmp_path, "decide", "demo", "--out", "case.json")
    plain_walk_until(child, "rationale")
    typed_then(child, PLAIN_RATIONALE)
    child.send(CTRL_C)
    child.expect_exact("Quit now?")
    child.sendline("")
    child.expect_exact("and the text you were typing, are saved as draft")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    draft_id, draft = plain_draft(tmp_path)
    assert draft["sitting"]["half_typed"] == {
        "field": "decisions.0.record.rationale",
        "text": PLAIN_RATIONALE,
    }

    child = spawn_dumb(tmp_path, "decide", "--resume", draft_id, "--out", "case.json")
    child.expect_exact("What next?")
    child.sendline("1")
    child.expect_exact(f"Kept from when you stopped, not yet an answer: {PLAIN_RATIONALE}")
    child.expect_exact("Enter keeps it):")
    child.sendline("")
    for prompt, line in after(WALK, "rationale"):
        child.expect_exact(prompt)
        child.sendline(line)
    child.expect_exact("Record written to case.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = json.loads((tmp_path / "work" / "case.json").read_text())
    assert fields_of(record)["rationale"] == PLAIN_RATIONALE


def test_plain_mode_ctrl_c_then_go_on_offers_the_line_typed(tmp_path):
    child = spawn_dumb(tmp_path, "decide", "demo", "--practice")
    plain_walk_until(child, "Anything else?")
    typed_then(child, "Sibling also known")
    child.send(CTRL_C)
    child.expect_exact("Quit now?")
    child.sendline("n")
    child.expect_exact("Anything else?")  # the question again, then what was typed
    child.expect_exact("Kept from when you stopped, not yet an answer: Sibling also known")
    child.sendline("")
    child.expect_exact("What next?")
    child.sendline("1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize(
    ("stop", "status"),
    [("ctrl-d", 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["ctrl-d", "kill (SIGTERM)", "hang-up (SIGHUP)"],
)
def test_plain_mode_keeps_the_line_typed_at_a_flow_question_on_any_stop(tmp_path, stop, status):
    child = spawn_dumb(tmp_path, "decide", "demo")
    plain_walk_until(child, "Anything else?")
    typed_then(child, "Sibling also known")
    if stop == "ctrl-d":
        child.send(CTRL_D * 2)  # the first sends the line without Enter, the second ends input
    else:
        child.kill(stop)
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus or 128 + (child.signalstatus or 0)) == status
    _, draft = plain_draft(tmp_path)
    assert draft["sitting"]["half_typed"] == {
        "field": "decisions.0.answers.note",
        "text": "Sibling also known",
    }
    assert "note" not in draft["decisions"][0]["answers"]  # not an answer: Enter never came
