"""What every command module shares: the error wrapper, the context's settings, option types."""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

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
        "--format", "-f", help="json (default), md (Markdown) or text (a case note to paste)."
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace existing files.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


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
