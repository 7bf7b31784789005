"""`sharewizard decide` driven in-process through prompt_toolkit's pipe input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from sharewizard import records
from sharewizard.answers import load_answers
from sharewizard.cli import main

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"
ENTER, DOWN, SPACE, CTRL_C = "\r", "\x1b[B", " ", "\x03"

# The record form of the fixture catalogue: what, with whom, how, when, lawful basis (select),
# rationale, family informed (select), case reference, role, organisation.
RECORD_KEYS = [
    "Information about attendance\r",
    "Children's Social Care\r",
    "Phone call\r",
    "2026-11-23 10:00\r",
    ENTER,
    "Needed to protect the child\r",
    ENTER,
    "CASE-7\r",
    ENTER,
    ENTER,
]


class _Terminal:
    """Stands in for a terminal on standard input (the pipe input does the typing)."""

    def isatty(self) -> bool:
        return True


def run_decide(keys: list[str], *args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()  # running out of keys ends the prompt instead of hanging the test
        with create_app_session(input=pipe, output=DummyOutput()):
            with pytest.raises(SystemExit) as stopped:
                main(["--flows", str(CATALOGUE), "decide", "demo", *args])
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def test_decide_walks_to_a_record_and_saves_the_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [ENTER, SPACE + ENTER, "nothing else\r", *RECORD_KEYS, ENTER]
    code, out, _ = run_decide(keys, "--out", "case.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    record = json.loads((tmp_path / "case.json").read_text())
    assert records.schema_problems(record) == [] and records.verify(record)
    assert record["outcome"]["id"] == "none"
    assert [(a["question"], a["answer"]) for a in record["answers"]] == [
        ("concern", "yes"),
        ("kinds", ["neglect"]),
        ("note", "nothing else"),
    ]
    assert record["sharing"]["with_whom"] == "Children's Social Care"
    assert record["sharing"]["family_informed"] is True
    assert record["case_reference"] == "CASE-7"
    assert "Record written to case.json" in out
    saved = load_answers(tmp_path / "case.answers.yaml")
    assert saved.answers == {"concern": "yes", "kinds": ["neglect"], "note": "nothing else"}
    assert saved.expect == {"outcome": "none", "decision": "do-not-share"}


def test_back_and_review_change_drop_stale_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [
        ENTER,  # concern: yes
        DOWN + SPACE + ENTER,  # kinds: injury
        ENTER,  # urgency: high
        "<\r",  # note: go back to urgency (high preselected)
        DOWN + ENTER,  # urgency: low
        "n\r",  # note
        *RECORD_KEYS,
        DOWN + ENTER,  # review: change the first answer (concern)
        DOWN + ENTER,  # concern: no
        ENTER,  # review: confirm
    ]
    code, out, _ = run_decide(keys, "--out", "r.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    record = json.loads((tmp_path / "r.json").read_text())
    assert [(a["question"], a["answer"]) for a in record["answers"]] == [("concern", "no")]
    assert record["outcome"]["id"] == "none"
    assert record["changes"] == [
        "urgency changed from high to low",
        "concern changed from yes to no; kinds, urgency, note discarded",
    ]
    assert "Answers you changed" in out


def test_help_shows_the_help_text_and_guidance(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [
        DOWN * 3 + ENTER,  # concern: "? Help and guidance" (after yes, no, not sure; no back)
        DOWN + DOWN + ENTER,
        *RECORD_KEYS,
        ENTER,
    ]  # then: not sure
    code, out, _ = run_decide(keys, "--out", "h.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "Help for concern." in out
    assert "“Yes you can.”" in out
    assert json.loads((tmp_path / "h.json").read_text())["outcome"]["id"] == "advice"


def test_ctrl_c_asks_then_saves_a_draft_that_resumes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_decide([ENTER, CTRL_C, ENTER], monkeypatch=monkeypatch, capsys=capsys)
    assert code == 130
    drafts = list(tmp_path.glob("sharewizard-draft-demo-*.answers.yaml"))
    assert len(drafts) == 1 and f"--resume {drafts[0].name}" in err
    assert load_answers(drafts[0]).answers == {"concern": "yes"}
    assert oct(drafts[0].stat().st_mode & 0o777) == "0o600"
    # resuming asks only what is missing: kinds onwards
    keys = [SPACE + ENTER, "\r", *RECORD_KEYS, ENTER]
    code, _, _ = run_decide(
        keys,
        "--resume",
        drafts[0].name,
        "--out",
        "done.json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0
    record = json.loads((tmp_path / "done.json").read_text())
    assert [a["question"] for a in record["answers"]] == ["concern", "kinds", "note"]


def test_ctrl_c_then_no_carries_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [
        CTRL_C,
        "n",  # Ctrl-C, then "n" (do not quit): the question is asked again
        DOWN + ENTER,
        *RECORD_KEYS,
        ENTER,
    ]  # concern: no
    code, _, _ = run_decide(keys, "--out", "c.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert json.loads((tmp_path / "c.json").read_text())["outcome"]["id"] == "none"


def test_existing_out_is_refused_before_any_question(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.json").write_text("{}")
    code, _, err = run_decide([], "--out", "taken.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "taken.json: already exists; nothing was asked or written." in err
    assert (tmp_path / "taken.json").read_text() == "{}"


def test_existing_answers_file_is_refused_before_any_question(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.answers.yaml").write_text("kept")
    code, _, err = run_decide([], "--out", "r.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "r.answers.yaml: already exists; nothing was asked or written." in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.answers.yaml"]


def test_interactive_answers_replay_to_the_same_outcome_and_sharing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [ENTER, DOWN + SPACE + ENTER, DOWN + ENTER, "n\r", *RECORD_KEYS, ENTER]
    code, _, _ = run_decide(keys, "--out", "live.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    (tmp_path / "out").mkdir()
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "--flows",
                str(CATALOGUE),
                "replay",
                "live.answers.yaml",
                "--out-dir",
                "out",
                "--check",
                "--quiet",
            ]
        )
    assert stopped.value.code in (0, None)
    live = json.loads((tmp_path / "live.json").read_text())
    replayed = json.loads((tmp_path / "out" / "live.answers.record.json").read_text())
    assert live["outcome"]["id"] == replayed["outcome"]["id"] == "share"
    assert live["answers"] == replayed["answers"]
    assert live["sharing"] == replayed["sharing"]
    assert live["case_reference"] == replayed["case_reference"] == "CASE-7"
