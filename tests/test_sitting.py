"""A sitting of several decisions loses nothing: the draft holds every decision until all of its
records are written, later outputs are checked as soon as they are known, errors say what was
written, and resuming never records a decision twice (review 2026-12-06, F-1 and F-23).

A sitting asks its opening facts, the triage, then each decision with its own record form; one
review of the whole sitting; then every record is written, then one answers file."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from sharewizard.core.errors import AnswersError, RecordError
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk import decide as facade
from sharewizard.walk.prompts import PlainAsker
from tests.sittingkit import make_catalogue

# Typed lines of a sitting where the triage picks both situations (plain mode): the opening facts
# (no immediate danger; a practitioner), then the triage. Part one ends at "share, without
# telling the family"; part two ("tell") at "do not tell the family for now". Each decision's
# record form starts empty: only the case reference, role and organisation carry to part two.
TRIAGE = ["2", "3", "1,2"]
PART_ONE = [
    "1", "1", "",  # at risk: yes; telling would put at risk: yes; what next
    "What P1", "Police", "Phone", "2026-11-23 09:30", "1",  # lawful basis: public task
    "not-yet", "Why not told P1", "Steps P1",  # parents told, why not, identities protected
    "Rationale part one",
    "LOG-7", "DSL", "",  # case reference, role, organisation: the sitting's
]  # fmt: skip
PART_TWO = [
    "1", "",  # could compromise a police investigation: yes; what next
    "PART TWO what TYPED", "CSC", "2026-11-23 09:40", "not-yet", "PART TWO why not TYPED",
    "PART TWO steps TYPED", "PART TWO rationale TYPED",
]  # fmt: skip
REVIEW = [""]  # the one review of the whole sitting: these are right


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "flows")


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(folder))
    return folder


def sitting(flows: Path, lines: list[str], outputs: facade.Outputs, **options) -> list:
    """Run `decide` in plain mode, in-process, on the typed `lines`."""
    catalogue = load_catalogue(flows)
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    asker = PlainAsker(catalogue, Console(file=io.StringIO()), stdin)
    return facade.decide_interactive(
        catalogue, flow_id="triage", asker=asker, outputs=outputs, **options
    )


def only_draft(data: Path) -> Path:
    [draft] = (data / "drafts").glob("*.answers.yaml")
    return draft


def draft_id(data: Path) -> str:
    return only_draft(data).name.removesuffix(".answers.yaml")


def cli(tmp_path: Path, flows: Path, data: Path, *args: str, lines: list[str] = ()):
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(flows), "--plain", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "SHAREWIZARD_DATA_DIR": str(data)},
        timeout=60,
    )


# --- part two cannot be written: nothing of it is lost -------------------------------------------


def test_when_part_two_cannot_be_written_the_draft_holds_both_decisions(tmp_path, flows, data):
    out = tmp_path / "r.json"

    def taken_meanwhile(written: facade.Written) -> None:  # after part one, before part two
        (tmp_path / "r-2.json").write_text("{}")

    with pytest.raises(RecordError) as failed:
        sitting(
            flows,
            TRIAGE + PART_ONE + PART_TWO + REVIEW,
            facade.Outputs(out=out),
            on_written=taken_meanwhile,
        )
    message = str(failed.value)
    assert message.startswith(f"{tmp_path / 'r-2.json'}: already exists; this record was not")
    assert f"Already written: {out}." in message
    assert "does not ask or record those decisions again" in message
    assert f"Your answers are kept as a draft: {only_draft(data)}" in message
    assert "decide --resume triage-" in message

    draft = yaml.safe_load(only_draft(data).read_text())
    assert draft["sitting"]["recorded"] == [str(out)]
    assert draft["sitting"]["id"] == json.loads(out.read_text())["sitting"]["id"]
    assert draft["facts"] == {
        "immediate-danger": "no", "role": "practitioner", "risk-of-harm": "yes",
        "telling-parents-risk": "yes",
    }  # fmt: skip
    part_one, part_two = draft["decisions"]
    assert part_one["flow"]["id"] == "mini" and part_one["record"]["what"] == "What P1"
    assert part_one["record"]["case_reference"] == "LOG-7"  # the sitting's, kept once
    assert part_two["flow"]["id"] == "tell"
    assert part_two["record"]["what"] == "PART TWO what TYPED"
    assert part_two["record"]["rationale"] == "PART TWO rationale TYPED"
    assert "case_reference" not in part_two["record"]


def test_resuming_it_writes_part_two_once_and_never_part_one_again(tmp_path, flows, data):
    first = tmp_path / "r.json"

    def taken_meanwhile(written: facade.Written) -> None:
        (tmp_path / "r-2.json").write_text("{}")

    with pytest.raises(RecordError):
        sitting(
            flows,
            TRIAGE + PART_ONE + PART_TWO + REVIEW,
            facade.Outputs(out=first),
            on_written=taken_meanwhile,
        )
    before = first.read_text()
    draft = only_draft(data)

    resume = ["decide", "--resume", draft_id(data), "--out", "again.json"]
    done = cli(tmp_path, flows, data, *resume, lines=[])  # nothing is asked again
    assert done.returncode == 0, done.stderr
    assert "What information was" not in done.stdout
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["again-2.json", "r-2.json", "r.json"]
    assert first.read_text() == before
    second = json.loads((tmp_path / "again-2.json").read_text())
    first_record = json.loads(before)
    assert second["flow"]["id"] == "tell"
    assert second["sitting"] == {**first_record["sitting"], "part": 2}
    fields = {row["id"]: row["value"] for row in second["fields"]}
    assert fields["what"] == "PART TWO what TYPED" and fields["case_reference"] == "LOG-7"
    assert not draft.exists()


def test_a_failing_answers_file_says_the_record_exists_and_resuming_adds_no_record(
    tmp_path, flows, data, monkeypatch
):
    import errno

    from sharewizard.disk import files

    real_link = os.link

    def full_for_answers(source, target):
        if str(target).endswith(".answers.yaml"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_link(source, target)

    monkeypatch.setattr(files.os, "link", full_for_answers)
    out = tmp_path / "r.json"
    with pytest.raises(RecordError) as failed:
        sitting(flows, TRIAGE[:2] + ["1"] + PART_ONE + REVIEW, facade.Outputs(out=out))
    assert str(failed.value).startswith(
        f"{tmp_path / 'r.answers.yaml'}: cannot write the file: No space left on device; the "
        f"record was written to {out}, but not the sitting's answers file."
    )
    assert out.exists()
    assert "Continue with" not in str(failed.value)  # nothing is left to ask
    draft = load_answers(only_draft(data))
    assert draft.recorded == (str(out),)  # its answers are kept, marked as recorded

    catalogue = load_catalogue(flows)
    with pytest.raises(AnswersError, match="every decision of this draft is recorded already"):
        facade.check_resume(catalogue, draft)
    monkeypatch.undo()
    done = cli(tmp_path, flows, data, "decide", "--resume", draft_id(data))
    assert done.returncode == 2 and "is recorded already" in done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["r.json"]


# --- later parts' names are checked as soon as they are known ------------------------------------

LATER_TAKEN = {
    "record": (["--out", "r.json"], "r-2.json", "--out"),
    "second record, answers saved elsewhere": (
        ["--out", "r.json", "--save-answers", "a.yaml"], "r-2.json", "--out"
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", LATER_TAKEN, ids=list(LATER_TAKEN))
def test_a_later_decisions_taken_name_is_refused_as_soon_as_the_triage_picks_it(
    case, tmp_path, flows, data
):
    options, taken, option = LATER_TAKEN[case]
    (tmp_path / taken).write_text("precious")
    lines = TRIAGE + PART_ONE + PART_TWO + REVIEW
    done = cli(tmp_path, flows, data, "decide", *options, lines=lines)
    assert done.returncode == 2
    error = " ".join(done.stderr.split())
    assert f"Error: {taken}: already exists; nothing was written. Choose another {option}" in error
    assert "Is the child at risk of harm" not in done.stdout  # refused before part one's questions
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [taken]
    assert (tmp_path / taken).read_text() == "precious"
    draft = yaml.safe_load(only_draft(data).read_text())
    assert draft["route"]["triage"]["situations"] == ["concern", "telling"]


def test_a_sitting_writes_every_record_then_one_answers_file(tmp_path, flows, data):
    done = cli(tmp_path, flows, data, "decide", "--out", "r.json",
               lines=TRIAGE + PART_ONE + PART_TWO + REVIEW)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "r-2.json", "r.answers.yaml", "r.json"
    ]  # fmt: skip
    saved = yaml.safe_load((tmp_path / "r.answers.yaml").read_text())
    assert [d["flow"]["id"] for d in saved["decisions"]] == ["mini", "tell"]
    assert [d["expect"]["outcome"] for d in saved["decisions"]] == ["share-quietly", "not-now"]
    first, second = (json.loads((tmp_path / n).read_text()) for n in ("r.json", "r-2.json"))
    assert first["sitting"]["id"] == second["sitting"]["id"]
    assert (first["sitting"]["part"], second["sitting"]["part"], first["sitting"]["of"]) == (
        1,
        2,
        2,
    )
    assert [f["id"] for f in first["sitting"]["facts"]] == [
        "immediate-danger", "role", "risk-of-harm", "telling-parents-risk"
    ]  # fmt: skip
    assert not list((data / "drafts").glob("*"))  # every record written: the draft goes
    replayed = cli(tmp_path, flows, data, "replay", "r.answers.yaml", "--check")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


def test_resuming_a_sitting_checks_every_name_it_will_write_before_asking(tmp_path, flows, data):
    done = cli(tmp_path, flows, data, "decide", "--out", "r.json", lines=TRIAGE)
    assert done.returncode == 130
    (tmp_path / "r-2.json").write_text("precious")
    done = cli(tmp_path, flows, data, "decide", "--resume", draft_id(data), "--out", "r.json")
    assert done.returncode == 2
    assert "r-2.json: already exists; nothing was asked or written." in done.stderr
    assert "Is the child at risk of harm" not in done.stdout


def test_decide_answers_names_what_it_wrote_before_a_part_failed(tmp_path, flows, data, capsys):
    path = tmp_path / "s.yaml"
    not_shared = {
        "what_not_shared": "Notes",
        "requested_by": "A relative",
        "when": "2026-11-23",
        "rationale": "No risk of harm: ask first.",
    }
    path.write_text(
        yaml.safe_dump(
            {
                "schema_version": 2,
                "facts": {"immediate-danger": "no", "role": "dsl", "risk-of-harm": "no"},
                "route": {"triage": {"situations": ["concern", "telling"]}},
                "decisions": [
                    {"flow": "mini", "answers": {}, "record": not_shared},
                    {"flow": "tell", "answers": {"compromise": "no"},
                     "record": {"what": "Notes", "with_whom": "CSC", "when": "2026-11-23",
                                "family_informed": "yes", "told_how": "By phone today.",
                                "rationale": "They must be told."}},
                ],
            }
        )
    )  # fmt: skip
    (tmp_path / "r-2.json").write_text("{}")
    done = cli(tmp_path, flows, data, "decide", "--answers", str(path), "--out", "r.json")
    assert done.returncode == 2
    assert "r-2.json: already exists; nothing was asked or written." in done.stderr
    assert not (tmp_path / "r.json").exists()  # checked before anything was written


def test_replaying_a_draft_with_recorded_decisions_is_refused(tmp_path, flows, data, capsys):
    def taken_meanwhile(written: facade.Written) -> None:
        (tmp_path / "r-2.json").write_text("{}")

    with pytest.raises(RecordError):
        sitting(
            flows,
            TRIAGE + PART_ONE + PART_TWO + REVIEW,
            facade.Outputs(out=tmp_path / "r.json"),
            on_written=taken_meanwhile,
        )
    draft = str(only_draft(data))
    for command in (
        ["decide", "--answers", draft, "--out", "again.json"],
        ["replay", draft, "--out-dir", "again"],
    ):
        done = cli(tmp_path, flows, data, *command)
        assert done.returncode == 2
        assert "replaying it would record them again" in " ".join(done.stderr.split())
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["r-2.json", "r.json"]
    assert not list(tmp_path.glob("again*/*"))
