from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from sharewizard.core.model import Catalogue
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Checked catalogues are cached in a folder of this test run, not in the developer's own cache
# (subprocesses the tests start inherit it).
os.environ["SHAREWIZARD_CACHE_DIR"] = tempfile.mkdtemp(prefix="sharewizard-tests-cache-")
# ... and no test reads the developer's own profile (role, organisation): an empty config folder.
os.environ["SHAREWIZARD_CONFIG_DIR"] = tempfile.mkdtemp(prefix="sharewizard-tests-config-")


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


def pytest_terminal_summary(terminalreporter):
    """How many hypothesis examples tests/test_properties.py ran, by kind, when it ran."""
    counted = getattr(sys.modules.get("test_properties"), "EXAMPLES", None)
    if counted:
        each = ", ".join(f"{n} {what}" for what, n in sorted(counted.items()))
        terminalreporter.write_line(f"hypothesis examples run: {sum(counted.values())} ({each})")
