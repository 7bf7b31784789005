"""Rich rendering for people: outcomes, help, the end-of-walk summary and replay reports.

Every piece of text goes through `Text` (never markup strings), so nothing a user or a flow
author typed can restyle the terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sharewizard.core.model import Catalogue, Flow, Outcome, Question
from sharewizard.core.text import for_screen

if TYPE_CHECKING:
    from sharewizard.records.shape import Record
    from sharewizard.walk.decide import Written
    from sharewizard.walk.drafts import DraftInfo

#: Colours for the tones of decisions (record.yaml `tone`); a decision with no tone is shown plain.
#: Colour is never the only signal: every panel states the decision in words.
TONE_STYLE = {
    "urgent": "bold red",
    "share": "green",
    "hold": "yellow",
    "ask": "cyan",
    "advice": "magenta",
    "refuse": "red",
    "outside": "blue",
}


def tone_style(tone: str | None, plain_style: str = "white") -> str:
    """The style of a decision's tone (record.yaml `tone`)."""
    return TONE_STYLE.get(tone or "", plain_style)


def plain(value: Any) -> Text:
    """User or flow text as an inert Rich Text (controls removed, invisible characters shown)."""
    return Text(for_screen("" if value is None else str(value)))


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
    text.append(for_screen(quote), style="italic")
    text.append("”\n  — ")
    text.append(plain(f"{title}, {section}"))
    if url:
        text.append("\n  ")
        text.append(for_screen(url), style="dim")
    return text


def _box(parts: list[Any], style: str, boxed: bool, title: str = "") -> Any:
    """A panel in rich mode; in plain mode the same lines with no box (screen readers)."""
    if not boxed:
        head = [Text(title.upper())] if title else []
        return Group(*head, *parts, Text())
    return Panel(Group(*parts), title=title or None, border_style=style, title_align="left")


def _outcome_parts(
    title: str,
    decision_label: str,
    summary: str | None,
    actions: Iterable[str],
    style: str,
    now: str = "",
) -> list[Any]:
    # The title and the decision are in the body, in words, so nothing clips them and nothing
    # depends on colour: a panel title is cut short on a narrow terminal.
    parts: list[Any] = _outcome_head(title, decision_label, style)
    if summary:
        parts += [Text(), plain(summary)]
    if now:
        parts += [Text(), Text.assemble(("Now: ", "bold"), plain(now))]
    listed = list(actions)
    if listed:  # at the end of a walk (no summary) every line counts: no blank line
        parts += [Text()] if summary else []
        parts += [Text("What to do", style="bold"), _bullets(listed)]
    return parts


def _outcome_head(title: str, decision_label: str, style: str) -> list[Any]:
    return [
        Text.assemble(("Outcome: ", "bold"), (plain(title).plain, f"bold {style}")),
        Text.assemble(("Decision: ", "bold"), plain(decision_label)),
    ]


def outcome_panel(
    outcome: Outcome,
    decision_label: str = "",
    *,
    boxed: bool = True,
    tone: str = "",
    verbose: bool = False,
) -> Any:
    """The outcome as shown the moment the answers reach it; the decision is said in words.

    At most three actions and what goes ahead now; `verbose` adds the further detail.
    """
    style = tone_style(tone)
    label = decision_label or outcome.decision
    parts = _outcome_parts(
        outcome.title, label, outcome.summary, outcome.actions, style, outcome.now
    )
    if verbose and outcome.further:
        parts += [Text(), plain(outcome.further)]
    return _box(parts, style, boxed)


def outcome_pages(
    outcome: Outcome, decision_label: str, *, tone: str = "", fit: tuple[int, int]
) -> list[Any]:
    """The outcome in panels that each fit `fit` (width, height): one when it fits whole.

    Every page opens with the title and the decision, so they are in view whatever the
    outcome's length. Then what to do comes first: what goes ahead now and each action (never
    split across pages), then why; each page but the last says that more follows.
    """
    style = tone_style(tone)
    label = decision_label or outcome.decision
    width, height = fit
    whole = outcome_panel(outcome, label, tone=tone)
    if height_of(whole, width) <= height:
        return [whole]
    blocks: list[list[Any]] = []
    if outcome.now:
        blocks.append([Text(), Text.assemble(("Now: ", "bold"), plain(outcome.now))])
    for number, action in enumerate(outcome.actions):
        blocks.append([*([Text(), Text("What to do", style="bold")] if number == 0 else [])])
        blocks[-1].append(_bullets([action]))
    if outcome.summary:
        blocks.append([Text(), Text("Why", style="bold"), plain(outcome.summary)])
    head = _outcome_head(outcome.title, label, style)
    pages: list[list[Any]] = [[]]
    for block in blocks:
        trial = _box([*head, *pages[-1], *block, Text()], style, True)
        if pages[-1] and height_of(trial, width) > height:
            pages.append([])
        pages[-1] += block
    count = len(pages)
    return [
        _box([*head, *page, _page_line(number, count)], style, True)
        for number, page in enumerate(pages, 1)
    ]


def _page_line(number: int, count: int) -> Text:
    more = "; more on the next page" if number < count else ""
    return Text(f"Page {number} of {count}{more}.", style="dim")


def outcome_reminder(outcome: Outcome, decision_label: str, *, tone: str = "") -> Text:
    """The outcome's title and decision in two lines: plain mode's last lines before a menu."""
    head = _outcome_head(outcome.title, decision_label or outcome.decision, tone_style(tone))
    return Text("\n").join(head)


def queued_lines(flows: Iterable[Flow]) -> list[Text]:
    """The flows queued at an outcome ("Also decide now"), each by its FAQ question."""
    return [Text.assemble(("Next in this sitting: ", "bold"), plain(f.faq.heading)) for f in flows]


def height_of(screen: Any, width: int) -> int:
    """How many lines `screen` takes on a terminal `width` wide."""
    measure = Console(width=width, file=io.StringIO(), color_system=None)
    return len(measure.render_lines(screen, measure.options, pad=False))


def flow_heading(flow: Flow) -> Text:
    """Plain mode's header naming a flow by its FAQ question (rich mode: `prompts`)."""
    return Text.assemble("== ", plain(flow.faq.heading), " ==")


def question_text(question: Question) -> Text:
    """A question and its numbered choices, one line each (plain mode asks this way)."""
    text = plain(question.text)
    for number, choice in enumerate(question.choices, 1):
        text.append(f"\n  {number}. ")
        text.append(plain(choice.label))
    return text


def choices_help(question: Question) -> Text | None:
    """Plain mode's `?`: each choice that has a description, numbered as asked; None if none has."""
    described = [(n, c) for n, c in enumerate(question.choices, 1) if c.help]
    if not described:
        return None
    text = Text("Choices")
    for number, choice in described:
        text.append(f"\n  {number}. ")
        text.append(plain(choice.label))
        text.append(": ")
        text.append(plain(choice.help))
    return text


def help_panel(question: Question, catalogue: Catalogue, *, boxed: bool = True) -> Any:
    """A question's help text and the guidance it rests on."""
    parts: list[Any] = []
    if question.help:
        parts += [plain(question.help)] + ([Text()] if question.guidance else [])
    for cite in question.guidance:
        source = catalogue.sources.get(cite.source)
        parts.append(_citation(cite.quote, source.title if source else cite.source, cite.section))
    if not parts:
        parts.append(Text("No further help for this question."))
    return _box(parts, "cyan", boxed, "Help")


def _answer_lines(record: Record) -> Text:
    rows = [row for segment in record["route"] for row in segment["answers"]]
    rows += record["answers"]
    return _bullets(f"{row['text']}  →  {row['answer_label']}" for row in rows)


def record_summary(record: Record, *, verbose: bool = False, boxed: bool = True) -> Group:
    """The end of a walk, to fit one screen: details folded, then the outcome, last.

    With `verbose`, first the path of answers, the record fields, the changes and the guidance;
    without it one line says where they are. The record's location is printed after this.
    """
    outcome = record["outcome"]
    style = tone_style(outcome.get("tone"))
    parts: list[Any] = []
    if verbose:
        facts = (record.get("sitting") or {}).get("facts") or []
        if facts:
            said = [f"{f['question']}  →  {f['label']}" for f in facts]
            parts.append(_box([_bullets(said)], "dim", boxed, "The case"))
        parts.append(_box([_answer_lines(record)], "dim", boxed, "Your answers"))
        fields = _table(boxed, show_header=False, expand=True)
        fields.add_column("Field", style="dim", ratio=1)
        fields.add_column("Value", ratio=2)
        for row in record["fields"]:
            fields.add_row(plain(row["label"]), plain(row["text"] if row["text"] else "—"))
        parts.append(_box([fields], "dim", boxed, "For the record"))
        if record["changes"]:
            parts.append(_box([_bullets(record["changes"])], "dim", boxed, "Answers you changed"))
        cites = [_citation(c["quote"], c["title"], c["section"]) for c in outcome["citations"]]
        parts.append(_box(cites, "dim", boxed, "Guidance"))
    else:
        parts.append(  # one line at 80 columns: the end of a walk must fit one screen
            Text(f"{held_in(record)} and the guidance are in the record; see --verbose.", "dim")
        )
    for warning in record.get("warnings", []):
        parts.append(Text.assemble(("! Warning: ", "bold yellow"), plain(warning)))
    if record.get("missing"):
        from sharewizard.records.render import incomplete_sentence

        parts.append(Text.assemble(("! ", "bold yellow"), plain(incomplete_sentence(record))))
    if record.get("flows") == "custom":
        from sharewizard.records.render import FLOWS_WORDS

        parts.append(Text.assemble(("! Flows: ", "bold yellow"), plain(FLOWS_WORDS["custom"])))
    closing = _outcome_parts(
        outcome["title"], outcome["decision_label"], None, outcome["actions"], style
    )
    if verbose and outcome.get("further"):  # more than the three actions: --verbose and the record
        closing += [Text(), plain(outcome["further"])]
    parts.append(_box(closing, style, boxed))
    return Group(*parts)


def held_in(record: Record) -> str:
    """What the record holds, counted as `--verbose` shows it.

    The case's facts ("The case"), the answers to flow questions ("Your answers", the triage's
    included), the fields and the changes. A decision whose path read only facts holds no
    answers, so none are counted.
    """
    facts = len((record.get("sitting") or {}).get("facts") or [])
    answered = len(record["answers"]) + sum(len(s["answers"]) for s in record["route"])
    counts = [(facts, "fact"), (answered, "answer"), (len(record["fields"]), "field")]
    counts.append((len(record["changes"]), "change"))
    said = [counted(n, noun) for n, noun in counts if n or noun == "field"]
    return ", ".join(said)


def counted(number: int, noun: str) -> str:
    """`1 change`, `2 changes`."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def written_lines(written: list[Written], prog: str, *, practice: bool = False) -> list[Text]:
    """Where each record and answers file went, and how to replay it."""
    if practice:  # said once per decision, as it is made (the end adds nothing)
        return [plain("Practice run: nothing was written.")] if written else []
    lines = []
    for item in written:
        if item.path is not None:
            where = "standard output" if str(item.path) == "-" else item.path
            lines.append(Text.assemble(("✔ ", "green"), plain(f"Record written to {where}")))
        if item.answers_path is not None:
            lines.append(
                Text.assemble(
                    ("✔ ", "green"),
                    plain(
                        f"Answers saved to {item.answers_path} (replay: {prog} decide "
                        f"--answers {item.answers_path})"
                    ),
                )
            )
    return lines


def sitting_recap(written: list[Written], *, boxed: bool = True) -> list[Any]:
    """The last lines of a sitting of several decisions: each one's outcome and record.

    Each decision's summary scrolls away as the next is shown; these lines name every outcome
    (title and decision) and where its record went, so that the last screen holds them all. The
    records' folder is said once, last: a long path would wrap anywhere. In plain mode (not
    `boxed`) they are lines of text, unpadded.
    """
    paths = [item.path for item in written if item.path is not None and str(item.path) != "-"]
    folders = {path.parent for path in paths}
    decisions = Table.grid(padding=(0, 1))
    decisions.add_column(no_wrap=True)
    decisions.add_column()
    found: list[Any] = [
        Text(f"This sitting made {counted(len(written), 'decision')}:", style="bold")
    ]
    for number, item in enumerate(written, 1):
        outcome = item.record["outcome"]
        if item.path is None:
            where = "not written (practice run)"
        elif str(item.path) == "-":
            where = "standard output"
        else:
            where = item.path.name if len(folders) == 1 else str(item.path)
        said = [("Outcome: ", outcome["title"]), ("Decision: ", outcome["decision_label"])]
        said.append(("Record: ", where))
        lines = [Text.assemble((name, "bold"), plain(value).plain) for name, value in said]
        decisions.add_row(f"{number}.", Group(*lines))
        if not boxed:
            found += [Text(f"{number}. ") + lines[0], *(Text("   ") + line for line in lines[1:])]
    if boxed:
        found.append(decisions)
    if len(folders) == 1:
        found.append(Text.assemble(("Records in: ", "bold"), plain(folders.pop()).plain))
    return found


def _table(boxed: bool, **options: Any) -> Table:
    """A table; in plain mode without lines, its columns apart by spaces (screen readers)."""
    return Table(**options) if boxed else Table(box=None, **options)


def flow_table(rows: list[dict[str, Any]]) -> Table:
    """`list` on a terminal: FAQ number, id and title (plain mode: `listing.text_table`)."""
    table = Table(show_edge=False)
    table.add_column("FAQ", justify="right")
    table.add_column("Flow id", no_wrap=True)
    table.add_column("Title")
    for row in rows:
        table.add_row(str(row["faq"] or "–"), plain(row["id"]), plain(row["title"]))
    return table


def profile_lines(values: Mapping[str, str], catalogue: Catalogue, path: Any) -> list[Text]:
    """`profile`: each value (the role in words too) and where the profile is kept."""
    from sharewizard.walk.profile import KEYS, role_question

    question = role_question(catalogue)
    lines = []
    for key in KEYS:
        value = values.get(key)
        shown = value or "—"
        if key == "role" and value and question is not None:
            shown = f"{question.label_of(value)} ({value})"
        lines.append(plain(f"{key.capitalize()}: {shown}"))
    lines.append(plain(f"Kept in {path}"))
    return lines


def drafts_json(
    found: list[DraftInfo], titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """`drafts --json`."""
    return [
        {
            "id": d.id,
            "path": str(d.path),
            "flow": d.flow,
            "flow_title": (titles or {}).get(d.flow),
            "route": d.route,
            "case_reference": d.case_reference,
            "started_at": d.started_at,
            "answered": d.answered,
            "error": d.error or None,
        }
        for d in found
    ]


def drafts_table(
    found: list[DraftInfo], prog: str, titles: Mapping[str, str] | None = None
) -> Group:
    """`drafts`: each draft's id on a line of its own (to copy whole), then what it holds.

    A list rather than a table: at 80 columns a table would cut the ids short. Flows are named
    by their titles (`titles`, by flow id) where known, times in local time.
    """
    named = titles or {}
    lines: list[Text] = []
    for d in found:
        lines.append(Text.assemble((for_screen(d.id), "bold")))
        flows = " → ".join(named.get(f, f) for f in [*d.route, d.flow])
        case = f"case {d.case_reference}; " if d.case_reference else ""
        started = local_time(d.started_at) if d.started_at else "?"
        lines.append(plain(f"    {flows}"))
        lines.append(plain(f"    {case}started {started}; {counted(d.answered, 'answer')}"))
    lines.append(plain(f"Continue one with: {prog} decide --resume ID"))
    return Group(*lines)


def local_time(utc: str) -> str:
    """`2026-12-06 23:03 (local time)`: a UTC time as this machine's clock shows it."""
    from datetime import datetime, timezone

    try:
        moment = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return f"{utc} (as written)"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") + " (local time)"


def print_error(console: Console, message: str) -> None:
    """One paragraph, no markup interpretation."""
    console.print(Text.assemble(("Error: ", "bold red"), plain(message)), soft_wrap=True)


def replay_json(results: list[Any], check: bool) -> dict[str, Any]:
    """`replay --json`: counts and one entry per file."""
    return {
        "files": len(results),
        "records_written": sum(len(r.record_paths) for r in results),
        "expectations_met": sum(1 for r in results if r.expectation == "met") if check else None,
        "expectations_failed": sum(1 for r in results if r.expectation == "failed")
        if check
        else None,
        "errors": sum(1 for r in results if r.error),
        "results": [
            {
                "path": str(r.path),
                "outcome": r.outcome,
                "decision": r.decision,
                "record": str(r.record_path) if r.record_path else None,
                "records": [str(p) for p in r.record_paths],
                "expectation": r.expectation if check else None,
                "diff": r.diff if check else [],
                "error": r.error,
            }
            for r in results
        ],
    }


def replay_report(
    results: list[Any], check: bool, *, boxed: bool = True
) -> tuple[Table, list[Text]]:
    """The replay summary table, and one line per error and per unmet expectation."""
    table = _table(boxed, title="Replay", title_justify="left", show_header=False)
    table.add_column("What", style="dim")
    table.add_column("Count", justify="right")
    table.add_row("Files", str(len(results)))
    table.add_row("Records written", str(sum(len(r.record_paths) for r in results)))
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
