"""Start-up stays light: the commands that never prompt never import the prompting libraries.

Each check runs in a fresh interpreter and reads `sys.modules` as it exits, so what an earlier
test imported cannot hide what a command imports.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.terminal import in_terminal

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
GOOD = Path(__file__).parent / "fixtures" / "answers" / "good"
PROMPTING = {"questionary", "prompt_toolkit"}
# Typer converts parameters through pydantic unless cli_common's plain conversion does it.
HEAVY = PROMPTING | {"jsonschema", "pydantic"}

PROBE = """
import atexit, json, sys
atexit.register(lambda: sys.__stderr__.write(
    "\\nIMPORTED " + json.dumps(sorted(sys.modules)) + "\\n"))
from tests.terminal import in_terminal
from sharewizard.cli import main
main(sys.argv[1:])
"""


# The modules loaded at the moment a signal arrives, written to the file named by argv[1].
SNAPSHOT_PROBE = """
import json, os, signal, sys
def snapshot(*_):
    with open(sys.argv[1] + ".tmp", "w") as handle:
        json.dump(sorted(sys.modules), handle)
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
signal.signal(signal.SIGUSR1, snapshot)
from sharewizard.cli import main
main(sys.argv[2:])
"""
# What `decide` of known-good flows needs only after its first question: reading and checking
# YAML (the flows come from the cache; answers files and drafts are written after the first
# answer) and Rich (the heading before the first question is drawn by prompt_toolkit).
NOT_BEFORE_FIRST_QUESTION = {
    "yaml",
    "jsonschema",
    "rich",
    "sharewizard.flowfiles.loader",
    "sharewizard.flowfiles.yamldoc",
    "sharewizard.flowfiles.answers",
    "sharewizard.walk.summary",
}


def imported(
    *args: str, cache: Path, cwd: Path | None = None, modules: bool = False
) -> tuple[set[str], int]:
    """The top-level packages (or, with `modules`, every module) imported by `sharewizard ARGS`
    in a fresh interpreter."""
    env = {**os.environ, "SHAREWIZARD_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("IMPORTED ")][-1]
    names = set(json.loads(line.removeprefix("IMPORTED ")))
    return (names if modules else {name.split(".")[0] for name in names}), done.returncode


@pytest.fixture
def cache(tmp_path):
    """A user cache folder with the test catalogue already checked into it."""
    folder = tmp_path / "cache"
    _, code = imported("--flows", str(CATALOGUE), "list", cache=folder)
    assert code == 0
    return folder


def test_importing_the_cli_imports_no_heavy_library(cache):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import sys, sharewizard.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    loaded = set(eval(done.stdout))  # a printed list of names
    assert not loaded & (HEAVY | {"cryptography"})


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["list"], ["list", "--json"]])
def test_version_and_list_import_neither_prompts_nor_schemas_nor_pydantic(cache, args):
    loaded, code = imported("--flows", str(CATALOGUE), *args, cache=cache)
    assert code == 0
    assert not loaded & HEAVY
    assert "cryptography" not in loaded


@pytest.mark.parametrize("args", [["list"], ["list", "--json"]])
def test_list_of_known_good_flows_reads_neither_flows_nor_yaml_nor_rich(cache, args):
    loaded, code = imported("--flows", str(CATALOGUE), *args, cache=cache, modules=True)
    assert code == 0
    assert not loaded & {
        "yaml",
        "rich",
        "sharewizard.flowfiles.loader",
        "sharewizard.core.model",
        "pickle",
    }


def test_a_command_imports_only_its_own_module_of_the_command_line(cache):
    loaded, code = imported("--flows", str(CATALOGUE), "list", cache=cache, modules=True)
    assert code == 0
    commands = {name for name in loaded if name.startswith("sharewizard.cli.")}
    assert commands == {
        "sharewizard.cli._root_options",  # every command takes the root options too
        "sharewizard.cli._typer",
        "sharewizard.cli.exits",
        "sharewizard.cli.flows",  # `list`, from the table of commands
        "sharewizard.cli.options",
    }


def test_a_changed_flow_is_checked_again(tmp_path, cache):
    flows = tmp_path / "flows"
    flows.mkdir()
    for path in CATALOGUE.iterdir():
        (flows / path.name).write_bytes(path.read_bytes())
    loaded, code = imported("--flows", str(flows), "list", cache=cache)
    assert code == 0 and "jsonschema" in loaded  # a new folder: checked
    loaded, code = imported("--flows", str(flows), "list", cache=cache)
    assert code == 0 and "jsonschema" not in loaded  # known good: not checked again
    demo = flows / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    loaded, code = imported("--flows", str(flows), "list", cache=cache)
    assert code == 0 and "jsonschema" in loaded


def test_replay_and_verify_import_no_prompting_library(tmp_path, cache):
    out = tmp_path / "records"
    for jobs in ("1", "2"):
        loaded, code = imported(
            "--flows", str(CATALOGUE), "replay", str(GOOD), "--out-dir", str(out / jobs),
            "--jobs", jobs, "--quiet", cache=cache,
        )  # fmt: skip
        assert code == 0
        assert not loaded & PROMPTING
    records = sorted(str(p) for p in (out / "1").iterdir())
    loaded, code = imported("verify", "--allow-incomplete", *records, cache=cache)
    assert code == 0
    assert not loaded & PROMPTING


def modules_at_first_question(tmp_path: Path, cache: Path, *args: str) -> set[str]:
    """Every module loaded when `sharewizard ARGS` shows its first question in a terminal.

    The question on screen, the test asks the process which modules it has loaded (SIGUSR1),
    then quits it with Ctrl-C as a person would.
    """
    snapshot = tmp_path / "modules.json"
    env = {
        "PYTHONPATH": str(ROOT),
        "SHAREWIZARD_CACHE_DIR": str(cache),
        "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"),
    }
    child = in_terminal(
        *args, cwd=tmp_path, env=env, program=[sys.executable, "-c", SNAPSHOT_PROBE, str(snapshot)]
    )
    try:
        child.expect_exact("Concern?")
        child.kill(signal.SIGUSR1)
        for _ in range(400):  # the handler runs as soon as the prompt's loop wakes
            if snapshot.exists() or not child.isalive():
                break
            child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.05)
        assert snapshot.exists(), f"no snapshot; the screen showed:\n{child.before}"
        child.sendcontrol("c")
        child.expect_exact("Quit now?")
        child.send("\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130  # stopped by the person: a draft was kept
    return set(json.loads(snapshot.read_text(encoding="utf-8")))


@pytest.mark.pty
def test_decide_shows_its_first_question_before_loading_yaml_schemas_or_rich(tmp_path, cache):
    loaded = modules_at_first_question(tmp_path, cache, "--flows", str(CATALOGUE), "decide", "demo")
    assert "questionary" in loaded  # the snapshot was taken with the question on screen
    assert sorted(loaded & NOT_BEFORE_FIRST_QUESTION) == []


@pytest.mark.pty
def test_decide_of_flows_not_yet_checked_loads_and_checks_them_first(tmp_path):
    loaded = modules_at_first_question(
        tmp_path, tmp_path / "empty-cache", "--flows", str(CATALOGUE), "decide", "demo"
    )
    assert {"yaml", "jsonschema", "sharewizard.flowfiles.loader"} <= loaded


def test_the_public_api_loads_nothing_until_a_name_is_used():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import sys, sharewizard\n"
        "print(sorted(m for m in sys.modules if m.startswith('sharewizard.')))\n"
        "print([name for name in sharewizard.__all__ if getattr(sharewizard, name) is None])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "[]"]
