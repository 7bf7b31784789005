"""Every performance target (issues 14 and 25), each measured beside its baseline in the same run.

Then what the recorded sittings ask a person (issue 22): questions per decision, facts asked twice.

Run from a clone with the dependencies installed: `python3 benchmarks/run.py` (see README.md).
Plain Python: subprocesses, a pseudo-terminal (so POSIX only) and medians; nothing to install.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOW = "share-without-consent"
STAMP = "2026-01-01T00:00:00Z"
RUN_CLI = "import sys; from sharewizard.cli import main; main()"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")

# The baseline of replay: the least any replay must do per file, done well (issue 14).
BASELINE_REPLAY = """
import json, os, sys, tempfile, yaml
source, out = sys.argv[1], sys.argv[2]
part, parts = (int(n) for n in (sys.argv[3] if len(sys.argv) > 3 else "0/1").split("/"))
paths = sorted(os.path.join(d, n) for d, _, names in os.walk(source) for n in names
               if n.endswith((".yaml", ".yml", ".json")))[part::parts]
for index, path in enumerate(paths):
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle.read(), Loader=yaml.CSafeLoader)
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\\n"
    fd, temporary = tempfile.mkstemp(dir=out, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, os.path.join(out, f"{part}-{index}.record.json"))
"""


# The same script with no fsync: what the baseline pays the disk (the register pays it once a
# batch), a row of context for `replay --register`.
BASELINE_NO_FSYNC = BASELINE_REPLAY.replace("os.fsync(handle.fileno())", "pass")

# The baseline of `register report`: the same counts, by one hand-written SQL query (a GROUP BY
# for each count, joined with UNION ALL) over the same database, through the sqlite3 module.
BASELINE_REPORT = """
import sqlite3, sys
counted = "training = 0 AND forgotten_at IS NULL"
parts = [f"SELECT '{c}', {c}, COUNT(*) FROM register_records WHERE {counted} GROUP BY {c}"
         for c in ("decision", "outcome", "flow", "organisation", "role", "month")]
parts += [
    f"SELECT 'shares', month || shares, COUNT(*) FROM register_records WHERE {counted} "
    "GROUP BY month, shares",
    "SELECT 'field', field || state, COUNT(*) FROM register_fields GROUP BY field, state",
    "SELECT 'open', '', COUNT(*) FROM register_records r WHERE r.for_now IS NOT NULL "
    f"AND r.{counted.replace(' AND ', ' AND r.')} AND r.created_at < '2026-12-18T00:00:00Z' "
    "AND NOT EXISTS (SELECT 1 FROM register_records l WHERE l.case_key = r.case_key "
    "AND l.training = 0 AND l.record_id <> r.record_id AND (l.created_at > r.created_at "
    "OR (l.sitting_id = r.sitting_id AND l.sitting_part > r.sitting_part)))",
    "SELECT 'sittings', '', COUNT(*) FROM (SELECT sitting_id FROM register_records "
    "WHERE training = 0 GROUP BY sitting_id "
    "HAVING COUNT(DISTINCT sitting_part) < MAX(sitting_parts)) s",
    "SELECT 'quarantined', '', COUNT(*) FROM register_quarantine",
]
print(len(sqlite3.connect(sys.argv[1]).execute(" UNION ALL ".join(parts)).fetchall()))
"""
REPORT_AS_OF = "2027-01-01"  # 14 days after the cut-off the baseline's open-loop query names


@dataclass
class Row:
    """One line of the table: our figure against its baseline, and the target on the ratio."""

    what: str
    ours: float
    baseline: float
    unit: str
    target: float
    higher_is_better: bool  # ratio = ours/baseline for rates, ours/baseline for times too

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def met(self) -> bool:
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target


def environment(scratch: Path) -> dict[str, str]:
    """The working tree's sharewizard, its own caches and data folders, no user settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SHAREWIZARD_") and k not in ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = str(ROOT)
    env["SHAREWIZARD_CACHE_DIR"] = str(scratch / "cache")
    env["SHAREWIZARD_DATA_DIR"] = str(scratch / "data")
    env["SHAREWIZARD_FLOWS"] = str(ROOT / "flows")
    if os.environ.get("SHAREWIZARD_GUIDANCE"):
        env["SHAREWIZARD_GUIDANCE"] = os.environ["SHAREWIZARD_GUIDANCE"]
    return env


def wall(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds for a whole process, interpreter start included; it must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def first_question(env: dict[str, str], cwd: Path, marker: str, timeout: float = 20) -> float:
    """Seconds from starting `decide FLOW` in a pseudo-terminal to its first question on screen."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    term_env = {**env, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "decide", FLOW],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=term_env,
        cwd=cwd,
        start_new_session=True,
    )
    os.close(secondary)
    seen = ""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([main], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(main, 65536).decode("utf-8", "replace")
                except OSError:
                    break
                seen += chunk
                if marker in " ".join(ANSI.sub("", seen).split()):
                    return time.perf_counter() - started
            elif child.poll() is not None:
                break
        sys.exit(f"no first question within {timeout} s; the screen showed:\n{ANSI.sub('', seen)}")
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(main)


def medians(measures: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    """Run each measure `runs` times, interleaved so that noise hits every side alike."""
    taken: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            taken[name].append(measure())
    return {name: statistics.median(values) for name, values in taken.items()}


def answers_corpus(folder: Path, count: int) -> int:
    """`count` answers files for the shipped flows, copied from the recorded ones, spread over
    team and month folders as a real archive might be."""
    sources = sorted(
        p for base in ("tests/answers", "examples/cases") for p in (ROOT / base).rglob("*.y*ml")
    )
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for n in range(count):
        target = folder / f"team-{n % 5}" / f"2026-{1 + n % 12:02d}" / f"case-{n:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        # a line of its own makes each copy a file of its own: its records get ids of their own
        target.write_text(f"{texts[n % len(texts)]}\n# copy {n}\n", encoding="utf-8")
    return count


def replay_rate(command: list[str], env: dict[str, str], scratch: Path, count: int) -> float:
    """Answers files per second of a whole replay process into a fresh folder (checked, then
    gone). A file with `then:` parts gives more than one record; the rate counts files."""
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    elapsed = wall([*command, str(out)], env, scratch)
    written = sum(1 for p in out.iterdir() if p.name.endswith(".json"))
    shutil.rmtree(out)
    os.sync()  # the next run should not pay for committing this one's deletions to the disk
    if written < count:
        sys.exit(f"{' '.join(command)} wrote {written} records for {count} files")
    return count / elapsed


def baseline_pair_rate(
    script: Path, source: Path, env: dict[str, str], scratch: Path, count: int
) -> float:
    """Files per second of two baseline processes at once, each on every other file: how far
    this disk lets two writers that fsync every file go (it bounds what `--jobs 2` can gain)."""
    out = Path(tempfile.mkdtemp(dir=scratch, prefix="out-"))
    started = time.perf_counter()
    both = [
        subprocess.Popen([sys.executable, str(script), str(source), str(out), f"{n}/2"], env=env)
        for n in (0, 1)
    ]
    if any(p.wait() for p in both):
        sys.exit("the baseline failed")
    elapsed = time.perf_counter() - started
    written = sum(1 for p in out.iterdir() if p.name.endswith(".json"))
    shutil.rmtree(out)
    os.sync()
    if written < count:
        sys.exit(f"two baselines wrote {written} records for {count} files")
    return count / elapsed


def register_rate(command: list[str], env: dict[str, str], scratch: Path, count: int) -> float:
    """Answers files per second of `replay --register` into a new SQLite register (then gone)."""
    db = Path(tempfile.mkdtemp(dir=scratch, prefix="reg-")) / "register.sqlite3"
    elapsed = wall([*command, "--register", str(db)], env, scratch)
    import sqlite3

    with sqlite3.connect(db) as connection:
        added = connection.execute("SELECT COUNT(*) FROM register_records").fetchone()[0]
    shutil.rmtree(db.parent)
    os.sync()
    if added < count:
        sys.exit(f"{' '.join(command)} --register added {added} records for {count} files")
    return count / elapsed


def register_rows(args: argparse.Namespace, py: str, cli: list[str], scratch: Path,
                  env: dict[str, str], script: Path) -> list[Row]:  # fmt: skip
    """`replay --register` against the baseline replay; `register report` against one query."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from register_corpus import generate

    files = answers_corpus(scratch / "register-answers", args.register_files)
    os.sync()
    replay = [*cli, "replay", str(scratch / "register-answers"), "--quiet", "--timestamp", STAMP]
    no_fsync = scratch / "baseline_no_fsync.py"
    no_fsync.write_text(BASELINE_NO_FSYNC, encoding="utf-8")
    rates = medians(
        {
            "baseline": lambda: replay_rate(
                [py, str(script), str(scratch / "register-answers")], env, scratch, files
            ),
            "register": lambda: register_rate(replay, env, scratch, files),
            "no_fsync": lambda: replay_rate(
                [py, str(no_fsync), str(scratch / "register-answers")], env, scratch, files
            ),
        },
        args.register_runs,
    )
    shutil.rmtree(scratch / "register-answers")
    count = 1_000_000 if args.large else args.report_records
    db = scratch / "report.sqlite3"
    generate(str(db), count)
    query = scratch / "baseline_report.py"
    query.write_text(BASELINE_REPORT, encoding="utf-8")
    report = [*cli, "register", "report", "--db", str(db), "--format", "json", "--as-of",
              REPORT_AS_OF]  # fmt: skip
    times = medians(
        {
            "query": lambda: wall([py, str(query), str(db)], env, scratch),
            "report": lambda: wall(report, env, scratch),
        },
        args.register_runs,
    )
    return [
        Row(f"replay --register of {files} files into SQLite (vs libyaml+fsync script)",
            rates["register"], rates["baseline"], "rec/s", 5.0, True),
        Row("the baseline with no fsync (vs with): the most the disk costs it",
            rates["no_fsync"], rates["baseline"], "rec/s", 0.0, True),
        Row(f"register report over {count:,} records (vs one hand-written SQL query)",
            times["report"] * 1000, times["query"] * 1000, "ms", 3.0, False),
    ]  # fmt: skip


def lint_times(cli: list[str], env: dict[str, str], scratch: Path, runs: int) -> dict[str, float]:
    """`lint --strict` of the packaged flows, and of a copy with no policy.yaml (nothing to prove).

    The proof walks every path from every entry point, every record form and every pair of
    decisions of a sitting (issue 23); the baseline is what lint did before it.
    """
    bare = scratch / "flows-without-policy"
    shutil.copytree(ROOT / "flows", bare)
    (bare / "policy.yaml").unlink()
    guidance = ["--guidance", str(ROOT.parent / "shared" / "guidance")]
    return medians(
        {
            "flows": lambda: wall([*cli, "lint", "--strict", *guidance, str(bare)], env, scratch),
            "proof": lambda: wall(
                [*cli, "lint", "--strict", *guidance, str(ROOT / "flows")], env, scratch
            ),
        },
        max(1, runs // 3),
    )


def imported(args: list[str], env: dict[str, str], cwd: Path) -> set[str]:
    """Which heavy packages a command imports (run in a subprocess, `sys.modules` at exit)."""
    probe = (
        "import atexit, sys\n"
        "watch = ('questionary', 'prompt_toolkit', 'jsonschema', 'pydantic', 'rich',"
        " 'cryptography')\n"
        "atexit.register(lambda: sys.__stderr__.write('IMPORTED ' + ' '.join(sorted("
        "{m.split('.')[0] for m in sys.modules} & set(watch))) + '\\n'))\n" + RUN_CLI
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("IMPORTED"))
    return set(line.split()[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each start-up (9)")
    parser.add_argument("--files", type=int, default=2000, help="answers files to replay (2000)")
    parser.add_argument("--replay-runs", type=int, default=5, help="runs of each replay (5)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    parser.add_argument("--register-files", type=int, default=20000,
                        help="answers files for replay --register (20000)")  # fmt: skip
    parser.add_argument("--report-records", type=int, default=100_000,
                        help="records in the register for the report (100000)")  # fmt: skip
    parser.add_argument("--large", action="store_true",
                        help="report over 1,000,000 records (minutes to generate)")  # fmt: skip
    parser.add_argument("--register-runs", type=int, default=3,
                        help="runs of each register measure (3)")  # fmt: skip
    parser.add_argument("--no-register", action="store_true", help="leave out the register rows")
    parser.add_argument("--register-only", action="store_true",
                        help="only the register rows (minutes)")  # fmt: skip
    parser.add_argument("--questions", action="store_true",
                        help="only the table of questions asked (seconds)")  # fmt: skip
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.questions:
        print_questions()
        return

    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="sharewizard-bench-") as tmp:
        scratch = Path(tmp)
        env = environment(scratch)
        # An installed sharewizard has its bytecode compiled (pip does it): so should this one,
        # or every run would compile our changed modules again while Typer's are ready.
        subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "sharewizard")], check=True)
        from sharewizard.flowfiles.loader import load_catalogue

        flow = load_catalogue(ROOT / "flows").flows[FLOW]
        marker = " ".join(flow.questions[flow.start].text.split())[:40]
        cli = [py, "-c", RUN_CLI]
        wall(cli + ["list"], env, scratch)  # the first run checks the flows and fills the cache
        if args.register_only:
            script = scratch / "baseline_replay.py"
            script.write_text(BASELINE_REPLAY, encoding="utf-8")
            rows = register_rows(args, py, cli, scratch, env, script)
            print_rows(rows, f"medians of {args.register_runs} runs, each beside its baseline")
            return

        start = medians(
            {
                "typer": lambda: wall([py, "-c", "import typer"], env, scratch),
                "version": lambda: wall(cli + ["--version"], env, scratch),
                "list": lambda: wall(cli + ["list"], env, scratch),
                "questionary": lambda: wall([py, "-c", "import questionary"], env, scratch),
                "decide": lambda: first_question(env, scratch, marker),
            },
            args.runs,
        )

        count = answers_corpus(scratch / "answers", args.files)
        os.sync()
        script = scratch / "baseline_replay.py"
        script.write_text(BASELINE_REPLAY, encoding="utf-8")
        replay = [*cli, "replay", str(scratch / "answers"), "--quiet", "--timestamp", STAMP]
        jobs = os.cpu_count() or 1
        rates = medians(
            {
                "baseline": lambda: replay_rate(
                    [py, str(script), str(scratch / "answers")], env, scratch, count
                ),
                "jobs1": lambda: replay_rate(
                    [*replay, "--jobs", "1", "--out-dir"], env, scratch, count
                ),
                "jobs2": lambda: replay_rate(
                    [*replay, "--jobs", "2", "--out-dir"], env, scratch, count
                ),
                "default": lambda: replay_rate([*replay, "--out-dir"], env, scratch, count),
                "nowrite1": lambda: count / wall([*replay, "--jobs", "1"], env, scratch),
                "nowrite2": lambda: count / wall([*replay, "--jobs", "2"], env, scratch),
                "baseline2": lambda: baseline_pair_rate(
                    script, scratch / "answers", env, scratch, count
                ),
            },
            args.replay_runs,
        )
        register = [] if args.no_register else register_rows(args, py, cli, scratch, env, script)
        lint = lint_times(cli, env, scratch, args.runs)
        verify_target = scratch / "verify-me"
        verify_target.mkdir()
        imports = {
            "--version": imported(["--version"], env, scratch),
            "list": imported(["list"], env, scratch),
            "replay": imported([*replay[3:], "--out-dir", str(verify_target)], env, scratch),
            "verify": imported(["verify", str(next(verify_target.iterdir()))], env, scratch),
        }

    rows = [
        Row("sharewizard --version (vs import typer)", start["version"] * 1000,
            start["typer"] * 1000, "ms", 1.15, False),
        Row("sharewizard list (vs import typer)", start["list"] * 1000, start["typer"] * 1000,
            "ms", 1.3, False),
        Row(f"decide {FLOW}: first question (vs import questionary)", start["decide"] * 1000,
            start["questionary"] * 1000, "ms", 1.5, False),
        Row(f"replay {count} files, default --jobs ({jobs}) (vs libyaml+fsync script)",
            rates["default"], rates["baseline"], "rec/s", 0.8, True),
        Row(f"replay {count} files, --jobs 1 (vs libyaml+fsync script)", rates["jobs1"],
            rates["baseline"], "rec/s", 0.0, True),
        Row(f"replay {count} files, --jobs 2 (vs --jobs 1)", rates["jobs2"], rates["jobs1"],
            "rec/s", 1.6, True),
        Row(f"replay {count} files, no records written, --jobs 2 (vs --jobs 1)", rates["nowrite2"],
            rates["nowrite1"], "files/s", 0.0, True),
        Row("the baseline, 2 processes at once (vs 1): what the disk allows two writers",
            rates["baseline2"], rates["baseline"], "rec/s", 0.0, True),
        *register,
        Row("lint --strict: the flows and the proof of policy.yaml (vs the same flows, no policy)",
            lint["proof"] * 1000, lint["flows"] * 1000, "ms", 10.0, False),
    ]  # fmt: skip
    print_rows(
        rows,
        f"medians of {args.runs} start-ups and {args.replay_runs} replays, each side by side "
        "with its baseline",
    )
    watched = ("questionary", "prompt_toolkit", "jsonschema", "pydantic")
    for command, found in imports.items():
        heavy = sorted(found & set(watched)) or ["none of them"]
        limit = watched[:2] if command in ("replay", "verify") else watched[:3]
        ok = not (found & set(limit))
        print(
            f"| `{command}` imports ({', '.join(watched)}) | {', '.join(heavy)} | - | - | "
            f"none of {', '.join(limit)} | {'yes' if ok else '**no**'} |"
        )
    if args.json:
        print(json.dumps([row.__dict__ | {"ratio": row.ratio, "met": row.met} for row in rows]))
    print()
    print_questions()


def print_rows(rows: list[Row], how: str) -> None:
    """The table of measures, each beside its baseline, with its target and whether it is met."""
    print(f"sharewizard benchmarks: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {how}")
    print()
    print("| measure | ours | baseline | ratio | target | met |")
    print("|---|---:|---:|---:|---:|---|")
    for row in rows:
        sign = ">=" if row.higher_is_better else "<="
        target = f"{sign} {row.target:.2f}x" if row.target else "-"
        met = ("yes" if row.met else "**no**") if row.target else "-"
        print(
            f"| {row.what} | {row.ours:.0f} {row.unit} | {row.baseline:.0f} {row.unit} | "
            f"{row.ratio:.2f}x | {target} | {met} |"
        )


def print_questions() -> None:
    """Issue 22's table: what each recorded sitting asks a person (benchmarks/asked.py)."""
    from benchmarks import asked

    print("\n".join(asked.table(asked.main(ROOT))))


if __name__ == "__main__":
    main()
