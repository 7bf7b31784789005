"""The register end to end, as an auditor uses it: add, report, export, check, forget.

Every test runs against SQLite, and against PostgreSQL when SHAREWIZARD_TEST_POSTGRES is set.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from sharewizard.cli import main
from tests.register.conftest import craft, pick, write


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def report(capsys, target: str, *more: str) -> dict:
    code, out, err = run(capsys, "register", "report", "--db", target, "--format", "json", *more)
    assert code == 0, err
    return json.loads(out)


def counts(found: dict, name: str) -> dict[str, int]:
    return {c["value"]: c["records"] for c in found["counts"][name]}


def test_add_counts_every_record_once(capsys, target, record_files, base_records):
    code, out, _ = run(capsys, "register", "add", "--db", target, str(record_files[0].parent))
    assert code == 0
    assert out == f"Added {len(record_files)} records to {_shown(target)}.\n"
    code, out, _ = run(capsys, "register", "add", "--db", target, *map(str, record_files[:5]))
    assert (code, out) == (0, f"Added 0 records to {_shown(target)}; 5 already there.\n")
    decisions: dict[str, int] = {}
    for record in base_records:
        decisions[record["outcome"]["decision"]] = (
            decisions.get(record["outcome"]["decision"], 0) + 1
        )
    found = report(capsys, target)
    assert found["records"] == len(base_records)
    assert counts(found, "decision") == decisions
    assert counts(found, "month") == {"2026-01": len(base_records)}


def _shown(target: str) -> str:
    from sharewizard.register.database import shown

    return shown(target)


def test_add_reads_paths_from_stdin(capsys, monkeypatch, target, record_files):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(map(str, record_files[:3])) + "\n"))
    code, out, _ = run(capsys, "register", "add", "--db", target, "-")
    assert (code, out) == (0, f"Added 3 records to {_shown(target)}.\n")


def test_a_path_that_names_nothing_is_an_error(capsys, target, record_files):
    code, out, err = run(
        capsys, "register", "add", "--db", target, "nope.json", str(record_files[0])
    )
    assert code == 2
    assert err == "error nope.json: no such file or folder.\n"
    assert out.startswith("Added 1 record to")


def test_a_tampered_record_goes_to_the_quarantine_with_its_reason(
    capsys, target, tmp_path, base_records
):
    good = base_records[0]
    tampered = json.loads(json.dumps(good))
    tampered["outcome"]["decision"] = "share"  # changed after it was written
    path = write(tmp_path / "in", "tampered.json", tampered)
    code, out, _ = run(capsys, "register", "add", "--db", target, str(path))
    assert code == 1
    assert out.splitlines() == [
        f"quarantined {path}: TAMPERED: checksum does not match: the record was changed after "
        "it was written",
        f"Added 0 records to {_shown(target)}; 1 quarantined.",
    ]
    found = report(capsys, target)
    assert found["records"] == 0  # never among the decisions
    held = found["open_loops"]["quarantined"]
    assert held["count"] == 1
    assert held["items"][0]["source"] == str(path)
    assert held["items"][0]["state"] == "tampered"
    # the same file again is quarantined once
    run(capsys, "register", "add", "--db", target, str(path))
    assert report(capsys, target)["open_loops"]["quarantined"]["count"] == 1


def test_unreadable_unsigned_and_clashing_records_are_quarantined(
    capsys, target, tmp_path, base_records, record_files
):
    from sharewizard.records.signing import new_key_pair

    junk = tmp_path / "in" / "notes.json"
    junk.parent.mkdir()
    junk.write_text("{not json", encoding="utf-8")
    clash = write(tmp_path / "in", "clash.json", craft(base_records[0], changes=["edited"]))
    _, public = new_key_pair(tmp_path / "keys")
    code, out, _ = run(
        capsys, "register", "add", "--db", target, "--trust", str(public),
        str(record_files[0]), str(junk),
    )  # fmt: skip
    assert code == 1
    assert f"quarantined {record_files[0]}: UNSIGNED: " in out
    assert f"quarantined {junk}: UNREADABLE: 1:2: not valid JSON" in out
    run(capsys, "register", "add", "--db", target, str(record_files[0]))
    code, out, _ = run(capsys, "register", "add", "--db", target, str(clash))
    assert code == 1
    assert f"quarantined {clash}: CONFLICT: another record with the same record_id" in out


def test_without_trust_a_known_key_is_checked_and_an_unknown_one_is_kept(
    capsys, target, tmp_path, base_records
):
    from sharewizard.records.signing import load_private_key, new_key_pair, sign

    private, public = new_key_pair(tmp_path / "keys")
    key = load_private_key(private)
    signed = sign(base_records[0], key)
    forged = craft(signed, changes=["edited"])  # the checksum recomputed, the signature not
    write(tmp_path / "in", "signed.json", signed)
    forged_path = write(tmp_path / "forged", "forged.json", forged)
    code, out, _ = run(capsys, "register", "add", "--db", target, str(tmp_path / "in"))
    assert code == 0, out  # a key nobody registered: kept, as before known keys
    assert run(capsys, "keys", "add", str(public))[0] == 0
    code, out, _ = run(capsys, "register", "add", "--db", target, str(forged_path))
    assert code == 1
    assert f"quarantined {forged_path}: TAMPERED: the signature does not match" in out


def test_training_records_are_kept_apart(capsys, target, tmp_path, base_records):
    real = base_records[0]
    training = craft(base_records[1], training=True)
    folder = tmp_path / "in"
    write(folder, "real.json", real)
    write(folder, "training.json", training)
    code, out, _ = run(capsys, "register", "add", "--db", target, str(folder))
    assert code == 0
    assert out == (
        f"Added 2 records to {_shown(target)}; 1 of them training records (kept apart).\n"
    )
    found = report(capsys, target)
    assert (found["records"], found["training"]) == (1, 1)
    assert sum(counts(found, "decision").values()) == 1


def test_counts_by_organisation_role_and_month_and_completeness(
    capsys, target, tmp_path, base_records
):
    share = pick(base_records, "share")
    folder = tmp_path / "in"
    made = [
        craft(share, record_id="r1", created_at="2026-02-03T10:00:00Z",
              fields={"organisation": "Oak School", "practitioner_role": "Class teacher"}),
        craft(share, record_id="r2", created_at="2026-02-20T10:00:00Z",
              fields={"organisation": "Oak School", "practitioner_role": "DSL"}),
        craft(share, record_id="r3", created_at="2026-03-01T10:00:00Z", missing=["lawful_basis"],
              fields={"organisation": "Health visiting", "lawful_basis": None}),
    ]  # fmt: skip
    for n, record in enumerate(made):
        write(folder, f"{n}.json", record)
    run(capsys, "register", "add", "--db", target, str(folder))
    found = report(capsys, target)
    assert counts(found, "organisation") == {"Oak School": 2, "Health visiting": 1}
    assert counts(found, "role") == {"Class teacher": 1, "DSL": 1, "(not given)": 1}
    assert counts(found, "month") == {"2026-02": 2, "2026-03": 1}
    assert found["decisions_per_month"] == [
        {"month": "2026-02", "shares": 2, "does_not_share": 0},
        {"month": "2026-03", "shares": 1, "does_not_share": 0},
    ]
    lawful = next(c for c in found["completeness"] if c["field"] == "lawful_basis")
    assert (lawful["asked"], lawful["missing"], lawful["share_missing"]) == (3, 1, 0.3333)
    assert found["completeness"][0]["field"] == "lawful_basis"  # the worst first


def test_open_loops_are_decisions_for_now_past_due_with_nothing_later_in_the_case(
    capsys, target, tmp_path, base_records
):
    from sharewizard.register.rows import register_row

    advice = pick(base_records, "seek-advice")
    share = next(  # a decision that settles the case: no field left "for now" either
        r
        for r in base_records
        if r["outcome"]["decision"] == "share" and not register_row(r).for_now
    )
    folder = tmp_path / "in"
    made = {
        # seek advice in case A, then a decision in case A: closed
        "a1": craft(advice, record_id="a1", created_at="2026-01-05T09:00:00Z",
                    fields={"case_reference": "CASE-A"}),
        "a2": craft(share, record_id="a2", created_at="2026-01-09T09:00:00Z",
                    fields={"case_reference": "case-a"}),
        # seek advice in case B, nothing later: open, 26 days old on 1 Feb
        "b1": craft(advice, record_id="b1", created_at="2026-01-06T09:00:00Z",
                    fields={"case_reference": "CASE-B"}),
        # seek advice in case C, only 3 days old: not due yet
        "c1": craft(advice, record_id="c1", created_at="2026-01-29T09:00:00Z",
                    fields={"case_reference": "CASE-C"}),
    }  # fmt: skip
    for name, record in made.items():
        write(folder, f"{name}.json", record)
    run(capsys, "register", "add", "--db", target, str(folder))
    found = report(capsys, target, "--as-of", "2026-02-01", "--due", "14")
    loops = found["open_loops"]["decisions_for_now"]
    assert loops["count"] == 1
    assert [
        (i["record_id"], i["kind"], i["age_days"], i["case_reference"]) for i in loops["items"]
    ] == [("b1", "seek advice", 25, "CASE-B")]
    assert loops["by_age"]["up to 30 days"] == {"seek advice": 1}
    found = report(capsys, target, "--as-of", "2026-02-01", "--due", "2")
    assert found["open_loops"]["decisions_for_now"]["count"] == 2  # c1 is due now too


def test_a_sitting_with_a_missing_part_is_named(capsys, target, tmp_path, base_records):
    first = craft(base_records[0], record_id="p1",
                  sitting={"id": "S1", "part": 1, "flows": ["a", "b", "c"]})  # fmt: skip
    third = craft(base_records[1], record_id="p3",
                  sitting={"id": "S1", "part": 3, "flows": ["a", "b", "c"]})  # fmt: skip
    folder = tmp_path / "in"
    write(folder, "1.json", first)
    write(folder, "3.json", third)
    run(capsys, "register", "add", "--db", target, str(folder))
    sittings = report(capsys, target)["open_loops"]["sittings_missing_parts"]
    assert sittings == {
        "count": 1,
        "items": [{"sitting_id": "S1", "parts": 3, "present": [1, 3], "missing": [2]}],
    }


def test_check_names_a_record_whose_row_was_deleted(capsys, target, record_files):
    run(capsys, "register", "add", "--db", target, *map(str, record_files[:4]))
    code, out, _ = run(capsys, "register", "check", "--db", target)
    assert code == 0 and out.endswith("; 4 records; all match.\n")
    victim = json.loads(record_files[2].read_text())["record_id"]
    _sql(target, f"DELETE FROM register_records WHERE record_id = '{victim}'")
    code, out, _ = run(capsys, "register", "check", "--db", target)
    assert code == 1
    assert out.splitlines()[0] == (
        f"PROBLEM record {victim} (added in ledger entry 3) is missing from the register: its "
        "row was removed without `register forget`."
    )
    assert out.splitlines()[-1].endswith("; 3 records; 1 problem found.")


def test_check_names_changed_content_rows_and_ledger_entries(capsys, target, record_files):
    run(capsys, "register", "add", "--db", target, *map(str, record_files[:4]))
    ids = [json.loads(p.read_text())["record_id"] for p in record_files[:4]]
    _sql(target, f"UPDATE register_records SET decision = 'share' WHERE record_id = '{ids[0]}'")
    _sql(target, f"DELETE FROM register_content WHERE record_id = '{ids[1]}'")
    _sql(target, "UPDATE register_ledger SET checksum = 'sha256:0' WHERE seq = 3")
    _sql(target, "DELETE FROM register_ledger WHERE seq = 4")
    code, out, _ = run(capsys, "register", "check", "--db", target)
    assert code == 1
    problems = out.splitlines()[:-1]
    assert (
        f"PROBLEM ledger entry 3 (add record {ids[2]}) was changed: its hash no longer matches "
        "what it holds." in problems
    )
    assert "PROBLEM ledger entries 4 were removed (the newest ones)." in problems
    assert f"PROBLEM record {ids[0]}: its row no longer matches its content (decision)." in problems
    assert f"PROBLEM record {ids[1]}: its content is missing." in problems
    assert f"PROBLEM record {ids[3]}: is in the register, but no ledger entry added it." in problems


def test_forget_removes_the_content_and_keeps_the_chain_verifiable(capsys, target, record_files):
    run(capsys, "register", "add", "--db", target, *map(str, record_files[:3]))
    victim = json.loads(record_files[1].read_text())["record_id"]
    code, out, _ = run(
        capsys, "register", "forget", victim, "--reason", "erasure request ER-7", "--db", target
    )
    assert code == 0
    assert out.startswith(f"Forgot record {victim} in {_shown(target)}: its content is gone; "
                          "ledger entry 4 keeps when (")  # fmt: skip
    code, out, _ = run(capsys, "register", "check", "--db", target)
    assert code == 0, out
    assert ": ledger of 4 entries, the last sha256:" in out
    exported = _export(capsys, target, "jsonl")
    assert victim not in exported and exported.count("\n") == 2
    assert _sql(target, "SELECT note FROM register_ledger WHERE seq = 4")[0][0] == (
        "erasure request ER-7"
    )
    found = report(capsys, target)
    assert (found["records"], found["forgotten"]) == (2, 1)
    code, out, _ = run(capsys, "register", "add", "--db", target, str(record_files[1]))
    assert out.endswith("; 1 forgotten earlier (not added again).\n")
    code, _, err = run(capsys, "register", "forget", victim, "--reason", "again", "--db", target)
    assert code == 2 and "was forgotten already" in err
    code, _, err = run(capsys, "register", "forget", "nope", "--reason", "x", "--db", target)
    assert code == 2 and "RECORD_ID: no record 'nope' in the register." in err


def test_export_csv_has_a_row_per_record_and_jsonl_the_records_whole(
    capsys, target, record_files, base_records
):
    run(capsys, "register", "add", "--db", target, *map(str, record_files[:3]))
    rows = list(csv.DictReader(io.StringIO(_export(capsys, target, "csv"))))
    assert sorted(r["record_id"] for r in rows) == sorted(r["record_id"] for r in base_records[:3])
    assert {r["decision"] for r in rows} == {r["outcome"]["decision"] for r in base_records[:3]}
    lines = _export(capsys, target, "jsonl").splitlines()
    assert sorted(json.loads(line)["checksum"] for line in lines) == sorted(
        r["checksum"] for r in base_records[:3]
    )


def test_export_csv_cells_cannot_run_as_formulas(capsys, target, tmp_path, base_records):
    hostile = craft(base_records[0], fields={"organisation": '=HYPERLINK("http://x")'})
    run(capsys, "register", "add", "--db", target, str(write(tmp_path, "h.json", hostile)))
    rows = list(csv.DictReader(io.StringIO(_export(capsys, target, "csv"))))
    assert rows[0]["organisation"] == '\'=HYPERLINK("http://x")'


def _export(capsys, target: str, fmt: str) -> str:
    code, out, err = run(capsys, "register", "export", "--db", target, "--format", fmt)
    assert code == 0, err
    return out


def _sql(target: str, statement: str) -> list[tuple]:
    """Change the database behind the register's back, as someone with access to it could."""
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []
    connection = sqlite3.connect(target)
    try:
        found = connection.execute(statement).fetchall()
        connection.commit()
        return found
    finally:
        connection.close()
