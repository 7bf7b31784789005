"""One hostile example's folders, and running sharewizard in them with the suite's promises checked.

Every run, in-process (most) or in a child process (a share, with real standard streams), must:
exit 0, 1, 2 or 130; print no traceback and no "bug" message; put no raw control character on
the terminal; write nothing outside the folders the command may write to; leave no temporary or
partial file (every record written verifies and is owner-only); and be refused within a bounded
CPU time (`lint` included), with a wall-clock guard against a hang.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import io
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

from sharewizard.cli import main
from sharewizard.core.errors import AnswersError
from sharewizard.flowfiles.answers import load_answers
from sharewizard.records import record as records
from sharewizard.walk.drafts import SUFFIX as DRAFT_SUFFIX

#: The exit statuses the README documents for anything a user can type or a file can hold.
ALLOWED_EXITS = {0, 1, 2, 130}
#: "Refused in under a second" (README): CPU seconds one command may take here. The bound is
#: generous, five times the promise, because a shared CI machine runs several times slower than
#: an idle one (CPU time, not the wall clock, so waiting for a core does not count); it still
#: stops the review's slow refusals (`lint` of an alias bomb: 41-54 s) and hangs.
CPU_LIMIT = 5.0
#: A child also pays Python's start-up and imports.
CHILD_CPU_LIMIT = 8.0
#: Wall-clock seconds before a command counts as hung (a blocked read uses no CPU).
HANG_LIMIT = 30.0
#: A child's address space: enough for sharewizard, not for reading /dev/zero into memory.
CHILD_MEMORY = 1024**3

#: Examples run, per family (answers, drafts, records, flows, typed) and in child processes.
EXAMPLES: Counter[str] = Counter()
IN_CHILD: Counter[str] = Counter()
FAMILIES = ("answers", "drafts", "records", "flows", "typed")

#: What must not reach a terminal raw (the walk shows text without them): C0 controls but tab and
#: newline, DEL, C1 controls, and the bidirectional controls that reorder what a line shows.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@functools.cache
def scratch() -> Path:
    """Where this run's sandboxes go, removed when it ends: a memory file system when there is
    one (creating and removing thousands of folders and syncing records on a disk costs more
    than the runs themselves)."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="sharewizard-hostile-", dir=base))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def hostile_settings(examples: int) -> settings:
    """Settings for one family: `examples` runs, reproducible in CI, no example database.

    The first failing example is reported as found: shrinking a hostile file can take minutes.
    For a longer run by hand, `SHAREWIZARD_HOSTILE_SCALE` multiplies the count, and
    `SHAREWIZARD_HOSTILE_SHRINK=1` shrinks a failing example.
    """
    scale = float(os.environ.get("SHAREWIZARD_HOSTILE_SCALE", "1"))
    shrink = os.environ.get("SHAREWIZARD_HOSTILE_SHRINK") == "1"
    return settings(
        max_examples=max(1, round(examples * scale)),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])],
        report_multiple_bugs=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


def report_line() -> str | None:
    """`hostile-input suite: N examples (answers A, ...)`, or None when the suite did not run."""
    total = sum(EXAMPLES.values())
    if not total:
        return None
    each = ", ".join(f"{family} {EXAMPLES[family]}" for family in FAMILIES)
    children = sum(IN_CHILD.values())
    return f"hostile-input suite: {total} examples ({each}; {children} in child processes)"


#: Every path under a sandbox with its type, size, inode and modification time.
Snapshot = dict[Path, tuple[int, int, int, int]]


class Hung(BaseException):
    """A command ran past HANG_LIMIT (a BaseException, so no `except Exception` swallows it)."""


@dataclass(frozen=True, repr=False)
class Ran:
    """What one command did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str
    cpu: float

    def __repr__(self) -> str:
        shown = " ".join(a if len(a) < 200 else a[:200] + "…" for a in self.args)
        return (
            f"sharewizard {shown}\nexit {self.code}, {self.cpu:.2f} s CPU\n"
            f"stdout: {self.out[-3000:]!r}\nstderr: {self.err[-3000:]!r}"
        )


def _raise_hung(signum: int, frame: object) -> None:
    raise Hung


@contextlib.contextmanager
def _hang_guard() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_hung)
    signal.setitimer(signal.ITIMER_REAL, HANG_LIMIT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_here(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    stdin: bytes = b"",
    encoding: str = "utf-8",
) -> Ran:
    """`sharewizard ARGS` in this process, with `env` added to the environment, in `cwd`.

    Standard input is `stdin` decoded as Python decodes a pipe (UTF-8 with surrogateescape, or
    strictly in another encoding); a run past HANG_LIMIT fails.
    """
    out, err = io.StringIO(), io.StringIO()
    errors = "surrogateescape" if encoding == "utf-8" else "strict"
    typed = io.TextIOWrapper(io.BytesIO(stdin), encoding=encoding, errors=errors, newline="\n")
    saved = sys.stdin, dict(os.environ), os.getcwd()
    sys.stdin = typed
    os.environ.update(env)
    os.chdir(cwd)
    gc.freeze()  # the test run's own objects are not sharewizard's garbage to collect
    start = time.process_time()
    try:
        with _hang_guard(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as stop:
                code = int(stop.code) if isinstance(stop.code, int) else int(stop.code is not None)
    except Hung:
        raise AssertionError(f"hung for {HANG_LIMIT} s: sharewizard {args}") from None
    finally:
        cpu = time.process_time() - start
        gc.unfreeze()
        sys.stdin = saved[0]
        os.environ.clear()
        os.environ.update(saved[1])
        os.chdir(saved[2])
    return Ran(tuple(args), code, out.getvalue(), err.getvalue(), cpu)


def run_child(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    stdin: bytes = b"",
    encoding: str = "utf-8",
    timeout: float = HANG_LIMIT,
) -> Ran:
    """`python -m sharewizard ARGS` as a child process in its own session, memory capped.

    A run past `timeout` fails; anything left of its process group is killed afterwards.
    """
    environ = {**os.environ, **env}
    if encoding != "utf-8":  # else the locale's UTF-8, which Python reads with surrogateescape
        environ["PYTHONIOENCODING"] = encoding
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(
        [sys.executable, "-m", "sharewizard", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=environ,
        start_new_session=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY)),
    )
    try:
        out, err = child.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise AssertionError(f"hung for {timeout} s: sharewizard {args}") from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    code = child.returncode if child.returncode >= 0 else 128 - child.returncode
    text = (out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
    return Ran(tuple(args), code, *text, cpu)


class Sandbox:
    """One example's folders under a fresh temporary folder.

    `inputs` holds the files given to sharewizard, `out` the records it writes, `data` its data
    folder (drafts), `cwd` the working folder and `outside` files nothing may touch (a "record"
    a hostile path may name). The catalogue cache is the test session's (it is sharewizard's own
    folder, and filling it afresh every example would make the suite slow).
    """

    def __init__(self, family: str, *, child: bool = False) -> None:
        EXAMPLES[family] += 1
        if child:
            IN_CHILD[family] += 1
        self.child = child
        self.root = Path(tempfile.mkdtemp(prefix=f"{family}-", dir=scratch()))
        self.inputs = self.root / "in"
        self.out = self.root / "out"
        self.data = self.root / "data"
        self.cwd = self.root / "cwd"
        self.outside = self.root / "outside"
        for folder in (self.inputs, self.out, self.data, self.cwd, self.outside):
            folder.mkdir()
        (self.outside / "record.json").write_text('{"a real record": 1}\n')
        self.env = {
            "SHAREWIZARD_DATA_DIR": str(self.data),
            "SHAREWIZARD_CACHE_DIR": os.environ["SHAREWIZARD_CACHE_DIR"],
        }

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def drafts(self) -> Path:
        """The drafts folder inside the data folder."""
        return self.data / "drafts"

    def put(self, name: str, data: bytes, folder: Path | None = None) -> Path:
        """An input file (in `inputs` unless another folder is given)."""
        path = (folder or self.inputs) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    # --- running ------------------------------------------------------------------------------

    def run(
        self,
        *args: str,
        stdin: bytes = b"",
        encoding: str = "utf-8",
        may_write: tuple[Path, ...] = (),
    ) -> Ran:
        """Run one command with every promise checked; `may_write` are the folders it may change."""
        before = self.snapshot()
        run = run_child if self.child else run_here
        ran = run(args, env=self.env, cwd=self.cwd, stdin=stdin, encoding=encoding)
        check_ran(ran, CHILD_CPU_LIMIT if self.child else CPU_LIMIT)
        after = self.snapshot()
        changed = changes(before, after)
        stray = [p for p in changed if not any(p.is_relative_to(m) for m in may_write)]
        assert not stray, f"written outside {[str(m) for m in may_write]}: {stray}\n{ran}"
        self.check_left_behind(ran, after, changed)
        return ran

    # --- what a run left ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Every path under the sandbox, as it is now."""
        found = {}
        for folder, names, files in os.walk(self.root):
            for name in names + files:
                path = Path(folder, name)
                info = os.lstat(path)
                found[path] = (
                    stat.S_IFMT(info.st_mode),
                    info.st_size,
                    info.st_ino,
                    info.st_mtime_ns,
                )
        return found

    def check_left_behind(self, ran: Ran, after: Snapshot, changed: list[Path]) -> None:
        """No temporary file anywhere; records complete and owner-only; drafts readable."""
        temporary = [p for p in after if p.name.endswith(".tmp")]
        assert not temporary, f"temporary files left: {temporary}\n{ran}"
        for path in changed:
            if not path.is_file() or path.is_symlink():
                continue
            if path.is_relative_to(self.out):
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} not 0600\n{ran}"
                if path.name.endswith(".answers.yaml"):
                    self._readable_answers(path, ran)
                elif path.suffix in (".json", ".md"):
                    assert records.verify(records.load_record(path)), f"{path} is damaged\n{ran}"
            elif path.is_relative_to(self.drafts) and path.name.endswith(DRAFT_SUFFIX):
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} not 0600\n{ran}"
                self._readable_answers(path, ran)

    @staticmethod
    def _readable_answers(path: Path, ran: Ran) -> None:
        """What sharewizard writes as answers (a draft, an answers file) it can read back."""
        try:
            load_answers(path)
        except AnswersError as exc:
            raise AssertionError(f"{path} was written but cannot be read: {exc}\n{ran}") from None


def changes(before: Snapshot, after: Snapshot) -> list[Path]:
    """Paths added, removed or changed between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def check_ran(ran: Ran, cpu_limit: float) -> None:
    """The promises about one run that its output and exit status show."""
    assert ran.code in ALLOWED_EXITS, f"exit {ran.code}\n{ran}"
    both = ran.out + ran.err
    assert "Traceback" not in both, f"traceback\n{ran}"
    assert "bug in sharewizard" not in both, f"a bug message\n{ran}"
    raw = RAW_CONTROL.search(both)
    assert raw is None, f"raw control character {raw.group()!r} on the terminal\n{ran}"
    assert ran.cpu < cpu_limit, f"took {ran.cpu:.2f} s of CPU (limit {cpu_limit} s)\n{ran}"
