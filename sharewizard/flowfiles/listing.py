"""The rows of `sharewizard list`, read from the cache when the flows are known good.

`list` is what scripts and shell completions run: it should cost little more than starting
Python. Its rows (one per flow) are kept as JSON beside each checked catalogue in the cache, so a
known-good flows folder is listed without loading the flows loader or unpickling the catalogue,
and, in plain mode (a pipe, a file, `--plain`), printed without Rich.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard.text import for_screen, json_for_screen

if TYPE_CHECKING:
    from sharewizard.console import Env
    from sharewizard.model import Catalogue

FlowRow = dict[str, Any]  # the objects of `list --json`
GAP = "  "


def rows_of(catalogue: Catalogue) -> list[FlowRow]:
    """One row per flow, in FAQ order (flows outside the FAQ first, by id)."""
    flows = sorted(catalogue.flows.values(), key=lambda f: (f.faq.number or 0, f.id))
    return [
        {
            "id": f.id,
            "version": f.version,
            "title": f.title,
            "faq": f.faq.number,
            "faq_question": f.faq.question,
            "path": str(f.path),
        }
        for f in flows
    ]


def flow_rows(directory: Path | None) -> list[FlowRow]:
    """The rows for a flows folder (`None`: the default one), checking the flows when not cached.

    Errors are the loader's: a folder that is missing or holds a broken flow is never listed.
    """
    from sharewizard import catalogue_cache
    from sharewizard.flowsdir import default_flows_dir

    folder = directory or default_flows_dir()
    if folder.is_dir():
        rows = catalogue_cache.load_rows(folder.resolve())
        if rows is not None:
            return rows
    from sharewizard.loader import load_catalogue

    return rows_of(load_catalogue(folder))


def show_rows(rows: list[FlowRow], env: Env, *, as_json: bool) -> None:
    """Print the rows: JSON, a plain table (a pipe, a log, a screen reader) or a Rich one."""
    if as_json:
        env.stdout.write(json_for_screen(rows) + "\n")
    elif env.plain:  # no Rich needed, nor its start-up time
        env.stdout.write(text_table(rows, screen_width(env.environ, env.stdout_is_tty)))
    else:
        from sharewizard.summary import flow_table

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
