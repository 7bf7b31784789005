"""Several questions in one sitting: the triage picks two situations, `decide` walks both flows
in turn and writes two records linked by one sitting id, each keeping the triage answers."""

from __future__ import annotations

import json

import pytest

from tests.sittingkit import DOWN, ENTER, answer, finish, make_catalogue, spawn
from tests.terminal import in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

CTRL_U = "\x15"  # clears the line: the offered answer


def test_two_situations_in_one_sitting_give_two_linked_records(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide")
    answer(child, "Is a child in immediate danger?", "2" + ENTER)
    answer(child, "Which situations fit?", " " + DOWN + " " + ENTER)  # both
    answer(child, "Is a child at risk of harm?", "1" + ENTER)
    answer(child, "Would telling the family put", "1" + ENTER)  # yes: do not tell for now
    answer(child, "What next?", ENTER)
    answer(child, "What information was shared", "Disclosure made on 12 Nov\r")
    answer(child, "With whom", "Police child abuse team\r")
    answer(child, "How was it shared", "Phone, then secure email\r")
    answer(child, "When was this decided", "2026-11-23 09:30\r")
    answer(child, "What is the lawful basis", "1" + ENTER)
    answer(child, "Why did you decide this?", "Child at risk of significant harm.\r")
    answer(child, "Has the family been told", "1" + ENTER)  # "yes" is refused here
    child.expect_exact("Not accepted")
    answer(child, "Has the family been told", "2" + ENTER)  # not yet
    answer(child, "Why has the family not been told", "Could put the child at further risk.\r")
    answer(child, "Case reference", "LOG-7\r")
    answer(child, "Your role", "DSL\r")
    answer(child, "Your organisation", ENTER)
    answer(child, "Check your answers", ENTER)
    child.expect_exact("Record written to")
    # the second situation, with the case details carried over
    answer(child, "Could telling them compromise a police investigation?", "1" + ENTER)
    answer(child, "What next?", ENTER)
    # the first decision's answers are offered: Ctrl-U clears one, Enter keeps another
    answer(child, "What information was shared", CTRL_U + "That the police are investigating\r")
    answer(child, "With whom", ENTER)
    answer(child, "How was it shared", CTRL_U + "Phone\r")
    answer(child, "When was this decided", CTRL_U + "2026-11-23 10:00\r")
    answer(child, "What is the lawful basis", ENTER)
    answer(child, "Why did you decide this?", CTRL_U + "Telling could compromise the inquiry.\r")
    answer(child, "Has the family been told", DOWN + ENTER)
    answer(child, "Why has the family not been told", CTRL_U + "Police investigation under way.\r")
    answer(child, "Check your answers", ENTER)
    child.expect_exact("Record written to")
    assert finish(child) == 0

    assert not list(tmp_path.glob("sharewizard-*"))  # never the current folder: the data folder's
    records = [json.loads(p.read_text()) for p in sorted((data / "records").glob("*.json"))]
    by_flow = {r["flow"]["id"]: r for r in records}
    assert set(by_flow) == {"mini", "tell"}
    first, second = by_flow["mini"], by_flow["tell"]
    assert first["sitting"]["id"] == second["sitting"]["id"]
    assert first["sitting"]["flows"] == second["sitting"]["flows"] == ["mini", "tell"]
    assert (first["sitting"]["part"], second["sitting"]["part"]) == (1, 2)
    for record in records:
        assert [a["question"] for a in record["route"][0]["answers"]] == ["danger", "situations"]
        case = {row["id"]: row["value"] for row in record["fields"] if row["group"] == "case"}
        assert case["case_reference"] == "LOG-7"
    assert first["outcome"]["decision"] == "share-without-informing-family"
    assert second["outcome"]["decision"] == "do-not-inform-family"
    shown = {row["id"]: row["text"] for row in second["fields"]}
    assert shown["what"] == "That the police are investigating"
    assert shown["with_whom"] == "Police child abuse team"  # offered, and kept with Enter
    assert not list((data / "drafts").glob("*"))


def test_immediate_danger_is_asked_first_and_ends_at_call_999(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide", "--practice")
    answer(child, "Is a child in immediate danger?", "1" + ENTER)
    child.expect_exact("Call 999")
    answer(child, "What next?", ENTER)
    child.expect_exact("Practice run: nothing was written.")
    assert finish(child) == 0
    assert not list(tmp_path.glob("sharewizard-*"))


def test_decide_with_no_arguments_asks_about_immediate_danger_first(tmp_path):
    child = in_terminal(
        "decide", cwd=tmp_path, env={"SHAREWIZARD_DATA_DIR": str(tmp_path)},
        without=("SHAREWIZARD_FLOWS",),  # the flows shipped with sharewizard
        rows=24, columns=80,
    )  # fmt: skip
    child.expect_exact("Is a child in immediate danger")
    assert "Which of these" not in child.before  # no situation is asked before it
    child.send("1" + ENTER)  # yes, or I think a child may be (Enter alone answers nothing)
    child.expect_exact("What next?")  # the outcome: call 999, no further questions first
    assert "Call 999 or the police now" in child.before
    child.sendcontrol("d")
    assert finish(child) == 130
