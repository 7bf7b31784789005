"""The `sharewizard` command line: Typer only, one module per command group, found in `COMMANDS`.

Each command parses its options, calls one library function and renders the result, inside
`options.command` (the one place that turns errors and interrupts into messages and exit codes).
A command's module is imported only when that command runs (`_typer.LazyGroup`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sharewizard import __version__
from sharewizard.cli._typer import LazyGroup
from sharewizard.cli.options import PlainOption, Settings, settings_of
from sharewizard.flowfiles.flowsdir import FLOWS_ENV
from sharewizard.walk.console import Env

#: Every command, in the order `--help` lists them, and the module whose `app` defines it.
COMMANDS = {
    "list": "sharewizard.cli.flows",
    "schema": "sharewizard.cli.authoring",
    "decide": "sharewizard.cli.decide",
    "note": "sharewizard.cli.records",
    "replay": "sharewizard.cli.replay",
    "verify": "sharewizard.cli.records",
    "lint": "sharewizard.cli.authoring",
    "factcheck": "sharewizard.cli.authoring",
    "cases": "sharewizard.cli.train",
    "train": "sharewizard.cli.train",
    "show": "sharewizard.cli.diagrams",
    "graph": "sharewizard.cli.diagrams",
    "drafts": "sharewizard.cli.drafts",
    "profile": "sharewizard.cli.profile",
    "keys": "sharewizard.cli.records",
    "register": "sharewizard.cli.register",
}


class Commands(LazyGroup):
    """The root group, loading each command from `COMMANDS` when it is looked up."""

    table = COMMANDS
    anywhere = ("flows", "plain", "traceback", "version")

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """After the commands: where the options go, and the environment variables."""
        from sharewizard.cli.manual import variables

        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text("The options above work before or after the command.")
        with formatter.section("Environment variables"):
            formatter.write_dl([(v.name, v.meaning) for v in variables()])

    @staticmethod
    def given_after(ctx: typer.Context, name: str, value: object) -> None:
        """A root option given after the command (`decide --plain`) joins the run's settings."""
        root = ctx.find_root()
        root.obj = settings_of(root).given(name, value)  # type: ignore[arg-type]


app = typer.Typer(
    cls=Commands,
    name="sharewizard",
    help=(
        "Decide whether, what and how to share information about a child and family when you "
        "have a safeguarding or welfare concern, and record the decision. Supports, and does "
        "not replace, your professional judgement and your safeguarding lead.\n\n"
        "Example: sharewizard decide"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sharewizard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    flows: Annotated[
        Path | None,
        typer.Option(
            "--flows",
            envvar=FLOWS_ENV,
            metavar="DIR",
            help="Use the flows in DIR instead of the ones shipped with sharewizard.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    plain: PlainOption = False,
    traceback: Annotated[bool, typer.Option("--traceback", hidden=True)] = False,
) -> None:
    """Options shared by every command."""
    ctx.obj = Settings(flows=flows, env=Env(plain_requested=plain), traceback=traceback)


def _bare_resume(args: list[str]) -> list[str]:
    """`decide --resume` with no value means: choose the draft from a list."""
    out: list[str] = []
    for index, arg in enumerate(args):
        out.append(arg)
        following = args[index + 1] if index + 1 < len(args) else None
        if arg == "--resume" and (following is None or following.startswith("-")):
            out.append("?")
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error becomes one message and an exit code, never a traceback."""
    import sys

    from sharewizard.cli.exits import exit_status_of
    from sharewizard.walk.console import tolerate_narrow_encodings

    tolerate_narrow_encodings()
    args = _bare_resume(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # the answer needs no command tree
        print(f"sharewizard {__version__}")
        sys.exit(0)

    def run() -> int:
        app(args=args, prog_name="sharewizard")
        return 0

    sys.exit(exit_status_of(run, Env(), "--traceback" in args))


__all__ = ["COMMANDS", "app", "main"]
