#!/usr/bin/env python3
"""Generate docs/factcheck/<flow>.md: every path of every packaged flow, for sign-off.

    python3 docs/gen_factcheck.py            # rewrite docs/factcheck/
    python3 docs/gen_factcheck.py --check    # exit 1 if any table is out of date

The same tables come from `sharewizard factcheck FLOW [--format md|csv|html]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sharewizard.factcheck import render  # noqa: E402
from sharewizard.loader import load_catalogue  # noqa: E402

FLOWS_DIR = REPO / "flows"
OUTPUT = REPO / "docs" / "factcheck"


def expected(flows_dir: Path = FLOWS_DIR) -> dict[str, str]:
    """File name -> Markdown fact-check table, for every flow in `flows_dir`."""
    catalogue = load_catalogue(flows_dir)
    decisions = catalogue.record_form.decisions
    titles = {fid: flow.title for fid, flow in catalogue.flows.items()}
    return {
        f"{fid}.md": render(flow, "md", decisions, titles) for fid, flow in catalogue.flows.items()
    }


def stale(output: Path = OUTPUT) -> list[str]:
    """The tables in `output` that are missing, out of date, or for flows that no longer exist."""
    wanted = expected()
    have = {p.name for p in output.glob("*.md")} if output.is_dir() else set()
    out = [
        name
        for name, text in wanted.items()
        if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text
    ]
    return sorted(out + [name for name in have - set(wanted)])


def main() -> int:
    """Write the tables, or with --check report the stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table is out of date")
    args = parser.parse_args()
    if args.check:
        problems = stale()
        for name in problems:
            print(f"docs/factcheck/{name} is out of date: run python3 docs/gen_factcheck.py")
        return 1 if problems else 0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    wanted = expected()
    for old in OUTPUT.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        (OUTPUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} tables to docs/factcheck/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
