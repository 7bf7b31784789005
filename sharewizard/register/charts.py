"""The report's four charts as SVG, drawn by matplotlib: months, decision mix, completeness, ages.

Made for paper as much as for the screen: dark text on white, every bar labelled with its
number, and the second series of a stacked bar hatched as well as coloured, so a black and
white print still tells them apart. matplotlib is imported only here, for `--format html`.
"""

from __future__ import annotations

import io
from typing import Any, cast

from sharewizard.core.text import strip_controls
from sharewizard.register.report import Report

#: Okabe and Ito's palette, told apart with colour blindness too.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--")
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: it prints sharp, and can be read and searched
    "svg.hashsalt": "sharewizard",  # the same report gives the same SVG
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
}
WIDTH = 7.0  # inches: a printed A4 page's text width, near enough


def charts(report: Report) -> dict[str, str]:
    """Each chart's SVG markup (no XML prologue), by name: months, mix, completeness, ages."""
    import matplotlib

    with matplotlib.rc_context(cast(Any, STYLE)):
        return {
            "months": _svg(_months(report)),
            "mix": _svg(_mix(report)),
            "completeness": _svg(_completeness(report)),
            "ages": _svg(_ages(report)),
        }


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), layout="constrained")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    start, end = text.find("<metadata>"), text.find("</metadata>")
    return text[:start] + text[end + len("</metadata>") :] if start >= 0 < end else text


def _label(text: str, limit: int = 48) -> str:
    """Text for a chart: controls out, `$` kept literal (matplotlib would read it as maths)."""
    clean = " ".join(strip_controls(text).split())
    clean = clean if len(clean) <= limit else clean[: limit - 1] + "…"
    return clean.replace("$", r"\$")


def _empty(axes: Any, what: str) -> None:
    axes.text(0.5, 0.5, f"No {what}", ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _months(report: Report) -> Any:
    figure = _figure(3.0)
    axes = figure.add_subplot()
    months = report.by_month_shares
    if not months:
        _empty(axes, "decisions")
        return figure
    names = [month for month, _, _ in months]
    shares = [yes for _, yes, _ in months]
    others = [no for _, _, no in months]
    axes.bar(names, shares, color=COLOURS[0], label="shares information")
    axes.bar(
        names, others, bottom=shares, color=COLOURS[1], hatch=HATCHES[1],
        edgecolor="white", label="does not share (yet)",
    )  # fmt: skip
    for x, (yes, no) in enumerate(zip(shares, others, strict=True)):
        if len(names) <= 12:  # more labels would run into each other: the table has them
            axes.annotate(str(yes + no), (x, yes + no), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("decisions")
    axes.tick_params(axis="x", labelrotation=90 if len(names) > 12 else 0)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return figure


def _bars(axes: Any, labels: list[str], values: list[float], text: list[str]) -> None:
    """Horizontal bars, the first at the top, each with its number at its end."""
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=COLOURS[0])
    axes.set_yticks(positions, [_label(label) for label in labels])
    for position, value, shown in zip(positions, values, text, strict=True):
        axes.annotate(
            shown, (value, position), xytext=(3, 0), textcoords="offset points",
            va="center", fontsize=8,
        )  # fmt: skip
    axes.margins(x=0.15)


def _mix(report: Report) -> Any:
    counts = report.counts.get("decision", [])
    figure = _figure(0.6 + 0.28 * max(1, len(counts)))
    axes = figure.add_subplot()
    if not counts:
        _empty(axes, "decisions")
        return figure
    total = sum(c.records for c in counts)
    _bars(
        axes,
        [c.label or c.value for c in counts],
        [c.records for c in counts],
        [f"{c.records} ({c.records / total:.0%})" for c in counts],
    )
    axes.set_xlabel("decisions")
    return figure


def _completeness(report: Report) -> Any:
    rows = report.completeness
    figure = _figure(0.7 + 0.28 * max(1, len(rows)))
    axes = figure.add_subplot()
    if not rows:
        _empty(axes, "record fields")
        return figure
    _bars(
        axes,
        [row.field for row in rows],
        [100 * row.share_missing for row in rows],
        [f"{row.share_missing:.1%} of {row.asked}" for row in rows],
    )
    axes.set_xlim(0, min(100, max(5, 120 * max(row.share_missing for row in rows))))
    axes.set_xlabel("% of the records it applies to that leave it empty (required fields)")
    return figure


def _ages(report: Report) -> Any:
    figure = _figure(2.8)
    axes = figure.add_subplot()
    if not report.open_loop_count:
        _empty(axes, "open loops")
        return figure
    names = [label for label, _ in report.open_loops_by_age]
    kinds = sorted({kind for _, found in report.open_loops_by_age for kind in found})
    bottom = [0] * len(names)
    for index, kind in enumerate(kinds):
        values = [found.get(kind, 0) for _, found in report.open_loops_by_age]
        axes.bar(
            names, values, bottom=bottom, label=_label(kind),
            color=COLOURS[index % len(COLOURS)], hatch=HATCHES[index % len(HATCHES)],
            edgecolor="white",
        )  # fmt: skip
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, height in enumerate(bottom):
        if height:
            axes.annotate(str(height), (x, height), ha="center", va="bottom", fontsize=8)
    axes.set_ylabel("open loops")
    axes.set_xlabel(f"age (decisions for now older than {report.due_days} days)")
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return figure
