"""The non-interactive commands: exit codes and the exact messages a user sees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sharewizard import __version__
from sharewizard.cli import main

CATALOGUE = Path(__file__).parents[1] / "fixtures" / "catalogue"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"sharewizard {__version__}\n", "")


def test_list_json_names_flows_with_faq_numbers(capsys):
    code, out, _ = run(capsys, "--flows", str(CATALOGUE), "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["id"], r["faq"]) for r in rows] == [("demo", 9)]


@pytest.mark.parametrize("name", ["flow", "record", "answers"])
def test_schema_prints_json_schema(capsys, name):
    code, out, _ = run(capsys, "schema", name)
    assert code == 0
    assert json.loads(out)["$schema"].startswith("https://json-schema.org/")


def test_broken_flow_gives_one_line_exit_2_no_traceback(tmp_path, capsys):
    flows = tmp_path / "flows"
    shutil.copytree(CATALOGUE, flows)
    demo = flows / "demo.yaml"
    demo.write_text(demo.read_text().replace("next: note\n", "next: nowhere\n"))
    code, out, err = run(capsys, "--flows", str(flows), "list")
    assert code == 2
    assert err.startswith(f"Error: {demo}:35:11: questions[2].next: 'nowhere' names no question")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_flow(capsys):
    code, _, err = run(capsys, "--flows", str(CATALOGUE), "decide", "nope")
    assert code == 2
    assert err == "Error: FLOW: unknown flow 'nope'. Flows: demo.\n"


@pytest.mark.parametrize(
    ("args", "suggested"),
    [
        (("decide", "share-without-consnet"), "Did you mean 'share-without-consent'? Flows: "),
        (("decide", "triag"), "Did you mean 'triage'? Flows: "),
        (("show", "how-mcuh"), "Did you mean 'how-much'? Flows: "),
        (("graph", "inform"), "Did you mean 'inform-family'? Flows: "),
        (("factcheck", "not-sur"), "Did you mean 'not-sure'? Flows: "),
    ],
)
def test_an_unknown_flow_gets_a_did_you_mean(capsys, args, suggested):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert suggested in err


def test_an_unknown_flow_in_an_answers_file_gets_a_did_you_mean(capsys, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("flow: how-mcuh\nanswers: {}\n")
    code, _, err = run(capsys, "decide", "--answers", str(answers))
    assert code == 2
    assert "unknown flow 'how-mcuh'. Did you mean 'how-much'? Flows: " in err


# --- `-` is standard output (issue 24.9) ----------------------------------------------------------

GOOD = Path(__file__).parents[1] / "fixtures" / "answers" / "good" / "refer.yaml"


@pytest.mark.parametrize("fmt", ["json", "md", "text"])
def test_out_dash_writes_the_record_alone_on_stdout(tmp_path, capsys, monkeypatch, fmt):
    from sharewizard.records import record as records
    from sharewizard.records import render

    monkeypatch.chdir(tmp_path)
    args = ["--flows", str(CATALOGUE), "decide", "--answers", str(GOOD), "--out", "-"]
    code, out, err = run(capsys, *args, "--format", fmt)
    assert code == 0, err
    assert "Record written to standard output" in err and "Outcome:" in err
    assert list(tmp_path.iterdir()) == []  # no file named `-`, and no answers file
    if fmt == "json":
        assert records.verify(json.loads(out))
    elif fmt == "md":
        assert out.startswith("# Information sharing decision record")
        assert out.endswith(render.MD_DATA_END)
    else:
        assert out.startswith("INFORMATION SHARING DECISION")


def test_note_and_graph_write_to_stdout_with_dash(tmp_path, capsys):
    record = tmp_path / "r.json"
    run(capsys, "--flows", str(CATALOGUE), "decide", "--answers", str(GOOD), "--out", str(record))
    code, out, err = run(capsys, "note", str(record), "-o", "-")
    assert (code, err) == (0, "")
    assert out.startswith("INFORMATION SHARING DECISION")
    code, out, err = run(capsys, "--flows", str(CATALOGUE), "graph", "demo", "--out", "-")
    assert (code, err) == (0, "")
    assert out.startswith("flowchart ")
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no file named `-`


def field_values(record):
    return {row["id"]: row["value"] for row in record["fields"]}


def test_decide_with_answers_needs_no_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "a.yaml").write_text(
        "flow: demo\nanswers: {concern: 'yes', kinds: [online]}  # note is optional\n"
        "record: {what: x y z, family_informed: 'yes'}\n"
    )
    code, out, _ = run(
        capsys, "--flows", str(CATALOGUE), "decide", "--answers", "a.yaml", "--out", "r.json"
    )
    assert code == 0
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["outcome"]["id"] == "share"
    assert field_values(record)["what"] == "x y z"
    assert record["missing"] == ["with_whom", "how", "when", "lawful_basis", "rationale"]
    shown = " ".join(out.split())
    assert "Incomplete record:" in shown
    assert "missing here: Shared with, How, When, Lawful basis, Rationale." in shown
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "r.json"]


def test_answers_error_names_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "a.yaml"
    bad.write_text("flow: demo\nanswers:\n  concern: perhaps\n")
    code, _, err = run(capsys, "--flows", str(CATALOGUE), "decide", "--answers", str(bad))
    assert code == 2
    assert err.startswith(
        f"Error: {bad}:3:12: answers.concern: 'perhaps' is not an answer to "
        "'concern' (Concern?). Answers: yes, no, not-sure."
    )


def test_verify_reports_tampering_with_exit_1(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHAREWIZARD_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "a.yaml").write_text("flow: demo\nanswers: {concern: 'no'}\n")
    run(capsys, "--flows", str(CATALOGUE), "decide", "--answers", "a.yaml", "--out", "r.json")
    code, out, _ = run(capsys, "verify", "--allow-incomplete", "r.json")
    assert (code, out.split(";")[0]) == (0, "r.json: OK (checksum verifies")
    record = json.loads((tmp_path / "r.json").read_text())
    [rationale] = [row for row in record["fields"] if row["id"] == "rationale"]
    rationale["value"] = rationale["text"] = "changed later"
    (tmp_path / "r.json").write_text(json.dumps(record))
    code, out, _ = run(capsys, "verify", "r.json")
    assert code == 1
    assert out == (
        "r.json: TAMPERED: checksum does not match: the record was changed after it was written\n"
    )


def test_usage_error_exit_2():
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "decide", "--bogus"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "No such option: --bogus" in done.stderr


def test_a_mistyped_command_is_still_matched_against_every_command(capsys):
    code, _, err = run(capsys, "lsit")
    assert code == 2
    assert "No such command 'lsit'. Did you mean 'list', 'lint'?" in err


def test_a_group_of_commands_runs_when_only_it_is_built(capsys):
    code, out, _ = run(capsys, "drafts", "--json")
    assert code == 0 and json.loads(out) == []


def test_an_unknown_case_gets_a_did_you_mean(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "train", "01-bruising-no-consnt", "--plain")
    assert code == 2
    assert "Did you mean '01-bruising-no-consent'? See `sharewizard cases`" in err
