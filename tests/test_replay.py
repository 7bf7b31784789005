"""Replay as a library: answers files → results and records, one per input, bad files isolated."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from sharewizard.records import record as records
from sharewizard.replay.batch import expand_paths, output_name, replay_all

ANSWERS = Path(__file__).parent / "fixtures" / "answers"
GOOD = ANSWERS / "good"
BAD = ANSWERS / "bad"
CHANGED = ANSWERS / "mismatch" / "changed-outcome.yaml"
STAMP = "2026-01-01T00:00:00Z"

# Each good file and the outcome it leads to (its `expect`, where it has one).
GOOD_OUTCOMES = {
    "refer.yaml": ("refer", "refer"),
    "share-online.yml": ("share", "share"),
    "nested/no-concern.json": ("none", "do-not-share"),
    "nested/not-sure.yaml": ("advice", "seek-advice"),
}

# Each bad file and the error a user sees for it, after `<path>:`. Every one names a line and
# column, and (past a YAML syntax error) the field that is wrong.
BAD_ERRORS = {
    "unknown_flow.yaml": "2:7: flow: unknown flow 'no-such-flow'. Flows: demo.",
    "unknown_question.yaml": "5:11: answers.urgncy: 'urgncy' is not a question of the flow "
    "'demo'. Questions: concern, kinds, urgency, note.",
    "not_a_choice.yaml": "6:12: answers.urgency: 'medium' is not an answer to 'urgency' "
    "(How urgent?). Answers: high, low.",
    "not_a_multi_choice.yaml": "5:10: answers.kinds: 'burns' is not an answer to 'kinds' "
    "(Which kinds?). Answers: neglect, injury, online.",
    "missing_answer.yaml": "4:3: answers.kinds: no answer to 'kinds' (Which kinds?), which this "
    "path needs. Add it to the answers file.",
    "version_mismatch.yaml": "4:12: flow.version: recorded against version '2' of 'demo', but the "
    "flow is now version 3. Check the answers still fit the changed flow, then update the "
    "version.",
}
# Syntax errors: the wording comes from the YAML parser (it differs with and without LibYAML),
# so only the position and our own words are pinned.
SYNTAX_ERRORS = {
    "bad_yaml.yaml": "4:15: not valid YAML: ",
    "bad_json.json": "3:31: not valid JSON: ",
}


def all_entries(folder: Path) -> set[str]:
    """Every name in `folder`, hidden ones (temporary files) included."""
    return set(os.listdir(folder))


def test_fixture_tables_cover_every_fixture_file():
    # A new fixture file must get an expectation here, or it would silently test nothing.
    assert {p.relative_to(GOOD).as_posix() for p in GOOD.rglob("*.*")} == set(GOOD_OUTCOMES)
    assert {p.name for p in BAD.iterdir()} == set(BAD_ERRORS) | set(SYNTAX_ERRORS)


@pytest.mark.parametrize("name", sorted(GOOD_OUTCOMES))
def test_each_good_file_replays_to_its_outcome(demo, tmp_path, name):
    [result] = replay_all(
        demo, [GOOD / name], created_at=STAMP, out_dir=tmp_path, fmt="json", force=False, jobs=1
    )
    assert result.error is None
    assert (result.outcome, result.decision) == GOOD_OUTCOMES[name]
    assert result.expectation == ("none" if name == "nested/not-sure.yaml" else "met")
    record = json.loads(result.record_path.read_text(encoding="utf-8"))
    assert record["outcome"]["id"] == GOOD_OUTCOMES[name][0]
    if name == "refer.yaml":  # the one file with a full record section
        assert record["missing"] == []
        assert records.field_text(record, "lawful_basis") == "Public task (UK GDPR Art. 6(1)(e))"
    assert records.schema_problems(record) == []
    assert records.verify(record)


@pytest.mark.parametrize("name", sorted(BAD_ERRORS))
def test_each_bad_file_gets_one_error_naming_file_line_and_field(demo, tmp_path, name):
    path = BAD / name
    [result] = replay_all(
        demo, [path], created_at=STAMP, out_dir=tmp_path, fmt="json", force=False, jobs=1
    )
    assert result.error == f"{path}:{BAD_ERRORS[name]}"
    assert (result.record_path, result.outcome) == (None, None)
    assert all_entries(tmp_path) == set()


@pytest.mark.parametrize("name", sorted(SYNTAX_ERRORS))
def test_a_syntax_error_names_line_and_column(demo, tmp_path, name):
    path = BAD / name
    [result] = replay_all(
        demo, [path], created_at=STAMP, out_dir=tmp_path, fmt="json", force=False, jobs=1
    )
    assert result.error.startswith(f"{path}:{SYNTAX_ERRORS[name]}")
    assert result.error.endswith(
        ("Check the indentation and quoting there.", "(JSON allows no trailing comma).")
    )
    assert all_entries(tmp_path) == set()


def test_bad_files_do_not_stop_the_others_and_leave_nothing_on_disk(demo, tmp_path):
    files = expand_paths([str(ANSWERS)])
    results = replay_all(
        demo, files, created_at=STAMP, out_dir=tmp_path, fmt="json", force=False, jobs=4
    )
    assert [r.path for r in results] == files  # input order, whatever finished first
    failed = {r.path.name for r in results if r.error}
    assert failed == set(BAD_ERRORS) | set(SYNTAX_ERRORS)
    # Records for the good files (and the one whose outcome changed) only; no temporary files.
    assert all_entries(tmp_path) == {
        "good__refer.record.json",
        "good__share-online.record.json",
        "good__nested__no-concern.record.json",
        "good__nested__not-sure.record.json",
        "mismatch__changed-outcome.record.json",
    }
    for entry in tmp_path.iterdir():
        assert entry.stat().st_size > 0
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_changed_outcome_is_a_failed_expectation_with_a_diff(demo):
    [result] = replay_all(
        demo, [CHANGED], created_at=STAMP, out_dir=None, fmt="json", force=False, jobs=1
    )
    assert result.error is None
    assert result.expectation == "failed"
    assert result.diff == [
        "outcome: expected 'share', got 'refer'",
        "decision: expected 'share', got 'refer'",
    ]


def test_without_an_out_dir_nothing_is_written(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = replay_all(
        demo, [GOOD / "refer.yaml"], created_at=STAMP, out_dir=None, fmt="json", force=False, jobs=1
    )
    assert results[0].outcome == "refer"
    assert results[0].record_path is None
    assert all_entries(tmp_path) == set()


def test_progress_is_called_once_per_file(demo):
    seen = []
    files = sorted(GOOD.rglob("*.*"))
    replay_all(
        demo,
        files,
        created_at=STAMP,
        out_dir=None,
        fmt="json",
        force=False,
        jobs=2,
        progress=seen.append,
    )
    assert sorted(r.path for r in seen) == files


def test_parallel_and_serial_replays_write_identical_records(demo, tmp_path):
    files = expand_paths([str(GOOD)])
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    serial.mkdir()
    parallel.mkdir()
    replay_all(demo, files, created_at=STAMP, out_dir=serial, fmt="json", force=False, jobs=1)
    replay_all(demo, files, created_at=STAMP, out_dir=parallel, fmt="json", force=False, jobs=4)
    assert sorted(os.listdir(serial)) == sorted(os.listdir(parallel))
    for name in os.listdir(serial):
        assert (serial / name).read_bytes() == (parallel / name).read_bytes()


def test_record_id_is_fixed_by_the_input_and_the_time(demo, tmp_path):
    def record_id(path: Path, stamp: str) -> str:
        out = tmp_path / str(len(os.listdir(tmp_path)))
        out.mkdir()
        [result] = replay_all(
            demo, [path], created_at=stamp, out_dir=out, fmt="json", force=False, jobs=1
        )
        return json.loads(result.record_path.read_text(encoding="utf-8"))["record_id"]

    first = record_id(GOOD / "refer.yaml", STAMP)
    assert record_id(GOOD / "refer.yaml", STAMP) == first
    assert record_id(GOOD / "refer.yaml", "2026-01-02T00:00:00Z") != first
    assert record_id(GOOD / "share-online.yml", STAMP) != first


# --- paths -------------------------------------------------------------------------------------


def test_folders_are_searched_recursively_for_answers_suffixes_only(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in (
        "one.yaml",
        "a/two.yml",
        "a/b/three.json",
        "notes.txt",
        "a/record.md",
        "a/b/README",
    ):
        (tmp_path / name).write_text("x")
    found = expand_paths([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/three.json",
        "a/two.yml",
        "one.yaml",
    ]


def test_files_are_kept_as_given_even_with_another_suffix(tmp_path):
    # A file named on the command line is replayed (and fails loudly) rather than ignored.
    given = [str(tmp_path / "x.txt"), str(tmp_path / "missing.yaml")]
    assert expand_paths(given) == [Path(p) for p in given]


def test_dash_reads_paths_from_stdin_skipping_blank_lines(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "b.yaml").write_text("x")
    listed = [f"{tmp_path / 'a.yaml'}\n", "\n", f"  {folder}  \n"]
    assert expand_paths(["-"], stdin=listed) == [tmp_path / "a.yaml", folder / "b.yaml"]


def test_the_out_dir_inside_an_input_folder_is_skipped(tmp_path):
    (tmp_path / "records").mkdir()
    (tmp_path / "case.yaml").write_text("x")
    (tmp_path / "records" / "notes.yaml").write_text("x")
    assert expand_paths([str(tmp_path)], skip=tmp_path / "records") == [tmp_path / "case.yaml"]


def test_an_out_dir_that_is_the_input_folder_still_finds_the_answers(tmp_path):
    (tmp_path / "case.yaml").write_text("x")
    assert expand_paths([str(tmp_path)], skip=tmp_path) == [tmp_path / "case.yaml"]


def test_replays_own_records_in_a_folder_are_not_inputs(tmp_path):
    for name in ("case.yaml", "case.record.json", "old.record.md", "copied-record.json"):
        (tmp_path / name).write_text("x")
    assert expand_paths([str(tmp_path)]) == [
        tmp_path / "case.yaml",
        tmp_path / "copied-record.json",
    ]


def test_output_names_join_the_relative_path_with_double_underscores(tmp_path):
    path = tmp_path / "team-a" / "2026" / "case-7.yaml"
    assert output_name(path, tmp_path, "json") == "team-a__2026__case-7.record.json"
    assert output_name(path, tmp_path, "md") == "team-a__2026__case-7.record.md"
    assert output_name(path, None, "json") == "case-7.record.json"


def test_inputs_sharing_a_record_name_never_replace_each_other(demo, tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    for suffix, case in ((".yaml", "CASE-YAML"), (".json", "CASE-JSON")):
        text = json.dumps(
            {"flow": "demo", "answers": {"concern": "no"}, "record": {"case_reference": case}}
        )
        (inputs / f"a{suffix}").write_text(text)
    results = replay_all(
        demo,
        expand_paths([str(inputs)]),
        created_at=STAMP,
        out_dir=out,
        fmt="json",
        force=True,
        jobs=1,
    )
    written = [r for r in results if r.record_path]
    assert len(written) == len(os.listdir(out))
    for result in written:
        case = json.loads(result.path.read_text())["record"]["case_reference"]
        assert json.loads(result.record_path.read_text())["case_reference"] == case
    assert [r.error for r in results] == [
        f"{inputs / n}: {inputs / other} would be written to the same record, a.record.json, so "
        "neither was replayed (not even with --force); rename one of them."
        for n, other in (("a.json", "a.yaml"), ("a.yaml", "a.json"))
    ]
