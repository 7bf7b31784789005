"""What the commands do between parsing and printing: pick the flow, call the facade, render.

Kept out of `cli.py` so the Typer layer stays a list of options; kept out of `decide.py` so the
facade never prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard import decide as facade
from sharewizard.console import Env
from sharewizard.errors import ExitStatus, Location, UsageError, interrupted_status
from sharewizard.model import Catalogue
from sharewizard.text import preview

if TYPE_CHECKING:  # answers files are read only with --answers or --resume (YAML is not needed)
    from sharewizard.answers import AnswersFile


@dataclass(frozen=True)
class DecidePlan:
    """Everything `decide` needs, checked before the first question."""

    catalogue: Catalogue
    flow_id: str
    outputs: facade.Outputs
    given: AnswersFile | None = None  # --answers
    resume: AnswersFile | None = None
    resume_path: Path | None = None
    detail: str = "normal"  # "quiet": where the record went; "verbose": every answer too


def plan_decide(
    catalogue: Catalogue,
    flow: str | None,
    answers: Path | None,
    resume: str | None,
    fmt: str | None,
    out: Path | None,
    save_answers: Path | None,
    *,
    practice: bool,
    force: bool,
    sign_key: Path | None = None,
    detail: str = "normal",
    env: Env,
) -> DecidePlan:
    """Resolve the flow and the outputs of a `decide` run; refuse contradictions up front."""
    if answers is not None and resume is not None:
        raise UsageError("use either --answers or --resume, not both.", Location(field="--resume"))
    if practice and (out or save_answers or answers):
        raise UsageError(
            "--practice writes nothing, so it takes no --out, --save-answers or --answers.",
            Location(field="--practice"),
        )
    resume_path = _pick_draft(resume, env) if resume is not None else None
    given = _load_answers(answers) if answers is not None else None
    resumed = _load_answers(resume_path) if resume_path is not None else None
    source = given or resumed
    flow_id = _flow_id(catalogue, flow, source)
    if resumed is not None:
        facade.check_resume(catalogue, resumed)
    outputs = facade.Outputs(
        fmt=facade.record_format(fmt, out),
        out=out,
        save_answers=save_answers,
        force=force,
        write=not practice,
        keep_answers=given is None,
        sign_with=None if practice else _signing_key(sign_key),
    )
    facade.precheck(outputs, _parts(given or resumed))
    return DecidePlan(catalogue, flow_id, outputs, given, resumed, resume_path, detail)


def _parts(source: AnswersFile | None) -> range:
    """The decisions a run will write: those of an answers file not yet recorded; else the first.

    (The triage may pick more: the walk checks their outputs once it has.)
    """
    if source is None:
        return range(1, 2)
    return range(len(source.recorded) + 1, len(source.parts) + 1)


def _load_answers(path: Path) -> AnswersFile:
    from sharewizard.answers import load_answers

    return load_answers(path)


def _flow_id(catalogue: Catalogue, flow: str | None, source: AnswersFile | None) -> str:
    flows = ", ".join(sorted(catalogue.flows))
    if flow is not None and flow not in catalogue.flows:
        raise UsageError(
            f"unknown flow {preview(flow)}.", Location(field="FLOW"), f"Flows: {flows}."
        )
    if source is not None:
        if flow is not None and flow != source.flow_id:
            raise UsageError(
                f"the answers file is for {preview(source.flow_id)}, not {preview(flow)}.",
                source.locate("flow"),
                "Leave FLOW out: the file names its flow.",
            )
        return source.flow_id
    chosen = flow or catalogue.triage
    if chosen is None:
        raise UsageError(
            "name a flow: this flows folder has no triage flow to pick one.",
            Location(field="FLOW"),
            f"Flows: {flows}.",
        )
    return chosen


def _pick_draft(reference: str, env: Env) -> Path:
    from sharewizard import drafts

    if reference not in ("", "?"):
        as_path = Path(reference)  # a file (`--resume FILE`) is read; only its answers are taken
        looks_like_a_file = os.sep in reference or as_path.suffix in (".yaml", ".yml", ".json")
        return as_path if looks_like_a_file else drafts.find(reference, "--resume")
    found = [d for d in drafts.list_drafts() if not d.error]
    if not found:
        raise UsageError("there are no drafts to resume.", Location(field="--resume"))
    if not env.stdin_is_tty and not env.plain_requested:
        raise UsageError(
            "name the draft to resume: standard input is not a terminal to choose one.",
            Location(field="--resume"),
            f"List them with `{env.prog} drafts`.",
        )
    from sharewizard.prompts import choose_draft

    if env.plain:
        return choose_draft(found, console=env.out(), stdin=env.stdin)
    return choose_draft(found)


def run_decide(plan: DecidePlan, env: Env) -> list[facade.Written]:
    """Run the sitting: from the answers file, or asking a person at the terminal."""
    if plan.given is not None:
        return _from_file(plan, env)
    if not env.stdin_is_tty and not env.plain_requested:
        raise UsageError(
            "`decide` asks questions, so it needs a terminal, and standard input is not one.",
            hint=f"To run without a terminal, give recorded answers with `{env.prog} decide "
            f"--answers FILE`, replay many files with `{env.prog} replay PATH`, or type answers "
            f"line by line with `{env.prog} --plain decide`.",
        )
    asker = _asker(plan, env)
    facade.decide_interactive(
        plan.catalogue,
        flow_id=plan.flow_id,
        asker=asker,
        outputs=plan.outputs,
        resume=plan.resume,
        resume_path=plan.resume_path,
        prog=env.prog,
        on_written=lambda written: render_written([written], plan, env),
    )
    return []  # each decision was shown as soon as it was written


def _asker(plan: DecidePlan, env: Env) -> Any:
    """Plain mode types answers line by line; rich mode draws menus (questionary)."""
    practice = not plan.outputs.write
    if env.plain:
        from sharewizard.prompts import PlainAsker

        return PlainAsker(
            plan.catalogue, env.out(), env.stdin, practice=practice, echo=not env.stdin_is_tty
        )
    from sharewizard.prompts import QuestionaryAsker

    return QuestionaryAsker(plan.catalogue, env.out, practice=practice)  # Rich when first needed


def _from_file(plan: DecidePlan, env: Env) -> list[facade.Written]:
    import uuid

    from sharewizard.records import utc_timestamp

    assert plan.given is not None
    return facade.record_answers_file(
        plan.catalogue,
        plan.given,
        plan.outputs,
        created_at=utc_timestamp(),
        record_id=lambda _: str(uuid.uuid4()),
        prog=env.prog,
    )


def render_written(written: list[facade.Written], plan: DecidePlan, env: Env) -> None:
    """The summary of each decision (the outcome last), then where each record went."""
    from sharewizard.summary import record_summary, written_lines

    console = env.out()
    if plan.detail != "quiet":
        for item in written:
            shown = record_summary(
                item.record, verbose=plan.detail == "verbose", boxed=not env.plain
            )
            console.print(shown, soft_wrap=env.plain)  # plain: a screen reader reads lines whole
    for line in written_lines(written, env.prog, practice=not plan.outputs.write):
        console.print(line, soft_wrap=True)


# --- replay and verify -------------------------------------------------------------------------


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
    from sharewizard.replay import Stops, expand_paths, replay_all
    from sharewizard.summary import replay_json, replay_report
    from sharewizard.text import json_for_screen

    created_at = pinned_time(timestamp)
    _signing_key(sign_key)  # a bad key stops everything before any file (workers load their own)
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
        from sharewizard.files import remove_unfinished

        remove_unfinished()  # whatever line the interrupt reached, no temporary record stays
        if into is not None:
            into.close()
        if out_dir is None and into is None:
            raise  # nothing was written: the usual message says so
        from sharewizard.summary import print_error

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
    from sharewizard.files import make_private_folder

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
    from sharewizard.records import parse_timestamp, utc_timestamp

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


def _signing_key(option: Path | None) -> Any:
    """The private key `--sign-key` (or its variable) names, loaded before anything runs."""
    if option is None:
        return None  # unsigned: cryptography need not even be imported
    from sharewizard.signing import load_private_key

    return load_private_key(option)
