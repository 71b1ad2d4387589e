"""The agenda as JSON in the shape of frab's schedule.json, which conference apps and video teams can read.

Pure: the loaded Agenda and plain values in, a dict out; no Flask, no database. docs/agenda-json.md describes
every field. Speakers' email addresses are never part of it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from convening.program.agenda import Agenda, AgendaDay, AgendaSlot
from convening.program.models import ProgramSession

LANGUAGE = "en"
NO_ROOM = "To be announced"  # the room name of sessions that have no room yet


def agenda_schedule(
    agenda: Agenda,
    *,
    base_url: str,
    agenda_url: str,
    session_url: Callable[[ProgramSession], str],
    calendar_url: Callable[[ProgramSession], str],
) -> dict[str, Any]:
    """{"schedule": {version, base_url, conference}}; `version` changes whenever anything in it does."""
    convening = agenda.convening
    conference = {
        "acronym": convening.slug,
        "title": convening.name,
        "start": convening.starts_on.isoformat(),
        "end": convening.ends_on.isoformat(),
        "daysCount": len(agenda.days),
        "time_zone_name": convening.timezone,
        "url": agenda_url,
        "venue": convening.venue_name,
        "rooms": [
            {
                "name": room.name,
                "floor": room.floor,
                "capacity": room.capacity,
                "accessibility_notes": room.accessibility_notes,
            }
            for room in agenda.rooms
        ],
        "tracks": [{"name": track.name, "color": track.color or None} for track in agenda.tracks],
        "days": [
            _day(agenda, index, day, session_url=session_url, calendar_url=calendar_url)
            for index, day in enumerate(agenda.days, start=1)
        ],
    }
    digest = hashlib.sha256(json.dumps(conference, sort_keys=True).encode()).hexdigest()
    return {"schedule": {"version": digest[:12], "base_url": base_url, "conference": conference}}


def _day(
    agenda: Agenda,
    index: int,
    day: AgendaDay,
    *,
    session_url: Callable[[ProgramSession], str],
    calendar_url: Callable[[ProgramSession], str],
) -> dict[str, Any]:
    zone = agenda.convening.zone
    if day.slots:
        starts = min(slot.starts for slot in day.slots)
        ends = max(slot.ends for slot in day.slots)
    else:
        starts = datetime.combine(day.day, time(0), tzinfo=zone)
        ends = datetime.combine(day.day + timedelta(days=1), time(0), tzinfo=zone)
    rooms: dict[str, list[dict[str, Any]]] = {room.name: [] for room in agenda.rooms}
    for slot in day.slots:
        for session in slot.sessions:
            event = _event(agenda, slot, session, url=session_url(session), calendar=calendar_url(session))
            rooms.setdefault(event["room"], []).append(event)
    return {
        "index": index,
        "date": day.day.isoformat(),
        "day_start": starts.isoformat(),
        "day_end": ends.isoformat(),
        "rooms": rooms,
    }


def _event(
    agenda: Agenda, slot: AgendaSlot, session: ProgramSession, *, url: str, calendar: str
) -> dict[str, Any]:
    description = session.description.strip()
    return {
        "guid": session.uid,
        "id": session.id,
        "date": slot.starts.isoformat(),
        "start": slot.starts.strftime("%H:%M"),
        "duration": _hours_minutes(slot.ends - slot.starts),
        "room": session.room.name if session.room else NO_ROOM,
        "slug": _slug(agenda.convening.slug, session),
        "url": url,
        "title": session.title,
        "subtitle": "",
        "track": session.track.name if session.track else None,
        "type": session.kind.value,
        "language": LANGUAGE,
        "abstract": description.split("\n\n", 1)[0],
        "description": description,
        "persons": [
            {
                "id": link.speaker.id,
                "public_name": link.speaker.name,
                "role": link.role.value,
                "title": link.speaker.title,
                "organization": link.speaker.organization,
                "biography": link.speaker.bio,
            }
            for link in session.speakers
        ],
        "links": [{"url": calendar, "title": "Add to calendar"}],
    }


def _hours_minutes(length: timedelta) -> str:
    minutes = int(length.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slug(acronym: str, session: ProgramSession) -> str:
    """'demo-12-housing-first' (frab's acronym-id-title); titles without Latin letters keep just the id."""
    ascii_title = unicodedata.normalize("NFKD", session.title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(words) > 60:  # whole words only
        words = words[:61].rsplit("-", 1)[0]
    return "-".join(part for part in (acronym, str(session.id), words) if part)
