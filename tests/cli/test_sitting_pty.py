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
    answer(child, "Is a child in immediate danger right now?", "2" + ENTER)
    answer(child, "What is your role in this decision?", "1" + ENTER)  # a DSL
    answer(child, "Which situations fit?", " " + DOWN + " " + ENTER)  # both
    answer(child, "Is the child at risk of harm", "1" + ENTER)
    answer(child, "Would telling the parents or carers", "1" + ENTER)  # yes: not for now
    answer(child, "What next?", ENTER)
    answer(child, "What information was shared", "Disclosure made on 12 Nov\r")
    answer(child, "With whom", "Police child abuse team\r")
    answer(child, "How was it shared", "Phone, then secure email\r")
    answer(child, "When was this decided", "2026-11-23 09:30\r")
    answer(child, "What is the lawful basis", "1" + ENTER)
    answer(child, "Have the parents or carers been told", "1" + ENTER)  # "yes" is refused here
    child.expect_exact("Not accepted")
    answer(child, "Have the parents or carers been told", "3" + ENTER)  # not yet
    answer(child, "Who has not been told, why not", "Could put the child at further risk.\r")
    answer(child, "What steps have you and the receiver taken", "The caller is not named.\r")
    answer(child, "Why did you decide this?", "Child at risk of significant harm.\r")
    answer(child, "Case reference", "LOG-7\r")
    answer(child, "Your job title", "DSL\r")
    answer(child, "Your organisation", ENTER)
    # the second situation: its record form starts empty, but for the case details carried over
    answer(child, "Could telling them compromise a police investigation?", "1" + ENTER)
    answer(child, "What next?", ENTER)
    # nothing offered: typed straight on, the answer is the new text alone (checked below)
    answer(child, "What information was shared", "That the police are investigating\r")
    answer(child, "With whom", "Police child abuse team\r")
    answer(child, "When was this decided", "2026-11-23 10:00\r")
    answer(child, "Have the parents or carers been told", "3" + ENTER)  # not yet
    answer(child, "Who has not been told, why not", "Police investigation under way.\r")
    answer(child, "What steps have you and the receiver taken", "The caller is not named.\r")
    answer(child, "Why did you decide this?", "Telling could compromise the inquiry.\r")
    answer(child, "Check your answers", ENTER)  # one review of the whole sitting
    child.expect_exact("Record written to")
    child.expect_exact("Record written to")  # both records, after the review
    assert finish(child) == 0

    assert not list(tmp_path.glob("sharewizard-*"))  # never the current folder: the data folder's
    records = [json.loads(p.read_text()) for p in sorted((data / "records").glob("*.json"))]
    by_flow = {r["flow"]["id"]: r for r in records}
    assert set(by_flow) == {"mini", "tell"}
    first, second = by_flow["mini"], by_flow["tell"]
    assert first["sitting"]["id"] == second["sitting"]["id"]
    assert first["sitting"]["flows"] == second["sitting"]["flows"] == ["mini", "tell"]
    assert (first["sitting"]["part"], second["sitting"]["part"]) == (1, 2)
    assert first["sitting"]["facts"] == second["sitting"]["facts"]
    for record in records:
        assert [a["question"] for a in record["route"][0]["answers"]] == ["situations"]
        case = {row["id"]: row["value"] for row in record["fields"] if row["group"] == "case"}
        assert case["case_reference"] == "LOG-7"
    assert first["outcome"]["decision"] == "share-without-informing-family"
    assert second["outcome"]["decision"] == "do-not-tell-family"
    shown = {row["id"]: row["text"] for row in second["fields"]}
    assert shown["what"] == "That the police are investigating"
    assert not list((data / "drafts").glob("*"))


def test_immediate_danger_is_asked_first_and_ends_at_call_999(tmp_path):
    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = spawn(tmp_path, flows, data, "decide", "--practice")
    answer(child, "Is a child in immediate danger right now?", "1" + ENTER)
    child.expect_exact("Call 999")
    answer(child, "What next?", ENTER)
    child.expect_exact("Practice run: nothing was written.")
    assert finish(child) == 0
    assert not list(tmp_path.glob("sharewizard-*"))


def test_decide_with_no_arguments_asks_about_immediate_danger_first_and_stops_at_999(tmp_path):
    """D6: after "call 999", Enter stops now; the record waits as a draft, saying how to resume."""
    child = in_terminal(
        "decide", cwd=tmp_path, env={"SHAREWIZARD_DATA_DIR": str(tmp_path)},
        without=("SHAREWIZARD_FLOWS",),  # the flows shipped with sharewizard
        rows=24, columns=80,
    )  # fmt: skip
    child.expect_exact("Is a child in immediate danger")
    assert "Which of these" not in child.before  # no situation is asked before it
    child.send("1" + ENTER)  # yes, or I think a child may be (Enter alone answers nothing)
    child.expect_exact("What next?")  # the outcome: call 999, no further questions first
    assert "Call 999 now" in child.before
    child.expect_exact("Stop now: finish the record later")
    child.send(ENTER)  # the default: stop now
    child.expect(r"The record waits as draft (triage-\S+)")
    draft_id = child.match.group(1)
    child.expect_exact(f"decide --resume {draft_id}")
    assert finish(child) == 0
    assert not list(tmp_path.glob("sharewizard-*"))  # nothing recorded yet
    assert (tmp_path / "drafts" / f"{draft_id}.answers.yaml").exists()


def test_the_last_screen_of_a_sitting_names_each_outcome_and_where_its_record_went(tmp_path):
    """At 80x24 each decision's summary scrolls away; the last lines name them all."""
    from tests.terminal import Screen

    flows, data = make_catalogue(tmp_path / "flows"), tmp_path / "data"
    child = in_terminal(
        "--flows", str(flows), "decide", cwd=tmp_path, rows=24, columns=80,
        env={"SHAREWIZARD_DATA_DIR": str(data)},
    )  # fmt: skip
    screen = Screen(child, rows=24, columns=80)
    for prompt, keys in [
        ("Is a child in immediate danger right now?", "2" + ENTER),
        ("What is your role in this decision?", "1" + ENTER),
        ("Which situations fit?", "1 2 " + ENTER),  # both
        ("Is the child at risk of harm", "1" + ENTER),
        ("Would telling the parents or carers", "1" + ENTER),
        ("What next?", ENTER),
        ("What information was shared", "Disclosure made on 12 Nov\r"),
        ("With whom", "Police child abuse team\r"),
        ("How was it shared", "Phone, then secure email\r"),
        ("When was this decided", "2026-11-23 09:30\r"),
        ("What is the lawful basis", "1" + ENTER),
        ("Have the parents or carers been told", "3" + ENTER),  # not yet
        ("Who has not been told, why not", "Could put the child at further risk.\r"),
        ("What steps have you and the receiver taken", "The caller is not named.\r"),
        ("Why did you decide this?", "Child at risk of significant harm.\r"),
        ("Case reference", "LOG-7\r"),
        ("Your job title", "DSL\r"),
        ("Your organisation", ENTER),
        ("Could telling them compromise a police investigation?", "1" + ENTER),
        ("What next?", ENTER),
        ("What information was shared", "That the police are investigating\r"),
        ("With whom", "Police child abuse team\r"),
        ("When was this decided", "2026-11-23 10:00\r"),
        ("Have the parents or carers been told", "3" + ENTER),
        ("Who has not been told, why not", "Police investigation under way.\r"),
        ("What steps have you and the receiver taken", "The caller is not named.\r"),
        ("Why did you decide this?", "Telling could compromise the inquiry.\r"),
        ("Check your answers", ENTER),
    ]:
        screen.answer(prompt, keys)
    assert screen.finish() == 0
    records = sorted((data / "records").glob("*.json"))
    assert len(records) == 2
    assert screen.shows("This sitting made 2 decisions:"), screen.dump()
    for number, path in enumerate(records, 1):
        record = json.loads(path.read_text())
        assert screen.shows(f"{number}. Outcome: {record['outcome']['title']}"), screen.dump()
        assert screen.shows(f"Decision: {record['outcome']['decision_label']}"), screen.dump()
        assert screen.shows(f"Record: {path.name}"), screen.dump()
    assert screen.shows("Records in:")
    assert str(data / "records") in "".join(screen.rows())  # a long path wraps anywhere
