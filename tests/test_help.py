"""Every command's `--help`, as a person reads it: golden files, an example, no Python type names.

Regenerate the golden files after a deliberate change with
`SHAREWIZARD_UPDATE_GOLDEN=1 python -m pytest tests/test_help.py`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from sharewizard.cli import app
from sharewizard.cli._typer import HelpCommand

GOLDEN = Path(__file__).parent / "golden" / "help"
#: What Typer shows for Python types when left to itself; none of it may reach a person.
TYPE_NAMES = ("<list[", "{PATH", "{RECORD", "<int", "<str>", "<path>", "<Path>")


def _command_paths() -> list[tuple[str, ...]]:
    """(), ("decide",), ("drafts",), ("drafts", "show"), ...: every command and group."""
    found: list[tuple[str, ...]] = []

    def walk(
        command: typer.core.TyperCommand | typer.core.TyperGroup, path: tuple[str, ...]
    ) -> None:
        found.append(path)
        if not isinstance(command, typer.core.TyperGroup):
            return
        context = typer.Context(command)
        for name in sorted(command.list_commands(context)):  # the root's are built when asked for
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                walk(sub, (*path, name))  # type: ignore[arg-type]

    walk(typer.main.get_command(app), ())
    return found


def help_of(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def problems(text: str) -> list[str]:
    """What is wrong with a help text: no example, or a Python type name."""
    found = [name for name in TYPE_NAMES if name in text]
    if "\n  Example: " not in text:
        found.append("no example")
    return found


PATHS = _command_paths()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "sharewizard")
def test_help_matches_its_golden_file_shows_an_example_and_no_type_names(path):
    text = help_of(path)
    golden = GOLDEN / f"{'-'.join(('sharewizard', *path))}.txt"
    if os.environ.get("SHAREWIZARD_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert problems(text) == []
    assert text == golden.read_text(), f"{golden} is stale: regenerate it (see this module)"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "sharewizard")
def test_h_is_help(path):
    result = CliRunner().invoke(app, [*path, "-h"], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and result.output == help_of(path)


def test_every_golden_file_belongs_to_a_command():
    expected = {f"{'-'.join(('sharewizard', *p))}.txt" for p in PATHS}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


def _tiny(cls: type | None) -> typer.Typer:
    tiny = typer.Typer(rich_markup_mode=None)

    def run(paths: Annotated[list[str], typer.Argument(metavar="PATH")]) -> None:
        """Do it.

        Example: tiny a b
        """

    tiny.command(cls=cls)(run) if cls else tiny.command()(run)
    return tiny


def test_the_check_catches_typer_type_names_and_a_missing_example():
    plain = CliRunner().invoke(_tiny(None), ["--help"], env={"COLUMNS": "80"}).output
    assert "PATH <list[str]>" in plain and "{PATH}..." in plain
    assert problems(plain) == ["<list[", "{PATH"]
    assert problems("Usage: x\n\n  Does things.\n") == ["no example"]
    polished = CliRunner().invoke(_tiny(HelpCommand), ["--help"], env={"COLUMNS": "80"}).output
    assert problems(polished) == []
    assert "Usage: run [OPTIONS] PATH...\n" in polished
