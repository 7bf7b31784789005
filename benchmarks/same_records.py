"""Replay every recorded answers file into records of every format, for a before/after `diff -r`.

A refactor that must not change behaviour runs this before and after and compares the folders:

    python3 benchmarks/same_records.py /tmp/before      # on the old commit
    python3 benchmarks/same_records.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after                      # empty: byte-identical records

Every answers file in tests/answers and examples/cases is replayed with a pinned `--timestamp`
into JSON, Markdown and text records, and once more into JSON signed with a key made on the first
run (Ed25519 signatures are deterministic, so a signed record is comparable too; pass the same
`--sign-key` to both runs). Records are renamed to one neutral name per source file, part and
format, so a change in how records are *named* does not hide a change in what they *hold*.
The replay's own summary (`--json`) is kept beside them, as `replay.json`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = "2026-01-01T00:00:00Z"
SOURCES = ("tests/answers", "examples/cases")
RUN_CLI = "import sys; from sharewizard.cli import main; main()"
# `<source>.record[-N].<ext>` (before issue 21: `<source>.record[.partN].<ext>`), whatever the
# extension of a format is called (text records were `.text`, now `.txt`).
RECORD_NAME = re.compile(r"^(?P<stem>.+?)\.record(?:\.part(?P<part>\d+)|-(?P<n>\d+))?\.[a-z]+$")


def sharewizard(*args: str, env: dict[str, str]) -> str:
    """Run the working tree's sharewizard (not an installed copy) and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"sharewizard {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def replay_into(out: Path, fmt: str, extra: list[str], env: dict[str, str]) -> None:
    """Replay every source into `out`, one neutrally named file per record."""
    with tempfile.TemporaryDirectory() as scratch:
        written = Path(scratch, "records")
        summary = sharewizard(
            "replay", "--json", "--timestamp", STAMP, "--format", fmt,
            "--out-dir", str(written), *extra, *SOURCES, env=env,
        )  # fmt: skip
        out.mkdir(parents=True)
        for path in sorted(written.iterdir()):
            neutral = neutral_name(path.name)
            shutil.copyfile(path, out / neutral)
            summary = summary.replace(f'"{path}"', f'"OUT/{neutral}"')
        (out / "replay.json").write_text(summary, encoding="utf-8")


def neutral_name(name: str) -> str:
    """`<source>.part<N>` for a record name, whatever the naming rule of the day."""
    match = RECORD_NAME.match(name)
    if match is None:
        sys.exit(f"{name}: not a record name this script knows")
    return f"{match['stem']}.part{match['part'] or match['n'] or 1}"


def main() -> None:
    """Write every record of every recorded answers file under the given folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a folder that does not exist yet")
    parser.add_argument(
        "--sign-key",
        type=Path,
        help="private key for the signed run (made, with `keys new`, if missing)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HOME": home,
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CACHE_HOME": f"{home}/cache",
            "XDG_CONFIG_HOME": f"{home}/config",
            "SHAREWIZARD_DATA_DIR": f"{home}/sharewizard-data",
            "SHAREWIZARD_CACHE_DIR": f"{home}/sharewizard-cache",
        }
        env.pop("SHAREWIZARD_SIGNING_KEY", None)
        for fmt in ("json", "md", "text"):
            replay_into(args.out / fmt, fmt, [], env)
        key = args.sign_key or Path(home, "keys", "sharewizard-signing.key")
        if not key.exists():
            sharewizard("keys", "new", str(key.parent), env=env)
        replay_into(args.out / "json-signed", "json", ["--sign-key", str(key)], env)
    count = sum(1 for path in args.out.rglob("*") if path.is_file())
    print(f"{count} files under {args.out}")


if __name__ == "__main__":
    main()
