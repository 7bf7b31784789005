"""Start-up stays light: the commands that never prompt never import the prompting libraries.

Each check runs in a fresh interpreter and reads `sys.modules` as it exits, so what an earlier
test imported cannot hide what a command imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
from sharewizard.cli import main
main(sys.argv[1:])
"""


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
    assert not loaded & {"yaml", "rich", "sharewizard.loader", "sharewizard.model", "pickle"}


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
