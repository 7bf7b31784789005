"""Answers files → decisions and records, one file or many in parallel."""

from __future__ import annotations

import os
import sys
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sharewizard.answers import AnswersFile, Part, load_answers
from sharewizard.decide import decide_file
from sharewizard.errors import SharewizardError
from sharewizard.files import PendingWrite
from sharewizard.model import Catalogue
from sharewizard.records import Record, start_record_write

ANSWERS_SUFFIXES = (".yaml", ".yml", ".json")
RECORD_SUFFIX = ".record"  # replay's own outputs are *.record.json: never inputs
RECORD_NAMESPACE = uuid.UUID("6f0c8d3e-3c1f-4c8e-9a53-6b1f5e0f4a11")
FILES_IN_FLIGHT = 8  # per process: records waiting for the disk while the next file is decided
CHUNK_MIN, CHUNK_MAX = 8, 128  # files handed to a worker process at once
HAND_OVER_BATCH = 1000  # records given to `on_batch` at once
_Item = tuple[Path, str]  # an answers file and the name of its record


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
            real = path.resolve()
            inside = skipped if skipped and skipped != real else None
            found += sorted(_answers_files(path, real, inside))
        else:
            found.append(path)
    return list(dict.fromkeys(found))  # the same file named twice is replayed once


def _answers_files(folder: Path, real: Path, skip: Path | None) -> Iterator[Path]:
    """The answers files under `folder` (whose resolved path is `real`), not under `skip`.

    As `folder.rglob("*")` finds them (symbolic links to folders are not followed, unreadable
    folders are passed over), but with one directory listing per folder and no system call per
    file but for symbolic links: a file that is not a link lies where its folder lies.
    """
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except PermissionError:
        return
    skipped_here = skip is not None and (real == skip or skip in real.parents)
    for entry in entries:
        path = folder / entry.name
        if _is(entry.is_dir, follow_symlinks=False):
            yield from _answers_files(path, real / entry.name, skip)
        elif (
            path.suffix in ANSWERS_SUFFIXES
            and not path.name.endswith(RECORD_SUFFIX + path.suffix)
            and _is(entry.is_file)
        ):
            link = _is(entry.is_symlink)
            if skip is None or not (skip in path.resolve().parents if link else skipped_here):
                yield path


def _is(test: Callable[..., bool], **options: bool) -> bool:
    try:
        return test(**options)
    except OSError:  # as Path.is_file: a file that cannot be looked at is not one
        return False


def resolve_all(paths: list[Path]) -> list[Path]:
    """`[p.resolve() for p in paths]`, resolving each folder once rather than every file's path.

    A file that is not a symbolic link resolves to its resolved folder joined with its name.
    """
    folders: dict[Path, Path] = {}
    resolved = []
    for path in paths:
        if path.name in ("", ".", "..") or os.path.islink(path):
            resolved.append(path.resolve())
            continue
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = path.parent.resolve()
        resolved.append(folder / path.name)
    return resolved


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
    handed: list[Any] = field(default_factory=list)  # `hand_over(record)` of each record made


def output_name(path: Path, inputs_root: Path | None, fmt: str) -> str:
    """A stable record name from the answers file's path (relative to a common root)."""
    relative = path.relative_to(inputs_root) if inputs_root else Path(path.name)
    stem = "__".join(relative.with_suffix("").parts)
    return f"{stem}{RECORD_SUFFIX}.{fmt}"


def common_root(resolved: list[Path]) -> Path | None:
    """The deepest folder holding every input (given resolved), so output names stay unique."""
    if not resolved:
        return None
    try:
        return Path(os.path.commonpath([str(p.parent) for p in resolved]))
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
    name: str,
    sign_with: Any = None,
) -> FileResult:
    """Replay one file; never raises for bad input, and writes nothing unless all went well.

    `name` is its record's file name in `out_dir` (see `output_name`); `sign_with` (an Ed25519
    private key) signs each record before it is written.
    """
    return start_one(
        catalogue,
        path,
        created_at=created_at,
        out_dir=out_dir,
        fmt=fmt,
        force=force,
        name=name,
        sign_with=sign_with,
    ).finish()


def start_one(
    catalogue: Catalogue,
    path: Path,
    *,
    created_at: str,
    out_dir: Path | None,
    fmt: str,
    force: bool,
    name: str,
    sign_with: Any = None,
    hand_over: Callable[[Record], Any] | None = None,
) -> Started:
    """`replay_one` up to the wait for the disk: decided, its records in temporary files.

    `hand_over`, when given, is called with each record (signed, if it is) and what it returns
    is kept in the result's `handed`, for the caller's `on_batch` (the register's entries).
    """
    result = FileResult(path)
    writes: list[PendingWrite] = []
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
        if out_dir is not None or hand_over is not None:
            for index, (_, _, record) in enumerate(found, 1):
                if sign_with is not None:
                    from sharewizard.signing import sign

                    record = cast(Record, sign(record, sign_with))
                if hand_over is not None:
                    result.handed.append(hand_over(record))
                if out_dir is None:
                    continue
                target = out_dir / (
                    name
                    if index == 1
                    else name.replace(RECORD_SUFFIX, f".part{index}{RECORD_SUFFIX}")
                )
                writes.append(
                    start_record_write(record, target, fmt, force=force, option="--out-dir")
                )
    except SharewizardError as exc:
        result.error = str(exc)  # the records started before it are still written, in order
    except BaseException:
        for pending in writes:
            pending.discard()
        raise
    return Started(result, writes)


@dataclass
class Started:
    """A file replayed up to the wait for the disk: its result and its records' pending writes."""

    result: FileResult
    writes: list[PendingWrite]

    def sync(self) -> None:
        """Wait for the records to be on the disk (the one step worth another thread)."""
        for pending in self.writes:
            pending.sync()

    def finish(self) -> FileResult:
        """Put the records in place, in order; the first that cannot be stops the others."""
        done = 0
        try:
            for pending in self.writes:
                self.result.record_paths.append(pending.finish())
                done += 1
        except SharewizardError as exc:
            self.result.error = str(exc)
        finally:
            for pending in self.writes[done + 1 :]:
                pending.discard()
        if self.writes and self.result.error is None:
            self.result.record_path = self.result.record_paths[0]
        return self.result


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
    sign_key: Path | None = None,
    hand_over: Callable[[Record], Any] | None = None,
    on_batch: Callable[[list[Any]], None] | None = None,
) -> list[FileResult]:
    """Replay many files, in `jobs` processes; results come back in input order.

    With `hand_over` (a module-level function, so worker processes can be given it), each
    record made is passed to it where it is made, and `on_batch` receives what it returned,
    `HAND_OVER_BATCH` records at a time, in input order, from the files replayed without an
    error (the register adds each batch in one transaction).

    Each worker process receives the catalogue and loads the signing key (`sign_key`, a private
    key file) once, then replays its share of the files: processes, not threads, because
    walking flows and building records is Python work that threads would take turns at. Within
    a process, one thread waits for the disk (fsync) while the next files are worked on, up to
    `FILES_IN_FLIGHT` of them waiting.

    Two inputs that would be written to one record name (`a.yaml` and `a.json`) are both
    refused rather than one silently replacing the other.
    """
    resolved = resolve_all(paths)
    root = common_root(resolved)
    names = [output_name(p, root, fmt) for p in resolved]
    counts = Counter(names)
    clashing = {name for name, count in counts.items() if count > 1} if out_dir else set()
    task = _Task(created_at, out_dir, fmt, force, clashing, hand_over)
    items = list(zip(paths, names, strict=True))
    workers = min(max(1, jobs), len(paths))
    if workers <= 1:
        return _collect(task.each(catalogue, items, _load_key(sign_key)), progress, on_batch)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_process_context(),
        initializer=_start_worker,
        initargs=(catalogue, sign_key),
    )
    try:
        chunks = _chunks(items, workers)
        done = (r for chunk in pool.map(task, chunks) for r in chunk)
        results = _collect(done, progress, on_batch)
    except BaseException:  # Ctrl-C or a bug: do not replay the files still waiting
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the files not started; let each worker finish the ones it is writing.

    Workers ignore Ctrl-C, so every record they started is put in place or discarded, and no
    temporary file is left behind. A second Ctrl-C while they finish stops waiting.
    """
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)


def _chunks(items: list[_Item], workers: int) -> list[list[_Item]]:
    """Shares of the work for the worker processes, shrinking towards the end.

    Each chunk costs its worker a wait for its last records to reach the disk, so a few big
    ones come first; small ones last keep every worker busy to the end (and the bar moving).
    """
    chunks = []
    start = 0
    while start < len(items):
        size = max(CHUNK_MIN, min(CHUNK_MAX, (len(items) - start) // (workers * 2)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def _collect(
    results: Iterable[FileResult],
    progress: Callable[[FileResult], None] | None,
    on_batch: Callable[[list[Any]], None] | None = None,
) -> list[FileResult]:
    collected = []
    batch: list[Any] = []
    for result in results:
        if result.error is None:
            batch += result.handed
        result.handed = []  # handed on (or dropped with the file's error): not kept in memory
        if on_batch and len(batch) >= HAND_OVER_BATCH:
            on_batch(batch)
            batch = []
        if progress:
            progress(result)
        collected.append(result)
    if on_batch and batch:
        on_batch(batch)
    return collected


def _process_context() -> Any:
    """How to start workers: fork when this process runs a single thread, else forkserver.

    Forking is immediate and the workers need import nothing again; but forking a process that
    runs other threads (a progress bar's) can deadlock the child, so then forkserver (or spawn).
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _load_key(sign_key: Path | None) -> Any:
    if sign_key is None:
        return None
    from sharewizard.signing import load_private_key

    return load_private_key(sign_key)


# A worker process's catalogue and key, set once by `_start_worker` (an Ed25519 key cannot be
# pickled, so each worker loads it from its file). Only ever set inside worker processes.
_worker: dict[str, Any] = {}


def _start_worker(catalogue: Catalogue, sign_key: Path | None) -> None:
    """Keep the catalogue and load the signing key once for this worker process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker["catalogue"] = catalogue
    _worker["sign_with"] = _load_key(sign_key)


def _finished(started: Started, synced: Future[None]) -> FileResult:
    synced.result()
    return started.finish()


@dataclass(frozen=True)
class _Task:
    """Replay one (path, record name) with the settings of a run (picklable, for workers)."""

    created_at: str
    out_dir: Path | None
    fmt: str
    force: bool
    clashing: set[str]
    hand_over: Callable[[Record], Any] | None = None

    def __call__(self, chunk: list[tuple[Path, str]]) -> list[FileResult]:
        return list(self.each(_worker["catalogue"], chunk, _worker["sign_with"]))

    def each(
        self, catalogue: Catalogue, items: list[tuple[Path, str]], sign_with: Any
    ) -> Iterator[FileResult]:
        """Replay `items` in order; one thread waits for the disk while this one works on.

        The work on a file is Python (it holds the interpreter); the wait for the disk (fsync)
        is not, so only that is handed over: a thread doing more would contend for the
        interpreter at every system call. A file is put in place `FILES_IN_FLIGHT` files later.
        """
        if self.out_dir is None:  # no file to write: nothing to wait for
            for item in items:
                yield self.start(catalogue, item, sign_with).finish()
            return
        waiting: deque[tuple[Started, Future[None]]] = deque()
        try:
            with ThreadPoolExecutor(max_workers=1) as disk:
                for item in items:
                    started = self.start(catalogue, item, sign_with)
                    waiting.append((started, disk.submit(started.sync)))
                    while len(waiting) > FILES_IN_FLIGHT:
                        yield _finished(*waiting.popleft())
                while waiting:
                    yield _finished(*waiting.popleft())
        finally:  # interrupted (Ctrl-C, or the caller stopped): no temporary file is left behind
            for started, _ in waiting:
                for pending in started.writes:
                    pending.discard()

    def start(self, catalogue: Catalogue, item: tuple[Path, str], sign_with: Any) -> Started:
        """Replay a file unless another input would be written to the same record."""
        path, name = item
        if name in self.clashing:
            return Started(
                FileResult(
                    path,
                    error=f"{path}: another input would also be written to {name}; "
                    "rename one of them.",
                ),
                [],
            )
        return start_one(
            catalogue,
            path,
            created_at=self.created_at,
            out_dir=self.out_dir,
            fmt=self.fmt,
            force=self.force,
            name=name,
            sign_with=sign_with,
            hand_over=self.hand_over,
        )
