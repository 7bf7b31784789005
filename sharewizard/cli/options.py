"""What every command module shares: the options declared once, the run's settings, the wrapper.

Every command body runs inside `command`, the one place that turns errors and interrupts into
messages and exit codes; commands return an exit status.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from sharewizard.cli._typer import choices
from sharewizard.records.render import FORMATS
from sharewizard.walk.console import Env

F = TypeVar("F", bound=Callable[..., Any])


if TYPE_CHECKING:
    Format = Enum
else:
    Format = choices("Format", FORMATS)
_DESCRIBED = [f.described for f in FORMATS.values()]

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"{', '.join(_DESCRIBED[:-1])} or {_DESCRIBED[-1]}.",
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


@dataclass(frozen=True)
class Settings:
    """What the root options say for the whole run; the root context's `obj`."""

    flows: Path | None = None  # --flows DIR (None: $SHAREWIZARD_FLOWS or the shipped flows)
    env: Env = field(default_factory=Env)  # the terminal this run talks to (--plain)
    traceback: bool = False  # --traceback (hidden): show the traceback of an error

    def given(self, name: str, value: Any) -> Settings:
        """These settings with root option `name` given again after the command.

        An option left out there (its default: None or False) changes nothing.
        """
        if value is None or value is False:
            return self
        if name == "plain":
            return dataclasses.replace(
                self, env=dataclasses.replace(self.env, plain_requested=True)
            )
        return dataclasses.replace(self, **{name: value})


def settings_of(ctx: typer.Context) -> Settings:
    """The settings of this run (the defaults when a command runs without the root)."""
    found = ctx.find_root().obj
    return found if isinstance(found, Settings) else Settings()


def command(func: F) -> F:
    """Run a command body; map its status, errors and interrupts to the documented exit codes."""

    @functools.wraps(func)
    def run(ctx: typer.Context, *args: Any, **kwargs: Any) -> None:
        from sharewizard.cli.exits import exit_status_of

        settings = settings_of(ctx)
        status = exit_status_of(
            lambda: func(ctx, *args, **kwargs), settings.env, settings.traceback
        )
        if status:
            raise typer.Exit(status)

    return run  # type: ignore[return-value]


def env_of(ctx: typer.Context) -> Env:
    """The terminal this run talks to."""
    return settings_of(ctx).env


def catalogue_of(ctx: typer.Context) -> Any:
    """The flows of this run (`--flows DIR` or the packaged ones).

    Flows already checked come from the cache without importing the loader (YAML, JSON Schema);
    any other folder is loaded and checked.
    """
    from sharewizard.flowfiles.catalogue_cache import load_known_good
    from sharewizard.flowfiles.flowsdir import default_flows_dir

    directory = settings_of(ctx).flows or default_flows_dir()
    known = load_known_good(directory)
    if known is not None:
        return known
    from sharewizard.flowfiles.loader import load_catalogue

    return load_catalogue(directory)


SIGNING_KEY_ENV = "SHAREWIZARD_SIGNING_KEY"
SignKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--sign-key",
        envvar=SIGNING_KEY_ENV,
        metavar="FILE",
        help="Sign each record with this private key (see `keys new`).",
    ),
]

RegisterOption = Annotated[
    str | None,
    typer.Option(
        "--register",
        metavar="DB",
        help="Also add the records to the register DB (a file or postgresql://...), in batches.",
    ),
]


def signing_key(option: Path | None) -> Any:
    """The private key `--sign-key` (or its variable) names, loaded before anything runs."""
    if option is None:
        return None  # unsigned: cryptography need not even be imported
    from sharewizard.records.signing import load_private_key

    return load_private_key(option)
