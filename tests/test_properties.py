"""Property tests (hypothesis): generated answers files and records never crash sharewizard.

Valid answers files for every packaged flow (with hostile free text: Rich markup, emoji codes,
ANSI escapes, control, bidi and zero-width characters) replay to records that validate and
verify; invalid ones and crafted records give exit 1 or 2, never 70 or a traceback. Example
counts are bounded (and derandomized) so the suite stays fast; the last test prints them.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile.inputs import fit, hostile_text
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sharewizard.cli import main
from sharewizard.core import engine
from sharewizard.core.model import Flow, Handoff
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.records import record as records
from sharewizard.records import render

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
CATALOGUE = load_catalogue(FLOWS)
STAMP = "2026-11-23T09:00:00Z"
EXAMPLES: Counter[str] = Counter()

BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


ALL_FLOWS = sorted(CATALOGUE.flows)


def sharewizard(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["--flows", str(FLOWS), *args])
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue()


def assert_no_crash(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, out, err)
    assert "Traceback" not in out + err
    assert "bug in sharewizard" not in out + err


# --- hostile free text: shared with the hostile-input suite (tests/hostile/inputs.py) -------------


@st.composite
def valid_answers(draw: Any, flow_id: str) -> dict[str, Any]:
    """A sitting on `flow_id` (version 2): every fact drawn (no stop), one decision walked
    across its hand-offs; a triage answers one situation, as the route."""
    book = CATALOGUE.facts
    facts = {
        fact_id: draw(
            st.sampled_from([c.value for c in f.question.choices if not f.stops_at(c.value)])
        )
        for fact_id, f in book.facts.items()
    }
    case = engine.case_context(book, facts)
    data: dict[str, Any] = {"schema_version": 2, "facts": facts}
    flow = CATALOGUE.flows[flow_id]
    answers: dict[str, Any] = {}
    walked: list[str] = []
    while True:
        walked.append(flow.id)
        given = draw(_flow_answers(flow))
        fan = [q.id for q in flow.questions.values() if q.fan_out]
        if fan:  # the triage: one situation, one decision; its answers are the route
            given = {k: v[:1] if k in fan else v for k, v in given.items()}
            data["route"] = {flow.id: given}
        else:
            answers.update(given)
        step = engine.next_step(flow, engine.start(flow, given, case=case).answers, case)
        if not isinstance(step, Handoff):
            break
        assume(step.flow_id not in walked)  # answers that lead back are refused (tested apart)
        flow = CATALOGUE.flows[step.flow_id]
    start = walked[1] if "route" in data else walked[0]
    decision: dict[str, Any] = {"flow": start, "answers": answers}
    record: dict[str, Any] = {}
    for field in CATALOGUE.record_form.fields:
        if field.type == "text" and field.when is None and draw(st.booleans()):
            record[field.id] = fit(draw(hostile_text), field)
    if record:
        decision["record"] = record
    data["decisions"] = [decision]
    return data


@st.composite
def _flow_answers(draw: Any, flow: Flow) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in flow.questions.values():
        if question.fact:
            continue  # facts are the sitting's, drawn once
        if question.type == "multi":
            values = [c.value for c in question.choices]
            answers[question.id] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
        elif question.choices:
            answers[question.id] = draw(st.sampled_from([c.value for c in question.choices]))
        else:
            answers[question.id] = fit(draw(hostile_text), question)
    return answers


def dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("flow_id", ALL_FLOWS)
@BOUNDED
@given(data=st.data(), fmt=st.sampled_from(["yaml", "json"]), out=st.sampled_from(["json", "md"]))
def test_valid_answers_replay_to_records_that_validate_and_verify(flow_id, data, fmt, out):
    EXAMPLES["valid answers files"] += 1
    answers = data.draw(valid_answers(flow_id))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"case.{fmt}"
        source.write_text(dump(answers, fmt), encoding="utf-8")
        target = Path(folder) / "out"
        target.mkdir()
        code, stdout, stderr = sharewizard(
            "replay", str(source), "--out-dir", str(target), "--format", out, "--timestamp", STAMP
        )
        assert code == 0, stdout + stderr
        [written] = list(target.iterdir())
        record = records.load_record(written)
        assert records.schema_problems(record) == []
        assert records.verify(record)
        code, stdout, stderr = sharewizard("verify", "--allow-incomplete", str(written))
        assert code == 0, stdout + stderr


# --- invalid answers files -----------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        hostile_text,
        st.integers(min_value=10**40, max_value=10**60),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def broken_answers(draw: Any, flow_id: str) -> str:
    flow = CATALOGUE.flows[flow_id]
    data: dict[str, Any] = {"flow": flow_id, "answers": {}}
    for question in flow.questions.values():
        if draw(st.booleans()):
            data["answers"][question.id] = draw(json_values)
    how = draw(st.sampled_from(["values", "extra key", "record", "flow", "text"]))
    if how == "extra key":
        data[draw(hostile_text)] = draw(json_values)
    elif how == "record":
        data["record"] = draw(st.dictionaries(hostile_text, json_values, max_size=4))
    elif how == "flow":
        data["flow"] = draw(json_values)
    text = dump(data, draw(st.sampled_from(["yaml", "json"])))
    if how == "text":
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "\n", "}", "{", "&a", "*a", "\t", ":"]))
    return text


@pytest.mark.parametrize("flow_id", ALL_FLOWS)
@BOUNDED
@given(data=st.data(), suffix=st.sampled_from([".yaml", ".json"]))
def test_invalid_answers_files_are_exit_2_never_a_crash(flow_id, data, suffix):
    EXAMPLES["invalid answers files"] += 1
    text = data.draw(broken_answers(flow_id))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"case{suffix}"
        source.write_text(text, encoding="utf-8")
        code, out, err = sharewizard("replay", str(source), "--timestamp", STAMP)
        assert_no_crash(code, out, err)
        code, out, err = sharewizard("decide", "--answers", str(source), "--out", f"{folder}/r")
        assert_no_crash(code, out, err)


@settings(BOUNDED, max_examples=60)
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".yaml", ".json"]))
def test_arbitrary_bytes_as_answers_are_exit_2(content, suffix):
    EXAMPLES["arbitrary answers bytes"] += 1
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"case{suffix}"
        source.write_bytes(content)
        code, out, err = sharewizard("replay", str(source))
        assert_no_crash(code, out, err)
        assert code == 2


# --- crafted records for verify ----------------------------------------------------------------


def _good_record() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "a.yaml"
        facts = {"immediate-danger": "no", "role": "dsl", "risk-of-harm": "no"}
        facts |= {"formal-process": "none", "receiver": "csc", "receiver-role": "no"}
        answers.write_text(
            json.dumps(
                {
                    "schema_version": 2,
                    "facts": facts,
                    "decisions": [{"flow": "not-sharing", "answers": {}}],
                }
            )
        )
        out = Path(folder) / "r.json"
        code, stdout, stderr = sharewizard("decide", "--answers", str(answers), "--out", str(out))
        assert code == 0, stdout + stderr
        return records.load_record(out)


GOOD_RECORD = _good_record()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, prefix + (index,))
    return found


ALL_PATHS = [p for p in _paths(GOOD_RECORD) if p]


def _set(record: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        record = record[part]
    if value is _DELETE:
        del record[path[-1]]
    else:
        record[path[-1]] = value


_DELETE = object()


@settings(BOUNDED, max_examples=120)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), st.one_of(json_values, st.just(_DELETE))),
        max_size=3,
    ),
    recompute=st.booleans(),
    fmt=st.sampled_from(["json", "md", "md-text"]),
)
def test_crafted_records_are_reported_never_a_crash(edits, recompute, fmt):
    EXAMPLES["crafted records"] += 1
    record = json.loads(json.dumps(GOOD_RECORD))
    for path, value in edits:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _set(record, path, value)
    if recompute:
        with contextlib.suppress(TypeError, ValueError):
            record["checksum"] = records.checksum(record)
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "json":
            path = Path(folder) / "r.json"
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        else:
            path = Path(folder) / "r.md"
            body = render.to_markdown(GOOD_RECORD)
            if fmt == "md":  # the real readable text, crafted data written as sharewizard would
                start = body.find(render.MD_DATA_START)
                body = body[:start] + render.data_comment(record)
            else:  # crafted readable text, the real data
                body = json.dumps(edits, default=repr) + body
            path.write_text(body, encoding="utf-8")
        code, out, err = sharewizard("verify", str(path))
        assert_no_crash(code, out, err)
        assert out.count("\n") == 1
        if not edits and fmt != "md-text":
            assert code == 1 and "INCOMPLETE" in out or code == 0
        code, out, err = sharewizard("verify", "--json", "--allow-incomplete", str(path))
        assert_no_crash(code, out, err)
        assert json.loads(out)["files"] == 1


@settings(BOUNDED, max_examples=60)
@given(content=st.one_of(st.binary(max_size=300), json_values.map(json.dumps).map(str.encode)))
def test_arbitrary_content_as_a_record_is_never_ok(content):
    EXAMPLES["arbitrary records"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        path.write_bytes(content)
        code, out, err = sharewizard("verify", str(path))
        assert_no_crash(code, out, err)
        assert code in (1, 2)
