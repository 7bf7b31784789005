"""Next steps in words: an outcome offers the other questions of the guidance it points to
(`related_flows`), by their FAQ question; one chosen ("Also decide now") is the sitting's next
decision, reviewed and recorded with the others, and an answers file replays the choice (`also`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sharewizard.core.errors import AnswersError
from sharewizard.flowfiles.answers import dump_answers, parse_answers
from sharewizard.flowfiles.yamldoc import parse_yaml
from sharewizard.walk.decide import decide_file
from sharewizard.walk.session import AlsoDecide, Session
from tests.sittingkit import decide_answers
from tests.test_session import Scripted

# One decision from the triage: FAQ 1, where the answers lead to "share, without telling the
# family for now", an outcome that points to FAQ 5 (inform-family) and FAQ 6 (how-much).
REPLIES = {
    "immediate-danger": ["no"],
    "role": ["practitioner"],
    "situation": [["concern-no-consent"]],
    "risk-of-harm": ["yes"],
    "lawful-basis": ["yes"],
    "special-category": ["no"],
    "proportionate": ["yes"],
    "telling-parents-risk": ["yes"],
    "telling-child": ["no"],
}


class Choosing(Scripted):
    """Scripted, never going back; at each outcome chooses the flows in `also` it is offered."""

    def __init__(self, replies, also=()):
        super().__init__(replies)
        self.went_back = True
        self.also = list(also)
        self.seen: list[tuple[str, list[str], list[str]]] = []

    def announce(self, flow, outcome, offers=(), queued=()):
        self.seen.append((outcome.id, [f.id for f in offers], [f.id for f in queued]))
        wanted = [f for f in self.also if f in [o.id for o in offers]]
        if wanted:
            self.also.remove(wanted[0])
            return AlsoDecide(wanted[0])
        return None


def test_an_outcome_offers_the_flows_it_points_to_by_id_nothing_else(catalogue):
    asker = Choosing(REPLIES)
    [decision] = Session(catalogue, asker, "triage").run()
    outcome = decision.outcome
    assert outcome.id == "share-without-informing-risk"
    assert asker.seen == [(outcome.id, list(outcome.related_flows), [])]
    assert set(outcome.related_flows) == {"inform-family", "how-much"}


def test_also_decide_now_makes_the_flow_the_sittings_next_decision(catalogue):
    asker = Choosing(REPLIES, also=["how-much"])
    session = Session(catalogue, asker, "triage")
    decided = session.run()
    assert [d.flow.id for d in decided] == ["share-without-consent", "how-much"]
    first, again, second = asker.seen
    assert first[1] == ["inform-family", "how-much"]
    assert again == (first[0], ["inform-family"], ["how-much"])  # shown again: not offered twice
    assert "how-much" not in second[1] and "share-without-consent" not in second[1]
    parts = {i.decision for i in session.review_items() if i.part in ("flow", "record")}
    assert parts == {0, 1}  # the one review holds both decisions
    assert session.snapshot().decisions[0].also == ("how-much",)


def test_a_flow_queued_by_the_triage_is_not_offered(catalogue):
    replies = {**REPLIES, "situation": [["concern-no-consent", "how-much"]]}
    asker = Choosing(replies)
    Session(catalogue, asker, "triage").run()
    assert asker.seen[0][1] == ["inform-family"]


def _answers_of(catalogue, session) -> dict:
    import yaml

    return yaml.safe_load(dump_answers(catalogue, session.snapshot(), expect=True))


def test_the_answers_file_records_the_choice_and_replays_the_same_sitting(catalogue):
    session = Session(catalogue, Choosing(REPLIES, also=["how-much"]), "triage")
    walked = session.run()
    data = _answers_of(catalogue, session)
    assert data["decisions"][0]["also"] == ["how-much"]
    assert data["decisions"][1]["flow"]["id"] == "how-much"
    replayed = decide_answers(catalogue, data)
    assert [(d.flow.id, d.outcome.id) for _, d, _ in replayed] == [
        (d.flow.id, d.outcome.id) for d in walked
    ]
    records = [r for _, _, r in replayed]
    assert [r["sitting"]["part"] for r in records] == [1, 2]
    assert records[0]["sitting"]["flows"] == ["share-without-consent", "how-much"]


def test_without_the_choice_the_file_gives_a_decision_the_sitting_does_not_reach(catalogue):
    session = Session(catalogue, Choosing(REPLIES, also=["how-much"]), "triage")
    session.run()
    data = _answers_of(catalogue, session)
    del data["decisions"][0]["also"]
    with pytest.raises(AnswersError, match="this sitting has 1 decision"):
        decide_answers(catalogue, data)


@pytest.mark.parametrize(
    ("also", "said"),
    [
        (["how-mcuh"], "'how-mcuh' is not a flow of this catalogue"),
        (["share-without-consent"], "'share-without-consent' is decided or queued in this sitting"),
    ],
)
def test_a_file_may_not_add_an_unknown_flow_or_one_the_sitting_decides(catalogue, also, said):
    session = Session(catalogue, Choosing(REPLIES), "triage")
    session.run()
    data = _answers_of(catalogue, session)
    data["decisions"][0]["also"] = also
    doc = parse_yaml(json.dumps(data), Path("t.json"), AnswersError)
    with pytest.raises(AnswersError) as raised:
        decide_file(catalogue, parse_answers(doc), created_at="2026-12-06T10:00:00Z", record_id=str)
    assert said in raised.value.message
    assert raised.value.location.field == "decisions.0.also.0"
    if also == ["how-mcuh"]:
        assert "Did you mean 'how-much'?" in raised.value.hint


def test_a_resumed_draft_queues_the_flow_chosen_before_without_asking_again(catalogue):
    from sharewizard.walk.decide import given_of

    session = Session(catalogue, Choosing(REPLIES, also=["how-much"]), "triage")
    session.run()
    data = _answers_of(catalogue, session)
    doc = parse_yaml(json.dumps(data), Path("draft.json"), AnswersError)
    asker = Choosing({})  # everything is in the draft; nothing is chosen this time
    resumed = Session(catalogue, asker, "triage", given=given_of(catalogue, parse_answers(doc)))
    assert [d.flow.id for d in resumed.run()] == ["share-without-consent", "how-much"]
    assert asker.seen[0][2] == ["how-much"]  # shown as queued already, and not offered
    assert "how-much" not in asker.seen[0][1]


class ChangingAtReview(Choosing):
    """Goes on at the first outcome; at the review changes "proportionate", then (shown the
    outcome again) chooses FAQ 6 too."""

    def __init__(self, replies):
        super().__init__(replies)
        self.reviews = 0

    def review(self, items):
        self.reviews += 1
        if self.reviews == 1:
            self.also = ["how-much"]
            return next(i for i, item in enumerate(items) if item.question.id == "proportionate")
        return None


def test_a_flow_chosen_when_a_change_at_the_review_shows_the_outcome_is_decided_before_it(
    catalogue,
):
    asker = ChangingAtReview({**REPLIES, "proportionate": ["yes", "yes"]})
    session = Session(catalogue, asker, "triage")
    decided = session.run()
    assert [d.flow.id for d in decided] == ["share-without-consent", "how-much"]
    assert asker.reviews == 2  # the second review holds the decision chosen after the first


def test_no_outcome_offers_a_question_that_would_hand_straight_back(catalogue):
    """An outcome offers "Also decide now: X" only where X, with the sitting's facts so far, can
    reach an outcome of its own: FAQ 1 offered after FAQ 4 found no risk of harm asked nothing and
    led straight back to FAQ 4, which the sitting had taken."""
    from sharewizard.core import engine
    from sharewizard.core.model import Handoff

    book = catalogue.facts
    opening = {
        fact_id: next(
            c.value for c in book.facts[fact_id].question.choices
            if not book.facts[fact_id].stops_at(c.value)
        )
        for fact_id in book.opening
    }  # fmt: skip
    pointless = set()
    for flow_id in catalogue.flows:
        for path in engine.decision_paths(catalogue, flow_id, opening):
            if isinstance(path.end, Handoff):
                continue
            taken = {segment for segment, _ in path.segments}
            for offered in path.end.related_flows:
                then = engine.decision_paths(catalogue, offered, path.facts)
                if then and all(
                    len(p.segments) > 1 and not p.segments[0][1] and p.segments[1][0] in taken
                    for p in then
                ):
                    pointless.add((path.end.id, offered))
    assert pointless == set()
