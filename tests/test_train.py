"""Training: case studies, the what-if of a question, the walk state and its ending."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from sharewizard.core.errors import AnswersError, UsageError
from sharewizard.core.model import Catalogue, Choice, Condition, Faq, Flow, Outcome, Question, Route
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.train import room as train
from sharewizard.train import screens, session

FIXTURES = Path(__file__).parent / "fixtures"
CASES = FIXTURES / "cases"
DEMO = load_catalogue(FIXTURES / "catalogue")


def demo_case() -> train.Case:
    (case,) = train.load_cases(DEMO, [CASES])
    return case


# --- cases ---------------------------------------------------------------------------------------


def test_cases_are_answers_files_with_a_case_block_others_are_skipped():
    case = demo_case()
    assert case.id == "demo-injury"
    assert case.title == "An injury seen at drop-off"
    assert case.role == "Class teacher"
    assert case.flows == ("demo",)
    assert case.answer_to("demo", "kinds") == ("injury",)
    assert case.answer_to("demo", "nothing") is None


@pytest.mark.parametrize(
    ("name", "where", "what"),
    [
        ("unknown-question.yaml", "unknown-question.yaml:10:3: answers.kindz", "not a question"),
        ("bad-answer.yaml", "bad-answer.yaml:9:12: answers.concern", "'perhaps' is not an answer"),
    ],
)
def test_a_broken_case_names_file_line_and_column(name, where, what):
    with pytest.raises(AnswersError) as caught:
        train.load_case(DEMO, FIXTURES / "cases-broken" / name)
    assert where in str(caught.value) and what in str(caught.value)


def test_a_missing_cases_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such cases folder"):
        train.load_cases(DEMO, [tmp_path / "nope"])


def test_find_case_by_id_or_path():
    cases = train.load_cases(DEMO, [CASES])
    assert train.find_case(cases, "demo-injury") is cases[0]
    assert train.find_case(cases, str(CASES / "demo-injury.yaml")) is cases[0]
    assert train.find_case(cases, "demo") is None


def test_the_shipped_cases_load_and_cover_every_faq_question():
    catalogue = load_catalogue()
    cases = train.load_cases(catalogue, [train.packaged_cases_dir()])
    assert len(cases) >= 12
    covered = {catalogue.flows[f].faq.number for c in cases for f in c.flows}
    assert set(range(1, 8)) <= covered


def test_each_shipped_case_walked_with_its_own_answers_reaches_its_expected_outcomes():
    from sharewizard.flowfiles.answers import load_answers

    catalogue = load_catalogue()
    for case in train.load_cases(catalogue, [train.packaged_cases_dir()]):
        walk = train.case_walk(catalogue, case)
        wanted = [
            (p.expect.get("flow", p.flow_id or "facts"), p.expect.get("outcome"))
            for p in load_answers(case.path).parts
        ]
        reached = [(flow.id, outcome.id) for flow, outcome in train.outcomes_of(walk)]
        assert walk.finished and reached == wanted, case.id


def test_installed_command_lists_the_shipped_cases_from_another_folder(tmp_path):
    beside = Path(sys.executable).parent / "sharewizard"
    command = str(beside) if beside.exists() else shutil.which("sharewizard") or ""
    assert command, "sharewizard is not installed in this environment: pip install '.[test]'"
    env = {k: v for k, v in os.environ.items() if k != "SHAREWIZARD_FLOWS"}
    done = subprocess.run(
        [command, "cases", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) >= 12


# --- what-if -------------------------------------------------------------------------------------


def test_what_if_shows_where_each_answer_leads_from_the_answers_so_far():
    demo = DEMO.flows["demo"]
    first = train.what_if(demo, demo.questions["concern"], {})
    assert [(b.answer, b.label) for b in first] == [
        ("yes", "Yes"),
        ("no", "No"),
        ("not-sure", "Not sure"),
    ]
    assert first[0].step is demo.questions["kinds"]
    assert first[1].step is demo.outcomes["none"]
    note = demo.questions["note"]
    high = {"concern": "yes", "kinds": ("injury",), "urgency": "high"}
    low = {**high, "urgency": "low"}
    # A text question has nothing to try; the other answers decide where it goes.
    assert train.what_if(demo, note, high) == []
    urgency = train.what_if(demo, demo.questions["urgency"], high)
    assert {b.answer: b.step.id for b in urgency} == {"high": "note", "low": "note"}
    kinds = train.what_if(demo, demo.questions["kinds"], {"concern": "yes"})
    assert {b.answer: b.step.id for b in kinds} == {
        ("neglect",): "note",
        ("injury",): "urgency",
        ("online",): "note",
    }
    assert low != high


def test_describe_step_names_the_decision_in_the_vocabulary():
    demo = DEMO.flows["demo"]
    decisions = DEMO.record_form.decisions
    assert train.describe_step(demo.outcomes["refer"], decisions) == "Refer [Make the referral]"
    assert train.describe_step(demo.questions["kinds"]) == "next question: Which kinds?"


# --- the walk ------------------------------------------------------------------------------------


def test_reveal_shows_the_case_answer_and_go_on_takes_it():
    walk = train.start_walk(DEMO, case=demo_case())
    assert walk.question.id == "concern" and walk.number == 1
    assert walk.case_answer == "yes" and walk.pending is None
    assert walk.go_on() is walk  # nothing chosen yet
    shown = walk.reveal()
    assert shown.pending == "yes" and shown.revealed
    moved = shown.go_on()
    assert moved.question.id == "kinds" and moved.number == 2
    assert moved.leg.answers == {"concern": "yes"}


def test_the_room_can_pick_another_answer_and_back_undoes_one_move_at_a_time():
    walk = train.start_walk(DEMO, case=demo_case()).reveal()
    other = walk.pick("no")
    assert other.pending == "no"
    ended = other.go_on()
    assert ended.finished and ended.step.id == "none"
    assert ended.back() is other
    assert ended.back().back() is walk
    assert walk.back().pending is None
    start = train.start_walk(DEMO, case=demo_case())
    assert start.back() is start


def test_revealing_after_the_room_picked_keeps_the_room_answer():
    picked = train.start_walk(DEMO, case=demo_case()).pick("no")
    shown = picked.reveal()
    assert shown.revealed and shown.pending == "no" and shown.case_answer == "yes"
    assert shown.reveal() is shown
    assert shown.go_on().step.id == "none"


def test_a_multiple_choice_toggles_values():
    walk = train.start_walk(DEMO, flow_id="demo").pick("yes").go_on()
    both = walk.pick("injury").pick("online")
    assert both.pending == ("injury", "online")
    assert both.pick("injury").pending == ("online",)
    assert both.pick("injury").pick("online").pending is None


def test_a_flow_without_a_case_has_nothing_to_reveal():
    walk = train.start_walk(DEMO, flow_id="demo")
    assert walk.case_answer is None and walk.reveal() is walk


def test_an_unknown_flow_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown flow 'nope'"):
        train.start_walk(DEMO, flow_id="nope")


def test_case_walk_follows_the_case_to_its_outcome():
    walk = train.case_walk(DEMO, demo_case())
    assert walk.finished and walk.step.id == "refer"


def walk_through(walk: train.Walk, *answers) -> train.Walk:
    for value in answers:
        walk = (walk.reveal() if value is None else walk.pick(value)).go_on()
    return walk


def test_the_ending_lists_where_the_room_differed_from_the_case():
    case = demo_case()
    room = walk_through(train.start_walk(DEMO, case=case), None, "injury", "low", None)
    assert room.finished and room.step.id == "share"
    end = train.ending(room)
    assert [o.id for _, o in end.outcomes] == ["share"]
    assert [o.id for _, o in end.case_outcomes] == ["refer"]
    assert [(d.question.id, d.room, d.case) for d in end.differences] == [
        ("urgency", "low", "high")
    ]
    assert end.teaching_point == case.teaching_point
    assert end.citations and not end.same_as_case


def test_the_ending_when_the_room_follows_the_case():
    room = walk_through(train.start_walk(DEMO, case=demo_case()), None, None, None, None)
    end = train.ending(room)
    assert end.same_as_case and end.differences == ()


def test_a_path_that_leaves_the_case_lists_questions_only_one_side_answered():
    room = walk_through(train.start_walk(DEMO, case=demo_case()), "no")
    end = train.ending(room)
    assert [(d.question.id, d.room, d.case) for d in end.differences] == [
        ("concern", "no", "yes"),
        ("kinds", None, ("injury",)),
        ("urgency", None, "high"),
        ("note", None, ""),
    ]


def fan_out_catalogue() -> Catalogue:
    """A hub flow whose multiple choice hands over to two flows in turn."""
    demo = DEMO.flows["demo"]
    pick = Question(
        "situations",
        "Which situations?",
        "multi",
        choices=(Choice("a", "First"), Choice("b", "Second")),
        routes=(
            Route("flow:demo", Condition("equals", "situations", ("a",))),
            Route("flow:other", Condition("equals", "situations", ("b",))),
        ),
        fan_out=True,
    )
    hub = dataclasses.replace(
        demo,
        id="hub",
        faq=Faq(None, "Hub?"),
        start="situations",
        questions={"situations": pick},
        outcomes={},
    )
    other = dataclasses.replace(demo, id="other", title="Other flow")
    flows = {"hub": hub, "demo": demo, "other": other}
    return dataclasses.replace(DEMO, flows=flows)


def test_a_fan_out_walks_each_chosen_flow_in_turn_and_back_returns_across_flows():
    catalogue = fan_out_catalogue()
    walk = train.start_walk(catalogue, flow_id="hub")
    walk = walk.pick("a").pick("b").go_on()
    assert walk.leg.flow.id == "demo" and walk.queue == ("other",)
    assert walk.question.id == "concern" and walk.number == 2
    walk = walk.pick("no").go_on()
    assert walk.question is None and not walk.finished  # an outcome, with a flow still to walk
    nxt = walk.go_on()
    assert nxt.leg.flow.id == "other" and nxt.queue == ()
    assert nxt.back() is walk
    done = nxt.pick("not-sure").go_on()
    assert done.finished
    assert [(f.id, o.id) for f, o in train.outcomes_of(done)] == [
        ("demo", "none"),
        ("other", "advice"),
    ]
    first, second = train.training_decisions(done)
    assert first.flow.id == "demo" and first.outcome.id == "none"
    assert second.flow.id == "other" and second.outcome.id == "advice"
    assert [s.flow.id for s in first.route] == [s.flow.id for s in second.route] == ["hub"]


def test_training_decisions_need_an_outcome():
    with pytest.raises(Exception, match="not reached an outcome"):
        train.training_decisions(train.start_walk(DEMO, flow_id="demo"))


# --- screens -------------------------------------------------------------------------------------


def render(screen, width: int = 80) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, emoji=False).print(screen)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 200])
def test_question_screen_shows_the_question_why_and_the_keys(width):
    walk = train.start_walk(DEMO, case=demo_case())
    text = render(screens.walk_screen(walk), width)
    assert "Question 1" in text and "Concern?" in text
    assert "Why this question" in text and "“Yes you can.”" in text
    assert "Enter show the case's answer · 1-3 room picks · w what-if · b back · q quit" in text
    assert max(len(line) for line in text.splitlines()) <= width
    assert len(text.splitlines()) <= 24


def test_what_if_screen_marks_the_pending_answer_and_each_destination():
    walk = train.start_walk(DEMO, case=demo_case()).reveal()
    text = render(screens.walk_screen(walk))
    assert "what if: ▶ the room's answer · ← case: the case's answer · → where it leads" in text
    assert re.search(r"▶ 1 Yes\s+← case → next question: Which kinds\?", text)
    assert re.search(r"  2 No\s+→ Do not share \[Do not share\]", text)
    assert re.search(r"  3 Not sure\s+→ Seek advice \[Seek advice before you act\]", text)
    assert "Enter go on" in text
    room = walk.go_on().reveal().go_on().pick("low").reveal()
    text = render(screens.walk_screen(room))
    assert re.search(r"  1 High  ← the case's answer", text)
    assert "▶ 2 Low" in text
    assert "Every answer leads to: → next question: Anything else?" in text  # said once


def test_what_if_shows_every_label_whole_and_other_flows_by_title(catalogue):
    walk = (
        train.start_walk(catalogue, flow_id="triage")
        .pick("no")
        .go_on()
        .pick("practitioner")
        .go_on()
    )
    question = walk.question
    text = render(screens.walk_screen(walk, what_if_open=True, fit=(100, 30)), 100)
    flat = " ".join(text.replace("│", " ").split())
    for number, choice in enumerate(question.choices, 1):
        assert f"{number} {choice.label}" in flat  # never cut short
    assert "→ Sharing information without consent when you have a concern" in flat
    assert "share-without-consent" not in flat  # words, not ids
    assert len(text.splitlines()) < 30  # the what-if of the triage fits a 100x30 projector


def test_end_screen_shows_outcome_differences_teaching_point_and_guidance():
    room = walk_through(train.start_walk(DEMO, case=demo_case()), None, "injury", "low", None)
    text = render(screens.walk_screen(room))
    assert "Outcome  Demo flow" in text and "Decision: Share the information" in text
    assert "Where the room's path differed from the case's" in text
    assert "How urgent?" in text and "Low" in text and "High" in text
    assert "The case's outcome: Refer [Make the referral]" in text
    assert "Teaching point" in text and "high urgency is referred now" in text
    assert "Guidance" in text


def test_run_training_reads_keys_until_the_end():
    keys = iter(
        # start, what-if, reveal and take Q1, a stray key, reveal and take Q2, the room says low
        # at Q3, see the case's answer, go on, reveal and take Q4, finish
        ["enter", "w", "enter", "enter", "x", "enter", "enter", "2", "enter", "enter"]
        + ["enter", "enter", "enter"]
    )
    out = io.StringIO()
    done = session.run_training(
        Console(file=out, width=80, color_system=None),
        train.start_walk(DEMO, case=demo_case()),
        lambda: next(keys),
    )
    assert done is not None and done.finished and done.step.id == "share"


def test_run_training_quits_on_q():
    keys = iter(["enter", "q"])
    out = io.StringIO()
    walk = train.start_walk(DEMO, case=demo_case())
    assert session.run_training(Console(file=out), walk, lambda: next(keys)) is None


def test_an_outcome_flag_is_only_for_outcomes():
    assert isinstance(DEMO.flows["demo"].outcomes["refer"], Outcome)
    assert isinstance(DEMO.flows["demo"], Flow)


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(FIXTURES / "catalogue"), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )


def test_train_without_a_terminal_is_exit_2_and_writes_nothing(tmp_path):
    done = run_cli(tmp_path, "train", "--cases", str(CASES), "demo-injury", "--record", "r.json")
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_train_refuses_an_existing_record_before_anything_else(tmp_path):
    (tmp_path / "r.json").write_text("{}")
    os.mkfifo(tmp_path / "p.json")
    done = run_cli(tmp_path, "train", "demo", "--record", "r.json")
    assert done.returncode == 2
    assert " ".join(done.stderr.split()) == (  # train has no --force, so it offers none (F-23)
        "Error: r.json: already exists; nothing was asked or written. Choose another --record."
    )
    assert (tmp_path / "r.json").read_text() == "{}"
    done = run_cli(tmp_path, "train", "demo", "--record", "p.json")
    assert " ".join(done.stderr.split()) == (
        "Error: p.json: is a named pipe (FIFO), not a regular file; nothing was asked or "
        "written. Choose another --record."
    )


def test_cases_command_lists_the_cases_in_dir(tmp_path):
    done = run_cli(tmp_path, "cases", "--cases", str(CASES), "--json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)
    assert row["id"] == "demo-injury" and row["flow"] == "demo" and row["faq"] == [9]
    assert row["teaching_point"] == "An injury with a high urgency is referred now."
    table = run_cli(tmp_path, "cases", "--cases", str(CASES))
    assert table.returncode == 0
    assert "demo-injury" in table.stdout and "An injury seen at drop-off" in table.stdout
    assert "high urgency is referred" not in table.stdout  # no spoilers on a projector
    spoiled = run_cli(tmp_path, "cases", "--cases", str(CASES), "--spoilers")
    assert "An injury with a high urgency is referred now." in spoiled.stdout


def test_cases_command_with_a_broken_case_is_one_located_error(tmp_path):
    done = run_cli(tmp_path, "cases", "--cases", str(FIXTURES / "cases-broken"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "bad-answer.yaml:9:12: answers.concern" in " ".join(done.stderr.split())


def test_train_refuses_a_record_in_a_missing_folder_before_anything_else(tmp_path):
    done = run_cli(tmp_path, "train", "demo", "--record", "nowhere/r.json")
    assert done.returncode == 2
    assert "nowhere: the folder does not exist; nothing was asked" in done.stderr


def test_why_this_question_keeps_to_the_screen_and_says_what_it_left_out():
    demo = DEMO.flows["demo"]
    quote = demo.questions["concern"].guidance[0]
    long_quote = dataclasses.replace(quote, quote=" ".join(["Yes you can."] * 60))
    concern = dataclasses.replace(demo.questions["concern"], guidance=(long_quote,) * 3)
    flow = dataclasses.replace(demo, questions={**demo.questions, "concern": concern})
    catalogue = dataclasses.replace(DEMO, flows={"demo": flow})
    walk = train.start_walk(catalogue, flow_id="demo")
    everything = render(screens.walk_screen(walk))
    fitted = render(screens.walk_screen(walk, fit=(80, 24)))
    assert len(everything.splitlines()) > 24
    assert len(fitted.splitlines()) < 24
    assert "Why this question (+2 more: g shows all)" in fitted
    assert "1-3 room picks · w what-if · b back · q quit" in fitted


def test_choices_past_nine_take_two_digits_as_in_decide():
    keys = screens.choice_keys(13)
    assert keys == [str(n) for n in range(1, 14)]
    assert not set(keys) & set(screens.COMMAND_KEYS)
    demo = DEMO.flows["demo"]
    many = tuple(Choice(f"c{n}", f"Choice {n}") for n in range(1, 12))
    routes = (Route("note"),)
    big = dataclasses.replace(demo.questions["urgency"], choices=many, routes=routes)
    flow = dataclasses.replace(demo, start="urgency", questions={**demo.questions, "urgency": big})
    catalogue = dataclasses.replace(DEMO, flows={"demo": flow})
    walk = train.start_walk(catalogue, flow_id="demo")
    text = render(screens.walk_screen(walk))
    assert " 10 Choice 10" in text and " 11 Choice 11" in text
    assert "1-11 room picks" in text
    typed = session.Typed()
    room = session.press(session.Room(walk), "1", 1, typed)
    assert room.walk.pending == "c1"  # a first digit picks at once...
    room = session.press(room, "1", 1, typed)
    assert room.walk.pending == "c11"  # ... and a second one makes it eleven
    assert room.walk.back().pending is None  # one step back: as if 11 had been typed alone
    room = session.press(room, "2", 1, typed)
    assert room.walk.pending == "c2"  # 112 is no choice: 2 starts a new number
    assert session.press(room, "12", 1, session.Typed()).walk.pending == "c2"  # plain: no 12
    assert session.press(session.Room(walk), "b", 1, typed).walk is walk  # b is back, no choice


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("name", "answers", "width"),
    [
        ("train-question-80.txt", (), 80),
        ("train-what-if-80.txt", ("reveal",), 80),
        ("train-end-80.txt", (None, "injury", "low", None), 80),
        ("train-end-200.txt", (None, "injury", "low", None), 200),
    ],
)
def test_training_screens_match_the_golden_files(name, answers, width):
    walk = train.start_walk(DEMO, case=demo_case())
    if answers == ("reveal",):
        walk = walk.reveal()
    else:
        walk = walk_through(walk, *answers)
    text = render(screens.walk_screen(walk, fit=(width, 24)), width)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_between_two_flows_of_a_sitting_the_screen_shows_the_outcome_and_what_comes_next():
    walk = train.start_walk(fan_out_catalogue(), flow_id="hub")
    walk = walk.pick("a").pick("b").go_on().pick("no").go_on()
    text = render(screens.walk_screen(walk))
    assert "Outcome  Demo flow" in text and "Decision: Do not share" in text
    assert "Next: Other flow" in text
    assert "Enter go on · b back · q quit" in text


BOX_LINES = set("─│╭╮╰╯┃━┏┓┗┛┡┩╇┬┴┼├┤")


@pytest.mark.parametrize("boxed", [True, False])
def test_plain_mode_shows_the_same_words_without_box_lines(boxed):
    # start, what-if, reveal and take Q1, reveal and take Q2, low at Q3, case's answer, go on,
    # reveal and take Q4, finish
    keys = iter(["enter", "w", "enter", "enter", "enter", "enter", "2", "enter", "enter"])
    keys = itertools.chain(keys, ["enter"] * 3)
    out = io.StringIO()
    session.run_training(
        Console(file=out, width=80, color_system=None),
        train.start_walk(DEMO, case=demo_case()),
        lambda: next(keys),
        boxed=boxed,
    )
    shown = out.getvalue()
    assert bool(set(shown) & BOX_LINES) is boxed
    for words in ("Question 1", "Concern?", "Teaching point", "Where the room's path differed"):
        assert words in shown


def train_with_record(tmp_path: Path, name: str) -> Path:
    """A training run in plain mode, Enter at every step, writing `--record name`."""
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(FIXTURES / "catalogue"), "--plain"]
        + ["train", "--cases", str(CASES), "demo-injury", "--record", name],
        input="\n" * 40,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / name


@pytest.mark.parametrize("name", ["t.txt", "t.md"])
def test_a_training_record_as_text_or_markdown_says_so_at_its_top(tmp_path, name):
    """The review's R3: `train --record t.txt` read like a real decision, no sign of training."""
    top = train_with_record(tmp_path, name).read_text(encoding="utf-8").split("\n\n")[:2]
    assert any(
        "Training record: not a real decision." in part.replace("\n", " ")
        or "TRAINING RECORD: NOT A REAL DECISION." in part
        for part in top
    ), top


def test_the_case_note_of_a_training_record_says_it_is_no_real_decision(tmp_path):
    record = train_with_record(tmp_path, "t.json")
    done = run_cli(tmp_path, "note", str(record))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("TRAINING RECORD: NOT A REAL DECISION. Made in practice with")


# --- the room leaves the case's path; every key gets an answer; the end in pages (issue 24.8) --


def test_a_banner_says_when_the_room_leaves_the_case_and_c_goes_back_to_it():
    walk = train.start_walk(DEMO, case=demo_case())
    on_path = walk.reveal().go_on()  # Q1 as the case: yes
    assert on_path.departure is None
    assert "Off the case's path" not in render(screens.walk_screen(on_path))
    off = walk.pick("no").go_on()  # the room says no where the case says yes
    assert off.finished  # "no" ends the demo flow at once
    room = walk_through(train.start_walk(DEMO, case=demo_case()), None, "injury", "low")
    text = " ".join(render(screens.walk_screen(room)).split())
    assert "Off the case's path since Question 3: the room answered Low, the case High." in text
    assert "c goes back to the case's path." in text and "c case's path" in text
    back = room.rejoin()
    assert back.departure is None and back.question.id == "urgency"
    assert back.revealed and back.pending == "high"  # the case's answer, ready to go on
    assert back.back() is room  # b returns to where the room was


def test_enter_off_the_path_and_other_keys_that_do_nothing_say_why():
    # a case that says "neglect" at Q2, so never reaches Q3 (how urgent?): the room does
    case = dataclasses.replace(
        demo_case(), answers={"demo": {"concern": "yes", "kinds": ("neglect",)}}
    )
    room = walk_through(train.start_walk(DEMO, case=case), None, "injury")
    assert room.question.id == "urgency" and room.case_answer is None
    typed = session.Typed()
    said = session.press(session.Room(room), "enter", 1, typed).said
    assert said.startswith("The room has left the case's path, so the case has no answer here")
    assert session.press(session.Room(room), "x", 1, typed).said == (
        "'x' does nothing here: the keys are listed below."
    )
    assert session.press(session.Room(room), "7", 1, typed).said == (
        "'7' is not a choice here: the choices are 1 to 2."
    )
    start = train.start_walk(DEMO, case=demo_case())
    assert session.press(session.Room(start), "b", 1, typed).said.startswith("This is where")
    assert session.press(session.Room(start), "c", 1, typed).said == (
        "The room is on the case's path already."
    )
    shown = render(screens.walk_screen(room, said="'x' does nothing here: the keys are below."))
    assert shown.splitlines()[-2] == "! 'x' does nothing here: the keys are below."


def test_run_training_shows_why_a_stray_key_did_nothing():
    keys = iter(["x", "enter", "z", "q"])
    out = io.StringIO()
    session.run_training(
        Console(file=out, width=80, color_system=None),
        train.start_walk(DEMO, case=demo_case()),
        lambda: next(keys),
    )
    shown = out.getvalue()
    assert "! 'x' does nothing here: Enter starts, q quits." in shown
    assert "! 'z' does nothing here: the keys are listed below." in shown


def test_an_end_too_long_for_the_screen_comes_in_pages_each_naming_the_outcome():
    room = walk_through(train.start_walk(DEMO, case=demo_case()), None, "injury", "low", None)
    assert len(screens.end_pages(room, (80, 24))) == 1  # fits: one page, as before
    pages = [render(p) for p in screens.end_pages(room, (80, 14))]
    assert len(pages) > 1
    assert pages[0].splitlines()[1].startswith("│ Share")  # the first page starts with it
    for number, page in enumerate(pages, 1):
        assert len(page.splitlines()) < 14
        assert "Share" in page.splitlines()[0 if number > 1 else 1]
        assert "Decision: Share the information" in page
        assert f"(page {number} of {len(pages)})" in page
    assert "Enter more" in pages[0] and "Enter finish" in pages[-1]
    assert "b previous page" in pages[-1]
    assert "Teaching point" in "".join(pages)


def test_enter_turns_the_pages_of_the_end_and_finishes_on_the_last():
    room = walk_through(train.start_walk(DEMO, case=demo_case()), None, "injury", "low", None)
    typed = session.Typed()
    second = session.press(session.Room(room), "enter", 3, typed)
    assert second.page == 1 and second.walk is room
    assert session.press(second, "b", 3, typed).page == 0  # b: the previous page
    keys = iter(["enter"] + ["enter"] * 10)
    out = io.StringIO()
    console = Console(file=out, width=80, height=14, color_system=None, force_terminal=True)
    done = session.run_training(console, room, lambda: next(keys))
    assert done is room
    assert "(page 2 of" in out.getvalue()


# --- the chooser fits the screen; cases without spoilers (issue 24.8) ----------------------------

OPTIONS = [
    (f"{n:02d}-case", f"Case study number {n}, a title long enough to wrap " * 2)
    for n in range(1, 30)
]


def choose_with(replies: list[str], height: int = 12) -> tuple[str, list[str]]:
    """What `choose` returns for the replies typed, and each screen it drew."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=80,
        height=height,
        color_system=None,
        force_terminal=True,
        legacy_windows=False,
    )
    typed = iter(replies)
    chosen = session.choose(console, OPTIONS, lambda prompt: next(typed), boxed=True)
    screens_drawn = [
        s for s in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\f", out.getvalue()).split("\f") if s.strip()
    ]
    return chosen, screens_drawn


def test_the_chooser_shows_a_screenful_and_enter_shows_more():
    chosen, drawn = choose_with(["", "", "29"])
    assert chosen == "29-case"
    assert len(drawn) == 3
    for screen in drawn:
        assert len(screen.rstrip("\n").splitlines()) < 12  # the prompt line still fits
    assert "more: Enter shows them." in drawn[0]
    assert " 1 │ 01-case" in drawn[0] and " 1 │ 01-case" not in drawn[1]


def test_words_find_a_case_and_a_name_chooses_it():
    assert choose_with(["07-ca"])[0] == "07-case"  # one left: chosen
    chosen, drawn = choose_with(["number 1", "12-case"])
    assert chosen == "12-case"
    assert "10-case" in drawn[1] and "02-case" not in drawn[1]  # only those holding the words
    chosen, drawn = choose_with(["nothing like it", "3"])
    assert chosen == "03-case"
    assert "! Nothing matches 'nothing like it': here is the whole list." in drawn[1]


def test_the_room_leaving_the_case_at_a_fact_is_off_the_path_and_c_goes_back(catalogue):
    """Case 02 says the child is at risk of harm (a fact); the room says not: off the path there."""
    cases = train.load_cases(catalogue, [train.packaged_cases_dir()])
    case = next(c for c in cases if c.id.startswith("02-"))
    walk = train.start_walk(catalogue, case=case)
    while walk.question is not None and walk.question.id != "risk-of-harm":
        walk = walk.reveal().go_on()
    assert walk.departure is None
    off = walk.pick("no").go_on()
    left = off.departure
    assert left is not None
    assert (left.question.id, left.room, left.case, left.number) == ("risk-of-harm", "no", "yes", 3)
    text = render(screens.walk_screen(off, fit=(100, 30)), 100)
    assert "Off the case's path" in text and "since Question 3" in text
    back = off.rejoin()
    assert back.question is not None and back.question.id == "risk-of-harm"
    assert back.pending == "yes"
