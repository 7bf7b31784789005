"""Diagrams of a flow: `show` (a tree on the terminal) and `graph` (Mermaid, dot, SVG).

Both are drawn by `sharewizard.author.graph`, loaded when the command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sharewizard.author import graph
from sharewizard.cli._typer import HelpCommand, choices, command_app
from sharewizard.cli.completion import complete_flow
from sharewizard.cli.options import ForceOption, catalogue_of, command, env_of
from sharewizard.core.errors import Location, UsageError
from sharewizard.core.model import Catalogue, Flow
from sharewizard.core.text import preview, unknown_name_hint

app = command_app()


if TYPE_CHECKING:
    GraphFormat = Enum
    GraphDirection = Enum
else:
    GraphFormat = choices("GraphFormat", graph.FORMATS)
    GraphDirection = choices("GraphDirection", graph.DIRECTIONS)


FlowArgument = Annotated[
    str,
    typer.Argument(
        metavar="FLOW", help="Flow id (see `sharewizard list`).", autocompletion=complete_flow
    ),
]


@app.command("show", cls=HelpCommand)
@command
def show_command(
    ctx: typer.Context,
    flow: FlowArgument,
    question: Annotated[
        str | None,
        typer.Argument(
            metavar="QUESTION",
            help="Start at this question: its id, or its number as shown (Q3 or 3).",
        ),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", metavar="N", help="Show N levels of questions (1: the question alone)."
        ),
    ] = None,
) -> int:
    """Show a flow as a tree: each question, where each answer goes, and the outcomes.

    Example: sharewizard show share-without-consent Q2 --depth 2
    """
    from sharewizard.author.graph import question_named, tree

    catalogue = catalogue_of(ctx)
    chosen = _flow(catalogue, flow)
    if depth is not None and depth < 1:
        raise UsageError("must be 1 or more.", Location(field="--depth"))
    start = question_named(chosen, question) if question is not None else None
    titles = {fid: f.title for fid, f in catalogue.flows.items()}
    decisions = catalogue.record_form.decisions
    env_of(ctx).out().print(tree(chosen, decisions, start=start, depth=depth, titles=titles))
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
    direction: Annotated[
        GraphDirection,
        typer.Option(
            "--direction",
            help="auto (default: left to right when a question fans out wide, as the triage "
            "does), down or right.",
        ),
    ] = GraphDirection("auto"),
    force: ForceOption = False,
) -> int:
    """Draw a flow as a diagram, outcomes coloured by decision, with a legend.

    Example: sharewizard graph triage --format svg --out triage.svg
    """
    from sharewizard.author.graph import render
    from sharewizard.disk.files import check_target, is_standard_output, write_private

    catalogue = catalogue_of(ctx)
    if out is not None:  # as every writer: never a link, a FIFO, nor a file without --force
        check_target(out, force=force)
    titles = {fid: f.title for fid, f in catalogue.flows.items()}
    decisions = catalogue.record_form.decisions
    text = render(_flow(catalogue, flow), fmt.value, decisions, titles, direction.value)
    env = env_of(ctx)
    if out is None:
        env.stdout.write(text)
        return 0
    write_private(out, text, force=force)
    if not is_standard_output(out):
        env.out().print(f"Diagram written to {out}", markup=False, soft_wrap=True)
    return 0


def _flow(catalogue: Catalogue, flow_id: str) -> Flow:
    flow = catalogue.flows.get(flow_id)
    if flow is None:
        raise UsageError(
            f"unknown flow {preview(flow_id)}.",
            Location(field="FLOW"),
            unknown_name_hint(flow_id, catalogue.flows),
        )
    return flow
