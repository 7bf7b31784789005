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
from hypothesis import assume
from hypothesis import strategies as st

from sharewizard.core import engine
from sharewizard.core.errors import AnswersError, Interrupted
from sharewizard.core.model import Draft, Outcome, Question
from sharewizard.flowfiles.answers import dump_answers
from sharewizard.flowfiles.loader import load_catalogue
from sharewizard.walk.session import Session

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


class _Stop(KeyboardInterrupt):
    """A drawn walk stops here: the session hands back its draft."""


class DrawingAsker:
    """An asker that draws each answer and keeps the line a person would type for it.

    It answers as plain mode reads: a number or a word, text, Enter at "What next?" (the second
    choice, "go on", after call 999) and at the review. A refused answer is drawn again from the
    choices not yet refused, as a person would type another line.
    """

    def __init__(self, draw: Any, stop_after: int | None = None) -> None:
        self.draw = draw
        self.typed: list[str] = []
        self.refused: dict[str, list[Any]] = {}
        self.stop_after = stop_after
        self.asked = 0
        self.last: Any = None
        self.reviewed = False

    def ask(self, question: Question, default: Any, can_go_back: bool) -> Any:
        if self.stop_after is not None and self.asked >= self.stop_after:
            raise _Stop
        self.asked += 1
        value, line = _draw_answer(self.draw, question, self.refused.get(question.id, []))
        if line == "" and default not in (None, "", ()):
            value = default  # Enter keeps what is offered
        self.last = value
        self.typed.append(line)
        return value

    def reject(self, question: Question, message: str) -> None:
        self.refused.setdefault(question.id, []).append(self.last)

    def review(self, items: list[Any]) -> None:
        # A second review means the sitting's decisions contradict each other: a person must
        # change an answer there (the session asks again until one does), so such a walk is not
        # drawn. Confirming again would loop for ever.
        assume(not self.reviewed)
        self.reviewed = True
        self.typed.append("")  # these are right

    def announce(self, flow: Any, outcome: Outcome, *_offers_queued: Any) -> None:
        self.typed.append("2" if outcome.urgent else "")  # go on: record the decision
        return None

    def begin(self, flow: Any) -> None:
        pass

    def tell(self, message: str) -> None:
        pass


@dataclass
class Walk:
    """One valid sitting of the packaged flows, as an answers file and as typed lines hold it.

    `entry` is the flow named to `decide` (the triage when none); `parts` the records the sitting
    writes; `draft` the sitting as the session holds it (stopped part way for a draft).
    """

    entry: str
    draft: Draft
    parts: int
    typed: list[str] = field(default_factory=list)
    valid: bool = True
    expect: bool = False

    @property
    def flow_id(self) -> str:
        """The flow the walk starts in (a draft's file name starts with it)."""
        return self.entry

    def document(self, sitting: str | None = None) -> dict[str, Any]:
        """The answers file of this walk (as `decide --save-answers` writes it), or its draft."""
        text = dump_answers(
            CATALOGUE,
            self.draft,
            expect=self.expect,
            sitting=(sitting, ()) if sitting else None,
            started_at=STAMP if sitting else None,
        )
        doc: dict[str, Any] = yaml.safe_load(text)
        return doc


def _draw_answer(draw: Any, question: Question, refused: list[Any] = ()) -> tuple[Any, str]:  # type: ignore[assignment]
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
        return tuple(c.value for c in question.choices if c in picked), typed
    if question.choices:
        allowed = [c for c in question.choices if c.value not in refused]
        choice = draw(st.sampled_from(allowed or list(question.choices)))
        number = str(question.choices.index(choice) + 1)
        return choice.value, draw(st.sampled_from([number, choice.value]))
    if not question.required and draw(st.booleans()):
        return None, ""
    text = fit(draw(hostile_text), question)
    return text, " ".join(text.splitlines())


def _session(draw: Any, entry: str, stop_after: int | None) -> tuple[Session, DrawingAsker, bool]:
    asker = DrawingAsker(draw, stop_after)
    session = Session(CATALOGUE, asker, entry)
    try:
        session.run()
    except Interrupted:
        return session, asker, False
    return session, asker, True


@st.composite
def walks(draw: Any, flow_id: str | None = None) -> Walk:
    """A whole sitting from `flow_id` (the triage when None, or any flow), as the session asks."""
    entry = flow_id or draw(st.sampled_from(["triage", "triage", *FLOW_IDS]))
    session, asker, done = _session(draw, entry, None)
    assert done, "a drawn walk always finishes"
    typed = [*asker.typed, ""]  # and Enter once more, in case
    expect = draw(st.booleans())
    return Walk(entry, session.snapshot(), len(session.decided()), typed, expect=expect)


@st.composite
def partial_walks(draw: Any) -> Walk:
    """A sitting stopped part way, as a draft holds it."""
    entry = draw(st.sampled_from(["triage", "triage", *FLOW_IDS]))
    session, asker, done = _session(draw, entry, draw(st.integers(0, 30)))
    return Walk(entry, session.snapshot(), len(session.decided()) if done else 0, asker.typed)


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
    """`doc` with 1-3 of the review's mutations: drop, add or retype facts, answers and fields,
    junk sections, a wrong flow or version, `decisions`, `expect`, `route`, `started_at` (which
    may try to name a folder no write may reach), `sitting`, `schema_version`.
    """
    doc = json.loads(json.dumps(doc))  # a deep copy
    facts = doc.setdefault("facts", {}) if isinstance(doc.get("facts", {}), dict) else {}
    decisions = doc.setdefault("decisions", [{"answers": {}}])
    part = draw(st.sampled_from(decisions)) if decisions else {"answers": {}}
    answers = part.setdefault("answers", {})
    record = part.setdefault("record", {})
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.integers(0, 17))
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
            part["flow"] = draw(st.one_of(st.sampled_from(FLOW_IDS), hostile_text, JUNK_VALUES))
        elif how == 8:
            flow = part.get("flow")
            part["flow"] = {"id": flow.get("id", "x") if isinstance(flow, dict) else flow}
            part["flow"]["version"] = draw(st.one_of(JUNK_VALUES, st.just("1")))
        elif how == 9:
            doc["decisions"] = draw(
                st.one_of(JUNK_VALUES, st.lists(st.just(json.loads(json.dumps(part))), max_size=3))
            )
        elif how == 10:
            part["expect"] = draw(
                st.one_of(
                    JUNK_VALUES,
                    st.fixed_dictionaries({"outcome": hostile_text}),
                    st.fixed_dictionaries({"decision": st.sampled_from(["share", "x"])}),
                    st.fixed_dictionaries({"refused": hostile_text}),
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
            doc["sitting"] = draw(
                st.one_of(
                    JUNK_VALUES,
                    st.fixed_dictionaries(
                        {"id": JUNK_VALUES, "recorded": JUNK_VALUES, "at": JUNK_VALUES}
                    ),
                )
            )
        elif how == 14:
            doc["schema_version"] = draw(st.one_of(st.just(1), st.just(3), JUNK_VALUES))
        elif how == 15:
            fact = draw(st.sampled_from([*CATALOGUE.facts.facts, "x"]))
            facts[fact] = draw(st.one_of(JUNK_VALUES, st.sampled_from(["yes", "no", "not-sure"])))
        elif how == 16:
            fact = _some_key(draw, facts)
            if fact:
                del facts[fact]
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
    walk = draw(walks())
    start = None if walk.entry == "triage" else walk.entry
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
