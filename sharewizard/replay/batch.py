"""Answers files → decisions and records, one file or many in parallel."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sharewizard.core.errors import (
    AnswersError,
    Location,
    SharewizardError,
    SignalInterrupt,
    UsageError,
)
from sharewizard.core.model import Catalogue
from sharewizard.core.text import preview
from sharewizard.disk.files import PendingWrite, name_inside
from sharewizard.flowfiles.answers import AnswersFile, Part, load_answers
from sharewizard.records.record import part_path, start_record_write
from sharewizard.records.shape import Record
from sharewizard.walk.decide import already_written, decide_file

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
    got = {
        "outcome": record["outcome"]["id"],
        "decision": record["outcome"]["decision"],
        "flow": record["flow"]["id"],
    }
    where = f"{part.where}: " if part.where else ""
    return [
        f"{where}{key}: expected {preview(want)}, got {preview(got[key])}"
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
            found += expand_paths(_paths_read(lines), skip=skip)
            continue
        if "\0" in raw:
            raise UsageError(
                f"{raw[:80]!r} holds a NUL character, which no file name can.",
                Location(field="PATH"),
            )
        path = Path(raw)
        if path.is_dir():
            real = path.resolve()
            inside = skipped if skipped and skipped != real else None
            found += sorted(_answers_files(path, real, inside))
        else:
            found.append(path)
    return list(dict.fromkeys(found))  # the same file named twice is replayed once


def _paths_read(lines: Iterable[str]) -> list[str]:
    """The paths standard input gives, one a line; a NUL (no file name holds one) is refused."""
    paths = []
    for number, line in enumerate(lines, 1):
        if "\0" in line:
            raise UsageError(
                f"line {number} of standard input holds a NUL character, which no file name can.",
                Location(field="PATH -"),
            )
        if line.strip():
            paths.append(line.strip())
    return paths


def _answers_files(folder: Path, real: Path, skip: Path | None) -> Iterator[Path]:
    """The answers files under `folder` (whose resolved path is `real`), not under `skip`.

    As `folder.rglob("*")` finds them (symbolic links to folders are not followed, unreadable
    folders are passed over), but with one directory listing per folder and no system call per
    file but for symbolic links: a file that is not a link lies where its folder lies. Folders
    wait in a list rather than on the call stack, so any depth is walked.
    """
    folders = [(folder, real)]
    while folders:
        here, here_real = folders.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        except OSError as exc:
            raise UsageError(
                f"cannot read this folder: {exc.strerror}.", Location(here, field="PATH")
            ) from None
        skipped_here = skip is not None and (here_real == skip or skip in here_real.parents)
        for entry in entries:
            path = here / entry.name
            if _is(entry.is_dir, follow_symlinks=False):
                folders.append((path, here_real / entry.name))
            elif path.suffix in ANSWERS_SUFFIXES and not is_record_name(path.name):
                if not _is(entry.is_file):
                    continue
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
    """A stable record name from the answers file's path (relative to a common root).

    `team-a/case-7.yaml` → `team-a__case-7.record.json`. A sitting's later decisions follow the
    one naming rule (`part_path`): `….record-2.json`. No input's first record can have that
    name, since every first record name ends `.record.<extension>`, so no two inputs' records
    can share one.
    """
    from sharewizard.records.render import FORMATS

    relative = path.relative_to(inputs_root) if inputs_root else Path(path.name)
    stem = "__".join(relative.with_suffix("").parts)
    return f"{stem}{RECORD_SUFFIX}{FORMATS[fmt].suffix}"


_RECORD_NAME = re.compile(r"\.record(-[0-9]+)?\.[^.]+$")


def is_record_name(name: str) -> bool:
    """Whether a file name is one replay writes (`*.record.json`, `*.record-2.json`)."""
    return _RECORD_NAME.search(name) is not None


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
        refused = answers.expect.get("refused")
        if refused is not None:
            return Started(refusal_result(catalogue, answers, refused, created_at, result), [])
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
                    from sharewizard.records.signing import sign

                    record = sign(record, sign_with)
                if hand_over is not None:
                    result.handed.append(hand_over(record))
                if out_dir is None:
                    continue
                target = name_inside(out_dir, part_path(Path(name), index).name)
                done = "nothing was written" if index == 1 else "this record was not written"
                writes.append(
                    start_record_write(
                        record, target, fmt, force=force, option="--out-dir", done=done
                    )
                )
    except KeyboardInterrupt:  # Ctrl-C or a signal (`Interrupted` too): the run stops here
        for pending in writes:
            pending.discard()
        raise
    except SharewizardError as exc:
        result.error = str(exc)  # the records started before it are still written, in order
    except Exception as exc:  # a bug must cost this file its record, never the whole run
        result.error = unexpected(path, exc)
    except BaseException:
        for pending in writes:
            pending.discard()
        raise
    return Started(result, writes)


def refusal_result(
    catalogue: Catalogue, answers: AnswersFile, words: str, created_at: str, result: FileResult
) -> FileResult:
    """A file that must be refused (`expect: {refused: words}`): met when it is, with them.

    Nothing is written for it either way.
    """
    try:
        decide_file(
            catalogue, answers, created_at=created_at, record_id=lambda _: "refused-sitting"
        )
    except AnswersError as exc:
        result.outcome = "refused"
        if words in exc.message:
            result.expectation = "met"
        else:
            result.expectation = "failed"
            result.diff = [f"refused: expected a message with {preview(words)}, got {exc}"]
        return result
    result.expectation = "failed"
    result.diff = [f"refused: expected a refusal with {preview(words)}, but the sitting stands"]
    return result


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
        except Exception as exc:  # a bug: this file's error, and the run goes on
            self.result.error = unexpected(self.result.path, exc)
        finally:
            for pending in self.writes[done + 1 :]:
                pending.discard()
        if self.result.error is not None and self.result.record_paths:  # say what is on disk
            written = already_written([str(p) for p in self.result.record_paths])
            self.result.error = f"{self.result.error} {written}"
        if self.writes and self.result.error is None:
            self.result.record_path = self.result.record_paths[0]
        return self.result


def unexpected(path: Path, exc: Exception) -> str:
    """The error line of a file that met a bug in sharewizard (the other files still replay)."""
    said = str(exc)
    said = said if len(said) <= 200 else said[:199] + "…"
    return (
        f"{path}: unexpected {type(exc).__name__}: {said}. This is a bug in sharewizard; please "
        "report it with this file."
    )


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
    stops: Stops | None = None,
    hand_over: Callable[[Record], Any] | None = None,
    on_batch: Callable[[list[Any]], None] | None = None,
) -> list[FileResult]:
    """Replay many files, in `jobs` processes; results come back in input order.

    `stops` (Ctrl-C, SIGTERM, SIGHUP noted while it runs) is acted on between files.

    With `hand_over` (a module-level function, so worker processes can be given it), each
    record made is passed to it where it is made, and `on_batch` receives what it returned,
    `HAND_OVER_BATCH` records at a time, in input order, from the files replayed without an
    error (the register adds each batch in one transaction).

    Each worker process receives the catalogue and loads the signing key (`sign_key`, a private
    key file) once, then replays its share of the files: processes, not threads, because
    walking flows and building records is Python work that threads would take turns at. Within
    a process, one thread waits for the disk (fsync) while the next files are worked on, up to
    `FILES_IN_FLIGHT` of them waiting.

    Two inputs that would be written to one record name (`a.yaml` and `a.json`; `A.yaml` and
    `a.yaml`, on a file system that ignores case) are both refused, even with `--force`, rather
    than one silently replacing the other; each error names the other input.
    """
    resolved = resolve_all(paths)
    root = common_root(resolved)
    names = [output_name(p, root, fmt) for p in resolved]
    clashing = _clashes(paths, names) if out_dir else {}
    task = _Task(created_at, out_dir, fmt, force, clashing, hand_over)
    items = list(zip(paths, names, strict=True))
    stops = stops or Stops()
    workers = min(max(1, jobs), len(paths))
    if workers <= 1:
        each = task.each(catalogue, items, _load_key(sign_key))
        try:
            return _collect(each, progress, stops, on_batch)
        finally:
            each.close()  # stopped: its records waiting for the disk are discarded
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_process_context(),
        initializer=_start_worker,
        initargs=(catalogue, sign_key, os.getpid()),
    )
    try:
        chunks = _chunks(items, workers)
        done = (r for chunk in pool.map(task, chunks) for r in chunk)
        results = _collect(done, progress, stops, on_batch)
    except BaseException:  # stopped, or a bug: do not replay the files still waiting
        _stop(pool)
        stops.check()  # workers the same signal ended (a closed terminal signals them all)
        raise
    pool.shutdown()
    return results


class Stops:
    """Ctrl-C, SIGTERM and SIGHUP during a replay: noted by their handler, acted on between files.

    An exception raised by a signal handler can land inside the thread pool's locks and leave
    one held, so that the replay then waits for ever; a second Ctrl-C still stops at once.
    """

    def __init__(self) -> None:
        self.number: int | None = None

    @contextlib.contextmanager
    def noted(self) -> Iterator[None]:
        """Note the signals while the replay runs (in the main thread; elsewhere, nothing)."""
        import signal

        def note(number: int, _frame: Any) -> None:
            if number == signal.SIGINT and self.number is not None:
                raise KeyboardInterrupt  # Ctrl-C again: stop waiting
            self.number = self.number or number

        caught = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        try:
            previous = {sig: signal.signal(sig, note) for sig in caught}
        except ValueError:
            yield
            return
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def check(self) -> None:
        """Stop here if a signal came: KeyboardInterrupt for Ctrl-C, else `SignalInterrupt`."""
        import signal

        if self.number == signal.SIGINT:
            raise KeyboardInterrupt
        if self.number is not None:
            raise SignalInterrupt(self.number)


def _clashes(paths: list[Path], names: list[str]) -> dict[str, list[Path]]:
    """The record names two or more inputs would share (ignoring case), with those inputs."""
    by_name: dict[str, list[Path]] = {}
    for path, name in zip(paths, names, strict=True):
        by_name.setdefault(name.casefold(), []).append(path)
    return {key: inputs for key, inputs in by_name.items() if len(inputs) > 1}


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the files not started; let each worker finish the ones it is writing.

    Workers ignore Ctrl-C, so every record they started is put in place or discarded, and no
    temporary file is left behind; a worker that was sent SIGTERM or SIGHUP too (a closed
    terminal signals the whole group) has removed its temporary files and exited. A second
    Ctrl-C while they finish stops waiting.
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
    stops: Stops,
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
        stops.check()
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
    from sharewizard.records.signing import load_private_key

    return load_private_key(sign_key)


# A worker process's catalogue and key, set once by `_start_worker` (an Ed25519 key cannot be
# pickled, so each worker loads it from its file). Only ever set inside worker processes.
_worker: dict[str, Any] = {}


def _start_worker(catalogue: Catalogue, sign_key: Path | None, parent: int) -> None:
    """Keep the catalogue and load the signing key once for this worker process.

    Ctrl-C is the parent's to handle (it lets the workers finish their records). SIGTERM or
    SIGHUP ends a worker at once, without a temporary file; so does its parent's death, which a
    watching thread turns into a SIGTERM (a worker left alone would wait for work for ever).
    """
    import signal
    import threading

    from sharewizard.disk.files import forget_unfinished

    forget_unfinished()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _end_worker)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _worker["catalogue"] = catalogue
    _worker["sign_with"] = _load_key(sign_key)


def _end_worker(number: int, _frame: Any) -> None:
    """A worker told to stop: its temporary records go, and it exits (128 + the signal)."""
    from sharewizard.disk.files import remove_unfinished

    remove_unfinished()
    os._exit(128 + number)


def _watch_parent(parent: int) -> None:
    """Stop this worker (as SIGTERM would) once the process that started it is gone."""
    import signal
    import time

    while os.getppid() == parent:
        time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGTERM)


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
    clashing: dict[str, list[Path]]  # record names (case folded) that inputs would share
    hand_over: Callable[[Record], Any] | None = None

    def __call__(self, chunk: list[tuple[Path, str]]) -> list[FileResult]:
        return list(self.each(_worker["catalogue"], chunk, _worker["sign_with"]))

    def each(
        self, catalogue: Catalogue, items: list[tuple[Path, str]], sign_with: Any
    ) -> Generator[FileResult, None, None]:
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
        sharing = self.clashing.get(name.casefold())
        if sharing is not None:
            others = ", ".join(str(p) for p in sharing if p != path)
            return Started(
                FileResult(
                    path,
                    error=f"{path}: {others} would be written to the same record, {name}, so "
                    "neither was replayed (not even with --force); rename one of them.",
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
