"""Which files a replay finds in folders, and the resolved paths its record names come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharewizard.replay.batch import expand_paths, resolve_all

ANSWERS = "flow: refer\nanswers: {}\n"


def rglob_reference(folder: Path, skip: Path | None) -> list[Path]:
    """What replay found before it walked folders itself: rglob, then a test per file."""
    skipped = skip.resolve() if skip else None
    inside = skipped if skipped and skipped != folder.resolve() else None
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json")
        and p.is_file()
        and not p.name.endswith(".record" + p.suffix)
        and not (inside and inside in p.resolve().parents)
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of answers files with every kind of entry a walk must get right."""
    root = tmp_path / "answers"
    for name in (
        "a.yaml",
        "b.yml",
        "c.json",
        ".hidden.yaml",
        "notes.txt",
        "x.record.json",  # replay's own output
        "team-1/2026-01/case.yaml",
        "team-1/2026-01/case.record.md",
        "team-1/z.yaml",
        "team/a-b.yaml",  # sorts apart from team-1 as paths, not as strings
        "out/inside.yaml",  # the output folder lies inside: left out
        "elsewhere/target.yaml",
    ):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ANSWERS, encoding="utf-8")
    (root / "folder.yaml").mkdir()  # a folder with an answers suffix is not a file
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.yaml").write_text(ANSWERS, encoding="utf-8")
    (root / "linked-file.yaml").symlink_to(root / "elsewhere" / "target.yaml")
    (root / "into-out.yaml").symlink_to(root / "out" / "inside.yaml")  # resolves into --out-dir
    (root / "linked-folder").symlink_to(outside)  # not followed, as rglob does not
    (root / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    return root


@pytest.mark.parametrize("skip", [None, "out", ".", "../elsewhere-out"])
def test_folders_are_walked_as_rglob_walked_them(tree: Path, skip: str | None) -> None:
    out = (tree / skip) if skip else None
    found = expand_paths([str(tree)], skip=out)
    assert found == rglob_reference(tree, out)
    if skip == "out":
        assert tree / "out" / "inside.yaml" not in found
        assert tree / "into-out.yaml" not in found
    assert tree / "linked-file.yaml" in found
    assert not any("linked-folder" in str(p) or p.name == "broken.yaml" for p in found)


def test_resolved_paths_are_those_path_resolve_gives(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    paths = [
        *expand_paths([str(tree)]),
        Path("a.yaml"),
        Path("team-1/../b.yml"),
        Path("linked-folder/far.yaml"),
        tree / "missing.yaml",
        Path("."),
    ]
    assert resolve_all(paths) == [p.resolve() for p in paths]
    assert resolve_all([tree / "linked-file.yaml"]) == [tree / "elsewhere" / "target.yaml"]
