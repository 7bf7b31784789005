"""Hostile flows folders through `list`, `lint` and `replay`.

A copy of the packaged flows with one file (a flow, the sources or the record form) mangled byte
by byte, changed at a random place of its YAML, given a structural attack as an extra entry
(self-alias, alias bomb, tagged numbers, deep nesting) or replaced by one or by raw bytes. The
folder is only read: nothing in it may change, and `lint` refuses as fast as `list` does (it
runs with `--no-prove`: a sound folder's proof takes seconds, by design). A
folder `list` accepts is also used to replay a recorded answers file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hostile.inputs import (
    FLOWS,
    JUNK_VALUES,
    ROOT,
    STAMP,
    STRUCTURAL_APPENDIX,
    mangled,
    structural,
)
from hostile.sandbox import Sandbox, hostile_settings

pytestmark = pytest.mark.hostile

FLOW_FILES = sorted(p.name for p in FLOWS.glob("*.yaml"))
ANSWERS = ROOT / "tests" / "answers"


def _answers_for(name: str) -> str:
    """A recorded answers file for the flow in `name` (any one for sources and record form)."""
    found = sorted((ANSWERS / name.removesuffix(".yaml")).glob("*.yaml"))
    return str(found[0] if found else ANSWERS / "how-much" / "share-this.yaml")


def _places(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _places(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _places(inner, (*prefix, index))
    return found


@st.composite
def changed_yaml(draw: Any, original: bytes) -> bytes:
    """The file's YAML with one value replaced, removed, or swapped for another of the file's."""
    data = yaml.safe_load(original)
    places = _places(data)
    place = draw(st.sampled_from(places))
    target = data
    for part in place[:-1]:
        target = target[part]
    how = draw(st.sampled_from(["junk", "remove", "swap"]))
    if how == "remove":
        del target[place[-1]]
    else:
        other = draw(st.sampled_from(places))
        source = data
        for part in other:
            source = source[part]
        target[place[-1]] = draw(JUNK_VALUES) if how == "junk" else source
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


@dataclass(frozen=True)
class FlowsCase:
    """A flows folder with `name` replaced by `data`."""

    name: str
    data: bytes


@st.composite
def flows_cases(draw: Any) -> FlowsCase:
    name = draw(st.sampled_from(FLOW_FILES))
    original = (FLOWS / name).read_bytes()
    how = draw(st.sampled_from(["mangle", "mangle", "change", "change", "append", "replace"]))
    if how == "mangle":
        data = draw(mangled(original))
    elif how == "change":
        data = draw(changed_yaml(original))
    elif how == "append":
        data = original + b"\n" + draw(st.sampled_from(STRUCTURAL_APPENDIX)).encode()
    else:
        data = draw(structural(name.removesuffix(".yaml")))
    return FlowsCase(name, data)


def check_flows(case: FlowsCase, box: Sandbox) -> None:
    flows = box.inputs / "flows"
    shutil.copytree(FLOWS, flows)
    (flows / case.name).write_bytes(case.data)
    listed = box.run("--flows", str(flows), "list")
    # `--no-prove`: the proof of policy.yaml's rules walks every path (seconds on a sound
    # folder); lint's reading and checking of every file, policy.yaml's included, is what hostile
    # bytes attack, and tests/test_policy.py proves the rules.
    box.run("lint", "--no-prove", str(flows))
    if listed.code != 0:  # replay would load the same folder and refuse it the same way
        return
    box.run(
        "--flows",
        str(flows),
        "replay",
        _answers_for(case.name),
        "--out-dir",
        str(box.out),
        "--check",
        "--json",
        "--timestamp",
        STAMP,
        "--jobs",
        "1",
        "--quiet",
        may_write=(box.out,),
    )


@hostile_settings(160)
@given(case=flows_cases())
def test_hostile_flows_folders(case):
    with Sandbox("flows") as box:
        check_flows(case, box)


@hostile_settings(5)
@given(case=flows_cases())
def test_hostile_flows_folders_in_a_child_process(case):
    with Sandbox("flows", child=True) as box:
        check_flows(case, box)
