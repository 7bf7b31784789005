"""The engine over case facts: fact nodes followed, passed through or asked; derived facts;
wording by the user's role; record rules seeing the facts; every path over the facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharewizard.core import engine
from sharewizard.core.errors import FlowError
from sharewizard.core.model import Handoff, Outcome, Question
from sharewizard.flowfiles.loader import load_catalogue

FACTS = Path(__file__).parent / "fixtures" / "facts"


@pytest.fixture(scope="module")
def small():
    return load_catalogue(FACTS)


def case(catalogue, **facts):
    return engine.case_context(catalogue.facts, facts)


def test_the_folder_loads_its_facts_and_fact_nodes_take_their_fact_question(small):
    book = small.facts
    assert list(book.facts) == ["danger", "role", "age", "decides", "risk", "told"]
    assert book.opening == ("danger", "role")
    assert book.facts["danger"].stops_at("yes") == "call-999"
    node = small.flows["case"].questions["risk"]
    assert node.fact and node.text == "Is the child at risk of harm?"
    assert [c.value for c in node.choices] == ["yes", "no", "not-sure"]


def test_an_unknown_fact_is_the_next_step_and_a_known_one_is_followed(small):
    flow = small.flows["case"]
    step = engine.next_step(flow, {}, case(small))
    assert isinstance(step, Question) and step.id == "risk" and step.fact
    step = engine.next_step(flow, {}, case(small, risk="no"))
    assert isinstance(step, Outcome) and step.id == "quiet"
    found = engine.trace(flow, {}, case(small, risk="yes", age="older"))
    assert found.path == ("risk", "age") and found.step.id == "decides"


def test_a_fact_that_does_not_apply_is_passed_through_with_the_fact_absent(small):
    flow = small.flows["case"]
    found = engine.trace(flow, {}, case(small, risk="yes", age="young"))
    assert found.path == ("risk", "age")  # `decides` passed through: not on the path
    assert found.step.id == "note"  # the rule testing `own-say` does not hold: the default
    found = engine.trace(flow, {}, case(small, risk="yes", age="older", decides="yes"))
    assert found.step.id == "ask-them"


def test_derived_facts_are_yes_or_no_and_no_over_facts_never_asked(small):
    assert case(small)["own-say"] == "no"
    assert case(small, age="older", decides="yes")["own-say"] == "yes"
    assert case(small, age="young")["own-say"] == "no"


def test_answers_beside_facts_keep_their_place_and_facts_are_not_answers(small):
    flow = small.flows["case"]
    facts = case(small, risk="yes", age="young")
    progress = engine.start(flow, {"note": "seen"}, case=facts)
    assert dict(progress.answers) == {"note": "seen"}
    assert engine.next_step(flow, progress.answers, facts).id == "share"
    assert [q.id for q, _ in engine.path_answers(flow, progress, facts)] == ["note"]
    assert engine.path_facts(flow, progress, facts) == ["risk", "age"]
    with pytest.raises(Exception, match="a case fact, not an answer"):
        engine.start(flow, {"risk": "yes"}, case=facts)


def test_without_the_facts_an_answer_past_an_unknown_fact_is_not_on_the_path(small):
    flow = small.flows["case"]
    progress = engine.start(flow, {"note": "seen"})
    assert dict(progress.answers) == {}


def test_wording_follows_the_role_and_leaves_an_unknown_one_as_written(small):
    advice = small.flows["case"].outcomes["advice"]
    dsl = engine.worded_outcome(advice, small.facts.wording, {"role": "dsl"})
    assert dsl.summary == "Seek advice today from the Children's Social Care consultation line."
    assert dsl.actions == ("Ask the Children's Social Care consultation line.",)
    other = engine.worded_outcome(advice, small.facts.wording, {"role": "other"})
    assert other.summary == "Seek advice today from your designated safeguarding lead."
    assert engine.worded_outcome(advice, small.facts.wording, {}).summary == advice.summary
    help_text = engine.worded_question(
        small.facts.facts["risk"].question, small.facts.wording, {"role": "dsl"}
    )
    assert help_text.help == "Ask the Children's Social Care consultation line if you are unsure."


def test_record_rules_see_the_facts_refusing_and_warning(small):
    basis = next(f for f in small.record_form.fields if f.id == "basis")
    context = {
        **engine.outcome_facts(small.flows["case"].outcomes["share"], small.record_form.decisions),
        **case(small, age="young"),
    }
    assert engine.refusal(basis, "consent", context) == "Consent needs their say."
    agreed = {**context, **case(small, age="older", decides="yes")}
    assert engine.refusal(basis, "consent", agreed) is None
    assert engine.warnings(basis, "task", context) == ["Check the basis with your IG team."]
    assert engine.warnings(basis, "consent", agreed) == []
    told = next(f for f in small.record_form.fields if f.id == "told")
    assert told.fact and told.label == "Parents told"
    shown = engine.form_fields(small.record_form.fields, {}, context)
    assert [f.id for f in shown] == ["what", "told", "basis", "rationale"]


def test_every_path_branches_on_unknown_facts_and_passes_through_absent_ones(small):
    paths = engine.all_paths(small.flows["case"], {}, small.facts)
    ends = sorted((p.end, tuple(sorted(p.facts.items())), p.absent) for p in paths)
    assert ("quiet", (("risk", "no"),), ()) in ends
    assert ("share", (("age", "young"), ("risk", "yes")), ("decides",)) in ends
    assert ("share", (("age", "older"), ("decides", "yes"), ("risk", "yes")), ()) in ends
    known = engine.all_paths(small.flows["case"], {"risk": "no"}, small.facts)
    assert [(p.end, p.asked) for p in known] == [("quiet", ())]


def test_decision_paths_follow_hand_offs_with_the_facts_so_far(catalogue):
    opening = {"immediate-danger": "no", "role": "practitioner"}
    paths = engine.decision_paths(
        catalogue, "share-without-consent", {**opening, "risk-of-harm": "no"}
    )
    assert paths and all(p.segments[0][0] == "share-without-consent" for p in paths)
    assert {p.flow for p in paths} == {"early-help-no-concern"}  # FAQ 1 to FAQ 4
    assert all("risk-of-harm" not in p.asked for p in paths)  # read once, never asked again
    for path in paths:
        assert isinstance(path.end, Outcome) and path.end.id in catalogue.flows[path.flow].outcomes


def test_the_packaged_catalogue_loads_the_facts_and_the_policy(catalogue):
    assert catalogue.facts.opening == ("immediate-danger", "role")
    assert catalogue.facts.outcomes["call-999"].urgent
    assert catalogue.policy is not None and catalogue.policy.rules
    assert {t.id for t in catalogue.policy.terms.values()} >= {"tells-to-ask-dsl"}
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            assert len(outcome.actions) <= 3, (flow.id, outcome.id)


def test_a_passed_through_fact_node_with_no_route_is_a_flow_error(small, tmp_path):
    flow = small.flows["case"]
    node = flow.questions["decides"]
    stuck = Question(
        node.id,
        node.text,
        node.type,
        node.choices,
        routes=node.routes[:1],
        when=node.when,
        fact=True,
    )
    with pytest.raises(FlowError, match="no route from 'decides' holds"):
        engine.route(flow, stuck, {"age": "young"})


def test_fan_out_ends_a_decision_path(catalogue):
    paths = engine.decision_paths(catalogue, "triage", {"immediate-danger": "no", "role": "dsl"})
    assert any(isinstance(p.end, Handoff) and len(p.end.flow_ids) > 1 for p in paths)
