"""Shell completion of the names a person types: flow ids, case study ids and draft ids.

Each function gets the words typed so far (Typer's `autocompletion`) and returns the names that
start with the last one, with a few words saying what each is. They must be quick and quiet: a
name that cannot be listed (a broken flows folder, no drafts folder) is simply not offered.
"""

from __future__ import annotations

from pathlib import Path

import typer

Completion = list[tuple[str, str]]


def _flows_folder(ctx: typer.Context) -> Path | None:
    """The `--flows DIR` typed so far on the command line (before or after the command)."""
    from sharewizard.cli.options import settings_of

    before = ctx.find_root().params.get("flows")  # the root's own option
    return Path(before) if before else settings_of(ctx).flows  # given after: in the settings


def complete_flow(ctx: typer.Context, incomplete: str) -> Completion:
    """Flow ids, each with its title."""
    from sharewizard.cli.flows import flow_rows

    try:
        rows = flow_rows(_flows_folder(ctx))
    except Exception:  # completion never prints an error into the shell
        return []
    return [(str(r["id"]), str(r["title"])) for r in rows if str(r["id"]).startswith(incomplete)]


def complete_case_or_flow(ctx: typer.Context, incomplete: str) -> Completion:
    """The shipped case studies' ids (with the shipped flows), then flow ids."""
    from sharewizard.train.room import CASE_SUFFIXES, packaged_cases_dir

    cases: Completion = []
    if _flows_folder(ctx) is None:  # the shipped cases are written for the shipped flows
        folder = packaged_cases_dir()
        found = sorted(folder.glob("*")) if folder.is_dir() else []
        cases = [
            (p.stem, "case study")
            for p in found
            if p.suffix in CASE_SUFFIXES and p.stem.startswith(incomplete)
        ]
    return cases + complete_flow(ctx, incomplete)


def complete_draft(incomplete: str) -> Completion:
    """Draft ids, newest first."""
    from sharewizard.walk.drafts import SUFFIX, drafts_dir

    try:
        found = sorted(drafts_dir().glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return []
    ids = [p.name.removesuffix(SUFFIX) for p in reversed(found)]
    return [(i, "draft") for i in ids if i.startswith(incomplete)]
