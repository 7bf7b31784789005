"""Records to register, and a register to put them in: SQLite always, PostgreSQL when given.

Set SHAREWIZARD_TEST_POSTGRES to a PostgreSQL address (`.ci/run` starts a server and does) and
every test that takes `target` runs against both; each PostgreSQL test gets a schema of its own.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sharewizard.records import record as records
from sharewizard.replay.batch import replay_all

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("SHAREWIZARD_TEST_POSTGRES", "")
STAMP = "2026-01-01T00:00:00Z"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def record_files(catalogue, tmp_path_factory) -> list[Path]:
    """A record for every recorded answers file of the shipped flows (sittings give two)."""
    out = tmp_path_factory.mktemp("records")
    answers = sorted((ROOT / "tests" / "answers").rglob("*.yaml"))
    results = replay_all(
        catalogue, answers, created_at=STAMP, out_dir=out, fmt="json", force=False, jobs=1
    )
    assert not [r.error for r in results if r.error]
    return sorted(out.glob("*.json"))


@pytest.fixture(scope="session")
def base_records(record_files) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in record_files]


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path) -> Iterator[str]:
    """A new, empty register: a file, or a schema of its own on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.sqlite3")
        return
    if not POSTGRES:
        pytest.skip("set SHAREWIZARD_TEST_POSTGRES to a PostgreSQL address to run these")
    import psycopg

    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in POSTGRES else "?"
    yield f"{POSTGRES}{joiner}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


def craft(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `record` with top-level keys or record field values changed, checksum anew.

    `fields={"organisation": "Oak School"}` sets field values (and their text); any other
    keyword replaces a top-level key.
    """
    made = copy.deepcopy(record)
    for field_id, value in changes.pop("fields", {}).items():
        row = next(r for r in made["fields"] if r["id"] == field_id)
        row["value"] = row["text"] = value
    made.update(changes)
    made["checksum"] = records.checksum(made)
    return made


def write(folder: Path, name: str, record: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def pick(base_records, decision: str, **field_values: str) -> dict[str, Any]:
    """The first record with this decision (and these field values) that settles its case.

    A record of a sitting of its own, and with no field left "for now" (the family not told
    yet), unless it is itself a decision for now (seek advice).
    """
    from sharewizard.register.rows import FOR_NOW_DECISIONS, register_row

    for record in base_records:
        values = {r["id"]: r["value"] for r in record["fields"]}
        row = register_row(record)
        settles = decision in FOR_NOW_DECISIONS or row.for_now is None
        if (
            record["outcome"]["decision"] == decision
            and settles
            and row.sitting_parts == 1
            and all(values.get(k) == v for k, v in field_values.items())
        ):
            return record
    raise LookupError(decision)
