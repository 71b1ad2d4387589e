"""Automatic timetabling in the console: a proposal beside the program as it stands, with the clashes
before and after, applied only when staff choose to.

The quick proposal is made during the request (well under a second); "Improve" runs CP-SAT as a tracked job,
whose progress page leads to the proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.formatting import clock
from convening.forms import show_problems
from convening.problems import Refused
from convening.program.models import ProgramSession, Room, TimeSlot
from convening.scheduling import timetabling
from convening.scheduling.console_forms import ActionForm, ImproveForm
from convening.scheduling.models import ProposalStatus, TimetableProposal

bp = Blueprint("timetable_console", __name__, url_prefix="/staff/c/<slug:slug>/timetable")


@dataclass(frozen=True)
class Placed:
    session: ProgramSession
    moves: bool = False
    came_from: str = ""


@dataclass(frozen=True)
class Row:
    """A breakout slot and what each room holds in it."""

    slot: TimeSlot
    name: str
    cells: list[tuple[Room, Placed | None]]


@dataclass(frozen=True)
class Timetable:
    rows: list[Row]
    unplaced: list[ProgramSession]
    clashes: int
    affected: int


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _timetable(
    program: timetabling.Program,
    spots: dict[int, tuple[int, int | None]],
    before: dict[int, tuple[int | None, int | None]] | None = None,
) -> Timetable:
    """The slot x room grid of workshops at `spots`; with `before`, the workshops that move are marked."""
    slot_names = {slot.id: program.slot_name(slot) for slot in program.slots}
    short_names = {  # "Round A" or "Tue 1:00 PM": enough beside the grid that shows the full names
        slot.id: slot.label
        or f"{program.convening.local(slot.starts_at):%a} {clock(program.convening.local(slot.starts_at))}"
        for slot in program.slots
    }
    room_names = {room.id: room.name for room in program.rooms}
    at: dict[tuple[int, int | None], ProgramSession] = {}
    unplaced = []
    for session_id, session in program.sessions.items():
        spot = spots.get(session_id)
        if spot is None or spot[1] is None:
            unplaced.append(session)
        else:
            at[spot] = session
    rows = []
    for slot in program.slots:
        cells: list[tuple[Room, Placed | None]] = []
        for room in program.rooms:
            session = at.get((slot.id, room.id))
            placed = None
            if session is not None:
                old = before.get(session.id) if before is not None else None
                moves = before is not None and old != (slot.id, room.id)
                came_from = ""
                if moves and old is not None and old[0] in short_names:
                    came_from = f"{room_names.get(old[1], 'no room')}, {short_names[old[0]]}"
                placed = Placed(session, moves, came_from)
            cells.append((room, placed))
        rows.append(Row(slot, slot_names[slot.id], cells))
    count, affected = program.clashes({key: spot[0] for key, spot in spots.items()})
    return Timetable(rows, unplaced, count, affected)


def _current_spots(program: timetabling.Program) -> dict[int, tuple[int, int | None]]:
    current = program.current
    return {
        session.id: (current[session.id], session.room_id)
        for session in program.sessions.values()
        if session.id in current
    }


def _page(
    convening: Convening,
    *,
    proposal: TimetableProposal | None = None,
    improve_form: ImproveForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    program = timetabling.load_program(convening)
    current_spots = _current_spots(program)
    proposed = None
    if proposal is not None and proposal.status in (ProposalStatus.READY, ProposalStatus.APPLIED):
        placements = timetabling.placements_of(proposal)
        known = {key: spot for key, spot in placements.items() if key in program.sessions}
        before = {
            session.id: (session.time_slot_id, session.room_id) for session in program.sessions.values()
        }
        proposed = _timetable(program, dict(known), before)
    return render_template(
        "scheduling/timetable/index.html",
        convening=convening,
        current=_timetable(program, current_spots),
        proposal=proposal,
        proposed=proposed,
        proposals=timetabling.recent_proposals(convening.id),
        quick_form=ActionForm(),
        improve_form=improve_form or ImproveForm(formdata=None),
        apply_form=ActionForm(),
        rooms=program.rooms,
        has_slots=bool(program.slots),
        has_workshops=bool(program.sessions),
    ), status


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> tuple[str, int]:
    return _page(_convening(slug))


@bp.post("/quick")
@role_required(StaffRole.STAFF)
def quick(slug: str) -> Response:
    """The heuristic's proposal, made during the request."""
    convening = _convening(slug)
    proposal = timetabling.propose(convening, actor=current_actor())
    return redirect(url_for(".proposal", slug=slug, proposal_id=proposal.id), 303)


@bp.post("/improve")
@role_required(StaffRole.STAFF)
def improve(slug: str) -> Response | tuple[str, int]:
    """CP-SAT as a job for the seconds asked; the job's page leads to the proposal."""
    convening = _convening(slug)
    form = ImproveForm()
    if form.validate_on_submit():
        try:
            _proposal, job = timetabling.start_improving(convening, form.seconds.data, actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            return redirect(url_for("jobs.show", job_id=job.id), 303)
    return _page(convening, improve_form=form, status=422)


@bp.get("/proposals/<int:proposal_id>")
@role_required(StaffRole.STAFF)
def proposal(slug: str, proposal_id: int) -> tuple[str, int]:
    convening = _convening(slug)
    return _page(convening, proposal=owned_or_404(TimetableProposal, convening.id, proposal_id))


@bp.post("/proposals/<int:proposal_id>/apply")
@role_required(StaffRole.STAFF)
def apply(slug: str, proposal_id: int) -> Response | tuple[str, int]:
    """Move the workshops as proposed, or show why not; nothing is written unless all of it is."""
    convening = _convening(slug)
    row = owned_or_404(TimetableProposal, convening.id, proposal_id)
    try:
        moved = timetabling.apply(convening, row, actor=current_actor())
    except Refused as error:
        for message in error.problems.values():
            flash(message, "error")
        return _page(convening, proposal=row, status=409)
    flash(f"Applied the timetable: moved {moved} {'workshop' if moved == 1 else 'workshops'}.", "success")
    return redirect(url_for(".index", slug=slug), 303)
