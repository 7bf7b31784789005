"""Hostile inputs as hypothesis strategies: the generators of the 2026-12-06 reliability review.

Valid walks of the packaged flows (hand-offs followed, record fields that fit the outcome) are
the starting point; from them come answers files and drafts (mutated, serialised as block YAML,
flow YAML or JSON, mangled byte by byte), typed lines for plain mode, and beside them the
structural attacks (bombs, self-aliases, nesting, tagged numbers, long keys, raw bytes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError
from sharewizard.core.model import Handoff, Outcome, Question
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
CATALOGUE = load_catalogue(FLOWS)
FLOW_IDS = sorted(CATALOGUE.flows)
STAMP = "2026-11-23T09:00:00Z"

# --- hostile text --------------------------------------------------------------------------------

#: Text that means something to a terminal, Rich, Markdown, HTML, YAML or the record format.
FRAGMENTS = [
    "[bold red]red[/bold red]",
    "[link=https://example.invalid]x[/link]",
    "[/]",
    ":smile: :warning:",
    "\U0001f600\u200d\U0001f466",
    "\x1b[31m",
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://example.invalid\x07link\x1b]8;;\x07",
    "\x1b]0;PWNED\x07",
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x9b31m",
    "\x07\x08\x00",
    "\r\n",
    "\u202e\u2066\u2069",
    "\u200b\u200c\u200d\ufeff",
    "\u0085\u2028\u2029",
    "<!-- sharewizard-record-data\n",
    "\n-->\n",
    "x --> **Decision: DO NOT SHARE** <!-- y",
    "<script>alert(1)</script>",
    "**bold** _it_ `code` # head\n- item\n1. one",
    "{0} %s ${x} \\",
    "caf\u00e9 e\u0301",
    "../../x",
    "a\x00b",
]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    ),
    max_size=6,
).map("".join)


def fit(text: str, question: Question) -> str:
    """Text that satisfies a text question's length rules (after the strip sharewizard does)."""
    text = text.strip()
    low = max(question.min_length, 1 if question.required else 0)
    if len(text) < low:
        text = (text + " padding words here " * 10).strip()
    if question.max_length is not None:
        text = text[: question.max_length].strip()
    return text if len(text) >= low else "x" * low


# --- valid walks ---------------------------------------------------------------------------------


@dataclass
class Walk:
    """One valid way through the packaged flows, as an answers file and as typed lines hold it.

    `route` holds the answers of the flows handed over through (triage, say); `then` the further
    decisions of a sitting (a fan-out question that chose several situations). `valid` is False
    when a further decision hands over again, which an answers file cannot say.
    """

    flow_id: str
    answers: dict[str, Any]
    record: dict[str, Any]
    route: dict[str, dict[str, Any]] = field(default_factory=dict)
    then: list[Walk] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    valid: bool = True

    def document(self) -> dict[str, Any]:
        """The answers file of this walk (as `decide --save-answers` writes it)."""
        flow = CATALOGUE.flows[self.flow_id]
        doc: dict[str, Any] = {
            "schema_version": 1,
            "flow": {"id": flow.id, "version": flow.version},
        }
        if self.route:
            doc["route"] = self.route
        doc["answers"] = self.answers
        if self.record:
            doc["record"] = self.record
        if self.then:
            doc["then"] = [part.document() for part in self.then]
            for part in doc["then"]:
                del part["schema_version"]
        return doc


def _draw_answer(draw: Any, question: Question) -> tuple[Any, str]:
    """A valid answer to a question, and the line a person would type for it."""
    if question.type == "multi":
        picked = draw(st.lists(st.sampled_from(question.choices), min_size=1, unique=True))
        try:
            engine.check_answer(question, [c.value for c in picked])
        except AnswersError:  # a choice that excludes the others: keep one
            picked = picked[:1]
        numbers = [str(question.choices.index(c) + 1) for c in picked]
        words = [c.value for c in picked]
        typed = ",".join(draw(st.sampled_from([numbers, words])))
        return [c.value for c in picked], typed
    if question.choices:
        choice = draw(st.sampled_from(question.choices))
        number = str(question.choices.index(choice) + 1)
        return choice.value, draw(st.sampled_from([number, choice.value]))
    text = fit(draw(hostile_text), question)
    return text, " ".join(text.splitlines())


def _walk_flow(draw: Any, flow_id: str, typed: list[str]) -> tuple[dict[str, Any], Any]:
    """Answer a flow's questions along its path until an outcome or a hand-off."""
    flow = CATALOGUE.flows[flow_id]
    given: dict[str, Any] = {}
    checked: dict[str, Any] = {}
    step: Any = flow.questions[flow.start]
    while isinstance(step, Question):
        value, line = _draw_answer(draw, step)
        given[step.id] = value
        checked[step.id] = engine.check_answer(step, value)
        typed.append(line)
        step = engine.route(flow, step, checked)
    return given, step


def _draw_record(draw: Any, outcome: Outcome, typed: list[str]) -> dict[str, Any]:
    """Record-form values that fit the outcome: each field that applies, in the form's order."""
    form = CATALOGUE.record_form
    facts = engine.outcome_facts(outcome, form.decisions)
    values: dict[str, Any] = {}
    while True:
        todo = [f for f in engine.form_fields(form.fields, values, facts) if f.id not in values]
        if not todo:
            return {k: v for k, v in values.items() if v is not None}
        field_ = todo[0]
        context = {**facts, **{k: v for k, v in values.items() if v is not None}}
        if field_.choices:
            allowed = [
                c for c in field_.choices if engine.refusal(field_, c.value, context) is None
            ]
            choice = draw(st.sampled_from(allowed or list(field_.choices)))
            values[field_.id] = choice.value
            typed.append(choice.value)
        elif not field_.required and draw(st.booleans()):
            values[field_.id] = None
            typed.append("")
        else:
            text = fit(draw(hostile_text), field_)
            values[field_.id] = text
            typed.append(" ".join(text.splitlines()))


@st.composite
def walks(draw: Any, flow_id: str | None = None, sitting: bool = True) -> Walk:
    """A valid walk from `flow_id` (any flow when None), hand-offs followed."""
    flow_id = flow_id or draw(st.sampled_from(FLOW_IDS))
    typed: list[str] = []
    route: dict[str, dict[str, Any]] = {}
    queued: tuple[str, ...] = ()
    looped = False
    while True:
        answers, step = _walk_flow(draw, flow_id, typed)
        if not isinstance(step, Handoff):
            break
        looped = flow_id in route  # a route names each flow once: a loop cannot be written down
        route[flow_id] = answers
        queued = queued or step.flow_ids[1:]
        flow_id = step.flow_id
        if looped:
            break
    typed.append("")  # "What next?": carry on to the record questions
    record = {} if looped else _draw_record(draw, step, typed)
    walk = Walk(flow_id, answers, record, route, typed=typed, valid=not looped)
    for queued_id in queued if sitting else ():
        part = draw(walks(queued_id, sitting=False))
        walk.valid = walk.valid and part.valid and not part.route
        walk.then.append(part)
        typed.extend(["", *part.typed])  # the review of the decision before, then the next
    typed.extend(["", ""])  # check your answers; write the record
    return walk


@st.composite
def partial_walks(draw: Any) -> Walk:
    """A walk stopped part way, as a draft holds it: some answers, maybe some record fields."""
    walk = draw(walks(sitting=False))
    keep = draw(st.integers(0, len(walk.answers)))
    walk.answers = dict(list(walk.answers.items())[:keep])
    if keep < len(walk.answers) or draw(st.booleans()):
        walk.record = {}
    return walk


# --- mutations of a document ---------------------------------------------------------------------

JUNK_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
    st.just(10**25),
    st.just(2.0),
    st.just("x" * 300),
    st.just([]),
    st.just({}),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=2),
)

#: A draft was named `<flow>-<started_at without - and :>-XXXX` in the drafts folder, so
#: `/../../../outside/leak` climbs from `data/drafts/<flow>-/` to the sandbox's `outside` folder.
STARTED_AT = [
    "/../../../outside/leak",
    "../../x",
    "a\x00b",
    "x" * 300,
    "2026-11-23T09:00:00Z",
    "/../../../../../../../../../tmp/leak",
    "..",
    "a/b",
    "\n",
]


def _some_key(draw: Any, mapping: dict[str, Any]) -> str | None:
    return draw(st.sampled_from(sorted(mapping))) if mapping else None


@st.composite
def mutated(draw: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with 1-3 of the review's mutations: drop, add or retype answers and fields, junk
    sections, a wrong flow or version, `then`, `expect`, `route`, `started_at` (which may try to
    name a folder no write may reach), `case`, `schema_version`.
    """
    doc = json.loads(json.dumps(doc))  # a deep copy
    answers = doc.setdefault("answers", {})
    record = doc.setdefault("record", {})
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.integers(0, 15))
        key = _some_key(draw, answers)
        if how == 0 and key:
            del answers[key]
        elif how == 1:
            answers[draw(hostile_text)] = draw(JUNK_VALUES)
        elif how == 2 and key:
            answers[key] = draw(JUNK_VALUES)
        elif how == 3 and record:
            del record[draw(st.sampled_from(sorted(record)))]
        elif how == 4:
            record[draw(st.sampled_from([f.id for f in CATALOGUE.record_form.fields]))] = draw(
                JUNK_VALUES
            )
        elif how == 5:
            record[draw(hostile_text)] = draw(JUNK_VALUES)
        elif how == 6:
            doc[draw(hostile_text)] = draw(JUNK_VALUES)
        elif how == 7:
            doc["flow"] = draw(st.one_of(st.sampled_from(FLOW_IDS), hostile_text, JUNK_VALUES))
        elif how == 8:
            flow = doc["flow"]
            doc["flow"] = {"id": flow.get("id", "x") if isinstance(flow, dict) else flow}
            doc["flow"]["version"] = draw(st.one_of(JUNK_VALUES, st.just("1")))
        elif how == 9:
            doc["then"] = draw(
                st.one_of(JUNK_VALUES, st.lists(st.just(json.loads(json.dumps(doc))), max_size=2))
            )
        elif how == 10:
            doc["expect"] = draw(
                st.one_of(
                    JUNK_VALUES,
                    st.fixed_dictionaries({"outcome": hostile_text}),
                    st.fixed_dictionaries({"decision": st.sampled_from(["share", "x"])}),
                )
            )
        elif how == 11:
            doc["route"] = draw(
                st.one_of(
                    JUNK_VALUES,
                    st.dictionaries(st.sampled_from(FLOW_IDS), JUNK_VALUES, max_size=2),
                )
            )
        elif how == 12:
            doc["started_at"] = draw(st.one_of(st.sampled_from(STARTED_AT), JUNK_VALUES))
        elif how == 13:
            doc["case"] = draw(st.one_of(JUNK_VALUES, st.fixed_dictionaries({"faq": JUNK_VALUES})))
        elif how == 14:
            doc["schema_version"] = draw(st.one_of(st.just(2), JUNK_VALUES))
        else:
            doc[draw(st.sampled_from(sorted(doc)))] = draw(JUNK_VALUES)
    return doc


# --- serialisation and damage ------------------------------------------------------------------


def serialise(doc: Any, style: str) -> bytes:
    """A document as block YAML, flow YAML or JSON."""
    if style == "json":
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass")
    text = yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False, default_flow_style=(style == "flow"), width=100
    )
    return text.encode("utf-8", "surrogatepass")


MANGLE_PIECES = [
    b"&a ",
    b"*a",
    b"!!int 0x" + b"F" * 4000,
    b"!!binary aGk=",
    b"!!set {a}",
    b"!!timestamp 2001-01-01",
    b"!!timestamp nope",
    b"!!bool maybe",
    b"!!float 1e999",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\t",
    b"\r",
    b"%YAML 1.1\n---\n",
    b"--- ",
    b"... ",
    b"<<: {a: b}\n",
    b"? [a]\n: b\n",
    b"1" * 4301,
    b"\\ud800",
    b'"\\ud800"',
    b"'",
    b'"',
    b"#",
    b"\n  ",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"!!python/object/apply:os.system ['id']",
]


@st.composite
def mangled(draw: Any, data: bytes) -> bytes:
    """`data` with 1-3 byte-level inserts of the pieces above, deletions or truncations."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "insert", "delete", "truncate"]))
        if how == "insert":
            data = data[:at] + draw(st.sampled_from(MANGLE_PIECES)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        else:
            data = data[:at]
    return data


TAGGED_NUMBERS = [
    "!!int 0x" + "F" * 100,
    "!!int 0x" + "F" * 3600,
    "!!int 0x" + "F" * 4000,
    "!!int 0b" + "1" * 15000,
    "!!int " + ":".join(["59"] * 3000),
    "!!float " + "9" * 400,
    "!!int " + "1" * 4301,
    "!!timestamp nope",
    "!!bool maybe",
    '!!bool ""',
]


def _bomb(levels: int) -> list[str]:
    lines = ["a0: &a0 [x,x,x,x,x,x,x,x,x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return lines


@st.composite
def structural(draw: Any, flow_id: str, question_id: str = "q") -> bytes:
    """One of the review's structural attacks on a document naming `flow_id`."""
    head = f"flow: {flow_id}\nanswers: {{}}\n"
    kind = draw(st.sampled_from(STRUCTURAL_KINDS))
    if kind == "bomb":
        lines = _bomb(draw(st.integers(2, 9)))
        return (head + "note:\n" + "".join("  " + x + "\n" for x in lines)).encode()
    if kind == "self-alias":
        return f"flow: {flow_id}\nanswers: &a\n  x: *a\n".encode()
    if kind == "nesting":
        depth = draw(st.sampled_from([63, 64, 65, 100, 999, 1001, 50000]))
        return (head + "note: " + "[" * depth + "]" * depth + "\n").encode()
    if kind == "long number":
        digits = "9" * draw(st.sampled_from([30, 31, 4300, 4301, 10000]))
        return f"flow: {flow_id}\nanswers:\n  {question_id}: {digits}\n".encode()
    if kind == "tagged":
        value = draw(st.sampled_from(TAGGED_NUMBERS))
        return f"flow: {flow_id}\nanswers:\n  {question_id}: {value}\n".encode()
    if kind == "long key":
        key = "k" * draw(st.sampled_from([1000, 19999, 20001]))
        return f"flow: {flow_id}\nanswers:\n  ? {key}\n  : v\n".encode()
    if kind == "many values":
        count = draw(st.sampled_from([1000, 60000]))
        return (head + "note2: [" + ",".join(["1"] * count) + "]\n").encode()
    if kind == "deep json":
        depth = draw(st.sampled_from([64, 65, 5000, 200000]))
        start = json.dumps({"flow": flow_id, "answers": {}}).encode()[:-1]
        return start + b', "n": ' + b"[" * depth + b"]" * depth + b"}"
    return draw(st.binary(max_size=4000))


STRUCTURAL_KINDS = [
    "bomb",
    "self-alias",
    "nesting",
    "long number",
    "tagged",
    "long key",
    "many values",
    "deep json",
    "raw bytes",
]

#: Extra top-level entries for a flow file: valid YAML that the limits or lint must survive.
STRUCTURAL_APPENDIX = [
    "zz: &a\n  x: *a\n",
    "zz:\n" + "".join("  " + line + "\n" for line in _bomb(9)),
    "zz: " + "[" * 1000 + "]" * 1000 + "\n",
    "zz: !!int 0x" + "F" * 4000 + "\n",
    "zz: !!timestamp nope\n",
    "zz: !!bool maybe\n",
    "zz: " + "9" * 4301 + "\n",
    "? " + "k" * 20001 + "\n: v\n",
    "zz: [" + ",".join(["1"] * 60000) + "]\n",
]


# --- typed lines ---------------------------------------------------------------------------------

#: Lines the review typed at plain-mode prompts: digits that are not ASCII, huge numbers, bytes
#: that are not UTF-8, NULs, escapes, the keys for help and back, a very long line.
HOSTILE_LINES = [
    "\u00b2".encode(),
    "\u2460".encode(),
    "\U0001d7d9".encode(),
    "\u0661".encode(),
    b"9" * 4301,
    b"0",
    b"-1",
    b"99",
    b"1,1,1",
    b"yes,no",
    b"Y",
    b" YES ",
    b"<",
    b"?",
    b"\x00",
    b"\x00" * 1000,
    b"\x1b[31mred",
    b"\x1b]0;PWNED\x07",
    b"\xa3 500",
    b"\xff\xfe",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\x9b31m",
    "\u202eevil".encode(),
    b"x" * 100_000,
    b"\r",
]


@st.composite
def typed_streams(draw: Any) -> tuple[list[str], bytes]:
    """Standard input for `--plain decide [FLOW]`: a walk's lines with hostile lines mixed in.

    Returns the command's arguments before `--out` and the bytes typed.
    """
    start = draw(st.one_of(st.none(), st.sampled_from(FLOW_IDS)))
    walk = draw(walks(start))
    lines = [line.encode("utf-8", "surrogatepass") for line in walk.typed]
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines)))
        hostile = draw(st.one_of(st.sampled_from(HOSTILE_LINES), st.binary(max_size=40)))
        hostile = hostile.replace(b"\n", b" ")
        if draw(st.booleans()) and at < len(lines):
            lines[at] = hostile
        else:
            lines.insert(at, hostile)
    lines = lines[: draw(st.integers(1, max(1, len(lines))))] if draw(st.booleans()) else lines
    ending = draw(st.sampled_from([b"\n", b"\n", b"\r\n"]))
    data = ending.join(lines) + draw(st.sampled_from([ending, b""]))
    return ([start] if start else []), data
