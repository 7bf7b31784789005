"""Decision records: build, checksum, verify, and write them as JSON or Markdown."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sharewizard import __version__, engine
from sharewizard.errors import Location, RecordError, TamperedRecord
from sharewizard.files import write_private
from sharewizard.model import NO, YES, Answer, Catalogue, Flow, Question
from sharewizard.session import Decision
from sharewizard.text import md_block, md_escape

SCHEMA_VERSION = 1
FORMATS = ("json", "md")

Record = dict[str, Any]


def utc_timestamp(moment: datetime | None = None) -> str:
    """`2026-11-23T14:30:00Z`: UTC, ISO 8601, to the second."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _flow_ref(flow: Flow) -> dict[str, Any]:
    return {
        "id": flow.id,
        "version": flow.version,
        "title": flow.title,
        "sha256": flow.sha256,
        "faq": {"number": flow.faq.number, "question": flow.faq.question},
    }


def _answer_rows(pairs: list[tuple[Question, Answer]]) -> list[dict[str, Any]]:
    return [
        {
            "question": q.id,
            "text": q.text,
            "answer": list(a) if isinstance(a, tuple) else a,
            "answer_label": q.label_of(a),
        }
        for q, a in pairs
    ]


def _sharing(catalogue: Catalogue, fields: Mapping[str, Answer]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = fields.get(key)
        return str(value) if value not in (None, "") else None

    basis = fields.get("lawful_basis")
    if basis == "other":
        lawful_basis = f"Other: {text('lawful_basis_other') or 'not described'}"
    elif basis:
        form_field = next(f for f in catalogue.record_form.fields if f.id == "lawful_basis")
        lawful_basis = form_field.label_of(basis)
    else:
        lawful_basis = None
    informed = fields.get("family_informed")
    return {
        "what": text("what"),
        "with_whom": text("with_whom"),
        "how": text("how"),
        "when": text("when"),
        "lawful_basis": lawful_basis,
        "rationale": text("rationale"),
        "family_informed": {YES: True, NO: False}.get(str(informed)) if informed else None,
        "family_not_informed_reason": text("family_not_informed_reason"),
    }


def build_record(
    decision: Decision, catalogue: Catalogue, *, created_at: str, record_id: str
) -> Record:
    """The decision as a record dict, checksummed."""
    outcome = decision.outcome
    sources = catalogue.sources
    fields = decision.fields
    record: Record = {
        "schema_version": SCHEMA_VERSION,
        "record_id": record_id,
        "created_at": created_at,
        "tool": {"name": "sharewizard", "version": __version__},
        "disclaimer": catalogue.record_form.disclaimer,
        "flow": _flow_ref(decision.flow),
        "route": [
            {
                "flow": _flow_ref(seg.flow),
                "answers": _answer_rows(
                    engine.path_answers(seg.flow, engine.Progress(seg.answers))
                ),
            }
            for seg in decision.route
        ],
        "answers": _answer_rows(engine.path_answers(decision.flow, decision.progress)),
        "outcome": {
            "id": outcome.id,
            "decision": outcome.decision,
            "title": outcome.title,
            "summary": outcome.summary,
            "actions": list(outcome.actions),
            "citations": [
                {
                    "source": c.source,
                    "title": sources[c.source].title,
                    "publisher": sources[c.source].publisher,
                    "edition": sources[c.source].edition,
                    "url": sources[c.source].url,
                    "section": c.section,
                    "quote": c.quote,
                }
                for c in outcome.citations
            ],
            "related_flows": list(outcome.related_flows),
        },
        "changes": list(decision.progress.changes),
        "sharing": _sharing(catalogue, fields),
        "case_reference": str(fields["case_reference"]) if fields.get("case_reference") else None,
        "practitioner": {
            "role": str(fields["practitioner_role"]) if fields.get("practitioner_role") else None,
            "organisation": str(fields["organisation"]) if fields.get("organisation") else None,
        },
    }
    record["missing"] = missing_fields(record["sharing"])
    record["checksum"] = checksum(record)
    return record


#: What the guidance requires every record to say (FAQ 7), as `sharing` keys.
REQUIRED_SHARING = (
    "what",
    "with_whom",
    "how",
    "when",
    "lawful_basis",
    "rationale",
    "family_informed",
)


def missing_fields(sharing: Mapping[str, Any]) -> list[str]:
    """The required sharing fields left empty (answers files may leave them out)."""
    missing = [key for key in REQUIRED_SHARING if sharing.get(key) is None]
    if sharing.get("family_informed") is False and not sharing.get("family_not_informed_reason"):
        missing.append("family_not_informed_reason")
    return missing


def checksum(record: Mapping[str, Any]) -> str:
    """`sha256:` + hex digest of the canonical JSON of every field but `checksum` and `signature`.

    A checksum catches careless edits only: anyone can recompute it. `signing.py` signs the
    canonical JSON of every field but the signature, checksum included.
    """
    return "sha256:" + hashlib.sha256(canonical_json(record, ("checksum", "signature"))).hexdigest()


def verify(record: Mapping[str, Any]) -> bool:
    """Whether the record's checksum matches its content."""
    try:
        return record.get("checksum") == checksum(record)
    except (TypeError, ValueError):  # content json cannot encode: no checksum can match it
        return False


def schema_problems(record: Any) -> list[str]:
    """Ways the record breaks the published record schema (empty when it conforms)."""
    from sharewizard.loader import schema_errors

    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in schema_errors("record", record)
    ]


MD_DATA_START = "<!-- sharewizard-record-data\n"
MD_DATA_END = "\n-->\n"


def _embedded_data(text: str, path: Path) -> tuple[str, int | None]:
    """The JSON text a Markdown record carries, and its first line in the file if it has one.

    The only function that knows how the data is embedded (base64 in a trailing HTML comment,
    so it has no line of its own in the file).
    """
    start = text.rfind(MD_DATA_START)
    if start < 0 or not text.endswith(MD_DATA_END):
        raise RecordError("this Markdown file carries no sharewizard record data.", Location(path))
    encoded = text[start + len(MD_DATA_START) : -len(MD_DATA_END)]
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8"), None
    except (ValueError, UnicodeDecodeError):
        raise RecordError(
            "the record data in this Markdown file is damaged.", Location(path)
        ) from None


def _embedded(text: str, path: Path) -> Record:
    """The record a Markdown record carries, checking its visible text was not edited."""
    data, first_line = _embedded_data(text, path)
    try:
        record = _parse_record(data, path, first_line or 1)
    except RecordError as exc:
        where = exc.location if first_line else Location(path, field=exc.location.field)
        raise RecordError(
            f"the record data in this Markdown file is damaged: {exc.message}", where
        ) from None
    problems = schema_problems(record)
    if problems:
        raise RecordError(
            "the record data in this Markdown file is not a valid record: "
            f"{_shorten(problems[0])}.",
            Location(path),
        )
    try:
        body: str | None = _markdown_body(record)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        body = None  # a shape the schema allows but the renderer does not: it cannot match
    if body is None or text[: text.rfind(MD_DATA_START)] != body:
        raise TamperedRecord(
            "the readable text of this Markdown record was changed after it was written.",
            Location(path),
            "Compare it with the original.",
        )
    return record


def _parse_record(text: str, path: Path, first_line: int = 1) -> Record:
    from sharewizard.yamldoc import RECORD_LIMITS, parse_json

    record = parse_json(text, path, RecordError, RECORD_LIMITS, first_line=first_line).data
    if not isinstance(record, dict) or record.get("schema_version") != SCHEMA_VERSION:
        found = record.get("schema_version") if isinstance(record, dict) else None
        raise RecordError(
            f"schema_version is {_shorten(repr(found))}; this sharewizard reads {SCHEMA_VERSION}.",
            Location(path, field="schema_version"),
        )
    return record


def load_record(path: Path) -> Record:
    """Read a JSON (or Markdown) record; refuse unreadable files and unknown schema versions.

    Every problem is a `RecordError` (a `TamperedRecord` for edited Markdown text): only regular
    files up to 5 MB are read, and the JSON is strict, within the limits in `yamldoc`.
    """
    from sharewizard.yamldoc import RECORD_LIMITS, decode_text, read_regular

    text = decode_text(read_regular(path, RECORD_LIMITS, RecordError), path, RecordError)
    if path.suffix.lower() in (".md", ".markdown"):
        return _embedded(text, path)
    return _parse_record(text, path)


def to_json(record: Mapping[str, Any]) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8 kept readable."""
    return json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _line(label: str, value: Any) -> str:
    shown = "—" if value in (None, "") else md_block(str(value))
    return f"- **{label}:** {shown}"


def to_markdown(record: Mapping[str, Any]) -> str:
    """The same content as the JSON, for people and printers; every user text is escaped.

    The JSON form rides along, base64-encoded in a trailing HTML comment (invisible when
    rendered), so `sharewizard verify` can check a Markdown record too.
    """
    encoded = base64.b64encode(to_json(record).encode("utf-8")).decode("ascii")
    return _markdown_body(record) + MD_DATA_START + encoded + MD_DATA_END


def _markdown_body(record: Mapping[str, Any]) -> str:
    sharing = record["sharing"]
    outcome = record["outcome"]
    informed = {True: "yes", False: "no"}.get(sharing["family_informed"])
    out = [
        "# Information sharing decision record",
        "",
        f"> {md_escape(record['disclaimer'])}",
        "",
        _line("Record", record["record_id"]),
        _line("Created (UTC)", record["created_at"]),
        _line("Case reference", record["case_reference"]),
        _line("Practitioner role", record["practitioner"]["role"]),
        _line("Organisation", record["practitioner"]["organisation"]),
        _line(
            "Flow",
            f"{record['flow']['title']} ({record['flow']['id']}, version "
            f"{record['flow']['version']})",
        ),
        _line("Tool", f"{record['tool']['name']} {record['tool']['version']}"),
        *(
            [
                "> **Incomplete record:** the guidance asks for every decision to be recorded "
                f"with its rationale; missing here: {', '.join(record['missing'])}.",
                "",
            ]
            if record["missing"]
            else []
        ),
        "",
        f"## Decision: {md_escape(outcome['title'])}",
        "",
        _line("Decision", outcome["decision"]),
        "",
        md_escape(outcome["summary"]),
        "",
        "### Actions",
        "",
        *[f"- {md_block(a)}" for a in outcome["actions"]],
        "",
        "## What was or was not shared",
        "",
        _line("What", sharing["what"]),
        _line("With whom", sharing["with_whom"]),
        _line("How", sharing["how"]),
        _line("When", sharing["when"]),
        _line("Lawful basis", sharing["lawful_basis"]),
        _line("Rationale", sharing["rationale"]),
        _line("Family informed", informed),
        _line("Why the family was not informed", sharing["family_not_informed_reason"]),
        "",
        "## Questions and answers",
        "",
    ]
    for segment in record["route"]:
        out += [
            f"{n}. {md_block(a['text'], '   ')} — **{md_block(a['answer_label'], '   ')}**"
            for n, a in enumerate(segment["answers"], 1)
        ]
        out.append("")
    out += [
        f"{n}. {md_block(a['text'], '   ')} — **{md_block(a['answer_label'], '   ')}**"
        for n, a in enumerate(record["answers"], 1)
    ]
    if record["changes"]:
        out += ["", "### Answers changed during the session", ""]
        out += [f"- {md_escape(c)}" for c in record["changes"]]
    out += ["", "## Guidance cited", ""]
    for c in outcome["citations"]:
        out += [
            f"> {md_block(c['quote'], '> ')}",
            ">",
            f"> — {md_escape(c['title'])}, {md_escape(c['publisher'])} "
            f"({md_escape(c['edition'])}), "
            f"{md_escape(c['section'])}. <{c['url']}>",
            "",
        ]
    out += [
        "## Integrity",
        "",
        f"Checksum of the JSON form: `{record['checksum']}` "
        "(check it with `sharewizard verify` on this file)",
        "",
        "",
    ]
    return "\n".join(out)


def render(record: Mapping[str, Any], fmt: str) -> str:
    """The record in the chosen format."""
    return to_markdown(record) if fmt == "md" else to_json(record)


def write_record(record: Mapping[str, Any], path: Path, fmt: str, *, force: bool = False) -> Path:
    """Write atomically, owner-only, refusing to overwrite unless `force`."""
    return write_private(path, render(record, fmt), force=force)


# --- canonical form and timestamps ----------------------------------------------------------


def canonical_json(record: Mapping[str, Any], leave_out: tuple[str, ...]) -> bytes:
    """The canonical JSON (sorted keys, no spaces, UTF-8) of every field not in `leave_out`."""
    body = {k: v for k, v in record.items() if k not in leave_out}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_timestamp(text: str) -> str:
    """An ISO 8601 time → `YYYY-MM-DDTHH:MM:SSZ` in UTC; refuse times before 1970 or after 9999.

    A time without an offset is taken as UTC. Raises `UsageError` (exit 2) naming --timestamp.
    """
    from sharewizard.errors import UsageError

    shown = repr(text[:80])
    given = text.strip()
    if given.endswith(("z", "Z")):
        given = given[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise UsageError(
            f"{shown} is not an ISO 8601 time.",
            Location(field="--timestamp"),
            "For example 2026-11-23T09:00:00Z.",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or utc.year > 9999 or utc < EARLIEST:
        raise UsageError(
            f"{shown} is outside the times a record can hold (1970 to 9999, in UTC).",
            Location(field="--timestamp"),
            "For example 2026-11-23T09:00:00Z.",
        )
    return utc_timestamp(utc)
