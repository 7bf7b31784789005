"""Answers files: read them (YAML or JSON, with positions for errors) and write them.

One format serves recorded answers (`--answers`, `replay`), the answers file saved beside every
sitting's records, drafts and trainers' case studies. Version 2 holds one sitting: its case facts,
the triage's answers and each decision in turn. Version 1 files (one flow, `then` for the others)
are still read, as sittings of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sharewizard.core.errors import AnswersError, Location
from sharewizard.core.model import Answer, Catalogue, Draft, Flow, HalfTyped
from sharewizard.core.text import preview, unknown_name_hint
from sharewizard.disk.files import write_private
from sharewizard.flowfiles.loader import YamlDocument, check_schema, read_yaml
from sharewizard.flowfiles.yamldoc import dotted_path

SCHEMA_VERSION = 2

RouteAnswers = tuple[tuple[str, dict[str, Any]], ...]


@dataclass(frozen=True)
class Part:
    """One decision of an answers file: its flow, answers, record fields and expectations.

    `flow_id` is the flow it starts in (None: the opening stopped the sitting); `where` its dotted
    place in the file (`decisions.0`; in version 1, "" or `then.0`).
    """

    flow_id: str | None
    flow_version: str | None
    answers: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    where: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    also: tuple[str, ...] = ()  # the flows its outcome added to the sitting, decided next


@dataclass(frozen=True)
class AnswersFile:
    """A parsed answers file (one sitting); `doc` keeps positions for error messages."""

    path: Path
    parts: tuple[Part, ...]
    facts: dict[str, Any] = field(default_factory=dict)
    route: RouteAnswers = ()
    expect: dict[str, str] = field(default_factory=dict)  # the sitting's: `refused`
    case: dict[str, Any] | None = None
    started_at: str | None = None
    sitting_id: str | None = None  # drafts of a sitting: its id...
    recorded: tuple[str, ...] = ()  # ...the records already written, of its first decisions...
    at: int | None = None  # ...the decision under way...
    record_later: bool = False  # ...kept at an urgent outcome, to finish the record later...
    half_typed: HalfTyped | None = None  # ...and what was being typed when it stopped
    origins: dict[str, str] = field(default_factory=dict)  # `profile` for values not asked
    version: int = SCHEMA_VERSION
    doc: YamlDocument | None = None

    @property
    def flow_id(self) -> str | None:
        """The flow the file names: the triage's, else the first decision's (version 1: `flow`)."""
        if self.version == 1:
            return self.parts[0].flow_id
        if self.route:
            return self.route[0][0]
        return next((p.flow_id for p in self.parts if p.flow_id), None)

    def locate(self, dotted: str | None) -> Location:
        """The file position of a field such as `decisions.0.answers.concern`, when known."""
        if self.doc is None or not dotted:
            return Location(self.path, field=dotted)
        return self.doc.locate(dotted_path(dotted))

    def located(self, error: AnswersError) -> AnswersError:
        """`error` (naming a field such as `facts.role`) placed at its line in this file.

        Errors about other files come back as they are.
        """
        if error.location.path not in (None, str(self.path)):
            return error
        field_name = error.location.field or ""
        where = self.locate(field_name)
        return AnswersError(
            error.message, Location(where.path, where.line, where.column, field_name), error.hint
        )


def _flow_ref(raw: Any) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, str):
        return raw, None
    version = raw.get("version")
    return raw["id"], None if version is None else str(version)


def parse_answers(doc: YamlDocument) -> AnswersFile:
    """A parsed YAML/JSON document → AnswersFile, checked against its version's schema."""
    if not isinstance(doc.data, dict):
        raise AnswersError(
            "an answers file must be a mapping with `facts` and `decisions`.",
            Location(doc.path),
            "See `sharewizard schema answers`.",
        )
    if "record_id" in doc.data and "outcome" in doc.data:
        raise AnswersError(
            "this is a decision record, not an answers file.",
            Location(doc.path),
            "Replay the *.answers.yaml file saved beside it instead.",
        )
    if doc.data.get("schema_version") == SCHEMA_VERSION:
        check_schema(doc, "answers", AnswersError)
        return _version_2(doc)
    check_schema(doc, "answers-v1", AnswersError)
    return _version_1(doc)


def _version_2(doc: YamlDocument) -> AnswersFile:
    data = doc.data
    parts = tuple(
        Part(
            *_flow_ref(raw.get("flow")),
            dict(raw.get("answers") or {}),
            dict(raw.get("record") or {}),
            dict(raw.get("expect") or {}),
            where=f"decisions.{index}",
            facts=dict(raw.get("facts") or {}),
            also=tuple(raw.get("also") or ()),
        )
        for index, raw in enumerate(data["decisions"])
    )
    sitting = data.get("sitting") or {}
    return AnswersFile(
        path=doc.path,
        parts=parts,
        facts=dict(data.get("facts") or {}),
        route=tuple((k, dict(v)) for k, v in (data.get("route") or {}).items()),
        expect=dict(data.get("expect") or {}),
        case=data.get("case"),
        started_at=data.get("started_at"),
        sitting_id=sitting.get("id"),
        recorded=tuple(sitting.get("recorded") or ()),
        at=sitting.get("at"),
        record_later=bool(sitting.get("record_later")),
        half_typed=_half_typed(sitting.get("half_typed")),
        origins={k: "from your profile" for k in sitting.get("from") or {}},
        doc=doc,
    )


def _half_typed(raw: dict[str, str] | None) -> HalfTyped | None:
    """A draft's text typed but not confirmed when it stopped (drafts written before have none)."""
    return HalfTyped(raw["field"], raw["text"]) if raw else None


def _version_1(doc: YamlDocument) -> AnswersFile:
    """A version 1 file: `flow`/`answers`/`record`/`expect`, then `then`: one part each."""
    data = doc.data
    first = Part(
        *_flow_ref(data["flow"]),
        dict(data["answers"]),
        dict(data.get("record") or {}),
        dict(data.get("expect") or {}),
    )
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
    sitting = data.get("sitting") or {}
    return AnswersFile(
        path=doc.path,
        parts=(first, *then),
        route=tuple((k, dict(v)) for k, v in (data.get("route") or {}).items()),
        case=data.get("case"),
        started_at=data.get("started_at"),
        sitting_id=sitting.get("id"),
        recorded=tuple(sitting.get("recorded") or ()),
        version=1,
        doc=doc,
    )


def load_answers(path: Path) -> AnswersFile:
    """Read an answers file from disk."""
    return parse_answers(read_yaml(path, AnswersError))


def resolve_flow(catalogue: Catalogue, answers: AnswersFile, part: Part) -> Flow | None:
    """The flow a part names (None: the opening stopped it).

    Unknown flows and version mismatches are refused.
    """
    if part.flow_id is None:
        return None
    place = f"{part.where}.flow" if part.where else "flow"
    flow = catalogue.flows.get(part.flow_id)
    if flow is None:
        raise AnswersError(
            f"unknown flow {preview(part.flow_id)}.",
            answers.locate(place),
            unknown_name_hint(part.flow_id, catalogue.flows),
        )
    if part.flow_version is not None and part.flow_version != flow.version:
        raise AnswersError(
            f"recorded against version {preview(part.flow_version)} of {preview(flow.id)}, "
            f"but the flow is now version {flow.version}.",
            answers.locate(f"{place}.version"),
            "Check the answers still fit the changed flow, then update the version.",
        )
    return flow


def _plain(value: object) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _plain_map(values: Mapping[str, Answer | object]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in values.items()}


def dump_answers(
    catalogue: Catalogue,
    draft: Draft,
    *,
    expect: bool = False,
    sitting: tuple[str, tuple[str, ...]] | None = None,
    record_later: bool = False,
    started_at: str | None = None,
    prog: str = "sharewizard",
) -> str:
    """A sitting as an answers file (version 2), in the order it was asked.

    `expect` adds each decision's outcome (replayed with `--check`); `sitting` (drafts only) is
    its id and the records already written, which `decide --resume` neither asks nor writes
    again, with the decision under way and the text half-typed when it stopped.
    """
    flows = catalogue.flows
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "facts": _plain_map(draft.facts)}
    if draft.route:
        data["route"] = {flow_id: _plain_map(answers) for flow_id, answers in draft.route}
    decisions = []
    for part in draft.decisions:
        item: dict[str, Any] = {}
        if part.flow_id is not None and part.flow_id in flows:
            item["flow"] = {"id": part.flow_id, "version": flows[part.flow_id].version}
        item["answers"] = _plain_map(part.answers)
        if part.facts:
            item["facts"] = _plain_map(part.facts)
        if part.fields:
            item["record"] = _plain_map(part.fields)
        if part.also:
            item["also"] = list(part.also)
        if expect and part.outcome is not None:
            item["expect"] = {"outcome": part.outcome, "decision": part.decision}
            if part.flow is not None and part.flow != part.flow_id:
                item["expect"]["flow"] = part.flow
        decisions.append(item)
    data["decisions"] = decisions or [{"answers": {}}]
    if sitting is not None:
        data["sitting"] = {"id": sitting[0], "recorded": list(sitting[1]), "at": draft.at}
        if record_later:
            data["sitting"]["record_later"] = True
        if draft.half_typed is not None:
            typed = draft.half_typed
            data["sitting"]["half_typed"] = {"field": typed.field, "text": typed.text}
        profile = {k: "profile" for k, v in draft.origins.items() if v == "from your profile"}
        if profile:
            data["sitting"]["from"] = profile
    if started_at:
        data["started_at"] = started_at
    header = (
        f"# sharewizard answers file: replay with `{prog} decide --answers FILE` "
        f"or `{prog} replay FILE`\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


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
