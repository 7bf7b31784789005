"""Drafts: walks stopped part way, kept in the user's data folder until their record is written.

A draft is an answers file (the same format `--answers` and `replay` read), saved after every
answer, owner-only, in `<user data folder>/sharewizard/drafts/`: never in the current folder and
never hidden in HOME. `SHAREWIZARD_DATA_DIR` moves the data folder (tests and locked-down machines).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sharewizard.errors import AnswersError, Location, SharewizardError, UsageError
from sharewizard.files import write_private
from sharewizard.text import preview

DATA_ENV = "SHAREWIZARD_DATA_DIR"
SUFFIX = ".answers.yaml"


def data_dir() -> Path:
    """The user's data folder for sharewizard (platformdirs), or `$SHAREWIZARD_DATA_DIR`."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    import platformdirs

    return platformdirs.user_data_path("sharewizard", appauthor=False)


def drafts_dir() -> Path:
    """Where drafts are kept."""
    return data_dir() / "drafts"


def new_draft_id(flow_id: str, started_at: str) -> str:
    """`share-without-consent-20261123T143000Z-1a2b`: readable, sortable, unique."""
    stamp = started_at.replace("-", "").replace(":", "")
    return f"{flow_id}-{stamp}-{secrets.token_hex(2)}"


def draft_path(draft_id: str) -> Path:
    """The file of a draft id."""
    return drafts_dir() / f"{draft_id}{SUFFIX}"


def resolve(reference: str) -> Path:
    """A draft named by id (as `sharewizard drafts` lists it) or by path."""
    as_path = Path(reference)
    if as_path.suffix in (".yaml", ".yml", ".json") or os.sep in reference:
        return as_path
    candidate = draft_path(reference)
    if not candidate.is_file():
        raise UsageError(
            f"no draft {preview(reference)}.",
            Location(field="DRAFT"),
            "List the drafts with `sharewizard drafts`.",
        )
    return candidate


def is_draft(path: Path) -> bool:
    """Whether a path is a draft in the drafts folder (and so ours to delete)."""
    try:
        return path.resolve().parent == drafts_dir().resolve() and path.name.endswith(SUFFIX)
    except OSError:
        return False


def delete(path: Path) -> None:
    """Delete a draft once its record is written (missing already is fine)."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UsageError(f"cannot delete the draft: {exc.strerror}.", Location(path)) from None


@dataclass
class DraftBox:
    """Keeps one walk's draft up to date: saved after every answer, deleted at the end.

    A save that fails (full disk, unwritable data folder) is remembered, not raised: the walk goes
    on, and when it stops the last text is printed on standard error as a last resort.
    """

    path: Path
    render: Callable[[object], str]
    text: str = ""
    error: str = ""
    saved: bool = field(default=False)

    def save(self, draft: object) -> None:
        """Write the draft now (atomically, mode 0600); remember a failure."""
        self.text = self.render(draft)
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
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


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def list_drafts() -> list[DraftInfo]:
    """Every draft in the data folder, newest first; unreadable ones are listed with the error."""
    from sharewizard.answers import load_answers

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
        answered = len(parsed.answers) + sum(len(a) for _, a in parsed.route)
        found.append(
            DraftInfo(
                draft_id,
                path,
                parsed.flow_id,
                [flow_id for flow_id, _ in parsed.route],
                parsed.started_at,
                answered,
            )
        )
    return found
