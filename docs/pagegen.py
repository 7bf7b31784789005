"""What the docs generators share: a folder of generated pages, checked or rewritten.

`python3 docs/gen_X.py` rewrites its folder from a fresh run; `--check` says what differs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def differences(wanted: dict[str, str], folder: Path) -> dict[str, str]:
    """Page name -> what is wrong with it: missing, out of date, or left over (no longer made)."""
    found = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    wrong = {name: "missing" for name in set(wanted) - found}
    wrong |= {name: "left over: nothing generates it any more" for name in found - set(wanted)}
    wrong |= {
        name: "out of date"
        for name in set(wanted) & found
        if (folder / name).read_text(encoding="utf-8") != wanted[name]
    }
    return dict(sorted(wrong.items()))


def write(wanted: dict[str, str], folder: Path) -> None:
    """Make `folder` hold exactly the wanted pages."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8")


def main(doc: str, wanted: Callable[[], dict[str, str]], folder: Path, script: str) -> int:
    """Rewrite `folder`, or with --check say what is wrong in it and exit 1."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a page is out of date")
    args = parser.parse_args()
    pages = wanted()
    shown = folder.relative_to(Path(script).resolve().parents[1])
    if args.check:
        wrong = differences(pages, folder)
        for name, problem in wrong.items():
            print(f"{shown}/{name}: {problem}; run python3 docs/{Path(script).name}")
        return 1 if wrong else 0
    write(pages, folder)
    print(f"wrote {len(pages)} pages to {shown}/")
    return 0
