"""`sharewizard list`: the flows, read from the cache when the flows are known good.

In plain mode (a pipe, a file, `--plain`) the rows are printed without Rich.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import typer

from sharewizard.cli._typer import HelpCommand, command_app
from sharewizard.cli.options import JsonOption, command, env_of, settings_of
from sharewizard.core.text import for_screen, json_for_screen
from sharewizard.flowfiles.listing import FlowRow, rows_of
from sharewizard.walk.console import Env

app = command_app()
GAP = "  "


@app.command("list", cls=HelpCommand)
@command
def list_flows(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """List the flows: id, FAQ question number and title.

    Example: sharewizard list --json
    """
    show_rows(flow_rows(settings_of(ctx).flows), env_of(ctx), as_json=as_json)
    return 0


def flow_rows(directory: Path | None) -> list[FlowRow]:
    """The rows for a flows folder (`None`: the default one), checking the flows when not cached.

    Errors are the loader's: a folder that is missing or holds a broken flow is never listed.
    """
    from sharewizard.flowfiles import catalogue_cache
    from sharewizard.flowfiles.flowsdir import default_flows_dir

    folder = directory or default_flows_dir()
    if folder.is_dir():
        rows = catalogue_cache.load_rows(folder.resolve())
        if rows is not None:
            return rows
    from sharewizard.flowfiles.loader import load_catalogue

    return rows_of(load_catalogue(folder))


def show_rows(rows: list[FlowRow], env: Env, *, as_json: bool) -> None:
    """Print the rows: JSON, a plain table (a pipe, a log, a screen reader) or a Rich one."""
    if as_json:
        env.stdout.write(json_for_screen(rows) + "\n")
    elif env.plain:  # no Rich needed, nor its start-up time
        env.stdout.write(text_table(rows, screen_width(env.environ, env.stdout_is_tty)))
    else:
        from sharewizard.walk.summary import flow_table

        env.out().print(flow_table(rows))


def text_table(rows: list[FlowRow], width: int) -> str:
    """The rows as plain text: FAQ number, flow id and title (wrapped), columns apart by spaces.

    What a screen reader, a pipe or a log gets: no box lines, no escape codes.
    """
    faq = [str(r["faq"] or "–") for r in rows]
    ids = [for_screen(str(r["id"])) for r in rows]
    faq_width = max(len("FAQ"), *map(len, faq))
    id_width = max(len("Flow id"), *map(len, ids))
    title_width = max(10, width - faq_width - id_width - 2 * len(GAP) - 1)
    lead = " " * (faq_width + len(GAP) + id_width + len(GAP))
    lines = [f"{'FAQ':>{faq_width}}{GAP}{'Flow id':<{id_width}}{GAP}Title"]
    for number, flow_id, row in zip(faq, ids, rows, strict=True):
        title = textwrap.wrap(for_screen(str(row["title"] or "")), title_width) or [""]
        lines.append(f"{number:>{faq_width}}{GAP}{flow_id:<{id_width}}{GAP}{title[0]}")
        lines += [lead + rest for rest in title[1:]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def screen_width(environ: Mapping[str, str], is_tty: bool) -> int:
    """Columns to fill: `$COLUMNS` when set, else the terminal's, else 80 (as Rich does)."""
    try:
        return max(40, int(environ.get("COLUMNS", "")))
    except ValueError:
        pass
    if is_tty:
        import shutil

        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80
