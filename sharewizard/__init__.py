"""sharewizard: decide whether, what and how to share safeguarding information, and record it.

The public API is `__all__`, decided on purpose; everything else may change. Each name is
imported from its module when first used, so that `sharewizard --version` loads none of them.
See docs/architecture.md for where each lives.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public API: each name, and the module it comes from.
_PUBLIC = {
    "load_catalogue": "sharewizard.flowfiles.loader",
    "decide_interactive": "sharewizard.walk.decide",
    "decide_file": "sharewizard.walk.decide",
    "replay_all": "sharewizard.replay.batch",
    "build_record": "sharewizard.records.record",
    "write_record": "sharewizard.records.record",
    "load_record": "sharewizard.records.record",
    "verify_files": "sharewizard.records.verify",
    "lint_paths": "sharewizard.author.lint",
    "Catalogue": "sharewizard.core.model",
    "Flow": "sharewizard.core.model",
    "Record": "sharewizard.records.shape",
    "SharewizardError": "sharewizard.core.errors",
    "ExitStatus": "sharewizard.core.errors",
}

__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:  # what the names are, for type checkers
    from sharewizard.author.lint import lint_paths as lint_paths
    from sharewizard.core.errors import ExitStatus as ExitStatus
    from sharewizard.core.errors import SharewizardError as SharewizardError
    from sharewizard.core.model import Catalogue as Catalogue
    from sharewizard.core.model import Flow as Flow
    from sharewizard.flowfiles.loader import load_catalogue as load_catalogue
    from sharewizard.records.record import build_record as build_record
    from sharewizard.records.record import load_record as load_record
    from sharewizard.records.record import write_record as write_record
    from sharewizard.records.shape import Record as Record
    from sharewizard.records.verify import verify_files as verify_files
    from sharewizard.replay.batch import replay_all as replay_all
    from sharewizard.walk.decide import decide_file as decide_file
    from sharewizard.walk.decide import decide_interactive as decide_interactive


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'sharewizard' has no attribute {name!r}")
