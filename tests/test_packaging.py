"""The installed command finds its flows from any folder (they ship inside the wheel)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def _installed_command() -> str:
    beside = Path(sys.executable).parent / "sharewizard"
    return str(beside) if beside.exists() else shutil.which("sharewizard") or ""


def test_installed_command_lists_flows_from_another_folder(tmp_path):
    command = _installed_command()
    assert command, "sharewizard is not installed in this environment: pip install '.[test]'"
    env = {k: v for k, v in os.environ.items() if k != "SHAREWIZARD_FLOWS"}
    done = subprocess.run(
        [command, "list", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    ids = {row["id"] for row in json.loads(done.stdout)}
    assert {"share-without-consent", "triage"} <= ids
    done = subprocess.run(
        [command, "schema", "flow"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and json.loads(done.stdout)["title"] == "sharewizard flow"
