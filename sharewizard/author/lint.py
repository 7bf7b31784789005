"""Lint rules for flow authors: every problem in a folder of flows, each located and coded."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharewizard.core.engine import holds
from sharewizard.core.errors import FlowError, Location, SharewizardError
from sharewizard.core.model import HANDOFF_PREFIX, Answer, Condition, Flow, Question
from sharewizard.core.text import preview
from sharewizard.flowfiles import loader
from sharewizard.flowfiles.guidance import GuidanceText
from sharewizard.flowfiles.loader import JsonPath, YamlDocument, iter_conditions
from sharewizard.flowfiles.yamldoc import not_regular

ERROR, WARNING, NOTE = "error", "warning", "note"  # notes never fail a run

#: Question text wraps over at most three lines of an 80-column terminal.
QUESTION_COLUMNS = 240
#: A choice label is shown on one line of an 80-column terminal, after the prompt's pointer and
#: number (`  » 1) `, up to 8 columns): 72 columns are left for the label.
LABEL_COLUMNS = 72


@dataclass(frozen=True)
class Rule:
    """One lint rule: a stable code, a short name, its severity and what it finds."""

    code: str
    name: str
    severity: str
    finds: str


#: Every rule, once. Codes never change meaning; retired codes are not reused.
RULES = {
    rule.code: rule
    for rule in (
        Rule(
            "SW000", "load-error", ERROR, "the loader refuses the flow for a reason no rule names"
        ),
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
class Finding:
    """One problem: where it is, which rule found it, what is wrong and what to do."""

    path: Path
    line: int | None
    column: int | None
    code: str
    message: str
    hint: str = ""

    @property
    def rule(self) -> Rule:
        """The rule that found it."""
        return RULES[self.code]

    @property
    def severity(self) -> str:
        """`error` or `warning`."""
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


@dataclass
class _Report:
    """Findings as they are found, located in their documents."""

    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        doc: YamlDocument,
        path: JsonPath,
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
    ) -> None:
        where = doc.locate(path, key=key)
        self.findings.append(Finding(doc.path, where.line, where.column, code, message, hint))

    def add_error(self, error: SharewizardError, code: str) -> None:
        where = error.location
        path = Path(where.path) if where.path else Path()
        self.findings.append(
            Finding(path, where.line, where.column, code, error.message, error.hint)
        )


# --- reading --------------------------------------------------------------------------------


def _read(path: Path, report: _Report) -> YamlDocument | None:
    """The parsed document, or None after reporting every key given twice; bad input raises.

    Read by the loader's own reader, within its limits: an alias bomb or a value that contains
    itself is refused at once, as everywhere else.
    """
    duplicates: list[SharewizardError] = []
    doc = loader.read_yaml(path, duplicates=duplicates)
    for error in duplicates:
        report.add_error(error, "SW002")
    return None if duplicates else doc


def _schema_ok(doc: YamlDocument, name: str, report: _Report) -> bool:
    errors = loader.schema_errors(name, doc.data)
    if not errors:
        return True
    for error in errors:
        where = tuple(error.absolute_path)
        missing = error.validator == "required" and "'citations'" in error.message
        empty = where[-1:] == ("citations",) and error.validator == "minItems"
        if name == "flow" and where[:1] == ("outcomes",) and (missing or empty):
            report.add(doc, where, "SW301", "this outcome cites no guidance.", _CITE_HINT)
            return False
    try:
        loader.check_schema(doc, name)
    except SharewizardError as exc:
        report.add_error(exc, "SW001")
    return False


_CITE_HINT = "Quote, word for word, the guidance that supports it under `citations`."


# --- one flow: structure --------------------------------------------------------------------


@dataclass
class _FlowLint:
    """What the structural rules learn about one flow document, for the later rules."""

    doc: YamlDocument
    questions: dict[str, Question]
    index: dict[str, int]  # question id -> position in `questions:`
    outcome_index: dict[str, int]


def _check_ids(doc: YamlDocument, report: _Report) -> bool:
    seen: dict[str, int] = {}
    ok = True
    for section in ("questions", "outcomes"):
        for i, item in enumerate(doc.data[section]):
            here = (section, i, "id")
            if item["id"] in loader.CONDITION_WORDS:
                report.add(doc, here, "SW105", f"{preview(item['id'])} is reserved for conditions.")
                ok = False
            elif item["id"] in seen:
                report.add(
                    doc,
                    here,
                    "SW003",
                    f"duplicate id {preview(item['id'])} (first used at line {seen[item['id']]}).",
                    "Every question and outcome in a flow needs its own id.",
                )
                ok = False
            else:
                seen[item["id"]] = doc.locate(here).line or 0
    return ok


def _route_paths(raw_next: Any, base: JsonPath) -> list[tuple[JsonPath, JsonPath]]:
    """(goto path, when path) of each route, in order, however `next` is written."""
    if isinstance(raw_next, str):
        return [(base, base)]
    if isinstance(raw_next, dict):
        return [(base + (key,), base + (key,)) for key in raw_next]
    return [(base + (r, "goto"), base + (r, "when")) for r in range(len(raw_next))]


def _parse_questions(doc: YamlDocument, report: _Report) -> dict[str, Question] | None:
    questions: dict[str, Question] = {}
    ok = True
    for i, raw in enumerate(doc.data["questions"]):
        raw_next = raw["next"]
        if isinstance(raw_next, list) and raw_next[-1].get("when") is not None:
            report.add(
                doc,
                ("questions", i, "next", len(raw_next) - 1),
                "SW104",
                "the last rule has a `when`, so some answers would lead nowhere.",
                "End the list with a rule that has only `goto`.",
            )
            ok = False
            continue
        try:
            questions.setdefault(raw["id"], loader.parse_question(doc, raw, ("questions", i)))
        except SharewizardError as exc:
            report.add_error(exc, "SW105")
            ok = False
    return questions if ok else None


def _check_routes(
    doc: YamlDocument,
    questions: dict[str, Question],
    index: dict[str, int],
    outcome_ids: set[str],
    flow_ids: set[str] | None,
    report: _Report,
) -> bool:
    ok = True
    if doc.data["start"] not in questions:
        report.add(
            doc, ("start",), "SW101", f"{preview(doc.data['start'])} names no question here."
        )
        ok = False
    answer_sets = {q.id: {c.value for c in q.choices} for q in questions.values() if q.choices}
    for qid, question in questions.items():
        i = index[qid]
        base = ("questions", i, "next")
        raw_next = doc.data["questions"][i]["next"]
        for route, (goto_at, when_at) in zip(
            question.routes, _route_paths(raw_next, base), strict=True
        ):
            target = route.goto
            if target.startswith(HANDOFF_PREFIX):
                name = target[len(HANDOFF_PREFIX) :]
                if flow_ids is not None and name not in flow_ids:
                    report.add(
                        doc,
                        goto_at,
                        "SW101",
                        f"{preview(target)} names no flow.",
                        f"Flows: {', '.join(sorted(flow_ids))}.",
                    )
                    ok = False
            elif target not in questions and target not in outcome_ids:
                report.add(
                    doc,
                    goto_at,
                    "SW101",
                    f"{preview(target)} names no question or outcome in this flow.",
                    "Fix the id, or add the question or outcome it should lead to.",
                )
                ok = False
            if not isinstance(raw_next, dict):
                ok = _check_leaves(doc, route.when, questions, answer_sets, when_at, report) and ok
        if question.fan_out:
            ok = _check_fan_out(doc, question, base, report) and ok
        if isinstance(raw_next, dict):
            ok = _check_answer_map(doc, question, raw_next, base, report) and ok
    return ok


def _check_leaves(
    doc: YamlDocument,
    when: Condition | None,
    questions: dict[str, Question],
    answer_sets: dict[str, set[str]],
    path: JsonPath,
    report: _Report,
) -> bool:
    ok = True
    for leaf in iter_conditions(when):
        if leaf.question not in questions:
            report.add(
                doc,
                path,
                "SW102",
                f"the condition names {preview(leaf.question)}, not a question here.",
            )
            ok = False
            continue
        allowed = answer_sets.get(leaf.question)
        for value in leaf.values:
            if allowed is not None and value not in allowed:
                report.add(
                    doc,
                    path,
                    "SW102",
                    f"{preview(value)} is not an answer to {preview(leaf.question)}.",
                    f"Answers: {', '.join(sorted(allowed))}.",
                )
                ok = False
    return ok


def _check_fan_out(doc: YamlDocument, question: Question, base: JsonPath, report: _Report) -> bool:
    if question.type != "multi":
        report.add(
            doc,
            base[:-1] + ("fan_out",),
            "SW105",
            "`fan_out` is for multiple-choice questions only.",
            key=True,
        )
        return False
    for route in question.routes:
        if not route.goto.startswith(HANDOFF_PREFIX):
            report.add(
                doc,
                base,
                "SW105",
                f"a fan-out question leads only to flows, but {preview(route.goto)} is not "
                "`flow:<id>`.",
                "Hand over to a flow for each answer.",
            )
            return False
    return True


def _check_answer_map(
    doc: YamlDocument, question: Question, raw_next: dict[str, Any], base: JsonPath, report: _Report
) -> bool:
    if question.type not in ("yesno", "choice") and not question.fan_out:
        report.add(
            doc,
            base,
            "SW105",
            f"a {question.type} question cannot map answers to ids.",
            "Use a single id, or a list of {when, goto} rules.",
        )
        return False
    values = [c.value for c in question.choices]
    allowed = set(values)
    ok = True
    for key in raw_next:
        if str(key) not in allowed:
            report.add(
                doc,
                base + (key,),
                "SW102",
                f"{preview(key)} is not an answer to this question.",
                f"Answers: {', '.join(values)}.",
                key=True,
            )
            ok = False
    mapped = {str(k) for k in raw_next}
    raw_choices = doc.data["questions"][base[1]].get("choices")
    for c, value in enumerate(values):
        if value not in mapped:
            at = base[:-1] + (("choices", c) if raw_choices else ("next",))
            report.add(
                doc,
                at,
                "SW103",
                f"the answer {preview(value)} has no route: `next` does not say where it leads.",
                "Add it to the answer map under `next`.",
            )
            ok = False
    return ok


def _check_references(
    doc: YamlDocument,
    sources: set[str] | None,
    decisions: set[str] | None,
    flow_ids: set[str] | None,
    report: _Report,
) -> None:
    for i, item in enumerate(doc.data["outcomes"]):
        if decisions is not None and item["decision"] not in decisions:
            report.add(
                doc,
                ("outcomes", i, "decision"),
                "SW106",
                f"{preview(item['decision'])} is not a decision declared in record.yaml.",
                f"Use one of: {', '.join(sorted(decisions))}.",
            )
        for r, related in enumerate(item.get("related_flows", ())):
            if flow_ids is not None and related not in flow_ids:
                report.add(
                    doc,
                    ("outcomes", i, "related_flows", r),
                    "SW107",
                    f"{preview(related)} names no flow.",
                    f"Flows: {', '.join(sorted(flow_ids))}.",
                )
    if sources is None:
        return
    for section, key, i, c, cite in _citations(doc):
        if cite["source"] not in sources:
            report.add(
                doc,
                (section, i, key, c, "source"),
                "SW302",
                f"the source {preview(cite['source'])} is not declared in sources.yaml.",
                f"Declared: {', '.join(sorted(sources))}.",
            )


def _citations(doc: YamlDocument) -> Iterator[tuple[str, str, int, int, dict[str, Any]]]:
    for section, key in (("questions", "guidance"), ("outcomes", "citations")):
        for i, item in enumerate(doc.data[section]):
            for c, cite in enumerate(item.get(key, ())):
                yield section, key, i, c, cite


# --- one flow: the graph --------------------------------------------------------------------


def _check_graph(flow: _FlowLint, report: _Report) -> bool:
    """Unreachable nodes, dead ends and cycles, in time linear in the size of the flow."""
    doc, questions = flow.doc, flow.questions
    start = doc.data["start"]
    reached = {start}
    order = [start]
    for qid in order:  # grows while it is walked: a breadth-first search
        for route in questions[qid].routes:
            if route.goto not in reached and not route.goto.startswith(HANDOFF_PREFIX):
                reached.add(route.goto)
                if route.goto in questions:
                    order.append(route.goto)
    ok = True
    for section, ids in (("questions", flow.index), ("outcomes", flow.outcome_index)):
        for node_id, i in ids.items():
            if node_id not in reached:
                report.add(
                    doc,
                    (section, i, "id"),
                    "SW201",
                    f"{preview(node_id)} can never be reached from start.",
                    "Lead to it from a question, or remove it.",
                )
                ok = False
    ends = _can_end(questions)
    for qid in order:
        if qid not in ends:
            report.add(
                doc,
                ("questions", flow.index[qid], "id"),
                "SW202",
                f"no answer to {preview(qid)} ever reaches an outcome or a hand-off.",
                "Lead at least one way out of the loop to an outcome.",
            )
            ok = False
    return _check_cycles(flow, start, ends, report) and ok


def _can_end(questions: dict[str, Question]) -> set[str]:
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


def _check_cycles(flow: _FlowLint, start: str, ends: set[str], report: _Report) -> bool:
    questions = flow.questions
    if start not in ends:
        return True
    state = {start: 1}  # 1 = on the current path, 2 = done
    stack = [(start, iter(enumerate(questions[start].routes)))]
    ok = True
    while stack:
        qid, routes = stack[-1]
        step = next(routes, None)
        if step is None:
            state[qid] = 2
            stack.pop()
            continue
        r, route = step
        target = route.goto
        if target not in questions or target not in ends:
            continue
        if state.get(target) == 1:
            report.add(
                flow.doc,
                loader.route_path(flow.doc, flow.index[qid], r),
                "SW203",
                f"this leads back to {preview(target)}, so the walk could loop forever.",
                "Flows must always move forward.",
            )
            ok = False
        elif target not in state:
            state[target] = 1
            stack.append((target, iter(enumerate(questions[target].routes))))
    return ok


# --- one flow: what conditions can see -----------------------------------------------------

_UNANSWERED = "\0unanswered"
_ANY_TEXT = "\0text"
#: Past this many combinations of earlier answers a route is assumed reachable (no finding).
_MAX_COMBINATIONS = 4096


#: A multiple-choice question with at most this many choices is tried with every combination
#: of its answers; one with more, with each answer alone and all of them together.
_COMBINE_UP_TO = 4


def _domain(question: Question, mentioned: dict[str, set[str]]) -> list[Answer]:
    """The answers worth trying for a question: its choices, or stand-ins for free text."""
    values = [c.value for c in question.choices]
    if question.type == "multi":
        if len(values) <= _COMBINE_UP_TO:
            return [c for n in range(1, len(values) + 1) for c in itertools.combinations(values, n)]
        return [*((v,) for v in values), tuple(values)]
    if values:
        return list(values)
    return [_ANY_TEXT, *sorted(mentioned.get(question.id, ()))]


def _check_conditions(flow: _FlowLint, report: _Report) -> None:
    """Routes whose condition never holds, and tests of questions not yet asked (SW205, SW206).

    For each question, the answers that earlier questions can have when it is asked are carried
    forward in topological order; only questions that other questions' conditions test are
    carried, so a flow whose conditions test only their own question is checked in linear time.
    """
    questions, doc = flow.questions, flow.doc
    mentioned: dict[str, set[str]] = {}
    tested: set[str] = set()
    for qid, question in questions.items():
        for route in question.routes:
            for leaf in iter_conditions(route.when):
                mentioned.setdefault(leaf.question, set()).update(leaf.values)
                if leaf.question != qid:
                    tested.add(leaf.question)
    seen: dict[str, dict[str, set[Answer]]] = {
        doc.data["start"]: {t: {_UNANSWERED} for t in tested}
    }
    for qid in _topological(questions, doc.data["start"]):
        question = questions[qid]
        before = seen.get(qid, {})
        taken = _routes_taken(question, before, mentioned)
        base = ("questions", flow.index[qid], "next")
        paths = _route_paths(doc.data["questions"][flow.index[qid]]["next"], base)
        for r, route in enumerate(question.routes):
            unasked = sorted(
                {
                    leaf.question
                    for leaf in iter_conditions(route.when)
                    if leaf.question != qid and before.get(leaf.question) == {_UNANSWERED}
                }
            )
            for name in unasked:
                report.add(
                    doc,
                    paths[r][1],
                    "SW206",
                    f"the condition tests {preview(name)}, which is never asked before "
                    f"{preview(qid)}.",
                    "Test only questions that every way to this one asks first.",
                )
            if taken is not None and not taken[r] and not unasked:
                report.add(
                    doc,
                    paths[r][1],
                    "SW205",
                    f"this route to {preview(route.goto)} is never taken: on every way to "
                    f"{preview(qid)}, "
                    "an earlier rule matches first or its condition cannot hold.",
                    "Fix the condition, reorder the rules, or remove the route.",
                )
            target = route.goto
            if target in questions:
                values = taken[r] if taken is not None else set(_domain(question, mentioned))
                into = seen.setdefault(target, {t: set() for t in tested})
                for name, possible in before.items():
                    into[name] |= values if name == qid else possible


def _topological(questions: dict[str, Question], start: str) -> list[str]:
    """Questions reachable from `start`, each after every question that leads to it."""
    count: dict[str, int] = {}
    order = [start]
    reached = {start}
    for qid in order:
        for route in questions[qid].routes:
            if route.goto in questions:
                count[route.goto] = count.get(route.goto, 0) + 1
                if route.goto not in reached:
                    reached.add(route.goto)
                    order.append(route.goto)
    ready, result = [start], []
    while ready:
        qid = ready.pop()
        result.append(qid)
        for route in questions[qid].routes:
            if route.goto in questions:
                count[route.goto] -= 1
                if count[route.goto] == 0:
                    ready.append(route.goto)
    return result


def _routes_taken(
    question: Question, before: dict[str, set[Answer]], mentioned: dict[str, set[str]]
) -> list[set[Answer]] | None:
    """For each route, this question's answers that can take it (None: too many to tell)."""
    routes = question.routes
    taken: list[set[Answer]] = [set() for _ in routes]
    domain = _domain(question, mentioned)
    own_only = all(
        route.when is None or (route.when.kind == "equals" and route.when.question == question.id)
        for route in routes
    )
    if own_only and not question.fan_out and question.type != "multi":
        left = set(domain)
        for r, route in enumerate(routes):  # an answer map: one pass, whatever its size
            match = left if route.when is None else left & set(route.when.values)
            taken[r] |= match
            left -= match
        return taken
    others = sorted(
        {leaf.question for r in routes for leaf in iter_conditions(r.when)} - {question.id}
    )
    spaces = [sorted(before.get(name, {_UNANSWERED}), key=repr) for name in others]
    size = len(domain)
    for space in spaces:
        size *= len(space)
    if size > _MAX_COMBINATIONS:
        return None
    for combination in itertools.product(domain, *spaces):
        answers: dict[str, Answer] = {question.id: combination[0]}
        for name, value in zip(others, combination[1:], strict=True):
            if value != _UNANSWERED:
                answers[name] = value
        for r, route in enumerate(routes):
            if holds(route.when, answers):
                taken[r].add(combination[0])
                if not question.fan_out:
                    break
    return taken


# --- text hygiene and quotes ----------------------------------------------------------------

_HTML = re.compile(r"<[A-Za-z/!][^>]*>|&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
_WORDS = re.compile(r"[a-z0-9]+")


def _shown_text(doc: YamlDocument) -> Iterator[tuple[JsonPath, str]]:
    """Every piece of user-facing text a flow shows, with where it is (quotes excepted)."""
    data = doc.data
    for key in ("title", "description"):
        yield (key,), data[key]
    for i, q in enumerate(data["questions"]):
        yield ("questions", i, "text"), q["text"]
        if "help" in q:
            yield ("questions", i, "help"), q["help"]
        for c, choice in enumerate(q.get("choices", ())):
            yield ("questions", i, "choices", c, "label"), choice["label"]
            if "help" in choice:
                yield ("questions", i, "choices", c, "help"), choice["help"]
    for i, o in enumerate(data["outcomes"]):
        for key in ("title", "summary"):
            yield ("outcomes", i, key), o[key]
        for a, action in enumerate(o["actions"]):
            yield ("outcomes", i, "actions", a), action


def _check_text(doc: YamlDocument, report: _Report) -> None:
    for path, raw in _shown_text(doc):
        text = " ".join(raw.split())
        kind = path[-1] if path[-1] in ("text", "label") else None
        if kind and not text:
            report.add(doc, path, "SW501", f"the {_KIND[kind]} is blank.", "Write it.")
        limit = {"text": QUESTION_COLUMNS, "label": LABEL_COLUMNS}.get(str(kind), 0)
        if kind and len(text) > limit:
            report.add(
                doc,
                path,
                "SW502",
                f"the {_KIND[kind]} is {len(text)} characters long; at most {limit} fit "
                f"{'on one line' if kind == 'label' else 'in three lines'} of an 80-column "
                "terminal.",
                "Shorten it, and move detail into `help`.",
            )
        if '"' in text:
            report.add(
                doc,
                path,
                "SW504",
                'straight double quotes (") in text people read.',
                "Use typographic quotes (“ ”) or none.",
            )
        html = _HTML.search(text)
        if html:
            report.add(
                doc,
                path,
                "SW505",
                f"HTML in text people read: {preview(html.group(0))}.",
                "The terminal shows it as typed: write plain text.",
            )
        if path[0] == "questions" and path[2:] == ("help",):
            question = " ".join(_WORDS.findall(doc.data["questions"][path[1]]["text"].lower()))
            helped = " ".join(_WORDS.findall(text.lower()))
            if helped == question or (
                question.count(" ") >= 2 and f" {question} " in f" {helped} "
            ):
                report.add(
                    doc,
                    path,
                    "SW503",
                    "the help repeats the question.",
                    "Say what the question does not: what to consider, or an example.",
                )


_KIND = {"text": "question text", "label": "choice label"}


def _check_quotes(doc: YamlDocument, texts: dict[str, GuidanceText | str], report: _Report) -> None:
    """Each quote word for word in its source's text; `texts` holds a reason where none is."""
    flagged: set[str] = set()
    for section, key, i, c, cite in _citations(doc):
        text = texts.get(cite["source"])
        here = (section, i, key, c, "quote")
        if isinstance(text, GuidanceText):
            if not text.contains(cite["quote"]):
                report.add(
                    doc,
                    here,
                    "SW401",
                    f"this quote is not word for word in {preview(cite['source'])} "
                    f"({text.path.name}).",
                    f"Nearest passage: “{text.nearest(cite['quote'])}”.",
                )
        elif isinstance(text, str) and cite["source"] not in flagged:
            flagged.add(cite["source"])
            report.add(
                doc, here, "SW402", f"quotes of {preview(cite['source'])} cannot be checked: {text}"
            )


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LintResult:
    """The findings of one lint run, and whether quotes were checked against the guidance."""

    findings: tuple[Finding, ...]
    files: int
    guidance: Path | None

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(f.severity == WARNING for f in self.findings)

    def failed(self, strict: bool = False) -> bool:
        """Errors fail; with `strict`, warnings fail too."""
        return bool(self.errors or (strict and self.warnings))


def lint_paths(paths: Sequence[Path], guidance: Path | None = None) -> LintResult:
    """Lint flow files and folders of flows; a file is linted with the folder it sits in.

    A folder is a catalogue: its flows, `sources.yaml` and `record.yaml` are all checked and
    reported. A file is checked against its folder's sources, record form and other flows, and
    only its own findings are reported. Unreadable input raises FlowError (exit 2).
    """
    wanted: dict[Path, set[Path] | None] = {}
    for path in paths:
        if path.is_dir():
            wanted[path] = None
        elif path.is_file():
            chosen = wanted.setdefault(path.parent, set())
            if chosen is not None:
                chosen.add(path.resolve())
        else:
            raise FlowError(_not_a_flow_file(path), Location(path))
    findings: list[Finding] = []
    files = 0
    for folder, chosen in wanted.items():
        found, count = _lint_folder(folder, chosen, guidance)
        findings.extend(found)
        files += count
    return LintResult(tuple(findings), files, guidance)


def _not_a_flow_file(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be linted (a FIFO, a device)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file or folder."
    return not_regular(mode) or "cannot be read."


def _lint_folder(
    folder: Path, chosen: set[Path] | None, guidance: Path | None
) -> tuple[list[Finding], int]:
    report = _Report()
    whole = chosen is None
    sources, texts = _lint_sources(folder / loader.SOURCES_FILE, guidance, report)
    decisions = _lint_record_form(folder / loader.RECORD_FORM_FILE, report)
    files = loader.flow_files(folder)
    if whole and not files:
        raise FlowError("no flow files here.", Location(folder), "Lint a folder of .yaml flows.")
    docs: list[YamlDocument] = []
    owners: dict[str, Path] = {}
    for path in files:
        asked = whole or path.resolve() in (chosen or set())
        try:
            doc = _read(path, report)
        except SharewizardError:
            if asked:
                raise
            continue  # a broken neighbour only hides its own flow id
        if doc is None or not _schema_ok(doc, "flow", report):
            continue
        if doc.data["id"] in owners:
            report.add(
                doc,
                ("id",),
                "SW003",
                f"flow id {preview(doc.data['id'])} is also used by {owners[doc.data['id']].name}.",
                "Each flow needs its own id.",
            )
            continue
        owners[doc.data["id"]] = path
        docs.append(doc)
    flow_ids = set(owners)
    flows: dict[str, Flow] = {}
    for doc in docs:
        flow = _lint_flow(doc, sources, decisions, flow_ids, report)
        if flow is not None:
            flows[flow.id] = flow
        _check_text(doc, report)
        if texts is not None:
            _check_quotes(doc, texts, report)
    _check_handoffs(flows, {d.data["id"]: d for d in docs}, report)
    if whole and sources is not None and len(flows) == len(docs) == len(files):
        _check_unused_sources(folder / loader.SOURCES_FILE, docs, report)
    keep = None if whole else set(chosen or ())
    found = [f for f in report.findings if keep is None or f.path.resolve() in keep]
    return found, len(files) if keep is None else len(keep)


def _lint_flow(
    doc: YamlDocument,
    sources: set[str] | None,
    decisions: set[str] | None,
    flow_ids: set[str],
    report: _Report,
) -> Flow | None:
    ids_ok = _check_ids(doc, report)
    _check_references(doc, sources, decisions, flow_ids, report)
    questions = _parse_questions(doc, report)
    if questions is None or not ids_ok:
        return None
    index = {q["id"]: i for i, q in enumerate(doc.data["questions"])}
    outcome_index = {o["id"]: i for i, o in enumerate(doc.data["outcomes"])}
    outcome_ids = set(outcome_index)
    if not _check_routes(doc, questions, index, outcome_ids, flow_ids, report):
        return None
    state = _FlowLint(doc, questions, index, outcome_index)
    if not _check_graph(state, report):
        return None
    _check_conditions(state, report)
    try:  # the loader's own verdict: a flow it refuses is never reported clean
        return loader.parse_flow(doc, schema_checked=True)
    except SharewizardError as exc:
        report.add_error(exc, "SW000")
        return None


def _check_handoffs(flows: dict[str, Flow], docs: dict[str, YamlDocument], report: _Report) -> None:
    for flow_id, q, r, target in loader.handoff_cycles(flows):
        loop = (
            "itself"
            if target == flow_id
            else f"{preview(target)}, which leads back to {preview(flow_id)}"
        )
        report.add(
            docs[flow_id],
            loader.route_path(docs[flow_id], q, r),
            "SW204",
            f"this hands over to {loop}. A walk that comes back does not loop: it returns to the "
            "answer that led away and asks for one of the two to change (an answers file stops "
            "with an error).",
            "Fine when only contradicting answers come back; otherwise prefer an outcome naming "
            "the other flow in `related_flows`.",
        )


def _lint_sources(
    path: Path, guidance: Path | None, report: _Report
) -> tuple[set[str] | None, dict[str, GuidanceText | str] | None]:
    """Declared source ids, and each source's guidance text (or why it has none)."""
    if not path.is_file():
        return None, None
    doc = _read(path, report)
    if doc is None or not _schema_ok(doc, "sources", report):
        return None, None
    ids: set[str] = set()
    for i, raw in enumerate(doc.data["sources"]):
        if raw["id"] in ids:
            report.add(
                doc, ("sources", i, "id"), "SW003", f"duplicate source id {preview(raw['id'])}."
            )
        ids.add(raw["id"])
    if guidance is None:
        return ids, None
    texts: dict[str, GuidanceText | str] = {}
    for raw in doc.data["sources"]:
        name = raw.get("text")
        if raw["id"] in texts:
            continue  # a duplicate, reported above: the first declaration counts
        if name is None:
            texts[raw["id"]] = "sources.yaml names no local `text` for it."
        elif not (guidance / name).is_file():
            texts[raw["id"]] = f"its text {preview(name)} is not in {guidance}."
        else:
            texts[raw["id"]] = GuidanceText.read(guidance / name)
    return ids, texts


def _lint_record_form(path: Path, report: _Report) -> set[str] | None:
    if not path.is_file() or _read(path, report) is None:
        return None
    try:
        form = loader.load_record_form(path)
    except SharewizardError as exc:
        report.add_error(exc, "SW001")
        return None
    return set(form.decisions)


def _check_unused_sources(path: Path, docs: Iterable[YamlDocument], report: _Report) -> None:
    doc = loader.read_yaml(path)
    cited = {cite["source"] for flow in docs for *_, cite in _citations(flow)}
    for i, raw in enumerate(doc.data["sources"]):
        if raw["id"] not in cited:
            report.add(
                doc,
                ("sources", i, "id"),
                "SW303",
                f"no flow cites {preview(raw['id'])}.",
                "Cite it where it supports a question or outcome, or remove it.",
            )
