"""The flow rules, each stated once: its code, name, severity, message and hint.

Each check yields `Problem`s. The loader raises the first error among them (`raise_first`);
`lint` lists them all, then adds its own analyses (conditions that never hold, text, quotes).
That is jsonschema's design: `validate` raises the first error `iter_errors` yields.

The checks read the document as written (`YamlDocument`, schema-valid) and the model objects
the loader parses from it; they never parse.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sharewizard.core.engine import PLACEHOLDER
from sharewizard.core.errors import Location
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    NO,
    YES,
    CaseFacts,
    Choice,
    Condition,
    DerivedFact,
    FieldRule,
    Flow,
    Policy,
    Question,
    Wording,
)
from sharewizard.core.text import preview
from sharewizard.flowfiles.yamldoc import JsonPath, YamlDocument

ERROR, WARNING, NOTE = "error", "warning", "note"  # notes never fail a run

#: Words a condition uses, so no question or outcome may be called by them.
CONDITION_WORDS = ("all", "any", "not")


@dataclass(frozen=True)
class Rule:
    """One rule: a stable code, a short name, its severity and what it finds."""

    code: str
    name: str
    severity: str
    finds: str


#: Every rule, once. Codes never change meaning; retired codes (SW000) are not reused.
RULES = {
    rule.code: rule
    for rule in (
        Rule("SW001", "schema", ERROR, "a file does not match its JSON Schema"),
        Rule("SW002", "duplicate-key", ERROR, "a mapping gives the same key twice"),
        Rule("SW003", "duplicate-id", ERROR, "two questions, outcomes or flows share an id"),
        Rule("SW101", "dangling-next", ERROR, "`start` or a `next` target names nothing"),
        Rule(
            "SW102",
            "unknown-answer",
            ERROR,
            "a condition or answer map names no question or answer",
        ),
        Rule(
            "SW103",
            "choice-without-route",
            ERROR,
            "an answer map leaves an answer with nowhere to go",
        ),
        Rule(
            "SW104",
            "uncovered-answers",
            ERROR,
            "a rule list ends with a `when`, so some answers lead nowhere",
        ),
        Rule(
            "SW105",
            "bad-question",
            ERROR,
            "a question's type, choices, fan-out or conditions do not fit together",
        ),
        Rule(
            "SW106",
            "unknown-decision",
            ERROR,
            "an outcome's decision is not declared in record.yaml",
        ),
        Rule("SW107", "unknown-related-flow", ERROR, "`related_flows` names no flow"),
        Rule(
            "SW108",
            "unknown-fact",
            ERROR,
            "a fact node, `opening`, a wording or a record field names no fact of facts.yaml",
        ),
        Rule(
            "SW109",
            "fact-id-taken",
            ERROR,
            "a question or derived fact has the id of a fact (or of another derived fact)",
        ),
        Rule(
            "SW110",
            "bad-fact",
            ERROR,
            "a fact's `stop` or wording does not fit it (a stop outside `opening`, words "
            "missing for an answer)",
        ),
        Rule(
            "SW111",
            "unknown-placeholder",
            ERROR,
            "text names a `{placeholder}` that facts.yaml `wording` does not define",
        ),
        Rule(
            "SW112",
            "unworded-at-stop",
            ERROR,
            "an outcome the opening stops at words a fact not yet asked, with no `default`",
        ),
        Rule(
            "SW201", "unreachable", ERROR, "a question or outcome can never be reached from `start`"
        ),
        Rule(
            "SW202",
            "dead-end",
            ERROR,
            "no answer from a question ever reaches an outcome or hand-off",
        ),
        Rule("SW203", "cycle", ERROR, "a question leads back to one already on the way"),
        Rule(
            "SW204",
            "handoff-cycle",
            NOTE,
            "`flow:` hand-offs can lead back to a flow already on the way",
        ),
        Rule(
            "SW205",
            "never-true",
            ERROR,
            "a route's condition can never hold on any path that reaches it",
        ),
        Rule(
            "SW206",
            "answer-before-asked",
            ERROR,
            "a condition tests a question never asked before it",
        ),
        Rule(
            "SW207",
            "forced-handoff-loop",
            ERROR,
            "flows with no outcome hand over to each other whatever is answered",
        ),
        Rule(
            "SW208",
            "fact-never-applies",
            ERROR,
            "a fact node is reached only where its fact does not apply",
        ),
        Rule(
            "SW209",
            "fact-unknown",
            ERROR,
            "a condition tests a fact that some way to it leaves unknown (not asked, not absent)",
        ),
        Rule(
            "SW210",
            "no-route-without-fact",
            ERROR,
            "a fact node passed through (its fact does not apply) has no route that holds",
        ),
        Rule("SW301", "missing-citations", ERROR, "an outcome cites no guidance"),
        Rule("SW302", "undeclared-source", ERROR, "a citation names a source not in sources.yaml"),
        Rule("SW303", "unused-source", WARNING, "sources.yaml declares a source no flow cites"),
        Rule("SW401", "misquote", ERROR, "a quote is not word for word in its source's text"),
        Rule(
            "SW402",
            "unchecked-quote",
            WARNING,
            "a quote's source has no local text to check it against",
        ),
        Rule(
            "SW601",
            "policy-outcome",
            ERROR,
            "a path from an entry point reaches an outcome that breaks a rule of policy.yaml",
        ),
        Rule(
            "SW602",
            "policy-first-question",
            ERROR,
            "an entry point's first question is asked where a rule of policy.yaml does not hold",
        ),
        Rule(
            "SW603",
            "policy-record",
            ERROR,
            "the record form accepts answers a rule of policy.yaml forbids",
        ),
        Rule(
            "SW604",
            "policy-sitting",
            ERROR,
            "two decisions of one sitting break a rule of policy.yaml",
        ),
        Rule(
            "SW605",
            "placeholder-shown-as-written",
            ERROR,
            "a path shows a `{placeholder}` whose wording has no words for the case (no default)",
        ),
        Rule("SW501", "empty-text", ERROR, "question text or a choice label is blank"),
        Rule(
            "SW502",
            "long-text",
            WARNING,
            "question text or a choice label is too long for an 80-column terminal",
        ),
        Rule("SW503", "help-repeats-question", WARNING, "help says again what the question says"),
        Rule(
            "SW504", "straight-quotes", WARNING, 'user-facing text uses straight double quotes (")'
        ),
        Rule("SW505", "stray-html", WARNING, "user-facing text holds HTML tags or entities"),
    )
}


@dataclass(frozen=True)
class Problem:
    """What one rule found in a document, at a path in it (not yet a file position)."""

    code: str
    at: JsonPath
    message: str
    hint: str = ""
    key: bool = False  # point at the key rather than its value

    @property
    def is_error(self) -> bool:
        """Whether the problem stops a flow from loading."""
        return RULES[self.code].severity == ERROR


@dataclass(frozen=True)
class Finding:
    """One problem located in a file: which rule found it, what is wrong and what to do."""

    path: Path
    line: int | None
    column: int | None
    code: str
    message: str
    hint: str = ""

    @classmethod
    def of(cls, doc: YamlDocument, problem: Problem) -> Finding:
        """The problem, at its file position."""
        where = doc.locate(problem.at, key=problem.key)
        return cls(doc.path, where.line, where.column, problem.code, problem.message, problem.hint)

    @property
    def rule(self) -> Rule:
        """The rule that found it."""
        return RULES[self.code]

    @property
    def severity(self) -> str:
        """`error`, `warning` or `note`."""
        return self.rule.severity

    def where(self) -> str:
        """`file:line:column`, as far as known."""
        return str(Location(self.path, self.line, self.column))

    def __str__(self) -> str:
        text = f"{self.where()}: {self.severity} {self.code} {self.rule.name}: {self.message}"
        return f"{text} {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON object for editors and CI."""
        return {
            "file": str(self.path),
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule.name,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


def raise_first(doc: YamlDocument, problems: Iterable[Problem]) -> None:
    """Raise the first error among `problems` as the document's located FlowError."""
    for problem in problems:
        if problem.is_error:
            raise doc.error(problem.at, problem.message, problem.hint, key=problem.key)


def any_error(problems: Iterable[Problem]) -> bool:
    """Whether any of `problems` is an error."""
    return any(problem.is_error for problem in problems)


# --- ids and references ------------------------------------------------------------------------


def node_id(raw: Mapping[str, Any]) -> str:
    """The id of a step of a flow as written: a question's `id`, or a fact node's fact."""
    return str(raw["id"] if "id" in raw else raw["fact"])


def id_key(raw: Mapping[str, Any]) -> str:
    """The key that names a step of a flow: `id`, or `fact` for a fact node."""
    return "id" if "id" in raw else "fact"


def id_problems(
    doc: YamlDocument, sections: tuple[str, ...] = ("questions", "outcomes")
) -> Iterator[Problem]:
    """Question, fact node and outcome ids: unique in the file, and never a condition word."""
    seen: dict[str, JsonPath] = {}
    for section in sections:
        for index, item in enumerate(doc.data.get(section) or ()):
            here = (section, index, id_key(item))
            name = node_id(item)
            if name in CONDITION_WORDS:
                yield Problem(
                    "SW105", here, f"{preview(name)} is reserved for conditions.", "Rename it."
                )
            elif name in seen:
                first = doc.locate(seen[name]).line
                yield Problem(
                    "SW003",
                    here,
                    f"duplicate id {preview(name)} (first used at line {first}).",
                    "Every question, fact node and outcome in a flow needs its own id.",
                )
            else:
                seen[name] = here


def reference_problems(
    doc: YamlDocument,
    sources: set[str] | None = None,
    flow_ids: set[str] | None = None,
    decisions: set[str] | None = None,
) -> Iterator[Problem]:
    """What a flow names in other files: decisions, related flows, sources, hand-off targets.

    Each kind is checked only when the ids it names are given (a flow read on its own is not).
    """
    for i, item in enumerate(doc.data["outcomes"]):
        if decisions is not None and item["decision"] not in decisions:
            yield Problem(
                "SW106",
                ("outcomes", i, "decision"),
                f"{preview(item['decision'])} is not a decision declared in record.yaml.",
                f"Use one of: {', '.join(sorted(decisions))}.",
            )
        for r, related in enumerate(item.get("related_flows", ())):
            if flow_ids is not None and related not in flow_ids:
                yield _no_flow("SW107", ("outcomes", i, "related_flows", r), related, flow_ids)
    for section, key, i, c, cite in citations(doc):
        if sources is not None and cite["source"] not in sources:
            yield Problem(
                "SW302",
                (section, i, key, c, "source"),
                f"the source {preview(cite['source'])} is not declared in sources.yaml.",
                f"Declared: {', '.join(sorted(sources))}.",
            )
    for i, item in enumerate(doc.data["questions"]):
        base = ("questions", i, "next")
        for (goto_at, _), target in zip(
            route_paths(item["next"], base), _targets(item["next"]), strict=True
        ):
            name = target[len(HANDOFF_PREFIX) :]
            if target.startswith(HANDOFF_PREFIX) and flow_ids is not None and name not in flow_ids:
                yield _no_flow("SW101", goto_at, target, flow_ids)


def _no_flow(code: str, at: JsonPath, name: str, flow_ids: set[str]) -> Problem:
    return Problem(
        code, at, f"{preview(name)} names no flow.", f"Flows: {', '.join(sorted(flow_ids))}."
    )


#: Where each kind of file keeps its quotes: (section, key) pairs.
CITED = (
    ("questions", "guidance"),
    ("outcomes", "citations"),
    ("facts", "guidance"),
    ("rules", "rests_on"),
)


def citations(doc: YamlDocument) -> Iterator[tuple[str, str, int, int, dict[str, Any]]]:
    """(section, key, item index, citation index, citation) for every quote of a file.

    Flows quote under questions and outcomes; facts.yaml under facts and outcomes; policy.yaml
    under rules.
    """
    for section, key in CITED:
        items = doc.data.get(section) if isinstance(doc.data, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else ()):
            cites = item.get(key) if isinstance(item, dict) else None
            for c, cite in enumerate(cites if isinstance(cites, list) else ()):
                if isinstance(cite, dict):  # else the schema check says what is wrong
                    yield section, key, i, c, cite


def route_paths(raw_next: Any, base: JsonPath) -> list[tuple[JsonPath, JsonPath]]:
    """(goto path, when path) of each route of a `next`, in order, however `next` is written."""
    if isinstance(raw_next, str):
        return [(base, base)]
    if isinstance(raw_next, dict):
        return [(base + (key,), base + (key,)) for key in raw_next]
    return [(base + (r, "goto"), base + (r, "when")) for r in range(len(raw_next))]


def _targets(raw_next: Any) -> list[str]:
    """The `goto` of each route of a `next`, in order."""
    if isinstance(raw_next, str):
        return [raw_next]
    if isinstance(raw_next, dict):
        return [str(target) for target in raw_next.values()]
    return [rule["goto"] for rule in raw_next]


# --- one question, as written ------------------------------------------------------------------


def question_problems(doc: YamlDocument, raw: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
    """A question's shape: its choices for its type, its rule list, its conditions.

    For flow questions, facts and record-form fields alike; the loader parses only what passes.
    A fact node's question is its fact's (checked in facts.yaml): only its `next` is checked here.
    """
    if "type" in raw:
        yield from _choice_problems(raw, path)
    raw_next = raw.get("next")
    if isinstance(raw_next, list):
        for r, rule in enumerate(raw_next):
            if "when" in rule:
                yield from condition_shape_problems(rule["when"], path + ("next", r, "when"))
        if raw_next[-1].get("when") is not None:
            yield Problem(
                "SW104",
                path + ("next", len(raw_next) - 1),
                "the last rule has a `when`, so some answers would lead nowhere.",
                "End the list with a rule that has only `goto`.",
            )
    if "when" in raw:
        yield from condition_shape_problems(raw["when"], path + ("when",))
    for r, rule in enumerate(raw.get("refuse", ())):
        if "when" in rule:
            yield from condition_shape_problems(rule["when"], path + ("refuse", r, "when"))


def _choice_problems(raw: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
    kind = raw["type"]
    given = raw.get("choices", ())
    if kind == "yesno":
        if given:
            yield Problem(
                "SW105", path + ("choices",), "a yes/no question has no `choices`.", key=True
            )
        return
    if "not_sure" in raw:
        yield Problem(
            "SW105",
            path + ("not_sure",),
            "`not_sure` is for yes/no questions only.",
            "Add a choice with value not-sure instead.",
            key=True,
        )
    if kind in ("choice", "multi") and not given:
        yield Problem("SW105", path, f"a {kind} question needs `choices`.")
    if kind == "text" and given:
        yield Problem("SW105", path + ("choices",), "a text question has no `choices`.", key=True)
    seen: set[str] = set()
    for index, choice in enumerate(given):
        value = str(choice["value"])
        if value in seen:
            yield Problem(
                "SW105", path + ("choices", index, "value"), f"duplicate choice {preview(value)}."
            )
        seen.add(value)


def condition_shape_problems(raw: Any, path: JsonPath) -> Iterator[Problem]:
    """A condition as written: `{q: v}`, `{q: [v, w]}`, `{all: [...]}`, `{any: [...]}`, `{not: c}`.

    (What `loader.parse_condition` then reads.)
    """
    if not isinstance(raw, dict) or not raw:
        yield Problem("SW105", path, "a condition must be a mapping such as {question-id: answer}.")
        return
    for key, value in raw.items():
        here = path + (key,)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                yield Problem("SW105", here, f"`{key}` needs a list of conditions.")
                continue
            for i, part in enumerate(value):
                yield from condition_shape_problems(part, here + (i,))
        elif key == "not":
            yield from condition_shape_problems(value, here)
        else:
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (str, int)) for v in values):
                yield Problem(
                    "SW105", here, "compare a question with an answer value or a list of them."
                )


# --- routes and conditions, once the questions are parsed -------------------------------------


def iter_conditions(condition: Condition | None) -> Iterator[Condition]:
    """Every `equals` leaf of a condition."""
    if condition is None:
        return
    if condition.kind == "equals":
        yield condition
    for part in condition.parts:
        yield from iter_conditions(part)


def condition_problems(
    condition: Condition | None,
    questions: Mapping[str, Question],
    at: JsonPath,
    answer_sets: dict[str, frozenset[str]] | None = None,
) -> Iterator[Problem]:
    """Each leaf names a question of `questions`, and one of its answers when it has choices.

    `answer_sets` caches each question's answers across calls, so a flow is checked in linear
    time.
    """
    cache = {} if answer_sets is None else answer_sets
    for leaf in iter_conditions(condition):
        target = questions.get(leaf.question)
        if target is None:
            yield Problem(
                "SW102",
                at,
                f"the condition names {preview(leaf.question)}, which is not a question here.",
            )
            continue
        if not target.choices:
            continue
        allowed = cache.get(target.id)
        if allowed is None:
            allowed = cache[target.id] = frozenset(c.value for c in target.choices)
        for value in leaf.values:
            if value not in allowed:
                yield Problem(
                    "SW102",
                    at,
                    f"{preview(value)} is not an answer to {preview(leaf.question)}.",
                    f"Answers: {', '.join(sorted(allowed))}.",
                )


def route_problems(
    doc: YamlDocument, questions: Mapping[str, Question], book: CaseFacts | None = None
) -> Iterator[Problem]:
    """`start` and every `next` target exist; conditions, fan-outs and answer maps fit.

    Conditions may test the flow's questions, and the facts and derived facts of `book`.
    """
    data = doc.data
    names = {**fact_names(book), **questions} if book is not None else questions
    if data["start"] not in questions:
        yield Problem(
            "SW101", ("start",), f"{preview(data['start'])} names no question in this flow."
        )
    outcome_ids = {o["id"] for o in data["outcomes"]}
    answer_sets: dict[str, frozenset[str]] = {}
    for i, raw in enumerate(data["questions"]):
        question = questions[node_id(raw)]
        base = ("questions", i, "next")
        raw_next = raw["next"]
        for route, (goto_at, when_at) in zip(
            question.routes, route_paths(raw_next, base), strict=True
        ):
            target = route.goto
            if not target.startswith(HANDOFF_PREFIX) and target not in questions:
                if target not in outcome_ids:
                    yield Problem(
                        "SW101",
                        goto_at,
                        f"{preview(target)} names no question or outcome in this flow.",
                        "Fix the id, or add the question or outcome it should lead to.",
                    )
            if not isinstance(raw_next, dict):  # an answer map's keys are checked below
                yield from condition_problems(route.when, names, when_at, answer_sets)
        if question.fan_out:
            yield from _fan_out_problems(question, base)
        if isinstance(raw_next, dict):
            yield from _answer_map_problems(question, raw_next, base, raw.get("choices"))


def _fan_out_problems(question: Question, base: JsonPath) -> Iterator[Problem]:
    """A fan-out question is a multiple choice whose every route hands over to a flow."""
    if question.type != "multi":
        yield Problem(
            "SW105",
            base[:-1] + ("fan_out",),
            "`fan_out` is for multiple-choice questions only.",
            key=True,
        )
        return
    for route in question.routes:
        if not route.goto.startswith(HANDOFF_PREFIX):
            yield Problem(
                "SW105",
                base,
                f"a fan-out question leads only to flows, but {preview(route.goto)} is not "
                "`flow:<id>`.",
                "Hand over to a flow for each answer.",
            )
            return


def _answer_map_problems(
    question: Question, raw_next: dict[str, Any], base: JsonPath, raw_choices: Any
) -> Iterator[Problem]:
    if question.type not in ("yesno", "choice") and not question.fan_out:
        yield Problem(
            "SW105",
            base,
            f"a {question.type} question cannot map answers to ids.",
            "Use a single id, or a list of {when, goto} rules.",
        )
        return
    values = [c.value for c in question.choices]
    allowed = set(values)
    for key in raw_next:
        if str(key) not in allowed:
            yield Problem(
                "SW102",
                base + (key,),
                f"{preview(key)} is not an answer to this question.",
                f"Answers: {', '.join(values)}.",
                key=True,
            )
    mapped = {str(k) for k in raw_next}
    for c, value in enumerate(values):
        if value not in mapped:
            yield Problem(
                "SW103",
                base[:-1] + (("choices", c) if raw_choices else ("next",)),
                f"the answer {preview(value)} has no route: `next` does not say where it leads.",
                "Add it to the answer map under `next`.",
            )


# --- the graph of one flow ---------------------------------------------------------------------

Node = TypeVar("Node", bound=Hashable)


def back_edges(
    roots: Iterable[Node], edges: Callable[[Node], Iterable[tuple[int, Node]]]
) -> Iterator[tuple[Node, int, Node]]:
    """Every edge that closes a loop, found by one depth-first search: (node, edge, target).

    `edges(node)` gives (edge index, target) pairs. The one cycle search of the package: the
    questions of a flow, and the hand-offs between flows. An explicit stack, not recursion: a
    chain of thousands of questions must load.
    """
    state: dict[Node, int] = {}  # 1 = on the current path, 2 = done
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(edges(root)))]
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                state[node] = 2
                stack.pop()
                continue
            index, target = step
            if state.get(target) == 1:
                yield node, index, target
            elif target not in state:
                state[target] = 1
                stack.append((target, iter(edges(target))))


def graph_problems(doc: YamlDocument, questions: Mapping[str, Question]) -> Iterator[Problem]:
    """Every question and outcome reachable from `start`; every walk can end; no loops."""
    start = doc.data["start"]
    index = {node_id(q): i for i, q in enumerate(doc.data["questions"])}
    reached = {start}
    order = [start]
    for qid in order:  # grows while it is walked: a breadth-first search
        for route in questions[qid].routes:
            if route.goto not in reached and not route.goto.startswith(HANDOFF_PREFIX):
                reached.add(route.goto)
                if route.goto in questions:
                    order.append(route.goto)
    for section in ("questions", "outcomes"):
        for i, item in enumerate(doc.data[section]):
            if node_id(item) not in reached:
                yield Problem(
                    "SW201",
                    (section, i, id_key(item)),
                    f"{preview(node_id(item))} can never be reached from start.",
                    "Lead to it from a question, or remove it.",
                )
    ends = _can_end(questions)
    for qid in order:
        if qid not in ends:
            yield Problem(
                "SW202",
                ("questions", index[qid], id_key(doc.data["questions"][index[qid]])),
                f"no answer to {preview(qid)} ever reaches an outcome or a hand-off.",
                "Lead at least one way out of the loop to an outcome.",
            )

    def onward(qid: str) -> Iterator[tuple[int, str]]:  # loops among questions that can end
        for r, route in enumerate(questions[qid].routes):
            if route.goto in questions and route.goto in ends:
                yield r, route.goto

    roots = [start] if start in ends else []
    for qid, r, target in back_edges(roots, onward):
        yield Problem(
            "SW203",
            route_paths(
                doc.data["questions"][index[qid]]["next"], ("questions", index[qid], "next")
            )[r][0],
            f"this leads back to {preview(target)}, so the walk could loop forever.",
            "Flows must always move forward.",
        )


def _can_end(questions: Mapping[str, Question]) -> set[str]:
    """The questions from which some answers reach an outcome or a hand-off."""
    before: dict[str, list[str]] = {}
    ends = []
    for qid, question in questions.items():
        for route in question.routes:
            if route.goto in questions:
                before.setdefault(route.goto, []).append(qid)
            else:
                ends.append(qid)
    found = set(ends)
    for qid in ends:  # grows while it is walked
        for earlier in before.get(qid, ()):
            if earlier not in found:
                found.add(earlier)
                ends.append(earlier)
    return found


# --- a folder of flows -------------------------------------------------------------------------


def flow_id_problem(doc: YamlDocument, owners: Mapping[str, Path]) -> Problem | None:
    """A flow id already used by another file of the folder (`owners`: id to its file)."""
    flow_id = doc.data["id"]
    if flow_id not in owners:
        return None
    return Problem(
        "SW003",
        ("id",),
        f"flow id {preview(flow_id)} is also used by {owners[flow_id].name}.",
        "Each flow needs its own id.",
    )


def source_problems(doc: YamlDocument) -> Iterator[Problem]:
    """`sources.yaml`: each source id declared once."""
    seen: set[str] = set()
    for index, raw in enumerate(doc.data["sources"]):
        if raw["id"] in seen:
            yield Problem(
                "SW003", ("sources", index, "id"), f"duplicate source id {preview(raw['id'])}."
            )
        seen.add(raw["id"])


def handoff_edges(flow: Flow) -> Iterator[tuple[int, int, str]]:
    """(question index, route index, target flow id) for every `flow:` hand-off of a flow."""
    for q, question in enumerate(flow.questions.values()):
        for r, route in enumerate(question.routes):
            if route.goto.startswith(HANDOFF_PREFIX):
                yield q, r, route.goto[len(HANDOFF_PREFIX) :]


def handoff_problems(
    flows: Mapping[str, Flow], docs: Mapping[str, YamlDocument]
) -> Iterator[tuple[YamlDocument, Problem]]:
    """Hand-offs that loop: an error when they loop whatever is answered, else a note.

    A flow with no outcomes always hands over; when it can only hand over to one flow, that
    hand-off is forced, and a loop of forced hand-offs (A to B to A, or A to itself) has no way
    out: no command may spin on it. A loop that some answer avoids is allowed: a walk that comes
    back returns to the answer that led away, so it never goes round.
    """
    edges = {flow_id: list(handoff_edges(flow)) for flow_id, flow in flows.items()}
    forced = {
        flow_id: {target for _, _, target in found}.pop()
        for flow_id, found in edges.items()
        if not flows[flow_id].outcomes and len({target for _, _, target in found}) == 1
    }
    in_forced_loop: set[str] = set()
    for flow_id, _, target in back_edges(forced, lambda f: [(0, forced[f])] if f in forced else []):
        loop = [target]
        while loop[-1] != flow_id:
            loop.append(forced[loop[-1]])
        in_forced_loop.update(loop)
        names = " to ".join(repr(f) for f in [*loop, target])
        yield (
            docs[target],
            Problem(
                "SW207",
                ("questions",),
                f"this flow hands over {names} whatever is answered, so a walk could never end.",
                "Give one of these flows an outcome, or hand over to a flow that has one.",
            ),
        )

    def onward(flow_id: str) -> Iterator[tuple[int, str]]:
        for n, (_, _, target) in enumerate(edges.get(flow_id, ())):
            if target in flows:
                yield n, target

    for flow_id, n, target in back_edges(flows, onward):
        if flow_id in in_forced_loop and target in in_forced_loop:
            continue  # the error above says it
        q, r, _ = edges[flow_id][n]
        doc = docs[flow_id]
        raw_next = doc.data["questions"][q]["next"]
        back = (
            "itself"
            if target == flow_id
            else f"{preview(target)}, which leads back to {preview(flow_id)}"
        )
        yield (
            doc,
            Problem(
                "SW204",
                route_paths(raw_next, ("questions", q, "next"))[r][0],
                f"this hands over to {back}. A walk that comes back does not loop: it returns to "
                "the answer that led away and asks for one of the two to change (an answers file "
                "stops with an error).",
                "Fine when only contradicting answers come back; otherwise prefer an outcome "
                "naming the other flow in `related_flows`.",
            ),
        )


# --- the case facts (facts.yaml) and what reads them -------------------------------------------

#: The parts of an outcome people read, where `{placeholders}` are worded (and checked).
WORDED_OUTCOME_PARTS = ("title", "summary", "now", "further")


def facts_file_problems(
    doc: YamlDocument,
    sources: set[str] | None = None,
    decisions: set[str] | None = None,
    flow_ids: set[str] | None = None,
) -> Iterator[Problem]:
    """facts.yaml as written: ids, each fact's shape, conditions' shapes, what it names elsewhere.

    Facts and derived facts share one name space (conditions read both by id); outcomes have
    their own.
    """
    data = doc.data
    yield from id_problems(doc, ("facts", "derived"))
    yield from id_problems(doc, ("outcomes",))
    for i, raw in enumerate(data["facts"]):
        yield from question_problems(doc, raw, ("facts", i))
    for i, raw in enumerate(data.get("derived") or ()):
        yield from condition_shape_problems(raw["when"], ("derived", i, "when"))
    for i, raw in enumerate(data.get("conflicts") or ()):
        for side in ("first", "second"):
            yield from condition_shape_problems(raw[side], ("conflicts", i, side))
    for i, item in enumerate(data.get("outcomes") or ()):
        if decisions is not None and item["decision"] not in decisions:
            yield Problem(
                "SW106",
                ("outcomes", i, "decision"),
                f"{preview(item['decision'])} is not a decision declared in record.yaml.",
                f"Use one of: {', '.join(sorted(decisions))}.",
            )
        for r, related in enumerate(item.get("related_flows", ())):
            if flow_ids is not None and related not in flow_ids:
                yield _no_flow("SW107", ("outcomes", i, "related_flows", r), related, flow_ids)
    for section, key, i, c, cite in citations(doc):
        if sources is not None and cite["source"] not in sources:
            yield Problem(
                "SW302",
                (section, i, key, c, "source"),
                f"the source {preview(cite['source'])} is not declared in sources.yaml.",
                f"Declared: {', '.join(sorted(sources))}.",
            )


def derived_question(derived: DerivedFact) -> Question:
    """A derived fact as conditions see it: a yes/no question."""
    return Question(derived.id, derived.text, "yesno", (Choice(YES, "Yes"), Choice(NO, "No")))


def fact_names(book: CaseFacts) -> dict[str, Question]:
    """Every fact and derived fact a condition may test, as questions (derived: yes/no)."""
    names = {fact_id: fact.question for fact_id, fact in book.facts.items()}
    names.update({d.id: derived_question(d) for d in book.derived.values()})
    return names


def case_facts_problems(doc: YamlDocument, book: CaseFacts) -> Iterator[Problem]:
    """facts.yaml once parsed: conditions, `opening`, `stop`, wording and placeholders.

    A fact's `when` tests only facts declared before it, and a derived fact only facts and
    derived facts declared before it, so nothing depends on itself.
    """
    data = doc.data
    earlier: dict[str, Question] = {}
    for i, (fact_id, fact) in enumerate(book.facts.items()):
        yield from condition_problems(fact.question.when, earlier, ("facts", i, "when"))
        earlier[fact_id] = fact.question
    facts_only = dict(earlier)
    for i, derived in enumerate(book.derived.values()):
        if derived.id in facts_only:
            yield Problem(
                "SW109",
                ("derived", i, "id"),
                f"{preview(derived.id)} is the id of a fact; a derived fact needs its own.",
            )
        yield from condition_problems(derived.when, earlier, ("derived", i, "when"))
        earlier[derived.id] = derived_question(derived)
    for i, fact_id in enumerate(book.opening):
        if fact_id not in book.facts:
            yield _no_fact(("opening", i), fact_id, book)
    for i, (fact_id, fact) in enumerate(book.facts.items()):
        for value, target in fact.stop:
            here = ("facts", i, "stop", value)
            if fact.question.choice(value) is None:
                yield Problem(
                    "SW102",
                    here,
                    f"{preview(value)} is not an answer to {preview(fact_id)}.",
                    key=True,
                )
            if target not in book.outcomes:
                yield Problem(
                    "SW101",
                    here,
                    f"{preview(target)} names no outcome of facts.yaml.",
                    f"Outcomes: {', '.join(book.outcomes) or 'none'}.",
                )
        if fact.stop and fact_id not in book.opening:
            yield Problem(
                "SW110",
                ("facts", i, "stop"),
                f"{preview(fact_id)} has a `stop` but is not an opening fact.",
                "Only an opening fact may end a decision: add it to `opening`.",
                key=True,
            )
    for name, wording in book.wording.items():
        yield from _wording_problems(name, wording, book)
    yield from _stop_wording_problems(data, book)
    for i, raw in enumerate(data["facts"]):
        yield from placeholder_problems(raw, ("facts", i), ("text", "help"), book)
    for i, raw in enumerate(data.get("outcomes") or ()):
        yield from outcome_placeholder_problems(raw, ("outcomes", i), book)


def _stop_wording_problems(data: Mapping[str, Any], book: CaseFacts) -> Iterator[Problem]:
    """An outcome the opening stops at is read knowing only the opening facts asked so far.

    So each `{placeholder}` in it words a fact asked before the stop, or has a `default`
    (else the person would read the placeholder itself).
    """
    known: set[str] = set()
    stops: dict[str, set[str]] = {}
    for fact_id in book.opening:
        known.add(fact_id)
        fact = book.facts.get(fact_id)
        for _, target in fact.stop if fact is not None else ():
            stops.setdefault(target, set(known))
    for i, raw in enumerate(data.get("outcomes") or ()):
        facts = stops.get(raw.get("id", ""))
        if facts is None:
            continue
        texts: list[tuple[str | tuple[str, int], Any]] = [
            (key, raw.get(key)) for key in WORDED_OUTCOME_PARTS
        ]
        texts += [(("actions", a), action) for a, action in enumerate(raw.get("actions", ()))]
        for key, text in texts:
            for name in PLACEHOLDER.findall(text) if isinstance(text, str) else ():
                wording = book.wording.get(name)
                if wording is None or wording.fact in facts or wording.default is not None:
                    continue
                yield Problem(
                    "SW112",
                    ("outcomes", i, *(key if isinstance(key, tuple) else (key,))),
                    f"{preview('{' + name + '}')} words the fact {preview(wording.fact)}, which "
                    "is not known when the opening stops here, and it has no `default`.",
                    f"Give the wording `{name}` a `default` (the words when the fact is unknown).",
                )


def _wording_problems(name: str, wording: Wording, book: CaseFacts) -> Iterator[Problem]:
    """A wording names a fact and gives words for each of its answers, and only those."""
    here: JsonPath = ("wording", name)
    worded = book.facts.get(wording.fact)
    if worded is None:
        yield _no_fact(here + ("fact",), wording.fact, book)
        return
    question = worded.question
    given = {value for value, _ in wording.values}
    for value in given:
        if question.choice(value) is None:
            yield Problem(
                "SW102",
                here + ("values", value),
                f"{preview(value)} is not an answer to {preview(wording.fact)}.",
                key=True,
            )
    for choice in question.choices:
        if choice.value not in given:
            yield Problem(
                "SW110",
                here + ("values",),
                f"the wording {preview(name)} has no words for {preview(choice.value)}, an "
                f"answer to {preview(wording.fact)}.",
                "Give words for every answer.",
            )


def _no_fact(at: JsonPath, name: str, book: CaseFacts) -> Problem:
    return Problem(
        "SW108",
        at,
        f"{preview(name)} names no fact of facts.yaml.",
        f"Facts: {', '.join(book.facts) or 'none (there is no facts.yaml)'}.",
    )


def placeholder_problems(
    raw: Mapping[str, Any], at: JsonPath, keys: Iterable[str], book: CaseFacts
) -> Iterator[Problem]:
    """Each `{name}` in these texts names a wording of facts.yaml."""
    for key in keys:
        text = raw.get(key)
        for name in PLACEHOLDER.findall(text) if isinstance(text, str) else ():
            if name not in book.wording:
                yield Problem(
                    "SW111",
                    at + (key,),
                    f"{preview('{' + name + '}')} is not a wording of facts.yaml.",
                    f"Wordings: {', '.join(book.wording) or 'none'}.",
                )


def outcome_placeholder_problems(
    raw: Mapping[str, Any], at: JsonPath, book: CaseFacts
) -> Iterator[Problem]:
    """Placeholders in every part of an outcome people read."""
    yield from placeholder_problems(raw, at, WORDED_OUTCOME_PARTS, book)
    for a, action in enumerate(raw.get("actions", ())):
        yield from placeholder_problems({"action": action}, at + ("actions", a), ("action",), book)


def fact_node_problems(doc: YamlDocument, book: CaseFacts) -> Iterator[Problem]:
    """A flow's fact nodes name facts; its questions do not take a fact's id; placeholders.

    (A fact node may not restate its fact's text, help or choices: the schema allows it only
    `fact` and `next`.)
    """
    names = fact_names(book)
    for i, raw in enumerate(doc.data["questions"]):
        if "fact" in raw:
            if raw["fact"] not in book.facts:
                yield _no_fact(("questions", i, "fact"), raw["fact"], book)
            continue
        if raw["id"] in names:
            kind = "fact" if raw["id"] in book.facts else "derived fact"
            yield Problem(
                "SW109",
                ("questions", i, "id"),
                f"{preview(raw['id'])} is the id of a {kind} of facts.yaml.",
                f"Read the {kind} with `- fact: {raw['id']}`, or give the question another id."
                if kind == "fact"
                else "Give the question another id.",
            )
        yield from placeholder_problems(raw, ("questions", i), ("text", "help"), book)
    for i, raw in enumerate(doc.data["outcomes"]):
        yield from outcome_placeholder_problems(raw, ("outcomes", i), book)


def conflict_problems(
    doc: YamlDocument, book: CaseFacts, names: Mapping[str, Question]
) -> Iterator[Problem]:
    """Each conflict's conditions name decisions, outcome facts, record fields or facts.

    `names` are the record form's fields and the outcome facts; the facts are added here.
    """
    known = {**names, **fact_names(book)}
    for i, conflict in enumerate(book.conflicts):
        for side, condition in (("first", conflict.first), ("second", conflict.second)):
            yield from condition_problems(condition, known, ("conflicts", i, side))


def rule_value_problems(field: Question, rule: FieldRule, at: JsonPath) -> Iterator[Problem]:
    """A record field's `refuse` or `warn` names only answers the field has."""
    if not field.choices:
        return
    for v, value in enumerate(rule.values):
        if field.choice(value) is None:
            yield Problem(
                "SW102",
                at + ("values", v),
                f"{preview(value)} is not an answer to {preview(field.id)}.",
                f"Answers: {', '.join(c.value for c in field.choices)}.",
            )


# --- the policy (policy.yaml) -----------------------------------------------------------------

#: What a rule's conditions may read, by where it is checked (`at`).
POLICY_READS = {
    "first-question": "facts and derived facts",
    "outcome": "facts, derived facts, the outcome (decision, outcome, shares, without_consent), "
    "terms and the flows' questions",
    "record": "facts, derived facts, the outcome, terms, the flows' questions and record fields",
    "sitting": "facts, derived facts, the outcome, terms and the flows' questions",
}


def term_question(name: str) -> Question:
    """A term of policy.yaml as conditions see it: a yes/no question."""
    return Question(name, name, "yesno", (Choice(YES, "Yes"), Choice(NO, "No")))


def policy_names(
    book: CaseFacts,
    outcome: Mapping[str, Question],
    fields: Iterable[Question],
    flows: Iterable[Flow],
    terms: Iterable[str],
) -> dict[str, dict[str, Question]]:
    """For each `at`, the names a rule's conditions may read, as questions (for their answers).

    `outcome` are the outcome facts (decision, outcome, shares, without_consent).
    """
    base = fact_names(book)
    about = dict(outcome)
    about.update({name: term_question(name) for name in terms})
    for flow in flows:
        for question in flow.questions.values():
            if not question.fact:
                about.setdefault(question.id, question)
    at_outcome = {**about, **base}
    return {
        "first-question": base,
        "outcome": at_outcome,
        "record": {**at_outcome, **{f.id: f for f in fields}},
        "sitting": at_outcome,
    }


def policy_condition_problems(
    policy: Policy, names: Mapping[str, Mapping[str, Question]]
) -> Iterator[Problem]:
    """Each rule's conditions name only what a rule checked where it is (`at`) can read.

    And only answers those have.
    """
    every = {name for known in names.values() for name in known}
    for i, rule in enumerate(policy.rules):
        known = names[rule.at]
        for key in ("when", "require", "first", "second"):
            for leaf in iter_conditions(getattr(rule, key)):
                target = known.get(leaf.question)
                if target is None:
                    here = " here" if leaf.question in every else ""
                    yield Problem(
                        "SW102",
                        ("rules", i, key),
                        f"the condition names {preview(leaf.question)}, which a rule checked at "
                        f"{rule.at} cannot read{here}.",
                        f"At {rule.at} a rule reads {POLICY_READS[rule.at]}.",
                    )
                    continue
                allowed = [c.value for c in target.choices]
                for value in leaf.values:
                    if allowed and value not in allowed:
                        yield Problem(
                            "SW102",
                            ("rules", i, key),
                            f"{preview(value)} is not an answer to {preview(leaf.question)}.",
                            f"Answers: {', '.join(allowed)}.",
                        )
