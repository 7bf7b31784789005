"""Drives an Asker through flows and the record form; people and answers files share this loop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sharewizard import engine
from sharewizard.errors import AnswersError, Interrupted, Location
from sharewizard.model import Answer, Catalogue, Flow, Handoff, Outcome, Question, RecordForm, Step


class GoBack:
    """Returned by an Asker when the user chooses to go back one question."""


GO_BACK = GoBack()


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review screen: a question and its current answer."""

    question: Question
    answer: Answer | None
    in_record_form: bool


class Asker(Protocol):
    """Where answers come from: a person at a terminal, or an answers file."""

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Ask one question; return the answer or GO_BACK."""

    def review(self, items: list[ReviewItem]) -> int | None:
        """Show every answer; return the index of one to change, or None to confirm."""

    def announce(self, flow: Flow, outcome: Outcome) -> None:
        """Tell the user where the answers lead, before the record questions."""


@dataclass(frozen=True)
class Segment:
    """A flow walked before a hand-off (triage), kept in the record for audit."""

    flow: Flow
    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class Decision:
    """A finished walk: the flow, its answers, the outcome and the record fields."""

    flow: Flow
    progress: engine.Progress
    outcome: Outcome
    fields: Mapping[str, Answer]
    route: tuple[Segment, ...] = ()


@dataclass
class Session:
    """One run of `decide`: holds the state so an interrupt can hand it back as a draft."""

    catalogue: Catalogue
    asker: Asker
    flow: Flow
    progress: engine.Progress = field(default_factory=lambda: engine.Progress({}))
    fields: dict[str, Answer] = field(default_factory=dict)
    route: list[Segment] = field(default_factory=list)
    current: str | None = None

    def run(self, *, review: bool = True) -> Decision:
        """Walk to an outcome, fill the record form, let the user review; return the decision."""
        try:
            outcome = self._walk_to_outcome(None)
            self.asker.announce(self.flow, outcome)
            self._fill_fields(None)
            if review:
                outcome = self._review(outcome)
        except KeyboardInterrupt:
            raise Interrupted(
                self.flow.id, dict(self.progress.answers), dict(self.fields), self.current
            ) from None
        return Decision(self.flow, self.progress, outcome, dict(self.fields), tuple(self.route))

    def _walk_to_outcome(self, at: Step | None) -> Outcome:
        step = self._walk(at)
        while isinstance(step, Handoff):
            self.route.append(Segment(self.flow, dict(self.progress.answers)))
            self.flow = self.catalogue.flows[step.flow_id]
            self.progress = engine.Progress({})
            step = self._walk(None)
        return step

    def _walk(self, at: Step | None) -> Outcome | Handoff:
        step = at or engine.next_step(self.flow, self.progress.answers)
        while isinstance(step, Question):
            self.current = step.id
            previous = engine.previous_question(self.flow, self.progress, step.id)
            can_go_back = previous is not None or bool(self.route)
            reply = self.asker.ask(step, self.progress.answers.get(step.id), can_go_back)
            if isinstance(reply, GoBack):
                if previous is not None:
                    step = self.flow.questions[previous]
                elif self.route:
                    step = self._back_to_previous_flow()
                continue
            self.progress = engine.answer(self.flow, self.progress, step.id, reply)
            step = engine.following_step(self.flow, self.progress, step.id)
        self.current = None
        return step

    def _back_to_previous_flow(self) -> Question:
        """Undo a hand-off: back to the last question of the flow that handed over."""
        segment = self.route.pop()
        self.flow = segment.flow
        self.progress = engine.Progress(segment.answers)
        path = engine.trace(self.flow, self.progress.answers).path
        return self.flow.questions[path[-1]]

    def _fill_fields(self, at: str | None) -> None:
        """Ask `at` (from the review), then every applicable field still missing."""
        form = self.catalogue.record_form
        by_id = {f.id: f for f in form.fields}
        skipped: set[str] = set()
        current = at or _first_missing(form, self.fields, skipped)
        while current is not None:
            self.current = current
            ids = [f.id for f in engine.form_fields(form.fields, self.fields)]
            index = ids.index(current)
            reply = self.asker.ask(by_id[current], self.fields.get(current), index > 0)
            if isinstance(reply, GoBack):
                current = ids[max(index - 1, 0)]
                continue
            if reply is None:
                skipped.add(current)
            else:
                self.fields[current] = engine.check_answer(by_id[current], reply)
            current = _first_missing(form, self.fields, skipped)
        self.fields = dict(engine.check_fields(form.fields, self.fields, {}))
        self.current = None

    def _review(self, outcome: Outcome) -> Outcome:
        while True:
            items = [
                ReviewItem(q, a, False) for q, a in engine.path_answers(self.flow, self.progress)
            ]
            applicable = engine.form_fields(self.catalogue.record_form.fields, self.fields)
            items += [ReviewItem(f, self.fields.get(f.id), True) for f in applicable]
            choice = self.asker.review(items)
            if choice is None:
                return outcome
            item = items[choice]
            if item.in_record_form:
                self._fill_fields(item.question.id)
                continue
            new = self._walk_to_outcome(self.flow.questions[item.question.id])
            if new != outcome:
                outcome = new
                self.asker.announce(self.flow, outcome)
            self._fill_fields(None)


def _first_missing(form: RecordForm, values: Mapping[str, Answer], skipped: set[str]) -> str | None:
    for question in engine.form_fields(form.fields, values):
        if question.id not in values and question.id not in skipped:
            return question.id
    return None


class ScriptedAsker:
    """Answers nothing by itself: every answer comes from the file; a missing one is an error."""

    def __init__(self, source: str, form: RecordForm) -> None:
        self.source = source
        self.record_fields = {f.id for f in form.fields}

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer | GoBack:
        """Record fields and optional text may be left out; other questions on the path may not."""
        if question.id in self.record_fields:
            return None  # type: ignore[return-value]
        if question.type == "text" and not question.required:
            return ""
        raise AnswersError(
            f"no answer to {question.id!r} ({question.text}), which this path needs.",
            Location(self.source, field=f"answers.{question.id}"),
            "Add it to the answers file.",
        )

    def review(self, items: list[ReviewItem]) -> int | None:
        """Nothing to review: confirm."""
        return None

    def announce(self, flow: Flow, outcome: Outcome) -> None:
        """Nobody to tell."""


def start_session(
    catalogue: Catalogue,
    flow_id: str,
    asker: Asker,
    answers: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
) -> Session:
    """A session on `flow_id`, pre-filled with (checked) answers and record fields."""
    flow = catalogue.flows[flow_id]
    progress = engine.start(flow, answers or {})
    checked = engine.check_fields(catalogue.record_form.fields, fields or {}, {})
    return Session(catalogue, asker, flow, progress, dict(checked))
