"""The only module that talks to questionary and prompt_toolkit: asks a person at a terminal.

Rich mode draws menus (questionary); plain mode (`PlainAsker`, for screen readers and `TERM=dumb`)
prints one line per prompt and reads typed lines. In both, choices are numbered, `?` is help and
`<` goes back; Enter alone never answers a question not yet answered. Ctrl-C asks whether to quit;
Ctrl-D (end of input) quits at once, as it does in a shell. Either way the session turns the
interrupt into a saved draft. A text question stopped with text typed in it (Ctrl-C, Ctrl-D, a
signal) hands that text on (`StoppedTyping`): it is kept in the draft, not taken as an answer.

Rich and `summary` are imported where they are used: in rich mode prompt_toolkit draws everything
up to the first question, which then appears without waiting for Rich (issue 14).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError, SignalInterrupt, StoppedTyping
from sharewizard.core.model import NO, YES, Answer, Catalogue, Flow, Outcome, Question
from sharewizard.core.text import for_screen, preview, typed_number, undecoded
from sharewizard.walk.numbers import TypedNumber
from sharewizard.walk.session import (
    FROM_PROFILE,
    GO_BACK,
    STOP_NOW,
    AlsoDecide,
    GoBack,
    ReviewItem,
    StopNow,
)
from sharewizard.walk.terminal_line import at_terminal, kept_on_ctrl_c, typed_so_far

if TYPE_CHECKING:
    from rich.console import Console

BACK_LABEL = "< Back to the previous question"
HELP_LABEL = "? Help and guidance"
NO_ANSWER_LABEL = "(no answer yet: ↓ or a number, then Enter)"
TEXT_BACK, TEXT_HELP = "<", "?"
_BACK, _HELP, _CONFIRM, _GO_ON = "\x00back", "\x00help", "\x00confirm", "\x00go-on"
_NONE, _SHOWN, _STOP = "\x00none", "\x00shown", "\x00stop"
_MORE, _ALSO = "\x00more", "\x00also:"
KEPT_NOTE = "kept from when you stopped: Enter keeps it"
PART_LABELS = {"fact": "Case", "route": "Triage", "flow": "", "record": "Record", "case": "Record"}
STOP_LABEL = "Stop now: finish the record later (a draft is kept)"


def review_text(item: ReviewItem, several: bool) -> str:
    """What the review says of one answer: where it belongs, then the question or field name.

    With `several` decisions in the sitting, each decision's answers are numbered.
    """
    name = (item.question.label if item.in_record_form else "") or item.question.text
    origin = f" ({item.origin})" if item.origin == FROM_PROFILE else ""
    if several and item.part in ("flow", "record"):
        part = f"Decision {item.decision + 1}" + (" record" if item.part == "record" else "")
        return f"{part}: {name}"
    part = PART_LABELS[item.part]
    if several and item.part in ("fact", "case"):
        part += " (this sitting)" if item.part == "fact" else " (every decision)"
    return f"{part}: {name}{origin}" if part else name


def next_choices(
    outcome: Outcome, practice: bool, offers: Sequence[Flow] = ()
) -> list[tuple[str, str]]:
    """The menu after an outcome: (value, label); the first is the default (Enter).

    After an urgent outcome (call 999) the default is to stop now and finish the record later.
    Each of `offers` (other questions of the guidance the outcome points to) can be decided next,
    in the same sitting, named by its FAQ question.
    """
    go_on = "Finish the practice run" if practice else "Go on: record the decision"
    also = [(_ALSO + flow.id, f"Also decide now: {flow.faq.heading}") for flow in offers]
    back = (_BACK, "← Back: change an answer")
    if outcome.urgent and not practice:
        return [(_STOP, STOP_LABEL), (_GO_ON, "Go on: record the decision now"), *also, back]
    return [(_GO_ON, go_on), *also, back]


def _with_pages(options: list[tuple[str, str]], page: int, pages: int) -> list[tuple[str, str]]:
    """The menu under page `page` (from 0) of an outcome in `pages` pages: the next page first."""
    if pages == 1:
        return options
    if page + 1 < pages:
        return [(_MORE, f"More of this outcome: page {page + 2} of {pages}"), *options]
    return [options[0], (_MORE, f"This outcome again, from page 1 of {pages}"), *options[1:]]


def _chosen(value: str) -> GoBack | StopNow | AlsoDecide | None:
    """What a choice of the menu after an outcome means to the session."""
    if value.startswith(_ALSO):
        return AlsoDecide(value.removeprefix(_ALSO))
    return GO_BACK if value == _BACK else STOP_NOW if value == _STOP else None


def _not_text(encoding: str | None) -> str:
    """Why a typed line with bytes that are not text is refused (nothing of it is kept)."""
    return (
        f"the line holds bytes that are not {(encoding or 'UTF-8').upper()} text, so none of it "
        "was kept. Type it again."
    )


def _kept(typed: str, answered: Answer | None) -> str | None:
    """The text typed at a stopped text question, when worth keeping for the draft.

    Not when blank, a key (`?`, `<`), or the answer given before (nothing new was typed).
    Bytes that are not text are replaced (`�`), so that the draft can hold the rest.
    """
    said = typed.strip()
    if not said or said in (TEXT_HELP, TEXT_BACK) or said == str(answered or "").strip():
        return None
    if undecoded(typed):
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in typed)
    return typed


def _stopped(stop: BaseException, typed: str | None) -> BaseException:
    """The stop to raise: carrying the text typed (`StoppedTyping`), when there is one."""
    if typed is None:
        return stop
    return StoppedTyping(typed, getattr(stop, "signal_number", None))


def quiet_closed_terminal() -> None:
    """Keep asyncio's reports of prompt_toolkit's failing teardown off standard error.

    When the terminal closes at a prompt (SIGHUP, then EIO on every write), prompt_toolkit's
    event loop fails while it shuts down, and asyncio logs each failure with its traceback
    ("unhandled exception during asyncio.run() shutdown", "Task was destroyed but it is
    pending!"). The walk has stopped and kept its draft by then; nothing else in sharewizard uses
    asyncio, so its logger is silenced rather than let tracebacks reach a log of stderr.
    """
    import logging

    log = logging.getLogger("asyncio")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False


def _answer(question: Any) -> Any:
    """A questionary prompt's answer; SIGTERM, SIGHUP or a dead terminal stop it cleanly.

    A signal (`kill`, a closed terminal) ends the prompt the way prompt_toolkit ends one, with
    `SignalInterrupt` as its result: an exception raised from the signal handler in the middle of
    prompt_toolkit's event loop could leave tasks that never finish, and asyncio then waits for
    them for ever. prompt_toolkit may meet the dead terminal (EIO) before its SIGHUP: the walk
    stops the same way. The application runs as questionary's `unsafe_ask` runs it, but without
    prompt_toolkit's handler of failed tasks, which shows the error and waits for Enter.
    """
    import errno
    import signal

    app = question.application
    stops = (signal.SIGTERM, signal.SIGHUP)
    stopped: list[int] = []

    def stop(number: int, _frame: Any) -> None:
        stopped.append(number)
        for sig in stops:  # one stop is enough: the draft is saved in peace
            signal.signal(sig, signal.SIG_IGN)
        if not (app.is_running and app.loop is not None):
            raise SignalInterrupt(number)
        app.loop.call_soon_threadsafe(
            lambda: app.future.done() or app.exit(exception=SignalInterrupt(number))
        )

    try:
        previous = {sig: signal.signal(sig, stop) for sig in stops}
    except ValueError:  # not the main thread: signals are not ours to handle
        previous = {}
    try:
        return app.run(set_exception_handler=False)
    except EOFError:  # Ctrl-D, or a closed terminal's input ending before its SIGHUP comes
        stopped.append(0)
        raise
    except OSError as exc:
        if exc.errno != errno.EIO:
            raise
        stopped.append(signal.SIGHUP)
        raise SignalInterrupt(signal.SIGHUP) from None
    finally:  # the walk goes on, or stops: then the signals that follow are ignored
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if stopped else handler)


def _quits_on_ctrl_d(question: Any, *, typing: bool = False) -> Any:
    """Bind Ctrl-D to end-of-input on a questionary prompt that does not already do so.

    `typing`: a text prompt, where Ctrl-D inside the text deletes a character, as it does in a
    shell; at the end of the text (nothing to delete) it quits, and the text is kept.
    """
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()
    app = question.application
    at_the_end = Condition(lambda: not typing or app.current_buffer.document.is_cursor_at_the_end)

    @extra.add("c-d", eager=True, filter=at_the_end)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, extra])
    return question


def _menu_of(question: Any) -> Any:
    """The window listing a menu's choices, made to wrap long labels at words instead of cutting.

    questionary cuts a label at the terminal's edge; prompt_toolkit would break it anywhere.
    """
    from prompt_toolkit.filters import to_filter
    from questionary.prompts.common import InquirerControl

    window = next(
        w
        for w in question.application.layout.find_all_windows()
        if isinstance(w.content, InquirerControl)
    )
    window.wrap_lines = to_filter(True)  # a word wider than the screen is still cut, not lost
    control = window.content
    if not getattr(control, "wraps_at_words", False):
        choices = control.text

        def wrapped() -> Any:
            from prompt_toolkit.application.current import get_app

            return wrap_fragments(choices(), get_app().output.get_size().columns - 1)

        control.text, control.wraps_at_words = wrapped, True
    return window


def line_spans(text: str, width: int, hang: int) -> list[tuple[int, int]]:
    """Where each line of `text` starts and ends once wrapped at spaces to `width` columns.

    Lines after the first are indented by `hang` columns, which the first line's own indent (a
    pointer, a tick box, a number) is never broken in. A word longer than a line is cut.
    """
    spans = []
    start, room, floor = 0, width, hang
    while len(text) - start > room:
        cut = text.rfind(" ", start + floor, start + room + 1)
        if cut < start + floor or cut <= start:
            end = following = start + max(room, 1)
        else:
            end = following = cut
            while end > start and text[end - 1] == " ":
                end -= 1
            while following < len(text) and text[following] == " ":
                following += 1
        spans.append((start, end))
        start, room, floor = following, max(width - hang, 1), 0
    spans.append((start, len(text)))
    return spans


def hang_of(line: str, width: int) -> int:
    """How far a wrapped menu line's next lines are indented: under the text, past its marks."""
    marks = re.match(r"[ »○●]*(?:\d+\. )?", line)
    return min(marks.end() if marks else 0, width // 2)


def wrap_fragments(fragments: Any, width: int) -> list[Any]:
    """prompt_toolkit formatted text with each line longer than `width` broken at words.

    The menus' one way of wrapping: choices, their descriptions and the review's answers. Styles
    and the cursor's place are kept.
    """
    from prompt_toolkit.formatted_text.utils import fragment_list_to_text, split_lines

    out: list[Any] = []
    for number, line in enumerate(split_lines(fragments)):
        if number:
            out.append(("", "\n"))
        text = fragment_list_to_text(line)
        if len(text) <= width:
            out += line
            continue
        hang = hang_of(text, width)
        for index, (start, end) in enumerate(line_spans(text, width, hang)):
            if index:
                out.append(("", "\n" + " " * hang))
            out += _slice(line, start, end, first=index == 0)
    return out


def _slice(fragments: Any, start: int, end: int, *, first: bool) -> list[Any]:
    """The fragments covering text[start:end]; marks with no text (the cursor) go with the text."""
    out, position = [], 0
    for fragment in fragments:
        style, text = fragment[0], fragment[1]
        size = 0 if "[ZeroWidthEscape]" in style else len(text)
        if size == 0:
            if start <= position < end or (first and position == start):
                out.append(fragment)
        else:
            low, high = max(start, position), min(end, position + size)
            if low < high:
                out.append((style, text[low - position : high - position], *fragment[2:]))
        position += size
    return out


def question_lines(text: str, instruction: str, width: int) -> tuple[str, str, int]:
    """A question and its key hint as questionary shows them after `? `, wrapped at words.

    Returns the question, the hint and how many columns the question's last line takes (where
    an answer would follow). The question's lines hang under its first word; the hint follows
    on its last line when it fits there, else on lines of its own.
    """
    import textwrap

    lines = textwrap.wrap(
        text, width, initial_indent="? ", subsequent_indent="  ", break_on_hyphens=False
    ) or ["?"]
    message = "\n".join(lines)[2:]
    used = len(lines[-1]) + 1  # questionary puts a space after the question
    if not instruction or used + len(instruction) <= width:
        return message, instruction, used
    hint = textwrap.wrap(instruction, max(width - 2, 10), break_on_hyphens=False)
    return message, "\n  " + "\n  ".join(hint), used


def after_question(used: int, text: str, width: int) -> str:
    """An answer shown after its question: on the question's last line when it fits, else below.

    Below, it is indented and wrapped at words, like the question.
    """
    import textwrap

    if used + len(text) <= width:
        return text
    lines = textwrap.wrap(text, max(width - 2, 10), break_on_hyphens=False) or [text]
    return "\n  " + "\n  ".join(lines)


def _answer_wraps(question: Any, used: int, *, multi: bool) -> None:
    """Once a menu is answered, the answer shown after the question wraps at words too.

    questionary shows the title of the choice answered (or of the one choice `_echo_ticked` leaves
    in a multiple choice): just before the last drawing, that title is rewrapped.
    """
    from prompt_toolkit.application.current import get_app

    app = question.application
    control = _menu_of(question).content
    done: list[bool] = []

    def rewrap(_app: Any) -> None:
        if done or not control.is_answered:
            return
        done.append(True)
        choice = control.get_selected_values()[0] if multi else control.get_pointed_at()
        width = get_app().output.get_size().columns - 1
        choice.title = [("class:answer", after_question(used, _title_text(choice.title), width))]

    app.before_render += rewrap


class _Hint:
    """One line under a menu's question saying why the last key did nothing; any key clears it."""

    def __init__(self) -> None:
        self.text = ""

    def say(self, text: str) -> None:
        """Show `text` until the next key."""
        self.text = text

    def tokens(self) -> Any:
        """The line as prompt_toolkit shows it, wrapped at words to the terminal's width."""
        import textwrap

        from prompt_toolkit.application.current import get_app

        width = max(get_app().output.get_size().columns - 1, 20)
        return [("bold", "! "), ("", textwrap.fill(self.text, width, initial_indent="  ")[2:])]


def _with_hint_line(question: Any, keys_help: str) -> _Hint:
    """Give a menu a hint line under its question, and an answer to every key that does nothing.

    `keys_help` says which keys do something (`↑/↓ or a number, then Enter`).
    """
    from prompt_toolkit.filters import Condition, is_done
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, Window

    app = question.application
    hint = _Hint()
    line = Window(FormattedTextControl(hint.tokens), wrap_lines=True, dont_extend_height=True)
    shown = Condition(lambda: bool(hint.text)) & ~is_done
    app.layout.container.children.insert(1, ConditionalContainer(line, filter=shown))
    app.key_processor.before_key_press += lambda _processor: hint.say("")
    keys = KeyBindings()

    @keys.add(Keys.Any)  # every key bound to something else is matched first
    def _other(event: Any) -> None:
        pressed = event.key_sequence[0]
        key = str(getattr(pressed.key, "value", pressed.key))  # `left`, `c-x`, `f5`
        typed = len(pressed.data) == 1 and pressed.data.isprintable()
        name = repr(pressed.data) if typed else key.replace("c-", "Ctrl-").capitalize()
        hint.say(f"{name} does nothing here: {keys_help}.")

    app.key_bindings = merge_key_bindings([app.key_bindings, keys])
    return hint


def _with_note(question: Any, text: str) -> Any:
    """A line under a text question's input, there until it is answered (`KEPT_NOTE`)."""
    from prompt_toolkit.filters import is_done
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, Window

    note = _Hint()
    note.say(text)
    line = Window(FormattedTextControl(note.tokens), wrap_lines=True, dont_extend_height=True)
    question.application.layout.container.children.insert(
        1, ConditionalContainer(line, filter=~is_done)
    )
    return question


def _menu_saying_why(question: Any, *, numbered: int = 0, first: int = 0) -> Any:
    """A plain menu (↑/↓ and Enter) that quits on Ctrl-D and says why other keys do nothing.

    With `numbered` choices (1 at position `first`), typing a number points at its choice.
    """
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    control = _menu_of(question).content  # labels wrap at words
    hint = _with_hint_line(
        question, "↑/↓ or a number, then Enter" if numbered else "↑/↓ to choose, then Enter"
    )
    if numbered:
        keys = KeyBindings()
        _number_keys(keys, control, hint, numbered=numbered, first=first)
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, keys])
    return _quits_on_ctrl_d(question)


def _with_answer_keys(
    question: Any, *, numbered: int, can_go_back: bool, multi: bool = False
) -> Any:
    """A menu answered like plain mode: a choice's number points at it, `?` is help, `<` is back.

    Enter on the "no answer yet" entry does not answer: Enter alone must not answer a question
    whose answer can change the outcome (questionary always points at something). In a multiple
    choice, "? Help" and "< Back" are done, never ticked, and Enter with nothing ticked does not
    answer. Each key that does nothing says why (`_with_hint_line`). Long labels wrap instead
    of being cut.
    """
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    app = question.application
    control = _menu_of(question).content
    offset = 1 if control.choices[0].value == _NONE else 0  # the "no answer yet" entry
    moves = "↑/↓ or a number, " + ("space to tick, Enter when done" if multi else "then Enter")
    hint = _with_hint_line(question, f"{moves}; ? help" + ("; < back" if can_go_back else ""))
    keys = KeyBindings()
    pointed = Condition(lambda: control.get_pointed_at().value in (_NONE, _BACK, _HELP))

    def do(event: Any, value: str) -> None:
        """Help or back: never an answer, never ticked; a multiple choice keeps what is ticked."""
        ticked = [v for v in getattr(control, "selected_options", ()) if v not in (_HELP, _BACK)]
        event.app.exit(result=[value, *ticked] if multi else value)

    @keys.add("enter", eager=True, filter=pointed)
    def _on_an_extra(event: Any) -> None:
        value = control.get_pointed_at().value
        if value == _NONE:
            hint.say("Nothing chosen yet: move to an answer with ↓ or type its number, then Enter.")
        else:
            do(event, value)

    if multi:
        keys.add(" ", eager=True, filter=pointed)(_on_an_extra)

        @keys.add("enter", eager=True, filter=~pointed)
        def _done(event: Any) -> None:
            ticked = [c for c in control.choices if c.value in control.selected_options]
            if not ticked:
                hint.say(
                    "Nothing ticked yet: tick each choice that applies with space (or type its "
                    "number, then space), then Enter."
                )
                return
            _echo_ticked(control, ticked)
            event.app.exit(result=[c.value for c in ticked])

        def _not_all(event: Any) -> None:
            letter = event.key_sequence[0].data
            hint.say(f"{letter!r} does nothing here: tick each choice that applies with space.")

        for letter in "ai":  # questionary's "tick all" and "invert": they would tick help and back
            keys.add(letter, eager=True)(_not_all)

    _number_keys(keys, control, hint, numbered=numbered, first=offset)
    keys.add("?", eager=True)(lambda event: do(event, _HELP))
    if can_go_back:
        keys.add("<", eager=True)(lambda event: do(event, _BACK))
    app.key_bindings = merge_key_bindings([app.key_bindings, keys])
    return question


def _number_keys(keys: Any, control: Any, hint: _Hint, *, numbered: int, first: int) -> None:
    """Typed digits point at the numbered choice (1 at `first` in the menu), as in plain mode."""
    typed = TypedNumber(numbered)

    def point_at(digit: str) -> Callable[[Any], None]:
        def move(event: Any) -> None:
            before = event.previous_key_sequence
            number = typed.add(digit, after_digit=bool(before) and before[-1].data.isdigit())
            if number is None:
                hint.say(f"{typed.text!r} is not a choice here: the choices are 1 to {numbered}.")
            else:
                control.pointed_at = number - 1 + first

        return move

    for digit in "0123456789":
        keys.add(digit, eager=True)(point_at(digit))


def _echo_ticked(control: Any, ticked: list[Any]) -> None:
    """Make the answered question show the names ticked, not questionary's "done (2 selections)".

    questionary shows a single ticked choice's title whole: so the menu is left holding one
    choice, whose title is every ticked label (the answer is taken before, from `ticked`).
    """
    from questionary import Choice

    names = "; ".join(_title_text(c.title) for c in ticked)
    control.choices = [Choice(title=[("class:answer", names)], value=_SHOWN)]
    control.selected_options = [_SHOWN]
    control.is_answered = True


def _title_text(title: Any) -> str:
    return title if isinstance(title, str) else "".join(part[1] for part in title)


class QuestionaryAsker:
    """Asks with questionary. `input` and `output` are prompt_toolkit objects, for tests.

    `console` (for help and outcome panels) may be a function making it: it is then made when
    first needed, so that the first question does not wait for Rich.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        console: Console | Callable[[], Console],
        *,
        practice: bool = False,
        input: Any = None,
        output: Any = None,
    ) -> None:
        self.catalogue = catalogue
        self._console = console
        self.practice = practice
        self.io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}
        quiet_closed_terminal()

    @property
    def console(self) -> Console:
        """Where panels are printed (help, outcomes)."""
        if callable(self._console):
            self._console = self._console()
        return self._console

    def _run(self, build: Callable[[], Any]) -> Any:
        """Ask; Ctrl-C confirms before quitting, Ctrl-D quits (both end in a saved draft)."""
        while True:
            try:
                return _answer(build())
            except SignalInterrupt:
                raise  # `kill` or a closed terminal: nobody to ask
            except KeyboardInterrupt:
                if self._really_quit():
                    raise

    def ask(
        self, question: Question, default: Answer | None, can_go_back: bool, *, kept: bool = False
    ) -> Answer | GoBack:
        """Ask until the person answers or goes back.

        `kept`: `default` is text typed here before the walk stopped, offered with a note.
        """
        while True:
            if question.type == "text":
                reply = self._text_reply(
                    self._typed(question, default, can_go_back, kept), can_go_back
                )
            else:
                reply = self._run(functools.partial(self._build, question, default, can_go_back))
            if question.type == "multi" and not isinstance(reply, str):  # str: `?` or `<`
                specials = [r for r in reply if r in (_BACK, _HELP)]
                if specials:  # asked again after the help with the same choices ticked
                    default = tuple(r for r in reply if r not in specials) or default
                reply = specials[0] if specials else tuple(reply)
            if reply == _HELP:
                from sharewizard.walk.summary import help_panel

                self.console.print(help_panel(question, self.catalogue))
                continue
            if reply == _NONE:  # only if the Enter guard was bypassed: ask again
                continue
            return GO_BACK if reply == _BACK else reply

    def _typed(
        self, question: Question, default: Answer | None, can_go_back: bool, kept: bool
    ) -> str:
        """What is typed at a text question and confirmed with Enter.

        Ctrl-C asks whether to quit, and "go on" leaves the text typed in the box. A stop
        raises `StoppedTyping` with the text typed so far (the box's text is read after the
        prompt has ended, whatever ended it), unless nothing new was typed.
        """
        answered = None if kept else default
        while True:
            prompt = self._text_question(question, default, can_go_back, kept)
            try:
                return str(_answer(prompt))
            except (SignalInterrupt, EOFError) as stop:  # nobody to ask: stop now
                typed = _kept(prompt.application.current_buffer.text, answered)
                raise _stopped(stop, typed) from None
            except KeyboardInterrupt as stop:
                typed = _kept(prompt.application.current_buffer.text, answered)
                if self._really_quit():
                    raise _stopped(stop, typed) from None
                default = prompt.application.current_buffer.text

    def _build(self, question: Question, default: Answer | None, can_go_back: bool) -> Any:
        import questionary

        extras: list[Any] = [questionary.Separator()]
        if can_go_back:
            extras.append(questionary.Choice(BACK_LABEL, value=_BACK))
        extras.append(questionary.Choice(HELP_LABEL, value=_HELP))
        if question.type == "multi":
            chosen = set(default or ())
            choices: list[Any] = [
                questionary.Choice(
                    f"{n}. {for_screen(c.label)}",
                    value=c.value,
                    checked=c.value in chosen,
                    description=for_screen(c.help) or None,
                )
                for n, c in enumerate(question.choices, 1)
            ]
            return _with_answer_keys(
                _quits_on_ctrl_d(
                    self._menu(
                        questionary.checkbox,
                        question.text,
                        "(a number or ↑/↓, space to tick, Enter when done)",
                        choices=choices + extras,
                        validate=lambda picked: self._multi_valid(question, picked),
                    )
                ),
                numbered=len(question.choices),
                can_go_back=can_go_back,
                multi=True,
            )
        options = [
            questionary.Choice(
                f"{n}. {for_screen(c.label)}", value=c.value, description=for_screen(c.help) or None
            )
            for n, c in enumerate(question.choices, 1)
        ]
        picked = default if isinstance(default, str) else None
        if picked is None:  # nothing answered yet: the pointer starts on no answer at all
            options.insert(0, questionary.Choice(NO_ANSWER_LABEL, value=_NONE))
        return _with_answer_keys(
            _quits_on_ctrl_d(
                self._menu(
                    questionary.select,
                    question.text,
                    "(↑/↓ or a number, then Enter; ? help)",
                    choices=options + extras,
                    default=picked or _NONE,
                )
            ),
            numbered=len(question.choices),
            can_go_back=can_go_back,
        )

    def _menu(self, kind: Callable[..., Any], text: str, instruction: str, **options: Any) -> Any:
        """A questionary menu whose question, key hint, choices and answer wrap at words."""
        import questionary

        message, hint, used = question_lines(for_screen(text), instruction, self._columns())
        question = kind(message, instruction=hint, **options, **self.io)
        _answer_wraps(question, used, multi=kind is questionary.checkbox)
        return question

    def _output(self) -> Any:
        """prompt_toolkit's output: the terminal the menus are drawn on."""
        from prompt_toolkit.application.current import get_app_session

        return self.io.get("output") or get_app_session().output

    def _columns(self) -> int:
        """The columns a line may take without the terminal breaking it (one is kept free)."""
        columns: int = self._output().get_size().columns
        return max(columns - 1, 20)

    @staticmethod
    def _multi_valid(question: Question, picked: list[str]) -> bool | str:
        if any(p in (_BACK, _HELP) for p in picked):
            return True
        try:
            engine.check_answer(question, picked)
        except AnswersError:
            return "Tick at least one."
        return True

    def _text_question(
        self, question: Question, default: Answer | None, can_go_back: bool, kept: bool
    ) -> Any:
        import questionary

        def valid(text: str) -> bool | str:
            if undecoded(text):  # prompt_toolkit reads bytes as UTF-8, keeping bad ones
                return "Not accepted: " + _not_text("UTF-8")
            if text.strip() == TEXT_HELP or (can_go_back and text.strip() == TEXT_BACK):
                return True
            try:
                engine.check_answer(question, text)
            except AnswersError as exc:
                return exc.message[:1].upper() + exc.message[1:]
            return True

        hints = [f"{TEXT_HELP} for help"] + ([f"{TEXT_BACK} to go back"] if can_go_back else [])
        if not question.required:
            hints.append("Enter to skip")
        # questionary puts a space either side of the hint: one column more than a menu's
        message, hint, _ = question_lines(
            for_screen(question.text), f"({', '.join(hints)})", self._columns() - 1
        )
        prompt = questionary.text(
            message, default=str(default or ""), validate=valid, instruction=hint, **self.io
        )
        _quits_on_ctrl_d(prompt, typing=True)
        return _with_note(prompt, KEPT_NOTE) if kept else prompt

    @staticmethod
    def _text_reply(reply: str, can_go_back: bool) -> str:
        stripped = reply.strip()
        if stripped == TEXT_HELP:
            return _HELP
        if can_go_back and stripped == TEXT_BACK:
            return _BACK
        return stripped

    def _really_quit(self) -> bool:
        import questionary

        try:
            return bool(
                _answer(
                    _quits_on_ctrl_d(
                        questionary.confirm(
                            "Quit now? Your answers so far will be saved as a draft you can "
                            "resume.",
                            default=True,
                            **self.io,
                        )
                    )
                )
            )
        except (KeyboardInterrupt, EOFError):
            return True

    def begin(self, flow: Flow) -> None:
        """A header naming the flow and the FAQ question it implements, wrapped at words.

        Written to prompt_toolkit's output, like the question that follows it, not with Rich.
        """
        import textwrap

        from prompt_toolkit.styles import DEFAULT_ATTRS

        output = self._output()
        lines = textwrap.wrap(
            for_screen(flow.faq.heading),
            width=max(output.get_size().columns, 20),
            initial_indent="━━ ",
            break_on_hyphens=False,
        )
        depth = output.get_default_color_depth()
        output.set_attributes(DEFAULT_ATTRS._replace(dim=True), depth)
        output.write("━━ ")
        output.set_attributes(DEFAULT_ATTRS._replace(bold=True), depth)
        output.write("\n".join(lines).removeprefix("━━ "))
        output.reset_attributes()
        output.write("\n")
        output.flush()

    def reject(self, question: Question, message: str) -> None:
        """Say why the answer cannot stand; the question is asked again."""
        from rich.text import Text

        from sharewizard.walk.summary import plain

        self.console.print(Text.assemble(("Not accepted: ", "bold yellow"), plain(message)))

    def review(self, items: list[ReviewItem]) -> int | None:
        """List every answer whole (long ones wrap at words); pick one to change, or confirm."""
        reply = self._run(functools.partial(self._review_menu, items))
        return None if reply == _CONFIRM else int(reply)

    def _review_menu(self, items: list[ReviewItem]) -> Any:
        import questionary

        several = len({i.decision for i in items if i.part in ("flow", "record")}) > 1
        confirm = "write the records" if several else "write the record"
        choices: list[Any] = [
            questionary.Choice(f"✔ These are right: {confirm}", value=_CONFIRM),
            questionary.Separator("── or change an answer ──"),
        ]
        for index, item in enumerate(items):  # numbered as in plain mode; lines hang under text
            shown = "—" if item.answer in (None, "") else item.question.label_of(item.answer)
            label = f"{index + 1}. {_one_line(review_text(item, several))}  →  {_one_line(shown)}"
            choices.append(questionary.Choice(label, value=str(index)))
        return _menu_saying_why(
            self._menu(
                questionary.select,
                "Check your answers",
                "(↑/↓ or a number, then Enter)",
                choices=choices,
            ),
            numbered=len(items),
            first=2,  # after "These are right" and the separator
        )

    def announce(
        self,
        flow: Flow,
        outcome: Outcome,
        offers: Sequence[Flow] = (),
        queued: Sequence[Flow] = (),
    ) -> GoBack | StopNow | AlsoDecide | None:
        """Show where the answers lead, its title and decision always on screen; then what next.

        An outcome too long for the terminal with the menu under it is shown a page at a time,
        each page opening with the title and the decision; "More of this outcome" turns the page.
        """
        from sharewizard.walk.summary import queued_lines

        term = self.catalogue.record_form.decisions.get(outcome.decision)
        label, tone = (term.label, term.tone) if term else ("", "")
        options = next_choices(outcome, self.practice, offers)
        said = queued_lines(queued)
        pages = self._pages(outcome, label, tone, [text for _, text in options], said)
        page = 0
        while True:
            self.console.print(pages[page])
            for line in said:
                self.console.print(line)
            reply = self._run(
                functools.partial(self._what_next, _with_pages(options, page, len(pages)))
            )
            if reply != _MORE:
                return _chosen(reply)
            page = (page + 1) % len(pages)

    def _pages(
        self, outcome: Outcome, label: str, tone: str, choices: list[str], said: list[Any]
    ) -> list[Any]:
        """The outcome's pages, each fitting the terminal above the lines said and the menu.

        One line more is kept for the hint a key that does nothing shows under the menu.
        """
        from sharewizard.walk.summary import height_of, outcome_pages

        width = self.console.width
        rows = self._output().get_size().rows - 1 - sum(height_of(s, width) for s in said)
        pages = outcome_pages(
            outcome, label, tone=tone, fit=(width, rows - self._menu_height(choices))
        )
        if len(pages) > 1:  # the menu has one choice more: the next page
            more = [*choices, "More of this outcome: page 2 of 2"]
            pages = outcome_pages(
                outcome, label, tone=tone, fit=(width, rows - self._menu_height(more))
            )
        return pages

    def _menu_height(self, choices: list[str], text: str = "What next?") -> int:
        """How many lines a menu with these choices takes, its question and key hint included."""
        width = self._columns()
        message, hint, _ = question_lines(text, "(↑/↓ and Enter)", width)
        lines = message.count("\n") + hint.count("\n") + 1
        for choice in choices:
            line = "   " + choice  # the pointer's column
            lines += len(line_spans(line, width, hang_of(line, width)))
        return lines

    def _what_next(self, options: list[tuple[str, str]]) -> Any:
        import questionary

        return _menu_saying_why(
            self._menu(
                questionary.select,
                "What next?",
                "(↑/↓ and Enter)",
                choices=[questionary.Choice(label, value=value) for value, label in options],
            )
        )

    def tell(self, message: str) -> None:
        """Say something about the sitting (a fact from the profile, a decision made already)."""
        from rich.text import Text

        from sharewizard.walk.summary import plain

        self.console.print(Text.assemble(("• ", "bold"), plain(message)))


def output_on(stream: IO[str]) -> Any:
    """prompt_toolkit's output drawing on `stream` (`decide --out -` asks on standard error)."""
    from prompt_toolkit.output import create_output

    return create_output(stdout=stream)  # type: ignore[arg-type]  # any text stream will do


def choose_draft(
    found: list[Any],
    *,
    console: Console | None = None,
    stdin: IO[str] | None = None,
    output: Any = None,
) -> Path:
    """Pick a draft to resume from the list (`decide --resume ?`); typed, with `stdin` (plain).

    The menu is drawn on `output` (prompt_toolkit's), else on standard output.
    """
    if console is not None and stdin is not None:
        return _choose_draft_typed(found, console, stdin)
    import questionary

    quiet_closed_terminal()

    choices = [
        questionary.Choice(
            f"{d.id}  ({' → '.join([*d.route, d.flow])}, {d.answered} answered)", value=str(d.path)
        )
        for d in found
    ]
    reply = _answer(
        _menu_saying_why(
            questionary.select(
                "Which draft?",
                choices=choices,
                instruction="(↑/↓ and Enter)",
                **({"output": output} if output is not None else {}),
            )
        )
    )
    return Path(reply)


def _choose_draft_typed(found: list[Any], console: Console, stdin: IO[str]) -> Path:
    from rich.text import Text

    console.print(Text("Which draft?"))
    for number, d in enumerate(found, 1):
        route = " → ".join([*d.route, d.flow])
        console.print(Text(for_screen(f"  {number}. {d.id}  ({route}, {d.answered} answered)")))
    while True:
        console.print(Text(f"Number (1 to {len(found)}):"), end=" ")
        console.file.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        chosen = typed_number(line.strip(), len(found))
        if chosen is not None:
            return Path(found[chosen - 1].path)
        console.print(Text(f"Type a number from 1 to {len(found)}."))


def _one_line(text: str) -> str:
    """User or flow text on one line of a menu (which wraps it): its line breaks as spaces."""
    return " ".join(for_screen(text).split())


class PlainAsker:
    """Plain mode: one line per prompt, answers typed, no escape codes (screen readers, logs).

    Choices are numbered and answered by their number or their word (`1`, `yes`, `not-sure`);
    `?` prints the help and `<` goes back. End of input (Ctrl-D) raises EOFError, which the session
    turns into a draft; Ctrl-C asks whether to quit, as in rich mode.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        console: Console,
        stdin: IO[str],
        *,
        practice: bool = False,
        echo: bool = False,
        wrap: bool = False,
    ) -> None:
        self.catalogue = catalogue
        self.console = console
        self.stdin = stdin
        self.practice = practice
        self.echo = echo  # input is not a terminal: show what was read, so a log reads whole
        # Output to a terminal (TERM=dumb) is wrapped at words; a log or a pipe keeps whole lines
        self.soft_wrap = not wrap

    # --- lines in, lines out ----------------------------------------------------------------

    def _say(self, *lines: str) -> None:
        from rich.text import Text

        for line in lines:
            self.console.print(Text(for_screen(line)), soft_wrap=self.soft_wrap)

    def _read(
        self,
        prompt: str,
        again: Callable[[], None] | None = None,
        *,
        typing: bool = False,
        answered: Answer | None = None,
    ) -> str:
        """One typed line; end of input is EOFError, Ctrl-C confirms before quitting.

        After Ctrl-C and "go on", `again` shows the question once more before its prompt.
        `typing` (a text question, whose answer so far is `answered`): a stop carries the text
        typed on the line (`StoppedTyping`), and "go on" raises `_GoOn` with it. At a terminal,
        a line that Ctrl-D ends before Enter is such a stop, not an answer.
        """
        from rich.text import Text

        while True:
            try:  # Ctrl-C the moment the prompt shows (before the read starts) asks too
                self.console.print(Text(for_screen(prompt) + " "), end="", soft_wrap=self.soft_wrap)
                self.console.file.flush()
                with kept_on_ctrl_c(self.stdin):
                    line = self.stdin.readline()
            except KeyboardInterrupt as stop:
                line = typed_so_far(self.stdin)  # left on the line, it would be the next reply
                typed = _kept(line, answered) if typing else None
                if isinstance(stop, SignalInterrupt):
                    raise _stopped(stop, typed) from None
                self.console.print()
                if self._really_quit():
                    raise _stopped(stop, typed) from None
                if typed is not None:
                    raise _GoOn(typed) from None
                if again is not None:
                    again()
                continue
            if not line:
                self.console.print()
                raise EOFError
            if not line.endswith("\n") and at_terminal(self.stdin):  # Ctrl-D, not Enter
                self.console.print()
                raise _stopped(EOFError(), _kept(line, answered) if typing else None)
            if self.echo:
                self.console.print(Text(for_screen(line.rstrip("\n"))), soft_wrap=self.soft_wrap)
            if undecoded(line):
                self._say("Not accepted: " + _not_text(getattr(self.stdin, "encoding", None)))
                continue
            return line.strip()

    def _really_quit(self) -> bool:
        self._say(
            "Quit now? Your answers so far will be saved as a draft you can resume. "
            "(Enter or y: quit; n: go on)"
        )
        try:
            reply = self.stdin.readline()
        except (KeyboardInterrupt, EOFError):
            return True
        return reply.strip().lower() not in ("n", "no", "2")

    # --- the Asker protocol -----------------------------------------------------------------

    def ask(
        self, question: Question, default: Answer | None, can_go_back: bool, *, kept: bool = False
    ) -> Answer | GoBack:
        """Ask until the person gives an answer that stands, or goes back.

        `kept`: `default` is text typed here before the walk stopped; it is shown, and Enter
        keeps it (a typed line cannot be edited, so it is typed again to change it).
        """
        from sharewizard.walk.summary import help_panel, question_text

        def show() -> None:
            self.console.print(question_text(question), soft_wrap=self.soft_wrap)

        self._say("")
        show()
        answered = None if kept else default
        while True:
            if kept:
                self._say(f"Kept from when you stopped, not yet an answer: {default}")
            try:
                reply = self._read(
                    self._prompt(question, default, can_go_back, kept),
                    again=show,
                    typing=question.type == "text",
                    answered=answered,
                )
            except _GoOn as going_on:  # Ctrl-C, then "go on": what was typed is offered
                show()
                default, kept = going_on.text, True
                continue
            if reply == TEXT_HELP:
                self.console.print(
                    help_panel(question, self.catalogue, boxed=False), soft_wrap=self.soft_wrap
                )
                self._choices_help(question)
                continue
            if reply == TEXT_BACK and can_go_back:
                return GO_BACK
            answer = self._parse(question, reply, default)
            if isinstance(answer, str) and answer.startswith("\x00"):
                self._say(answer[1:])
                continue
            return answer

    def _choices_help(self, question: Question) -> None:
        """What each choice means, where the flow says (menus show it under the pointer)."""
        from sharewizard.walk.summary import choices_help

        described = choices_help(question)
        if described is not None:
            self.console.print(described, soft_wrap=self.soft_wrap)

    @staticmethod
    def _prompt(question: Question, default: Answer | None, can_go_back: bool, kept: bool) -> str:
        keys = [f"{TEXT_HELP} help"] + ([f"{TEXT_BACK} back"] if can_go_back else [])
        if question.type == "multi":
            what = "Numbers or words, separated by commas"
        elif question.choices:
            what = "Number or word"
        else:
            what = "Type your answer"
        if kept:
            keys.append("Enter keeps it")
        elif default not in (None, "", ()):
            keys.append(f"Enter keeps: {question.label_of(default or '')}")
        elif question.type == "text" and not question.required:
            keys.append("Enter to skip")
        return f"{what} ({', '.join(keys)}):"

    def _parse(self, question: Question, reply: str, default: Answer | None) -> Answer:
        """The answer typed, or a message (starting with NUL) saying why it cannot stand.

        Enter keeps the default; a text default is checked as typed text is (one kept from when
        the walk stopped may be too short), so that a refusal asks again with it still offered.
        """
        if reply == "" and default not in (None, "", ()):
            if question.type != "text":
                return default or ""
            reply = str(default)
        if question.type == "text":
            try:
                engine.check_answer(question, reply)
            except AnswersError as exc:
                return "\x00Not accepted: " + exc.message
            return reply
        if reply == "":
            return "\x00Enter alone does not answer this question: type a number or a word."
        words = reply.replace(",", " ").split() if question.type == "multi" else [reply]
        values = []
        for word in words:
            value = _match(question, word)
            if value is None:
                return (
                    f"\x00Not one of the choices: {preview(word)}. Type a number (1 to "
                    f"{len(question.choices)}) or a word."
                )
            values.append(value)
        if question.type != "multi":
            return values[0]
        chosen = tuple(c.value for c in question.choices if c.value in values)
        try:
            engine.check_answer(question, list(chosen))
        except AnswersError as exc:
            return "\x00Not accepted: " + exc.message
        return chosen

    def review(self, items: list[ReviewItem]) -> int | None:
        """List every answer, numbered; a number changes that answer, Enter writes the record."""
        self._say("", "Check your answers")
        several = len({i.decision for i in items if i.part in ("flow", "record")}) > 1
        for index, item in enumerate(items, 1):
            shown = "—" if item.answer in (None, "") else item.question.label_of(item.answer)
            self._say(f"  {index}. {review_text(item, several)}  →  {shown}")
        while True:
            reply = self._read("Number of an answer to change, or Enter if these are right:")
            if reply.lower() in ("", "ok", "yes", "y"):
                return None
            number = typed_number(reply, len(items))
            if number is not None:
                return number - 1
            self._say(f"Type a number from 1 to {len(items)}, or press Enter.")

    def announce(
        self,
        flow: Flow,
        outcome: Outcome,
        offers: Sequence[Flow] = (),
        queued: Sequence[Flow] = (),
    ) -> GoBack | StopNow | AlsoDecide | None:
        """Show where the answers lead, then what next; the title and decision come last.

        The whole outcome is said once; shown again (after "Also decide now"), it is the flows
        queued, the title and the decision.
        """
        from sharewizard.walk.summary import outcome_panel, outcome_reminder, queued_lines

        term = self.catalogue.record_form.decisions.get(outcome.decision)
        label = term.label if term else ""
        self._say("")
        if not queued:
            self.console.print(outcome_panel(outcome, label, boxed=False), soft_wrap=self.soft_wrap)
        for line in [*queued_lines(queued), outcome_reminder(outcome, label)]:
            self.console.print(line, soft_wrap=self.soft_wrap)
        options = next_choices(outcome, self.practice, offers)

        def show() -> None:
            self._say(
                "What next?",
                *(f"  {n}. {label.removeprefix('← ')}" for n, (_, label) in enumerate(options, 1)),
            )

        show()
        default = options[0][1].split(":")[0].lower()
        while True:
            reply = self._read(f"Number (Enter: {default}, < back):", again=show).lower()
            number = typed_number(reply, len(options)) if reply else 1
            if reply in (TEXT_BACK, "back"):
                return GO_BACK
            if number is not None:
                return _chosen(options[number - 1][0])
            self._say(f"Type a number from 1 to {len(options)}.")

    def tell(self, message: str) -> None:
        """Say something about the sitting (a fact from the profile, a decision made already)."""
        self._say(message)

    def begin(self, flow: Flow) -> None:
        """A header naming the flow and the FAQ question it implements."""
        from sharewizard.walk.summary import flow_heading

        self._say("")
        self.console.print(flow_heading(flow), soft_wrap=self.soft_wrap)

    def reject(self, question: Question, message: str) -> None:
        """Say why the answer cannot stand; the question is asked again."""
        self._say(f"Not accepted: {message}")


class _GoOn(Exception):
    """Plain mode: Ctrl-C, then "go on", with text typed on the line: asked again, offered it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _match(question: Question, word: str) -> str | None:
    """The choice a typed word means: its number, its value or its label (any case); y and n."""
    choices = question.choices
    number = typed_number(word, len(choices))
    if number is not None:
        return choices[number - 1].value
    folded = word.casefold()
    for choice in choices:
        if folded in (choice.value.casefold(), choice.label.casefold()):
            return choice.value
    short = {"y": YES, "n": NO}.get(folded)
    if short is not None and question.choice(short) is not None:
        return short
    return None


# --- the trainer's keys -------------------------------------------------------------------------

KeyReader = Callable[[], str]  # one key press: "enter", "ctrl-c", or a lower-case letter or digit


def line_reader(stdin: IO[str]) -> KeyReader:
    """Plain mode: each key is typed as a line (Enter alone is Enter), for screen readers."""

    def read() -> str:
        line = stdin.readline()
        if not line:
            return "ctrl-c"  # end of input: stop, as Ctrl-C does
        word = line.strip().lower()
        return word if word else "enter"

    return read


def key_reader() -> KeyReader:
    """Read one key press at a time with prompt_toolkit: enter, a letter or digit, or ctrl-c."""
    from prompt_toolkit.application import Application

    quiet_closed_terminal()
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import Layout
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    bindings = KeyBindings()

    @bindings.add(Keys.Any)
    def _any(event: Any) -> None:
        event.app.exit(result=event.data.lower())

    @bindings.add("enter")
    @bindings.add("c-j")  # a line feed: Enter pressed before the terminal was put in raw mode
    def _enter(event: Any) -> None:
        event.app.exit(result="enter")

    @bindings.add("c-c")
    @bindings.add("c-d")
    def _stop(event: Any) -> None:
        event.app.exit(result="ctrl-c")

    def read() -> str:
        app: Application[str] = Application(
            layout=Layout(Window(FormattedTextControl(""), height=1)),
            key_bindings=bindings,
            erase_when_done=True,
        )
        return app.run(set_exception_handler=False)  # never wait for Enter on a dead terminal

    return read


def ask_line(message: str) -> str:
    """One line typed at a prompt_toolkit prompt (Ctrl-C raises KeyboardInterrupt)."""
    from prompt_toolkit import prompt

    return prompt(message)
