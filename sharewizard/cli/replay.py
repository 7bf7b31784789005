"""`sharewizard replay`: many answers files into records, with a progress bar and a report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from sharewizard.cli._typer import HelpCommand, command_app
from sharewizard.cli.options import (
    ForceOption,
    FormatOption,
    JsonOption,
    RegisterOption,
    SignKeyOption,
    catalogue_of,
    command,
    env_of,
    signing_key,
)
from sharewizard.core.errors import ExitStatus, Location, UsageError, interrupted_status
from sharewizard.core.model import Catalogue
from sharewizard.walk.console import Env

app = command_app()


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
    return run_replay(
        catalogue_of(ctx), paths, out_dir=out_dir, fmt=fmt.value if fmt else "json",
        jobs=jobs, check=check, as_json=as_json, quiet=quiet, timestamp=timestamp,
        force=force, sign_key=sign_key, register=register, env=env_of(ctx),
    )  # fmt: skip


def run_replay(
    catalogue: Catalogue,
    paths: list[str],
    *,
    out_dir: Path | None,
    fmt: str,
    jobs: int | None,
    check: bool,
    as_json: bool,
    quiet: bool,
    timestamp: str | None,
    force: bool,
    sign_key: Path | None = None,
    register: str | None = None,
    env: Env,
) -> int:
    """Replay answers files; exit 2 if any could not be replayed, 1 if an expectation failed.

    With `register` (a register database), the records made are added to it as they come.
    """
    from sharewizard.core.text import json_for_screen
    from sharewizard.replay.batch import Stops, expand_paths, replay_all
    from sharewizard.walk.summary import replay_json, replay_report

    created_at = pinned_time(timestamp)
    signing_key(sign_key)  # a bad key stops everything before any file (workers load their own)
    if jobs is not None and jobs < 1:
        raise UsageError("must be 1 or more.", Location(field="--jobs"))
    files = expand_paths(paths, skip=out_dir)
    if not files:
        raise UsageError(
            "no answers files found.",
            Location(field="PATH"),
            "Give files, or folders holding *.yaml, *.yml or *.json files.",
        )
    if out_dir is not None:
        _make_out_dir(out_dir)
    into = _register_into(register)
    show_bar = not (quiet or as_json) and env.stderr_is_tty
    stops = Stops()  # Ctrl-C, SIGTERM and SIGHUP stop it between two files

    def replay_files(tick: Any) -> Any:
        return replay_all(
            catalogue,
            files,
            created_at=created_at,
            out_dir=out_dir,
            fmt=fmt,
            force=force,
            jobs=jobs or os.cpu_count() or 1,
            progress=tick,
            sign_key=sign_key,
            stops=stops,
            **_handing_over(into),
        )

    try:
        with stops.noted():
            results = _with_progress(env, show_bar, len(files), replay_files)
    except KeyboardInterrupt as stop:
        from sharewizard.disk.files import remove_unfinished

        remove_unfinished()  # whatever line the interrupt reached, no temporary record stays
        if into is not None:
            into.close()
        if out_dir is None and into is None:
            raise  # nothing was written: the usual message says so
        from sharewizard.walk.summary import print_error

        kept = [f"Each record in {out_dir} is complete (a record is written whole or not at "
                "all)."] if out_dir else []  # fmt: skip
        if into is not None:
            kept.append(
                f"{into.added.added} records were added to the register (a batch at a time, "
                "each whole or not at all); running the same command again adds the rest."
            )
        print_error(
            env.err(),
            f"interrupted: some answers files were not replayed. {' '.join(kept)}"
            + (" To replay every file again, add --force." if out_dir else ""),
        )
        return interrupted_status(stop)
    except BaseException:
        if into is not None:
            into.close()
        raise
    if as_json:
        env.stdout.write(json_for_screen(replay_json(results, check)))
        env.stdout.write("\n")
    else:
        table, lines = replay_report(results, check, boxed=not env.plain)
        env.out().print(table)
        for line in lines:
            env.err().print(line, soft_wrap=True)
    if into is not None:
        env.err().print(into.summary(), markup=False, soft_wrap=True)
        into.close()
    if any(r.error for r in results):
        return ExitStatus.BAD_INPUT
    if check and any(r.expectation == "failed" for r in results):
        return ExitStatus.CHECK_FAILED
    return ExitStatus.OK


def _register_into(register: str | None) -> Any:
    """The register `replay --register` adds to, opened before anything is replayed."""
    if register is None:
        return None
    from sharewizard.register.facade import ReplayInto

    return ReplayInto(register)


def _handing_over(into: Any) -> dict[str, Any]:
    """replay_all's arguments that hand each record over to the register (none without one)."""
    if into is None:
        return {}
    from sharewizard.register.rows import entry_of

    return {"hand_over": entry_of, "on_batch": into}


def _make_out_dir(out_dir: Path) -> None:
    """`--out-dir` is created (owner-only) when missing, as `mkdir -p` would."""
    from sharewizard.disk.files import make_private_folder

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError("is not a folder.", Location(out_dir, field="--out-dir"))
    try:
        make_private_folder(out_dir)
    except OSError as exc:
        raise UsageError(
            f"cannot create the folder: {exc.strerror}.", Location(out_dir, field="--out-dir")
        ) from None


def pinned_time(value: str | None) -> str:
    """`--timestamp` as UTC ISO 8601 (1970 to 9999), or now."""
    from sharewizard.records.record import parse_timestamp, utc_timestamp

    return utc_timestamp() if value is None else parse_timestamp(value)


def _with_progress(env: Env, show: bool, total: int, work: Any) -> Any:
    if not show:
        return work(None)
    import time

    from rich.progress import Progress

    # No refresh thread: replay forks its workers, and forking a process that runs threads can
    # deadlock the child (so replay would fall back to a forkserver, which Ctrl-C hurts).
    with Progress(console=env.err(), transient=True, auto_refresh=False) as bar:
        task = bar.add_task("Replaying", total=total)
        shown = [0.0]

        def tick(_result: Any) -> None:
            bar.advance(task)
            if time.monotonic() - shown[0] > 0.1:
                shown[0] = time.monotonic()
                bar.refresh()

        return work(tick)
