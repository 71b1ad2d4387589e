"""Public program pages: the agenda, each session, the speakers; the agenda as ICS and JSON.

Every page and export reads the program through convening.program.agenda, so they never disagree. Only
scheduled sessions are public: a session without a time slot is still being planned and its page is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.wrappers import Response

from convening.convenings import services
from convening.convenings.models import Convening
from convening.program.agenda import (
    breakout_rooms,
    load_agenda,
    load_session,
    load_track,
    roster,
    speaker_sessions,
)
from convening.program.ics import agenda_calendar
from convening.program.models import ProgramSession, Track
from convening.program.schedule_json import agenda_schedule
from convening.sqltypes import utcnow
from convening.urls import MAX_ROW_ID, external_url

bp = Blueprint("program", __name__)

# Calendar apps and schedule readers poll; five minutes keeps an edit visible soon without a query per poll.
EXPORT_CACHE = "public, max-age=300"

Addresser = Callable[[ProgramSession], str]


def _convening(slug: str) -> Convening:
    return services.by_slug(slug) or abort(404)


def _scheduled_session(convening: Convening, session_id: int) -> ProgramSession:
    """The session if it is this convening's and on the agenda; unscheduled sessions are not public yet."""
    session = load_session(convening, session_id)
    if session is None or session.time_slot is None:
        abort(404)
    return session


def _track_filter(convening: Convening, asked: str) -> tuple[Track | None, bool]:
    """The track `?track=` names, and whether the filter was ignored because the program has no such track."""
    if not asked:
        return None, False
    track_id = int(asked) if asked.isdigit() and int(asked) <= MAX_ROW_ID else None
    track = load_track(convening, track_id) if track_id is not None else None
    return track, track is None


@bp.get("/c/<slug:slug>/agenda")
def agenda(slug: str) -> str:
    convening = _convening(slug)
    track, track_ignored = _track_filter(convening, request.args.get("track", "").strip())
    program = load_agenda(convening, track_id=track.id if track else None)
    now = utcnow()
    return render_template(
        "program/agenda.html",
        convening=convening,
        agenda=program,
        track=track,
        track_ignored=track_ignored,
        now=now,
        zone_name=_zone_name(convening),
        happening=program.happening_now(now),
        up_next=program.up_next(now),
        breakout_rooms=breakout_rooms,
    )


def _zone_name(convening: Convening) -> str:
    """'CDT': the zone's abbreviation at noon on the first day, as attendees will read their clocks."""
    return (
        datetime.combine(convening.starts_on, time(12), tzinfo=convening.zone).tzname() or convening.timezone
    )


@bp.get("/c/<slug:slug>/sessions/<int:session_id>")
def session(slug: str, session_id: int) -> str:
    convening = _convening(slug)
    item = _scheduled_session(convening, session_id)
    slot = item.time_slot
    assert slot is not None
    return render_template(
        "program/session.html",
        convening=convening,
        session=item,
        starts=convening.local(slot.starts_at),
        ends=convening.local(slot.ends_at),
    )


@bp.app_template_filter()
def web_links(addresses: list[str]) -> list[tuple[str, str]]:
    """Web addresses with the host names to show for them; anything but http(s) is left out, never linked.

    A filter for every public page: speakers' links and sponsors' sites are shown the same way.
    """
    links = []
    for address in addresses:
        parts = urlsplit(address.strip())
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.hostname.removeprefix("www.")
            links.append((address.strip(), host))
    return links


@bp.get("/c/<slug:slug>/speakers")
def speakers(slug: str) -> str:
    convening = _convening(slug)
    entries = [(speaker, speaker_sessions(speaker)) for speaker in roster(convening)]
    return render_template("program/speakers.html", convening=convening, entries=entries)


def _addresses(convening: Convening) -> tuple[Addresser, Addresser]:
    """Absolute addresses of a session's page and calendar file, from PUBLIC_URL, never the Host header."""

    def page(item: ProgramSession) -> str:
        return external_url("program.session", slug=convening.slug, session_id=item.id)

    def calendar(item: ProgramSession) -> str:
        return external_url("program.session_ics", slug=convening.slug, session_id=item.id)

    return page, calendar


def _export(body: bytes, content_type: str, filename: str | None = None) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = EXPORT_CACHE
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/c/<slug:slug>/agenda.ics")
def agenda_ics(slug: str) -> Response:
    convening = _convening(slug)
    page, _ = _addresses(convening)
    body = agenda_calendar(
        convening,
        (item for _, item in load_agenda(convening).sessions()),
        base_url=current_app.config["PUBLIC_URL"],
        session_url=page,
        stamp=utcnow(),
    )
    return _export(body, "text/calendar; charset=utf-8", f"{convening.slug}-agenda.ics")


@bp.get("/c/<slug:slug>/sessions/<int:session_id>.ics")
def session_ics(slug: str, session_id: int) -> Response:
    convening = _convening(slug)
    item = _scheduled_session(convening, session_id)
    page, _ = _addresses(convening)
    body = agenda_calendar(
        convening,
        [item],
        base_url=current_app.config["PUBLIC_URL"],
        session_url=page,
        stamp=utcnow(),
        name=f"{item.title} · {convening.name}",
    )
    return _export(body, "text/calendar; charset=utf-8", f"{convening.slug}-session-{item.id}.ics")


@bp.get("/c/<slug:slug>/agenda.json")
def agenda_json(slug: str) -> Response:
    convening = _convening(slug)
    page, calendar = _addresses(convening)
    schedule = agenda_schedule(
        load_agenda(convening),
        base_url=external_url("convenings.root"),
        agenda_url=external_url("program.agenda", slug=convening.slug),
        session_url=page,
        calendar_url=calendar,
    )
    body = json.dumps(schedule, ensure_ascii=False, indent=2) + "\n"
    response = _export(body.encode(), "application/json")
    # Public data with no cookies behind it: schedule apps on other sites may read it from the browser.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
