"""`sharewizard drafts`: list, show and delete the walks stopped part way."""

from __future__ import annotations

from typing import Annotated

import typer

from sharewizard.cli._typer import HelpCommand, command_app, group_app
from sharewizard.cli.options import JsonOption, command, env_of
from sharewizard.core.text import for_screen, json_for_screen

DraftId = Annotated[str, typer.Argument(metavar="ID", help="A draft id, as `drafts` lists it.")]


app = command_app()
drafts_app = group_app(
    "Walks stopped part way, kept until their record is written: list them (id, flow, route, "
    "when started, questions answered), show one or delete one.\n\n"
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
    """List the drafts: id, flow, route, when started, questions answered.

    Example: sharewizard drafts --json
    """
    from sharewizard.walk.drafts import list_drafts
    from sharewizard.walk.summary import drafts_json, drafts_table

    if ctx.invoked_subcommand is not None:
        return 0
    found = list_drafts()
    if as_json:
        typer.echo(json_for_screen(drafts_json(found)))
    elif not found:
        env_of(ctx).err().print("No drafts.", markup=False)
    else:
        env_of(ctx).out().print(drafts_table(found, env_of(ctx).prog))
    return 0


@drafts_app.command("show", cls=HelpCommand)
@command
def drafts_show(ctx: typer.Context, draft: DraftId) -> int:
    """Print a draft (an answers file).

    Example: sharewizard drafts show share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.walk.drafts import find, read_draft

    typer.echo(for_screen(read_draft(find(draft))), nl=False)
    return 0


@drafts_app.command("delete", cls=HelpCommand)
@command
def drafts_delete(ctx: typer.Context, draft: DraftId) -> int:
    """Delete a draft you no longer need.

    Example: sharewizard drafts delete share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.walk.drafts import delete, find

    path = find(draft)
    delete(path)
    env_of(ctx).err().print(f"Deleted {for_screen(str(path))}", markup=False, soft_wrap=True)
    return 0
