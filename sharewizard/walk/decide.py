"""The facade for one sitting of decisions: check outputs first, walk, write in a fixed order.

Every output is planned and checked before the first question; the outputs are written in a fixed
order once the whole sitting is reviewed (every record, then the sitting's one answers file, then
the draft goes), and a draft holding the whole sitting is kept whenever anything stops or fails.
Interactive `decide`, `decide --answers` and `replay` all come through here.
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

from sharewizard.core import engine
from sharewizard.core.errors import (
    AnswersError,
    Interrupted,
    Location,
    SharewizardError,
    SignalInterrupt,
    UsageError,
)
from sharewizard.core.model import Catalogue, Decision, DecisionDraft, Draft, Flow
from sharewizard.core.text import preview, unknown_name_hint
from sharewizard.disk.places import DATA_ENV
from sharewizard.records.record import build_record, part_path, utc_timestamp, write_record
from sharewizard.records.shape import FactRow, Record, Sitting
from sharewizard.walk import drafts
from sharewizard.walk.session import (
    FROM_PROFILE,
    FROM_SITTING,
    Asker,
    Given,
    Places,
    ScriptedAsker,
    Session,
    check_given_answers,
)

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
        answers = answers_path(outputs, record, part) if part == 1 else None  # one a sitting
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
    """Where the sitting's answers file goes: `--save-answers`, else beside its first record."""
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


def fact_rows(catalogue: Catalogue, session: Session) -> list[FactRow]:
    """The sitting's case facts some decision read, as its records carry them."""
    book = catalogue.facts
    case = session.case_of(None)
    rows: list[FactRow] = []
    for fact_id in session.facts_read():
        question = engine.worded_question(book.facts[fact_id].question, book.wording, case)
        value = session.facts[fact_id]
        origin = session.origins.get(fact_id, FROM_SITTING)
        source = "file" if session.strict else "profile" if origin == FROM_PROFILE else "asked"
        rows.append(
            {
                "id": fact_id,
                "question": question.text,
                "answer": value if isinstance(value, str) else ", ".join(value),
                "label": question.label_of(value),
                "from": source,
            }
        )
    return rows


def sitting_records(
    catalogue: Catalogue,
    session: Session,
    decisions: list[Decision],
    *,
    sitting_id: str,
    created_at: Callable[[], str],
    record_id: Callable[[int], str],
) -> list[Record]:
    """One record per decision of the sitting, linked by one sitting id (`part` of `of`)."""
    facts = fact_rows(catalogue, session)
    flows = [d.flow.id for d in decisions]
    records = []
    for part, decision in enumerate(decisions, 1):
        sitting: Sitting = {
            "id": sitting_id,
            "part": part,
            "of": len(decisions),
            "flows": flows,
            "facts": facts,
        }
        records.append(
            build_record(
                decision,
                catalogue,
                created_at=created_at(),
                record_id=record_id(part),
                sitting=sitting,
            )
        )
    return records


def answers_text(
    catalogue: Catalogue,
    draft: Draft,
    *,
    expect: bool = True,
    prog: str = "sharewizard",
) -> str:
    """A finished sitting as an answers file, each decision with the outcome it reached."""
    from sharewizard.flowfiles.answers import dump_answers

    return dump_answers(catalogue, draft, expect=expect, prog=prog)


def write_sitting(
    catalogue: Catalogue,
    records: list[Record],
    draft: Draft,
    outputs: Outputs,
    prog: str,
    *,
    recorded: tuple[str, ...] = (),
    on_recorded: Callable[[Path], None] | None = None,
    on_written: Callable[[Written], None] | None = None,
) -> list[Written]:
    """Every record of the sitting (those not `recorded` already), then its one answers file.

    Either failing raises a located error saying what was written before it; `on_recorded` hears
    of each record as soon as it is in place (the draft then lists it).
    """
    from sharewizard.flowfiles.answers import write_answers

    written: list[Written] = []
    paths = [Path(p) for p in recorded]
    for part, record in enumerate(records, 1):
        if part <= len(recorded):
            continue
        if not outputs.write:
            written.append(Written(record))
            if on_written is not None:
                on_written(written[-1])
            continue
        if outputs.sign_with is not None:
            from sharewizard.records.signing import sign

            record = sign(record, outputs.sign_with)
        path = record_path(outputs, record["flow"]["id"], record["created_at"], part)
        done = "this record was not written" if paths else "nothing was written"
        try:
            write_record(record, path, outputs.fmt, force=outputs.force, done=done)
        except SharewizardError as exc:
            raise _adding(exc, already_written([str(p) for p in paths])) from None
        paths.append(path)
        if on_recorded is not None:
            on_recorded(path)
        written.append(Written(record, path))
        if on_written is not None and part < len(records):  # the last: with the answers file
            on_written(written[-1])
    kept = answers_path(outputs, paths[0] if paths else None, 1) if outputs.write else None
    if kept is not None and written:
        text = answers_text(catalogue, draft, prog=prog)
        write_answers(
            kept,
            text,
            force=outputs.force,
            option="--save-answers",  # as the check before the first question names it
            done=f"{_records_written(paths)}, but not the sitting's answers file",
        )
        written[-1] = Written(written[-1].record, written[-1].path, kept)
    if on_written is not None and written and outputs.write:
        on_written(written[-1])
    return written


def _records_written(paths: list[Path]) -> str:
    if len(paths) == 1:
        return f"the record was written to {paths[0]}"
    return f"the records were written ({', '.join(map(str, paths))})"


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
    for index, (_, _, record) in enumerate(found, 1):
        done = "this record was not written" if written else "nothing was written"
        try:
            written.append(write_one(record, outputs, index, done=done))
        except SharewizardError as exc:
            raise _adding(exc, already_written([str(w.path) for w in written])) from None
    return written


def write_one(record: Record, outputs: Outputs, part: int, *, done: str) -> Written:
    """One record of a sitting to its place among the outputs (signed when asked)."""
    if not outputs.write:
        return Written(record)
    if outputs.sign_with is not None:
        from sharewizard.records.signing import sign

        record = sign(record, outputs.sign_with)
    path = record_path(outputs, record["flow"]["id"], record["created_at"], part)
    write_record(record, path, outputs.fmt, force=outputs.force, done=done)
    return Written(record, path)


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
class SittingDraft:
    """What a sitting's draft holds: the whole sitting, and the records already written.

    It is kept until every record of the sitting is written, so a failure at the second record
    loses nothing; the records already written are listed, so that resuming never writes them
    again.
    """

    sitting_id: str
    draft: Draft
    recorded: tuple[str, ...] = ()
    record_later: bool = False

    @property
    def worth_keeping(self) -> bool:
        """Whether anything was answered, typed or decided (a walk stopped at once keeps none)."""
        return bool(
            self.draft.answered
            or self.recorded
            or any(d.fields for d in self.draft.decisions)
            or self.draft.half_typed
        )


def sitting_text(
    catalogue: Catalogue, whole: SittingDraft, *, started_at: str, prog: str = "sharewizard"
) -> str:
    """A sitting's draft as an answers file: the whole sitting, its id and what is recorded."""
    from sharewizard.flowfiles.answers import dump_answers

    return dump_answers(
        catalogue,
        whole.draft,
        sitting=(whole.sitting_id, whole.recorded),
        record_later=whole.record_later,
        started_at=started_at,
        prog=prog,
    )


def given_of(catalogue: Catalogue, answers: AnswersFile) -> Given:
    """What an answers file (or a draft) gives a sitting, its flows' versions checked.

    In a version 1 file an answer keyed by a case fact's id is that fact.
    """
    from sharewizard.flowfiles.answers import resolve_flow

    book = catalogue.facts
    facts = dict(answers.facts)
    fact_places: dict[str, str] = {}

    def split(values: Mapping[str, Any], where: str) -> dict[str, Any]:
        if answers.version != 1:
            return dict(values)
        kept = {}
        for key, value in values.items():
            if key in book.facts:
                facts.setdefault(key, value)
                fact_places.setdefault(key, f"{where}.{key}")
            else:
                kept[key] = value
        return kept

    route: dict[str, dict[str, Any]] = {}
    before: dict[str, Any] = {}  # version 1: flows walked before the first one, by hand-off
    first_flow: str | None = None
    for flow_id, values in answers.route:
        kept = split(values, f"route.{flow_id}")
        flow = catalogue.flows.get(flow_id)
        if answers.version == 1 and flow is not None and not _fans_out(flow):
            first_flow = first_flow or flow_id
            before.update(kept)
        else:
            route[flow_id] = kept
    decisions = []
    for index, part in enumerate(answers.parts):
        try:
            resolve_flow(catalogue, answers, part)
        except AnswersError as exc:
            raise answers.located(exc) from None
        place = f"{part.where}.answers" if part.where else "answers"
        starts, given = part.flow_id, split(part.answers, place)
        if index == 0 and first_flow is not None:
            starts, given = first_flow, {**before, **given}
        decisions.append(DecisionDraft(starts, given, part.record, part.facts, also=part.also))
    places = Places(tuple(p.where for p in answers.parts), fact_places)
    return Given(
        facts=facts,
        route=route,
        decisions=tuple(decisions),
        origins=answers.origins,
        places=places,
        at=answers.at,
        record_later=answers.record_later,
        half_typed=answers.half_typed,
    )


def _fans_out(flow: Flow) -> bool:
    """Whether a flow is a triage: it hands over to the flows chosen (a fan-out question)."""
    return any(q.fan_out for q in flow.questions.values())


def entry_flow(catalogue: Catalogue, flow: str | None, source: AnswersFile | None) -> str:
    """The flow a sitting starts in: FLOW as typed, the answers file's, else the triage."""
    flows = ", ".join(sorted(catalogue.flows))
    if flow is not None and flow not in catalogue.flows:
        raise UsageError(
            f"unknown flow {preview(flow)}.",
            Location(field="FLOW"),
            unknown_name_hint(flow, catalogue.flows),
        )
    if source is not None:
        entry = entry_of(catalogue, source)
        if flow is not None and flow not in (entry, source.flow_id):
            raise UsageError(
                f"the answers file is for {preview(entry)}, not {preview(flow)}.",
                source.locate("decisions.0.flow" if source.version == 2 else "flow"),
                "Leave FLOW out: the file names its flow.",
            )
        return entry
    chosen = flow or catalogue.triage
    if chosen is None:
        raise UsageError(
            "name a flow: this flows folder has no triage flow to pick one.",
            Location(field="FLOW"),
            f"Flows: {flows}.",
        )
    return chosen


def entry_of(catalogue: Catalogue, answers: AnswersFile) -> str:
    """The flow a file's sitting starts in.

    Its triage, its first decision's flow, or the catalogue's triage (a sitting the opening
    stopped).
    """
    triage = [f for f, _ in answers.route if f in catalogue.flows and _fans_out(catalogue.flows[f])]
    before = [f for f, _ in answers.route if f not in triage]
    if answers.version == 1 and before:
        entry: str | None = triage[0] if triage else before[0]
    else:
        entry = answers.flow_id or catalogue.triage
    if entry is not None and entry not in catalogue.flows:
        raise AnswersError(
            f"unknown flow {preview(entry)}.",
            answers.locate("decisions.0.flow" if answers.version == 2 else "flow"),
            unknown_name_hint(entry, catalogue.flows),
        )
    if entry is None:
        raise AnswersError(
            "this answers file names no flow to start in.",
            answers.locate("decisions.0"),
            f"Give the first decision's `flow`. Flows: {', '.join(sorted(catalogue.flows))}.",
        )
    return entry


def records_in(draft: Draft) -> int:
    """How many records a sitting's draft will write: its decisions that reached an outcome."""
    return sum(1 for d in draft.decisions if d.outcome is not None)


def check_resume(catalogue: Catalogue, resume: AnswersFile) -> None:
    """Refuse a draft that cannot be resumed as it stands: a flow changed, nothing left to ask.

    A flow whose version changed since the draft was saved may ask other questions, lead
    elsewhere or cite other guidance, so its answers are not applied to it silently (as
    `--answers` and `replay` refuse them too). Decisions already recorded are not asked again,
    so only the existence of their flow matters.
    """
    from sharewizard.flowfiles.answers import resolve_flow

    parts = resume.parts
    outcomes = sum(1 for p in parts if p.expect or p.record)
    if resume.recorded and len(resume.recorded) >= max(outcomes, 1):
        raise AnswersError(
            f"every decision of this draft is recorded already ({', '.join(resume.recorded)}); "
            "there is nothing left to ask.",
            resume.locate("sitting.recorded"),
            "Its answers stay in the draft: keep a copy if you need one, then delete it.",
        )
    for index, part in enumerate(parts):
        recorded = index < len(resume.recorded)
        if part.flow_id is None or (recorded and part.flow_id in catalogue.flows):
            continue
        try:
            resolve_flow(catalogue, resume, part)
        except AnswersError as exc:
            if part.flow_version is None or part.flow_id not in catalogue.flows:
                raise resume.located(exc) from None
            flow = catalogue.flows[part.flow_id]
            place = f"{part.where}.flow.version" if part.where else "flow.version"
            raise AnswersError(
                f"this draft was saved with version {part.flow_version} of the flow "
                f"{flow.id!r}, which is now version {flow.version}: its questions, outcomes "
                "or guidance may have changed, so the draft is not resumed.",
                resume.locate(place),
                f"Start the decision again with `decide {flow.id}`; or check that the draft's "
                f"answers still fit version {flow.version}, change its version to "
                f"{flow.version}, and resume it.",
            ) from None
    try:  # answers the flows have outgrown: refused before anything is asked
        check_given_answers(
            catalogue, given_of(catalogue, resume), entry_of(catalogue, resume),
            skip=len(resume.recorded),
        )  # fmt: skip
    except AnswersError as exc:
        raise resume.located(exc) from None


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
    profile: Mapping[str, str] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> list[Written]:
    """Ask one sitting, then write every record and its answers file.

    A draft is kept until all are written.

    `on_written` hears of each decision as soon as its record is on disk, `on_note` of each
    decision that ended with no record of its own (handed over to a flow decided already).
    Raises `Interrupted`
    (carrying where the draft is) when the person stops, and a located `SharewizardError` when
    an output cannot be written (the draft then holds every answer).
    """
    clock = clock or Sittings()
    given = given_of(catalogue, resume) if resume is not None else Given()
    recorded = resume.recorded if resume is not None else ()
    session = Session(catalogue, asker, flow_id, given=given, profile=dict(profile or {}))
    sitting_id = (resume.sitting_id if resume else None) or clock.new_id()
    started = (resume.started_at if resume else None) or clock.now()
    reuse = resume_path is not None and drafts.is_draft(resume_path)
    box: drafts.DraftBox[SittingDraft] = drafts.DraftBox(
        drafts.draft_path(drafts.id_of(resume_path))
        if reuse and resume_path
        else drafts.draft_path(drafts.new_draft_id(flow_id, clock.now())),
        lambda d: sitting_text(catalogue, d, started_at=started, prog=prog),
    )
    state = _Writing(outputs, box, sitting_id, recorded, checked=max(len(given.decisions), 1))
    precheck(outputs, range(len(recorded) + 1, state.checked + 1))
    session.on_change = state.changed
    with signals_as_interrupts() as settle:
        try:
            decisions = session.run(review=not recorded, record_fields=outputs.write)
            state.changed(session.snapshot())  # every name is checked before any write
            records = sitting_records(
                catalogue,
                session,
                decisions,
                sitting_id=sitting_id,
                created_at=clock.now,
                record_id=lambda _: clock.new_id(),
            )
            written = write_sitting(
                catalogue,
                records,
                session.snapshot(),
                outputs,
                prog,
                recorded=recorded,
                on_recorded=state.recorded_one,
                on_written=on_written,
            )
        except Interrupted as stop:
            settle()
            whole = state.whole(stop.draft, record_later=stop.record_later)
            if whole.worth_keeping or box.saved:
                box.save(whole)
            raise Interrupted(
                stop.draft,
                signal_number=stop.signal_number,
                saved_to=box.path if box.saved else None,
                text=box.text if whole.worth_keeping else "",
                record_later=stop.record_later,
            ) from None
        except Exception as exc:
            settle()
            whole = state.whole(session.snapshot())
            if whole.worth_keeping or box.saved:
                box.save(whole)
            raise _with_draft(exc, box, whole, prog) from None
    box.discard()
    for note in session.skipped():
        if on_note is not None:
            on_note(note)
    return written


@dataclass
class _Writing:
    """A sitting's draft kept up to date, and its output names checked as they become known."""

    outputs: Outputs
    box: drafts.DraftBox[SittingDraft]
    sitting_id: str
    recorded: tuple[str, ...]
    checked: int = 1  # the parts whose output names are checked (1 to `checked`)
    last: Draft | None = None

    def whole(self, draft: Draft | None = None, *, record_later: bool = False) -> SittingDraft:
        """Everything the draft should hold now."""
        found = draft if draft is not None else self.last
        return SittingDraft(
            self.sitting_id, found or Draft("", {}), self.recorded, record_later=record_later
        )

    def changed(self, draft: Draft) -> None:
        """After every answer: save the draft; check the output names of newly picked flows."""
        self.last = draft
        whole = self.whole(draft)
        if whole.worth_keeping:
            self.box.save(whole)
        parts = max(len(draft.decisions), 1)
        if parts > self.checked:
            check_parts(self.outputs, range(self.checked + 1, parts + 1), self._done())
            self.checked = parts

    def recorded_one(self, path: Path) -> None:
        """A record is in place: from now on the draft lists it (a resume never writes it)."""
        self.recorded = (*self.recorded, str(path))
        self.box.save(self.whole())

    def _done(self) -> str:
        return "this record was not written" if self.recorded else "nothing was written"


def _with_draft(
    exc: Exception, box: drafts.DraftBox[SittingDraft], whole: SittingDraft, prog: str
) -> Exception:
    """The same error, saying what was written and where the answers were kept."""
    if not isinstance(exc, SharewizardError):
        return exc
    said = "" if "Already written" in exc.hint else already_written(list(whole.recorded))
    left = records_in(whole.draft) > len(whole.recorded)
    if whole.recorded and left:
        said += " Resuming the draft does not ask or record those decisions again."
    if box.saved:
        kept = f"Your answers are kept as a draft: {box.path}."
        if left or not whole.recorded:
            kept += f" Continue with `{prog} decide --resume {drafts.id_of(box.path)}`."
    elif box.text:  # the last resort: the person can copy them from the screen
        kept = (
            "Your answers could not be saved anywhere either, so here they are; copy them into "
            f"a file and continue with `decide --resume FILE`:\n\n{box.text}"
        )
    else:
        kept = ""
    return _adding(exc, f"{said} {kept}".strip())


def decide_file(
    catalogue: Catalogue,
    answers: AnswersFile,
    *,
    created_at: str,
    record_id: Callable[[int], str],
) -> list[tuple[Part, Decision, Record]]:
    """Every decision an answers file holds, with no prompts; errors name the file and field.

    `record_id(n)` gives the id of part n (1, 2, ...); `record_id(0)` the sitting's id. The
    draft of a sitting whose first records are written is refused: it would write them again.
    """
    if answers.recorded:
        raise AnswersError(
            f"this is the draft of a sitting whose first decisions are recorded already "
            f"({', '.join(answers.recorded)}); replaying it would record them again.",
            answers.locate("sitting.recorded"),
            "Continue it with `decide --resume FILE`, which asks and records only the others.",
        )
    given = given_of(catalogue, answers)  # each decision's flow is checked first
    session = Session(
        catalogue, ScriptedAsker(), entry_of(catalogue, answers), given=given, strict=True
    )
    try:
        decisions = session.run(review=False)
        if len(session.decisions) < len(answers.parts):
            extra = answers.parts[len(session.decisions)]
            raise AnswersError(
                f"this sitting has {len(session.decisions)} decision(s), but the file gives "
                f"{len(answers.parts)}.",
                Location(field=extra.where or "then"),
                "Remove the decisions the sitting does not reach (a flow reached by hand-off "
                "is part of the decision that reached it), or check the triage's answers.",
            )
    except AnswersError as exc:
        raise answers.located(exc) from None
    records = sitting_records(
        catalogue,
        session,
        decisions,
        sitting_id=record_id(0),
        created_at=lambda: created_at,
        record_id=record_id,
    )
    return [(answers.parts[d.index], d, r) for d, r in zip(decisions, records, strict=True)]
