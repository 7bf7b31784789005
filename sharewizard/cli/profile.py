"""`sharewizard profile`: show and change the role, organisation and practitioner of sittings."""

from __future__ import annotations

from typing import Annotated

import typer

from sharewizard.cli._typer import HelpCommand, command_app, group_app
from sharewizard.cli.options import JsonOption, catalogue_of, command, env_of
from sharewizard.core.text import json_for_screen

app = command_app()
profile_app = group_app(
    "Your role, organisation and practitioner name or role title, kept in your config folder "
    "(owner-only) and offered in every sitting: the role is taken as your answer (change it at "
    "the review for one sitting), the others are offered as the record's defaults.\n\n"
    "Example: sharewizard profile set --role dsl --organisation 'Hill Primary School'",
    invoke_without_command=True,
)
app.add_typer(profile_app, name="profile")


@profile_app.callback()
@command
def profile_show(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """Show your profile and where it is kept.

    Example: sharewizard profile --json
    """
    from sharewizard.walk.profile import load_profile, profile_path
    from sharewizard.walk.summary import profile_lines

    if ctx.invoked_subcommand is not None:
        return 0
    values = load_profile()
    if as_json:
        typer.echo(json_for_screen({"path": str(profile_path()), **values}))
        return 0
    catalogue = catalogue_of(ctx)
    for line in profile_lines(values, catalogue, profile_path()):
        env_of(ctx).out().print(line, soft_wrap=True)
    return 0


@profile_app.command("set", cls=HelpCommand)
@command
def profile_set(
    ctx: typer.Context,
    role: Annotated[
        str | None,
        typer.Option("--role", metavar="ROLE", help="Your role (see `profile`); '' removes it."),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", metavar="TEXT", help="Your organisation; '' removes it."),
    ] = None,
    practitioner: Annotated[
        str | None,
        typer.Option(
            "--practitioner",
            metavar="TEXT",
            help="Your name or role title, for the record; '' removes it.",
        ),
    ] = None,
) -> int:
    """Change your profile: only the values you give change.

    Example: sharewizard profile set --role dsl --practitioner 'Designated safeguarding lead'
    """
    from sharewizard.core.errors import Location, UsageError
    from sharewizard.walk.profile import checked, load_profile, save_profile
    from sharewizard.walk.summary import profile_lines

    given = {"role": role, "organisation": organisation, "practitioner": practitioner}
    if all(value is None for value in given.values()):
        raise UsageError(
            "give at least one of --role, --organisation, --practitioner.",
            Location(field="profile set"),
        )
    catalogue = catalogue_of(ctx)
    values = load_profile()
    for key, value in given.items():
        if value is not None:
            values[key] = checked(catalogue, key, value)
    path = save_profile(values)
    for line in profile_lines({k: v for k, v in values.items() if v}, catalogue, path):
        env_of(ctx).out().print(line, soft_wrap=True)
    return 0
