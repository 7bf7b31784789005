"""The authoring commands, `lint`, `factcheck` and `schema`: parse, call the library, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sharewizard.author.factcheck import FORMATS as FACTCHECK_FORMATS
from sharewizard.cli._typer import HelpCommand, choices, command_app
from sharewizard.cli.completion import complete_flow
from sharewizard.cli.options import command, env_of, settings_of
from sharewizard.core.errors import ExitStatus, Location, UsageError
from sharewizard.core.text import json_for_screen, preview, unknown_name_hint

if TYPE_CHECKING:
    from sharewizard.author.lint import LintResult
    from sharewizard.author.prove import Proof

    FactcheckFormat = Enum
else:
    FactcheckFormat = choices("FactcheckFormat", FACTCHECK_FORMATS)


app = command_app()


class SchemaName(str, Enum):
    """Published schemas."""

    flow = "flow"
    record = "record"
    answers = "answers"
    facts = "facts"
    policy = "policy"


@app.command(cls=HelpCommand)
@command
def schema(
    ctx: typer.Context,
    name: Annotated[SchemaName, typer.Argument(help="flow, record, answers, facts or policy.")],
) -> int:
    """Print the JSON Schema of a flow, a record, an answers file, facts.yaml or policy.yaml.

    Example: sharewizard schema answers
    """
    from sharewizard.flowfiles.loader import schema as published

    typer.echo(json.dumps(published(name.value), indent=2, ensure_ascii=False))
    return 0


@app.command("lint", cls=HelpCommand)
@command
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Flow files or folders of flows (default: the flows in use, see --flows).",
            show_default=False,
        ),
    ] = None,
    guidance: Annotated[
        Path | None,
        typer.Option(
            "--guidance",
            metavar="DIR",
            help="Check every quote against the source texts in DIR "
            "(default: $SHAREWIZARD_GUIDANCE, else ../shared/guidance beside the repository "
            "you run it in).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for editors and CI.")] = False,
    no_prove: Annotated[
        bool,
        typer.Option(
            "--no-prove",
            help="Check policy.yaml but do not prove its rules on every path: seconds quicker "
            "while you edit. Prove before a flow is used (CI does).",
        ),
    ] = False,
) -> int:
    """Check flows and prove their safety rules: exit 0 clean, 1 findings, 2 unreadable input.

    The rules of the folder's policy.yaml are checked on every path from every entry point.

    Example: sharewizard lint --strict --guidance ../shared/guidance flows/
    """
    from sharewizard.author.lint import lint_paths
    from sharewizard.core.text import for_screen
    from sharewizard.flowfiles.flowsdir import default_flows_dir
    from sharewizard.flowfiles.guidance import find_guidance

    env = env_of(ctx)
    folder = find_guidance(guidance)
    result = lint_paths(
        paths or [settings_of(ctx).flows or default_flows_dir()], folder, prove=not no_prove
    )
    if as_json:
        env.stdout.write(json_for_screen(_lint_json(result, folder)) + "\n")
    else:
        for finding in result.findings:
            env.stdout.write(for_screen(str(finding)) + "\n")
        env.stdout.write(_summary(result.errors, result.warnings, result.files) + "\n")
        for folder, proved in result.proofs:
            env.stdout.write(for_screen(_proof_summary(folder, proved)) + "\n")
        if folder is None:
            env.stderr.write(
                "Quotes were not checked: no guidance folder (pass --guidance DIR or set "
                "SHAREWIZARD_GUIDANCE).\n"
            )
    return ExitStatus.CHECK_FAILED if result.failed(strict) else ExitStatus.OK


def _lint_json(result: LintResult, folder: Path | None) -> dict[str, Any]:
    """`lint --json`: the counts, every finding, and what was proved of each policy."""
    return {
        "files": result.files,
        "guidance": str(folder) if folder else None,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [f.to_json() for f in result.findings],
        "policy": [_proof_json(where, proved) for where, proved in result.proofs],
    }


def _proof_summary(folder: Path, proved: Proof | str) -> str:
    """What lint proved of the folder's policy.yaml, with what it checked, in two lines."""
    where = folder / "policy.yaml"
    if isinstance(proved, str):
        return f"The safety rules of {where} were not proved: {proved}."
    broken = proved.to_json()["broken"]
    rules = _count(proved.rules, "rule", "rules")
    verdict = f"{broken} of {rules} broken (above)" if broken else f"{rules}, all hold"
    return (
        f"Safety rules ({where}): {verdict}.\n"
        f"Checked {_count(proved.paths, 'path', 'paths')} from "
        f"{_count(proved.entries, 'entry point', 'entry points')} (every answer to each fact a "
        f"path reads), {_count(proved.record_forms, 'record form', 'record forms')} and "
        f"{_count(proved.pairs, 'pair', 'pairs')} of decisions in one sitting (up to "
        f"{proved.situations} situations per sitting)."
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _proof_json(folder: Path, proved: Proof | str) -> dict[str, object]:
    if isinstance(proved, str):
        return {"folder": str(folder), "proved": False, "reason": proved}
    return {"folder": str(folder), "proved": True, **proved.to_json()}


def _summary(errors: int, warnings: int, files: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if not errors and not warnings:
        return f"No problems found in {count(files, 'flow file')}."
    return f"{count(errors, 'error')}, {count(warnings, 'warning')} in {count(files, 'flow file')}."


@app.command("factcheck", cls=HelpCommand)
@command
def factcheck(
    ctx: typer.Context,
    flow: Annotated[
        str,
        typer.Argument(
            metavar="FLOW",
            help="A flow id (see `sharewizard list`) or a flow file.",
            autocompletion=complete_flow,
        ),
    ],
    fmt: Annotated[
        FactcheckFormat,
        typer.Option("--format", "-f", help="Table format: md (Markdown), csv or html."),
    ] = FactcheckFormat("md"),
) -> int:
    """Print every path through a flow as one row, to review and sign off without YAML.

    Example: sharewizard factcheck how-much --format html > how-much.html
    """
    from sharewizard.author.factcheck import render
    from sharewizard.flowfiles.loader import (
        RECORD_FORM_FILE,
        load_catalogue,
        load_flow,
        load_record_form,
    )

    as_file = Path(flow)
    if as_file.suffix in (".yaml", ".yml") and as_file.is_file():
        chosen = load_flow(as_file)  # on its own: its neighbours may be drafts
        form = as_file.parent / RECORD_FORM_FILE
        decisions = load_record_form(form).decisions if form.is_file() else {}
        titles: dict[str, str] = {}
        rules_at = None  # the policy is proved over a whole folder, not a file on its own
    else:
        catalogue = load_catalogue(settings_of(ctx).flows)
        if flow not in catalogue.flows:
            raise UsageError(
                f"unknown flow {preview(flow)}.",
                Location(field="FLOW"),
                unknown_name_hint(flow, catalogue.flows),
            )
        chosen, decisions = catalogue.flows[flow], catalogue.record_form.decisions
        titles = {fid: f.title for fid, f in catalogue.flows.items()}
        rules_at = _rules_at(catalogue.directory, flow) if catalogue.policy else None
    env_of(ctx).stdout.write(render(chosen, fmt.value, decisions, titles, rules_at))
    return ExitStatus.OK


def _rules_at(folder: Path, flow_id: str) -> Callable[[str], tuple[str, ...]]:
    """The safety rules each outcome of the flow was checked against (lint's proof)."""
    from sharewizard.author.prove import proof_of

    proof = proof_of(folder)
    return lambda outcome: proof.rules_at(flow_id, outcome)
