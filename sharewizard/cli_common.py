"""What every command module shares: the error wrapper, the context's settings, option types."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from sharewizard.console import Env

F = TypeVar("F", bound=Callable[..., Any])


class Format(str, Enum):
    """Record formats."""

    json = "json"
    md = "md"
    text = "text"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="json (default), md (Markdown) or text (a case note to paste).",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace existing files.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="No colour, boxes or menus: one line per question, answered by typing (for screen "
        "readers; also when TERM=dumb, ACCESSIBLE is set or output is not a terminal).",
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="At the end, say only where the record went.")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="At the end, show every answer and field too.")
]


def command(func: F) -> F:
    """Run a command body; map its status, errors and interrupts to the documented exit codes."""

    @functools.wraps(func)
    def run(ctx: typer.Context, *args: Any, **kwargs: Any) -> None:
        from sharewizard.exits import exit_status_of

        settings = ctx.find_root().obj or {}
        env = settings.get("env") or Env()
        status = exit_status_of(
            lambda: func(ctx, *args, **kwargs), env, bool(settings.get("traceback"))
        )
        if status:
            raise typer.Exit(status)

    return run  # type: ignore[return-value]


def env_of(ctx: typer.Context) -> Env:
    """The terminal this run talks to."""
    found = (ctx.find_root().obj or {}).get("env")
    return found if isinstance(found, Env) else Env()


def catalogue_of(ctx: typer.Context) -> Any:
    """The flows of this run (`--flows DIR` or the packaged ones)."""
    from sharewizard.loader import load_catalogue

    return load_catalogue((ctx.find_root().obj or {}).get("flows"))


SignKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--sign-key",
        envvar="SHAREWIZARD_SIGNING_KEY",
        metavar="FILE",
        help="Sign each record with this private key (see `keys new`).",
    ),
]


def _readable_help(text: str) -> str:
    """The docstring with its "Example:" paragraph kept on its own lines (never rewrapped)."""
    body, found, example = text.partition("\n\nExample:")
    return f"{body}\n\n\b\nExample:{example}" if found else text


def _argument_name(param: Any) -> str:
    """An argument as a person reads it: `RECORD...`, never `{RECORD...}...` or `<list[str]>`."""
    name = str(param.metavar or param.name.upper())
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name


class HelpCommand(TyperCommand):
    """`--help` for people: arguments by name without Python type names, the example kept whole.

    Every command passes `cls=HelpCommand`; tests/golden/help holds what each one shows.
    """

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        """The description, then the example on its own line."""
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_readable_help(text))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] RECORD...` and `[FLOW]`: required arguments bare, optional ones bracketed."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments with their help (no type), then the options as Typer shows them."""
        params = self.get_params(ctx)
        arguments = [
            (_argument_name(p), getattr(p, "help", None) or "")
            for p in params
            if p.param_type_name == "argument" and not getattr(p, "hidden", False)
        ]
        options = [
            record
            for p in params
            if p.param_type_name == "option" and (record := p.get_help_record(ctx)) is not None
        ]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class HelpGroup(TyperGroup):
    """A command group whose help keeps its example on its own line, like `HelpCommand`."""

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        """The description, then the example on its own line."""
        HelpCommand.format_help_text(self, ctx, formatter)  # type: ignore[arg-type]
