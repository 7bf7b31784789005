"""The fast schema check: whatever it accepts jsonschema accepts, and real files take it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharewizard.core.errors import AnswersError
from sharewizard.flowfiles import loader
from sharewizard.flowfiles.answers import load_answers, parse_answers
from sharewizard.flowfiles.schemacheck import compile_accept
from sharewizard.flowfiles.yamldoc import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ("answers", "answers-v1", "facts", "flow", "policy", "record", "record-form", "sources")
ANSWERS_FILES = sorted(
    p for base in ("tests/answers", "examples/cases") for p in (ROOT / base).rglob("*.y*ml")
)

# --- values near a schema: mostly what it describes, with mistakes mixed in ---------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 1.5, -2.0]),
    st.text("ab-_1 ", max_size=4),
    st.sampled_from(["", "yes", "no", "a-b", "A", "1x", "flow:x"]),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text("abc", max_size=2), inner, max_size=3)
    ),
    max_leaves=6,
)
TYPES: dict[str, st.SearchStrategy[Any]] = {
    "string": st.text("ab-", max_size=3),
    "integer": st.one_of(st.integers(-2, 5), st.just(2.0)),
    "number": st.one_of(st.integers(-2, 5), st.just(0.5)),
    "boolean": st.booleans(),
    "null": st.none(),
    "object": st.dictionaries(st.text("ab", max_size=2), SCALARS, max_size=2),
    "array": st.lists(SCALARS, max_size=2),
}


def near(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped by `schema` (deep enough to pass it), with arbitrary JSON now and then."""
    if depth > 6 or not isinstance(schema, dict):
        return JSON
    shaped = conforming(schema, root, depth)
    return st.one_of(shaped, shaped, shaped, shaped, shaped, JSON) if depth else shaped


def conforming(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    deeper = depth + 1
    if "$ref" in schema:
        return near(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, deeper)
    if "oneOf" in schema:
        return st.one_of([near(branch, root, deeper) for branch in schema["oneOf"]])
    if "const" in schema:
        return st.sampled_from([schema["const"], True, str(schema["const"])])
    if "enum" in schema:
        return st.sampled_from([*schema["enum"], "other"])
    kinds = schema.get("type", "string")
    kind = kinds if isinstance(kinds, str) else None
    if kind is None:
        return st.one_of([TYPES[k] for k in kinds])
    if kind == "object":
        properties = schema.get("properties", {})
        required = [k for k in schema.get("required", []) if k in properties]
        fixed = st.fixed_dictionaries(
            {k: near(properties[k], root, deeper) for k in required},
            optional={
                **{k: near(v, root, deeper) for k, v in properties.items() if k not in required},
                "unexpected": SCALARS,
            },
        )
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            more = st.dictionaries(
                st.from_regex(r"[a-z][a-z-]{0,3}", fullmatch=True),
                near(extra, root, deeper),
                max_size=3,
            )
            return st.builds(lambda a, b: {**b, **a}, fixed, more)
        return fixed
    if kind == "array":
        low = schema.get("minItems", 0)
        return st.lists(near(schema.get("items", {}), root, deeper), min_size=low, max_size=low + 2)
    if kind == "string" and "pattern" in schema:
        return st.one_of(st.from_regex(schema["pattern"], fullmatch=True), TYPES["string"])
    if kind == "integer" and "minimum" in schema:
        low = schema["minimum"]
        return st.one_of(st.integers(low - 1, low + 3), st.just(True), st.just(float(low)))
    if kind == "string" and "minLength" in schema:
        return st.text("ab", min_size=schema["minLength"] - 1, max_size=schema["minLength"] + 2)
    return TYPES.get(kind, JSON)


BOUNDED = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("name", SCHEMAS)
def test_whatever_the_fast_check_accepts_jsonschema_accepts(name: str) -> None:
    root = loader.schema(name)
    accepts = compile_accept(root)
    assert accepts is not None
    seen = {True: 0, False: 0}

    @BOUNDED
    @given(near(root, root))
    def check(data: Any) -> None:
        verdict = accepts(data)
        seen[verdict] += 1
        if verdict:
            assert loader.schema_errors(name, data) == [], data

    check()
    assert seen[False], "the generated values never broke the schema"
    if name.startswith("answers"):  # the others are too deep for values this random to pass
        assert seen[True], "the generated values never passed the fast check"


CORPUS = sorted(
    p
    for base in ("flows", "tests", "examples")
    for pattern in ("*.yaml", "*.yml", "*.json")
    for p in (ROOT / base).rglob(pattern)
)


def test_on_every_file_of_the_repository_the_fast_check_agrees_with_jsonschema() -> None:
    accepted = dict.fromkeys(SCHEMAS, 0)
    for path in CORPUS:
        try:
            data = loader.read_yaml(path).data
        except Exception:  # broken fixtures: nothing to check
            continue
        for name in SCHEMAS:
            accepts = compile_accept(loader.schema(name))
            assert accepts is not None
            if accepts(data):
                accepted[name] += 1
                assert loader.schema_errors(name, data) == [], (path, name)
    found = ("answers", "answers-v1", "facts", "flow", "policy", "record-form", "sources")
    assert all(accepted[name] for name in found), accepted


def test_every_recorded_answers_file_takes_the_fast_path() -> None:
    accepts = loader.fast_accept("answers")
    assert accepts is not None and ANSWERS_FILES
    slow = [p for p in ANSWERS_FILES if not accepts(loader.read_yaml(p, AnswersError).data)]
    assert slow == []


@pytest.mark.parametrize(
    "text",
    [
        "flow: Bad_Id\nanswers: {}\n",  # pattern
        "flow: ok\nanswers: {}\nextra: 1\n",  # additionalProperties: false
        "flow: ok\n",  # required
        "flow: ok\nanswers: {}\nschema_version: true\n",  # const 1 is not true
        "flow: ok\nanswers: {q: 1.5}\n",  # neither branch of the answers' oneOf
        "flow: ok\nanswers: {q: [1]}\n",  # items: string
        "flow: {id: ok, version: 1.5}\nanswers: {}\n",  # string or integer
        "flow: ok\nanswers: {}\nexpect: {}\n",  # minProperties
        "flow: ok\nanswers: {}\ncase: {title: '', narrative: n, role: r, teaching_point: t}\n",
        "flow: ok\nanswers: {}\ncase: {title: t, narrative: n, role: r, teaching_point: t, "
        "faq: [0]}\n",  # minimum
        "flow: ok\nanswers: {}\ncase: {title: t, narrative: n, role: r, teaching_point: t, "
        "faq: [true]}\n",  # a boolean is not an integer
    ],
)
def test_broken_answers_are_refused_by_the_fast_check_and_reported(text: str) -> None:
    doc = parse_yaml(text, Path("broken.yaml"), AnswersError)  # version 1 files, still read
    accepts = loader.fast_accept("answers-v1")
    assert accepts is not None
    assert not accepts(doc.data)
    assert loader.schema_errors("answers-v1", doc.data)  # jsonschema agrees: it is broken
    with pytest.raises(AnswersError, match=r"broken\.yaml"):
        parse_answers(doc)


def test_a_broken_fixture_still_gets_jsonschemas_message(tmp_path: Path) -> None:
    good = yaml.safe_load((ROOT / "tests/answers").rglob("*.yaml").__next__().read_text())
    good["decisions"][0]["answers"] = {"q": {"nested": "mapping"}}
    path = tmp_path / "nested.yaml"
    path.write_text(yaml.safe_dump(good), encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        load_answers(path)
    assert f"{path}:" in str(caught.value)
    assert "decisions[0].answers.q" in str(caught.value)


@pytest.mark.parametrize(
    ("schema", "value", "verdict"),
    [
        ({"type": "integer"}, 3, True),
        ({"type": "integer"}, True, False),
        ({"type": "integer"}, 1.5, False),
        ({"type": "string", "minLength": 2}, "ab", True),
        ({"type": "string", "minLength": 2}, "a", False),
        ({"type": "string"}, type("Text", (str,), {})("x"), False),  # not a plain value
        ({"type": "array"}, ("a",), False),  # a tuple is not a JSON array
        ({"const": 1}, 1, True),
        ({"const": 1}, True, False),
        ({"enum": ["a", None]}, None, True),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "a", True),
        ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, "a", False),  # both: oneOf fails
        ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 1, False),
    ],
)
def test_keywords_are_checked_as_jsonschema_does(schema: Any, value: Any, verdict: bool) -> None:
    accepts = compile_accept(schema)
    assert accepts is not None
    assert accepts(value) is verdict


@pytest.mark.parametrize(
    "schema",
    [
        {"anyOf": [{"type": "string"}]},
        {"patternProperties": {"^a": {}}},
        {"$ref": "https://example.invalid/other.json"},
        {"const": {"a": 1}},
    ],
)
def test_a_schema_beyond_the_fast_check_gets_none(schema: Any) -> None:
    assert compile_accept(schema) is None


def test_jsonschema_runs_only_when_the_fast_check_says_no(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = loader.schema_errors
    monkeypatch.setattr(
        loader, "schema_errors", lambda name, data: calls.append(name) or real(name, data)
    )
    load_answers(ANSWERS_FILES[0])
    assert calls == []
    bad = parse_yaml("flow: ok\nanswers: {}\nextra: 1\n", Path("b.yaml"), AnswersError)
    with pytest.raises(AnswersError, match=re.escape("unknown field 'extra'")):
        parse_answers(bad)
    assert calls == ["answers-v1"]  # a file without `schema_version: 2` is version 1


def test_only_answers_files_take_the_fast_path() -> None:
    # Flows are checked once per change, and tests see that from jsonschema being imported.
    assert loader.fast_accept("answers") is not None
    assert loader.fast_accept("flow") is None


def test_a_caller_that_changes_a_schema_it_was_given_changes_no_check() -> None:
    given = loader.schema("answers")
    given["properties"].clear()  # say, a library that rewrites a schema in place
    given["additionalProperties"] = True
    loader.fast_accept.cache_clear()  # the next fast check is compiled afresh, after the change
    loader._validator.cache_clear()
    try:
        accepts = loader.fast_accept("answers")
        assert accepts is not None
        unknown = {"flow": "demo", "answers": {}, "no-such-field": 1}
        assert not accepts(unknown)
        assert loader.schema_errors("answers", unknown)
        assert loader.schema("answers")["properties"]
    finally:
        loader.fast_accept.cache_clear()
        loader._validator.cache_clear()
