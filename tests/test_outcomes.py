"""Outcomes a stressed practitioner can take in, and one opening for every entry point (issue 23).

At most three actions on screen, the rest (`further`) with --verbose and in the record; call 999
stops by default and keeps a draft; `decide`, `decide FLOW`, `--practice`, `train` and the prover
all open with the opening facts (immediate danger first).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from sharewizard.author.prove import _openings
from sharewizard.core.model import Answer, Catalogue, Question
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.train.room import start_walk
from sharewizard.walk.prompts import STOP_LABEL, next_choices
from sharewizard.walk.session import ScriptedAsker, Session
from sharewizard.walk.summary import outcome_panel

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(FLOWS)


class _Enough(Exception):
    """Stop the sitting once the questions wanted have been asked."""


class FirstQuestions(ScriptedAsker):
    """Answers the first questions as scripted, noting what was asked, then stops."""

    def __init__(self, replies: list[Answer]) -> None:
        self.replies = list(replies)
        self.asked: list[str] = []

    def ask(self, question: Question, default: Answer | None, can_go_back: bool) -> Answer:
        self.asked.append(question.id)
        if not self.replies:
            raise _Enough
        return self.replies.pop(0)


def first_asked(catalogue: Catalogue, entry: str) -> list[str]:
    asker = FirstQuestions(["no", "practitioner"])
    with pytest.raises(_Enough):
        Session(catalogue, asker, entry).run()
    return asker.asked


def test_every_entry_point_opens_with_the_opening_facts_as_decide_train_and_lint_see_them(
    catalogue,
):
    opening = list(catalogue.facts.opening)
    assert opening[0] == "immediate-danger"
    for entry in catalogue.flows:
        # `decide` (the triage), `decide FLOW` and `--practice` (the same session, not recorded)
        assert first_asked(catalogue, entry)[:2] == opening, entry
        # `train`: a walk through the flow (or a case starting in it)
        assert start_walk(catalogue, flow_id=entry).step.id == opening[0], entry
        # the prover's model of the opening: a yes to immediate danger stops at call 999
        openings = _openings(catalogue, entry)
        assert {tuple(k for k, _ in given) for given, _ in openings} == {
            ("immediate-danger",),
            tuple(opening),
        }
        assert all(
            stop.id == "call-999"
            for given, stop in openings
            if dict(given)["immediate-danger"] == "yes"
        )


def plain_decide(tmp_path: Path, typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"),
        "SHAREWIZARD_CACHE_DIR": str(tmp_path / "cache"),
        "SHAREWIZARD_CONFIG_DIR": str(tmp_path / "config"),
        "COLUMNS": "80",
    }
    env.pop("SHAREWIZARD_FLOWS", None)
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "--plain", "decide", *args],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


@pytest.mark.parametrize("args", [(), ("how-much",), ("how-much", "--practice")])
def test_a_named_flow_and_a_practice_run_ask_about_immediate_danger_first(tmp_path, args):
    shown = plain_decide(tmp_path, "2\n", *args).stdout
    first = shown.index("Is a child in immediate danger right now?")
    assert "What is your role" in shown[first:]  # the role comes second, then the flow
    assert "Which of these describe" not in shown[:first]


def test_enter_after_call_999_stops_keeps_a_draft_and_says_how_to_resume(tmp_path):
    done = plain_decide(tmp_path, "1\n\n", "how-much")
    assert done.returncode == 0, done.stderr
    shown = " ".join((done.stdout + done.stderr).split())
    assert "Outcome: Call 999 now" in shown
    assert f"1. {STOP_LABEL}" in shown and "(Enter: stop now, < back)" in shown
    [draft] = (tmp_path / "data" / "drafts").glob("how-much-*.answers.yaml")
    assert f"decide --resume {draft.name.removesuffix('.answers.yaml')}" in shown
    assert "record_later: true" in draft.read_text()
    assert "{" not in shown  # every placeholder worded, though the role is not asked yet


def test_call_999_stops_by_default_and_every_other_outcome_goes_on(catalogue):
    stop = catalogue.facts.outcomes["call-999"]
    assert stop.urgent and next_choices(stop, practice=False)[0][1] == STOP_LABEL
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            assert not outcome.urgent
            assert next_choices(outcome, practice=False)[0][1] == "Go on: record the decision"


def shown(renderable: object) -> str:
    console = Console(file=None, width=100, color_system=None, emoji=False, record=True)
    console.print(renderable)
    return " ".join(console.export_text().split())


def test_further_detail_is_shown_with_verbose_only(catalogue):
    outcome = next(o for f in catalogue.flows.values() for o in f.outcomes.values() if o.further)
    further = " ".join(outcome.further.split())
    assert further not in shown(outcome_panel(outcome, boxed=False))
    assert further in shown(outcome_panel(outcome, boxed=False, verbose=True))
    for action in outcome.actions:
        assert " ".join(action.split()) in shown(outcome_panel(outcome, boxed=False))


def test_the_record_and_the_verbose_summary_hold_the_further_detail(catalogue):
    from sharewizard.flowfiles.answers import load_answers
    from sharewizard.records.render import to_markdown
    from sharewizard.walk.decide import decide_file
    from sharewizard.walk.summary import record_summary

    path = (
        REPO
        / "tests"
        / "answers"
        / "audit"
        / "d16-early-help-welfare-list-moved-to-the-referral.yaml"
    )
    [(_, decision, record)] = decide_file(
        catalogue, load_answers(path), created_at="2026-12-06T10:00:00Z", record_id=str
    )
    further = " ".join(decision.outcome.further.split())
    assert further and len(decision.outcome.actions) <= 3
    assert further in " ".join(to_markdown(record).split())
    assert further in shown(record_summary(record, verbose=True, boxed=False))
    assert further not in shown(record_summary(record, boxed=False))


CASES = REPO / "examples" / "cases"
AUDIT = REPO / "tests" / "answers" / "audit"


@pytest.mark.parametrize("folder", [CASES, AUDIT], ids=["cases", "audit"])
def test_the_cases_and_the_audit_files_replay_to_their_expect_with_check(tmp_path, folder):
    env = {**os.environ, "SHAREWIZARD_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SHAREWIZARD_FLOWS", None)
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "replay", str(folder), "--check", "--json",
         "--out-dir", str(tmp_path / "out"), "--jobs", "1", "--quiet"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    files = len(list(folder.rglob("*.yaml")))
    assert (report["files"], report["expectations_met"]) == (files, files)
    assert report["expectations_failed"] == report["errors"] == 0


def test_the_cases_the_audit_named_are_corrected():
    from sharewizard.flowfiles.answers import load_answers

    for name in ("01-bruising-no-consent", "02-disclosure-fear-of-stepfather",
                 "18-vaccination-and-a-bruise"):  # fmt: skip
        case = load_answers(CASES / f"{name}.yaml")
        # D2: injuries, marks and disclosures of abuse are special category, and are shared.
        assert case.facts["special-category"] == "yes", name
        assert case.parts[0].record["special_category_condition"] == "safeguarding", name
    child_b = load_answers(CASES / "02-disclosure-fear-of-stepfather.yaml")
    assert child_b.facts["immediate-danger"] == "no"  # D4: asked, as every walk asks it
    assert child_b.parts[0].record["family_informed"] == "not-yet"  # D11
    point = " ".join(child_b.case["teaching_point"].split())
    assert "For discussion: is Child B safe to go home at 3.30?" in point


def test_every_also_seen_finding_of_issue_23_has_a_recorded_answers_file():
    """Issue 23's "Also seen" findings: medical treatment and a concern, a subject access request,
    Section 47 below the threshold, identities when telling, Tier 2 agreements, and "not sure"
    about the lawful basis."""
    names = sorted(p.name for p in AUDIT.glob("also-*.yaml"))
    assert [n.split("-")[1] for n in names] == ["1", "2", "3", "4", "5", "6"], names


def test_no_record_of_any_recorded_sitting_holds_a_placeholder_as_written(tmp_path):
    """The records say what the screen said: `{advice}` worded for the role, never as written.

    (Found by a DSL playing cases blind: the screen was worded, the record and its case note
    were not.)
    """
    import re

    from sharewizard.flowfiles.loader import load_catalogue

    names = set(load_catalogue(REPO / "flows").facts.wording)
    assert names  # the packaged flows word outcomes by the case's facts
    env = {**os.environ, "SHAREWIZARD_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SHAREWIZARD_FLOWS", None)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "replay", str(REPO / "tests" / "answers"),
         str(CASES), "--out-dir", str(out), "--quiet", "--timestamp", "2026-12-06T10:00:00Z"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    placeholder = re.compile(r"\{(" + "|".join(map(re.escape, sorted(names))) + r")\}")
    records = sorted(out.rglob("*.json"))
    assert len(records) > 600
    left = {p.name: placeholder.findall(p.read_text()) for p in records}
    assert {name: found for name, found in left.items() if found} == {}
