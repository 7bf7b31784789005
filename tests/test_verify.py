"""`sharewizard verify`: every file gets a state, the worst decides the exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sharewizard.cli import main
from sharewizard.records import record as records
from sharewizard.records import render, signing

FIXTURES = Path(__file__).parent / "fixtures"
CATALOGUE = FIXTURES / "catalogue"
COMPLETE = FIXTURES / "answers" / "good" / "refer.yaml"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(["--flows", str(CATALOGUE), *args])
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.fixture
def made(tmp_path, capsys) -> dict[str, Path]:
    """A complete record, an incomplete one, their Markdown forms, and a key pair."""
    incomplete = tmp_path / "incomplete.yaml"
    incomplete.write_text("flow: demo\nanswers: {concern: 'no'}\n")
    paths: dict[str, Path] = {}
    for name, answers in (("complete", COMPLETE), ("incomplete", incomplete)):
        for fmt in ("json", "md"):
            out = tmp_path / f"{name}.{fmt}"
            code, _, err = run(capsys, "decide", "--answers", str(answers), "--out", str(out))
            assert code == 0, err
            paths[f"{name}.{fmt}"] = out
    private, public = signing.new_key_pair(tmp_path / "keys")
    paths["key"], paths["pub"] = private, public
    return paths


def rewrite(path: Path, record: dict) -> Path:
    path.write_text(render.to_json(record), encoding="utf-8")
    return path


def edit_readable_text(markdown: str) -> str:
    """Change the text people read, leaving the embedded data as it was."""
    body, data = markdown.split(render.MD_DATA_START)
    assert "Phone call" in body
    return body.replace("Phone call", "Letter") + render.MD_DATA_START + data


def signed_copy(made: dict[str, Path], name: str = "signed.json") -> Path:
    record = records.load_record(made["complete.json"])
    key = signing.load_private_key(made["key"])
    return rewrite(made["complete.json"].with_name(name), signing.sign(record, key))


# --- each state ----------------------------------------------------------------------------------


def test_ok(made, capsys):
    assert run(capsys, "verify", str(made["complete.json"]), str(made["complete.md"])) == (
        0,
        f"{made['complete.json']}: OK (checksum verifies)\n"
        f"{made['complete.md']}: OK (checksum verifies)\n"
        "2 records: 2 OK.\n",
        "",
    )


def test_incomplete_fails_naming_the_missing_fields_unless_allowed(made, capsys):
    path = made["incomplete.json"]
    missing = ", ".join(records.load_record(path)["missing"])
    assert missing
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        1,
        f"{path}: INCOMPLETE: the record leaves out {missing}; the guidance asks for each; "
        "checksum verifies\n",
    )
    code, out, _ = run(capsys, "verify", "--allow-incomplete", str(path))
    assert (code, out) == (
        0,
        f"{path}: OK (checksum verifies; incomplete, allowed: leaves out {missing})\n",
    )


def test_tampered_checksum(made, capsys):
    path = made["complete.json"]
    record = records.load_record(path)
    record["fields"][0]["text"] = "changed later"
    rewrite(path, record)
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        1,
        f"{path}: TAMPERED: checksum does not match: the record was changed after it was written\n",
    )


def test_tampered_markdown_text(made, capsys):
    path = made["complete.md"]
    path.write_text(edit_readable_text(path.read_text()))
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        1,
        f"{path}: TAMPERED: the readable text of this Markdown record was changed after it "
        "was written. Compare it with the original.\n",
    )


def test_invalid_record_schema(made, capsys):
    path = made["complete.json"]
    record = records.load_record(path)
    record["outcome"]["decision"] = ["not", "text"]
    record["checksum"] = records.checksum(record)
    rewrite(path, record)
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 1
    assert out.startswith(f"{path}: INVALID: outcome.decision: ")


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"", "1:1: not valid JSON: Expecting value."),
        (b'{"schema_version": 1,}', "1:22: not valid JSON: Expecting property name"),
        (b'{"schema_version": 9}', "schema_version: schema_version is 9; this sharewizard reads 2"),
        (b"[1, 2]", "schema_version: schema_version is None"),
        (b'{"schema_version": 1, "x": "\\ud800"}', "1:28: x: a text holds a lone surrogate escape"),
        (b'{"schema_version": 1, "x": ' + b"[" * 3000 + b"]" * 3000 + b"}", "nested more than"),
        (
            b'{"schema_version": 1, "x": ' + b"7" * 5000 + b"}",
            "1:28: x: a number of 5,000 characters",
        ),
        (b"\xff\xfe{}", "1:1: is not UTF-8 text"),
    ],
)
def test_unreadable_json(tmp_path, capsys, content, detail):
    path = tmp_path / "r.json"
    path.write_bytes(content)
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 2
    assert out.startswith(f"{path}: UNREADABLE: {detail}")


@pytest.mark.parametrize(
    ("tail", "detail"),
    [
        ("no data at all\n", "this Markdown file carries no sharewizard record data."),
        (render.MD_DATA_START + "!!!" + render.MD_DATA_END, "the record data in this Markdown"),
        (render.MD_DATA_START + "{}" + render.MD_DATA_END, "is damaged: schema_version is None"),
        (
            render.MD_DATA_START + '{"schema_version": 2}' + render.MD_DATA_END,
            "the record data in this Markdown file is not a valid record",
        ),
        (
            render.MD_DATA_START + '{"x": "\\ud800"}' + render.MD_DATA_END,
            "the record data in this Markdown file is damaged",
        ),
        (
            render.MD_DATA_START + "[" * 500 + "]" * 500 + render.MD_DATA_END,
            "nested more than 64 levels deep",
        ),
    ],
)
def test_crafted_markdown_is_unreadable_not_a_crash(tmp_path, capsys, tail, detail):
    path = tmp_path / "r.md"
    path.write_text("# Information sharing decision record\n\n" + tail)
    code, out, err = run(capsys, "verify", str(path))
    assert (code, err) == (2, "")
    assert out.startswith(f"{path}: UNREADABLE: ") and detail in out


def test_unreadable_files_that_are_not_records(tmp_path, capsys):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code, out, _ = run(capsys, "verify", str(fifo), "/dev/zero", str(tmp_path / "nope.json"))
    assert code == 2
    assert out.splitlines() == [
        f"{fifo}: UNREADABLE: is a named pipe (FIFO), not a regular file; nothing was read.",
        "/dev/zero: UNREADABLE: is a device, not a regular file; nothing was read.",
        f"{tmp_path / 'nope.json'}: UNREADABLE: no such file.",
        "3 records: 3 UNREADABLE.",
    ]


def test_a_record_over_5_mb_is_unreadable(tmp_path, capsys):
    path = tmp_path / "r.json"
    with path.open("w") as handle:
        handle.truncate(5 * 1024 * 1024 + 1)
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        2,
        f"{path}: UNREADABLE: is larger than the 5.0 MB allowed for a record; nothing was read.\n",
    )


def test_unsigned_with_trust(made, capsys):
    path = made["complete.json"]
    code, out, _ = run(capsys, "verify", "--trust", str(made["pub"]), str(path))
    assert (code, out) == (1, f"{path}: UNSIGNED: the record is not signed\n")


def test_signed_by_a_trusted_key(made, capsys):
    path = signed_copy(made)
    fingerprint = signing.load_public_key(made["pub"]).fingerprint
    code, out, _ = run(capsys, "verify", "--trust", str(made["pub"]), str(path))
    assert (code, out) == (
        0,
        f"{path}: OK (checksum verifies; signed by trusted key {fingerprint})\n",
    )


def test_signed_by_an_unknown_key_without_trust_is_never_a_bare_ok(made, capsys):
    path = signed_copy(made)
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        1,
        f"{path}: SIGNED (key not checked): checksum verifies; signed by key "
        f"{signing.load_public_key(made['pub']).fingerprint[:19]}…, not known here: add it with "
        "`keys add KEY.pub` or give --trust KEY.pub\n",
    )
    code, out, _ = run(capsys, "verify", "--allow-unchecked", str(path))
    assert code == 0 and out.startswith(f"{path}: SIGNED (key not checked): ")


def test_signed_by_a_known_key_is_checked_without_trust(made, capsys):
    path = signed_copy(made)
    assert run(capsys, "keys", "add", str(made["pub"]), "--name", "head-office")[0] == 0
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (0, f"{path}: OK (checksum verifies; signed by known key head-office)\n")


def test_wrong_key(made, capsys, tmp_path):
    path = signed_copy(made)
    _, other = signing.new_key_pair(tmp_path / "other")
    code, out, _ = run(capsys, "verify", "--trust", str(other), str(path))
    assert code == 1
    assert out.startswith(f"{path}: WRONG KEY: signed by key sha256:")
    assert out.endswith(", which is not trusted here\n")


def test_a_forged_record_with_its_checksum_recomputed_fails_trust(made, capsys):
    path = signed_copy(made)
    record = records.load_record(path)
    record["fields"][1]["text"] = "Nobody"
    record["checksum"] = records.checksum(record)
    rewrite(path, record)
    tampered = (
        f"{path}: TAMPERED: the signature does not match: the record was changed after it was "
        "signed\n"
    )
    plain_code, out, _ = run(capsys, "verify", "--allow-unchecked", str(path))
    assert plain_code == 0  # exactly why a checksum alone proves nothing about who wrote it
    assert "SIGNED (key not checked)" in out  # ... and why verify never calls it OK
    assert run(capsys, "verify", "--trust", str(made["pub"]), str(path))[:2] == (1, tampered)
    run(capsys, "keys", "add", str(made["pub"]))
    assert run(capsys, "verify", str(path))[:2] == (1, tampered)  # a known key: checked


def test_two_trusted_keys_either_may_have_signed(made, capsys, tmp_path):
    path = signed_copy(made)
    _, other = signing.new_key_pair(tmp_path / "other")
    code, _, _ = run(
        capsys, "verify", "--trust", str(other), "--trust", str(made["pub"]), str(path)
    )
    assert code == 0


# --- many files, folders, standard input, worst state, json --------------------------------------


def test_a_folder_is_searched_for_json_and_markdown_records(made, capsys, tmp_path):
    tree = tmp_path / "tree"
    (tree / "2026" / "12").mkdir(parents=True)
    shutil.copy(made["complete.json"], tree / "a.json")
    shutil.copy(made["complete.md"], tree / "2026" / "12" / "b.md")
    (tree / "2026" / "notes.txt").write_text("not a record")
    (tree / ".hidden.json").write_text("{")
    code, out, _ = run(capsys, "verify", str(tree))
    assert code == 0
    assert out.splitlines() == [
        f"{tree / '2026' / '12' / 'b.md'}: OK (checksum verifies)",
        f"{tree / 'a.json'}: OK (checksum verifies)",
        "2 records: 2 OK.",
    ]


def test_dash_reads_one_path_a_line_from_standard_input(made, capsys, monkeypatch):
    import io

    listed = f"{made['complete.json']}\n\n{made['incomplete.json']}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(listed))
    code, out, _ = run(capsys, "verify", "-")
    assert code == 1
    assert [line.split(": ")[1] for line in out.splitlines()[:-1]] == [
        "OK (checksum verifies)",
        "INCOMPLETE",
    ]


def test_a_folder_with_no_records_says_so(capsys, tmp_path):
    assert run(capsys, "verify", str(tmp_path)) == (0, "No records found.\n", "")


def test_every_file_is_reported_and_the_worst_decides(made, capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    tampered = made["complete.md"]
    tampered.write_text(edit_readable_text(tampered.read_text()))
    args = [str(made["complete.json"]), str(bad), str(tampered), str(made["incomplete.json"])]
    code, out, err = run(capsys, "verify", *args)
    assert (code, err) == (2, "")
    states = [line.split(": ")[1] for line in out.splitlines()[:-1]]
    assert states == ["OK (checksum verifies)", "UNREADABLE", "TAMPERED", "INCOMPLETE"]
    assert out.splitlines()[-1] == "4 records: 1 OK, 1 INCOMPLETE, 1 TAMPERED, 1 UNREADABLE."
    code, _, _ = run(capsys, "verify", *[a for a in args if a != str(bad)])
    assert code == 1


def test_json_report(made, capsys):
    code, out, _ = run(
        capsys, "verify", "--json", str(made["complete.json"]), str(made["incomplete.json"])
    )
    report = json.loads(out)
    assert code == 1
    assert (report["files"], report["worst"], report["exit_status"]) == (2, "incomplete", 1)
    assert [r["state"] for r in report["results"]] == ["ok", "incomplete"]
    assert (
        report["results"][1]["missing"] == records.load_record(made["incomplete.json"])["missing"]
    )
    assert report["results"][1]["missing"]
    assert report["counts"]["ok"] == 1


def test_bad_trust_key_is_exit_2_with_one_line(made, capsys):
    code, out, err = run(capsys, "verify", "--trust", str(made["key"]), str(made["complete.json"]))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {made['key']}: is not a PEM public key. Give the .pub file written by "
        "`sharewizard keys new`.\n"
    )


def test_control_characters_in_a_file_name_are_escaped(tmp_path, capsys):
    path = tmp_path / "r\x1b[2J\u202e.json"
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 2
    assert "\x1b" not in out and "\u202e" not in out
    assert "r[2J<U+202E>.json: UNREADABLE: no such file." in out  # as the walk shows text


def test_an_ascii_only_terminal_gets_escapes_not_a_crash(made):
    path = made["complete.json"].with_name("ré.json")
    shutil.copy(made["complete.json"], path)
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "verify", str(path)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("ascii").endswith("r\\xe9.json: OK (checksum verifies)\n")


def test_a_training_record_is_refused_as_a_real_decision_unless_allowed(tmp_path, capsys):
    from sharewizard.cli import main
    from sharewizard.flowfiles.loader import load_catalogue
    from sharewizard.records.record import build_record, write_record
    from tests.sittingkit import decide_answers

    catalogue = load_catalogue()
    data = {"schema_version": 2, "facts": {"immediate-danger": "yes", "role": "dsl"}}
    [(_, decision, _)] = decide_answers(catalogue, {**data, "decisions": [{"answers": {}}]})
    record = build_record(
        decision, catalogue, created_at="2026-11-23T09:00:00Z", record_id="t", training=True
    )
    path = write_record(record, tmp_path / "practice.json", "json")

    def verify(*extra: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as stopped:
            main(["verify", *extra, str(path)])
        return int(stopped.value.code or 0), capsys.readouterr().out

    code, out = verify()
    assert code == 1 and "TRAINING" in out and "not a real decision" in out
    code, out = verify("--allow-training")
    assert code == 0 and "OK" in out


# --- Markdown as mail and editors leave it, and as an insider might rewrite it -------------------


def test_a_markdown_record_with_crlf_line_ends_or_an_extra_newline_still_verifies(made, capsys):
    """The review's R16: both were UNREADABLE ("carries no sharewizard record data")."""
    text = made["complete.md"].read_text(encoding="utf-8")
    crlf = made["complete.md"].with_name("crlf.md")
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    extra = made["complete.md"].with_name("extra.md")
    extra.write_text(text + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(crlf), str(extra))
    assert (code, out) == (
        0,
        f"{crlf}: OK (checksum verifies)\n{extra}: OK (checksum verifies)\n2 records: 2 OK.\n",
    )


def test_a_gt_put_back_in_the_data_comment_cannot_show_unchecked_text(made, capsys, tmp_path):
    """The review's F-9: `\\u003e` written back as `>` closes the comment early, so a viewer shows
    the text between `-->` and `<!--`; checksum and signature still hold, so only the layout
    of the data tells."""
    answers = tmp_path / "insider.yaml"
    answers.write_text(
        COMPLETE.read_text().replace(
            "what: Concerns", "what: 'x --> **Decision: DO NOT SHARE** <!-- y'\n  # was: Concerns"
        )
    )
    signed = tmp_path / "signed.md"
    code, _, err = run(
        capsys,
        "decide",
        "--answers",
        str(answers),
        "--out",
        str(signed),
        "--sign-key",
        str(made["key"]),
    )
    assert code == 0, err
    code, out, _ = run(capsys, "verify", "--trust", str(made["pub"]), str(signed))
    assert code == 0, out
    signed.write_text(signed.read_text().replace("\\u003e", ">"))
    assert "--> **Decision: DO NOT SHARE** <!--" in signed.read_text()
    code, out, _ = run(capsys, "verify", "--trust", str(made["pub"]), str(signed))
    assert (code, out) == (
        1,
        f"{signed}: TAMPERED: the record data at the end of this Markdown record is not written "
        "as sharewizard writes it (a `>` in it, say), so a Markdown viewer could show text no "
        "check sees. Compare it with the original.\n",
    )


def test_text_after_the_data_comment_is_refused(made, capsys):
    path = made["complete.md"]
    path.write_text(path.read_text() + "\n**Decision: DO NOT SHARE**\n")
    code, out, _ = run(capsys, "verify", str(path))
    assert (code, out) == (
        1,
        f"{path}: TAMPERED: this Markdown record does not end with its record data: text was "
        "added after it, or the file was cut short. Compare it with the original.\n",
    )


# --- nothing from a record reaches the terminal raw -----------------------------------------------

ESCAPES = "\x1b]0;PWNED\x07\x1b[31mRED\x1b]52;c;cm0gLXJmIH4=\x07\x9b2J\u202e"


def recomputed(path: Path, edit) -> Path:
    record = records.load_record(path)
    edit(record)
    record["checksum"] = records.checksum(record)
    return rewrite(path, record)


def test_note_shows_escape_sequences_from_a_record_inertly(made, capsys):
    """The review's R9: a citation quote with OSC and CSI sequences changed the pane title."""

    def plant(record: dict) -> None:
        citation = record["outcome"]["citations"][0]
        for key in ("quote", "title", "section"):
            citation[key] += ESCAPES
        record["fields"][0]["text"] += ESCAPES
        record["flow"]["title"] += ESCAPES

    path = recomputed(made["complete.json"], plant)
    code, out, err = run(capsys, "note", str(path))
    assert (code, err) == (0, "")
    assert not any(char in out for char in "\x1b\x07\x9b\u202e")
    assert "<U+202E>" in out  # a bidi override is shown, as the walk shows it


def test_verify_shows_a_file_name_with_escapes_inertly(made, capsys):
    path = made["complete.json"].rename(made["complete.json"].with_name(f"r{ESCAPES}.json"))
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0
    assert not any(char in out for char in "\x1b\x07\x9b\u202e")
    assert "<U+202E>.json: OK" in out  # a bidi override is shown, not obeyed


def test_note_of_a_structurally_broken_record_is_exit_2_not_a_crash(tmp_path, capsys):
    """The review's R8: `{"schema_version": 2}` with its checksum gave KeyError, exit 70."""
    path = tmp_path / "r8.json"
    record: dict = {"schema_version": 2}
    record["checksum"] = records.checksum(record)
    path.write_text(json.dumps(record))
    code, out, err = run(capsys, "note", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {path}: not a valid sharewizard record: (top level): 'record_id' is a required "
        "property. Check it with `sharewizard verify`.\n"
    )
