"""Nothing half-typed is lost (issue 24, item 3): text typed at a question when the walk stopped
is kept in the draft, offered again where it was typed, and never taken as an answer.

In-process, in plain mode: the person's typed lines come from a StringIO, and a stop while typing
is the `StoppedTyping` a text prompt raises (tests/cli/test_half_typed_pty.py stops real prompts
in a real terminal).
"""

from __future__ import annotations

import io
import json
import signal
import stat
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from sharewizard.cli import main
from sharewizard.core.errors import AnswersError, Interrupted, StoppedTyping
from sharewizard.core.model import Draft, HalfTyped
from sharewizard.flowfiles.answers import dump_answers, load_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk import decide as facade
from sharewizard.walk.prompts import PlainAsker
from sharewizard.walk.session import Session
from tests.sittingkit import make_catalogue

#: Typed lines of the `mini` flow to "share and tell the family", up to its rationale (plain mode).
TO_RATIONALE = [
    "2", "3",  # no child in immediate danger; a practitioner
    "1", "2", "",  # at risk: yes; telling would put at risk: no; what next: go on
    "Attendance and an injury", "CSC front door", "Phone", "2026-11-23 14:30",
    "1", "1", "The mother, by phone.",  # lawful basis; the parents were told, who and how
]  # fmt: skip
AFTER_RATIONALE = ["LOG-1", "", "", ""]  # case reference, role, organisation; the review
TYPED = "Necessary to protect the chi"


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "flows")


class StopsTyping:
    """Plain mode, where the person types `text` at question `at` and the walk stops there."""

    def __init__(self, plain: PlainAsker, at: str, text: str, signal_number: int | None = None):
        self.plain, self.at, self.text, self.signal_number = plain, at, text, signal_number
        self.kept: list[tuple[str, object]] = []  # (question, text) each time a kept text came

    def __getattr__(self, name: str):
        return getattr(self.plain, name)

    def ask(self, question, default, can_go_back, *, kept=False):
        if kept:
            self.kept.append((question.id, default))
        if question.id == self.at:
            raise StoppedTyping(self.text, self.signal_number)
        return self.plain.ask(question, default, can_go_back, kept=kept)


def plain(catalogue, lines: list[str]) -> tuple[PlainAsker, io.StringIO]:
    shown = io.StringIO()
    console = Console(file=shown, width=200, color_system=None, emoji=False, soft_wrap=True)
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    return PlainAsker(catalogue, console, stdin), shown


def walk(catalogue, asker, **options):
    return facade.decide_interactive(
        catalogue, flow_id=options.pop("flow_id", "mini"), asker=asker, **options
    )


def stopped_draft(catalogue, tmp_path: Path, *, at="rationale", text=TYPED, signal_number=None):
    """Walk `mini` to question `at`, where `text` is typed when the walk stops: (stop, draft)."""
    asker = StopsTyping(plain(catalogue, TO_RATIONALE)[0], at, text, signal_number)
    with pytest.raises(Interrupted) as stop:
        walk(catalogue, asker, outputs=facade.Outputs(out=tmp_path / "r.json"))
    assert stop.value.saved_to is not None
    return stop.value, stop.value.saved_to


def resume(catalogue, draft: Path, lines: list[str], tmp_path: Path, asker=None, stops=False):
    """`decide --resume` of `draft`, typing `lines`: (written, what the screen showed).

    A stop is a failed test unless it `stops` (an interrupt escaping a test would end the run).
    """
    plain_asker, shown = plain(catalogue, lines)
    try:
        written = walk(
            catalogue,
            asker or plain_asker,
            outputs=facade.Outputs(out=tmp_path / "r.json"),
            resume=load_answers(draft),
            resume_path=draft,
        )
    except Interrupted:
        if stops:
            raise
        pytest.fail(f"the resumed walk stopped; the screen showed:\n{shown.getvalue()}")
    return written, shown.getvalue()


# --- kept in the draft, not as an answer ---------------------------------------------------------


@pytest.mark.parametrize(
    ("signal_number", "status"), [(None, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_stop_while_typing_keeps_the_text_in_the_draft_and_not_as_an_answer(
    flows, tmp_path, signal_number, status
):
    catalogue = load_catalogue(flows)
    stop, path = stopped_draft(catalogue, tmp_path, signal_number=signal_number)
    assert stop.exit_status == status
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # as private as the rest of the draft
    draft = yaml.safe_load(path.read_text())
    assert draft["sitting"]["half_typed"] == {
        "field": "decisions.0.record.rationale",
        "text": TYPED,
    }
    assert "rationale" not in draft["decisions"][0]["record"]  # not an answer
    assert draft["decisions"][0]["record"]["what"] == "Attendance and an injury"
    assert not list(tmp_path.glob("*.tmp"))


def test_text_typed_at_a_flow_question_is_kept_but_not_answered(tmp_path):
    """`note` (Anything else?) is a flow question that takes text: not answered, not recorded."""
    catalogue = load_catalogue(Path(__file__).parent / "fixtures" / "catalogue")
    asker = StopsTyping(plain(catalogue, ["yes", "injury", "1"])[0], "note", "Sibling also")
    with pytest.raises(Interrupted) as stop:
        walk(catalogue, asker, flow_id="demo", outputs=facade.Outputs(out=tmp_path / "r.json"))
    loaded = load_answers(stop.value.saved_to)
    assert loaded.half_typed == HalfTyped("decisions.0.answers.note", "Sibling also")
    assert loaded.parts[0].answers == {"concern": "yes", "kinds": ["injury"], "urgency": "high"}

    # an answers file does not take it as the answer: `note` is optional, so it is left empty
    [(_, decision, record)] = facade.decide_file(
        catalogue, loaded, created_at="2026-11-23T10:00:00Z", record_id=str
    )
    assert decision.progress.answers["note"] == ""
    assert "Sibling also" not in json.dumps(record)


def test_replaying_a_draft_with_half_typed_text_records_none_of_it(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    [(_, decision, record)] = facade.decide_file(
        catalogue, load_answers(path), created_at="2026-11-23T10:00:00Z", record_id=str
    )
    assert "rationale" not in decision.fields
    assert TYPED not in json.dumps(record)


def test_a_stop_with_nothing_new_typed_keeps_no_half_typed_text(flows, tmp_path):
    catalogue = load_catalogue(flows)
    asker, _ = plain(catalogue, TO_RATIONALE)  # the lines run out at the rationale: Ctrl-D
    with pytest.raises(Interrupted) as stop:
        walk(catalogue, asker, outputs=facade.Outputs(out=tmp_path / "r.json"))
    assert stop.value.draft.half_typed is None
    assert "half_typed" not in yaml.safe_load(stop.value.saved_to.read_text())["sitting"]


# --- resumed: offered where it was typed ---------------------------------------------------------


def test_resume_offers_the_half_typed_text_where_it_was_typed_and_enter_keeps_it(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    [written], shown = resume(catalogue, path, ["", "", *AFTER_RATIONALE], tmp_path)
    assert f"Kept from when you stopped, not yet an answer: {TYPED}" in shown
    assert "Type your answer (? help, < back, Enter keeps it):" in shown
    fields = {row["id"]: row["value"] for row in written.record["fields"]}
    assert fields["rationale"] == TYPED
    assert not path.exists()


def test_the_kept_text_is_the_default_not_the_answer_a_new_line_replaces_it(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    [written], _ = resume(
        catalogue, path, ["", "Necessary to protect the child.", *AFTER_RATIONALE], tmp_path
    )
    fields = {row["id"]: row["value"] for row in written.record["fields"]}
    assert fields["rationale"] == "Necessary to protect the child."


def test_the_draft_keeps_the_text_until_its_question_is_asked_again(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    with pytest.raises(Interrupted) as stop:  # stopped again at "What next?", before it
        resume(catalogue, path, [], tmp_path, stops=True)
    assert stop.value.draft.half_typed == HalfTyped("decisions.0.record.rationale", TYPED)
    assert load_answers(path).half_typed == HalfTyped("decisions.0.record.rationale", TYPED)


def test_half_typed_text_for_a_question_no_longer_asked_is_dropped(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    text = path.read_text().replace("decisions.0.record.rationale", "decisions.0.record.reviewed")
    path.write_text(text)  # a field this outcome does not ask
    recorder = StopsTyping(plain(catalogue, [""])[0], "-", "")  # Enter at "What next?", then EOF
    with pytest.raises(Interrupted) as stop:
        resume(catalogue, path, [], tmp_path, asker=recorder, stops=True)
    assert recorder.kept == []  # never offered at the rationale, nor anywhere else
    assert stop.value.draft.half_typed is None
    assert load_answers(path).half_typed is None


def test_a_resumed_walk_goes_back_to_an_answer_that_was_being_changed(flows, tmp_path):
    """Stopped while retyping an answer given before (back, or a change at the review): resume
    asks that question first, offering the new text, then the rest as after going back."""
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path)
    data = yaml.safe_load(path.read_text())
    data["decisions"][0]["record"]["rationale"] = "Necessary."  # answered before
    data["sitting"]["half_typed"] = {"field": "decisions.0.record.what", "text": "Attendance, inj"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plain_asker, shown = plain(catalogue, ["", "", *AFTER_RATIONALE])
    recorder = StopsTyping(plain_asker, "-", "")
    [written], _ = resume(catalogue, path, [], tmp_path, asker=recorder)
    assert recorder.kept == [("what", "Attendance, inj")]
    fields = {row["id"]: row["value"] for row in written.record["fields"]}
    assert (fields["what"], fields["rationale"]) == ("Attendance, inj", "Necessary.")


def test_a_resumed_walk_goes_back_to_a_flow_question_that_was_being_changed(tmp_path):
    catalogue = load_catalogue(Path(__file__).parent / "fixtures" / "catalogue")
    asker = StopsTyping(plain(catalogue, ["yes", "injury", "1", "Sibling"])[0], "what", "x")
    with pytest.raises(Interrupted) as stop:
        walk(catalogue, asker, flow_id="demo", outputs=facade.Outputs(out=tmp_path / "r.json"))
    path = stop.value.saved_to
    data = yaml.safe_load(path.read_text())
    data["sitting"]["half_typed"] = {"field": "decisions.0.answers.note", "text": "Sibling also"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    recorder = StopsTyping(plain(catalogue, [])[0], "-", "")
    given = facade.given_of(catalogue, load_answers(path))
    with pytest.raises(Interrupted):  # the lines run out at the first question asked
        Session(catalogue, recorder, "demo", given=given).run()
    assert recorder.kept == [("note", "Sibling also")]  # asked first, before "What next?"


# --- the draft file --------------------------------------------------------------------------


def test_half_typed_text_round_trips_and_drafts_written_before_load_without_it(flows, tmp_path):
    catalogue = load_catalogue(flows)
    draft = Draft("mini", {}, half_typed=HalfTyped("decisions.0.record.rationale", "a: 'b' # c"))
    text = dump_answers(catalogue, draft, sitting=("s-1", ()))
    path = tmp_path / "d.answers.yaml"
    path.write_text(text)
    assert load_answers(path).half_typed == draft.half_typed
    # the answers file beside a record is no draft: it never holds half-typed text
    assert "half_typed" not in dump_answers(catalogue, draft)
    older = yaml.safe_load(text)
    del older["sitting"]["half_typed"]
    path.write_text(yaml.safe_dump(older))
    assert load_answers(path).half_typed is None


def test_a_broken_half_typed_entry_is_refused_naming_its_place(tmp_path):
    path = tmp_path / "d.answers.yaml"
    path.write_text(
        "schema_version: 2\ndecisions: [{answers: {}}]\n"
        "sitting:\n  id: s-1\n  half_typed: {field: decisions.0.record.rationale}\n"
    )
    with pytest.raises(AnswersError) as refused:
        load_answers(path)
    assert "sitting.half_typed" in str(refused.value.location)
    assert "text" in refused.value.message


def test_drafts_show_says_what_was_half_typed_and_where_escaped(flows, tmp_path, capsys):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path, text="Necessary\x1b]0;PWNED\x07 to pro")
    with pytest.raises(SystemExit) as done:
        main(["--flows", str(flows), "drafts", "show", path.name.removesuffix(".answers.yaml")])
    out = capsys.readouterr().out
    assert done.value.code in (0, None)
    first = out.splitlines()[0]
    assert first == (
        "# half-typed at “Why did you decide this? (your rationale)”: "
        "'Necessary\\x1b]0;PWNED\\x07 to pro'"
    )
    assert "\x1b" not in out and "\x07" not in out
    assert yaml.safe_load(out)["sitting"]["half_typed"]["field"] == "decisions.0.record.rationale"


def test_plain_mode_checks_a_kept_text_before_taking_it_and_keeps_offering_it(flows, tmp_path):
    catalogue = load_catalogue(flows)
    _, path = stopped_draft(catalogue, tmp_path, text="Because")  # under the rationale's 10
    lines = ["", "", "", "Because it was necessary.", *AFTER_RATIONALE]
    [written], shown = resume(catalogue, path, lines, tmp_path)
    refused = shown.split("Not accepted:")[1]
    assert "Kept from when you stopped, not yet an answer: Because" in refused  # still offered
    fields = {row["id"]: row["value"] for row in written.record["fields"]}
    assert fields["rationale"] == "Because it was necessary."
