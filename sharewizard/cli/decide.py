"""`sharewizard decide`: pick the flow and the outputs, call the facade, render what it wrote.

The rules of a sitting (outputs checked before the first question, writes in a fixed order,
drafts) live in the facade, `sharewizard.walk.decide`, which never prints.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sharewizard.cli._typer import HelpCommand, command_app
from sharewizard.cli.completion import complete_draft, complete_flow
from sharewizard.cli.options import (
    ForceOption,
    FormatOption,
    QuietOption,
    SignKeyOption,
    VerboseOption,
    catalogue_of,
    command,
    env_of,
    signing_key,
)
from sharewizard.core.errors import Location, UsageError
from sharewizard.core.model import Catalogue
from sharewizard.core.text import for_screen
from sharewizard.disk.files import is_standard_output
from sharewizard.walk import decide as facade
from sharewizard.walk.console import Env

if TYPE_CHECKING:  # answers files are read only with --answers or --resume (YAML is not needed)
    from sharewizard.flowfiles.answers import AnswersFile


app = command_app()


@app.command(cls=HelpCommand)
@command
def decide(
    ctx: typer.Context,
    flow: Annotated[
        str | None,
        typer.Argument(
            help="Flow id (see `list`). Without it, triage questions pick the flows.",
            autocompletion=complete_flow,
        ),
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
            autocompletion=complete_draft,
        ),
    ] = None,
    fmt: FormatOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="PATH", help="Where to write the record (- for standard output)."
        ),
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
    env = env_of(ctx)
    if is_standard_output(out):  # the record alone on standard output; everything else on stderr
        env = dataclasses.replace(env, stdout=env.stderr)
    plan = plan_decide(
        catalogue_of(ctx), flow, answers, resume, fmt.value if fmt else None, out, save_answers,
        practice=practice, force=force, sign_key=sign_key, env=env,
        detail="quiet" if quiet else "verbose" if verbose else "normal",
    )  # fmt: skip
    written = run_decide(plan, env)
    render_written(written, plan, env)
    return 0


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
    flow_id = facade.entry_flow(catalogue, flow, source)
    if resumed is not None:
        facade.check_resume(catalogue, resumed)
    outputs = facade.Outputs(
        fmt=facade.record_format(fmt, out),
        out=out,
        save_answers=save_answers,
        force=force,
        write=not practice,
        keep_answers=given is None,
        sign_with=None if practice else signing_key(sign_key),
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
    from sharewizard.flowfiles.answers import load_answers

    return load_answers(path)


def _pick_draft(reference: str, env: Env) -> Path:
    from sharewizard.walk import drafts

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
    from sharewizard.walk.prompts import choose_draft, output_on

    if env.plain:
        return choose_draft(found, console=env.out(), stdin=env.stdin)
    return choose_draft(found, output=output_on(env.stdout))  # `--out -`: standard error


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
    from sharewizard.walk.profile import load_profile

    profile = load_profile()  # a broken profile is refused before the first question
    asker = _asker(plan, env)
    written = facade.decide_interactive(
        plan.catalogue,
        flow_id=plan.flow_id,
        asker=asker,
        outputs=plan.outputs,
        resume=plan.resume,
        resume_path=plan.resume_path,
        prog=env.prog,
        on_written=lambda written: render_written([written], plan, env),
        profile=profile,
        on_note=lambda note: env.out().print(f"• {for_screen(note)}", markup=False, soft_wrap=True),
    )
    render_recap(written, plan, env)
    return []  # each decision was shown as soon as it was written


def _asker(plan: DecidePlan, env: Env) -> Any:
    """Plain mode types answers line by line; rich mode draws menus (questionary)."""
    practice = not plan.outputs.write
    if env.plain:
        from sharewizard.walk.prompts import PlainAsker

        return PlainAsker(
            plan.catalogue,
            env.out(),
            env.stdin,
            practice=practice,
            echo=not env.stdin_is_tty,
            wrap=env.stdout_is_tty,
        )
    from sharewizard.walk.prompts import QuestionaryAsker, output_on

    # `--out -`: the menus are drawn on standard error, with everything else but the record
    shown = {"output": output_on(env.stdout)} if is_standard_output(plan.outputs.out) else {}
    return QuestionaryAsker(plan.catalogue, env.out, practice=practice, **shown)  # Rich: later


def _from_file(plan: DecidePlan, env: Env) -> list[facade.Written]:
    import uuid

    from sharewizard.records.record import utc_timestamp

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
    from sharewizard.walk.summary import record_summary, written_lines

    console = env.out()
    if plan.detail != "quiet":
        for item in written:
            shown = record_summary(
                item.record, verbose=plan.detail == "verbose", boxed=not env.plain
            )
            console.print(shown, soft_wrap=env.plain)  # plain: a screen reader reads lines whole
    for line in written_lines(written, env.prog, practice=not plan.outputs.write):
        console.print(line, soft_wrap=True)
    render_recap(written, plan, env)  # `--answers`: the whole sitting at once


def render_recap(written: list[facade.Written], plan: DecidePlan, env: Env) -> None:
    """After several decisions, the last lines name each outcome and where its record went."""
    from sharewizard.walk.summary import sitting_recap

    if len(written) > 1 and plan.detail != "quiet":
        for line in sitting_recap(written, boxed=not env.plain):
            env.out().print(line, soft_wrap=env.plain)
