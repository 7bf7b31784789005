"""Lint for flow authors: every finding in a folder of flows, each located and coded.

The flow rules (`flowfiles.flowrules`, which the loader also applies) are listed in full, then
lint's own analyses: conditions that never hold, text people read, quotes against the guidance.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sharewizard.author.prove import Proof, proof_of
from sharewizard.core.engine import holds
from sharewizard.core.errors import FlowError, Location, SharewizardError
from sharewizard.core.model import FACTS_FLOW, Answer, CaseFacts, Flow, Question, RecordForm
from sharewizard.core.text import preview
from sharewizard.flowfiles import flowrules, loader
from sharewizard.flowfiles.flowrules import (
    ERROR,
    WARNING,
    Finding,
    Problem,
    citations,
    iter_conditions,
    route_paths,
)
from sharewizard.flowfiles.guidance import GuidanceText
from sharewizard.flowfiles.loader import JsonPath, YamlDocument
from sharewizard.flowfiles.yamldoc import not_regular

#: Question text wraps over at most three lines of an 80-column terminal.
QUESTION_COLUMNS = 240
#: A choice label is shown on one line of an 80-column terminal, after the prompt's pointer and
#: number (`  » 1) `, up to 8 columns): 72 columns are left for the label.
LABEL_COLUMNS = 72


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
        """A finding of lint's own analyses (the flow rules' come through `add_all`)."""
        self.add_all(doc, [Problem(code, path, message, hint, key)])

    def add_all(self, doc: YamlDocument, problems: Iterable[Problem]) -> None:
        self.findings.extend(Finding.of(doc, problem) for problem in problems)

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


@dataclass
class _FlowLint:
    """A flow whose structure passed the flow rules, for lint's own analyses."""

    doc: YamlDocument
    questions: dict[str, Question]
    index: dict[str, int]  # question id -> position in `questions:`
    book: CaseFacts = field(default_factory=CaseFacts)

    def fact_space(self, name: str) -> set[Answer] | None:
        """What a fact or derived fact can be when a walk enters the flow (None: not one).

        A fact may be known from the opening or an earlier flow or decision, or absent; a
        derived fact is yes or no.
        """
        if name in self.book.derived:
            return {"yes", "no"}
        fact = self.book.facts.get(name)
        if fact is None:
            return None
        return {*(c.value for c in fact.question.choices), _UNANSWERED}


# --- one flow: what conditions can see -----------------------------------------------------

_UNANSWERED = "\0unanswered"
_ANY_TEXT = "\0text"
#: Past this many combinations of earlier answers a route is assumed reachable (no finding).
_MAX_COMBINATIONS = 4096


#: A multiple-choice question with at most this many choices is tried with every combination
#: of its answers; one with more, with each answer alone and all of them together.
_COMBINE_UP_TO = 4


def _domain(question: Question, mentioned: dict[str, set[str]]) -> list[Answer]:
    """The answers worth trying for a question: its choices, or stand-ins for free text.

    A fact node whose fact applies only sometimes may be passed through, its fact absent.
    """
    values = [c.value for c in question.choices]
    if question.fact and question.when is not None:
        return [*values, _UNANSWERED]
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
    entering = {t: flow.fact_space(t) or {_UNANSWERED} for t in tested}
    seen: dict[str, dict[str, set[Answer]]] = {doc.data["start"]: entering}
    for qid in _topological(questions, doc.data["start"]):
        question = questions[qid]
        before = seen.get(qid, {})
        taken = _routes_taken(question, before, mentioned)
        base = ("questions", flow.index[qid], "next")
        paths = route_paths(doc.data["questions"][flow.index[qid]]["next"], base)
        for r, route in enumerate(question.routes):
            unasked = sorted(
                {
                    leaf.question
                    for leaf in iter_conditions(route.when)
                    if leaf.question != qid
                    and before.get(leaf.question) == {_UNANSWERED}
                    and flow.fact_space(leaf.question) is None  # facts: SW209, below
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


class _Unknown(Exception):
    """A condition read a fact that is neither known nor absent on this way through the flow."""

    def __init__(self, fact_id: str) -> None:
        super().__init__(fact_id)
        self.fact_id = fact_id


class _Strict(dict[str, Answer]):
    """The facts and answers of one way through a flow, as a condition reads them strictly.

    Reading a fact that is not known, though it applies, raises `_Unknown`; a fact that does not
    apply is absent (matches nothing); a derived fact is worked out from the facts, strictly.
    """

    def __init__(self, book: CaseFacts, facts: dict[str, Answer], answers: dict[str, Answer]):
        super().__init__({**facts, **answers})
        self.book = book

    def get(self, key: str, default: Answer | None = None) -> Answer | None:  # type: ignore[override]
        if key in self:
            return self[key]
        derived = self.book.derived.get(key)
        if derived is not None:
            return "yes" if holds(derived.when, self) else "no"
        fact = self.book.facts.get(key)
        if fact is not None and holds(fact.question.when, self):
            raise _Unknown(key)
        return default


#: Past this many ways through one flow the fact analysis stops (and says nothing more).
_MAX_WAYS = 20000


def _check_facts(flow: _FlowLint, report: _Report) -> None:
    """Fact nodes that never apply (SW208), facts read unknown (SW209), dead pass-throughs (SW210).

    Every way through the flow is followed, entering with only the opening facts known (a flow
    can be named on its own): at a fact node the fact is followed when known, passed through
    when it does not apply, else each answer is tried. A condition that reads a fact which
    applies but is unknown on some way is a finding; so is a fact node that no way reaches with
    its fact applying.
    """
    book, doc, questions = flow.book, flow.doc, flow.questions
    if not any(q.fact for q in questions.values()) and not book.facts:
        return
    applies_somewhere: set[str] = set()
    reached: set[str] = set()
    found: set[tuple[str, int, str]] = set()
    stuck: set[str] = set()
    ways = 0
    seen_states: set[tuple[str, tuple[tuple[str, Answer], ...]]] = set()

    def visit(qid: str, facts: dict[str, Answer], answers: dict[str, Answer]) -> None:
        nonlocal ways
        ways += 1
        if ways > _MAX_WAYS:
            return
        state = (qid, tuple(sorted({**facts, **answers}.items(), key=repr)))
        if state in seen_states:
            return
        seen_states.add(state)
        question = questions[qid]
        reached.add(qid)
        options: list[tuple[dict[str, Answer], dict[str, Answer]]]
        if question.fact:
            strict = _Strict(book, facts, {})
            try:
                applying = qid in facts or holds(question.when, strict)
            except _Unknown as unknown:
                found.add((qid, -1, unknown.fact_id))
                applying = True
            if qid in facts:
                options = [(facts, answers)]
                applies_somewhere.add(qid)
            elif applying:
                applies_somewhere.add(qid)
                options = [({**facts, qid: c.value}, answers) for c in question.choices]
            else:
                options = [(facts, answers)]
        else:
            options = [({**facts}, {**answers, qid: v}) for v in _domain(question, {})]
        for facts_now, answers_now in options:
            taken = None
            for r, route in enumerate(question.routes):
                try:
                    matched = holds(route.when, _Strict(book, facts_now, answers_now))
                except _Unknown as unknown:
                    found.add((qid, r, unknown.fact_id))
                    matched = holds(route.when, {**facts_now, **answers_now})
                if matched:
                    taken = route.goto
                    break
            if taken is None:
                stuck.add(qid)
                continue
            if taken in questions:
                visit(taken, facts_now, answers_now)

    for opening in _opening_cases(book):
        visit(doc.data["start"], opening, {})
    for qid, r, fact_id in sorted(found):
        index = flow.index[qid]
        base = ("questions", index, "next")
        at = (
            ("questions", index)
            if r < 0
            else route_paths(doc.data["questions"][index]["next"], base)[r][1]
        )
        report.add(
            doc,
            at,
            "SW209",
            f"this reads the fact {preview(fact_id)}, which some way to {preview(qid)} leaves "
            "unknown (not asked, and not known to be absent).",
            f"Ask it first on every way here (`- fact: {fact_id}`), or test something known.",
        )
    for qid in sorted(reached - applies_somewhere):
        if questions[qid].fact:
            report.add(
                doc,
                ("questions", flow.index[qid], "fact"),
                "SW208",
                f"the fact {preview(qid)} never applies where this node is reached, so it is "
                "never asked here.",
                "Route round it, or change the fact's `when` in facts.yaml.",
            )
    for qid in sorted(stuck):
        report.add(
            doc,
            ("questions", flow.index[qid], "next"),
            "SW210",
            f"no route from {preview(qid)} holds when its fact does not apply.",
            "End `next` with a rule that has only `goto`.",
        )


def _opening_cases(book: CaseFacts) -> list[dict[str, Answer]]:
    """The opening facts' answers a flow can be entered with (a stop ends before any flow)."""
    cases: list[dict[str, Answer]] = [{}]
    for fact_id in book.opening:
        fact = book.facts.get(fact_id)
        if fact is None:
            continue
        values = [c.value for c in fact.question.choices if fact.stops_at(c.value) is None]
        cases = [{**case, fact_id: value} for case in cases for value in values]
    return cases


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
        if key in data:
            yield (key,), data[key]
    section = "questions" if "questions" in data else "facts"
    for i, q in enumerate(data.get(section) or ()):
        if "fact" in q:
            continue  # a fact node shows its fact's text (facts.yaml)
        yield (section, i, "text"), q["text"]
        if "help" in q:
            yield (section, i, "help"), q["help"]
        for c, choice in enumerate(q.get("choices", ())):
            yield (section, i, "choices", c, "label"), choice["label"]
            if "help" in choice:
                yield (section, i, "choices", c, "help"), choice["help"]
    for i, o in enumerate(data.get("outcomes") or ()):
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
        if path[0] in ("questions", "facts") and path[2:] == ("help",):
            question = " ".join(_WORDS.findall(doc.data[path[0]][path[1]]["text"].lower()))
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
    for section, key, i, c, cite in citations(doc):
        if not isinstance(cite.get("source"), str) or not isinstance(cite.get("quote"), str):
            continue  # the schema check has said so already
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
    #: For each folder with a policy.yaml: what was proved, or why it was not.
    proofs: tuple[tuple[Path, Proof | str], ...] = ()

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


def lint_paths(
    paths: Sequence[Path], guidance: Path | None = None, *, prove: bool = True
) -> LintResult:
    """Lint flow files and folders of flows; a file is linted with the folder it sits in.

    A folder is a catalogue: its flows, `sources.yaml` and `record.yaml` are all checked and
    reported. A file is checked against its folder's sources, record form and other flows, and
    only its own findings are reported. Unreadable input raises FlowError (exit 2). Without
    `prove`, policy.yaml is checked but its rules are not proved (quicker, while editing).
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
    proofs: list[tuple[Path, Proof | str]] = []
    for folder, chosen in wanted.items():
        linted = _lint_folder(folder, chosen, guidance, prove)
        findings.extend(linted.findings)
        files += linted.files
        if linted.proved is not None:
            proofs.append((folder, linted.proved))
    return LintResult(tuple(findings), files, guidance, tuple(proofs))


def _not_a_flow_file(path: Path) -> str:
    """Why a path that is neither a file nor a folder cannot be linted (a FIFO, a device)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file or folder."
    return not_regular(mode) or "cannot be read."


_SCHEMA_OF = {loader.FACTS_FILE: "facts", loader.POLICY_FILE: "policy"}


def _lint_folder(
    folder: Path, chosen: set[Path] | None, guidance: Path | None, prove: bool = True
) -> _Folder:
    report = _Report()
    whole = chosen is None
    sources, texts = _lint_sources(folder / loader.SOURCES_FILE, guidance, report)
    files = loader.flow_files(folder)
    facts_doc, book = _lint_facts(folder, sources, _flow_ids_of(files), report)
    form = _lint_record_form(folder / loader.RECORD_FORM_FILE, report, book)
    decisions = set(form.decisions) if form is not None else None
    if facts_doc is not None and form is not None:
        names = loader.form_names(form)
        report.add_all(facts_doc, flowrules.conflict_problems(facts_doc, book, names))
    policy_doc = _lint_policy(folder / loader.POLICY_FILE, sources, report)
    extra = [d for d in (facts_doc, policy_doc) if d is not None and isinstance(d.data, dict)]
    # Their words and quotes, once each file has the shape its schema says (else SW001 said so).
    sound = [d for d in extra if not loader.schema_errors(_SCHEMA_OF[d.path.name], d.data)]
    for shown in sound:
        _check_text(shown, report)
        if texts is not None:
            _check_quotes(shown, texts, report)
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
        clash = flowrules.flow_id_problem(doc, owners)
        if clash is not None:
            report.add_all(doc, [clash])
            continue
        owners[doc.data["id"]] = path
        docs.append(doc)
    flow_ids = set(owners)
    flows: dict[str, Flow] = {}
    for doc in docs:
        flow = _lint_flow(doc, sources, decisions, flow_ids, report, book)
        if flow is not None:
            flows[flow.id] = flow
        _check_text(doc, report)
        if texts is not None:
            _check_quotes(doc, texts, report)
    for doc, problem in flowrules.handoff_problems(flows, {d.data["id"]: d for d in docs}):
        report.add_all(doc, [problem])
    if whole and sources is not None and len(flows) == len(docs) == len(files):
        _check_unused_sources(folder / loader.SOURCES_FILE, [*docs, *extra], report)
    outcome = _Folder(folder, book, form, flows, {d.data["id"]: d for d in docs}, facts_doc)
    if whole and policy_doc is not None:
        outcome.proved = _prove_policy(outcome, policy_doc, report, prove)
    keep = None if whole else set(chosen or ())
    outcome.findings = [f for f in report.findings if keep is None or f.path.resolve() in keep]
    outcome.files = len(files) if keep is None else len(keep)
    return outcome


@dataclass
class _Folder:
    """A folder as lint read it: what the policy needs, then the findings and what was proved."""

    path: Path
    book: CaseFacts
    form: RecordForm | None
    flows: dict[str, Flow]
    docs: dict[str, YamlDocument]
    facts_doc: YamlDocument | None
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    proved: Proof | str | None = None  # the proof, or why the policy was not proved


def _prove_policy(
    folder: _Folder, doc: YamlDocument, report: _Report, prove: bool = True
) -> Proof | str:
    """The policy's names, then its rules proved over the folder (when the flows are sound)."""
    if not isinstance(doc.data, dict) or loader.schema_errors("policy", doc.data):
        return "policy.yaml is not valid"
    if folder.form is None or any(f.severity == ERROR for f in report.findings):
        return "fix the errors above first"
    policy = loader.build_policy(doc)
    names = loader.policy_names(folder.book, folder.form, folder.flows.values(), policy)
    problems = list(flowrules.policy_condition_problems(policy, names))
    report.add_all(doc, problems)
    if problems:
        return "fix the errors above first"
    if not prove:
        return "--no-prove was given (its rules are well formed)"
    try:
        proof = proof_of(folder.path)
    except SharewizardError as exc:
        report.add_error(exc, "SW001")
        return "the flows do not load"
    for violation in proof.violations:
        where = _step_location(folder, violation.flow, violation.step, violation.is_outcome)
        rule_at = doc.locate(("rules", list(policy.rules).index(violation.rule), "id"))
        more = _more(violation.more)
        report.findings.append(
            Finding(
                Path(where.path) if where.path else doc.path,
                where.line,
                where.column,
                violation.code,
                f"{violation.rule.id}: {violation.message}.{more}",
                f"The rule (policy.yaml line {rule_at.line}): {violation.rule.says}",
            )
        )
    for unworded in proof.unworded:
        where = _step_location(folder, unworded.flow, unworded.step, unworded.is_outcome)
        report.findings.append(
            Finding(
                Path(where.path) if where.path else doc.path,
                where.line,
                where.column,
                "SW605",
                unworded.message + ".",
                "Give the wording a `default:` in facts.yaml, or ask its fact before this.",
            )
        )
    return proof


def _more(count: int) -> str:
    if not count:
        return ""
    return f" ({count} more {'path breaks' if count == 1 else 'paths break'} it here.)"


def _step_location(folder: _Folder, flow_id: str, step: str, is_outcome: bool) -> Location:
    """Where an outcome (or a question) is written: its flow's file, or facts.yaml."""
    doc = folder.docs.get(flow_id) if flow_id != FACTS_FLOW else folder.facts_doc
    if doc is None:
        return Location()
    section = "outcomes" if is_outcome else "questions"
    for index, item in enumerate(doc.data.get(section) or ()):
        if flowrules.node_id(item) == step:
            return doc.locate((section, index, flowrules.id_key(item)))
    return doc.locate(())


def _lint_flow(
    doc: YamlDocument,
    sources: set[str] | None,
    decisions: set[str] | None,
    flow_ids: set[str],
    report: _Report,
    book: CaseFacts,
) -> Flow | None:
    """Every finding of the flow rules, then lint's own analyses of a flow that passed them."""
    problems, questions = loader.check_flow(doc, sources, flow_ids, decisions, book)
    report.add_all(doc, problems)
    if questions is None:
        return None
    index = {flowrules.node_id(q): i for i, q in enumerate(doc.data["questions"])}
    flow = _FlowLint(doc, questions, index, book)
    _check_conditions(flow, report)
    _check_facts(flow, report)
    return loader.build_flow(doc, questions)


def _flow_ids_of(files: list[Path]) -> set[str] | None:
    """The flow ids a folder's files declare, as far as they can be read (for `related_flows`)."""
    found = set()
    for path in files:
        try:
            data = loader.read_yaml(path).data
        except SharewizardError:
            return None
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found.add(data["id"])
    return found


def _lint_facts(
    folder: Path, sources: set[str] | None, flow_ids: set[str] | None, report: _Report
) -> tuple[YamlDocument | None, CaseFacts]:
    """facts.yaml: every finding of the flow rules; its facts when sound (else none)."""
    path = folder / loader.FACTS_FILE
    if not path.is_file():
        return None, CaseFacts()
    doc = _read(path, report)
    if doc is None or not _schema_ok(doc, "facts", report):
        return doc, CaseFacts()
    decisions = _declared_decisions(folder / loader.RECORD_FORM_FILE)
    problems, book = loader.check_case_facts(doc, sources, decisions, flow_ids)
    report.add_all(doc, problems)
    return doc, book if book is not None else CaseFacts()


def _declared_decisions(path: Path) -> set[str] | None:
    try:
        return loader.declared_decisions(path)
    except SharewizardError:
        return None  # the record form's own lint says why


def _lint_policy(path: Path, sources: set[str] | None, report: _Report) -> YamlDocument | None:
    """policy.yaml's shape (issue 23 proves its rules): schema, ids, conditions, sources."""
    if not path.is_file():
        return None
    doc = _read(path, report)
    if doc is None or not _schema_ok(doc, "policy", report):
        return doc
    report.add_all(doc, loader.policy_problems(doc, sources))
    return doc


def _lint_sources(
    path: Path, guidance: Path | None, report: _Report
) -> tuple[set[str] | None, dict[str, GuidanceText | str] | None]:
    """Declared source ids, and each source's guidance text (or why it has none)."""
    if not path.is_file():
        return None, None
    doc = _read(path, report)
    if doc is None or not _schema_ok(doc, "sources", report):
        return None, None
    report.add_all(doc, flowrules.source_problems(doc))
    ids = {raw["id"] for raw in doc.data["sources"]}
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


def _lint_record_form(path: Path, report: _Report, book: CaseFacts) -> RecordForm | None:
    if not path.is_file() or _read(path, report) is None:
        return None
    try:
        return loader.load_record_form(path, book)
    except SharewizardError as exc:
        report.add_error(exc, "SW001")
        return None


def _check_unused_sources(path: Path, docs: Iterable[YamlDocument], report: _Report) -> None:
    doc = loader.read_yaml(path)
    cited = {cite["source"] for flow in docs for *_, cite in citations(flow)}
    for i, raw in enumerate(doc.data["sources"]):
        if raw["id"] not in cited:
            report.add(
                doc,
                ("sources", i, "id"),
                "SW303",
                f"no flow, fact or rule cites {preview(raw['id'])}.",
                "Cite it where it supports a question or outcome, or remove it.",
            )
