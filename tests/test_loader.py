from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sharewizard.core.errors import FlowError
from sharewizard.flowfiles.loader import load_catalogue, load_flow

BROKEN = Path(__file__).parent / "fixtures" / "flows"


@pytest.mark.parametrize(
    ("name", "where", "message"),
    [
        ("bad_yaml", "bad_yaml.yaml:11:1", "while scanning a quoted scalar (line 9, column 11)"),
        (
            "unknown_type",
            "unknown_type.yaml:10:11: questions[0].type",
            "'slider' is not allowed here. Use one of: yesno, choice, multi, text.",
        ),
        (
            "dangling_next",
            "dangling_next.yaml:14:11: questions[0].next.no",
            "'nowhere' names no question or outcome in this flow",
        ),
        (
            "duplicate_id",
            "duplicate_id.yaml:15:10: outcomes[1].id",
            "duplicate id 'first' (first used at line 8)",
        ),
        (
            "duplicate_key",
            "duplicate_key.yaml:13:5: questions[0].text",
            "duplicate key 'text' (first given at line 9)",
        ),
        ("loop", "loop.yaml:17:17: questions[1].next.yes", "leads back to 'first'"),
        ("unreachable", "unreachable.yaml:15:10: outcomes[1].id", "'orphan' can never be reached"),
        (
            "unanswered_choice",
            "unanswered_choice.yaml:14:7: questions[0].next",
            "the answer 'not-sure' has no route: `next` does not say where it leads.",
        ),
        ("unknown_field", "unknown_field.yaml:12:5: questions[0].nxet", "unknown field 'nxet'"),
        (
            "bad_condition",
            "bad_condition.yaml:13:15: questions[0].next[0].when",
            "'maybe' is not an answer to 'first'",
        ),
    ],
)
def test_broken_flow_names_file_line_column_and_problem(name, where, message):
    with pytest.raises(FlowError) as caught:
        load_flow(BROKEN / f"{name}.yaml")
    text = str(caught.value)
    assert where in text
    assert message in text
    assert "\n" not in text


def test_yes_and_no_keys_stay_words(demo):
    question = demo.flows["demo"].questions["concern"]
    assert [r.when.values for r in question.routes] == [("yes",), ("no",), ("not-sure",)]


def _catalogue_copy(tmp_path, demo_dir):
    target = tmp_path / "flows"
    shutil.copytree(demo_dir, target)
    return target


def test_unknown_source_is_refused_with_position(tmp_path):
    target = _catalogue_copy(tmp_path, Path(__file__).parent / "fixtures" / "catalogue")
    demo = target / "demo.yaml"
    demo.write_text(
        demo.read_text().replace(
            'source: sscp-faq, section: FAQ 1, quote: "Yes you can."}]\n    choices',
            'source: nowhere, section: FAQ 1, quote: "Yes you can."}]\n    choices',
        )
    )
    with pytest.raises(
        FlowError,
        match=r"demo.yaml:\d+:\d+: questions\[1\].guidance\[0\].source: "
        r"the source 'nowhere' is not declared",
    ):
        load_catalogue(target)


def test_undeclared_decision_is_refused_with_position(tmp_path):
    # the decision vocabulary lives in record.yaml, so a flow's decision is checked in its catalogue
    target = _catalogue_copy(tmp_path, Path(__file__).parent / "fixtures" / "catalogue")
    shutil.copy(BROKEN / "bad_decision.yaml", target)
    with pytest.raises(FlowError) as caught:
        load_catalogue(target)
    text = str(caught.value)
    assert "bad_decision.yaml:14:26: outcomes[0].decision" in text
    assert "'probably-fine' is not a decision declared in record.yaml" in text
    assert "Use one of: agreement-needed, call-999, do-not-inform-family, " in text
    assert "\n" not in text


def test_handoff_to_unknown_flow_is_refused(tmp_path):
    target = _catalogue_copy(tmp_path, Path(__file__).parent / "fixtures" / "catalogue")
    demo = target / "demo.yaml"
    demo.write_text(demo.read_text().replace("not-sure: advice", "not-sure: flow:elsewhere"))
    with pytest.raises(
        FlowError, match=r"questions\[0\].next.not-sure: 'flow:elsewhere' names no flow"
    ):
        load_catalogue(target)


def test_two_flows_with_one_id_are_refused(tmp_path):
    target = _catalogue_copy(tmp_path, Path(__file__).parent / "fixtures" / "catalogue")
    shutil.copy(target / "demo.yaml", target / "demo-copy.yaml")
    with pytest.raises(
        FlowError, match=r"demo.yaml:2:5: id: flow id 'demo' is also used by demo-copy.yaml"
    ):
        load_catalogue(target)


def test_edited_flow_is_reloaded(tmp_path):
    target = _catalogue_copy(tmp_path, Path(__file__).parent / "fixtures" / "catalogue")
    assert load_catalogue(target).flows["demo"].title == "Demo flow"
    demo = target / "demo.yaml"
    demo.write_text(demo.read_text().replace("title: Demo flow", "title: Edited demo"))
    assert load_catalogue(target).flows["demo"].title == "Edited demo"


def test_missing_flows_directory(tmp_path):
    with pytest.raises(FlowError, match="no such flows directory"):
        load_catalogue(tmp_path / "nope")


def test_dates_stay_text_as_typed():
    from sharewizard.flowfiles.loader import parse_yaml

    doc = parse_yaml("when: 2026-11-23\nanswer: yes\nflag: true\n", Path("a.yaml"))
    assert doc.data == {"when": "2026-11-23", "answer": "yes", "flag": True}


def test_hand_offs_that_loop_whatever_is_answered_are_refused_at_load(tmp_path):
    import shutil

    from sharewizard.core.errors import FlowError
    from sharewizard.flowfiles.loader import load_catalogue

    for name in ("sources.yaml", "record.yaml", "facts.yaml"):
        shutil.copy(Path(__file__).parents[1] / "flows" / name, tmp_path / name)
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{name}.yaml").write_text(
            f"id: {name}\nversion: 1\ntitle: {name}\ndescription: d\nfaq: {{question: q?}}\n"
            "start: q\nquestions:\n  - id: q\n    text: Anything?\n    type: yesno\n"
            "    guidance: [{source: sscp-faq, section: FAQ 1, quote: Yes you can.}]\n"
            f"    next: 'flow:{other}'\noutcomes: []\n"
        )
    with pytest.raises(FlowError) as refused:
        load_catalogue(tmp_path)
    assert "hands over 'a' to 'b' to 'a' whatever is answered" in str(refused.value)
    assert str(refused.value).startswith(str(tmp_path / "a.yaml"))
