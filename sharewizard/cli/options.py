"""What every command module shares: the error wrapper, the context's settings, option types."""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from sharewizard.console import Env
from sharewizard.text import preview

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
    """The flows of this run (`--flows DIR` or the packaged ones).

    Flows already checked come from the cache without importing the loader (YAML, JSON Schema);
    any other folder is loaded and checked.
    """
    from sharewizard.catalogue_cache import load_known_good
    from sharewizard.flowsdir import default_flows_dir

    directory = (ctx.find_root().obj or {}).get("flows") or default_flows_dir()
    known = load_known_good(directory)
    if known is not None:
        return known
    from sharewizard.loader import load_catalogue

    return load_catalogue(directory)


SignKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--sign-key",
        envvar="SHAREWIZARD_SIGNING_KEY",
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


# --- parameter coercion without pydantic -------------------------------------------------------
# Typer (0.2x) converts every non-flag parameter through a pydantic TypeAdapter, even one left at
# its default; importing pydantic and building the adapters costs about 70 ms, more than Typer
# itself, on every command. Our parameters are text, paths, whole numbers, enums and lists of
# them, so `HelpGroup` (the root group) gives those a plain conversion (paths through Typer's own
# checks); anything else, or a Typer without these internals, keeps Typer's conversion.


_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"", "0", "false", "f", "no", "n", "off"}


def _flag(value: Any) -> bool:
    """A flag's value: a bool, or a word such as `true`/`0` from an environment variable."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    word = str(value).strip().lower()
    if word not in _TRUE | _FALSE:
        raise ValueError(f"{preview(value)} is not true or false.")
    return word in _TRUE


def _convert(annotation: Any) -> Callable[[Any], Any] | None:
    """A plain converter for one CLI value of `annotation`, or None to leave it to Typer."""
    if annotation is str:
        return str
    if annotation is bool:
        return _flag
    if annotation is int:

        def whole_number(value: Any) -> int:
            if isinstance(value, int):
                return value
            try:
                return int(str(value).strip())
            except ValueError:
                raise ValueError(f"{preview(value)} is not a whole number.") from None

        return whole_number
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members = {str(m.value): m for m in annotation}

        def member(value: Any) -> Any:
            if isinstance(value, annotation):
                return value
            if str(value) not in members:
                allowed = ", ".join(repr(v) for v in members)
                raise ValueError(f"{preview(value)} is not one of {allowed}.")
            return members[str(value)]

        return member
    return None


try:  # Typer's internals as of 0.2x; with any other Typer, its own conversion stays
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover
    RuntimeParam = None  # type: ignore[assignment, misc]


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """Typer's runtime conversion of one parameter, done without pydantic."""

        convert: Callable[[Any], Any] = str
        many: bool = False  # a list: convert each value

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    return [self.convert(v) for v in value]
                return self.convert(value)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None
            except BadParameter as exc:  # from Typer's path checks: name the parameter
                raise BadParameter(exc.message, ctx=ctx, param=param) from None


def _plain_runtime(descriptor: Any) -> Any:
    """A pydantic-free runtime conversion for a Typer parameter, or None to keep Typer's."""
    info = descriptor.parameter_info
    annotation = descriptor.annotation
    if RuntimeParam is None or descriptor.file_annotation is not None or info.parser is not None:
        return None
    if info.min is not None or info.max is not None or not info.case_sensitive:
        return None  # ranges and case-blind choices: Typer's own conversion
    many = getattr(annotation, "__origin__", None) is list
    leaf = annotation.__args__[0] if many and len(annotation.__args__) == 1 else annotation
    if getattr(leaf, "__origin__", None) is not None:
        return None
    convert: Callable[[Any], Any] | None
    if isinstance(leaf, type) and issubclass(leaf, Path) and info.path_type is None:

        def convert(value: Any) -> Any:  # Typer's own checks (exists, readable...), no pydantic
            return coerce_cli_path(Path(value), info, path_type=leaf)

    else:
        convert = _convert(leaf)
    if convert is None:
        return None
    return PlainParam(parameter_info=info, annotation=annotation, convert=convert, many=many)


def plain_coercion(command: Any, help_names: list[str]) -> None:
    """Give `command`'s parameters, and its subcommands', the plain conversion where it fits.

    The help option is made here too (Typer makes it on first use, from the context's
    `help_option_names`), so that it is converted the same way.
    """
    if help_names and getattr(command, "add_help_option", False):
        command.get_help_option(SimpleNamespace(help_option_names=help_names))
    for param in [*command.params, getattr(command, "_help_option", None)]:
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            param._runtime_param = _plain_runtime(param.type_descriptor)
    for sub in (getattr(command, "commands", None) or {}).values():
        plain_coercion(sub, help_names)


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
    """A group: help with its example on its own line; every parameter under it plainly converted.

    The example is kept as `HelpCommand` keeps it; the conversion is `plain_coercion`.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse with `plain_coercion` in place for every parameter.

        Not in `__init__`: Typer adds its completion options after making the group.
        """
        plain_coercion(self, list(ctx.help_option_names))
        return super().parse_args(ctx, args)

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        """The description, then the example on its own line."""
        HelpCommand.format_help_text(self, ctx, formatter)  # type: ignore[arg-type]


# --- building only the command that runs -------------------------------------------------------

ROOT_OPTIONS_WITH_VALUE = ("--flows",)


def command_word(args: list[str]) -> str | None:
    """The command a command line names: its first argument that is not a root option."""
    index = 0
    while index < len(args) and args[index] != "--":
        if not args[index].startswith("-"):
            return args[index]
        index += 2 if args[index] in ROOT_OPTIONS_WITH_VALUE else 1
    return None


def app_for(app: typer.Typer, args: list[str]) -> typer.Typer:
    """`app` with only the command (or group of commands) that `args` name, when they name one.

    Typer turns the signature of every command into a Click command before it parses anything
    (about 9 ms for ours), and a run needs one of them. Without a known command word (`-h`, a
    mistyped name, shell completion) the whole app is used, so help and errors are unchanged.
    """
    from typer.main import get_command_name

    word = command_word(args)
    commands = [
        c
        for c in app.registered_commands
        if c.callback and (c.name or get_command_name(c.callback.__name__)) == word
    ]
    groups = [g for g in app.registered_groups if g.name == word]
    if not commands and not groups:
        return app
    only = copy.copy(app)
    only.registered_commands = commands
    only.registered_groups = groups
    return only
