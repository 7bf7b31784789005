"""Hostile input: no file a user gives crashes, hangs or exhausts sharewizard (exit 2, not 70)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.core.errors import AnswersError, FlowError, RecordError, UsageError
from sharewizard.disk.files import write_private
from sharewizard.flowfiles.answers import load_answers
from sharewizard.flowfiles.loader import load_catalogue, read_yaml
from sharewizard.records.record import parse_timestamp

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE = FIXTURES / "catalogue"
GOOD = FIXTURES / "answers" / "good" / "refer.yaml"
MB = 1024 * 1024


def bomb(levels: int = 9) -> str:
    """The classic billion laughs: 478 bytes that expand to 9**9 strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for i in range(1, levels):
        refs = ",".join([f"*{names[i - 1]}"] * 9)
        lines.append(f"{names[i]}: &{names[i]} [{refs}]")
    return "\n".join(lines) + "\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def peak_mb(action) -> float:
    """Peak Python memory while `action` runs, in MB (tracemalloc; deterministic enough)."""
    tracemalloc.start()
    try:
        action()
    except (AnswersError, FlowError):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / MB


# --- aliases -----------------------------------------------------------------------------------


def test_an_alias_bomb_as_answers_is_refused_at_the_first_alias(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("flow: demo\nanswers: {concern: 'no'}\nnote: x\n" + bomb())
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value) == (
        f"{path}:5:8: YAML aliases (*a) are not allowed in an answers file. "
        "Write the value out in full."
    )


def test_an_alias_bomb_as_a_flow_is_refused_before_it_is_built(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(bomb())
    with pytest.raises(FlowError, match="too large: more than 1,000,000 values once its aliases"):
        read_yaml(path)
    assert peak_mb(lambda: read_yaml(path)) < 100


def test_a_bomb_in_a_flows_folder_is_one_error_line_exit_2(tmp_path, capsys):
    flows = tmp_path / "flows"
    shutil.copytree(CATALOGUE, flows)
    (flows / "zz.yaml").write_text(bomb())
    code, _, err = run(capsys, "--flows", str(flows), "list")
    assert code == 2
    assert err.startswith(f"Error: {flows / 'zz.yaml'}:") and "too large" in err
    assert err.count("\n") == 1


def test_aliases_that_share_text_in_a_flow_still_work(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text("help: &h Some help.\nquestions: [{help: *h}, {help: *h}]\n")
    assert read_yaml(path).data["questions"][1]["help"] == "Some help."


def test_a_self_referencing_alias_is_refused(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text("a: &x\n  b: &y\n    c: *x\n")
    with pytest.raises(FlowError) as error:
        read_yaml(path)
    assert str(error.value) == (
        f"{path}:3:8: the alias *x refers to a value that contains it. "
        "A value cannot contain itself."
    )


# --- depth, numbers, text, size ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "flow: demo\nanswers: " + "[" * 200 + "]" * 200 + "\n"),
        ("deep-block.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(100)) + "  " * 100 + "x"),
        ("deep.json", '{"flow": "demo", "answers": ' + "[" * 200 + "]" * 200 + "}"),
        ("deeper.json", '{"flow": "demo", "answers": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ],
)
def test_deep_nesting_is_refused(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(AnswersError, match="nested more than 64 levels deep"):
        load_answers(path)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_4301_digit_integer_is_refused_with_a_short_preview(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    digits = "1" * 4301
    text = (
        f"flow: demo\nanswers:\n  concern: {digits}\n"
        if suffix == ".yaml"
        else f'{{"flow": "demo", "answers": {{"concern": {digits}}}}}'
    )
    path.write_text(text)
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    message = str(error.value)
    assert "a number of 4,301 characters; at most 30 are allowed: '" + "1" * 80 + "'…" in message
    assert len(message) < 300


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_huge_answer_is_refused_and_not_echoed(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    text = "x" * 900_000
    data = {"flow": "demo", "answers": {"concern": "yes", "note": text}}
    path.write_text(json.dumps(data))  # JSON is YAML too
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    message = str(error.value)
    assert "a text of 900,000 characters; at most 20,000 are allowed" in message
    assert len(message) < 300


def test_an_answers_file_over_1_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "a.yaml"
    with path.open("w") as handle:
        handle.write("flow: demo\n")
        handle.truncate(MB + 1)  # sparse: the size alone decides
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value) == (
        f"{path}: is larger than the 1.0 MB allowed for an answers file; nothing was read."
    )


def test_a_flow_may_be_bigger_than_an_answers_file(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text("help:\n" + "  - some help text\n" * 80_000)  # about 1.5 MB
    assert len(read_yaml(path).data["help"]) == 80_000


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_lone_surrogate_escape_is_refused(tmp_path, suffix):
    path = tmp_path / f"a{suffix}"
    path.write_text('{"flow": "demo", "answers": {"concern": "yes", "note": "\\ud800"}}')
    with pytest.raises(AnswersError, match="lone surrogate|invalid Unicode character escape"):
        load_answers(path)


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"flow: demo\nanswers:\n  note: caf\xe9\n")
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value).startswith(f"{path}:3:12: is not UTF-8 text")


# --- JSON answers files --------------------------------------------------------------------------


def test_json_answers_take_line_and_column_from_the_json_parser(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{\n  "flow": "demo",\n  "answers": {"concern": "no",}\n}\n')
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value).startswith(f"{path}:3:31: not valid JSON: ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"flow": "demo", "answers": {"concern": NaN}}', "NaN and Infinity are not JSON"),
        ('{"flow": "demo", "flow": "x", "answers": {}}', "duplicate key 'flow'"),
        ('{"flow": "demo", "answers": {}} // note', "not valid JSON: Extra data"),
    ],
)
def test_json_answers_are_strict(tmp_path, text, problem):
    path = tmp_path / "a.json"
    path.write_text(text)
    with pytest.raises(AnswersError, match=problem):
        load_answers(path)


def test_json_schema_errors_name_line_column_and_field(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"flow": "demo",\n "answers": 5}')
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value).startswith(f"{path}:2:13: answers: must be a mapping, not a number.")


# --- only regular files ------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "a.yaml"
    os.mkfifo(fifo)
    with pytest.raises(AnswersError) as error:
        load_answers(fifo)
    assert str(error.value) == (
        f"{fifo}: is a named pipe (FIFO), not a regular file; nothing was read."
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused(device):
    with pytest.raises(AnswersError, match="is a device, not a regular file"):
        load_answers(Path(device))


def test_replay_of_a_fifo_and_dev_zero_exits_2_without_hanging(tmp_path):
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), "replay", str(fifo)]
        + ["/dev/zero", str(GOOD)],
        capture_output=True,
        text=True,
        timeout=60,  # a guard against hanging, not a measurement
    )
    assert done.returncode == 2
    assert f"{fifo}: is a named pipe (FIFO)" in done.stderr
    assert "/dev/zero: is a device" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(AnswersError, match="is a folder, not a file"):
        load_answers(tmp_path)


# --- --force replaces only regular files ----------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _symlink(path: Path) -> None:
    target = path.with_name("target.txt")
    target.write_text("keep me\n")
    path.symlink_to(target)


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere"))


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_fifo, "a named pipe (FIFO)"),
        (_symlink, "a symbolic link"),
        (_dangling, "a symbolic link"),
        (Path.mkdir, "a folder"),
    ],
)
def test_force_replaces_only_a_regular_file(tmp_path, make, kind):
    target = tmp_path / "r.json"
    make(target)
    before = os.lstat(target)
    with pytest.raises(RecordError) as error:
        write_private(target, "{}\n", force=True)
    assert str(error.value) == (
        f"{target}: is {kind}, not a regular file; --force replaces only regular files, "
        "so nothing was written. Choose another --out."
    )
    assert os.lstat(target).st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_force_still_replaces_a_regular_file(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old\n")
    write_private(target, "new\n", force=True)
    assert target.read_text() == "new\n"


def test_replay_force_over_a_fifo_is_one_error_line(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "refer.record.json")
    code, _, stderr = run(capsys, "replay", str(GOOD), "--out-dir", str(out), "--force")
    assert code == 2
    assert f"{out / 'refer.record.json'}: is a named pipe (FIFO)" in stderr


# --- explicit YAML tags ------------------------------------------------------------------------

TAGGED = [
    ("!!int 0x" + "F" * 4000, "!!int"),
    ("!!int 0b" + "1" * 15000, "!!int"),
    ("!!int " + ":".join(["59"] * 3000), "!!int"),
    ("!!int " + "1" * 4301, "!!int"),
    ("!!timestamp nope", "!!timestamp"),
    ("!!bool maybe", "!!bool"),
    ("!!bool ''", "!!bool"),
    ("!!float 1e999", "!!float"),
    ("!!binary aGk=", "!!binary"),
    ("!!set {a}", "!!set"),
    ("!!str 'yes'", "!!str"),
    ("!foo yes", "!foo"),
    ("!!python/object/apply:os.system ['true']", "!!python/object/apply:os.system"),
]


@pytest.mark.parametrize(("value", "tag"), TAGGED, ids=[t for _, t in TAGGED])
def test_an_explicit_tag_in_an_answers_file_is_refused_at_its_line(tmp_path, capsys, value, tag):
    answers = tmp_path / "a.yaml"
    answers.write_text(f"flow: demo\nanswers:\n  concern: {value}\n")
    code, out, err = run(
        capsys, "decide", "--answers", str(answers), "--out", str(tmp_path / "r.json")
    )
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {answers}:3:12: the YAML tag {tag!r} is not allowed in an answers file. "
        "Remove the tag and write the value plainly (in quotes if it is text).\n"
    )
    assert not (tmp_path / "r.json").exists()


def test_one_tagged_file_among_twenty_stops_no_replay(tmp_path, capsys):
    """The review's R7: one file with `!!bool maybe` aborted the whole batch with exit 70."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for n in range(20):
        shutil.copy(GOOD, inputs / f"f{n:02}.yaml")
    (inputs / "f10.yaml").write_text("flow: demo\nanswers:\n  concern: !!bool maybe\n")
    code, stdout, _ = run(capsys, "replay", str(inputs), "--out-dir", str(out), "--json")
    report = json.loads(stdout)
    assert code == 2
    assert report["records_written"] == 19
    [error] = [r["error"] for r in report["results"] if r["error"]]
    assert error.startswith(f"{inputs / 'f10.yaml'}:3:12: the YAML tag '!!bool'")


def test_a_tagged_draft_is_listed_and_refused_with_its_line(tmp_path, capsys, monkeypatch):
    drafts = tmp_path / "data" / "drafts"
    drafts.mkdir(parents=True)
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path / "data"))
    draft = drafts / "demo-x.answers.yaml"
    draft.write_text("flow: demo\nanswers:\n  concern: !!int 0x" + "F" * 4000 + "\n")
    code, out, _ = run(capsys, "drafts")
    assert code == 0 and "demo-x" in out
    code, _, err = run(capsys, "--plain", "decide", "--resume", "demo-x")
    assert code == 2
    assert err.startswith(f"Error: {draft}:3:12: the YAML tag '!!int' is not allowed")


@pytest.mark.parametrize(
    ("name", "edit"),
    [
        ("demo.yaml", lambda text: text.replace("version: 3", "version: !!int 0x" + "F" * 4000)),
        ("sources.yaml", lambda text: text.replace("title: ", "title: !!timestamp nope #", 1)),
        ("record.yaml", lambda text: text.replace("shares: true", "shares: !!bool maybe", 1)),
    ],
)
def test_an_explicit_tag_in_a_flows_folder_is_refused_at_its_line(tmp_path, capsys, name, edit):
    flows = tmp_path / "flows"
    shutil.copytree(CATALOGUE, flows)
    path = flows / name
    path.write_text(edit(path.read_text()))
    for command in (["list"], ["lint"]):
        args = ["--flows", str(flows), *command] if command == ["list"] else ["lint", str(flows)]
        with pytest.raises(SystemExit) as stopped:
            main(args)
        _, err = capsys.readouterr()
        assert stopped.value.code == 2
        assert err.startswith(f"Error: {path}:") and "the YAML tag '!!" in err, err
        assert "is not allowed in a flow file" in err


def test_an_explicit_tag_in_a_case_study_is_named(tmp_path, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    case = cases / "tagged.yaml"
    text = (FIXTURES / "cases" / "demo-injury.yaml").read_text()
    case.write_text(text.replace("faq: [9]", "faq: [!!int 0b" + "1" * 15000 + "]"))
    code, out, err = run(capsys, "cases", "--cases", str(cases))
    assert code in (0, 2), err
    assert f"{case}:12:9: the YAML tag '!!int' is not allowed" in out + err


# --- typed lines ---------------------------------------------------------------------------------

#: The opening facts and share-without-consent, to its outcome (the record's first field next).
WALK = b"no\npractitioner\nyes\nyes\nno\nyes\nno\nno\nyes\n\n"
RECORD = (
    b"CSC\nphone\n2026-11-23\npublic-task\nyes\nyes\nTold by phone TYPED\nBecause TYPED\n"
    b"CASE-1\nRole\n\n\n"
)


def plain_decide(tmp_path, typed: bytes, **env: str) -> subprocess.CompletedProcess[bytes]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "--plain", "decide", "share-without-consent"]
        + ["--out", str(tmp_path / "r.json")],
        input=typed,
        capture_output=True,
        timeout=60,
        env={**os.environ, "SHAREWIZARD_DATA_DIR": str(tmp_path / "data"), **env},
    )


def test_a_typed_line_that_is_not_utf8_is_refused_and_the_walk_goes_on(tmp_path):
    """The review's R2: "£" from a Latin-1 terminal ended in exit 70 and an unreadable draft."""
    done = plain_decide(tmp_path, WALK + b"\xa3 500 TYPED\nWhat TYPED\n" + RECORD)
    assert done.returncode == 0, done.stderr
    assert b"the line holds bytes that are not UTF-8 text, so none of it was kept" in done.stdout
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [f["value"] for f in record["fields"] if f["id"] == "what"] == ["What TYPED"]
    assert not list((tmp_path / "data" / "drafts").glob("*"))  # done: no draft left


def test_an_ascii_standard_input_with_non_ascii_answers_is_no_crash(tmp_path):
    done = plain_decide(
        tmp_path, WALK + "£ 500\nWhat\n".encode() + RECORD, PYTHONIOENCODING="ascii"
    )
    assert done.returncode == 0, done.stderr
    assert b"the line holds bytes that are not ASCII text" in done.stdout


def test_replay_reads_a_non_ascii_path_from_an_ascii_standard_input(tmp_path):
    import sys

    shutil.copy(GOOD, tmp_path / "\u00e9.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), "replay", "-"],
        input="\u00e9.yaml\n".encode(),
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("typed", ["\u00b2", "\u2460", "9" * 4301])
def test_a_digit_that_names_no_choice_is_asked_again_not_a_crash(tmp_path, typed):
    """The review's R10: `²` or 4,301 digits at a choice exited 70."""
    done = plain_decide(tmp_path, typed.encode() + b"\n")
    assert done.returncode == 130, done.stderr  # asked again, then end of input: a draft
    assert b"Not one of the choices" in done.stdout


def test_a_draft_holding_a_lone_surrogate_is_refused_naming_its_line(tmp_path, capsys, monkeypatch):
    """Drafts written before typed lines were checked hold `"\\udca3"`: exit 2, located."""
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path / "data"))
    drafts = tmp_path / "data" / "drafts"
    drafts.mkdir(parents=True)
    draft = drafts / "demo-x.answers.yaml"
    draft.write_text('flow: demo\nanswers:\n  concern: "yes"\n  note: "\\udca3 500"\n')
    code, _, err = run(capsys, "--plain", "decide", "--resume", "demo-x")
    assert code == 2
    assert err == (
        f"Error: {draft}:4:12: a text holds a lone surrogate escape (such as \\ud800), which is "
        "not a character. Remove the escape.\n"
    )


# --- messages quote values short -----------------------------------------------------------------

LONG = "k" * 19_000  # a key this long must be written `? key` (YAML keys are else 1,024 at most)
ECHOES = {
    "a list as a single answer": "answers:\n  concern: [" + ",".join(["y" * 100] * 9000) + "]\n",
    "an unknown question id": f"answers:\n  ? {LONG}\n  : 'yes'\n",
    "an unknown record field": f"answers: {{concern: 'no'}}\nrecord:\n  ? {LONG}\n  : x\n",
    "an unknown top-level key": f"answers: {{concern: 'no'}}\n? {LONG}\n: x\n",
    "a route through no flow": f"route:\n  ? {LONG}\n  : {{}}\nanswers: {{concern: 'no'}}\n",
    "a bad choice": f"answers:\n  concern: {LONG}\n",
}


@pytest.mark.parametrize("body", ECHOES.values(), ids=ECHOES.keys())
def test_an_error_quotes_at_most_80_characters_of_a_value(tmp_path, capsys, body):
    """The review's R15: a 9,000-item answer was echoed in 936,076 bytes."""
    answers = tmp_path / "a.yaml"
    answers.write_text("flow: demo\n" + body)
    code, _, err = run(
        capsys, "decide", "--answers", str(answers), "--out", str(tmp_path / "r.json")
    )
    assert code == 2
    assert err.startswith(f"Error: {answers}:") and "not valid YAML" not in err
    assert len(err) < 600, err[:600]


def test_a_long_flow_version_or_expectation_is_quoted_short(tmp_path, capsys):
    answers = tmp_path / "a.yaml"
    answers.write_text(f"flow: {{id: demo, version: '{LONG}'}}\nanswers: {{concern: 'no'}}\n")
    code, _, err = run(
        capsys, "decide", "--answers", str(answers), "--out", str(tmp_path / "r.json")
    )
    assert code == 2 and "recorded against version 'kkkk" in err and len(err) < 600
    answers.write_text(f"flow: demo\nanswers: {{concern: 'no'}}\nexpect: {{outcome: {LONG}}}\n")
    code, out, err = run(
        capsys, "replay", str(answers), "--check", "--out-dir", str(tmp_path / "o")
    )
    assert code == 1 and "outcome: expected 'kkkk" in out + err
    assert len(out + err) < 1000


@pytest.mark.parametrize("key", ["\u00b2", "9" * 4301], ids=["superscript", "4301-digits"])
def test_a_key_of_digits_that_are_no_index_is_located_not_a_crash(tmp_path, capsys, key):
    """A key read back from an error's field as a list index: `int('²')` exited 70."""
    answers = tmp_path / "a.yaml"
    answers.write_text(f'flow: demo\nanswers:\n  ? "{key}"\n  : "yes"\n')
    code, _, err = run(
        capsys, "decide", "--answers", str(answers), "--out", str(tmp_path / "r.json")
    )
    assert code == 2
    assert err.startswith(f"Error: {answers}:4:5: answers.{key[:72]}")
    assert "is not a question of the flow 'demo'" in err


# --- messages name the file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "where"),
    [
        (
            "gone-question: 'yes'",
            "3:18: answers.gone-question: 'gone-question' is not a question",
        ),
        ("concern: gone-choice", "3:12: answers.concern: 'gone-choice' is not an answer"),
    ],
)
def test_resuming_a_draft_the_flow_has_outgrown_names_the_draft(
    tmp_path, capsys, monkeypatch, answers, where
):
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "drafts").mkdir(parents=True)
    draft = tmp_path / "data" / "drafts" / "demo-x.answers.yaml"
    draft.write_text(f"flow: demo\nanswers:\n  {answers}\n")
    code, _, err = run(capsys, "--plain", "decide", "--resume", "demo-x")
    assert code == 2
    assert err.startswith(f"Error: {draft}:{where}"), err


def test_a_full_standard_output_is_named(tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), "list"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr == "Error: cannot write to standard output: No space left on device.\n"


# --- replay carries on ---------------------------------------------------------------------------


def test_replay_reports_each_hostile_file_and_writes_the_good_ones(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(GOOD, inputs / "good.yaml")
    (inputs / "bomb.yaml").write_text("flow: demo\nanswers: {concern: 'no'}\n" + bomb())
    deep = '{"flow": "demo", "answers": ' + "[" * 5000 + "]" * 5000 + "}"
    (inputs / "deep.json").write_text(deep)
    (inputs / "digits.yaml").write_text("flow: demo\nanswers:\n  concern: " + "9" * 4301 + "\n")
    (inputs / "surrogate.json").write_text('{"flow": "demo", "answers": {"note": "\\udfff"}}')
    os.mkfifo(inputs / "pipe.yaml")
    out = tmp_path / "out"
    out.mkdir()
    code, _, stderr = run(
        capsys, "replay", str(inputs), str(inputs / "pipe.yaml"), "--out-dir", str(out)
    )
    assert code == 2
    errors = [line for line in stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 5
    for name in ("bomb.yaml", "deep.json", "digits.yaml", "surrogate.json", "pipe.yaml"):
        assert sum(f"{inputs / name}:" in line for line in errors) == 1
    assert sorted(p.name for p in out.iterdir()) == ["good.record.json"]


# --- timestamps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z"),
        ("2026-11-23T09:00:00z", "2026-11-23T09:00:00Z"),
        ("2026-11-23T10:30:00+01:30", "2026-11-23T09:00:00Z"),
        ("2026-11-23T09:00:00.999", "2026-11-23T09:00:00Z"),
        ("2026-11-23", "2026-11-23T00:00:00Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
        ("1970-01-01T01:00:00+01:00", "1970-01-01T00:00:00Z"),
    ],
)
def test_parse_timestamp_converts_to_utc(given, expected):
    assert parse_timestamp(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "9999-12-31T23:59:59-05:00",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "1969-12-31T23:59:59Z",
        "1970-01-01T00:30:00+01:00",
    ],
)
def test_parse_timestamp_refuses_times_outside_1970_to_9999(given):
    with pytest.raises(UsageError) as error:
        parse_timestamp(given)
    assert str(error.value) == (
        f"--timestamp: {given!r} is outside the times a record can hold (1970 to 9999, in UTC). "
        "For example 2026-11-23T09:00:00Z."
    )
    assert error.value.exit_status == 2


@pytest.mark.parametrize("given", ["yesterday", "", "2026-13-01", "x" * 500])
def test_parse_timestamp_refuses_what_is_not_iso_8601(given):
    with pytest.raises(UsageError, match="is not an ISO 8601 time") as error:
        parse_timestamp(given)
    assert len(str(error.value)) < 200


# --- catalogue loading -----------------------------------------------------------------------


def test_a_fifo_in_a_flows_folder_is_one_error_not_a_hang(tmp_path):
    flows = tmp_path / "flows"
    shutil.copytree(CATALOGUE, flows)
    os.mkfifo(flows / "sources.yaml.tmp")  # not a flow name: ignored
    os.unlink(flows / "sources.yaml")
    os.mkfifo(flows / "sources.yaml")
    with pytest.raises(FlowError, match="is a named pipe"):
        load_catalogue(flows)


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [("flow: demo\nanswers: {note: 'a\x01b'}\n", "2:19", "0001"), ("\x00", "1:1", "0000")],
)
def test_a_control_character_in_yaml_is_one_located_line(tmp_path, text, where, code):
    path = tmp_path / "a.yaml"
    path.write_text(text)
    with pytest.raises(AnswersError) as error:
        load_answers(path)
    assert str(error.value) == (
        f"{path}:{where}: not valid YAML: the control character U+{code} is not allowed. "
        "Remove it, or write it as an escape inside double quotes."
    )


@pytest.mark.parametrize("args", [["list"], ["show", "triage"], ["cases"]])
def test_an_ascii_only_terminal_gets_question_marks_not_a_crash(args):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", *args], capture_output=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    done.stdout.decode("ascii")  # every byte is ASCII
    assert b"bug" not in done.stderr
