"""The engine keeps the derived facts and the record questions that apply by the answers their
conditions read: what it keeps must be what working them out again gives, for any case.

A kept result read back for a case it does not fit would put the wrong derived fact in front
of a flow's route or leave a required record question unasked, so the kept results are checked
against the plain loops (written out here) over generated cases of the packaged flows: every
fact, record field and outcome fact at any of its answers, or absent.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharewizard.core import engine
from sharewizard.core.model import NO, YES, Answer, CaseFacts, Question
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(ROOT / "flows")
BOOK = CATALOGUE.facts
FIELDS = CATALOGUE.record_form.fields
OUTCOMES = [o for flow in CATALOGUE.flows.values() for o in flow.outcomes.values()]

MANY = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def derived_as_written(book: CaseFacts, facts: dict[str, Answer]) -> dict[str, Answer]:
    """`case_context` without anything kept: the loop facts.yaml's `derived` describes."""
    context = dict(facts)
    for derived in book.derived.values():
        context[derived.id] = YES if engine.holds(derived.when, context) else NO
    return context


def fields_as_written(values: dict[str, Answer], facts: dict[str, Answer]) -> list[Question]:
    """`form_fields` without anything kept."""
    context = dict(facts)
    applicable = []
    for field in FIELDS:
        if engine.holds(field.when, context):
            applicable.append(field)
            if field.id in values:
                context[field.id] = values[field.id]
    return applicable


def answer_to(question: Question) -> st.SearchStrategy[Answer | None]:
    """Any answer the question takes (several at once for a multi-choice one), or none."""
    if not question.choices:
        return st.one_of(st.none(), st.just(""), st.just("some words"))
    values = [c.value for c in question.choices]
    if question.type == "multi":
        return st.one_of(st.none(), st.lists(st.sampled_from(values), unique=True).map(tuple))
    return st.one_of(st.none(), st.sampled_from(values))


def answers_to(questions: list[Question]) -> st.SearchStrategy[dict[str, Answer]]:
    return st.fixed_dictionaries({q.id: answer_to(q) for q in questions}).map(
        lambda found: {k: v for k, v in found.items() if v is not None}
    )


FACTS = answers_to([fact.question for fact in BOOK.facts.values()])
VALUES = answers_to(list(FIELDS))


@MANY
@given(facts=FACTS)
def test_derived_facts_kept_are_those_worked_out(facts: dict[str, Answer]) -> None:
    assert engine.case_context(BOOK, facts) == derived_as_written(BOOK, facts)


@MANY
@given(facts=FACTS, values=VALUES, outcome=st.sampled_from(OUTCOMES))
def test_record_questions_kept_are_those_worked_out(
    facts: dict[str, Answer], values: dict[str, Answer], outcome: object
) -> None:
    case = {
        **engine.outcome_facts(outcome, CATALOGUE.record_form.decisions),  # type: ignore[arg-type]
        **derived_as_written(BOOK, facts),
    }
    got = [f.id for f in engine.form_fields(FIELDS, values, case)]
    assert got == [f.id for f in fields_as_written(values, case)]


def test_the_cases_generated_switch_record_questions_on_and_off() -> None:
    """The property above is worth something only if the cases reach different answers."""
    seen = set()
    for outcome in OUTCOMES:
        case = engine.outcome_facts(outcome, CATALOGUE.record_form.decisions)
        seen.add(tuple(f.id for f in engine.form_fields(FIELDS, {}, case)))
    assert len(seen) > 3


def test_a_value_that_cannot_be_kept_is_worked_out_each_time() -> None:
    """A list (as a record read from JSON holds) cannot be a key: the result is still right."""
    read = engine._read(next(iter(BOOK.derived.values())).when)[0]
    facts: dict[str, object] = {read: [BOOK.facts[read].question.choices[0].value]}
    assert engine.case_context(BOOK, facts) == derived_as_written(BOOK, facts)  # type: ignore[arg-type]


def test_results_stay_right_when_the_oldest_are_dropped(monkeypatch) -> None:
    """With room for two results, every case still gets its own (none read back for another)."""
    monkeypatch.setattr(engine, "MEMO_SIZE", 2)
    monkeypatch.setattr(engine, "_MEMOS", {})  # nothing kept by the tests before
    values = [c.value for c in BOOK.facts["parents-agreement"].question.choices]
    for _ in range(3):
        for value in values:
            facts: dict[str, Answer] = {"parents-agreement": value}
            assert engine.case_context(BOOK, facts) == derived_as_written(BOOK, facts)
            case = {**derived_as_written(BOOK, facts), "decision": "share"}
            got = [f.id for f in engine.form_fields(FIELDS, {}, case)]
            assert got == [f.id for f in fields_as_written({}, case)]
    assert all(len(memo.results) <= 2 for memo in engine._MEMOS.values())
