"""The heading over a flow's first question: drawn by prompt_toolkit, wrapped at words."""

from __future__ import annotations

import dataclasses
import io
import re

from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.vt100 import Vt100_Output

from sharewizard.core.model import Faq
from sharewizard.walk.prompts import QuestionaryAsker

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
QUESTION = "When I have a concern, can I share information where I do not have consent to do so?"


def no_console() -> None:
    raise AssertionError("the heading was printed with Rich")


def heading(catalogue, faq: Faq, columns: int) -> tuple[str, str]:
    """What `begin` writes on a terminal `columns` wide: the raw bytes and the text seen."""
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=columns), term="xterm-256color")
    flow = dataclasses.replace(catalogue.flows["demo"], faq=faq)
    asker = QuestionaryAsker(catalogue, no_console, output=output)
    asker.begin(flow)
    raw = screen.getvalue()
    return raw, ANSI.sub("", raw).replace("\r\n", "\n")


def test_the_heading_names_the_faq_question_and_wraps_at_words(demo):
    raw, seen = heading(demo, Faq(1, QUESTION), 40)
    lines = seen.rstrip("\n").split("\n")
    assert lines[0].startswith("━━ FAQ 1: When I have")
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(lines) == f"━━ FAQ 1: {QUESTION}"  # no word cut in two
    assert "\x1b[0;1m" in raw  # the question in bold


def test_a_heading_without_a_faq_number_is_the_question_alone(demo):
    _, seen = heading(demo, Faq(None, "Which situation?"), 80)
    assert seen.strip() == "━━ Which situation?"


def test_control_characters_in_the_heading_cannot_restyle_the_terminal(demo):
    raw, _ = heading(demo, Faq(2, "Red\x1b[31m alert\x07?"), 80)
    assert "\x1b[31m" not in raw and "\x07" not in raw
    assert "Red[31m alert?" in raw
