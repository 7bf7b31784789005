"""Everything that reaches into Typer's internals, in one file to re-read on a Typer upgrade.

`HelpCommand` and `HelpGroup` shape `--help` for people; `HelpGroup` also gives every parameter a
conversion without pydantic and loads a command's module only when that command runs (pip's
`commands_dict`, poetry's `COMMANDS`), from the table it is given (`LazyGroup`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from enum import Enum
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, cast

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from sharewizard.cli._root_options import anywhere_line, take_root_options
from sharewizard.core.text import preview

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
        sections = (("Arguments", arguments), ("Options", options))
        for title, rows in sections:
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The root options this command also takes (`decide --plain`), in one line."""
        anywhere_line(self, formatter)


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

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The root options this group also takes (`drafts --plain`), in one line."""
        anywhere_line(self, formatter)


class LazyGroup(HelpGroup):
    """The root group: each command's module is imported only when that command is looked up.

    Typer turns the signature of every command into a Click command before it parses anything,
    and a run needs one of them: so the root holds none, and `get_command` builds the one named
    from `table` (command name: module whose `app` defines it). `--help` and shell completion
    look every command up, and so load them all.
    """

    table: ClassVar[Mapping[str, str]] = {}
    #: The names of the root options also taken after the command (see `take_root_options`).
    anywhere: ClassVar[tuple[str, ...]] = ()

    @staticmethod
    def given_after(ctx: Any, name: str, value: Any) -> None:
        """Root option `name` was given after the command, with `value` (a default if not given)."""

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands in the table's order (the order `--help` shows)."""
        return [*self.table, *(name for name in self.commands if name not in self.table)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command `cmd_name`, built from its module on first use; None if there is none."""
        if cmd_name not in self.commands and cmd_name in self.table:
            module = importlib.import_module(self.table[cmd_name])
            built = typer.main.get_group(module.app).commands[cmd_name]
            anywhere = [p for p in self.params if p.name in self.anywhere]
            take_root_options(built, anywhere, self.given_after)
            plain_coercion(built, list(ctx.help_option_names))
            self.commands[cmd_name] = built
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The command `args` name; a mistyped name is matched against every command."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:  # Typer suggests from the commands built so far: none
            matches = get_close_matches(args[0], list(self.table)) if args else []
            if matches and "Did you mean" not in error.message:
                suggestions = ", ".join(repr(m) for m in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


def command_app() -> typer.Typer:
    """The Typer app a command module adds its commands to (`LazyGroup` takes them from it)."""
    return typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)


def group_app(help_text: str, **settings: Any) -> typer.Typer:
    """A command group (`drafts`, `keys`, `register`): help shown as every other command's."""
    return typer.Typer(cls=HelpGroup, help=help_text, rich_markup_mode=None, **settings)


def choices(name: str, values: Iterable[str]) -> type[Enum]:
    """An option's choices as Typer takes them (a str Enum), from the library's own list.

    So each list of formats is declared once, where it is implemented. (mypy cannot follow an
    Enum made from a list: modules that use one name it `Enum` for type checkers.)
    """
    return cast("type[Enum]", Enum(name, [(value, value) for value in values], type=str))
