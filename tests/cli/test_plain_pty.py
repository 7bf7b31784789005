"""Plain mode in a real terminal with `TERM=dumb`: typed numbers and words, no escape codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pexpect
import pytest

from sharewizard.flowfiles.answers import load_answers
from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"
ESC = "\x1b"


def spawn(tmp_path: Path, *args: str, **env: str) -> pexpect.spawn:
    """sharewizard in a dumb terminal, in `tmp_path/work`, with drafts in `tmp_path/data`."""
    (tmp_path / "work").mkdir(exist_ok=True)
    child = in_terminal(
        "--flows", str(CATALOGUE), *args,
        cwd=tmp_path / "work",
        env={"TERM": "dumb", "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"), **env},
        without=tuple(v for v in ("ACCESSIBLE", "NO_COLOR") if v not in env),
        rows=24, columns=80,
    )  # fmt: skip
    child.logfile_read = io.StringIO()  # everything the terminal showed, from the start
    return child


def screen(child: pexpect.spawn) -> str:
    return child.logfile_read.getvalue()


def type_at(child: pexpect.spawn, prompt: str, line: str) -> None:
    child.expect_exact(prompt)
    child.sendline(line)


#: The walk of the demo flow to `refer`, typing only numbers and words.
WALK = [
    ("Concern?", "yes"),
    ("Which kinds?", "injury"),
    ("How urgent?", "1"),
    ("Anything else?", ""),
    ("What next?", "1"),
    ("What information was shared", "Injury seen on arm"),
    ("With whom", "MASH"),
    ("How was it shared", "Phone"),
    ("When was this decided", "2026-11-23 09:30"),
    ("lawful basis", "public-task"),
    ("rationale", "Child at risk of significant harm"),
    ("Has the family been told", "2"),
    ("Why has the family not been told", "Could compromise a police investigation"),
    ("Case reference", "LOG-99"),
    ("Your job title", ""),
    ("Your organisation", ""),
    ("Check your answers", ""),
]


def test_a_walk_in_a_dumb_terminal_types_numbers_and_words_and_shows_no_escape_codes(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--out", "case.json")
    for prompt, line in WALK:
        type_at(child, prompt, line)
    child.expect_exact("Record written to case.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = json.loads((tmp_path / "work" / "case.json").read_text())
    assert record["outcome"]["id"] == "refer"
    assert [(a["question"], a["answer"]) for a in record["answers"]] == [
        ("concern", "yes"),
        ("kinds", ["injury"]),
        ("urgency", "high"),
        ("note", ""),
    ]
    fields = {row["id"]: row["value"] for row in record["fields"]}
    assert (fields["lawful_basis"], fields["family_informed"]) == ("public-task", "not-yet")
    shown = screen(child)
    assert "Concern?\r\n  1. Yes\r\n  2. No\r\n  3. Not sure" in shown  # numbered, a line each
    assert ESC not in shown


def test_help_and_the_outcome_are_plain_text(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--practice")
    type_at(child, "Concern?", "?")
    type_at(child, "Help for concern.", "n")
    type_at(child, "What next?", "")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = screen(child)
    assert "Decision: Do not share" in shown
    assert shown.count("Practice run: nothing was written.") == 1
    assert ESC not in shown and "╭" not in shown and "─" not in shown  # no colour, no boxes


def test_enter_alone_a_wrong_word_and_back_are_handled_in_plain_mode(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--practice")
    type_at(child, "Concern?", "")
    child.expect_exact("Enter alone does not answer this question")
    child.sendline("maybe")
    child.expect_exact("Not one of the choices: 'maybe'. Type a number (1 to 3) or a word.")
    child.sendline("y")
    type_at(child, "Which kinds?", "<")  # back to the first question, its answer kept
    child.expect_exact("Concern?")
    child.expect_exact("Enter keeps: Yes")
    child.sendline("2")
    type_at(child, "What next?", "1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_d_in_plain_mode_saves_a_draft(tmp_path):
    child = spawn(tmp_path, "decide", "demo")
    type_at(child, "Concern?", "1")
    child.expect_exact("Which kinds?")
    child.expect_exact("separated by commas")
    child.sendeof()
    child.expect_exact("decide --resume demo-")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    [draft] = (tmp_path / "data" / "drafts").glob("demo-*.answers.yaml")
    assert load_answers(draft).parts[0].answers == {"concern": "yes"}


def test_accessible_set_chooses_plain_mode_in_a_colour_terminal(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--practice", TERM="xterm-256color", ACCESSIBLE="1")
    type_at(child, "Concern?", "no")
    type_at(child, "What next?", "")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ESC not in screen(child)


def test_the_escape_check_sees_rich_mode_menus(tmp_path):
    # the same terminal with TERM=xterm draws menus: the assertion above would catch them
    child = spawn(tmp_path, "decide", "demo", "--practice", TERM="xterm")
    child.expect_exact("no answer yet")
    assert ESC in screen(child)
    child.terminate(force=True)


def test_a_plain_draft_is_chosen_by_number_and_resumed_to_a_record(tmp_path):
    child = spawn(tmp_path, "decide", "demo")
    type_at(child, "Concern?", "yes")
    child.expect_exact("separated by commas")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    child = spawn(tmp_path, "decide", "--resume", "--out", "r.json")
    type_at(child, "Number (1 to 1):", "1")
    for prompt, line in WALK[1:]:
        type_at(child, prompt, line)
    child.expect_exact("Record written to r.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ESC not in screen(child)
    assert json.loads((tmp_path / "work" / "r.json").read_text())["outcome"]["id"] == "refer"


def test_ctrl_c_in_plain_mode_asks_first_and_no_carries_on(tmp_path):
    child = spawn(tmp_path, "decide", "demo", "--practice")
    child.expect_exact("Number or word")
    child.sendintr()
    type_at(child, "n: go on)", "n")  # the answers it takes are said (wrapped at words)
    type_at(child, "Number or word", "no")
    type_at(child, "What next?", "")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Decision: Do not share" in screen(child)
