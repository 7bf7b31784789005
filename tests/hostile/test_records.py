"""Hostile records through `verify --trust`, `verify` and `note`.

Signed records of the recorded answers files, with 1-3 values changed, removed or retyped at
random places; the checksum kept, recomputed, recomputed with the signature stripped, or signed
again by a key nobody trusts; written as JSON or Markdown, with LF or CRLF line ends. Any change
to the content must fail `verify --trust`; an unchanged signed record must pass it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.inputs import JUNK_VALUES, ROOT, STAMP, hostile_text
from hostile.sandbox import Sandbox, hostile_settings, scratch
from sharewizard.cli import main
from sharewizard.records import record as records
from sharewizard.records import render, signing

pytestmark = pytest.mark.hostile

#: Recorded answers files whose records the mutations start from (every fourth, sittings too).
SOURCES = sorted((ROOT / "tests" / "answers").rglob("*.yaml"))[::4]
_DELETE = "<delete>"


@dataclass(frozen=True)
class Keys:
    """The trusted key pair that signed the base records, and a key nobody trusts."""

    private: Path
    public: Path
    stranger: Any


@functools.cache
def keys() -> Keys:
    private, public = signing.new_key_pair(scratch() / "keys")
    stranger, _ = signing.new_key_pair(scratch() / "stranger")
    return Keys(private, public, signing.load_private_key(stranger))


@functools.cache
def base_records() -> tuple[dict[str, Any], ...]:
    """Signed, complete records: each passes `verify --trust` as written."""
    out = scratch() / "base-records"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with contextlib.suppress(SystemExit):
            main(
                ["replay", *map(str, SOURCES), "--out-dir", str(out), "--sign-key"]
                + [str(keys().private), "--timestamp", STAMP, "--jobs", "1", "--quiet"]
            )
    found = []
    for path in sorted(out.iterdir()):
        record = records.load_record(path)
        if not record["missing"]:
            found.append(dict(record))
    assert len(found) >= 20, "too few complete records to start from"
    return tuple(found)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _set(record: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        record = record[part]
    if value == _DELETE:
        del record[path[-1]]
    else:
        record[path[-1]] = value


def _content(record: dict[str, Any]) -> str:
    """What the signature vouches for, checksum aside."""
    kept = {k: v for k, v in record.items() if k not in ("checksum", "signature")}
    return json.dumps(kept, sort_keys=True, default=repr)


def _forged_markdown(shown: dict[str, Any], data: dict[str, Any]) -> str:
    """The readable text of one record over the embedded data of another."""
    text = render.to_markdown(shown)
    start = text.find(render.MD_DATA_START)
    return text[:start] + render.MD_DATA_START + json.dumps(data) + render.MD_DATA_END


@dataclass(frozen=True)
class RecordCase:
    """A record file to check; `changed` says its content differs from what was signed."""

    name: str
    data: bytes
    changed: bool
    signed_as_written: bool
    note_out: bool


@st.composite
def record_files(draw: Any) -> RecordCase:
    original = draw(st.sampled_from(base_records()))
    record = json.loads(json.dumps(original))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(record) or [("outcome",)]))
        value = draw(
            st.one_of(
                JUNK_VALUES,
                st.just(_DELETE),
                st.just(10**25),
                hostile_text.map(lambda text: text or "x"),
            )
        )
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _set(record, path, value)
    checksum = draw(st.sampled_from(["kept", "recomputed", "stripped", "none", "stranger"]))
    if checksum != "kept":
        record.pop("signature", None)
    if checksum in ("recomputed", "stripped", "stranger"):
        with contextlib.suppress(TypeError, ValueError):
            record["checksum"] = records.checksum(record)
    if checksum == "none":
        record.pop("checksum", None)
    if checksum == "stranger":
        with contextlib.suppress(TypeError, ValueError):
            record = signing.sign(record, keys().stranger)
    fmt = draw(st.sampled_from(["json", "json", "md", "md-old-text"]))
    as_sharewizard_writes = True
    if fmt == "json":
        text = json.dumps(record, ensure_ascii=draw(st.booleans()), indent=2)
    elif fmt == "md":
        try:  # readable text that matches the data, as a forger would make it
            text = render.to_markdown(record)
        except Exception:  # a shape the renderer cannot show: the original text, forged data
            text, as_sharewizard_writes = _forged_markdown(original, record), False
    else:  # the data comment is not written as sharewizard writes it: never a clean record
        text, as_sharewizard_writes = _forged_markdown(original, record), False
    line_ends = draw(st.sampled_from(["lf", "lf", "crlf", "extra newline"]))
    if line_ends == "crlf":
        text = text.replace("\n", "\r\n")
    elif line_ends == "extra newline":
        text += "\n"
    return RecordCase(
        name="record.json" if fmt == "json" else "record.md",
        data=text.encode("utf-8", "surrogatepass"),
        changed=_content(record) != _content(original),
        signed_as_written=checksum == "kept"
        and as_sharewizard_writes
        and record.get("signature") == original.get("signature")
        and record.get("checksum") == original.get("checksum"),  # a value changed may be it
        note_out=draw(st.integers(0, 99)) < 10,
    )


def check_record_file(case: RecordCase, box: Sandbox) -> None:
    path = box.put(case.name, case.data)
    trusted = box.run("verify", "--trust", str(keys().public), str(path))
    if case.changed:
        assert trusted.code != 0, f"tampering missed under --trust\n{trusted}"
    elif case.signed_as_written:
        assert trusted.code == 0, f"an untouched signed record did not verify\n{trusted}"
    box.run("verify", "--json", "--allow-incomplete", str(path))
    box.run("note", str(path))
    if case.note_out:
        box.run("note", str(path), "--out", str(box.out / "note.txt"), may_write=(box.out,))


@hostile_settings(1500)
@given(case=record_files())
def test_hostile_records(case):
    with Sandbox("records") as box:
        check_record_file(case, box)


@hostile_settings(5)
@given(case=record_files())
def test_hostile_records_in_a_child_process(case):
    with Sandbox("records", child=True) as box:
        check_record_file(case, box)
