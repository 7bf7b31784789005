from __future__ import annotations

import pytest

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError
from sharewizard.core.model import Outcome, Question


def walk(flow, answers):
    progress = engine.Progress({})
    for qid, value in answers.items():
        progress = engine.answer(flow, progress, qid, value)
    return progress


def test_first_step_is_start_question(demo):
    step = engine.next_step(demo.flows["demo"], {})
    assert isinstance(step, Question) and step.id == "concern"


@pytest.mark.parametrize(
    ("answers", "end"),
    [
        ({"concern": "no"}, "none"),
        ({"concern": "not-sure"}, "advice"),
        ({"concern": "yes", "kinds": ("neglect",), "note": ""}, "none"),
        ({"concern": "yes", "kinds": ("injury",), "urgency": "high", "note": "x"}, "refer"),
        ({"concern": "yes", "kinds": ("injury", "online"), "urgency": "high", "note": ""}, "share"),
        ({"concern": "yes", "kinds": ("injury",), "urgency": "low", "note": ""}, "share"),
        ({"concern": "yes", "kinds": ("online",), "note": ""}, "share"),
    ],
)
def test_branching_and_conditions_reach_the_right_outcome(demo, answers, end):
    flow = demo.flows["demo"]
    step = engine.next_step(flow, walk(flow, answers).answers)
    assert isinstance(step, Outcome) and step.id == end


def test_multi_condition_routes_to_extra_question(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ["injury"]})
    assert engine.next_step(flow, progress.answers).id == "urgency"
    progress = walk(flow, {"concern": "yes", "kinds": ["neglect"]})
    assert engine.next_step(flow, progress.answers).id == "note"


def test_changing_an_answer_drops_stale_answers_and_logs_it(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ("injury",), "urgency": "high", "note": "n"})
    changed = engine.answer(flow, progress, "concern", "no")
    assert dict(changed.answers) == {"concern": "no"}
    assert changed.changes == (
        "“Concern?” changed from “Yes” to “No”; "
        "no longer asked: “Which kinds?”, “How urgent?”, “Anything else?”",
    )
    assert engine.next_step(flow, changed.answers).id == "none"


def test_changing_typed_text_logs_the_edit_without_the_old_text(demo):
    """Issue 22 §9: a name typed by mistake must leave the record when it is corrected."""
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ("neglect",), "note": "Amelia Hart"})
    changed = engine.answer(flow, progress, "note", "see the case notes")
    assert changed.changes == ("“Anything else?” was edited",)


def test_changing_an_answer_keeps_answers_still_on_the_path(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ("injury",), "urgency": "high", "note": "n"})
    changed = engine.answer(flow, progress, "urgency", "low")
    assert changed.answers["note"] == "n"
    assert changed.changes == ("“How urgent?” changed from “High” to “Low”",)
    assert engine.next_step(flow, changed.answers).id == "share"


def test_same_answer_again_changes_nothing(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes"})
    assert engine.answer(flow, progress, "concern", "yes") is progress


def test_back_goes_to_previous_question_on_the_path(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ("neglect",)})
    # at "note" (unanswered): back leads to kinds, then concern, then nowhere
    assert engine.previous_question(flow, progress, "note") == "kinds"
    assert engine.previous_question(flow, progress, "kinds") == "concern"
    assert engine.previous_question(flow, progress, "concern") is None


def test_following_step_walks_forward_through_answered_questions(demo):
    flow = demo.flows["demo"]
    progress = walk(flow, {"concern": "yes", "kinds": ("injury",), "urgency": "high"})
    assert engine.following_step(flow, progress, "concern").id == "kinds"
    assert engine.following_step(flow, progress, "urgency").id == "note"


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("concern", "maybe", "'maybe' is not an answer to 'concern'"),
        ("kinds", ["fire"], "'fire' is not an answer to 'kinds'"),
        ("kinds", [], "no answer given to 'kinds'"),
        ("note", "x" * 51, "please keep it to 50 characters or fewer"),
        ("concern", ["yes"], "expected a single answer"),
    ],
)
def test_bad_answers_are_refused_with_the_question_named(demo, qid, value, message):
    with pytest.raises(AnswersError, match=message.replace("(", r"\(").replace("[", r"\[")):
        engine.check_answer(demo.flows["demo"].questions[qid], value)


def test_json_booleans_count_as_yes_and_no(demo):
    question = demo.flows["demo"].questions["concern"]
    assert engine.check_answer(question, True) == "yes"
    assert engine.check_answer(question, False) == "no"


def test_booleans_count_as_yes_and_no_for_a_labelled_yes_no_choice_too():
    """A fact asked as a choice with "yes" and "no" answers (for their labels) still takes a
    YAML `yes` (read as true) or a JSON true, as it did when it was a yes/no question."""
    from sharewizard.core.model import Choice, Question

    labelled = (Choice("yes", "Yes, I know who they are"), Choice("no", "No"), Choice("x", "X"))
    question = Question("receiver-role", "Confirmed?", "choice", labelled)
    assert engine.check_answer(question, True) == "yes"
    assert engine.check_answer(question, False) == "no"
    other = Question("size", "Size?", "choice", (Choice("big", "Big"), Choice("small", "Small")))
    with pytest.raises(AnswersError, match="expected a single answer"):
        engine.check_answer(other, True)


def test_start_ignores_answers_off_the_path_and_refuses_unknown_questions(demo):
    flow = demo.flows["demo"]
    progress = engine.start(flow, {"concern": "no", "urgency": "high"})
    assert dict(progress.answers) == {"concern": "no"}
    with pytest.raises(AnswersError, match="'colour' is not a question of the flow 'demo'"):
        engine.start(flow, {"colour": "red"})


def test_all_paths_finds_every_distinct_route(demo):
    ends = sorted(p.end for p in engine.all_paths(demo.flows["demo"]))
    assert ends == ["advice", "none", "none", "refer", "share", "share"]


def test_record_form_asks_reason_only_when_family_not_informed(demo):
    fields = demo.record_form.fields
    facts = engine.outcome_facts(demo.flows["demo"].outcomes["refer"], demo.record_form.decisions)
    ids = [f.id for f in engine.form_fields(fields, {"family_informed": "no"}, facts)]
    assert "family_not_informed_reason" in ids
    ids = [f.id for f in engine.form_fields(fields, {"family_informed": "yes"}, facts)]
    assert "family_not_informed_reason" not in ids
    # a reason given although the family was told contradicts the record: refused, not kept
    with pytest.raises(AnswersError, match="'family_not_informed_reason' does not apply"):
        engine.check_fields(
            fields, {"family_informed": "yes", "family_not_informed_reason": "stale reason"}, facts
        )


def test_record_form_follows_the_outcome(demo):
    fields = demo.record_form.fields
    decisions = demo.record_form.decisions
    outcomes = demo.flows["demo"].outcomes
    shares = [
        f.id
        for f in engine.form_fields(fields, {}, engine.outcome_facts(outcomes["refer"], decisions))
    ]
    assert {"what", "with_whom", "how", "lawful_basis"} <= set(shares)
    assert not {"what_not_shared", "requested_by"} & set(shares)
    facts = engine.outcome_facts(outcomes["none"], decisions)
    kept = [f.id for f in engine.form_fields(fields, {}, facts)]
    assert {"what_not_shared", "requested_by", "when", "rationale"} <= set(kept)
    assert not {"what", "with_whom", "how", "lawful_basis", "family_informed"} & set(kept)
    with pytest.raises(AnswersError, match="'lawful_basis' does not apply to the outcome 'none'"):
        engine.check_fields(fields, {"lawful_basis": "public-task"}, facts)


def test_consent_is_refused_as_the_basis_of_a_without_consent_outcome(demo):
    basis = next(f for f in demo.record_form.fields if f.id == "lawful_basis")
    facts = {"decision": "share", "outcome": "x", "shares": "yes", "without_consent": "yes"}
    with pytest.raises(AnswersError, match="consent cannot be the lawful basis"):
        engine.check_field(basis, "consent", facts)
    assert engine.check_field(basis, "consent", {**facts, "without_consent": "no"}) == "consent"
