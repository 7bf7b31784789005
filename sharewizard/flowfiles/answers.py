"""Answers files: read them (YAML or JSON, with positions for errors) and write them.

One format serves recorded answers (`--answers`, `replay`), the answers file saved beside every
record, drafts and trainers' case studies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sharewizard.core.errors import AnswersError, Location
from sharewizard.core.model import Answer, Catalogue, Flow
from sharewizard.core.text import preview, unknown_name_hint
from sharewizard.disk.files import write_private
from sharewizard.flowfiles.loader import YamlDocument, check_schema, read_yaml
from sharewizard.flowfiles.yamldoc import dotted_path

SCHEMA_VERSION = 1

RouteAnswers = tuple[tuple[str, dict[str, Any]], ...]


@dataclass(frozen=True)
class Part:
    """One decision of an answers file: a flow, its answers, record fields and expectations."""

    flow_id: str
    flow_version: str | None
    answers: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    where: str = ""  # the dotted path of this part in the file ("" or "then.0")


@dataclass(frozen=True)
class AnswersFile:
    """A parsed answers file; `doc` keeps positions for error messages."""

    path: Path
    flow_id: str
    flow_version: str | None
    answers: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    route: RouteAnswers = ()
    then: tuple[Part, ...] = ()
    case: dict[str, Any] | None = None
    started_at: str | None = None
    sitting_id: str | None = None  # drafts of a sitting: its id...
    recorded: tuple[str, ...] = ()  # ...and the records already written, of its first parts
    doc: YamlDocument | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every decision the file holds, in order: the first, then `then`."""
        first = Part(self.flow_id, self.flow_version, self.answers, self.record, self.expect)
        return (first, *self.then)

    def locate(self, dotted: str | None) -> Location:
        """The file position of a field such as `answers.concern`, when known."""
        if self.doc is None or not dotted:
            return Location(self.path, field=dotted)
        return self.doc.locate(dotted_path(dotted))

    def places(self, part: Part | None = None) -> dict[str, str]:
        """Where each flow's answers sit in the file, for a part: its own, and the route's."""
        part = part or self.parts[0]
        own = f"{part.where}.answers" if part.where else "answers"
        return {**{flow_id: f"route.{flow_id}" for flow_id, _ in self.route}, part.flow_id: own}

    def located(self, error: AnswersError, part: Part | None = None) -> AnswersError:
        """`error` (naming a field such as `answers.concern`) placed at its line in this file.

        Errors about other files come back as they are. `part` is the decision the error is
        about, whose record fields sit under its own place in the file.
        """
        if error.location.path not in (None, str(self.path)):
            return error
        field_name = error.location.field or ""
        if part is not None and part.where and field_name.startswith("record."):
            field_name = f"{part.where}.{field_name}"
        where = self.locate(field_name)
        return AnswersError(
            error.message, Location(where.path, where.line, where.column, field_name), error.hint
        )


def _flow_ref(raw: Any) -> tuple[str, str | None]:
    if isinstance(raw, str):
        return raw, None
    version = raw.get("version")
    return raw["id"], None if version is None else str(version)


def parse_answers(doc: YamlDocument) -> AnswersFile:
    """A parsed YAML/JSON document → AnswersFile, checked against the answers schema."""
    if not isinstance(doc.data, dict):
        raise AnswersError(
            "an answers file must be a mapping with `flow` and `answers`.",
            Location(doc.path),
            "See `sharewizard schema answers`.",
        )
    if "record_id" in doc.data and "outcome" in doc.data:
        raise AnswersError(
            "this is a decision record, not an answers file.",
            Location(doc.path),
            "Replay the *.answers.yaml file saved beside it instead.",
        )
    check_schema(doc, "answers", AnswersError)
    data = doc.data
    flow_id, version = _flow_ref(data["flow"])
    then = tuple(
        Part(
            *_flow_ref(part["flow"]),
            dict(part["answers"]),
            dict(part.get("record") or {}),
            dict(part.get("expect") or {}),
            where=f"then.{index}",
        )
        for index, part in enumerate(data.get("then") or ())
    )
    return AnswersFile(
        path=doc.path,
        flow_id=flow_id,
        flow_version=version,
        answers=dict(data["answers"]),
        record=dict(data.get("record") or {}),
        expect=dict(data.get("expect") or {}),
        route=tuple((k, dict(v)) for k, v in (data.get("route") or {}).items()),
        then=then,
        case=data.get("case"),
        started_at=data.get("started_at"),
        sitting_id=(data.get("sitting") or {}).get("id"),
        recorded=tuple((data.get("sitting") or {}).get("recorded") or ()),
        doc=doc,
    )


def load_answers(path: Path) -> AnswersFile:
    """Read an answers file from disk."""
    return parse_answers(read_yaml(path, AnswersError))


def resolve_flow(catalogue: Catalogue, answers: AnswersFile, part: Part | None = None) -> Flow:
    """The flow a part names, refusing unknown flows and version mismatches."""
    part = part or answers.parts[0]
    prefix = f"{part.where}." if part.where else ""
    flow = catalogue.flows.get(part.flow_id)
    if flow is None:
        raise AnswersError(
            f"unknown flow {preview(part.flow_id)}.",
            answers.locate(f"{prefix}flow"),
            unknown_name_hint(part.flow_id, catalogue.flows),
        )
    if part.flow_version is not None and part.flow_version != flow.version:
        raise AnswersError(
            f"recorded against version {preview(part.flow_version)} of {preview(flow.id)}, "
            f"but the flow is now version {flow.version}.",
            answers.locate(f"{prefix}flow.version"),
            "Check the answers still fit the changed flow, then update the version.",
        )
    return flow


def _plain(value: object) -> Any:
    return list(value) if isinstance(value, tuple) else value


ThenPart = tuple[Flow, Mapping[str, Answer], Mapping[str, object]]  # a flow, answers, record


def dump_answers(
    flow: Flow,
    answers: Mapping[str, Answer],
    record: Mapping[str, object],
    expect: Mapping[str, str] | None = None,
    *,
    route: tuple[tuple[Flow, Mapping[str, Answer]], ...] = (),
    then: tuple[ThenPart, ...] = (),
    sitting: tuple[str, tuple[str, ...]] | None = None,
    started_at: str | None = None,
    prog: str = "sharewizard",
) -> str:
    """An answers file as YAML text, in the order the questions were asked.

    `then` are the sitting's further decisions; `sitting` (drafts only) its id and the records
    already written, which `decide --resume` neither asks nor writes again.
    """
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "flow": {"id": flow.id, "version": flow.version},
    }
    if route:
        data["route"] = {f.id: {k: _plain(v) for k, v in a.items()} for f, a in route}
    data["answers"] = {k: _plain(v) for k, v in answers.items()}
    if record:
        data["record"] = {k: _plain(v) for k, v in record.items()}
    if expect:
        data["expect"] = dict(expect)
    if then:
        data["then"] = [_then_part(*part) for part in then]
    if sitting is not None:
        data["sitting"] = {"id": sitting[0], "recorded": list(sitting[1])}
    if started_at:
        data["started_at"] = started_at
    header = (
        f"# sharewizard answers file: replay with `{prog} decide --answers FILE` "
        f"or `{prog} replay FILE`\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _then_part(
    flow: Flow, answers: Mapping[str, Answer], record: Mapping[str, object]
) -> dict[str, Any]:
    part: dict[str, Any] = {"flow": {"id": flow.id, "version": flow.version}}
    part["answers"] = {k: _plain(v) for k, v in answers.items()}
    if record:
        part["record"] = {k: _plain(v) for k, v in record.items()}
    return part


def write_answers(
    path: Path,
    text: str,
    *,
    force: bool = False,
    option: str = "--save-answers",
    done: str = "nothing was written",
) -> Path:
    """Write an answers file atomically and owner-only (it may hold case details)."""
    return write_private(path, text, force=force, option=option, done=done)
