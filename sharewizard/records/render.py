"""Decision records as text: JSON, Markdown for people and printers, a plain case note.

Pure functions of a record. The Markdown and the case note take every user-typed string through
an escaper, and both print the record's fields generically, in the order of the record form, so
a field added to `flows/record.yaml` appears everywhere without a change here.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring as _encode_text
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharewizard.core.text import md_escape, strip_controls

if TYPE_CHECKING:
    from sharewizard.records.shape import FieldRow, Record

MD_DATA_START = "<!-- sharewizard-record-data (the JSON record, for `sharewizard verify`)\n"
MD_DATA_END = "\n-->\n"
MD_WIDTH = 100  # no line of a Markdown record is longer: it must read well with `cat`
TEXT_WIDTH = 80  # a case note pasted into a case management system
_CONTINUED = "\\"  # ends a wrapped line of embedded JSON (no pretty JSON line ends with it)
FLOWS_WORDS = {
    "packaged": "packaged (the flows shipped with sharewizard)",
    "custom": "custom (flows from --flows, not the ones shipped with sharewizard)",
}
# A training record says so at its top, in every format (the JSON carries `training: true`).
TRAINING_HEADING = "Training record: not a real decision."
TRAINING_WORDS = "Made in practice with `sharewizard train`; do not file it as a decision."


def to_json(record: Record) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8 kept readable.

    The text of `json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True)`, written by a
    small encoder: with an indent, `json` falls back to its pure-Python encoder, which took
    longer than everything else replay does to a record but the disk write.
    """
    out: list[str] = []
    try:
        _indented(record, "\n", out)
    except _NotPlain:
        return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    out.append("\n")
    return "".join(out)


class _NotPlain(Exception):
    """A value `_indented` leaves to `json` (a float, a key that is not text, another type)."""


def _indented(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as indented JSON; `newline` is a line break plus the current indent."""
    if isinstance(value, str):
        out.append(_encode_text(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):  # true and false are handled above
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(value):
            if not isinstance(key, str):
                raise _NotPlain
            out.append(separator)
            out.append(_encode_text(key))
            out.append(": ")
            _indented(value[key], inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _indented(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _NotPlain


# --- Markdown ------------------------------------------------------------------------------


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Wrap each paragraph of `text`, keeping its line breaks, prefixing lines."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(
            paragraph,
            width=width,
            initial_indent=first if not lines else rest,
            subsequent_indent=rest,
            break_long_words=True,
            break_on_hyphens=False,
        )
        lines += wrapped or [(first if not lines else rest).rstrip()]
    return lines


def _md_item(label: str, value: Any) -> list[str]:
    shown = "—" if value in (None, "") else md_escape(str(value))
    return _wrap(f"**{label}:** {shown}", MD_WIDTH, "- ", "  ")


def _md_para(text: str, prefix: str = "") -> list[str]:
    return _wrap(md_escape(text), MD_WIDTH, prefix, prefix)


def _embed(record: Record) -> str:
    """The JSON record inside an HTML comment: ASCII only, no `>`, no line over MD_WIDTH."""
    data = json.dumps(record, indent=1, ensure_ascii=True, sort_keys=True).replace(">", "\\u003e")
    out: list[str] = []
    for line in data.split("\n"):
        while len(line) > MD_WIDTH - 1:
            out.append(line[: MD_WIDTH - 1] + _CONTINUED)
            line = line[MD_WIDTH - 1 :]
        out.append(line)
    return "\n".join(out)


def data_comment(record: Record) -> str:
    """The end of a Markdown record: its JSON form in an HTML comment (see `_embed`)."""
    return MD_DATA_START + _embed(record) + MD_DATA_END


def embedded_json(text: str) -> str | None:
    """The JSON a Markdown record carries (see `_embed`), or None if there is none.

    The text is taken as the record's whole file: it must end with the comment.
    """
    start = text.find(MD_DATA_START)
    if start < 0 or not text.endswith(MD_DATA_END):
        return None
    body = text[start + len(MD_DATA_START) : -len(MD_DATA_END)]
    return body.replace(_CONTINUED + "\n", "")


def markdown_body(record: Record) -> str:
    """The readable part of a Markdown record (what `verify` checks was not edited)."""
    outcome = record["outcome"]
    out = ["# Information sharing decision record", ""]
    if record.get("training") is True:
        out += [*_wrap(f"**{TRAINING_HEADING}** {TRAINING_WORDS}", MD_WIDTH), ""]
    out += _md_para(record["disclaimer"], "> ")
    out += ["", *_md_item("Record", record["record_id"])]
    out += _md_item(*created(record, "Created"))
    for row in _fields(record, "case"):
        out += _md_item(row["label"], row["text"])
    flow = record["flow"]
    out += _md_item("Flow", f"{flow['title']} ({flow['id']}, version {flow['version']})")
    out += _md_item("Flows", FLOWS_WORDS.get(record["flows"], record["flows"]))
    if len(record["sitting"]["flows"]) > 1:
        sitting = record["sitting"]
        out += _md_item(
            "Sitting",
            f"{sitting['id']}: decision {sitting['part']} of {len(sitting['flows'])} "
            f"({', '.join(sitting['flows'])})",
        )
    out += _md_item("Tool", f"{record['tool']['name']} {record['tool']['version']}")
    if record["missing"]:
        out += ["", *_md_para(incomplete_sentence(record), "> ")]
    out += ["", *_wrap(f"## Decision: {md_escape(outcome['decision_label'])}", MD_WIDTH), ""]
    out += _md_item("Outcome", outcome["title"])
    out += ["", *_md_para(outcome["summary"])]
    if outcome.get("now"):
        out += ["", *_md_item("Now", outcome.get("now"))]
    out += ["", "### Actions", ""]
    for action in outcome["actions"]:
        out += _wrap(md_escape(action), MD_WIDTH, "- ", "  ")
    if outcome.get("further"):
        out += ["", "### More", "", *_md_para(outcome.get("further", ""))]
    if record.get("warnings"):
        out += ["", "### Warnings", ""]
        for warning in record.get("warnings", []):
            out += _wrap(md_escape(warning), MD_WIDTH, "- ", "  ")
    out += ["", "## What was or was not shared", ""]
    for row in _fields(record, "sharing"):
        out += _md_item(row["label"], row["text"])
    facts = record["sitting"].get("facts")
    if facts:
        out += ["", "## The case (asked once for the sitting)", ""]
        for fact in facts:
            line = f"{md_escape(fact['question'])} — **{md_escape(fact['label'])}**"
            line += " (from your profile)" if fact["from"] == "profile" else ""
            out += _wrap(line, MD_WIDTH, "- ", "  ")
    out += ["", "## Questions and answers", ""]
    rows = [a for segment in record["route"] for a in segment["answers"]] + record["answers"]
    if not rows and facts:
        out += ["Every question of this decision was a case fact (above)."]
    for number, answer in enumerate(rows, 1):
        line = f"{md_escape(answer['text'])} — **{md_escape(answer['answer_label'])}**"
        out += _wrap(line, MD_WIDTH, f"{number}. ", "   ")
    if record["changes"]:
        out += ["", "### Answers changed during the session", ""]
        for change in record["changes"]:
            out += _wrap(md_escape(change), MD_WIDTH, "- ", "  ")
    out += ["", "## Guidance cited", ""]
    for c in outcome["citations"]:
        out += _md_para(c["quote"], "> ")
        source = f"— {c['title']}, {c['publisher']} ({c['edition']}), {c['section']}. {c['url']}"
        out += [">", *_md_para(source, "> "), ""]
    out += ["## Integrity", ""]
    out += _wrap(
        f"Checksum of the JSON form: `{record['checksum']}` (check it with `sharewizard verify` "
        "on this file).",
        MD_WIDTH,
    )
    return "\n".join(out) + "\n\n"


def to_markdown(record: Record) -> str:
    """The record for people and printers; the JSON form rides along in a trailing comment."""
    return markdown_body(record) + data_comment(record)


# --- a plain-text case note ----------------------------------------------------------------


def _note_lines(text: str, first: str = "", rest: str = "") -> list[str]:
    """Lines of the case note: every piece of it comes from the record, so controls go first."""
    return _wrap(strip_controls(text), TEXT_WIDTH, first, rest)


def _note_item(label: str, value: Any) -> list[str]:
    shown = "-" if value in (None, "") else str(value)
    return _note_lines(f"{label}: {shown}", "", "    ")


def to_text(record: Record) -> str:
    """A plain-text case note for an agency's own recording system: no markup, 80 columns.

    FAQ 3: "Information sharing, and actions from it, must be recorded on your own agency or
    organisation's recording system." A training record says so first, so that it is never
    filed as a real decision.
    """
    outcome = record["outcome"]
    out = []
    if record.get("training") is True:
        out += [*_note_lines(f"{TRAINING_HEADING.upper()} {TRAINING_WORDS}"), ""]
    out += ["INFORMATION SHARING DECISION", ""]
    out += _note_item(*created(record, "Date"))
    for row in _fields(record, "case"):
        out += _note_item(row["label"], row["text"])
    out += _note_item("Decision", outcome["decision_label"])
    out += _note_item("Outcome", outcome["title"])
    out += _note_item(
        "Question", f"{record['flow']['title']} (version {record['flow']['version']})"
    )
    out += _note_item("Flows", FLOWS_WORDS.get(record["flows"], record["flows"]))
    out += _note_item("Record id", record["record_id"])
    if record["missing"]:
        out += ["", *_note_lines(incomplete_sentence(record))]
    out += ["", "WHAT WAS OR WAS NOT SHARED"]
    for row in _fields(record, "sharing"):
        out += _note_item(row["label"], row["text"])
    facts = record["sitting"].get("facts")
    if facts:
        out += ["", "THE CASE"]
        for fact in facts:
            said = " (from the profile)" if fact["from"] == "profile" else ""
            out += _note_item(fact["question"], fact["label"] + said)
    out += ["", "WHY (what the guidance says)"]
    out += _note_lines(outcome["summary"])
    if outcome.get("now"):
        out += ["", *_note_item("Now", outcome.get("now"))]
    out += ["", "ACTIONS"]
    for action in outcome["actions"]:
        out += _note_lines(action, "- ", "  ")
    if outcome.get("further"):
        out += ["", *_note_lines(outcome.get("further", ""))]
    if record.get("warnings"):
        out += ["", "WARNINGS"]
        for warning in record.get("warnings", []):
            out += _note_lines(warning, "- ", "  ")
    if record["changes"]:
        out += ["", "ANSWERS CHANGED BEFORE RECORDING"]
        for change in record["changes"]:
            out += _note_lines(change, "- ", "  ")
    out += ["", "GUIDANCE"]
    for c in outcome["citations"]:
        out += _note_lines(f'{c["title"]}, {c["section"]}: "{c["quote"]}"', "- ", "  ")
    out += ["", *_note_lines(f"Checksum: {record['checksum']}")]
    return "\n".join(out) + "\n"


# --- shared --------------------------------------------------------------------------------


def _fields(record: Record, group: str) -> list[FieldRow]:
    return [row for row in record["fields"] if row["group"] == group]


def created(record: Mapping[str, Any], label: str) -> tuple[str, str]:
    """When the record was made, as a label and a value: local time first, then UTC.

    `2026-07-01 10:00 local time (UTC+01:00; 2026-07-01T09:00:00Z)`. The local time is the one
    the record carries (the time zone of the machine that made it), so every reader shows the
    same; a record made before records carried it shows UTC alone.
    """
    utc = str(record["created_at"])
    local = record.get("created_at_local")
    if not isinstance(local, str) or len(local) != 25:
        return f"{label} (UTC)", utc
    day, clock, offset = local[:10], local[11:16], local[19:]
    return label, f"{day} {clock} local time (UTC{offset}; {utc})"


def incomplete_sentence(record: Record) -> str:
    """Says a record leaves required fields empty, naming them."""
    labels = {row["id"]: row["label"] for row in record["fields"]}
    missing = ", ".join(labels.get(m, m) for m in record["missing"])
    return (
        "Incomplete record: the guidance asks for every decision to be recorded with its "
        f"rationale; missing here: {missing}."
    )


# --- the formats -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFormat:
    """A format records are written in: its extensions and its renderer."""

    name: str  # as `--format` takes it
    suffix: str  # a record in this format is named *<suffix>
    render: Callable[[Record], str]
    described: str  # as `--format`'s help says it
    also: tuple[str, ...] = ()  # other extensions it goes by (`--out x.markdown`)
    readable: bool = False  # holds the whole record, so `verify`, `note` and `register` read it

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Every extension of the format, the one records are named with first."""
        return (self.suffix, *self.also)


#: The record formats, once: adding a format is one renderer and one row.
FORMATS = {
    f.name: f
    for f in (
        RecordFormat("json", ".json", to_json, "json (default)", readable=True),
        RecordFormat("md", ".md", to_markdown, "md (Markdown)", also=(".markdown",), readable=True),
        RecordFormat("text", ".txt", to_text, "text (a case note to paste)", also=(".text",)),
    )
}
#: The extensions of the files a record can be read back from.
READABLE_SUFFIXES = tuple(s for f in FORMATS.values() if f.readable for s in f.suffixes)


def format_of(path: Path) -> RecordFormat | None:
    """The format a file's extension names, if any."""
    suffix = path.suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def render(record: Record, fmt: str) -> str:
    """The record in the named format (a key of FORMATS)."""
    return FORMATS[fmt].render(record)
