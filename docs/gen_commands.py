#!/usr/bin/env python3
"""Generate docs/commands/*.md: a manual page per command, with real session transcripts.

Each page has the sections of a man page (SYNOPSIS, OPTIONS, EXIT STATUS, ENVIRONMENT, FILES:
`manpage.py`, from the code), then EXAMPLES: it runs the installed `sharewizard` in a fresh
temporary folder, the way a person would (plain mode, 80 columns, answers typed on standard
input), and shows what it printed. Only what changes from run to run is made stable: the
temporary folder, draft ids and times of day.

    python3 docs/gen_commands.py            # rewrite docs/commands/*.md
    python3 docs/gen_commands.py --check    # exit 1 if a page is out of date
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import manpage  # noqa: E402
import pagegen  # noqa: E402

OUTPUT = REPO / "docs" / "commands"
PINNED = "2026-01-01T09:00:00Z"  # replay's --timestamp, so records and notes are the same each run


@dataclass(frozen=True)
class Step:
    """One command line typed at the shell, and what is typed into it."""

    args: tuple[str, ...]
    typed: str | None = None  # lines typed at the prompts (plain mode echoes them)
    note: str = ""  # one sentence before the command
    max_lines: int | None = 40  # a longer output is cut, saying how many lines were left out
    # In a terminal of 100x30 instead (a projector): each key pressed, and whether to show the
    # screen it draws
    keys: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class Page:
    """One command's page: what it is for, then the session."""

    name: str
    summary: str
    steps: tuple[Step, ...]
    setup: tuple[Step, ...] = field(default=())  # run first, not shown


#: Typed into `decide share-without-consent`: each line answers one prompt, in order.
DECIDE_TYPED = (
    "\n".join(
        [
            "no",  # a child in immediate danger
            "3",  # your role: a practitioner
            "yes",  # risk of harm
            "yes",  # lawful basis identified
            "yes",  # special category information: bruising is health information
            "yes",  # proportionate
            "no",  # would telling the parents put anyone at risk
            "no",  # could it compromise arrangements
            "3",  # explaining it to the child: too young
            "",  # what next: go on
            "Bruising seen on both arms on 3 and 10 Nov, and the explanations given",
            "Children's Social Care front door",
            "Phone call, then the online referral form",
            "2026-11-23 14:30",
            "public-task",
            "safeguarding",  # the special category condition
            "1",  # parents told: yes
            "The mother, by phone, by the class teacher at 15:00",
            "Unexplained bruising: a perceived risk of harm. Only what was needed was shared.",
            "CASE-1042",
            "Class teacher",
            "",  # organisation: skipped
            "",  # the review: these are right
        ]
    )
    + "\n"
)
REPLAY = ("replay", "examples/cases", "--out-dir", "records", "--check", "--timestamp", PINNED)
FIRST_RECORD = "records/01-bruising-no-consent.record.json"

PAGES = (
    Page(
        "list",
        "Lists the flows: one per question of the guidance, with its FAQ number.",
        (Step(("list",)),),
    ),
    Page(
        "schema",
        "Prints the JSON Schema of a flow file, a decision record, an answers file, the case "
        "facts (facts.yaml) or the policy (policy.yaml).",
        (Step(("schema", "answers"), max_lines=30),),
    ),
    Page(
        "decide",
        "Walks a flow question by question, shows the outcome, asks what the record must hold, "
        "lets you check every answer and writes the record. Without a flow, triage questions "
        "pick the flows. Shown here in plain mode (`--plain`): numbered choices answered by "
        "number or word, `?` for help, `<` to go back.",
        (
            Step(
                ("--plain", "decide", "share-without-consent", "--out", "decision.json"),
                DECIDE_TYPED,
                "Answers typed after each prompt; Enter alone keeps an earlier answer or skips "
                "an optional one, but never answers a question for you.",
                max_lines=None,
            ),
            Step(
                ("decide", "--answers", "decision.answers.yaml", "--out", "again.json"),
                note="The answers file saved beside the record gives the same decision with no "
                "prompts.",
            ),
        ),
    ),
    Page(
        "replay",
        "Replays answers files in bulk into records; `--check` compares each outcome with the "
        "file's `expect`.",
        (Step(REPLAY),),
    ),
    Page(
        "note",
        "Turns a record into a plain-text case note (lines of at most 80 characters) to paste "
        "into your agency's own recording system.",
        (Step(("note", FIRST_RECORD)),),
        setup=(Step(REPLAY),),
    ),
    Page(
        "verify",
        "Checks records: schema, checksum, completeness and signature (against `--trust` keys, "
        "else against the keys known here). Give files, folders (searched for records) or `-` "
        "(paths on standard input).",
        (
            Step(("verify", FIRST_RECORD)),
            Step(("verify", "records"), note="A folder: every record in it.", max_lines=8),
        ),
        setup=(Step(REPLAY),),
    ),
    Page(
        "drafts",
        "A walk stopped part way (Ctrl-C, Ctrl-D, a closed terminal) is kept as a draft in your "
        "data folder until its record is written; `decide --resume` continues it.",
        (
            Step(
                ("--plain", "decide", "share-without-consent"),
                "no\n3\nyes\n",
                "Three answers typed, then Ctrl-D (end of input): the sitting stops and is kept.",
            ),
            Step(("drafts",)),
        ),
    ),
    Page(
        "lint",
        "Checks flows for authoring mistakes (with `--guidance DIR`, every quote against the "
        "source texts): exit 0 clean, 1 findings, 2 unreadable input.",
        (Step(("lint", "flows")),),
    ),
    Page(
        "factcheck",
        "Prints every path through a flow as one row (Markdown, CSV or HTML), for a "
        "safeguarding lead to review and sign off without reading YAML.",
        (Step(("factcheck", "how-much"), max_lines=12),),
    ),
    Page(
        "show",
        "Shows a flow as a tree: each question, where each answer goes, and the outcomes; from "
        "one question, and as many levels as fit a slide.",
        (
            Step(("show", "how-much"), max_lines=30),
            Step(
                ("show", "share-without-consent", "Q2", "--depth", "2"),
                note="One question and the level after it, for a slide.",
            ),
        ),
    ),
    Page(
        "graph",
        "Draws a flow as a diagram (Mermaid, Graphviz dot, or SVG), outcomes coloured by decision, "
        "with a legend; a wide flow (the triage) is drawn left to right.",
        (Step(("graph", "how-much"), max_lines=20),),
    ),
    Page(
        "cases",
        "Lists the case studies for training: id, flow, FAQ questions and teaching point.",
        (Step(("cases",)),),
    ),
    Page(
        "train",
        "Steps through a case study or a flow in front of a room, with the what-if of every "
        "answer. It reads key presses, so it needs a terminal (or `--plain`, which takes a key "
        "a line).",
        (
            Step(
                ("train", "02-disclosure-fear-of-stepfather"),
                keys=(("", True), ("\r", True), ("w", True), ("\r", False), ("\r", False))
                + (("\r", False), ("\r", False))
                + (("2", False), ("\r", False), ("\r", True), ("c", True)),
                note="In a terminal of 100 columns and 30 rows, as on a projector: the case, "
                "then question 1 (the case facts: is a child in immediate danger?), its what-if, "
                "the room leaving the case's path at question 3 (it answers No where the case "
                "says Yes), and c going back to the case's path.",
            ),
            Step(
                ("train", "01-bruising-no-consent"),
                "",
                note="Without a terminal it says so (give --plain to type each key as a line).",
            ),
        ),
    ),
    Page(
        "register",
        "Keeps many records in one register (an SQLite file in your data folder, or PostgreSQL "
        "with `--db postgresql://...`): `add` verifies each record and adds it once, `report` "
        "counts decisions and finds open loops (`--format table|json|csv|html`), `export` gives "
        "CSV or JSON Lines, `check` recomputes the ledger, `forget` erases a record and says so "
        "in the ledger. The HTML report looks like [this](../register-report.png).",
        (
            Step(("register", "add", "records"), note="The records of the case studies."),
            Step(("register", "report", "--as-of", "2026-03-01", "--limit", "3"), max_lines=None),
            Step(
                (
                    "register",
                    "check",
                )
            ),
        ),
        setup=(Step(REPLAY),),
    ),
    Page(
        "profile",
        "Keeps your role, organisation and practitioner name or role title in your config "
        "folder (owner-only). Every sitting takes the role from it (shown at the review as "
        "“from your profile”, and changeable there for that sitting) and offers the others as "
        "the record's defaults.",
        (
            Step(("profile", "set", "--role", "dsl", "--organisation", "Hill Primary School")),
            Step(("profile",)),
        ),
    ),
    Page(
        "keys",
        "Makes an organisation's signing key pair; `decide --sign-key` and `replay --sign-key` "
        "sign records with it. The public key is registered here, so `verify` checks the "
        "signatures it made; `keys add` registers anyone else's.",
        (Step(("keys", "new", "keys", "--name", "head-office")), Step(("keys", "list"))),
    ),
)


def _program() -> Path:
    """The `sharewizard` installed beside this Python (the virtual environment's)."""
    found = Path(sys.executable).parent / "sharewizard"
    if not found.exists():
        raise SystemExit(f"{found} not found: install sharewizard first (pip install -e .)")
    return found


def _environment(work: Path, program: Path) -> dict[str, str]:
    """A clean environment whose every folder sharewizard could write to is inside `work`."""
    keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "SYSTEMROOT")}
    return {
        **keep,
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "home" / ".config"),
        "XDG_CACHE_HOME": str(work / "home" / ".cache"),
        "XDG_DATA_HOME": str(work / "home" / ".local" / "share"),
        "SHAREWIZARD_CACHE_DIR": str(work / "cache"),
        "PATH": f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "80",
        "LINES": "24",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "utf-8",
        "SHAREWIZARD_DATA_DIR": str(work / "data"),
        "SHAREWIZARD_CONFIG_DIR": str(work / "config"),
        "TZ": "Europe/London",  # records carry local time: the guidance's readers' own
        "SHAREWIZARD_GUIDANCE": _guidance(),
    }


def _guidance() -> str:
    """The guidance `lint` checks quotes against: the one named, else the one beside this clone.

    Passed on explicitly: the sessions run in a temporary folder, outside any clone, and an
    installed sharewizard (not in place) knows no clone of its own.
    """
    beside = REPO.parent / "shared" / "guidance"
    return os.environ.get("SHAREWIZARD_GUIDANCE") or (str(beside) if beside.is_dir() else "")


def _stable(text: str, work: Path) -> str:
    """The transcript with what differs between runs replaced by fixed stand-ins."""
    text = text.replace(str(REPO) + os.sep, "")  # the flows shipped, as a clone names them
    text = re.sub(r"\S*site-packages/sharewizard/", "", text)  # ... or as installed
    text = text.replace(str(work / "data"), "~/.local/share/sharewizard")
    text = text.replace(str(work / "config"), "~/.config/sharewizard")
    text = text.replace(str(work / "case"), "~/case").replace(str(work), "~")
    text = re.sub(r"\b\d{8}T\d{6}Z-[0-9a-f]{4}\b", "20260101T090000Z-1a2b", text)
    text = re.sub(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ\b", PINNED, text)
    local = r"\b20\d\d-\d\d-\d\d \d\d:\d\d (local time|\(local time\))( \(UTC[+-]\d\d:\d\d)?"
    text = re.sub(local, lambda m: f"2026-01-01 09:00 {m[1]}{' (UTC+00:00' if m[2] else ''}", text)
    text = re.sub(r"\bsha256:[0-9a-f]{64}\b", "sha256:" + "0" * 64, text)  # a new key each run
    return "\n".join(line.rstrip() for line in text.splitlines())


def _cut(text: str, limit: int | None) -> str:
    lines = text.splitlines()
    if limit is None or len(lines) <= limit:
        return text
    return "\n".join([*lines[:limit], f"[... {len(lines) - limit} more lines]"])


def _run(step: Step, case: Path, env: dict[str, str], program: Path) -> str:
    done = subprocess.run(
        [str(program), *step.args],
        cwd=case,
        env=env,
        input=step.typed if step.typed is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    shown = done.stdout + done.stderr  # a terminal shows both; plain mode keeps them in order
    return f"{shown.rstrip()}\n[exit status {done.returncode}]" if done.returncode else shown


SCREEN_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r")
CLEAR = "\x1b[2J"
LISTENING = "\x1b[?2004h"


def _screens(step: Step, case: Path, env: dict[str, str], program: Path) -> list[str]:
    """The screens `step` draws in a 100x30 terminal, one block each, as `$ command` shows."""
    import pexpect  # the test extra's: the docs are made where the tests run

    terminal = {**env, "TERM": "xterm", "COLUMNS": "100", "LINES": "30"}
    terminal["PROMPT_TOOLKIT_NO_CPR"] = "1"
    child = pexpect.spawn(
        str(program), list(step.args), cwd=str(case), env=terminal, encoding="utf-8",
        timeout=60, dimensions=(30, 100),
    )  # fmt: skip
    blocks: list[str] = []
    pressed: list[str] = []  # the keys since the last screen shown
    for key, show in step.keys:
        raw = ""
        child.send(key)
        pressed += [_key_name(key)] if key else []
        screen = ""
        # the screen, then the key reader waiting (it turns bracketed paste on): the next key
        # is read by it, never typed ahead into a terminal in line mode
        while CLEAR not in raw or "q quit" not in screen or LISTENING not in raw.rsplit(CLEAR)[-1]:
            raw += child.read_nonblocking(65536, timeout=60)
            screen = SCREEN_CODES.sub("", raw.rsplit(CLEAR, 1)[-1])
        if show:
            lines = [line.rstrip() for line in screen.replace("\x08", "").split("\n")]
            while lines and not lines[-1]:  # the key reader's own blank line
                lines.pop()
            keys = f"   # then: {', '.join(pressed)}" if pressed else ""
            blocks += ["```text", f"$ sharewizard {' '.join(step.args)}{keys}", *lines, "```", ""]
            pressed = []
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    return blocks[:-1]


def _key_name(key: str) -> str:
    return {"\r": "Enter"}.get(key, key)


def render_page(page: Page, program: Path) -> str:
    """Run a page's session in a fresh folder and return the page's Markdown."""
    with tempfile.TemporaryDirectory(prefix="sharewizard-docs-") as folder:
        work = Path(folder).resolve()
        case = work / "case"
        case.mkdir()
        shutil.copytree(REPO / "examples", case / "examples")
        shutil.copytree(REPO / "flows", case / "flows")
        env = _environment(work, program)
        for step in page.setup:
            _run(step, case, env, program)
        parts = [
            f"# sharewizard {page.name}",
            "",
            "<!-- Generated by docs/gen_commands.py from the code and real runs; do not edit by "
            "hand. -->",
            "",
            page.summary,
            "",
            *manpage.sections(page.name),
            "",
            "## EXAMPLES",
            "",
            "```console",
            f"$ {manpage.example(page.name)}",
            "```",
        ]
        for step in page.steps:
            if step.keys:
                parts += ["", step.note, "", *_screens(step, case, env, program)]
                continue
            shown = _stable(_cut(_run(step, case, env, program), step.max_lines), work)
            parts += ["", step.note] if step.note else []
            parts += ["", "```console", f"$ sharewizard {' '.join(step.args)}"]
            if step.typed is not None and "--plain" not in step.args:
                parts[-1] += " < typed"
            parts += [shown.rstrip("\n"), "```"]
    return "\n".join(parts).rstrip("\n") + "\n"


def generate() -> dict[str, str]:
    """Every page, by file name."""
    program = _program()
    return {f"{page.name}.md": render_page(page, program) for page in PAGES}


def stale(pages: dict[str, str], folder: Path = OUTPUT) -> list[str]:
    """Pages in `folder` that differ from `pages`, are missing, or belong to no command."""
    return list(pagegen.differences(pages, folder))


if __name__ == "__main__":
    sys.exit(pagegen.main(__doc__, generate, OUTPUT, __file__))
