"""What a designated safeguarding lead found playing cases blind (2026-12-07), as a user sees it.

Each test replays a recorded answers file of `tests/answers/audit/dsl-play-*` as `decide
--answers` does, and reads what the screen and the record say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sharewizard.core.model import Catalogue
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk.decide import decide_file
from sharewizard.walk.summary import record_summary

REPO = Path(__file__).resolve().parents[1]
PLAYED = REPO / "tests" / "answers" / "audit"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(REPO / "flows")


def records(catalogue: Catalogue, name: str) -> list[Any]:
    """The records an answers file makes, in order."""
    found = decide_file(
        catalogue,
        load_answers(PLAYED / f"{name}.yaml"),
        created_at="2026-12-07T10:00:00Z",
        record_id=lambda n: f"test-{n}",
    )
    return [record for _, _, record in found]


def said(record: Any) -> str:
    """An outcome's words as the record (and the screen) give them, on one line."""
    outcome = record["outcome"]
    parts = [outcome["title"], outcome["summary"], outcome["now"], *outcome["actions"]]
    return " ".join(" ".join(parts).split())


def screen(record: Any) -> str:
    console = Console(file=None, width=80, color_system=None, emoji=False, record=True)
    console.print(record_summary(record, boxed=False))
    return " ".join(console.export_text().split())


def test_a_practitioner_making_a_referral_is_told_to_tell_their_lead_now(catalogue):
    advice, referral = records(catalogue, "dsl-play-1-practitioner-referral-tells-the-dsl")
    assert "designated safeguarding lead or manager" in said(advice)  # FAQ 1: seek advice
    words = said(referral)
    assert "Tell your designated safeguarding lead or manager now" in words
    assert "make it yourself: it does not wait" in words  # the referral is not held up


def test_the_lead_making_a_referral_is_not_told_to_tell_the_lead(catalogue):
    [referral] = records(catalogue, "dsl-play-1-dsl-referral-is-theirs")
    words = said(referral)
    assert "Make a child protection referral to Children's Social Care now" in words
    assert "safeguarding lead" not in words


def test_a_young_person_who_agreed_alone_is_named_as_the_one_who_agreed(catalogue):
    [record] = records(catalogue, "dsl-play-2-young-person-agreed-parents-not-asked")
    words = said(record)
    assert "(the young person, the parents or carers, or both)" not in words
    assert "The young person agreed. Their parents or carers have not been asked." in words


def test_a_path_of_facts_only_counts_its_facts_on_the_screen(catalogue):
    [record] = records(catalogue, "dsl-play-4-facts-only-path-counts-facts")
    assert record["answers"] == [] and record["route"] == []
    facts = len(record["sitting"]["facts"])
    assert facts == 3
    assert "3 facts, 9 fields and the guidance are in the record; see --verbose." in screen(record)
    assert "answer" not in screen(record).split("Outcome:")[0]  # the record holds none


def test_an_unchecked_caller_is_checked_before_anything_is_shared(catalogue):
    (record,) = records(catalogue, "dsl-play-5-unchecked-police-caller")
    asked = next(f for f in record["sitting"]["facts"] if f["id"] == "receiver-role")
    # The question says what "yes" takes: knowing who they are, not only what they say they are.
    assert "confirmed who they are" in asked["question"]
    assert asked["label"].startswith("Not sure, or I have not confirmed who they are")
    assert record["outcome"]["decision"] == "seek-advice"
    assert "Confirm who they are and their role" in said(record)


def test_not_telling_the_parents_against_the_outcome_is_recorded_as_it_is(catalogue):
    referral, telling = records(catalogue, "dsl-play-6-departure-from-tell-is-recorded")
    assert telling["outcome"]["decision"] == "tell-family"
    fields = {f["id"]: f for f in telling["fields"]}
    assert fields["family_informed"]["text"] == "No, they will not be told"
    assert "asked that her parents not be told" in fields["not_told_reason"]["value"]
    (warning,) = telling["warnings"]
    assert warning.startswith("Not telling them departs from this outcome")
    assert "consent for medical treatment is not covered by this guidance" in warning
    assert "Not telling them departs from this outcome" in screen(telling)
    assert {f["id"]: f["value"] for f in referral["fields"]}["family_informed"] == "no"


def test_a_withdrawal_after_the_request_says_to_tell_the_service_it_was_withdrawn(catalogue):
    (record,) = records(catalogue, "dsl-play-7-withdrawn-after-the-request")
    words = said(record)
    assert "Do not contact the other service" not in words  # it contradicted telling it to stop
    assert "share anything more about the family" in words
    further = " ".join(record["outcome"]["further"].split())
    assert further.startswith("[beyond the supplied guidance]")
    assert "tell the service only that the family's agreement has been withdrawn" in further


def test_not_sure_of_the_basis_sends_a_practitioner_to_their_lead_before_the_referral(catalogue):
    advice, _ = records(catalogue, "dsl-play-1-practitioner-referral-tells-the-dsl")
    assert advice["outcome"]["id"] == "find-lawful-basis"
    now = " ".join(advice["outcome"]["now"].split())
    assert "Tell your designated safeguarding lead or manager now" in now
    assert "make it yourself: it does not wait" in now
    # A lone worker is not sent to a lead they do not have.
    (lone,) = records(catalogue, "also-6-lawful-basis-not-sure-hints-and-does-not-wait")
    lone_now = " ".join(lone["outcome"]["now"].split())
    assert "Make a child protection referral to Children's Social Care now" in lone_now
    assert "designated safeguarding lead" not in lone_now


def test_a_child_told_while_unsure_about_the_parents_is_in_the_record(catalogue):
    (record,) = records(catalogue, "dsl-play-8-child-told-while-parents-unsure")
    assert record["outcome"]["id"] == "seek-advice"
    fields = {f["id"]: f for f in record["fields"]}
    assert fields["young_person_informed"]["text"] == "They already knew, or were told anyway"
    assert "by the youth worker, in person" in fields["told_how"]["value"]
    assert any(w.startswith("The child knew") for w in record["warnings"])
