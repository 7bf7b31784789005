"""Hostile typed lines: standard input to `--plain decide [FLOW]`.

A walk's answers as a person types them (numbers or words, then the record questions), with
hostile lines mixed in: digits that are not ASCII, 4,301 digits, bytes that are not UTF-8, NULs,
escapes, a 100,000-character line, CRLF line ends; sometimes cut short, sometimes read through a
strict ASCII decoder. The walk ends with a record or a draft that sharewizard can read back, and
resuming that draft is no crash either.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.inputs import typed_streams
from hostile.sandbox import Sandbox, hostile_settings
from sharewizard.walk.drafts import SUFFIX

pytestmark = pytest.mark.hostile


@st.composite
def typed_cases(draw: Any) -> tuple[list[str], bytes, str, bool]:
    flow, typed = draw(typed_streams())
    encoding = draw(st.sampled_from(["utf-8"] * 8 + ["ascii", "latin-1"]))
    return flow, typed, encoding, draw(st.integers(0, 99)) < 20


def check_typed(case: tuple[list[str], bytes, str, bool], box: Sandbox) -> None:
    flow, typed, encoding, resume = case
    record = box.out / "r.json"
    ran = box.run(
        "--plain",
        "decide",
        *flow,
        "--out",
        str(record),
        stdin=typed,
        encoding=encoding,
        may_write=(box.out, box.data),
    )
    drafts = sorted(box.drafts.glob(f"*{SUFFIX}")) if box.drafts.is_dir() else []
    if ran.code == 0 and "The record waits as draft" not in ran.err:  # stopped at call 999
        assert record.exists(), f"exit 0 but no record\n{ran}"
        assert not drafts, f"the record is written but its draft is kept\n{ran}"
    if resume and drafts:
        draft_id = drafts[0].name[: -len(SUFFIX)]
        box.run(
            "--plain",
            "decide",
            "--resume",
            draft_id,
            "--out",
            str(box.out / "resumed.json"),
            may_write=(box.out, box.data),
        )


@hostile_settings(900)
@given(case=typed_cases())
def test_hostile_typed_lines(case):
    with Sandbox("typed") as box:
        check_typed(case, box)


@hostile_settings(25)
@given(case=typed_cases())
def test_hostile_typed_lines_in_a_child_process(case):
    with Sandbox("typed", child=True) as box:
        check_typed(case, box)
