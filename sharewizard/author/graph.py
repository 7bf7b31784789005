"""A flow as a diagram: Mermaid, Graphviz dot (SVG through `dot`), and a Rich tree for `show`."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharewizard.core.errors import SharewizardError, UsageError
from sharewizard.core.model import (
    HANDOFF_PREFIX,
    Condition,
    DecisionTerm,
    Flow,
    Outcome,
    Question,
)
from sharewizard.core.text import for_screen, preview

if TYPE_CHECKING:
    from rich.text import Text
    from rich.tree import Tree

FORMATS = ("mermaid", "dot", "svg")

#: Fill colours of outcome nodes, by how the decision reads: go ahead, hold back, ask first.
_TONE_FILL = {
    "urgent": "#ffc880",
    "shares": "#d8f0d8",
    "holds": "#f8d8d8",
    "advice": "#eadcf8",
    "other": "#e8e8e8",
}
#: How each tone of a decision (record.yaml `tone`) fills its outcome's node.
_FILL_OF_TONE = {
    "urgent": "urgent",
    "share": "shares",
    "hold": "holds",
    "refuse": "holds",
    "ask": "advice",
    "advice": "advice",
    "outside": "advice",
}
#: What each fill means, for the legend.
TONE_WORDS = {
    "urgent": "Act now: call 999",
    "shares": "Share the information",
    "holds": "Do not share, or not yet",
    "advice": "Ask first, or seek advice",
    "other": "Another decision",
}
DIRECTIONS = ("auto", "down", "right")
WIDE = 5  # a question with more places to go than this is drawn left to right (the triage)


@dataclass(frozen=True)
class Node:
    """One box of the diagram: a question, an outcome or a hand-off to another flow."""

    id: str  # `q:<id>`, `o:<id>` or `flow:<id>`
    kind: str  # "question", "outcome" or "handoff"
    label: str
    decision: str = ""


@dataclass(frozen=True)
class Edge:
    """One route of a question: from the question to where it goes, with the answers it needs."""

    source: str
    target: str
    label: str


@dataclass(frozen=True)
class Diagram:
    """Every node and edge of a flow, in reading order, ready for any renderer."""

    flow: Flow
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def node_id(flow: Flow, target: str) -> str:
    """The diagram id of a route target: a question, an outcome or a `flow:` hand-off."""
    if target.startswith(HANDOFF_PREFIX):
        return target
    return f"q:{target}" if target in flow.questions else f"o:{target}"


def condition_text(condition: Condition, question: Question, flow: Flow) -> str:
    """A condition as words: the question's own answers by label, others as `question = answer`."""
    if condition.kind == "all":
        return " and ".join(_grouped(part, question, flow) for part in condition.parts)
    if condition.kind == "any":
        return " or ".join(_grouped(part, question, flow) for part in condition.parts)
    if condition.kind == "not":
        return "not " + _grouped(condition.parts[0], question, flow)
    asked = flow.questions.get(condition.question)
    labels = " or ".join(asked.label_of(v) if asked else v for v in condition.values)
    return labels if condition.question == question.id else f"{condition.question} = {labels}"


def _grouped(condition: Condition, question: Question, flow: Flow) -> str:
    text = condition_text(condition, question, flow)
    return f"({text})" if condition.kind in ("all", "any") and len(condition.parts) > 1 else text


def route_label(flow: Flow, question: Question, index: int) -> str:
    """The label of a question's `index`-th route: its condition, `otherwise`, or nothing."""
    rule = question.routes[index]
    if rule.when is not None:
        return condition_text(rule.when, question, flow)
    return "otherwise" if len(question.routes) > 1 else ""


def diagram(flow: Flow, titles: Mapping[str, str] | None = None) -> Diagram:
    """The flow's nodes (questions, outcomes, hand-offs) and one edge per route.

    A hand-off is named by the title of the flow it goes on to (`titles`, by flow id).
    """
    nodes = [Node(f"q:{q.id}", "question", q.text) for q in flow.questions.values()]
    nodes += [Node(f"o:{o.id}", "outcome", o.title, o.decision) for o in flow.outcomes.values()]
    edges: list[Edge] = []
    handoffs: dict[str, Node] = {}
    for question in flow.questions.values():
        for index, rule in enumerate(question.routes):
            target = node_id(flow, rule.goto)
            if rule.goto.startswith(HANDOFF_PREFIX):
                flow_id = rule.goto[len(HANDOFF_PREFIX) :]
                named = (titles or {}).get(flow_id, flow_id)
                handoffs.setdefault(target, Node(target, "handoff", f"Go on to: {named}"))
            edges.append(Edge(f"q:{question.id}", target, route_label(flow, question, index)))
    return Diagram(flow, (*nodes, *handoffs.values()), tuple(edges))


def left_to_right(flow: Flow, direction: str = "auto") -> bool:
    """Whether to draw the flow left to right: `right`, or `auto` for a wide fan-out.

    A question with many places to go (the triage's twelve situations) is far wider than tall
    top-down; left to right it fits a 16:9 slide.
    """
    if direction != "auto":
        return direction == "right"
    widest = max((len({r.goto for r in q.routes}) for q in flow.questions.values()), default=0)
    return widest > WIDE


def _tones(shape: Diagram, decisions: Mapping[str, DecisionTerm] | None) -> list[str]:
    """The fills the diagram uses, in the legend's order."""
    used = {decision_tone(n.decision, decisions) for n in shape.nodes if n.kind == "outcome"}
    return [tone for tone in TONE_WORDS if tone in used]


def decision_tone(decision: str, decisions: Mapping[str, DecisionTerm] | None = None) -> str:
    """How an outcome is styled: `urgent`, `shares`, `holds`, `advice` or `other` (unknown).

    The decision's `tone` in record.yaml says it; a decision with none is filled by whether it
    shares.
    """
    term = (decisions or {}).get(decision)
    if term is None:
        return "other"
    if term.tone:
        return _FILL_OF_TONE.get(term.tone, "other")
    return "shares" if term.shares else "holds"


def _term_tone(decision: str, decisions: Mapping[str, DecisionTerm] | None) -> str:
    term = (decisions or {}).get(decision)
    return term.tone if term is not None else ""


def _decision_label(decision: str, decisions: Mapping[str, DecisionTerm] | None) -> str:
    term = (decisions or {}).get(decision)
    return term.label if term else decision


# --- Mermaid -----------------------------------------------------------------------------------

# Mermaid reads `#name;` entities inside quoted labels; everything that could end a label, start
# HTML or Markdown, or be taken for an entity is written as one.
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
    "\t": " ",
}


def mermaid_text(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label (and on a terminal: no controls)."""
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in for_screen(text))


def _mermaid_id(node: str) -> str:
    # Flow, question and outcome ids are lower-case letters, digits and hyphens, so this is 1:1.
    kind, _, name = node.partition(":")
    return {"q": "q_", "o": "o_", "flow": "f_"}[kind] + name.replace("-", "_")


def _mermaid_class(decision: str) -> str:
    return "d_" + decision.replace("-", "_")


def to_mermaid(
    flow: Flow,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
    direction: str = "auto",
) -> str:
    """The flow as a Mermaid flowchart: questions as diamonds, outcomes as rounded boxes.

    A legend says what the shapes and fills mean.
    """
    shape = diagram(flow, titles)
    lines = ["flowchart LR" if left_to_right(flow, direction) else "flowchart TD"]
    for node in shape.nodes:
        nid = _mermaid_id(node.id)
        if node.kind == "question":
            lines.append(f'    {nid}{{"{mermaid_text(node.label)}"}}')
        elif node.kind == "outcome":
            label = f"{node.label} [{_decision_label(node.decision, decisions)}]"
            lines.append(f'    {nid}("{mermaid_text(label)}")')
        else:
            lines.append(f'    {nid}[["{mermaid_text(node.label)}"]]')
    for edge in shape.edges:
        arrow = f'-->|"{mermaid_text(edge.label)}"|' if edge.label else "-->"
        lines.append(f"    {_mermaid_id(edge.source)} {arrow} {_mermaid_id(edge.target)}")
    used = sorted({n.decision for n in shape.nodes if n.kind == "outcome"})
    for decision in used:
        fill = _TONE_FILL[decision_tone(decision, decisions)]
        lines.append(f"    classDef {_mermaid_class(decision)} fill:{fill},stroke:#555")
    for decision in used:
        members = [_mermaid_id(n.id) for n in shape.nodes if n.decision == decision]
        lines.append(f"    class {','.join(members)} {_mermaid_class(decision)}")
    return "\n".join([*lines, *_mermaid_legend(shape, decisions)]) + "\n"


def _mermaid_legend(shape: Diagram, decisions: Mapping[str, DecisionTerm] | None) -> list[str]:
    lines = ['    subgraph legend["Legend"]', '        legend_question{"A question"}']
    for tone in _tones(shape, decisions):
        lines.append(f'        legend_{tone}("{mermaid_text(TONE_WORDS[tone])}")')
    if any(n.kind == "handoff" for n in shape.nodes):
        lines.append('        legend_handoff[["Go on to another flow"]]')
    lines.append("    end")
    for tone in _tones(shape, decisions):
        lines.append(f"    style legend_{tone} fill:{_TONE_FILL[tone]},stroke:#555")
    return lines


# --- Graphviz dot ------------------------------------------------------------------------------


def dot_text(text: str, width: int = 32) -> str:
    """Text as the inside of a double-quoted dot string, wrapped into centred lines, no controls."""
    lines = textwrap.wrap(" ".join(for_screen(text).split()), width) or [""]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return "\\n".join(escaped)


def to_dot(
    flow: Flow,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
    direction: str = "auto",
) -> str:
    """The flow as a Graphviz digraph, outcomes filled by the kind of decision, with a legend."""
    shape = diagram(flow, titles)
    rank = "LR" if left_to_right(flow, direction) else "TB"
    lines = [
        f'digraph "{dot_text(flow.id, 200)}" {{',
        f'    graph [rankdir={rank}, fontname="Helvetica"];',
        '    node [fontname="Helvetica", fontsize=11];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in shape.nodes:
        nid = f'"{dot_text(node.id, 200)}"'
        if node.kind == "question":
            lines.append(f'    {nid} [shape=box, label="{dot_text(node.label)}"];')
        elif node.kind == "outcome":
            label = f"{node.label} [{_decision_label(node.decision, decisions)}]"
            fill = _TONE_FILL[decision_tone(node.decision, decisions)]
            lines.append(
                f'    {nid} [shape=box, style="rounded,filled", fillcolor="{fill}", '
                f'label="{dot_text(label)}"];'
            )
        else:
            lines.append(f'    {nid} [shape=cds, label="{dot_text(node.label)}"];')
    for edge in shape.edges:
        label = f' [label="{dot_text(edge.label, 24)}"]' if edge.label else ""
        lines.append(
            f'    "{dot_text(edge.source, 200)}" -> "{dot_text(edge.target, 200)}"{label};'
        )
    lines += _dot_legend(shape, decisions)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_legend(shape: Diagram, decisions: Mapping[str, DecisionTerm] | None) -> list[str]:
    lines = [
        "    subgraph cluster_legend {",
        '        label="Legend"; style=dashed; fontname="Helvetica";',
        '        "legend:question" [shape=box, label="A question"];',
    ]
    for tone in _tones(shape, decisions):
        lines.append(
            f'        "legend:{tone}" [shape=box, style="rounded,filled", '
            f'fillcolor="{_TONE_FILL[tone]}", label="{dot_text(TONE_WORDS[tone])}"];'
        )
    if any(n.kind == "handoff" for n in shape.nodes):
        lines.append('        "legend:handoff" [shape=cds, label="Go on to another flow"];')
    lines.append("    }")
    return lines


def to_svg(dot_source: str) -> str:
    """Render dot source to SVG with Graphviz's `dot`; a one-line error when it is missing."""
    program = shutil.which("dot")
    if program is None:
        raise UsageError(
            "SVG needs Graphviz's `dot` program, which is not installed.",
            hint="Install the `graphviz` package (apt install graphviz, brew install graphviz, "
            "or https://graphviz.org/download/), or use --format mermaid or --format dot.",
        )
    done = subprocess.run(
        [program, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SharewizardError(f"Graphviz `dot` failed: {done.stderr.strip()[:300]}")
    return done.stdout


def render(
    flow: Flow,
    fmt: str,
    decisions: Mapping[str, DecisionTerm] | None = None,
    titles: Mapping[str, str] | None = None,
    direction: str = "auto",
) -> str:
    """The flow in one of FORMATS, drawn in one of DIRECTIONS."""
    if fmt == "mermaid":
        return to_mermaid(flow, decisions, titles, direction)
    if fmt == "dot":
        return to_dot(flow, decisions, titles, direction)
    if fmt == "svg":
        return to_svg(to_dot(flow, decisions, titles, direction))
    raise UsageError(
        f"unknown diagram format {preview(fmt)}.", hint=f"Use one of: {', '.join(FORMATS)}."
    )


# --- Rich tree ---------------------------------------------------------------------------------


def reading_order(flow: Flow) -> list[Question]:
    """The questions in the order a walk meets them (breadth first from `start`), then the rest."""
    seen: list[str] = []
    queue = [flow.start]
    while queue:
        qid = queue.pop(0)
        if qid in seen or qid not in flow.questions:
            continue
        seen.append(qid)
        queue += [r.goto for r in flow.questions[qid].routes]
    seen += [qid for qid in flow.questions if qid not in seen]
    return [flow.questions[qid] for qid in seen]


def shown_questions(flow: Flow, start: str | None = None, depth: int | None = None) -> list[str]:
    """The questions `show` shows, in reading order: those within `depth` steps of `start`.

    Depth 1 is `start` alone; without a depth, every question reachable from it.
    """
    first = start or flow.start
    levels = {first: 1}
    queue = [first]
    while queue:
        qid = queue.pop(0)
        if depth is not None and levels[qid] >= depth:
            continue
        for rule in flow.questions[qid].routes:
            if rule.goto in flow.questions and rule.goto not in levels:
                levels[rule.goto] = levels[qid] + 1
                queue.append(rule.goto)
    if start is None and depth is None:
        return [q.id for q in reading_order(flow)]  # unreachable questions too: all of the flow
    return [q.id for q in reading_order(flow) if q.id in levels]


def question_named(flow: Flow, name: str) -> str:
    """The id of the question `name` names: its id, or its number in `show` (`Q3` or `3`)."""
    if name in flow.questions:
        return name
    order = reading_order(flow)
    number = name[1:] if name[:1] in ("Q", "q") else name
    if number.isdecimal() and 1 <= int(number) <= len(order):
        return order[int(number) - 1].id
    from sharewizard.core.errors import Location
    from sharewizard.core.text import unknown_name_hint

    raise UsageError(
        f"{preview(name)} is no question of {preview(flow.id)}.",
        Location(field="QUESTION"),
        unknown_name_hint(
            name, flow.questions, f"Questions (or their numbers Q1 to Q{len(order)})"
        ),
    )


def tree(
    flow: Flow,
    decisions: Mapping[str, DecisionTerm] | None = None,
    *,
    start: str | None = None,
    depth: int | None = None,
    titles: Mapping[str, str] | None = None,
) -> Tree:
    """The flow as a Rich tree: each question with where each answer goes, then the outcomes.

    With `start` (a question id) and `depth`, only the questions within `depth` steps of it,
    and the outcomes they reach; questions left out keep their numbers. Other flows are named by
    their `titles` (by flow id) where given.
    """
    from rich.text import Text
    from rich.tree import Tree

    from sharewizard.walk.summary import plain

    faq = f"FAQ {flow.faq.number}: " if flow.faq.number else ""
    root = Tree(Text.assemble((faq, "bold"), (plain(flow.title).plain, "bold")), guide_style="dim")
    number = {q.id: n for n, q in enumerate(reading_order(flow), 1)}
    shown = shown_questions(flow, start, depth)
    whole = start is None and depth is None
    reached: list[str] = []

    def target(goto: str) -> Text:
        if goto.startswith(HANDOFF_PREFIX):
            flow_id = goto[len(HANDOFF_PREFIX) :]
            name = (titles or {}).get(flow_id, flow_id)
            return Text.assemble("go on to: ", (plain(name).plain, "bold"))
        if goto in flow.questions:
            left_out = "" if goto in shown else " (not shown)"
            return Text(f"Q{number[goto]}{left_out}")
        reached.append(goto)
        return _outcome_text(flow.outcomes[goto], decisions)

    for qid in shown:
        question = flow.questions[qid]
        branch = root.add(Text.assemble((f"Q{number[qid]} ", "bold"), plain(question.text)))
        for index, rule in enumerate(question.routes):
            label = route_label(flow, question, index) or "then"
            branch.add(Text.assemble(plain(label), " → ", target(rule.goto)))
    outcomes = root.add(
        Text("Outcomes" if whole else "Outcomes these questions reach", style="bold")
    )
    for outcome in flow.outcomes.values():
        if whole or outcome.id in reached:
            outcomes.add(_outcome_text(outcome, decisions))
    return root


def _outcome_text(outcome: Outcome, decisions: Mapping[str, DecisionTerm] | None) -> Text:
    from rich.text import Text

    from sharewizard.walk.summary import plain, tone_style

    style = tone_style(_term_tone(outcome.decision, decisions), "bold")
    label = _decision_label(outcome.decision, decisions)
    return Text.assemble(plain(outcome.title), " ", (f"[{label}]", style))
