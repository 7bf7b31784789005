"""A training session: show a screen, read a key, move the walk; write the room's record."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from sharewizard.core.model import Catalogue, Decision
from sharewizard.core.text import typed_number
from sharewizard.train.lists import chooser_page, chooser_screen
from sharewizard.train.room import Walk, training_decisions
from sharewizard.train.screens import end_pages, intro_screen, unboxed, walk_screen
from sharewizard.walk.numbers import TypedNumber
from sharewizard.walk.prompts import KeyReader

if TYPE_CHECKING:
    from sharewizard.records.shape import Record


@dataclass(frozen=True)
class Room:
    """What the screen shows: the walk, how it is shown, and why the last key did nothing."""

    walk: Walk
    what_if: bool = False
    all_guidance: bool = False
    page: int = 0  # of the end screen, when it takes more than one
    said: str = ""


def run_training(
    console: Console, walk: Walk, read_key: KeyReader, *, boxed: bool = True
) -> Walk | None:
    """Show the narrative, then each question, until the end screen; None if the room quits.

    Not `boxed` (plain mode): the same screens without box lines (see `unboxed`). Every key
    that does nothing says why, in a line above the keys.
    """
    said = ""
    while True:
        _show(console, intro_screen(walk, said), boxed)
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key in ("enter", "q"):
            break
        said = f"{key!r} does nothing here: Enter starts, q quits."
    if key == "q":
        return None
    room, typed = Room(walk), Typed()
    while True:
        # A screen has a size to fit; a log or a pipe (plain mode) gets every screen whole
        fit = console.size if console.is_terminal and not room.all_guidance else None
        screen = walk_screen(
            room.walk, what_if_open=room.what_if, fit=fit, said=room.said, page=room.page
        )
        _show(console, screen, boxed)
        key = read_key()
        if key == "ctrl-c":
            raise KeyboardInterrupt  # the CLI's one handler says nothing was written; exit 130
        if key == "q":
            return None
        pages = len(end_pages(room.walk, fit)) if room.walk.finished else 1
        if room.walk.finished and key == "enter" and room.page + 1 >= pages:
            return room.walk
        room = press(room, key, pages, typed)


class Typed:
    """The digits typed for a choice past nine, as `decide` reads them (`1` then `2` is 12)."""

    def __init__(self) -> None:
        self.number: TypedNumber | None = None
        self.last_was_digit = False

    def choice(self, key: str, count: int) -> tuple[int | None, bool]:
        """The choice `key` names, and whether it joins the digit before (which chose first)."""
        if not key.isdecimal():
            self.last_was_digit = False
            return None, False
        if len(key) > 1:  # plain mode: the whole number on one line
            self.last_was_digit = False
            return typed_number(key, count), False
        if self.number is None or self.number.count != count:
            self.number = TypedNumber(count)
        joins = self.last_was_digit
        number = self.number.add(key, after_digit=joins)
        self.last_was_digit = number is not None
        return number, joins and number is not None and len(self.number.text) > 1


def press(room: Room, key: str, pages: int, typed: Typed) -> Room:
    """The room after a key press on a question, an outcome or the end (not q or Ctrl-C)."""
    walk = room.walk
    if key in ("w", "g"):
        what_if = not room.what_if if key == "w" else room.what_if
        all_guidance = not room.all_guidance if key == "g" else room.all_guidance
        return dataclasses.replace(room, what_if=what_if, all_guidance=all_guidance, said="")
    if walk.finished:
        if key == "enter":
            return dataclasses.replace(room, page=room.page + 1, said="")
        if key == "b" and room.page > 0:
            return dataclasses.replace(room, page=room.page - 1, said="")
    question = walk.question
    count = len(question.choices) if question is not None else 0
    number, joins = typed.choice(key, count)
    if number is not None and question is not None:
        base = walk.back() if joins else walk  # `1` then `2`: choice 12, not 1
        return Room(base.pick(question.choices[number - 1].value))
    moved = _move(walk, key)
    if moved is not walk:
        return Room(moved)
    return dataclasses.replace(room, said=_why_nothing(walk, key, count))


def _move(walk: Walk, key: str) -> Walk:
    question = walk.question
    if key == "b":
        return walk.back()
    if key == "c":
        return walk.rejoin()
    if key != "enter":
        return walk
    if question is None:
        return walk.go_on()
    if walk.case_answer is not None and not walk.revealed:
        return walk.reveal()  # also after the room's pick, so the room sees how it compares
    if walk.pending is not None:
        return walk.go_on()
    if question.type == "text" and not question.required:
        return walk.pick("")
    return walk


def _why_nothing(walk: Walk, key: str, count: int) -> str:
    """One line saying why `key` did nothing to `walk`."""
    if key.isdecimal():
        if walk.finished or not count:
            return f"{key!r} is not a key here: there are no answers to choose from."
        return f"{key!r} is not a choice here: the choices are 1 to {count}."
    if key == "b":
        return "This is where the walk starts: there is nothing to go back to."
    if key == "c":
        if walk.case is None:
            return "There is no case study here, so no case's path to go back to."
        return "The room is on the case's path already."
    if key == "enter" and walk.departure is not None:
        return (
            "The room has left the case's path, so the case has no answer here: the room picks "
            "one, or c goes back to the case's path."
        )
    if key == "enter" and walk.case is not None and walk.question is not None:
        return "The case does not answer this question: the room picks the answer."
    if key == "enter":
        return "The room picks the answer first."
    return f"{key!r} does nothing here: the keys are listed below."


CHOOSE_PROMPT = "Number, name or words to find one (Enter: more; Ctrl-C quits): "


def choose(
    console: Console, options: list[tuple[str, str]], ask: Callable[[str], str], *, boxed: bool
) -> str:
    """The name of the case or flow a person picks from `options` (name, title).

    The list comes a screenful at a time (Enter shows more); a number or a name chooses; other
    words keep the rows that hold them all (one left is chosen).
    """
    rows = list(range(len(options)))
    start, said = 0, ""
    while True:
        size = console.size if console.is_terminal else None  # a log gets the whole list
        page = chooser_page(options, rows[start:], size, said)
        per_page = len(page)
        more = len(rows) - start - per_page
        _show(console, chooser_screen(options, page, said, more), boxed)
        reply = ask(CHOOSE_PROMPT).strip()
        number = typed_number(reply, len(options))
        if number is not None:
            return options[number - 1][0]
        if reply in (name for name, _ in options):
            return reply
        if not reply:
            start, said = (start + per_page if more else 0), ""
            continue
        if reply.isdecimal():
            said = f"{reply!r} is no number in the list: type 1 to {len(options)}, or a name."
            continue
        found = _matching(options, reply)
        if len(found) == 1:
            return options[found[0]][0]
        rows, start = (found, 0) if found else (list(range(len(options))), 0)
        said = "" if found else f"Nothing matches {reply!r}: here is the whole list."


def _matching(options: list[tuple[str, str]], words: str) -> list[int]:
    """The options whose name or title holds every one of the words (in any case)."""
    wanted = words.casefold().split()
    return [
        i
        for i, (name, title) in enumerate(options)
        if all(w in f"{name} {title}".casefold() for w in wanted)
    ]


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
