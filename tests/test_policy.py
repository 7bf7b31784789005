"""The safety rules of flows/policy.yaml, proved by `sharewizard lint` (issue 23).

Each rule has a broken fixture (tests/fixtures/policy/<what is wrong>/, a small flows folder whose
policy.yaml is the packaged rule word for word) that lint rejects with the rule's id and a
counterexample; the packaged flows break none of them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sharewizard.author.lint import lint_paths
from sharewizard.author.prove import SITUATIONS_PER_SITTING, proof_of
from sharewizard.cli import main
from sharewizard.core.errors import FlowError
from sharewizard.flowfiles.loader import load_catalogue, load_policy

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
FIXTURES = REPO / "tests" / "fixtures" / "policy"
FOLDERS = sorted(p for p in FIXTURES.iterdir() if (p / "policy.yaml").is_file())
EXPECT = re.compile(r"#\s*expect:\s*(SW6\d\d) ([a-z0-9-]+)")


def expected(folder: Path) -> list[tuple[str, int, str, str]]:
    """(file, line, code, rule id) of every `# expect: SW6nn rule-id` comment in a fixture."""
    return sorted(
        (path.name, n, m.group(1), m.group(2))
        for path in folder.glob("*.yaml")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if (m := EXPECT.search(line))
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.fixture(scope="module")
def packaged_proof():
    return proof_of(FLOWS)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_fixture_breaks_its_rule_where_it_says_with_a_counterexample(folder):
    result = lint_paths([folder])
    found = sorted(
        (f.path.name, f.line, f.code, f.message.split(":", 1)[0]) for f in result.findings
    )
    assert found == expected(folder), "\n".join(map(str, result.findings))
    for finding in result.findings:
        # The answers that reach it, in order, from an entry point, to the outcome (or question).
        assert finding.message.split(": ", 1)[1].startswith("decide ")
        assert "immediate danger" in finding.message or "role" in finding.message
        assert "→ outcome" in finding.message or "→ the first question" in finding.message


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_fixture_holds_the_packaged_rule_word_for_word(folder):
    packaged = {rule.id: rule for rule in load_policy(FLOWS / "policy.yaml").rules}
    (rule,) = load_policy(folder / "policy.yaml", {"dfe-2024", "sscp-faq"}).rules
    assert rule == packaged[rule.id]


def test_every_packaged_rule_has_a_fixture_that_breaks_it():
    packaged = {rule.id for rule in load_policy(FLOWS / "policy.yaml").rules}
    broken = {rule for folder in FOLDERS for *_, code, rule in expected(folder) if code != "SW605"}
    assert broken == packaged


def test_the_packaged_flows_break_no_rule(packaged_proof):
    assert packaged_proof.violations == (), "\n".join(v.message for v in packaged_proof.violations)
    assert packaged_proof.rules == len(load_policy(FLOWS / "policy.yaml").rules)
    # Every entry point: the triage and each flow named.
    assert packaged_proof.entries == len(load_catalogue(FLOWS).flows)
    assert packaged_proof.paths > 10_000 and packaged_proof.pairs > 100_000
    assert packaged_proof.record_forms > 100


def test_lint_prints_what_it_proved_and_how_much_it_checked(capsys):
    code, out, _ = run(capsys, "lint", "--strict", str(FLOWS))
    assert code == 0
    proof = proof_of(FLOWS)
    assert f"Safety rules ({FLOWS / 'policy.yaml'}): {proof.rules} rules, all hold." in out
    assert (
        f"Checked {proof.paths:,} paths from {proof.entries} entry points (every answer to each "
        f"fact a path reads), {proof.record_forms:,} record forms and {proof.pairs:,} pairs of "
        f"decisions in one sitting (up to {SITUATIONS_PER_SITTING} situations per sitting)."
    ) in out


def test_lint_json_gives_the_counts(capsys):
    code, out, _ = run(capsys, "lint", "--json", str(FLOWS))
    (policy,) = json.loads(out)["policy"]
    proof = proof_of(FLOWS)
    assert code == 0 and policy == {
        "folder": str(FLOWS),
        "proved": True,
        "rules": proof.rules,
        "entry_points": proof.entries,
        "paths": proof.paths,
        "record_forms": proof.record_forms,
        "sittings": proof.pairs,
        "situations_per_sitting": SITUATIONS_PER_SITTING,
        "broken": 0,
    }


def test_strict_lint_fails_on_a_broken_rule_and_says_which(capsys):
    folder = FIXTURES / "share_without_risk_or_agreement"
    code, out, _ = run(capsys, "lint", "--strict", str(folder))
    assert code == 1
    assert "error SW601 policy-outcome: share-needs-risk-or-agreement: decide concern:" in out
    assert "shares is yes, but risk of harm is no, immediate danger is no and agreed is no" in out
    assert "1 of 1 rule broken (above)." in out


def test_no_prove_checks_the_policy_but_proves_nothing_and_says_so(capsys):
    folder = FIXTURES / "share_without_risk_or_agreement"
    code, out, _ = run(capsys, "lint", "--strict", "--no-prove", str(folder))
    assert code == 0  # the broken rule is not found: nothing was proved
    assert "SW601" not in out
    assert "were not proved: --no-prove was given" in out


def test_no_prove_still_checks_the_shape_of_policy_yaml(capsys, tmp_path):
    folder = tmp_path / "flows"
    shutil.copytree(FIXTURES / "share_without_risk_or_agreement", folder)
    policy = folder / "policy.yaml"
    policy.write_text(policy.read_text().replace("at: outcome", "at: nowhere"))
    code, out, _ = run(capsys, "lint", "--no-prove", str(folder))
    assert code == 1
    assert "policy.yaml" in out and "error SW001 schema" in out


def test_a_break_that_needs_another_decisions_facts_names_the_sitting():
    folder = FIXTURES / "tell_the_family_when_another_decision_found_it_unsafe"
    (finding,) = lint_paths([folder]).findings
    assert (
        "decide (the triage): immediate danger no; role dsl; situation concern, tell: decision 1: "
        "risk of harm yes; telling parents risk yes → outcome concern hold"
    ) in finding.message
    assert "at decision 2's outcome: decision is tell-family, but telling parents risk is yes" in (
        finding.message
    )


ASKS_NOTHING_ELSE = """\
id: concern
version: 1
title: Fixture concern
description: Asks only about the risk of harm.
faq: {number: 1, question: Can I share?}
start: risk-of-harm
questions:
  - fact: risk-of-harm
    next: advice
outcomes:
  - id: advice
    decision: seek-advice
    title: Seek advice today
    summary: Seek advice today.
    actions: [Do it now.]
    citations: [{source: dfe-2024, section: Golden rule 1, quote: "%s"}]
"""


def test_a_break_no_sitting_can_reach_is_not_reported(tmp_path):
    # The same flows, but the other decision no longer asks whether telling the parents is safe:
    # the tell outcome still does not ask either, and now no sitting can know it is unsafe.
    folder = tmp_path / "flows"
    shutil.copytree(FIXTURES / "tell_the_family_when_another_decision_found_it_unsafe", folder)
    quote = load_catalogue(folder).flows["concern"].outcomes["advice"].citations[0].quote
    (folder / "concern.yaml").write_text(ASKS_NOTHING_ELSE % quote)
    result = lint_paths([folder])
    assert result.findings == () and not isinstance(result.proofs[0][1], str)


def test_a_policy_naming_what_its_rule_cannot_read_is_refused(tmp_path):
    folder = tmp_path / "flows"
    shutil.copytree(FIXTURES / "share_without_risk_or_agreement", folder)
    policy = (folder / "policy.yaml").read_text()
    (folder / "policy.yaml").write_text(
        policy.replace("- agreed: 'yes'", "- lawful_basis: consent")
    )
    (finding,) = [f for f in lint_paths([folder]).findings if f.code == "SW102"]
    assert finding.path.name == "policy.yaml"
    assert "'lawful_basis', which a rule checked at outcome cannot read here" in finding.message
    with pytest.raises(FlowError) as refused:
        load_catalogue(folder)
    assert "policy.yaml" in str(refused.value.location.path)


def test_the_policy_schema_is_published(capsys):
    code, out, _ = run(capsys, "schema", "policy")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "sharewizard policy"
    rule = schema["properties"]["rules"]["items"]
    assert rule["then"]["properties"]["at"] == {
        "const": "sitting",
        **rule["then"]["properties"]["at"],
    }
    assert rule["else"]["properties"]["at"]["enum"] == ["outcome", "first-question", "record"]


def test_a_sitting_rule_needs_first_and_second_and_nothing_else(tmp_path):
    folder = tmp_path / "flows"
    shutil.copytree(FIXTURES / "sitting_refers_and_does_not_refer", folder)
    policy = (folder / "policy.yaml").read_text()
    (folder / "policy.yaml").write_text(policy.replace("  second:", "  require:"))
    (finding,) = lint_paths([folder]).findings
    assert (finding.path.name, finding.code) == ("policy.yaml", "SW001")
    assert finding.message == "'second' is a required property."


def test_the_second_decision_of_a_sitting_goes_as_the_engine_walks_it():
    """The prover finds a second decision's ways among its flow's ways, keeping those that agree
    with the first decision's facts; the engine walks it with those facts known. Both agree."""
    from sharewizard.author.prove import _Context, _Prover, _Walker
    from sharewizard.core import engine
    from sharewizard.core.model import Outcome

    catalogue = load_catalogue(FLOWS)
    context = _Context(catalogue)
    prover = _Prover(catalogue, context, _Walker(context, frozenset()))
    opening = (("immediate-danger", "no"), ("role", "practitioner"))
    pairs = [
        ("share-without-consent", "inform-family"),
        ("early-help-no-concern", "how-much"),
        ("seek-and-share", "not-sharing"),
        ("medical-treatment", "social-care-without-consent"),
    ]
    checked = 0
    for first_flow, second_flow in pairs:
        firsts = prover.index(first_flow, opening, dict(opening))
        seconds = prover.index(second_flow, opening, dict(opening))
        readable = context.readable[second_flow]

        def seen(flow, outcome, facts, readable=readable):
            return flow, outcome, frozenset((k, v) for k, v in facts.items() if k in readable)

        for first in firsts.walks[::25]:
            after = seconds.after(first)
            found = {
                seen(w.flow, w.outcome.id, {**first.facts, **w.facts})
                for n, w in enumerate(seconds.walks)
                if after >> n & 1
            }
            walked = {
                seen(p.flow, p.end.id, p.facts)
                for p in engine.decision_paths(catalogue, second_flow, first.facts, by_fact=True)
                if isinstance(p.end, Outcome) and not {f for f, _ in p.segments} & first.flows
            }
            assert found == walked, (first_flow, second_flow, first.facts)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("value", ["{k: v}", "[a, b]", "7"])
def test_a_quote_or_citation_of_the_wrong_shape_is_a_schema_error_not_a_crash(tmp_path, value):
    """Found by the hostile suite: a mapping as a quote reached the quote check (exit 70)."""
    flows = tmp_path / "flows"
    shutil.copytree(FLOWS, flows)
    policy = flows / "policy.yaml"
    text = policy.read_text()
    quote = re.search(r"\n( +)quote: ", text)
    assert quote is not None
    start = quote.end()
    end = text.index("\n", start)
    while text[end + 1 :].startswith(quote.group(1) + "  "):  # a folded quote's next lines
        end = text.index("\n", end + 1)
    policy.write_text(text[:start] + value + text[end:])
    from tests.test_content import GUIDANCE_MISSING, find_guidance

    guidance = find_guidance()
    if guidance is None:
        pytest.skip(GUIDANCE_MISSING)  # the quote check, where it broke, needs the texts
    result = lint_paths([flows], guidance)
    codes = {(f.path.name, f.code) for f in result.findings if f.severity == "error"}
    assert codes == {("policy.yaml", "SW001")}


def test_a_facts_choice_without_a_label_is_a_schema_error_not_a_crash(tmp_path, capsys):
    """Found by the hostile suite: the text check read facts.yaml before its schema (exit 70)."""
    flows = tmp_path / "flows"
    shutil.copytree(FLOWS, flows)
    facts = flows / "facts.yaml"
    facts.write_text(facts.read_text().replace("label:", "labl:", 1))
    code, out, _ = run(capsys, "lint", "--no-prove", str(flows))
    assert code == 1
    assert "facts.yaml" in out and "'label' is a required property" in out
