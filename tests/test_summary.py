"""What a person reads at an 80x24 terminal: nothing clipped, the decision in words, one screen."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console, Group

from sharewizard.walk import summary
from sharewizard.walk.console import Env


def render(renderable, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, emoji=False)
    console.print(renderable)
    return console.file.getvalue()


def lines_of(text: str) -> list[str]:
    """Each line with the box drawn around it taken off."""
    return [line.strip(" │╭╮╰╯─") for line in text.splitlines()]


def test_the_triage_question_shows_every_choice_whole_at_80_columns(catalogue):
    triage = catalogue.flows[catalogue.triage]
    for question in triage.questions.values():
        shown = render(summary.question_text(question)).splitlines()
        for number, choice in enumerate(question.choices, 1):
            assert f"  {number}. {choice.label}" in shown  # on one line, not cut or wrapped


def test_the_check_sees_a_label_cut_at_a_narrow_width(catalogue):
    situation = catalogue.flows[catalogue.triage].questions["situation"]
    shown = render(summary.question_text(situation), width=40).splitlines()
    assert not all(f"  {n}. {c.label}" in shown for n, c in enumerate(situation.choices, 1))


def _outcomes(catalogue):
    return [
        (flow.id, outcome)
        for flow in catalogue.flows.values()
        for outcome in flow.outcomes.values()
    ]


@pytest.mark.parametrize("boxed", [True, False], ids=["rich", "plain"])
def test_every_outcome_states_its_title_and_decision_whole_at_80_columns(catalogue, boxed):
    for _, outcome in _outcomes(catalogue):
        label = catalogue.record_form.decisions[outcome.decision].label
        shown = " ".join(
            " ".join(lines_of(render(summary.outcome_panel(outcome, label, boxed=boxed)))).split()
        )
        assert f"Outcome: {outcome.title}" in shown
        assert f"Decision: {label}" in shown
        assert "…" not in shown


def _record(catalogue, flow_id, outcome, *, changes=(), text="Attendance and injuries"):
    label = catalogue.record_form.decisions[outcome.decision].label
    flow = catalogue.flows[flow_id]
    return {
        "outcome": {
            "id": outcome.id,
            "decision": outcome.decision,
            "decision_label": label,
            "title": outcome.title,
            "summary": outcome.summary,
            "actions": list(outcome.actions),
            "citations": [
                {"quote": c.quote, "title": c.source, "section": c.section}
                for c in outcome.citations
            ],
        },
        "route": [],
        "answers": [
            {"question": q.id, "text": q.text, "answer": "yes", "answer_label": "Yes"}
            for q in list(flow.questions.values())[:6]
        ],
        "fields": [
            {"id": f.id, "label": f.label or f.text, "text": text}
            for f in catalogue.record_form.fields
        ],
        "changes": list(changes),
        "missing": [],
    }


def test_the_end_of_every_walk_fits_one_screen_with_the_outcome_last(catalogue):
    for flow_id, outcome in _outcomes(catalogue):
        shown = render(summary.record_summary(_record(catalogue, flow_id, outcome)))
        lines = shown.rstrip("\n").splitlines()
        # 24 rows: the record's location and the answers file take two more, the shell prompt one
        assert len(lines) <= 21, f"{outcome.id}: {len(lines)} lines\n{shown}"
        assert "Decision: " in shown and "; see --verbose." in lines[0]
        assert lines[-1].startswith("╰")  # the outcome is the last thing before the location


@pytest.mark.parametrize(
    ("changes", "said"),
    [([], " fields and the guidance"), (["x"], ", 1 change and"), (["x", "y"], ", 2 changes and")],
)
def test_the_summary_counts_in_words_that_agree(catalogue, changes, said):
    flow_id, outcome = _outcomes(catalogue)[0]
    shown = render(summary.record_summary(_record(catalogue, flow_id, outcome, changes=changes)))
    assert said in " ".join(shown.split())
    assert "1 changes" not in shown and "1 answers" not in shown and "1 fields" not in shown
    assert "1 facts" not in shown


def test_verbose_shows_the_answers_fields_and_guidance_then_the_outcome(catalogue):
    flow_id, outcome = _outcomes(catalogue)[0]
    record = _record(catalogue, flow_id, outcome, changes=["“Concern?” changed from “No” to “Yes”"])
    shown = render(summary.record_summary(record, verbose=True))
    assert "Your answers" in shown and "For the record" in shown and "Guidance" in shown
    assert "changed from" in shown
    assert shown.index("Guidance") < shown.index("Decision: ")
    assert "--verbose" not in shown


def test_bidi_and_zero_width_characters_in_user_text_are_shown_escaped(catalogue):
    flow_id, outcome = _outcomes(catalogue)[0]
    sneaky = "Attendance \u202eeton\u202c and \u200bhidden"
    shown = render(
        summary.record_summary(_record(catalogue, flow_id, outcome, text=sneaky), verbose=True)
    )
    assert "<U+202E>" in shown and "<U+200B>" in shown and "<U+202C>" in shown
    assert "\u202e" not in shown and "\u200b" not in shown


def test_emoji_codes_in_user_text_stay_as_typed(catalogue):
    flow_id, outcome = _outcomes(catalogue)[0]
    record = _record(catalogue, flow_id, outcome, text="Shared :warning: by phone")
    console = Env(stdout=io.StringIO()).out()
    console.print(summary.record_summary(record, verbose=True))
    assert ":warning:" in console.file.getvalue()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "colour"),
    [({"TERM": "xterm-256color"}, True), ({"TERM": "xterm-256color", "NO_COLOR": "1"}, False)],
    ids=["colour", "NO_COLOR"],
)
def test_no_color_turns_colour_off(catalogue, environ, colour):
    _, outcome = _outcomes(catalogue)[0]
    env = Env(stdout=_Terminal(), environ=environ)
    assert env.plain is False
    env.out().print(summary.outcome_panel(outcome, "Share", boxed=True))
    shown = env.stdout.getvalue()
    # an SGR colour parameter: 30-37, 90-97 (foreground), 38;... (extended)
    coloured = re.search(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7])(?:;[0-9]+)*m", shown)
    assert bool(coloured) is colour
    assert "\x1b[1m" in shown  # bold stays: NO_COLOR is about colour only


@pytest.mark.parametrize(
    ("environ", "requested", "stdout_tty", "plain"),
    [
        ({"TERM": "xterm"}, False, True, False),
        ({"TERM": "xterm"}, True, True, True),
        ({"TERM": "dumb"}, False, True, True),
        ({"TERM": "xterm", "ACCESSIBLE": "1"}, False, True, True),
        ({"TERM": "xterm"}, False, False, True),
    ],
    ids=["terminal", "--plain", "TERM=dumb", "ACCESSIBLE", "output-not-a-terminal"],
)
def test_plain_mode_is_chosen_by_flag_term_accessible_or_output(
    environ, requested, stdout_tty, plain
):
    stdout = _Terminal() if stdout_tty else io.StringIO()
    env = Env(stdout=stdout, environ=environ, plain_requested=requested)
    assert env.plain is plain
    env.out().print(summary.outcome_panel(_fake_outcome(), "Share"), style="bold red")
    assert ("\x1b[" in stdout.getvalue()) is not plain


def _fake_outcome():
    from sharewizard.core.model import Outcome

    return Outcome("o", "share", "Share it", "Because.", ("Do it.",), ())


def test_the_summary_says_when_the_flows_are_not_the_packaged_ones():
    import io

    from rich.console import Console

    from sharewizard.walk.summary import record_summary

    base = {
        "outcome": {
            "decision": "share", "decision_label": "Share the information", "title": "Share",
            "actions": ["Share."], "citations": [], "summary": "",
        },
        "answers": [], "route": [], "fields": [], "changes": [], "missing": [],
    }  # fmt: skip

    def shown(flows: str) -> str:
        out = io.StringIO()
        Console(file=out, width=80, color_system=None).print(
            record_summary({**base, "flows": flows})
        )
        return out.getvalue()

    assert "Flows: custom (flows from --flows" in shown("custom")
    assert "Flows:" not in shown("packaged")


def test_the_recap_of_a_sitting_names_each_outcome_and_record_last(catalogue):
    from pathlib import Path

    from sharewizard.walk.decide import Written

    outcomes = _outcomes(catalogue)[:2]
    written = [
        Written(_record(catalogue, flow_id, outcome), Path(f"/data/records/r-{n}.json"))
        for n, (flow_id, outcome) in enumerate(outcomes, 1)
    ]
    rich = render(Group(*summary.sitting_recap(written)))
    flat = " ".join(rich.split())
    for n, (_, outcome) in enumerate(outcomes, 1):
        label = catalogue.record_form.decisions[outcome.decision].label
        assert f"{n}. Outcome: {outcome.title} Decision: {label} Record: r-{n}.json" in flat
    assert rich.rstrip("\n").splitlines()[-1] == "Records in: /data/records"
    plain = [line.plain for line in summary.sitting_recap(written, boxed=False)]
    first = outcomes[0][1]
    assert plain[:4] == [  # plain mode: lines, not a padded table
        "This sitting made 2 decisions:",
        f"1. Outcome: {first.title}",
        f"   Decision: {catalogue.record_form.decisions[first.decision].label}",
        "   Record: r-1.json",
    ]
    assert plain[-1] == "Records in: /data/records"
