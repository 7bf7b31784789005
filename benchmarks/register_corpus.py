"""Generate a register of many records, for the report benchmark (run.py) or to try the report.

    python3 benchmarks/register_corpus.py DB --records 1000000

The records are real ones: every recorded answers file of the shipped flows (tests/answers,
examples/cases) is decided once, and each generated record is one of those with a new id, a time
over two years, a case reference (about three records a case, so later decisions close some open
loops), an organisation and a role; a few leave a required field empty, are training records, or
belong to a sitting whose other part is missing. Each gets its checksum anew and goes into the
register through the register's own code (`entry_of`, `Register.add`), ledger and all.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from multiprocessing import Pool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sharewizard.records import record as records  # noqa: E402
from sharewizard.register.rows import Entry, entry_of  # noqa: E402
from sharewizard.register.store import Register  # noqa: E402

ORGANISATIONS = [f"{kind} {n}" for kind in ("School", "GP practice", "Nursery", "Youth service",
                 "Health visiting team", "Police team", "Housing office", "College")
                 for n in range(1, 6)]  # fmt: skip
ROLES = ["Designated safeguarding lead", "Class teacher", "Health visitor", "GP", "Youth worker",
         "Police officer", "Social worker", "Practice nurse"]  # fmt: skip
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
CHUNK = 5000
_templates: list[str] = []


def templates() -> list[str]:
    """The record of every recorded answers file, as JSON text."""
    from sharewizard.flowfiles.answers import load_answers
    from sharewizard.flowfiles.loader import load_catalogue
    from sharewizard.walk.decide import decide_file

    catalogue = load_catalogue(ROOT / "flows")
    found = []
    for base in ("tests/answers", "examples/cases"):
        for path in sorted((ROOT / base).rglob("*.yaml")):
            answers = load_answers(path)
            if "refused" in answers.expect:  # a file that must be refused makes no record
                continue
            made = decide_file(
                catalogue, answers, created_at="2026-01-01T00:00:00Z",
                record_id=lambda part: str(uuid.uuid4()),
            )  # fmt: skip
            found += [json.dumps(record) for _, _, record in made]
    return found


def generated(index: int, total: int) -> dict[str, Any]:
    """Record number `index` of `total`, the same every run."""
    rng = random.Random(index)
    record = json.loads(_templates[index % len(_templates)])
    record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    moment = START + timedelta(seconds=rng.randrange(730 * 86400))
    record["record_id"] = record_id
    record["created_at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    flows = [record["flow"]["id"]] + (["how-much"] if rng.random() < 0.02 else [])
    record["sitting"] = {"id": record_id, "part": 1, "flows": flows}  # 2%: part 2 missing
    values = {
        "case_reference": f"CASE-{rng.randrange(max(1, total // 3)):07d}",
        "organisation": rng.choice(ORGANISATIONS),
        "practitioner_role": rng.choice(ROLES),
    }
    for row in record["fields"]:
        if row["id"] in values:
            row["value"] = row["text"] = values[row["id"]]
    required = [r for r in record["fields"] if r["value"] is not None and r["group"] != "case"]
    if required and rng.random() < 0.03:
        left = rng.choice(required)
        left["value"] = left["text"] = None
        record["missing"] = sorted({*record["missing"], left["id"]})
    if rng.random() < 0.01:
        record["training"] = True
    record.pop("signature", None)
    record["checksum"] = records.checksum(record)
    return record


def _start(found: list[str]) -> None:
    _templates[:] = found


def _chunk(span: tuple[int, int, int]) -> list[Entry]:
    start, stop, total = span
    return [entry_of(generated(n, total)) for n in range(start, stop)]


def generate(db: str, count: int, jobs: int = os.cpu_count() or 1) -> float:
    """Fill the register at `db` with `count` generated records; the seconds it took."""
    started = time.perf_counter()
    found = templates()
    spans = [(n, min(n + CHUNK, count), count) for n in range(0, count, CHUNK)]
    with Register.open(db) as register, Pool(jobs, _start, (found,)) as pool:
        for entries in pool.imap(_chunk, spans):
            register.add(entries, ["generated"] * len(entries), "2027-01-01T00:00:00Z")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="the register to fill (a new file, or postgresql://...)")
    parser.add_argument("--records", type=int, default=1_000_000, help="how many (1,000,000)")
    args = parser.parse_args()
    seconds = generate(args.db, args.records)
    print(f"{args.records} records generated into {args.db} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
