"""Shell completion of flow, case study and draft ids (issue 24.9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from sharewizard.cli import completion
from sharewizard.walk import drafts

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"


def _context(**params: object) -> typer.Context:
    """The root's context, with the options typed before the command."""
    from sharewizard.cli import app

    ctx = typer.Context(typer.main.get_command(app))
    ctx.params.update(params)
    return ctx


def test_flow_ids_complete_with_their_titles():
    offered = completion.complete_flow(_context(), "sha")
    assert [name for name, _ in offered] == ["share-without-consent", "sharing-agreement"]
    assert all(title for _, title in offered)


def test_flow_ids_come_from_the_flows_folder_typed():
    assert completion.complete_flow(_context(flows=str(CATALOGUE)), "") == [("demo", "Demo flow")]
    assert completion.complete_flow(_context(flows="/no/such/folder"), "") == []  # quietly


def test_case_ids_complete_before_flow_ids():
    offered = [name for name, _ in completion.complete_case_or_flow(_context(), "0")]
    assert offered[:2] == ["01-bruising-no-consent", "02-disclosure-fear-of-stepfather"]
    assert [n for n, _ in completion.complete_case_or_flow(_context(), "how")] == ["how-much"]


def test_draft_ids_complete_newest_first():
    folder = drafts.drafts_dir()
    assert completion.complete_draft("") == []  # no drafts folder yet
    folder.mkdir(parents=True)
    for number, name in enumerate(["demo-1", "demo-2", "other-1"]):
        path = folder / f"{name}{drafts.SUFFIX}"
        path.write_text("flow: demo\nanswers: {}\n")
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    assert [i for i, _ in completion.complete_draft("demo")] == ["demo-2", "demo-1"]


def _complete(words: str) -> list[str]:
    """What bash is offered for the last of `words`, as the installed completion asks for it."""
    env = {
        **os.environ,
        "_SHAREWIZARD_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from sharewizard.cli import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.split()


def test_bash_completes_a_flow_id_and_a_draft_id_end_to_end():
    assert _complete("sharewizard decide how") == ["how-much"]
    assert _complete(f"sharewizard decide --flows {CATALOGUE} d") == ["demo"]
    assert _complete(f"sharewizard decide --flows {CATALOGUE} --plain d") == ["demo"]
    folder = drafts.drafts_dir()
    folder.mkdir(parents=True)
    (folder / f"demo-20261123T143000Z-1a2b{drafts.SUFFIX}").write_text("flow: demo\n")
    assert _complete("sharewizard drafts show demo") == ["demo-20261123T143000Z-1a2b"]
    assert _complete("sharewizard decide --resume de") == ["demo-20261123T143000Z-1a2b"]
