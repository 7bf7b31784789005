"""The pure walk through a flow: next step, answering, changing an answer, going back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sharewizard.core.errors import AnswersError, Location
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    NO,
    YES,
    Answer,
    Condition,
    DecisionTerm,
    Flow,
    Handoff,
    Outcome,
    Progress,
    Question,
    Step,
)
from sharewizard.core.text import preview

Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Trace:
    """The answered questions on the path from `start`, and where the path goes next."""

    path: tuple[str, ...]
    step: Step


def holds(condition: Condition | None, answers: Answers) -> bool:
    """Whether a condition holds for these answers; an unanswered question matches nothing."""
    if condition is None:
        return True
    # Loops rather than all()/any() over generators: replay tests thousands of conditions.
    kind = condition.kind
    if kind == "all":
        for part in condition.parts:
            if not holds(part, answers):
                return False
        return True
    if kind == "any":
        for part in condition.parts:
            if holds(part, answers):
                return True
        return False
    if kind == "not":
        return not holds(condition.parts[0], answers)
    given = answers.get(condition.question)
    if given is None:
        return False
    if isinstance(given, tuple):
        return any(value in condition.values for value in given)
    return given in condition.values


def route(flow: Flow, question: Question, answers: Answers) -> Step:
    """Where an answered question leads; a fan-out question hands over to every flow it matches."""
    if question.fan_out:
        chosen = [r.goto[len(HANDOFF_PREFIX) :] for r in question.routes if holds(r.when, answers)]
        return Handoff(tuple(dict.fromkeys(chosen)))
    for rule in question.routes:
        if holds(rule.when, answers):
            if rule.goto.startswith(HANDOFF_PREFIX):
                return Handoff((rule.goto[len(HANDOFF_PREFIX) :],))
            return flow.questions.get(rule.goto) or flow.outcomes[rule.goto]
    # The loader requires every question to end with an unconditional rule or cover every answer.
    raise AssertionError(f"{flow.id}: no route from {question.id}")


def trace(flow: Flow, answers: Answers) -> Trace:
    """Follow the answers from `start` to the first unanswered question or to the end."""
    path: list[str] = []
    step: Step = flow.questions[flow.start]
    while isinstance(step, Question) and step.id in answers:
        path.append(step.id)
        step = route(flow, step, answers)
    return Trace(tuple(path), step)


def next_step(flow: Flow, answers: Answers) -> Step:
    """The next unanswered question, or the outcome (or hand-off) the answers lead to."""
    return trace(flow, answers).step


def check_answer(question: Question, value: object, where: Location | None = None) -> Answer:
    """Validate and normalise one answer; raise AnswersError naming the question otherwise."""
    where = where or Location(field=question.id)
    if question.type == "multi":
        values = value if isinstance(value, (list, tuple)) else [value]
        chosen = tuple(str(v) for v in values)
        unknown = [v for v in chosen if question.choice(v) is None]
        if unknown or (question.required and not chosen):
            raise _bad_choice(question, unknown[0] if unknown else "", where)
        return chosen
    if isinstance(value, bool) and question.type == "yesno":
        value = YES if value else NO  # JSON answers files naturally say true/false
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise AnswersError(f"expected a single answer, got {preview(value)}.", where)
    text = str(value).strip()
    if question.choices:
        if question.choice(text) is None:
            raise _bad_choice(question, text, where)
        return text
    return _check_text(question, text, where)


def _bad_choice(question: Question, value: str, where: Location) -> AnswersError:
    allowed = ", ".join(c.value for c in question.choices)
    said = f"{preview(value)} is not an answer to" if value else "no answer given to"
    return AnswersError(
        f"{said} {preview(question.id)} ({question.text}).", where, f"Answers: {allowed}."
    )


def _check_text(question: Question, text: str, where: Location) -> str:
    # Worded for the person typing; the location names the field for files.
    if question.required and not text:
        raise AnswersError("an answer is needed here.", where)
    if text and len(text) < question.min_length:
        raise AnswersError(f"please write at least {question.min_length} characters.", where)
    if question.max_length is not None and len(text) > question.max_length:
        raise AnswersError(f"please keep it to {question.max_length} characters or fewer.", where)
    return text


def answer(flow: Flow, progress: Progress, question_id: str, value: Answer) -> Progress:
    """Give (or change) an answer; drop answers the new path no longer reaches, and log it."""
    question = flow.questions[question_id]
    value = check_answer(question, value)
    before = progress.answers.get(question_id)
    if before == value:
        return progress
    merged = {**progress.answers, question_id: value}
    path = trace(flow, merged).path
    kept = {qid: merged[qid] for qid in path}
    if before is None:
        return Progress(kept, progress.changes)
    dropped = [flow.questions[qid] for qid in progress.answers if qid not in kept]
    line = (
        f"“{question.text}” changed from “{question.label_of(before)}” "
        f"to “{question.label_of(value)}”"
    )
    if dropped:
        line += "; no longer asked: " + ", ".join(f"“{q.text}”" for q in dropped)
    return Progress(kept, (*progress.changes, line))


def previous_question(flow: Flow, progress: Progress, current: str | None) -> str | None:
    """The question before `current` on the path (None at the start); `None` means the end."""
    path = trace(flow, progress.answers).path
    if current is None or current not in path:
        return path[-1] if path else None
    index = path.index(current)
    return path[index - 1] if index > 0 else None


def following_step(flow: Flow, progress: Progress, current: str) -> Step:
    """The step after `current` on the path: the next question even if answered, else the end."""
    found = trace(flow, progress.answers)
    if current in found.path:
        index = found.path.index(current)
        if index + 1 < len(found.path):
            return flow.questions[found.path[index + 1]]
    return found.step


def start(flow: Flow, answers: Mapping[str, object], where: str = "answers") -> Progress:
    """Progress from answers given up front (a draft or an answers file), each one checked.

    Answers the path never reaches are kept out, so they cannot leak into the record. `where`
    is the dotted place of these answers in their file, for error messages.
    """
    for qid in answers:
        if qid not in flow.questions:
            raise AnswersError(
                f"{preview(qid)} is not a question of the flow {preview(flow.id)}.",
                Location(field=f"{where}.{qid}"),
                f"Questions: {', '.join(flow.questions)}.",
            )
    checked = {
        qid: check_answer(flow.questions[qid], value, Location(field=f"{where}.{qid}"))
        for qid, value in answers.items()
    }
    path = trace(flow, checked).path
    return Progress({qid: checked[qid] for qid in path})


def path_answers(flow: Flow, progress: Progress) -> list[tuple[Question, Answer]]:
    """The answered questions on the path, in order, with their answers."""
    return [
        (flow.questions[qid], progress.answers[qid]) for qid in trace(flow, progress.answers).path
    ]


#: What a record-form condition may test about the outcome reached, besides earlier fields.
OUTCOME_FACTS = ("decision", "outcome", "shares", "without_consent")


def outcome_facts(outcome: Outcome, decisions: Mapping[str, DecisionTerm]) -> dict[str, Answer]:
    """The facts about an outcome that record-form conditions test."""
    term = decisions.get(outcome.decision)
    return {
        "decision": outcome.decision,
        "outcome": outcome.id,
        "shares": YES if term is not None and term.shares else NO,
        "without_consent": YES if outcome.without_consent else NO,
    }


def form_fields(
    fields: tuple[Question, ...], values: Answers, facts: Answers | None = None
) -> list[Question]:
    """The record-form fields that apply to this outcome and the values so far, in order.

    A field's condition sees only the fields before it that apply, so a stale value of a field
    that no longer applies never switches another one on.
    """
    context: dict[str, Answer] = dict(facts or {})
    applicable = []
    for field in fields:
        if holds(field.when, context):
            applicable.append(field)
            if field.id in values:
                context[field.id] = values[field.id]
    return applicable


def refusal(field: Question, value: Answer, context: Answers) -> str | None:
    """The message refusing `value` for `field` in this context, or None if it is allowed."""
    chosen = value if isinstance(value, tuple) else (value,)
    for rule in field.refuse:
        if holds(rule.when, context) and any(v in rule.values for v in chosen):
            return rule.message
    return None


def depends_on_outcome(field: Question) -> bool:
    """Whether a record field must be answered again when the outcome changes.

    True for fields about the decision itself (`per_outcome`, such as the rationale) and for
    fields whose applicability or allowed answers test the outcome.
    """
    if field.per_outcome:
        return True
    conditions = [field.when, *(rule.when for rule in field.refuse)]
    return any(leaf.question in OUTCOME_FACTS for c in conditions for leaf in _leaves(c))


def _leaves(condition: Condition | None) -> list[Condition]:
    if condition is None:
        return []
    if condition.kind == "equals":
        return [condition]
    return [leaf for part in condition.parts for leaf in _leaves(part)]


def check_field(
    field: Question, value: object, context: Answers, where: Location | None = None
) -> Answer:
    """Validate one record-form value, including the answers this outcome refuses."""
    where = where or Location(field=f"record.{field.id}")
    checked = check_answer(field, value, where)
    message = refusal(field, checked, context)
    if message is not None:
        raise AnswersError(f"{preview(checked)} is refused here: {message}", where)
    return checked


def check_fields(
    fields: tuple[Question, ...], values: Mapping[str, object], facts: Answers
) -> dict[str, Answer]:
    """Validate record-form values against the outcome: unknown ids, bad values, contradictions.

    A value for a field that does not apply to this outcome (a lawful basis for a decision not
    to share, say) contradicts it and is refused, as is an answer the field refuses here.
    """
    known = {f.id: f for f in fields}
    for key in values:
        if key not in known:
            raise AnswersError(
                f"{preview(key)} is not a record field.",
                Location(field=f"record.{key}"),
                f"Fields: {', '.join(known)}.",
            )
    given = {k: v for k, v in values.items() if v is not None}
    context: dict[str, Answer] = dict(facts)
    checked: dict[str, Answer] = {}
    for field in fields:
        if not holds(field.when, context):
            continue
        if field.id in given:
            checked[field.id] = check_field(field, given[field.id], context)
            context[field.id] = checked[field.id]
    for key in [f.id for f in fields if f.id in given]:
        if key not in checked:
            raise AnswersError(
                f"{preview(key)} does not apply to the outcome {preview(facts.get('outcome'))} "
                f"(decision {preview(facts.get('decision'))}), so it would contradict the record.",
                Location(field=f"record.{key}"),
                "Remove it, or check the answers lead to the outcome you meant.",
            )
    return checked


@dataclass(frozen=True)
class FlowPath:
    """One distinct way through a flow: the answers given and the step it ends at."""

    answers: Mapping[str, Answer]
    end: str  # an outcome id, or `flow:<id>` for a hand-off


def _candidates(question: Question) -> list[Answer]:
    if question.type == "multi":
        singles: list[Answer] = [(c.value,) for c in question.choices]
        return [*singles, tuple(c.value for c in question.choices)]
    if question.choices:
        return [c.value for c in question.choices]
    return ["(text)"]


def all_paths(flow: Flow) -> list[FlowPath]:
    """Every distinct path: one per sequence of routes taken (answers that route alike merge)."""
    found: dict[tuple[tuple[str, int], ...], FlowPath] = {}

    def visit(
        question: Question, answers: dict[str, Answer], taken: tuple[tuple[str, int], ...]
    ) -> None:
        for candidate in _candidates(question):
            given = {**answers, question.id: candidate}
            matched = [i for i, r in enumerate(question.routes) if holds(r.when, given)]
            index = sum(1 << i for i in matched) if question.fan_out else matched[0]
            key = (*taken, (question.id, index))
            step = route(flow, question, given)
            if isinstance(step, Question):
                visit(step, given, key)
            elif key not in found:
                end = (
                    step.id
                    if isinstance(step, Outcome)
                    else HANDOFF_PREFIX + ",".join(step.flow_ids)
                )
                found[key] = FlowPath(given, end)

    visit(flow.questions[flow.start], {}, ())
    return list(found.values())
