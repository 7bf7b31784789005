"""Rich rendering for people: outcomes, help, the end-of-walk summary and replay reports.

Every piece of text goes through `Text` (never markup strings), so nothing a user or a flow
author typed can restyle the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sharewizard.model import Catalogue, Outcome, Question
from sharewizard.text import strip_controls

DECISION_STYLE = {
    "share": "green",
    "share-without-informing-family": "yellow",
    "seek-consent": "cyan",
    "refer": "cyan",
    "do-not-share": "red",
    "no-agreement-needed": "green",
    "agreement-needed": "yellow",
    "seek-advice": "magenta",
    "out-of-scope": "blue",
}


def plain(value: Any) -> Text:
    """User or flow text as an inert Rich Text (control characters removed)."""
    return Text(strip_controls("" if value is None else str(value)))


def _bullets(lines: Iterable[str]) -> Text:
    text = Text()
    for line in lines:
        text.append("• ")
        text.append(plain(line))
        text.append("\n")
    text.rstrip()
    return text


def _citation(quote: str, title: str, section: str, url: str = "") -> Text:
    text = Text()
    text.append("“")
    text.append(strip_controls(quote), style="italic")
    text.append("”\n  — ")
    text.append(plain(f"{title}, {section}"))
    if url:
        text.append("\n  ")
        text.append(strip_controls(url), style="dim")
    return text


def outcome_panel(outcome: Outcome) -> Panel:
    """The outcome as shown the moment the answers reach it."""
    style = DECISION_STYLE.get(outcome.decision, "white")
    body = Group(plain(outcome.summary), Text(), _bullets(outcome.actions))
    title = Text.assemble(plain(outcome.title), " ", (f"[{outcome.decision}]", style))
    return Panel(body, title=title, border_style=style, title_align="left")


def help_panel(question: Question, catalogue: Catalogue) -> Panel:
    """A question's help text and the guidance it rests on."""
    parts: list[Any] = []
    if question.help:
        parts += [plain(question.help)] + ([Text()] if question.guidance else [])
    for cite in question.guidance:
        source = catalogue.sources.get(cite.source)
        parts.append(_citation(cite.quote, source.title if source else cite.source, cite.section))
    if not parts:
        parts.append(Text("No further help for this question."))
    return Panel(Group(*parts), title="Help", border_style="cyan", title_align="left")


def record_summary(record: Mapping[str, Any]) -> Group:
    """The end-of-walk summary: outcome, path, actions, guidance and what goes on record."""
    outcome = record["outcome"]
    style = DECISION_STYLE.get(outcome["decision"], "white")
    head = Panel(
        Group(
            plain(outcome["summary"]),
            Text(),
            Text("Actions", style="bold"),
            _bullets(outcome["actions"]),
        ),
        title=Text.assemble(plain(outcome["title"]), " ", (f"[{outcome['decision']}]", style)),
        border_style=style,
        title_align="left",
    )
    path = Table(title="Your answers", title_justify="left", show_lines=False, expand=True)
    path.add_column("#", justify="right", style="dim", no_wrap=True)
    path.add_column("Question")
    path.add_column("Answer", style="bold")
    rows = [a for seg in record["route"] for a in seg["answers"]] + list(record["answers"])
    for number, row in enumerate(rows, 1):
        path.add_row(str(number), plain(row["text"]), plain(row["answer_label"]))
    sharing = Table(title="For the record", title_justify="left", show_header=False, expand=True)
    sharing.add_column("Field", style="dim", no_wrap=True)
    sharing.add_column("Value")
    informed = {True: "yes", False: "no"}.get(record["sharing"]["family_informed"], "—")
    for label, value in (
        ("What", record["sharing"]["what"]),
        ("With whom", record["sharing"]["with_whom"]),
        ("How", record["sharing"]["how"]),
        ("When", record["sharing"]["when"]),
        ("Lawful basis", record["sharing"]["lawful_basis"]),
        ("Rationale", record["sharing"]["rationale"]),
        ("Family informed", informed),
        ("Why not", record["sharing"]["family_not_informed_reason"]),
        ("Case reference", record["case_reference"]),
    ):
        if value is not None:
            sharing.add_row(label, plain(value))
    cites = Group(
        *[_citation(c["quote"], c["title"], c["section"], c["url"]) for c in outcome["citations"]]
    )
    parts: list[Any] = [head, path]
    if record["changes"]:
        parts.append(
            Panel(
                _bullets(record["changes"]),
                title="Answers you changed",
                title_align="left",
                border_style="dim",
            )
        )
    parts.append(sharing)
    if record.get("missing"):
        parts.append(
            Text.assemble(
                ("Incomplete record: ", "bold yellow"),
                plain(
                    "the guidance asks for every decision to be recorded with its rationale; "
                    f"missing here: {', '.join(record['missing'])}."
                ),
            )
        )
    parts.append(Panel(cites, title="Guidance", title_align="left", border_style="dim"))
    if outcome["related_flows"]:
        parts.append(
            Text.assemble(
                "Related: ",
                plain(", ".join(f"sharewizard decide {f}" for f in outcome["related_flows"])),
            )
        )
    parts.append(Text(strip_controls(record["disclaimer"]), style="dim"))
    return Group(*parts)


def print_error(console: Console, message: str) -> None:
    """One paragraph, no markup interpretation."""
    console.print(Text.assemble(("Error: ", "bold red"), plain(message)), soft_wrap=True)


def replay_report(results: list[Any], check: bool) -> tuple[Table, list[Text]]:
    """The replay summary table, and one line per error and per unmet expectation."""
    table = Table(title="Replay", title_justify="left", show_header=False)
    table.add_column("What", style="dim")
    table.add_column("Count", justify="right")
    table.add_row("Files", str(len(results)))
    table.add_row("Records written", str(sum(1 for r in results if r.record_path)))
    if check:
        table.add_row("Expectations met", str(sum(1 for r in results if r.expectation == "met")))
        table.add_row(
            "Expectations failed", str(sum(1 for r in results if r.expectation == "failed"))
        )
    table.add_row("Errors", str(sum(1 for r in results if r.error)))
    lines: list[Text] = []
    for result in results:
        if result.error:
            lines.append(Text.assemble(("error ", "bold red"), plain(result.error)))
        elif check and result.diff:
            for line in result.diff:
                lines.append(
                    Text.assemble(("mismatch ", "bold yellow"), plain(f"{result.path}: {line}"))
                )
    return table, lines
