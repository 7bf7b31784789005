"""Content tests: the flows, their citations, recorded answers, coverage and trainer cases.

The guidance texts live outside the repository: in the folder named by SHAREWIZARD_GUIDANCE, else
in ../shared/guidance next to the repository. Tests that need them are skipped, saying where to put
them, when neither exists; everything else (paths, replay, cases, the triage) still runs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sharewizard.core import engine
from sharewizard.core.engine import PLACEHOLDER
from sharewizard.core.errors import AnswersError
from sharewizard.core.model import (
    NOT_SURE,
    Catalogue,
    Citation,
    Flow,
    Handoff,
    Outcome,
    Question,
    Route,
    Segment,
)
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.guidance import normalise
from sharewizard.flowfiles.loader import load_catalogue, load_flow
from sharewizard.walk.decide import decide_file, entry_of

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
OTHER_FLOWS = ("triage", "medical-treatment", "not-sharing", "not-sure", "formal-process")
#: Every entry point: the triage, and each flow named on its own (`decide FLOW`).
ENTRIES = ["triage", *FAQ_FLOWS.values(), *OTHER_FLOWS[1:]]
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


# --- answers files: sittings of one or several decisions ---------------------------------------


ANSWER_FILES = sorted(p for p in ANSWERS.rglob("*.yaml") if "refused" not in p.parts)
REFUSED_FILES = sorted(ANSWERS.rglob("refused/*.yaml"))
CASE_FILES = sorted(CASES.glob("*.yaml"))
#: The opening facts of a sitting that goes on to a flow (the role changes wording, not routes).
OPENING = {"immediate-danger": "no", "role": "practitioner"}


def replay(catalogue: Catalogue, path: Path) -> list[tuple[Any, Any, Any]]:
    """Every decision of an answers file, as `decide --answers` makes it (parts, decisions,
    records); a record field that contradicts an outcome, or two decisions that contradict each
    other, are refused by the replay itself."""
    return decide_file(
        catalogue,
        load_answers(path),
        created_at="2026-11-23T14:30:00Z",
        record_id=lambda n: f"test-{n}",
    )


def path_key(catalogue: Catalogue, entry: str, decision: Any) -> tuple[Any, ...]:
    """The routes a recorded decision takes from its entry point, as `decision_paths` keys it.

    The triage (when it is the entry) is part of the decision's path, as it hands over.
    """
    case = decision.facts
    segments = [*decision.route, Segment(decision.flow, decision.progress.answers)]
    if entry != catalogue.triage:
        segments = [s for s in segments if s.flow.id != catalogue.triage]
    return tuple((s.flow.id, engine.route_key(s.flow, s.answers, case)) for s in segments)


def entry_paths(catalogue: Catalogue, entry: str) -> dict[tuple[Any, ...], str]:
    """Every path of a decision from an entry point, over the facts it reads, by key."""
    return {
        path.key: f"{' -> '.join(f for f, _ in path.segments)}: facts {dict(path.facts)} "
        f"answers {[dict(a) for _, a in path.segments]} -> {path.end.id}"
        for path in engine.decision_paths(catalogue, entry, OPENING)
        if isinstance(path.end, Outcome)
    }


def recorded_keys(catalogue: Catalogue, files: Iterable[Path]) -> dict[str, set[tuple[Any, ...]]]:
    """The path keys the recorded sittings take, by entry point (a sitting of several
    decisions covers each decision from its own start, and the first from the triage)."""
    found: dict[str, set[tuple[Any, ...]]] = {}
    for path in files:
        answers = load_answers(path)
        entry = entry_of(catalogue, answers)
        for part, decision, _ in replay(catalogue, path):
            if decision.flow.id == "facts":
                continue
            found.setdefault(part.flow_id or entry, set()).add(
                path_key(catalogue, part.flow_id or entry, decision)
            )
            if entry == catalogue.triage and decision.index == 0 and len(answers.parts) == 1:
                found.setdefault(entry, set()).add(path_key(catalogue, entry, decision))
    return found


def uncovered(catalogue: Catalogue, entry: str, recorded: set[tuple[Any, ...]]) -> list[str]:
    """The paths from an entry point that no recorded sitting takes."""
    return [said for key, said in entry_paths(catalogue, entry).items() if key not in recorded]


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


def outcomes_of(catalogue: Catalogue) -> Iterator[tuple[str, Outcome]]:
    """(file id, outcome) for every outcome of every flow and of the facts file."""
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            yield flow.id, outcome
    for outcome in catalogue.facts.outcomes.values():
        yield "facts", outcome


def questions_of(catalogue: Catalogue) -> Iterator[tuple[str, Question]]:
    """(file id, question) for every question of every flow (fact nodes aside) and every fact."""
    for flow in catalogue.flows.values():
        for question in flow.questions.values():
            if not question.fact:
                yield flow.id, question
    for fact in catalogue.facts.facts.values():
        yield "facts", fact.question


def shares_without_consent_without_risk(catalogue: Catalogue, entry: str) -> list[str]:
    """Paths to a without-consent sharing outcome where the facts say no risk of harm.

    Sharing without consent rests on golden rule 3 (a child at risk, or perceived risk, of harm):
    every such path must have found a risk of harm (or a child in immediate danger).
    """
    problems = []
    for path in engine.decision_paths(catalogue, entry, OPENING, by_fact=True):
        outcome = path.end
        if not isinstance(outcome, Outcome) or not outcome.without_consent:
            continue
        if not catalogue.record_form.decisions[outcome.decision].shares:
            continue
        if path.facts.get("risk-of-harm") != "yes":
            problems.append(f"{entry}: {dict(path.facts)} -> {path.flow}/{outcome.id}")
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
    cited = [
        (flow.id, node, cite)
        for flow in catalogue.flows.values()
        for node, cite in citations_of(flow)
    ]
    cited += [("facts", q.id, c) for _, q in questions_of(catalogue) for c in q.guidance]
    cited += [
        ("facts", o.id, c) for f, o in outcomes_of(catalogue) if f == "facts" for c in o.citations
    ]
    problems = []
    for where, node, cite in cited:
        match = re.fullmatch(r"FAQ (\d+)", cite.section)
        if cite.source != "sscp-faq" or not match:
            continue
        if normalise(cite.quote) not in answers.get(int(match.group(1)), ""):
            problems.append(f"{where}/{node}: not in {cite.section}: {cite.quote!r}")
    assert not problems, "\n".join(problems)


def test_every_question_fact_and_outcome_cites_the_guidance(catalogue: Catalogue) -> None:
    for where, question in questions_of(catalogue):
        assert question.guidance, f"{where}/{question.id}"
    for where, outcome in outcomes_of(catalogue):
        assert outcome.citations, f"{where}/{outcome.id}"


def record_boilerplate(outcome: Outcome) -> list[str]:
    """Actions that only say to record the decision: the record form asks exactly that."""
    return [a for a in outcome.actions if re.match(r"record the decision", a, re.IGNORECASE)]


def test_outcomes_cite_the_recording_rule_and_show_at_most_three_actions(
    catalogue: Catalogue,
) -> None:
    """FAQ 7 asks for every decision to be recorded: each outcome cites it, and the record form
    asks it, so no outcome spends one of its three actions on "record the decision" (issue 23
    §4)."""
    problems = []
    for where, outcome in outcomes_of(catalogue):
        if not cites(outcome, RECORD_RULE):
            problems.append(f"{where}/{outcome.id}: does not cite the FAQ 7 recording rule")
        if not 1 <= len(outcome.actions) <= 3:
            problems.append(f"{where}/{outcome.id}: {len(outcome.actions)} actions")
        if record_boilerplate(outcome):
            problems.append(f"{where}/{outcome.id}: an action only says to record the decision")
    assert not problems, "\n".join(problems)


def test_the_boilerplate_check_notices_a_record_the_decision_action() -> None:
    flow = load_flow(FIXTURES / "uncovered_path.yaml")
    outcome = next(iter(flow.outcomes.values()))
    said = replace(outcome, actions=("Record the decision with your rationale.",))
    assert record_boilerplate(said) == ["Record the decision with your rationale."]


def test_faq_1_rests_on_golden_rules_1_and_3(catalogue: Catalogue) -> None:
    """Issue 9 item 10: the DfE's plainest statements behind FAQ 1 are cited."""
    flow = catalogue.flows[FAQ_FLOWS[1]]
    nodes = [*flow.questions.values(), *flow.outcomes.values()]
    assert any(cites(n, GOLDEN_RULE_1) for n in nodes)
    assert any(cites(n, GOLDEN_RULE_3) for n in nodes)


def test_do_not_tell_the_parents_outcomes_protect_identities(catalogue: Catalogue) -> None:
    """Issue 9 item 6: every outcome that does not tell the parents for now cites golden rule 5."""
    holding = {"share-without-informing-family", "do-not-tell-family"}
    checked = 0
    for where, outcome in outcomes_of(catalogue):
        if outcome.decision not in holding or "advice" in outcome.id:
            continue  # "not yet, pending advice": no reason to protect identities found yet
        checked += 1
        assert any(normalise(c.quote).startswith(GOLDEN_RULE_5_START) for c in outcome.citations), (
            f"{where}/{outcome.id}"
        )
    assert checked >= 5


# --- plain help (issue 9 item 11) --------------------------------------------------------------


def long_help(questions: Iterable[tuple[str, Question]]) -> list[str]:
    """Questions whose help is too long to read beside the question."""
    return [
        f"{where}/{q.id}: {len(q.help.split())} words"
        for where, q in questions
        if len(q.help.split()) > MAX_HELP_WORDS
    ]


def unexplained_jargon(questions: Iterable[tuple[str, Question]]) -> list[str]:
    """Questions that use a term of JARGON_HELP without the plain help that explains it."""
    problems = []
    for where, question in questions:
        shown = " ".join([question.text, *(c.label for c in question.choices)])
        for term, explanation in JARGON_HELP.items():
            if term.lower() in shown.lower() and explanation not in question.help:
                problems.append(f"{where}/{question.id}: {term!r} without plain help")
    return problems


def test_help_is_short_enough_to_read(catalogue: Catalogue) -> None:
    problems = long_help(questions_of(catalogue))
    assert not problems, "\n".join(problems)


def test_jargon_has_plain_help(catalogue: Catalogue) -> None:
    problems = unexplained_jargon(questions_of(catalogue))
    assert not problems, "\n".join(problems)


def test_help_checkers_notice_long_help_and_bare_jargon(catalogue: Catalogue) -> None:
    lawful = catalogue.facts.facts["lawful-basis"].question
    bare = Question(lawful.id, lawful.text, lawful.type, lawful.choices, lawful.routes, "Ask.")
    wordy = Question("wordy", "Is it?", "yesno", help="word " * (MAX_HELP_WORDS + 1))
    assert unexplained_jargon([("facts", bare)]) == [
        "facts/lawful-basis: 'lawful basis' without plain help"
    ]
    assert long_help([("facts", wordy)]) == [f"facts/wordy: {MAX_HELP_WORDS + 1} words"]


# --- not sure, and what goes ahead anyway --------------------------------------------------------


def test_every_yes_no_question_and_fact_offers_not_sure(catalogue: Catalogue) -> None:
    for where, question in questions_of(catalogue):
        if question.type == "yesno":
            assert question.choice(NOT_SURE), f"{where}/{question.id}: no 'Not sure'"


def routed_on_not_sure(catalogue: Catalogue, path: engine.DecisionPath) -> bool:
    """Whether the path took a route that a "Not sure" answer (or fact) alone leads to.

    A fact's "Not sure" that a flow reads through a derived fact (a young person who may be able
    to decide: both views count) is no guess, so only routes keyed on "Not sure" itself count.
    """
    case = engine.case_context(catalogue.facts, path.facts)
    for flow_id, answers in path.segments:
        flow = catalogue.flows[flow_id]
        for name, index in engine.route_key(flow, answers, case):
            if flow.questions[name].fan_out:
                continue
            when = flow.questions[name].routes[index].when
            if when is not None and when.kind == "equals" and when.values == (NOT_SURE,):
                return True
    return False


def not_sure_paths_without_advice(catalogue: Catalogue, entry: str) -> list[str]:
    """Paths that a "Not sure" leads whose outcome neither seeks advice (citing golden rule 4)
    nor says what goes ahead now while it is sought.

    Issue 9 item 12: where the decision is otherwise clear and only a secondary question is
    unsure, the outcome may let something go ahead while advice is sought: it then cites golden
    rule 1 (protection takes priority), or says what goes ahead now.
    """
    problems = []
    for path in engine.decision_paths(catalogue, entry, OPENING, by_fact=True):
        end = path.end
        if not isinstance(end, Outcome) or not routed_on_not_sure(catalogue, path):
            continue
        if not cites(end, GOLDEN_RULE_4):
            problems.append(f"{entry}: {dict(path.facts)} -> {path.flow}/{end.id}")
        elif end.decision != "seek-advice" and not (cites(end, GOLDEN_RULE_1) or end.now):
            problems.append(f"{path.flow}/{end.id}: neither golden rule 1 nor what goes ahead now")
    return problems


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_not_sure_path_ends_in_advice(catalogue: Catalogue, entry: str) -> None:
    """'Not sure' leads to advice (golden rule 4), never to a guess."""
    problems = not_sure_paths_without_advice(catalogue, entry)
    assert not problems, "\n".join(problems)


def test_every_seek_advice_outcome_says_what_goes_ahead_now_and_cites_golden_rule_4(
    catalogue: Catalogue,
) -> None:
    for where, outcome in outcomes_of(catalogue):
        if outcome.decision == "seek-advice":
            assert outcome.now, f"{where}/{outcome.id}: say what can go ahead now"
            assert cites(outcome, GOLDEN_RULE_4), f"{where}/{outcome.id}"


# --- no 'share without consent' without a risk of harm ------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES)
def test_no_path_shares_without_consent_without_a_risk_of_harm(
    catalogue: Catalogue, entry: str
) -> None:
    problems = shares_without_consent_without_risk(catalogue, entry)
    assert not problems, "\n".join(problems)


def test_risk_of_harm_check_notices_a_welfare_concern_shared_without_consent(
    catalogue: Catalogue,
) -> None:
    """The e385b5b FAQ 1 shape: 'no risk of harm' leading to a share without consent."""
    flow = catalogue.flows[FAQ_FLOWS[1]]
    node = flow.questions["risk-of-harm"]
    shared = next(
        o for o in flow.outcomes.values() if o.without_consent and o.decision == "inform-family"
    )
    broken_node = replace(node, routes=(Route(shared.id),))
    broken = replace(flow, questions={**flow.questions, node.id: broken_node})
    folder = replace(catalogue, flows={**catalogue.flows, flow.id: broken})
    found = shares_without_consent_without_risk(folder, flow.id)
    assert found and all("'risk-of-harm': 'no'" in p or "not-sure" in p for p in found)


# --- recorded answers: every path, from every entry point, over the facts ---------------------


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_path_has_recorded_answers(catalogue: Catalogue, entry: str) -> None:
    recorded = recorded_keys(catalogue, ANSWER_FILES).get(entry, set())
    missing = uncovered(catalogue, entry, recorded)
    assert not missing, "no recorded answers for:\n" + "\n".join(missing)


def test_path_checker_notices_a_removed_answers_file(catalogue: Catalogue) -> None:
    files = sorted((ANSWERS / "paths" / "inform-family").glob("*.yaml"))
    recorded = recorded_keys(catalogue, files).get("inform-family", set())
    assert uncovered(catalogue, "inform-family", recorded) == []
    fewer = recorded_keys(catalogue, files[1:]).get("inform-family", set())
    assert len(uncovered(catalogue, "inform-family", fewer)) == 1


def test_path_checker_tells_facts_apart(catalogue: Catalogue) -> None:
    """Two sittings with the same answers but other facts take other paths."""
    paths = entry_paths(catalogue, FAQ_FLOWS[1])
    by_risk = {said.split("'risk-of-harm': ")[1][:5] for said in paths.values()}
    assert {"'yes'", "'no'}", "'not-"} <= by_risk or len(by_risk) >= 3


def unworded(record: Any) -> list[str]:
    """The placeholders (`{advice}`) left in the words of a record's outcome: the record must say
    what the person was shown, worded for their role and case."""
    outcome = record["outcome"]
    texts = [outcome[part] for part in ("title", "summary", "now", "further")] + outcome["actions"]
    return [m.group(0) for text in texts for m in PLACEHOLDER.finditer(text)]


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: str(p.relative_to(ANSWERS)))
def test_recorded_answers_replay(catalogue: Catalogue, path: Path) -> None:
    found = replay(catalogue, path)
    assert found
    for part, decision, record in found:
        assert {"outcome", "decision"} <= set(part.expect), "expect needs outcome and decision"
        assert (decision.outcome.id, decision.outcome.decision) == (
            part.expect["outcome"],
            part.expect["decision"],
        )
        if "flow" in part.expect or decision.flow.id not in (part.flow_id, "facts"):
            assert part.expect.get("flow") == decision.flow.id, "expect.flow after a hand-off"
        assert not record["missing"], f"required record fields left out: {record['missing']}"
        assert not unworded(record), f"the record's outcome is not worded: {unworded(record)}"


@pytest.mark.parametrize("path", REFUSED_FILES, ids=lambda p: p.name)
def test_refused_sittings_are_refused_for_the_reason_they_give(
    catalogue: Catalogue, path: Path
) -> None:
    words = load_answers(path).expect["refused"]
    with pytest.raises(AnswersError) as refused:
        replay(catalogue, path)
    assert words in refused.value.message


def test_every_audit_defect_and_must_show_sitting_has_a_recorded_answers_file() -> None:
    """Issue 23: a recorded answers file per audit defect (D1-D27), named after it; issue 22's
    must-show sittings (a DSL asked to seek advice, a young person who agrees while the parents
    were not asked, a contradicting pair refused, a statutory case review)."""
    names = [p.name for p in (ANSWERS / "audit").rglob("*.yaml")]
    missing = [n for n in range(1, 28) if not any(x.startswith(f"d{n:02d}-") for x in names)]
    assert not missing, f"no recorded answers file for D{missing}"
    for must in (
        "d08-dsl-is-not-told-to-ask-the-dsl",
        "d21-young-person-agrees-parents-not-asked",
        "issue22-03-contradicting-decisions",
        "issue22-07-case-review-request",
    ):
        assert any(n.startswith(must) for n in names), must


def test_no_outcome_seen_by_a_dsl_tells_them_to_ask_the_dsl(catalogue: Catalogue) -> None:
    """Issue 22 §5: with the role `dsl`, no outcome's words send the DSL to the DSL."""
    dsl = engine.case_context(catalogue.facts, {**OPENING, "role": "dsl"})
    for where, outcome in outcomes_of(catalogue):
        said = engine.worded_outcome(outcome, catalogue.facts.wording, dsl)
        text = " ".join(text for _, text in said.texts).lower()
        assert "designated safeguarding lead" not in text or "consultation" in text, (
            f"{where}/{outcome.id}: {text}"
        )


# --- the opening and the triage ------------------------------------------------------------------


def test_every_sitting_opens_with_immediate_danger_which_stops_at_call_999(
    catalogue: Catalogue,
) -> None:
    book = catalogue.facts
    first = book.facts[book.opening[0]]
    assert "immediate danger" in first.question.text
    stop = book.outcomes[first.stops_at("yes") or ""]
    assert stop.decision == "call-999" and stop.urgent


def test_every_situation_shows_help_and_lands_in_a_flow(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    situation = next(q for q in triage.questions.values() if q.fan_out)
    for choice in situation.choices:
        assert choice.help, choice.value
        step = engine.next_step(triage, {situation.id: (choice.value,)}, OPENING)
        assert isinstance(step, Handoff) and step.flow_ids[0] in catalogue.flows, choice.value


def test_triage_walks_several_situations_in_turn(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    situation = next(q for q in triage.questions.values() if q.fan_out)
    chosen = ("concern-no-consent", "inform-family", "how-much")
    step = engine.next_step(triage, {situation.id: chosen}, OPENING)
    assert isinstance(step, Handoff)
    assert step.flow_ids == ("share-without-consent", "inform-family", "how-much")


def test_medical_treatment_is_out_of_scope_but_a_concern_is_not(catalogue: Catalogue) -> None:
    paths = engine.decision_paths(catalogue, "medical-treatment", OPENING, by_fact=True)
    no_concern = [p for p in paths if p.facts.get("also-safeguarding") == "no"]
    assert no_concern and all(p.end.decision == "out-of-scope" for p in no_concern)  # type: ignore[union-attr]
    concern = [p for p in paths if p.facts.get("also-safeguarding") == "yes"]
    assert concern and all(p.flow != "medical-treatment" for p in concern)


# --- FAQ coverage ---------------------------------------------------------------------------------


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


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_study_replays_to_its_expected_outcome(catalogue: Catalogue, path: Path) -> None:
    case = load_answers(path).case  # checked against the answers schema, `case:` included
    assert case is not None
    assert {"title", "narrative", "role", "teaching_point", "trap", "faq"} <= set(case)
    for part, decision, record in replay(catalogue, path):
        assert (decision.outcome.id, decision.outcome.decision) == (
            part.expect["outcome"],
            part.expect["decision"],
        )
        assert not record["missing"], f"{path.name}: {record['missing']}"


def test_case_studies_cover_every_faq_the_triage_routes_and_include_traps(
    catalogue: Catalogue,
) -> None:
    files = [load_answers(p) for p in CASE_FILES]
    assert len(files) >= 12
    faqs = {n for f in files for n in (f.case or {})["faq"]}
    assert faqs == set(FAQ_FLOWS)
    walked = {d.flow.id for p in CASE_FILES for _, d, _ in replay(catalogue, p)}
    walked |= {p.flow_id for f in files for p in f.parts if p.flow_id}
    assert walked >= set(FAQ_FLOWS.values())
    chosen = {v for f in files for _, a in f.route for v in a.get("situation", ())}
    assert {"request", "not-sharing", "family-withdrew"} <= chosen
    assert any(f.facts.get("immediate-danger") == "yes" for f in files)
    traps = [f.case for f in files if (f.case or {}).get("trap")]
    assert len(traps) >= 3
    for case in traps:
        assert case is not None and "trap" in case["teaching_point"].lower(), case
