"""The `sharewizard` command line: parse options, call one library function, render the result.

Every command body runs inside `command`, the one place that turns errors and interrupts into
messages and exit codes; commands return an exit status.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from sharewizard import __version__
from sharewizard.console import Env
from sharewizard.errors import ExitStatus, Location, UsageError

app = typer.Typer(
    name="sharewizard",
    help=(
        "Decide whether, what and how to share information about a child and family when you "
        "have a safeguarding or welfare concern, and record the decision. Supports, and does "
        "not replace, your professional judgement and your safeguarding lead."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
schema_app = typer.Typer(help="Print a published JSON Schema.", no_args_is_help=True)
drafts_app = typer.Typer(
    help="Walks stopped part way, kept until their record is written.", invoke_without_command=True
)
app.add_typer(schema_app, name="schema")
app.add_typer(drafts_app, name="drafts")

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


def _env(ctx: typer.Context) -> Env:
    found = (ctx.find_root().obj or {}).get("env")
    return found if isinstance(found, Env) else Env()


def _catalogue(ctx: typer.Context) -> Any:
    from sharewizard.loader import load_catalogue

    return load_catalogue((ctx.find_root().obj or {}).get("flows"))


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
    traceback: Annotated[bool, typer.Option("--traceback", hidden=True)] = False,
) -> None:
    """Options shared by every command."""
    ctx.obj = {"flows": flows, "traceback": traceback, "env": Env()}


@app.command("list")
@command
def list_flows(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """List the flows: id, FAQ question number and title.

    Example: sharewizard list --json
    """
    from sharewizard.summary import flow_table, flows_json

    catalogue = _catalogue(ctx)
    if as_json:
        typer.echo(json.dumps(flows_json(catalogue), indent=2, ensure_ascii=False))
    else:
        _env(ctx).out().print(flow_table(catalogue))
    return 0


@schema_app.command("flow")
@command
def schema_flow(ctx: typer.Context) -> int:
    """The flow file format."""
    return _print_schema("flow")


@schema_app.command("record")
@command
def schema_record(ctx: typer.Context) -> int:
    """The JSON decision record format."""
    return _print_schema("record")


@schema_app.command("answers")
@command
def schema_answers(ctx: typer.Context) -> int:
    """The answers file format (YAML or JSON)."""
    return _print_schema("answers")


def _print_schema(name: str) -> int:
    from sharewizard.loader import schema

    typer.echo(json.dumps(schema(name), indent=2, ensure_ascii=False))
    return 0


@app.command()
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
            help="Continue a draft (an id from `drafts`, or a file); `--resume ?` lists them.",
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
        bool, typer.Option("--practice", help="Walk a flow to learn the tool: nothing is written.")
    ] = False,
    force: ForceOption = False,
) -> int:
    """Walk a flow, see the outcome and write a decision record.

    Example: sharewizard decide share-without-consent --out decision.md
    """
    from sharewizard.commands import plan_decide, render_written, run_decide

    plan = plan_decide(
        _catalogue(ctx), flow, answers, resume, fmt.value if fmt else None, out, save_answers,
        practice=practice, force=force, env=_env(ctx),
    )  # fmt: skip
    written = run_decide(plan, _env(ctx))
    render_written(written, plan, _env(ctx))
    return 0


@app.command()
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
    from sharewizard.files import write_private
    from sharewizard.records import load_record
    from sharewizard.render import to_text

    text = to_text(load_record(record))
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_private(out, text, force=force)
        _env(ctx).err().print(f"Case note written to {out}", markup=False, soft_wrap=True)
    return 0


@drafts_app.callback()
@command
def drafts_list(ctx: typer.Context, as_json: JsonOption = False) -> int:
    """List the drafts: id, flow, route, when started, questions answered.

    Example: sharewizard drafts --json
    """
    from sharewizard.drafts import list_drafts
    from sharewizard.summary import drafts_json, drafts_table

    if ctx.invoked_subcommand is not None:
        return 0
    found = list_drafts()
    if as_json:
        typer.echo(json.dumps(drafts_json(found), indent=2, ensure_ascii=False))
    elif not found:
        _env(ctx).err().print("No drafts.", markup=False)
    else:
        _env(ctx).out().print(drafts_table(found, _env(ctx).prog))
    return 0


@drafts_app.command("show")
@command
def drafts_show(ctx: typer.Context, draft: Annotated[str, typer.Argument(metavar="ID")]) -> int:
    """Print a draft (an answers file).

    Example: sharewizard drafts show share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.drafts import resolve

    path = resolve(draft)
    typer.echo(path.read_text(encoding="utf-8"), nl=False)
    return 0


@drafts_app.command("delete")
@command
def drafts_delete(ctx: typer.Context, draft: Annotated[str, typer.Argument(metavar="ID")]) -> int:
    """Delete a draft you no longer need.

    Example: sharewizard drafts delete share-without-consent-20261123T143000Z-1a2b
    """
    from sharewizard.drafts import delete, resolve

    path = resolve(draft)
    delete(path)
    _env(ctx).err().print(f"Deleted {path}", markup=False, soft_wrap=True)
    return 0


@app.command()
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
) -> int:
    """Replay recorded answers files into decision records, in bulk.

    Example: sharewizard replay examples/cases --check
    """
    from sharewizard.commands import run_replay

    return run_replay(
        _catalogue(ctx), paths, out_dir=out_dir, fmt=fmt.value if fmt else "json", jobs=jobs,
        check=check, as_json=as_json, quiet=quiet, timestamp=timestamp, force=force, env=_env(ctx),
    )  # fmt: skip


@app.command()
@command
def verify(
    ctx: typer.Context,
    records: Annotated[
        list[Path], typer.Argument(metavar="RECORD...", help="Decision records (.json or .md).")
    ],
) -> int:
    """Check that records match the schema and their checksums verify.

    Example: sharewizard verify decision.json
    """
    from sharewizard.commands import run_verify

    return run_verify(records, _env(ctx))


from sharewizard import cli_train  # noqa: E402  (trainer commands, kept apart)

cli_train.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error becomes one message and an exit code, never a traceback."""
    import sys

    from sharewizard.exits import exit_status_of

    args = sys.argv[1:] if argv is None else argv

    def run() -> int:
        app(args=args, prog_name="sharewizard")
        return 0

    sys.exit(exit_status_of(run, Env(), "--traceback" in args))


def usage_error(message: str, field: str, hint: str) -> UsageError:
    """A usage error about one option or argument."""
    return UsageError(message, Location(field=field), hint)


__all__ = ["ExitStatus", "app", "main", "usage_error"]
