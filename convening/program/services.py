"""Building the program: rooms, tracks, time slots and sessions, and placing sessions in the grid."""

from __future__ import annotations

from datetime import date

from convening.audit.services import Actor, diff, record, snapshot
from convening.convenings.models import Convening
from convening.extensions import db
from convening.program.models import ProgramSession, Room, TimeSlot


class ProgramProblem(ValueError):
    """A change refused as a whole; `problems` says, per form field, what to do about each."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _owned(model: type, convening: Convening, row_id: int | None, field: str, what: str) -> object | None:
    """The row with this id if it belongs to the convening; a problem on `field` otherwise."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or row.convening_id != convening.id:
        raise ProgramProblem({field: f"Choose a {what} of this convening."})
    return row


def place_session(
    convening: Convening,
    session: ProgramSession,
    *,
    time_slot_id: int | None,
    room_id: int | None,
    actor: Actor,
    day: date | None = None,
) -> ProgramSession:
    """Put a session in a slot and a room (None takes it out of either); warnings are the grid's business.

    `day` is the day the person placed it on; a slot of another day is refused rather than silently moved.
    """
    slot = _owned(TimeSlot, convening, time_slot_id, "time_slot_id", "time slot")
    room = _owned(Room, convening, room_id, "room_id", "room")
    if day is not None and isinstance(slot, TimeSlot) and convening.local(slot.starts_at).date() != day:
        slot_day = convening.local(slot.starts_at).strftime("%A %-d %B")
        raise ProgramProblem(
            {"time_slot_id": f"That time slot is on {slot_day}, not {day.strftime('%A %-d %B')}."}
        )
    fields = ("time_slot_id", "room_id")
    before = snapshot(session, fields)
    session.time_slot = slot  # type: ignore[assignment]
    session.room = room  # type: ignore[assignment]
    db.session.flush()
    changes = diff(before, snapshot(session, fields))
    if changes:
        where = " · ".join(
            part
            for part in (
                room.name if isinstance(room, Room) else "no room",
                convening.local(slot.starts_at).strftime("%a %H:%M")
                if isinstance(slot, TimeSlot)
                else "unscheduled",
            )
        )
        record(
            actor,
            "session.placed",
            "session",
            session.id,
            f"Placed “{session.title}”: {where}",
            convening_id=convening.id,
            changes=changes,
        )
    db.session.commit()
    return session
