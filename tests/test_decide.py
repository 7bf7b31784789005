"""The decision facade through the command line: outputs checked before the first question, a
record that never contradicts its outcome, answers never lost, the text case note."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from sharewizard.cli import main
from sharewizard.core.errors import AnswersError, Interrupted, Location, RecordError
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk import decide as facade
from sharewizard.walk.prompts import QuestionaryAsker
from tests.sittingkit import DOWN, ENTER, make_catalogue


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "flows")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(folder))
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 0), out, " ".join(err.split())


SHARE = {
    "what": "Attendance and an injury seen on 12 Nov",
    "with_whom": "Children's Social Care front door",
    "how": "Phone call, then secure email",
    "when": "2026-11-23 14:30",
    "lawful_basis": "public-task",
    "rationale": "Necessary and proportionate to protect the child.",
    "family_informed": "yes",
    "told_how": "The mother, by phone, at 15:00.",
}
#: The case facts that lead the test flow `mini` to each of its outcomes.
SHARE_AND_TELL = {"risk-of-harm": "yes", "telling-parents-risk": "no"}
SHARE_QUIETLY = {"risk-of-harm": "yes", "telling-parents-risk": "yes"}
NO_RISK = {"risk-of-harm": "no"}


def answers_file(
    folder: Path, name: str, facts: dict, record: dict, flow: str = "mini", answers=None
) -> Path:
    """A sitting of one decision (answers file version 2), after the opening facts."""
    path = folder / name
    path.write_text(
        yaml.safe_dump(
            {
                "schema_version": 2,
                "facts": {"immediate-danger": "no", "role": "dsl", **facts},
                "decisions": [{"flow": flow, "answers": answers or {}, "record": record}],
            }
        )
    )
    return path


# --- every output is checked before the first question ---------------------------------------


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.json")
    return tmp / "pipe.json"


def _socket(tmp: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp / "sock.json"))
    return tmp / "sock.json"


def _dangling(tmp: Path) -> Path:
    (tmp / "gone.json").symlink_to(tmp / "nowhere" / "x.json")
    return tmp / "gone.json"


def _existing(tmp: Path) -> Path:
    (tmp / "old.json").write_text("{}")
    return tmp / "old.json"


def _readonly_folder(tmp: Path) -> Path:
    folder = tmp / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return folder / "r.json"


PRECHECKS = {
    "missing folder": (lambda t: t / "no" / "such" / "r.json", [], "the folder does not exist"),
    "a folder": (lambda t: t, [], "is a folder"),
    "dangling symlink": (_dangling, [], "is a symbolic link"),
    "existing file": (_existing, [], "already exists"),
    "fifo even with --force": (_fifo, ["--force"], "is a named pipe (FIFO), not a regular file"),
    "socket even with --force": (_socket, ["--force"], "is a socket, not a regular file"),
    "md with --format json": (lambda t: t / "r.md", ["--format", "json"], "names an md file"),
}


@pytest.mark.parametrize("case", PRECHECKS, ids=list(PRECHECKS))
def test_each_bad_output_is_refused_before_anything_is_asked(
    case, tmp_path, flows, data, capsys, monkeypatch
):
    make, extra, message = PRECHECKS[case]
    target = make(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # it would ask, were the output fine
    code, out, err = run(
        capsys, "--flows", str(flows), "decide", "mini", "--out", str(target), *extra
    )
    assert code == 2
    assert message in err and "nothing was asked" in err
    assert "Is a child at risk" not in out + err
    assert not data.exists()  # no draft: nothing was asked


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in any folder")
def test_an_unwritable_folder_is_refused_before_anything_is_asked(tmp_path, flows, data, capsys):
    target = _readonly_folder(tmp_path)
    code, _, err = run(capsys, "--flows", str(flows), "decide", "mini", "--out", str(target))
    assert code == 2 and "you cannot write in this folder" in err


def test_an_unwritable_folder_check_names_the_folder(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    monkeypatch.setattr(os, "access", lambda *_: False)  # as a non-root user would see it
    with pytest.raises(Exception) as refused:
        facade.precheck(facade.Outputs(out=target))
    assert "you cannot write in this folder" in str(refused.value)
    assert str(tmp_path) in str(refused.value)


def test_an_existing_answers_file_is_refused_before_anything_is_asked(
    tmp_path, flows, data, capsys
):
    (tmp_path / "r.answers.yaml").write_text("x")
    code, _, err = run(
        capsys, "--flows", str(flows), "decide", "mini", "--out", str(tmp_path / "r.json")
    )
    assert code == 2 and "r.answers.yaml: already exists" in err


# --- a record never contradicts its outcome ----------------------------------------------------


def test_family_told_under_a_do_not_tell_outcome_is_refused(tmp_path, flows, capsys):
    path = answers_file(tmp_path, "a.yaml", SHARE_QUIETLY, SHARE)
    code, _, err = run(capsys, "--flows", str(flows), "replay", str(path))
    assert code == 2
    assert "record.family_informed" in err and "say not to tell them for now" in err
    assert f"{path}:" in err  # names the file and the line


def test_consent_as_lawful_basis_without_consent_is_refused(tmp_path, flows, capsys):
    record = {**SHARE, "lawful_basis": "consent"}
    path = answers_file(tmp_path, "a.yaml", SHARE_AND_TELL, record)
    code, _, err = run(capsys, "--flows", str(flows), "replay", str(path))
    assert code == 2
    assert "record.lawful_basis" in err and "Consent can be the lawful basis only where" in err


def test_decide_with_answers_refuses_the_same_contradiction(tmp_path, flows, capsys):
    record = {**SHARE, "lawful_basis": "consent"}
    path = answers_file(tmp_path, "a.yaml", SHARE_AND_TELL, record)
    code, _, err = run(capsys, "--flows", str(flows), "decide", "--answers", str(path))
    assert code == 2 and "record.lawful_basis" in err
    assert not list(tmp_path.glob("sharewizard-*"))


def test_how_it_was_shared_is_refused_for_a_decision_not_to_share(tmp_path, flows, capsys):
    path = answers_file(tmp_path, "a.yaml", NO_RISK, SHARE)
    code, _, err = run(capsys, "--flows", str(flows), "replay", str(path))
    assert code == 2 and "'what' does not apply" in err and "record.what" in err


def test_a_decision_not_to_share_records_what_was_withheld_and_from_whom(tmp_path, flows, capsys):
    record = {
        "what_not_shared": "The health visit notes",
        "requested_by": "A relative who phoned",
        "when": "2026-11-23",
        "rationale": "The relative has no role in safeguarding the child.",
    }
    path = answers_file(tmp_path, "a.yaml", NO_RISK, record)
    out = tmp_path / "out"
    code, _, _ = run(capsys, "--flows", str(flows), "replay", str(path), "--out-dir", str(out))
    assert code == 0
    saved = json.loads(next(out.glob("*.json")).read_text())
    ids = [row["id"] for row in saved["fields"]]
    assert "how" not in ids and "lawful_basis" not in ids and "with_whom" not in ids
    assert {"what_not_shared", "requested_by", "rationale"} <= set(ids)
    assert saved["missing"] == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o700  # --out-dir created, owner-only


def _pipe_walk(
    flows: Path, keys: str, tmp_path: Path, flow_id: str = "mini"
) -> list[facade.Written]:
    catalogue = load_catalogue(flows)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # running out of keys is end of input (a failed test), never a hang
        asker = QuestionaryAsker(
            catalogue, Console(file=open(os.devnull, "w")), input=pipe, output=DummyOutput()
        )
        return facade.decide_interactive(
            catalogue,
            flow_id=flow_id,
            asker=asker,
            outputs=facade.Outputs(out=tmp_path / "r.json"),
        )


# A choice not answered yet starts on "no answer yet" (Enter alone does nothing): a digit points
# at the choice, then Enter. Every sitting opens with the opening facts.
OPENING_KEYS = "2" + ENTER + "3" + ENTER  # immediate danger: no; role: a practitioner
DECISION_KEYS = (
    "1" + ENTER  # at risk: yes
    + "2" + ENTER  # telling would put at risk: no -> share and tell
    + ENTER  # what next: go on
    + "Attendance and injury\r" + "CSC front door\r" + "Phone\r" + "2026-11-23 14:30\r"
    + "1" + ENTER  # lawful basis: public task
    + "1" + ENTER  # parents told: yes
    + "The mother, by phone.\r"  # when and how they were told
    + "Necessary to protect the child.\r"  # rationale
    + "\r\r\r"  # case reference, role, organisation skipped
)  # fmt: skip
SHARE_KEYS = OPENING_KEYS + DECISION_KEYS
#: The review lists the facts first: immediate danger, role, risk of harm, telling the parents.
REVIEW_RISK = DOWN * 3 + ENTER


def test_changing_an_answer_at_review_so_nothing_is_shared_clears_the_sharing_fields(
    tmp_path, flows, data
):
    keys = SHARE_KEYS + (
        REVIEW_RISK  # review: change "at risk?"
        + DOWN + ENTER  # no -> do not share
        + ENTER  # what next: go on
        + "The attendance notes\r" + "The early help team\r"
        + "\x15No risk of harm, so no sharing without permission.\r"  # old text offered: cleared
        + ENTER  # review: write the record
    )  # fmt: skip
    written = _pipe_walk(flows, keys, tmp_path)
    record = written[0].record
    assert record["outcome"]["decision"] == "do-not-share"
    ids = [row["id"] for row in record["fields"]]
    assert "how" not in ids and "lawful_basis" not in ids and "family_informed" not in ids
    assert any(
        c.startswith("outcome changed from “Share and tell the family”") for c in record["changes"]
    )
    assert "record field “Rationale” asked again: the outcome changed" in record["changes"]
    fields = {row["id"]: row["value"] for row in record["fields"]}
    assert fields["when"] == "2026-11-23 14:30"  # typed, and still asked: kept
    assert fields["rationale"] == "No risk of harm, so no sharing without permission."
    assert [f["id"] for f in record["sitting"]["facts"]] == [
        "immediate-danger", "role", "risk-of-harm"
    ]  # telling the parents is no longer read: it leaves the record  # fmt: skip
    assert record["missing"] == []
    on_disk = json.loads((tmp_path / "r.json").read_text())
    assert on_disk == record
    assert not list((data / "drafts").glob("*"))  # the draft went once the record was written


def test_consent_is_refused_at_the_prompt_with_the_reason_then_asked_again(tmp_path, flows, data):
    keys = SHARE_KEYS.replace(
        "2026-11-23 14:30\r" + "1" + ENTER,
        "2026-11-23 14:30\r" + "5" + ENTER + "1" + ENTER,  # consent (refused), then public task
    )
    written = _pipe_walk(flows, keys + ENTER, tmp_path)
    rows = {row["id"]: row["value"] for row in written[0].record["fields"]}
    assert rows["lawful_basis"] == "public-task"


def test_a_failed_record_write_keeps_every_answer_as_a_draft(tmp_path, flows, data, monkeypatch):
    def refused(*_args, **_kwargs):
        raise RecordError("cannot write the file: No space left on device.", Location(_args[1]))

    monkeypatch.setattr(facade, "write_record", refused)
    with pytest.raises(RecordError) as failed:
        _pipe_walk(flows, SHARE_KEYS + ENTER, tmp_path)
    assert "No space left on device" in str(failed.value)
    assert "Your answers are kept as a draft" in str(failed.value)
    draft = yaml.safe_load(next((data / "drafts").glob("*.yaml")).read_text())
    assert draft["facts"] == {"immediate-danger": "no", "role": "practitioner", **SHARE_AND_TELL}
    assert draft["decisions"][0]["record"]["rationale"] == "Necessary to protect the child."


def test_a_full_disk_shows_the_answers_when_not_even_the_draft_can_be_saved(
    tmp_path, flows, data, monkeypatch
):
    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sharewizard.disk.files.os.fsync", full_disk)
    with pytest.raises(RecordError) as failed:
        _pipe_walk(flows, SHARE_KEYS + ENTER, tmp_path)
    message = str(failed.value)
    assert "could not be saved anywhere either" in message
    assert "rationale: Necessary to protect the child." in message
    assert not list(tmp_path.glob("*.json"))  # no half-written record either


def test_when_nothing_is_writable_the_answers_go_to_standard_error(
    tmp_path, flows, capsys, monkeypatch
):
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", "/proc/no-such-place")
    with pytest.raises(Interrupted) as stopped:
        _pipe_walk(flows, "2" + ENTER + "\x04", tmp_path)
    assert stopped.value.saved_to is None
    assert "immediate-danger: 'no'" in stopped.value.text
    from sharewizard.cli.exits import exit_status_of
    from sharewizard.walk.console import Env

    class Stop:
        def __call__(self) -> int:
            raise stopped.value

    status = exit_status_of(Stop(), Env())
    err = capsys.readouterr().err
    assert status == 130
    assert "could not be saved anywhere" in err and "immediate-danger: 'no'" in err


def test_ctrl_c_during_decide_with_answers_is_an_interrupt_not_a_bug(
    tmp_path, flows, capsys, monkeypatch
):
    path = answers_file(tmp_path, "a.yaml", NO_RISK, {})

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(facade, "decide_file", interrupted)
    code, _, err = run(capsys, "--flows", str(flows), "decide", "--answers", str(path))
    assert code == 130 and "nothing was written" in err and "bug" not in err


# --- the plain-text case note --------------------------------------------------------------


def test_note_turns_an_existing_record_into_the_same_case_note(tmp_path, flows, capsys):
    path = answers_file(tmp_path, "case.yaml", SHARE_AND_TELL, SHARE)
    out = tmp_path / "out"
    for fmt in ("json", "text"):
        run(
            capsys, "--flows", str(flows), "replay", str(path), "--out-dir", str(out),
            "--format", fmt, "--timestamp", "2026-11-23T14:30:00Z",
        )  # fmt: skip
    code, note, _ = run(capsys, "note", str(next(out.glob("*.json"))))
    assert code == 0
    assert note == next(out.glob("*.record.txt")).read_text()


def test_scripted_answers_that_contradict_name_the_field_not_the_prompt(flows):
    catalogue = load_catalogue(flows)
    from sharewizard.flowfiles.answers import parse_answers
    from sharewizard.flowfiles.loader import parse_yaml

    doc = parse_yaml(
        "schema_version: 2\n"
        "facts: {immediate-danger: 'no', role: dsl, risk-of-harm: 'yes',\n"
        "        telling-parents-risk: 'yes'}\n"
        "decisions:\n"
        "  - flow: mini\n"
        "    record: {family_informed: 'yes'}\n",
        Path("x.yaml"),
        AnswersError,
    )
    with pytest.raises(AnswersError) as refused:
        facade.decide_file(catalogue, parse_answers(doc), created_at="t", record_id=str)
    assert str(refused.value).startswith("x.yaml:6:")
    assert "decisions.0.record.family_informed" in str(refused.value)


def test_decide_and_replay_sign_records_that_verify_against_the_trusted_key(
    tmp_path, flows, capsys
):
    code, _, _ = run(capsys, "keys", "new", str(tmp_path / "keys"))
    assert code == 0
    private = next((tmp_path / "keys").glob("*.key"))
    public = next((tmp_path / "keys").glob("*.pub"))
    path = answers_file(tmp_path, "a.yaml", SHARE_AND_TELL, SHARE)
    signed = tmp_path / "decided.json"
    code, _, _ = run(
        capsys, "--flows", str(flows), "decide", "--answers", str(path), "--out", str(signed),
        "--sign-key", str(private),
    )  # fmt: skip
    assert code == 0
    out_dir = tmp_path / "out"
    code, _, _ = run(
        capsys, "--flows", str(flows), "replay", str(path), "--out-dir", str(out_dir),
        "--sign-key", str(private),
    )  # fmt: skip
    assert code == 0
    replayed = next(out_dir.glob("*.json"))
    code, out, _ = run(capsys, "verify", "--trust", str(public), str(signed), str(replayed))
    assert code == 0 and out.count(": OK") == 2
    unsigned = tmp_path / "unsigned.json"
    run(capsys, "--flows", str(flows), "decide", "--answers", str(path), "--out", str(unsigned))
    code, out, _ = run(capsys, "verify", "--trust", str(public), str(unsigned))
    assert code == 1 and "UNSIGNED" in out


def test_a_bad_signing_key_stops_decide_before_anything(tmp_path, flows, capsys):
    (tmp_path / "bad.key").write_text("not a key")
    (tmp_path / "bad.key").chmod(0o600)
    path = answers_file(tmp_path, "a.yaml", NO_RISK, {})
    args = ["--flows", str(flows), "decide", "--answers", str(path), "--sign-key"]
    code, _, err = run(capsys, *args, str(tmp_path / "bad.key"))
    assert code == 2 and "bad.key" in err
    assert not list(tmp_path.glob("sharewizard-*"))


def test_changing_the_triage_answer_at_review_re_routes_to_another_flow(tmp_path, flows, data):
    keys = (
        OPENING_KEYS
        + " " + ENTER  # situations: a concern
        + DECISION_KEYS
        + DOWN * 5 + ENTER  # review: change "Which situations fit?" (after the four facts)
        + " " + DOWN + " " + ENTER  # untick the concern, tick telling the family
        + "1" + ENTER  # could telling compromise an investigation? yes: do not tell for now
        + ENTER  # what next: go on
        + "What the police asked for\r" + "Police\r" + "2026-11-23 15:00\r"
        + "3" + ENTER  # parents told: not yet
        + "A police investigation is under way.\r"  # why not yet
        + "The caller is not named.\r"  # identities protected
        + "Telling them could compromise the investigation.\r"  # rationale
        + ENTER  # review: write the record
    )  # fmt: skip
    [written] = _pipe_walk(flows, keys, tmp_path, flow_id="triage")
    record = written.record  # one decision, one record: the concern's is put aside
    assert record["flow"]["id"] == "tell"
    assert record["outcome"]["decision"] == "do-not-tell-family"
    assert record["route"][0]["answers"][0]["answer"] == ["telling"]
    assert (
        "“Which situations fit?” changed from “A concern” to “Telling the family”"
        in (record["changes"])
    )


def test_family_not_told_under_a_tell_the_family_outcome_is_recorded_with_a_warning(
    tmp_path, flows, capsys
):
    """What is true is recorded, even where it departs from the outcome: a warning says so."""
    record = {
        "what": SHARE["what"],
        "with_whom": SHARE["with_whom"],
        "when": SHARE["when"],
        "rationale": SHARE["rationale"],
        "family_informed": "no",
        "not_told_reason": "The child asked me not to.",
    }
    path = answers_file(tmp_path, "a.yaml", {}, record, flow="tell", answers={"compromise": "no"})
    out = tmp_path / "out"
    code, _, err = run(capsys, "--flows", str(flows), "replay", str(path), "--out-dir", str(out))
    assert code == 0, err
    written = json.loads(next(out.glob("*.json")).read_text())
    assert {f["id"]: f["value"] for f in written["fields"]}["family_informed"] == "no"
    (warning,) = written["warnings"]
    assert warning.startswith("Not telling them departs from this outcome")
    assert "you must inform the family" in warning


def test_note_refuses_a_record_changed_after_it_was_written(tmp_path, flows, capsys):
    path = answers_file(tmp_path, "case.yaml", SHARE_AND_TELL, SHARE)
    out = tmp_path / "out"
    run(capsys, "--flows", str(flows), "replay", str(path), "--out-dir", str(out))
    saved = next(out.glob("*.json"))
    record = json.loads(saved.read_text())
    record["outcome"]["decision_label"] = "Do not share"
    saved.write_text(json.dumps(record))
    code, note, err = run(capsys, "note", str(saved))
    assert code == 1 and note == ""
    assert "no case note was made" in err


def test_changing_who_was_told_at_review_asks_the_rationale_again(tmp_path, flows, data):
    """A record answer changed at review that switches other record questions on or off asks
    the rationale again, its old text offered (the decision it described may have changed)."""
    from sharewizard.walk.session import ReviewItem, Session

    catalogue = load_catalogue(flows)

    class Asker:
        """Parents told, then changed at review to "not yet"; the rationale asked again."""

        def __init__(self):
            self.replies = {
                "family_informed": ["yes", "not-yet"],
                "rationale": ["They were told.", "They will be told after the meeting."],
            }
            self.offered = {}
            self.reviews = 0

        def ask(self, question, default, can_go_back):
            queue = self.replies.get(question.id)
            if question.id == "rationale" and default is not None:
                self.offered[question.id] = default
            if queue:
                return queue.pop(0)
            facts = {"immediate-danger": "no", "role": "dsl", **SHARE_AND_TELL}
            if question.id in facts:
                return facts[question.id]
            return question.choices[0].value if question.choices else "written for the test"

        def review(self, items: list[ReviewItem]):
            self.reviews += 1
            if self.reviews == 1:
                return next(i for i, it in enumerate(items) if it.question.id == "family_informed")
            return None

        def announce(self, flow, reached, offers=(), queued=()):
            return None

        def begin(self, flow):
            pass

        def tell(self, message):
            pass

        def reject(self, question, message):
            raise AssertionError(message)

    asker = Asker()
    [decision] = Session(catalogue, asker, "mini").run()
    assert decision.fields["family_informed"] == "not-yet"
    assert decision.fields["rationale"] == "They will be told after the meeting."
    assert asker.offered["rationale"] == "They were told."  # the old text, offered
    assert "told_how" not in decision.fields and "not_told_reason" in decision.fields
    assert any(
        "“Rationale” asked again: the record questions changed" in c for c in decision.changes
    )
    changed = (
        "record field “Parents or carers told” changed from “Yes, they have been told” to "
        "“Not yet - they will be told when it is safe”"
    )
    assert changed in decision.changes


def test_records_say_whether_they_came_from_the_packaged_flows(tmp_path, flows, capsys):
    packaged = Path(__file__).parent / "answers" / "paths" / "opening" / "call-999.yaml"
    custom = answers_file(tmp_path, "a.yaml", SHARE_AND_TELL, SHARE)
    out = tmp_path / "out"
    assert run(capsys, "replay", str(packaged), "--out-dir", str(out / "p"))[0] == 0
    args = ["--flows", str(flows), "replay", str(custom), "--out-dir", str(out / "c")]
    assert run(capsys, *args)[0] == 0
    [from_packaged] = (out / "p").glob("*.json")
    [from_custom] = (out / "c").glob("*.json")
    assert json.loads(from_packaged.read_text())["flows"] == "packaged"
    assert json.loads(from_custom.read_text())["flows"] == "custom"
    run(
        capsys,
        "--flows",
        str(flows),
        "replay",
        str(custom),
        "--out-dir",
        str(out / "m"),
        "-f",
        "md",
    )
    assert "**Flows:** custom (flows from --flows" in next((out / "m").glob("*.md")).read_text()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda t: t / "gone", "the folder does not exist; nothing was asked."),
        (lambda t: t, "you cannot write in this folder; nothing was asked."),
    ],
    ids=["missing", "unwritable"],
)
def test_a_records_folder_that_cannot_take_the_record_says_what_to_do(
    make, said, tmp_path, monkeypatch
):
    # F-23: the hint read "Choose another the current folder."
    monkeypatch.setattr(facade.os, "access", lambda *_args: False)
    with pytest.raises(Exception) as refused:
        facade.precheck(facade.Outputs(folder=make(tmp_path)))
    assert refused.value.message == said
    assert refused.value.hint == (
        "Give --out PATH, or set SHAREWIZARD_DATA_DIR to a folder you can write in."
    )


def test_a_record_without_out_goes_to_the_data_folder_never_the_current_one(
    tmp_path, flows, data, capsys, monkeypatch
):
    work = tmp_path / "clone"
    work.mkdir()
    monkeypatch.chdir(work)  # say, a git work tree
    path = answers_file(tmp_path, "case.yaml", SHARE_AND_TELL, SHARE)
    code, out, _ = run(capsys, "--flows", str(flows), "decide", "--answers", str(path))
    assert code == 0
    assert list(work.iterdir()) == []
    [record] = (data / "records").glob("sharewizard-mini-*.json")
    assert stat.S_IMODE((data / "records").stat().st_mode) == 0o700
    assert f"Record written to {record}" in " ".join(out.split())  # the end says where
