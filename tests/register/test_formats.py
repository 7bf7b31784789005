"""The report in its four formats, the export, and `replay --register`, as a user gets them."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from sharewizard.cli import main
from tests.register.conftest import STAMP, craft, pick, write

GOLDEN = Path(__file__).parents[1] / "golden"
ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "answers"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.fixture
def small(capsys, tmp_path, monkeypatch, base_records) -> str:
    """A register of a few records, named by a path relative to the current folder."""
    monkeypatch.chdir(tmp_path)
    share = pick(base_records, "share")
    advice = pick(base_records, "seek-advice")
    folder = tmp_path / "in"
    write(
        folder,
        "1.json",
        craft(
            share,
            record_id="r1",
            created_at="2026-02-03T10:00:00Z",
            fields={"organisation": "Oak School", "case_reference": "C-1"},
        ),
    )
    write(
        folder,
        "2.json",
        craft(
            advice,
            record_id="r2",
            created_at="2026-03-04T10:00:00Z",
            fields={"organisation": "Oak School", "case_reference": "C-2"},
        ),
    )
    write(
        folder,
        "3.json",
        craft(
            share,
            record_id="r3",
            created_at="2026-03-05T10:00:00Z",
            missing=["lawful_basis"],
            fields={"lawful_basis": None},
        ),
    )
    write(folder, "4.json", craft(share, record_id="r4", training=True))
    write(folder, "x.json", craft(share, record_id="r5") | {"checksum": "sha256:00"})
    code, _, _ = run(capsys, "register", "add", "--db", "r.sqlite3", "in")  # fmt: skip
    assert code == 1  # x.json is quarantined
    return "r.sqlite3"


def test_the_table_report(capsys, monkeypatch, small):
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, "register", "report", "--db", small, "--as-of", "2026-04-01")
    assert code == 0
    golden = GOLDEN / "register-report.txt"
    text, found, held = out.partition("Quarantined (1)\n")  # its path is the test's folder
    assert found and "invalid" in held and "sha256:00" in held
    if os.environ.get("SHAREWIZARD_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_csv_report_is_long_form(capsys, small):
    code, out, _ = run(capsys, "register", "report", "--db", small, "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"section": "organisation", "value": "Oak School", "label": "", "records": "2",
            "share": "67%", "detail": ""} in rows  # fmt: skip
    assert [r["value"] for r in rows if r["section"] == "quarantined"] == [
        str(Path.cwd() / "in" / "x.json")
    ]


def test_the_html_report_is_one_page_with_four_charts_and_escapes_record_text(
    capsys, tmp_path, monkeypatch, base_records
):
    monkeypatch.chdir(tmp_path)
    hostile = "<script>alert(1)</script> $x^2$ \x1b[31m"
    record = craft(base_records[0], fields={"organisation": hostile, "practitioner_role": "$"})
    run(capsys, "register", "add", "--db", "r.sqlite3", str(write(tmp_path, "h.json", record)))
    code, _, err = run(
        capsys, "register", "report", "--db", "r.sqlite3", "-f", "html", "-o", "report.html"
    )
    assert (code, err) == (0, "Written to report.html\n")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 4
    assert "<script" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x^2$" in page
    # nothing is fetched: no scripts, links or images, and url() only names the page's own ids
    assert " src=" not in page and "<link" not in page and "@import" not in page
    assert page.count("url(") == page.count("url(#")
    assert oct(os.stat(tmp_path / "report.html").st_mode & 0o777) == "0o600"
    code, _, err = run(
        capsys, "register", "report", "--db", "r.sqlite3", "-f", "html", "-o", "report.html"
    )
    assert code == 2 and "already exists" in err


def test_an_empty_register_reports_nothing_in_every_format(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    for fmt in ("table", "json", "csv", "html"):
        code, out, _ = run(capsys, "register", "report", "--db", db, "-f", fmt)
        assert code == 0 and out
    found = json.loads(run(capsys, "register", "report", "--db", db, "-f", "json")[1])
    assert found["records"] == 0 and found["counts"]["decision"] == []


def test_replay_register_adds_the_records_it_makes(capsys, target, tmp_path):
    files = sorted(ANSWERS.rglob("*.yaml"))[:12]
    out_dir = tmp_path / "records"
    code, _, err = run(
        capsys, "replay", *map(str, files), "--out-dir", str(out_dir), "--timestamp", STAMP,
        "--register", target, "--jobs", "2",
    )  # fmt: skip
    assert code == 0
    written = sorted(json.loads(p.read_text())["checksum"] for p in out_dir.glob("*.json"))
    assert err.splitlines()[-1] == f"Added {len(written)} records to {_shown(target)}."
    code, out, _ = run(capsys, "register", "export", "--db", target, "-f", "jsonl")
    assert sorted(json.loads(line)["checksum"] for line in out.splitlines()) == written
    # again, without --out-dir: the same records, already there
    code, _, err = run(
        capsys, "replay", *map(str, files), "--timestamp", STAMP, "--register", target
    )
    assert err.splitlines()[-1] == (
        f"Added 0 records to {_shown(target)}; {len(written)} already there."
    )
    assert run(capsys, "register", "check", "--db", target)[0] == 0


def test_replay_register_leaves_out_a_file_that_fails(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nflow: nope\nanswers: {}\n", encoding="utf-8")
    good = sorted(ANSWERS.rglob("*.yaml"))[0]
    db = str(tmp_path / "r.sqlite3")
    code, _, err = run(capsys, "replay", str(good), str(bad), "--register", db)
    assert code == 2
    assert err.splitlines()[-1] == f"Added 1 record to {db}."


def test_replay_register_stops_before_replaying_when_the_register_cannot_open(capsys, tmp_path):
    out_dir = tmp_path / "records"
    code, _, err = run(capsys, "replay", str(ANSWERS), "--out-dir", str(out_dir),
                       "--register", "mysql://x")  # fmt: skip
    assert code == 2 and "--db: is neither a file nor a PostgreSQL address" in err
    assert not list(out_dir.glob("*"))


def _shown(target: str) -> str:
    from sharewizard.register.database import shown

    return shown(target)
