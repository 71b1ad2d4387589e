"""The agenda for calendars (ICS, RFC 5545) and for apps (frab-style JSON, as docs/agenda-json.md describes).

Calendars are read back with icalendar, the way a calendar app would, and their times compared with the
program's as aware datetimes; the JSON is compared with the documented example, field by field.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar, Event
from sqlalchemy import select
from test_agenda_pages import NAMES, build_program

from convening import ROOT
from convening.convenings.models import Convening
from convening.demo.services import load_demo
from convening.extensions import db
from convening.program.models import ProgramSession, Speaker, TimeSlot

HOST = "convening.test"  # PUBLIC_URL of the tests


def calendar_of(client: FlaskClient, url: str) -> tuple[bytes, Calendar]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.ics"', response.headers["Content-Disposition"])
    return response.data, Calendar.from_ical(response.data)


def events_by_uid(calendar: Calendar) -> dict[str, Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def scheduled(app: Flask, convening_id: int) -> list[dict[str, Any]]:
    """Every scheduled session of the convening as the database holds it."""
    with app.app_context():
        sessions = db.session.scalars(
            select(ProgramSession).where(
                ProgramSession.convening_id == convening_id, ProgramSession.time_slot_id.is_not(None)
            )
        ).all()
        return [
            {
                "id": s.id,
                "uid": s.uid,
                "title": s.title,
                "starts_at": s.time_slot.starts_at,  # type: ignore[union-attr]
                "ends_at": s.time_slot.ends_at,  # type: ignore[union-attr]
                "room": s.room.name if s.room else None,
                "track": s.track.name if s.track else None,
                "speakers": [(link.speaker.name, link.role.label) for link in s.speakers],
            }
            for s in sessions
        ]


def speaker_emails(app: Flask) -> list[str]:
    with app.app_context():
        return [email for email in db.session.scalars(select(Speaker.email)) if email]


# --- ICS -----------------------------------------------------------------------------------------------


def test_agenda_ics_holds_every_session_at_its_time_with_the_time_zone(
    app: Flask, client: FlaskClient
) -> None:
    program = build_program(app)
    raw, calendar = calendar_of(client, "/c/summit/agenda.ics")
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Convening//Agenda//EN"
    assert calendar["X-WR-CALNAME"] == "National Convening of Local Leaders"
    assert calendar["X-WR-TIMEZONE"] == "America/Chicago"
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["America/Chicago"]
    assert {str(part["TZNAME"]) for part in zones[0].walk("DAYLIGHT")} == {"CDT"}

    events = events_by_uid(calendar)
    sessions = scheduled(app, program.convening_id)
    assert len(events) == len(sessions) == 5  # the unscheduled session is not in it
    for session in sessions:
        event = events[f"{session['uid']}@{HOST}"]
        assert str(event["SUMMARY"]) == session["title"]
        assert event.start == session["starts_at"]
        assert event.end == session["ends_at"]
        assert event["DTSTART"].params["TZID"] == "America/Chicago"
        assert event.start.utcoffset() == timedelta(hours=-5)
        assert str(event["URL"]) == f"http://{HOST}/c/summit/sessions/{session['id']}"
        assert str(event["LOCATION"]).endswith("Minneapolis Convention Center")
        assert session["room"] in str(event["LOCATION"])
        description = str(event["DESCRIPTION"])
        assert description.endswith(f"http://{HOST}/c/summit/sessions/{session['id']}")
        for name, role in session["speakers"]:
            assert f"{name} ({role})" in description
        categories = [str(item) for item in event["CATEGORIES"].cats]
        assert (session["track"] in categories) if session["track"] else len(categories) == 1
        assert isinstance(event["DTSTAMP"].dt, datetime)
    keynote = events[next(f"{s['uid']}@{HOST}" for s in sessions if s["title"] == "Opening keynote")]
    assert str(keynote["LOCATION"]) == "Main Hall (Level 1), Minneapolis Convention Center"
    assert str(keynote["DESCRIPTION"]).startswith("Why local government matters.\n\nAnd what comes next.")
    assert b"speakers.example.org" not in raw  # never an email


def test_ics_lines_are_folded_at_75_octets_and_end_in_crlf(app: Flask, client: FlaskClient) -> None:
    build_program(app)
    raw, _ = calendar_of(client, "/c/summit/agenda.ics")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # no bare line feeds
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long descriptions were folded, not cut
    raw.decode("utf-8")  # folding never splits a character


def test_uids_stay_through_a_rename_and_a_move(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    before = events_by_uid(calendar_of(client, "/c/summit/agenda.ics")[1])
    with app.app_context():
        session = db.session.get(ProgramSession, program.sessions["Housing first"])
        uid = session.uid
        session.title = "Housing first, and for good"
        session.time_slot_id = program.slots["Workshops II"]
        session.room_id = program.rooms["Room B"]
        db.session.commit()
        moved_to = db.session.get(TimeSlot, program.slots["Workshops II"])
        starts, ends = moved_to.starts_at, moved_to.ends_at
    after = events_by_uid(calendar_of(client, "/c/summit/agenda.ics")[1])
    assert set(after) == set(before)
    event = after[f"{uid}@{HOST}"]
    assert str(event["SUMMARY"]) == "Housing first, and for good"
    assert (event.start, event.end) == (starts, ends)
    assert str(event["LOCATION"]).startswith("Room B")
    single = events_by_uid(
        calendar_of(client, f"/c/summit/sessions/{program.sessions['Housing first']}.ics")[1]
    )
    assert list(single) == [f"{uid}@{HOST}"]


def test_session_ics_is_one_event_with_the_time_zone(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    response = client.get(f"/c/summit/sessions/{program.sessions['Heat plans for hot cities']}.ics")
    expected_name = (
        f'attachment; filename="summit-session-{program.sessions["Heat plans for hot cities"]}.ics"'
    )
    assert response.headers["Content-Disposition"] == expected_name
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(event["SUMMARY"]) == "Heat plans for hot cities"
    assert "محمد (Presenter): مدينة ديربورن" in str(event["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]).startswith("Heat plans for hot cities")


def test_names_in_every_script_survive_in_the_calendar(app: Flask, client: FlaskClient) -> None:
    build_program(app)
    raw, calendar = calendar_of(client, "/c/summit/agenda.ics")
    descriptions = " ".join(str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT"))
    for name in NAMES:
        assert name in descriptions
    assert "Nguyễn Thị Minh Khai (Facilitator): Council Member, Thành phố Westminster" in descriptions
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert all(name in unfolded for name in NAMES)


# --- JSON -----------------------------------------------------------------------------------------------


def documented_example() -> dict[str, Any]:
    text = (ROOT / "docs" / "agenda-json.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.S)
    assert block, "docs/agenda-json.md has no JSON example"
    return json.loads(block.group(1))


def first_event(conference: dict[str, Any]) -> dict[str, Any]:
    return next(event for day in conference["days"] for events in day["rooms"].values() for event in events)


def test_json_has_the_documented_shape(app: Flask, client: FlaskClient) -> None:
    build_program(app)
    response = client.get("/c/summit/agenda.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    example, actual = documented_example()["schedule"], response.get_json()["schedule"]
    assert set(actual) == set(example)
    conference, documented = actual["conference"], example["conference"]
    assert set(conference) == set(documented)
    assert set(conference["rooms"][0]) == set(documented["rooms"][0])
    assert set(conference["tracks"][0]) == set(documented["tracks"][0])
    assert set(conference["days"][0]) == set(documented["days"][0])
    event, documented_event = first_event(conference), first_event(documented)
    assert set(event) == set(documented_event)
    assert set(event["links"][0]) == set(documented_event["links"][0])
    with_people = next(
        e for day in conference["days"] for events in day["rooms"].values() for e in events if e["persons"]
    )
    assert set(with_people["persons"][0]) == set(documented_event["persons"][0])
    for name, value in documented_event.items():
        assert type(event[name]) is type(value) or event[name] is None, name


def test_json_times_rooms_and_people_match_the_program(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    body = client.get("/c/summit/agenda.json").get_data(as_text=True)
    schedule = json.loads(body)["schedule"]
    conference = schedule["conference"]
    assert schedule["base_url"] == f"http://{HOST}/"
    assert (conference["acronym"], conference["start"], conference["end"]) == (
        "summit",
        "2027-06-15",
        "2027-06-16",
    )
    assert conference["daysCount"] == len(conference["days"]) == 2
    assert conference["time_zone_name"] == "America/Chicago"
    assert [room["name"] for room in conference["rooms"]] == ["Main Hall", "Room A", "Room B", "Spare room"]
    first_day = conference["days"][0]
    assert (first_day["index"], first_day["date"]) == (1, "2027-06-15")
    assert (first_day["day_start"], first_day["day_end"]) == (
        "2027-06-15T09:00:00-05:00",
        "2027-06-15T13:00:00-05:00",
    )

    events = {
        event["guid"]: (day, room, event)
        for day in conference["days"]
        for room, events in day["rooms"].items()
        for event in events
    }
    sessions = scheduled(app, program.convening_id)
    assert len(events) == len(sessions)
    for session in sessions:
        day, room, event = events[session["uid"]]
        starts = datetime.fromisoformat(event["date"])
        assert starts == session["starts_at"]
        assert day["date"] == starts.date().isoformat()
        assert event["start"] == starts.strftime("%H:%M")
        length = session["ends_at"] - session["starts_at"]
        assert event["duration"] == f"{length.seconds // 3600:02d}:{length.seconds % 3600 // 60:02d}"
        assert room == event["room"] == session["room"]
        assert (event["id"], event["title"], event["track"]) == (
            session["id"],
            session["title"],
            session["track"],
        )
        assert event["url"] == f"http://{HOST}/c/summit/sessions/{session['id']}"
        assert [(p["public_name"], p["role"].capitalize()) for p in event["persons"]] == session["speakers"]
    housing = events[next(s["uid"] for s in sessions if s["title"] == "Housing first")][2]
    assert (housing["start"], housing["duration"], housing["type"]) == ("10:30", "01:30", "breakout")
    assert housing["slug"] == f"summit-{housing['id']}-housing-first"
    # Names in every script, written as themselves; never an email.
    for name in NAMES:
        assert name in body
    assert not any(email in body for email in speaker_emails(app))
    assert "email" not in body


def test_json_version_changes_with_the_program(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    first = client.get("/c/summit/agenda.json").get_json()["schedule"]["version"]
    assert client.get("/c/summit/agenda.json").get_json()["schedule"]["version"] == first
    with app.app_context():
        db.session.get(ProgramSession, program.sessions["Tenant unions"]).title = "Tenant unions, renamed"
        db.session.commit()
    assert client.get("/c/summit/agenda.json").get_json()["schedule"]["version"] != first


def test_the_demo_exports_every_scheduled_session(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        load_demo(registrations=0)
        convening_id = db.session.scalar(select(Convening.id).where(Convening.slug == "demo"))
    sessions = scheduled(app, convening_id)
    raw, calendar = calendar_of(client, "/c/demo/agenda.ics")
    assert {str(uid) for uid in events_by_uid(calendar)} == {f"{s['uid']}@{HOST}" for s in sessions}
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    conference = client.get("/c/demo/agenda.json").get_json()["schedule"]["conference"]
    guids = [
        event["guid"] for day in conference["days"] for events in day["rooms"].values() for event in events
    ]
    assert sorted(guids) == sorted(s["uid"] for s in sessions)
    body = client.get("/c/demo/agenda.json").get_data(as_text=True) + raw.decode()
    assert not any(email in body for email in speaker_emails(app))


def test_exports_of_an_unknown_convening_are_404(app: Flask, client: FlaskClient) -> None:
    for url in ("/c/nope/agenda.ics", "/c/nope/agenda.json", "/c/nope/sessions/1.ics"):
        assert client.get(url).status_code == 404
