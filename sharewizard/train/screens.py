"""The trainer's screens: pure Rich renderables for each state of a room's walk, and their keys.

Nothing here reads a key or prints: `session` shows these screens and moves the walk.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sharewizard.core import engine
from sharewizard.core.model import Answer, Catalogue, Citation, Handoff, Outcome, Question
from sharewizard.train.room import Walk, decision_label, describe_step, ending
from sharewizard.walk.summary import height_of, plain, tone_style

#: Keys that do something else on a question screen: back, case's path, guidance, quit, what-if.
COMMAND_KEYS = ("b", "c", "g", "q", "w")


def choice_keys(count: int) -> list[str]:
    """The numbers of the choices, typed as in `decide`: past nine, two digits (`1` then `2`)."""
    return [str(n) for n in range(1, count + 1)]


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


def intro_screen(walk: Walk, said: str = "") -> RenderableType:
    """The first screen: the case's title, role and narrative (or the flow's description)."""
    case = walk.case
    keys = [*said_line(said), _keys(("Enter", "start"), ("q", "quit"))]
    if case is None:
        flow = walk.leg.flow
        body = Group(
            plain(flow.description),
            Text(),
            Text("No case study: the room answers every question.", style="dim"),
        )
        return Group(
            Panel(body, title=plain(flow.title), title_align="left", padding=(1, 2)), *keys
        )
    head = Text.assemble(("Role: ", "bold"), plain(case.role).plain)
    body = Group(head, Text(), plain(case.narrative))
    return Group(Panel(body, title=plain(case.title), title_align="left", padding=(1, 2)), *keys)


def walk_screen(
    walk: Walk,
    *,
    what_if_open: bool = False,
    fit: tuple[int, int] | None = None,
    said: str = "",
    page: int = 0,
) -> RenderableType:
    """The screen for the walk's state: a question, an outcome between flows, or the end.

    With `fit` (width, height), "why this question" shows only the passages that fit, so the
    question and the keys stay on screen (`g` shows them all), and an end too long for the
    screen is shown a page at a time (`page`), the outcome named on every page. `said` is a line
    saying why the last key did nothing.
    """
    if walk.finished:
        pages = end_pages(walk, fit, said=said)
        return pages[min(page, len(pages) - 1)]
    question = walk.question
    if question is None:
        outcome = walk.step
        assert isinstance(outcome, Outcome)
        return Group(
            _outcome_panel(walk, outcome),
            Text.assemble(("Next: ", "bold"), plain(walk.catalogue.flows[walk.queue[0]].title)),
            *said_line(said),
            _keys(("Enter", "go on"), ("b", "back"), ("q", "quit")),
        )
    head: list[RenderableType] = [*_off_path_banner(walk), _question_panel(walk, question)]
    keys: list[RenderableType] = [*said_line(said), _question_keys(walk, question)]
    if walk.pending is not None or what_if_open:
        width = fit[0] if fit else 80
        screen = Group(*head[:-1], *_what_if(walk, question, width), *keys)
        if fit is not None and height_of(screen, width) >= fit[1]:  # the triage's, say
            screen = Group(*head[:-1], *_what_if(walk, question, width, tight=True), *keys)
        return screen
    if not question.guidance:
        return Group(*head, *keys)
    shown = len(question.guidance)
    screen = Group(*head, _why_panel(walk, question, shown), *keys)
    while fit is not None and shown > 0 and height_of(screen, fit[0]) >= fit[1]:
        shown -= 1
        screen = Group(*head, _why_panel(walk, question, shown), *keys)
    return screen


def said_line(said: str) -> list[Text]:
    """The line saying why the last key did nothing, if it did nothing."""
    return [Text.assemble(("! ", "bold yellow"), plain(said))] if said else []


def _off_path_banner(walk: Walk) -> list[Text]:
    """Once the room has left the case's path: where, and the key that goes back to it."""
    left = walk.departure
    if left is None:
        return []
    number = left.number
    room = left.question.label_of(left.room) if left.room is not None else "(no answer)"
    case = left.question.label_of(left.case) if left.case is not None else "(not asked)"
    return [
        Text.assemble(
            (" Off the case's path ", "bold reverse yellow"),
            f" since Question {number}: the room answered ",
            (plain(room).plain, "bold"),
            ", the case ",
            (plain(case).plain, "bold"),
            ". ",
            ("c", "bold reverse"),
            " goes back to the case's path.",
        )
    ]


def _question_panel(walk: Walk, question: Question) -> Panel:
    """The question and its answers, the room's pick marked and the case's answer once shown."""
    return _panel(walk, question, _choices(walk, question))


def _choices(
    walk: Walk, question: Question, steps: dict[str, Any] | None = None, width: int = 80
) -> Table:
    """A row per answer: the room's mark, its key and its label; with `steps`, where it leads.

    Nothing is cut: labels and places wrap. Where a label and its place do not fit side by side
    in `width`, the place goes on a line of its own under the label.
    """
    case_answer = walk.case_answer if walk.revealed else None
    decisions = walk.catalogue.record_form.decisions
    titles = {fid: flow.title for fid, flow in walk.catalogue.flows.items()}
    keys = choice_keys(len(question.choices))
    places = {v: _leads(step, decisions, titles) for v, step in (steps or {}).items()}
    beside = steps is not None and _side_by_side(question, places, width)
    table = Table.grid(padding=(0, 1), expand=steps is not None)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=None if beside else 1)  # labels as wide as they need, when beside
    if beside:
        table.add_column(no_wrap=True)  # ← case
        table.add_column(ratio=1)
    for number, choice in enumerate(question.choices, 1):
        chosen = _has(walk.pending, choice.value)
        label = Text(plain(choice.label).plain, style="bold" if chosen else "")
        is_case = case_answer is not None and _has(case_answer, choice.value)
        row: list[RenderableType] = ["▶" if chosen else " ", keys[number - 1], label]
        if beside:
            row += [Text("← case", style="green") if is_case else "", places[choice.value]]
        elif is_case:
            label.append("  ← case" if steps else "  ← the case's answer", style="green")
        table.add_row(*row)
        if steps is not None and not beside and not _same_next(question, number, places):
            table.add_row("", "", places[choice.value])  # said once for a run of answers
    if not question.choices and walk.pending is not None:  # a typed answer
        shown = Text(plain(str(walk.pending) or "(no answer)").plain, style="bold")
        place = _leads(walk.what_if()[0].step, decisions, titles)
        if beside:
            table.add_row("▶", "", shown, "", place)
        else:
            table.add_row("▶", "", shown)
            if steps is not None:
                table.add_row("", "", place)
    return table


def _same_next(question: Question, number: int, places: dict[str, Text]) -> bool:
    """Whether choice `number` (from 1) leads where the choice after it does."""
    if number >= len(question.choices):
        return False
    this, following = question.choices[number - 1].value, question.choices[number].value
    return places[this].plain == places[following].plain


def _side_by_side(question: Question, places: dict[str, Text], width: int) -> bool:
    """Whether every label and the place it leads to fit on one line of a panel `width` wide."""
    label = max((len(plain(c.label).plain) for c in question.choices), default=0)
    place = max((len(p.plain) for p in places.values()), default=0)
    return label + place + len(str(len(question.choices))) + 16 <= width


def _panel(
    walk: Walk, question: Question, *body: RenderableType, leads: str = "", tight: bool = False
) -> Panel:
    """A question's panel; with `leads` (the legend of the what-if), the what-if's.

    `tight` leaves out the blank line under the question, for a screen one line short.
    """
    title = Text.assemble((f"Question {walk.number}", "bold"), "  ", plain(walk.leg.flow.title))
    gap = [] if tight else [Text()]
    return Panel(
        Group(Text(plain(question.text).plain, style="bold"), *gap, *body),
        title=title,
        title_align="left",
        subtitle=Text(f"what if: {leads}") if leads else None,
        subtitle_align="right",
        padding=(0, 1),
        border_style="magenta" if leads else "cyan",
    )


def _what_if(
    walk: Walk, question: Question, width: int = 80, *, tight: bool = False
) -> list[RenderableType]:
    """The question with where each answer leads, in words, and a legend of the marks.

    When every answer leads to the same place, that place is said once.
    """
    steps = {_first(b.answer): b.step for b in walk.what_if()}
    decisions = walk.catalogue.record_form.decisions
    titles = {fid: flow.title for fid, flow in walk.catalogue.flows.items()}
    places = {describe_step(step, decisions, titles) for step in steps.values()}
    if len(places) == 1 and len(steps) > 1:
        step = next(iter(steps.values()))
        body: list[RenderableType] = [
            _choices(walk, question),
            Text(),
            Text.assemble("Every answer leads to: ", _leads(step, decisions, titles)),
        ]
    else:
        body = [_choices(walk, question, steps, width)]
    legend = ["▶ the room's answer"]
    legend += ["← case: the case's answer"] if walk.case is not None and walk.revealed else []
    legend += ["→ where it leads"]
    return [_panel(walk, question, *body, leads=" · ".join(legend), tight=tight)]


def _first(answer: Answer) -> str:
    return answer[0] if isinstance(answer, tuple) else answer


def _leads(step: Any, decisions: Any, titles: Any = None) -> Text:
    """Where an answer leads, after an arrow: a question, an outcome, or (in italics) a flow."""
    if isinstance(step, Outcome):
        style = tone_style(_tone(step.decision, decisions), "bold")
    else:
        style = "italic" if isinstance(step, Handoff) else ""
    return Text.assemble("→ ", (describe_step(step, decisions, titles), style))


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
    """Quotes with their sections; the sources' titles once, whole, at the foot of the panel.

    Not in the panel's border, which would cut a long title short.
    """
    cites = list(cites)
    titles = list(dict.fromkeys(_source_title(catalogue, c.source) for c in cites))
    sources = Text.assemble(
        ("Sources: " if len(titles) > 1 else "Source: ", "dim"), plain("; ".join(titles)).plain
    )
    return Panel(
        Group(*[_quote(c) for c in cites], sources),
        title=Text(title),
        title_align="left",
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
        named = "1" if count == 1 else f"1-{count}"
        pairs.append((named, "room toggles" if question.type == "multi" else "room picks"))
    pairs += [("w", "what-if"), ("b", "back")]
    pairs += [("c", "case's path")] if walk.departure is not None else []
    pairs += [("q", "quit")]
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


def end_screen(walk: Walk, quotes: int | None = None, *, said: str = "") -> RenderableType:
    """The end: the outcome(s), the teaching point, the citations, and where the room differed.

    `quotes` limits the citations shown (the rest are a key press away).
    """
    keys = [*said_line(said), _keys(("Enter", "finish"), ("b", "back"), ("q", "quit"))]
    return Group(*_end_parts(walk, quotes), *keys)


def end_pages(
    walk: Walk, fit: tuple[int, int] | None = None, *, said: str = ""
) -> list[RenderableType]:
    """The end screen, in pages when it does not fit `fit` (width, height) even with one quote.

    The first page starts with the outcome; every later page names it in its first line, so the
    outcome's title and decision are always in view. Enter goes to the next page.
    """
    quotes = len(ending(walk).citations)
    screen = end_screen(walk, said=said)
    while fit is not None and quotes > 1 and height_of(screen, fit[0]) >= fit[1]:
        quotes -= 1
        screen = end_screen(walk, quotes, said=said)
    if fit is None or height_of(screen, fit[0]) < fit[1]:
        return [screen]
    parts = _end_parts(walk, None)
    pages: list[list[RenderableType]] = [[]]
    for part in parts:
        trial = Group(*_page_top(walk, len(pages)), *pages[-1], part, Text(), Text())
        if pages[-1] and height_of(trial, fit[0]) >= fit[1] and part is not parts[0]:
            pages.append([])
        pages[-1].append(part)
    count = len(pages)
    return [
        Group(*_page_top(walk, number), *page, *said_line(said), _page_keys(number, count))
        for number, page in enumerate(pages, 1)
    ]


def _page_top(walk: Walk, number: int) -> list[Text]:
    """Above every page but the first: the outcome(s) in one line each, title and decision."""
    if number == 1:
        return []
    decisions = walk.catalogue.record_form.decisions
    return [
        Text.assemble(
            ("Outcome: ", "bold"),
            (plain(outcome.title).plain, "bold"),
            " · Decision: ",
            (
                decision_label(outcome.decision, decisions),
                tone_style(_tone(outcome.decision, decisions), ""),
            ),
        )
        for _, outcome in ending(walk).outcomes
    ]


def _page_keys(number: int, count: int) -> Text:
    enter = ("Enter", "finish") if number == count else ("Enter", "more")
    back = ("b", "back") if number == 1 else ("b", "previous page")
    return Text.assemble(
        _keys(enter, back, ("q", "quit")), (f"  (page {number} of {count})", "dim")
    )


def _end_parts(walk: Walk, quotes: int | None) -> list[RenderableType]:
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
    return parts


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
