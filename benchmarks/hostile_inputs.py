"""Time and peak memory for refusing each hostile input (the issue asks: under 1 s, under 100 MB).

Each input runs in its own child process (`sharewizard replay FILE`, or `list` and `lint` for a
flows folder), so the peak resident memory measured is the whole process's, interpreter included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tests" / "fixtures" / "catalogue"


def bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def cases(folder: Path) -> list[tuple[str, list[str]]]:
    answers = {
        "alias bomb (answers)": "flow: demo\nanswers: {concern: 'no'}\n" + bomb(),
        "self-referencing alias": "flow: demo\nanswers: &a\n  concern: *a\n",
        "1,000 levels of nesting": "flow: demo\nanswers: " + "[" * 1000 + "]" * 1000 + "\n",
        "4,301-digit integer": "flow: demo\nanswers:\n  concern: " + "1" * 4301 + "\n",
        "900 kB answer": "flow: demo\nanswers:\n  note: " + "x" * 900_000 + "\n",
        "tagged 4,000-digit hex": "flow: demo\nanswers:\n  concern: !!int 0x" + "F" * 4000 + "\n",
    }
    found: list[tuple[str, list[str]]] = []
    for n, (name, text) in enumerate(answers.items()):
        path = folder / f"case{n}.yaml"
        path.write_text(text)
        found.append((name, ["replay", str(path)]))
    big = folder / "big.yaml"
    with big.open("w") as handle:  # written in pieces: this process stays small (see main)
        handle.write("flow: demo\n")
        for _ in range(44):
            handle.write("# padding\n" * 100_000)
    found.append(("44 MB answers file", ["replay", str(big)]))
    flows = folder / "flows"
    shutil.copytree(CATALOGUE, flows)
    (flows / "bomb.yaml").write_text(bomb())
    found.append(("alias bomb (flow)", ["--flows", str(flows), "list"]))
    found.append(("alias bomb (lint)", ["lint", str(flows)]))
    looped = folder / "looped"
    shutil.copytree(CATALOGUE, looped)
    (looped / "self.yaml").write_text("id: x\nfoo: &a\n  x: *a\n")
    found.append(("self-alias (lint)", ["lint", str(looped)]))
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    found.append(("FIFO", ["replay", str(fifo)]))
    found.append(("/dev/zero", ["replay", "/dev/zero"]))
    return found


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{'input':<26} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    cases_with_baseline = [("(baseline: --version)", ["--version"])]
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in cases_with_baseline + cases(Path(tmp)):
            command = [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), *args]
            if args[0] in ("--flows", "lint"):
                command = [sys.executable, "-m", "sharewizard", *args]
            start = time.perf_counter()
            child = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            # kB on Linux; a child starts from this process's high-water mark, so keep it small
            peak = usage.ru_maxrss / 1024
            print(f"{name:<26} {code:>4} {seconds:>8.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
