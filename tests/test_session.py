from __future__ import annotations

from sharewizard.session import GO_BACK, Session


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
