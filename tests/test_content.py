"""Content tests: the seven FAQ flows, their citations, recorded answers, coverage and cases.

The guidance text lives outside the repository, in ../shared/guidance (next to the repo). If it
is missing these tests fail rather than skip: without it nothing here can be checked.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from sharewizard import engine
from sharewizard.answers import load_answers, resolve_flow
from sharewizard.loader import load_catalogue, load_flow
from sharewizard.model import NOT_SURE, Catalogue, Flow, Handoff, Outcome
from sharewizard.session import ScriptedAsker, start_session

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
GUIDANCE = Path(__file__).parents[1].parent / "shared" / "guidance"
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
RECORD_RULE = (
    "The decision to share must also be recorded and all decisions to share or not share "
    "information should always be recorded with the rationale of what was/was not shared with "
    "who, how, when, and the lawful basis for sharing."
)
GOLDEN_RULE_4 = (
    "Seek advice promptly whenever you are uncertain or do not fully understand how the legal "
    "framework supports information sharing in a particular case."
)
DEFINITION_INTRO = "we are drawing on the definition of safeguarding"

_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "″": '"',
        "–": "-",
        "—": "-",
        "‒": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)


def normalise(text: str) -> str:
    """Ignore whitespace and straight-vs-typographic quotes, apostrophes and dashes only."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def guidance() -> dict[str, str]:
    """Normalised text of each checkable source, by source id; fails if the folder is missing."""
    if not GUIDANCE.is_dir():
        pytest.fail(
            f"the guidance folder {GUIDANCE} is missing: the content tests need the "
            "source texts to check citations against. Restore ../shared/guidance."
        )
    texts = {}
    for source, name in SOURCE_FILES.items():
        path = GUIDANCE / name
        if not path.is_file():
            pytest.fail(f"{path} is missing: cannot check citations of {source!r}.")
        texts[source] = normalise(path.read_text(encoding="utf-8"))
    return texts


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The repository's flows."""
    return load_catalogue(FLOWS)


@pytest.fixture(scope="session")
def coverage_module():
    """docs/gen_coverage.py, imported as a module."""
    spec = importlib.util.spec_from_file_location("gen_coverage", REPO / "docs" / "gen_coverage.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


# --- checkers (each proved to fail on a broken fixture below) -----------------------------------


def citations_of(flow: Flow) -> Iterable[tuple[str, object]]:
    """(node id, citation) for every question's guidance and every outcome's citations."""
    for question in flow.questions.values():
        for cite in question.guidance:
            yield question.id, cite
    for outcome in flow.outcomes.values():
        for cite in outcome.citations:
            yield outcome.id, cite


def misquotes(flow: Flow, texts: Mapping[str, str]) -> list[str]:
    """Every citation whose quote is not word for word in the text of the source it names."""
    problems = []
    for node, cite in citations_of(flow):
        text = texts.get(cite.source)
        if text is None:
            problems.append(
                f"{flow.id}/{node}: source {cite.source!r} has no local text to check "
                f"the quote against: {cite.quote!r}"
            )
        elif normalise(cite.quote) not in text:
            problems.append(
                f"{flow.id}/{node}: not found word for word in {cite.source}: {cite.quote!r}"
            )
    return problems


def route_key(flow: Flow, answers: Mapping[str, object]) -> tuple[tuple[str, int], ...]:
    """The routes a set of answers takes through a flow: (question, index of the rule taken)."""
    key = []
    for qid in engine.trace(flow, answers).path:
        question = flow.questions[qid]
        index = next(i for i, r in enumerate(question.routes) if engine.holds(r.when, answers))
        key.append((qid, index))
    return tuple(key)


def end_of(flow: Flow, answers: Mapping[str, object]) -> str:
    """The outcome id (or `flow:<id>`) the answers reach."""
    step = engine.next_step(flow, answers)
    if isinstance(step, Handoff):
        return f"flow:{step.flow_id}"
    return step.id


def uncovered_paths(flow: Flow, recorded: Iterable[Mapping[str, object]]) -> list[str]:
    """The paths of `flow` (hand-offs aside) that no recorded answers take to the same end."""
    covered = set()
    for answers in recorded:
        checked = engine.start(flow, answers).answers
        covered.add((route_key(flow, checked), end_of(flow, checked)))
    missing = []
    for path in engine.all_paths(flow):
        if path.end.startswith("flow:"):
            continue
        if (route_key(flow, path.answers), path.end) not in covered:
            missing.append(f"{flow.id}: {dict(path.answers)} -> {path.end}")
    return missing


def recorded_answers(directory: Path, flow_id: str) -> list[dict]:
    """The answers of every recorded answers file for a flow under `directory`."""
    return [load_answers(p).answers for p in sorted((directory / flow_id).glob("*.yaml"))]


def replay(
    catalogue: Catalogue,
    flow_id: str,
    answers: Mapping,
    record: Mapping | None = None,
    source: str = "test",
):
    """Run a session with no prompts; returns the Decision."""
    asker = ScriptedAsker(source, catalogue.record_form)
    return start_session(catalogue, flow_id, asker, answers, record or {}).run()


# --- the catalogue ------------------------------------------------------------------------------


def test_catalogue_has_the_seven_faq_flows_and_triage(catalogue: Catalogue) -> None:
    assert set(catalogue.flows) == {*FAQ_FLOWS.values(), "triage"}
    assert catalogue.triage == "triage"
    assert catalogue.flows["triage"].faq.number is None
    for number, flow_id in FAQ_FLOWS.items():
        assert catalogue.flows[flow_id].faq.number == number, flow_id


def test_every_faq_flow_asks_its_faq_question(catalogue: Catalogue, coverage_module) -> None:
    faqs = coverage_module.parse_faq((GUIDANCE / SOURCE_FILES["sscp-faq"]).read_text("utf-8"))
    assert [f.number for f in faqs] == list(FAQ_FLOWS)
    for faq in faqs:
        flow = catalogue.flows[FAQ_FLOWS[faq.number]]
        assert normalise(flow.faq.question) == normalise(faq.question), flow.id


# --- citations ----------------------------------------------------------------------------------


def test_every_citation_is_verbatim(catalogue: Catalogue, guidance: dict[str, str]) -> None:
    problems = [p for flow in catalogue.flows.values() for p in misquotes(flow, guidance)]
    assert not problems, "\n".join(problems)


def test_verbatim_checker_rejects_a_misquoted_citation(guidance: dict[str, str]) -> None:
    flow = load_flow(FIXTURES / "misquoted_citation.yaml")  # a valid flow: it loads
    problems = misquotes(flow, guidance)
    assert len(problems) == 1, problems
    assert "misquoted-citation/share" in problems[0] and "Yes you may." in problems[0]


def test_verbatim_checker_rejects_sources_without_local_text(guidance: dict[str, str]) -> None:
    flow = load_flow(FIXTURES / "misquoted_citation.yaml")
    assert misquotes(flow, {"sscp-faq": guidance["sscp-faq"]})  # dfe-2024 text withheld


def test_faq_citations_name_the_right_faq(catalogue: Catalogue, coverage_module) -> None:
    faqs = coverage_module.parse_faq((GUIDANCE / SOURCE_FILES["sscp-faq"]).read_text("utf-8"))
    answers = {f.number: normalise(" ".join(f.sentences)) for f in faqs}
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
            if not any(normalise(c.quote) == RECORD_RULE for c in outcome.citations):
                problems.append(f"{flow.id}/{outcome.id}: does not cite the FAQ 7 recording rule")
            if not any(
                a.lower().startswith("record") or " record " in a.lower() for a in outcome.actions
            ):
                problems.append(f"{flow.id}/{outcome.id}: no action says to record the decision")
    assert not problems, "\n".join(problems)


def test_safeguarding_judgements_show_the_definition(catalogue: Catalogue) -> None:
    """A question citing the safeguarding definition shows all six points of it as help."""
    page = (GUIDANCE / SOURCE_FILES["sscp-page"]).read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(page) if DEFINITION_INTRO in line)
    points = []
    for line in page[start + 1 :]:
        if not line.startswith("- "):
            break
        points.append(normalise(line[2:]).rstrip(".").lower())
    assert len(points) == 6, points
    checked = 0
    for flow in catalogue.flows.values():
        for question in flow.questions.values():
            if any(DEFINITION_INTRO in c.quote for c in question.guidance):
                checked += 1
                help_text = normalise(question.help).lower()
                missing = [p for p in points if p not in help_text]
                assert not missing, f"{flow.id}/{question.id}: help lacks {missing}"
    assert checked >= 3


# --- not sure -----------------------------------------------------------------------------------


def test_every_yes_no_question_offers_not_sure(catalogue: Catalogue) -> None:
    for flow_id in FAQ_FLOWS.values():
        for question in catalogue.flows[flow_id].questions.values():
            if question.type == "yesno":
                assert question.choice(NOT_SURE), f"{flow_id}/{question.id}: no 'Not sure'"


def test_every_not_sure_path_ends_in_seek_advice(catalogue: Catalogue) -> None:
    for flow in catalogue.flows.values():
        for path in engine.all_paths(flow):
            if NOT_SURE not in path.answers.values():
                continue
            end = flow.outcomes.get(path.end)
            assert isinstance(end, Outcome) and end.decision == "seek-advice", (
                f"{flow.id}: {dict(path.answers)} ends at {path.end}"
            )


def test_every_seek_advice_outcome_cites_golden_rule_4(catalogue: Catalogue) -> None:
    for flow in catalogue.flows.values():
        for outcome in flow.outcomes.values():
            if outcome.decision == "seek-advice":
                assert any(normalise(c.quote) == GOLDEN_RULE_4 for c in outcome.citations), (
                    f"{flow.id}/{outcome.id}"
                )


# --- recorded answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("flow_id", [*FAQ_FLOWS.values(), "triage"])
def test_every_path_has_recorded_answers(catalogue: Catalogue, flow_id: str) -> None:
    missing = uncovered_paths(catalogue.flows[flow_id], recorded_answers(ANSWERS, flow_id))
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
    assert uncovered_paths(flow, recorded_answers(copy, flow.id)) == []
    (copy / flow.id / "inform.yaml").unlink()
    assert uncovered_paths(flow, recorded_answers(copy, flow.id)) == [
        "inform-family: {'further-risk': 'no', 'compromise': 'no'} -> inform"
    ]


ANSWER_FILES = sorted(ANSWERS.rglob("*.yaml"))


def test_answers_files_are_filed_under_their_flow() -> None:
    assert ANSWER_FILES
    for path in ANSWER_FILES:
        assert load_answers(path).flow_id == path.parent.name, path


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: str(p.relative_to(ANSWERS)))
def test_recorded_answers_replay(catalogue: Catalogue, path: Path) -> None:
    recorded = load_answers(path)
    flow = resolve_flow(catalogue, recorded)  # refuses a changed flow version
    assert recorded.expect.keys() == {"outcome", "decision"}, "expect needs outcome and decision"
    off_path = set(recorded.answers) - set(
        engine.trace(flow, engine.start(flow, recorded.answers).answers).path
    )
    assert not off_path, f"answers the path never asks: {sorted(off_path)}"
    decision = replay(catalogue, flow.id, recorded.answers, recorded.record, str(path))
    assert decision.outcome.id == recorded.expect["outcome"]
    assert decision.outcome.decision == recorded.expect["decision"]


class DictAsker(ScriptedAsker):
    """Answers the questions of the flow handed over to from a mapping (triage is pre-filled)."""

    def __init__(self, catalogue: Catalogue, answers: Mapping[str, object]) -> None:
        super().__init__("test", catalogue.record_form)
        self.answers = answers

    def ask(self, question, default, can_go_back):
        if question.id in self.record_fields:
            return None
        return self.answers[question.id]


def test_triage_hands_over_to_each_of_the_seven_flows(catalogue: Catalogue) -> None:
    triage = catalogue.flows["triage"]
    handoffs = {p.end for p in engine.all_paths(triage) if p.end.startswith("flow:")}
    assert handoffs == {f"flow:{flow_id}" for flow_id in FAQ_FLOWS.values()}
    situation = triage.questions[triage.start]
    for flow_id in FAQ_FLOWS.values():
        value = next(
            c.value
            for c in situation.choices
            if engine.next_step(triage, {situation.id: c.value}) == Handoff(flow_id)
        )
        first = recorded_answers(ANSWERS, flow_id)[0]
        asker = DictAsker(catalogue, first)
        session = start_session(catalogue, "triage", asker, {situation.id: value})
        decision = session.run()
        assert decision.flow.id == flow_id
        assert [s.flow.id for s in decision.route] == ["triage"]
        assert decision.outcome.id == end_of(catalogue.flows[flow_id], first)


def test_triage_sends_medical_treatment_out_of_scope(catalogue: Catalogue) -> None:
    decision = replay(catalogue, "triage", {"situation": "medical-treatment"})
    assert decision.outcome.decision == "out-of-scope"
    decision = replay(catalogue, "triage", {"situation": "not-sure"})
    assert decision.outcome.decision == "seek-advice"


# --- guidance coverage --------------------------------------------------------------------------


def test_every_faq_sentence_is_cited(coverage_module, guidance) -> None:
    _, missing = coverage_module.generate(GUIDANCE / SOURCE_FILES["sscp-faq"], FLOWS)
    assert not missing, "FAQ sentences no flow cites:\n" + "\n".join(missing)


def test_coverage_doc_is_current(coverage_module, guidance) -> None:
    text, _ = coverage_module.generate(GUIDANCE / SOURCE_FILES["sscp-faq"], FLOWS)
    assert COVERAGE_DOC.read_text(encoding="utf-8") == text, (
        "docs/coverage.md is out of date: run python3 docs/gen_coverage.py"
    )


def test_coverage_reports_an_uncited_sentence(coverage_module, tmp_path: Path) -> None:
    faq = tmp_path / "faq.txt"
    faq.write_text(
        "Is this a question?\n\nYes you can. This sentence is cited by no flow.\n"
        "Useful practitioner resources\n",
        encoding="utf-8",
    )
    _, missing = coverage_module.generate(faq, FLOWS)
    assert missing == ["FAQ 1: This sentence is cited by no flow."]


# --- trainer case studies -----------------------------------------------------------------------

CASE_FILES = sorted(CASES.glob("*.yaml"))
CASE_FIELDS = {"title", "role", "flow", "narrative", "answers", "expect", "teaching_point", "trap"}


def load_case(path: Path) -> dict:
    """A case study file (yes/no kept as words, as the flows' loader does)."""
    from sharewizard.loader import read_yaml

    return read_yaml(path).data


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_case_study_replays_to_its_expected_outcome(catalogue: Catalogue, path: Path) -> None:
    case = load_case(path)
    assert set(case) == CASE_FIELDS, f"fields: {sorted(set(case) ^ CASE_FIELDS)}"
    assert isinstance(case["trap"], bool)
    assert all(
        isinstance(case[k], str) and case[k].strip()
        for k in ("title", "role", "narrative", "teaching_point")
    )
    flow = catalogue.flows[case["flow"]]
    off_path = set(case["answers"]) - set(
        engine.trace(flow, engine.start(flow, case["answers"]).answers).path
    )
    assert not off_path, f"answers the path never asks: {sorted(off_path)}"
    decision = replay(catalogue, flow.id, case["answers"], source=str(path))
    assert decision.outcome.id == case["expect"]["outcome"]
    assert decision.outcome.decision == case["expect"]["decision"]


def test_case_studies_cover_every_faq_and_include_traps() -> None:
    cases = [load_case(p) for p in CASE_FILES]
    assert len(cases) >= 10
    assert {c["flow"] for c in cases} >= set(FAQ_FLOWS.values())
    traps = [c for c in cases if c["trap"]]
    assert len(traps) >= 3
    for case in traps:
        assert "trap" in case["teaching_point"].lower(), case["title"]
