"""The trainer commands' bodies and screens: `cases`, `train`, `show`, `graph` (see `cli_train`)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sharewizard.cli_common import catalogue_of, env_of
from sharewizard.cli_train import GraphFormat, KeyReader
from sharewizard.console import Env
from sharewizard.errors import Location, UsageError
from sharewizard.model import Answer, Catalogue, Citation, Flow, Outcome, Question
from sharewizard.summary import DECISION_STYLE, plain
from sharewizard.text import json_for_screen, preview, typed_number
from sharewizard.train import (
    Case,
    Walk,
    decision_label,
    describe_step,
    ending,
    find_case,
    load_cases,
    packaged_cases_dir,
    start_walk,
    training_decisions,
)


def _cases(catalogue: Catalogue, extra: Path | None) -> list[Case]:
    """The shipped cases (only with the shipped flows, which they are written for) and DIR's."""
    from sharewizard import loader

    here = Path(loader.__file__).parent
    shipped = {(here / "flows").resolve(), (here.parent / "flows").resolve()}
    folders = [packaged_cases_dir()] if catalogue.directory.resolve() in shipped else []
    folders = [f for f in folders if f.is_dir()] + ([extra] if extra is not None else [])
    return load_cases(catalogue, folders)


# --- cases --------------------------------------------------------------------------------------


def cases_command(ctx: typer.Context, as_json: bool, cases_dir: Path | None) -> int:
    """List the case studies for training: id, flow, FAQ questions and teaching point.

    Example: sharewizard cases --cases my-cases/
    """
    catalogue = catalogue_of(ctx)
    found = _cases(catalogue, cases_dir)
    if as_json:
        rows = [
            {
                "id": c.id,
                "path": str(c.path),
                "title": c.title,
                "role": c.role,
                "flow": c.flow_id,
                "flows": list(c.flows),
                "faq": list(c.faq) or _faq_numbers(catalogue, c),
                "trap": c.trap,
                "teaching_point": c.teaching_point,
            }
            for c in found
        ]
        env_of(ctx).stdout.write(json_for_screen(rows) + "\n")
        return 0
    # One block per case rather than a table: ids are long, and the teaching point needs room.
    console = env_of(ctx).out()
    for c in found:
        faq = ", ".join(str(n) for n in (c.faq or _faq_numbers(catalogue, c))) or "–"
        head = Text.assemble(
            (plain(c.id).plain, "bold cyan"),
            ("  ·  ", "dim"),
            plain(" → ".join(c.flows)),
            ("  ·  ", "dim"),
            f"FAQ {faq}",
            *([("  ·  trap", "yellow")] if c.trap else []),
        )
        console.print(head)
        console.print(Padding(Text(plain(c.title).plain, style="bold"), (0, 0, 0, 2)))
        console.print(Padding(plain(c.teaching_point), (0, 0, 1, 2)))
    if not found:
        console.print("No case studies found.", markup=False)
    return 0


def _faq_numbers(catalogue: Catalogue, case: Case) -> list[int]:
    numbers = [catalogue.flows[f].faq.number for f in case.flows if f in catalogue.flows]
    return [n for n in numbers if n is not None]


# --- show and graph -----------------------------------------------------------------------------


def _flow(catalogue: Catalogue, flow_id: str) -> Flow:
    flow = catalogue.flows.get(flow_id)
    if flow is None:
        raise UsageError(
            f"unknown flow {preview(flow_id)}.",
            Location(field="FLOW"),
            f"Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    return flow


def show_command(ctx: typer.Context, flow: str) -> int:
    """Show a flow as a tree: each question, where each answer goes, and the outcomes.

    Example: sharewizard show share-without-consent
    """
    from sharewizard.graph import tree

    catalogue = catalogue_of(ctx)
    env_of(ctx).out().print(tree(_flow(catalogue, flow), catalogue.record_form.decisions))
    return 0


def graph_command(
    ctx: typer.Context, flow: str, fmt: GraphFormat, out: Path | None, force: bool = False
) -> int:
    """Draw a flow as a diagram, with outcomes coloured by decision.

    Example: sharewizard graph share-without-consent --format svg --out swc.svg
    """
    from sharewizard.files import check_target, write_private
    from sharewizard.graph import render

    catalogue = catalogue_of(ctx)
    if out is not None:  # as every writer: never a link, a FIFO, nor a file without --force
        check_target(out, force=force)
    text = render(_flow(catalogue, flow), fmt.value, catalogue.record_form.decisions)
    env = env_of(ctx)
    if out is None:
        env.stdout.write(text)
        return 0
    write_private(out, text, force=force)
    env.out().print(f"Diagram written to {out}", markup=False, soft_wrap=True)
    return 0


# --- train --------------------------------------------------------------------------------------


def train_command(
    ctx: typer.Context, name: str | None, record: Path | None, cases_dir: Path | None
) -> int:
    """Step through a case study or a flow in front of a room, with the what-if of every answer.

    Example: sharewizard train 01-bruising-no-consent
    """
    from sharewizard.decide import check_target

    catalogue = catalogue_of(ctx)
    env = env_of(ctx)
    if record is not None:  # a new regular file in a folder we can write in (train has no --force)
        check_target(record, False, "--record", can_force=False)
    if not env.stdin_is_tty and not env.plain_requested:
        raise UsageError(
            "`sharewizard train` reads key presses, so it needs a terminal, and standard input "
            "is not one.",
            hint="Give --plain to type each key as a line, or check cases without a terminal "
            "with `sharewizard replay --check PATH`.",
        )
    console = env.out()
    # A flow id needs no case studies read (so a broken case cannot stop a flow being trained).
    found = [] if name in catalogue.flows else _cases(catalogue, cases_dir)
    reader = _line_reader(env) if env.plain else _key_reader()
    name = name or _choose(console, catalogue, found, reader if env.plain else None)
    case = find_case(found, name)
    if case is None and name not in catalogue.flows:
        raise UsageError(
            f"{preview(name)} is neither a case study nor a flow.",
            Location(field="CASE|FLOW"),
            "See `sharewizard cases` and `sharewizard list`.",
        )
    walk = start_walk(catalogue, case=case, flow_id=name)
    done = run_training(console, walk, reader, boxed=not env.plain)
    if done is None:
        console.print("Stopped. Nothing was written.", markup=False)
        return 0
    if record is not None:
        for path in write_training_records(catalogue, done, record):
            console.print(
                Text.assemble(("✔ ", "green"), plain(f"Training record written to {path}")),
                soft_wrap=True,
            )
    return 0


def _choose(
    console: Console, catalogue: Catalogue, found: list[Case], read_line: KeyReader | None
) -> str:
    from prompt_toolkit import prompt

    options = [c.id for c in found] + sorted(catalogue.flows)
    table = Table(show_edge=False, title="Choose a case study or a flow", title_justify="left")
    if read_line is not None:  # plain mode: no lines
        table.box = None
    table.add_column("#", justify="right")
    table.add_column("Case or flow", no_wrap=True)
    table.add_column("Title")
    for number, case in enumerate(found, 1):
        table.add_row(str(number), plain(case.id), plain(case.title))
    for number, flow_id in enumerate(sorted(catalogue.flows), len(found) + 1):
        table.add_row(str(number), plain(flow_id), plain(catalogue.flows[flow_id].title))
    console.print(table)
    while True:
        if read_line is None:
            reply = prompt("Number or name (Ctrl-C to quit): ").strip()
        else:  # plain mode: one line, no cursor movement
            console.print("Number or name (Ctrl-D to quit): ", end="", markup=False)
            reply = read_line()
            if reply == "ctrl-c":
                raise KeyboardInterrupt
        reply = "" if reply == "enter" else reply
        chosen = typed_number(reply, len(options))
        if chosen is not None:
            return options[chosen - 1]
        if reply in options:
            return reply
        console.print("Please type one of the numbers above.", markup=False)


def _line_reader(env: Env) -> KeyReader:
    """Plain mode: each key is typed as a line (Enter alone is Enter), for screen readers."""

    def read() -> str:
        line = env.stdin.readline()
        if not line:
            return "ctrl-c"  # end of input: stop, as Ctrl-C does
        word = line.strip().lower()
        return word if word else "enter"

    return read


def _key_reader() -> KeyReader:
    """Read one key press at a time with prompt_toolkit: enter, a letter or digit, or ctrl-c."""
    from prompt_toolkit.application import Application

    from sharewizard.prompts import quiet_closed_terminal

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


# --- the training screens -----------------------------------------------------------------------


def run_training(
    console: Console, walk: Walk, read_key: KeyReader, *, boxed: bool = True
) -> Walk | None:
    """Show the narrative, then each question, until the end screen; None if the room quits.

    Not `boxed` (plain mode): the same screens without box lines (see `unboxed`).
    """
    _show(console, intro_screen(walk), boxed)
    while True:
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key in ("enter", "q"):
            break
    if key == "q":
        return None
    what_if_open = all_guidance = False
    while True:
        fit = None if all_guidance else console.size
        _show(console, walk_screen(walk, what_if_open=what_if_open, fit=fit), boxed)
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key == "q":
            return None
        if walk.finished and key == "enter":
            return walk
        if key in ("w", "g"):
            what_if_open = not what_if_open if key == "w" else what_if_open
            all_guidance = not all_guidance if key == "g" else all_guidance
            continue
        what_if_open = all_guidance = False
        walk = _move(walk, key)


def _move(walk: Walk, key: str) -> Walk:
    question = walk.question
    if key == "b":
        return walk.back()
    if key == "enter":
        if question is None:
            return walk.go_on()
        if walk.case_answer is not None and not walk.revealed:
            return walk.reveal()  # also after the room's pick, so the room sees how it compares
        if walk.pending is not None:
            return walk.go_on()
        if question.type == "text" and not question.required:
            return walk.pick("")
        return walk
    if question is not None and key in (keys := choice_keys(len(question.choices))):
        return walk.pick(question.choices[keys.index(key)].value)
    return walk


#: Keys that do something else on a question screen, so never name a choice.
COMMAND_KEYS = ("b", "g", "q", "w")


def choice_keys(count: int) -> list[str]:
    """One key per choice: 1-9, then letters (skipping the command keys) for longer lists."""
    letters = [c for c in "acdefhijklmnoprstuvxyz" if c not in COMMAND_KEYS]
    return ([str(n) for n in range(1, 10)] + letters)[:count]


def _show(console: Console, screen: RenderableType, boxed: bool = True) -> None:
    if console.is_terminal:
        console.clear()
    console.print(screen if boxed else unboxed(screen))


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
    style = DECISION_STYLE.get(step.decision, "bold") if isinstance(step, Outcome) else ""
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
    style = DECISION_STYLE.get(outcome.decision, "bold")
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
    title = Text.assemble(("Outcome", "bold"), "  ", plain(outcome_flow_title(walk, outcome)))
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


def write_training_records(catalogue: Catalogue, walk: Walk, path: Path) -> list[Path]:
    """One record per outcome of the walk (PATH, then PATH-2...), each marked `training: true`."""
    from sharewizard.decide import Outputs, record_format, record_path
    from sharewizard.records import utc_timestamp, write_record

    fmt = record_format(None, path)
    outputs = Outputs(fmt=fmt, out=path)
    sitting_id = str(uuid.uuid4())
    decisions = training_decisions(walk)
    flows = [d.flow.id for d in decisions]
    written = []
    for part, decision in enumerate(decisions, 1):
        created_at = utc_timestamp()
        record = build_training_record(catalogue, decision, created_at, sitting_id, part, flows)
        target = record_path(outputs, decision.flow.id, created_at, part)
        written.append(write_record(record, target, fmt))
    return written


def build_training_record(
    catalogue: Catalogue,
    decision: Any,
    created_at: str,
    sitting_id: str,
    part: int,
    flows: list[str],
) -> Any:
    """The record of one decision of a training walk, through `records.build_record`."""
    from sharewizard.records import build_record

    return build_record(
        decision,
        catalogue,
        created_at=created_at,
        record_id=str(uuid.uuid4()),
        sitting={"id": sitting_id, "part": part, "flows": flows},
        training=True,  # practice, not a decision: `verify` refuses it as a real one
    )
