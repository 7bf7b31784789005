"""`sharewizard list`: its rows come from the cache only while the flows are as they were checked,
and its plain table (pipes, logs, screen readers) needs no Rich."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.cli.flows import text_table
from sharewizard.flowfiles import catalogue_cache

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture
def flows(tmp_path, monkeypatch):
    """A copy of the test catalogue and an empty cache folder of its own."""
    monkeypatch.setenv(catalogue_cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "flows"
    shutil.copytree(CATALOGUE, folder)
    return folder


def listed(capsys, folder: Path, *more: str) -> str:
    from sharewizard.flowfiles import loader

    loader._load_catalogue_cached.cache_clear()  # as a new process would: only the disk cache
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(folder), "list", *more])
    out, err = capsys.readouterr()
    assert stopped.value.code in (0, None), err
    return out


def rows_file() -> Path:
    [found] = Path(os.environ[catalogue_cache.CACHE_ENV]).glob("list-*.json")
    return found


def test_a_pipe_gets_a_plain_table(flows, capsys):
    assert listed(capsys, flows) == "FAQ  Flow id  Title\n  9  demo     Demo flow\n"


def test_the_rows_are_kept_owner_only_and_listed_again_from_the_cache(flows, capsys):
    first = listed(capsys, flows, "--json")
    assert rows_file().stat().st_mode & 0o777 == 0o600
    assert listed(capsys, flows, "--json") == first
    assert json.loads(first)[0]["title"] == "Demo flow"


def test_a_flow_changed_after_listing_is_listed_as_it_is_now(flows, capsys):
    listed(capsys, flows)
    demo = flows / "demo.yaml"
    demo.write_text(demo.read_text("utf-8").replace("Demo flow", "Renamed flow"), "utf-8")
    assert "Renamed flow" in listed(capsys, flows)


def test_rows_someone_else_could_have_written_are_not_believed(flows, capsys):
    listed(capsys, flows)
    stored = rows_file()
    stored.write_text(stored.read_text("utf-8").replace("Demo flow", "Forged"), "utf-8")
    assert "Forged" in listed(capsys, flows)  # our own file, unchanged key: it is used
    stored.chmod(0o666)
    assert "Forged" not in listed(capsys, flows)


@pytest.mark.parametrize("content", ["not json", "[]", '{"key": "other", "rows": []}'])
def test_a_corrupt_or_stale_rows_file_is_ignored(flows, capsys, content):
    listed(capsys, flows)
    rows_file().write_text(content, "utf-8")
    assert "Demo flow" in listed(capsys, flows)


def test_a_broken_flow_is_never_listed_from_the_cache(flows, capsys):
    listed(capsys, flows)
    demo = flows / "demo.yaml"
    demo.write_text(demo.read_text("utf-8").replace("start:", "strat:"), "utf-8")
    from sharewizard.flowfiles import loader

    loader._load_catalogue_cached.cache_clear()
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(flows), "list"])
    assert stopped.value.code == 2
    assert str(demo) in capsys.readouterr().err


def row(flow_id: str, title: str, faq: int | None = None) -> dict[str, object]:
    return {"id": flow_id, "title": title, "faq": faq}


def test_long_titles_wrap_under_their_column_within_the_width():
    title = "Seeking information from, sharing it with, and answering requests from others"
    lines = text_table([row("seek", title, 3), row("triage", "What?")], 50).splitlines()
    assert max(map(len, lines)) <= 50
    assert lines[0] == "FAQ  Flow id  Title"
    assert lines[1].startswith("  3  seek     Seeking")
    assert lines[2].startswith(" " * len("FAQ  Flow id  ")) and lines[2][14] != " "
    assert lines[-1] == "  –  triage   What?"


def test_control_characters_in_a_title_are_shown_not_obeyed():
    table = text_table([row("x", "Red\x1b[31m alert\u202e")], 80)
    assert "\x1b" not in table and "\u202e" not in table
    assert "<U+202E>" in table


def test_a_narrow_screen_still_gets_lines_that_fit_beside_a_long_flow_id():
    rows = [row("social-care-without-consent", "Requesting Children's Social Care involvement", 2)]
    lines = text_table(rows, 50).splitlines()
    assert max(map(len, lines)) <= 50
    assert " ".join(line[34:].strip() for line in lines[1:]) == rows[0]["title"]
