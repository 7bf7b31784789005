"""Answers files → decisions and records, one file or many in parallel."""

from __future__ import annotations

import os
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sharewizard.answers import AnswersFile, Part, load_answers
from sharewizard.decide import decide_file
from sharewizard.errors import SharewizardError
from sharewizard.model import Catalogue
from sharewizard.records import Record, write_record

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")
RECORD_SUFFIX = ".record"  # replay's own outputs are *.record.json: never inputs
RECORD_NAMESPACE = uuid.UUID("6f0c8d3e-3c1f-4c8e-9a53-6b1f5e0f4a11")


def deterministic_ids(answers: AnswersFile, created_at: str) -> Callable[[int], str]:
    """Record ids fixed by the input and the timestamp, so replays are reproducible.

    Part 0 is the sitting's id; parts 1, 2, ... the records'.
    """
    text = answers.doc.text if answers.doc else repr(answers)
    return lambda part: str(uuid.uuid5(RECORD_NAMESPACE, f"{created_at}\n{part}\n{text}"))


def expectation_diff(part: Part, record: Record) -> list[str]:
    """`field: expected X, got Y` lines for each expectation the record misses."""
    got = {"outcome": record["outcome"]["id"], "decision": record["outcome"]["decision"]}
    where = f"{part.where}: " if part.where else ""
    return [
        f"{where}{key}: expected {want!r}, got {got[key]!r}"
        for key, want in part.expect.items()
        if got.get(key) != want
    ]


def expand_paths(
    paths: Iterable[str], stdin: Iterable[str] | None = None, skip: Path | None = None
) -> list[Path]:
    """Answers files from paths: files as given, folders searched recursively, `-` for stdin.

    Files inside `skip` (the output folder) and replay's own `*.record.*` outputs are left out;
    standard input gives one path a line.
    """
    found: list[Path] = []
    skipped = skip.resolve() if skip else None
    for raw in paths:
        if raw == "-":
            lines = stdin if stdin is not None else sys.stdin
            found += expand_paths([line.strip() for line in lines if line.strip()], skip=skip)
            continue
        path = Path(raw)
        if path.is_dir():
            inside = skipped if skipped and skipped != path.resolve() else None
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in ANSWERS_SUFFIXES
                and p.is_file()
                and not p.name.endswith(RECORD_SUFFIX + p.suffix)
                and not (inside and inside in p.resolve().parents)
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))  # the same file named twice is replayed once


@dataclass
class FileResult:
    """What happened to one answers file."""

    path: Path
    record_path: Path | None = None
    record_paths: list[Path] = field(default_factory=list)
    outcome: str | None = None
    decision: str | None = None
    expectation: str = "none"  # none | met | failed
    diff: list[str] = field(default_factory=list)
    error: str | None = None


def output_name(path: Path, inputs_root: Path | None, fmt: str) -> str:
    """A stable record name from the answers file's path (relative to a common root)."""
    relative = path.relative_to(inputs_root) if inputs_root else Path(path.name)
    stem = "__".join(relative.with_suffix("").parts)
    return f"{stem}{RECORD_SUFFIX}.{fmt}"


def common_root(paths: list[Path]) -> Path | None:
    """The deepest folder holding every input, so output names stay unique and stable."""
    if not paths:
        return None
    resolved = [p.resolve().parent for p in paths]
    try:
        return Path(os.path.commonpath([str(p) for p in resolved]))
    except ValueError:
        return None


def replay_one(
    catalogue: Catalogue,
    path: Path,
    *,
    created_at: str,
    out_dir: Path | None,
    fmt: str,
    force: bool,
    root: Path | None,
    sign_with: Any = None,
) -> FileResult:
    """Replay one file; never raises for bad input, and writes nothing unless all went well.

    `sign_with` (an Ed25519 private key) signs each record before it is written.
    """
    result = FileResult(path)
    try:
        answers = load_answers(path)
        found = decide_file(
            catalogue,
            answers,
            created_at=created_at,
            record_id=deterministic_ids(answers, created_at),
        )
        first = found[0][2]
        result.outcome, result.decision = first["outcome"]["id"], first["outcome"]["decision"]
        if any(part.expect for part, _, _ in found):
            result.diff = [line for part, _, rec in found for line in expectation_diff(part, rec)]
            result.expectation = "failed" if result.diff else "met"
        if out_dir is not None:
            name = output_name(path.resolve(), root, fmt)
            for index, (_, _, record) in enumerate(found, 1):
                target = out_dir / (
                    name
                    if index == 1
                    else name.replace(RECORD_SUFFIX, f".part{index}{RECORD_SUFFIX}")
                )
                if sign_with is not None:
                    from sharewizard.signing import sign

                    record = cast(Record, sign(record, sign_with))
                result.record_paths.append(write_record(record, target, fmt, force=force))
            result.record_path = result.record_paths[0]
    except SharewizardError as exc:
        result.error = str(exc)
    return result


def replay_all(
    catalogue: Catalogue,
    paths: list[Path],
    *,
    created_at: str,
    out_dir: Path | None,
    fmt: str,
    force: bool,
    jobs: int,
    progress: Callable[[FileResult], None] | None = None,
    sign_with: Any = None,
) -> list[FileResult]:
    """Replay many files in parallel; results come back in input order.

    Two inputs that would be written to one record name (`a.yaml` and `a.json`) are both
    refused rather than one silently replacing the other.
    """
    root = common_root(paths)
    names = Counter(output_name(p.resolve(), root, fmt) for p in paths)

    def one(path: Path) -> FileResult:
        name = output_name(path.resolve(), root, fmt)
        if out_dir is not None and names[name] > 1:
            return FileResult(
                path,
                error=f"{path}: another input would also be written to {name}; rename one of them.",
            )
        return replay_one(
            catalogue,
            path,
            created_at=created_at,
            out_dir=out_dir,
            fmt=fmt,
            force=force,
            root=root,
            sign_with=sign_with,
        )

    results: list[FileResult] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for result in pool.map(one, paths):
            if progress:
                progress(result)
            results.append(result)
    return results
