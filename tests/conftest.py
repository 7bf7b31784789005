from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from sharewizard.core.model import Catalogue
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Checked catalogues are cached in a folder of this test run, not in the developer's own cache
# (subprocesses the tests start inherit it).
os.environ["SHAREWIZARD_CACHE_DIR"] = tempfile.mkdtemp(prefix="sharewizard-tests-cache-")

# Records carry the local time they were made in, so every test runs in one time zone, the one
# the guidance's readers live in (GMT in winter, BST in summer); subprocesses inherit it.
os.environ["TZ"] = "Europe/London"
time.tzset()


@pytest.fixture(scope="session")
def demo() -> Catalogue:
    """A small catalogue whose `demo` flow uses every question type and condition form."""
    return load_catalogue(FIXTURES / "catalogue")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The flows shipped with sharewizard."""
    return load_catalogue(ROOT / "flows")


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory, monkeypatch):
    """No test saves a draft in the developer's own data folder (tests may point it elsewhere)."""
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path_factory.mktemp("data")))
