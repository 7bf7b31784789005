"""Drives an Asker through flows and the record form; people and answers files share this loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError, Interrupted, Location
from sharewizard.core.model import (
    Answer,
    Catalogue,
    Decision,
    Draft,
    Flow,
    Handoff,
    Outcome,
    Progress,
    Question,
    Segment,
    Step,
)
from sharewizard.core.text import preview


class GoBack:
    """Returned by an Asker when the user chooses to go back one question."""


GO_BACK = GoBack()


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review screen: a question and its current answer.

    `part` says where the question lives: "route" (a flow walked before this one, such as the
    triage, with `segment` its index), "flow" (the flow of this decision) or "record".
    """

    question: Question
    answer: Answer | None
    part: str = "flow"
    segment: int = 0

    @property
    def in_record_form(self) -> bool:
        """Whether this is a record field rather than a question of a flow."""
        return self.part == "record"


class Asker(Protocol):
    """Where answers come from: a person at a terminal, or an answers file."""

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Ask one question; return the answer or GO_BACK."""

    def review(self, items: list[ReviewItem]) -> int | None:
        """Show every answer; return the index of one to change, or None to confirm."""

    def announce(self, flow: Flow, outcome: Outcome) -> GoBack | None:
        """Show where the answers lead; GO_BACK to change an answer before the record questions."""

    def reject(self, question: Question, message: str) -> None:
        """Say why an answer was refused; the question is then asked again."""

    def begin(self, flow: Flow) -> None:
        """A flow starts (the first, or one handed over to): say which."""


@dataclass
class Session:
    """One decision: holds the state so an interrupt can hand it back as a draft."""

    catalogue: Catalogue
    asker: Asker
    flow: Flow
    progress: Progress = field(default_factory=lambda: Progress({}))
    fields: dict[str, Answer] = field(default_factory=dict)
    route: list[Segment] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)
    given_fields: dict[str, object] = field(default_factory=dict)
    strict: bool = False  # answers files: a field contradicting the outcome is an error
    on_change: Callable[[Draft], None] | None = None
    changes: list[str] = field(default_factory=list)
    stash: dict[str, Mapping[str, Answer]] = field(default_factory=dict)
    defaults: dict[str, Answer] = field(default_factory=dict)  # offered, not yet answered
    # The record fields that apply, by outcome facts and field values: filling the form asks
    # for them after every answer, and the answer usually changes nothing they depend on.
    _forms: dict[tuple[object, ...], list[Question]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def run(self, *, review: bool = True, record_fields: bool = True) -> Decision:
        """Walk to an outcome, fill the record form, let the user review; return the decision.

        Ctrl-C, Ctrl-D and the signals turned into interrupts stop the walk with `Interrupted`,
        which carries everything answered so far.
        """
        try:
            self.asker.begin(self.flow)
            outcome = self._walk_to_outcome(None)
            if record_fields:
                self._fill_fields(outcome, None)
                if review:
                    outcome = self._review(outcome)
        except Interrupted:
            raise
        except (KeyboardInterrupt, EOFError) as stop:
            number = getattr(stop, "signal_number", None)
            raise Interrupted(self.snapshot(), signal_number=number) from None
        return Decision(
            self.flow,
            self.progress,
            outcome,
            dict(self.fields),
            tuple(self.route),
            tuple(self.changes),
            tuple(self.queue),
        )

    def snapshot(self) -> Draft:
        """The walk so far, as a draft."""
        return Draft(
            flow_id=self.flow.id,
            answers=dict(self.progress.answers),
            fields={
                **{k: v for k, v in self.given_fields.items() if isinstance(v, (str, tuple))},
                **self.fields,
            },
            route=tuple((s.flow.id, dict(s.answers)) for s in self.route),
            queue=tuple(self.queue),
        )

    def _saved(self) -> None:
        if self.on_change is not None:
            self.on_change(self.snapshot())

    # --- the flows ------------------------------------------------------------------------

    def _walk_to_outcome(self, at: Question | None) -> Outcome:
        step: Question | None = at
        while True:
            end = self._walk(step)
            if isinstance(end, Handoff):
                step = self._came_back(end)
                if step is None:
                    self._hand_off(end)
                continue
            if self.asker.announce(self.flow, end) is GO_BACK:
                step = self._last_question()
                continue
            return end

    def _walk(self, at: Question | None) -> Outcome | Handoff:
        step: Step = at or engine.next_step(self.flow, self.progress.answers)
        while isinstance(step, Question):
            previous = engine.previous_question(self.flow, self.progress, step.id)
            can_go_back = previous is not None or bool(self.route)
            reply = self.asker.ask(step, self.progress.answers.get(step.id), can_go_back)
            if isinstance(reply, GoBack):
                if previous is not None:
                    step = self.flow.questions[previous]
                elif self.route:
                    step = self._back_to_previous_flow()
                continue
            before = len(self.progress.changes)
            self.progress = engine.answer(self.flow, self.progress, step.id, reply)
            self.changes += self.progress.changes[before:]
            self._saved()
            step = engine.following_step(self.flow, self.progress, step.id)
        return step

    def _hand_off(self, handoff: Handoff) -> None:
        self.route.append(Segment(self.flow, dict(self.progress.answers), tuple(self.queue)))
        self.queue = [*handoff.flow_ids[1:], *self.queue]
        self.flow = self.catalogue.flows[handoff.flow_id]
        kept = self.stash.pop(self.flow.id, {})
        self.progress = engine.start(self.flow, kept) if kept else Progress({})
        self._saved()
        self.asker.begin(self.flow)

    def _came_back(self, handoff: Handoff) -> Question | None:
        """A hand-off to a flow already walked: the answers contradict each other.

        Rather than walk that flow again (or loop for ever), go back to the question that led
        away from it, say why, and let the person change one of the two answers. An answers file
        cannot be asked again, so there the Asker's `reject` is an error.
        """
        visited = [s.flow.id for s in self.route] + [self.flow.id]
        if handoff.flow_id not in visited:
            return None
        leaving = self.flow
        if handoff.flow_id != self.flow.id:
            self._back_to_segment(visited.index(handoff.flow_id))
            self.stash.pop(leaving.id, None)  # ask that flow afresh if it is reached again
            self.asker.begin(self.flow)  # back in that flow: say so before saying why
        question = self._last_question()
        answer = self.progress.answers[question.id]
        self.asker.reject(
            question,
            f"your answers in “{leaving.title}” lead back here, where you answered "
            f"“{question.label_of(answer)}”. One of the two answers must change: check this one "
            "first.",
        )
        return question

    def _last_question(self) -> Question:
        path = engine.trace(self.flow, self.progress.answers).path
        return self.flow.questions[path[-1]]

    def _back_to_previous_flow(self) -> Question:
        """Undo a hand-off: back to the last question of the flow that handed over."""
        self.stash[self.flow.id] = dict(self.progress.answers)
        segment = self.route.pop()
        self.flow = segment.flow
        self.progress = Progress(segment.answers)
        self.queue = list(segment.queue)
        return self._last_question()

    def _back_to_segment(self, index: int) -> None:
        """Make route segment `index` the current flow again (a triage answer is changing)."""
        self.stash[self.flow.id] = dict(self.progress.answers)
        for segment in self.route[index + 1 :]:
            self.stash[segment.flow.id] = dict(segment.answers)
        segment = self.route[index]
        del self.route[index:]
        self.flow = segment.flow
        self.progress = Progress(segment.answers)
        self.queue = list(segment.queue)

    # --- the record form ------------------------------------------------------------------

    def _facts(self, outcome: Outcome) -> dict[str, Answer]:
        return engine.outcome_facts(outcome, self.catalogue.record_form.decisions)

    def _applicable(self, outcome: Outcome) -> list[Question]:
        facts = self._facts(outcome)
        key = (*facts.items(), *self.fields.items())
        found = self._forms.get(key)
        if found is None:
            form = self.catalogue.record_form.fields
            found = self._forms[key] = engine.form_fields(form, self.fields, facts)
        return list(found)

    def _take_given_fields(self, outcome: Outcome) -> None:
        """Fields from an answers file or a draft, checked now that the outcome is known."""
        if not self.given_fields:
            return
        form = self.catalogue.record_form.fields
        if self.strict:
            self.fields.update(engine.check_fields(form, self.given_fields, self._facts(outcome)))
        else:  # a draft: keep what still fits, ask the rest
            for question in form:
                value = self.given_fields.get(question.id)
                if value is None or question not in self._applicable(outcome):
                    continue
                context = {**self._facts(outcome), **self.fields}
                try:
                    self.fields[question.id] = engine.check_field(question, value, context)
                except AnswersError:
                    continue
        self.given_fields = {}

    def _fill_fields(self, outcome: Outcome, at: str | None, *, audit: bool = False) -> None:
        """Ask `at` (from the review), then every applicable field still missing."""
        self._take_given_fields(outcome)
        by_id = {f.id: f for f in self.catalogue.record_form.fields}
        skipped: set[str] = set()
        current = at or self._first_missing(outcome, skipped)
        while current is not None:
            ids = [f.id for f in self._applicable(outcome)]
            index = ids.index(current)
            question = by_id[current]
            offered = self.fields.get(current, self.defaults.get(current))
            reply = self.asker.ask(question, offered, index > 0)
            if isinstance(reply, GoBack):
                current = ids[max(index - 1, 0)]
                continue
            if reply is None:
                skipped.add(current)
            elif not self._set_field(outcome, question, reply, audit=audit):
                continue
            current = self._first_missing(outcome, skipped)
        applicable = {f.id for f in self._applicable(outcome)}
        self.fields = {k: v for k, v in self.fields.items() if k in applicable}

    def _set_field(
        self, outcome: Outcome, question: Question, reply: Answer, *, audit: bool
    ) -> bool:
        context = {**self._facts(outcome), **self.fields}
        try:
            value = engine.check_field(question, reply, context)
        except AnswersError as exc:
            self.asker.reject(question, exc.message)
            return False
        before = self.fields.get(question.id)
        asked_before = [f.id for f in self._applicable(outcome)]
        self.fields[question.id] = value
        if audit and before is not None and before != value:
            self.changes.append(
                f"record field “{question.label or question.text}” changed from "
                f"“{question.label_of(before)}” to “{question.label_of(value)}”"
            )
            if [f.id for f in self._applicable(outcome)] != asked_before:
                self._ask_again_about_the_decision(keep=question.id)
        self._saved()
        return True

    def _ask_again_about_the_decision(self, keep: str) -> None:
        """Ask again about the decision itself (the rationale) when the record questions change.

        An edit at review that switches other questions on or off may leave the rationale
        describing a different decision.
        """
        for form_field in self.catalogue.record_form.fields:
            if form_field.per_outcome and form_field.id != keep and form_field.id in self.fields:
                del self.fields[form_field.id]
                self.changes.append(
                    f"record field “{form_field.label or form_field.text}” asked again: the "
                    "record questions changed"
                )

    def _first_missing(self, outcome: Outcome, skipped: set[str]) -> str | None:
        for question in self._applicable(outcome):
            if question.id not in self.fields and question.id not in skipped:
                return question.id
        return None

    # --- the review -----------------------------------------------------------------------

    def _review_items(self, outcome: Outcome) -> list[ReviewItem]:
        items = [
            ReviewItem(q, a, "route", index)
            for index, segment in enumerate(self.route)
            for q, a in engine.path_answers(segment.flow, Progress(segment.answers))
        ]
        items += [ReviewItem(q, a) for q, a in engine.path_answers(self.flow, self.progress)]
        items += [ReviewItem(f, self.fields.get(f.id), "record") for f in self._applicable(outcome)]
        return items

    def _review(self, outcome: Outcome) -> Outcome:
        while True:
            items = self._review_items(outcome)
            choice = self.asker.review(items)
            if choice is None:
                return outcome
            item = items[choice]
            if item.in_record_form:
                self._fill_fields(outcome, item.question.id, audit=True)
                continue
            if item.part == "route":
                self._back_to_segment(item.segment)
            new = self._walk_to_outcome(self.flow.questions[item.question.id])
            if new != outcome:
                self._outcome_changed(outcome, new)
                outcome = new
            self._fill_fields(outcome, None, audit=True)

    def _outcome_changed(self, old: Outcome, new: Outcome) -> None:
        """Log the move and clear every record field that depends on the outcome, to ask again."""
        self.changes.append(f"outcome changed from “{old.title}” to “{new.title}”")
        dependent = [f for f in self.catalogue.record_form.fields if engine.depends_on_outcome(f)]
        dropped = [f for f in dependent if f.id in self.fields]
        for question in dropped:
            del self.fields[question.id]
        if dropped:
            labels = ", ".join(f"“{f.label or f.text}”" for f in dropped)
            self.changes.append(f"record answers cleared because the outcome changed: {labels}")


class ScriptedAsker:
    """Answers nothing by itself: every answer comes from the file; a missing one is an error.

    `places` says where each flow's answers sit in the file (`route.triage`; `answers` when a
    flow is not named), so that an error names the field as the file has it.
    """

    def __init__(
        self, source: str, record_fields: set[str], places: Mapping[str, str] | None = None
    ) -> None:
        self.source = source
        self.record_fields = record_fields
        self.places = dict(places or {})
        self.flow_id = ""  # the flow being asked (see `begin`)

    def _field(self, question: Question) -> str:
        if question.id in self.record_fields:
            return f"record.{question.id}"
        return f"{self.places.get(self.flow_id, 'answers')}.{question.id}"

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Record fields and optional text may be left out; other questions on the path may not."""
        if question.id in self.record_fields:
            return None  # type: ignore[return-value]
        if question.type == "text" and not question.required:
            return ""
        raise AnswersError(
            f"no answer to {preview(question.id)} ({question.text}), which this path needs.",
            Location(self.source, field=self._field(question)),
            "Add it to the answers file.",
        )

    def review(self, items: list[ReviewItem]) -> int | None:
        """Nothing to review: confirm."""
        return None

    def announce(self, flow: Flow, outcome: Outcome) -> GoBack | None:
        """Nobody to tell."""
        return None

    def begin(self, flow: Flow) -> None:
        """Nobody to tell; the questions that follow are this flow's."""
        self.flow_id = flow.id

    def reject(self, question: Question, message: str) -> None:
        """A file cannot be asked again: the refusal is an error naming the field."""
        raise AnswersError(message, Location(self.source, field=self._field(question)))


def start_session(
    catalogue: Catalogue,
    flow_id: str,
    asker: Asker,
    answers: Mapping[str, object] | None = None,
    fields: Mapping[str, object] | None = None,
    *,
    route: tuple[tuple[str, Mapping[str, object]], ...] = (),
    queue: tuple[str, ...] = (),
    strict: bool = False,
    where: str = "answers",
) -> Session:
    """A session on `flow_id`, pre-filled with checked answers; `route` is the triage walked."""
    segments = _route_segments(catalogue, route, flow_id)
    flow = catalogue.flows[flow_id]
    return Session(
        catalogue,
        asker,
        flow,
        engine.start(flow, answers or {}, where),
        route=segments,
        queue=list(queue),
        given_fields=dict(fields or {}),
        strict=strict,
    )


def _route_segments(
    catalogue: Catalogue, route: tuple[tuple[str, Mapping[str, object]], ...], flow_id: str
) -> list[Segment]:
    """Check the recorded route really hands over to `flow_id`, segment by segment."""
    segments: list[Segment] = []
    for index, (segment_id, answers) in enumerate(route):
        flow = catalogue.flows.get(segment_id)
        where = Location(field=f"route.{segment_id}")
        if flow is None:
            raise AnswersError(f"{preview(segment_id)} names no flow.", where)
        progress = engine.start(flow, answers, f"route.{segment_id}")
        step = engine.next_step(flow, progress.answers)
        following = route[index + 1][0] if index + 1 < len(route) else flow_id
        if not isinstance(step, Handoff) or following not in step.flow_ids:
            raise AnswersError(
                f"these answers to {preview(segment_id)} do not lead to the flow "
                f"{preview(following)}.",
                where,
                "Check the route's answers, or leave `route` out.",
            )
        segments.append(Segment(flow, progress.answers))
    return segments
