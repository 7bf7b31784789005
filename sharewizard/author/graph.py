"""A flow as a diagram: Mermaid, Graphviz dot (SVG through `dot`), and a Rich tree for `show`."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharewizard.core.errors import SharewizardError, UsageError
from sharewizard.core.model import HANDOFF_PREFIX, Condition, DecisionTerm, Flow, Question
from sharewizard.core.text import for_screen, preview

if TYPE_CHECKING:
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


def diagram(flow: Flow) -> Diagram:
    """The flow's nodes (questions, outcomes, hand-offs) and one edge per route."""
    nodes = [Node(f"q:{q.id}", "question", q.text) for q in flow.questions.values()]
    nodes += [Node(f"o:{o.id}", "outcome", o.title, o.decision) for o in flow.outcomes.values()]
    edges: list[Edge] = []
    handoffs: dict[str, Node] = {}
    for question in flow.questions.values():
        for index, rule in enumerate(question.routes):
            target = node_id(flow, rule.goto)
            if rule.goto.startswith(HANDOFF_PREFIX):
                flow_id = rule.goto[len(HANDOFF_PREFIX) :]
                handoffs.setdefault(target, Node(target, "handoff", f"Continue in {flow_id}"))
            edges.append(Edge(f"q:{question.id}", target, route_label(flow, question, index)))
    return Diagram(flow, (*nodes, *handoffs.values()), tuple(edges))


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


def to_mermaid(flow: Flow, decisions: Mapping[str, DecisionTerm] | None = None) -> str:
    """The flow as a Mermaid flowchart: questions as diamonds, outcomes as rounded boxes."""
    shape = diagram(flow)
    lines = ["flowchart TD"]
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
    return "\n".join(lines) + "\n"


# --- Graphviz dot ------------------------------------------------------------------------------


def dot_text(text: str, width: int = 32) -> str:
    """Text as the inside of a double-quoted dot string, wrapped into centred lines, no controls."""
    lines = textwrap.wrap(" ".join(for_screen(text).split()), width) or [""]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return "\\n".join(escaped)


def to_dot(flow: Flow, decisions: Mapping[str, DecisionTerm] | None = None) -> str:
    """The flow as a Graphviz digraph, outcomes filled by the kind of decision."""
    shape = diagram(flow)
    lines = [
        f'digraph "{dot_text(flow.id, 200)}" {{',
        '    graph [rankdir=TB, fontname="Helvetica"];',
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
    lines.append("}")
    return "\n".join(lines) + "\n"


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


def render(flow: Flow, fmt: str, decisions: Mapping[str, DecisionTerm] | None = None) -> str:
    """The flow in one of FORMATS."""
    if fmt == "mermaid":
        return to_mermaid(flow, decisions)
    if fmt == "dot":
        return to_dot(flow, decisions)
    if fmt == "svg":
        return to_svg(to_dot(flow, decisions))
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


def tree(flow: Flow, decisions: Mapping[str, DecisionTerm] | None = None) -> Tree:
    """The flow as a Rich tree: each question with where each answer goes, then the outcomes."""
    from rich.text import Text
    from rich.tree import Tree

    from sharewizard.walk.summary import plain, tone_style

    faq = f"FAQ {flow.faq.number}: " if flow.faq.number else ""
    root = Tree(Text.assemble((faq, "bold"), (plain(flow.title).plain, "bold")), guide_style="dim")
    order = reading_order(flow)
    number = {q.id: n for n, q in enumerate(order, 1)}

    def target(goto: str) -> Text:
        if goto.startswith(HANDOFF_PREFIX):
            return Text.assemble("continue in ", (goto[len(HANDOFF_PREFIX) :], "bold"))
        if goto in flow.questions:
            return Text(f"Q{number[goto]}")
        outcome = flow.outcomes[goto]
        style = tone_style(_term_tone(outcome.decision, decisions), "bold")
        return Text.assemble(
            plain(outcome.title), " ", (f"[{_decision_label(outcome.decision, decisions)}]", style)
        )

    for question in order:
        branch = root.add(Text.assemble((f"Q{number[question.id]} ", "bold"), plain(question.text)))
        for index, rule in enumerate(question.routes):
            label = route_label(flow, question, index) or "then"
            branch.add(Text.assemble(plain(label), " → ", target(rule.goto)))
    outcomes = root.add(Text("Outcomes", style="bold"))
    for outcome in flow.outcomes.values():
        style = tone_style(_term_tone(outcome.decision, decisions), "bold")
        outcomes.add(
            Text.assemble(
                plain(outcome.title),
                " ",
                (f"[{_decision_label(outcome.decision, decisions)}]", style),
            )
        )
    return root
