"""The program grid: days by rooms by slots, with the warnings a schedule editor gives.

Sessions move with the form on each card (works without JavaScript, and from the keyboard) or by drag and
drop, which posts JSON to `drop`. Both call program.services.place_session; the grid's warnings never block
a move, they say what to look at next.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.problems import Refused
from convening.program.grid import Card, Grid, quoted
from convening.program.grid_data import load_grid
from convening.program.models import ProgramSession
from convening.program.services import day_name, place_session
from convening.urls import MAX_ROW_ID

bp = Blueprint("program_grid", __name__, url_prefix="/staff/c/<slug:slug>/program/grid")

PROGRAM_ENDPOINT = "program_console.index"


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _session(convening: Convening, session_id: int) -> ProgramSession | None:
    session = db.session.get(ProgramSession, session_id)
    return session if session is not None and session.convening_id == convening.id else None


def _day(grid: Grid, value: str | None) -> date | None:
    """The day asked for if the grid has it, else the first day (a stale or mangled link still lands)."""
    try:
        wanted = date.fromisoformat(value or "")
    except ValueError:
        wanted = None
    if wanted is not None and grid.day(wanted) is not None:
        return wanted
    return grid.days[0].date if grid.days else None


def _render(
    convening: Convening, grid: Grid, day: date | None, problems: dict[int, dict[str, str]] | None = None
) -> str:
    program_url = (
        url_for(PROGRAM_ENDPOINT, slug=convening.slug)
        if PROGRAM_ENDPOINT in current_app.view_functions
        else None
    )
    return render_template(
        "program/console/grid.html",
        convening=convening,
        grid=grid,
        day=grid.day(day) if day else None,
        problems=problems or {},
        program_url=program_url,
        day_name=day_name,
    )


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    grid = load_grid(convening)
    return _render(convening, grid, _day(grid, request.args.get("day")))


def _optional_id(value: Any, field: str, what: str) -> int | None:
    """A form's or JSON's choice of row: empty or null for none, else a row id the database can hold."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID:
        return value
    raise Refused({field: f"Choose a {what} from the list."})


def _moved(card: Card) -> str:
    title = quoted(card.session.title)
    message = f"Moved {title} to {card.where}." if card.where else f"Took {title} out of the grid."
    if card.warnings:
        count = len(card.warnings)
        message += f" {count} {'warning concerns' if count == 1 else 'warnings concern'} it: " + " ".join(
            warning.message for warning in card.warnings
        )
    return message


@bp.post("/sessions/<int:session_id>/move")
@role_required(StaffRole.STAFF)
def move(slug: str, session_id: int) -> Response | tuple[str, int]:
    """The move form on a card: any slot of any day, any room; back to the day the session is now on."""
    convening = _convening(slug)
    session = _session(convening, session_id) or abort(404)
    try:
        place_session(
            convening,
            session,
            time_slot_id=_optional_id(request.form.get("time_slot_id"), "time_slot_id", "time slot"),
            room_id=_optional_id(request.form.get("room_id"), "room_id", "room"),
            actor=current_actor(),
        )
    except Refused as error:
        db.session.rollback()
        grid = load_grid(convening)
        slot = grid.cards[session_id].slot  # the form is on the card, on the session's day
        day = slot.day.isoformat() if slot else request.form.get("view_day")
        return _render(convening, grid, _day(grid, day), {session_id: error.problems}), 422
    card = load_grid(convening).cards[session_id]
    flash(_moved(card), "success")
    day = card.slot.day if card.slot else request.form.get("view_day")
    return redirect(url_for(".index", slug=slug, day=day, _anchor=f"session-{session_id}"), 303)


def _refused(status: int, error: str, problems: dict[str, str]) -> tuple[Response, int]:
    return jsonify(error=error, problems=problems), status


@bp.post("/drop")
@role_required(StaffRole.STAFF)
def drop(slug: str) -> tuple[Response, int]:
    """A card dropped on a cell: JSON {session_id, time_slot_id, room_id, day} in, the new warnings out.

    `day` is the day of the page it was dropped on; a slot of another day is refused, not moved across.
    """
    convening = _convening(slug)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _refused(400, "Send the move as a JSON object.", {})
    try:
        session_id = _optional_id(payload.get("session_id"), "session_id", "session")
        slot_id = _optional_id(payload.get("time_slot_id"), "time_slot_id", "time slot")
        room_id = _optional_id(payload.get("room_id"), "room_id", "room")
        day_text = payload.get("day")
        day = date.fromisoformat(day_text) if isinstance(day_text, str) and day_text else None
    except Refused as error:
        return _refused(400, str(error), error.problems)
    except ValueError:
        return _refused(400, "Give the day as YYYY-MM-DD.", {"day": "Give the day as YYYY-MM-DD."})
    session = _session(convening, session_id) if session_id is not None else None
    if session is None:
        message = "That session is not in this program any more. Reload the page."
        return _refused(404, message, {"session_id": message})
    try:
        place_session(
            convening, session, time_slot_id=slot_id, room_id=room_id, actor=current_actor(), day=day
        )
    except Refused as error:
        db.session.rollback()
        return _refused(422, f"{quoted(session.title)} was not moved. {error}", error.problems)
    grid = load_grid(convening)
    card = grid.cards[session.id]
    return jsonify(
        message=_moved(card),
        session={"id": session.id, "time_slot_id": slot_id, "room_id": room_id},
        warnings=[warning.as_json() for warning in grid.warnings],
    ), 200
