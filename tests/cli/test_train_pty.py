"""`sharewizard train` end to end in a pseudo-terminal, as a trainer in front of a room uses it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

FIXTURES = Path(__file__).parents[1] / "fixtures"
CATALOGUE = FIXTURES / "catalogue"
CASES = FIXTURES / "cases"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
CLEAR = "\x1b[2J"


def spawn(tmp_path: Path, *args: str, width: int = 80, no_color: bool = False) -> pexpect.spawn:
    return in_terminal(
        "--flows", str(CATALOGUE), "train", "--cases", str(CASES), *args,
        cwd=tmp_path, env={"NO_COLOR": "1"} if no_color else {},
        without=() if no_color else ("NO_COLOR",), rows=24, columns=width,
    )  # fmt: skip


def flat(shown: str) -> str:
    """The screen's words in one line: panel borders and line breaks out."""
    return " ".join(shown.replace("│", " ").split())


class Screen:
    """What the terminal shows since it was last cleared, read until some text appears."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.raw = ""

    def press(self, key: str, until: str) -> str:
        """Send a key, then read the screen it draws (the one after the next clear)."""
        self.raw = ""
        self.child.send(key)
        return self.wait(until, cleared=True)

    def wait(self, until: str, *, cleared: bool = False) -> str:
        while True:
            # Output of the previous screen can still arrive after a key press: only what follows
            # a clear is the new screen.
            shown = ANSI.sub("", self.raw.rsplit(CLEAR, 1)[-1])
            if until in shown and (CLEAR in self.raw or not cleared):
                return shown
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=20)
            except pexpect.TIMEOUT:
                raise AssertionError(f"never showed {until!r}; the screen was:\n{shown}") from None


def test_train_a_case_with_a_what_if_and_a_back_step(tmp_path):
    child = spawn(tmp_path, "demo-injury")
    screen = Screen(child)
    shown = screen.wait("Enter start")
    assert "An injury seen at drop-off" in shown
    assert "Role: Class teacher" in shown
    assert "would not say how it happened" in flat(shown)

    shown = screen.press("\r", "q quit")
    assert "Question 1" in shown and "Concern?" in shown
    assert "Why this question" in shown and "Yes you can." in shown
    assert "Enter show the case's answer · 1-3 room picks · w what-if · b back · q quit" in shown
    assert "the case's answer" not in shown.replace("show the case's answer", "")

    shown = screen.press("w", "q quit")  # the what-if, before anyone answers
    assert "what if: ▶ the room's answer · → where it leads" in shown
    assert re.search(r"  1 Yes\s+→ next question: Which kinds\?", shown)
    assert re.search(r"  2 No\s+→ Do not share \[Do not share\]", shown)
    assert re.search(r"  3 Not sure\s+→ Seek advice \[Seek advice before you act\]", shown)
    assert "Why this question" not in shown

    shown = screen.press("\r", "Enter go on")  # reveal the case's answer
    assert re.search(r"▶ 1 Yes\s+← case → next question: Which kinds\?", shown)

    shown = screen.press("\r", "q quit")
    assert "Question 2" in shown and "Which kinds?" in shown
    assert "1-3 room toggles" in shown

    shown = screen.press("b", "Enter go on")  # back: question 1 with the case's answer chosen
    assert "Question 1" in shown and "Concern?" in shown
    assert "▶ 1 Yes" in shown

    screen.press("\r", "Which kinds?")
    screen.press("\r", "Enter go on")  # reveal: injury
    shown = screen.press("\r", "How urgent?")
    assert "Question 3" in shown
    shown = screen.press("2", "q quit")  # the room says low
    assert "▶ 2 Low" in shown
    assert "Every answer leads to: → next question: Anything else?" in shown
    assert "← case" not in shown and "Enter show the case's answer" in shown
    shown = screen.press("\r", "Enter go on")  # then sees the case said high
    assert "  1 High  ← the case's answer" in shown and "▶ 2 Low" in shown
    screen.press("\r", "Anything else?")
    screen.press("\r", "Enter go on")
    shown = screen.press("\r", "Enter finish")
    assert "Outcome  Demo flow" in shown and "Decision: Share the information" in shown
    assert "Where the room's path differed from the case's" in shown
    assert re.search(r"How urgent\?\s*│\s*Low\s*│\s*High", shown)
    assert "The case's outcome: Refer [Make the referral]" in shown
    assert "Teaching point" in shown and "high urgency is referred now" in shown

    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_train_writes_nothing_without_record(tmp_path):
    child = spawn(tmp_path, "demo-injury", width=200)
    screen = Screen(child)
    screen.wait("Enter start")
    screen.press("\r", "Concern?")
    for _ in range(4):  # take the case's answer to each question
        screen.press("\r", "Enter go on")
        screen.press("\r", "q quit")
    screen.wait("Enter finish")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert list(tmp_path.iterdir()) == []


def test_train_with_record_writes_a_training_record(tmp_path):
    child = spawn(tmp_path, "demo-injury", "--record", "practice.json")
    screen = Screen(child)
    screen.wait("Enter start")
    screen.press("\r", "Concern?")
    screen.press("2", "q quit")  # no: the walk ends at once
    screen.press("\r", "Enter go on")
    shown = screen.press("\r", "(page 1 of 2)")  # the end does not fit 80x24: two pages
    assert "Do not share" in shown.splitlines()[1] and "Enter more" in shown
    shown = screen.press("\r", "Enter finish")
    assert shown.startswith("Outcome: Do not share · Decision: Do not share")  # still in view
    child.send("\r")
    child.expect_exact("Training record written to practice.json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    record = json.loads((tmp_path / "practice.json").read_text())
    assert record["training"] is True
    assert record["outcome"]["id"] == "none"
    assert [a["answer"] for a in record["answers"]] == ["no"]


def test_train_quit_writes_nothing_even_with_record(tmp_path):
    child = spawn(tmp_path, "demo-injury", "--record", "practice.json")
    screen = Screen(child)
    screen.wait("Enter start")
    screen.press("\r", "Concern?")
    child.send("q")
    child.expect_exact("Stopped. Nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert list(tmp_path.iterdir()) == []


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(raw: str) -> list[str]:
    """The SGR parameters that set a foreground or background colour."""
    found = []
    for params in SGR.findall(raw):
        for code in filter(None, params.split(";")):
            number = int(code)
            if 30 <= number <= 49 or 90 <= number <= 107:
                found.append(params)
    return found


def test_train_respects_no_color(tmp_path):
    def run(no_color: bool) -> str:
        child = spawn(tmp_path, "demo-injury", no_color=no_color)
        screen = Screen(child)
        screen.wait("Enter start")
        screen.press("\r", "q quit")
        raw = screen.raw
        screen.press("\r", "Enter go on")  # the case's answer, in green unless NO_COLOR
        raw += screen.raw
        child.send("q")
        child.expect(pexpect.EOF)
        return raw

    assert colour_codes(run(no_color=False))  # the check can see colour when there is some
    assert colour_codes(run(no_color=True)) == []


def test_train_without_an_argument_offers_cases_and_flows(tmp_path):
    child = spawn(tmp_path)
    screen = Screen(child)
    shown = screen.wait("Number, name or words")
    assert "Choose a case study or a flow" in shown
    assert re.search(r"1 │ demo-injury\s+│ An injury seen at drop-off", shown)
    assert re.search(r"2 │ demo\s+│ Demo flow", shown)
    child.send("7\r")
    screen.wait("'7' is no number in the list: type 1 to 2, or a name.")
    child.send("2\r")
    shown = screen.wait("Enter start")
    assert "Demo flow" in shown and "No case study" in shown
    shown = screen.press("\r", "q quit")
    assert "1-3 room picks · w what-if · b back · q quit" in shown
    assert "show the case's answer" not in shown
    child.send("q")
    child.expect_exact("Stopped. Nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_stops_train_with_exit_130_and_writes_nothing(tmp_path):
    child = spawn(tmp_path, "demo-injury", "--record", "practice.json")
    screen = Screen(child)
    screen.wait("Enter start")
    screen.press("\r", "Concern?")
    child.sendcontrol("c")
    child.expect_exact("interrupted; nothing was written.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_train_in_plain_mode_reads_a_line_per_key_and_prints_no_escape_codes(tmp_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--plain", "train", "16-immediate-danger"],
        input="\n\nw\n\n\n",  # start, reveal, what-if, go on, finish
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert "Is a child in immediate danger" in done.stdout
    assert "Call 999 now" in done.stdout
    assert "{" not in done.stdout  # every placeholder worded, though the role is not asked yet
    assert list(tmp_path.iterdir()) == []  # nothing written without --record


def test_train_at_a_100x30_projector_ends_with_the_outcome_title_in_view(tmp_path):
    """Issue 24: the end screen of case 02 was about 38 lines; its outcome scrolled away."""
    from sharewizard.flowfiles.loader import load_catalogue
    from sharewizard.train.room import case_walk, find_case, load_cases, packaged_cases_dir

    catalogue = load_catalogue(Path(__file__).parents[2] / "flows")
    case = find_case(
        load_cases(catalogue, [packaged_cases_dir()]), "02-disclosure-fear-of-stepfather"
    )
    assert case is not None
    *_, (_, outcome) = [(leg.flow, leg.step) for leg in case_walk(catalogue, case).legs]
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "100", "LINES": "30"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "sharewizard", "train", case.id],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 100),
    )
    screen = Screen(child)
    shown = screen.wait("Enter start")
    for _ in range(60):  # Enter reveals the case's answer, then goes on, to the end
        shown = screen.press("\r", "q quit")
        if "Enter finish" in shown or "(page 1 of" in shown:
            break
    lines = shown.rstrip("\n").splitlines()
    assert len(lines) < 30, shown  # nothing scrolled off the top
    assert "Outcome" in lines[0]
    assert outcome.title.split()[0] in lines[1]
    assert outcome.title in flat("\n".join(lines[:6]))  # the title, whole, at the top
    assert "Decision: " in shown
    while "Enter finish" not in shown:  # the other pages keep the outcome in view
        shown = screen.press("\r", "q quit")
        assert flat(shown).startswith(f"Outcome: {outcome.title} · Decision: "), shown
        assert len(shown.rstrip("\n").splitlines()) < 30
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
