"""Building the program: rooms, tracks, time slots and sessions, and placing sessions in the grid.

Every change is checked as a whole before anything is written: a refused change raises Refused with a
message per form field, and an accepted one commits with its audit entry. Audit diffs use organizers' words
(room and track names, slot times on the convening's clock), not ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from convening.audit.services import Actor, diff, record, record_move, snapshot
from convening.convenings.models import Convening
from convening.extensions import db
from convening.formatting import clock
from convening.ordering import renumber
from convening.problems import Refused
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)
from convening.registration.services import lock_convening
from convening.scheduling.models import WorkshopChoice, WorkshopSeat

# Longest text each field keeps; the forms use the same limits, so a message comes before the database.
ROOM_NAME_LIMIT = 120
FLOOR_LIMIT = 60
ACCESSIBILITY_LIMIT = 2000
TRACK_NAME_LIMIT = 120
SLOT_LABEL_LIMIT = 120
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 10_000
MAX_CAPACITY = 1_000_000
COLOR = re.compile(r"#[0-9a-f]{6}")
COLOR_PROBLEM = "Enter a colour like #2f6f4f (a # and six letters or digits), or leave it blank."


Owned = TypeVar("Owned", Room, Track, TimeSlot, Speaker)


def _owned(
    model: type[Owned], convening: Convening, row_id: int | None, field: str, what: str
) -> Owned | None:
    """The row with this id if it belongs to the convening; a problem on `field` otherwise.

    An id of another convening (a form edited by hand, a stale tab) reads like any unknown id.
    """
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or row.convening_id != convening.id:
        raise Refused({field: f"Choose a {what} of this convening."})
    return row


def _signups_stay(session: ProgramSession, time_slot_id: int | None) -> None:
    """A workshop people have seats, waiting places or ranked choices in keeps its slot: they signed up for
    that time. Refused with the count, so staff move or release them first (Breakouts)."""
    if session.id is None or session.time_slot_id == time_slot_id:
        return
    tied = sum(
        db.session.scalar(select(func.count()).select_from(model).where(model.session_id == session.id)) or 0
        for model in (WorkshopSeat, WorkshopChoice)
    )
    if tied:
        raise Refused(
            {
                "time_slot_id": f"People signed up for this workshop at its time ({tied:,} seats, waiting "
                "places or ranked choices): move them in Breakouts before moving it to another slot."
            }
        )


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
    _signups_stay(session, time_slot_id)
    if day is not None and slot is not None and convening.local(slot.starts_at).date() != day:
        slot_day = convening.local(slot.starts_at).strftime("%A %-d %B")
        raise Refused({"time_slot_id": f"That time slot is on {slot_day}, not {day.strftime('%A %-d %B')}."})
    fields = ("time_slot_id", "room_id")
    before = snapshot(session, fields)
    session.time_slot = slot
    session.room = room
    db.session.flush()
    changes = diff(before, snapshot(session, fields))
    if changes:
        where = " · ".join(
            (
                room.name if room is not None else "no room",
                convening.local(slot.starts_at).strftime("%a %H:%M") if slot is not None else "unscheduled",
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


# --- how slots read -----------------------------------------------------------------------------------


def day_name(day: date) -> str:
    """'Tuesday, June 15'."""
    return f"{day:%A, %B} {day.day}"


def slot_times(convening: Convening, slot: TimeSlot) -> str:
    """'Tuesday, June 15, 9:00 AM – 10:30 AM' on the convening's clock."""
    starts, ends = convening.local(slot.starts_at), convening.local(slot.ends_at)
    return f"{day_name(starts.date())}, {clock(starts)} – {clock(ends)}"


def slot_title(slot: TimeSlot) -> str:
    """'Plenary: Opening plenary', or just the kind for a slot without a label."""
    return f"{slot.kind.label}: {slot.label}" if slot.label else slot.kind.label


def slot_name(convening: Convening, slot: TimeSlot) -> str:
    """'Breakouts: Round one, Tuesday, June 15, 1:30 PM – 3:00 PM': a slot among slots of every kind."""
    return f"{slot_title(slot)}, {slot_times(convening, slot)}"


def convening_days(convening: Convening) -> list[date]:
    return [
        convening.starts_on + timedelta(days=offset)
        for offset in range((convening.ends_on - convening.starts_on).days + 1)
    ]


# --- what staff enter -----------------------------------------------------------------------------------


@dataclass
class RoomDetails:
    name: str
    capacity: int | None = None  # None: not known, or no limit
    floor: str = ""
    accessibility_notes: str = ""


@dataclass
class TrackDetails:
    name: str
    color: str = ""  # "#rrggbb", or "" for none


@dataclass
class SlotDetails:
    """A slot's times, aware (UTC or any zone); its day is the convening-local day it starts on."""

    starts_at: datetime
    ends_at: datetime
    kind: SlotKind
    label: str = ""


@dataclass
class SessionDetails:
    kind: SessionKind
    title: str
    description: str = ""
    track_id: int | None = None
    time_slot_id: int | None = None
    room_id: int | None = None
    capacity: int | None = None  # None: the room's


ROOM_FIELDS = ("name", "capacity", "floor", "accessibility_notes")
TRACK_FIELDS = ("name", "color")


def _check_text(problems: dict[str, str], name: str, value: str, limit: int, blank: str | None) -> None:
    """A problem for a required field left blank (when `blank` is its message) or text over its limit."""
    if blank is not None and not value.strip():
        problems[name] = blank
    elif len(value) > limit:
        problems[name] = f"Keep this under {limit} characters."


def _check_capacity(problems: dict[str, str], capacity: int | None, blank: str) -> None:
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        problems["capacity"] = f"Enter a number of people from 0 to {MAX_CAPACITY:,}, or {blank}."


def _next_position(model: type[Room] | type[Track], convening: Convening) -> int:
    last = db.session.scalar(select(func.max(model.position)).where(model.convening_id == convening.id))
    return (last if last is not None else -1) + 1


def _flush_named(field: str, taken: str) -> None:
    """Flush, turning a name taken by a concurrent change into the same message as a checked one."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Refused({field: taken}) from None


def _name_taken(what: str, name: str) -> str:
    return f"Another {what} is already called “{name}”. Choose a different name."


def _save_named(
    convening: Convening,
    row: Room | Track,
    details: RoomDetails | TrackDetails,
    check: Callable[[Convening, Any, int | None], None],
    fields: tuple[str, ...],
    *,
    what: str,
    actor: Actor,
) -> bool:
    """Check and save a room's or track's details with their audit entry; False when nothing changed. Commits.

    Rooms and tracks are edited alike (a unique name, a few plain fields); a row without an id is new and
    is added. `check(convening, details, own_id)` raises Refused for unacceptable details.
    """
    check(convening, details, row.id)
    creating = row.id is None
    before = snapshot(row, fields)
    for name in fields:
        setattr(row, name, getattr(details, name))
    if creating:
        db.session.add(row)
        changes = _created(row, fields)
    else:
        changes = diff(before, snapshot(row, fields))
        if not changes:
            db.session.rollback()
            return False
    _flush_named("name", _name_taken(what, details.name))
    if creating:
        action, summary = f"{what}.create", f"Added the {what} {row.name}"
    else:
        changed = ", ".join(name.replace("_", " ") for name in changes)
        action, summary = f"{what}.update", f"Changed the {what} {row.name}: {changed}"
    record(actor, action, what, row.id, summary, convening_id=convening.id, changes=changes)
    db.session.commit()
    return True


def _created(row: object, names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [None, value] for name, value in snapshot(row, names).items() if value not in (None, "")}


def _deleted(values: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [value, None] for name, value in values.items() if value not in (None, "")}


def _delete_leaving_sessions(
    convening: Convening,
    row: Room | Track | TimeSlot,
    sessions: list[ProgramSession],
    *,
    attribute: str,
    was: str,
    lost: Callable[[ProgramSession], str],
    summary: str,
    values: dict[str, Any],
    actor: Actor,
) -> list[ProgramSession]:
    """Delete a room, track or slot whose sessions stay in the program without it. Commits; returns them.

    Each session's history says what it lost (`lost`), so nobody wonders later why it has no room.
    """
    for session in sessions:
        setattr(session, attribute, None)
        record(
            actor,
            "session.update",
            "session",
            session.id,
            lost(session),
            convening_id=convening.id,
            changes={attribute: [was, None]},
        )
    record(
        actor,
        f"{attribute}.delete",
        attribute,  # the sessions' attribute is named as the row's audit subject: room, track, time_slot
        row.id,
        summary,
        convening_id=convening.id,
        changes=_deleted(values),
    )
    db.session.delete(row)
    db.session.commit()
    return sessions


def _sessions_where(*conditions: Any) -> list[ProgramSession]:
    return list(db.session.scalars(select(ProgramSession).where(*conditions).order_by(ProgramSession.title)))


# --- rooms --------------------------------------------------------------------------------------------------


def rooms_of(convening: Convening) -> list[Room]:
    return list(
        db.session.scalars(
            select(Room).where(Room.convening_id == convening.id).order_by(Room.position, Room.id)
        )
    )


def _check_room(convening: Convening, details: RoomDetails, own_id: int | None) -> None:
    problems: dict[str, str] = {}
    _check_text(problems, "name", details.name, ROOM_NAME_LIMIT, "Enter the room’s name.")
    if "name" not in problems and any(
        room.id != own_id and room.name.casefold() == details.name.casefold() for room in rooms_of(convening)
    ):
        problems["name"] = _name_taken("room", details.name)
    _check_capacity(problems, details.capacity, "leave it blank if it has no set limit")
    _check_text(problems, "floor", details.floor, FLOOR_LIMIT, None)
    _check_text(problems, "accessibility_notes", details.accessibility_notes, ACCESSIBILITY_LIMIT, None)
    if problems:
        raise Refused(problems)


def add_room(convening: Convening, details: RoomDetails, *, actor: Actor) -> Room:
    """A new room, listed after the others. Commits."""
    room = Room(convening_id=convening.id, position=_next_position(Room, convening))
    _save_named(convening, room, details, _check_room, ROOM_FIELDS, what="room", actor=actor)
    return room


def update_room(convening: Convening, room: Room, details: RoomDetails, *, actor: Actor) -> bool:
    """Save a room's details; False when nothing changed. Commits."""
    return _save_named(convening, room, details, _check_room, ROOM_FIELDS, what="room", actor=actor)


def move_room(convening: Convening, room: Room, offset: int, *, actor: Actor) -> bool:
    """Move a room up (-1) or down (+1) in the order the agenda and the grid show rooms. Commits."""
    return record_move(
        rooms_of(convening),
        room,
        offset,
        actor=actor,
        action="room.move",
        subject_type="room",
        subject_id=room.id,
        what=f"the room {room.name}",
        convening_id=convening.id,
    )


def sessions_in_room(room: Room) -> list[ProgramSession]:
    return _sessions_where(ProgramSession.room_id == room.id)


def delete_room(convening: Convening, room: Room, *, actor: Actor) -> list[ProgramSession]:
    """Delete a room; its sessions keep their time slot but have no room until placed again. Commits.

    Returns those sessions, so the page can say which ones need a new room.
    """
    return _delete_leaving_sessions(
        convening,
        room,
        sessions_in_room(room),
        attribute="room",
        was=room.name,
        lost=lambda session: f"“{session.title}” lost its room: {room.name} was deleted",
        summary=f"Deleted the room {room.name}",
        values=snapshot(room, ROOM_FIELDS),
        actor=actor,
    )


# --- tracks -------------------------------------------------------------------------------------------------


def tracks_of(convening: Convening) -> list[Track]:
    return list(
        db.session.scalars(
            select(Track).where(Track.convening_id == convening.id).order_by(Track.position, Track.id)
        )
    )


def _check_track(convening: Convening, details: TrackDetails, own_id: int | None) -> None:
    problems: dict[str, str] = {}
    _check_text(problems, "name", details.name, TRACK_NAME_LIMIT, "Enter the track’s name.")
    if "name" not in problems and any(
        track.id != own_id and track.name.casefold() == details.name.casefold()
        for track in tracks_of(convening)
    ):
        problems["name"] = _name_taken("track", details.name)
    if details.color and not COLOR.fullmatch(details.color):
        problems["color"] = COLOR_PROBLEM
    if problems:
        raise Refused(problems)


def add_track(convening: Convening, details: TrackDetails, *, actor: Actor) -> Track:
    """A new track, listed after the others. Commits."""
    track = Track(convening_id=convening.id, position=_next_position(Track, convening))
    _save_named(convening, track, details, _check_track, TRACK_FIELDS, what="track", actor=actor)
    return track


def update_track(convening: Convening, track: Track, details: TrackDetails, *, actor: Actor) -> bool:
    """Save a track's name and colour; False when nothing changed. Commits."""
    return _save_named(convening, track, details, _check_track, TRACK_FIELDS, what="track", actor=actor)


def move_track(convening: Convening, track: Track, offset: int, *, actor: Actor) -> bool:
    """Move a track up (-1) or down (+1) in the order the agenda's filter lists tracks. Commits."""
    return record_move(
        tracks_of(convening),
        track,
        offset,
        actor=actor,
        action="track.move",
        subject_type="track",
        subject_id=track.id,
        what=f"the track {track.name}",
        convening_id=convening.id,
    )


def sessions_in_track(track: Track) -> list[ProgramSession]:
    return _sessions_where(ProgramSession.track_id == track.id)


def delete_track(convening: Convening, track: Track, *, actor: Actor) -> list[ProgramSession]:
    """Delete a track; its sessions stay in the program without a track. Commits; returns them."""
    return _delete_leaving_sessions(
        convening,
        track,
        sessions_in_track(track),
        attribute="track",
        was=track.name,
        lost=lambda session: f"“{session.title}” left the track {track.name}, which was deleted",
        summary=f"Deleted the track {track.name}",
        values=snapshot(track, TRACK_FIELDS),
        actor=actor,
    )


# --- time slots ---------------------------------------------------------------------------------------------


def slots_of(convening: Convening) -> list[TimeSlot]:
    """The convening's slots in time order."""
    return list(
        db.session.scalars(
            select(TimeSlot)
            .where(TimeSlot.convening_id == convening.id)
            .order_by(TimeSlot.starts_at, TimeSlot.ends_at, TimeSlot.id)
        )
    )


def _slot_words(convening: Convening, slot: TimeSlot) -> dict[str, Any]:
    """A slot as the audit log shows it: day and times on the convening's clock."""
    starts, ends = convening.local(slot.starts_at), convening.local(slot.ends_at)
    return {
        "day": day_name(starts.date()),
        "starts": clock(starts),
        "ends": clock(ends),
        "kind": slot.kind.label,
        "label": slot.label,
    }


def _check_slot(convening: Convening, details: SlotDetails, own_id: int | None) -> None:
    """Ends after it starts, on a day of the convening, and clear of every other slot of the convening."""
    problems: dict[str, str] = {}
    if details.ends_at < details.starts_at:
        problems["ends_at"] = "This slot ends before it starts. Check both times."
    elif details.ends_at == details.starts_at:
        problems["ends_at"] = "This slot ends when it starts. Give it an end time after its start."
    day = convening.local(details.starts_at).date()
    if not convening.starts_on <= day <= convening.ends_on:
        problems["day"] = (
            f"{day_name(day)} is not a day of the convening. Choose a day from "
            f"{day_name(convening.starts_on)} to {day_name(convening.ends_on)}."
        )
    _check_text(problems, "label", details.label, SLOT_LABEL_LIMIT, None)
    if not problems:
        for other in slots_of(convening):
            if other.id != own_id and other.starts_at < details.ends_at and other.ends_at > details.starts_at:
                name = f"“{other.label}”" if other.label else f"the {other.kind.label.lower()} slot"
                problems["starts_at"] = (
                    f"This slot overlaps {name} ({slot_times(convening, other)}). Change the times, or "
                    "change that slot first."
                )
                break
    if problems:
        raise Refused(problems)


def add_slot(convening: Convening, details: SlotDetails, *, actor: Actor) -> TimeSlot:
    """A new time slot. Commits.

    The convening is locked while the other slots are compared, so two people adding slots at once cannot
    both fill the same hour.
    """
    lock_convening(convening.id)
    try:
        _check_slot(convening, details, None)
    except Refused:
        db.session.rollback()
        raise
    slot = TimeSlot(
        convening_id=convening.id,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        kind=details.kind,
        label=details.label,
    )
    db.session.add(slot)
    db.session.flush()
    record(
        actor,
        "time_slot.create",
        "time_slot",
        slot.id,
        f"Added the time slot {slot_title(slot)}, {slot_times(convening, slot)}",
        convening_id=convening.id,
        changes={name: [None, value] for name, value in _slot_words(convening, slot).items() if value},
    )
    db.session.commit()
    return slot


def update_slot(convening: Convening, slot: TimeSlot, details: SlotDetails, *, actor: Actor) -> bool:
    """Change a slot's times, kind or label; its sessions move with it. False if nothing changed. Commits."""
    lock_convening(convening.id)
    try:
        _check_slot(convening, details, slot.id)
    except Refused:
        db.session.rollback()
        raise
    before = _slot_words(convening, slot)
    slot.starts_at, slot.ends_at = details.starts_at, details.ends_at
    slot.kind, slot.label = details.kind, details.label
    changes = diff(before, _slot_words(convening, slot))
    if not changes:
        db.session.rollback()
        return False
    record(
        actor,
        "time_slot.update",
        "time_slot",
        slot.id,
        f"Changed the time slot {slot_title(slot)}, {slot_times(convening, slot)}",
        convening_id=convening.id,
        changes=changes,
    )
    db.session.commit()
    return True


def sessions_in_slot(slot: TimeSlot) -> list[ProgramSession]:
    return _sessions_where(ProgramSession.time_slot_id == slot.id)


def delete_slot(convening: Convening, slot: TimeSlot, *, actor: Actor) -> list[ProgramSession]:
    """Delete a slot; its sessions become unscheduled (they keep their room). Commits; returns them."""
    when = slot_times(convening, slot)
    return _delete_leaving_sessions(
        convening,
        slot,
        sessions_in_slot(slot),
        attribute="time_slot",
        was=when,
        lost=lambda session: f"“{session.title}” is unscheduled: its time slot was deleted",
        summary=f"Deleted the time slot {slot_title(slot)}, {when}",
        values=_slot_words(convening, slot),
        actor=actor,
    )


# --- sessions -----------------------------------------------------------------------------------------------


def _session_words(convening: Convening, session: ProgramSession) -> dict[str, Any]:
    """A session as the audit log shows it: names and times, not ids."""
    return {
        "kind": session.kind.label,
        "title": session.title,
        "description": session.description,
        "track": session.track.name if session.track else None,
        "time_slot": slot_times(convening, session.time_slot) if session.time_slot else None,
        "room": session.room.name if session.room else None,
        "capacity": session.capacity,
    }


def _apply_session(convening: Convening, session: ProgramSession, details: SessionDetails) -> None:
    """Check the details as a whole and copy them onto the session (not yet flushed)."""
    problems: dict[str, str] = {}
    _check_text(problems, "title", details.title, TITLE_LIMIT, "Enter the session’s title.")
    _check_text(problems, "description", details.description, DESCRIPTION_LIMIT, None)
    _check_capacity(problems, details.capacity, "leave it blank to use the room’s capacity")
    if "capacity" not in problems and details.capacity is not None and details.capacity < session.seats_taken:
        # The CHECK constraint would refuse it; say so beside the field instead of failing the save.
        problems["capacity"] = (
            f"{session.seats_taken:,} people already have a seat in this workshop: enter at least "
            f"{session.seats_taken:,}, or move people to other workshops first."
        )
    owned: dict[str, Any] = {}
    for name, model, what in (
        ("track_id", Track, "track"),
        ("time_slot_id", TimeSlot, "time slot"),
        ("room_id", Room, "room"),
    ):
        try:
            owned[name] = _owned(model, convening, getattr(details, name), name, what)
        except Refused as problem:
            problems.update(problem.problems)
    if "time_slot_id" not in problems:
        try:
            _signups_stay(session, details.time_slot_id)
        except Refused as problem:
            problems.update(problem.problems)
    if problems:
        raise Refused(problems)
    session.kind, session.title, session.description = details.kind, details.title, details.description
    session.capacity = details.capacity
    session.track, session.room = owned["track_id"], owned["room_id"]
    session.time_slot = owned["time_slot_id"]


def add_session(convening: Convening, details: SessionDetails, *, actor: Actor) -> ProgramSession:
    """A new session, placed in its slot and room if given. Commits."""
    session = ProgramSession(convening_id=convening.id)
    _apply_session(convening, session, details)
    db.session.add(session)
    db.session.flush()
    record(
        actor,
        "session.create",
        "session",
        session.id,
        f"Added the session “{session.title}”",
        convening_id=convening.id,
        changes={
            name: [None, value]
            for name, value in _session_words(convening, session).items()
            if value not in (None, "")
        },
    )
    db.session.commit()
    return session


def update_session(
    convening: Convening, session: ProgramSession, details: SessionDetails, *, actor: Actor
) -> bool:
    """Save a session's details, slot and room included; False when nothing changed. Commits."""
    lock_convening(convening.id)  # seats are taken under the same lock: seats_taken is settled now
    db.session.refresh(session)
    before = _session_words(convening, session)
    try:
        _apply_session(convening, session, details)
    except Refused:
        db.session.rollback()
        raise
    changes = diff(before, _session_words(convening, session))
    if not changes:
        db.session.rollback()
        return False
    record(
        actor,
        "session.update",
        "session",
        session.id,
        f"Changed the session “{session.title}”: " + ", ".join(name.replace("_", " ") for name in changes),
        convening_id=convening.id,
        changes=changes,
    )
    db.session.commit()
    return True


def delete_session(convening: Convening, session: ProgramSession, *, actor: Actor) -> None:
    """Delete a session and its speaker links (the speakers stay). Commits."""
    words = _session_words(convening, session)
    words["speakers"] = ", ".join(link.speaker.name for link in session.speakers) or None
    record(
        actor,
        "session.delete",
        "session",
        session.id,
        f"Deleted the session “{session.title}”",
        convening_id=convening.id,
        changes=_deleted(words),
    )
    db.session.delete(session)
    db.session.commit()


# --- a session's speakers -------------------------------------------------------------------------------


def speakers_of(convening: Convening) -> list[Speaker]:
    return list(
        db.session.scalars(
            select(Speaker).where(Speaker.convening_id == convening.id).order_by(Speaker.name, Speaker.id)
        )
    )


def _speaker_line(link: SessionSpeaker) -> str:
    return f"{link.speaker.name} ({link.role.label})"


def _lineup(session: ProgramSession) -> str:
    return ", ".join(_speaker_line(link) for link in session.speakers)


def add_speaker(
    convening: Convening, session: ProgramSession, speaker_id: int | None, role: SpeakerRole, *, actor: Actor
) -> SessionSpeaker:
    """Add one of the convening's speakers to a session with a role, after its other speakers. Commits."""
    speaker = _owned(Speaker, convening, speaker_id, "speaker_id", "speaker")
    if speaker is None:
        raise Refused({"speaker_id": "Choose a speaker to add."})
    if any(link.speaker_id == speaker.id for link in session.speakers):
        raise Refused(
            {
                "speaker_id": f"{speaker.name} is already a speaker of this session. To give them another "
                "role, change it in the list above."
            }
        )
    before = _lineup(session)
    link = SessionSpeaker(speaker=speaker, role=role, position=len(session.speakers))
    session.speakers.append(link)
    try:
        db.session.flush()
    except IntegrityError:  # added by someone else a moment ago
        db.session.rollback()
        taken = f"{speaker.name} is already a speaker of this session."
        raise Refused({"speaker_id": taken}) from None
    record(
        actor,
        "session.speaker_add",
        "session",
        session.id,
        f"Added {speaker.name} to “{session.title}” as {role.label.lower()}",
        convening_id=convening.id,
        changes={"speakers": [before, _lineup(session)]},
    )
    db.session.commit()
    return link


def change_speaker_role(
    convening: Convening, link: SessionSpeaker, role: SpeakerRole, *, actor: Actor
) -> bool:
    """Give a session's speaker another role; False when it is the same. Commits."""
    if link.role == role:
        return False
    session = link.session
    before = _lineup(session)
    link.role = role
    record(
        actor,
        "session.speaker_role",
        "session",
        session.id,
        f"{link.speaker.name} is now {role.label.lower()} of “{session.title}”",
        convening_id=convening.id,
        changes={"speakers": [before, _lineup(session)]},
    )
    db.session.commit()
    return True


def move_speaker(convening: Convening, link: SessionSpeaker, offset: int, *, actor: Actor) -> bool:
    """Move a speaker up (-1) or down (+1) in the order the session lists its speakers. Commits."""
    session = link.session
    return record_move(
        list(session.speakers),
        link,
        offset,
        actor=actor,
        action="session.speaker_move",
        subject_type="session",
        subject_id=session.id,
        what=link.speaker.name,
        where=f" in “{session.title}”",
        convening_id=convening.id,
        key="speakers",
        label=_speaker_line,
    )


def remove_speaker(convening: Convening, link: SessionSpeaker, *, actor: Actor) -> None:
    """Take a speaker off a session (the speaker stays in the convening); the rest close up. Commits."""
    session = link.session
    before = _lineup(session)
    session.speakers.remove(link)
    renumber(session.speakers)
    record(
        actor,
        "session.speaker_remove",
        "session",
        session.id,
        f"Took {link.speaker.name} off “{session.title}”",
        convening_id=convening.id,
        changes={"speakers": [before, _lineup(session) or None]},
    )
    db.session.commit()


# --- the whole program at a glance -----------------------------------------------------------------------


@dataclass
class SlotSessions:
    slot: TimeSlot
    sessions: list[ProgramSession]


@dataclass
class ProgramDay:
    day: date
    slots: list[SlotSessions] = field(default_factory=list)
    in_convening: bool = True  # False for a day the convening's dates no longer cover


@dataclass
class ProgramOverview:
    rooms: list[Room]
    tracks: list[Track]
    days: list[ProgramDay]
    unscheduled: list[ProgramSession]
    session_count: int


def program_overview(convening: Convening) -> ProgramOverview:
    """Every day of the convening with its slots and their sessions, plus the sessions not scheduled yet.

    A fixed number of queries however large the program: sessions come with their speakers, track, room
    and slot loaded together. Within a slot, sessions follow the room order, then their titles.
    """
    rooms, tracks, slots = rooms_of(convening), tracks_of(convening), slots_of(convening)
    sessions = db.session.scalars(
        select(ProgramSession)
        .where(ProgramSession.convening_id == convening.id)
        .options(
            selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker),
            selectinload(ProgramSession.track),
            selectinload(ProgramSession.room),
            selectinload(ProgramSession.time_slot),
        )
    ).all()
    room_order = {room.id: room.position for room in rooms}
    by_slot: dict[int, list[ProgramSession]] = {}
    unscheduled = []
    for session in sorted(
        sessions,
        key=lambda s: (s.room_id is None, room_order.get(s.room_id or 0, 0), s.title.casefold(), s.id),
    ):
        if session.time_slot_id is None:
            unscheduled.append(session)
        else:
            by_slot.setdefault(session.time_slot_id, []).append(session)
    days = {day: ProgramDay(day) for day in convening_days(convening)}
    for slot in slots:
        day = convening.local(slot.starts_at).date()
        if day not in days:
            days[day] = ProgramDay(day, in_convening=False)
        days[day].slots.append(SlotSessions(slot, by_slot.get(slot.id, [])))
    return ProgramOverview(
        rooms=rooms,
        tracks=tracks,
        days=sorted(days.values(), key=lambda item: item.day),
        unscheduled=unscheduled,
        session_count=len(sessions),
    )
