"""YAML files → model objects, with file:line:column on every error; flow discovery."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from sharewizard.core.errors import FlowError, Location, SharewizardError
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    NO,
    NOT_SURE,
    YES,
    Catalogue,
    Choice,
    Citation,
    Condition,
    DecisionTerm,
    Faq,
    Flow,
    Outcome,
    Question,
    RecordForm,
    Refusal,
    Route,
    Source,
)
from sharewizard.core.text import preview
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
TRIAGE_FLOW = "triage"
CONDITION_WORDS = ("all", "any", "not")


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """One of the published JSON Schemas: `flow`, `record` or `answers`."""
    text = (
        resources.files("sharewizard.flowfiles")
        .joinpath("schemas", f"{name}.schema.json")
        .read_text()
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


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
FAST_CHECKED = ("answers",)


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


def parse_condition(doc: YamlDocument, raw: Any, path: JsonPath) -> Condition:
    """Parse `{q: v}`, `{q: [v, w]}`, `{all: [...]}`, `{any: [...]}` or `{not: ...}`.

    Several keys in one mapping must all hold.
    """
    if not isinstance(raw, dict) or not raw:
        raise doc.error(path, "a condition must be a mapping such as {question-id: answer}.")
    parts = []
    for key, value in raw.items():
        here = path + (key,)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise doc.error(here, f"`{key}` needs a list of conditions.")
            subs = tuple(parse_condition(doc, v, here + (i,)) for i, v in enumerate(value))
            parts.append(Condition(kind=key, parts=subs))
        elif key == "not":
            parts.append(Condition(kind="not", parts=(parse_condition(doc, value, here),)))
        else:
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (str, int)) for v in values):
                raise doc.error(here, "compare a question with an answer value or a list of them.")
            parts.append(
                Condition(kind="equals", question=str(key), values=tuple(map(str, values)))
            )
    return parts[0] if len(parts) == 1 else Condition(kind="all", parts=tuple(parts))


def iter_conditions(condition: Condition | None) -> Iterator[Condition]:
    """Every `equals` leaf of a condition."""
    if condition is None:
        return
    if condition.kind == "equals":
        yield condition
    for part in condition.parts:
        yield from iter_conditions(part)


def _parse_routes(doc: YamlDocument, raw: Any, path: JsonPath, qid: str) -> tuple[Route, ...]:
    if isinstance(raw, str):
        return (Route(goto=raw),)
    if isinstance(raw, dict):
        return tuple(
            Route(goto=target, when=Condition(kind="equals", question=qid, values=(str(value),)))
            for value, target in raw.items()
        )
    routes = []
    for index, rule in enumerate(raw):
        when = rule.get("when")
        cond = parse_condition(doc, when, path + (index, "when")) if when is not None else None
        routes.append(Route(goto=rule["goto"], when=cond))
    if routes[-1].when is not None:
        raise doc.error(
            path + (len(routes) - 1,),
            "the last rule has a `when`, so some answers would lead nowhere.",
            "End the list with a rule that has only `goto`.",
        )
    return tuple(routes)


# --- citations, questions, outcomes -----------------------------------------------------------


def _citations(raw: list[dict[str, Any]] | None) -> tuple[Citation, ...]:
    return tuple(Citation(c["source"], c["section"], c["quote"].strip()) for c in raw or ())


def _choices(doc: YamlDocument, raw: dict[str, Any], path: JsonPath) -> tuple[Choice, ...]:
    kind = raw["type"]
    given = tuple(
        Choice(str(c["value"]), c["label"], c.get("help", "")) for c in raw.get("choices", ())
    )
    if kind == "yesno":
        if given:
            raise doc.error(path + ("choices",), "a yes/no question has no `choices`.", key=True)
        fixed = (Choice(YES, "Yes"), Choice(NO, "No"))
        return fixed + ((Choice(NOT_SURE, "Not sure"),) if raw.get("not_sure") else ())
    if "not_sure" in raw:
        raise doc.error(
            path + ("not_sure",),
            "`not_sure` is for yes/no questions only.",
            "Add a choice with value not-sure instead.",
            key=True,
        )
    if kind in ("choice", "multi") and not given:
        raise doc.error(path, f"a {kind} question needs `choices`.")
    if kind == "text" and given:
        raise doc.error(path + ("choices",), "a text question has no `choices`.", key=True)
    seen: set[str] = set()
    for index, choice in enumerate(given):
        if choice.value in seen:
            raise doc.error(
                path + ("choices", index, "value"), f"duplicate choice {preview(choice.value)}."
            )
        seen.add(choice.value)
    return given


def parse_question(doc: YamlDocument, raw: dict[str, Any], path: JsonPath) -> Question:
    """One question mapping → Question (routes and `when` included, targets not yet checked)."""
    qid = raw["id"]
    routes = _parse_routes(doc, raw["next"], path + ("next",), qid) if "next" in raw else ()
    when = parse_condition(doc, raw["when"], path + ("when",)) if "when" in raw else None
    return Question(
        id=qid,
        text=raw["text"].strip(),
        type=raw["type"],
        choices=_choices(doc, raw, path),
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
        refuse=tuple(
            Refusal(
                values=tuple(map(str, rule["values"])),
                message=rule["message"].strip(),
                when=parse_condition(doc, rule["when"], path + ("refuse", r, "when"))
                if "when" in rule
                else None,
            )
            for r, rule in enumerate(raw.get("refuse", ()))
        ),
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
    )


# --- whole-flow checks ------------------------------------------------------------------------


def _check_unique_ids(doc: YamlDocument) -> None:
    seen: dict[str, JsonPath] = {}
    for section in ("questions", "outcomes"):
        for index, item in enumerate(doc.data[section]):
            here = (section, index, "id")
            if item["id"] in CONDITION_WORDS:
                raise doc.error(
                    here, f"{preview(item['id'])} is reserved for conditions.", "Rename it."
                )
            if item["id"] in seen:
                first = doc.locate(seen[item["id"]])
                raise doc.error(
                    here,
                    f"duplicate id {preview(item['id'])} (first used at line {first.line}).",
                    "Every question and outcome in a flow needs its own id.",
                )
            seen[item["id"]] = here


def _check_routes(doc: YamlDocument, questions: dict[str, Question], outcome_ids: set[str]) -> None:
    answer_sets: dict[str, frozenset[str]] = {}  # built once per question: loading stays linear
    for index, question in enumerate(questions.values()):
        base = ("questions", index, "next")
        raw_next = doc.data["questions"][index]["next"]
        keys = list(raw_next) if isinstance(raw_next, dict) else []
        for r, route in enumerate(question.routes):
            here = (
                base
                if isinstance(raw_next, str)
                else base + ((keys[r],) if isinstance(raw_next, dict) else (r, "goto"))
            )
            target = route.goto
            if target.startswith(HANDOFF_PREFIX):
                continue  # checked against the catalogue once every flow is loaded
            if target not in questions and target not in outcome_ids:
                raise doc.error(
                    here,
                    f"{preview(target)} names no question or outcome in this flow.",
                    "Fix the id, or add the question or outcome it should lead to.",
                )
            when_at = base + (r, "when") if isinstance(raw_next, list) else here
            for cond in iter_conditions(route.when):
                _check_condition(doc, cond, questions, when_at, answer_sets)
        if question.fan_out:
            _check_fan_out(doc, question, base)
        if isinstance(raw_next, dict):
            _check_answer_map(doc, question, raw_next, base)


def _check_fan_out(doc: YamlDocument, question: Question, path: JsonPath) -> None:
    """A fan-out question is a multiple choice whose every route hands over to a flow."""
    if question.type != "multi":
        raise doc.error(
            path[:-1] + ("fan_out",), "`fan_out` is for multiple-choice questions only.", key=True
        )
    for route in question.routes:
        if not route.goto.startswith(HANDOFF_PREFIX):
            raise doc.error(
                path,
                f"a fan-out question leads only to flows, but {preview(route.goto)} is not "
                "`flow:<id>`.",
                "Hand over to a flow for each answer.",
            )


def _check_answer_map(
    doc: YamlDocument, question: Question, raw_next: dict[str, Any], path: JsonPath
) -> None:
    if question.type not in ("yesno", "choice") and not question.fan_out:
        raise doc.error(
            path,
            f"a {question.type} question cannot map answers to ids.",
            "Use a single id, or a list of {when, goto} rules.",
        )
    values = [c.value for c in question.choices]
    allowed = set(values)
    for key in raw_next:
        if str(key) not in allowed:
            raise doc.error(
                path + (key,),
                f"{preview(key)} is not an answer to this question.",
                f"Answers: {', '.join(values)}.",
                key=True,
            )
    mapped = {str(k) for k in raw_next}
    missing = [v for v in values if v not in mapped]
    if missing:
        raise doc.error(
            path,
            f"no `next` for the answer(s) {', '.join(missing)}.",
            "Say where each answer leads.",
        )


def _check_condition(
    doc: YamlDocument,
    cond: Condition,
    questions: dict[str, Question],
    path: JsonPath,
    answer_sets: dict[str, frozenset[str]] | None = None,
) -> None:
    target = questions.get(cond.question)
    if target is None:
        raise doc.error(
            path, f"the condition names {preview(cond.question)}, which is not a question here."
        )
    if target.choices:
        cache = {} if answer_sets is None else answer_sets
        allowed = cache.get(target.id)
        if allowed is None:
            allowed = cache[target.id] = frozenset(c.value for c in target.choices)
        for value in cond.values:
            if value not in allowed:
                raise doc.error(
                    path,
                    f"{preview(value)} is not an answer to {preview(cond.question)}.",
                    f"Answers: {', '.join(sorted(allowed))}.",
                )


def _check_graph(
    doc: YamlDocument, flow_start: str, questions: dict[str, Question], outcome_ids: set[str]
) -> None:
    """Every node reachable from `start`; no cycles (a walk must always end)."""
    if flow_start not in questions:
        raise doc.error(("start",), f"{preview(flow_start)} names no question in this flow.")
    index = {qid: i for i, qid in enumerate(questions)}
    state: dict[str, int] = {flow_start: 1}  # 1 = on the current path, 2 = done
    # An explicit stack, not recursion: a chain of thousands of questions must load.
    stack: list[tuple[str, Iterator[Route]]] = [(flow_start, iter(questions[flow_start].routes))]
    while stack:
        qid, routes = stack[-1]
        route = next(routes, None)
        if route is None:
            state[qid] = 2
            stack.pop()
            continue
        target = route.goto
        if target in questions:
            if state.get(target) == 1:
                raise doc.error(
                    ("questions", index[qid], "next"),
                    f"this leads back to {preview(target)}, so the walk could loop forever.",
                    "Flows must always move forward.",
                )
            if target not in state:
                state[target] = 1
                stack.append((target, iter(questions[target].routes)))
        elif target in outcome_ids:
            state[target] = 2
    for section in ("questions", "outcomes"):
        for i, item in enumerate(doc.data[section]):
            if item["id"] not in state:
                raise doc.error(
                    (section, i, "id"),
                    f"{preview(item['id'])} can never be reached from start.",
                    "Lead to it from a question, or remove it.",
                )


def _check_references(
    doc: YamlDocument, sources: set[str], flow_ids: set[str], decisions: set[str]
) -> None:
    """Citations name declared sources; decisions are declared; `flow:` targets name flows."""
    for i, item in enumerate(doc.data["outcomes"]):
        if item["decision"] not in decisions:
            raise doc.error(
                ("outcomes", i, "decision"),
                f"{preview(item['decision'])} is not a decision declared in record.yaml.",
                f"Use one of: {', '.join(sorted(decisions))}.",
            )
    for section, cite_key in (("questions", "guidance"), ("outcomes", "citations")):
        for i, item in enumerate(doc.data[section]):
            for c, cite in enumerate(item.get(cite_key, ())):
                if cite["source"] not in sources:
                    raise doc.error(
                        (section, i, cite_key, c, "source"),
                        f"the source {preview(cite['source'])} is not declared in sources.yaml.",
                        f"Declared: {', '.join(sorted(sources))}.",
                    )
    for i, item in enumerate(doc.data["outcomes"]):
        for r, related in enumerate(item.get("related_flows", ())):
            if related not in flow_ids:
                raise doc.error(
                    ("outcomes", i, "related_flows", r),
                    f"{preview(related)} names no flow.",
                    f"Flows: {', '.join(sorted(flow_ids))}.",
                )
    for i, item in enumerate(doc.data["questions"]):
        raw = item["next"]
        targets = (
            [((), raw)]
            if isinstance(raw, str)
            else [((k,), v) for k, v in raw.items()]
            if isinstance(raw, dict)
            else [((r, "goto"), rule["goto"]) for r, rule in enumerate(raw)]
        )
        for sub, target in targets:
            if target.startswith(HANDOFF_PREFIX) and target[len(HANDOFF_PREFIX) :] not in flow_ids:
                raise doc.error(
                    ("questions", i, "next") + sub,
                    f"{preview(target)} names no flow.",
                    f"Flows: {', '.join(sorted(flow_ids))}.",
                )


def parse_flow(
    doc: YamlDocument,
    sources: set[str] | None = None,
    flow_ids: set[str] | None = None,
    decisions: set[str] | None = None,
    *,
    schema_checked: bool = False,
) -> Flow:
    """A flow document → Flow, after checking schema, ids, routes, reachability and references.

    `sources`, `flow_ids` and `decisions` are the ids the catalogue declares; without them
    references to other files are not checked. `schema_checked` skips a schema check already
    made.
    """
    if not schema_checked:
        check_schema(doc, "flow")
    data = doc.data
    _check_unique_ids(doc)
    if sources is not None and flow_ids is not None and decisions is not None:
        _check_references(doc, sources, flow_ids, decisions)
    questions = {
        q["id"]: parse_question(doc, q, ("questions", i)) for i, q in enumerate(data["questions"])
    }
    outcome_ids = {o["id"] for o in data["outcomes"]}
    _check_routes(doc, questions, outcome_ids)
    _check_graph(doc, data["start"], questions, outcome_ids)
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
    """Read, validate and parse one flow file."""
    return parse_flow(read_yaml(path), sources, flow_ids, decisions)


# --- sources and the record form --------------------------------------------------------------


def load_sources(path: Path) -> dict[str, Source]:
    """`sources.yaml` → sources by id."""
    doc = read_yaml(path)
    check_schema(doc, "sources")
    sources: dict[str, Source] = {}
    for index, raw in enumerate(doc.data["sources"]):
        if raw["id"] in sources:
            raise doc.error(("sources", index, "id"), f"duplicate source id {preview(raw['id'])}.")
        sources[raw["id"]] = Source(
            raw["id"], raw["title"], raw["publisher"], str(raw["edition"]), raw["url"]
        )
    return sources


def load_record_form(path: Path) -> RecordForm:
    """`record.yaml` → the questions that complete a decision record."""
    doc = read_yaml(path)
    check_schema(doc, "record-form")
    decisions: dict[str, DecisionTerm] = {}
    for index, raw in enumerate(doc.data["decisions"]):
        if raw["id"] in decisions:
            raise doc.error(("decisions", index, "id"), f"duplicate decision {preview(raw['id'])}.")
        decisions[raw["id"]] = DecisionTerm(raw["id"], raw["label"].strip(), raw["shares"])
    fields = tuple(
        parse_question(doc, raw, ("fields", i)) for i, raw in enumerate(doc.data["fields"])
    )
    known: dict[str, Question] = {}
    for fact in outcome_fact_questions(decisions):
        known[fact.id] = fact
    for index, field in enumerate(fields):
        if field.id in known:
            raise doc.error(
                ("fields", index, "id"), f"duplicate or reserved id {preview(field.id)}."
            )
        known[field.id] = field  # a condition may only test fields asked before it
        for cond in iter_conditions(field.when):
            _check_condition(doc, cond, known, ("fields", index, "when"))
        for r, rule in enumerate(field.refuse):
            for cond in iter_conditions(rule.when):
                _check_condition(doc, cond, known, ("fields", index, "refuse", r, "when"))
    return RecordForm(
        fields=fields, disclaimer=doc.data["disclaimer"].strip(), path=path, decisions=decisions
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
    names = {SOURCES_FILE, RECORD_FORM_FILE}
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
    return _load_catalogue_cached(directory.resolve(), _mtimes(directory))


def _mtimes(directory: Path) -> tuple[tuple[str, int], ...]:
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
    """Read and check every file of a flows folder (schema, ids, routes, references)."""
    sources = load_sources(directory / SOURCES_FILE)
    record_form = load_record_form(directory / RECORD_FORM_FILE)
    docs = [read_yaml(path) for path in flow_files(directory)]
    owners: dict[str, Path] = {}
    for doc in docs:
        check_schema(doc, "flow")
        flow_id = doc.data["id"]
        if flow_id in owners:
            raise doc.error(
                ("id",),
                f"flow id {preview(flow_id)} is also used by {owners[flow_id].name}.",
                "Each flow needs its own id.",
            )
        owners[flow_id] = doc.path
    decisions = set(record_form.decisions)
    flows = {
        doc.data["id"]: parse_flow(doc, set(sources), set(owners), decisions, schema_checked=True)
        for doc in docs
    }
    _refuse_forced_handoff_loops(flows, {doc.data["id"]: doc for doc in docs})
    triage = TRIAGE_FLOW if TRIAGE_FLOW in flows else None
    return Catalogue(directory, sources, flows, record_form, triage)


def _refuse_forced_handoff_loops(flows: dict[str, Flow], docs: dict[str, YamlDocument]) -> None:
    """Refuse hand-offs that loop whatever is answered: no command may spin on them.

    A flow with no outcomes always hands over; when it can only hand over to one flow, that
    hand-off is forced. A loop of forced hand-offs (A to B to A, or A to itself) has no way out.
    A loop that some answer avoids is allowed (lint notes it as SW204): a walk that comes back
    returns to the answer that led away, so it never goes round.
    """
    forced: dict[str, str] = {}
    for flow_id, flow in flows.items():
        targets = {target for _, _, target in handoff_edges(flow)}
        if not flow.outcomes and len(targets) == 1:
            forced[flow_id] = targets.pop()
    for start in forced:
        seen = [start]
        while seen[-1] in forced and forced[seen[-1]] not in seen:
            seen.append(forced[seen[-1]])
        if seen[-1] in forced and forced[seen[-1]] == start:
            loop = " to ".join(repr(f) for f in [*seen, start])
            raise docs[start].error(
                ("questions",),
                f"this flow hands over {loop} whatever is answered, so a walk could never end.",
                "Give one of these flows an outcome, or hand over to a flow that has one.",
            )


def handoff_edges(flow: Flow) -> Iterator[tuple[int, int, str]]:
    """(question index, route index, target flow id) for every `flow:` hand-off of a flow."""
    for q, question in enumerate(flow.questions.values()):
        for r, route in enumerate(question.routes):
            if route.goto.startswith(HANDOFF_PREFIX):
                yield q, r, route.goto[len(HANDOFF_PREFIX) :]


def handoff_cycles(flows: dict[str, Flow]) -> list[tuple[str, int, int, str]]:
    """Every hand-off that closes a loop (A to B to A, or A to itself), in a depth-first walk.

    Each is (flow id, question index, route index, target flow id) of that hand-off.
    """
    found = []
    state: dict[str, int] = {}  # 1 = on the current chain of hand-offs, 2 = done
    for root in flows:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, handoff_edges(flows[root]))]
        while stack:
            flow_id, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                state[flow_id] = 2
                stack.pop()
                continue
            q, r, target = edge
            if state.get(target) == 1:
                found.append((flow_id, q, r, target))
            elif target in flows and target not in state:
                state[target] = 1
                stack.append((target, handoff_edges(flows[target])))
    return found


def find_handoff_cycle(flows: dict[str, Flow]) -> tuple[str, int, int, str] | None:
    """The first hand-off that closes a loop, if any (see `handoff_cycles`)."""
    return next(iter(handoff_cycles(flows)), None)


def route_path(doc: YamlDocument, question_index: int, route_index: int) -> JsonPath:
    """The document path of one route of a question's `next`, however `next` is written."""
    raw = doc.data["questions"][question_index]["next"]
    base: JsonPath = ("questions", question_index, "next")
    if isinstance(raw, dict):
        return base + (list(raw)[route_index],)
    if isinstance(raw, list):
        return base + (route_index, "goto")
    return base


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
