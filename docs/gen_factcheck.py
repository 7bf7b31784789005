#!/usr/bin/env python3
"""Generate docs/factcheck/<flow>.md: every path of every packaged flow, for sign-off.

    python3 docs/gen_factcheck.py            # rewrite docs/factcheck/
    python3 docs/gen_factcheck.py --check    # exit 1 if any table is out of date

The same tables come from `sharewizard factcheck FLOW [--format md|csv|html]`.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pagegen  # noqa: E402

from sharewizard.author.factcheck import render  # noqa: E402
from sharewizard.author.prove import proof_of  # noqa: E402
from sharewizard.flowfiles.loader import load_catalogue  # noqa: E402

FLOWS_DIR = REPO / "flows"
OUTPUT = REPO / "docs" / "factcheck"


def expected(flows_dir: Path = FLOWS_DIR) -> dict[str, str]:
    """File name -> Markdown fact-check table, for every flow in `flows_dir`."""
    catalogue = load_catalogue(flows_dir)
    decisions = catalogue.record_form.decisions
    titles = {fid: flow.title for fid, flow in catalogue.flows.items()}
    proof = proof_of(flows_dir)
    return {
        f"{fid}.md": render(flow, "md", decisions, titles, functools.partial(proof.rules_at, fid))
        for fid, flow in catalogue.flows.items()
    }


def stale(output: Path = OUTPUT) -> list[str]:
    """The tables in `output` that are missing, out of date, or for flows that no longer exist."""
    return list(pagegen.differences(expected(), output))


if __name__ == "__main__":
    sys.exit(pagegen.main(__doc__, expected, OUTPUT, __file__))
