"""The outcome always in view at 80x24: for every outcome of the packaged flows, its title and
decision are on the screen when the walk reaches it (every page of it), and its title and the
record's place are on the last screen of the walk.

Each outcome's recorded sitting (tests/answers/paths) is resumed in a real terminal with its last
answer left out; that answer is typed, then the outcome's pages are turned, the record questions
left to ask are skipped and the answers confirmed, as a person would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sharewizard.core import engine
from sharewizard.core.model import Catalogue, Question
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk.decide import decide_file
from tests.terminal import Screen, in_terminal

pytestmark = pytest.mark.pty  # a real pseudo-terminal: `-m "not pty"` leaves these out

ROOT = Path(__file__).resolve().parents[2]
PATHS = ROOT / "tests" / "answers" / "paths"
ENTER, DOWN = "\r", "\x1b[B"


def _outcome_files() -> dict[tuple[str, str], Path]:
    """One recorded sitting for each outcome (flow, outcome) of the packaged flows."""
    catalogue = load_catalogue(ROOT / "flows")
    found: dict[tuple[str, str], Path] = {}
    for path in sorted(PATHS.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text())
        part = data["decisions"][-1]
        expect = part["expect"]
        flow = expect.get("flow") or (part.get("flow") or {}).get("id") or "facts"
        found.setdefault((flow, expect["outcome"]), path)
    every = {(f.id, o) for f in catalogue.flows.values() for o in f.outcomes}
    every |= {("facts", o) for o in catalogue.facts.outcomes}
    assert every <= set(found), f"no recorded sitting reaches {sorted(every - set(found))}"
    return found


OUTCOMES = _outcome_files()


def _without_last_answer(catalogue: Catalogue, path: Path) -> tuple[dict, Question, object]:
    """The sitting of `path` less the answer that leads to its outcome: that question and answer."""
    decision = decide_file(
        catalogue, load_answers(path), created_at="2026-12-06T10:00:00Z", record_id=str
    )[-1][1]
    data = yaml.safe_load(path.read_text())
    part = data["decisions"][-1]
    case = dict(decision.facts)
    walked = [*[(s.flow, dict(s.answers)) for s in decision.route],
              (decision.flow, dict(decision.progress.answers))]  # fmt: skip
    for flow, answers in reversed(walked):
        steps = engine.trace(flow, answers, case).path if flow.questions else []
        if steps:
            question = flow.questions[steps[-1]]
            break
    else:  # the opening stopped the sitting: its last fact is the last answer
        question = catalogue.facts.facts[list(data["facts"])[-1]].question
    if question.fact or question.id in catalogue.facts.facts:
        holder = part.get("facts") if question.id in (part.get("facts") or {}) else data["facts"]
        value = holder.pop(question.id)
        question = catalogue.facts.facts[question.id].question
    elif question.id in (data.get("route") or {}).get(flow.id, {}):
        value = data["route"][flow.id].pop(question.id)
    else:
        value = part["answers"].pop(question.id)
    return data, question, value


def _keys(question: Question, value: object) -> str:
    """What a person types to give `value` to `question`: its number(s), or the text."""
    if not question.choices:
        return f"{value}{ENTER}"
    numbers = {c.value: n for n, c in enumerate(question.choices, 1)}
    if isinstance(value, list):
        return "".join(f"{numbers[v]} " for v in value) + ENTER  # point, tick with space
    return f"{numbers[value]}{ENTER}"


def _pointed(screen: Screen) -> str:
    """The menu's choice the pointer is on."""
    return next((row for row in reversed(screen.rows()) if row.startswith(" » ")), "")


def _at_what_next(screen: Screen) -> bool:
    return "? What next? (↑/↓ and Enter)" in screen.rows() and screen.waiting()


@pytest.mark.parametrize(
    "flow_and_outcome", sorted(OUTCOMES), ids=[f"{f}/{o}" for f, o in sorted(OUTCOMES)]
)
def test_the_outcome_stays_in_view_at_80x24(catalogue, tmp_path, flow_and_outcome):
    path = OUTCOMES[flow_and_outcome]
    record = decide_file(
        catalogue, load_answers(path), created_at="2026-12-06T10:00:00Z", record_id=str
    )[-1][2]
    title, decision = record["outcome"]["title"], record["outcome"]["decision_label"]
    data, question, value = _without_last_answer(catalogue, path)
    sitting = tmp_path / "sitting.yaml"
    sitting.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    child = in_terminal(
        "decide", "--resume", str(sitting), cwd=tmp_path, rows=24, columns=80,
        env={"SHAREWIZARD_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    screen = Screen(child, rows=24, columns=80)

    screen.wait(lambda: screen.waiting(), f"the question {question.id!r}")
    screen.send(_keys(question, value))
    screen.wait(lambda: _at_what_next(screen), "the outcome and its menu")
    while True:  # every page of the outcome shows its title and decision
        assert screen.shows(f"Outcome: {title}"), screen.dump()
        assert screen.shows(f"Decision: {decision}"), screen.dump()
        if "More of this outcome" not in _pointed(screen):
            break
        screen.send(ENTER)
        screen.wait(lambda: _at_what_next(screen), "the next page")
    screen.send(ENTER)  # go on (after call 999: stop now, the record waits in a draft)
    while True:  # the record questions the recorded sitting leaves empty are skipped
        screen.wait(lambda: screen.waiting() or screen.ended, "a question, the review or the end")
        if screen.ended:
            break
        assert "? What next?" not in screen.at_cursor(), screen.dump()  # not the outcome again
        screen.send(ENTER)  # skip a question; at the review: these are right

    assert screen.shows(f"Outcome: {title}"), screen.dump()  # the last screen of the walk
    assert screen.shows(f"Decision: {decision}"), screen.dump()
    flow_id, outcome_id = flow_and_outcome
    outcomes = catalogue.flows[flow_id].outcomes if flow_id in catalogue.flows else {}
    if outcomes.get(outcome_id, catalogue.facts.outcomes.get(outcome_id)).urgent:
        assert screen.shows("The record waits as draft"), screen.dump()
    else:
        assert screen.shows("Record written to"), screen.dump()
