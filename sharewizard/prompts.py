"""The only module that talks to questionary: asks a person at a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from sharewizard import engine, summary
from sharewizard.errors import AnswersError
from sharewizard.model import Answer, Catalogue, Flow, Outcome, Question
from sharewizard.session import GO_BACK, GoBack, ReviewItem
from sharewizard.text import strip_controls

BACK_LABEL = "← Back to the previous question"
HELP_LABEL = "? Help and guidance"
TEXT_BACK, TEXT_HELP = "<", "?"
_BACK, _HELP, _CONFIRM = "\x00back", "\x00help", "\x00confirm"


class QuestionaryAsker:
    """Asks with questionary; Ctrl-C asks whether to quit (then raises KeyboardInterrupt).

    `input` and `output` are prompt_toolkit objects, passed through for in-process tests.
    """

    def __init__(
        self, catalogue: Catalogue, console: Console, *, input: Any = None, output: Any = None
    ) -> None:
        self.catalogue = catalogue
        self.console = console
        self.io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Ask until the person answers, goes back, or confirms they want to quit."""
        while True:
            try:
                reply = self._ask_once(question, default, can_go_back)
            except KeyboardInterrupt:
                if self._really_quit():
                    raise
                continue
            if reply == _HELP:
                self.console.print(summary.help_panel(question, self.catalogue))
                continue
            return GO_BACK if reply == _BACK else reply

    def _ask_once(self, question: Question, default: Answer | None, can_go_back: bool) -> Any:
        import questionary

        if question.type == "text":
            return self._ask_text(question, default, can_go_back)
        extras: list[questionary.Choice] = [questionary.Separator()]
        if can_go_back:
            extras.append(questionary.Choice(BACK_LABEL, value=_BACK))
        extras.append(questionary.Choice(HELP_LABEL, value=_HELP))
        if question.type == "multi":
            chosen = set(default or ())
            choices: list[questionary.Choice] = [
                questionary.Choice(c.label, value=c.value, checked=c.value in chosen)
                for c in question.choices
            ]
            reply = questionary.checkbox(
                question.text,
                choices=choices + extras,
                instruction="(space to tick, Enter when done)",
                validate=lambda picked: self._multi_valid(question, picked),
                **self.io,
            ).unsafe_ask()
            specials = [r for r in reply if r in (_BACK, _HELP)]
            return specials[0] if specials else tuple(reply)
        options = [questionary.Choice(c.label, value=c.value) for c in question.choices]
        return questionary.select(
            question.text,
            choices=options + extras,
            default=default if isinstance(default, str) else None,
            instruction="(↑/↓ and Enter)",
            **self.io,
        ).unsafe_ask()

    @staticmethod
    def _multi_valid(question: Question, picked: list[str]) -> bool | str:
        if any(p in (_BACK, _HELP) for p in picked):
            return True
        try:
            engine.check_answer(question, picked)
        except AnswersError:
            return "Tick at least one."
        return True

    def _ask_text(self, question: Question, default: Answer | None, can_go_back: bool) -> Any:
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
        reply = questionary.text(
            question.text,
            default=str(default or ""),
            validate=valid,
            instruction=f"({', '.join(hints)})",
            **self.io,
        ).unsafe_ask()
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
                questionary.confirm(
                    "Quit now? Your answers so far will be saved as a draft you can resume.",
                    default=True,
                    **self.io,
                ).unsafe_ask()
            )
        except KeyboardInterrupt:
            return True

    def review(self, items: list[ReviewItem]) -> int | None:
        """List every answer; pick one to change, or confirm."""
        import questionary

        choices = [
            questionary.Choice("✔ These are right: write the record", value=_CONFIRM),
            questionary.Separator("── or change an answer ──"),
        ]
        for index, item in enumerate(items):
            shown = "—" if item.answer in (None, "") else item.question.label_of(item.answer)
            label = f"{_short(item.question.text)}  →  {_short(shown, 40)}"
            choices.append(questionary.Choice(label, value=str(index)))
        while True:
            try:
                reply = questionary.select(
                    "Check your answers", choices=choices, instruction="(↑/↓ and Enter)", **self.io
                ).unsafe_ask()
            except KeyboardInterrupt:
                if self._really_quit():
                    raise
                continue
            return None if reply == _CONFIRM else int(reply)

    def announce(self, flow: Flow, outcome: Outcome) -> None:
        """Show where the answers lead, then say what comes next."""
        self.console.print(summary.outcome_panel(outcome))
        self.console.print(
            "Now a few questions so the decision is recorded properly.", style="bold", markup=False
        )


def _short(text: str, width: int = 60) -> str:
    one_line = " ".join(strip_controls(text).split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"
