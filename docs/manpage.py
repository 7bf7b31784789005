"""The man-page sections of a command's page: SYNOPSIS, OPTIONS, EXIT STATUS, ENVIRONMENT, FILES.

They are read from the code; `gen_commands.py` adds EXAMPLES, from real runs. The synopsis and
options come from the command line itself (what `--help` shows), the rest from
`sharewizard/cli/manual.py`, so a page cannot drift from the program.
"""

from __future__ import annotations

import inspect
from typing import Any


def _root() -> tuple[Any, Any]:
    import typer

    from sharewizard.cli import app

    root = typer.main.get_command(app)
    return root, typer.Context(root, info_name="sharewizard")


def _commands(name: str) -> list[tuple[str, Any, Any]]:
    """The command `name` as people run it: (words after `sharewizard`, command, its context).

    A group's subcommands each count; the group itself too when it runs alone (`drafts`).
    """
    import typer

    root, root_ctx = _root()
    command = root.get_command(root_ctx, name)
    ctx = typer.Context(command, info_name=name, parent=root_ctx)
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [(name, command, ctx)]
    found = [(name, command, ctx)] if command.invoke_without_command else []
    for sub_name in command.list_commands(ctx):
        sub = command.get_command(ctx, sub_name)
        if sub is not None and not sub.hidden:
            sub_ctx = typer.Context(sub, info_name=sub_name, parent=ctx)
            found.append((f"{name} {sub_name}", sub, sub_ctx))
    return found


def _synopsis(words: str, command: Any, ctx: Any) -> str:
    pieces = command.collect_usage_pieces(ctx)
    if getattr(command, "commands", None):  # a group run alone: its own options only
        pieces = [p for p in pieces if p == "[OPTIONS]"]
    return " ".join(["sharewizard", words, *pieces])


def _options(command: Any, ctx: Any) -> list[str]:
    from sharewizard.cli._typer import _argument_name

    rows = []
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            rows.append((_argument_name(param), getattr(param, "help", None) or ""))
        elif "--help" not in param.opts:
            record = param.get_help_record(ctx)
            if record is not None:
                rows.append(record)
    return [f"- `{names}`: {' '.join(help_text.split())}" for names, help_text in rows]


def sections(name: str) -> list[str]:
    """The Markdown lines of SYNOPSIS, OPTIONS, EXIT STATUS, ENVIRONMENT and FILES of `name`."""
    from sharewizard.cli.manual import exits_of, files_of, variables_of

    commands = _commands(name)
    out = ["## SYNOPSIS", "", "```"]
    out += [_synopsis(words, command, ctx) for words, command, ctx in commands]
    out += ["```", "", "## OPTIONS", ""]
    for words, command, ctx in commands:
        if len(commands) > 1:
            out += [f"### sharewizard {words}", "", _summary(command), ""]
        out += [*(_options(command, ctx) or ["No options but the global ones."]), ""]
    out += [
        "Global options, before or after the command: `--flows DIR` (use the flows in DIR) and "
        "`--plain` (plain mode: no colour, boxes or menus); `-h`, `--help` shows the help.",
        "",
        "## EXIT STATUS",
        "",
        "| code | meaning |",
        "|---|---|",
        *[f"| {code} | {meaning} |" for code, meaning in exits_of(name)],
        "",
        "## ENVIRONMENT",
        "",
        "| variable | what it does |",
        "|---|---|",
        *[f"| `{v.name}` | {v.meaning} |" for v in variables_of(name)],
        "",
        "## FILES",
        "",
        *[f"- `{path}`: {what}" for path, what in files_of(name)],
    ]
    return out


def _summary(command: Any) -> str:
    """The first paragraph of a command's help."""
    return inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")


def example(name: str) -> str:
    """The example line of the command's help (`sharewizard decide ...`)."""
    _, command, _ = _commands(name)[0]
    text = inspect.cleandoc(command.help or "")
    return text.partition("Example: ")[2].splitlines()[0] if "Example: " in text else ""
