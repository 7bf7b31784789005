"""The command line stays a thin layer: each module of `sharewizard/cli/` parses and renders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[1] / "sharewizard" / "cli"
MODULES = sorted(CLI.glob("*.py"))
MAX_LINES, MAX_BODY = 300, 30


def _body_lines(func: ast.FunctionDef) -> int:
    """Lines of a function's body, its docstring left out."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_each_cli_module_is_at_most_300_lines(module):
    lines = module.read_text().count("\n")
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines; move rules into the library"


def _is_command(func: ast.FunctionDef) -> bool:
    """Whether a function is a command body: wrapped by `options.command`."""
    return any(isinstance(d, ast.Name) and d.id == "command" for d in func.decorator_list)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_no_command_body_is_over_30_lines(module):
    tree = ast.parse(module.read_text())
    long = {
        node.name: _body_lines(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and _is_command(node) and _body_lines(node) > MAX_BODY
    }
    assert long == {}


def test_every_command_is_seen_as_one():
    commands = [
        node.name
        for module in MODULES
        for node in ast.walk(ast.parse(module.read_text()))
        if isinstance(node, ast.FunctionDef) and _is_command(node)
    ]
    assert len(commands) == 25  # 12 commands, and in groups: drafts (3), keys (3), register (5),
    # profile (2)


def test_the_check_counts_a_long_body(tmp_path):
    source = "def f():\n    '''Doc.'''\n" + "    x = 1\n" * 31
    [func] = ast.parse(source).body
    assert isinstance(func, ast.FunctionDef) and _body_lines(func) == 31
