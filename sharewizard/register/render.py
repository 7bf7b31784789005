"""The report as a Rich table, JSON, CSV or a self-contained HTML page; the export as CSV or JSONL.

Pure functions of a `Report` (or of rows); every piece of text that came from a record is
escaped for where it goes: `for_screen` on a terminal, `csv_cell` in CSV, HTML escaping in HTML.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from sharewizard.core.text import csv_cell, for_screen, strip_controls
from sharewizard.register.report import Report
from sharewizard.register.rows import COLUMNS, decompress

REPORT_FORMATS = ("table", "json", "csv", "html")
EXPORT_FORMATS = ("csv", "jsonl")
TITLES = {
    "decision": "By decision",
    "outcome": "By outcome",
    "flow": "By flow",
    "organisation": "By organisation",
    "role": "By role",
    "month": "By month",
}


def headline(report: Report) -> str:
    """One sentence: how many decisions, and what was left out of the counts."""
    aside = [
        f"{n} {what}{'' if n == 1 else 's'} not counted"
        for n, what in (
            (report.training, "training record"),
            (report.forgotten, "forgotten record"),
        )
        if n
    ]
    extra = f" ({'; '.join(aside)})" if aside else ""
    when = report.as_of.replace("T", " ")[:16] + " UTC"
    return f"Register {report.register}, as of {when}: {report.records} decisions{extra}."


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


# --- JSON ------------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """The whole report as one JSON document."""
    data = {
        "register": report.register,
        "as_of": report.as_of,
        "records": report.records,
        "training": report.training,
        "forgotten": report.forgotten,
        "counts": {name: [asdict(c) for c in counts] for name, counts in report.counts.items()},
        "decisions_per_month": [
            {"month": m, "shares": yes, "does_not_share": no}
            for m, yes, no in report.by_month_shares
        ],
        "completeness": [
            {**asdict(c), "share_missing": round(c.share_missing, 4)} for c in report.completeness
        ],
        "open_loops": {
            "decisions_for_now": {
                "due_days": report.due_days,
                "count": report.open_loop_count,
                "by_age": dict(report.open_loops_by_age),
                "items": [asdict(loop) for loop in report.open_loops],
            },
            "sittings_missing_parts": {
                "count": report.broken_sitting_count,
                "items": [
                    {**asdict(s), "present": list(s.present), "missing": list(s.missing)}
                    for s in report.broken_sittings
                ],
            },
            "quarantined": {
                "count": report.quarantined_count,
                "items": [asdict(q) for q in report.quarantined],
            },
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- CSV -------------------------------------------------------------------------------------

CSV_HEADER = ("section", "value", "label", "records", "share", "detail")


def to_csv(report: Report) -> str:
    """One table in long form: a `section` column says which part of the report a row is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in _csv_rows(report):
        writer.writerow([csv_cell(str(cell)) for cell in row])
    return buffer.getvalue()


def _csv_rows(report: Report) -> Iterator[tuple[Any, ...]]:
    yield ("total", "decisions", "", report.records, "", "")
    yield ("total", "training", "", report.training, "", "not counted")
    yield ("total", "forgotten", "", report.forgotten, "", "not counted")
    for name, counts in report.counts.items():
        for c in counts:
            yield (name, c.value, c.label, c.records, _share(c.records, report.records), "")
    for field in report.completeness:
        detail = f"asked {field.asked}, left empty (optional) {field.empty}"
        yield ("completeness", field.field, "", field.missing, f"{field.share_missing:.0%}", detail)
    for loop in report.open_loops:
        detail = f"{loop.created_at}; {loop.age_days} days; {loop.flow}; {loop.decision}"
        yield ("open-loop", loop.record_id, loop.kind, "", "", detail)
    for sitting in report.broken_sittings:
        missing = ", ".join(map(str, sitting.missing))
        yield ("sitting-missing-part", sitting.sitting_id, "", sitting.parts, "", missing)
    for item in report.quarantined:
        yield ("quarantined", item.source, item.state, "", "", item.reason)


# --- a terminal --------------------------------------------------------------------------------


def to_table(report: Report, *, boxed: bool) -> list[Any]:
    """Rich renderables: each part's heading, then its table (plain mode: no lines)."""
    parts: list[Any] = [_heading(headline(report), bold=False)]
    for name, counts in report.counts.items():
        labelled = any(c.label for c in counts)
        table = _table(boxed, name.capitalize(), *(("",) if labelled else ()))
        for c in counts:
            cells = [c.value, *([c.label] if labelled else [])]
            table.add_row(*_cells(cells), str(c.records), _share(c.records, report.records))
        parts += [_heading(TITLES[name]), table]
    completeness = _table(boxed, "Field", numbers=("Asked", "Missing", "%"))
    for field in report.completeness:
        completeness.add_row(
            *_cells([field.field]), str(field.asked), str(field.missing),
            f"{field.share_missing:.0%}",
        )  # fmt: skip
    parts += [_heading("Completeness: required fields left empty"), completeness]
    loops = _table(boxed, "Record", "For now", "Case", numbers=("Days",))
    for loop in report.open_loops:
        loops.add_row(*_cells([loop.record_id, loop.kind, loop.case_reference or ""]),
                      str(loop.age_days))  # fmt: skip
    parts += [
        _heading(f"Open loops: decisions for now older than {report.due_days} days, nothing "
                 f"later in the case ({report.open_loop_count})"),
        loops,
    ]  # fmt: skip
    sittings = _table(boxed, "Sitting", "Missing parts", numbers=("Parts",))
    for s in report.broken_sittings:
        sittings.add_row(*_cells([s.sitting_id, ", ".join(map(str, s.missing))]), str(s.parts))
    parts += [_heading(f"Sittings with a missing part ({report.broken_sitting_count})"), sittings]
    held = _table(boxed, "File", "State", "Reason", numbers=())
    for q in report.quarantined:
        held.add_row(*_cells([q.source, q.state, q.reason]))
    return [*parts, _heading(f"Quarantined ({report.quarantined_count})"), held]


def as_text(parts: list[Any], width: int = 100) -> str:
    """The table rendering as plain text (no colour), for a file."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, emoji=False)
    with console.capture() as captured:
        for part in parts:
            console.print(part)
    return captured.get()


def _heading(text: str, *, bold: bool = True) -> Any:
    from rich.text import Text

    return Text(("\n" if bold else "") + for_screen(text), style="bold" if bold else "")


def _table(boxed: bool, *columns: str, numbers: tuple[str, ...] = ("Records", "%")) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.HEAVY_HEAD if boxed else None)
    for column in columns:
        table.add_column(column, overflow="fold")
    for column in numbers:
        table.add_column(column, justify="right", no_wrap=True)
    return table


def _cells(values: Iterable[str]) -> list[Any]:
    from rich.text import Text

    return [Text(for_screen(value)) for value in values]


# --- HTML ------------------------------------------------------------------------------------


def to_html(report: Report) -> str:
    """One page, nothing fetched from anywhere: the charts inline as SVG, the tables below."""
    from sharewizard.register.charts import charts

    drawn = charts(report)
    figures = "\n".join(
        f"<figure><figcaption>{_e(caption)}</figcaption>\n{drawn[name]}</figure>"
        for name, caption in (
            ("months", "Decisions per month"),
            ("mix", "Decision mix"),
            ("completeness", "Completeness: required fields left empty"),
            ("ages", "Open loops by age"),
        )
    )
    tables = "\n".join(
        _html_table(title, head, rows) for title, head, rows in _html_sections(report)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>sharewizard register report, {_e(report.as_of)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        "<h1>Register report</h1>\n"
        f'<p class="lead">{_e(headline(report))}</p>\n'
        f"{_summary(report)}\n<h2>Charts</h2>\n{figures}\n{tables}\n"
        "<footer>Made by sharewizard. It supports, and does not replace, professional judgement "
        "and your organisation's safeguarding procedures.</footer>\n</body>\n</html>\n"
    )


def _summary(report: Report) -> str:
    cards = (
        ("decisions", report.records),
        ("open loops", report.open_loop_count),
        ("sittings missing a part", report.broken_sitting_count),
        ("quarantined files", report.quarantined_count),
        ("training records (not counted)", report.training),
        ("forgotten (not counted)", report.forgotten),
    )
    return (
        '<ul class="cards">'
        + "".join(f"<li><strong>{n}</strong> {_e(what)}</li>" for what, n in cards)
        + "</ul>"
    )


def _html_sections(report: Report) -> Iterator[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    for name, counts in report.counts.items():
        labelled = any(c.label for c in counts)
        yield (
            TITLES[name],
            (name.capitalize(), *(("",) if labelled else ()), "Records", "%"),
            [
                (c.value, *((c.label,) if labelled else ()), c.records,
                 _share(c.records, report.records))
                for c in counts
            ],
        )  # fmt: skip
    yield (
        "Completeness: required fields left empty",
        ("Field", "Asked", "Missing", "%", "Left empty (optional)"),
        [(c.field, c.asked, c.missing, f"{c.share_missing:.0%}", c.empty)
         for c in report.completeness],
    )  # fmt: skip
    yield (
        f"Open loops: decisions for now older than {report.due_days} days "
        f"({report.open_loop_count})",
        ("Record", "Made", "Days", "For now", "Decision", "Flow", "Case"),
        [(o.record_id, o.created_at, o.age_days, o.kind, o.decision, o.flow,
          o.case_reference or "") for o in report.open_loops],
    )  # fmt: skip
    yield (
        f"Sittings with a missing part ({report.broken_sitting_count})",
        ("Sitting", "Parts", "Missing"),
        [(s.sitting_id, s.parts, ", ".join(map(str, s.missing))) for s in report.broken_sittings],
    )
    yield (
        f"Quarantined ({report.quarantined_count})",
        ("File", "State", "Reason", "When"),
        [(q.source, q.state, q.reason, q.at) for q in report.quarantined],
    )


def _html_table(title: str, head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    if not rows:
        return f"<h2>{_e(title)}</h2>\n<p>None.</p>"
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{_e(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f"<h2>{_e(title)}</h2>\n<table>\n<thead><tr>{header}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _e(text: str) -> str:
    return html.escape(strip_controls(text), quote=True)


CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111;"
    "background:#fff;max-width:60rem;margin:1.5rem auto;padding:0 1rem;line-height:1.4}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.6rem;"
    "border-bottom:1px solid #999}"
    ".lead{color:#333}.cards{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}"
    ".cards li{border:1px solid #888;border-radius:4px;padding:.4rem .7rem}"
    ".cards strong{font-size:1.3rem;display:block}"
    "figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{font-weight:600;margin-bottom:.3rem}figure svg{max-width:100%;height:auto}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;break-inside:auto}"
    "th,td{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}thead{display:table-header-group}tr{break-inside:avoid}"
    "footer{margin-top:2rem;font-size:.85rem;color:#333}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}"
    ".cards li{border-color:#000}}"
)


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = (*COLUMNS, "source", "added_at", "forgotten_at")


def export_csv(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """The register's rows as CSV, a header first, a chunk of text at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(["" if cell is None else csv_cell(str(cell)) for cell in row])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_jsonl(contents: Iterable[bytes]) -> Iterator[str]:
    """Each record, whole, as one line of JSON (JSON Lines)."""
    for content in contents:
        record = decompress(content)
        yield json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
