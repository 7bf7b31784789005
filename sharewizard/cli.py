"""The `sharewizard` command line: parse options, call the library, turn errors into exit codes."""

from __future__ import annotations

import json
import os
import sys
import uuid
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from sharewizard import __version__
from sharewizard.errors import (
    ExitStatus,
    Interrupted,
    Location,
    SharewizardError,
    UsageError,
)

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
)
schema_app = typer.Typer(help="Print a published JSON Schema.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


class Format(str, Enum):
    """Record formats."""

    json = "json"
    md = "md"


class SchemaName(str, Enum):
    """Published schemas."""

    flow = "flow"
    record = "record"
    answers = "answers"


def _stdout() -> Console:
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _catalogue(ctx: typer.Context) -> Any:
    from sharewizard.loader import load_catalogue

    return load_catalogue(ctx.obj.get("flows") if ctx.obj else None)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sharewizard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    flows: Path | None = typer.Option(
        None,
        "--flows",
        envvar="SHAREWIZARD_FLOWS",
        metavar="DIR",
        help="Use the flows in DIR instead of the ones shipped with sharewizard.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    traceback: bool = typer.Option(False, "--traceback", hidden=True),
) -> None:
    """Options shared by every command."""
    ctx.obj = {"flows": flows, "traceback": traceback}


# --- list and schema ----------------------------------------------------------------------------


@app.command("list")
def list_flows(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List the flows: id, FAQ question number and title."""
    catalogue = _catalogue(ctx)
    flows = sorted(catalogue.flows.values(), key=lambda f: (f.faq.number or 0, f.id))
    if as_json:
        rows = [
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
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    from sharewizard.summary import plain

    table = Table(show_edge=False)
    table.add_column("FAQ", justify="right")
    table.add_column("Flow id", no_wrap=True)
    table.add_column("Title")
    for f in flows:
        table.add_row(str(f.faq.number or "–"), plain(f.id), plain(f.title))
    _stdout().print(table)


@schema_app.command("flow")
def schema_flow() -> None:
    """The flow file format."""
    _print_schema("flow")


@schema_app.command("record")
def schema_record() -> None:
    """The JSON decision record format."""
    _print_schema("record")


@schema_app.command("answers")
def schema_answers() -> None:
    """The answers file format (YAML or JSON)."""
    _print_schema("answers")


def _print_schema(name: str) -> None:
    from sharewizard.loader import schema

    typer.echo(json.dumps(schema(name), indent=2, ensure_ascii=False))


# --- decide ------------------------------------------------------------------------------------


def _record_format(fmt: Format | None, out: Path | None) -> str:
    if fmt is not None:
        return fmt.value
    return "md" if out is not None and out.suffix.lower() in (".md", ".markdown") else "json"


def _default_out(flow_id: str, created_at: str, fmt: str) -> Path:
    stamp = created_at.replace("-", "").replace(":", "")
    base = Path(f"sharewizard-{flow_id}-{stamp}")
    candidate, n = base.with_suffix(f".{fmt}"), 2
    while candidate.exists():
        candidate, n = Path(f"{base}-{n}.{fmt}"), n + 1
    return candidate


def _answers_path_for(record_path: Path) -> Path:
    return record_path.with_name(record_path.stem + ".answers.yaml")


@app.command()
def decide(
    ctx: typer.Context,
    flow: str | None = typer.Argument(
        None, help="Flow id (see `sharewizard list`). Without it, a triage question picks one."
    ),
    answers: Path | None = typer.Option(
        None,
        "--answers",
        metavar="FILE",
        help="Take every answer from FILE (YAML or JSON) instead of asking: no terminal needed.",
    ),
    resume: Path | None = typer.Option(
        None,
        "--resume",
        metavar="FILE",
        help="Start from the answers in FILE (a saved draft) and ask only what is missing.",
    ),
    fmt: Format | None = typer.Option(
        None, "--format", "-f", help="Record format: json (default) or md (Markdown)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="PATH",
        help="Where to write the record (default: a timestamped file in this folder).",
    ),
    save_answers: Path | None = typer.Option(
        None,
        "--save-answers",
        metavar="PATH",
        help="Where to save the answers (default: beside the record, *.answers.yaml).",
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing --out file."),
) -> None:
    """Walk a flow, see the outcome and write a decision record."""
    from rich.text import Text

    from sharewizard.answers import dump_answers, load_answers, write_answers
    from sharewizard.records import build_record, utc_timestamp, write_record
    from sharewizard.summary import plain, record_summary

    catalogue = _catalogue(ctx)
    record_format = _record_format(fmt, out)
    answers_target = save_answers or (_answers_path_for(out) if out is not None else None)
    for taken, option in (
        (out, "--out"),
        (answers_target if answers is None else None, "--save-answers"),
    ):
        if taken is not None and taken.exists() and not force:
            raise UsageError(
                "already exists; nothing was asked or written.",
                Location(taken),
                f"Choose another {option}, or pass --force to replace it.",
            )
    if answers is not None and resume is not None:
        raise UsageError("use either --answers or --resume, not both.")
    given = load_answers(answers or resume) if (answers or resume) else None
    flow_id = flow or (given.flow_id if given else catalogue.triage)
    if flow_id is None:
        raise UsageError(
            "name a flow: this flows folder has no triage flow to pick one.",
            Location(field="FLOW"),
            f"Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    if flow_id not in catalogue.flows:
        raise UsageError(
            f"unknown flow {flow_id!r}.",
            Location(field="FLOW"),
            f"Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    if given is not None and given.flow_id != flow_id:
        raise UsageError(
            f"the answers file is for {given.flow_id!r}, not {flow_id!r}.", given.locate("flow")
        )

    if answers is not None:
        from sharewizard.replay import decide_from_answers

        decision = decide_from_answers(catalogue, given)
    else:
        decision = _ask(ctx, catalogue, flow_id, given, save_answers)

    created_at = utc_timestamp()
    record = build_record(decision, catalogue, created_at=created_at, record_id=str(uuid.uuid4()))
    target = out or _default_out(decision.flow.id, created_at, record_format)
    answers_text = dump_answers(
        decision.flow,
        dict(decision.progress.answers),
        dict(decision.fields),
        {"outcome": decision.outcome.id, "decision": decision.outcome.decision},
    )
    written = []
    try:
        write_record(record, target, record_format, force=force)
        written.append(f"Record written to {target}")
    except SharewizardError as exc:
        if answers is None:
            kept = _save_draft(answers_text, save_answers or _answers_path_for(target))
            exc.hint = f"{exc.hint} Your answers are saved in {kept}.".strip()
        raise
    if answers is None:
        kept_at = write_answers(
            save_answers or _answers_path_for(target), answers_text, force=force
        )
        written.append(
            f"Answers saved to {kept_at} (replay: sharewizard decide "
            f"{decision.flow.id} --answers {kept_at})"
        )
    console = _stdout()
    console.print(record_summary(record))
    for line in written:  # soft-wrapped so paths stay whole for copying
        console.print(Text.assemble(("✔ ", "green"), plain(line)), soft_wrap=True)


def _ask(
    ctx: typer.Context, catalogue: Any, flow_id: str, given: Any, save_answers: Path | None
) -> Any:
    from sharewizard.answers import dump_answers
    from sharewizard.prompts import QuestionaryAsker
    from sharewizard.session import start_session

    if not sys.stdin.isatty():
        raise UsageError(
            "`sharewizard decide` asks questions, so it needs a terminal, and standard input "
            "is not one.",
            hint="To run without a terminal, give recorded answers with "
            "`sharewizard decide FLOW --answers FILE`, or replay many files with "
            "`sharewizard replay PATH`.",
        )
    console = _stdout()
    asker = QuestionaryAsker(catalogue, console)
    session = start_session(
        catalogue, flow_id, asker, given.answers if given else None, given.record if given else None
    )
    try:
        return session.run()
    except Interrupted as stop:
        flow = catalogue.flows[stop.flow_id]
        text = dump_answers(flow, stop.answers, stop.record_fields)
        draft = save_answers or Path(
            f"sharewizard-draft-{flow.id}-{os.getpid()}-{uuid.uuid4().hex[:6]}.answers.yaml"
        )
        kept = _save_draft(text, draft)
        _stderr().print(
            f"Stopped. Your answers so far are saved in {kept}.\nContinue with: "
            f"sharewizard decide {flow.id} --resume {kept}",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(ExitStatus.INTERRUPTED) from None


def _save_draft(text: str, path: Path) -> Path:
    from sharewizard.answers import write_answers

    try:
        return write_answers(path, text)
    except SharewizardError:
        fallback = Path.home() / f".sharewizard-draft-{uuid.uuid4().hex[:8]}.answers.yaml"
        return write_answers(fallback, text)


# --- replay ------------------------------------------------------------------------------------


def _pinned_time(value: str | None) -> str:
    from datetime import datetime, timezone

    from sharewizard.records import utc_timestamp

    if value is None:
        return utc_timestamp()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{value!r} is not an ISO 8601 time.",
            Location(field="--timestamp"),
            "For example 2026-11-23T09:00:00Z.",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return utc_timestamp(moment)


@app.command()
def replay(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(
        ...,
        metavar="PATH...",
        help="Answers files, folders (searched for *.yaml, *.yml, *.json) or - to read paths "
        "from standard input.",
    ),
    out_dir: Path | None = typer.Option(
        None, "--out-dir", metavar="DIR", help="Write a record per file into DIR (else none)."
    ),
    fmt: Format = typer.Option(Format.json, "--format", "-f", help="Record format: json or md."),
    jobs: int = typer.Option(
        os.cpu_count() or 1,
        "--jobs",
        "-j",
        min=1,
        help="Files replayed at once (default: the number of CPUs).",
    ),
    check: bool = typer.Option(
        False, "--check", help="Compare each outcome with the file's `expect`; exit 1 on a miss."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one machine-readable report."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    timestamp: str | None = typer.Option(
        None,
        "--timestamp",
        metavar="TIME",
        help="Pin created_at (ISO 8601, UTC) so the same inputs give identical records.",
    ),
    force: bool = typer.Option(False, "--force", help="Replace records that already exist."),
) -> None:
    """Replay recorded answers files into decision records, in bulk."""
    from sharewizard.replay import expand_paths, replay_all

    catalogue = _catalogue(ctx)
    created_at = _pinned_time(timestamp)
    files = expand_paths(paths, skip=out_dir)
    if not files:
        raise UsageError(
            "no answers files found.",
            Location(field="PATH"),
            "Give files, or folders holding *.yaml, *.yml or *.json files.",
        )
    if out_dir is not None and not out_dir.is_dir():
        raise UsageError(
            "the --out-dir folder does not exist.", Location(out_dir), "Create it first."
        )
    show_bar = not (quiet or as_json) and sys.stderr.isatty()
    results = _with_progress(
        show_bar,
        len(files),
        lambda tick: replay_all(
            catalogue,
            files,
            created_at=created_at,
            out_dir=out_dir,
            fmt=fmt.value,
            force=force,
            jobs=jobs,
            progress=tick,
        ),
    )
    from sharewizard.summary import replay_report

    if as_json:
        typer.echo(json.dumps(_replay_json(results, check), indent=2, ensure_ascii=False))
    else:
        table, lines = replay_report(results, check)
        console = _stdout()
        console.print(table)
        for line in lines:
            console.print(line, soft_wrap=True)
    if any(r.error for r in results):
        raise typer.Exit(ExitStatus.BAD_INPUT)
    if check and any(r.expectation == "failed" for r in results):
        raise typer.Exit(ExitStatus.CHECK_FAILED)


def _with_progress(show: bool, total: int, work: Any) -> Any:
    if not show:
        return work(None)
    from rich.progress import Progress

    with Progress(console=_stderr(), transient=True) as bar:
        task = bar.add_task("Replaying", total=total)
        return work(lambda _result: bar.advance(task))


def _replay_json(results: list[Any], check: bool) -> dict[str, Any]:
    return {
        "files": len(results),
        "records_written": sum(1 for r in results if r.record_path),
        "expectations_met": sum(1 for r in results if r.expectation == "met") if check else None,
        "expectations_failed": sum(1 for r in results if r.expectation == "failed")
        if check
        else None,
        "errors": sum(1 for r in results if r.error),
        "results": [
            {
                "path": str(r.path),
                "outcome": r.outcome,
                "decision": r.decision,
                "record": str(r.record_path) if r.record_path else None,
                "expectation": r.expectation if check else None,
                "diff": r.diff if check else [],
                "error": r.error,
            }
            for r in results
        ],
    }


# --- verify ------------------------------------------------------------------------------------


@app.command()
def verify(
    records: list[Path] = typer.Argument(
        ..., metavar="RECORD...", help="Decision records (.json or .md)."
    ),
) -> None:
    """Check that records (JSON or Markdown) match the schema and their checksums verify."""
    from sharewizard.records import load_record, schema_problems
    from sharewizard.records import verify as checksum_ok

    failed = False
    for path in records:
        record = load_record(path)
        problems = schema_problems(record)
        if not checksum_ok(record):
            problems.insert(
                0, "checksum does not match: the record was changed after it was written"
            )
        for problem in problems:
            typer.echo(f"{path}: {problem}", err=True)
        failed = failed or bool(problems)
        if not problems:
            typer.echo(f"{path}: OK (checksum verifies)")
    if failed:
        raise typer.Exit(ExitStatus.CHECK_FAILED)


from sharewizard import cli_train  # noqa: E402  (trainer commands, kept apart)

cli_train.register(app)


# --- entry point --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every error becomes one message and an exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="sharewizard")
    except SharewizardError as exc:
        if "--traceback" in args:
            raise
        from sharewizard.summary import print_error

        print_error(_stderr(), str(exc))
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        _stderr().print("Interrupted.", markup=False)
        sys.exit(ExitStatus.INTERRUPTED)
    except Exception as exc:  # the last net: a bug must still not print a traceback
        if "--traceback" in args:
            raise
        from sharewizard.summary import print_error

        print_error(
            _stderr(),
            f"unexpected {type(exc).__name__}: {exc}. This is a bug in "
            "sharewizard; please report it with the command you ran (add --traceback "
            "before the command for details).",
        )
        sys.exit(ExitStatus.INTERNAL)
