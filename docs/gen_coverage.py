#!/usr/bin/env python3
"""Generate docs/coverage.md: which flow nodes cite each sentence of the FAQ answers.

Reads the SSCP FAQ text (000_ebbe6bb347f5b21a.txt in the folder named by SHAREWIZARD_GUIDANCE,
else in ../shared/guidance next to the repository), finds the questions (lines ending with "?")
and their answers (the lines after each question, up to the next question or the "Useful
practitioner resources" heading), splits each answer into sentences and bullets, and lists for
each one the flow nodes (`flow-id/node-id`) whose citation quotes contain it or are contained in
it. Nothing here knows the FAQ's wording: change the guidance or the flows and the table follows.

    python3 docs/gen_coverage.py            # rewrite docs/coverage.md
    python3 docs/gen_coverage.py --check    # exit 1 if it is out of date or a sentence is uncited
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sharewizard.core.model import Catalogue  # noqa: E402
from sharewizard.flowfiles.guidance import normalise  # noqa: E402
from sharewizard.flowfiles.loader import load_catalogue  # noqa: E402

GUIDANCE_DIR = Path(os.environ.get("SHAREWIZARD_GUIDANCE") or REPO.parent / "shared" / "guidance")
FAQ_FILE = GUIDANCE_DIR / "000_ebbe6bb347f5b21a.txt"
FLOWS_DIR = REPO / "flows"
OUTPUT = REPO / "docs" / "coverage.md"
END_HEADING = "Useful practitioner resources"

_BULLET = re.compile(r"^\s*(?:[•\u2022\u25cf\u25aa*-]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


@dataclass(frozen=True)
class Faq:
    """One FAQ question and the sentences and bullets of its answer, in order."""

    number: int
    question: str
    sentences: tuple[str, ...]


def parse_faq(text: str) -> list[Faq]:
    """The questions (lines ending with '?') and their answers, split into sentences/bullets."""
    faqs: list[Faq] = []
    question: str | None = None
    lines: list[str] = []

    def close() -> None:
        if question is not None:
            faqs.append(Faq(len(faqs) + 1, question, tuple(split_sentences(lines))))

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(END_HEADING):
            break
        if line.endswith("?"):
            close()
            question, lines = line, []
        elif question is not None:
            lines.append(raw)
    close()
    return faqs


def split_sentences(lines: list[str]) -> list[str]:
    """Each bullet is one unit; other paragraphs are split into sentences."""
    units: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if _BULLET.match(line):
            units.append(normalise(_BULLET.sub("", line, count=1)))
            continue
        units.extend(normalise(s) for s in _SENTENCE_END.split(line.strip()) if s.strip())
    return units


def citing_nodes(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(flow-id/node-id, normalised quote) for every citation of every question and outcome.

    A case fact's guidance is listed once, as `facts/<fact id>` (not under each flow that reads
    it), with the facts file's own outcomes (`facts/call-999`).
    """
    found = []
    for flow in sorted(catalogue.flows.values(), key=lambda f: f.id):
        for question in flow.questions.values():
            if question.fact:
                continue
            found += [(f"{flow.id}/{question.id}", normalise(c.quote)) for c in question.guidance]
        for outcome in flow.outcomes.values():
            found += [(f"{flow.id}/{outcome.id}", normalise(c.quote)) for c in outcome.citations]
    book = catalogue.facts
    for fact in book.facts.values():
        found += [(f"facts/{fact.id}", normalise(c.quote)) for c in fact.question.guidance]
    for outcome in book.outcomes.values():
        found += [(f"facts/{outcome.id}", normalise(c.quote)) for c in outcome.citations]
    return found


def coverage(
    faqs: list[Faq], catalogue: Catalogue
) -> list[tuple[Faq, list[tuple[str, list[str]]]]]:
    """For each FAQ, each sentence with the nodes citing it (a quote containing or inside it)."""
    nodes = citing_nodes(catalogue)
    table = []
    for faq in faqs:
        rows = []
        for sentence in faq.sentences:
            cited = sorted(
                {node for node, quote in nodes if sentence in quote or quote in sentence}
            )
            rows.append((sentence, cited))
        table.append((faq, rows))
    return table


def uncited(table: list[tuple[Faq, list[tuple[str, list[str]]]]]) -> list[str]:
    """Sentences that no flow node cites, as 'FAQ n: sentence'."""
    return [f"FAQ {faq.number}: {s}" for faq, rows in table for s, nodes in rows if not nodes]


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render(table: list[tuple[Faq, list[tuple[str, list[str]]]]], faq_name: str) -> str:
    """The Markdown document."""
    total = sum(len(rows) for _, rows in table)
    missing = uncited(table)
    out = [
        "# Guidance coverage",
        "",
        "<!-- Generated by `python3 docs/gen_coverage.py`; do not edit by hand. -->",
        "",
        f"Every sentence and bullet of the FAQ answers in `{faq_name}`, with the flow nodes",
        "(`flow-id/node-id`) whose citations quote it, or quote part of it. Regenerate after",
        "changing a flow; `tests/test_content.py` fails if this file is out of date or if a",
        "sentence is cited by no node.",
        "",
        f"{total - len(missing)} of {total} sentences are cited.",
    ]
    for faq, rows in table:
        out += [
            "",
            f"## FAQ {faq.number}. {_cell(faq.question)}",
            "",
            "| # | Sentence | Cited by |",
            "|---|---|---|",
        ]
        for index, (sentence, nodes) in enumerate(rows, 1):
            cited = ", ".join(f"`{n}`" for n in nodes) if nodes else "**not cited**"
            out.append(f"| {faq.number}.{index} | {_cell(sentence)} | {cited} |")
    return "\n".join(out) + "\n"


def generate(faq_file: Path = FAQ_FILE, flows_dir: Path = FLOWS_DIR) -> tuple[str, list[str]]:
    """The coverage document and the list of uncited sentences."""
    faqs = parse_faq(faq_file.read_text(encoding="utf-8"))
    table = coverage(faqs, load_catalogue(flows_dir))
    return render(table, faq_file.name), uncited(table)


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) docs/coverage.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq", type=Path, default=FAQ_FILE, help="the FAQ text file")
    parser.add_argument("--flows", type=Path, default=FLOWS_DIR, help="the flows directory")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write the table")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file is out of date or a sentence is uncited",
    )
    args = parser.parse_args(argv)
    if not args.faq.is_file():
        print(
            f"gen_coverage: {args.faq}: no such file (the guidance folder is missing).",
            file=sys.stderr,
        )
        return 2
    text, missing = generate(args.faq, args.flows)
    for sentence in missing:
        print(f"gen_coverage: not cited by any flow: {sentence}", file=sys.stderr)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(
                f"gen_coverage: {args.out} is out of date; run python3 docs/gen_coverage.py",
                file=sys.stderr,
            )
            return 1
        return 1 if missing else 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
