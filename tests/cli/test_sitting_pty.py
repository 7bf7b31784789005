"""Several questions in one sitting: the triage picks two situations, `decide` walks both flows
in turn and writes two records linked by one sitting id, each keeping the triage answers."""

from __future__ import annotations

import json

from tests.sittingkit import DOWN, ENTER, answer, finish, make_catalogue, spawn


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
    answer(child, "When was it shared", "2026-11-23 09:30\r")
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
    answer(child, "What information was shared", "That the police are investigating\r")
    answer(child, "With whom", "Police\r")
    answer(child, "How was it shared", "Phone\r")
    answer(child, "When was it shared", "2026-11-23 10:00\r")
    answer(child, "What is the lawful basis", "1" + ENTER)
    answer(child, "Why did you decide this?", "Telling them could compromise the investigation.\r")
    answer(child, "Has the family been told", "2" + ENTER)
    answer(child, "Why has the family not been told", "Police investigation under way.\r")
    answer(child, "Check your answers", ENTER)
    child.expect_exact("Record written to")
    assert finish(child) == 0

    records = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("sharewizard-*.json"))]
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
