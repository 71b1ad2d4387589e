"""Automatic timetabling against the database: the solver's Problem from the program, proposals kept as
TimetableProposal rows, and applying one to the program in one transaction.

What the solver is given:
- slots: the convening's BREAKOUT time slots; rooms: all its rooms. A room without a capacity is treated as
  seating everyone (the largest need and the confirmed head count, whichever is more), so it never limits;
- workshops: the convening's breakout sessions. Each needs its own capacity when staff set one, else as
  many seats as confirmed people want it so far (stars and ranked choices), at least 1;
- speakers: from the sessions' speakers, available in every breakout slot but those recorded as
  SpeakerUnavailability;
- pins: a pinned session keeps its slot, and its room when it has one;
- interests: per confirmed registration, the workshops they starred or ranked.

Timetabling is for before sign-ups open: moving a workshop to another slot would break the seats and
rankings people hold in its slot, so applying is refused while any workshop that would change slot has a
seat, a waiting place or a ranked choice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from convening.audit.services import Actor, record
from convening.convenings.models import Convening
from convening.extensions import db
from convening.jobs import start
from convening.jobs.models import Job
from convening.problems import Refused
from convening.program.models import ProgramSession, Room, SessionKind, SessionSpeaker, TimeSlot
from convening.program.models import Speaker as SpeakerRow
from convening.program.services import slot_name
from convening.registration.models import Registration, RegistrationStatus
from convening.registration.services import lock_convening
from convening.scheduling.models import (
    ProposalStatus,
    SpeakerUnavailability,
    TimetableProposal,
    WorkshopChoice,
    WorkshopInterest,
    WorkshopSeat,
)
from convening.scheduling.seats import breakout_slots
from convening.scheduling.solvers import timetable
from convening.scheduling.solvers.timetable import Problem, Proposal, TimetableProblem
from convening.sqltypes import utcnow

QUICK_SECONDS = 0.05
MIN_SECONDS, MAX_SECONDS = 1, 60
RECENT_PROPOSALS = 5


# --- the problem from the program ------------------------------------------------------------------------


@dataclass
class Program:
    """The breakout program as it stands, and the solver's view of it."""

    convening: Convening
    slots: list[TimeSlot]
    rooms: list[Room]
    sessions: dict[int, ProgramSession]  # the breakout workshops by id
    problem: Problem

    def slot_name(self, slot: TimeSlot) -> str:
        return slot_name(self.convening, slot)

    @property
    def current(self) -> dict[int, int]:
        """Workshop id -> breakout slot id, for the workshops placed in a breakout slot now."""
        breakout = {slot.id for slot in self.slots}
        return {
            session.id: session.time_slot_id
            for session in self.sessions.values()
            if session.time_slot_id in breakout
        }

    def clashes(self, slot_of: dict[int, int]) -> tuple[int, int]:
        """(clash count, attendees affected)."""
        return timetable.clashes(self.problem, slot_of)


def _interests(convening_id: int) -> dict[int, frozenset[int]]:
    """Per confirmed registration, the workshops they starred or ranked."""
    confirmed = select(Registration.id).where(
        Registration.convening_id == convening_id, Registration.status == RegistrationStatus.CONFIRMED
    )
    wanted: dict[int, set[int]] = defaultdict(set)
    for model in (WorkshopInterest, WorkshopChoice):
        rows = db.session.execute(
            select(model.registration_id, model.session_id).where(model.registration_id.in_(confirmed))
        )
        for registration_id, session_id in rows:
            wanted[registration_id].add(session_id)
    return {registration_id: frozenset(ids) for registration_id, ids in wanted.items()}


def load_program(convening: Convening) -> Program:
    """The program in a few queries, as plain data for the solver."""
    slots = breakout_slots(convening.id)
    rooms = list(
        db.session.scalars(
            select(Room).where(Room.convening_id == convening.id).order_by(Room.position, Room.name, Room.id)
        )
    )
    sessions = {
        session.id: session
        for session in db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.convening_id == convening.id, ProgramSession.kind == SessionKind.BREAKOUT)
            .options(selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker))
            .order_by(ProgramSession.title, ProgramSession.id)
        )
    }
    interests = _interests(convening.id)
    demand: dict[int, int] = defaultdict(int)
    for wanted in interests.values():
        for session_id in wanted:
            demand[session_id] += 1
    needs = {
        session.id: max(1, session.capacity if session.capacity is not None else demand[session.id])
        for session in sessions.values()
    }
    speakers: dict[int, SpeakerRow] = {
        link.speaker_id: link.speaker for session in sessions.values() for link in session.speakers
    }
    away: dict[int, set[int]] = defaultdict(set)
    if speakers:
        for speaker_id, slot_id in db.session.execute(
            select(SpeakerUnavailability.speaker_id, SpeakerUnavailability.time_slot_id).where(
                SpeakerUnavailability.speaker_id.in_(speakers)
            )
        ):
            away[speaker_id].add(slot_id)
    slot_ids = frozenset(slot.id for slot in slots)
    confirmed = db.session.scalar(
        select(func.count()).where(
            Registration.convening_id == convening.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    everyone = max([1, confirmed or 0, *needs.values()])
    program = Program(convening, slots, rooms, sessions, Problem(slots=(), rooms=(), workshops=()))
    program.problem = Problem(
        slots=tuple(timetable.Slot(slot.id, program.slot_name(slot)) for slot in slots),
        rooms=tuple(
            timetable.Room(room.id, room.name, room.capacity if room.capacity is not None else everyone)
            for room in rooms
        ),
        workshops=tuple(
            timetable.Workshop(
                id=session.id,
                title=session.title,
                need=needs[session.id],
                speaker_ids=frozenset(link.speaker_id for link in session.speakers),
                pinned_slot=session.time_slot_id if session.pinned else None,
                pinned_room=session.room_id if session.pinned else None,
            )
            for session in sessions.values()
        ),
        speakers=tuple(
            timetable.Speaker(
                speaker.id, speaker.name, (slot_ids - away[speaker.id]) if away[speaker.id] else None
            )
            for speaker in speakers.values()
        ),
        interests=interests,
    )
    return program


# --- proposals -------------------------------------------------------------------------------------------


def _proposal_row(convening: Convening, actor: Actor, status: ProposalStatus) -> TimetableProposal:
    row = TimetableProposal(convening_id=convening.id, status=status, created_by_label=actor.label[:300])
    db.session.add(row)
    return row


def _keep(row: TimetableProposal, program: Program, found: Proposal) -> None:
    row.status = ProposalStatus.READY
    row.placements = {
        str(workshop_id): [spot.slot_id, spot.room_id] for workshop_id, spot in found.placements.items()
    }
    row.clashes_before = program.clashes(program.current)[0]
    row.clashes_after = found.clashes
    row.bound = found.bound
    row.optimal = found.optimal
    row.problems = []


def _failed(row: TimetableProposal, error: TimetableProblem) -> None:
    row.status = ProposalStatus.FAILED
    row.problems = list(error.messages)


def solve(program: Program, seconds: float | None, progress: timetable.Progress | None = None) -> Proposal:
    """The quick proposal, improved by CP-SAT for `seconds` when given. Raises TimetableProblem."""
    found = timetable.propose(program.problem, deadline=QUICK_SECONDS)
    if seconds:
        found = timetable.improve(program.problem, found, time_limit=seconds, progress=progress)
    return found


def propose(
    convening: Convening, *, actor: Actor, seconds: float | None = None, program: Program | None = None
) -> TimetableProposal:
    """A proposal made in this process: READY, or FAILED with what to change. Writes only the proposal;
    commits."""
    program = program or load_program(convening)
    row = _proposal_row(convening, actor, ProposalStatus.RUNNING)
    try:
        _keep(row, program, solve(program, seconds))
    except TimetableProblem as error:
        _failed(row, error)
    db.session.commit()
    return row


def check_seconds(seconds: Any) -> int:
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise Refused({"seconds": f"Choose a whole number of seconds from {MIN_SECONDS} to {MAX_SECONDS}."})
    return seconds


def start_improving(convening: Convening, seconds: int, *, actor: Actor) -> tuple[TimetableProposal, Job]:
    """Record a RUNNING proposal and improve it by CP-SAT as a tracked job. Commits; Refused for bad
    seconds."""
    check_seconds(seconds)
    row = _proposal_row(convening, actor, ProposalStatus.RUNNING)
    db.session.commit()
    job = start(
        "timetable", improve_job, row.id, seconds, convening_id=convening.id, created_by_id=actor.staff_id
    )
    return row, job


def _in_app(app: Flask, progress: Callable[..., None]) -> timetable.Progress:
    """The solver reports from its own threads, outside any app context: give each report one."""

    def report(used: float, best: int, bound: int) -> None:
        with app.app_context():
            progress(
                round(100 * used),
                100,
                f"Best timetable so far: {best} clashes; no timetable can have fewer than {bound}.",
            )

    return report


def improve_job(proposal_id: int, seconds: int, *, progress: Callable[..., None]) -> dict[str, Any]:
    """The job: the quick proposal, then CP-SAT for `seconds`, kept on the proposal's row."""
    row = db.session.get(TimetableProposal, proposal_id)
    convening = db.session.get(Convening, row.convening_id)
    slug = convening.slug
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        program = load_program(convening)
        db.session.commit()  # nothing open while the solver runs: progress writes on its own connection
        progress(0, 100, "Finding a first timetable", force=True)
        try:
            _keep(row, program, solve(program, seconds, _in_app(app, progress)))
        except TimetableProblem as error:
            _failed(row, error)
        db.session.commit()
    except Exception:
        db.session.rollback()
        row = db.session.get(TimetableProposal, proposal_id, populate_existing=True)
        row.status = ProposalStatus.FAILED
        row.problems = ["The timetabling stopped on an error; try again, and tell support if it recurs."]
        db.session.commit()
        raise
    return {"next": ["timetable_console.proposal", {"slug": slug, "proposal_id": proposal_id}]}


def recent_proposals(convening_id: int) -> list[TimetableProposal]:
    return list(
        db.session.scalars(
            select(TimetableProposal)
            .where(TimetableProposal.convening_id == convening_id)
            .order_by(TimetableProposal.created_at.desc(), TimetableProposal.id.desc())
            .limit(RECENT_PROPOSALS)
        )
    )


def placements_of(row: TimetableProposal) -> dict[int, tuple[int, int]]:
    return {int(key): (value[0], value[1]) for key, value in (row.placements or {}).items()}


# --- applying a proposal ---------------------------------------------------------------------------------


def _quoted(title: str) -> str:
    return f"“{title}”"


def _signed_up_elsewhere(session_ids: dict[int, int]) -> set[int]:
    """The workshops, of those moving to the given slots, with seats or rankings in another slot."""
    if not session_ids:
        return set()
    found: set[int] = set()
    for model in (WorkshopSeat, WorkshopChoice):
        rows = db.session.execute(
            select(model.session_id, model.time_slot_id).where(model.session_id.in_(session_ids)).distinct()
        )
        found.update(session_id for session_id, slot_id in rows if slot_id != session_ids[session_id])
    return found


def _check(program: Program, placements: dict[int, tuple[int, int]]) -> list[str]:
    """What, in the program as it stands, stops the placements from being applied as a whole."""
    problems: list[str] = []
    slots = {slot.id: slot for slot in program.slots}
    rooms = {room.id: room for room in program.rooms}
    sessions = program.sessions
    again = "Make a new proposal."
    for session_id, (slot_id, room_id) in placements.items():
        if session_id not in sessions:
            problems.append(f"A workshop of this proposal was deleted or is no longer a breakout. {again}")
        elif slot_id not in slots:
            problems.append(
                f"The slot proposed for {_quoted(sessions[session_id].title)} was deleted. {again}"
            )
        elif room_id not in rooms:
            problems.append(
                f"The room proposed for {_quoted(sessions[session_id].title)} was deleted. {again}"
            )
    if problems:
        return problems
    for session in sessions.values():
        if session.id not in placements:
            problems.append(f"{_quoted(session.title)} was added since this proposal. {again}")
            continue
        slot_id, room_id = placements[session.id]
        room = rooms[room_id]
        kept = (session.time_slot_id or slot_id, session.room_id or room_id)  # what a pin holds
        if session.pinned and kept != (slot_id, room_id):
            problems.append(f"{_quoted(session.title)} was pinned since where it is now. {again}")
        if room.capacity is not None:
            wanted = session.capacity if session.capacity is not None else session.seats_taken
            if wanted > room.capacity:
                problems.append(
                    f"{_quoted(session.title)} now needs {wanted} seats, more than {room.name} seats "
                    f"({room.capacity}). {again}"
                )
    taken: dict[tuple[int, int], str] = {}
    others = db.session.execute(
        select(ProgramSession.title, ProgramSession.time_slot_id, ProgramSession.room_id).where(
            ProgramSession.convening_id == program.convening.id,
            ProgramSession.kind != SessionKind.BREAKOUT,
            ProgramSession.time_slot_id.in_(slots),
            ProgramSession.room_id.is_not(None),
        )
    )
    for title, slot_id, room_id in others:
        taken[(slot_id, room_id)] = title
    for session_id, spot in sorted(placements.items()):
        if spot in taken:
            problems.append(
                f"{_quoted(sessions[session_id].title)} and {_quoted(taken[spot])} would share "
                f"{rooms[spot[1]].name} in {program.slot_name(slots[spot[0]])}. {again}"
            )
        taken[spot] = sessions[session_id].title
    available = {speaker.id: speaker.available for speaker in program.problem.speakers}
    speaking: dict[tuple[int, int], str] = {}
    for session_id, (slot_id, _room_id) in sorted(placements.items()):
        for link in sessions[session_id].speakers:
            name, title = link.speaker.name, sessions[session_id].title
            if available.get(link.speaker_id) is not None and slot_id not in available[link.speaker_id]:
                problems.append(
                    f"{name} cannot make {program.slot_name(slots[slot_id])}, proposed for "
                    f"{_quoted(title)}. {again}"
                )
            other = speaking.setdefault((link.speaker_id, slot_id), title)
            if other != title:
                problems.append(
                    f"{name} would speak in {_quoted(other)} and {_quoted(title)} at the same time. {again}"
                )
    moving = {
        session_id: slot_id
        for session_id, (slot_id, _room) in placements.items()
        if sessions[session_id].time_slot_id != slot_id
    }
    for session_id in sorted(_signed_up_elsewhere(moving)):
        problems.append(
            f"{_quoted(sessions[session_id].title)} would change slot, but people have already signed up "
            "for it or ranked it there. Timetable before sign-ups open, or pin the workshops people have "
            "signed up for and make a new proposal."
        )
    return problems


def apply(convening: Convening, row: TimetableProposal, *, actor: Actor) -> int:
    """Move the workshops to their proposed slots and rooms, all or none, each move audited; the number
    moved. Refused when the proposal is not ready or the program changed since in a way that breaks it.
    Commits."""
    lock_convening(convening.id)  # no sign-up or second apply slips in between the checks and the moves
    db.session.refresh(row)
    if row.status != ProposalStatus.READY:
        db.session.rollback()
        raise Refused({"proposal": "Only a ready proposal can be applied; make a new proposal."})
    program = load_program(convening)
    placements = placements_of(row)
    problems = _check(program, placements)
    if problems:
        db.session.rollback()
        raise Refused({f"problem-{number}": text for number, text in enumerate(problems)})
    slots = {slot.id: slot for slot in program.slots}
    rooms = {room.id: room for room in program.rooms}
    moved = 0
    for session_id, (slot_id, room_id) in sorted(placements.items()):
        session = program.sessions[session_id]
        if (session.time_slot_id, session.room_id) == (slot_id, room_id):
            continue
        session.time_slot_id, session.room_id = slot_id, room_id
        moved += 1
        record(
            actor,
            "session.timetable",
            "session",
            session.id,
            f"Timetabling moved {_quoted(session.title)} to {rooms[room_id].name}, "
            f"{program.slot_name(slots[slot_id])}",
            convening_id=convening.id,
        )
    row.status, row.applied_at = ProposalStatus.APPLIED, utcnow()
    record(
        actor,
        "timetable.apply",
        "timetable_proposal",
        row.id,
        f"Applied timetable proposal {row.id}: moved {moved} workshops, {row.clashes_after} clashes "
        f"(were {row.clashes_before})",
        convening_id=convening.id,
    )
    db.session.commit()
    return moved


# --- pins and availability, from the program's forms ------------------------------------------------------


def set_pinned(convening: Convening, session: ProgramSession, pinned: bool, *, actor: Actor) -> bool:
    """Pin or unpin a session for timetabling; False when unchanged. Commits."""
    if session.pinned == pinned:
        return False
    session.pinned = pinned
    record(
        actor,
        "session.pin" if pinned else "session.unpin",
        "session",
        session.id,
        f"{'Pinned' if pinned else 'Unpinned'} {_quoted(session.title)} for timetabling",
        convening_id=convening.id,
    )
    db.session.commit()
    return True


def unavailable_slots(speaker: SpeakerRow) -> set[int]:
    return set(
        db.session.scalars(
            select(SpeakerUnavailability.time_slot_id).where(SpeakerUnavailability.speaker_id == speaker.id)
        )
    )


def set_availability(convening: Convening, speaker: SpeakerRow, can_make: set[int], *, actor: Actor) -> bool:
    """Record the breakout slots the speaker cannot make (every breakout slot not in `can_make`); False
    when unchanged. Commits."""
    slots = breakout_slots(convening.id)
    cannot = {slot.id for slot in slots if slot.id not in can_make}
    before = unavailable_slots(speaker)
    if before == cannot:
        return False
    for row in db.session.scalars(
        select(SpeakerUnavailability).where(SpeakerUnavailability.speaker_id == speaker.id)
    ):
        if row.time_slot_id not in cannot:
            db.session.delete(row)
    for slot_id in sorted(cannot - before):
        db.session.add(SpeakerUnavailability(speaker_id=speaker.id, time_slot_id=slot_id))
    names = {slot.id: slot_name(convening, slot) for slot in slots}
    summary = "; ".join(names[slot_id] for slot_id in sorted(cannot, key=list(names).index)) or "none"
    record(
        actor,
        "speaker.availability",
        "speaker",
        speaker.id,
        f"Changed when {speaker.name} can speak: cannot make {summary}",
        convening_id=convening.id,
    )
    db.session.commit()
    return True
