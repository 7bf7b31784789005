"""Fact-check tables: every path through a flow as one row, for a safeguarding lead to sign off."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import combinations

from sharewizard.core.engine import holds, route
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    Answer,
    Citation,
    DecisionTerm,
    Flow,
    Handoff,
    Outcome,
    Question,
)
from sharewizard.core.text import csv_cell, md_escape, strip_controls
from sharewizard.flowfiles.flowrules import iter_conditions

FORMATS = ("md", "csv", "html")


@dataclass(frozen=True)
class Step:
    """One question on a path and every answer that takes the same way on from it."""

    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One way through a flow: its answers, where it ends, the decision and the guidance."""

    steps: tuple[Step, ...]
    outcome: str  # the outcome's title, or the flows handed over to
    outcome_id: str
    decision: str  # `id: label`, or empty for a hand-off
    citations: tuple[Citation, ...]
    rules: tuple[str, ...] | None = (
        None  # the safety rules checked at its outcome (None: a hand-off)
    )


#: The safety rules of policy.yaml a path to an outcome (by id) was checked against.
RulesAt = Callable[[str], tuple[str, ...]]


#: A multiple-choice question that later conditions test is walked with every combination of
#: its answers when it has at most this many choices; otherwise with each answer alone.
COMBINE_UP_TO = 4


def _candidates(question: Question, tested: bool = False) -> list[Answer]:
    values = [c.value for c in question.choices]
    if question.type == "multi" and tested and len(values) <= COMBINE_UP_TO:
        return [combo for size in range(1, len(values) + 1) for combo in combinations(values, size)]
    if question.type == "multi":
        return [(value,) for value in values]
    if question.choices:
        return [c.value for c in question.choices]
    return ["(any text)"]


def _way(question: Question, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Where an answer leads: the first route that holds, or every one for a fan-out."""
    matched = tuple(r.goto for r in question.routes if holds(r.when, answers))
    return matched if question.fan_out else matched[:1]


def rows(
    flow: Flow,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
    rules_at: RulesAt | None = None,
) -> list[Row]:
    """Every path through the flow, in the order of its questions' answers.

    Answers that lead the same way from a question share a row, unless a later question's
    conditions test that answer; a multiple-choice question is walked one answer at a time.
    `rules_at` gives the safety rules each outcome was checked against (lint's proof).
    """
    tested = {
        leaf.question
        for question in flow.questions.values()
        for rule in question.routes
        for leaf in iter_conditions(rule.when)
        if leaf.question != question.id
    }
    found: list[Row] = []
    stack: list[tuple[Question, dict[str, Answer], tuple[Step, ...]]] = [
        (flow.questions[flow.start], {}, ())
    ]
    while stack:
        question, answers, steps = stack.pop()
        groups: dict[tuple[object, ...], list[Answer]] = {}
        for n, candidate in enumerate(_candidates(question, question.id in tested)):
            way = (
                (n,)
                if question.id in tested
                else _way(question, {**answers, question.id: candidate})
            )
            groups.setdefault(way, []).append(candidate)
        branches = []
        for chosen in groups.values():
            given = {**answers, question.id: chosen[0]}
            labels = tuple(question.label_of(answer) for answer in chosen)
            step = Step(question.text, labels)
            nxt = route(flow, question, given)
            if isinstance(nxt, Question):
                branches.append((nxt, given, (*steps, step)))
            else:
                row = _row((*steps, step), nxt, decisions or {}, titles or {})
                if rules_at is not None and isinstance(nxt, Outcome):
                    row = replace(row, rules=rules_at(nxt.id))
                found.append(row)
        stack.extend(reversed(branches))
    return found


def _row(
    steps: tuple[Step, ...],
    end: Outcome | Handoff,
    decisions: Mapping[str, DecisionTerm],
    titles: Mapping[str, str],
) -> Row:
    if isinstance(end, Handoff):
        names = "; ".join(titles.get(fid, fid) for fid in end.flow_ids)
        ids = ",".join(end.flow_ids)
        return Row(steps, f"Hands over to: {names}", HANDOFF_PREFIX + ids, "", ())
    term = decisions.get(end.decision)
    decision = f"{end.decision}: {term.label}" if term else end.decision
    return Row(steps, end.title, end.id, decision, end.citations)


# --- renderers: pure functions, every piece of flow text escaped ---------------------------------


def _answers_text(row: Row) -> list[str]:
    return [f"{step.question} → {' or '.join(step.answers)}" for step in row.steps]


def _rules_text(row: Row) -> str:
    if row.rules is None:
        return "where it hands over" if row.outcome_id.startswith(HANDOFF_PREFIX) else ""
    return ", ".join(row.rules) or "none applies here"


def _citation_text(cite: Citation) -> str:
    return f"{cite.source}, {cite.section}: “{cite.quote}”"


def to_markdown(flow: Flow, table: list[Row]) -> str:
    """A Markdown document: the flow's heading, then one table row per path."""

    def cell(lines: list[str]) -> str:
        return "<br>".join(md_escape(" ".join(line.split())) for line in lines)

    checked = any(row.rules is not None for row in table)
    out = [
        f"# Fact-check: {md_escape(flow.title)}",
        "",
        f"Flow `{flow.id}`, version {md_escape(flow.version)}"
        + (f", FAQ {flow.faq.number}" if flow.faq.number else "")
        + f": {md_escape(flow.faq.question)}",
        "",
        f"{len(table)} paths. Each row is one way through the flow: the answers given (answers "
        "that lead the same way share a row), where it ends, the decision, and the guidance the "
        "outcome quotes." + (f" {RULES_NOTE}" if checked else ""),
        "",
        "| # | Answers | Outcome | Decision | Guidance quoted |"
        + (" Rules checked |" if checked else ""),
        "| --- | --- | --- | --- | --- |" + (" --- |" if checked else ""),
    ]
    for n, row in enumerate(table, 1):
        out.append(
            f"| {n} | {cell(_answers_text(row))} | {cell([row.outcome])} "
            f"(`{row.outcome_id}`) | {cell([row.decision] if row.decision else [])} | "
            f"{cell([_citation_text(c) for c in row.citations])} |"
            + (f" {cell([_rules_text(row)])} |" if checked else "")
        )
    return "\n".join(out) + "\n"


#: What the rules column says, under each table that has one.
RULES_NOTE = (
    "Rules checked: the safety rules of policy.yaml that `sharewizard lint` checked on every path "
    "to the row's outcome and found to apply there (every path also starts after the opening "
    "facts, checked against the first-question rules); lint fails if any is broken."
)


def to_csv(flow: Flow, table: list[Row]) -> str:
    """CSV with a header row; multi-line cells hold one answer or citation per line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    checked = any(row.rules is not None for row in table)
    writer.writerow(
        ["path", "answers", "outcome", "outcome_id", "decision", "citations"]
        + (["rules_checked"] if checked else [])
    )
    for n, row in enumerate(table, 1):
        writer.writerow(
            [
                str(n),
                csv_cell("\n".join(_answers_text(row))),
                csv_cell(row.outcome),
                csv_cell(row.outcome_id),
                csv_cell(row.decision),
                csv_cell("\n".join(_citation_text(c) for c in row.citations)),
            ]
            + ([csv_cell(_rules_text(row))] if checked else [])
        )
    return buffer.getvalue()


def to_html(flow: Flow, table: list[Row]) -> str:
    """A standalone HTML page holding the table; all flow text is escaped."""

    def esc(text: str) -> str:
        return html.escape(strip_controls(text), quote=True)

    def cell(lines: list[str]) -> str:
        return "<br>".join(esc(line) for line in lines)

    checked = any(row.rules is not None for row in table)
    body = "\n".join(
        f"<tr><td>{n}</td><td>{cell(_answers_text(row))}</td>"
        f"<td>{esc(row.outcome)} (<code>{esc(row.outcome_id)}</code>)</td>"
        f"<td>{esc(row.decision)}</td>"
        f"<td>{cell([_citation_text(c) for c in row.citations])}</td>"
        + (f"<td>{esc(_rules_text(row))}</td>" if checked else "")
        + "</tr>"
        for n, row in enumerate(table, 1)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Fact-check: {esc(flow.title)}</title>\n"
        "<style>table{border-collapse:collapse}td,th{border:1px solid #888;padding:4px;"
        "vertical-align:top}</style>\n</head>\n<body>\n"
        f"<h1>Fact-check: {esc(flow.title)}</h1>\n"
        f"<p>Flow <code>{esc(flow.id)}</code>, version {esc(flow.version)}: "
        f"{esc(flow.faq.question)}</p>\n"
        + (f"<p>{esc(RULES_NOTE)}</p>\n" if checked else "")
        + "<table>\n<thead><tr><th>#</th><th>Answers</th><th>Outcome</th><th>Decision</th>"
        "<th>Guidance quoted</th>"
        + ("<th>Rules checked</th>" if checked else "")
        + "</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</body>\n</html>\n"
    )


RENDERERS = {"md": to_markdown, "csv": to_csv, "html": to_html}


def render(
    flow: Flow,
    fmt: str,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
    rules_at: RulesAt | None = None,
) -> str:
    """The fact-check table of a flow in one of FORMATS.

    `titles` names the flows handed to; `rules_at` gives the safety rules each outcome was
    checked against (a column when given).
    """
    return RENDERERS[fmt](flow, rows(flow, decisions, titles, rules_at))
