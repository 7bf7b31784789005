#!/usr/bin/env python3
"""Generate the README's table of environment variables from `sharewizard/cli/manual.py`.

python3 docs/gen_readme.py            # rewrite the table in README.md
python3 docs/gen_readme.py --check    # exit 1 if the table is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START = "<!-- environment: generated from sharewizard/cli/manual.py by docs/gen_readme.py -->"
END = "<!-- end of the generated table -->"


def environment_table() -> str:
    """The Markdown table: each variable, what it does, and the commands it changes."""
    from sharewizard.cli.manual import variables

    rows = ["| variable | what it does | commands |", "|---|---|---|"]
    for variable in variables():
        where = ", ".join(f"`{c}`" for c in variable.commands) or "all"
        rows.append(f"| `{variable.name}` | {variable.meaning} | {where} |")
    return "\n".join(rows)


def with_table(text: str) -> str:
    """The README text with its generated block replaced by a fresh table."""
    before, found, rest = text.partition(START)
    if not found or END not in rest:
        raise SystemExit(f"README.md has no {START} ... {END} block")
    after = rest.partition(END)[2]
    return f"{before}{START}\n{environment_table()}\n{END}{after}"


def main() -> int:
    """Rewrite the table, or with --check say whether it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    fresh = with_table(text)
    if args.check:
        if fresh != text:
            print("README.md: the environment table is out of date; run python3 docs/gen_readme.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    print("wrote the environment table in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
