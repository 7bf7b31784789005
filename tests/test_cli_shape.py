"""The command line stays a thin layer: `cli.py` parses and renders, the library decides."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "sharewizard" / "cli.py"
MAX_LINES, MAX_BODY = 300, 30


def _body_lines(func: ast.FunctionDef) -> int:
    """Lines of a function's body, its docstring left out."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def test_cli_module_is_at_most_300_lines():
    lines = CLI.read_text().count("\n")
    assert lines <= MAX_LINES, f"cli.py has {lines} lines; move rules into the library"


def test_no_cli_function_body_is_over_30_lines():
    tree = ast.parse(CLI.read_text())
    long = {
        node.name: _body_lines(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and _body_lines(node) > MAX_BODY
    }
    assert long == {}


def test_the_check_counts_a_long_body(tmp_path):
    source = "def f():\n    '''Doc.'''\n" + "    x = 1\n" * 31
    [func] = ast.parse(source).body
    assert isinstance(func, ast.FunctionDef) and _body_lines(func) == 31
