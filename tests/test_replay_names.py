"""Replay names every record so no two inputs can share one, refuses a shared name even with
--force, and shows file names inertly (review 2026-12-06: F-3, F-23)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.records.record import part_path
from sharewizard.replay.batch import is_record_name

ANSWERS = Path(__file__).parent / "answers"
SITTING = ANSWERS / "sittings" / "share-tell-how-much.yaml"
NO_ROLE = ANSWERS / "sittings" / "no-role.yaml"
GOOD = ANSWERS / "sittings" / "share-and-inform.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, " ".join(err.split())


def flow_of(path: Path) -> tuple[str, str]:
    record = json.loads(path.read_text())
    return record["flow"]["id"], record["outcome"]["id"]


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_a_sittings_second_record_never_replaces_another_inputs_record(force, tmp_path, capsys):
    # R14: a.yaml (two decisions) beside a.part2.yaml wrote both to a.part2.record.json
    inputs, out = tmp_path / "r14", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(SITTING, inputs / "a.yaml")
    shutil.copy(NO_ROLE, inputs / "a.part2.yaml")
    code, stdout, _ = run(capsys, "replay", str(inputs), "--out-dir", str(out), "--json", *force)
    report = json.loads(stdout)
    assert (code, report["records_written"], report["errors"]) == (0, 4, 0)
    assert sorted(p.name for p in out.iterdir()) == [
        "a.part2.record.json",
        "a.record-2.json",
        "a.record-3.json",
        "a.record.json",
    ]
    assert flow_of(out / "a.part2.record.json") == ("how-much", "no-role")  # its own decision
    assert flow_of(out / "a.record-2.json")[0] == "inform-family"  # a.yaml's second one


def test_part_names_cannot_be_any_inputs_first_record_name():
    firsts = {f"{stem}.record.json" for stem in ("a", "a-2", "a.record", "a.record-2")}
    for stem in ("a", "a-2", "a.record"):
        for part in (2, 3, 12):
            assert part_path(Path(f"{stem}.record.json"), part).name not in firsts
    assert part_path(Path("a.record.txt"), 2).name == "a.record-2.txt"  # decide's rule: x-2.json
    assert all(map(is_record_name, ["a.record.json", "a.record-2.json", "b.record.yaml"]))
    assert not any(map(is_record_name, ["a.yaml", "a-2.yaml", "record.json"]))


def test_records_of_earlier_runs_are_not_taken_as_inputs(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SITTING, inputs / "a.yaml")
    assert run(capsys, "replay", str(inputs), "--out-dir", str(inputs))[0] == 0
    code, stdout, _ = run(capsys, "replay", str(inputs), "--json")
    assert code == 0 and json.loads(stdout)["files"] == 1  # a.yaml alone, not its three records


def test_inputs_sharing_a_record_name_are_both_refused_naming_each_other_even_with_force(
    tmp_path, capsys
):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(GOOD, inputs / "a.yaml")
    shutil.copy(NO_ROLE, inputs / "A.yml")  # one record on a file system that ignores case
    shutil.copy(GOOD, inputs / "b.yaml")
    code, stdout, _ = run(capsys, "replay", str(inputs), "--out-dir", str(out), "--json", "--force")
    assert code == 2
    report = json.loads(stdout)
    errors = {Path(r["path"]).name: r["error"] for r in report["results"] if r["error"]}
    assert errors == {
        "A.yml": f"{inputs / 'A.yml'}: {inputs / 'a.yaml'} would be written to the same record, "
        "A.record.json, so neither was replayed (not even with --force); rename one of them.",
        "a.yaml": f"{inputs / 'a.yaml'}: {inputs / 'A.yml'} would be written to the same record, "
        "a.record.json, so neither was replayed (not even with --force); rename one of them.",
    }
    assert [p.name for p in out.iterdir()] == ["b.record.json"]


def test_replay_json_escapes_c1_controls_and_bidi_characters_in_file_names(tmp_path, capsys):
    # F-23: U+009B (CSI on many terminals) in a file name reached the terminal raw
    inputs = tmp_path / "in"
    inputs.mkdir()
    name = "x\x9b31m\u202eevil.yaml"
    shutil.copy(GOOD, inputs / name)
    code, stdout, _ = run(capsys, "replay", str(inputs), "--json")
    assert code == 0
    assert "\x9b" not in stdout and "\u202e" not in stdout
    assert "x\\u009b31m\\u202eevil.yaml" in stdout
    assert json.loads(stdout)["results"][0]["path"] == str(inputs / name)  # the same value
