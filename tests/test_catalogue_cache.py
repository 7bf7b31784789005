"""The cache of checked catalogues: a shortcut for flows known good, never a reason to fail."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sharewizard.core.errors import FlowError
from sharewizard.flowfiles import catalogue_cache, loader

CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture
def flows(tmp_path, monkeypatch):
    """A copy of the test catalogue and an empty cache folder of its own."""
    monkeypatch.setenv(catalogue_cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "flows"
    shutil.copytree(CATALOGUE, folder)
    return folder


def load(folder: Path):
    loader._load_catalogue_cached.cache_clear()  # the in-process cache would hide the disk one
    return loader.load_catalogue(folder)


def entry(folder: Path) -> Path:
    [found] = (Path(os.environ[catalogue_cache.CACHE_ENV])).glob("catalogue-*.pickle")
    return found


def test_a_checked_catalogue_is_stored_owner_only_and_loaded_back(flows):
    first = load(flows)
    stored = entry(flows)
    assert stored.stat().st_mode & 0o777 == 0o600
    key = catalogue_cache.catalogue_key(flows.resolve())
    again = catalogue_cache.load(flows.resolve(), key)
    assert again == first


def test_a_flow_broken_after_caching_is_refused(flows):
    load(flows)
    demo = flows / "demo.yaml"
    demo.write_text(demo.read_text(encoding="utf-8").replace("start:", "strat:"), "utf-8")
    with pytest.raises(FlowError):
        load(flows)


def test_a_corrupt_cache_entry_is_ignored_and_replaced(flows):
    good = load(flows)
    entry(flows).write_bytes(b"\x80\x04 not a pickle")
    assert load(flows) == good
    key = catalogue_cache.catalogue_key(flows.resolve())
    assert catalogue_cache.load(flows.resolve(), key) == good  # written again


def test_an_entry_others_may_write_is_not_trusted(flows):
    load(flows)
    entry(flows).chmod(0o666)
    key = catalogue_cache.catalogue_key(flows.resolve())
    assert catalogue_cache.load(flows.resolve(), key) is None
    assert load(flows).flows["demo"].id == "demo"


def test_an_unusable_cache_folder_never_stops_a_command(flows, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(catalogue_cache.CACHE_ENV, str(blocked / "cache"))
    assert load(flows).flows["demo"].id == "demo"


def test_a_fifo_among_the_flows_is_left_to_the_loader(flows):
    os.mkfifo(flows / "pipe.yaml")
    assert catalogue_cache.catalogue_key(flows.resolve()) is None  # never opened: no hang
    assert set(load(flows).flows) == {"demo"}
