"""An interrupted replay leaves nothing behind: Ctrl-C, SIGTERM and SIGHUP, to the parent or to
the whole group, leave no temporary record and no worker alive; a killed parent's workers exit
(review 2026-12-06: F-7, repro R13)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GOOD = Path(__file__).parent / "answers" / "sittings" / "share-and-inform.yaml"
FILES = 4000  # enough that every replay is still running when it is signalled

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("r13")
    for i in range(FILES):
        shutil.copy(GOOD, folder / f"f{i}.yaml")
    return folder


def start(inputs: Path, out: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sharewizard", "replay", str(inputs), "--out-dir", str(out),
         "--jobs", str(jobs), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job is
    )  # fmt: skip


def wait_until(test, what: str, timeout: float = 30) -> None:
    """Poll `test` (what the file system or /proc shows) until true."""
    end = time.monotonic() + timeout
    while not test():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def records(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.endswith(".record.json")] if out.exists() else []


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


STOPS = {
    "SIGTERM to the parent, --jobs 1": (1, signal.SIGTERM, False, 143),
    "SIGHUP to the parent, --jobs 1": (1, signal.SIGHUP, False, 129),
    "SIGTERM to the group, --jobs 1": (1, signal.SIGTERM, True, 143),
    "SIGTERM to the parent, --jobs 2": (2, signal.SIGTERM, False, 143),
    "SIGHUP to the group (terminal closed), --jobs 2": (2, signal.SIGHUP, True, 129),
    "SIGTERM to the group, --jobs 2": (2, signal.SIGTERM, True, 143),
    "Ctrl-C to the group, --jobs 2": (2, signal.SIGINT, True, 130),
}


@pytest.mark.parametrize("case", STOPS, ids=list(STOPS))
def test_a_stopped_replay_leaves_no_temporary_record_and_no_worker(case, inputs, tmp_path):
    jobs, number, group, status = STOPS[case]
    out = tmp_path / "out"
    replay = start(inputs, out, jobs)
    wait_until(lambda: len(records(out)) >= 20, "the first records")
    workers = children(replay.pid)
    if group:
        os.killpg(replay.pid, number)
    else:
        os.kill(replay.pid, number)
    _, err = replay.communicate(timeout=60)
    assert replay.returncode == status, err
    assert "interrupted: some answers files were not replayed" in err
    assert "Traceback" not in err
    wait_until(lambda: not any(alive(w) for w in workers), "the workers to exit", timeout=10)
    assert leftovers(out) == []
    assert 0 < len(records(out)) < FILES
    for record in records(out):
        json.loads(record.read_text())  # each one whole


def test_the_workers_of_a_killed_replay_remove_their_temporary_records_and_exit(inputs, tmp_path):
    out = tmp_path / "out"
    replay = start(inputs, out, 2)
    wait_until(lambda: len(records(out)) >= 20, "the first records")
    workers = children(replay.pid)
    assert len(workers) >= 2
    replay.kill()  # SIGKILL: the parent cannot stop them itself
    replay.wait(timeout=10)
    wait_until(lambda: not any(alive(w) for w in workers), "orphaned workers to exit", 10)
    assert leftovers(out) == []
    for record in records(out):
        json.loads(record.read_text())
