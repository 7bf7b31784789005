"""Asking a person: Enter alone never answers an unanswered choice; plain mode reads typed lines."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from sharewizard.walk.prompts import PlainAsker, QuestionaryAsker
from sharewizard.walk.session import GO_BACK

ROOT = Path(__file__).resolve().parents[1]
ENTER, DOWN = "\r", "\x1b[B"


@contextlib.contextmanager
def rich_asker(catalogue, keys: str) -> Iterator[QuestionaryAsker]:
    """A QuestionaryAsker with `keys` typed; running out of keys is end of input."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        yield QuestionaryAsker(
            catalogue,
            Console(file=io.StringIO(), width=80, color_system=None, emoji=False),
            input=pipe,
            output=DummyOutput(),
        )


def ask_rich(catalogue, question_id: str, keys: str, default=None, can_go_back=False):
    """QuestionaryAsker.ask with `keys` typed; running out of keys is end of input."""
    question = catalogue.flows["demo"].questions[question_id]
    with rich_asker(catalogue, keys) as asker:
        return asker.ask(question, default, can_go_back)


def test_enter_alone_does_not_answer_a_question_without_a_default(demo):
    with pytest.raises(EOFError):  # three Enters, then the keys ran out: still unanswered
        ask_rich(demo, "concern", ENTER * 3)


def test_the_enter_check_would_see_a_preselected_answer(demo):
    # the broken behaviour the test above guards against: with an answer already there, Enter
    # keeps it (that is the person's own earlier answer, not one chosen for them)
    assert ask_rich(demo, "concern", ENTER, default="no") == "no"


@pytest.mark.parametrize(
    ("keys", "expected"),
    [("1" + ENTER, "yes"), ("2" + ENTER, "no"), ("3" + ENTER, "not-sure"), (DOWN + ENTER, "yes")],
)
def test_a_digit_or_an_arrow_then_enter_answers(demo, keys, expected):
    assert ask_rich(demo, "concern", ENTER + keys) == expected


def test_a_multiple_choice_takes_numbers_to_point_then_space_to_tick(demo):
    assert ask_rich(demo, "kinds", "3 1 " + ENTER) == ("neglect", "online")


def test_question_mark_shows_help_in_a_multiple_choice_too(demo):
    with pytest.raises(EOFError):  # help shown, then asked again until the keys run out
        ask_rich(demo, "kinds", "?")


def test_less_than_goes_back_in_rich_mode(demo):
    assert ask_rich(demo, "urgency", "<", can_go_back=True) is GO_BACK


# --- plain mode ----------------------------------------------------------------------------------


def plain(catalogue, lines: str) -> tuple[PlainAsker, io.StringIO]:
    shown = io.StringIO()
    console = Console(file=shown, width=80, color_system=None, emoji=False, soft_wrap=True)
    return PlainAsker(catalogue, console, io.StringIO(lines)), shown


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1\n", "yes"),
        ("yes\n", "yes"),
        ("Y\n", "yes"),
        ("n\n", "no"),
        ("not-sure\n", "not-sure"),
        ("Not sure\n", "not-sure"),
        ("3\n", "not-sure"),
        ("\n4\nno\n", "no"),  # Enter alone and a number out of range are refused, then "no"
    ],
)
def test_plain_mode_takes_a_number_a_value_or_a_label(demo, typed, expected):
    asker, _ = plain(demo, typed)
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == expected


def test_plain_mode_says_why_an_answer_is_refused_and_asks_again(demo):
    asker, shown = plain(demo, "\nmaybe\n2\n")
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "no"
    text = shown.getvalue()
    assert "Enter alone does not answer this question: type a number or a word." in text
    assert "Not one of the choices: 'maybe'. Type a number (1 to 3) or a word." in text


def test_plain_mode_multi_takes_several_and_refuses_none(demo):
    asker, shown = plain(demo, "\n1, online\n")
    assert asker.ask(demo.flows["demo"].questions["kinds"], None, True) == ("neglect", "online")
    assert "Enter alone does not answer" in shown.getvalue()


def test_plain_mode_enter_keeps_an_earlier_answer_and_less_than_goes_back(demo):
    question = demo.flows["demo"].questions["urgency"]
    asker, shown = plain(demo, "\n<\n")
    assert asker.ask(question, "low", True) == "low"
    assert "Enter keeps: Low" in shown.getvalue()
    assert asker.ask(question, "low", True) is GO_BACK


def test_plain_mode_question_mark_prints_the_help_without_a_box(demo):
    asker, shown = plain(demo, "?\nyes\n")
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "yes"
    text = shown.getvalue()
    assert "Help for concern." in text and "“Yes you can.”" in text
    assert "╭" not in text and "\x1b" not in text


class _CtrlCFirst(io.StringIO):
    """Typed lines, but Ctrl-C is pressed at the first prompt."""

    pressed = False

    def readline(self, *args):  # type: ignore[override]
        if not self.pressed:
            self.pressed = True
            raise KeyboardInterrupt
        return super().readline(*args)


def test_plain_mode_repeats_the_question_after_ctrl_c_and_go_on(demo):
    shown = io.StringIO()
    console = Console(file=shown, width=80, color_system=None, emoji=False, soft_wrap=True)
    asker = PlainAsker(demo, console, _CtrlCFirst("n\nyes\n"))
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "yes"
    after = shown.getvalue().split("(Enter or y: quit; n: go on)")[1]
    assert "Concern?\n  1. Yes\n  2. No\n  3. Not sure\nNumber or word" in after


def test_plain_mode_question_mark_describes_each_choice(catalogue):
    question = catalogue.flows["triage"].questions["situation"]
    asker, shown = plain(catalogue, "?\n1\n")
    asker.ask(question, None, False)
    text = shown.getvalue()
    for number, choice in enumerate(question.choices, 1):
        if choice.help:
            assert f"  {number}. {choice.label}: {choice.help}" in text


def test_plain_mode_wraps_at_words_on_a_terminal_and_keeps_lines_whole_in_a_log(catalogue):
    question = catalogue.flows["triage"].questions["situation"]
    for wrap in (True, False):
        shown = io.StringIO()
        console = Console(file=shown, width=40, color_system=None, emoji=False)
        PlainAsker(catalogue, console, io.StringIO("1\n"), wrap=wrap).ask(question, None, False)
        lines = shown.getvalue().splitlines()
        longest = max(len(line) for line in lines)
        assert (longest <= 40) is wrap
        words = " ".join(shown.getvalue().split())
        assert all(" ".join(c.label.split()) in words for c in question.choices)  # no word cut


def test_plain_mode_end_of_input_is_eof(demo):
    asker, _ = plain(demo, "")
    with pytest.raises(EOFError):
        asker.ask(demo.flows["demo"].questions["concern"], None, False)


def test_plain_mode_text_is_checked_and_optional_text_may_be_skipped(demo):
    asker, _ = plain(demo, "\n")
    assert asker.ask(demo.flows["demo"].questions["note"], None, True) == ""
    asker, shown = plain(demo, "x" * 51 + "\nshort\n")
    assert asker.ask(demo.flows["demo"].questions["note"], None, True) == "short"
    assert "Not accepted:" in shown.getvalue()


def test_plain_review_takes_a_number_or_enter(demo):
    from sharewizard.walk.session import ReviewItem

    items = [ReviewItem(demo.flows["demo"].questions["concern"], "yes")]
    asker, shown = plain(demo, "7\n1\n\n")
    assert asker.review(items) == 0
    assert asker.review(items) is None
    assert "1. Concern?  →  Yes" in shown.getvalue()
    assert "Type a number from 1 to 1, or press Enter." in shown.getvalue()


def review_rich(demo, keys: str, count: int) -> int | None:
    """QuestionaryAsker.review of `count` answers with `keys` typed."""
    from sharewizard.walk.session import ReviewItem

    concern = demo.flows["demo"].questions["concern"]
    items = [ReviewItem(concern, "yes") for _ in range(count)]
    with rich_asker(demo, keys) as asker:
        return asker.review(items)


@pytest.mark.parametrize(("keys", "picked"), [("4" + ENTER, 3), ("12" + ENTER, 11)])
def test_the_review_menu_takes_the_number_of_an_answer_as_plain_mode_does(demo, keys, picked):
    assert review_rich(demo, keys, 12) == picked


def test_the_review_menu_still_confirms_with_enter_alone(demo):
    assert review_rich(demo, ENTER, 12) is None


@pytest.mark.parametrize("typed", ["\u00b2", "\u2460", "\u00bd", "9" * 4301, "0", "-1"])
def test_a_digit_that_is_no_choice_number_is_not_one_of_the_choices(demo, typed):
    """`²`, `①` and 4,301 digits crashed plain mode (exit 70); now they are asked again."""
    asker, shown = plain(demo, f"{typed}\n2\n")
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "no"
    assert "Not one of the choices: " in shown.getvalue()
    assert len(shown.getvalue()) < 2000  # the 4,301 digits are not repeated


def test_decimal_digits_of_any_script_still_pick_a_choice(demo):
    asker, _ = plain(demo, "\u0662\n")  # Arabic-Indic two
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "no"


@pytest.mark.parametrize("typed", ["\u00b2", "9" * 4301])
def test_the_review_and_the_draft_chooser_ask_again_for_such_digits(demo, typed):
    from sharewizard.walk.prompts import choose_draft
    from sharewizard.walk.session import ReviewItem

    items = [ReviewItem(demo.flows["demo"].questions["concern"], "yes")]
    asker, shown = plain(demo, f"{typed}\n1\n")
    assert asker.review(items) == 0
    assert "Type a number from 1 to 1, or press Enter." in shown.getvalue()

    class Found:
        id, route, flow, answered, path = "d", [], "demo", 1, "/drafts/d.answers.yaml"

    console = Console(file=io.StringIO(), width=80, color_system=None)
    chosen = choose_draft([Found()], console=console, stdin=io.StringIO(f"{typed}\n1\n"))
    assert chosen == Path("/drafts/d.answers.yaml")
    assert "Type a number from 1 to 1." in console.file.getvalue()


NOT_UTF8 = "\udca3 500"  # "£ 500" typed on a Latin-1 terminal, read with surrogateescape


def test_plain_mode_refuses_a_line_that_is_not_text_and_asks_again(demo):
    """Such a line once reached the draft (unreadable after) and the checksum (exit 70)."""
    asker, shown = plain(demo, f"{NOT_UTF8}\nGBP 500\n")
    assert asker.ask(demo.flows["demo"].questions["note"], None, True) == "GBP 500"
    assert (
        "Not accepted: the line holds bytes that are not UTF-8 text, so none of it was kept. "
        "Type it again." in shown.getvalue()
    )
    asker, shown = plain(demo, f"{NOT_UTF8}\n1\n")  # at a choice too, and shown inertly
    assert asker.ask(demo.flows["demo"].questions["concern"], None, False) == "yes"
    assert "Not accepted: the line holds bytes" in shown.getvalue()


def test_a_rich_text_prompt_refuses_bytes_that_are_not_utf8(demo):
    question = demo.flows["demo"].questions["note"]
    with create_pipe_input() as pipe:
        pipe.send_bytes(b"\xa3 500\r")  # refused: the line stays, so clear it and retype
        pipe.send_text("\x7f" * 5 + "GBP 500\r")
        pipe.close()
        asker = QuestionaryAsker(
            demo,
            Console(file=io.StringIO(), width=80, color_system=None, emoji=False),
            input=pipe,
            output=DummyOutput(),
        )
        assert asker.ask(question, None, False) == "GBP 500"


# --- what a menu shows at 80x24 ------------------------------------------------------------------


class Sized(DummyOutput):
    """prompt_toolkit's output to nowhere, on a terminal `columns` x `rows`."""

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        self.size = (columns, rows)

    def get_size(self):
        from prompt_toolkit.data_structures import Size

        return Size(rows=self.size[1], columns=self.size[0])


def draw(catalogue, build, *, wrap: bool = True, width: int = 80, rows: int = 24) -> list[str]:
    """The rows a terminal `width` x `rows` shows for the menu `build(asker)` makes, untouched."""
    import asyncio

    from prompt_toolkit.application.current import set_app
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.mouse_handlers import MouseHandlers
    from prompt_toolkit.layout.screen import Screen, WritePosition

    from sharewizard.walk.prompts import _menu_of

    with create_pipe_input() as pipe:
        console = Console(file=io.StringIO(), width=width)
        asker = QuestionaryAsker(catalogue, console, input=pipe, output=Sized(width, rows))
        question_app = build(asker)
        if not wrap:  # what questionary does by itself: neither wrap at words nor at all
            window = _menu_of(question_app)
            window.wrap_lines = to_filter(False)
            window.content.text = window.content._get_choice_tokens
        app = question_app.application

        async def drawn() -> Screen:
            with set_app(app):
                screen = Screen()
                app.layout.container.write_to_screen(
                    screen, MouseHandlers(), WritePosition(0, 0, width, rows), "", False, None
                )
                return screen

        screen = asyncio.run(drawn())
    return ["".join(screen.data_buffer[y][x].char for x in range(width)) for y in range(rows)]


def draw_menu(catalogue, question, *, wrap: bool = True, width: int = 80) -> list[str]:
    """The rows a terminal `width` x 24 shows for a question's menu, before any key is pressed."""

    def build(asker):
        if question.type == "text":
            return asker._text_question(question, None, True, False)
        return asker._build(question, None, True)

    return draw(catalogue, build, wrap=wrap, width=width)


def shows_whole(rows: list[str], label: str) -> bool:
    """Whether `label` can be read on the screen, wrapped over rows or not."""
    return " ".join(label.split()) in " ".join("".join(rows).split())


def reads_whole(rows: list[str], text: str) -> bool:
    """Whether `text` can be read on the screen with no word broken across two rows."""
    return " ".join(text.split()) in " ".join(" ".join(rows).split())


def test_every_menu_of_every_flow_shows_each_label_whole_at_80x24(catalogue):
    for flow in catalogue.flows.values():
        for question in flow.questions.values():
            if not question.choices:
                continue
            rows = draw_menu(catalogue, question)
            for number, choice in enumerate(question.choices, 1):
                assert shows_whole(rows, f"{number}. {choice.label}"), (flow.id, question.id)
            assert shows_whole(rows, "? Help and guidance"), (flow.id, question.id)  # all fit


def test_the_menu_check_sees_a_label_cut_at_the_edge(demo):
    from dataclasses import replace

    from sharewizard.core.model import Choice

    label = "A choice label long enough to reach past the right-hand edge of an 80 column screen"
    long = replace(demo.flows["demo"].questions["urgency"], choices=(Choice("long", label),))
    assert not shows_whole(draw_menu(demo, long, wrap=False), f"1. {label}")
    assert shows_whole(draw_menu(demo, long), f"1. {label}")


def ask_triage(keys: str):
    from sharewizard.flowfiles.loader import load_catalogue

    catalogue = load_catalogue(ROOT / "flows")
    question = catalogue.flows["triage"].questions["situation"]
    assert len(question.choices) > 9  # the case this is about: more choices than digits
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        asker = QuestionaryAsker(
            catalogue, Console(file=io.StringIO()), input=pipe, output=DummyOutput()
        )
        return asker.ask(question, None, False)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("12 ", ("medical-treatment",)),  # two digits at once: the twelfth choice
        ("10 2 ", ("social-care", "agreement")),
        ("21 ", ("concern-no-consent",)),  # no 21st choice: the 1 starts again
        ("1 1 ", ()),  # the first ticked, then unticked: a space between numbers
    ],
)
def test_choices_past_nine_are_reached_by_typing_their_number(keys, expected):
    if not expected:
        with pytest.raises(EOFError):  # nothing ticked: Enter does not answer; keys run out
            ask_triage(keys + ENTER)
        return
    assert ask_triage(keys + ENTER) == expected


# --- every key gets an answer (issue 24.4) ------------------------------------------------------


def ask_on_screen(catalogue, flow_id: str, question_id: str, keys: str, default=None):
    """QuestionaryAsker.ask with `keys` typed at once: the answer, every hint line said (keys
    typed at once are read before the screen is drawn again), the screen and the panels."""
    import re

    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    from sharewizard.walk import prompts

    said: list[str] = []
    say = prompts._Hint.say

    def recorded(hint, text):
        said.append(text)
        say(hint, text)

    question = catalogue.flows[flow_id].questions[question_id]
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=80), term="xterm")
    panels = io.StringIO()
    with create_pipe_input() as pipe, pytest.MonkeyPatch.context() as patch:
        patch.setattr(prompts._Hint, "say", recorded)
        pipe.send_text(keys)
        pipe.close()
        asker = QuestionaryAsker(
            catalogue,
            Console(file=panels, width=80, color_system=None, emoji=False),
            input=pipe,
            output=output,
        )
        answer = asker.ask(question, default, True)
    seen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]", "", screen.getvalue())
    return answer, [t for t in said if t], " ".join(seen.split()), panels.getvalue()


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        (ENTER, "Nothing chosen yet: move to an answer with ↓ or type its number, then Enter."),
        ("x", "'x' does nothing here: ↑/↓ or a number, then Enter; ? help; < back."),
        ("7", "'7' is not a choice here: the choices are 1 to 3."),
        ("0", "'0' is not a choice here: the choices are 1 to 3."),
    ],
)
def test_a_key_that_does_nothing_in_a_menu_says_why_in_one_line(demo, keys, said):
    answer, hints, _, _ = ask_on_screen(demo, "demo", "concern", keys + "2" + ENTER)
    assert hints == [said]
    assert answer == "no"  # and the menu still answers as before


def test_enter_with_nothing_ticked_says_so_and_help_or_back_are_never_ticked(demo):
    up = "\x1b[A"
    # Enter with nothing ticked; then space on "? Help" (the last entry): the help, not a tick
    answer, hints, _, panels = ask_on_screen(demo, "demo", "kinds", ENTER + up + " " + "1 " + ENTER)
    assert hints[0].startswith("Nothing ticked yet: tick each choice that applies with space")
    assert "Help" in panels  # space on "? Help and guidance" showed the help
    assert answer == ("neglect",)


def test_the_help_keeps_what_was_ticked(demo):
    answer, _, _, panels = ask_on_screen(demo, "demo", "kinds", "3 ?" + ENTER)
    assert "Help" in panels
    assert answer == ("online",)  # still ticked after the help: Enter alone answers


def test_a_multiple_choice_answer_echoes_the_names_ticked(demo):
    answer, _, seen, _ = ask_on_screen(demo, "demo", "kinds", "1 3 " + ENTER)
    assert answer == ("neglect", "online")
    assert "Which kinds? 1. Neglect; 3. Online harm" in seen
    assert "selections" not in seen


@pytest.mark.parametrize("letter", ["a", "i"])
def test_tick_all_and_invert_tick_nothing_and_say_why(demo, letter):
    answer, hints, _, _ = ask_on_screen(demo, "demo", "kinds", letter + "2 " + ENTER)
    assert hints == [f"'{letter}' does nothing here: tick each choice that applies with space."]
    assert answer == ("injury",)


# --- everything wraps at words (issue 24: 80x24, and 40 columns) -------------------------------


def _every_question(catalogue):
    yield from (q for flow in catalogue.flows.values() for q in flow.questions.values())
    yield from (fact.question for fact in catalogue.facts.facts.values())
    yield from catalogue.record_form.fields


@pytest.mark.parametrize("width", [80, 40])
def test_every_question_and_its_key_hint_wrap_at_words(catalogue, width):
    for question in _every_question(catalogue):
        if question.fact and not question.text:
            continue  # a flow's fact node: asked with the fact's own question
        rows = draw_menu(catalogue, question, width=width)
        assert reads_whole(rows, f"? {question.text}"), (question.id, rows)  # no word cut in two
        hint = {"multi": "Enter when done)", "text": "(? for help"}.get(question.type, "? help)")
        assert reads_whole(rows, hint), question.id


def test_the_word_check_sees_a_question_broken_mid_word(catalogue):
    question = catalogue.facts.facts["lawful-basis"].question
    rows = draw(catalogue, lambda asker: _unwrapped_question(asker, question))
    assert not reads_whole(rows, f"? {question.text}")  # questionary alone: "informa" / "tion?"


def _unwrapped_question(asker, question):
    import questionary

    return questionary.select(
        question.text,
        choices=[c.label for c in question.choices],
        instruction="(↑/↓ or a number, then Enter; ? help)",
        **asker.io,
    )


def test_an_answered_question_shows_its_answer_whole(catalogue):
    """The answer shown after the question: below it, wrapped at words, when it does not fit."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    question = catalogue.facts.facts["role"].question
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=80), term="xterm")
    with create_pipe_input() as pipe:
        pipe.send_text("3" + ENTER)
        asker = QuestionaryAsker(catalogue, Console(file=io.StringIO()), input=pipe, output=output)
        assert asker.ask(question, None, False) == "practitioner"
    rows = pyte_rows(screen.getvalue(), 80)
    assert rows[:2] == [
        "? What is your role in this decision?",
        "  3. A practitioner, with a safeguarding lead or manager to ask",
    ]


def pyte_rows(written: str, columns: int, rows: int = 24) -> list[str]:
    """What a terminal shows after `written` (each line feed also returns, as a terminal's does)."""
    import pyte

    screen = pyte.Screen(columns, rows)
    screen.set_mode(pyte.modes.LNM)
    pyte.Stream(screen).feed(written)
    return [row.rstrip() for row in screen.display]


def _review_items(catalogue):
    from sharewizard.walk.session import ReviewItem

    situation = catalogue.flows["triage"].questions["situation"]
    what = next(f for f in catalogue.record_form.fields if f.id == "what")
    typed = (
        "The disclosure made on 4 December to the form tutor, the bruising seen on both arms "
        "and the notes of the two earlier welfare meetings with the parents"
    )
    picked = ("concern-no-consent", "social-care", "how-much")
    return (
        [
            ReviewItem(situation, picked, "route"),
            ReviewItem(what, typed, "record"),
        ],
        [situation.label_of(v) for v in picked],
        typed,
    )


def test_the_review_shows_every_answer_whole_at_40_columns(catalogue):
    items, labels, typed = _review_items(catalogue)
    rows = draw(catalogue, lambda asker: asker._review_menu(items), width=40)
    for text in [*labels, typed, "Triage: Which of these describe what you need to decide?"]:
        assert reads_whole(rows, text), (text, rows)
    assert max(len(row.rstrip()) for row in rows) <= 40


def test_the_review_check_sees_an_answer_cut_at_the_edge(catalogue):
    items, _, typed = _review_items(catalogue)
    rows = draw(catalogue, lambda asker: asker._review_menu(items), width=40, wrap=False)
    assert not shows_whole(rows, typed)


# --- the outcome: pages that keep its title in view; what next (issue 24) -----------------------


def long_outcome(demo):
    from dataclasses import replace

    action = (
        "Tell the receiver what you are sharing, why it is necessary and proportionate, and how "
        "to reach you if they need more; write down what you said and when you said it."
    )
    return replace(
        demo.flows["demo"].outcomes["share"],
        title="A title long enough to take two lines of the panel at eighty columns, or nearly",
        summary=" ".join(["The reasons for this decision, at some length."] * 12),
        actions=tuple(f"{n}. {action}" for n in range(1, 9)),
    )


def test_a_long_outcome_comes_in_pages_each_opening_with_its_title_and_decision(demo):
    from sharewizard.walk import summary

    outcome = long_outcome(demo)
    pages = summary.outcome_pages(outcome, "Share the information", fit=(80, 16))
    assert len(pages) > 2
    shown = []
    for number, page in enumerate(pages, 1):
        text = render_lines(page)
        assert len(text) <= 16
        flat = " ".join(" ".join(line.strip(" │╭╮╰╯─") for line in text).split())
        assert flat.startswith(f"Outcome: {outcome.title} Decision: Share the information")
        assert f"Page {number} of {len(pages)}" in flat
        shown.append(flat)
    whole = " ".join(shown)
    for action in outcome.actions:  # every action once, never split across pages
        assert sum(action in page for page in shown) == 1
    assert " ".join(outcome.summary.split()) in whole


def render_lines(renderable, width: int = 80) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None, emoji=False)
    console.print(renderable)
    return console.file.getvalue().rstrip("\n").splitlines()


def test_an_outcome_that_fits_is_one_panel_without_pages(demo):
    from sharewizard.walk import summary

    outcome = demo.flows["demo"].outcomes["share"]
    [page] = summary.outcome_pages(outcome, "Share the information", fit=(80, 24))
    assert "Page" not in " ".join(render_lines(page))


def test_more_turns_the_pages_and_the_menu_under_each_fits_the_screen(demo):
    outcome = long_outcome(demo)
    flow = demo.flows["demo"]
    shown = io.StringIO()
    with create_pipe_input() as pipe:
        asker = QuestionaryAsker(
            demo,
            Console(file=shown, width=80, color_system=None, emoji=False),
            input=pipe,
            output=Sized(80, 24),
        )
        pages = asker._pages(outcome, "Share", "", ["Go on: record the decision", "← Back"], [])
        pipe.send_text(ENTER * len(pages))  # "More" while pages are left, then "Go on"
        assert asker.announce(flow, outcome) is None
    text = shown.getvalue()
    assert [f"Page {n} of {len(pages)}" in text for n in range(1, len(pages) + 1)] == [True] * len(
        pages
    )
    for page in pages:  # each page, the menu under it and a hint line fit 24 rows
        more = ["More of this outcome: page 2 of 2", "Go on: record the decision", "← Back"]
        assert len(render_lines(page)) + asker._menu_height(more) + 1 <= 24


def test_also_decide_now_names_the_faq_question_and_returns_the_flow(catalogue, demo):
    from sharewizard.walk.session import AlsoDecide

    flow = demo.flows["demo"]
    offer = catalogue.flows["how-much"]
    for asker in (
        QuestionaryAsker(demo, Console(file=io.StringIO()), input=None, output=Sized()),
        None,
    ):
        if asker is None:
            asker, shown = plain(demo, "2\n")
            reply = asker.announce(flow, flow.outcomes["share"], [offer])
            assert "  2. Also decide now: FAQ 6: How much information can I share?" in (
                shown.getvalue()
            )
        else:
            with create_pipe_input() as pipe:
                asker.io["input"] = pipe
                pipe.send_text(DOWN + ENTER)
                reply = asker.announce(flow, flow.outcomes["share"], [offer])
        assert reply == AlsoDecide("how-much")


def test_plain_mode_ends_with_the_outcome_title_and_decision_before_the_menu(demo):
    flow = demo.flows["demo"]
    asker, shown = plain(demo, "\n")
    assert asker.announce(flow, long_outcome(demo)) is None
    lines = shown.getvalue().splitlines()
    menu = lines.index("What next?")
    title = long_outcome(demo).title
    assert lines[menu - 2 : menu] == [f"Outcome: {title}", "Decision: Share the information"]


def test_plain_mode_says_the_flows_queued_and_not_the_whole_outcome_again(catalogue, demo):
    flow = demo.flows["demo"]
    asker, shown = plain(demo, "\n")
    outcome = long_outcome(demo)
    asker.announce(flow, outcome, [], [catalogue.flows["how-much"]])
    text = shown.getvalue()
    assert "Next in this sitting: FAQ 6: How much information can I share?" in text
    assert outcome.actions[0][:40] not in text  # said once already
    assert "Decision: Share the information" in text
