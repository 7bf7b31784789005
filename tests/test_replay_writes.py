"""Replay writes each record while working on the next file: what a user finds on disk after."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sharewizard.core.model import Catalogue
from sharewizard.disk import files
from sharewizard.replay.batch import replay_all, replay_one

ROOT = Path(__file__).resolve().parents[1]
STAMP = "2026-11-23T09:00:00Z"
SITTING = ROOT / "tests/answers/sittings/share-tell-how-much.yaml"
ANSWERS = sorted((ROOT / "tests/answers").rglob("*.yaml"))[:12]


def replay(catalogue: Catalogue, paths: list[Path], out: Path, jobs: int = 1) -> list:
    return replay_all(
        catalogue, paths, created_at=STAMP, out_dir=out, fmt="json", force=False, jobs=jobs
    )


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_record_is_in_place_when_replay_returns_in_input_order(
    catalogue: Catalogue, tmp_path: Path, jobs: int
) -> None:
    results = replay(catalogue, ANSWERS, tmp_path, jobs)
    assert [r.path for r in results] == ANSWERS
    assert all(r.error is None for r in results)
    for result in results:
        assert result.record_path is not None and result.record_path.is_file()
        assert result.record_paths[0] == result.record_path
        assert oct(result.record_path.stat().st_mode & 0o777) == "0o600"
    assert leftovers(tmp_path) == []


def test_a_taken_name_for_a_later_part_keeps_the_earlier_ones_and_says_which(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    taken = tmp_path / "sitting.record-2.json"
    taken.write_text("someone else's\n", encoding="utf-8")
    result = replay_one(
        catalogue,
        SITTING,
        created_at=STAMP,
        out_dir=tmp_path,
        fmt="json",
        force=False,
        name="sitting.record.json",
    )
    assert result.error == (  # it said "nothing was written", though the first part was
        f"{taken}: already exists; this record was not written. Choose another --out-dir, or pass "
        f"--force to replace it. Already written: {tmp_path / 'sitting.record.json'}."
    )
    assert result.record_paths == [tmp_path / "sitting.record.json"]  # the first part, as before
    assert result.record_path is None
    assert taken.read_text(encoding="utf-8") == "someone else's\n"
    assert leftovers(tmp_path) == []


def test_a_failing_disk_is_reported_for_its_file_and_the_others_are_written(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_link = os.link
    failed: list[str] = []

    def link(source: str, target: str) -> None:
        if not failed:
            failed.append(str(target))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_link(source, target)

    monkeypatch.setattr(files.os, "link", link)
    results = replay(catalogue, ANSWERS[:4], tmp_path)
    assert results[0].error == (
        f"{failed[0]}: cannot write the file: No space left on device; nothing was written."
    )
    assert results[0].record_path is None and results[0].record_paths == []
    assert not Path(failed[0]).exists()
    assert all(r.error is None and r.record_path and r.record_path.is_file() for r in results[1:])
    assert leftovers(tmp_path) == []


def test_a_failed_fsync_is_reported_for_its_file(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls: list[int] = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second file's record, synced by the disk thread
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    results = replay(catalogue, ANSWERS[:3], tmp_path)
    assert [r.error is None for r in results] == [True, False, True]
    assert results[1].error == (
        f"{tmp_path / results[1].path.name.replace('.yaml', '.record.json')}: cannot write the "
        "file: Input/output error; nothing was written."
    )
    assert results[1].record_path is None
    assert len(list(tmp_path.glob("*.record.json"))) == 2
    assert leftovers(tmp_path) == []


def test_an_interrupted_replay_leaves_no_temporary_file(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sharewizard.replay.batch as replay_module

    real = replay_module.load_answers
    seen: list[Path] = []

    def load_answers(path: Path):  # Ctrl-C while the sixth file is read
        seen.append(path)
        if len(seen) == 6:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(replay_module, "load_answers", load_answers)
    with pytest.raises(KeyboardInterrupt):
        replay(catalogue, ANSWERS, tmp_path)
    assert leftovers(tmp_path) == []
    assert len(list(tmp_path.glob("*.record.json"))) <= 5


def test_without_an_out_dir_nothing_is_written_and_results_keep_their_order(
    catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    results = replay_all(
        catalogue, ANSWERS, created_at=STAMP, out_dir=None, fmt="json", force=False, jobs=1
    )
    assert [r.path for r in results] == ANSWERS
    assert all(r.error is None and r.outcome and r.record_path is None for r in results)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("count", "workers"), [(1, 2), (30, 2), (2000, 2), (2001, 3), (500, 8)])
def test_work_is_shared_in_order_in_chunks_that_shrink_towards_the_end(
    count: int, workers: int
) -> None:
    from sharewizard.replay.batch import CHUNK_MAX, _chunks

    items = [(Path(f"{n}.yaml"), f"{n}.record.json") for n in range(count)]
    chunks = _chunks(items, workers)
    assert [item for chunk in chunks for item in chunk] == items
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= CHUNK_MAX
    assert sizes == sorted(sizes, reverse=True)


def test_ctrl_c_in_the_parent_lets_the_workers_finish_what_they_started(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    many = [p for _ in range(40) for p in ANSWERS]  # 480 files: chunks still being written
    inputs = tmp_path / "in"
    inputs.mkdir()
    paths = []
    for index, source in enumerate(many):
        paths.append(inputs / f"{index:03d}-{source.name}")
        paths[-1].write_bytes(source.read_bytes())
    out = tmp_path / "out"
    out.mkdir()

    def interrupt(_result: object) -> None:  # Ctrl-C as the first result comes back
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replay_all(
            catalogue, paths, created_at=STAMP, out_dir=out, fmt="json", force=False, jobs=2,
            progress=interrupt,
        )  # fmt: skip
    assert leftovers(out) == []  # nothing half-written, now or later
    written = list(out.glob("*.record.json"))
    assert 0 < len(written) < len(paths) + 1
    for record in written:
        assert record.read_text("utf-8").endswith("}\n")
