from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from sharewizard.core.model import Catalogue
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Nothing the suite runs writes outside temporary folders: the home folder, the XDG folders and
# sharewizard's own data and cache folders point into one folder of this test run, removed at its
# end, and every subprocess the tests start inherits them (a test may point one into tmp_path).
SESSION_FOLDER = Path(tempfile.mkdtemp(prefix="sharewizard-tests-"))
for _name, _folder in (
    ("HOME", "home"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_STATE_HOME", "state"),
    ("SHAREWIZARD_CACHE_DIR", "sharewizard-cache"),
    ("SHAREWIZARD_DATA_DIR", "sharewizard-data"),
    ("SHAREWIZARD_CONFIG_DIR", "sharewizard-config"),  # no test reads the developer's profile
):
    os.environ[_name] = str(SESSION_FOLDER / _folder)
os.environ.pop("SHAREWIZARD_SIGNING_KEY", None)  # a developer's own key signs no test record

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


def pytest_terminal_summary(terminalreporter):
    """How many hypothesis examples tests/test_properties.py ran, by kind, when it ran."""
    counted = getattr(sys.modules.get("test_properties"), "EXAMPLES", None)
    if counted:
        each = ", ".join(f"{n} {what}" for what, n in sorted(counted.items()))
        terminalreporter.write_line(f"hypothesis examples run: {sum(counted.values())} ({each})")


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_FOLDER, ignore_errors=True)
