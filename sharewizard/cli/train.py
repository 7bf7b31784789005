"""Trainer commands: `cases`, `train`, `show` and `graph`.

The walk and the cases are in `sharewizard.train.room`, the screens in `train.screens`, the loop
that shows them in `train.session`, the diagrams in `sharewizard.author.graph`; each is loaded
when its command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sharewizard.author import graph
from sharewizard.cli._typer import HelpCommand, choices, command_app
from sharewizard.cli.options import ForceOption, JsonOption, catalogue_of, command, env_of
from sharewizard.core.errors import Location, UsageError
from sharewizard.core.model import Catalogue, Flow
from sharewizard.core.text import json_for_screen, preview, typed_number
from sharewizard.walk.summary import plain

if TYPE_CHECKING:
    from sharewizard.train.room import Case
    from sharewizard.walk.console import Env
    from sharewizard.walk.prompts import KeyReader

app = command_app()

CASES_OPTION_HELP = "Also read the case studies (answers files with a `case:` block) in DIR."


if TYPE_CHECKING:
    GraphFormat = Enum
else:
    GraphFormat = choices("GraphFormat", graph.FORMATS)


CasesOption = Annotated[Path | None, typer.Option("--cases", metavar="DIR", help=CASES_OPTION_HELP)]
FlowArgument = Annotated[
    str, typer.Argument(metavar="FLOW", help="Flow id (see `sharewizard list`).")
]


@app.command("cases", cls=HelpCommand)
@command
def cases_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    cases_dir: CasesOption = None,
) -> int:
    """List the case studies for training: id, flow, FAQ questions and teaching point.

    Example: sharewizard cases --cases my-cases/
    """
    catalogue = catalogue_of(ctx)
    found = _cases(catalogue, cases_dir)
    if as_json:
        env_of(ctx).stdout.write(json_for_screen(_case_rows(catalogue, found)) + "\n")
    else:
        _print_cases(env_of(ctx).out(), catalogue, found)
    return 0


def _case_rows(catalogue: Catalogue, found: list[Case]) -> list[dict[str, object]]:
    """The objects of `cases --json`."""
    return [
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


def _print_cases(console: Console, catalogue: Catalogue, found: list[Case]) -> None:
    """One block per case rather than a table: ids are long, and the teaching point needs room."""
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


@app.command("train", cls=HelpCommand)
@command
def train_command(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="CASE|FLOW",
            help="A case study (see `sharewizard cases`) or a flow id; without it, choose one.",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            metavar="PATH",
            help="Write the room's decision as a record marked `training: true` (else nothing).",
        ),
    ] = None,
    cases_dir: CasesOption = None,
) -> int:
    """Step through a case study or a flow in front of a room, with the what-if of every answer.

    Example: sharewizard train 01-bruising-no-consent
    """
    from sharewizard.train.room import start_walk
    from sharewizard.train.session import run_training, write_training_records
    from sharewizard.walk.decide import check_target
    from sharewizard.walk.prompts import key_reader, line_reader

    catalogue = catalogue_of(ctx)
    env = env_of(ctx)
    if record is not None:  # a new regular file in a folder we can write in (train has no --force)
        check_target(record, False, "--record", can_force=False)
    _need_keys(env)
    console = env.out()
    # A flow id needs no case studies read (so a broken case cannot stop a flow being trained).
    found = [] if name in catalogue.flows else _cases(catalogue, cases_dir)
    reader = line_reader(env.stdin) if env.plain else key_reader()
    name = name or _choose(console, catalogue, found, reader if env.plain else None)
    walk = start_walk(catalogue, case=_case_named(catalogue, found, name), flow_id=name)
    done = run_training(console, walk, reader, boxed=not env.plain)
    if done is None:
        console.print("Stopped. Nothing was written.", markup=False)
    elif record is not None:
        for path in write_training_records(catalogue, done, record):
            console.print(
                Text.assemble(("✔ ", "green"), plain(f"Training record written to {path}")),
                soft_wrap=True,
            )
    return 0


@app.command("show", cls=HelpCommand)
@command
def show_command(ctx: typer.Context, flow: FlowArgument) -> int:
    """Show a flow as a tree: each question, where each answer goes, and the outcomes.

    Example: sharewizard show share-without-consent
    """
    from sharewizard.author.graph import tree

    catalogue = catalogue_of(ctx)
    env_of(ctx).out().print(tree(_flow(catalogue, flow), catalogue.record_form.decisions))
    return 0


@app.command("graph", cls=HelpCommand)
@command
def graph_command(
    ctx: typer.Context,
    flow: FlowArgument,
    fmt: Annotated[
        GraphFormat,
        typer.Option(
            "--format",
            "-f",
            help="mermaid (default), dot (Graphviz source) or svg (needs Graphviz's `dot`).",
        ),
    ] = GraphFormat("mermaid"),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", help="Write the diagram to PATH instead of printing it."
        ),
    ] = None,
    force: ForceOption = False,
) -> int:
    """Draw a flow as a diagram, with outcomes coloured by decision.

    Example: sharewizard graph share-without-consent --format svg --out swc.svg
    """
    from sharewizard.author.graph import render
    from sharewizard.disk.files import check_target, write_private

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


def _cases(catalogue: Catalogue, extra: Path | None) -> list[Case]:
    """The shipped cases (only with the shipped flows, which they are written for) and DIR's."""
    from sharewizard.flowfiles.loader import flows_origin
    from sharewizard.train.room import load_cases, packaged_cases_dir

    folders = [packaged_cases_dir()] if flows_origin(catalogue) == "packaged" else []
    folders = [f for f in folders if f.is_dir()] + ([extra] if extra is not None else [])
    return load_cases(catalogue, folders)


def _faq_numbers(catalogue: Catalogue, case: Case) -> list[int]:
    numbers = [catalogue.flows[f].faq.number for f in case.flows if f in catalogue.flows]
    return [n for n in numbers if n is not None]


def _flow(catalogue: Catalogue, flow_id: str) -> Flow:
    flow = catalogue.flows.get(flow_id)
    if flow is None:
        raise UsageError(
            f"unknown flow {preview(flow_id)}.",
            Location(field="FLOW"),
            f"Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    return flow


def _choose(
    console: Console, catalogue: Catalogue, found: list[Case], read_line: KeyReader | None
) -> str:
    from sharewizard.walk.prompts import ask_line

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
            reply = ask_line("Number or name (Ctrl-C to quit): ").strip()
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


def _need_keys(env: Env) -> None:
    """`train` reads key presses: refuse to start without a terminal (or --plain)."""
    if not env.stdin_is_tty and not env.plain_requested:
        raise UsageError(
            "`sharewizard train` reads key presses, so it needs a terminal, and standard input "
            "is not one.",
            hint="Give --plain to type each key as a line, or check cases without a terminal "
            "with `sharewizard replay --check PATH`.",
        )


def _case_named(catalogue: Catalogue, found: list[Case], name: str) -> Case | None:
    """The case study `name` names; None for a flow id; a usage error for neither."""
    from sharewizard.train.room import find_case

    case = find_case(found, name)
    if case is None and name not in catalogue.flows:
        raise UsageError(
            f"{preview(name)} is neither a case study nor a flow.",
            Location(field="CASE|FLOW"),
            "See `sharewizard cases` and `sharewizard list`.",
        )
    return case
