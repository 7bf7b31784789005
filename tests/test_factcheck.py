"""`sharewizard factcheck`: every path as one row, escaped output, and up-to-date docs."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

import pytest

from sharewizard.author.factcheck import render, rows
from sharewizard.cli import main
from sharewizard.flowfiles.loader import load_catalogue

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "tests" / "fixtures" / "catalogue"
LINT_FIXTURES = REPO / "tests" / "fixtures" / "lint"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.fixture(scope="module")
def demo():
    catalogue = load_catalogue(CATALOGUE)
    return catalogue.flows["demo"], catalogue.record_form.decisions


def test_every_path_is_a_row_with_its_outcome_and_decision(demo):
    flow, decisions = demo
    table = rows(flow, decisions)
    ends = [(tuple((s.question, s.answers) for s in row.steps), row.outcome_id) for row in table]
    assert ends[:2] == [
        ((("Concern?", ("No",)),), "none"),
        ((("Concern?", ("Not sure",)),), "advice"),
    ]
    # `kinds` and `urgency` are tested by a later condition, so each answer gets its own row,
    # and a combination of kinds can end elsewhere than each kind alone.
    by_answers = {tuple(a for _, a in steps[1:-1]): end for steps, end in ends[2:]}
    assert by_answers[(("Injury",), ("High",))] == "refer"
    assert by_answers[(("Injury, Online harm",), ("High",))] == "share"
    assert by_answers[(("Neglect",),)] == "none"
    assert {row.decision for row in table} >= {
        "refer: Make the referral",
        "share: Share the information",
    }
    assert all(row.citations for row in table)


def test_answers_that_lead_alike_share_a_row():
    from sharewizard.flowfiles.loader import load_flow

    flow = load_flow(REPO / "tests" / "fixtures" / "flows" / "uncovered_path.yaml")
    table = rows(flow)
    assert [(row.steps[0].answers, row.outcome_id) for row in table] == [
        (("Yes",), "share"),
        (("No", "Not sure"), "seek-advice"),
    ]


def test_a_hand_off_row_names_the_flow_and_has_no_decision():
    from sharewizard.flowfiles.loader import load_flow

    flow = load_flow(LINT_FIXTURES / "handoff_cycle.yaml")
    (first, second) = rows(flow, titles={"handoff-cycle": "Itself"})
    assert (first.outcome, first.outcome_id, first.decision) == (
        "Hands over to: Itself",
        "flow:handoff-cycle",
        "",
    )
    assert second.outcome_id == "wait"


HOSTILE = '<script>alert(1)</script> | *bold* [link](x) =HYPERLINK("x")'


@pytest.fixture()
def hostile_flow(tmp_path):
    for name in ("sources.yaml", "record.yaml"):
        (tmp_path / name).write_text((LINT_FIXTURES / name).read_text())
    text = (LINT_FIXTURES / "clean.yaml").read_text()
    text = text.replace("title: Share the information", f"title: '{HOSTILE.replace(chr(39), '')}'")
    text = text.replace("text: Do you have a concern about the child?", "text: '=1+1 <b>x</b>'")
    (tmp_path / "clean.yaml").write_text(text)
    catalogue = load_catalogue(tmp_path)
    return catalogue.flows["clean"], catalogue.record_form.decisions


def test_markdown_escapes_flow_text(hostile_flow):
    flow, decisions = hostile_flow
    out = render(flow, "md", decisions)
    assert "<script>" not in out and "<b>" not in out and "*bold*" not in out
    assert r"\<script\>" in out and r"\*bold\*" in out and r"\|" in out
    rows_only = [
        line for line in out.splitlines() if line.startswith("| 1 ") or line.startswith("| 2 ")
    ]
    assert all(line.count(" | ") == 4 for line in rows_only)  # no cell breaks the table


def test_html_escapes_flow_text(hostile_flow):
    flow, decisions = hostile_flow
    out = render(flow, "html", decisions)
    assert "<script>" not in out and "<b>x</b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;b&gt;x&lt;/b&gt;" in out


def test_csv_cells_cannot_run_as_spreadsheet_formulas(hostile_flow):
    flow, decisions = hostile_flow
    parsed = list(csv.reader(io.StringIO(render(flow, "csv", decisions))))
    assert parsed[0] == ["path", "answers", "outcome", "outcome_id", "decision", "citations"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in parsed for cell in row)
    assert parsed[1][1].startswith("'=1+1 <b>x</b> → ")


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_cli_prints_each_format(capsys, fmt):
    code, out, _ = run(capsys, "--flows", str(CATALOGUE), "factcheck", "demo", "--format", fmt)
    assert code == 0
    assert "Concern?" in out and "Make the referral" in out


def test_cli_takes_a_flow_file(capsys):
    code, out, _ = run(capsys, "factcheck", str(LINT_FIXTURES / "clean.yaml"))
    assert code == 0 and out.startswith("# Fact-check: Fixture clean\n")


def test_cli_unknown_flow_is_bad_input(capsys):
    code, out, err = run(capsys, "--flows", str(CATALOGUE), "factcheck", "nope")
    assert code == 2 and out == ""
    assert "FLOW: unknown flow 'nope'. Flows: demo." in " ".join(err.split())  # as decide says


def test_generated_factcheck_tables_are_up_to_date():
    spec = importlib.util.spec_from_file_location(
        "gen_factcheck", REPO / "docs" / "gen_factcheck.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.stale() == [], "run: python3 docs/gen_factcheck.py"
    assert sorted(p.stem for p in (REPO / "docs" / "factcheck").glob("*.md")) == sorted(
        load_catalogue(REPO / "flows").flows
    )


POLICY_FIXTURES = REPO / "tests" / "fixtures" / "policy"


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_each_path_names_the_safety_rules_it_was_checked_against(capsys, fmt):
    code, out, _ = run(capsys, "factcheck", "how-much", "--format", fmt)
    assert code == 0
    rows_out = {
        "md": lambda: [line for line in out.splitlines() if "(`share-this`)" in line],
        "csv": lambda: [",".join(r) for r in csv.reader(io.StringIO(out)) if "share-this" in r],
        "html": lambda: [line for line in out.splitlines() if "<code>share-this</code>" in line],
    }[fmt]()
    assert rows_out, out[:400]
    for row in rows_out:
        # Checked before the first question, at a sharing outcome, on its record form.
        for rule in ("danger-first", "share-needs-risk-or-agreement", "share-only-with-a-role"):
            assert rule in row, row
        assert "consent-needs-agreement" in row and "tell-only-when-safe" not in row
    assert "Rules checked" in out or "rules_checked" in out


def test_a_path_whose_rule_is_broken_there_is_still_listed_as_checked_there():
    folder = POLICY_FIXTURES / "share_without_risk_or_agreement"
    from sharewizard.author.prove import proof_of

    proof = proof_of(folder)
    table = rows(
        load_catalogue(folder).flows["concern"], rules_at=lambda o: proof.rules_at("concern", o)
    )
    checked = {row.outcome_id: row.rules for row in table}
    assert checked["share"] == ("share-needs-risk-or-agreement",)
    assert checked["advice"] == ()  # seeks advice: the rule reads only decisions that share
    text = render(
        load_catalogue(folder).flows["concern"],
        "md",
        rules_at=lambda o: proof.rules_at("concern", o),
    )
    assert "| share-needs-risk-or-agreement |" in text and "| none applies here |" in text


def test_a_flow_file_on_its_own_has_no_rules_column(capsys):
    code, out, _ = run(capsys, "factcheck", str(LINT_FIXTURES / "clean.yaml"))
    assert code == 0 and "Rules checked" not in out
