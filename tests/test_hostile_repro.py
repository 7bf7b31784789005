"""The reliability review's reproduction cases R1-R16 (2026-12-06), each asserting the fixed
behaviour issue 20 asks for: nothing lost, nothing escaped, nothing deleted by mistake.

The blocks are those of the review's `repro.sh`, run in a temporary folder in which `tests`
means this repository's tests; the finding each confirms is named in its test.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hostile.sandbox import Ran, run_child, run_here

from sharewizard.flowfiles.answers import load_answers
from sharewizard.records import record as records

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "tests" / "answers"
G = ANSWERS / "sittings" / "share-and-inform.yaml"
SITTING = ANSWERS / "sittings" / "share-tell-how-much.yaml"
STAMP = "2026-11-23T09:00:00Z"

#: The opening facts as typed: no immediate danger; a practitioner.
OPENING = "no\npractitioner\n"
#: share-without-consent's questions and record form, up to the case details.
BODY = (
    "yes\nyes\nno\nyes\nno\nno\nyes\n\nWhat TYPED\nCSC\nphone\n2026-11-23\npublic-task\n"
    "yes\nyes\nTold by phone TYPED\nBecause TYPED\n"
)
#: One walk of share-without-consent in plain mode, as the review typed it (`WALK` in repro.sh),
#: with the sitting's opening facts first.
WALK = OPENING + BODY + "CASE-1\nRole\n\n\n"


class Folder:
    """A repro.sh folder: `cwd` to run in, `data` as the data folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.env = {
            "SHAREWIZARD_DATA_DIR": str(self.data),
            "SHAREWIZARD_CACHE_DIR": os.environ["SHAREWIZARD_CACHE_DIR"],
        }

    def run(self, *args: str, stdin: bytes = b"", cwd: Path | None = None) -> Ran:
        return run_here(args, env=self.env, cwd=cwd or self.root, stdin=stdin)

    def child(self, *args: str, stdin: bytes = b"", encoding: str = "utf-8") -> Ran:
        return run_child(
            args, env=self.env, cwd=self.root, stdin=stdin, encoding=encoding, timeout=20
        )

    def drafts(self) -> list[Path]:
        folder = self.data / "drafts"
        return sorted(folder.glob("*.answers.yaml")) if folder.is_dir() else []


@pytest.fixture
def here(tmp_path: Path) -> Folder:
    return Folder(tmp_path)


def assert_no_bug(ran: Ran) -> None:
    assert ran.code != 70 and "bug in sharewizard" not in ran.err, ran
    assert "Traceback" not in ran.out + ran.err, ran


def with_checksum(record: dict) -> dict:
    """The record with its checksum recomputed, as anyone can (repro.sh's python -c)."""
    content = {k: v for k, v in record.items() if k not in ("checksum", "signature")}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return {**record, "checksum": f"sha256:{digest}"}


# --- R1 (F-1): a sitting's second decision is never lost ------------------------------------------

R1_TYPED = (
    OPENING
    + "1,8\n"  # two situations: share without consent, then telling the family
    + BODY
    + "CASE-1\nRole\n\n"
    + "1\n\nPART TWO what TYPED\nPolice\n2026-11-23\n1\n1\nPART TWO told TYPED\n"
    + "PART TWO rationale TYPED\n\n\n\n"
)


@pytest.mark.parametrize(
    ("taken", "extra"),
    [
        ("rec-2.json", ()),
        ("rec.answers.yaml", ()),  # one answers file for the sitting, beside the first record
        ("saved.yaml", ("--save-answers", "saved.yaml")),
    ],
    ids=["record", "answers-file", "save-answers"],
)
def test_r1_part_two_is_kept_when_its_record_cannot_be_written(here, taken, extra):
    work = here.root / "r1"
    work.mkdir()
    (work / taken).write_text("{}\n")
    ran = here.run(
        "--plain", "decide", "--out", "rec.json", *extra, stdin=R1_TYPED.encode(), cwd=work
    )
    assert_no_bug(ran)
    assert ran.code == 2, ran
    assert (work / taken).read_text() == "{}\n", "the taken file was replaced"
    if (work / "rec.json").exists():  # part 1 was recorded: part 2 was asked and must be kept
        kept = [p.read_text() for p in here.drafts()]
        assert any("PART TWO what TYPED" in text for text in kept), ran
    else:  # refused before the first question
        assert taken in ran.err, ran


# --- R2 (F-2): bytes that are not UTF-8 at a text prompt ----------------------------------------


def test_r2_bytes_that_are_not_utf8_leave_a_draft_that_resumes(here):
    typed = WALK.encode().replace(b"What TYPED", b"\xa3 500 TYPED")
    ran = here.run("--plain", "decide", "share-without-consent", "--out", "r.json", stdin=typed)
    assert_no_bug(ran)
    if ran.code == 0:  # the line was asked again and the later lines finished the walk
        assert records.verify(records.load_record(here.root / "r.json"))
        return
    assert ran.code in (2, 130), ran
    [draft] = here.drafts()
    load_answers(draft)  # readable: the draft keeps what can be kept
    draft_id = draft.name.removesuffix(".answers.yaml")
    resumed = here.run("--plain", "decide", "--resume", draft_id)
    assert_no_bug(resumed)
    assert resumed.code == 130, resumed  # stopped at the next question (no input), not refused


# --- R3 (F-4): a training record says it is one ---------------------------------------------------


@pytest.mark.parametrize("name", ["t.txt", "t.md"])
def test_r3_a_training_record_says_so_at_the_top(here, name):
    ran = here.run("--plain", "train", "01-bruising-no-consent", "--record", name, stdin=b"\n" * 40)
    assert ran.code == 0, ran
    head = "\n".join((here.root / name).read_text().splitlines()[:5]).lower()
    assert "training" in head
    if name.endswith(".md"):  # a text case note is already a note: `note` reads records
        noted = here.run("note", name)
        assert "training" in "\n".join(noted.out.splitlines()[:5]).lower(), noted


# --- R4 (F-5) and R12 (F-14): drafts are named by id, never by path -------------------------------


@pytest.mark.parametrize("given", ["./r4.json", "r4.json", "{abs}"])
def test_r4_drafts_delete_refuses_a_path_and_the_file_stays(here, given):
    record = here.root / "r4.json"
    record.write_text('{"a real record": 1}\n')
    ran = here.run("drafts", "delete", given.format(abs=record))
    assert ran.code == 2, ran
    assert record.read_text() == '{"a real record": 1}\n'
    assert "Deleted" not in ran.err


def test_r12_drafts_show_refuses_a_device_and_a_fifo_at_once(here):
    os.mkfifo(here.root / "r12.yaml")
    for given in ("/dev/zero", "r12.yaml", "./r12.yaml"):
        ran = here.child("drafts", "show", given)
        assert_no_bug(ran)
        assert ran.code == 2, ran


# --- R5 (F-6): graph --out replaces nothing without --force, never through a link ----------------


def test_r5_graph_out_does_not_write_through_a_link(here):
    victim = here.root / "victim.json"
    victim.write_text("precious\n")
    (here.root / "link.mmd").symlink_to(victim)
    ran = here.run("graph", "share-without-consent", "--out", "link.mmd")
    assert ran.code == 2, ran
    assert victim.read_text() == "precious\n"
    assert (here.root / "link.mmd").is_symlink()


def test_r5_graph_out_does_not_replace_a_file_without_force(here):
    record = here.root / "decision.json"
    record.write_text("precious\n")
    ran = here.run("graph", "share-without-consent", "--out", "decision.json")
    assert ran.code == 2, ran
    assert record.read_text() == "precious\n"
    forced = here.run("graph", "share-without-consent", "--out", "decision.json", "--force")
    assert forced.code == 0, forced
    assert record.read_text().startswith("flowchart ")


def test_r5_graph_out_to_a_fifo_is_refused_without_hanging(here):
    os.mkfifo(here.root / "p.mmd")
    ran = here.child("graph", "share-without-consent", "--out", "p.mmd")
    assert ran.code == 2, ran


# --- R6 (F-8): the draft of a resumed file is named by sharewizard --------------------------------


@pytest.mark.parametrize("started", ["/../../../r6out/leak", "a\x00b", "x" * 300])
def test_r6_a_crafted_started_at_cannot_place_the_draft(here, started):
    # The draft's name was `<flow>-<started_at without - and :>-XXXX`: `/../../../r6out/leak`
    # climbs from data/drafts/share-without-consent-/ to the folder holding the data folder.
    out = here.root / "r6out"
    out.mkdir()
    answers = here.root / "a.yaml"
    answers.write_text(
        "flow: share-without-consent\nanswers: {risk-of-harm: 'yes'}\n"
        f"started_at: {json.dumps(started)}\n"
    )
    ran = here.run("--plain", "decide", "--resume", str(answers))
    assert_no_bug(ran)
    assert list(out.iterdir()) == []
    [draft] = here.drafts()  # the answer given is kept, in the data folder
    assert [p for p in (here.data / "drafts").iterdir()] == [draft]
    draft_id = draft.name.removesuffix(".answers.yaml")
    assert f"--resume {draft_id}" in ran.err + ran.out, ran  # the hint names this draft


# --- R7 (F-10): explicit YAML tags are refused, and a replay carries on ---------------------------

TAGGED = ["!!int 0x" + "F" * 4000, "!!timestamp nope", "!!bool maybe"]


@pytest.mark.parametrize("value", TAGGED, ids=["int", "timestamp", "bool"])
def test_r7_a_tagged_answer_is_refused_with_its_place(here, value):
    path = here.root / "r7.yaml"
    path.write_text(f"flow: share-without-consent\nanswers:\n  whose-consent: {value}\n")
    ran = here.run("decide", "--answers", "r7.yaml", "--out", "r7.json")
    assert ran.code == 2, ran
    assert ran.err.startswith("Error: r7.yaml:3:"), ran
    assert not (here.root / "r7.json").exists()


def test_r7_one_tagged_file_does_not_stop_a_replay(here):
    folder = here.root / "r7b"
    folder.mkdir()
    for i in range(1, 21):
        shutil.copy(G, folder / f"f{i}.yaml")
    (folder / "f10.yaml").write_text(
        "flow: share-without-consent\nanswers:\n  whose-consent: !!bool maybe\n"
    )
    ran = here.run("replay", "r7b", "--out-dir", "r7out", "--json", "--jobs", "1")
    assert ran.code == 2, ran
    report = json.loads(ran.out)
    assert (report["records_written"], report["errors"]) == (19, 1)
    assert len(list((here.root / "r7out").iterdir())) == 19


@pytest.mark.parametrize("value", TAGGED, ids=["int", "timestamp", "bool"])
def test_r7_a_tagged_draft_is_listed_and_refused(here, value):
    drafts = here.data / "drafts"
    drafts.mkdir(parents=True)
    draft = drafts / "share-without-consent-20261123T090000Z-0001.answers.yaml"
    draft.write_text(f"flow: share-without-consent\nanswers:\n  whose-consent: {value}\n")
    listed = here.run("drafts", "--json")
    assert listed.code == 0, listed
    assert [d["id"] for d in json.loads(listed.out)] == [draft.name.removesuffix(".answers.yaml")]
    resumed = here.run(
        "--plain", "decide", "--resume", "share-without-consent-20261123T090000Z-0001"
    )
    assert resumed.code == 2, resumed
    assert str(draft) in resumed.err, resumed


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("how-much.yaml", "version: 3", "version: !!int 0x" + "F" * 4000),
        ("how-much.yaml", "version: 3", "version: !!timestamp nope"),
        ("sources.yaml", "sources:", "x: !!bool maybe\nsources:"),
    ],
    ids=["flow-int", "flow-timestamp", "sources-bool"],
)
def test_r7_a_tagged_flows_folder_is_refused_by_list_and_lint(here, name, old, new):
    flows = here.root / "flows"
    shutil.copytree(ROOT / "flows", flows)
    text = (flows / name).read_text()
    assert old in text
    (flows / name).write_text(text.replace(old, new, 1))
    listed = here.run("--flows", str(flows), "list")
    assert listed.code == 2 and str(flows / name) in listed.err, listed
    linted = here.run("lint", str(flows))
    assert_no_bug(linted)
    assert linted.code in (1, 2) and str(flows / name) in linted.out + linted.err, linted


# --- R8 (F-11) and R9 (F-20): note on a crafted record --------------------------------------------


def test_r8_note_of_a_broken_record_is_an_error_not_a_crash(here):
    (here.root / "r8.json").write_text(json.dumps(with_checksum({"schema_version": 2})))
    ran = here.run("note", "r8.json")
    assert ran.code == 2, ran
    assert "r8.json" in ran.err, ran


def test_r9_note_prints_no_escape_sequence_from_a_record(here):
    made = here.run("decide", "--answers", str(G), "--out", "r9.json")
    assert made.code == 0, made
    record = json.loads((here.root / "r9.json").read_text())
    quote = "\x1b]0;PWNED\x07\x1b[31mRED\x1b]52;c;cm0gLXJmIH4=\x07 \u202eevil"
    record["outcome"]["citations"][0]["quote"] = quote
    (here.root / "r9.json").write_text(json.dumps(with_checksum(record)))
    ran = here.run("note", "r9.json")
    assert ran.code == 0, ran
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in ran.out + ran.err, ran
    assert "RED" in ran.out  # the text is shown, its controls made inert


# --- R10 (F-12): digits that are not ASCII, and huge numbers, typed at a choice -------------------


@pytest.mark.parametrize("typed", ["\u00b2\n", "\u2460\n", "9" * 4301 + "\n"])
def test_r10_a_strange_number_at_a_choice_is_asked_again(here, typed):
    ran = here.run(
        "--plain", "decide", "share-without-consent", "--out", "r10.json", stdin=typed.encode()
    )
    assert_no_bug(ran)
    assert ran.code == 130, ran  # asked again, then the input ended
    assert ran.out.count("Number or word") == 2, ran


def test_r10_an_ascii_terminal_typing_other_text_is_no_crash(here):
    typed = WALK.replace("What TYPED", "caf\u00e9 TYPED").encode()
    ran = here.child(
        "--plain",
        "decide",
        "share-without-consent",
        "--out",
        "r.json",
        stdin=typed,
        encoding="ascii",
    )
    assert_no_bug(ran)
    assert ran.code in (2, 130), ran


# --- R11 (F-13): a NUL in a path, a very deep folder ----------------------------------------------


def test_r11_a_nul_in_a_path_read_from_stdin_is_refused(here):
    ran = here.run("replay", "-", stdin=b"a\x00b.yaml\n")
    assert ran.code == 2, ran
    assert "bug" not in ran.err


def test_r11_a_folder_1100_levels_deep_is_no_crash(here):
    deepest = here.root / "r11"
    deepest.mkdir()
    for _ in range(1100):  # one at a time: os.makedirs recurses deeper than Python allows
        deepest = deepest / "d"
        deepest.mkdir()
    (deepest / "x.yaml").write_text("flow: how-much\nanswers: {}\n")
    try:
        ran = here.run("replay", "r11", "--out-dir", "out11", "--jobs", "1")
        assert_no_bug(ran)
        assert ran.code == 2, ran
    finally:
        for level in range(1100, -1, -1):  # as rmtree would, without its recursion
            folder = here.root / "r11" / Path(*["d"] * level) if level else here.root / "r11"
            for entry in folder.iterdir():
                if entry.is_file():
                    entry.unlink()
            folder.rmdir()


# --- R13 (F-7): an interrupted replay leaves nothing behind ---------------------------------------


def _alive_in_group(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies count as gone)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_r13_a_signal_mid_replay_leaves_no_temporary_file_and_no_worker(here, sig, jobs):
    inputs = here.root / "r13"
    inputs.mkdir()
    for i in range(800):
        shutil.copy(G, inputs / f"f{i}.yaml")
    out = here.root / "r13out"
    child = subprocess.Popen(
        [sys.executable, "-m", "sharewizard", "replay", "r13", "--out-dir", "r13out"]
        + ["--jobs", jobs, "--quiet"],
        cwd=here.root,
        env={**os.environ, **here.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60  # a guard: the first records appear within a second
        while not any(out.glob("*.record.json")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert child.poll() is None, "the replay ended before it could be interrupted"
        child.send_signal(sig)
        child.wait(timeout=60)
        deadline = time.monotonic() + 10
        while _alive_in_group(child.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _alive_in_group(child.pid) == [], "worker processes left running"
    finally:
        if _alive_in_group(child.pid):
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode in (128 + sig, -sig)
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    for record in out.iterdir():  # what was put in place is whole
        assert records.verify(records.load_record(record))


# --- R14 (F-3): two inputs never write one record ------------------------------------------------


def _replay_json(here: Folder, folder: str, *force: str) -> tuple[Ran, dict, list[Path]]:
    ran = here.run("replay", folder, "--out-dir", "out", "--json", "--jobs", "1", *force)
    out = here.root / "out"
    return ran, json.loads(ran.out), sorted(out.iterdir()) if out.exists() else []


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_r14_a_sittings_later_parts_never_replace_another_inputs_record(here, force):
    folder = here.root / "r14"
    folder.mkdir()
    shutil.copy(SITTING, folder / "a.yaml")  # three decisions
    shutil.copy(ANSWERS / "sittings" / "no-role.yaml", folder / "a.part2.yaml")
    ran, report, written = _replay_json(here, "r14", *force)
    listed = [here.root / p for result in report["results"] for p in result["records"]]
    assert report["records_written"] == len(written) == len(set(listed)), ran
    assert sorted(listed) == written, ran
    if ran.code == 0:  # every decision of both inputs has a record of its own
        assert len(written) == 4, ran
    else:  # or the clash is refused, naming both inputs
        assert ran.code == 2, ran
        errors = [r["error"] for r in report["results"] if r["error"]]
        assert any("a.yaml" in e and "a.part2.yaml" in e for e in errors), errors


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_r14_inputs_that_would_share_a_record_are_refused_naming_both(here, force):
    folder = here.root / "r14"
    folder.mkdir()
    shutil.copy(G, folder / "a.yaml")
    shutil.copy(G, folder / "a.json")  # YAML is not JSON, but the clash is found before reading
    ran, report, written = _replay_json(here, "r14", *force)
    assert ran.code == 2, ran
    assert written == []
    errors = {Path(r["path"]).name: r["error"] or "" for r in report["results"]}
    assert "a.json" in errors["a.yaml"] and "a.yaml" in errors["a.json"], errors


# --- R15 (F-17): error messages do not repeat whole values ---------------------------------------

LONG = "k" * 19_000


def _g_with(change) -> str:
    """G (a complete walk) with one change, so the check that meets it is the one tested."""
    doc = yaml.safe_load(G.read_text())
    change(doc)
    return yaml.safe_dump(doc, width=1_000_000)  # a key this long is written as `? key`


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["decisions"][0]["answers"].update({"proportionate": ["y" * 100] * 9000}),
        lambda d: d["decisions"][0]["answers"].update({LONG: "yes"}),
        lambda d: d["decisions"][0]["answers"].update({"proportionate": LONG}),
        lambda d: d["decisions"][0]["record"].update({LONG: "x"}),
        lambda d: d.update({LONG: "x"}),
        lambda d: d.update({"route": {LONG: {}}}),
    ],
    ids=["list-answer", "question-id", "choice", "record-field", "top-level-key", "route-flow"],
)
def test_r15_an_error_shows_at_most_80_characters_of_a_value(here, change):
    (here.root / "r15.yaml").write_text(_g_with(change))
    ran = here.run("decide", "--answers", "r15.yaml", "--out", "r15.json")
    assert ran.code == 2, ran
    assert len(ran.err) < 1000, f"{len(ran.err)} characters: {ran.err[:300]}"
    assert "k" * 81 not in ran.err and "y" * 81 not in ran.err


def test_r15_a_long_flow_version_and_expectation_are_not_echoed(here):
    (here.root / "v.yaml").write_text(
        f"flow: {{id: share-without-consent, version: '{LONG}'}}\nanswers: {{}}\n"
    )
    ran = here.run("decide", "--answers", "v.yaml", "--out", "v.json")
    assert ran.code == 2 and len(ran.err) < 1000, ran
    text = G.read_text().replace("outcome: share-and-inform", f"outcome: {LONG}")
    (here.root / "e.yaml").write_text(text)
    ran = here.run("replay", "e.yaml", "--check", "--out-dir", "out")
    assert ran.code == 1, ran
    assert "k" * 81 not in ran.out + ran.err and len(ran.out + ran.err) < 3000, ran


# --- R16 (F-18): a Markdown record with CRLF line ends still verifies -----------------------------


def test_r16_a_markdown_record_with_crlf_line_ends_verifies(here):
    made = here.run("decide", "--answers", str(G), "--out", "r16.md")
    assert made.code == 0, made
    text = (here.root / "r16.md").read_text()
    (here.root / "r16crlf.md").write_bytes(text.replace("\n", "\r\n").encode())
    ran = here.run("verify", "r16crlf.md")
    assert ran.code == 0, ran
    assert ran.out.startswith("r16crlf.md: OK"), ran
