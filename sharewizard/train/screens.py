"""The trainer's screens: pure Rich renderables for each state of a room's walk, and their keys.

Nothing here reads a key or prints: `session` shows these screens and moves the walk.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sharewizard.core import engine
from sharewizard.core.model import Answer, Catalogue, Citation, Outcome, Question
from sharewizard.train.room import Walk, decision_label, describe_step, ending
from sharewizard.walk.summary import plain, tone_style

#: Keys that do something else on a question screen, so never name a choice.
COMMAND_KEYS = ("b", "g", "q", "w")


def choice_keys(count: int) -> list[str]:
    """One key per choice: 1-9, then letters (skipping the command keys) for longer lists."""
    letters = [c for c in "acdefhijklmnoprstuvxyz" if c not in COMMAND_KEYS]
    return ([str(n) for n in range(1, 10)] + letters)[:count]


def unboxed(screen: RenderableType) -> RenderableType:
    """A screen for plain mode (screen readers, `TERM=dumb`): the same words, no box lines.

    Every panel becomes its title, its body and its subtitle on lines of their own; every table
    loses its lines.
    """
    if isinstance(screen, Group):
        return Group(*(unboxed(part) for part in screen.renderables))
    if isinstance(screen, Panel):
        parts = [screen.title, unboxed(screen.renderable), screen.subtitle]
        return Group(*(Text(p) if isinstance(p, str) else p for p in parts if p), Text())
    if isinstance(screen, Table):
        screen.box = None  # each screen is built afresh, so changing it here is safe
    return screen


def _keys(*pairs: tuple[str, str]) -> Text:
    text = Text()
    for index, (key, action) in enumerate(pairs):
        if index:
            text.append(" · ", style="dim")
        text.append(key, style="bold reverse")
        text.append(f" {action}")
    return text


def intro_screen(walk: Walk) -> RenderableType:
    """The first screen: the case's title, role and narrative (or the flow's description)."""
    case = walk.case
    if case is None:
        flow = walk.leg.flow
        body = Group(
            plain(flow.description),
            Text(),
            Text("No case study: the room answers every question.", style="dim"),
        )
        return Group(
            Panel(body, title=plain(flow.title), title_align="left", padding=(1, 2)),
            _keys(("Enter", "start"), ("q", "quit")),
        )
    head = Text.assemble(("Role: ", "bold"), plain(case.role).plain)
    body = Group(head, Text(), plain(case.narrative))
    return Group(
        Panel(body, title=plain(case.title), title_align="left", padding=(1, 2)),
        _keys(("Enter", "start"), ("q", "quit")),
    )


def walk_screen(
    walk: Walk, *, what_if_open: bool = False, fit: tuple[int, int] | None = None
) -> RenderableType:
    """The screen for the walk's state: a question, an outcome between flows, or the end.

    With `fit` (width, height), "why this question" shows only the passages that fit, so the
    question and the keys stay on screen; `g` shows them all.
    """
    if walk.finished:
        quotes = len(ending(walk).citations)
        screen = end_screen(walk)
        while fit is not None and quotes > 1 and _height(screen, fit[0]) >= fit[1]:
            quotes -= 1
            screen = end_screen(walk, quotes)
        return screen
    question = walk.question
    if question is None:
        outcome = walk.step
        assert isinstance(outcome, Outcome)
        return Group(
            _outcome_panel(walk, outcome),
            Text.assemble(("Next: ", "bold"), plain(walk.catalogue.flows[walk.queue[0]].title)),
            _keys(("Enter", "go on"), ("b", "back"), ("q", "quit")),
        )
    head, keys = _question_panel(walk, question), _question_keys(walk, question)
    if walk.pending is not None or what_if_open:
        return Group(_question_panel(walk, question, leads=True), keys)
    if not question.guidance:
        return Group(head, keys)
    shown = len(question.guidance)
    screen = Group(head, _why_panel(walk, question, shown), keys)
    while fit is not None and shown > 0 and _height(screen, fit[0]) >= fit[1]:
        shown -= 1
        screen = Group(head, _why_panel(walk, question, shown), keys)
    return screen


def _height(screen: RenderableType, width: int) -> int:
    measure = Console(width=width, file=io.StringIO(), color_system=None)
    return len(measure.render_lines(screen, measure.options, pad=False))


def _question_panel(walk: Walk, question: Question, *, leads: bool = False) -> Panel:
    """The question and its answers; with `leads`, where each answer goes (the what-if)."""
    case_answer = walk.case_answer if walk.revealed else None
    choices = Table.grid(padding=(0, 1), expand=leads)
    choices.add_column(no_wrap=True)
    choices.add_column(justify="right", no_wrap=True)
    if leads:
        choices.add_column(max_width=24, no_wrap=True, overflow="ellipsis")
        choices.add_column(no_wrap=True)
        choices.add_column(no_wrap=True)
        choices.add_column(ratio=1)
    else:
        choices.add_column(ratio=1)
    steps = {_first(b.answer): b.step for b in walk.what_if()} if leads else {}
    decisions = walk.catalogue.record_form.decisions
    keys = choice_keys(len(question.choices))
    for number, choice in enumerate(question.choices, 1):
        chosen = _has(walk.pending, choice.value)
        label = Text(plain(choice.label).plain, style="bold" if chosen else "")
        is_case = case_answer is not None and _has(case_answer, choice.value)
        row: list[RenderableType] = ["▶" if chosen else " ", keys[number - 1], label]
        if leads:
            case_tag = Text("← case", style="green") if is_case else ""
            row += [case_tag, Text("→", style="dim"), _leads(steps[choice.value], decisions)]
        elif is_case:
            label.append("  ← the case's answer", style="green")
        choices.add_row(*row)
    if not question.choices and walk.pending is not None:
        shown = Text(plain(str(walk.pending) or "(no answer)").plain, style="bold")
        row = ["▶", "", shown]
        if leads:
            row += ["", Text("→", style="dim"), _leads(walk.what_if()[0].step, decisions)]
        choices.add_row(*row)
    body = Group(Text(plain(question.text).plain, style="bold"), Text(), choices)
    title = Text.assemble((f"Question {walk.number}", "bold"), "  ", plain(walk.leg.flow.title))
    border = "magenta" if leads else "cyan"
    subtitle = Text("what if: where each answer leads") if leads else None
    return Panel(
        body,
        title=title,
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
        padding=(0, 1),
        border_style=border,
    )


def _first(answer: Answer) -> str:
    return answer[0] if isinstance(answer, tuple) else answer


def _leads(step: Any, decisions: Any) -> Text:
    style = tone_style(_tone(step.decision, decisions), "bold") if isinstance(step, Outcome) else ""
    return Text(describe_step(step, decisions), style=style)


def _has(answer: Answer | None, value: str) -> bool:
    if answer is None:
        return False
    return value in answer if isinstance(answer, tuple) else answer == value


def _why_panel(walk: Walk, question: Question, shown: int) -> Panel:
    # The cited guidance only: the help text is for `decide`, and a slide has no room for both.
    hidden = len(question.guidance) - shown
    if not shown:
        passages = f"{hidden} passage{'s' if hidden > 1 else ''}"
        return Panel(
            Text(f"g shows the {passages} of guidance this question rests on."),
            title="Why this question",
            title_align="left",
            border_style="dim",
        )
    title = "Why this question" + (f" (+{hidden} more: g shows all)" if hidden else "")
    return _quotes_panel(walk.catalogue, question.guidance[:shown], title)


def _quotes_panel(catalogue: Catalogue, cites: Iterable[Citation], title: str) -> Panel:
    """Quotes with their sections; the sources' titles once, under the panel."""
    cites = list(cites)
    titles = dict.fromkeys(_source_title(catalogue, c.source) for c in cites)
    return Panel(
        Group(*[_quote(c) for c in cites]),
        title=Text(title),
        title_align="left",
        subtitle=plain("; ".join(titles)),
        subtitle_align="right",
        border_style="dim",
    )


def _source_title(catalogue: Catalogue, source_id: str) -> str:
    source = catalogue.sources.get(source_id)
    return source.title if source else source_id


def _quote(cite: Citation) -> Text:
    text = Text()
    text.append("“")
    text.append(plain(cite.quote).plain, style="italic")
    text.append("”  — ")
    text.append(plain(cite.section).plain, style="dim")
    return text


def _question_keys(walk: Walk, question: Question) -> Text:
    pairs: list[tuple[str, str]] = []
    count = len(question.choices)
    if walk.case_answer is not None and not walk.revealed:
        pairs.append(("Enter", "show the case's answer"))
    elif walk.pending is not None:
        pairs.append(("Enter", "go on"))
    if count:
        keys = choice_keys(count)
        named = keys[0] if count == 1 else f"{keys[0]}-{keys[min(count, 9) - 1]}"
        named += "".join(f", {k}" for k in keys[9:])
        pairs.append((named, "room toggles" if question.type == "multi" else "room picks"))
    pairs += [("w", "what-if"), ("b", "back"), ("q", "quit")]
    return _keys(*pairs)


def _outcome_panel(walk: Walk, outcome: Outcome) -> Panel:
    decisions = walk.catalogue.record_form.decisions
    flow_title = outcome_flow_title(walk, outcome)
    outcome = engine.worded_outcome(outcome, walk.catalogue.facts.wording, walk.known)
    style = tone_style(_tone(outcome.decision, walk.catalogue.record_form.decisions), "bold")
    actions = Table.grid(padding=(0, 1))
    actions.add_column(no_wrap=True)
    actions.add_column(ratio=1)
    for action in outcome.actions:
        actions.add_row("•", plain(action))
    body = Group(
        Text(plain(outcome.title).plain, style="bold"),
        Text.assemble("Decision: ", (decision_label(outcome.decision, decisions), style)),
        Text(),
        plain(outcome.summary),
        actions,
    )
    title = Text.assemble(("Outcome", "bold"), "  ", plain(flow_title))
    return Panel(body, title=title, title_align="left", border_style=style, padding=(0, 1))


def outcome_flow_title(walk: Walk, outcome: Outcome) -> str:
    """The title of the flow an outcome belongs to, in this walk."""
    return next((leg.flow.title for leg in walk.legs if leg.step is outcome), "")


def end_screen(walk: Walk, quotes: int | None = None) -> RenderableType:
    """The end: the outcome(s), the teaching point, the citations, and where the room differed.

    `quotes` limits the citations shown (the rest are a key press away).
    """
    end = ending(walk)
    parts: list[RenderableType] = [_outcome_panel(walk, outcome) for _, outcome in end.outcomes]
    if walk.case is not None:
        if end.same_as_case:
            parts.append(Text("The room followed the case's answers all the way.", style="green"))
        else:
            parts.append(_differences_table(walk, end))
        parts.append(
            Panel(
                plain(end.teaching_point),
                title="Teaching point",
                title_align="left",
                border_style="cyan",
            )
        )
    if end.citations:
        shown = len(end.citations) if quotes is None else min(quotes, len(end.citations))
        hidden = len(end.citations) - shown
        title = "Guidance" + (f" (+{hidden} more: g shows all)" if hidden else "")
        parts.append(_quotes_panel(walk.catalogue, end.citations[:shown], title))
    parts.append(_keys(("Enter", "finish"), ("b", "back"), ("q", "quit")))
    return Group(*parts)


def _differences_table(walk: Walk, end: Any) -> Table:
    decisions = walk.catalogue.record_form.decisions
    table = Table(
        title="Where the room's path differed from the case's", title_justify="left", expand=True
    )
    table.add_column("Question", ratio=3)
    table.add_column("Room", ratio=1)
    table.add_column("Case", ratio=1)
    for diff in end.differences:
        table.add_row(
            plain(diff.question.text),
            plain(diff.question.label_of(diff.room) if diff.room is not None else "(not reached)"),
            plain(diff.question.label_of(diff.case) if diff.case is not None else "(not reached)"),
        )
    theirs = ", ".join(
        f"{o.title} [{decision_label(o.decision, decisions)}]" for _, o in end.case_outcomes
    )
    if end.outcomes != end.case_outcomes and theirs:
        table.caption = f"The case's outcome: {theirs}"
    return table


def _tone(decision: str, decisions: Any) -> str:
    """A decision's tone (record.yaml `tone`), if the vocabulary gives it one."""
    term = decisions.get(decision) if decisions else None
    return term.tone if term is not None else ""
