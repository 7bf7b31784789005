from __future__ import annotations

from sharewizard.walk.session import GO_BACK, Session


class Scripted:
    """Answers from a list per question id; goes back once at the first question it may."""

    def __init__(self, replies):
        self.replies = {k: list(v) for k, v in replies.items()}
        self.went_back = False

    def ask(self, question, default, can_go_back):
        if question.id in self.replies:
            return self.replies[question.id].pop(0)
        if can_go_back and not self.went_back:
            self.went_back = True
            return GO_BACK
        return question.choices[0].value if question.choices else "written for the test"

    def review(self, items):
        return None

    def announce(self, flow, outcome):
        pass

    def begin(self, flow):
        pass

    def reject(self, question, message):
        raise AssertionError(message)


def test_back_from_a_handed_off_flow_returns_to_triage(catalogue):
    asker = Scripted({"immediate-danger": ["no"], "situation": ["concern-no-consent", "how-much"]})
    decision = Session(catalogue, asker, catalogue.flows["triage"]).run()
    assert asker.went_back
    assert decision.flow.id == "how-much"
    assert [(s.flow.id, dict(s.answers)) for s in decision.route] == [
        ("triage", {"immediate-danger": "no", "situation": ("how-much",)})
    ]


class Recorder(Scripted):
    """Scripted, but keeps every refusal instead of failing."""

    def __init__(self, replies):
        super().__init__(replies)
        self.refusals = []
        self.went_back = True  # never go back on its own

    def reject(self, question, message):
        self.refusals.append((question.id, message))
        assert len(self.refusals) < 5, self.refusals  # a refusal asked again, not for ever


def test_a_hand_off_back_to_a_walked_flow_returns_to_the_answer_that_left_it(catalogue):
    # FAQ 1: no risk of harm -> FAQ 4; FAQ 4: necessary to protect from harm -> FAQ 1 again
    asker = Recorder(
        {
            "whose-consent": ["family"],
            "risk-of-harm": ["no", "yes"],
            "protect-from-harm": ["yes"],
            "family_informed": ["not-yet"],
        }
    )
    decision = Session(catalogue, asker, catalogue.flows["share-without-consent"]).run()
    assert [q for q, _ in asker.refusals] == ["risk-of-harm"]
    assert "lead back here" in asker.refusals[0][1]
    assert decision.flow.id == "share-without-consent"
    assert decision.progress.answers["risk-of-harm"] == "yes"
    assert decision.route == ()


def test_answers_that_lead_back_to_a_walked_flow_are_an_error_not_a_loop(catalogue, tmp_path):
    from sharewizard.core.errors import AnswersError
    from sharewizard.flowfiles.answers import load_answers
    from sharewizard.walk.decide import decide_file

    path = tmp_path / "loop.yaml"
    path.write_text(
        "flow: early-help-no-concern\n"
        "route: {share-without-consent: {whose-consent: family, risk-of-harm: 'no'}}\n"
        "answers: {protect-from-harm: 'yes'}\n"
    )
    import pytest

    with pytest.raises(AnswersError) as refused:
        decide_file(catalogue, load_answers(path), created_at="t", record_id=str)
    assert "lead back here" in str(refused.value)
    # the answer to change is in the route, where the file has it (not `record.risk-of-harm`)
    assert str(refused.value.location) == f"{path}:2:70: route.share-without-consent.risk-of-harm"
