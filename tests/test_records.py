from __future__ import annotations

import json
import stat

import pytest

from sharewizard.core.errors import RecordError, TamperedRecord
from sharewizard.records import record as records
from sharewizard.records import render
from tests.sittingkit import decide_answers

FIELDS = {
    "what": "Attendance and *injury* concerns",
    "with_whom": "Children's Social Care",
    "how": "Phone, then secure email",
    "when": "2026-11-23 10:00",
    "lawful_basis": "public-task",
    "rationale": "Necessary to protect the child; proportionate.",
    "family_informed": "no",
    "family_not_informed_reason": "Telling them could put the child at further risk.",
    "case_reference": "CASE-42",
}


def field_rows(record):
    return {row["id"]: row for row in record["fields"]}


def _made(demo):
    """(part, decision, record) of the demo flow's one decision, made in-process."""
    answers = {"concern": "yes", "kinds": ["injury"], "urgency": "high", "note": "x"}
    data = {
        "schema_version": 2,
        "decisions": [{"flow": "demo", "answers": answers, "record": FIELDS}],
    }
    [made] = decide_answers(demo, data)
    return made


def _decision(demo):
    return _made(demo)[1]


@pytest.fixture()
def record(demo):
    return _made(demo)[2]


def test_record_validates_against_its_schema_and_checksum_verifies(record):
    assert records.schema_problems(record) == []
    assert records.verify(record)


def test_record_holds_what_the_guidance_requires(record):
    assert record["schema_version"] == 3
    assert record["outcome"]["id"] == "refer"
    assert record["outcome"]["decision"] == "refer"
    assert record["outcome"]["decision_label"] == "Make the referral"
    assert record["outcome"]["shares"] is True
    rows = field_rows(record)
    assert rows["lawful_basis"]["value"] == "public-task"
    assert rows["lawful_basis"]["text"] == "Public task (UK GDPR Art. 6(1)(e))"
    assert rows["lawful_basis"]["question"] == "What is the lawful basis for sharing?"
    assert rows["family_informed"]["text"] == "No, they will not be told"
    assert records.field_text(record, "family_not_informed_reason").startswith("Telling them")
    assert rows["case_reference"] == {
        "id": "case_reference",
        "label": "Case reference",
        "question": "Case reference (optional; no names)",
        "group": "case",
        "value": "CASE-42",
        "text": "CASE-42",
    }
    # a share asks what was shared, not what was held back
    assert "what_not_shared" not in rows and "requested_by" not in rows
    assert [a["question"] for a in record["answers"]] == ["concern", "kinds", "urgency", "note"]
    assert record["answers"][1] == {
        "question": "kinds",
        "text": "Which kinds?",
        "answer": ["injury"],
        "answer_label": "Injury",
    }
    cite = record["outcome"]["citations"][0]
    assert cite["title"].startswith("Information sharing and consent")
    assert cite["url"].startswith("https://")
    assert "not legal advice" in record["disclaimer"]
    assert record["missing"] == []
    assert record["sitting"] == {
        "id": "00000000-0000-4000-8000-000000000000",  # the sitting's own id
        "part": 1,
        "of": 1,
        "flows": ["demo"],
        "facts": [],  # the demo flows have no case facts
    }


def test_tampering_is_detected(record):
    field_rows(record)["what"]["text"] = "something else"
    assert not records.verify(record)


def test_markdown_escapes_user_text_and_carries_the_content(record):
    field_rows(record)["what"]["text"] = "<script>x</script> *bold* [link](http://e) \x1b[31mred"
    text = render.to_markdown(record)
    assert r"\<script\>x\</script\> \*bold\* \[link\](http://e) \[31mred" in text
    assert "\x1b" not in text
    assert "Children's Social Care" in text
    assert "## Decision: Make the referral" in text
    assert "**Lawful basis:** Public task (UK GDPR Art. 6(1)(e))" in text
    assert record["checksum"] in text
    assert "## Guidance cited" in text


def test_write_is_owner_only_and_never_overwrites(record, tmp_path):
    target = tmp_path / "r.json"
    records.write_record(record, target, "json")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text()) == record
    with pytest.raises(RecordError, match="already exists; nothing was written"):
        records.write_record(record, target, "json")
    records.write_record(record, target, "md", force=True)
    assert target.read_text().startswith("# Information sharing decision record")
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary files left


def test_write_into_missing_folder_is_a_clear_error(record, tmp_path):
    with pytest.raises(RecordError, match="the folder does not exist"):
        records.write_record(record, tmp_path / "no" / "r.json", "json")


def test_load_refuses_other_schema_versions(record, tmp_path):
    target = tmp_path / "r.json"
    target.write_text(json.dumps({**record, "schema_version": 1}))
    with pytest.raises(RecordError, match="schema_version is 1; this sharewizard reads 2 and 3"):
        records.load_record(target)


def test_missing_required_fields_are_listed_and_shown(demo):
    given = {
        "flow": "demo",
        "answers": {"concern": "no"},
        "record": {"what_not_shared": "nothing shared"},
    }
    [(_, _, record)] = decide_answers(demo, {"schema_version": 2, "decisions": [given]})
    assert record["outcome"]["decision"] == "do-not-share"
    assert record["missing"] == ["requested_by", "when", "rationale"]
    # a decision not to share never asks how it was shared or for a lawful basis
    assert not {"what", "with_whom", "how", "lawful_basis"} & set(field_rows(record))
    assert records.schema_problems(record) == [] and records.verify(record)
    text = render.to_markdown(record)
    assert "Incomplete record:" in text
    assert "missing here: Asked for by, or would have gone to, When, Rationale." in " ".join(
        line.removeprefix("> ") for line in text.splitlines()
    )


def test_markdown_record_can_be_verified_and_edits_are_caught(record, tmp_path):
    target = tmp_path / "r.md"
    records.write_record(record, target, "md")
    assert records.load_record(target) == record
    text = target.read_text()
    body, data = text.split(render.MD_DATA_START)
    assert "Children's Social Care" in body and "Children's Social Care" in data
    # the same edit in the readable text and in the embedded JSON: the checksum no longer holds
    target.write_text(text.replace("Children's Social Care", "Someone else"), encoding="utf-8")
    assert not records.verify(records.load_record(target))
    # an edit of the readable text alone
    edited = body.replace("Children's Social Care", "Someone else")
    target.write_text(edited + render.MD_DATA_START + data, encoding="utf-8")
    with pytest.raises(TamperedRecord, match="readable text of this Markdown record was changed"):
        records.load_record(target)
    target.write_text("# just notes\n")
    with pytest.raises(RecordError, match="carries no sharewizard record data"):
        records.load_record(target)


# --- local time (issue 24.7); the tests run with TZ=Europe/London (conftest) -------------------


@pytest.mark.parametrize(
    ("created_at", "local", "shown"),
    [
        ("2026-07-01T09:00:00Z", "2026-07-01T10:00:00+01:00", "2026-07-01 10:00 (UTC+01"),
        ("2026-12-06T22:58:42Z", "2026-12-06T22:58:42+00:00", "2026-12-06 22:58 (UTC+00"),
        ("2026-03-29T00:30:00Z", "2026-03-29T00:30:00+00:00", "2026-03-29 00:30 (UTC+00"),
        ("2026-03-29T01:30:00Z", "2026-03-29T02:30:00+01:00", "2026-03-29 02:30 (UTC+01"),
    ],
)  # fmt: skip
def test_markdown_and_case_note_show_local_time_and_the_json_keeps_utc(
    demo, record, created_at, local, shown
):
    made = records.build_record(
        _decision(demo),
        demo,
        created_at=created_at,
        record_id="00000000-0000-4000-8000-000000000002",
    )
    assert (made["created_at"], made["created_at_local"]) == (created_at, local)
    assert records.schema_problems(made) == []
    day_time, offset = shown.split(" (")
    said = f"{day_time} local time ({offset}:00; {created_at})"
    assert f"- **Created:** {said}" in render.to_markdown(made)
    assert f"Date: {said}" in render.to_text(made)


def test_a_record_made_before_local_time_still_shows_utc_and_verifies(record, tmp_path):
    older = {k: v for k, v in record.items() if k != "created_at_local"}
    older["checksum"] = records.checksum(older)
    assert "- **Created (UTC):** 2026-11-23T10:00:00Z" in render.to_markdown(older)
    assert "Date (UTC): 2026-11-23T10:00:00Z" in render.to_text(older)
    path = tmp_path / "older.md"
    path.write_text(render.to_markdown(older), encoding="utf-8")
    assert records.load_record(path) == older  # its readable text is what we render for it
