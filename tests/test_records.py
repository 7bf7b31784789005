from __future__ import annotations

import json
import stat

import pytest

from sharewizard import records
from sharewizard.errors import RecordError, TamperedRecord
from sharewizard.session import ScriptedAsker, start_session

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


@pytest.fixture()
def record(demo):
    session = start_session(
        demo,
        "demo",
        ScriptedAsker("t.yaml", demo.record_form),
        {"concern": "yes", "kinds": ["injury"], "urgency": "high", "note": "x"},
        FIELDS,
    )
    decision = session.run()
    return records.build_record(
        decision,
        demo,
        created_at="2026-11-23T10:00:00Z",
        record_id="00000000-0000-4000-8000-000000000001",
    )


def test_record_validates_against_its_schema_and_checksum_verifies(record):
    assert records.schema_problems(record) == []
    assert records.verify(record)


def test_record_holds_what_the_guidance_requires(record):
    assert record["outcome"]["id"] == "refer"
    assert record["sharing"]["lawful_basis"] == "Public task (UK GDPR Art. 6(1)(e))"
    assert record["sharing"]["family_informed"] is False
    assert record["sharing"]["family_not_informed_reason"].startswith("Telling them")
    assert record["case_reference"] == "CASE-42"
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


def test_tampering_is_detected(record):
    record["sharing"]["what"] = "something else"
    assert not records.verify(record)


def test_markdown_escapes_user_text_and_carries_the_content(record):
    record["sharing"]["what"] = "<script>x</script> *bold* [link](http://e) \x1b[31mred"
    text = records.to_markdown(record)
    assert r"\<script\>x\</script\> \*bold\* \[link\](http://e) \[31mred" in text
    assert "\x1b" not in text
    assert "Children's Social Care" in text
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
    target.write_text(json.dumps({**record, "schema_version": 99}))
    with pytest.raises(RecordError, match="schema_version is 99"):
        records.load_record(target)


def test_missing_required_fields_are_listed_and_shown(demo):
    session = start_session(
        demo,
        "demo",
        ScriptedAsker("t.yaml", demo.record_form),
        {"concern": "no"},
        {"what": "nothing shared", "family_informed": "no"},
    )
    record = records.build_record(
        session.run(),
        demo,
        created_at="2026-11-23T10:00:00Z",
        record_id="00000000-0000-4000-8000-000000000002",
    )
    assert record["missing"] == [
        "with_whom",
        "how",
        "when",
        "lawful_basis",
        "rationale",
        "family_not_informed_reason",
    ]
    assert records.schema_problems(record) == [] and records.verify(record)
    assert "**Incomplete record:**" in records.to_markdown(record)


def test_markdown_record_can_be_verified_and_edits_are_caught(record, tmp_path):
    target = tmp_path / "r.md"
    records.write_record(record, target, "md")
    assert records.load_record(target) == record
    text = target.read_text()
    target.write_text(text.replace("Children's Social Care", "Someone else"), encoding="utf-8")
    with pytest.raises(TamperedRecord, match="readable text of this Markdown record was changed"):
        records.load_record(target)
    target.write_text("# just notes\n")
    with pytest.raises(RecordError, match="carries no sharewizard record data"):
        records.load_record(target)
