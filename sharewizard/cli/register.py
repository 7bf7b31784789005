"""The `register` commands: add, report, export, check and forget, over one register database.

Each parses its options, calls one function of `sharewizard.register.facade` and prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sharewizard.cli._typer import HelpCommand, choices, command_app, group_app
from sharewizard.cli.options import ForceOption, command, env_of
from sharewizard.core.errors import ExitStatus
from sharewizard.register import render
from sharewizard.walk.console import Env

app = command_app()
register_app = group_app(
    "A register of many decision records: add, report, export, check, forget. An SQLite file in "
    "your data folder, or a PostgreSQL server for a partnership.\n\n"
    "Example: sharewizard register add records/ && sharewizard register report",
    no_args_is_help=True,
)
app.add_typer(register_app, name="register")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="DB",
        help="The register: a file, or a postgresql:// address (default: $SHAREWIZARD_DB, "
        "else register.sqlite3 in your data folder).",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", metavar="PATH", help="Write to PATH (owner-only), not stdout."),
]


if TYPE_CHECKING:
    ReportFormat = Enum
    ExportFormat = Enum
else:
    ReportFormat = choices("ReportFormat", render.REPORT_FORMATS)
    ExportFormat = choices("ExportFormat", render.EXPORT_FORMATS)


def _line(env: Env, text: str, *, err: bool = False) -> None:
    from sharewizard.core.text import for_screen

    console = env.err() if err else env.out()
    console.print(for_screen(text), markup=False, highlight=False, soft_wrap=True)


def _write(env: Env, chunks: Iterable[str], out: Path | None, force: bool) -> None:
    """Text to standard output, or to `out` written whole, owner-only, or not at all."""
    if out is None:
        for chunk in chunks:
            env.stdout.write(chunk)
        return
    from sharewizard.disk.files import start_private_write

    pending = start_private_write(out, "", force=force)
    try:
        for chunk in chunks:
            data = memoryview(chunk.encode("utf-8"))
            while data:
                data = data[os.write(pending.fd, data) :]
    except BaseException:
        pending.discard()
        raise
    pending.finish()
    _line(env, f"Written to {out}", err=True)


@register_app.command("add", cls=HelpCommand)
@command
def add(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...", help="Records (.json, .md), folders, or - to read paths from stdin."
        ),
    ],
    db: DbOption = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            metavar="PUBKEY",
            help="Check signatures with this public key (repeat for several); unsigned records "
            "and records signed by other keys then go to the quarantine.",
        ),
    ] = None,
) -> int:
    """Verify records and add each to the register once; quarantine any that fail.

    Exit 0 when every file was added (or was there already), 1 if any went to the quarantine,
    2 if a path names nothing.

    Example: sharewizard register add records/
    """
    from sharewizard.register.facade import add_files

    env = env_of(ctx)
    done = add_files(db, paths, env.stdin, trust or ())
    for item in done.added.quarantined:
        _line(env, f"quarantined {item.source}: {item.state.upper()}: {item.reason}")
    for path in done.not_found:
        _line(env, f"error {path}: no such file or folder.", err=True)
    _line(env, done.added.summary(done.register))
    if done.not_found:
        return ExitStatus.BAD_INPUT
    return ExitStatus.CHECK_FAILED if done.added.quarantined else ExitStatus.OK


@register_app.command("report", cls=HelpCommand)
@command
def report(
    ctx: typer.Context,
    db: DbOption = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="table (default), json, csv or html (with charts)."),
    ] = ReportFormat("table"),
    due: Annotated[
        int,
        typer.Option(
            "--due", metavar="DAYS", help="A decision for now is an open loop after DAYS."
        ),
    ] = 14,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Report as it stood at DATE (default: now)."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", metavar="N", help="List at most N items of each kind (0: all)."),
    ] = 20,
    out: OutOption = None,
    force: ForceOption = False,
) -> int:
    """Count the decisions in the register; show completeness and open loops.

    Counts by decision, outcome, flow, organisation, role and month; the share of records
    leaving each required field empty; decisions for now (family not told yet, seek advice,
    revise before sharing) past --due with nothing later in the same case; sittings missing a
    part; quarantined files. Training and forgotten records are not counted.

    Example: sharewizard register report --format html --out report.html
    """
    from sharewizard.register.facade import report_text

    env = env_of(ctx)
    shown = report_text(db, fmt.value, due_days=due, as_of=as_of, limit=limit, boxed=not env.plain)
    if fmt.value == "table" and out is None:
        for part in shown:
            env.out().print(part)
        return 0
    if fmt.value == "table":
        from sharewizard.register.render import as_text

        shown = as_text(shown)
    _write(env, [shown], out, force)
    return 0


@register_app.command("export", cls=HelpCommand)
@command
def export(
    ctx: typer.Context,
    db: DbOption = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="csv: a row per record; jsonl: every record whole, a line each."
        ),
    ] = ExportFormat("csv"),
    out: OutOption = None,
    force: ForceOption = False,
) -> int:
    """Export the register: its rows as CSV, or its records as JSON Lines.

    Example: sharewizard register export --format jsonl --out records.jsonl
    """
    from sharewizard.register.facade import export_chunks

    _write(env_of(ctx), export_chunks(db, fmt.value), out, force)
    return 0


@register_app.command("check", cls=HelpCommand)
@command
def check(ctx: typer.Context, db: DbOption = None) -> int:
    """Recompute the ledger and compare it with every record in the register.

    Names any ledger entry removed or changed, any record removed without `register forget`,
    added behind the ledger's back, or whose content no longer matches its checksum.
    Exit 0 when all match, 1 if anything does not.

    Example: sharewizard register check
    """
    from sharewizard.register.facade import check_register

    env = env_of(ctx)
    name, found = check_register(db)
    for problem in found.problems:
        _line(env, f"PROBLEM {problem}")
    last = f", the last {found.last_hash}" if found.last_hash else ""
    count = len(found.problems)
    verdict = f"{count} problem{'' if count == 1 else 's'} found" if count else "all match"
    _line(env, f"{name}: ledger of {found.entries} entries{last}; {found.records} records; "
          f"{verdict}.")  # fmt: skip
    return ExitStatus.CHECK_FAILED if found.problems else ExitStatus.OK


@register_app.command("forget", cls=HelpCommand)
@command
def forget(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(metavar="RECORD_ID", help="The record's id.")],
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            metavar="TEXT",
            help="Why, for the ledger (no names: a request's reference).",
        ),
    ],
    db: DbOption = None,
) -> int:
    """Forget a record (an erasure request): its content goes; the ledger says when and why.

    Example: sharewizard register forget 0b5e...c1 --reason "erasure request ER-2026-14"
    """
    from sharewizard.register.facade import forget_record

    name, entry = forget_record(db, record_id, reason)
    _line(
        env_of(ctx),
        f"Forgot record {entry.record_id} in {name}: its content is gone; ledger entry "
        f"{entry.seq} keeps when ({entry.at}) and why.",
    )
    return 0
