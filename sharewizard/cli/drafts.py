"""`sharewizard drafts`: list, show and delete the walks stopped part way."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sharewizard.cli._typer import HelpCommand, command_app, group_app
from sharewizard.cli.completion import complete_draft
from sharewizard.cli.options import JsonOption, catalogue_of, command, env_of
from sharewizard.core.errors import Location, UsageError
from sharewizard.core.text import for_screen, json_for_screen
from sharewizard.walk.console import Env

DraftId = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="A draft id, as `drafts` lists it.", autocompletion=complete_draft
    ),
]


app = command_app()
drafts_app = group_app(
    "Walks stopped part way, kept until their record is written: list them (id, flows, case "
    "reference, when started, questions answered), show one or delete one (or all).\n\n"
    "Example: sharewizard drafts --json",
    invoke_without_command=True,
)
app.add_typer(drafts_app, name="drafts")


@drafts_app.callback()
@command
def drafts_list(
    ctx: typer.Context,
    as_json: JsonOption = False,
) -> int:
    """List the drafts: id, flows, case reference, when started, questions answered.

    Example: sharewizard drafts --json
    """
    from sharewizard.walk.drafts import list_drafts
    from sharewizard.walk.summary import drafts_json, drafts_table

    if ctx.invoked_subcommand is not None:
        return 0
    found = list_drafts()
    titles = _flow_titles(ctx) if found else {}
    if as_json:
        typer.echo(json_for_screen(drafts_json(found, titles)))
    elif not found:
        env_of(ctx).err().print("No drafts.", markup=False)
    else:
        env_of(ctx).out().print(drafts_table(found, env_of(ctx).prog, titles))
    return 0


def _catalogue(ctx: typer.Context) -> Any:
    """The flows, or None when they cannot be read (ids are shown instead of words then)."""
    from sharewizard.core.errors import SharewizardError

    try:
        return catalogue_of(ctx)
    except SharewizardError:
        return None


def _flow_titles(ctx: typer.Context) -> dict[str, str]:
    """Each flow's title by id; none when the flows cannot be read (the ids are shown then)."""
    catalogue = _catalogue(ctx)
    if catalogue is None:
        return {}
    return {fid: flow.title for fid, flow in catalogue.flows.items()}


@drafts_app.command("show", cls=HelpCommand)
@command
def drafts_show(ctx: typer.Context, draft: DraftId) -> int:
    """Print a draft (an answers file).

    Its first line names any text half-typed when the walk stopped (not an answer yet).

    Example: sharewizard drafts show share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.walk.drafts import find, half_typed_note, read_draft

    path = find(draft)
    text = read_draft(path)
    note = half_typed_note(text, path, lambda: _catalogue(ctx))
    typer.echo(for_screen(note + text), nl=False)
    return 0


@drafts_app.command("delete", cls=HelpCommand)
@command
def drafts_delete(
    ctx: typer.Context,
    draft: Annotated[
        str | None,
        typer.Argument(
            metavar="ID", help="A draft id, as `drafts` lists it.", autocompletion=complete_draft
        ),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Delete every draft (asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --all: do not ask.")] = False,
) -> int:
    """Delete a draft you no longer need, or every draft with --all.

    Example: sharewizard drafts delete share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.walk.drafts import delete, find, list_drafts

    env = env_of(ctx)
    if (draft is None) == (not every):
        raise UsageError(
            "name one draft, or give --all (not both).",
            Location(field="ID"),
            "List the drafts, with their ids, with `sharewizard drafts`.",
        )
    paths = [find(draft)] if draft is not None else [d.path for d in list_drafts()]
    if every and not paths:
        env.err().print("No drafts.", markup=False)
        return 0
    if every and not yes and not _confirmed(env, len(paths)):
        env.err().print("Nothing was deleted.", markup=False)
        return 0
    for path in paths:
        delete(path)
        env.err().print(f"Deleted {for_screen(str(path))}", markup=False, soft_wrap=True)
    return 0


def _confirmed(env: Env, count: int) -> bool:
    """Whether the person at the terminal agrees to delete `count` drafts."""
    if not env.stdin_is_tty:
        raise UsageError(
            "--all deletes every draft, so it asks first, and standard input is not a terminal "
            "to answer.",
            Location(field="--all"),
            "Add --yes to delete them without asking.",
        )
    drafts = "the draft" if count == 1 else f"all {count} drafts"
    env.err().print(
        f"Delete {drafts}? What was typed in them is lost. (y/N) ", end="", markup=False
    )
    env.stderr.flush()
    return env.stdin.readline().strip().lower() in ("y", "yes")
