"""Trainer commands: `cases`, `train`, `show` and `graph` (registered on the main Typer app).

Only the options live here, so that loading the command line stays fast; the screens, the
walk and the diagrams are in `trainview` (and `train`, `graph`), loaded when a command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from sharewizard.cli_common import ForceOption, HelpCommand, JsonOption, command

KeyReader = Callable[[], str]

CASES_OPTION_HELP = "Also read the case studies (answers files with a `case:` block) in DIR."


class GraphFormat(str, Enum):
    """Diagram formats."""

    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"


CasesOption = Annotated[Path | None, typer.Option("--cases", metavar="DIR", help=CASES_OPTION_HELP)]
FlowArgument = Annotated[
    str, typer.Argument(metavar="FLOW", help="Flow id (see `sharewizard list`).")
]


def register(app: typer.Typer) -> None:
    """Add the trainer commands to the `sharewizard` app, inside its one error handler."""
    app.command("cases", cls=HelpCommand)(command(cases_command))
    app.command("train", cls=HelpCommand)(command(train_command))
    app.command("show", cls=HelpCommand)(command(show_command))
    app.command("graph", cls=HelpCommand)(command(graph_command))


def cases_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    cases_dir: CasesOption = None,
) -> int:
    """List the case studies for training: id, flow, FAQ questions and teaching point.

    Example: sharewizard cases --cases my-cases/
    """
    from sharewizard import trainview

    return trainview.cases_command(ctx, as_json=as_json, cases_dir=cases_dir)


def show_command(ctx: typer.Context, flow: FlowArgument) -> int:
    """Show a flow as a tree: each question, where each answer goes, and the outcomes.

    Example: sharewizard show share-without-consent
    """
    from sharewizard import trainview

    return trainview.show_command(ctx, flow=flow)


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
    ] = GraphFormat.mermaid,
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
    from sharewizard import trainview

    return trainview.graph_command(ctx, flow=flow, fmt=fmt, out=out, force=force)


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
    from sharewizard import trainview

    return trainview.train_command(ctx, name=name, record=record, cases_dir=cases_dir)


def __getattr__(name: str) -> Any:
    """The training screens and helpers, from `trainview`, loaded only when asked for."""
    from sharewizard import trainview

    return getattr(trainview, name)
