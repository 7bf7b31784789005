"""Answers files: read them (YAML or JSON, with positions for errors) and write them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sharewizard.errors import AnswersError, Location
from sharewizard.files import write_private
from sharewizard.loader import YamlDocument, check_schema, read_yaml
from sharewizard.model import Answer, Catalogue, Flow

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class AnswersFile:
    """A parsed answers file; `doc` keeps positions for error messages."""

    path: Path
    flow_id: str
    flow_version: str | None
    answers: dict[str, Any]
    record: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)
    doc: YamlDocument | None = None

    def locate(self, dotted: str | None) -> Location:
        """The file position of a field such as `answers.concern`, when known."""
        if self.doc is None or not dotted:
            return Location(self.path, field=dotted)
        return self.doc.locate(tuple(dotted.split(".")))


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
    flow = doc.data["flow"]
    flow_id, version = (flow, None) if isinstance(flow, str) else (flow["id"], flow.get("version"))
    return AnswersFile(
        path=doc.path,
        flow_id=flow_id,
        flow_version=None if version is None else str(version),
        answers=dict(doc.data["answers"]),
        record=dict(doc.data.get("record") or {}),
        expect=dict(doc.data.get("expect") or {}),
        doc=doc,
    )


def load_answers(path: Path) -> AnswersFile:
    """Read an answers file from disk."""
    return parse_answers(read_yaml(path, AnswersError))


def resolve_flow(catalogue: Catalogue, answers: AnswersFile) -> Flow:
    """The flow an answers file names, refusing unknown flows and version mismatches."""
    flow = catalogue.flows.get(answers.flow_id)
    if flow is None:
        raise AnswersError(
            f"unknown flow {answers.flow_id!r}.",
            answers.locate("flow"),
            f"Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    if answers.flow_version is not None and answers.flow_version != flow.version:
        raise AnswersError(
            f"recorded against version {answers.flow_version} of {flow.id!r}, "
            f"but the flow is now version {flow.version}.",
            answers.locate("flow.version"),
            "Check the answers still fit the changed flow, then update the version.",
        )
    return flow


def _plain(value: Answer) -> Any:
    return list(value) if isinstance(value, tuple) else value


def dump_answers(
    flow: Flow,
    answers: dict[str, Answer],
    record: dict[str, Answer],
    expect: dict[str, str] | None = None,
) -> str:
    """An answers file as YAML text, in the order the questions were asked."""
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "flow": {"id": flow.id, "version": flow.version},
        "answers": {k: _plain(v) for k, v in answers.items()},
    }
    if record:
        data["record"] = {k: _plain(v) for k, v in record.items()}
    if expect:
        data["expect"] = dict(expect)
    header = (
        f"# sharewizard answers file: replay with `sharewizard decide {flow.id} --answers "
        "FILE` or `sharewizard replay FILE`\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_answers(path: Path, text: str, *, force: bool = False) -> Path:
    """Write an answers file atomically and owner-only (it may hold case details)."""
    return write_private(path, text, force=force)
