"""`sharewizard decide` driven in-process through prompt_toolkit's pipe input.

Two ways in: the facade (`decide.decide_interactive` with a `QuestionaryAsker` reading a pipe),
for what the walk asks and records; and the CLI (`main`), for exit codes and messages.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from sharewizard.cli import main
from sharewizard.core.errors import Interrupted
from sharewizard.flowfiles.answers import load_answers
from sharewizard.records import record as records
from sharewizard.walk import decide, drafts
from sharewizard.walk.console import Env
from sharewizard.walk.prompts import QuestionaryAsker

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"
ENTER, DOWN, SPACE, CTRL_C = "\r", "\x1b[B", " ", "\x03"
# A choice not answered yet starts on "no answer yet", where Enter alone does nothing: a digit
# points at that choice, then Enter answers.
FIRST, SECOND, THIRD = "1\r", "2\r", "3\r"
GO_ON = ENTER  # "What next?" after the outcome: "Go on: record the decision" is first
CONFIRM = ENTER  # the review: "These are right: write the record" is first

# The record form of the fixture catalogue after an outcome that shares: what, with whom, how,
# when, lawful basis (select: public task), rationale, family told (select: yes), case
# reference, role, organisation.
SHARED_KEYS = [
    "Information about attendance\r",
    "Children's Social Care\r",
    "Phone call\r",
    "2026-11-23 10:00\r",
    FIRST,
    "Needed to protect the child\r",
    FIRST,
    "CASE-7\r",
    ENTER,
    ENTER,
]
# ... and after an outcome that does not share: what was not shared, who asked for it, when,
# rationale, case reference, role, organisation.
NOT_SHARED_KEYS = [
    "Details of the home visit\r",
    "Children's Social Care\r",
    "2026-11-23 10:00\r",
    "No concern that needs sharing\r",
    "CASE-7\r",
    ENTER,
    ENTER,
]


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    """Drafts go to a folder of the test, never the developer's data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def demo_catalogue():
    from sharewizard.flowfiles.loader import load_catalogue

    return load_catalogue(CATALOGUE)


def field_values(record):
    return {row["id"]: row["value"] for row in record["fields"]}


def decide_with_keys(
    catalogue, keys: list[str], outputs: decide.Outputs, *, may_stop: bool = False, **kwargs
):
    """The facade, with a person typing `keys`; returns what was written and what was shown.

    Running out of keys stops the walk like Ctrl-D. `Interrupted` is a KeyboardInterrupt, which
    would end the whole pytest run, so unless `may_stop` it is turned into this test's failure.
    """
    shown = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()  # running out of keys ends the prompt instead of hanging the test
        asker = QuestionaryAsker(
            catalogue,
            Console(file=shown, width=100, color_system=None),
            input=pipe,
            output=DummyOutput(),
        )
        try:
            written = decide.decide_interactive(
                catalogue, flow_id="demo", asker=asker, outputs=outputs, **kwargs
            )
        except Interrupted as stop:
            if may_stop:
                raise
            pytest.fail(f"the walk stopped early (keys ran out?): {stop}\n{shown.getvalue()}")
    return written, shown.getvalue()


class _Terminal:
    """Stands in for a terminal on standard input (the pipe input does the typing)."""

    def isatty(self) -> bool:
        return True


def run_decide(keys: list[str], *args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", _Terminal())
    # capsys is not a terminal, which would choose plain mode: these tests drive the menus
    monkeypatch.setattr(Env, "plain", property(lambda self: False))
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            with pytest.raises(SystemExit) as stopped:
                main(["--flows", str(CATALOGUE), "decide", "demo", *args])
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def test_decide_walks_to_a_record_and_saves_the_answers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [FIRST, SPACE + ENTER, "nothing else\r", GO_ON, *NOT_SHARED_KEYS, CONFIRM]
    code, out, _ = run_decide(keys, "--out", "case.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    record = json.loads((tmp_path / "case.json").read_text())
    assert records.schema_problems(record) == [] and records.verify(record)
    assert record["outcome"]["id"] == "none"
    assert record["outcome"]["decision_label"] == "Do not share"
    assert [(a["question"], a["answer"]) for a in record["answers"]] == [
        ("concern", "yes"),
        ("kinds", ["neglect"]),
        ("note", "nothing else"),
    ]
    # a decision not to share records what was held back and who wanted it, and nothing of
    # how it was shared or on what lawful basis
    assert field_values(record) == {
        "what_not_shared": "Details of the home visit",
        "requested_by": "Children's Social Care",
        "when": "2026-11-23 10:00",
        "rationale": "No concern that needs sharing",
        "case_reference": "CASE-7",
        "practitioner_role": None,
        "organisation": None,
    }
    assert record["missing"] == []
    assert "Record written to case.json" in out
    [saved] = load_answers(tmp_path / "case.answers.yaml").parts
    assert saved.answers == {"concern": "yes", "kinds": ["neglect"], "note": "nothing else"}
    assert saved.expect == {"outcome": "none", "decision": "do-not-share"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.answers.yaml", "case.json", "data"]
    assert list((tmp_path / "data" / "drafts").iterdir()) == []  # the draft went with the record


def test_back_and_a_review_change_that_moves_the_outcome_asks_the_record_again(
    tmp_path, demo_catalogue, data_folder
):
    keys = [
        FIRST,  # concern: yes
        DOWN + SPACE + ENTER,  # kinds: injury
        FIRST,  # urgency: high
        "<\r",  # note: go back to urgency (high preselected)
        DOWN + ENTER,  # urgency: low
        "n\r",  # note
        GO_ON,  # outcome: share
        *SHARED_KEYS,
        DOWN + ENTER,  # review: change the first answer (concern)
        DOWN + ENTER,  # concern: no
        GO_ON,  # outcome: do not share
        "Details of the home visit\r",  # asked for the new outcome: what was not shared
        "Children's Social Care\r",  # ... and who asked for it
        "\x15Nothing here needs sharing now\r",  # the rationale asked again, its old text offered
        CONFIRM,
    ]
    outputs = decide.Outputs(out=tmp_path / "r.json")
    [written], shown = decide_with_keys(demo_catalogue, keys, outputs)
    record = json.loads((tmp_path / "r.json").read_text())
    assert record == written.record
    assert [(a["question"], a["answer"]) for a in record["answers"]] == [("concern", "no")]
    assert record["outcome"]["id"] == "none"
    values = field_values(record)
    assert not {"what", "with_whom", "how", "lawful_basis", "family_informed"} & set(values)
    assert values["what_not_shared"] == "Details of the home visit"
    assert values["rationale"] == "Nothing here needs sharing now"
    assert values["when"] == "2026-11-23 10:00"  # not tied to the outcome: kept
    assert record["changes"] == [
        "“How urgent?” changed from “High” to “Low”",
        "“Concern?” changed from “Yes” to “No”; "
        "no longer asked: “Which kinds?”, “How urgent?”, “Anything else?”",
        "outcome changed from “Share” to “Do not share”",
        "record field “Rationale” asked again: the outcome changed",
    ]
    assert "Decision: Share the information" in shown  # each outcome was shown in turn
    assert "Decision: Do not share" in shown
    assert not list(data_folder.glob("drafts/*"))  # the record is written: no draft left


def test_a_review_change_without_a_new_outcome_is_logged(tmp_path, demo_catalogue):
    keys = [
        SECOND,  # concern: no
        GO_ON,
        *NOT_SHARED_KEYS,
        DOWN * 2 + ENTER,  # review: concern, then "What was not shared"
        "\x7f" * 40 + "Details of the school report\r",  # replace the text
        CONFIRM,
    ]
    [written], _ = decide_with_keys(demo_catalogue, keys, decide.Outputs(out=tmp_path / "r.json"))
    record = written.record
    assert field_values(record)["what_not_shared"] == "Details of the school report"
    # typed text: the record says it was edited, never what it said before (issue 22 §9)
    assert record["changes"] == ["record field “What was not shared” was edited"]
    assert "Details of the home visit" not in json.dumps(record)


def test_back_from_the_outcome_changes_an_answer_before_the_record(tmp_path, demo_catalogue):
    keys = [
        SECOND,  # concern: no -> do not share
        DOWN + ENTER,  # "What next?": back to the last question (concern, "no" preselected)
        "\x1b[A" + ENTER,  # up to yes
        DOWN * 2 + SPACE + ENTER,  # kinds: online harm
        "\r",  # note: nothing
        GO_ON,  # outcome: share
        *SHARED_KEYS,
        CONFIRM,
    ]
    [written], _ = decide_with_keys(demo_catalogue, keys, decide.Outputs(out=tmp_path / "r.json"))
    record = written.record
    assert record["outcome"]["id"] == "share"
    assert [a["question"] for a in record["answers"]] == ["concern", "kinds", "note"]
    assert field_values(record)["with_whom"] == "Children's Social Care"


def test_help_shows_the_help_text_and_guidance(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [
        "?",  # concern: help and guidance
        THIRD,  # then: not sure
        GO_ON,
        *NOT_SHARED_KEYS,
        CONFIRM,
    ]
    code, out, _ = run_decide(keys, "--out", "h.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert "Help for concern." in out
    assert "“Yes you can.”" in out
    record = json.loads((tmp_path / "h.json").read_text())
    assert record["outcome"]["id"] == "advice"
    assert record["missing"] == []


def test_ctrl_c_asks_then_saves_a_draft_that_resumes(tmp_path, monkeypatch, capsys, data_folder):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_decide([FIRST, CTRL_C, ENTER], monkeypatch=monkeypatch, capsys=capsys)
    assert code == 130
    saved = list((data_folder / "drafts").glob("demo-*.answers.yaml"))
    assert len(saved) == 1
    draft_id = saved[0].name.removesuffix(".answers.yaml")
    assert f"decide --resume {draft_id}" in err
    assert load_answers(saved[0]).parts[0].answers == {"concern": "yes"}
    assert oct(saved[0].stat().st_mode & 0o777) == "0o600"
    assert list(tmp_path.iterdir()) == [data_folder]  # nothing in the current folder
    # resuming asks only what is missing: kinds onwards
    keys = [SPACE + ENTER, "\r", GO_ON, *NOT_SHARED_KEYS, CONFIRM]
    code, _, _ = run_decide(
        keys, "--resume", draft_id, "--out", "done.json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    record = json.loads((tmp_path / "done.json").read_text())
    assert [a["question"] for a in record["answers"]] == ["concern", "kinds", "note"]
    assert not saved[0].exists()  # the draft goes once its record is written


def test_running_out_of_input_mid_record_keeps_the_record_fields(tmp_path, demo_catalogue):
    # Ctrl-D (end of input) at a record question: the draft holds the walk and the fields typed
    keys = [SECOND, GO_ON, "Details of the home visit\r"]
    with pytest.raises(Interrupted) as stopped:
        decide_with_keys(
            demo_catalogue, keys, decide.Outputs(out=tmp_path / "r.json"), may_stop=True
        )
    assert stopped.value.exit_status == 130
    saved = stopped.value.saved_to
    assert saved is not None and drafts.is_draft(saved)
    [draft] = load_answers(saved).parts
    assert draft.answers == {"concern": "no"}
    assert draft.record == {"what_not_shared": "Details of the home visit"}
    assert not (tmp_path / "r.json").exists()


def test_ctrl_c_then_no_carries_on(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [
        CTRL_C,
        "n",  # Ctrl-C, then "n" (do not quit): the question is asked again
        SECOND,  # concern: no
        GO_ON,
        *NOT_SHARED_KEYS,
        CONFIRM,
    ]
    code, _, _ = run_decide(keys, "--out", "c.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert json.loads((tmp_path / "c.json").read_text())["outcome"]["id"] == "none"


def test_existing_out_is_refused_before_any_question(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.json").write_text("{}")
    code, out, err = run_decide([], "--out", "taken.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "taken.json: already exists; nothing was asked or written." in err
    assert "Concern?" not in out + err
    assert (tmp_path / "taken.json").read_text() == "{}"


def test_existing_answers_file_is_refused_before_any_question(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.answers.yaml").write_text("kept")
    code, _, err = run_decide([], "--out", "r.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert "r.answers.yaml: already exists; nothing was asked or written." in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.answers.yaml"]


def test_interactive_answers_replay_to_the_same_outcome_and_fields(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    keys = [FIRST, DOWN + SPACE + ENTER, SECOND, "n\r", GO_ON, *SHARED_KEYS, CONFIRM]
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
    assert live["fields"] == replayed["fields"]
    assert records.field_text(live, "case_reference") == "CASE-7"
    assert records.field_text(live, "lawful_basis") == "Public task (UK GDPR Art. 6(1)(e))"


def test_consent_is_refused_as_the_basis_after_an_outcome_reached_without_it(
    tmp_path, demo_catalogue
):
    keys = [
        FIRST,  # concern: yes
        DOWN + SPACE + ENTER,  # kinds: injury
        FIRST,  # urgency: high
        "\r",  # note: nothing -> refer, reached without the family's consent
        GO_ON,
        *SHARED_KEYS[:4],
        "5\r",  # lawful basis: consent -> refused, asked again
        FIRST,  # public task
        *SHARED_KEYS[5:],
        CONFIRM,
    ]
    [written], shown = decide_with_keys(
        demo_catalogue, keys, decide.Outputs(out=tmp_path / "r.json")
    )
    assert written.record["outcome"]["id"] == "refer"
    assert field_values(written.record)["lawful_basis"] == "public-task"
    said = " ".join(shown.split())
    # Said under the answer chosen, so the rule's own words, not the answer's id again.
    assert "Not accepted: This outcome was reached without the " in said
    assert "'consent'" not in said
    assert "you do not need consent to share information, but you do need a lawful basis" in (
        said.lower()
    )


def _fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize(
    ("args", "prepare", "message"),
    [
        (
            ["--out", "no/such/r.json"],
            None,
            "no/such: the folder does not exist; nothing was asked",
        ),
        (["--out", "a-folder"], lambda p: p.mkdir(), "a-folder: is a folder, not a regular file"),
        (
            ["--out", "dangling.json"],
            lambda p: p.symlink_to(p.parent / "gone.json"),
            "dangling.json: is a symbolic link, not a regular file; --force replaces only "
            "regular files, so nothing was asked or written.",
        ),
        (
            ["--out", "taken.json"],
            lambda p: p.write_text("{}"),
            "taken.json: already exists; nothing was asked or written.",
        ),
        (
            ["--out", "fifo.json", "--force"],
            _fifo,
            "fifo.json: is a named pipe (FIFO), not a regular file; --force replaces only "
            "regular files, so nothing was asked or written.",
        ),
        (
            ["--out", "x.md", "--format", "json"],
            None,
            "x.md: --out names an md file but --format is json; nothing was asked.",
        ),
    ],
    ids=["missing-folder", "folder", "dangling-symlink", "existing", "fifo", "md-vs-json"],
)
def test_an_output_that_cannot_be_written_is_refused_before_the_first_question(
    tmp_path, monkeypatch, capsys, args, prepare, message
):
    monkeypatch.chdir(tmp_path)
    if prepare is not None:
        prepare(tmp_path / args[1])
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run_decide([ENTER], *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2
    assert " ".join(err.split()).startswith(f"Error: {message}")
    assert "Concern?" not in out + err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_an_unwritable_folder_is_refused_before_the_first_question(tmp_path, monkeypatch, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_decide(
        [ENTER], "--out", "locked/r.json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert "locked: you cannot write in this folder; nothing was asked." in err
