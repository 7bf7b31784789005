"""Drafts: walks stopped part way, kept in the user's data folder until their record is written.

A draft is an answers file (the same format `--answers` and `replay` read), saved after every
answer, owner-only, in `<user data folder>/sharewizard/drafts/`: never in the current folder and
never hidden in HOME. `SHAREWIZARD_DATA_DIR` moves the data folder (tests and locked-down machines).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from sharewizard.core.errors import AnswersError, Location, SharewizardError, UsageError
from sharewizard.core.text import did_you_mean, preview
from sharewizard.disk.files import make_private_folder, name_inside, name_problem, write_private
from sharewizard.disk.places import data_dir

if TYPE_CHECKING:
    from sharewizard.core.model import Catalogue

SUFFIX = ".answers.yaml"


def drafts_dir() -> Path:
    """Where drafts are kept."""
    return data_dir() / "drafts"


def records_dir() -> Path:
    """Where `decide` writes records without `--out`: beside the drafts, never in a work tree."""
    return data_dir() / "records"


def new_draft_id(flow_id: str, now: str) -> str:
    """`share-without-consent-20261123T143000Z-1a2b`: readable, sortable, unique.

    `now` is sharewizard's own clock (never a time read from a file), kept to its letters and
    digits; `draft_path` checks the whole id again.
    """
    stamp = "".join(c for c in now if c.isascii() and c.isalnum())[:16]
    return f"{flow_id}-{stamp}-{secrets.token_hex(2)}"


def draft_path(draft_id: str) -> Path:
    """The file of a draft id: always directly inside the drafts folder (else RecordError)."""
    return name_inside(drafts_dir(), f"{draft_id}{SUFFIX}")


def id_of(path: Path) -> str:
    """The id of a draft file (its name without `.answers.yaml`)."""
    return path.name.removesuffix(SUFFIX)


def find(draft_id: str, option: str = "ID") -> Path:
    """The draft a person names by id, as `sharewizard drafts` lists it; never any other file.

    A path is refused with a hint, and so is an id with no draft: `drafts show` and `drafts
    delete` must not read or delete a file that is not a draft.
    """
    where = Location(field=option)
    listed = "List the drafts, with their ids, with `sharewizard drafts`."
    if draft_id.endswith((".yaml", ".yml", ".json")) or name_problem(draft_id + SUFFIX):
        raise UsageError(
            f"{preview(draft_id)} is not a draft id: a draft is named by its id, not by a path.",
            where,
            listed,
        )
    path = draft_path(draft_id)
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = None
    if mode is None or not stat.S_ISREG(mode):
        known = [id_of(p) for p in drafts_dir().glob(f"*{SUFFIX}")] if mode is None else []
        raise UsageError(
            f"there is no draft {preview(draft_id)}.", where, did_you_mean(draft_id, known) + listed
        )
    return path


def read_draft(path: Path) -> str:
    """The text of a draft: a regular file of at most an answers file's size, never a FIFO."""
    from sharewizard.flowfiles.yamldoc import ANSWERS_LIMITS, decode_text, read_regular

    return decode_text(read_regular(path, ANSWERS_LIMITS, UsageError), path, UsageError)


def half_typed_note(text: str, path: Path, catalogue: Callable[[], Catalogue | None]) -> str:
    """The line `drafts show` puts above a draft that holds text typed but not confirmed.

    `# half-typed at “Why did you decide this?”: 'Necessary to prot…'`: a YAML comment, so what
    is shown is still an answers file. "" for any other draft (or one that cannot be read).
    `catalogue` gives the flows that word the question, when they can be read.
    """
    from sharewizard.flowfiles.answers import parse_answers
    from sharewizard.flowfiles.yamldoc import parse_yaml

    try:
        typed = parse_answers(parse_yaml(text, path, AnswersError)).half_typed
    except AnswersError:
        return ""
    if typed is None:
        return ""
    return f"# half-typed at “{_question_at(typed.field, catalogue())}”: {preview(typed.text)}\n"


def _question_at(field: str, catalogue: Catalogue | None) -> str:
    """The question whose answer goes to `field` (`decisions.0.record.rationale`), in words."""
    part, _, key = field.rpartition(".")
    found = None
    if catalogue is not None and part.endswith("record"):
        found = next((f for f in catalogue.record_form.fields if f.id == key), None)
    elif catalogue is not None and part.endswith("facts"):
        fact = catalogue.facts.facts.get(key)
        found = fact.question if fact is not None else None
    elif catalogue is not None:  # a flow's question: `decisions.0.answers.x`, `route.triage.x`
        asking = (f.questions[key] for f in catalogue.flows.values() if key in f.questions)
        found = next(asking, None)
    return found.text if found is not None else field


def is_draft(path: Path) -> bool:
    """Whether a path is a draft in the drafts folder (and so ours to keep up to date)."""
    try:
        return path.resolve().parent == drafts_dir().resolve() and path.name.endswith(SUFFIX)
    except (OSError, ValueError):
        return False


def delete(path: Path) -> None:
    """Delete a draft once its record is written (missing already is fine)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UsageError(f"cannot delete the draft: {exc.strerror}.", Location(path)) from None


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while a draft is saved, then deliver the first one.

    A stop in the middle of a save would lose the answer just given; in the first save, which
    imports YAML, it would also leave that import half done, so that every later save failed.
    The held signal is raised again once the draft is written, for the handler that was there
    (the walk's, which stops it and saves the draft again).
    """
    held: list[int] = []
    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    try:
        previous = {
            sig: signal.signal(sig, lambda number, _frame: held.append(number)) for sig in stops
        }
    except ValueError:  # not the main thread: signals are not ours to hold
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)
    if held:
        signal.raise_signal(held[0])


Walked = TypeVar("Walked")  # what a draft is made from (the decide facade's `SittingDraft`)


@dataclass
class DraftBox(Generic[Walked]):
    """Keeps one walk's draft up to date: saved after every answer, deleted at the end.

    A save that fails (full disk, unwritable data folder) is remembered, not raised: the walk goes
    on, and when it stops the last text is printed on standard error as a last resort.
    """

    path: Path
    render: Callable[[Walked], str]
    text: str = ""
    error: str = ""
    saved: bool = field(default=False)

    def save(self, draft: Walked) -> None:
        """Write the draft now (atomically, mode 0600); remember a failure.

        Ctrl-C, SIGTERM and SIGHUP wait until it is written (see `_stops_held`).
        """
        with _stops_held():
            self.text = self.render(draft)
            try:
                make_private_folder(self.path.parent)
                write_private(self.path, self.text, force=True)
            except (OSError, SharewizardError) as exc:
                self.error = str(exc)
                self.saved = False
            else:
                self.error, self.saved = "", True

    def discard(self) -> None:
        """The record is written: the draft is no longer needed."""
        if self.saved or self.path.exists():
            delete(self.path)
        self.saved = False


@dataclass(frozen=True)
class DraftInfo:
    """One line of `sharewizard drafts`."""

    id: str
    path: Path
    flow: str
    route: list[str]
    started_at: str | None
    answered: int
    error: str = ""
    case_reference: str | None = None  # typed in the record questions, if it was


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def list_drafts() -> list[DraftInfo]:
    """Every draft in the data folder, newest first; unreadable ones are listed with the error."""
    from sharewizard.flowfiles.answers import load_answers

    folder = drafts_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob(f"*{SUFFIX}"), key=_mtime, reverse=True):
        draft_id = path.name[: -len(SUFFIX)]
        try:
            parsed = load_answers(path)
        except AnswersError as exc:
            found.append(DraftInfo(draft_id, path, "?", [], None, 0, str(exc)))
            continue
        answered = (
            len(parsed.facts)
            + sum(len(p.answers) for p in parsed.parts)
            + sum(len(a) for _, a in parsed.route)
        )
        flows = [p.flow_id for p in parsed.parts if p.flow_id is not None]
        references = [p.record.get("case_reference") for p in parsed.parts]
        found.append(
            DraftInfo(
                draft_id,
                path,
                flows[-1] if flows else parsed.flow_id or "facts",
                [flow_id for flow_id, _ in parsed.route] + flows[:-1],
                parsed.started_at,
                answered,
                case_reference=next((str(r) for r in references if r), None),
            )
        )
    return found
