"""Decision records: build, checksum, verify, and write them as JSON or Markdown."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

from sharewizard import __version__
from sharewizard.core import engine
from sharewizard.core.errors import Location, RecordError, TamperedRecord
from sharewizard.core.model import Answer, Catalogue, Decision, Flow, Outcome, Progress, Question
from sharewizard.core.text import preview
from sharewizard.disk.files import PendingWrite, is_standard_output, start_private_write
from sharewizard.records.shape import (
    AnswerRow,
    CitationRow,
    FieldRow,
    FlowRef,
    Record,
    Sitting,
)

SCHEMA_VERSION = 3
#: The record versions `verify`, `note` and the register read (version 2: before case facts).
READABLE_VERSIONS = (2, 3)


def utc_timestamp(moment: datetime | None = None) -> str:
    """`2026-11-23T14:30:00Z`: UTC, ISO 8601, to the second."""
    moment = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_timestamp(created_at: str) -> str:
    """`2026-07-01T10:00:00+01:00`: a UTC time (`utc_timestamp`) in this machine's time zone."""
    moment = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return moment.astimezone().isoformat(timespec="seconds")


def _flow_ref(flow: Flow) -> FlowRef:
    return {
        "id": flow.id,
        "version": flow.version,
        "title": flow.title,
        "sha256": flow.sha256,
        "faq": {"number": flow.faq.number, "question": flow.faq.question},
    }


def _answer_rows(pairs: list[tuple[Question, Answer]]) -> list[AnswerRow]:
    return [
        {
            "question": q.id,
            "text": q.text,
            "answer": list(a) if isinstance(a, tuple) else a,
            "answer_label": q.label_of(a),
        }
        for q, a in pairs
    ]


def _field_rows(
    catalogue: Catalogue, decision: Decision
) -> tuple[list[FieldRow], list[str], list[str]]:
    """The record fields that apply to the outcome, the required ones left empty, the warnings.

    A warning is a true answer that sits badly with the outcome (record.yaml `warn`).
    """
    facts = {
        **engine.outcome_facts(decision.outcome, catalogue.record_form.decisions),
        **decision.facts,
    }
    applicable = engine.form_fields(catalogue.record_form.fields, decision.fields, facts)
    context = {**facts, **decision.fields}
    rows: list[FieldRow] = []
    missing: list[str] = []
    warnings: list[str] = []
    for question in applicable:
        given = decision.fields.get(question.id)
        if given not in (None, ""):
            warnings += engine.warnings(question, given, context)
        value = decision.fields.get(question.id)
        if value in (None, ""):
            value = None
            if question.required:
                missing.append(question.id)
        rows.append(
            {
                "id": question.id,
                "label": question.label or question.text,
                "question": question.text,
                "group": question.group,
                "value": list(value) if isinstance(value, tuple) else value,
                "text": None if value is None else question.label_of(value),
            }
        )
    return rows, missing, warnings


def _citation_rows(catalogue: Catalogue, outcome: Outcome) -> list[CitationRow]:
    sources = catalogue.sources
    return [
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
    ]


def build_record(
    decision: Decision,
    catalogue: Catalogue,
    *,
    created_at: str,
    record_id: str,
    sitting: Sitting | None = None,
    training: bool = False,
) -> Record:
    """The decision as a record, checksummed; `training` marks practice, not a real decision."""
    from sharewizard.flowfiles.loader import (
        flows_origin,  # lazily: the loader brings YAML (issue 14)
    )

    outcome = decision.outcome
    term = catalogue.record_form.decisions[outcome.decision]
    fields, missing, warnings = _field_rows(catalogue, decision)
    case = decision.facts
    record: Record = {
        "schema_version": SCHEMA_VERSION,
        "record_id": record_id,
        "created_at": created_at,
        "created_at_local": local_timestamp(created_at),  # what the Markdown and the note show
        "tool": {"name": "sharewizard", "version": __version__},
        "disclaimer": catalogue.record_form.disclaimer,
        "flows": flows_origin(catalogue),
        "sitting": sitting or {"id": record_id, "part": 1, "of": 1, "flows": [decision.flow.id]},
        "flow": _flow_ref(decision.flow),
        "route": [
            {
                "flow": _flow_ref(seg.flow),
                "answers": _answer_rows(engine.path_answers(seg.flow, Progress(seg.answers), case)),
            }
            for seg in decision.route
        ],
        "answers": _answer_rows(
            engine.path_answers(decision.flow, decision.progress, case)
            if decision.flow.questions
            else []
        ),
        "outcome": {
            "id": outcome.id,
            "decision": outcome.decision,
            "decision_label": term.label,
            "shares": term.shares,
            "without_consent": outcome.without_consent,
            "title": outcome.title,
            "summary": outcome.summary,
            "actions": list(outcome.actions),
            "now": outcome.now,
            "further": outcome.further,
            "tone": term.tone,
            "citations": _citation_rows(catalogue, outcome),
            "related_flows": list(outcome.related_flows),
        },
        "changes": list(decision.changes),
        "fields": fields,
        "missing": missing,
        "warnings": warnings,
        "checksum": "",
    }
    if training:
        record["training"] = True
    record["checksum"] = checksum(record)
    return record


def field_text(record: Mapping[str, Any], field_id: str) -> str | None:
    """The text of one record field (a choice's label), or None when empty or not asked."""
    for row in record.get("fields", ()):
        if row["id"] == field_id:
            text = row["text"]
            return None if text is None else str(text)
    return None


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
    except (TypeError, ValueError):  # content JSON cannot encode: no checksum can match it
        return False


def schema_problems(record: Any) -> list[str]:
    """Ways the record breaks the published record schema (empty when it conforms)."""
    from sharewizard.flowfiles.loader import schema_errors

    return [
        f"{'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in schema_errors("record", record)
    ]


def _embedded(text: str, path: Path) -> Record:
    """The record a Markdown record carries, checking no text a viewer shows was edited.

    The whole file must be what sharewizard writes for the record it carries, but for its line
    ends and trailing newlines (mail and editors on other systems change those): the readable
    text, and the data comment too, since data written differently (a `>` put back in place of
    its escape) could close the comment early and show text that no check sees.
    Never crashes on crafted data: the data must parse (within the limits) and match the record
    schema before anything is rebuilt from it and compared.
    """
    from sharewizard.records.render import MD_DATA_START, data_comment, embedded_json, markdown_body

    text = text.replace("\r\n", "\n").rstrip("\n") + "\n"
    data = embedded_json(text)
    if data is None and MD_DATA_START in text:
        raise TamperedRecord(
            "this Markdown record does not end with its record data: text was added after it, "
            "or the file was cut short.",
            Location(path),
            "Compare it with the original.",
        )
    if data is None:
        raise RecordError("this Markdown file carries no sharewizard record data.", Location(path))
    try:
        record = _parse_record(data, path)
    except RecordError as exc:  # lines inside the comment are not the file's lines
        raise RecordError(
            f"the record data in this Markdown file is damaged: {exc.message}",
            Location(path, field=exc.location.field),
        ) from None
    problems = schema_problems(record)
    if problems:
        raise RecordError(
            "the record data in this Markdown file is not a valid record: "
            f"{_shorten(problems[0])}.",
            Location(path),
        )
    try:
        body: str | None = markdown_body(record)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        body = None  # a shape the schema allows but the renderer does not: it cannot match
    if body is None or text[: text.find(MD_DATA_START)] != body:
        raise TamperedRecord(
            "the readable text of this Markdown record was changed after it was written.",
            Location(path),
            "Compare it with the original.",
        )
    if text[len(body) :] != data_comment(record):
        raise TamperedRecord(
            "the record data at the end of this Markdown record is not written as sharewizard "
            "writes it (a `>` in it, say), so a Markdown viewer could show text no check sees.",
            Location(path),
            "Compare it with the original.",
        )
    return record


def _parse_record(text: str, path: Path) -> Record:
    from sharewizard.flowfiles.yamldoc import RECORD_LIMITS, parse_json

    record = parse_json(text, path, RecordError, RECORD_LIMITS).data
    found = record.get("schema_version") if isinstance(record, dict) else None
    if found not in READABLE_VERSIONS or isinstance(found, bool):
        readable = " and ".join(map(str, READABLE_VERSIONS))
        raise RecordError(
            f"schema_version is {preview(found)}; this sharewizard reads {readable}.",
            Location(path, field="schema_version"),
        )
    return cast(Record, record)


def load_record(path: Path) -> Record:
    """Read a JSON (or Markdown) record; refuse unreadable files and unknown schema versions.

    Every problem is a `RecordError` (a `TamperedRecord` for edited Markdown text): only regular
    files up to 5 MB are read, and the JSON is strict, within the limits in `yamldoc`.
    """
    from sharewizard.flowfiles.yamldoc import RECORD_LIMITS, decode_text, read_regular

    text = decode_text(read_regular(path, RECORD_LIMITS, RecordError), path, RecordError)
    from sharewizard.records.render import FORMATS, format_of

    if format_of(path) is FORMATS["md"]:
        return _embedded(text, path)
    return _parse_record(text, path)


def load_valid_record(path: Path) -> Record:
    """`load_record`, refusing a record that breaks the record schema (exit 2), as `verify` does.

    What is rendered from a record (a case note) may then rely on its shape.
    """
    record = load_record(path)
    problems = schema_problems(record)
    if problems:
        raise RecordError(
            f"not a valid sharewizard record: {_shorten(problems[0])}.",
            Location(path),
            "Check it with `sharewizard verify`.",
        )
    return record


def part_path(path: Path, part: int) -> Path:
    """Where decision `part` of a sitting goes when its first goes to `path`: x.json, x-2.json...

    The one naming rule of every writer: `decide` (`--out`, `--save-answers`), `replay` and
    `train --record`.
    """
    if part == 1 or is_standard_output(path):  # `-`: every record of the sitting, in turn
        return path
    return path.with_name(f"{path.stem}-{part}{path.suffix}")


def write_record(
    record: Record,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    done: str = "nothing was written",
) -> Path:
    """Write atomically, owner-only, refusing to overwrite unless `force`."""
    return start_record_write(record, path, fmt, force=force, done=done).finish()


def start_record_write(
    record: Record,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    option: str = "--out",
    done: str = "nothing was written",
) -> PendingWrite:
    """`write_record` up to the wait for the disk, which `finish()` on the result does.

    `option` is the one a refusal's hint names (replay's records go to `--out-dir`); `done`
    says what a failure leaves written.
    """
    from sharewizard.records.render import render

    return start_private_write(path, render(record, fmt), force=force, option=option, done=done)


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
    from sharewizard.core.errors import UsageError

    shown = preview(text)
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
        utc: datetime | None = moment.astimezone(timezone.utc)
    except OverflowError:
        utc = None
    if utc is None or utc.year > 9999 or utc < EARLIEST:
        raise UsageError(
            f"{shown} is outside the times a record can hold (1970 to 9999, in UTC).",
            Location(field="--timestamp"),
            "For example 2026-11-23T09:00:00Z.",
        )
    return utc_timestamp(utc)
