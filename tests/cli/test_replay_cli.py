"""`sharewizard replay` and `decide --answers` end to end: exit codes, messages, records on disk."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.records import record as records
from sharewizard.records import render

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CATALOGUE = FIXTURES / "catalogue"
ANSWERS = FIXTURES / "answers"
GOOD = ANSWERS / "good"
BAD = ANSWERS / "bad"
CHANGED = ANSWERS / "mismatch" / "changed-outcome.yaml"
STAMP = "2026-01-01T00:00:00Z"

# What each bad file's error line says right after `error <path>:` — position, then field.
BAD_STARTS = {
    "bad_yaml.yaml": "4:15: not valid YAML: ",
    "bad_json.json": "3:31: not valid JSON: ",
    "unknown_flow.yaml": "2:7: flow: unknown flow 'no-such-flow'.",
    "unknown_question.yaml": "5:11: answers.urgncy: 'urgncy' is not a question of the flow 'demo'.",
    "not_a_choice.yaml": "6:12: answers.urgency: 'medium' is not an answer to 'urgency'",
    "not_a_multi_choice.yaml": "5:10: answers.kinds: 'burns' is not an answer to 'kinds'",
    "missing_answer.yaml": "4:3: answers.kinds: no answer to 'kinds' (Which kinds?), which this "
    "path needs.",
    "version_mismatch.yaml": "4:12: flow.version: recorded against version '2' of 'demo', but the "
    "flow is now version 3.",
}
# Records a replay of the whole fixture folder writes: the good files and the changed outcome.
RECORDS_OF_ALL = {
    "good__refer.record.json",
    "good__share-online.record.json",
    "good__nested__no-concern.record.json",
    "good__nested__not-sure.record.json",
    "mismatch__changed-outcome.record.json",
}


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    """No colour codes forced in from the developer's environment."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "SHAREWIZARD_FLOWS"):
        monkeypatch.delenv(name, raising=False)


def sharewizard(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process on the fixture catalogue: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def lines_starting(text: str, word: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(word)]


def entries(folder: Path) -> set[str]:
    """Every name in `folder`, hidden ones (temporary files) included."""
    return set(os.listdir(folder))


def out_folder(tmp_path: Path, name: str = "out") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


# --- exit codes, errors and what is written ----------------------------------------------------


def test_good_and_bad_files_one_error_line_each_records_for_good_files_only(tmp_path, capsys):
    out = out_folder(tmp_path)
    code, stdout, stderr = sharewizard(
        capsys, "replay", str(ANSWERS), "--out-dir", str(out), "--timestamp", STAMP
    )
    assert code == 2
    assert lines_starting(stdout, "error ") == []  # errors go to stderr, the summary to stdout
    assert "Records written 5" in " ".join(stdout.split())  # a pipe: plain mode, no box lines
    errors = lines_starting(stderr, "error ")
    assert len(errors) == len(BAD_STARTS)
    for name, start in BAD_STARTS.items():
        [line] = [e for e in errors if e.startswith(f"error {BAD / name}:")]
        assert line.startswith(f"error {BAD / name}:{start}")
    assert entries(out) == RECORDS_OF_ALL  # nothing for bad files, no temporary files
    for name in RECORDS_OF_ALL:
        assert (out / name).stat().st_size > 0


def test_all_good_exits_0_with_no_error_lines(tmp_path, capsys):
    out = out_folder(tmp_path)
    code, stdout, stderr = sharewizard(
        capsys, "replay", str(GOOD), "--out-dir", str(out), "--check"
    )
    assert (code, stderr) == (0, "")
    assert lines_starting(stdout, "error ") == lines_starting(stdout, "mismatch ") == []
    assert len(entries(out)) == 4


def test_check_shows_the_changed_outcome_and_exits_1(capsys):
    code, _, stderr = sharewizard(capsys, "replay", str(GOOD), str(CHANGED), "--check")
    assert code == 1
    assert lines_starting(stderr, "mismatch ") == [
        f"mismatch {CHANGED}: outcome: expected 'share', got 'refer'",
        f"mismatch {CHANGED}: decision: expected 'share', got 'refer'",
    ]


def test_without_check_a_changed_outcome_is_not_a_failure(capsys):
    code, stdout, stderr = sharewizard(capsys, "replay", str(CHANGED))
    assert code == 0
    assert lines_starting(stdout + stderr, "mismatch ") == []


def test_a_file_that_cannot_be_replayed_wins_over_a_failed_check(capsys):
    code, _, stderr = sharewizard(
        capsys, "replay", str(CHANGED), str(BAD / "unknown_flow.yaml"), "--check"
    )
    assert code == 2
    assert len(lines_starting(stderr, "mismatch ")) == 2
    assert lines_starting(stderr, "error ") == [
        f"error {BAD / 'unknown_flow.yaml'}:2:7: flow: unknown flow 'no-such-flow'. Flows: demo."
    ]


def test_an_existing_record_is_not_replaced_without_force(tmp_path, capsys):
    out = out_folder(tmp_path)
    assert sharewizard(capsys, "replay", str(GOOD), "--out-dir", str(out))[0] == 0
    before = {name: (out / name).read_bytes() for name in entries(out)}
    code, _, stderr = sharewizard(
        capsys, "replay", str(GOOD), "--out-dir", str(out), "--timestamp", "2030-01-01T00:00:00Z"
    )
    assert code == 2
    errors = lines_starting(stderr, "error ")
    assert sorted(errors) == sorted(
        f"error {out / name}: already exists; nothing was written. Choose another --out-dir, or "
        "pass --force to replace it."
        for name in before
    )
    assert {name: (out / name).read_bytes() for name in entries(out)} == before


def test_a_missing_out_dir_is_created_owner_only(tmp_path, capsys):
    # like `mkdir -p`: the folder and its missing parents are made, readable by the owner only
    out = tmp_path / "no" / "such"
    code, _, stderr = sharewizard(capsys, "replay", str(GOOD), "--out-dir", str(out))
    assert (code, stderr) == (0, "")
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert len(entries(out)) == 4


def test_an_out_dir_that_is_a_file_is_refused_before_anything_runs(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    code, stdout, stderr = sharewizard(capsys, "replay", str(GOOD), "--out-dir", str(taken))
    assert code == 2
    assert stderr == f"Error: {taken}: --out-dir: is not a folder.\n"
    assert stdout == ""
    assert entries(tmp_path) == {"taken"}


def test_a_folder_without_answers_files_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not an answers file")
    code, _, stderr = sharewizard(capsys, "replay", str(tmp_path))
    assert code == 2
    assert stderr == (
        "Error: PATH: no answers files found. Give files, or folders holding "
        "*.yaml, *.yml or *.json files.\n"
    )


# --- the JSON report ---------------------------------------------------------------------------


def test_json_report_counts_and_per_file_fields(tmp_path, capsys):
    out = out_folder(tmp_path)
    code, stdout, _ = sharewizard(
        capsys, "replay", str(ANSWERS), "--out-dir", str(out), "--check", "--json"
    )
    assert code == 2
    report = json.loads(stdout)  # the whole of stdout is the one report
    assert {k: report[k] for k in report if k != "results"} == {
        "files": 13,
        "records_written": 5,
        "expectations_met": 3,
        "expectations_failed": 1,
        "errors": 8,
    }
    by_path = {Path(r["path"]): r for r in report["results"]}
    assert by_path[CHANGED] == {
        "path": str(CHANGED),
        "outcome": "refer",
        "decision": "refer",
        "record": str(out / "mismatch__changed-outcome.record.json"),
        "expectation": "failed",
        "records": [str(out / "mismatch__changed-outcome.record.json")],
        "diff": [
            "outcome: expected 'share', got 'refer'",
            "decision: expected 'share', got 'refer'",
        ],
        "error": None,
    }
    assert by_path[GOOD / "nested" / "not-sure.yaml"]["expectation"] == "none"
    assert by_path[GOOD / "refer.yaml"]["expectation"] == "met"
    bad = by_path[BAD / "version_mismatch.yaml"]
    assert (bad["outcome"], bad["record"], bad["expectation"]) == (None, None, "none")
    assert bad["error"].startswith(f"{BAD / 'version_mismatch.yaml'}:4:12: flow.version: ")
    for result in report["results"]:
        assert (result["record"] is None) == (result["error"] is not None)
        if result["record"]:
            assert Path(result["record"]).is_file()


def test_json_report_without_check_leaves_expectations_out(capsys):
    code, stdout, _ = sharewizard(capsys, "replay", str(CHANGED), "--json")
    assert code == 0
    report = json.loads(stdout)
    assert (report["expectations_met"], report["expectations_failed"]) == (None, None)
    assert report["results"][0]["expectation"] is None
    assert report["results"][0]["diff"] == []
    assert report["results"][0]["record"] is None  # no --out-dir: nothing written


# --- PATH forms --------------------------------------------------------------------------------


def test_files_given_one_by_one_are_named_from_their_common_folder(tmp_path, capsys):
    out = out_folder(tmp_path)
    files = [GOOD / "refer.yaml", GOOD / "nested" / "no-concern.json"]
    code, _, _ = sharewizard(capsys, "replay", *map(str, files), "--out-dir", str(out))
    assert code == 0
    assert entries(out) == {"refer.record.json", "nested__no-concern.record.json"}


def test_dash_reads_the_paths_from_stdin(tmp_path, capsys, monkeypatch):
    out = out_folder(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{GOOD / 'refer.yaml'}\n\n{GOOD / 'nested'}\n"))
    code, stdout, _ = sharewizard(capsys, "replay", "-", "--out-dir", str(out), "--json")
    assert code == 0
    assert [Path(r["path"]) for r in json.loads(stdout)["results"]] == [
        GOOD / "refer.yaml",
        GOOD / "nested" / "no-concern.json",
        GOOD / "nested" / "not-sure.yaml",
    ]
    assert entries(out) == {
        "refer.record.json",
        "nested__no-concern.record.json",
        "nested__not-sure.record.json",
    }


def test_an_out_dir_inside_the_input_folder_is_not_replayed(tmp_path, capsys):
    inputs = tmp_path / "cases"
    shutil.copytree(GOOD, inputs)
    out = out_folder(inputs, "records")
    args = ("replay", str(inputs), "--out-dir", str(out), "--timestamp", STAMP, "--json")
    assert sharewizard(capsys, *args)[0] == 0
    code, stdout, _ = sharewizard(capsys, *args, "--force")
    assert code == 0
    assert json.loads(stdout)["files"] == 4
    assert len(entries(out)) == 4


def test_a_decision_record_given_by_mistake_is_named_as_such(tmp_path, capsys):
    out = out_folder(tmp_path)
    assert sharewizard(capsys, "replay", str(GOOD / "refer.yaml"), "--out-dir", str(out))[0] == 0
    record = out / "refer.record.json"
    renamed = shutil.copy(record, out_folder(tmp_path, "cases") / "refer.json")
    message = (
        "this is a decision record, not an answers file. Replay the *.answers.yaml file "
        "saved beside it instead."
    )
    for given, shown in ((record, record), (renamed.parent, renamed)):
        code, _, stderr = sharewizard(capsys, "replay", str(given))
        assert code == 2
        assert lines_starting(stderr, "error ") == [f"error {shown}: {message}"]


def test_records_can_be_written_beside_the_answers_files(tmp_path, capsys):
    shutil.copy(GOOD / "refer.yaml", tmp_path / "refer.yaml")
    for extra in ((), ("--force",)):  # the second run does not take the record for an input
        code, _, stderr = sharewizard(
            capsys, "replay", str(tmp_path), "--out-dir", str(tmp_path), *extra
        )
        assert (code, stderr) == (0, "")
        assert entries(tmp_path) == {"refer.yaml", "refer.record.json"}


# --- deterministic, valid, private records -----------------------------------------------------


def test_pinned_timestamp_gives_byte_identical_valid_private_records(tmp_path, capsys):
    first, second = out_folder(tmp_path, "first"), out_folder(tmp_path, "second")

    def replay_into(out: Path, *extra: str) -> dict[str, bytes]:
        code, _, _ = sharewizard(
            capsys, "replay", str(GOOD), "--out-dir", str(out), "--timestamp", STAMP, *extra
        )
        assert code == 0
        return {name: (out / name).read_bytes() for name in entries(out)}

    earlier = replay_into(first)
    inodes = {name: (first / name).stat().st_ino for name in earlier}
    assert len(earlier) == 4
    assert replay_into(first, "--force") == earlier
    assert {name: (first / name).stat().st_ino for name in earlier} != inodes  # rewritten
    assert replay_into(second) == earlier
    for name in earlier:
        path = first / name
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["created_at"] == STAMP
        assert records.schema_problems(record) == []
        assert records.verify(record)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len({json.loads(content)["record_id"] for content in earlier.values()}) == 4
    code, stdout, _ = sharewizard(
        capsys, "verify", "--allow-incomplete", *(str(first / n) for n in sorted(earlier))
    )
    assert code == 0
    assert stdout.count(": OK (checksum verifies") == 4


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00", "1969-12-31T23:59:59Z"]
)
def test_timestamps_a_record_cannot_hold_are_refused(capsys, moment):
    code, _, stderr = sharewizard(capsys, "replay", str(GOOD), "--timestamp", moment)
    assert code == 2
    assert "is outside the times a record can hold (1970 to 9999, in UTC)" in stderr


def test_timestamp_must_be_iso_8601(capsys):
    code, _, stderr = sharewizard(capsys, "replay", str(GOOD), "--timestamp", "yesterday")
    assert code == 2
    assert stderr == (
        "Error: --timestamp: 'yesterday' is not an ISO 8601 time. For example "
        "2026-11-23T09:00:00Z.\n"
    )


def test_markdown_records_carry_the_same_content_as_the_json(tmp_path, capsys):
    as_json, as_md = out_folder(tmp_path, "json"), out_folder(tmp_path, "md")
    for out, fmt in ((as_json, "json"), (as_md, "md")):
        code, _, _ = sharewizard(
            capsys,
            "replay",
            str(GOOD),
            "--out-dir",
            str(out),
            "--format",
            fmt,
            "--timestamp",
            STAMP,
        )
        assert code == 0
    assert entries(as_md) == {name.replace(".json", ".md") for name in entries(as_json)}
    for name in entries(as_json):
        record = json.loads((as_json / name).read_text(encoding="utf-8"))
        markdown = (as_md / name.replace(".json", ".md")).read_text(encoding="utf-8")
        assert markdown.startswith("# Information sharing decision record\n")
        assert markdown == render.to_markdown(record)
        assert records.load_record(as_md / name.replace(".json", ".md")) == record
        assert stat.S_IMODE((as_md / name.replace(".json", ".md")).stat().st_mode) == 0o600


# --- decide --answers: the same walk, one file -------------------------------------------------


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m sharewizard` with no terminal on standard input."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "SHAREWIZARD_FLOWS")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["SHAREWIZARD_DATA_DIR"] = str(cwd.parent / f"{cwd.name}-data")  # drafts never go home
    return subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(CATALOGUE), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_decide_with_answers_matches_replay_and_writes_no_answers_file(tmp_path, capsys):
    source = GOOD / "refer.yaml"
    work = out_folder(tmp_path, "work")
    done = run_module("decide", "demo", "--answers", str(source), "--out", "decided.json", cwd=work)
    assert done.returncode == 0, done.stderr
    assert entries(work) == {"decided.json"}  # the record only: no *.answers.yaml
    decided = json.loads((work / "decided.json").read_text(encoding="utf-8"))
    assert records.schema_problems(decided) == [] and records.verify(decided)

    out = out_folder(tmp_path)
    assert sharewizard(capsys, "replay", str(source), "--out-dir", str(out))[0] == 0
    replayed = json.loads((out / "refer.record.json").read_text(encoding="utf-8"))
    for key in ("flow", "answers", "outcome", "fields", "missing", "changes", "route"):
        assert decided[key] == replayed[key], key
    assert decided["outcome"]["id"] == "refer"
    assert records.field_text(decided, "family_informed") == "No, they will not be told"
    assert records.field_text(decided, "case_reference") == "CASE-0001"


def test_decide_with_a_bad_answers_file_names_it_and_writes_nothing(tmp_path):
    bad = BAD / "not_a_choice.yaml"
    done = run_module("decide", "demo", "--answers", str(bad), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"Error: {bad}:6:12: answers.urgency: 'medium' is not an answer to 'urgency'"
    )
    assert entries(tmp_path) == set()


def test_decide_without_answers_and_without_a_terminal_points_to_answers_and_replay(tmp_path):
    done = run_module("decide", "demo", cwd=tmp_path)
    assert done.returncode == 2
    # the commands suggested are spelled the way sharewizard was started (here `python -m`)
    assert done.stderr == (
        "Error: `decide` asks questions, so it needs a terminal, and standard input is not one. "
        "To run without a terminal, give recorded answers with `python -m sharewizard decide "
        "--answers FILE`, replay many files with `python -m sharewizard replay PATH`, or type "
        "answers line by line with `python -m sharewizard --plain decide`.\n"
    )
    assert entries(tmp_path) == set()


# --- record fields that contradict the outcome -------------------------------------------------

SHIPPED = ROOT / "flows"
SHARE_WITHOUT_INFORMING = (
    ROOT / "tests" / "answers" / "sittings" / "share-without-informing-risk.yaml"
)
CONSENT_REFUSED = (
    "record.lawful_basis: 'consent' is refused here: This outcome was reached without the "
    "family's consent, so consent cannot be the lawful basis."
)


def edited(source: Path, target: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_consent_as_the_basis_of_a_without_consent_outcome_is_refused_naming_the_field(
    tmp_path, capsys
):
    # the demo's `refer` outcome is reached without consent
    bad = edited(
        GOOD / "refer.yaml",
        tmp_path / "a.yaml",
        "lawful_basis: public-task",
        "lawful_basis: consent",
    )
    out = out_folder(tmp_path)
    code, _, stderr = sharewizard(capsys, "replay", str(bad), "--out-dir", str(out))
    assert code == 2
    [line] = lines_starting(stderr, "error ")
    assert line.startswith(f"error {bad}:14:17: {CONSENT_REFUSED}")
    assert entries(out) == set()
    code, _, stderr = sharewizard(capsys, "decide", "--answers", str(bad), "--out", str(out / "r"))
    assert code == 2
    assert stderr.startswith(f"Error: {bad}:14:17: {CONSENT_REFUSED}")
    assert entries(out) == set()


def test_a_lawful_basis_for_a_decision_not_to_share_is_refused_naming_the_field(tmp_path, capsys):
    bad = edited(
        GOOD / "nested" / "no-concern.json",
        tmp_path / "a.json",
        '"record": {',
        '"record": {"lawful_basis": "public-task", ',
    )
    code, _, stderr = sharewizard(capsys, "replay", str(bad))
    assert code == 2
    [line] = lines_starting(stderr, "error ")
    assert line.startswith(
        f"error {bad}:4:30: record.lawful_basis: 'lawful_basis' does not apply to the outcome "
        "'none' (decision 'do-not-share'), so it would contradict the record."
    )


def test_family_told_under_a_do_not_tell_outcome_is_refused_naming_the_field(tmp_path, capsys):
    bad = edited(
        SHARE_WITHOUT_INFORMING,
        tmp_path / "a.yaml",
        "family_informed: not-yet",
        "family_informed: 'yes'",
    )
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(SHIPPED), "replay", str(bad)])
    _, stderr = capsys.readouterr()
    assert stopped.value.code == 2
    [line] = lines_starting(stderr, "error ")
    assert line.startswith(
        f"error {bad}:21:24: decisions.0.record.family_informed: 'yes' is refused here: This "
        "outcome, and what you said about telling the parents or carers, say not to tell them "
        "for now"
    )


def test_consent_after_sharing_without_consent_is_refused_in_the_shipped_flows(tmp_path, capsys):
    bad = edited(
        SHARE_WITHOUT_INFORMING,
        tmp_path / "a.yaml",
        "lawful_basis: public-task",
        "lawful_basis: consent",
    )
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(SHIPPED), "replay", str(bad)])
    _, stderr = capsys.readouterr()
    assert stopped.value.code == 2
    assert (
        f"{bad}:20:21: decisions.0.record.lawful_basis: 'consent' is refused here: Consent can be "
        "the lawful basis only where those whose agreement counts agreed"
    ) in " ".join(stderr.split())


# --- worker processes --------------------------------------------------------------------------


def test_jobs_1_and_jobs_2_give_the_same_report_and_the_same_signed_records(tmp_path, capsys):
    from sharewizard.records import signing

    private, public = signing.new_key_pair(tmp_path / "keys")
    runs = {}
    for jobs in ("1", "2"):
        out = out_folder(tmp_path, f"jobs-{jobs}")
        code, stdout, stderr = sharewizard(
            capsys, "replay", str(ANSWERS), "--out-dir", str(out), "--timestamp", STAMP,
            "--jobs", jobs, "--sign-key", str(private), "--json",
        )  # fmt: skip
        assert code == 2  # the bad files, each with its own error, did not stop the others
        report = stdout.replace(str(out), "OUT")
        runs[jobs] = (report, {p.name: p.read_bytes() for p in out.iterdir()})
    assert runs["1"] == runs["2"]  # the report in input order, and every record byte for byte
    report = json.loads(runs["2"][0])
    assert [Path(r["path"]).name for r in report["results"] if r["error"]] == sorted(
        BAD_STARTS, key=lambda name: str(BAD / name)
    )
    records = [str(tmp_path / "jobs-2" / name) for name in sorted(runs["2"][1])]
    code, stdout, _ = sharewizard(
        capsys, "verify", "--allow-incomplete", "--trust", str(public), *records
    )
    assert code == 0, stdout


def test_an_interrupted_replay_says_its_records_are_whole_and_how_to_redo_them(
    capsys, tmp_path, monkeypatch
):
    from sharewizard.replay import batch as replay

    real = replay.replay_all

    def stopped_after_the_first_file(catalogue, files, **options):
        real(catalogue, files[:1], **options)
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "replay_all", stopped_after_the_first_file)
    out = tmp_path / "records"
    code, _, err = sharewizard(capsys, "replay", str(GOOD), "--out-dir", str(out), "--jobs", "1")
    assert code == 130
    assert "interrupted: some answers files were not replayed" in err
    assert "nothing was written" not in err
    assert "--force" in " ".join(err.split())
    assert len(list(out.iterdir())) == 1  # the one record is there, whole
    json.loads(next(out.iterdir()).read_text("utf-8"))


def test_an_interrupted_replay_without_out_dir_wrote_nothing(capsys, monkeypatch):
    from sharewizard.replay import batch as replay

    def interrupted(*_args, **_options):
        raise KeyboardInterrupt

    monkeypatch.setattr(replay, "replay_all", interrupted)
    code, _, err = sharewizard(capsys, "replay", str(GOOD))
    assert code == 130
    assert "interrupted; nothing was written." in err
