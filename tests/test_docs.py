"""The README documents every command and its quick start is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sharewizard.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme_and_has_help(name):
    import typer

    group = typer.main.get_command(app)
    command = group.get_command(typer.Context(group), name)  # type: ignore[attr-defined]
    assert f"sharewizard {name}" in README
    assert (command.help or "").strip()


def test_quick_start_has_exactly_two_setup_commands_and_ci_runs_the_test_one():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quick, re.S)
    assert len(blocks) == 2 and all(b.count("\n") == 1 for b in blocks)
    assert "sharewizard decide" in blocks[0]
    ci = (ROOT / ".ci" / "run").read_text()
    setup, test = blocks[1].strip().rsplit(" && ", 1)
    assert setup in ci
    # CI runs the README's test command in two steps that together run every test once: all but
    # the hostile-input suite, then that suite, so that its count of examples stands out.
    assert f'\n{test} -m "not hostile"\n' in ci
    assert f"\n{test} -m hostile\n" in ci


def test_changelog_has_an_unreleased_section():
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()


def _gen_readme():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_readme", ROOT / "docs" / "gen_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_and_help_list_the_same_environment_variables_from_one_table():
    from typer.testing import CliRunner

    from sharewizard.cli.manual import variables

    gen = _gen_readme()
    assert gen.with_table(README) == README, "run python3 docs/gen_readme.py"
    shown = " ".join(CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}).output.split())
    for variable in variables():
        assert f"| `{variable.name}` | {variable.meaning} |" in README
        assert f"{variable.name} {' '.join(variable.meaning.split())}" in shown


def test_the_readme_table_check_sees_a_changed_meaning():
    gen = _gen_readme()
    edited = README.replace("Set (to anything): no colour", "No colour")
    assert edited != README and gen.with_table(edited) == README


def test_the_package_holds_only_subpackages_and_the_architecture_page_names_each():
    package = ROOT / "sharewizard"
    assert {p.name for p in package.glob("*.py")} == {"__init__.py", "__main__.py"}
    subpackages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert [name for name in subpackages if f"`{name}/`" not in page] == []
    assert len(subpackages) == 10


def test_the_readme_answers_file_replays_to_what_it_expects(catalogue):
    """The example under "Replaying recorded answers" is a real sitting, `also` included."""
    import yaml

    from tests.sittingkit import decide_answers

    example = re.search(r"```yaml\n(schema_version: 2\n.*?)```", README, re.S)
    assert example is not None
    data = yaml.safe_load(example.group(1))
    found = decide_answers(catalogue, data)
    assert [d.flow.id for _, d, _ in found] == ["share-without-consent", "how-much"]
    assert found[0][1].outcome.id == data["decisions"][0]["expect"]["outcome"]
