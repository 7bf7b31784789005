"""The pure walk through a flow: next step, answering, changing an answer, going back.

A walk reads the case facts of its sitting (`case`: the facts known and the derived facts, see
`case_context`) besides the flow's own answers. A fact node of a flow whose fact is known is
followed; one whose fact does not apply (its `when` fails) is passed through with the fact absent;
one whose fact is unknown is the next step, asked once for the whole sitting.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, TypeVar

from sharewizard.core.errors import AnswersError, FlowError, Location
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    NO,
    YES,
    Answer,
    CaseFacts,
    Catalogue,
    Condition,
    DecisionTerm,
    Flow,
    Handoff,
    Outcome,
    Progress,
    Question,
    Step,
    Wording,
)
from sharewizard.core.text import preview

Answers = Mapping[str, Answer]

#: No facts known (a walk outside a sitting, or before any fact is asked).
NO_FACTS: Answers = MappingProxyType({})

_T = TypeVar("_T")


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


class _Memo:
    """The results of a pure function of some conditions' answers, by the answers they read.

    `case_context` and `form_fields` are called many times a sitting (and replay walks thousands
    of sittings) with the same answers to the few questions their conditions test: their result
    depends on those answers only (`holds` reads nothing else), so it is kept by them. At most
    `MEMO_SIZE` results are kept; then the oldest go.
    """

    def __init__(self, owner: object, conditions: list[Condition | None]) -> None:
        self.owner = owner  # kept alive, so that its id names no other object while in _MEMOS
        self.reads = tuple(dict.fromkeys(q for c in conditions for q in _read(c)))
        self.results: dict[object, Any] = {}

    def get(self, key: object) -> Any:
        """The result kept for these answers, or None."""
        try:
            return self.results.get(key)
        except TypeError:  # a value that cannot be a key (a list): worked out every time
            return None

    def keep(self, key: object, result: _T) -> _T:
        """Keep `result` for these answers (the oldest result goes when there are too many)."""
        try:
            hash(key)
        except TypeError:
            return result
        if len(self.results) >= MEMO_SIZE:
            _forget_oldest(self.results)
        self.results[key] = result
        return result


MEMO_SIZE = 4096
MEMO_OWNERS = 16
_MEMOS: dict[int, _Memo] = {}


def _memo_of(owner: object, conditions: Callable[[], list[Condition | None]]) -> _Memo:
    """The memo of results about `owner` (a facts book, the record form's fields)."""
    memo = _MEMOS.get(id(owner))
    if memo is None or memo.owner is not owner:
        if len(_MEMOS) >= MEMO_OWNERS:  # catalogues loaded and gone (lint, tests): let them go
            _forget_oldest(_MEMOS)
        memo = _MEMOS[id(owner)] = _Memo(owner, conditions())
    return memo


def _forget_oldest(kept: dict[Any, Any]) -> None:
    """Drop the oldest entry; another thread dropping one at the same moment is no error."""
    with contextlib.suppress(KeyError, RuntimeError, StopIteration):
        del kept[next(iter(kept))]


def _read(condition: Condition | None) -> list[str]:
    """The questions a condition tests (as `holds` reads them)."""
    if condition is None:
        return []
    if condition.kind in ("all", "any", "not"):
        return [q for part in condition.parts for q in _read(part)]
    return [condition.question]


def case_context(book: CaseFacts, facts: Answers) -> dict[str, Answer]:
    """What conditions see of the case: the facts known, and every derived fact (yes or no).

    A derived fact is "yes" when its condition holds over the facts (and the derived facts
    declared before it); over facts never asked it is "no".
    """
    memo = _memo_of(book, lambda: [d.when for d in book.derived.values()])
    key = tuple([facts.get(q) for q in memo.reads])
    derived = memo.get(key)
    if derived is None:
        context = dict(facts)
        for fact in book.derived.values():
            context[fact.id] = YES if holds(fact.when, context) else NO
        derived = memo.keep(key, {d: context[d] for d in book.derived})
    return {**facts, **derived}


def applies(question: Question, case: Answers) -> bool:
    """Whether a fact applies to this case: its `when` holds (a question always applies)."""
    return holds(question.when, case)


def route(flow: Flow, question: Question, answers: Answers) -> Step:
    """Where an answered question leads; a fan-out question hands over to every flow it matches.

    `answers` is everything conditions see: the flow's answers and the case facts.
    """
    if question.fan_out:
        chosen = [r.goto[len(HANDOFF_PREFIX) :] for r in question.routes if holds(r.when, answers)]
        return Handoff(tuple(dict.fromkeys(chosen)))
    for rule in question.routes:
        if holds(rule.when, answers):
            if rule.goto.startswith(HANDOFF_PREFIX):
                return Handoff((rule.goto[len(HANDOFF_PREFIX) :],))
            return flow.questions.get(rule.goto) or flow.outcomes[rule.goto]
    # The flow rules make every question end with an unconditional rule or cover every answer;
    # only a fact node passed through (its fact absent) can find none, which lint reports (SW210).
    raise FlowError(
        f"no route from {preview(question.id)} holds here (its fact does not apply).",
        Location(flow.path, field=f"{flow.id}.{question.id}"),
        "Give its `next` a rule with only `goto` for when the fact does not apply.",
    )


def trace(flow: Flow, answers: Answers, case: Answers = NO_FACTS) -> Trace:
    """Follow the answers and the case facts from `start` to the next step to ask, or the end.

    `path` holds the flow questions answered and the fact nodes known, in order; a fact node
    passed through (its fact does not apply) is not on it.
    """
    path: list[str] = []
    seen = {**case, **answers} if case else answers
    step: Step = flow.questions[flow.start]
    while isinstance(step, Question):
        if step.fact:
            if step.id in case:
                path.append(step.id)
            elif applies(step, case):
                break  # unknown: the next step, asked for the whole sitting
        elif step.id in answers:
            path.append(step.id)
        else:
            break
        step = route(flow, step, seen)
    return Trace(tuple(path), step)


def next_step(flow: Flow, answers: Answers, case: Answers = NO_FACTS) -> Step:
    """The next question (or fact) to ask, or the outcome (or hand-off) the answers lead to."""
    return trace(flow, answers, case).step


def opening_flow(book: CaseFacts, then: str) -> Flow:
    """The opening facts as a flow of fact nodes that hands over to the flow `then`.

    Each opening fact in turn (one that is known is followed); a `stop` answer ends at the facts
    file's outcome (call 999). Its id is `facts`, as the record of a stopped decision names it.
    """
    from pathlib import Path

    from sharewizard.core.model import FACTS_FLOW, Faq, Route

    questions: dict[str, Question] = {}
    for index, fact_id in enumerate(book.opening):
        fact = book.facts[fact_id]
        after = book.opening[index + 1] if index + 1 < len(book.opening) else HANDOFF_PREFIX + then
        routes = [
            Route(outcome, Condition("equals", fact_id, (value,))) for value, outcome in fact.stop
        ]
        questions[fact_id] = replace(fact.question, routes=(*routes, Route(after)), fact=True)
    return Flow(
        id=FACTS_FLOW,
        version=book.version,
        title=book.title,
        description=book.title,
        faq=Faq(None, book.title),
        start=book.opening[0] if book.opening else "",
        questions=questions,
        outcomes=dict(book.outcomes),
        path=book.path or Path("facts.yaml"),
        sha256=book.sha256,
    )


# --- wording: `{advice}` in words that fit the user's role ------------------------------------

#: A placeholder in outcome and help text: `{advice}`, worded by facts.yaml `wording`.
PLACEHOLDER = re.compile(r"\{([a-z0-9][a-z0-9-]*)\}")


def worded(text: str, wording: Mapping[str, Wording], case: Answers) -> str:
    """`text` with each `{name}` replaced by the words for the case's value of its fact.

    A placeholder whose fact is unknown (and has no default) is left as written; spaces are
    normalised where a placeholder was replaced (an empty one leaves no double space).
    """
    if "{" not in text:
        return text

    def words(match: re.Match[str]) -> str:
        found = wording.get(match.group(1))
        said = found.words(case.get(found.fact)) if found is not None else None
        return match.group(0) if said is None else said

    replaced = PLACEHOLDER.sub(words, text)
    return text if replaced == text else " ".join(replaced.split())


def worded_outcome(outcome: Outcome, wording: Mapping[str, Wording], case: Answers) -> Outcome:
    """The outcome as this case reads it: every part people read, worded."""

    def say(text: str) -> str:
        return worded(text, wording, case)

    return replace(
        outcome,
        title=say(outcome.title),
        summary=say(outcome.summary),
        actions=tuple(say(a) for a in outcome.actions),
        now=say(outcome.now),
        further=say(outcome.further),
    )


def worded_question(question: Question, wording: Mapping[str, Wording], case: Answers) -> Question:
    """The question as this case reads it: its text and help worded."""
    text = worded(question.text, wording, case)
    help_text = worded(question.help, wording, case)
    if text == question.text and help_text == question.help:
        return question
    return replace(question, text=text, help=help_text)


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
    if isinstance(value, bool) and question.choice(YES) and question.choice(NO):
        value = YES if value else NO  # JSON (and YAML's unquoted yes/no) say true/false
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


def answer(
    flow: Flow, progress: Progress, question_id: str, value: Answer, case: Answers = NO_FACTS
) -> Progress:
    """Give (or change) an answer; drop answers the new path no longer reaches, and log it."""
    question = flow.questions[question_id]
    value = check_answer(question, value)
    before = progress.answers.get(question_id)
    if before == value:
        return progress
    merged = {**progress.answers, question_id: value}
    kept = kept_answers(flow, merged, case)
    if before is None:
        return Progress(kept, progress.changes)
    dropped = [flow.questions[qid] for qid in progress.answers if qid not in kept]
    line = change_line(f"“{question.text}”", question, before, value)
    if dropped:
        line += "; no longer asked: " + ", ".join(f"“{q.text}”" for q in dropped)
    return Progress(kept, (*progress.changes, line))


def change_line(name: str, question: Question, before: Answer, after: Answer) -> str:
    """The audit line of an answer changed: `name` (how the line names the question) changed.

    A choice keeps its old value; typed text does not: a name typed by mistake must leave the
    record when it is corrected (issue 22 §9).
    """
    if question.type == "text":
        return f"{name} was edited"
    return f"{name} changed from “{question.label_of(before)}” to “{question.label_of(after)}”"


def kept_answers(flow: Flow, answers: Answers, case: Answers = NO_FACTS) -> dict[str, Answer]:
    """The answers the path asks for, in its order: those it no longer reaches are dropped."""
    return {qid: answers[qid] for qid in trace(flow, answers, case).path if qid in answers}


def previous_question(
    flow: Flow, progress: Progress, current: str | None, case: Answers = NO_FACTS
) -> str | None:
    """The step before `current` on the path (None at the start); `None` means the end.

    Fact nodes known are steps too: going back to one changes the fact for the whole sitting.
    """
    path = trace(flow, progress.answers, case).path
    if current is None or current not in path:
        return path[-1] if path else None
    index = path.index(current)
    return path[index - 1] if index > 0 else None


def following_step(flow: Flow, progress: Progress, current: str, case: Answers = NO_FACTS) -> Step:
    """The step after `current` on the path: the next question even if answered, else the end."""
    found = trace(flow, progress.answers, case)
    if current in found.path:
        index = found.path.index(current)
        if index + 1 < len(found.path):
            return flow.questions[found.path[index + 1]]
    return found.step


def start(
    flow: Flow, answers: Mapping[str, object], where: str = "answers", case: Answers = NO_FACTS
) -> Progress:
    """Progress from answers given up front (a draft or an answers file), each one checked.

    Answers the path never reaches are kept out, so they cannot leak into the record. `where`
    is the dotted place of these answers in their file, for error messages. A fact is not an
    answer: it belongs to the sitting's facts.
    """
    for qid in answers:
        question = flow.questions.get(qid)
        if question is None or question.fact:
            is_fact = question is not None
            raise AnswersError(
                f"{preview(qid)} is "
                + ("a case fact, not an answer" if is_fact else "not a question")
                + f" of the flow {preview(flow.id)}.",
                Location(field=f"{where}.{qid}"),
                "Give it under `facts`." if is_fact else f"Questions: {_question_ids(flow)}.",
            )
    checked = {
        qid: check_answer(flow.questions[qid], value, Location(field=f"{where}.{qid}"))
        for qid, value in answers.items()
    }
    return Progress(kept_answers(flow, checked, case))


def _question_ids(flow: Flow) -> str:
    return ", ".join(q.id for q in flow.questions.values() if not q.fact)


def path_answers(
    flow: Flow, progress: Progress, case: Answers = NO_FACTS
) -> list[tuple[Question, Answer]]:
    """The flow questions answered on the path, in order, with their answers (facts aside)."""
    return [
        (flow.questions[qid], progress.answers[qid])
        for qid in trace(flow, progress.answers, case).path
        if qid in progress.answers
    ]


def path_facts(flow: Flow, progress: Progress, case: Answers = NO_FACTS) -> list[str]:
    """The fact nodes of the flow the path reads, in order (each known in `case`)."""
    return [qid for qid in trace(flow, progress.answers, case).path if flow.questions[qid].fact]


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
    facts = facts or NO_FACTS
    memo = _memo_of(fields, lambda: [f.when for f in fields])
    key = (
        tuple([facts.get(q) for q in memo.reads]),
        tuple([values.get(q) for q in memo.reads]),
    )
    applicable = memo.get(key)
    if applicable is None:
        context: dict[str, Answer] = dict(facts)
        applicable = []
        for field in fields:
            if holds(field.when, context):
                applicable.append(field)
                if field.id in values:
                    context[field.id] = values[field.id]
        memo.keep(key, applicable)
    return list(applicable)


def refusal(field: Question, value: Answer, context: Answers) -> str | None:
    """The message refusing `value` for `field` in this context, or None if it is allowed."""
    chosen = value if isinstance(value, tuple) else (value,)
    for rule in field.refuse:
        if holds(rule.when, context) and any(v in rule.values for v in chosen):
            return rule.message
    return None


def warnings(field: Question, value: Answer, context: Answers) -> list[str]:
    """The warnings an accepted answer carries here: true, but sitting badly with the outcome."""
    chosen = value if isinstance(value, tuple) else (value,)
    return [
        rule.message
        for rule in field.warn
        if holds(rule.when, context) and any(v in rule.values for v in chosen)
    ]


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
    """One distinct way through a flow: the answers and facts it takes and the step it ends at."""

    answers: Mapping[str, Answer]
    end: str  # an outcome id, or `flow:<id>` for a hand-off
    facts: Mapping[str, Answer] = dataclasses.field(default_factory=dict)  # at the end
    asked: tuple[str, ...] = ()  # the facts the path asks (unknown when it reached them)
    absent: tuple[str, ...] = ()  # the fact nodes passed through: their facts do not apply
    key: tuple[tuple[str, int], ...] = ()  # the routes taken: (step, route index) in order


def _candidates(question: Question) -> list[Answer]:
    if question.type == "multi":
        singles: list[Answer] = [(c.value,) for c in question.choices]
        return [*singles, tuple(c.value for c in question.choices)]
    if question.choices:
        return [c.value for c in question.choices]
    return ["(text)"]


def all_paths(
    flow: Flow,
    facts: Answers = NO_FACTS,
    book: CaseFacts | None = None,
    *,
    by_fact: bool = False,
    split: Collection[str] = (),
) -> list[FlowPath]:
    """Every distinct path: one per sequence of routes taken (answers that route alike merge).

    `facts` are known before the walk starts (the sitting's so far). A fact node whose fact is
    known is followed; one whose fact does not apply is passed through; one whose fact is unknown
    branches on each of its answers, as a question does. `book` gives the derived facts. With
    `by_fact`, each value of a fact is a path of its own even where values route alike (facts are
    read beyond their routes: by later decisions, the record form, the policy); so is each answer
    to a question named in `split` (one the policy reads).
    """
    found: dict[tuple[tuple[str, int], ...], FlowPath] = {}
    derive = book if book is not None else CaseFacts()

    def visit(
        question: Question,
        answers: dict[str, Answer],
        known: dict[str, Answer],
        taken: tuple[tuple[str, int], ...],
        asked: tuple[str, ...],
        absent: tuple[str, ...],
    ) -> None:
        # Each way on: (the flow's answers, the facts known) after this step.
        if not question.fact:
            ways = [({**answers, question.id: value}, known) for value in _candidates(question)]
        elif question.id in known:
            ways = [(answers, known)]
        elif not applies(question, case_context(derive, known)):
            ways, absent = [(answers, known)], (*absent, question.id)
        else:
            ways = [(answers, {**known, question.id: value}) for value in _candidates(question)]
            asked = (*asked, question.id)
        for given, facts_now in ways:
            seen = {**case_context(derive, facts_now), **given}
            matched = [i for i, r in enumerate(question.routes) if holds(r.when, seen)]
            if not matched:
                continue  # passed through with no route: SW210, reported by lint
            index = sum(1 << i for i in matched) if question.fan_out else matched[0]
            if question.fact:
                name = _key_name(question, facts_now) if by_fact else question.id
            else:
                name = _key_name(question, given) if question.id in split else question.id
            key = (*taken, (name, index))
            step = route(flow, question, seen)
            if isinstance(step, Question):
                visit(step, given, facts_now, key, asked, absent)
            elif key not in found:
                end = (
                    step.id
                    if isinstance(step, Outcome)
                    else HANDOFF_PREFIX + ",".join(step.flow_ids)
                )
                found[key] = FlowPath(given, end, facts_now, asked, absent, key)

    visit(flow.questions[flow.start], {}, dict(facts), (), (), ())
    return list(found.values())


def route_key(
    flow: Flow, answers: Answers, case: Answers = NO_FACTS, *, by_fact: bool = False
) -> tuple[tuple[str, int], ...]:
    """The routes a walk takes through a flow, as `all_paths` keys its paths (`by_fact` alike).

    Each step passed (a question answered, a fact known or passed through) with the index of
    the route it took (for a fan-out, the set of routes, as bits).
    """
    seen = {**case, **answers}
    key: list[tuple[str, int]] = []
    step: Step = flow.questions[flow.start]
    while isinstance(step, Question):
        if step.fact:
            if step.id not in case and applies(step, case):
                break
        elif step.id not in answers:
            break
        matched = [i for i, r in enumerate(step.routes) if holds(r.when, seen)]
        if not matched:
            break
        index = sum(1 << i for i in matched) if step.fan_out else matched[0]
        key.append((_key_name(step, case) if by_fact else step.id, index))
        step = route(flow, step, seen)
    return tuple(key)


def _key_name(question: Question, known: Answers) -> str:
    """A step as a path key names it: with its value in `known` (not there: the id alone).

    Facts are read beyond their own routes (later conditions, the record form), so two values
    of a fact are two paths even where they route alike; so are two answers the policy reads.
    """
    if question.id in known:
        value = known[question.id]
        return f"{question.id}={value if isinstance(value, str) else ','.join(value)}"
    return question.id


@dataclass(frozen=True)
class DecisionPath:
    """One way through a decision from the flow it starts in, across hand-offs, to its outcome.

    `segments` are the flows walked, each with its answers; `facts` the case at the end (given,
    and taken on the way); `asked` the facts the path asks.
    """

    segments: tuple[tuple[str, Mapping[str, Answer]], ...]
    end: Outcome | Handoff
    facts: Mapping[str, Answer]
    asked: tuple[str, ...] = ()
    key: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # each flow's routes taken

    @property
    def flow(self) -> str:
        """The flow the decision ends in."""
        return self.segments[-1][0]


def decision_paths(
    catalogue: Catalogue, flow_id: str, facts: Answers = NO_FACTS, *, by_fact: bool = False
) -> list[DecisionPath]:
    """Every path of a decision starting in `flow_id` with these facts known, across hand-offs.

    A hand-off to one flow continues the decision there with the facts so far; a hand-off to
    several (the triage's fan-out) ends the path. A hand-off back to a flow already walked in the
    decision is no path: the walk refuses it (its answers contradict each other). `by_fact` as
    for `all_paths`.
    """
    found: list[DecisionPath] = []

    def follow(
        flow: Flow,
        known: Answers,
        before: tuple[tuple[str, Mapping[str, Answer]], ...],
        asked: tuple[str, ...],
        keys: tuple[tuple[str, tuple[tuple[str, int], ...]], ...],
    ) -> None:
        for path in all_paths(flow, known, catalogue.facts, by_fact=by_fact):
            segments = (*before, (flow.id, path.answers))
            taken = (*asked, *path.asked)
            key = (*keys, (flow.id, path.key))
            outcome = flow.outcomes.get(path.end)
            if outcome is not None:
                found.append(DecisionPath(segments, outcome, path.facts, taken, key))
                continue
            targets = tuple(path.end[len(HANDOFF_PREFIX) :].split(","))
            walked = {flow_id for flow_id, _ in segments}
            if len(targets) > 1:
                found.append(DecisionPath(segments, Handoff(targets), path.facts, taken, key))
            elif targets[0] not in walked:
                follow(catalogue.flows[targets[0]], path.facts, segments, taken, key)

    follow(catalogue.flows[flow_id], facts, (), (), ())
    return found
