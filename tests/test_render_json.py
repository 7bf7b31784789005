"""JSON records are byte for byte what `json.dumps(indent=2, sort_keys=True)` writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharewizard.core.model import Catalogue
from sharewizard.flowfiles.answers import load_answers
from sharewizard.records.render import to_json
from sharewizard.walk.decide import decide_file

ROOT = Path(__file__).resolve().parents[1]
ANSWERS_FILES = sorted(  # the sittings that stand (refused ones write no record)
    p
    for base in ("tests/answers", "examples/cases")
    for p in (ROOT / base).rglob("*.y*ml")
    if "refused" not in p.parts
)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


TEXT = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(
    ["", "é", '"\\', "\u2028", "\x00\x1f\x7f", "😀", "</script>"]
)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(VALUES)
def test_any_json_value_is_written_as_json_writes_it(value: Any) -> None:
    assert to_json(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [{}, [], {"b": {}, "a": [1, {"x": None}]}, {2: "a", 1: "b"}, {"k": 1.5}, [float("nan")]],
)
def test_edge_cases_are_written_as_json_writes_them(value: Any) -> None:
    assert to_json(value) == reference(value)


def test_every_recorded_decision_is_written_as_json_writes_it(catalogue: Catalogue) -> None:
    assert ANSWERS_FILES
    for path in ANSWERS_FILES:
        answers = load_answers(path)
        for _, _, record in decide_file(
            catalogue, answers, created_at="2026-01-01T00:00:00Z", record_id=lambda n: f"id-{n}"
        ):
            assert to_json(record) == reference(record), path


def test_what_json_cannot_write_is_still_refused() -> None:
    with pytest.raises(TypeError):
        to_json({"when": object()})
