"""The only module that talks to questionary: asks a person at a terminal.

Ctrl-C asks whether to quit; Ctrl-D (end of input) quits at once, as it does in a shell. Either
way the session turns the interrupt into a saved draft.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from sharewizard import engine, summary
from sharewizard.errors import AnswersError, SignalInterrupt
from sharewizard.model import Answer, Catalogue, Flow, Outcome, Question
from sharewizard.session import GO_BACK, GoBack, ReviewItem
from sharewizard.text import strip_controls

BACK_LABEL = "← Back to the previous question"
HELP_LABEL = "? Help and guidance"
TEXT_BACK, TEXT_HELP = "<", "?"
_BACK, _HELP, _CONFIRM, _GO_ON = "\x00back", "\x00help", "\x00confirm", "\x00go-on"
PART_LABELS = {"route": "Triage", "flow": "", "record": "Record"}


def _quits_on_ctrl_d(question: Any) -> Any:
    """Bind Ctrl-D to end-of-input on a questionary prompt that does not already do so."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    extra = KeyBindings()

    @extra.add("c-d", eager=True)
    def _eof(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, extra])
    return question


class QuestionaryAsker:
    """Asks with questionary. `input` and `output` are prompt_toolkit objects, for tests."""

    def __init__(
        self,
        catalogue: Catalogue,
        console: Console,
        *,
        practice: bool = False,
        input: Any = None,
        output: Any = None,
    ) -> None:
        self.catalogue = catalogue
        self.console = console
        self.practice = practice
        self.io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _run(self, build: Callable[[], Any]) -> Any:
        """Ask; Ctrl-C confirms before quitting, Ctrl-D quits (both end in a saved draft)."""
        while True:
            try:
                return build().unsafe_ask()
            except SignalInterrupt:
                raise  # `kill` or a closed terminal: nobody to ask
            except KeyboardInterrupt:
                if self._really_quit():
                    raise

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Ask until the person answers or goes back."""
        while True:
            reply = self._run(lambda: self._build(question, default, can_go_back))
            if question.type == "text":
                reply = self._text_reply(reply, can_go_back)
            elif question.type == "multi":
                specials = [r for r in reply if r in (_BACK, _HELP)]
                reply = specials[0] if specials else tuple(reply)
            if reply == _HELP:
                self.console.print(summary.help_panel(question, self.catalogue))
                continue
            return GO_BACK if reply == _BACK else reply

    def _build(self, question: Question, default: Answer | None, can_go_back: bool) -> Any:
        import questionary

        if question.type == "text":
            return self._text_question(question, default, can_go_back)
        extras: list[Any] = [questionary.Separator()]
        if can_go_back:
            extras.append(questionary.Choice(BACK_LABEL, value=_BACK))
        extras.append(questionary.Choice(HELP_LABEL, value=_HELP))
        if question.type == "multi":
            chosen = set(default or ())
            choices: list[Any] = [
                questionary.Choice(
                    c.label, value=c.value, checked=c.value in chosen, description=c.help or None
                )
                for c in question.choices
            ]
            return _quits_on_ctrl_d(
                questionary.checkbox(
                    question.text,
                    choices=choices + extras,
                    instruction="(space to tick, Enter when done)",
                    validate=lambda picked: self._multi_valid(question, picked),
                    **self.io,
                )
            )
        options = [
            questionary.Choice(c.label, value=c.value, description=c.help or None)
            for c in question.choices
        ]
        return _quits_on_ctrl_d(
            questionary.select(
                question.text,
                choices=options + extras,
                default=default if isinstance(default, str) else None,
                instruction="(↑/↓ and Enter)",
                **self.io,
            )
        )

    @staticmethod
    def _multi_valid(question: Question, picked: list[str]) -> bool | str:
        if any(p in (_BACK, _HELP) for p in picked):
            return True
        try:
            engine.check_answer(question, picked)
        except AnswersError:
            return "Tick at least one."
        return True

    def _text_question(self, question: Question, default: Answer | None, can_go_back: bool) -> Any:
        import questionary

        def valid(text: str) -> bool | str:
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
        return questionary.text(
            question.text,
            default=str(default or ""),
            validate=valid,
            instruction=f"({', '.join(hints)})",
            **self.io,
        )

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
                _quits_on_ctrl_d(
                    questionary.confirm(
                        "Quit now? Your answers so far will be saved as a draft you can resume.",
                        default=True,
                        **self.io,
                    )
                ).unsafe_ask()
            )
        except (KeyboardInterrupt, EOFError):
            return True

    def begin(self, flow: Flow) -> None:
        """A header naming the flow and the FAQ question it implements."""
        from rich.rule import Rule

        faq = f"FAQ {flow.faq.number}: " if flow.faq.number else ""
        self.console.print(Rule(summary.plain(f"{faq}{flow.faq.question}"), align="left"))

    def reject(self, question: Question, message: str) -> None:
        """Say why the answer cannot stand; the question is asked again."""
        self.console.print(Text.assemble(("Not accepted: ", "bold yellow"), summary.plain(message)))

    def review(self, items: list[ReviewItem]) -> int | None:
        """List every answer; pick one to change, or confirm."""
        import questionary

        choices: list[Any] = [
            questionary.Choice("✔ These are right: write the record", value=_CONFIRM),
            questionary.Separator("── or change an answer ──"),
        ]
        for index, item in enumerate(items):
            shown = "—" if item.answer in (None, "") else item.question.label_of(item.answer)
            part = PART_LABELS[item.part]
            name = item.question.label if item.in_record_form else item.question.text
            text = f"{part}: {name or item.question.text}" if part else item.question.text
            label = f"{_short(text)}  →  {_short(shown, 30)}"
            choices.append(questionary.Choice(label, value=str(index)))
        reply = self._run(
            lambda: _quits_on_ctrl_d(
                questionary.select(
                    "Check your answers", choices=choices, instruction="(↑/↓ and Enter)", **self.io
                )
            )
        )
        return None if reply == _CONFIRM else int(reply)

    def announce(self, flow: Flow, outcome: Outcome) -> GoBack | None:
        """Show where the answers lead; offer to go back before the record questions."""
        import questionary

        term = self.catalogue.record_form.decisions.get(outcome.decision)
        self.console.print(summary.outcome_panel(outcome, term.label if term else ""))
        go_on = "Finish the practice run" if self.practice else "Go on: record the decision"
        reply = self._run(
            lambda: _quits_on_ctrl_d(
                questionary.select(
                    "What next?",
                    choices=[
                        questionary.Choice(go_on, value=_GO_ON),
                        questionary.Choice("← Back: change an answer", value=_BACK),
                    ],
                    instruction="(↑/↓ and Enter)",
                    **self.io,
                )
            )
        )
        return GO_BACK if reply == _BACK else None


def choose_draft(found: list[Any]) -> Path:
    """Pick a draft to resume from the list (`decide --resume ?`)."""
    import questionary

    choices = [
        questionary.Choice(
            f"{d.id}  ({' → '.join([*d.route, d.flow])}, {d.answered} answered)", value=str(d.path)
        )
        for d in found
    ]
    reply = _quits_on_ctrl_d(
        questionary.select("Which draft?", choices=choices, instruction="(↑/↓ and Enter)")
    ).unsafe_ask()
    return Path(reply)


def _short(text: str, width: int = 60) -> str:
    one_line = " ".join(strip_controls(text).split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"
