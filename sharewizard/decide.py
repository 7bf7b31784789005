"""The facade for one sitting of decisions: check outputs first, walk, write in a fixed order.

Every output is planned and checked before the first question; the outputs are written in a fixed
order (record, then answers file, then the draft goes), and a draft is kept whenever anything stops
or fails. Interactive `decide`, `decide --answers` and `replay` all come through here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, cast

from sharewizard import drafts
from sharewizard.errors import AnswersError, Interrupted, Location, SignalInterrupt, UsageError
from sharewizard.model import Answer, Catalogue
from sharewizard.records import Record, Sitting, build_record, utc_timestamp, write_record
from sharewizard.session import Asker, Decision, Draft, ScriptedAsker, Session, start_session

if TYPE_CHECKING:  # answers files are read and written through YAML, not needed to start asking
    from sharewizard.answers import AnswersFile, Part

FORMAT_SUFFIXES = {"json": (".json",), "md": (".md", ".markdown"), "text": (".txt", ".text")}


@dataclass(frozen=True)
class Outputs:
    """Where a sitting's records and answers files go, decided before anything is asked."""

    fmt: str = "json"
    out: Path | None = None  # None: a timestamped name in `folder`
    save_answers: Path | None = None  # None: beside the record, *.answers.yaml
    force: bool = False
    folder: Path = Path(".")
    write: bool = True  # False: practice, nothing is written
    keep_answers: bool = True  # False: the answers came from a file already
    sign_with: Any = None  # an Ed25519 private key (`signing.load_private_key`): sign records


@dataclass(frozen=True)
class Written:
    """One decision of a sitting and where it went."""

    record: Record
    path: Path | None = None
    answers_path: Path | None = None


def record_format(fmt: str | None, out: Path | None) -> str:
    """The format asked for, else the one `--out`'s extension names, else JSON."""
    if fmt is not None:
        return fmt
    suffix = out.suffix.lower() if out is not None else ""
    return next((f for f, suffixes in FORMAT_SUFFIXES.items() if suffix in suffixes), "json")


# --- checking outputs before the first question ----------------------------------------------


def precheck(outputs: Outputs) -> None:
    """Refuse, before anything is asked, any output that could not be written."""
    if not outputs.write:
        return
    if outputs.out is not None:
        named = record_format(None, outputs.out)
        if outputs.out.suffix.lower() in sum(FORMAT_SUFFIXES.values(), ()) and named != outputs.fmt:
            raise UsageError(
                f"--out names {'an' if named == 'md' else 'a'} {named} file but --format is "
                f"{outputs.fmt}; nothing was asked.",
                Location(outputs.out),
                "Make the extension and --format agree, or leave --format out.",
            )
        check_target(outputs.out, outputs.force, "--out")
    else:
        check_folder(outputs.folder, "the current folder")
    if outputs.keep_answers:
        answers = outputs.save_answers or (
            answers_beside(outputs.out) if outputs.out is not None else None
        )
        if answers is not None:
            check_target(answers, outputs.force, "--save-answers")


def check_target(path: Path, force: bool, option: str) -> None:
    """A file sharewizard may create, or replace with `force` (a regular file only)."""
    from sharewizard.files import check_target as check_file

    check_file(path, force=force, option=option, done="nothing was asked or written")
    check_folder(path.parent if str(path.parent) else Path("."), option)


def check_folder(folder: Path, what: str) -> None:
    """A folder that exists and that we may create files in."""
    if not folder.exists():
        raise UsageError(
            "the folder does not exist; nothing was asked.",
            Location(folder),
            f"Create it first, or choose another {what}.",
        )
    if not folder.is_dir():
        raise UsageError("is not a folder; nothing was asked.", Location(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(
            "you cannot write in this folder; nothing was asked.",
            Location(folder),
            f"Choose another {what}.",
        )


def answers_beside(record_path: Path) -> Path:
    """`x.json` → `x.answers.yaml`."""
    return record_path.with_name(record_path.stem + ".answers.yaml")


def _numbered(path: Path, part: int) -> Path:
    return path if part == 1 else path.with_name(f"{path.stem}-{part}{path.suffix}")


def record_path(outputs: Outputs, flow_id: str, created_at: str, part: int) -> Path:
    """Where part `part` of a sitting goes: `--out` (numbered after the first) or a new name."""
    if outputs.out is not None:
        return _numbered(outputs.out, part)
    stamp = created_at.replace("-", "").replace(":", "")
    suffix = FORMAT_SUFFIXES[outputs.fmt][0]
    base = outputs.folder / f"sharewizard-{flow_id}-{stamp}"
    candidate, n = base.with_suffix(suffix), 2
    while candidate.exists() or candidate.is_symlink():
        candidate, n = base.with_name(f"{base.name}-{n}{suffix}"), n + 1
    return candidate


# --- writing -----------------------------------------------------------------------------------


def answers_text(
    catalogue: Catalogue,
    draft: Draft,
    *,
    expect: Mapping[str, str] | None = None,
    started_at: str | None = None,
    prog: str = "sharewizard",
) -> str:
    """A draft or a finished decision as an answers file."""
    from sharewizard.answers import dump_answers

    flows = catalogue.flows
    return dump_answers(
        flows[draft.flow_id],
        draft.answers,
        draft.fields,
        expect,
        route=tuple((flows[f], a) for f, a in draft.route),
        then=tuple(flows[f] for f in draft.queue),
        started_at=started_at,
        prog=prog,
    )


def _draft_of(decision: Decision) -> Draft:
    return Draft(
        decision.flow.id,
        decision.progress.answers,
        decision.fields,
        tuple((s.flow.id, s.answers) for s in decision.route),
    )


def write_outputs(
    catalogue: Catalogue, decision: Decision, record: Record, outputs: Outputs, part: int, prog: str
) -> Written:
    """The record first, then its answers file; either failing raises a located error."""
    from sharewizard.answers import write_answers

    if not outputs.write:
        return Written(record)
    if outputs.sign_with is not None:
        from sharewizard.signing import sign

        record = cast(Record, sign(record, outputs.sign_with))
    path = record_path(outputs, decision.flow.id, record["created_at"], part)
    write_record(record, path, outputs.fmt, force=outputs.force)
    kept = None
    if outputs.keep_answers:
        kept = _numbered(outputs.save_answers, part) if outputs.save_answers else None
        kept = kept or answers_beside(path)
        expect = {"outcome": decision.outcome.id, "decision": decision.outcome.decision}
        text = answers_text(catalogue, _draft_of(decision), expect=expect, prog=prog)
        write_answers(kept, text, force=outputs.force)
    return Written(record, path, kept)


# --- interrupts --------------------------------------------------------------------------------


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a walk the way Ctrl-C does, so its draft is saved."""
    caught = (signal.SIGTERM, signal.SIGHUP)

    def stop(number: int, _frame: FrameType | None) -> None:
        for sig in caught:  # one stop is enough: let the draft be saved in peace
            signal.signal(sig, signal.SIG_IGN)
        raise SignalInterrupt(number)

    try:
        previous = {sig: signal.signal(sig, stop) for sig in caught}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- the sitting -------------------------------------------------------------------------------


@dataclass
class Sittings:
    """The clock and id source of a sitting: injectable so tests and replay are reproducible."""

    now: Callable[[], str] = utc_timestamp
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))


def decide_interactive(
    catalogue: Catalogue,
    *,
    flow_id: str,
    asker: Asker,
    outputs: Outputs,
    resume: AnswersFile | None = None,
    resume_path: Path | None = None,
    prog: str = "sharewizard",
    clock: Sittings | None = None,
    on_written: Callable[[Written], None] | None = None,
) -> list[Written]:
    """Ask, record and write one sitting of decisions; a draft is kept until all are written.

    `on_written` hears of each decision as soon as its record is on disk, before the next flow
    of the sitting starts.

    Raises `Interrupted` (carrying where the draft is) when the person stops, and a located
    `SharewizardError` when an output cannot be written (the draft then holds every answer).
    """
    clock = clock or Sittings()
    precheck(outputs)
    started = (resume.started_at if resume else None) or clock.now()
    reuse = resume_path is not None and drafts.is_draft(resume_path)
    box = drafts.DraftBox(
        resume_path
        if reuse and resume_path
        else drafts.draft_path(drafts.new_draft_id(flow_id, started)),
        lambda d: answers_text(catalogue, d, started_at=started, prog=prog),  # type: ignore[arg-type]
    )
    session = _first_session(catalogue, flow_id, asker, resume)
    with signals_as_interrupts():
        try:
            written = _run_sitting(catalogue, session, asker, outputs, box, clock, prog, on_written)
        except Interrupted as stop:
            box.save(stop.draft)
            raise Interrupted(
                stop.draft,
                signal_number=stop.signal_number,
                saved_to=box.path if box.saved else None,
                text=box.text,
            ) from None
        except Exception as exc:
            box.save(session.snapshot())
            raise _with_draft(exc, box) from None
    box.discard()
    return written


def _with_draft(exc: Exception, box: drafts.DraftBox) -> Exception:
    """The same error, saying where the answers were kept (errors are not mutated)."""
    from sharewizard.errors import SharewizardError

    if not isinstance(exc, SharewizardError):
        return exc
    if box.saved:
        kept = f"Your answers are kept as a draft: {box.path}."
    else:  # the last resort: the person can copy them from the screen
        kept = (
            "Your answers could not be saved anywhere either, so here they are; copy them into "
            f"a file and continue with `decide --resume FILE`:\n\n{box.text}"
        )
    return type(exc)(exc.message, exc.location, f"{exc.hint} {kept}".strip())


def _first_session(
    catalogue: Catalogue, flow_id: str, asker: Asker, resume: AnswersFile | None
) -> Session:
    if resume is None:
        return start_session(catalogue, flow_id, asker)
    try:
        return start_session(
            catalogue,
            resume.flow_id,
            asker,
            resume.answers,
            resume.record,
            route=resume.route,
            queue=tuple(p.flow_id for p in resume.then),
        )
    except AnswersError as exc:  # a question or answer the flow no longer has: say where
        raise resume.located(exc) from None


def _run_sitting(
    catalogue: Catalogue,
    session: Session,
    asker: Asker,
    outputs: Outputs,
    box: drafts.DraftBox,
    clock: Sittings,
    prog: str,
    on_written: Callable[[Written], None] | None,
) -> list[Written]:
    sitting_id = clock.new_id()
    done: list[str] = []
    written: list[Written] = []
    while True:
        session.on_change = box.save
        snapshot = session.snapshot()
        if snapshot.answers or snapshot.fields or snapshot.route or snapshot.queue:
            box.save(snapshot)  # a new walk has nothing to keep until its first answer saves it
        decision = session.run(record_fields=outputs.write)
        sitting: Sitting = {
            "id": sitting_id,
            "part": len(done) + 1,
            "flows": [*done, decision.flow.id, *decision.queue],
        }
        record = build_record(
            decision, catalogue, created_at=clock.now(), record_id=clock.new_id(), sitting=sitting
        )
        written.append(write_outputs(catalogue, decision, record, outputs, len(done) + 1, prog))
        if on_written is not None:
            on_written(written[-1])
        if not decision.queue:
            return written
        done.append(decision.flow.id)
        session = _next_session(catalogue, decision, asker)


def _next_session(catalogue: Catalogue, decision: Decision, asker: Asker) -> Session:
    """The next flow chosen in the same sitting.

    The case details are carried over; the last decision's other record answers are offered
    as defaults (Enter keeps one), not taken.
    """
    case: dict[str, Answer] = {
        f.id: decision.fields[f.id]
        for f in catalogue.record_form.fields
        if f.group == "case" and f.id in decision.fields
    }
    session = start_session(
        catalogue,
        decision.queue[0],
        asker,
        fields=case,
        route=tuple((s.flow.id, s.answers) for s in decision.route),
        queue=decision.queue[1:],
    )
    session.defaults = {k: v for k, v in decision.fields.items() if k not in case}
    return session


def decide_file(
    catalogue: Catalogue,
    answers: AnswersFile,
    *,
    created_at: str,
    record_id: Callable[[int], str],
) -> list[tuple[Part, Decision, Record]]:
    """Every decision an answers file holds, with no prompts; errors name the file and field.

    `record_id(n)` gives the id of part n (1, 2, ...); `record_id(0)` the sitting's id.
    """
    parts = answers.parts
    flows = [p.flow_id for p in parts]
    found = []
    for index, part in enumerate(parts, 1):
        decision = _decide_part(catalogue, answers, part)
        sitting: Sitting = {"id": record_id(0), "part": index, "flows": flows}
        record = build_record(
            decision, catalogue, created_at=created_at, record_id=record_id(index), sitting=sitting
        )
        found.append((part, decision, record))
    return found


def _decide_part(catalogue: Catalogue, answers: AnswersFile, part: Part) -> Decision:
    from sharewizard.answers import resolve_flow

    flow = resolve_flow(catalogue, answers, part)
    prefix = f"{part.where}." if part.where else ""
    form_ids = {f.id for f in catalogue.record_form.fields}
    try:
        session = start_session(
            catalogue,
            flow.id,
            ScriptedAsker(str(answers.path), form_ids, answers.places(part)),
            part.answers,
            part.record,
            route=answers.route,
            strict=True,
            where=f"{prefix}answers",
        )
        return session.run(review=False)
    except AnswersError as exc:
        raise answers.located(exc, part) from None
