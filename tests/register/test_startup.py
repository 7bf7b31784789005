"""The register costs the other commands nothing at start-up, and the report no charting library."""

from __future__ import annotations

import pytest

from tests.test_imports import CATALOGUE, imported

REGISTER_LIBRARIES = {"sqlite3", "matplotlib", "psycopg", "numpy"}


@pytest.mark.parametrize("args", [["--version"], ["list"]])
def test_version_and_list_load_no_database_or_charting_library(tmp_path, args):
    loaded, code = imported("--flows", str(CATALOGUE), *args, cache=tmp_path / "cache")
    assert code == 0
    assert not loaded & REGISTER_LIBRARIES


def test_a_json_report_draws_no_charts_and_needs_no_postgresql(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    loaded, code = imported("register", "report", "--db", db, "-f", "json", cache=tmp_path / "c")
    assert code == 0
    assert "sqlite3" in loaded  # the probe saw the report run
    assert not loaded & {"matplotlib", "psycopg", "numpy"}


def test_the_html_report_draws_its_charts_with_matplotlib(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    loaded, code = imported("register", "report", "--db", db, "-f", "html", cache=tmp_path / "c")
    assert code == 0
    assert "matplotlib" in loaded and "psycopg" not in loaded
