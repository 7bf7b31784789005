"""Diagrams of flows: one node per question and outcome, one edge per route, safe labels."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from sharewizard.author import graph
from sharewizard.core.errors import ExitStatus, UsageError
from sharewizard.core.model import HANDOFF_PREFIX, Choice, Flow, Outcome, Question
from sharewizard.flowfiles.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = load_catalogue(ROOT / "flows")
DEMO = load_catalogue(FIXTURES / "catalogue")
FLOWS = [*SHIPPED.flows.values(), DEMO.flows["demo"]]

# A Mermaid node line: `    id{"..."}`, `    id("...")` or `    id[["..."]]`; an edge: `a --> b`.
NODE = re.compile(r'^    (\w+)(\{"|\("|\[\[")')
EDGE = re.compile(r'^    (\w+) -->(?:\|"[^"]*"\|)? (\w+)$')


def expected_counts(flow: Flow) -> tuple[int, int]:
    """Nodes and edges counted from the model, not from a renderer."""
    handoffs = {
        r.goto
        for q in flow.questions.values()
        for r in q.routes
        if r.goto.startswith(HANDOFF_PREFIX)
    }
    nodes = len(flow.questions) + len(flow.outcomes) + len(handoffs)
    return nodes, sum(len(q.routes) for q in flow.questions.values())


def mermaid_counts(text: str) -> tuple[int, int]:
    lines = text.splitlines()
    assert lines[0] in ("flowchart TD", "flowchart LR")
    nodes = {m.group(1) for line in lines if (m := NODE.match(line))}
    edges = [m.groups() for line in lines if (m := EDGE.match(line))]
    assert all(a in nodes and b in nodes for a, b in edges), "an edge names an undeclared node"
    return len(nodes), len(edges)


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.id)
def test_mermaid_has_one_node_per_question_and_outcome_and_one_edge_per_route(flow):
    assert mermaid_counts(graph.to_mermaid(flow)) == expected_counts(flow)


def test_the_count_notices_a_missing_edge_or_node():
    flow = DEMO.flows["demo"]
    text = graph.to_mermaid(flow)
    no_edge = "\n".join(line for line in text.splitlines() if "q_concern -->" not in line)
    assert mermaid_counts(no_edge) != expected_counts(flow)
    no_node = "\n".join(line for line in text.splitlines() if not line.startswith("    o_advice("))
    with pytest.raises(AssertionError, match="undeclared node"):
        mermaid_counts(no_node)


def test_handoffs_are_nodes_named_after_the_flow():
    triage = SHIPPED.flows["triage"]
    titles = {fid: f.title for fid, f in SHIPPED.flows.items()}
    shape = graph.diagram(triage, titles)
    handoffs = [n for n in shape.nodes if n.kind == "handoff"]
    assert handoffs and all(n.id.startswith("flow:") for n in handoffs)
    assert all(n.id[len("flow:") :] in SHIPPED.flows for n in handoffs)
    for node in handoffs:  # in words: the title of the flow, never its id
        assert node.label == f"Go on to: {titles[node.id[len('flow:') :]]}"


@pytest.mark.parametrize("render", [graph.to_mermaid, graph.to_dot])
def test_every_diagram_has_a_legend_of_its_shapes_and_fills(render):
    text = render(DEMO.flows["demo"], DEMO.record_form.decisions)
    for words in (
        "Legend",
        "A question",
        "Share the information",
        "Do not share, or not yet",
        "Ask first, or seek advice",
    ):
        assert words in text
    assert "Act now: call 999" not in text  # the demo has no such outcome: not in its legend


def test_the_triage_is_drawn_left_to_right_and_the_others_top_down():
    assert graph.to_mermaid(SHIPPED.flows["triage"]).startswith("flowchart LR")
    assert "rankdir=LR" in graph.to_dot(SHIPPED.flows["triage"])
    assert graph.to_mermaid(SHIPPED.flows["how-much"]).startswith("flowchart TD")
    assert graph.to_mermaid(SHIPPED.flows["how-much"], direction="right").startswith("flowchart LR")
    assert graph.to_mermaid(SHIPPED.flows["triage"], direction="down").startswith("flowchart TD")


def test_show_starts_at_a_question_and_goes_n_levels_deep():
    flow = SHIPPED.flows["share-without-consent"]
    order = graph.reading_order(flow)
    out = io.StringIO()
    start = graph.question_named(flow, "Q2")
    assert start == order[1].id and graph.question_named(flow, order[1].id) == start
    Console(file=out, width=100, color_system=None).print(
        graph.tree(flow, SHIPPED.record_form.decisions, start=start, depth=2)
    )
    text = out.getvalue()
    assert f"Q2 {order[1].text}" in text and "Q1 " not in text
    shown = graph.shown_questions(flow, start, 2)
    assert len(shown) < len(order) and shown[0] == start
    assert "(not shown)" in text  # the questions past the depth keep their numbers
    with pytest.raises(UsageError, match="is no question of"):
        graph.question_named(flow, "Q99")


def test_outcomes_are_styled_by_decision():
    text = graph.to_mermaid(DEMO.flows["demo"], DEMO.record_form.decisions)
    assert "class o_refer d_refer" in text
    assert "classDef d_do_not_share fill:#f8d8d8" in text  # does not share: red
    assert "classDef d_share fill:#d8f0d8" in text  # shares: green
    assert "classDef d_seek_advice fill:#eadcf8" in text  # seek advice: violet
    dot = graph.to_dot(DEMO.flows["demo"], DEMO.record_form.decisions)
    assert '"o:none" [shape=box, style="rounded,filled", fillcolor="#f8d8d8"' in dot


def test_route_labels_say_the_answers_and_conditions():
    demo = DEMO.flows["demo"]
    edges = {(e.source, e.target): e.label for e in graph.diagram(demo).edges}
    assert edges[("q:concern", "o:advice")] == "Not sure"
    assert edges[("q:kinds", "q:note")] == "otherwise"
    assert edges[("q:urgency", "q:note")] == ""
    assert edges[("q:note", "o:refer")] == "urgency = High and not kinds = Online harm"


def hostile_flow() -> Flow:
    demo = DEMO.flows["demo"]
    nasty = 'He said "stop" & <b>#1</b> | `x`\nnext line \\ end'
    concern = dataclasses.replace(
        demo.questions["concern"],
        text=nasty,
        choices=(Choice("yes", nasty), Choice("no", "No"), Choice("not-sure", "Not sure")),
    )
    refer = dataclasses.replace(demo.outcomes["refer"], title=nasty)
    return dataclasses.replace(
        demo,
        questions={**demo.questions, "concern": concern},
        outcomes={**demo.outcomes, "refer": refer},
    )


def test_mermaid_labels_are_escaped():
    text = graph.to_mermaid(hostile_flow())
    escaped = (
        "He said #quot;stop#quot; #amp; #lt;b#gt;#35;1#lt;/b#gt; #124; #96;x#96; next line \\ end"
    )
    assert f'q_concern{{"{escaped}"}}' in text
    assert f'q_concern -->|"{escaped}"| q_kinds' in text
    assert mermaid_counts(text) == expected_counts(hostile_flow())


def test_dot_labels_are_escaped():
    text = graph.to_dot(hostile_flow())
    label = re.search(r'"q:concern" \[shape=box, label="((?:[^"\\]|\\.)*)"\];', text)
    assert label, text
    assert '\\"stop\\"' in label.group(1) and "\\\\ end" in label.group(1)
    assert "\n" not in label.group(1)


@pytest.mark.parametrize("render", [graph.to_mermaid, graph.to_dot])
def test_terminal_controls_in_flow_text_never_reach_the_diagram(render):
    """The review's F-20: `graph` printed ESC from flow text (pane title, colours) raw."""
    demo = DEMO.flows["demo"]
    text = "Title\x1b]0;PWNED\x07 \x1b[31mred\x9b \u202eevil"
    concern = dataclasses.replace(demo.questions["concern"], text=text)
    shown = render(dataclasses.replace(demo, questions={**demo.questions, "concern": concern}))
    assert not any(char in shown for char in "\x1b\x07\x9b\u202e")
    assert "U+202E#gt;evil" in shown or "<U+202E>evil" in shown  # shown, as the walk shows it


def test_svg_without_graphviz_names_the_package(monkeypatch):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    with pytest.raises(UsageError) as caught:
        graph.render(DEMO.flows["demo"], "svg")
    assert caught.value.exit_status == ExitStatus.BAD_INPUT
    assert "graphviz" in str(caught.value)


def test_graph_svg_command_without_graphviz_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no `dot` on this PATH
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sharewizard",
            "--flows",
            str(FIXTURES / "catalogue"),
            "graph",
            "demo",
            "--format",
            "svg",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "Install the `graphviz` package" in " ".join(done.stderr.split())


@pytest.mark.skipif(not graph.shutil.which("dot"), reason="Graphviz `dot` is not installed")
def test_svg_with_graphviz():
    assert "<svg" in graph.render(DEMO.flows["demo"], "svg")


def test_graph_command_writes_mermaid_to_out(tmp_path):
    out = tmp_path / "demo.mmd"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sharewizard",
            "--flows",
            str(FIXTURES / "catalogue"),
            "graph",
            "demo",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == graph.to_mermaid(DEMO.flows["demo"], DEMO.record_form.decisions)


def test_graph_of_an_unknown_flow_is_exit_2_naming_the_flows():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sharewizard",
            "--flows",
            str(FIXTURES / "catalogue"),
            "graph",
            "nope",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "unknown flow 'nope'" in done.stderr and "demo" in done.stderr


@pytest.mark.parametrize("width", [80, 200])
def test_show_tree_names_every_question_and_outcome(width):
    flow = DEMO.flows["demo"]
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(
        graph.tree(flow, DEMO.record_form.decisions)
    )
    text = out.getvalue()
    for question in flow.questions.values():
        assert question.text in text
    for outcome in flow.outcomes.values():
        assert outcome.title in text
    assert "Q1 Concern?" in text
    assert "Not sure → Seek advice [Seek advice before you act]" in text
    assert max(len(line) for line in text.splitlines()) <= width


def test_show_command_respects_no_color():
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color", "FORCE_COLOR": ""}
    env.pop("FORCE_COLOR")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sharewizard",
            "--flows",
            str(FIXTURES / "catalogue"),
            "show",
            "demo",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    assert "Which kinds?" in done.stdout


def _generator():
    spec = importlib.util.spec_from_file_location("gen_flows", ROOT / "docs" / "gen_flows.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_flows_are_up_to_date():
    problems = _generator().problems()
    assert not problems, "docs/flows is out of date: run python3 docs/gen_flows.py\n" + "\n".join(
        problems
    )


def test_the_staleness_check_notices_an_edited_diagram(tmp_path):
    generator = _generator()
    for name, text in generator.pages().items():
        (tmp_path / name).write_text(text)
    assert generator.problems(tmp_path) == []
    victim = sorted(tmp_path.glob("*.md"))[0]
    victim.write_text(victim.read_text().replace("-->", "---", 1))
    (tmp_path / "gone.md").write_text("old")
    assert generator.problems(tmp_path) == [
        f"{victim.name}: out of date",
        "gone.md: left over: nothing generates it any more",
    ]


def test_an_outcome_only_reachable_by_a_handoff_flow_still_counts():
    # Outcomes nobody routes to would be refused by the loader; a flow built in memory shows the
    # count comes from the model and not from the edges.
    demo = DEMO.flows["demo"]
    extra = Outcome("extra", "share", "Extra", "s", (), ())
    flow = dataclasses.replace(demo, outcomes={**demo.outcomes, "extra": extra})
    assert mermaid_counts(graph.to_mermaid(flow)) == expected_counts(flow)
    assert isinstance(flow.questions["concern"], Question)


# --- graph --out writes as every writer does (review 2026-12-06: F-6) ----------------------------


def _graph_out(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sharewizard", "--flows", str(FIXTURES / "catalogue")]
    return subprocess.run(
        [*command, "graph", "demo", "--out", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=20,  # a FIFO hung it for ever
    )


def test_graph_out_never_replaces_a_file_without_force(tmp_path):
    (tmp_path / "decision.json").write_text("precious")
    done = _graph_out(tmp_path, "decision.json")
    assert done.returncode == 2
    assert " ".join(done.stderr.split()) == (
        "Error: decision.json: already exists; nothing was written. Choose another --out, or "
        "pass --force to replace it."
    )
    assert (tmp_path / "decision.json").read_text() == "precious"
    assert _graph_out(tmp_path, "decision.json", "--force").returncode == 0
    assert (tmp_path / "decision.json").read_text().startswith("flowchart TD")
    assert oct((tmp_path / "decision.json").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_graph_out_never_writes_through_a_link_nor_waits_on_a_fifo(force, tmp_path):
    # R5: `graph --out link.mmd` wrote through the link into victim.json; a FIFO hung
    (tmp_path / "victim.json").write_text("precious")
    (tmp_path / "link.mmd").symlink_to(tmp_path / "victim.json")
    os.mkfifo(tmp_path / "pipe.mmd")
    for name, kind in (("link.mmd", "a symbolic link"), ("pipe.mmd", "a named pipe (FIFO)")):
        done = _graph_out(tmp_path, name, *force)
        assert done.returncode == 2
        assert f"{name}: is {kind}, not a regular file" in " ".join(done.stderr.split())
    assert (tmp_path / "victim.json").read_text() == "precious"
    assert (tmp_path / "link.mmd").is_symlink()
