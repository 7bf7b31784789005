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
from typing import TYPE_CHECKING, Any

from sharewizard.core.errors import (
    AnswersError,
    Interrupted,
    Location,
    SharewizardError,
    SignalInterrupt,
    UsageError,
)
from sharewizard.core.model import Answer, Catalogue, Decision, Draft
from sharewizard.disk.places import DATA_ENV
from sharewizard.records.record import build_record, part_path, utc_timestamp, write_record
from sharewizard.records.shape import Record, Sitting
from sharewizard.walk import drafts
from sharewizard.walk.session import Asker, ScriptedAsker, Session, start_session

if TYPE_CHECKING:  # answers files are read and written through YAML, not needed to start asking
    from sharewizard.flowfiles.answers import AnswersFile, Part


@dataclass(frozen=True)
class Outputs:
    """Where a sitting's records and answers files go, decided before anything is asked."""

    fmt: str = "json"
    out: Path | None = None  # None: a timestamped name in `folder`
    save_answers: Path | None = None  # None: beside the record, *.answers.yaml
    force: bool = False
    folder: Path | None = None  # None: the records folder in the user's data folder
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
    from sharewizard.records.render import format_of

    if fmt is not None:
        return fmt
    named = format_of(out) if out is not None else None
    return named.name if named is not None else "json"


# --- checking outputs before the first question ----------------------------------------------


def precheck(outputs: Outputs, parts: range = range(1, 2)) -> None:
    """Refuse, before anything is asked, any output of decisions `parts` that could not be written.

    A sitting's later decisions go to numbered names (`x-2.json`): they are checked here when
    their number is known (`--answers`, `--resume`), else as soon as the triage picks them.
    """
    if not outputs.write:
        return
    if outputs.out is not None:
        from sharewizard.records.render import format_of

        found = format_of(outputs.out)
        named = found.name if found is not None else None
        if named is not None and named != outputs.fmt:
            raise UsageError(
                f"--out names {'an' if named == 'md' else 'a'} {named} file but --format is "
                f"{outputs.fmt}; nothing was asked.",
                Location(outputs.out),
                "Make the extension and --format agree, or leave --format out.",
            )
    else:
        folder = records_folder(outputs)
        if outputs.folder is None and not folder.exists():
            # The data folder's is made when the first record is written: until then, the
            # nearest folder above it that exists must take it.
            folder = next(p for p in folder.parents if p.exists())
        check_folder(folder, None)
    check_parts(outputs, parts, "nothing was asked or written")


def records_folder(outputs: Outputs) -> Path:
    """Where records named by time go: `folder`, else the records folder of the data folder.

    Not the current folder: a record holds a child's details, and the current folder is often
    a git work tree, one `git add .` from a commit.
    """
    return outputs.folder if outputs.folder is not None else drafts.records_dir()


def _made(folder: Path) -> Path:
    """The records folder, made owner-only if missing."""
    from sharewizard.disk.files import make_private_folder

    try:
        make_private_folder(folder)
    except OSError as exc:
        raise UsageError(
            f"cannot create the records folder: {exc.strerror}.",
            Location(folder),
            f"Give --out PATH, or set {DATA_ENV} to a folder you can write in.",
        ) from None
    return folder


def check_parts(outputs: Outputs, parts: range, done: str) -> None:
    """Refuse any record or answers file name of decisions `parts` that is taken or not a file."""
    if not outputs.write:
        return
    for part in parts:
        record = part_path(outputs.out, part) if outputs.out is not None else None
        if record is not None:
            check_target(record, outputs.force, "--out", done)
        answers = answers_path(outputs, record, part)
        if answers is not None:
            check_target(answers, outputs.force, "--save-answers", done)


def check_target(
    path: Path,
    force: bool,
    option: str,
    done: str = "nothing was asked or written",
    *,
    can_force: bool = True,
) -> None:
    """A file sharewizard may create, or replace with `force` (a regular file only)."""
    from sharewizard.disk.files import check_target as check_file

    check_file(path, force=force, option=option, done=done, can_force=can_force)
    check_folder(path.parent if str(path.parent) else Path("."), option)


def check_folder(folder: Path, option: str | None) -> None:
    """A folder that exists and that we may create files in; `option` None: the current folder."""
    another = (
        f"choose another {option}"
        if option
        else f"give --out PATH, or set {DATA_ENV} to a folder you can write in"
    )
    if not folder.exists():
        raise UsageError(
            "the folder does not exist; nothing was asked.",
            Location(folder),
            f"Create it first, or {another}." if option else f"{another[0].upper()}{another[1:]}.",
        )
    if not folder.is_dir():
        raise UsageError("is not a folder; nothing was asked.", Location(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(
            "you cannot write in this folder; nothing was asked.",
            Location(folder),
            f"{another[0].upper()}{another[1:]}.",
        )


def answers_beside(record_path: Path) -> Path:
    """`x.json` → `x.answers.yaml`."""
    return record_path.with_name(record_path.stem + ".answers.yaml")


def answers_path(outputs: Outputs, record: Path | None, part: int) -> Path | None:
    """Where decision `part`'s answers file goes: `--save-answers` (numbered), else beside."""
    if not outputs.keep_answers:
        return None
    if outputs.save_answers is not None:
        return part_path(outputs.save_answers, part)
    return answers_beside(record) if record is not None and not _to_stdout(record) else None


def _to_stdout(path: Path) -> bool:
    from sharewizard.disk.files import is_standard_output

    return is_standard_output(path)


def record_path(outputs: Outputs, flow_id: str, created_at: str, part: int) -> Path:
    """Where part `part` of a sitting goes: `--out` (numbered after the first) or a new name."""
    from sharewizard.disk.files import name_inside

    if outputs.out is not None:
        return part_path(outputs.out, part)
    stamp = created_at.replace("-", "").replace(":", "")
    from sharewizard.records.render import FORMATS

    suffix = FORMATS[outputs.fmt].suffix
    base = f"sharewizard-{flow_id}-{stamp}"
    folder = _made(records_folder(outputs))
    candidate, n = name_inside(folder, base + suffix), 2
    while candidate.exists() or candidate.is_symlink():
        candidate, n = name_inside(folder, f"{base}-{n}{suffix}"), n + 1
    return candidate


# --- writing -----------------------------------------------------------------------------------


def answers_text(
    catalogue: Catalogue,
    draft: Draft,
    *,
    expect: Mapping[str, str] | None = None,
    prog: str = "sharewizard",
) -> str:
    """A finished decision as an answers file."""
    from sharewizard.flowfiles.answers import dump_answers

    flows = catalogue.flows
    return dump_answers(
        flows[draft.flow_id],
        draft.answers,
        draft.fields,
        expect,
        route=tuple((flows[f], a) for f, a in draft.route),
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
    catalogue: Catalogue,
    decision: Decision,
    record: Record,
    outputs: Outputs,
    part: int,
    prog: str,
    *,
    on_recorded: Callable[[Path], None] | None = None,
    done: str = "nothing was written",
) -> Written:
    """The record first, then its answers file; either failing raises a located error.

    `on_recorded` hears of the record as soon as it is in place, before its answers file is
    written; `done` is what a failure to write the record leaves written.
    """
    from sharewizard.flowfiles.answers import write_answers

    if not outputs.write:
        return Written(record)
    if outputs.sign_with is not None:
        from sharewizard.records.signing import sign

        record = sign(record, outputs.sign_with)
    path = record_path(outputs, decision.flow.id, record["created_at"], part)
    write_record(record, path, outputs.fmt, force=outputs.force, done=done)
    if on_recorded is not None:
        on_recorded(path)
    kept = answers_path(outputs, path, part)
    if kept is not None:
        expect = {"outcome": decision.outcome.id, "decision": decision.outcome.decision}
        text = answers_text(catalogue, _draft_of(decision), expect=expect, prog=prog)
        write_answers(
            kept,
            text,
            force=outputs.force,
            option="--save-answers",  # as the check before the first question names it
            done=f"the record was written to {path}, but not its answers file",
        )
    return Written(record, path, kept)


def record_answers_file(
    catalogue: Catalogue,
    answers: AnswersFile,
    outputs: Outputs,
    *,
    created_at: str,
    record_id: Callable[[int], str],
    prog: str = "sharewizard",
) -> list[Written]:
    """`decide --answers`: every decision of the file, written in order.

    When one cannot be written, the error says which records were written before it.
    """
    found = decide_file(catalogue, answers, created_at=created_at, record_id=record_id)
    written: list[Written] = []
    for index, (_, decision, record) in enumerate(found, 1):
        done = "this record was not written" if written else "nothing was written"
        try:
            written.append(
                write_outputs(catalogue, decision, record, outputs, index, prog, done=done)
            )
        except SharewizardError as exc:
            raise _adding(exc, already_written([str(w.path) for w in written])) from None
    return written


def already_written(paths: list[str]) -> str:
    """The sentence saying which records of a sitting were written before a failure."""
    if not paths:
        return ""
    return f"Already written: {', '.join(paths)}."


def _adding(exc: SharewizardError, sentence: str) -> SharewizardError:
    """The same error with a sentence added to its hint (errors are not mutated)."""
    if not sentence:
        return exc
    return type(exc)(exc.message, exc.location, f"{exc.hint} {sentence}".strip())


# --- interrupts --------------------------------------------------------------------------------


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[Callable[[], None]]:
    """SIGTERM and SIGHUP stop a walk the way Ctrl-C does, so its draft is saved.

    Gives a function that ignores them from then on: a walk that stopped some other way (Ctrl-D,
    or the end of input when a terminal closes, just before its SIGHUP) saves its draft in peace.
    """
    caught = (signal.SIGTERM, signal.SIGHUP)

    def settle() -> None:
        for sig in caught:
            signal.signal(sig, signal.SIG_IGN)

    def stop(number: int, _frame: FrameType | None) -> None:
        settle()  # one stop is enough
        raise SignalInterrupt(number)

    try:
        previous = {sig: signal.signal(sig, stop) for sig in caught}
    except ValueError:  # not the main thread: leave signals alone
        yield lambda: None
        return
    try:
        yield settle
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- the sitting -------------------------------------------------------------------------------


@dataclass
class Sittings:
    """The clock and id source of a sitting: injectable so tests and replay are reproducible."""

    now: Callable[[], str] = utc_timestamp
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Decided:
    """A decision of the sitting already made, and where its record went (None: practice)."""

    draft: Draft
    record: str | None = None


@dataclass(frozen=True)
class SittingDraft:
    """What a sitting's draft holds: every decision made, the one under way, the ones to come.

    It is kept until every record of the sitting is written, so a failure at the second
    decision loses nothing; the records already written are listed, so that resuming neither
    asks nor records those decisions again.
    """

    sitting_id: str
    decided: tuple[Decided, ...]
    current: Draft | None  # None between two decisions
    queue: tuple[str, ...] = ()  # the flows still to walk after `current`
    pending: Mapping[str, Draft] = field(default_factory=dict)  # their answers, from a file

    @property
    def worth_keeping(self) -> bool:
        """Whether anything was answered or decided (a walk stopped at once keeps no draft)."""
        current = self.current
        return bool(
            self.decided
            or self.pending
            or (current and (current.answers or current.fields or current.route or current.queue))
        )

    @property
    def recorded(self) -> tuple[str, ...]:
        """The records written, in order."""
        return tuple(d.record for d in self.decided if d.record is not None)


def sitting_text(
    catalogue: Catalogue, whole: SittingDraft, *, started_at: str, prog: str = "sharewizard"
) -> str:
    """A sitting's draft as an answers file: its decisions in order, the first one's route."""
    from sharewizard.flowfiles.answers import dump_answers

    flows = catalogue.flows
    current = [whole.current] if whole.current is not None else []
    later = [whole.pending.get(f) or Draft(f, {}, {}) for f in whole.queue]
    parts = [d.draft for d in whole.decided] + current + later
    first = parts[0]
    return dump_answers(
        flows[first.flow_id],
        first.answers,
        first.fields,
        route=tuple((flows[f], a) for f, a in first.route),
        then=tuple((flows[p.flow_id], p.answers, p.fields) for p in parts[1:]),
        sitting=(whole.sitting_id, whole.recorded) if whole.recorded else None,
        started_at=started_at,
        prog=prog,
    )


def check_resume(catalogue: Catalogue, resume: AnswersFile) -> None:
    """Refuse a draft that cannot be resumed as it stands: a flow changed, nothing left to ask.

    A flow whose version changed since the draft was saved may ask other questions, lead
    elsewhere or cite other guidance, so its answers are not applied to it silently (as
    `--answers` and `replay` refuse them too). Decisions already recorded are not asked again,
    so only the existence of their flow matters.
    """
    from sharewizard.flowfiles.answers import resolve_flow

    parts = resume.parts
    if len(resume.recorded) >= len(parts):
        raise AnswersError(
            f"every decision of this draft is recorded already ({', '.join(resume.recorded)}); "
            "there is nothing left to ask.",
            resume.locate("sitting.recorded"),
            "Its answers stay in the draft: keep a copy if you need one, then delete it.",
        )
    for index, part in enumerate(parts):
        recorded = index < len(resume.recorded)
        if recorded and part.flow_id in catalogue.flows:
            continue
        try:
            resolve_flow(catalogue, resume, part)
        except AnswersError as exc:
            if part.flow_version is None or part.flow_id not in catalogue.flows:
                raise
            flow = catalogue.flows[part.flow_id]
            raise AnswersError(
                f"this draft was saved with version {part.flow_version} of the flow "
                f"{flow.id!r}, which is now version {flow.version}: its questions, outcomes "
                "or guidance may have changed, so the draft is not resumed.",
                exc.location,
                f"Start the decision again with `decide {flow.id}`; or check that the draft's "
                f"answers still fit version {flow.version}, change its version to "
                f"{flow.version}, and resume it.",
            ) from None


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
    sitting = _Sitting.start(catalogue, flow_id, asker, outputs, resume, clock, prog, on_written)
    precheck(outputs, range(len(sitting.decided) + 1, sitting.checked + 1))
    started = (resume.started_at if resume else None) or clock.now()
    reuse = resume_path is not None and drafts.is_draft(resume_path)
    box: drafts.DraftBox[SittingDraft] = drafts.DraftBox(
        drafts.draft_path(drafts.id_of(resume_path))
        if reuse and resume_path
        else drafts.draft_path(drafts.new_draft_id(flow_id, clock.now())),
        lambda d: sitting_text(catalogue, d, started_at=started, prog=prog),
    )
    sitting.box = box
    with signals_as_interrupts() as settle:
        try:
            written = sitting.run()
        except Interrupted as stop:
            settle()
            whole = sitting.whole(stop.draft)
            if whole.worth_keeping or box.saved:
                box.save(whole)
            raise Interrupted(
                stop.draft,
                signal_number=stop.signal_number,
                saved_to=box.path if box.saved else None,
                text=box.text if whole.worth_keeping else "",
            ) from None
        except Exception as exc:
            settle()
            whole = sitting.whole()
            if whole.worth_keeping or box.saved:
                box.save(whole)
            raise _with_draft(exc, box, whole, prog) from None
    box.discard()
    return written


def _with_draft(
    exc: Exception, box: drafts.DraftBox[SittingDraft], whole: SittingDraft, prog: str
) -> Exception:
    """The same error, saying what was written and where the answers were kept."""
    if not isinstance(exc, SharewizardError):
        return exc
    said = already_written(list(whole.recorded))
    if whole.recorded and (whole.current is not None or whole.queue):
        said += " Resuming the draft does not ask or record those decisions again."
    if box.saved:
        kept = f"Your answers are kept as a draft: {box.path}."
        if whole.current is not None or whole.queue:
            draft_id = drafts.id_of(box.path)
            kept += f" Continue with `{prog} decide --resume {draft_id}`."
    elif box.text:  # the last resort: the person can copy them from the screen
        kept = (
            "Your answers could not be saved anywhere either, so here they are; copy them into "
            f"a file and continue with `decide --resume FILE`:\n\n{box.text}"
        )
    else:
        kept = ""
    return _adding(exc, f"{said} {kept}".strip())


@dataclass
class _Sitting:
    """One sitting under way: the decisions made so far and the session asking the next one."""

    catalogue: Catalogue
    asker: Asker
    outputs: Outputs
    clock: Sittings
    prog: str
    on_written: Callable[[Written], None] | None
    sitting_id: str
    session: Session | None  # None between two decisions
    decided: list[Decided] = field(default_factory=list)
    queue: tuple[str, ...] = ()  # between two decisions: the flows still to walk
    pending: dict[str, Draft] = field(default_factory=dict)
    checked: int = 1  # the decisions whose output names are checked (1 to `checked`)
    box: drafts.DraftBox[SittingDraft] | None = None

    @classmethod
    def start(
        cls,
        catalogue: Catalogue,
        flow_id: str,
        asker: Asker,
        outputs: Outputs,
        resume: AnswersFile | None,
        clock: Sittings,
        prog: str,
        on_written: Callable[[Written], None] | None,
    ) -> _Sitting:
        """A new sitting on `flow_id`, or the one `resume` holds, at its first open decision.

        A decision is open when its record is not written yet.
        """
        common = (catalogue, asker, outputs, clock, prog, on_written)
        if resume is None:
            return cls(*common, clock.new_id(), start_session(catalogue, flow_id, asker))
        parts = [Draft(p.flow_id, p.answers, p.record, resume.route) for p in resume.parts]
        done = len(resume.recorded)
        decided = [Decided(parts[i], resume.recorded[i]) for i in range(done)]
        current, later = parts[done], parts[done + 1 :]
        queue = tuple(p.flow_id for p in later)
        try:
            session = _part_session(
                catalogue, asker, current, queue, decided[-1].draft.fields if decided else None
            )
        except AnswersError as exc:  # a question or answer the flow no longer has: say where
            raise resume.located(exc, resume.parts[done]) from None
        return cls(
            *common,
            resume.sitting_id or clock.new_id(),
            session,
            decided,
            pending={p.flow_id: p for p in later if p.answers or p.fields},
            checked=len(parts),
        )

    def whole(self, current: Draft | None = None) -> SittingDraft:
        """Everything the draft should hold now (`current`: the walk as an interrupt left it)."""
        if current is None and self.session is not None:
            current = self.session.snapshot()
        queue = current.queue if current is not None else self.queue
        pending = {f: d for f, d in self.pending.items() if f in queue}
        return SittingDraft(self.sitting_id, tuple(self.decided), current, queue, pending)

    def changed(self, current: Draft) -> None:
        """After every answer: save the draft; check the output names of newly picked flows."""
        assert self.box is not None
        self.box.save(self.whole(current))
        parts = len(self.decided) + 1 + len(current.queue)
        if parts > self.checked:
            check_parts(self.outputs, range(self.checked + 1, parts + 1), self._done())
            self.checked = parts

    def _done(self) -> str:
        """What a failure to write now leaves written, as the error will say it."""
        if any(d.record for d in self.decided):
            return "this record was not written"
        return "nothing was written"

    def run(self) -> list[Written]:
        """Ask each decision in turn and write its record as soon as it is made."""
        assert self.box is not None and self.session is not None
        written: list[Written] = []
        while True:
            session = self.session
            session.on_change = self.changed
            if self.whole().worth_keeping:  # a new walk has nothing to keep until its first answer
                self.box.save(self.whole())
            decision = session.run(record_fields=self.outputs.write)
            part = len(self.decided) + 1
            self.changed(session.snapshot())  # the flows picked are checked before any write
            flows = [d.draft.flow_id for d in self.decided]
            sitting: Sitting = {
                "id": self.sitting_id,
                "part": part,
                "flows": [*flows, decision.flow.id, *decision.queue],
            }
            record = build_record(
                decision,
                self.catalogue,
                created_at=self.clock.now(),
                record_id=self.clock.new_id(),
                sitting=sitting,
            )
            written.append(self._write(decision, record, part))
            if self.on_written is not None:
                self.on_written(written[-1])
            if not decision.queue:
                return written
            self.session = self._next_session(decision)
            self.queue = ()

    def _write(self, decision: Decision, record: Record, part: int) -> Written:
        """Write the record; from then on the draft lists it (also if its answers file fails)."""

        def recorded(path: Path) -> None:
            self.decided.append(Decided(_draft_of(decision), str(path)))
            self.session, self.queue = None, decision.queue
            assert self.box is not None
            self.box.save(self.whole())  # at once: a resume must never write this record again

        item = write_outputs(
            self.catalogue,
            decision,
            record,
            self.outputs,
            part,
            self.prog,
            on_recorded=recorded,
            done=self._done(),
        )
        if not self.outputs.write:  # practice: nothing recorded, the decision is made all the same
            self.decided.append(Decided(_draft_of(decision)))
            self.session, self.queue = None, decision.queue
        return item

    def _next_session(self, decision: Decision) -> Session:
        """The next flow chosen in the same sitting, with the answers a resumed file held."""
        flow_id = decision.queue[0]
        given = self.pending.pop(flow_id, None) or Draft(flow_id, {}, {})
        current = Draft(flow_id, given.answers, given.fields, _draft_of(decision).route)
        return _part_session(
            self.catalogue, self.asker, current, decision.queue[1:], decision.fields
        )


def _part_session(
    catalogue: Catalogue,
    asker: Asker,
    part: Draft,
    queue: tuple[str, ...],
    previous: Mapping[str, Answer] | None,
) -> Session:
    """A session on one decision of a sitting, after `previous` (the last decision's fields).

    The case details are carried over; the last decision's other record answers are offered
    as defaults (Enter keeps one), not taken.
    """
    previous = previous or {}
    case: dict[str, Answer] = {
        f.id: previous[f.id]
        for f in catalogue.record_form.fields
        if f.group == "case" and f.id in previous
    }
    session = start_session(
        catalogue,
        part.flow_id,
        asker,
        part.answers,
        {**case, **part.fields},
        route=part.route,
        queue=queue,
    )
    session.defaults = {k: v for k, v in previous.items() if k not in case}
    return session


def decide_file(
    catalogue: Catalogue,
    answers: AnswersFile,
    *,
    created_at: str,
    record_id: Callable[[int], str],
) -> list[tuple[Part, Decision, Record]]:
    """Every decision an answers file holds, with no prompts; errors name the file and field.

    `record_id(n)` gives the id of part n (1, 2, ...); `record_id(0)` the sitting's id. The
    draft of a sitting whose first decisions are recorded is refused: it would record them again.
    """
    if answers.recorded:
        raise AnswersError(
            f"this is the draft of a sitting whose first decisions are recorded already "
            f"({', '.join(answers.recorded)}); replaying it would record them again.",
            answers.locate("sitting.recorded"),
            "Continue it with `decide --resume FILE`, which asks and records only the others.",
        )
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
    from sharewizard.flowfiles.answers import resolve_flow

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
