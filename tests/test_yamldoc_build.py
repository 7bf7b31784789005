"""Documents built from the event stream are exactly what composing and constructing gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharewizard.core.errors import AnswersError, FlowError, SharewizardError
from sharewizard.flowfiles import yamldoc

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    p
    for base in ("flows", "tests", "examples")
    for pattern in ("*.yaml", "*.yml")
    for p in (ROOT / base).rglob(pattern)
)
WHERE = Path("doc.yaml")


def both_ways(text: str, kind: type[SharewizardError] = AnswersError) -> tuple[Any, Any]:
    """(built from events or None, composed document or the error composing gave)."""
    limits = yamldoc.limits_for(kind)
    try:
        built = yamldoc._check_events(text, WHERE, kind, limits)
    except SharewizardError:
        return None, None  # refused by a limit before either way builds anything
    try:
        composed: Any = yamldoc._composed(text, WHERE, kind)
    except SharewizardError as exc:
        composed = exc
    return built, composed


def assert_same(built: Any, composed: Any) -> None:
    assert not isinstance(composed, SharewizardError), composed  # never builds what is refused
    assert built.values == composed.positions
    assert built.keys == composed.key_positions
    # repr, not ==: it tells true from 1 and 1 from 1.0, and .nan from nothing else
    assert repr(built.data) == repr(composed.data)


def test_flows_may_hold_aliases_so_they_are_composed_as_before() -> None:
    text = "a: &x 1\nb: *x\nc: plain\n"
    built, composed = both_ways("c: plain\n", FlowError)
    assert built is None and composed.data == {"c": "plain"}
    assert yamldoc.parse_yaml(text, WHERE).data == {"a": 1, "b": 1, "c": "plain"}


def test_every_yaml_file_of_the_repository_builds_as_composed() -> None:
    fast = 0
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        built, composed = both_ways(text)
        if built is not None:
            fast += 1
            assert_same(built, composed)
    assert fast > len(YAML_FILES) // 2  # most files are plain: the fast way is used


ANSWERS_FILES = sorted(
    p for base in ("tests/answers", "examples/cases") for p in (ROOT / base).rglob("*.y*ml")
)


def test_every_recorded_answers_file_is_built_from_its_events() -> None:
    assert ANSWERS_FILES
    for path in ANSWERS_FILES:
        text = path.read_text(encoding="utf-8")
        built = yamldoc._check_events(text, path, AnswersError, yamldoc.ANSWERS_LIMITS)
        assert built is not None, path


# --- texts near YAML's corners -----------------------------------------------------------------

TOKENS = [
    "a", "b", "yes", "no", "true", "True", "FALSE", "null", "~", "", "1", "01", "0x1f", "0o7",
    "1_000", "1.5", "1e3", ".inf", "-.Inf", ".nan", "2026-11-23", "'q'", '"d\\n"', "<<", "=",
    "!!str 1", "!!int '2'", "! x", "!x y", "&a 1", "*a", "[1, 2]", "{k: v}", "[]", "{}",
    "|\n  block", ">-\n  folded", "? k", "- x", "a: b", "x # c", "'it''s'", "é", "-",
]  # fmt: skip
KEYS = st.sampled_from(["a", "b", "a", "1", "01", "true", "<<", "=", "? [x]", "'a'", "~", "k k"])


def block(depth: int) -> st.SearchStrategy[str]:
    """A block-style document: mappings and sequences of the tokens, indented."""
    scalar = st.sampled_from(TOKENS)
    if depth == 0:
        return scalar
    inner = block(depth - 1)

    def mapping(items: list[tuple[str, str]]) -> str:
        return "\n".join(f"{k}:" + _nested(v) for k, v in items) or "{}"

    def sequence(items: list[str]) -> str:
        return "\n".join("-" + _nested(v) for v in items) or "[]"

    return st.one_of(
        scalar,
        st.lists(st.tuples(KEYS, inner), max_size=4).map(mapping),
        st.lists(inner, max_size=4).map(sequence),
    )


def _nested(value: str) -> str:
    if "\n" in value or value.startswith(("- ", "-\n")) or ":" in value.split("\n")[0]:
        return "\n" + "\n".join("  " + line for line in value.split("\n"))
    return " " + value


DOCUMENTS = st.one_of(
    block(3),
    st.tuples(block(2), block(1)).map(lambda pair: f"{pair[0]}\n---\n{pair[1]}"),
    st.tuples(st.sampled_from(["---\n", "%YAML 1.1\n---\n", "# c\n", ""]), block(3)).map("".join),
)

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=3)
    ),
    max_leaves=12,
)

BOUNDED = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@BOUNDED
@given(DOCUMENTS)
def test_texts_near_yamls_corners_build_as_composed_or_not_at_all(text: str) -> None:
    built, composed = both_ways(text)
    if built is not None:
        assert_same(built, composed)


@BOUNDED
@given(VALUES, st.sampled_from([None, False, True]), st.sampled_from([80, 20]))
def test_dumped_values_build_as_composed(value: Any, flow_style: bool | None, width: int) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow_style, width=width, allow_unicode=True)
    built, composed = both_ways(text, AnswersError)
    if built is not None:
        assert_same(built, composed)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a key given twice: reported with both lines
        "a: &x 1\nb: &x 2\n",  # a repeated anchor
        "a: !!binary aGk=\n",  # a tag
        "<<: {a: 1}\n",  # a merge key
        "? [a]\n: b\n",  # a list as a key
        "a: 1\n---\nb: 2\n",  # two documents
        "= : 1\n",  # the value tag
        "a: [1\n",  # a syntax error
    ],
)
def test_what_is_not_plain_is_left_to_the_composer(text: str) -> None:
    built, composed = both_ways(text)
    assert built is None
    if isinstance(composed, SharewizardError):
        with pytest.raises(SharewizardError, match=str(composed.message)[:30].replace("(", ".")):
            yamldoc.parse_yaml(text, WHERE, AnswersError)
