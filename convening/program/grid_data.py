"""Reads a convening's program from the database as the plain data the grid (grid.py) lays out.

A fixed handful of queries whatever the program's size: slots, rooms, tracks, then sessions with their
speakers loaded alongside.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convening.convenings.models import Convening
from convening.extensions import db
from convening.program import grid
from convening.program.models import ProgramSession, Room, SessionSpeaker, TimeSlot, Track
from convening.program.services import convening_days

COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def load_grid(convening: Convening) -> grid.Grid:
    """The whole program of the convening, every day of its dates (and any slot outside them)."""
    slots = db.session.scalars(select(TimeSlot).where(TimeSlot.convening_id == convening.id))
    rooms = db.session.scalars(
        select(Room).where(Room.convening_id == convening.id).order_by(Room.position, Room.name, Room.id)
    )
    tracks = {
        track.id: grid.Track(track.name, track.color if COLOR.fullmatch(track.color or "") else "")
        for track in db.session.scalars(select(Track).where(Track.convening_id == convening.id))
    }
    sessions = db.session.scalars(
        select(ProgramSession)
        .where(ProgramSession.convening_id == convening.id)
        .options(selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker))
        .order_by(ProgramSession.title, ProgramSession.id)
    )
    return grid.build_grid(
        [
            grid.Slot(
                slot.id,
                convening.local(slot.starts_at),
                convening.local(slot.ends_at),
                slot.kind.value,
                slot.kind.label,
                slot.label,
            )
            for slot in slots
        ],
        [grid.Room(room.id, room.name, room.capacity) for room in rooms],
        [
            grid.Session(
                session.id,
                session.title,
                session.kind.value,
                session.kind.label,
                session.time_slot_id,
                session.room_id,
                session.capacity,
                tuple(grid.Speaker(link.speaker.id, link.speaker.name) for link in session.speakers),
                tracks.get(session.track_id) if session.track_id is not None else None,
            )
            for session in sessions
        ],
        days=convening_days(convening),
    )
