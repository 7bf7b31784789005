"""Trainer commands: `cases` and `train`.

The walk and the cases are in `sharewizard.train.room`, the screens in `train.screens`, the loop
that shows them in `train.session`; each is loaded when its command runs (`show` and `graph`:
`cli.diagrams`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from sharewizard.cli._typer import HelpCommand, command_app
from sharewizard.cli.completion import complete_case_or_flow
from sharewizard.cli.options import JsonOption, catalogue_of, command, env_of
from sharewizard.core.errors import Location, UsageError
from sharewizard.core.model import Catalogue
from sharewizard.core.text import (
    did_you_mean,
    json_for_screen,
    preview,
)
from sharewizard.walk.summary import plain

if TYPE_CHECKING:
    from sharewizard.train.room import Case
    from sharewizard.walk.console import Env
    from sharewizard.walk.prompts import KeyReader

app = command_app()

CASES_OPTION_HELP = "Also read the case studies (answers files with a `case:` block) in DIR."


CasesOption = Annotated[Path | None, typer.Option("--cases", metavar="DIR", help=CASES_OPTION_HELP)]


@app.command("cases", cls=HelpCommand)
@command
def cases_command(
    ctx: typer.Context,
    as_json: JsonOption = False,
    spoilers: Annotated[
        bool,
        typer.Option(
            "--spoilers",
            help="Show each case's teaching point and whether it is a trap (for the trainer, "
            "not the room). --json always has them.",
        ),
    ] = False,
    cases_dir: CasesOption = None,
) -> int:
    """List the case studies for training: id, FAQ questions and title (no spoilers).

    Example: sharewizard cases --spoilers --cases my-cases/
    """
    catalogue = catalogue_of(ctx)
    found = _cases(catalogue, cases_dir)
    if as_json:
        env_of(ctx).stdout.write(json_for_screen(_case_rows(catalogue, found)) + "\n")
    else:
        from sharewizard.train.lists import cases_list

        env_of(ctx).out().print(cases_list(catalogue, found, spoilers=spoilers))
    return 0


def _case_rows(catalogue: Catalogue, found: list[Case]) -> list[dict[str, object]]:
    """The objects of `cases --json`."""
    from sharewizard.train.room import faq_numbers

    return [
        {
            "id": c.id,
            "path": str(c.path),
            "title": c.title,
            "role": c.role,
            "flow": c.flow_id,
            "flows": list(c.flows),
            "faq": faq_numbers(catalogue, c),
            "trap": c.trap,
            "teaching_point": c.teaching_point,
        }
        for c in found
    ]


@app.command("train", cls=HelpCommand)
@command
def train_command(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="CASE|FLOW",
            help="A case study (see `sharewizard cases`) or a flow id; without it, choose one.",
            autocompletion=complete_case_or_flow,
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


def _cases(catalogue: Catalogue, extra: Path | None) -> list[Case]:
    """The shipped cases (only with the shipped flows, which they are written for) and DIR's."""
    from sharewizard.flowfiles.loader import flows_origin
    from sharewizard.train.room import load_cases, packaged_cases_dir

    folders = [packaged_cases_dir()] if flows_origin(catalogue) == "packaged" else []
    folders = [f for f in folders if f.is_dir()] + ([extra] if extra is not None else [])
    return load_cases(catalogue, folders)


def _choose(
    console: Console, catalogue: Catalogue, found: list[Case], read_line: KeyReader | None
) -> str:
    """The case or flow the trainer picks from a list that fits the screen."""
    from sharewizard.train.session import choose
    from sharewizard.walk.prompts import ask_line

    options = [(c.id, c.title) for c in found]
    options += [(flow_id, catalogue.flows[flow_id].title) for flow_id in sorted(catalogue.flows)]
    if read_line is None:
        return choose(console, options, ask_line, boxed=True)

    def typed(prompt: str) -> str:  # plain mode: one line, no cursor movement
        console.print(prompt, end="", markup=False)
        reply = read_line()
        if reply == "ctrl-c":
            raise KeyboardInterrupt
        return "" if reply == "enter" else reply

    return choose(console, options, typed, boxed=False)


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
            did_you_mean(name, [*(c.id for c in found), *catalogue.flows])
            + "See `sharewizard cases` and `sharewizard list`.",
        )
    return case
