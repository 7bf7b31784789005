#!/usr/bin/env python3
"""Generate docs/commands/*.md: a short page per command with a real session transcript.

Each page runs the installed `sharewizard` in a fresh temporary folder, the way a person would
(plain mode, 80 columns, answers typed on standard input), and shows what it printed. Only what
changes from run to run is made stable: the temporary folder, draft ids and times of day.

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
        "Checks records: schema, checksum, completeness and, with `--trust`, the signature.",
        (Step(("verify", FIRST_RECORD, "records/02-disclosure-fear-of-stepfather.record.json")),),
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
        "Shows a flow as a tree: each question, where each answer goes, and the outcomes.",
        (Step(("show", "how-much"), max_lines=30),),
    ),
    Page(
        "graph",
        "Draws a flow as a diagram (Mermaid, Graphviz dot, or SVG), outcomes coloured by decision.",
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
        "answer. It reads key presses, so it needs a terminal: without one it says so and "
        "points to `replay --check`.",
        (Step(("train", "01-bruising-no-consent"), ""),),
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
        "sign records with it, and `verify --trust` checks the signature.",
        (Step(("keys", "new", "keys")),),
    ),
)


def _program() -> Path:
    """The `sharewizard` installed beside this Python (the virtual environment's)."""
    found = Path(sys.executable).parent / "sharewizard"
    if not found.exists():
        raise SystemExit(f"{found} not found: install sharewizard first (pip install -e .)")
    return found


def _environment(work: Path, program: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "SYSTEMROOT")}
    return {
        **keep,
        "PATH": f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "80",
        "LINES": "24",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "utf-8",
        "SHAREWIZARD_DATA_DIR": str(work / "data"),
        "SHAREWIZARD_CONFIG_DIR": str(work / "config"),
        "SHAREWIZARD_GUIDANCE": os.environ.get("SHAREWIZARD_GUIDANCE", ""),
    }


def _stable(text: str, work: Path) -> str:
    """The transcript with what differs between runs replaced by fixed stand-ins."""
    text = text.replace(str(REPO) + os.sep, "")  # the flows shipped, as a clone names them
    text = re.sub(r"\S*site-packages/sharewizard/", "", text)  # ... or as installed
    text = text.replace(str(work / "data"), "~/.local/share/sharewizard")
    text = text.replace(str(work / "config"), "~/.config/sharewizard")
    text = text.replace(str(work / "case"), "~/case").replace(str(work), "~")
    text = re.sub(r"\b\d{8}T\d{6}Z-[0-9a-f]{4}\b", "20260101T090000Z-1a2b", text)
    text = re.sub(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ\b", PINNED, text)
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
            "<!-- Generated by docs/gen_commands.py from real runs; do not edit by hand. -->",
            "",
            page.summary,
            "",
            f"Full options: `sharewizard {page.name} --help`.",
        ]
        for step in page.steps:
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
