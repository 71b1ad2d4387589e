"""The agenda as an iCalendar file (RFC 5545), for calendar apps to import or subscribe to.

Pure: the loaded program and plain values in, bytes out; no Flask, no database. Each session is one VEVENT
whose UID is the session's own `uid` at our host, so an edited or moved session updates the event already in
someone's calendar instead of adding a second one. Times carry the convening's TZID, with its VTIMEZONE
written into the file, so a phone set to another zone still shows the right hour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from convening.convenings.models import Convening
from convening.program.models import ProgramSession

PRODID = "-//Convening//Agenda//EN"
# How often subscribed calendars look again: REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL, its older twin.
REFRESH = timedelta(hours=1)


def agenda_calendar(
    convening: Convening,
    sessions: Iterable[ProgramSession],
    *,
    base_url: str,
    session_url: Callable[[ProgramSession], str],
    stamp: datetime,
    name: str | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per scheduled session (unscheduled ones are skipped).

    `base_url` is the site's public address (its host makes the UIDs), `session_url` the absolute address of a
    session's page, and `stamp` the moment the file is made (DTSTAMP).
    """
    host = urlsplit(base_url).hostname or "localhost"
    scheduled = [session for session in sessions if session.time_slot is not None]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    title = name or convening.name
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", convening.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(_timezone(convening.timezone, *_years(convening, scheduled)))
    for session in scheduled:
        calendar.add_component(_event(convening, session, host=host, url=session_url(session), stamp=stamp))
    return calendar.to_ical()


def _years(convening: Convening, sessions: list[ProgramSession]) -> tuple[int, int]:
    """The calendar years the file spans: the convening's dates and any slot staff placed outside them."""
    days = [convening.starts_on, convening.ends_on]
    days += [convening.local(session.time_slot.starts_at).date() for session in sessions if session.time_slot]
    return min(days).year, max(days).year


@lru_cache(maxsize=64)
def _timezone(zone: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for whole calendar years, so both daylight-saving changes near the meeting are in it."""
    return Timezone.from_tzinfo(
        ZoneInfo(zone), tzid=zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def _event(convening: Convening, session: ProgramSession, *, host: str, url: str, stamp: datetime) -> Event:
    slot = session.time_slot
    assert slot is not None  # agenda_calendar keeps scheduled sessions only
    event = Event()
    event.add("uid", f"{session.uid}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", convening.local(slot.starts_at))
    event.add("dtend", convening.local(slot.ends_at))
    event.add("summary", session.title)
    event.add("location", location(convening, session))
    event.add("description", description(session, url))
    event.add("url", url)
    event.add(
        "categories", [session.track.name, session.kind.label] if session.track else [session.kind.label]
    )
    event.add("status", "CONFIRMED")
    return event


def location(convening: Convening, session: ProgramSession) -> str:
    """'Mississippi Room (Level 2), Mill City Convention Center', leaving out what is not known yet."""
    room = session.room
    place = ""
    if room is not None:
        place = f"{room.name} ({room.floor})" if room.floor else room.name
    return ", ".join(part for part in (place, convening.venue_name) if part)


def description(session: ProgramSession, url: str) -> str:
    """The session's description, who leads it and in what role, and the address of its page."""
    parts = [session.description.strip()] if session.description.strip() else []
    if session.speakers:
        lines = []
        for link in session.speakers:
            speaker = link.speaker
            affiliation = ", ".join(part for part in (speaker.title, speaker.organization) if part)
            lines.append(f"{speaker.name} ({link.role.label})" + (f": {affiliation}" if affiliation else ""))
        parts.append("Speakers:\n" + "\n".join(lines))
    parts.append(url)
    return "\n\n".join(parts)
