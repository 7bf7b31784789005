"""Hostile answers files through `replay` and `decide --answers`.

Valid random walks of the packaged flows (some a sitting of several decisions), mutated or not,
written as block YAML, flow YAML or JSON, mangled byte by byte, or replaced by a structural
attack or raw bytes. A valid walk must replay to verified records; anything else is refused
with exit 2, and the JSON report says what was written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.inputs import (
    CATALOGUE,
    STAMP,
    mangled,
    mutated,
    serialise,
    structural,
    walks,
)
from hostile.sandbox import Sandbox, hostile_settings

pytestmark = pytest.mark.hostile


@dataclass(frozen=True)
class AnswersCase:
    """An answers file to replay; `parts` records are due when `valid`."""

    data: bytes
    suffix: str
    valid: bool
    parts: int
    also_decide: bool


@st.composite
def answers_files(draw: Any) -> AnswersCase:
    walk = draw(walks())
    doc = walk.document()
    how = draw(st.sampled_from(["block", "flow", "json", "mangle", "structural", "raw"]))
    changed = draw(st.integers(0, 99)) < 55
    if changed:
        doc = draw(mutated(doc))
    if how in ("block", "flow", "json", "mangle"):
        data = serialise(doc, how if how != "mangle" else draw(st.sampled_from(["block", "json"])))
        if how == "mangle":
            data = draw(mangled(data))
    elif how == "structural":
        flow = CATALOGUE.flows[walk.flow_id]
        data = draw(structural(walk.flow_id, next(iter(flow.questions))))
    else:
        data = draw(st.binary(max_size=4000))
    suffix = draw(st.sampled_from([".json", ".yaml", ".yml"] if how == "json" else [".yaml"]))
    # JSON is YAML only without the characters YAML refuses raw (DEL, C1), so JSON counts as
    # valid only in a .json file.
    valid = walk.valid and not changed and (how in ("block", "flow") or suffix == ".json")
    also_decide = draw(st.integers(0, 99)) < 15
    return AnswersCase(data, suffix, valid, walk.parts, also_decide)


def check_answers_file(case: AnswersCase, box: Sandbox) -> None:
    source = box.put(f"case{case.suffix}", case.data)
    ran = box.run(
        "replay",
        str(source),
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
    if ran.code in (0, 1, 2) and ran.out:
        report = json.loads(ran.out)
        written = sorted(p for p in box.out.iterdir())
        assert report["records_written"] == len(written), f"the report miscounts\n{ran}"
        listed = sorted(str(p) for result in report["results"] for p in result["records"])
        assert listed == [str(p) for p in written], f"the report names other files\n{ran}"
    if case.valid:
        assert ran.code == 0, f"a valid walk was refused\n{ran}"
        assert len(list(box.out.iterdir())) == case.parts, f"not one record per decision\n{ran}"
    if case.also_decide:
        box.run(
            "decide",
            "--answers",
            str(source),
            "--out",
            str(box.out / "decision.md"),
            may_write=(box.out,),
        )


@hostile_settings(1900)
@given(case=answers_files())
def test_hostile_answers_files(case):
    with Sandbox("answers") as box:
        check_answers_file(case, box)


@hostile_settings(20)
@given(case=answers_files())
def test_hostile_answers_files_in_a_child_process(case):
    with Sandbox("answers", child=True) as box:
        check_answers_file(case, box)
