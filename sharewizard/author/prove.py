"""The policy prover: each rule of policy.yaml over every path, record form and sitting.

`sharewizard lint` calls `prove(catalogue)` once the flows pass the flow rules. What it checks:

- **Paths.** From every entry point (the triage, and every flow named, as `decide FLOW`,
  `--practice` and `train` start), the opening facts (a stop, such as immediate danger, ends at its
  outcome), then every way through the decision across hand-offs, over every value of every fact
  the way reads (and of every answer a rule reads). Ways are kept per flow and the facts it can
  read (`_Walker`), so a flow is walked once per set of facts that can change its way, and each
  check is kept by what the rule reads (`signature`).
- **Other decisions' facts.** A decision can end with facts it never asked: another decision of
  the same sitting asked them, before it or after it. So each rule is also checked with the facts
  it reads that the path did not ask (absent, or at each value its `when` allows, one of each kind
  the conditions tell apart); a break that needs such facts counts when a sitting of the triage
  finds them: this decision and up to two others, each agreeing with the facts the rest found and
  walking none of their flows (`witness`), so sittings of up to `SITUATIONS_PER_SITTING`
  situations.
- **Record forms.** For every outcome reached, with those facts, every answer the record form
  accepts (not refused) for the fields the rule reads, and the fields deciding whether those are
  asked or refused.
- **Sittings.** Every ordered pair of decisions of the sittings two situations of the triage start:
  both decisions walked in turn, the second with the facts the first found (a flow the first
  reached is not decided again). A rule of `at: sitting` compares two decisions, and any two
  decisions of a larger sitting are also a pair of these (a decision a third one reached is no
  decision of its own), with a third decision's facts found as above.

The second decision's ways are the second flow's ways that agree with every fact the first
found: lint's fact rules (SW209) make a way depend only on the facts it reads, so these are
exactly the ways it can go (a test compares them with the engine's walk).

Each rule broken is a `Violation` with a counterexample: the answers that reach it, in order.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from sharewizard.core import engine
from sharewizard.core.model import (
    FACTS_FLOW,
    HANDOFF_PREFIX,
    Answer,
    CaseFacts,
    Catalogue,
    Condition,
    DecisionTerm,
    Handoff,
    Outcome,
    PolicyRule,
    PolicyTerm,
    Question,
)
from sharewizard.flowfiles import loader

OUTCOME, FIRST_QUESTION, RECORD, SITTING = "outcome", "first-question", "record", "sitting"

#: The most situations of the triage a sitting has, as the prover checks it: every pair of
#: decisions of two situations, each with the facts a third decision may find.
SITUATIONS_PER_SITTING = 3

#: Stand-in for typed text in a record form (no condition tests text).
TEXT = "(text)"

Pairs = tuple[tuple[str, Answer], ...]


@dataclass(frozen=True)
class Walk:
    """One decision as it can go: from an entry point, over the facts it reads, to an outcome.

    `opening` are the opening facts as asked; `route` the triage's answers (the triage entry
    only); `segments` each flow the decision walked, with its answers in the order asked; `facts`
    every fact known at the end; `flow` the flow whose outcome it is (the facts file for a stop).
    """

    entry: str
    opening: Pairs
    route: Pairs
    segments: tuple[tuple[str, Pairs], ...]
    facts: Mapping[str, Answer]
    outcome: Outcome
    flow: str
    #: The way it was walked from (shared by every entry point that starts it with these facts).
    source: object = field(default=None, compare=False, repr=False)

    @cached_property
    def flows(self) -> frozenset[str]:
        """The flows the decision walked (the triage is no part of it)."""
        return frozenset(flow_id for flow_id, _ in self.segments)

    @cached_property
    def answers(self) -> dict[str, Answer]:
        """Every answer of the decision, across its flows."""
        if isinstance(self.source, _Partial):
            return self.source.answers
        return {qid: value for _, pairs in self.segments for qid, value in pairs}


@dataclass(frozen=True)
class Violation:
    """A rule broken: where (a flow's outcome or question), what, and the counterexample."""

    rule: PolicyRule
    flow: str  # the flow (or the facts file) of `step`
    step: str  # an outcome id, or the question id of a first-question rule
    is_outcome: bool
    message: str
    more: int = 0  # further paths that break the rule at the same place

    @property
    def code(self) -> str:
        """The lint code: SW601 outcome, SW602 first question, SW603 record, SW604 sitting."""
        return {OUTCOME: "SW601", FIRST_QUESTION: "SW602", RECORD: "SW603", SITTING: "SW604"}[
            self.rule.at
        ]


@dataclass(frozen=True)
class Unworded:
    """A `{placeholder}` shown as written: reached where its wording has no words for the case."""

    flow: str  # the flow (or the facts file) of `step`
    step: str  # an outcome id, or a question or fact id
    is_outcome: bool
    message: str


@dataclass(frozen=True)
class Proof:
    """What the prover checked, and every rule it found broken."""

    rules: int
    entries: int
    paths: int
    record_forms: int
    pairs: int
    violations: tuple[Violation, ...] = ()
    unworded: tuple[Unworded, ...] = ()
    situations: int = SITUATIONS_PER_SITTING
    #: For each outcome (flow, outcome id): the rules checked there whose condition applied on
    #: some path (`when`, or a side of a sitting rule), in policy.yaml's order.
    applied: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: The rules checked before the first question of every entry point.
    first_question: tuple[str, ...] = ()

    def rules_at(self, flow: str, outcome: str) -> tuple[str, ...]:
        """The rules a path ending at this outcome was checked against (and that applied)."""
        return (*self.first_question, *self.applied.get((flow, outcome), ()))

    def to_json(self) -> dict[str, int]:
        """The counts, for `lint --json`."""
        return {
            "rules": self.rules,
            "entry_points": self.entries,
            "paths": self.paths,
            "record_forms": self.record_forms,
            "sittings": self.pairs,
            "situations_per_sitting": self.situations,
            "broken": len({v.rule.id for v in self.violations}),
        }


# --- what a condition reads ---------------------------------------------------------------------


def _leaves(condition: Condition | None) -> Iterator[Condition]:
    if condition is None:
        return
    if condition.kind == "equals":
        yield condition
    for part in condition.parts:
        yield from _leaves(part)


def _names(*conditions: Condition | None) -> set[str]:
    return {leaf.question for c in conditions for leaf in _leaves(c)}


def _rule_conditions(rule: PolicyRule) -> tuple[Condition | None, ...]:
    return (rule.when, rule.require, rule.first, rule.second)


@dataclass
class _Context:
    """The catalogue as the prover reads it: what each name in a condition depends on."""

    catalogue: Catalogue

    @cached_property
    def book(self) -> CaseFacts:
        return self.catalogue.facts

    @cached_property
    def terms(self) -> Mapping[str, PolicyTerm]:
        policy = self.catalogue.policy
        return policy.terms if policy is not None else {}

    @cached_property
    def wording_facts(self) -> frozenset[str]:
        return frozenset(w.fact for w in self.book.wording.values())

    def facts_of(self, names: set[str]) -> frozenset[str]:
        """The facts these names read: facts, those derived facts read, terms' wording, `when`s.

        Closed under facts' `when`s, so that a fact whose `when` reads another can be known.
        """
        found: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name in found:
                continue
            if name in self.book.facts:
                found.add(name)
                todo.extend(_names(self.book.facts[name].question.when))
            elif name in self.book.derived:
                todo.extend(_names(self.book.derived[name].when))
            elif name in self.terms and self.terms[name].mentions:
                todo.extend(self.wording_facts)
        return frozenset(found)

    def kinds(
        self,
        conditions: Sequence[Condition | None],
        facts: frozenset[str],
        fields: Sequence[Question],
    ) -> dict[str, tuple[str, ...]]:
        """For each fact and field, one answer of each kind these conditions tell apart.

        Two answers are of a kind when every test of the name, in these conditions, the derived
        facts, the facts' `when`s and the fields' refusals, treats them alike; a fact that words
        an outcome keeps every answer.
        """
        tests: dict[str, list[tuple[str, ...]]] = {}
        everywhere = [
            *conditions,
            *(d.when for d in self.book.derived.values()),
            *(f.question.when for f in self.book.facts.values()),
        ]
        for leaf in (leaf for c in everywhere for leaf in _leaves(c)):
            tests.setdefault(leaf.question, []).append(leaf.values)
        for question in fields:
            for rule in question.refuse:
                tests.setdefault(question.id, []).append(rule.values)
        questions = [self.book.facts[f].question for f in facts] + list(fields)
        found = {}
        for question in questions:
            kinds: dict[tuple[bool, ...], str] = {}
            for choice in question.choices:
                if question.id in self.wording_facts:
                    kind: tuple[bool, ...] = (True,) * len(kinds)  # each its own
                else:
                    kind = tuple(choice.value in values for values in tests.get(question.id, ()))
                kinds.setdefault(kind, choice.value)
            found[question.id] = tuple(kinds.values())
        return found

    def questions_read(self, names: set[str]) -> frozenset[str]:
        """The flow questions among these names (a rule may read a flow's answers)."""
        asked = {q.id for f in self.catalogue.flows.values() for q in f.questions.values()}
        return frozenset(n for n in names if n in asked and n not in self.book.facts)

    @cached_property
    def readable(self) -> dict[str, frozenset[str]]:
        """For each flow, the facts a decision starting in it can read (across its hand-offs)."""
        own: dict[str, set[str]] = {}
        onward: dict[str, set[str]] = {}
        for flow in self.catalogue.flows.values():
            names: set[str] = set()
            onward[flow.id] = set()
            for question in flow.questions.values():
                if question.fact:
                    names.add(question.id)
                for route in question.routes:
                    names |= _names(route.when)
                    if route.goto.startswith(HANDOFF_PREFIX):
                        onward[flow.id].add(route.goto[len(HANDOFF_PREFIX) :])
            own[flow.id] = set(self.facts_of(names))
        reach = {flow_id: set(own[flow_id]) for flow_id in own}
        changed = True
        while changed:  # hand-offs may loop (SW204): to a fixed point
            changed = False
            for flow_id, targets in onward.items():
                for target in targets:
                    if not reach[target] <= reach[flow_id]:
                        reach[flow_id] |= reach[target]
                        changed = True
        return {flow_id: frozenset(found) for flow_id, found in reach.items()}


# --- walking every decision --------------------------------------------------------------------


@dataclass(frozen=True)
class _Partial:
    """A decision's way from one flow on, with the facts it found (of those the flow reads).

    `base` is the way as walked (the facts the flow can read), when this one adds facts it
    cannot read (the opening's role, say): checks that read only the base are made once for it.
    """

    segments: tuple[tuple[str, Pairs], ...]
    facts: Mapping[str, Answer]
    outcome: Outcome
    flow: str
    base: _Partial | None = field(default=None, compare=False)
    rest: Mapping[str, Answer] = field(default_factory=dict, compare=False)

    @cached_property
    def answers(self) -> dict[str, Answer]:
        """Every answer of the way, across its flows."""
        return {qid: value for _, pairs in self.segments for qid, value in pairs}


@dataclass
class _Walker:
    """Every way through a decision, kept per flow and the facts it can read."""

    context: _Context
    split: frozenset[str]
    kept: dict[tuple[str, frozenset[tuple[str, Answer]]], list[_Partial]] = field(
        default_factory=dict
    )
    merged: dict[tuple[str, frozenset[tuple[str, Answer]]], list[_Partial]] = field(
        default_factory=dict
    )

    def partials(self, flow_id: str, facts: Mapping[str, Answer]) -> list[_Partial]:
        """Each way from `flow_id` with these facts known, to an outcome (facts: merged in)."""
        readable = self.context.readable[flow_id]
        key = (flow_id, frozenset((k, v) for k, v in facts.items() if k in readable))
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = self._follow(flow_id, dict(key[1]))
        rest = {k: v for k, v in facts.items() if k not in readable}
        if not rest:
            return found
        whole = (flow_id, frozenset(facts.items()))
        merged = self.merged.get(whole)
        if merged is None:
            merged = self.merged[whole] = [
                _Partial(p.segments, {**rest, **p.facts}, p.outcome, p.flow, p, rest) for p in found
            ]
        return merged

    def _follow(self, flow_id: str, facts: dict[str, Answer]) -> list[_Partial]:
        catalogue = self.context.catalogue
        flow = catalogue.flows[flow_id]
        found: list[_Partial] = []
        for path in engine.all_paths(flow, facts, catalogue.facts, by_fact=True, split=self.split):
            here = ((flow_id, tuple(path.answers.items())),)
            outcome = flow.outcomes.get(path.end)
            if outcome is not None:
                found.append(_Partial(here, path.facts, outcome, flow_id))
                continue
            targets = path.end[len(HANDOFF_PREFIX) :].split(",")
            if len(targets) != 1:
                continue  # a fan-out starts decisions of their own (the triage: see sittings)
            for later in self.partials(targets[0], path.facts):
                if any(walked == flow_id for walked, _ in later.segments):
                    continue  # back to a flow it walked: refused, no path (SW204)
                found.append(
                    _Partial((*here, *later.segments), later.facts, later.outcome, later.flow)
                )
        return found


# --- the proof ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reads:
    """What a condition (or a rule with the record fields it needs) reads, worked out once."""

    facts: frozenset[str]  # the facts, with what derived facts, terms and `when`s read
    answers: frozenset[str]  # flow questions
    outcome: frozenset[str]  # the outcome facts (decision, shares...) and terms
    fields: tuple[Question, ...] = ()  # record fields, with those deciding whether they are asked
    worded: bool = False  # a term reads the outcome's words (so which outcome it is matters)
    #: For each fact and field, one answer of each kind the conditions tell apart (answers that
    #: every condition treats alike need trying once).
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def names(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The names read, in a fixed order: outcome, facts, answers."""
        return tuple(sorted(self.outcome)), tuple(sorted(self.facts)), tuple(sorted(self.answers))


@dataclass(frozen=True)
class _Break:
    """Why a rule is broken at an outcome, and the facts another decision must have found."""

    because: str
    extra: Pairs = ()


@dataclass
class _Found:
    """A rule broken at one place: the first counterexample, and how many paths break it."""

    rule: PolicyRule
    flow: str
    step: str
    is_outcome: bool
    message: str
    count: int = 1


@dataclass(frozen=True)
class _Sitting:
    """A sitting of the triage: its answers, its decisions in turn, and the one a break is of."""

    route: Pairs
    decisions: tuple[Walk, ...]
    given: tuple[int, ...]  # where the decisions it was found for are among them


@dataclass
class _Prover:
    catalogue: Catalogue
    context: _Context
    walker: _Walker
    found: dict[tuple[str, str, str], _Found] = field(default_factory=dict)
    checked: dict[tuple[object, ...], bool] = field(default_factory=dict)
    breaks: dict[tuple[object, ...], list[_Break]] = field(default_factory=dict)
    applies: dict[tuple[object, ...], bool] = field(default_factory=dict)
    #: For each outcome (flow, id): the rules whose `when` held there on some path.
    applied: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    witnesses: dict[tuple[object, ...], _Sitting | None] = field(default_factory=dict)
    indexes: dict[tuple[str, Pairs, Pairs], _Index] = field(default_factory=dict)
    term_values: dict[tuple[object, ...], dict[str, Answer]] = field(default_factory=dict)
    record_contexts: set[tuple[object, ...]] = field(default_factory=set)
    reads: dict[int, _Reads] = field(default_factory=dict)
    abouts: dict[int, tuple[Walk, dict[str, Answer]]] = field(default_factory=dict)
    projections: dict[tuple[int, int], tuple[tuple[object, ...], ...]] = field(default_factory=dict)
    steps_shown: dict[int, list[tuple[str, str, tuple[str, ...], str | None]]] = field(
        default_factory=dict
    )
    worded: set[object] = field(default_factory=set)
    unworded: dict[tuple[str, str, str], Unworded] = field(default_factory=dict)
    broken: dict[object, list[tuple[PolicyRule, _Break, _Sitting | None]]] = field(
        default_factory=dict
    )

    @cached_property
    def rules(self) -> tuple[PolicyRule, ...]:
        policy = self.catalogue.policy
        return policy.rules if policy is not None else ()

    def at(self, where: str) -> list[PolicyRule]:
        return [rule for rule in self.rules if rule.at == where]

    def reads_of(self, *conditions: Condition | None, record: bool = False) -> _Reads:
        """What these conditions read (kept per condition: the rules are few, the paths many)."""
        key = hash(tuple(id(c) for c in conditions)) ^ record
        found = self.reads.get(key)
        if found is None:
            names = _names(*conditions)
            fields: tuple[Question, ...] = ()
            if record:
                fields = tuple(_fields_deciding(self.catalogue.record_form.fields, names))
                names |= {n for f in fields for n in _field_names(f)}
            terms = self.context.terms
            about = {n for n in names if n in engine.OUTCOME_FACTS or n in terms}
            facts = self.context.facts_of(names)
            found = self.reads[key] = _Reads(
                facts,
                self.context.questions_read(names),
                frozenset(about),
                fields,
                any(terms[n].mentions for n in about if n in terms),
                self.context.kinds(
                    [*conditions, *(c for f in fields for c in _field_conditions(f))], facts, fields
                ),
            )
        return found

    def signature(self, walk: Walk, reads: _Reads) -> tuple[object, ...]:
        """What a check of `reads` at the walk's outcome depends on: the same, the same result.

        The outcome counts by what the conditions read of it (its decision, whether it shares,
        its terms), and by its words when a term reads them: the facts that word it are read.
        """
        about = self.about(walk)
        outcome, facts, answers = reads.names
        source = walk.source
        if not isinstance(source, _Partial):
            return (
                (walk.flow, walk.outcome.id) if reads.worded else (),
                tuple(about.get(n) for n in outcome),
                tuple(walk.facts.get(n) for n in facts),
                tuple(walk.answers.get(n) for n in answers),
            )
        base = source.base or source  # what the flow read is projected once, for every entry
        key = (id(base), id(reads))
        found = self.projections.get(key)
        if found is None:
            found = self.projections[key] = (
                tuple(base.facts.get(n) for n in facts),
                tuple(base.answers.get(n) for n in answers),
            )
        return (
            (walk.flow, walk.outcome.id) if reads.worded else (),
            tuple(about.get(n) for n in outcome),
            *found,
            tuple(source.rest.get(n) for n in facts) if source.rest else (),
        )

    def about(self, walk: Walk) -> dict[str, Answer]:
        """The walk's outcome facts and terms, with the walk's own facts (kept per walk)."""
        found = self.abouts.get(id(walk))
        if found is None or found[0] is not walk:
            found = (
                walk,
                {
                    **engine.outcome_facts(walk.outcome, self.decisions),
                    **self.terms(walk, walk.facts),
                },
            )
            self.abouts[id(walk)] = found
        return found[1]

    @cached_property
    def decisions(self) -> Mapping[str, DecisionTerm]:
        return self.catalogue.record_form.decisions

    # --- what conditions see ------------------------------------------------------------------

    def terms(self, walk: Walk, facts: Mapping[str, Answer]) -> dict[str, Answer]:
        """Each term of the policy for the walk's outcome, as worded for these facts."""
        book = self.catalogue.facts
        wording = tuple(facts.get(f) for f in sorted(self.context.wording_facts))
        key = (walk.flow, walk.outcome.id, wording)
        found = self.term_values.get(key)
        if found is None:
            worded = engine.worded_outcome(walk.outcome, book.wording, facts)
            found = self.term_values[key] = {
                name: term_value(term, worded) for name, term in self.context.terms.items()
            }
        return found

    def seen(self, walk: Walk, facts: Mapping[str, Answer]) -> dict[str, Answer]:
        """What a condition sees at the walk's outcome, with these facts known."""
        seen = engine.case_context(self.catalogue.facts, facts)
        seen.update(walk.answers)
        seen.update(engine.outcome_facts(walk.outcome, self.decisions))
        seen.update(self.terms(walk, facts))
        return seen

    def extensions(self, facts: Mapping[str, Answer], reads: _Reads) -> Iterator[dict[str, Answer]]:
        """These facts, and each fact `reads` reads that they lack: absent, or any answer.

        Any answer that applies, one of each kind the conditions tell apart. The first is the
        facts as they are. Facts are taken in facts.yaml's order, so that a fact's `when` (which
        reads only facts before it) is known when it is tried.
        """
        book = self.catalogue.facts
        free = [f for f in book.facts if f in reads.facts and f not in facts]

        def extend(index: int, known: dict[str, Answer]) -> Iterator[dict[str, Answer]]:
            if index == len(free):
                yield known
                return
            yield from extend(index + 1, known)
            question = book.facts[free[index]].question
            if engine.applies(question, engine.case_context(book, known)):
                for value in reads.kinds[question.id]:
                    yield from extend(index + 1, {**known, question.id: value})

        return extend(0, dict(facts))

    # --- findings -------------------------------------------------------------------------------

    def report(
        self, rule: PolicyRule, walk: Walk, broken: _Break, sitting: _Sitting | None = None
    ) -> None:
        """A rule broken at the walk's outcome: the first counterexample kept, the rest counted."""

        def message() -> str:
            if sitting is None:
                return describe(self.catalogue, walk) + broken.because
            return (
                describe_sitting(self.catalogue, sitting.route, sitting.decisions)
                + f"; at decision {sitting.given[0] + 1}'s outcome{broken.because}"
            )

        self.keep(rule, walk.flow, walk.outcome.id, True, message)

    def keep(
        self, rule: PolicyRule, flow: str, step: str, is_outcome: bool, message: Callable[[], str]
    ) -> None:
        """A rule broken at a step of a flow: the first message kept (made only then)."""
        found = self.found.get((rule.id, flow, step))
        if found is not None:
            found.count += 1
        else:
            self.found[(rule.id, flow, step)] = _Found(rule, flow, step, is_outcome, message())

    def violations(self) -> tuple[Violation, ...]:
        return tuple(
            Violation(f.rule, f.flow, f.step, f.is_outcome, f.message, f.count - 1)
            for f in self.found.values()
        )

    # --- outcome rules ------------------------------------------------------------------------

    def check(self, walk: Walk) -> None:
        """The outcome and record rules at the walk's outcome (once per way, whatever the entry)."""
        key = walk.source if isinstance(walk.source, tuple) else id(walk.source)
        broken = self.broken.get(key)
        if broken is None:
            broken = self.broken[key] = list(self._confirmed(walk))
        for rule, why, sitting in broken:
            self.report(rule, walk, why, sitting)
        if key not in self.worded:
            self.worded.add(key)
            self._check_wording(walk)

    def _check_wording(self, walk: Walk) -> None:
        """Every `{placeholder}` the walk shows, worded for the facts known when it is shown."""
        book = self.catalogue.facts
        known = dict(walk.opening)
        for flow_id, step, shown, fact_id in self._shown(walk):
            if fact_id is not None:
                known[fact_id] = walk.facts[fact_id]
            if not any("{" in text for text in shown):
                continue
            case = engine.case_context(book, known)
            for text in shown:
                left = engine.PLACEHOLDER.search(engine.worded(text, book.wording, case))
                if left is not None:
                    self._unworded(walk, flow_id, step, False, left.group(1), case)
        if not any("{" in text for _, text in walk.outcome.texts):
            return
        outcome = engine.worded_outcome(
            walk.outcome, book.wording, engine.case_context(book, walk.facts)
        )
        for _, text in outcome.texts:
            left = engine.PLACEHOLDER.search(text)
            if left is not None:
                self._unworded(walk, walk.flow, walk.outcome.id, True, left.group(1), walk.facts)

    def _shown(self, walk: Walk) -> list[tuple[str, str, tuple[str, ...], str | None]]:
        """Each step the walk asks, in order: (flow, step, its text and help, the fact it asks).

        Kept per way as walked: every entry point and opening answer that starts it shows the
        same steps.
        """
        source = walk.source
        base = (source.base or source) if isinstance(source, _Partial) else None
        if base is None:
            return list(self._steps_shown(walk))
        found = self.steps_shown.get(id(base))
        if found is None:
            found = self.steps_shown[id(base)] = list(self._steps_shown(walk))
        return found

    def _steps_shown(self, walk: Walk) -> Iterator[tuple[str, str, tuple[str, ...], str | None]]:
        told = {k for k, _ in walk.opening}
        case = engine.case_context(self.catalogue.facts, walk.facts)
        for flow_id, answers in walk.segments:
            flow = self.catalogue.flows[flow_id]
            for step in engine.trace(flow, dict(answers), case).path:
                question = flow.questions[step]
                if question.fact and step in told:
                    continue
                told.add(step)
                yield flow_id, step, (question.text, question.help), step if question.fact else None

    def _unworded(
        self,
        walk: Walk,
        flow: str,
        step: str,
        is_outcome: bool,
        name: str,
        case: Mapping[str, Answer],
    ) -> None:
        key = (flow, step, name)
        if key in self.unworded:
            return
        wording = self.catalogue.facts.wording.get(name)
        why = (
            f"the wording {name} has no words for {words(wording.fact)} "
            f"{_value(case.get(wording.fact))} (give it a `default:`)"
            if wording is not None
            else f"facts.yaml has no wording {name}"
        )
        where = f"{words(step)}, asked" if not is_outcome else "the outcome"
        said = f"{describe(self.catalogue, walk)}: {where} shows “{{{name}}}” as written: {why}"
        self.unworded[key] = Unworded(flow, step, is_outcome, f"{name}: {said}")

    def _confirmed(self, walk: Walk) -> Iterator[tuple[PolicyRule, _Break, _Sitting | None]]:
        """Each rule the walk breaks: with its own facts, or with those of a sitting that has it.

        A break that needs facts the walk did not ask counts only when a sitting of at most
        `SITUATIONS_PER_SITTING` situations has another decision that finds them.
        """
        for rule, breaks in (*self._outcome_breaks(walk), *self._record_breaks(walk)):
            for why in breaks:
                if not why.extra:
                    yield rule, why, None
                    break
                sitting = self.witness((walk,), dict(why.extra))
                if sitting is not None:
                    yield rule, why, sitting
                    break

    def _outcome_breaks(self, walk: Walk) -> list[tuple[PolicyRule, list[_Break]]]:
        found = []
        for rule in self.at(OUTCOME):
            reads = self.reads_of(rule.when, rule.require)
            key = (rule.id, *self.signature(walk, reads))
            breaks = self.breaks.get(key)
            if breaks is None:
                breaks = self.breaks[key] = self._breaks(rule, walk, reads)
                seen = self.seen(walk, walk.facts)
                self.applies[key] = engine.holds(rule.when, seen)
            if self.applies[key]:
                self.applied.setdefault((walk.flow, walk.outcome.id), set()).add(rule.id)
            if breaks:
                found.append((rule, breaks))
        return found

    def _breaks(self, rule: PolicyRule, walk: Walk, reads: _Reads) -> list[_Break]:
        """How the rule can break at the walk's outcome: with its facts, else with more facts."""
        found = []
        for facts in self.extensions(walk.facts, reads):
            seen = self.seen(walk, facts)
            if engine.holds(rule.when, seen) and not engine.holds(rule.require, seen):
                extra = tuple((k, v) for k, v in facts.items() if k not in walk.facts)
                found.append(_Break(_because(rule, seen), extra))
                if not extra:
                    break
        return found

    # --- first-question rules -----------------------------------------------------------------

    def check_first_question(self, entry: str, opening: Pairs, question: Question) -> None:
        """The rules checked just before the entry point's first question, after the opening."""
        seen = engine.case_context(self.catalogue.facts, dict(opening))
        for rule in self.at(FIRST_QUESTION):
            if engine.holds(rule.when, seen) and not engine.holds(rule.require, seen):
                steps = "; ".join(f"{words(k)} {_value(v)}" for k, v in opening) or "nothing"
                message = (
                    f"decide {_entry(self.catalogue, entry)}: {steps} → the first question, "
                    f"{words(question.id)}, is asked{_but(rule.require, seen)}"
                )
                self.keep(rule, entry, question.id, False, functools.partial(str, message))

    # --- record rules ---------------------------------------------------------------------------

    def _record_breaks(self, walk: Walk) -> list[tuple[PolicyRule, list[_Break]]]:
        found = []
        for rule in self.at(RECORD):
            reads = self.reads_of(rule.when, rule.require, record=True)
            signature = self.signature(walk, reads)
            self.record_contexts.add(signature)
            key = ("record", rule.id, *signature)
            breaks = self.breaks.get(key)
            if breaks is None:
                breaks = self.breaks[key] = self._record_break(rule, walk, reads)
                # Checked here when the form asks what `when` reads, refused or not.
                forms = self.forms(walk, dict(walk.facts), reads, refusing=False)
                self.applies[key] = any(engine.holds(rule.when, seen) for seen in forms)
            if self.applies[key]:
                self.applied.setdefault((walk.flow, walk.outcome.id), set()).add(rule.id)
            if breaks:
                found.append((rule, breaks))
        return found

    def _record_break(self, rule: PolicyRule, walk: Walk, reads: _Reads) -> list[_Break]:
        """For each set of facts the form can be filled with, an accepted answer breaking it."""
        found = []
        for facts in self.extensions(walk.facts, reads):
            for seen in self.forms(walk, facts, reads):
                if engine.holds(rule.when, seen) and not engine.holds(rule.require, seen):
                    extra = tuple((k, v) for k, v in facts.items() if k not in walk.facts)
                    told = set(_names_said(_why(rule.when, seen, True)))
                    told |= set(_names_said(_why(rule.require, seen, False)))
                    given = ", ".join(
                        f"{words(f.id)} {_value(seen[f.id])}" for f in reads.fields if f.id in told
                    )
                    because = f"; the record form accepts {given}{_because(rule, seen)}"
                    found.append(_Break(because, extra))
                    break
            if found and not found[-1].extra:
                break
        return found

    def forms(
        self, walk: Walk, facts: dict[str, Answer], reads: _Reads, *, refusing: bool = True
    ) -> Iterator[dict[str, Answer]]:
        """What conditions see for every answer to these fields the form accepts here.

        A field applies when its `when` holds over the fields before it; a refused answer is left
        out (unless not `refusing`); an optional field may be left empty; a fact field already
        known is not asked.
        """
        fields, kinds = reads.fields, reads.kinds

        def fill(
            index: int, seen: dict[str, Answer], known: dict[str, Answer]
        ) -> Iterator[dict[str, Answer]]:
            if index == len(fields):
                yield seen
                return
            question = fields[index]
            if not engine.holds(question.when, seen) or (question.fact and question.id in known):
                yield from fill(index + 1, seen, known)
                return
            options: list[Answer] = (
                [
                    v
                    for v in kinds[question.id]
                    if not refusing or engine.refusal(question, v, seen) is None
                ]
                if question.choices
                else [TEXT]
            )
            if not question.required:
                yield from fill(index + 1, seen, known)
            for value in options:
                if question.fact:
                    after = {**known, question.id: value}
                    yield from fill(
                        index + 1, {**self.seen(walk, after), **_fields(seen, fields)}, after
                    )
                else:
                    yield from fill(index + 1, {**seen, question.id: value}, known)

        return fill(0, self.seen(walk, facts), facts)

    # --- sitting rules ------------------------------------------------------------------------

    def check_pair(self, rule: PolicyRule, first: Walk, second: Walk, route: Pairs) -> None:
        """Both orders of two decisions of one sitting, their facts those of the sitting.

        With facts neither asked, only when a third decision of the sitting finds them.
        """
        facts = {**first.facts, **second.facts}
        reads = self.reads_of(rule.first, rule.second)
        walks = (first, second)
        for one in (0, 1):
            for known in self.extensions(facts, reads):
                seen = (self.seen(first, known), self.seen(second, known))
                if not (
                    engine.holds(rule.first, seen[one]) and engine.holds(rule.second, seen[1 - one])
                ):
                    continue
                extra = {k: v for k, v in known.items() if k not in facts}
                sitting = (
                    _Sitting(route, walks, (0, 1)) if not extra else self.witness(walks, extra)
                )
                if sitting is None:
                    continue
                said = (
                    f": in decision {sitting.given[one] + 1}, "
                    f"{_held(rule.first, seen[one])}; in decision "
                    f"{sitting.given[1 - one] + 1}, {_held(rule.second, seen[1 - one])}"
                )
                self.keep(
                    rule,
                    walks[1 - one].flow,
                    walks[1 - one].outcome.id,
                    True,
                    functools.partial(_sitting_message, self.catalogue, sitting, said),
                )
                return

    # --- other decisions of a sitting -----------------------------------------------------------

    def witness(self, decisions: Sequence[Walk], extra: Mapping[str, Answer]) -> _Sitting | None:
        """A sitting of the triage with these decisions and others that find `extra`.

        At most `SITUATIONS_PER_SITTING` situations in all. Each other decision agrees with the
        facts of the rest and walks none of their flows (else it is no decision of its own, or
        one of them is not); decisions are in the order of their situations.
        """
        catalogue = self.catalogue
        key = (tuple(id(d.source) for d in decisions), tuple(sorted(extra.items())))
        if key in self.witnesses:
            return self.witnesses[key]
        found = None
        if catalogue.triage is None:  # no triage: every sitting has one decision
            self.witnesses[key] = None
            return None
        routes = list(_triage_routes(self, decisions[0].opening, singles=True))
        place = {queue[0]: n for n, (_, _, queue) in enumerate(routes)}
        starts = [d.segments[0][0] for d in decisions if d.segments]
        if all(start in place for start in starts):
            facts = {k: v for d in decisions for k, v in d.facts.items()}
            flows = frozenset(f for d in decisions for f in d.flows)
            room = SITUATIONS_PER_SITTING - len(decisions)
            opening = decisions[0].opening
            others = self._others(opening, routes, facts, flows, dict(extra), room)
            if others is not None and len(starts) == len(decisions):
                mine = [
                    replace(d, route=routes[place[start]][0])
                    for d, start in zip(decisions, starts, strict=True)
                ]
                walks = sorted([*mine, *others], key=lambda w: place[w.segments[0][0]])
                given = tuple(next(i for i, w in enumerate(walks) if w is m) for m in mine)
                found = _Sitting(_both(*(w.route for w in walks)), tuple(walks), given)
        self.witnesses[key] = found
        return found

    def _others(
        self,
        opening: Pairs,
        routes: list[tuple[Pairs, dict[str, Answer], tuple[str, ...]]],
        facts: dict[str, Answer],
        flows: frozenset[str],
        need: dict[str, Answer],
        room: int,
    ) -> tuple[Walk, ...] | None:
        """Up to `room` decisions of other situations, agreeing with `facts`, finding `need`."""
        if not need:
            return ()
        if room <= 0:
            return None
        for route, known, queue in routes:
            flow = queue[0]
            if flow in flows:
                continue
            index = self.index(flow, opening, known)
            fits = index.agreeing(facts) & index.agreeing(need) & ~index.entering(flows)
            complete = fits & index.finding(need)
            if complete:
                return (replace(index.walks[next(_bits(complete))], route=route),)
            for n in _bits(fits & index.finding_any(need)) if room > 1 else ():
                walk = replace(index.walks[n], route=route)
                rest = self._others(
                    opening,
                    routes,
                    {**facts, **walk.facts},
                    flows | walk.flows,
                    {k: v for k, v in need.items() if k not in walk.facts},
                    room - 1,
                )
                if rest is not None:
                    return (walk, *rest)
        return None

    def index(self, flow: str, opening: Pairs, known: dict[str, Answer]) -> _Index:
        """The decisions a flow starts with these facts known, indexed (kept)."""
        key = (flow, opening, tuple(sorted(known.items())))
        found = self.indexes.get(key)
        if found is None:
            walks = [
                _walk(self.catalogue.triage or "", opening, (), partial)
                for partial in self.walker.partials(flow, known)
            ]
            found = self.indexes[key] = _Index.of(walks, self.context.readable[flow])
        return found

    def may_hold(self, condition: Condition | None, walk: Walk) -> bool:
        """Whether `condition` holds at the walk's outcome with some facts of another decision."""
        reads = self.reads_of(condition)
        key = ("side", id(condition), *self.signature(walk, reads))
        if key not in self.checked:
            holds = any(
                engine.holds(condition, self.seen(walk, known))
                for known in self.extensions(walk.facts, reads)
            )
            self.checked[key] = holds
        return self.checked[key] is True


def _fields(seen: Mapping[str, Answer], fields: Sequence[Question]) -> dict[str, Answer]:
    return {f.id: seen[f.id] for f in fields if f.id in seen and not f.fact}


def term_value(term: PolicyTerm, outcome: Outcome) -> Answer:
    """A term of the policy for an outcome (already worded): yes or no."""
    parts = dict(_parts(outcome))
    if term.has:
        return "yes" if all(parts.get(name) for name in term.has) else "no"
    chosen = term.parts or tuple(parts)
    text = " ".join(" ".join(parts.get(name, "").split()) for name in chosen).casefold()
    return "yes" if any(" ".join(m.split()).casefold() in text for m in term.mentions) else "no"


def _parts(outcome: Outcome) -> Iterator[tuple[str, str]]:
    yield "title", outcome.title
    yield "summary", outcome.summary
    yield "actions", " ".join(outcome.actions)
    yield "now", outcome.now
    yield "further", outcome.further


def _project(values: Mapping[str, Answer], names: frozenset[str]) -> Pairs:
    return tuple(sorted((k, v) for k, v in values.items() if k in names))


def _field_conditions(question: Question) -> tuple[Condition | None, ...]:
    return (question.when, *(rule.when for rule in question.refuse))


def _field_names(question: Question) -> set[str]:
    return _names(*_field_conditions(question))


def _fields_deciding(form: Sequence[Question], names: set[str]) -> list[Question]:
    """The record fields these names read, and the fields their `when`s and refusals read."""
    by_id = {f.id: f for f in form}
    wanted: set[str] = set()
    todo = [n for n in names if n in by_id]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo.extend(n for n in _field_names(by_id[name]) if n in by_id)
    return [f for f in form if f.id in wanted]


# --- entry points -------------------------------------------------------------------------------


def proof_of(directory: Path) -> Proof:
    """The proof of a flows folder's policy, kept while none of its files changes."""
    return _proof_of(directory.resolve(), loader.folder_stamp(directory))


@functools.lru_cache(maxsize=4)
def _proof_of(directory: Path, _stamp: tuple[tuple[str, int], ...]) -> Proof:
    return prove(loader.load_catalogue(directory))


def prove(catalogue: Catalogue) -> Proof:
    """Check every rule of the catalogue's policy; a catalogue without one has nothing to prove."""
    policy = catalogue.policy
    if policy is None:
        return Proof(0, 0, 0, 0, 0)
    context = _Context(catalogue)
    tested = {n for rule in policy.rules for n in _names(*_rule_conditions(rule))}
    walker = _Walker(context, context.questions_read(tested))
    prover = _Prover(catalogue, context, walker)
    entries = _entries(catalogue)
    paths = 0
    for entry in entries:
        for walk in _entry_walks(prover, entry):
            paths += 1
            prover.check(walk)
    pairs = _sittings(prover)
    return Proof(
        rules=len(policy.rules),
        entries=len(entries),
        paths=paths,
        record_forms=len(prover.record_contexts),
        pairs=pairs,
        violations=prover.violations(),
        unworded=tuple(prover.unworded.values()),
        applied={
            where: tuple(r.id for r in policy.rules if r.id in ids)
            for where, ids in prover.applied.items()
        },
        first_question=tuple(r.id for r in prover.at(FIRST_QUESTION)),
    )


def _entries(catalogue: Catalogue) -> list[str]:
    """The triage first (plain `decide`), then every other flow, as `decide FLOW` names it."""
    others = sorted(f for f in catalogue.flows if f != catalogue.triage)
    return [catalogue.triage, *others] if catalogue.triage else others


def _openings(catalogue: Catalogue, entry: str) -> list[tuple[Pairs, Outcome | None]]:
    """The opening facts' answers, in order, and the outcome a stop ends at (None: go on)."""
    book = catalogue.facts
    if not book.opening:
        return [((), None)]
    opening = engine.opening_flow(book, entry)
    found = []
    for path in engine.all_paths(opening, {}, book, by_fact=True):
        given = tuple((f, path.facts[f]) for f in book.opening if f in path.facts)
        found.append((given, opening.outcomes.get(path.end)))
    return found


def _entry_walks(prover: _Prover, entry: str) -> Iterator[Walk]:
    """Every decision the entry point starts, from each answer to the opening."""
    catalogue = prover.catalogue
    flow = catalogue.flows[entry]
    for opening, stop in _openings(catalogue, entry):
        facts = dict(opening)
        if stop is not None:
            yield Walk(entry, opening, (), (), facts, stop, FACTS_FLOW, (stop.id, opening))
            continue
        first = engine.next_step(flow, {}, engine.case_context(catalogue.facts, facts))
        if isinstance(first, Question):
            prover.check_first_question(entry, opening, first)
        if entry != catalogue.triage:
            for partial in prover.walker.partials(entry, facts):
                yield _walk(entry, opening, (), partial)
            continue
        for route, known, queue in _triage_routes(prover, opening, singles=True):
            for partial in prover.walker.partials(queue[0], known):
                yield _walk(entry, opening, route, partial)


def _walk(entry: str, opening: Pairs, route: Pairs, partial: _Partial) -> Walk:
    return Walk(
        entry,
        opening,
        route,
        partial.segments,
        partial.facts,
        partial.outcome,
        partial.flow,
        partial,
    )


def _triage_routes(
    prover: _Prover, opening: Pairs, *, singles: bool
) -> Iterator[tuple[Pairs, dict[str, Answer], tuple[str, ...]]]:
    """The triage's answers up to its fan-out, with one situation (or two), and the queue.

    Yields (answers, facts known, the flows to decide in turn).
    """
    catalogue = prover.catalogue
    triage = catalogue.flows[catalogue.triage or ""]
    book = catalogue.facts
    for path in engine.all_paths(triage, dict(opening), book, by_fact=True):
        fan_out = next((q for q in triage.questions.values() if q.fan_out), None)
        if fan_out is None or fan_out.id not in path.answers:
            continue
        chosen = path.answers[fan_out.id]
        if not isinstance(chosen, tuple) or len(chosen) != 1:
            continue  # every situation at once: sittings are enumerated by pairs below
        values = [c.value for c in fan_out.choices]
        picks = (
            [chosen]
            if singles
            else [(a, b) for a, b in itertools.combinations(values, 2) if chosen == (a,)]
        )
        for pick in picks:
            answers = {**path.answers, fan_out.id: pick}
            step = engine.next_step(triage, answers, engine.case_context(book, dict(path.facts)))
            if isinstance(step, Handoff):
                yield tuple(answers.items()), dict(path.facts), step.flow_ids


# --- sittings -------------------------------------------------------------------------------


@dataclass
class _Index:
    """The decisions of one flow with these facts, as bit sets for finding the second of a pair."""

    walks: list[Walk]
    by_fact: dict[str, dict[Answer | None, int]]
    by_flow: dict[str, int]
    sides: dict[int, int] = field(default_factory=dict)  # id(condition) -> walks it may hold for

    @classmethod
    def of(cls, walks: list[Walk], facts: frozenset[str]) -> _Index:
        by_fact: dict[str, dict[Answer | None, int]] = {f: {} for f in facts}
        by_flow: dict[str, int] = {}
        for n, walk in enumerate(walks):
            bit = 1 << n
            for fact_id in facts:
                value = walk.facts.get(fact_id)
                by_fact[fact_id][value] = by_fact[fact_id].get(value, 0) | bit
            for flow_id in walk.flows:
                by_flow[flow_id] = by_flow.get(flow_id, 0) | bit
        return cls(walks, by_fact, by_flow)

    def agreeing(self, facts: Mapping[str, Answer]) -> int:
        """The walks that agree with these facts: each is the same, or not known to the walk."""
        found = (1 << len(self.walks)) - 1
        for fact_id, value in facts.items():
            values = self.by_fact.get(fact_id)
            if values is not None:
                found &= values.get(value, 0) | values.get(None, 0)
        return found

    def finding(self, facts: Mapping[str, Answer]) -> int:
        """The walks that know every one of these facts, as given."""
        found = (1 << len(self.walks)) - 1
        for fact_id, value in facts.items():
            found &= self.by_fact.get(fact_id, {}).get(value, 0)
        return found

    def finding_any(self, facts: Mapping[str, Answer]) -> int:
        """The walks that know at least one of these facts, as given."""
        found = 0
        for fact_id, value in facts.items():
            found |= self.by_fact.get(fact_id, {}).get(value, 0)
        return found

    def entering(self, flows: Iterable[str]) -> int:
        """The walks that walk any of these flows."""
        found = 0
        for flow_id in flows:
            found |= self.by_flow.get(flow_id, 0)
        return found

    def after(self, first: Walk) -> int:
        """The walks that can be the next decision after `first`: same facts, no flow of its."""
        return self.agreeing(first.facts) & ~self.entering(first.flows)


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _sittings(prover: _Prover) -> int:
    """Every ordered pair of decisions two situations of the triage start; the pairs counted.

    The second decision is walked with the facts the first found: of the second flow's ways
    (walked with the facts known before the first), those that agree with every fact the first
    found, and enter no flow the first walked (such a decision ends with no record: design §9.10).
    Lint's fact rules (SW209) make a way depend only on the facts it reads, so these are exactly
    the ways the second decision can go.
    """
    catalogue = prover.catalogue
    if catalogue.triage is None:
        return 0
    rules = prover.at(SITTING)
    pairs = 0
    for opening, stop in _openings(catalogue, catalogue.triage):
        if stop is not None:
            continue
        for route, known, queue in _triage_routes(prover, opening, singles=False):
            if len(queue) != 2:
                continue  # both situations go to one flow: one decision
            firsts = prover.index(queue[0], opening, known)
            seconds = prover.index(queue[1], opening, known)
            sides = [
                (rule, _side_mask(prover, rule, c, firsts), _side_mask(prover, rule, c, seconds))
                for rule in rules
                for c in (rule.first, rule.second)
            ]
            for n, first in enumerate(firsts.walks):
                if queue[1] in first.flows:
                    continue  # the first decision reached it: not decided again
                after = seconds.after(first)
                pairs += after.bit_count()
                for i in range(0, len(sides), 2):
                    rule, first_one, first_two = sides[i]
                    _, second_one, second_two = sides[i + 1]
                    candidates = 0
                    if first_one >> n & 1:
                        candidates |= after & second_two
                    if second_one >> n & 1:
                        candidates |= after & first_two
                    for m in _bits(candidates):
                        prover.check_pair(rule, first, seconds.walks[m], route)
    return pairs


def _side_mask(
    prover: _Prover, rule: PolicyRule, condition: Condition | None, index: _Index
) -> int:
    """The walks of the index one side of a sitting rule may hold for (kept in the index)."""
    found = index.sides.get(id(condition))
    if found is None:
        found = 0
        for n, walk in enumerate(index.walks):
            if prover.may_hold(condition, walk):
                found |= 1 << n
                prover.applied.setdefault((walk.flow, walk.outcome.id), set()).add(rule.id)
        index.sides[id(condition)] = found
    return found


# --- counterexamples, in words a safeguarding lead can read ------------------------------------


def words(name: str) -> str:
    """An id as words: `risk-of-harm` → `risk of harm`."""
    return name.replace("-", " ").replace("_", " ")


def _value(value: Answer | None) -> str:
    if value is None:
        return "not known"
    return ", ".join(value) if isinstance(value, tuple) else value


def _pair(catalogue: Catalogue, name: str, value: Answer) -> str:
    return f"{words(name)} {_value(value)}"


def _entry(catalogue: Catalogue, entry: str) -> str:
    return "(the triage)" if entry == catalogue.triage else entry


def steps_of(catalogue: Catalogue, walk: Walk) -> list[str]:
    """The answers of a walk in the order they are asked: opening, triage, each flow's steps."""
    said = [_pair(catalogue, k, v) for k, v in (*walk.opening, *walk.route)]
    return said + _steps(catalogue, walk, {k for k, _ in walk.opening})


def _steps(catalogue: Catalogue, walk: Walk, told: set[str]) -> list[str]:
    """Each flow's steps of a walk in order; a fact already in `told` is not said again."""
    said = []
    case = engine.case_context(catalogue.facts, walk.facts)
    told.update(k for k, _ in walk.opening)
    for flow_id, answers in walk.segments:
        flow = catalogue.flows[flow_id]
        given = dict(answers)
        for step in engine.trace(flow, given, case).path:
            if flow.questions[step].fact:
                if step not in told:
                    told.add(step)
                    said.append(_pair(catalogue, step, walk.facts[step]))
            elif step in given:
                said.append(_pair(catalogue, step, given[step]))
    return said


def describe(catalogue: Catalogue, walk: Walk) -> str:
    """`decide FLOW: answers in order → outcome X (“title”)`."""
    steps = "; ".join(steps_of(catalogue, walk)) or "nothing asked"
    where = walk.outcome.id if walk.flow == FACTS_FLOW else f"{walk.flow} {walk.outcome.id}"
    return (
        f"decide {_entry(catalogue, walk.entry)}: {steps} → outcome {where} "
        f"(“{walk.outcome.title}”)"
    )


def _because(rule: PolicyRule, seen: Mapping[str, Answer]) -> str:
    """`: shares is yes, but risk of harm is no …`: what makes `when` hold and `require` fail."""
    held = _names_said(_why(rule.when, seen, True))
    failed = [n for n in _names_said(_why(rule.require, seen, False)) if n not in held]
    said = _said(held, seen)
    return f": {said}, but {_said(failed, seen)}" if said else f": {_said(failed, seen)}"


def _why(condition: Condition | None, seen: Mapping[str, Answer], holds: bool) -> list[Condition]:
    """The tests that make `condition` hold (or fail, with `holds` false) here, and no more.

    Of an `any` that holds, its first part that holds; of an `all` that fails, its first part
    that fails; a `not` turns the question round.
    """
    if condition is None:
        return []
    if condition.kind == "equals":
        return [condition]
    if condition.kind == "not":
        return _why(condition.parts[0], seen, not holds)
    decisive = (condition.kind == "any") == holds  # one part decides; else every part does
    parts = [p for p in condition.parts if engine.holds(p, seen) == holds]
    return (
        _why(parts[0], seen, holds)
        if decisive
        else [w for p in parts for w in _why(p, seen, holds)]
    )


def _names_said(leaves: list[Condition]) -> list[str]:
    return list(dict.fromkeys(leaf.question for leaf in leaves))


def _said(names: Sequence[str], seen: Mapping[str, Answer]) -> str:
    said = [f"{words(name)} is {_value(seen.get(name))}" for name in names]
    if len(said) > 1:
        return ", ".join(said[:-1]) + " and " + said[-1]
    return said[0] if said else ""


def _found_by(extra: Pairs, by: str = "another decision of the sitting") -> str:
    """` (when another decision of the sitting found: …)`: facts the path did not ask."""
    if not extra:
        return ""
    return f" (when {by} found: " + "; ".join(f"{words(k)} {_value(v)}" for k, v in extra) + ")"


def _but(condition: Condition | None, seen: Mapping[str, Answer]) -> str:
    """`, but immediate danger is not known`: what makes `condition` fail here."""
    said = _said(_names_said(_why(condition, seen, False)), seen)
    return f", but {said}" if said else ""


def _held(condition: Condition | None, seen: Mapping[str, Answer]) -> str:
    """`decision is refer`: what makes `condition` hold here."""
    return _said(_names_said(_why(condition, seen, True)), seen)


def describe_sitting(catalogue: Catalogue, route: Pairs, decisions: Sequence[Walk]) -> str:
    """`decide (the triage): opening; situations: decision 1: … → outcome; decision 2: …`."""
    opening = "; ".join(_pair(catalogue, k, v) for k, v in decisions[0].opening)
    situations = "; ".join(_pair(catalogue, k, v) for k, v in route)
    told: set[str] = set()
    parts = []
    for number, walk in enumerate(decisions, 1):
        steps = [s for s in _steps(catalogue, walk, told)]
        parts.append(
            f"decision {number}: {'; '.join(steps) or 'nothing more asked'} → outcome "
            f"{walk.flow} {walk.outcome.id} (“{walk.outcome.title}”)"
        )
    return f"decide (the triage): {opening}; {situations}: " + "; ".join(parts)


def _sitting_message(catalogue: Catalogue, sitting: _Sitting, said: str) -> str:
    return describe_sitting(catalogue, sitting.route, sitting.decisions) + said


def _both(*routes: Pairs) -> Pairs:
    """The triage's answers that pick every one of these situations (fan-outs joined)."""
    merged: dict[str, Answer] = {}
    for route in routes:
        for key, value in route:
            before = merged.get(key)
            if isinstance(before, tuple) and isinstance(value, tuple):
                merged[key] = (*before, *(v for v in value if v not in before))
            else:
                merged[key] = value
    return tuple(merged.items())
