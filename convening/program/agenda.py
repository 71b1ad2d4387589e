"""The program as attendees read it: days, their time slots and the sessions in each, with rooms and speakers.

One loading function feeds every view of the agenda (web pages, ICS, JSON, PDF) so they never disagree.
Only scheduled sessions (with a time slot) are on the agenda; a session may lack a room ("room to be
announced"). Times are the convening's local times.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convening.convenings.models import Convening
from convening.extensions import db
from convening.program.models import ProgramSession, Room, SessionSpeaker, SlotKind, Speaker, TimeSlot, Track


@dataclass
class AgendaSlot:
    slot: TimeSlot
    starts: datetime  # local
    ends: datetime  # local
    sessions: list[ProgramSession] = field(default_factory=list)  # by room order, then title

    def is_on(self, now: datetime) -> bool:
        return self.slot.starts_at <= now < self.slot.ends_at


@dataclass
class AgendaDay:
    day: date
    slots: list[AgendaSlot] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"day-{self.day.isoformat()}"


@dataclass
class Agenda:
    convening: Convening
    days: list[AgendaDay]
    rooms: list[Room]  # every room of the convening, in the staff's order
    tracks: list[Track]

    def sessions(self) -> Iterator[tuple[AgendaSlot, ProgramSession]]:
        for day in self.days:
            for slot in day.slots:
                for session in slot.sessions:
                    yield slot, session

    def day(self, day: date) -> AgendaDay | None:
        return next((item for item in self.days if item.day == day), None)

    def happening_now(self, now: datetime) -> list[AgendaSlot]:
        """The slots under way at `now` (UTC); empty outside the convening's hours."""
        return [slot for day in self.days for slot in day.slots if slot.is_on(now)]

    def up_next(self, now: datetime) -> AgendaSlot | None:
        """The next slot to start after `now`, during the convening's days only (for "up next")."""
        upcoming = (slot for day in self.days for slot in day.slots if slot.slot.starts_at > now)
        following = next(upcoming, None)
        if following is None or following.slot.starts_at - now > timedelta(hours=18):
            return None
        return following

    def speakers(self) -> list[Speaker]:
        """Everyone who speaks in a scheduled session, by name."""
        seen: dict[int, Speaker] = {}
        for _, session in self.sessions():
            for link in session.speakers:
                seen.setdefault(link.speaker_id, link.speaker)
        return sorted(seen.values(), key=lambda speaker: speaker.name.casefold())


def _session_options() -> tuple:
    return (
        selectinload(ProgramSession.speakers)
        .selectinload(SessionSpeaker.speaker)
        .selectinload(Speaker.photo),
        selectinload(ProgramSession.track),
        selectinload(ProgramSession.room),
        selectinload(ProgramSession.time_slot),
    )


def load_agenda(convening: Convening, *, track_id: int | None = None) -> Agenda:
    """Every day of the convening with its slots and their sessions; `track_id` keeps one track's sessions
    (and the plenaries, meals and breaks that everyone attends)."""
    slots = db.session.scalars(
        select(TimeSlot)
        .where(TimeSlot.convening_id == convening.id)
        .order_by(TimeSlot.starts_at, TimeSlot.ends_at, TimeSlot.id)
    ).all()
    query = (
        select(ProgramSession)
        .where(ProgramSession.convening_id == convening.id, ProgramSession.time_slot_id.is_not(None))
        .options(*_session_options())
    )
    if track_id is not None:
        query = query.where((ProgramSession.track_id == track_id) | ProgramSession.track_id.is_(None))
    rooms = db.session.scalars(
        select(Room).where(Room.convening_id == convening.id).order_by(Room.position, Room.name)
    ).all()
    room_order = {room.id: index for index, room in enumerate(rooms)}
    by_slot: dict[int, list[ProgramSession]] = {}
    for session in db.session.scalars(query):
        by_slot.setdefault(session.time_slot_id or 0, []).append(session)

    days = {
        convening.starts_on + timedelta(days=offset): AgendaDay(convening.starts_on + timedelta(days=offset))
        for offset in range((convening.ends_on - convening.starts_on).days + 1)
    }
    for slot in slots:
        starts, ends = convening.local(slot.starts_at), convening.local(slot.ends_at)
        sessions = sorted(
            by_slot.get(slot.id, []),
            key=lambda s: (
                room_order.get(s.room_id, len(room_order)) if s.room_id else len(room_order),
                s.title,
            ),
        )
        # A slot staff placed outside the convening's dates still shows, on its own day.
        days.setdefault(starts.date(), AgendaDay(starts.date())).slots.append(
            AgendaSlot(slot, starts, ends, sessions)
        )
    tracks = db.session.scalars(
        select(Track).where(Track.convening_id == convening.id).order_by(Track.position, Track.name)
    ).all()
    return Agenda(convening, [days[day] for day in sorted(days)], list(rooms), list(tracks))


def load_session(convening: Convening, session_id: int) -> ProgramSession | None:
    """One session of the convening with its speakers, room, track and slot."""
    session = db.session.scalar(
        select(ProgramSession)
        .where(ProgramSession.id == session_id, ProgramSession.convening_id == convening.id)
        .options(*_session_options())
    )
    return session


def roster(convening: Convening) -> list[Speaker]:
    """The convening's speakers by name, with their sessions (scheduled ones first, in time order)."""
    speakers = db.session.scalars(
        select(Speaker)
        .where(Speaker.convening_id == convening.id)
        .options(
            selectinload(Speaker.photo),
            selectinload(Speaker.sessions)
            .selectinload(SessionSpeaker.session)
            .options(selectinload(ProgramSession.time_slot), selectinload(ProgramSession.room)),
        )
    ).all()
    return sorted(speakers, key=lambda speaker: speaker.name.casefold())


def speaker_sessions(speaker: Speaker, *, unscheduled: bool = False) -> list[SessionSpeaker]:
    """A speaker's sessions in time order, then by title; unscheduled ones (not on the agenda) only for staff.

    With `unscheduled`, those come last, by title.
    """
    links = [link for link in speaker.sessions if unscheduled or link.session.time_slot is not None]

    def order(link: SessionSpeaker) -> tuple:
        slot, session = link.session.time_slot, link.session
        return (0, slot.starts_at, session.title, session.id) if slot else (1, session.title, session.id)

    return sorted(links, key=order)


def load_track(convening: Convening, track_id: int) -> Track | None:
    """A track of this convening, for a filter; None for another convening's track or no track at all."""
    track = db.session.get(Track, track_id)
    return track if track is not None and track.convening_id == convening.id else None


def breakout_rooms(day: AgendaDay) -> list[Room | None]:
    """The rooms a day's breakout slots use, in the staff's order: the agenda's columns on wide screens.

    None stands for "room to be announced" and comes last when a breakout session has no room yet.
    """
    rooms: dict[int, Room] = {}
    unplaced = False
    for slot in day.slots:
        if slot.slot.kind != SlotKind.BREAKOUT:
            continue
        for session in slot.sessions:
            if session.room is None:
                unplaced = True
            else:
                rooms.setdefault(session.room.id, session.room)
    ordered: list[Room | None] = sorted(rooms.values(), key=lambda room: (room.position, room.name))
    return [*ordered, None] if unplaced else ordered
