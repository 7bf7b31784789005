"""Replay throughput: records per second from answers files, against a plain YAML→JSON baseline.

Run from the repository: `python3 benchmarks/replay_throughput.py` (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Benchmark the working tree, not whichever sharewizard happens to be installed.
sys.path.insert(0, str(ROOT))

from sharewizard.loader import load_catalogue  # noqa: E402
from sharewizard.replay import expand_paths, replay_all  # noqa: E402

CATALOGUE = ROOT / "tests" / "fixtures" / "catalogue"
STAMP = "2026-01-01T00:00:00Z"

# Ways through the `demo` fixture flow, reaching each of its four outcomes.
PATHS = [
    {"concern": "no"},
    {"concern": "not-sure"},
    *[
        {"concern": "yes", "kinds": list(kinds), "note": note}
        for r in (1, 2, 3)
        for kinds in itertools.combinations(["neglect", "injury", "online"], r)
        if "injury" not in kinds
        for note in ("", "Seen at drop-off")
    ],
    *[
        {"concern": "yes", "kinds": list(kinds), "urgency": urgency, "note": ""}
        for r in (1, 2, 3)
        for kinds in itertools.combinations(["neglect", "injury", "online"], r)
        if "injury" in kinds
        for urgency in ("high", "low")
    ],
]
BASES = ["public-task", "legal-obligation", "vital-interests", "other", "not-applicable"]


def answers_document(n: int) -> dict:
    """The n-th generated answers file: paths and record fields vary with n."""
    answers = PATHS[n % len(PATHS)]
    basis = BASES[n % len(BASES)]
    record = {
        "what": f"Concerns noted in case {n}: attendance and what the child said",
        "with_whom": "Children's Social Care front door",
        "how": "Phone call, then secure email",
        "when": f"2026-11-{1 + n % 28:02d} 10:{n % 60:02d}",
        "lawful_basis": basis,
        "rationale": "Necessary and proportionate to protect the child from harm.",
        "family_informed": "yes" if n % 3 else "no",
        "case_reference": f"CASE-{n:05d}",
    }
    if basis == "other":
        record["lawful_basis_other"] = "Local safeguarding procedures"
    if n % 3 == 0:
        record["family_not_informed_reason"] = "Telling them could put the child at risk."
    return {
        "schema_version": 1,
        "flow": {"id": "demo", "version": 3},
        "answers": answers,
        "record": record,
    }


def generate(folder: Path, count: int) -> list[Path]:
    """`count` answers files spread over team/month folders, as a real archive might be."""
    for n in range(count):
        target = folder / f"team-{n % 5}" / f"2026-{1 + n % 12:02d}" / f"case-{n:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(answers_document(n), sort_keys=False), encoding="utf-8")
    return expand_paths([str(folder)])


def baseline(files: list[Path], out_dir: Path) -> None:
    """The floor: read each file with yaml.safe_load and write it back out with json.dump."""
    for n, path in enumerate(files):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        with open(out_dir / f"{n}.json", "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False, sort_keys=True)


def best_rate(work: Callable[[Path], None], count: int, scratch: Path, repeat: int) -> float:
    """Files per second of the fastest of `repeat` runs, each into a fresh empty folder."""
    best = float("inf")
    for _ in range(repeat):
        out_dir = Path(tempfile.mkdtemp(dir=scratch))
        started = time.perf_counter()
        work(out_dir)
        best = min(best, time.perf_counter() - started)
        if len(os.listdir(out_dir)) != count:
            sys.exit(f"expected {count} files in {out_dir}, found {len(os.listdir(out_dir))}")
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="answers files (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (3)")
    args = parser.parse_args()

    catalogue = load_catalogue(CATALOGUE)
    default_jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="sharewizard-bench-") as tmp:
        scratch = Path(tmp)
        files = generate(scratch / "answers", args.files)

        def replay(jobs: int) -> Callable[[Path], None]:
            def run(out_dir: Path) -> None:
                results = replay_all(
                    catalogue,
                    files,
                    created_at=STAMP,
                    out_dir=out_dir,
                    fmt="json",
                    force=False,
                    jobs=jobs,
                )
                failed = [r.error for r in results if r.error]
                if failed:
                    sys.exit(f"{len(failed)} files did not replay, first: {failed[0]}")

            return run

        replay(1)(Path(tempfile.mkdtemp(dir=scratch)))  # warm-up: schema validators, caches
        serial = best_rate(replay(1), len(files), scratch, args.repeat)
        parallel = best_rate(replay(default_jobs), len(files), scratch, args.repeat)
        floor = best_rate(lambda out: baseline(files, out), len(files), scratch, args.repeat)

    print(
        f"{len(files)} answers files of the demo flow, {len(PATHS)} distinct paths, "
        f"best of {args.repeat} runs"
    )
    print(
        f"replay (jobs=1): {serial:.0f} rec/s, baseline: {floor:.0f} files/s, "
        f"ratio {serial / floor:.2f}x"
    )
    print(
        f"replay (jobs={default_jobs}, the default): {parallel:.0f} rec/s, baseline: "
        f"{floor:.0f} files/s, ratio {parallel / floor:.2f}x"
    )


if __name__ == "__main__":
    main()
