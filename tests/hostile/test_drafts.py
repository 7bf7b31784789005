"""Hostile drafts through `drafts`, `drafts show`, `drafts delete` and `decide --resume`.

The data folder holds one to three drafts: walks stopped part way, as sharewizard saves them, or
mutated (a `started_at` that climbs out of the folder included), mangled, replaced by a
structural attack; some have odd ids. Each example lists them and runs one more command, some
naming a path outside the data folder. Nothing outside the data folder (and `--out`) may change,
and every draft sharewizard writes it can read back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostile.inputs import (
    STARTED_AT,
    mangled,
    mutated,
    partial_walks,
    serialise,
    structural,
)
from hostile.sandbox import Sandbox, hostile_settings
from sharewizard.walk.drafts import SUFFIX

pytestmark = pytest.mark.hostile

ODD_IDS = ["x y", "caf\u00e9", "\x1b[31mred", "-rf", "a.b", "..", "--help", "é" * 100]


@dataclass(frozen=True)
class DraftsCase:
    """Drafts to put in the data folder (id, bytes) and the command to try on them."""

    drafts: tuple[tuple[str, bytes], ...]
    command: str
    typed: bytes


@st.composite
def draft_files(draw: Any) -> tuple[str, bytes]:
    walk = draw(partial_walks())
    doc = walk.document(sitting=f"{draw(st.integers(0, 0xFFFF)):04x}-sitting")
    doc["started_at"] = "2026-11-23T09:00:00Z"
    if draw(st.integers(0, 99)) < 30:  # the start time named the draft a resumed file keeps
        doc["started_at"] = draw(st.one_of(st.just(STARTED_AT[0]), st.sampled_from(STARTED_AT)))
    draft_id = f"{walk.flow_id}-20261123T090000Z-{draw(st.integers(0, 0xFFFF)):04x}"
    if draw(st.integers(0, 99)) < 20:  # names from a shared or synced data folder
        draft_id = draw(st.sampled_from(ODD_IDS))
    how = draw(st.sampled_from(["saved", "saved", "mutated", "mutated", "mangled", "structural"]))
    if how == "mutated":
        doc = draw(mutated(doc))
    if how == "structural":
        return draft_id, draw(structural(walk.flow_id))
    data = serialise(doc, "block")
    return draft_id, draw(mangled(data)) if how == "mangled" else data


COMMANDS = [
    "list",
    "show",
    "resume",
    "resume-bare",
    "resume-file",
    "delete",
    "delete-outside",
    "show-outside",
]


@st.composite
def drafts_cases(draw: Any) -> DraftsCase:
    drafts = draw(st.lists(draft_files(), min_size=1, max_size=3, unique_by=lambda d: d[0]))
    typed = draw(st.sampled_from([b"", b"1\n", b"1\n\n\n", b"<\n<\n", "\u00b2\n".encode()]))
    return DraftsCase(tuple(drafts), draw(st.sampled_from(COMMANDS)), typed)


def check_drafts(case: DraftsCase, box: Sandbox) -> None:
    for draft_id, data in case.drafts:
        box.put(draft_id + SUFFIX, data, folder=box.drafts)
    first = case.drafts[0][0]
    listed = box.run("drafts", "--json", may_write=())
    if listed.code == 0:
        assert len(json.loads(listed.out)) == len(case.drafts), f"drafts missing\n{listed}"
    record = str(box.out / "r.json")
    victim = str(box.outside / "record.json")
    runs = {
        "list": ("drafts",),
        "show": ("drafts", "show", first),
        "resume": ("--plain", "decide", "--resume", first, "--out", record),
        "resume-bare": ("--plain", "decide", "--resume", "--out", record),
        "resume-file": ("--plain", "decide", "--resume", str(box.drafts / (first + SUFFIX))),
        "delete": ("drafts", "delete", first),
        "delete-outside": ("drafts", "delete", victim),
        "show-outside": ("drafts", "show", victim),
    }
    if case.command == "resume-file":  # a file given by path: a copy outside the data folder
        copy = box.put("draft.yaml", (box.drafts / (first + SUFFIX)).read_bytes())
        runs["resume-file"] = (*runs["resume-file"][:-1], str(copy), "--out", record)
    box.run(*runs[case.command], stdin=case.typed, may_write=(box.data, box.out))


@hostile_settings(550)
@given(case=drafts_cases())
def test_hostile_drafts(case):
    with Sandbox("drafts") as box:
        check_drafts(case, box)


@hostile_settings(5)
@given(case=drafts_cases())
def test_hostile_drafts_in_a_child_process(case):
    with Sandbox("drafts", child=True) as box:
        check_drafts(case, box)
