"""A small catalogue for the decide tests: the packaged record form, facts and sources, tiny flows.

The flows live in tests/fixtures/sitting; the record form and the case facts are the real ones,
so the tests check what practitioners will get.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pexpect

from tests.terminal import in_terminal

REPO = Path(__file__).resolve().parents[1]
SITTING = Path(__file__).parent / "fixtures" / "sitting"

DOWN, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\r", "\x03", "\x04"


def make_catalogue(folder: Path) -> Path:
    """Copy the test flows and the packaged sources, record form and facts into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in SITTING.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    for name in ("sources.yaml", "record.yaml", "facts.yaml"):
        shutil.copy(REPO / "flows" / name, folder / name)
    return folder


def spawn(cwd: Path, flows: Path, data: Path, *args: str) -> pexpect.spawn:
    """`python -m sharewizard --flows FLOWS ARGS` in a pseudo-terminal of 100x40."""
    return in_terminal(
        "--flows", str(flows), *args, cwd=cwd, env={"SHAREWIZARD_DATA_DIR": str(data)}
    )


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    """Wait for a prompt, then type."""
    child.expect_exact(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    """Wait for the program to end; its exit status (128+N for a signal)."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus


def decide_answers(catalogue, data: dict, name: str = "t.yaml") -> list:
    """Decide an answers file given as a mapping, in-process: (part, decision, record) each."""
    import json

    from sharewizard.core.errors import AnswersError
    from sharewizard.flowfiles.answers import parse_answers
    from sharewizard.flowfiles.yamldoc import parse_yaml
    from sharewizard.walk.decide import decide_file

    doc = parse_yaml(json.dumps(data), Path(name), AnswersError)
    return decide_file(
        catalogue,
        parse_answers(doc),
        created_at="2026-11-23T10:00:00Z",
        record_id=lambda n: f"00000000-0000-4000-8000-00000000000{n}",
    )
