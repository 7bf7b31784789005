"""YAML files → model objects, with file:line:column on every error; flow discovery."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from sharewizard.core.errors import FlowError, Location, SharewizardError
from sharewizard.core.model import (
    NO,
    NOT_SURE,
    SITTING,
    YES,
    CaseFacts,
    Catalogue,
    Choice,
    Citation,
    Condition,
    Conflict,
    DecisionTerm,
    DerivedFact,
    Fact,
    Faq,
    FieldRule,
    Flow,
    Outcome,
    Policy,
    PolicyRule,
    PolicyTerm,
    Question,
    RecordForm,
    Route,
    Source,
    Wording,
)
from sharewizard.core.text import preview
from sharewizard.flowfiles import flowrules
from sharewizard.flowfiles.flowrules import Problem
from sharewizard.flowfiles.flowsdir import FLOWS_ENV, default_flows_dir
from sharewizard.flowfiles.yamldoc import (
    JsonPath as JsonPath,  # re-exported: imported from here too
)
from sharewizard.flowfiles.yamldoc import YamlDocument as YamlDocument
from sharewizard.flowfiles.yamldoc import _index_nodes as _index_nodes
from sharewizard.flowfiles.yamldoc import _Loader as _Loader
from sharewizard.flowfiles.yamldoc import format_path as format_path
from sharewizard.flowfiles.yamldoc import parse_yaml as parse_yaml
from sharewizard.flowfiles.yamldoc import read_yaml as read_yaml

SOURCES_FILE = "sources.yaml"
RECORD_FORM_FILE = "record.yaml"
FACTS_FILE = "facts.yaml"
POLICY_FILE = "policy.yaml"
#: The files of a flows folder that are not flows.
NOT_FLOWS = (SOURCES_FILE, RECORD_FORM_FILE, FACTS_FILE, POLICY_FILE)
TRIAGE_FLOW = "triage"


def schema(name: str) -> dict[str, Any]:
    """One of the published JSON Schemas (`flow`, `record`, `answers`...), a copy of its own.

    A copy, so that no caller can change the schema the checks use (a shared dict changed in
    place once switched the answers fast check off for the rest of the process).
    """
    loaded: dict[str, Any] = json.loads(_schema_text(name))
    return loaded


@functools.cache
def _schema_text(name: str) -> str:
    return (
        resources.files("sharewizard.flowfiles")
        .joinpath("schemas", f"{name}.schema.json")
        .read_text()
    )


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema  # imported lazily: only loading and checking need it

    return jsonschema.Draft202012Validator(_inline_refs(schema(name)))


def _inline_refs(node: Any, root: Any = None, seen: tuple[str, ...] = ()) -> Any:
    """The schema with local `$ref`s replaced by what they name (recursive ones kept).

    Resolving a `$ref` costs more than checking what it names; inlined, a 10,000-question
    flow validates in a fraction of the time, with the same errors.
    """
    root = node if root is None else root
    if isinstance(node, list):
        return [_inline_refs(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1 and ref not in seen:
        target = root["$defs"][ref[len("#/$defs/") :]]
        return _inline_refs(target, root, (*seen, ref))
    return {key: _inline_refs(value, root, seen) for key, value in node.items()}


def schema_errors(name: str, data: Any) -> list[Any]:
    """Schema validation errors for `data`, most specific first."""
    errors = list(_validator(name).iter_errors(data))
    return sorted(errors, key=lambda e: (-len(e.absolute_path), str(e.absolute_path)))


# Schemas checked first by the fast check: answers files, read by the thousand in a replay.
# Flows are checked once per change and cached, and whether `jsonschema` was imported is how
# tests see that a flow was checked again.
FAST_CHECKED = ("answers", "answers-v1")


@functools.cache
def fast_accept(name: str) -> Callable[[Any], bool] | None:
    """A quick check true only for data the schema accepts (None: no fast check for it)."""
    if name not in FAST_CHECKED:
        return None
    from sharewizard.flowfiles.schemacheck import compile_accept

    return compile_accept(schema(name))


def check_schema(doc: YamlDocument, name: str, kind: type[SharewizardError] = FlowError) -> None:
    """Validate a parsed document against a published schema; raise on the first problem.

    Data the fast check accepts is valid; anything else goes through jsonschema, whose first
    error is reported.
    """
    accepts = fast_accept(name)
    if accepts is not None and accepts(doc.data):
        return
    errors = schema_errors(name, doc.data)
    if not errors:
        return
    error = errors[0]
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        raise doc.error(
            path + (extra[0],),
            f"unknown field {preview(extra[0])}.",
            f"Allowed here: {', '.join(sorted(allowed))}.",
            key=True,
            kind=kind,
        )
    if error.validator == "required":
        raise doc.error(path, error.message + ".", "Add it.", kind=kind)
    if error.validator == "oneOf" and path and path[-1] == "next":
        raise doc.error(
            path,
            "`next` must be a question or outcome id, a mapping of answer to id, "
            "or a list of {when, goto} rules.",
            "Ids use lower-case letters, digits and hyphens; `flow:<id>` hands over to a flow.",
        )
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        raise doc.error(
            path,
            f"{preview(error.instance)} is not allowed here.",
            f"Use one of: {choices}.",
            kind=kind,
        )
    if error.validator == "type":
        value = error.validator_value
        wanted = " or ".join(value) if isinstance(value, list) else str(value)
        message = f"must be {_A_TYPE.get(wanted, wanted)}, not {_json_type(error.instance)}"
    else:
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    raise doc.error(path, message + ".", f"See `sharewizard schema {name}`.", kind=kind)


_A_TYPE = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number"}


def _json_type(value: Any) -> str:
    for kind, name in (
        (bool, "true/false"),
        (dict, "a mapping"),
        (list, "a list"),
        (str, "text"),
        (int, "a number"),
        (float, "a number"),
    ):
        if isinstance(value, kind):
            return name
    return "empty" if value is None else type(value).__name__


# --- conditions and routes -------------------------------------------------------------------


def parse_condition(raw: Any) -> Condition:
    """Parse `{q: v}`, `{q: [v, w]}`, `{all: [...]}`, `{any: [...]}` or `{not: ...}`.

    Several keys in one mapping must all hold. The shape was checked first
    (`flowrules.condition_shape_problems`).
    """
    parts = []
    for key, value in raw.items():
        if key in ("all", "any"):
            parts.append(Condition(kind=key, parts=tuple(parse_condition(v) for v in value)))
        elif key == "not":
            parts.append(Condition(kind="not", parts=(parse_condition(value),)))
        else:
            values = value if isinstance(value, list) else [value]
            parts.append(
                Condition(kind="equals", question=str(key), values=tuple(map(str, values)))
            )
    return parts[0] if len(parts) == 1 else Condition(kind="all", parts=tuple(parts))


def _parse_routes(raw: Any, qid: str) -> tuple[Route, ...]:
    if isinstance(raw, str):
        return (Route(goto=raw),)
    if isinstance(raw, dict):
        return tuple(
            Route(goto=target, when=Condition(kind="equals", question=qid, values=(str(value),)))
            for value, target in raw.items()
        )
    return tuple(
        Route(goto=rule["goto"], when=parse_condition(rule["when"]) if "when" in rule else None)
        for rule in raw
    )


# --- citations, questions, outcomes -----------------------------------------------------------


def _citations(raw: list[dict[str, Any]] | None) -> tuple[Citation, ...]:
    return tuple(Citation(c["source"], c["section"], c["quote"].strip()) for c in raw or ())


def _choices(raw: dict[str, Any]) -> tuple[Choice, ...]:
    if raw["type"] == "yesno":
        fixed = (Choice(YES, "Yes"), Choice(NO, "No"))
        return fixed + ((Choice(NOT_SURE, "Not sure"),) if raw.get("not_sure") else ())
    return tuple(
        Choice(str(c["value"]), c["label"], c.get("help", "")) for c in raw.get("choices", ())
    )


def parse_question(raw: dict[str, Any]) -> Question:
    """One question mapping → Question, its shape checked first (`flowrules.question_problems`).

    Routes and `when` are included; their targets are checked once every question is parsed.
    """
    qid = raw["id"]
    routes = _parse_routes(raw["next"], qid) if "next" in raw else ()
    when = parse_condition(raw["when"]) if "when" in raw else None
    return Question(
        id=qid,
        text=raw["text"].strip(),
        type=raw["type"],
        choices=_choices(raw),
        routes=routes,
        help=raw.get("help", "").strip(),
        guidance=_citations(raw.get("guidance")),
        required=raw.get("required", True),
        min_length=raw.get("min_length", 0),
        max_length=raw.get("max_length"),
        when=when,
        fan_out=raw.get("fan_out", False),
        label=raw.get("label", "").strip(),
        group=raw.get("group", "sharing"),
        per_outcome=raw.get("per_outcome", False),
        profile=raw.get("profile", ""),
        refuse=_field_rules(raw.get("refuse", ())),
        warn=_field_rules(raw.get("warn", ())),
    )


def _field_rules(raw: Any) -> tuple[FieldRule, ...]:
    return tuple(
        FieldRule(
            values=tuple(map(str, rule["values"])),
            message=rule["message"].strip(),
            when=parse_condition(rule["when"]) if "when" in rule else None,
        )
        for rule in raw
    )


def parse_fact_node(raw: dict[str, Any], book: CaseFacts) -> Question:
    """A fact node (`- fact: id` and `next`): its fact's question, with the node's routes."""
    fact_id = raw["fact"]
    return replace(
        book.facts[fact_id].question, routes=_parse_routes(raw["next"], fact_id), fact=True
    )


def _parse_outcome(raw: dict[str, Any]) -> Outcome:
    return Outcome(
        id=raw["id"],
        decision=raw["decision"],
        title=raw["title"].strip(),
        summary=raw["summary"].strip(),
        actions=tuple(a.strip() for a in raw["actions"]),
        citations=_citations(raw["citations"]),
        related_flows=tuple(raw.get("related_flows", ())),
        without_consent=raw.get("without_consent", False),
        now=" ".join(raw.get("now", "").split()),
        further=" ".join(raw.get("further", "").split()),
        urgent=raw.get("urgent", False),
    )


# --- flows --------------------------------------------------------------------------------------


def check_flow(
    doc: YamlDocument,
    sources: set[str] | None = None,
    flow_ids: set[str] | None = None,
    decisions: set[str] | None = None,
    book: CaseFacts | None = None,
) -> tuple[list[Problem], dict[str, Question] | None]:
    """Every problem the flow rules find in a schema-valid flow, and its questions when sound.

    The rules run stage by stage (`flowrules`): ids, references, each question's shape and the
    fact nodes (against `book`, the folder's facts.yaml); then, when those found no error in the
    flow itself, the routes; then the graph. The questions come back only when every stage
    passed (reference errors aside).
    """
    book = book if book is not None else CaseFacts()
    problems = [
        *flowrules.id_problems(doc),
        *flowrules.reference_problems(doc, sources, flow_ids, decisions),
    ]
    shapes = [
        problem
        for i, raw in enumerate(doc.data["questions"])
        for problem in flowrules.question_problems(doc, raw, ("questions", i))
    ]
    shapes += flowrules.fact_node_problems(doc, book)
    problems += shapes
    if flowrules.any_error(flowrules.id_problems(doc)) or flowrules.any_error(shapes):
        return problems, None
    questions = {
        flowrules.node_id(q): parse_fact_node(q, book) if "fact" in q else parse_question(q)
        for q in doc.data["questions"]
    }
    found = list(flowrules.route_problems(doc, questions, book))
    problems += found
    if flowrules.any_error(found):
        return problems, None
    found = list(flowrules.graph_problems(doc, questions))
    problems += found
    if flowrules.any_error(found):
        return problems, None
    return problems, questions


def parse_flow(
    doc: YamlDocument,
    sources: set[str] | None = None,
    flow_ids: set[str] | None = None,
    decisions: set[str] | None = None,
    *,
    book: CaseFacts | None = None,
    schema_checked: bool = False,
) -> Flow:
    """A flow document → Flow; the first error the flow rules find is raised (see `check_flow`).

    `sources`, `flow_ids` and `decisions` are the ids the catalogue declares; without them
    references to other files are not checked. `book` is the folder's facts.yaml, which fact
    nodes read. `schema_checked` skips a schema check already made.
    """
    if not schema_checked:
        check_schema(doc, "flow")
    problems, questions = check_flow(doc, sources, flow_ids, decisions, book)
    flowrules.raise_first(doc, problems)
    assert questions is not None  # no error, so every stage ran
    return build_flow(doc, questions)


def build_flow(doc: YamlDocument, questions: dict[str, Question]) -> Flow:
    """The Flow of a checked flow document and its parsed questions."""
    data = doc.data
    return Flow(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"].strip(),
        description=data["description"].strip(),
        faq=Faq(data["faq"].get("number"), data["faq"]["question"].strip()),
        start=data["start"],
        questions=questions,
        outcomes={o["id"]: _parse_outcome(o) for o in data["outcomes"]},
        path=doc.path,
        sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
    )


def load_flow(
    path: Path,
    sources: set[str] | None = None,
    flow_ids: set[str] | None = None,
    decisions: set[str] | None = None,
) -> Flow:
    """Read, validate and parse one flow file (its fact nodes read the folder's facts.yaml)."""
    beside = path.parent / FACTS_FILE
    book = load_case_facts(beside) if beside.is_file() else None
    return parse_flow(read_yaml(path), sources, flow_ids, decisions, book=book)


# --- sources and the record form --------------------------------------------------------------


def load_sources(path: Path) -> dict[str, Source]:
    """`sources.yaml` → sources by id."""
    doc = read_yaml(path)
    check_schema(doc, "sources")
    flowrules.raise_first(doc, flowrules.source_problems(doc))
    return {
        raw["id"]: Source(
            raw["id"], raw["title"], raw["publisher"], str(raw["edition"]), raw["url"]
        )
        for raw in doc.data["sources"]
    }


def load_record_form(path: Path, book: CaseFacts | None = None) -> RecordForm:
    """`record.yaml` → the questions that complete a decision record.

    Its conditions may test the outcome, earlier fields, and the facts of `book` (facts.yaml);
    a field written `fact: <id>` is that fact, asked in the record form.
    """
    book = book if book is not None else CaseFacts()
    doc = read_yaml(path)
    check_schema(doc, "record-form")
    decisions: dict[str, DecisionTerm] = {}
    for index, raw in enumerate(doc.data["decisions"]):
        if raw["id"] in decisions:
            raise doc.error(("decisions", index, "id"), f"duplicate decision {preview(raw['id'])}.")
        decisions[raw["id"]] = DecisionTerm(
            raw["id"], raw["label"].strip(), raw["shares"], raw.get("tone", "")
        )
    for i, raw in enumerate(doc.data["fields"]):
        if "fact" in raw and raw["fact"] not in book.facts:
            raise doc.error(
                ("fields", i, "fact"),
                f"{preview(raw['fact'])} names no fact of facts.yaml.",
                f"Facts: {', '.join(book.facts) or 'none (there is no facts.yaml)'}.",
            )
        flowrules.raise_first(doc, flowrules.question_problems(doc, raw, ("fields", i)))
    fields = tuple(
        _fact_field(raw, book) if "fact" in raw else parse_question(raw)
        for raw in doc.data["fields"]
    )
    known: dict[str, Question] = flowrules.fact_names(book)
    for fact in outcome_fact_questions(decisions):
        known[fact.id] = fact
    asked: set[str] = set()
    for index, field in enumerate(fields):
        if field.id in asked or (field.id in known and not field.fact):
            raise doc.error(
                ("fields", index, "fact" if field.fact else "id"),
                f"duplicate or reserved id {preview(field.id)}.",
            )
        asked.add(field.id)
        known[field.id] = field  # a condition may only test fields asked before it
        here = ("fields", index)
        flowrules.raise_first(
            doc, flowrules.condition_problems(field.when, known, here + ("when",))
        )
        for kind in ("refuse", "warn"):
            for r, rule in enumerate(getattr(field, kind)):
                at = here + (kind, r)
                flowrules.raise_first(
                    doc, flowrules.condition_problems(rule.when, known, at + ("when",))
                )
                flowrules.raise_first(doc, flowrules.rule_value_problems(field, rule, at))
    return RecordForm(
        fields=fields, disclaimer=doc.data["disclaimer"].strip(), path=path, decisions=decisions
    )


def _fact_field(raw: dict[str, Any], book: CaseFacts) -> Question:
    """A record field written `fact: <id>`: the fact's question, asked in the record form.

    It is asked where both conditions hold: the field's `when` and the fact's own.
    """
    question = book.facts[raw["fact"]].question
    when = parse_condition(raw["when"]) if "when" in raw else None
    both = [c for c in (question.when, when) if c is not None]
    return replace(
        question,
        label=raw.get("label", "").strip() or question.text,
        when=both[0] if len(both) == 1 else Condition("all", parts=tuple(both)) if both else None,
        required=raw.get("required", True),
        refuse=_field_rules(raw.get("refuse", ())),
        warn=_field_rules(raw.get("warn", ())),
        fact=True,
    )


def outcome_fact_questions(decisions: dict[str, DecisionTerm]) -> list[Question]:
    """What record-form conditions may test about the outcome, as pseudo-questions."""
    yes_no = (Choice(YES, "Yes"), Choice(NO, "No"))
    return [
        Question("decision", "The decision", "choice", tuple(Choice(d, d) for d in decisions)),
        Question("outcome", "The outcome", "text"),
        Question("shares", "Information is shared", "yesno", yes_no),
        Question("without_consent", "Reached without consent", "yesno", yes_no),
    ]


def flow_files(directory: Path) -> list[Path]:
    """The flow files of a directory, in name order (sources and record form excluded).

    A folder, FIFO or device named `*.yaml` is no flow and is passed over; a symbolic link to
    nothing is refused, naming it, since it was surely meant to be one.
    """
    names = set(NOT_FLOWS)
    found = []
    for path in sorted(directory.glob("*.y*ml")):
        if path.is_symlink() and not path.exists():
            raise FlowError(
                "is a symbolic link to a file that does not exist.",
                Location(path),
                "Remove the link, or put back the flow it points to.",
            )
        if path.name not in names and path.is_file():
            found.append(path)
    return found


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and cross-check every flow, the sources and the record form in a directory."""
    directory = directory or default_flows_dir()
    if not directory.is_dir():
        raise FlowError(
            "no such flows directory.", Location(directory), f"Pass --flows DIR or set {FLOWS_ENV}."
        )
    return _load_catalogue_cached(directory.resolve(), folder_stamp(directory))


def folder_stamp(directory: Path) -> tuple[tuple[str, int], ...]:
    """Each YAML file of a flows folder with its modification time: a key that changes with it."""
    return tuple((p.name, _mtime(p)) for p in sorted(directory.glob("*.y*ml")))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:  # a link to nothing: reading the folder says which file it is
        return -1


@functools.lru_cache(maxsize=8)
def _load_catalogue_cached(directory: Path, _mtimes: tuple[tuple[str, int], ...]) -> Catalogue:
    """The catalogue of a folder: from the user cache when its files are known good."""
    from sharewizard.flowfiles import catalogue_cache

    key = catalogue_cache.catalogue_key(directory)
    cached = catalogue_cache.load(directory, key) if key else None
    if cached is not None:
        return cached
    catalogue = _check_catalogue(directory)
    if key:
        catalogue_cache.save(directory, key, catalogue)
    return catalogue


def _check_catalogue(directory: Path) -> Catalogue:
    """Read and check every file of a flows folder (schema, ids, routes, references).

    facts.yaml and policy.yaml are optional: a folder without them has no case facts (and its
    flows no fact nodes), and no policy.
    """
    sources = load_sources(directory / SOURCES_FILE)
    docs = [read_yaml(path) for path in flow_files(directory)]
    owners: dict[str, Path] = {}
    for doc in docs:
        check_schema(doc, "flow")
        clash = flowrules.flow_id_problem(doc, owners)
        flowrules.raise_first(doc, [clash] if clash else [])
        owners[doc.data["id"]] = doc.path
    facts_doc = read_yaml(directory / FACTS_FILE) if (directory / FACTS_FILE).exists() else None
    decision_ids = declared_decisions(directory / RECORD_FORM_FILE)
    book = (
        parse_case_facts(facts_doc, set(sources), decision_ids, set(owners))
        if facts_doc is not None
        else CaseFacts()
    )
    record_form = load_record_form(directory / RECORD_FORM_FILE, book)
    if facts_doc is not None:
        flowrules.raise_first(
            facts_doc, flowrules.conflict_problems(facts_doc, book, form_names(record_form))
        )
    decisions = set(record_form.decisions)
    flows = {
        doc.data["id"]: parse_flow(
            doc, set(sources), set(owners), decisions, book=book, schema_checked=True
        )
        for doc in docs
    }
    for doc, problem in flowrules.handoff_problems(flows, {doc.data["id"]: doc for doc in docs}):
        flowrules.raise_first(doc, [problem])
    policy_path = directory / POLICY_FILE
    policy = None
    if policy_path.exists():
        policy_doc = read_yaml(policy_path)
        check_schema(policy_doc, "policy")
        flowrules.raise_first(policy_doc, policy_problems(policy_doc, set(sources)))
        policy = build_policy(policy_doc)
        names = policy_names(book, record_form, flows.values(), policy)
        flowrules.raise_first(policy_doc, flowrules.policy_condition_problems(policy, names))
    triage = TRIAGE_FLOW if TRIAGE_FLOW in flows else None
    return Catalogue(directory, sources, flows, record_form, triage, book, policy)


def declared_decisions(path: Path) -> set[str]:
    """The decision ids record.yaml declares (checked fully when the record form is loaded)."""
    doc = read_yaml(path)
    check_schema(doc, "record-form")
    return {str(raw["id"]) for raw in doc.data["decisions"]}


def form_names(form: RecordForm) -> dict[str, Question]:
    """What a condition over one decision may test: its outcome facts and its record fields."""
    names = {q.id: q for q in outcome_fact_questions(form.decisions)}
    names.update({field.id: field for field in form.fields})
    return names


# --- the case facts and the policy -------------------------------------------------------------


def load_case_facts(
    path: Path,
    sources: set[str] | None = None,
    decisions: set[str] | None = None,
    flow_ids: set[str] | None = None,
) -> CaseFacts:
    """Read, validate and parse `facts.yaml` (its conflicts are checked with the record form)."""
    return parse_case_facts(read_yaml(path), sources, decisions, flow_ids)


def check_case_facts(
    doc: YamlDocument,
    sources: set[str] | None = None,
    decisions: set[str] | None = None,
    flow_ids: set[str] | None = None,
) -> tuple[list[Problem], CaseFacts | None]:
    """Every problem the flow rules find in a schema-valid facts.yaml, and the facts when sound."""
    problems = list(flowrules.facts_file_problems(doc, sources, decisions, flow_ids))
    if flowrules.any_error(problems):
        return problems, None
    book = build_case_facts(doc)
    found = list(flowrules.case_facts_problems(doc, book))
    problems += found
    return problems, None if flowrules.any_error(found) else book


def parse_case_facts(
    doc: YamlDocument,
    sources: set[str] | None = None,
    decisions: set[str] | None = None,
    flow_ids: set[str] | None = None,
    *,
    schema_checked: bool = False,
) -> CaseFacts:
    """A facts.yaml document → CaseFacts; the first error the flow rules find is raised."""
    if not schema_checked:
        check_schema(doc, "facts")
    problems, book = check_case_facts(doc, sources, decisions, flow_ids)
    flowrules.raise_first(doc, problems)
    assert book is not None
    return book


def build_case_facts(doc: YamlDocument) -> CaseFacts:
    """The CaseFacts of a facts.yaml whose shape the flow rules accepted."""
    data = doc.data
    facts = {}
    for raw in data["facts"]:
        question = parse_question(raw)
        stop = tuple((str(value), str(target)) for value, target in (raw.get("stop") or {}).items())
        facts[question.id] = Fact(question, stop, raw.get("scope", SITTING))
    return CaseFacts(
        version=str(data["version"]),
        title=data["title"].strip(),
        facts=facts,
        derived={
            raw["id"]: DerivedFact(raw["id"], raw["text"].strip(), parse_condition(raw["when"]))
            for raw in data.get("derived") or ()
        },
        opening=tuple(data.get("opening") or ()),
        outcomes={raw["id"]: _parse_outcome(raw) for raw in data.get("outcomes") or ()},
        wording={
            name: Wording(
                name,
                raw["fact"],
                tuple((str(v), " ".join(str(w).split())) for v, w in raw["values"].items()),
                None if raw.get("default") is None else " ".join(raw["default"].split()),
            )
            for name, raw in (data.get("wording") or {}).items()
        },
        conflicts=tuple(
            Conflict(
                raw["id"],
                " ".join(raw["says"].split()),
                parse_condition(raw["first"]),
                parse_condition(raw["second"]),
            )
            for raw in data.get("conflicts") or ()
        ),
        path=doc.path,
        sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
    )


def policy_problems(doc: YamlDocument, sources: set[str] | None = None) -> list[Problem]:
    """A schema-valid policy.yaml's shape: rule ids, conditions, the sources its quotes name."""
    problems: list[Problem] = list(flowrules.id_problems(doc, ("rules",)))
    for i, raw in enumerate(doc.data["rules"]):
        for key in ("when", "require", "first", "second"):
            if key in raw:
                problems += flowrules.condition_shape_problems(raw[key], ("rules", i, key))
    for section, key, i, c, cite in flowrules.citations(doc):
        if sources is not None and cite["source"] not in sources:
            problems.append(
                Problem(
                    "SW302",
                    (section, i, key, c, "source"),
                    f"the source {preview(cite['source'])} is not declared in sources.yaml.",
                    f"Declared: {', '.join(sorted(sources))}.",
                )
            )
    return problems


def load_policy(path: Path, sources: set[str] | None = None) -> Policy:
    """Read and parse `policy.yaml`: the rules lint proves (issue 23), checked for shape."""
    doc = read_yaml(path)
    check_schema(doc, "policy")
    flowrules.raise_first(doc, policy_problems(doc, sources))
    return build_policy(doc)


def policy_names(
    book: CaseFacts, form: RecordForm, flows: Iterable[Flow], policy: Policy
) -> dict[str, dict[str, Question]]:
    """What the rules of `policy` may read, by where each is checked (`at`)."""
    outcome = {q.id: q for q in outcome_fact_questions(form.decisions)}
    return flowrules.policy_names(book, outcome, form.fields, flows, policy.terms)


def build_policy(doc: YamlDocument) -> Policy:
    """The Policy of a policy.yaml whose shape `policy_problems` accepted."""
    data = doc.data

    def condition(raw: dict[str, Any], key: str) -> Condition | None:
        return parse_condition(raw[key]) if key in raw else None

    return Policy(
        version=str(data["version"]),
        rules=tuple(
            PolicyRule(
                id=raw["id"],
                says=" ".join(raw["says"].split()),
                rests_on=_citations(raw["rests_on"]),
                at=raw["at"],
                when=condition(raw, "when"),
                require=condition(raw, "require"),
                first=condition(raw, "first"),
                second=condition(raw, "second"),
            )
            for raw in data["rules"]
        ),
        terms={
            name: PolicyTerm(
                name,
                mentions=tuple(raw.get("mentions") or ()),
                parts=tuple(raw.get("in") or ()),
                has=tuple(raw.get("has") or ()),
            )
            for name, raw in (data.get("terms") or {}).items()
        },
        path=doc.path,
    )


def flows_origin(catalogue: Catalogue) -> str:
    """`packaged` when the catalogue is the flows shipped with sharewizard, else `custom`."""
    return _flows_origin(catalogue.directory)


@functools.lru_cache(maxsize=8)
def _flows_origin(directory: Path) -> str:
    # Once per folder: a replay asks for every record, and resolving paths means system calls.
    package = Path(__file__).parent.parent  # sharewizard/
    shipped = (package / "flows", package.parent / "flows")
    here = directory.resolve()
    return "packaged" if any(here == p.resolve() for p in shipped if p.is_dir()) else "custom"
