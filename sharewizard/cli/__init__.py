"""The `sharewizard` command line: parse options, call one library function, render the result.

Every command body runs inside `command`, the one place that turns errors and interrupts into
messages and exit codes; commands return an exit status.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sharewizard import __version__
from sharewizard.cli_common import (
    ForceOption,
    FormatOption,
    HelpCommand,
    HelpGroup,
    JsonOption,
    PlainOption,
    QuietOption,
    RegisterOption,
    SignKeyOption,
    VerboseOption,
    app_for,
    catalogue_of,
    command,
    env_of,
)
from sharewizard.console import Env

app = typer.Typer(
    cls=HelpGroup,
    name="sharewizard",
    help=(
        "Decide whether, what and how to share information about a child and family when you "
        "have a safeguarding or welfare concern, and record the decision. Supports, and does "
        "not replace, your professional judgement and your safeguarding lead.\n\n"
        "Example: sharewizard decide"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sharewizard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    flows: Annotated[
        Path | None,
        typer.Option(
            "--flows",
            envvar="SHAREWIZARD_FLOWS",
            metavar="DIR",
            help="Use the flows in DIR instead of the ones shipped with sharewizard.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    plain: PlainOption = False,
    traceback: Annotated[bool, typer.Option("--traceback", hidden=True)] = False,
) -> None:
    """Options shared by every command."""
    ctx.obj = {"flows": flows, "traceback": traceback, "env": Env(plain_requested=plain)}


@app.command("list", cls=HelpCommand)
@command
def list_flows(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """List the flows: id, FAQ question number and title.

    Example: sharewizard list --json
    """
    from sharewizard.listing import flow_rows, show_rows

    show_rows(flow_rows((ctx.find_root().obj or {}).get("flows")), env_of(ctx), as_json=as_json)
    return 0


class SchemaName(str, Enum):
    """Published schemas."""

    flow = "flow"
    record = "record"
    answers = "answers"


@app.command(cls=HelpCommand)
@command
def schema(
    ctx: typer.Context,
    name: Annotated[SchemaName, typer.Argument(help="flow, record or answers.")],
) -> int:
    """Print the JSON Schema of a flow file, a decision record or an answers file.

    Example: sharewizard schema answers
    """
    from sharewizard.loader import schema as published

    typer.echo(json.dumps(published(name.value), indent=2, ensure_ascii=False))
    return 0


@app.command(cls=HelpCommand)
@command
def decide(
    ctx: typer.Context,
    flow: Annotated[
        str | None,
        typer.Argument(help="Flow id (see `list`). Without it, triage questions pick the flows."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", metavar="FILE", help="Take every answer from FILE: no prompts."),
    ] = None,
    resume: Annotated[
        str | None,
        typer.Option(
            "--resume",
            metavar="DRAFT",
            help="Continue a draft (an id from `drafts`, or a file); alone, choose from a list.",
        ),
    ] = None,
    fmt: FormatOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="PATH", help="Where to write the record."),
    ] = None,
    save_answers: Annotated[
        Path | None,
        typer.Option("--save-answers", metavar="PATH", help="Where to save the answers file."),
    ] = None,
    practice: Annotated[
        bool,
        typer.Option("--practice", help="Learn the tool: no record (a stopped walk is a draft)."),
    ] = False,
    force: ForceOption = False,
    sign_key: SignKeyOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> int:
    """Walk a flow, see the outcome and write a decision record.

    Example: sharewizard decide share-without-consent --out decision.md
    """
    from sharewizard.commands import plan_decide, render_written, run_decide

    plan = plan_decide(
        catalogue_of(ctx), flow, answers, resume, fmt.value if fmt else None, out, save_answers,
        practice=practice, force=force, sign_key=sign_key, env=env_of(ctx),
        detail="quiet" if quiet else "verbose" if verbose else "normal",
    )  # fmt: skip
    written = run_decide(plan, env_of(ctx))
    render_written(written, plan, env_of(ctx))
    return 0


@app.command(cls=HelpCommand)
@command
def note(
    ctx: typer.Context,
    record: Annotated[Path, typer.Argument(metavar="RECORD", help="A JSON or Markdown record.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", metavar="PATH", help="Write the note to PATH.")
    ] = None,
    force: ForceOption = False,
) -> int:
    """Turn a record into a plain-text case note for your agency's own recording system.

    Example: sharewizard note decision.json > note.txt
    """
    from sharewizard.errors import Location, TamperedRecord
    from sharewizard.files import write_private
    from sharewizard.records import load_valid_record, verify
    from sharewizard.render import to_text
    from sharewizard.text import for_screen

    loaded = load_valid_record(record)
    if not verify(loaded):
        raise TamperedRecord(
            "the checksum does not match: the record was changed after it was written, so no "
            "case note was made from it.",
            Location(record),
            "Check it with `verify`, and make the note from the original.",
        )
    text = to_text(loaded)
    if out is None:
        typer.echo(for_screen(text), nl=False)  # bidi overrides shown, as in every summary
    else:
        write_private(out, text, force=force)
        env_of(ctx).err().print(f"Case note written to {out}", markup=False, soft_wrap=True)
    return 0


@app.command(cls=HelpCommand)
@command
def replay(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...", help="Answers files, folders, or - to read paths from stdin."
        ),
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", metavar="DIR", help="Write a record per file into DIR."),
    ] = None,
    fmt: FormatOption = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", metavar="N", help="Files at once (default: CPUs).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Compare outcomes with each file's `expect`.")
    ] = False,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    timestamp: Annotated[
        str | None,
        typer.Option(
            "--timestamp", metavar="TIME", help="Pin created_at, e.g. 2026-01-01T00:00:00Z."
        ),
    ] = None,
    force: ForceOption = False,
    sign_key: SignKeyOption = None,
    register: RegisterOption = None,
) -> int:
    """Replay recorded answers files into decision records, in bulk.

    Example: sharewizard replay examples/cases --check
    """
    from sharewizard.commands import run_replay

    return run_replay(
        catalogue_of(ctx), paths, out_dir=out_dir, fmt=fmt.value if fmt else "json",
        jobs=jobs, check=check, as_json=as_json, quiet=quiet, timestamp=timestamp,
        force=force, sign_key=sign_key, register=register, env=env_of(ctx),
    )  # fmt: skip


def _register_commands() -> None:
    """Commands that live in modules of their own."""
    from sharewizard import cli_author, cli_drafts, cli_integrity, cli_register, cli_train

    # drafts; verify, keys new; lint, factcheck; cases, train, show, graph; register ...
    for module in (cli_drafts, cli_integrity, cli_author, cli_train, cli_register):
        module.register(app)


_register_commands()


def _bare_resume(args: list[str]) -> list[str]:
    """`decide --resume` with no value means: choose the draft from a list."""
    out: list[str] = []
    for index, arg in enumerate(args):
        out.append(arg)
        following = args[index + 1] if index + 1 < len(args) else None
        if arg == "--resume" and (following is None or following.startswith("-")):
            out.append("?")
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error becomes one message and an exit code, never a traceback."""
    import sys

    from sharewizard.console import tolerate_narrow_encodings
    from sharewizard.exits import exit_status_of

    tolerate_narrow_encodings()
    args = _bare_resume(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # the answer needs no command tree (Typer builds it all)
        print(f"sharewizard {__version__}")
        sys.exit(0)

    def run() -> int:
        app_for(app, args)(args=args, prog_name="sharewizard")
        return 0

    sys.exit(exit_status_of(run, Env(), "--traceback" in args))


__all__ = ["app", "command", "main"]
