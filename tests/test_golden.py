"""What people read, pinned as golden files: the Markdown record, the text case note and the
end-of-walk summary (rich and plain mode, at 80 columns), as rich's tests/test_panel.py pins panels.

A decision of the test sitting's `mini` flow, with the packaged record form, replayed at a pinned
time (so its ids and checksum are fixed too). A golden file is the expected output written out
once by hand-checked code, never compared with the same code's output of the same run.
Regenerate after a deliberate change with
`SHAREWIZARD_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`, and read the diff.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from sharewizard.cli import main
from sharewizard.walk.summary import record_summary
from tests.sittingkit import make_catalogue

GOLDEN = Path(__file__).parent / "golden"
STAMP = "2026-11-23T14:30:00Z"
RECORD = {
    "case_reference": "LOG-2026-0042",
    "what": "Attendance and an injury seen on 12 Nov",
    "with_whom": "Children's Social Care front door",
    "how": "Phone call, then secure email",
    "when": "2026-11-23 14:30",
    "lawful_basis": "public-task",
    "family_informed": "already-told",  # true, and accepted with a warning
    "told_how": "The mother heard of it from the school nurse before we called.",
    "identities_protected": "The school nurse is not named to the family.",
    "rationale": "Necessary and proportionate to protect the child.",
}
#: The sitting's case facts: a child at risk, and telling the parents could put someone at risk.
FACTS = {
    "immediate-danger": "no",
    "role": "dsl",
    "risk-of-harm": "yes",
    "telling-parents-risk": "yes",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The decision's record in every format, by format, as replay writes it."""
    folder = tmp_path_factory.mktemp("golden")
    flows = make_catalogue(folder / "flows")
    answers = folder / "case.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "schema_version": 2,
                "facts": FACTS,
                "decisions": [{"flow": "mini", "answers": {}, "record": RECORD}],
            }
        )
    )
    found = {}
    for fmt in ("json", "md", "text"):
        out = folder / fmt
        with pytest.raises(SystemExit) as stopped:
            main(["--flows", str(flows), "replay", str(answers), "--out-dir", str(out),
                  "--format", fmt, "--timestamp", STAMP, "--quiet"])  # fmt: skip
        assert stopped.value.code in (0, None)
        (record,) = out.iterdir()
        found[fmt] = record.read_text(encoding="utf-8")
    return found


def matches_golden(text: str, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("SHAREWIZARD_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"{golden} differs (see this module)"


def test_the_markdown_record_matches_its_golden_file(written):
    matches_golden(written["md"], "record.md")


def test_the_text_case_note_matches_its_golden_file(written):
    note = written["text"]
    matches_golden(note, "note.txt")
    assert max(len(line) for line in note.splitlines()) <= 80
    assert "\x1b" not in note and "**" not in note


def summary(record: dict, *, boxed: bool, verbose: bool = False) -> str:
    """The end-of-walk summary as an 80-column terminal shows it, without colour."""
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None, emoji=False, highlight=False)
    console.print(record_summary(record, verbose=verbose, boxed=boxed), soft_wrap=not boxed)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "boxed", "verbose"),
    [
        ("summary-80.txt", True, False),
        ("summary-80-verbose.txt", True, True),
        ("summary-80-plain.txt", False, False),
    ],
)
def test_the_end_of_walk_summary_matches_its_golden_file(written, name, boxed, verbose):
    record = json.loads(written["json"])
    matches_golden(summary(record, boxed=boxed, verbose=verbose), name)
