"""Load and lint time of generated 10,000-question flows, against parsing their YAML.

Run from the repository: `python3 benchmarks/load_scale.py` (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Benchmark the working tree, not whichever sharewizard happens to be installed.
sys.path.insert(0, str(ROOT))

from sharewizard.author.lint import lint_paths  # noqa: E402
from sharewizard.core.errors import FlowError  # noqa: E402
from sharewizard.flowfiles import yamldoc  # noqa: E402
from sharewizard.flowfiles.loader import _load_catalogue_cached, load_catalogue, read_yaml  # noqa: E402

CATALOGUE = ROOT / "tests" / "fixtures" / "catalogue"
LIMIT = 3.0  # the bound: load and lint in at most 3x the time of parsing the YAML

HEADER = """id: {id}
version: 1
title: Generated {id}
description: A generated flow for the load benchmark.
faq:
  question: How fast does it load?
start: q0
"""
CITE = """    citations:
      - source: sscp-faq
        section: Part 1
        quote: Share when it protects the child.
"""
GUIDE = """    guidance:
      - source: sscp-faq
        section: Part 1
        quote: Share when it protects the child.
"""


def _outcome(oid: str) -> str:
    return (
        f"  - id: {oid}\n    decision: share\n    title: Outcome {oid}\n"
        f"    summary: The end of the walk.\n    actions:\n      - Record it.\n" + CITE
    )


def chain(n: int) -> str:
    """n yes/no questions in a row: yes leads on, no ends."""
    parts = [HEADER.format(id="chain"), "questions:\n"]
    for i in range(n):
        nxt = f"q{i + 1}" if i + 1 < n else "done"
        parts.append(
            f"  - id: q{i}\n    text: Question {i}?\n    type: yesno\n"
            + GUIDE
            + f"    next:\n      yes: {nxt}\n      no: stop\n"
        )
    parts.append("outcomes:\n" + _outcome("done") + _outcome("stop"))
    return "".join(parts)


def tree(n: int) -> str:
    """A binary tree of n yes/no questions; the leaves' answers end at two outcomes."""
    parts = [HEADER.format(id="tree"), "questions:\n"]
    for i in range(n):
        yes = f"q{2 * i + 1}" if 2 * i + 1 < n else "done"
        no = f"q{2 * i + 2}" if 2 * i + 2 < n else "stop"
        parts.append(
            f"  - id: q{i}\n    text: Question {i}?\n    type: yesno\n"
            + GUIDE
            + f"    next:\n      yes: {yes}\n      no: {no}\n"
        )
    parts.append("outcomes:\n" + _outcome("done") + _outcome("stop"))
    return "".join(parts)


def wide(n: int) -> str:
    """One choice question with n answers, each leading to its own outcome."""
    parts = [HEADER.format(id="wide"), "questions:\n"]
    parts.append("  - id: q0\n    text: Which one?\n    type: choice\n" + GUIDE + "    choices:\n")
    parts.extend(f"      - value: c{i}\n        label: Choice {i}\n" for i in range(n))
    parts.append("    next:\n")
    parts.extend(f"      c{i}: o{i}\n" for i in range(n))
    parts.append("outcomes:\n")
    parts.extend(_outcome(f"o{i}") for i in range(n))
    return "".join(parts)


def best(work: Callable[[], object], repeat: int) -> float:
    """The best of `repeat` timings of `work`, in seconds (the catalogue cache emptied first)."""
    times = []
    for _ in range(repeat):
        _load_catalogue_cached.cache_clear()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep-limit",
        action="store_true",
        help="keep sharewizard's limit on values in a flow file (it refuses 10,000 questions)",
    )
    args = parser.parse_args()
    if not args.keep_limit:
        # The flow-size limit (yamldoc.FLOW_LIMITS.max_size) guards against alias bombs and
        # refuses a 10,000-question flow; lift it here to measure how the time grows.
        limit = yamldoc.FLOW_LIMITS.max_size
        yamldoc.FLOW_LIMITS = dataclasses.replace(yamldoc.FLOW_LIMITS, max_size=10**8)
        print(f"(the limit of {limit:,} values in a flow file is lifted for this run)")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("sources.yaml", "record.yaml"):
            (folder / name).write_text((CATALOGUE / name).read_text())
        for shape in (chain, tree, wide):
            for old in folder.glob("gen-*.yaml"):
                old.unlink()
            path = folder / f"gen-{shape.__name__}.yaml"
            path.write_text(shape(args.size))
            try:
                read_yaml(path)
            except FlowError as exc:
                print(f"{shape.__name__}: refused: {exc}")
                return 1
            parse = best(lambda p=path: read_yaml(p), args.repeat)
            load = best(lambda: load_catalogue(folder), args.repeat)
            lint = best(lambda p=path: lint_paths([p]), args.repeat)
            worst = max(worst, load / parse, lint / parse)
            print(
                f"{shape.__name__:5} {args.size} questions: parse {parse:.2f}s, "
                f"load {load:.2f}s ({load / parse:.1f}x), lint {lint:.2f}s ({lint / parse:.1f}x)"
            )
    print(f"worst ratio {worst:.1f}x (bound {LIMIT:.0f}x)")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
