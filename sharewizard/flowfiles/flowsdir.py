"""Where the flows are: `--flows DIR`, `$SHAREWIZARD_FLOWS`, or the ones shipped with sharewizard.

A module of its own, importing nothing heavy, so that `list` can find its cached rows without
loading the flows loader.
"""

from __future__ import annotations

import os
from pathlib import Path

FLOWS_ENV = "SHAREWIZARD_FLOWS"


def default_flows_dir() -> Path:
    """`$SHAREWIZARD_FLOWS`, else the flows shipped in the package, else the source tree's."""
    if os.environ.get(FLOWS_ENV):
        return Path(os.environ[FLOWS_ENV])
    package = Path(__file__).parent.parent  # sharewizard/
    packaged = package / "flows"
    return packaged if packaged.is_dir() else package.parent / "flows"
