"""A training session: show a screen, read a key, move the walk; write the room's record."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from sharewizard.core.model import Catalogue, Decision
from sharewizard.train.room import Walk, training_decisions
from sharewizard.train.screens import choice_keys, intro_screen, unboxed, walk_screen
from sharewizard.walk.prompts import KeyReader

if TYPE_CHECKING:
    from sharewizard.records.shape import Record


def run_training(
    console: Console, walk: Walk, read_key: KeyReader, *, boxed: bool = True
) -> Walk | None:
    """Show the narrative, then each question, until the end screen; None if the room quits.

    Not `boxed` (plain mode): the same screens without box lines (see `unboxed`).
    """
    _show(console, intro_screen(walk), boxed)
    while True:
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key in ("enter", "q"):
            break
    if key == "q":
        return None
    what_if_open = all_guidance = False
    while True:
        fit = None if all_guidance else console.size
        _show(console, walk_screen(walk, what_if_open=what_if_open, fit=fit), boxed)
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key == "q":
            return None
        if walk.finished and key == "enter":
            return walk
        if key in ("w", "g"):
            what_if_open = not what_if_open if key == "w" else what_if_open
            all_guidance = not all_guidance if key == "g" else all_guidance
            continue
        what_if_open = all_guidance = False
        walk = _move(walk, key)


def _move(walk: Walk, key: str) -> Walk:
    question = walk.question
    if key == "b":
        return walk.back()
    if key == "enter":
        if question is None:
            return walk.go_on()
        if walk.case_answer is not None and not walk.revealed:
            return walk.reveal()  # also after the room's pick, so the room sees how it compares
        if walk.pending is not None:
            return walk.go_on()
        if question.type == "text" and not question.required:
            return walk.pick("")
        return walk
    if question is not None and key in (keys := choice_keys(len(question.choices))):
        return walk.pick(question.choices[keys.index(key)].value)
    return walk


def _show(console: Console, screen: RenderableType, boxed: bool = True) -> None:
    if console.is_terminal:
        console.clear()
    console.print(screen if boxed else unboxed(screen))


def write_training_records(catalogue: Catalogue, walk: Walk, path: Path) -> list[Path]:
    """One record per outcome of the walk (PATH, then PATH-2...), each marked `training: true`."""
    from sharewizard.records.record import utc_timestamp
    from sharewizard.walk.decide import Outputs, record_format, write_one

    # The writer of `decide`: the same names (PATH, PATH-2...); no answers file beside.
    outputs = Outputs(fmt=record_format(None, path), out=path, keep_answers=False)
    sitting_id = str(uuid.uuid4())
    decisions = training_decisions(walk)
    flows = [d.flow.id for d in decisions]
    written = []
    for part, decision in enumerate(decisions, 1):
        created_at = utc_timestamp()
        record = build_training_record(catalogue, decision, created_at, sitting_id, part, flows)
        done = write_one(record, outputs, part, done="this record was not written")
        assert done.path is not None  # outputs.write: every record is written
        written.append(done.path)
    return written


def build_training_record(
    catalogue: Catalogue,
    decision: Decision,
    created_at: str,
    sitting_id: str,
    part: int,
    flows: list[str],
) -> Record:
    """The record of one decision of a training walk, through `records.build_record`."""
    from sharewizard.records.record import build_record

    return build_record(
        decision,
        catalogue,
        created_at=created_at,
        record_id=str(uuid.uuid4()),
        sitting={"id": sitting_id, "part": part, "flows": flows},
        training=True,  # practice, not a decision: `verify` refuses it as a real one
    )
