"""docs/commands/*.md are transcripts of real runs: the test fails when one is stale."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_commands", ROOT / "docs" / "gen_commands.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_commands"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return gen.generate()


def test_every_command_page_matches_a_fresh_run(pages):
    from sharewizard.flowfiles.guidance import find_guidance

    stale = gen.stale(pages)
    if find_guidance(repo=ROOT) is None:
        # `lint` reads the guidance texts beside the repository; without them its page differs
        stale = [name for name in stale if name != "lint.md"]
    assert stale == [], "run python3 docs/gen_commands.py and commit docs/commands"


def test_every_top_level_command_has_a_page(pages):
    from sharewizard.cli import COMMANDS

    assert {name.removesuffix(".md") for name in pages} == set(COMMANDS)


def test_the_stale_check_sees_an_edited_a_missing_and_an_extra_page(pages, tmp_path):
    for name, text in pages.items():
        (tmp_path / name).write_text(text)
    assert gen.stale(pages, tmp_path) == []
    (tmp_path / "decide.md").write_text(pages["decide.md"].replace("Decision:", "Decided:"))
    (tmp_path / "list.md").unlink()
    (tmp_path / "gone.md").write_text("# sharewizard gone\n")
    assert gen.stale(pages, tmp_path) == ["decide.md", "gone.md", "list.md"]


def test_the_pages_show_real_sessions(pages):
    decide = pages["decide.md"]
    assert "Number or word (? help, < back): yes" in decide  # answers typed, shown in place
    assert "Record written to decision.json" in decide
    assert "\x1b" not in "".join(pages.values())


MAN_SECTIONS = ("SYNOPSIS", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES")


def test_every_page_has_the_sections_of_a_man_page_in_order(pages):
    for name, text in pages.items():
        found = [line[3:] for line in text.splitlines() if line.startswith("## ")]
        assert found == list(MAN_SECTIONS), name


def test_the_options_section_is_the_command_line_itself(pages):
    from sharewizard.cli.manual import exits_of, variables_of

    verify = pages["verify.md"]
    assert "sharewizard verify [OPTIONS] PATH..." in verify
    assert "- `--allow-unchecked`: Pass records signed by a key" in verify
    assert "- `--trust PUBKEY`: " in verify
    assert all(f"| {code} | {meaning} |" in verify for code, meaning in exits_of("verify"))
    assert all(f"| `{v.name}` |" in verify for v in variables_of("verify"))
    drafts = pages["drafts.md"]
    assert "sharewizard drafts delete [OPTIONS] [ID]" in drafts and "- `--all`: " in drafts


def test_the_train_page_shows_real_screens_of_a_projector(pages):
    train = pages["train.md"]
    assert "$ sharewizard train 02-disclosure-fear-of-stepfather   # then: w" in train
    for seen in ("Question 1", "what if: ", "Off the case's path", "c case's path · q quit"):
        assert seen in train
    assert all(len(line) <= 100 for line in train.split("```text")[1].splitlines())
