"""The session walks a sitting: back from a handed-off flow, a hand-off back to a walked flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sharewizard.core.errors import AnswersError
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk.decide import decide_file
from sharewizard.walk.session import GO_BACK, Session

LINT = Path(__file__).parent / "fixtures" / "lint"


class Scripted:
    """Answers from a list per question id, else the first choice the form accepts; goes back
    once at the first question it may."""

    def __init__(self, replies):
        self.replies = {k: list(v) for k, v in replies.items()}
        self.went_back = False
        self.refused: dict[str, int] = {}
        self.refusals: list[tuple[str, str]] = []

    def ask(self, question, default, can_go_back):
        if question.id in self.replies and self.replies[question.id]:
            return self.replies[question.id].pop(0)
        if can_go_back and not self.went_back:
            self.went_back = True
            return GO_BACK
        if not question.choices:
            return "written for the test"
        return question.choices[self.refused.get(question.id, 0)].value

    def review(self, items):
        return None

    def announce(self, flow, outcome, offers=(), queued=()):
        return None

    def begin(self, flow):
        pass

    def tell(self, message):
        pass

    def reject(self, question, message):
        self.refusals.append((question.id, message))
        self.refused[question.id] = self.refused.get(question.id, 0) + 1  # the next choice
        assert len(self.refusals) < 20, self.refusals  # a refusal asked again, not for ever


def test_back_from_the_first_decisions_first_question_returns_to_triage(catalogue):
    asker = Scripted(
        {
            "immediate-danger": ["no"],
            "role": ["dsl"],
            "situation": [("concern-no-consent",), ("how-much",)],
        }
    )
    [decision] = Session(catalogue, asker, "triage").run()
    assert asker.went_back
    assert decision.flow.id == "how-much"
    assert [(s.flow.id, dict(s.answers)) for s in decision.route] == [
        ("triage", {"situation": ("how-much",)})
    ]


def flows_handing_over(folder: Path) -> Path:
    """Two flows whose "not sure" hands over to each other (the lint fixture `clean`).

    Their questions have ids of their own: a decision's answers are keyed by question id across
    the flows it walks.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sources.yaml", "record.yaml"):
        shutil.copy(LINT / name, folder / name)
    clean = (LINT / "clean.yaml").read_text()
    for name, other in (("a", "b"), ("b", "a")):
        text = clean.replace("id: clean", f"id: {name}")
        text = text.replace("type: yesno\n", "type: yesno\n    not_sure: true\n", 1)
        text = text.replace("no: wait}", f"no: wait, not-sure: 'flow:{other}'}}")
        text = text.replace("concern", f"concern-{name}")
        (folder / f"{name}.yaml").write_text(text)
    return folder


def test_a_hand_off_back_to_a_walked_flow_returns_to_the_answer_that_left_it(tmp_path):
    catalogue = load_catalogue(flows_handing_over(tmp_path))
    asker = Scripted({"concern-a": ["not-sure", "yes"], "concern-b": ["not-sure"]})
    asker.went_back = True  # never go back on its own
    [decision] = Session(catalogue, asker, "a").run()
    assert [q for q, _ in asker.refusals] == ["concern-a"]
    assert "lead back here" in asker.refusals[0][1]
    assert decision.flow.id == "a"
    assert decision.progress.answers["concern-a"] == "yes"
    assert decision.route == ()


def test_answers_that_lead_back_to_a_walked_flow_are_an_error_not_a_loop(tmp_path):
    catalogue = load_catalogue(flows_handing_over(tmp_path / "flows"))
    path = tmp_path / "loop.yaml"
    path.write_text(
        "schema_version: 2\n"
        "decisions:\n"
        "  - flow: a\n"
        "    answers: {concern-a: not-sure, concern-b: not-sure}\n"
    )
    with pytest.raises(AnswersError) as refused:
        decide_file(catalogue, load_answers(path), created_at="t", record_id=str)
    assert "lead back here" in str(refused.value)
    # the answer to change is where the file has it
    assert str(refused.value.location) == f"{path}:4:26: decisions.0.answers.concern-a"


class Counting(Scripted):
    """Scripted, never going back, counting how often each question or fact is asked."""

    def __init__(self, replies):
        super().__init__(replies)
        self.went_back = True
        self.asked: dict[str, int] = {}

    def ask(self, question, default, can_go_back):
        self.asked[question.id] = self.asked.get(question.id, 0) + 1
        return super().ask(question, default, can_go_back)


def test_a_fact_known_from_an_earlier_decision_is_followed_not_asked_again(catalogue):
    """inform-family asks `stage`, then reads telling-parents-risk: decision 1 asked it."""
    asker = Counting(
        {
            "immediate-danger": ["no"],
            "role": ["practitioner"],
            "situation": [["concern-no-consent", "inform-family"]],
            "risk-of-harm": ["yes"],
            "lawful-basis": ["yes"],
            "special-category": ["no"],
            "proportionate": ["yes"],
            "telling-parents-risk": ["no"],
            "telling-parents-compromise": ["no"],
            "telling-child": ["yes"],
            "stage": ["deciding"],
        }
    )
    session = Session(catalogue, asker, "triage")
    decided = session.run()
    assert [d.flow.id for d in decided] == ["share-without-consent", "inform-family"]
    facts = set(catalogue.facts.facts)
    twice = {q: n for q, n in asker.asked.items() if q in facts and n > 1}
    assert twice == {}, twice
    assert asker.asked["stage"] == 1
