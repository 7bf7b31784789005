"""Content tests: the flows, their citations, recorded answers, coverage and trainer cases.

The guidance texts live outside the repository: in the folder named by SHAREWIZARD_GUIDANCE, else
in ../shared/guidance next to the repository. Tests that need them are skipped, saying where to put
them, when neither exists; everything else (paths, replay, cases, the triage) still runs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sharewizard.core import engine
from sharewizard.core.model import (
    NOT_SURE,
    Catalogue,
    Citation,
    Flow,
    Handoff,
    Outcome,
    Question,
)
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.guidance import normalise
from sharewizard.flowfiles.loader import load_catalogue, load_flow, read_yaml
from sharewizard.walk.decide import decide_file

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
ANSWERS = REPO / "tests" / "answers"
FIXTURES = REPO / "tests" / "fixtures" / "flows"
CASES = REPO / "examples" / "cases"
COVERAGE_DOC = REPO / "docs" / "coverage.md"

#: The local text of each source id that flows may cite. A citation of any other source cannot
#: be checked word for word, so the verbatim check rejects it.
SOURCE_FILES = {
    "sscp-faq": "000_ebbe6bb347f5b21a.txt",
    "sscp-page": "004_1a8568c0a602c0ee.txt",
    "dfe-2024": "dfe-2024-golden-rules.txt",
}
FAQ_FLOWS = {
    1: "share-without-consent",
    2: "social-care-without-consent",
    3: "seek-and-share",
    4: "early-help-no-concern",
    5: "inform-family",
    6: "how-much",
    7: "sharing-agreement",
}
#: Flows for triage situations that are not one FAQ question.
OTHER_FLOWS = ("triage", "medical-treatment", "not-sharing", "not-sure")
RECORD_RULE = (
    "The decision to share must also be recorded and all decisions to share or not share "
    "information should always be recorded with the rationale of what was/was not shared with "
    "who, how, when, and the lawful basis for sharing."
)
GOLDEN_RULE_1 = (
    "All children have a right to be protected from abuse and neglect. Protecting a child from "
    "such harm takes priority over protecting their privacy, or the privacy rights of the "
    "person(s) failing to protect them."
)
GOLDEN_RULE_3 = (
    "You do not need consent to share personal information about a child and/or members of their "
    "family if a child is at risk or there is a perceived risk of harm."
)
GOLDEN_RULE_4 = (
    "Seek advice promptly whenever you are uncertain or do not fully understand how the legal "
    "framework supports information sharing in a particular case."
)
GOLDEN_RULE_5_START = "When sharing information, ensure you and the person or agency"
#: Help longer than this is too long to read beside a yes/no question (issue 9 item 11).
MAX_HELP_WORDS = 90
#: Jargon a question may use only with plain help saying what it means (issue 9 item 11).
JARGON_HELP = {
    "lawful basis": "the reason in data protection law",
    "compromise": "means weaken",
    "Child in Need": "A Child in Need plan",
    "special category": "needs extra care",
    "significant harm": "Children's Social Care decide",
}


def find_guidance() -> Path | None:
    """The guidance folder: SHAREWIZARD_GUIDANCE, else ../shared/guidance; None if neither."""
    candidates = [REPO.parent / "shared" / "guidance"]
    if os.environ.get("SHAREWIZARD_GUIDANCE"):
        candidates.insert(0, Path(os.environ["SHAREWIZARD_GUIDANCE"]))
    return next((c for c in candidates if c.is_dir()), None)


GUIDANCE_MISSING = (
    "the guidance texts are not here: put {names} in {default} (next to the repository), or set "
    "SHAREWIZARD_GUIDANCE to the folder that holds them"
).format(names=", ".join(SOURCE_FILES.values()), default=REPO.parent / "shared" / "guidance")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def guidance_dir() -> Path:
    """The guidance folder with every source text in it; skips the test when it is missing."""
    found = find_guidance()
    if found is None or not all((found / name).is_file() for name in SOURCE_FILES.values()):
        pytest.skip(GUIDANCE_MISSING)
    return found


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The repository's flows."""
    return load_catalogue(FLOWS)


@pytest.fixture(scope="session")
def coverage_module() -> ModuleType:
    """docs/gen_coverage.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("gen_coverage", REPO / "docs" / "gen_coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


# --- answers files: one or several decisions, after a route of hand-offs ------------------------


@dataclass(frozen=True)
class Step:
    """One decision of a sitting: a flow, its answers, record fields and expectation."""

    flow: str
    answers: Mapping[str, Any]
    record: Mapping[str, Any] = field(default_factory=dict)
    expect: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sitting:
    """An answers file: the flows walked before (route), then one decision or several."""

    path: Path
    route: Mapping[str, Mapping[str, Any]]
    steps: tuple[Step, ...]
    data: Mapping[str, Any]

    def answers_for(self, flow_id: str) -> Iterator[Mapping[str, Any]]:
        """Every set of answers this file gives to `flow_id` (route or decision)."""
        if flow_id in self.route:
            yield self.route[flow_id]
        yield from (s.answers for s in self.steps if s.flow == flow_id)


def _flow_id(value: Any) -> str:
    return value if isinstance(value, str) else value["id"]


def load_sitting(path: Path) -> Sitting:
    """An answers file (checked against the answers schema) as a Sitting."""
    first = load_answers(path)
    data = read_yaml(path).data
    steps = [Step(first.flow_id, first.answers, first.record, first.expect)]
    for item in data.get("then") or ():
        record = item.get("record") or {}
        steps.append(Step(_flow_id(item["flow"]), item["answers"], record, item["expect"]))
    return Sitting(path, dict(data.get("route") or {}), tuple(steps), data)


def record_problems(catalogue: Catalogue, outcome: Outcome, record: Mapping[str, Any]) -> list[str]:
    """Record fields that contradict the outcome, or required fields it leaves out."""
    form = catalogue.record_form
    facts = engine.outcome_facts(outcome, form.decisions)
    checked = engine.check_fields(form.fields, record, facts)  # raises on a contradiction
    return [
        f"record.{f.id} is missing"
        for f in engine.form_fields(form.fields, checked, facts)
        if f.required and f.id not in checked
    ]


def replay_sitting(catalogue: Catalogue, sitting: Sitting) -> list[tuple[Step, Outcome]]:
    """Replay a file as `decide --answers` does; check its route walks every flow it chose.

    The route must hand over, flow by flow, to the decisions; a fan-out's flows must each be
    decided, in order. Record fields that contradict an outcome are refused by the replay.
    """
    pending: list[str] = []
    for flow_id, answers in sitting.route.items():
        if pending:
            assert flow_id == pending.pop(0), f"route: {flow_id} is not the flow handed over to"
        flow = catalogue.flows[flow_id]
        step = engine.next_step(flow, engine.start(flow, answers).answers)
        assert isinstance(step, Handoff), f"route: {flow_id} ends at {step}, not a hand-off"
        pending = [*step.flow_ids, *pending]
    for step in sitting.steps:
        if pending:
            assert step.flow == pending.pop(0), f"{step.flow} is not the next flow of the sitting"
    assert not pending, f"flows chosen but not walked: {pending}"
    results = decide_file(
        catalogue,
        load_answers(sitting.path),
        created_at="2026-11-23T14:30:00Z",
        record_id=lambda n: f"test-{n}",
    )
    assert len(results) == len(sitting.steps)
    return [
        (step, decision.outcome)
        for step, (_, decision, _) in zip(sitting.steps, results, strict=True)
    ]


ANSWER_FILES = sorted(ANSWERS.rglob("*.yaml"))
CASE_FILES = sorted(CASES.glob("*.yaml"))


def recorded_answers(paths: Iterable[Path], flow_id: str) -> list[Mapping[str, Any]]:
    """Every set of answers the files give to a flow, a fan-out answer split into its choices."""
    found: list[Mapping[str, Any]] = []
    for path in paths:
        for answers in load_sitting(path).answers_for(flow_id):
            found.extend(_split_fan_out(answers))
    return found


def _split_fan_out(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    many = [k for k, v in answers.items() if isinstance(v, list) and len(v) > 1]
    if not many:
        return [answers]
    key = many[0]
    return [{**answers, key: [value]} for value in answers[key]]


# --- checkers (each proved to fail on a broken fixture below) -----------------------------------


def citations_of(flow: Flow) -> Iterable[tuple[str, Citation]]:
    """(node id, citation) for every question's guidance and every outcome's citations."""
    for question in flow.questions.values():
        for cite in question.guidance:
            yield question.id, cite
    for outcome in flow.outcomes.values():
        for cite in outcome.citations:
            yield outcome.id, cite


def cites(node: Question | Outcome, quote: str) -> bool:
    """Whether a question or outcome cites this quote (normalised)."""
    found = node.guidance if isinstance(node, Question) else node.citations
    return any(normalise(c.quote) == normalise(quote) for c in found)


def route_key(flow: Flow, answers: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """The routes a set of answers takes: (question, rule taken; a bit set for a fan-out)."""
    key = []
    for qid in engine.trace(flow, answers).path:
        question = flow.questions[qid]
        matched = [i for i, r in enumerate(question.routes) if engine.holds(r.when, answers)]
        key.append((qid, sum(1 << i for i in matched) if question.fan_out else matched[0]))
    return tuple(key)


def end_of(flow: Flow, answers: Mapping[str, Any]) -> str:
    """The outcome id, or `flow:<id>[,<id>...]` for a hand-off, the answers reach."""
    step = engine.next_step(flow, answers)
    if isinstance(step, Handoff):
        return "flow:" + ",".join(step.flow_ids)
    assert isinstance(step, Outcome)
    return step.id


def uncovered_paths(flow: Flow, recorded: Iterable[Mapping[str, Any]]) -> list[str]:
    """The paths of `flow` (hand-offs included) that no recorded answers take to the same end.

    A fan-out question's paths are its single choices: a sitting choosing several covers each.
    """
    covered = set()
    for answers in recorded:
        checked = engine.start(flow, answers).answers
        covered.add((route_key(flow, checked), end_of(flow, checked)))
    missing = []
    for path in engine.all_paths(flow):
        if any(isinstance(v, tuple) and len(v) > 1 for v in path.answers.values()):
            continue
        if (route_key(flow, path.answers), path.end) not in covered:
            missing.append(f"{flow.id}: {dict(path.answers)} -> {path.end}")
    return missing


def shares_without_consent_unasked(flow: Flow, catalogue: Catalogue) -> list[str]:
    """Paths to a without-consent sharing outcome that never answered 'yes' to a risk of harm.

    Sharing without consent rests on golden rule 3 (a child at risk, or perceived risk, of harm):
    such a path must pass a 'yes' to a question citing it (issue 9 items 1, 4 and 10).
    """
    problems = []
    for path in engine.all_paths(flow):
        outcome = flow.outcomes.get(path.end)
        if outcome is None or not outcome.without_consent:
            continue
        if not catalogue.record_form.decisions[outcome.decision].shares:
            continue
        asked = [
            qid
            for qid, answer in path.answers.items()
            if answer == "yes" and cites(flow.questions[qid], GOLDEN_RULE_3)
        ]
        if not asked:
            problems.append(f"{flow.id}: {dict(path.answers)} -> {path.end}")
    return problems


# --- the catalogue ------------------------------------------------------------------------------


def test_catalogue_has_the_faq_flows_triage_and_situation_flows(catalogue: Catalogue) -> None:
    assert set(catalogue.flows) == {*FAQ_FLOWS.values(), *OTHER_FLOWS}
    assert catalogue.triage == "triage"
    for flow_id in OTHER_FLOWS:
        assert catalogue.flows[flow_id].faq.number is None, flow_id
    for number, flow_id in FAQ_FLOWS.items():
        assert catalogue.flows[flow_id].faq.number == number, flow_id


def test_every_faq_flow_asks_its_faq_question(
    catalogue: Catalogue, coverage_module: ModuleType, guidance_dir: Path
) -> None:
    faq_text = (guidance_dir / SOURCE_FILES["sscp-faq"]).read_text("utf-8")
    faqs = coverage_module.parse_faq(faq_text)
    assert [f.number for f in faqs] == list(FAQ_FLOWS)
    for faq in faqs:
        flow = catalogue.flows[FAQ_FLOWS[faq.number]]
        assert normalise(flow.faq.question) == normalise(faq.question), flow.id


# --- citations ----------------------------------------------------------------------------------


# Every quote is word for word in its source: `lint` checks it (SW401, SW402), and
# tests/test_lint.py runs it on the packaged flows with the guidance texts.


def test_faq_citations_name_the_right_faq(
    catalogue: Catalogue, coverage_module: ModuleType, guidance_dir: Path
) -> None:
    faq_text = (guidance_dir / SOURCE_FILES["sscp-faq"]).read_text("utf-8")
    answers = {
        f.number: normalise(" ".join(f.sentences)) for f in coverage_module.parse_faq(faq_text)
    }
    problems = []
    for flow in catalogue.flows.values():
        for node, cite in citations_of(flow):
            match = re.fullmatch(r"FAQ (\d+)", cite.section)
            if cite.source != "sscp-faq" or not match:
                continue
            if normalise(cite.quote) not in answers.get(int(match.group(1)), ""):
                problems.append(f"{flow.id}/{node}: not in {cite.section}: {cite.quote!r}")
    assert not problems, "\n".join(problems)


def test_every_question_and_outcome_cites_the_guidance(catalogue: Catalogue) -> None:
    for flow in catalogue.flows.values():
        for question in flow.questions.values():
            assert question.guidance, f"{flow.id}/{question.id}"
        for outcome in flow.outcomes.values():
            assert outcome.citations, f"{flow.id}/{outcome.id}"


def test_every_outcome_requires_the_decision_to_be_recorded(catalogue: Catalogue) -> None:
    problems = []
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            if not cites(outcome, RECORD_RULE):
                problems.append(f"{flow.id}/{outcome.id}: does not cite the FAQ 7 recording rule")
            if not any(
                a.lower().startswith("record") or " record " in a.lower() for a in outcome.actions
            ):
                problems.append(f"{flow.id}/{outcome.id}: no action says to record the decision")
    assert not problems, "\n".join(problems)


def test_faq_1_rests_on_golden_rules_1_and_3(catalogue: Catalogue) -> None:
    """Issue 9 item 10: the DfE's plainest statements behind FAQ 1 are cited."""
    flow = catalogue.flows[FAQ_FLOWS[1]]
    nodes = [*flow.questions.values(), *flow.outcomes.values()]
    assert any(cites(n, GOLDEN_RULE_1) for n in nodes)
    assert any(cites(n, GOLDEN_RULE_3) for n in nodes)


def test_do_not_tell_the_family_outcomes_protect_identities(catalogue: Catalogue) -> None:
    """Issue 9 item 6: every 'do not tell the family' outcome cites golden rule 5."""
    checked = 0
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            if outcome.decision != "share-without-informing-family" and outcome.id not in {
                "do-not-inform-risk",
                "do-not-inform-arrangements",
                "tell-child-only",
            }:
                continue
            if "seek-advice" in outcome.id:
                continue  # "not yet, pending advice": no reason to protect identities found yet
            checked += 1
            assert any(
                normalise(c.quote).startswith(GOLDEN_RULE_5_START) for c in outcome.citations
            ), f"{flow.id}/{outcome.id}"
    assert checked >= 5


# --- plain help (issue 9 item 11) --------------------------------------------------------------


def long_help(flow: Flow) -> list[str]:
    """Questions whose help is too long to read beside the question."""
    return [
        f"{flow.id}/{q.id}: {len(q.help.split())} words"
        for q in flow.questions.values()
        if len(q.help.split()) > MAX_HELP_WORDS
    ]


def unexplained_jargon(flow: Flow) -> list[str]:
    """Questions that use a term of JARGON_HELP without the plain help that explains it."""
    problems = []
    for question in flow.questions.values():
        shown = " ".join([question.text, *(c.label for c in question.choices)])
        for term, explanation in JARGON_HELP.items():
            if term.lower() in shown.lower() and explanation not in question.help:
                problems.append(f"{flow.id}/{question.id}: {term!r} without plain help")
    return problems


def test_help_is_short_enough_to_read(catalogue: Catalogue) -> None:
    problems = [p for flow in catalogue.flows.values() for p in long_help(flow)]
    assert not problems, "\n".join(problems)


def test_jargon_has_plain_help(catalogue: Catalogue) -> None:
    problems = [p for flow in catalogue.flows.values() for p in unexplained_jargon(flow)]
    assert not problems, "\n".join(problems)


def test_help_checkers_notice_long_help_and_bare_jargon(catalogue: Catalogue) -> None:
    flow = catalogue.flows[FAQ_FLOWS[1]]
    lawful = flow.questions["lawful-basis"]
    bare = Question(lawful.id, lawful.text, lawful.type, lawful.choices, lawful.routes, "Ask.")
    wordy = Question("wordy", "Is it?", "yesno", help="word " * (MAX_HELP_WORDS + 1))
    broken = Flow(**{**flow.__dict__, "questions": {"lawful-basis": bare, "wordy": wordy}})
    assert unexplained_jargon(broken) == [
        "share-without-consent/lawful-basis: 'lawful basis' without plain help"
    ]
    assert long_help(broken) == [f"share-without-consent/wordy: {MAX_HELP_WORDS + 1} words"]


# --- not sure, and what goes ahead anyway --------------------------------------------------------


def test_every_yes_no_question_offers_not_sure(catalogue: Catalogue) -> None:
    for flow in catalogue.flows.values():
        for question in flow.questions.values():
            if question.type == "yesno":
                assert question.choice(NOT_SURE), f"{flow.id}/{question.id}: no 'Not sure'"


def test_every_not_sure_path_ends_in_advice(catalogue: Catalogue) -> None:
    """'Not sure' leads to advice (golden rule 4), never to a guess or another flow.

    Issue 9 item 12: where the decision is otherwise clear and only a secondary question is
    unsure (whether to tell the family now), the outcome may let the sharing go ahead while
    advice is sought: it then cites golden rule 1 (protection takes priority) as well.
    """
    for flow in catalogue.flows.values():
        for path in engine.all_paths(flow):
            if NOT_SURE not in path.answers.values():
                continue
            end = flow.outcomes.get(path.end)
            assert isinstance(end, Outcome), f"{flow.id}: {dict(path.answers)} -> {path.end}"
            assert cites(end, GOLDEN_RULE_4), f"{flow.id}/{end.id}"
            if end.decision != "seek-advice":
                assert cites(end, GOLDEN_RULE_1), f"{flow.id}/{end.id}"
                assert end.decision in {"share-without-informing-family", "do-not-inform-family"}


def advice_that_holds_everything_up(flow: Flow) -> list[str]:
    """Seek-advice outcomes that say nothing of what goes ahead now (issue 9 item 12)."""
    return [
        f"{flow.id}/{outcome.id}"
        for outcome in flow.outcomes.values()
        if outcome.decision == "seek-advice"
        and not re.search(r"\bnow\b", " ".join([outcome.summary, *outcome.actions]))
    ]


def test_every_seek_advice_outcome_says_what_goes_ahead_now(catalogue: Catalogue) -> None:
    problems = [p for f in catalogue.flows.values() for p in advice_that_holds_everything_up(f)]
    assert not problems, "say what can go ahead now:\n" + "\n".join(problems)


def test_advice_check_notices_advice_that_holds_everything_up() -> None:
    flow = load_flow(FIXTURES / "uncovered_path.yaml")  # its seek-advice says only "Seek advice."
    assert advice_that_holds_everything_up(flow) == ["uncovered-path/seek-advice"]


def test_every_seek_advice_outcome_cites_golden_rule_4(catalogue: Catalogue) -> None:
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            if outcome.decision == "seek-advice":
                assert cites(outcome, GOLDEN_RULE_4), f"{flow.id}/{outcome.id}"


# --- no 'share without consent' without a risk of harm ------------------------------------------


def test_no_path_shares_without_consent_without_a_risk_of_harm(catalogue: Catalogue) -> None:
    problems = [
        p
        for flow in catalogue.flows.values()
        for p in shares_without_consent_unasked(flow, catalogue)
    ]
    assert not problems, "\n".join(problems)


def test_risk_of_harm_check_notices_a_welfare_concern_shared_without_consent(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    """The e385b5b FAQ 1 shape: 'a safeguarding or welfare concern' led to sharing."""
    broken = tmp_path / "welfare.yaml"
    broken.write_text(
        "id: welfare\nversion: 1\ntitle: t\ndescription: d\nfaq: {number: 1, question: q}\n"
        "start: concern\nquestions:\n"
        "  - id: concern\n    text: Do you have a safeguarding or welfare concern?\n"
        "    type: yesno\n    guidance: [{source: sscp-faq, section: FAQ 1, quote: Yes you can.}]\n"
        "    next: {'yes': share, 'no': share}\n"
        "outcomes:\n"
        "  - id: share\n    decision: share\n    without_consent: true\n    title: t\n"
        "    summary: s\n    actions: [Record it.]\n"
        "    citations: [{source: sscp-faq, section: FAQ 1, quote: Yes you can.}]\n",
        encoding="utf-8",
    )
    flow = load_flow(broken)
    assert len(shares_without_consent_unasked(flow, catalogue)) == 2


# --- recorded answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("flow_id", [*FAQ_FLOWS.values(), *OTHER_FLOWS])
def test_every_path_has_recorded_answers(catalogue: Catalogue, flow_id: str) -> None:
    missing = uncovered_paths(catalogue.flows[flow_id], recorded_answers(ANSWER_FILES, flow_id))
    assert not missing, "no recorded answers for:\n" + "\n".join(missing)


def test_path_checker_reports_an_uncovered_path() -> None:
    flow = load_flow(FIXTURES / "uncovered_path.yaml")
    assert len(uncovered_paths(flow, [])) == 3
    missing = uncovered_paths(flow, [{"concern": "yes"}, {"concern": "no"}])
    assert missing == ["uncovered-path: {'concern': 'not-sure'} -> seek-advice"]
    # "no" and "not sure" lead to the same outcome by the same question, but by different routes.
    assert (
        uncovered_paths(flow, [{"concern": "yes"}, {"concern": "no"}, {"concern": "not-sure"}])
        == []
    )


def test_path_checker_notices_a_removed_answers_file(catalogue: Catalogue, tmp_path: Path) -> None:
    copy = tmp_path / "answers"
    shutil.copytree(ANSWERS, copy)
    flow = catalogue.flows["inform-family"]
    assert uncovered_paths(flow, recorded_answers(copy.rglob("*.yaml"), flow.id)) == []
    (copy / flow.id / "inform.yaml").unlink()
    assert uncovered_paths(flow, recorded_answers(copy.rglob("*.yaml"), flow.id)) == [
        "inform-family: {'stage': 'deciding', 'further-risk': 'no', 'compromise': 'no'} -> inform"
    ]


def test_path_checker_counts_hand_offs_and_fan_out_choices(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    missing = uncovered_paths(triage, [{"immediate-danger": "yes"}])
    assert (
        "triage: {'immediate-danger': 'no', 'situation': ('request',)} -> flow:seek-and-share"
        in (missing)
    )
    both = {"immediate-danger": "no", "situation": ["request", "how-much"]}
    after = uncovered_paths(triage, [{"immediate-danger": "yes"}, *_split_fan_out(both)])
    assert len(after) == len(missing) - 2


def test_answers_files_are_filed_under_their_flow() -> None:
    assert ANSWER_FILES
    for path in ANSWER_FILES:
        assert load_answers(path).flow_id == path.parent.name, path


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: str(p.relative_to(ANSWERS)))
def test_recorded_answers_replay(catalogue: Catalogue, path: Path) -> None:
    sitting = load_sitting(path)
    for step, outcome in replay_sitting(catalogue, sitting):
        flow = catalogue.flows[step.flow]
        assert set(step.expect) == {"outcome", "decision"}, "expect needs outcome and decision"
        off_path = set(step.answers) - set(
            engine.trace(flow, engine.start(flow, step.answers).answers).path
        )
        assert not off_path, f"answers the path never asks: {sorted(off_path)}"
        assert (outcome.id, outcome.decision) == (step.expect["outcome"], step.expect["decision"])
        assert not record_problems(catalogue, outcome, step.record)


def test_every_issue_9_item_has_a_recorded_answers_file() -> None:
    notes = " ".join(str(load_sitting(p).data.get("note", "")) for p in ANSWER_FILES)
    missing = [n for n in range(1, 16) if f"issue 9 item {n}:" not in notes]
    assert not missing, f"no answers file names issue 9 item(s) {missing}"


def test_record_check_refuses_a_contradicting_record(catalogue: Catalogue) -> None:
    flow = catalogue.flows["inform-family"]
    outcome = flow.outcomes["do-not-inform-risk"]
    with pytest.raises(Exception, match="refused"):
        record_problems(catalogue, outcome, {"family_informed": "yes"})
    assert "record.rationale is missing" in record_problems(catalogue, outcome, {})


# --- the triage ---------------------------------------------------------------------------------


def test_triage_asks_about_immediate_danger_first(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    first = triage.questions[triage.start]
    assert "immediate danger" in first.text
    outcome = engine.next_step(triage, {first.id: "yes"})
    assert isinstance(outcome, Outcome) and outcome.decision == "call-999"
    assert "999" in outcome.title and "record" in outcome.title.lower()


def test_every_situation_shows_help_and_lands_in_a_flow(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    situation = triage.questions["situation"]
    assert situation.type == "multi" and situation.fan_out
    reached = set()
    for choice in situation.choices:
        assert choice.help, choice.value
        step = engine.next_step(triage, {"immediate-danger": "no", "situation": (choice.value,)})
        assert isinstance(step, Handoff), choice.value
        reached.update(step.flow_ids)
    assert reached == {*FAQ_FLOWS.values(), "medical-treatment", "not-sharing", "not-sure"}


def test_triage_walks_several_situations_in_turn(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    answers = {"immediate-danger": "no", "situation": ("concern-no-consent", "inform-family")}
    step = engine.next_step(triage, answers)
    assert step == Handoff(("share-without-consent", "inform-family"))


def test_medical_treatment_is_out_of_scope_but_a_concern_is_not(catalogue: Catalogue) -> None:
    flow = catalogue.flows["medical-treatment"]
    outcome = engine.next_step(flow, {"also-safeguarding": "no"})
    assert isinstance(outcome, Outcome) and outcome.decision == "out-of-scope"
    assert "regulator" in outcome.summary and "NHS" in outcome.summary
    assert engine.next_step(flow, {"also-safeguarding": "yes"}) == Handoff(
        ("share-without-consent",)
    )


# --- guidance coverage --------------------------------------------------------------------------


def test_every_faq_sentence_is_cited(coverage_module: ModuleType, guidance_dir: Path) -> None:
    _, missing = coverage_module.generate(guidance_dir / SOURCE_FILES["sscp-faq"], FLOWS)
    assert not missing, "FAQ sentences no flow cites:\n" + "\n".join(missing)


def test_coverage_doc_is_current(coverage_module: ModuleType, guidance_dir: Path) -> None:
    text, _ = coverage_module.generate(guidance_dir / SOURCE_FILES["sscp-faq"], FLOWS)
    assert COVERAGE_DOC.read_text(encoding="utf-8") == text, (
        "docs/coverage.md is out of date: run python3 docs/gen_coverage.py"
    )


def test_coverage_reports_an_uncited_sentence(coverage_module: ModuleType, tmp_path: Path) -> None:
    faq = tmp_path / "faq.txt"
    faq.write_text(
        "Is this a question?\n\nYes you can. This sentence is cited by no flow.\n"
        "Useful practitioner resources\n",
        encoding="utf-8",
    )
    _, missing = coverage_module.generate(faq, FLOWS)
    assert missing == ["FAQ 1: This sentence is cited by no flow."]


def test_without_the_guidance_the_tests_that_need_it_skip_and_say_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAREWIZARD_GUIDANCE", str(tmp_path / "nowhere"))
    found = find_guidance()
    assert found is None or found == REPO.parent / "shared" / "guidance"
    assert "SHAREWIZARD_GUIDANCE" in GUIDANCE_MISSING and "shared" in GUIDANCE_MISSING
    monkeypatch.setenv("SHAREWIZARD_GUIDANCE", str(tmp_path))
    assert find_guidance() == tmp_path


# --- trainer case studies -----------------------------------------------------------------------


def case_of(path: Path) -> Mapping[str, Any]:
    """The `case:` block of a case study."""
    return load_sitting(path).data["case"]


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_study_replays_to_its_expected_outcome(catalogue: Catalogue, path: Path) -> None:
    sitting = load_sitting(path)  # checked against the answers schema, `case:` included
    case = sitting.data["case"]
    assert {"title", "narrative", "role", "teaching_point", "trap", "faq"} <= set(case)
    for step, outcome in replay_sitting(catalogue, sitting):
        assert (outcome.id, outcome.decision) == (step.expect["outcome"], step.expect["decision"])
        assert not record_problems(catalogue, outcome, step.record)


def test_case_studies_cover_every_faq_the_triage_routes_and_include_traps() -> None:
    sittings = [load_sitting(p) for p in CASE_FILES]
    assert len(sittings) >= 12
    faqs = {n for s in sittings for n in s.data["case"]["faq"]}
    assert faqs == set(FAQ_FLOWS)
    walked = {step.flow for s in sittings for step in s.steps}
    assert walked >= set(FAQ_FLOWS.values())
    triage = [s.route.get("triage") or {} for s in sittings] + [
        s.steps[0].answers for s in sittings if s.steps[0].flow == "triage"
    ]
    chosen = {v for t in triage for v in t.get("situation", ())}
    assert {"request", "not-sharing", "family-withdrew"} <= chosen
    assert any(t.get("immediate-danger") == "yes" for t in triage)
    traps = [s.data["case"] for s in sittings if s.data["case"]["trap"]]
    assert len(traps) >= 3
    for case in traps:
        assert "trap" in case["teaching_point"].lower(), case["title"]
