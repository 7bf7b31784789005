"""Where sharewizard keeps the user's files: the data folder (drafts, known keys, the register)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "SHAREWIZARD_DATA_DIR"


def data_dir() -> Path:
    """The user's data folder for sharewizard (platformdirs), or `$SHAREWIZARD_DATA_DIR`."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    import platformdirs

    return platformdirs.user_data_path("sharewizard", appauthor=False)
