"""Staff build the program in the console: rooms, tracks, time slots and sessions created, edited, reordered
and deleted through the forms; bad input refused beside its field with a 422 and nothing changed; every page
for staff and admins only; the whole program on one page in a fixed number of queries; and, in a browser at
phone size, a room, a slot and a session made from scratch."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    counted_queries,
    csrf_token,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.extensions import db
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

BASE = "/staff/c/summit/program"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """June `day`, 2027 at hour:minute in Chicago (UTC-5 in summer), as UTC."""
    return datetime(2027, 6, day, hour + 5, minute, tzinfo=UTC)


@pytest.fixture
def seeded(app: Flask) -> Seeded:
    return seed_convening(app)


def add(app: Flask, row: Any) -> int:
    with app.app_context():
        db.session.add(row)
        db.session.commit()
        return row.id


def room(
    app: Flask, convening_id: int, name: str = "Cedar Room", capacity: int | None = 120, **kw: Any
) -> int:
    return add(app, Room(convening_id=convening_id, name=name, capacity=capacity, **kw))


def track(app: Flask, convening_id: int, name: str = "Climate", **kw: Any) -> int:
    return add(app, Track(convening_id=convening_id, name=name, **kw))


def slot(app: Flask, convening_id: int, day: int = 15, start: int = 9, end: int = 10, **kw: Any) -> int:
    return add(
        app,
        TimeSlot(
            convening_id=convening_id,
            starts_at=at(day, start),
            ends_at=at(day, end),
            kind=kw.pop("kind", SlotKind.BREAKOUT),
            **kw,
        ),
    )


def session(app: Flask, convening_id: int, title: str = "Housing first", **kw: Any) -> int:
    return add(
        app,
        ProgramSession(
            convening_id=convening_id, kind=kw.pop("kind", SessionKind.BREAKOUT), title=title, **kw
        ),
    )


def speaker(app: Flask, convening_id: int, name: str, **kw: Any) -> int:
    return add(app, Speaker(convening_id=convening_id, name=name, **kw))


def program_state(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every program row and audit entry, to show a refused form changed nothing."""
    tables = {
        "rooms": Room,
        "tracks": Track,
        "slots": TimeSlot,
        "sessions": ProgramSession,
        "speakers": SessionSpeaker,
        "audit": AuditEntry,
    }
    with app.app_context():
        return {
            name: [
                tuple(getattr(row, column.name) for column in model.__table__.columns)
                for row in db.session.scalars(select(model).order_by(model.id))
            ]
            for name, model in tables.items()
        }


def token(client: FlaskClient) -> str:
    """A CSRF token, for the small forms (move, remove) that live on other pages."""
    return csrf_token(client, f"{BASE}/")


def audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def room_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Cedar Room",
        "capacity": "120",
        "floor": "Level 2",
        "accessibility_notes": "",
        **overrides,
    }


def slot_form(**overrides: str) -> dict[str, str]:
    return {
        "day": "2027-06-15",
        "starts_at": "09:00",
        "ends_at": "10:30",
        "kind": "plenary",
        "label": "Opening plenary",
        **overrides,
    }


def session_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "breakout",
        "title": "Housing first",
        "description": "",
        "track_id": "",
        "time_slot_id": "",
        "room_id": "",
        "capacity": "",
        **overrides,
    }


# --- who may open what ----------------------------------------------------------------------------------


ACCESS_GETS = [
    "/",
    "/rooms/new",
    "/rooms/{room}",
    "/rooms/{room}/delete",
    "/tracks/new",
    "/tracks/{track}",
    "/tracks/{track}/delete",
    "/slots/new",
    "/slots/{slot}",
    "/slots/{slot}/delete",
    "/sessions/new",
    "/sessions/{session}",
    "/sessions/{session}/delete",
]
ACCESS_POSTS = [
    ("/rooms/new", room_form(name="Main Hall")),
    ("/rooms/{room}", room_form(capacity="140")),
    ("/rooms/{room}/move", {"direction": "down"}),
    ("/tracks/new", {"name": "Democracy", "color": ""}),
    ("/tracks/{track}", {"name": "Climate", "color": "#2f6f4f"}),
    ("/tracks/{track}/move", {"direction": "up"}),
    ("/slots/new", slot_form(day="2027-06-16")),
    ("/slots/{slot}", slot_form(label="Opening")),
    ("/sessions/new", session_form(title="New workshop")),
    ("/sessions/{session}", session_form(title="Housing first, revised")),
    ("/sessions/{session}/speakers", {"speaker_id": "{speaker}", "role": "panelist"}),
    ("/sessions/{session}/speakers/{link}/role", {"speaker-{link}-role": "moderator"}),
    ("/sessions/{session}/speakers/{link}/move", {"direction": "down"}),
]
# The first role let in deletes; the next finds nothing there any more.
ACCESS_DELETES = [
    "/rooms/{room}/delete",
    "/tracks/{track}/delete",
    "/slots/{slot}/delete",
    "/sessions/{session}/delete",
    "/sessions/{session}/speakers/{link}/remove",
]


def access_ids(app: Flask, seeded: Seeded) -> dict[str, int]:
    """One of everything, for the access tests' URLs."""
    cid = seeded.convening_id
    ids = {
        "room": room(app, cid),
        "track": track(app, cid),
        "slot": slot(app, cid),
        "session": session(app, cid),
    }
    first, second = speaker(app, cid, "Héctor Ramírez"), speaker(app, cid, "李小龍")
    ids["speaker"] = speaker(app, cid, "Nguyễn Thị Minh Khai")
    ids["link"] = add(
        app, SessionSpeaker(session_id=ids["session"], speaker_id=first, role=SpeakerRole.PANELIST)
    )
    add(
        app,
        SessionSpeaker(session_id=ids["session"], speaker_id=second, role=SpeakerRole.PANELIST, position=1),
    )
    return ids


@pytest.mark.parametrize("path", ACCESS_GETS)
def test_every_program_page_is_for_staff_and_admins(app: Flask, seeded: Seeded, path: str) -> None:
    assert_role_access(app, "GET", BASE + path.format(**access_ids(app, seeded)), "staff")


@pytest.mark.parametrize(("path", "data"), ACCESS_POSTS)
def test_every_program_change_is_for_staff_and_admins(
    app: Flask, seeded: Seeded, path: str, data: dict[str, str]
) -> None:
    ids = access_ids(app, seeded)
    filled = {name.format(**ids): value.format(**ids) for name, value in data.items()}
    statuses = assert_role_access(app, "POST", BASE + path.format(**ids), "staff", filled)
    assert statuses["staff"] == 303, statuses


@pytest.mark.parametrize("path", ACCESS_DELETES)
def test_deleting_is_for_staff_and_admins(app: Flask, seeded: Seeded, path: str) -> None:
    statuses = assert_role_access(app, "POST", BASE + path.format(**access_ids(app, seeded)), "staff")
    assert statuses == {"volunteer": 403, "staff": 303, "admin": 404}


def test_another_convenings_rows_are_not_found_here(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    other = seed_convening(app, slug="next-year").convening_id
    room_id, slot_id, session_id = room(app, other), slot(app, other), session(app, other)
    client = staff_client("staff")
    for path in (f"/rooms/{room_id}", f"/slots/{slot_id}", f"/sessions/{session_id}", "/rooms/99999999999"):
        assert client.get(BASE + path).status_code == 404
    assert client.get("/staff/c/nowhere/program/").status_code == 404


# --- rooms and tracks -----------------------------------------------------------------------------------


def rooms_table(client: FlaskClient) -> str:
    page = client.get(f"{BASE}/").get_data(as_text=True)
    return page[page.index('id="rooms"') :]


def test_staff_add_edit_reorder_and_delete_rooms(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    client = staff_client("staff")
    response = submit(client, f"{BASE}/rooms/new", room_form(accessibility_notes="Hearing loop.\nStep-free."))
    assert response.status_code == 303
    submit(client, f"{BASE}/rooms/new", room_form(name="Main Hall", capacity="1,200", floor=""))
    with app.app_context():
        rooms = db.session.scalars(select(Room).order_by(Room.position)).all()
        assert [(r.name, r.capacity, r.floor, r.accessibility_notes) for r in rooms] == [
            ("Cedar Room", 120, "Level 2", "Hearing loop.\nStep-free."),
            ("Main Hall", 1200, "", ""),
        ]
        cedar_id, hall_id = rooms[0].id, rooms[1].id

    index = rooms_table(client)
    assert index.index("Cedar Room") < index.index("Main Hall")
    move = client.post(f"{BASE}/rooms/{hall_id}/move", data={"direction": "up", "csrf_token": token(client)})
    assert move.status_code == 303
    assert move.location.endswith(f"#room-{hall_id}")
    index = rooms_table(client)
    assert index.index("Main Hall") < index.index("Cedar Room")

    response = submit(client, f"{BASE}/rooms/{cedar_id}", room_form(capacity="140"))
    assert response.status_code == 303
    assert audit(app, "room.update")[0].changes == {
        "capacity": [120, 140],
        "accessibility_notes": ["Hearing loop.\nStep-free.", ""],
    }
    page = client.get(f"{BASE}/rooms/{cedar_id}").get_data(as_text=True)
    assert "Changed the room Cedar Room" in page  # its history


def test_deleting_a_room_asks_first_and_says_which_sessions_lose_it(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    cid = seeded.convening_id
    room_id = room(app, cid)
    slot_id = slot(app, cid)
    session_id = session(app, cid, "Housing first", room_id=room_id, time_slot_id=slot_id)
    client = staff_client("staff")
    confirm = client.get(f"{BASE}/rooms/{room_id}/delete").get_data(as_text=True)
    assert "keep their time slot but will have no room" in confirm
    assert "Housing first" in confirm
    response = submit(client, f"{BASE}/rooms/{room_id}/delete", {})
    assert response.status_code == 303
    flashed = client.get(response.location).get_data(as_text=True)
    assert "Deleted the room Cedar Room. 1 session has no room now: “Housing first”." in flashed
    with app.app_context():
        assert db.session.get(Room, room_id) is None
        kept = db.session.get(ProgramSession, session_id)
        assert (kept.room_id, kept.time_slot_id) == (None, slot_id)


def test_staff_add_rename_reorder_and_delete_tracks(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    client = staff_client("staff")
    assert submit(client, f"{BASE}/tracks/new", {"name": "Climate", "color": "#2F6F4F"}).status_code == 303
    assert submit(client, f"{BASE}/tracks/new", {"name": "Democracy", "color": "a33"}).status_code == 303
    with app.app_context():
        tracks = db.session.scalars(select(Track).order_by(Track.position)).all()
        assert [(t.name, t.color) for t in tracks] == [("Climate", "#2f6f4f"), ("Democracy", "#aa3333")]
        climate_id, democracy_id = tracks[0].id, tracks[1].id
    session_id = session(app, seeded.convening_id, track_id=climate_id)
    client.post(f"{BASE}/tracks/{democracy_id}/move", data={"direction": "up", "csrf_token": token(client)})
    with app.app_context():
        assert db.session.get(Track, democracy_id).position == 0
    assert (
        submit(client, f"{BASE}/tracks/{climate_id}", {"name": "Climate justice", "color": ""}).status_code
        == 303
    )
    assert audit(app, "track.update")[0].changes == {
        "name": ["Climate", "Climate justice"],
        "color": ["#2f6f4f", ""],
    }
    confirm = client.get(f"{BASE}/tracks/{climate_id}/delete").get_data(as_text=True)
    assert "without a track" in confirm
    response = submit(client, f"{BASE}/tracks/{climate_id}/delete", {})
    assert "1 session has no track now" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProgramSession, session_id).track_id is None


# --- time slots -----------------------------------------------------------------------------------------


def test_staff_add_a_slot_on_the_convenings_clock_and_delete_it(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    client = staff_client("staff")
    form = client.get(f"{BASE}/slots/new").get_data(as_text=True)
    assert '<option value="2027-06-15">Tuesday, June 15</option>' in form
    assert "America/Chicago" in form
    response = submit(client, f"{BASE}/slots/new", slot_form(starts_at="9:00 AM", ends_at="10:30"))
    assert response.status_code == 303
    with app.app_context():
        added = db.session.scalars(select(TimeSlot)).one()
        assert (added.starts_at, added.ends_at, added.kind, added.label) == (
            at(15, 9),
            at(15, 10, 30),
            SlotKind.PLENARY,
            "Opening plenary",
        )
        slot_id = added.id
    session_id = session(app, seeded.convening_id, time_slot_id=slot_id)
    index = client.get(f"{BASE}/").get_data(as_text=True)
    assert "9:00 AM – 10:30 AM" in index

    edit = client.get(f"{BASE}/slots/{slot_id}").get_data(as_text=True)
    assert 'value="09:00"' in edit
    assert 'value="10:30"' in edit
    confirm = client.get(f"{BASE}/slots/{slot_id}/delete").get_data(as_text=True)
    assert "These sessions will be unscheduled" in confirm
    response = submit(client, f"{BASE}/slots/{slot_id}/delete", {})
    assert response.location.endswith("#unscheduled")
    page = client.get(response.location).get_data(as_text=True)
    assert "1 session is unscheduled now: “Housing first”." in page
    with app.app_context():
        assert db.session.get(ProgramSession, session_id).time_slot_id is None
        assert db.session.get(TimeSlot, slot_id) is None


# --- sessions and their speakers ----------------------------------------------------------------------


def test_staff_add_a_session_with_its_room_slot_track_and_speakers(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    cid = seeded.convening_id
    room_id, track_id, slot_id = room(app, cid), track(app, cid, color="#2f6f4f"), slot(app, cid)
    hector = speaker(app, cid, "Héctor Ramírez", organization="City of Tucson")
    khai = speaker(app, cid, "Nguyễn Thị Minh Khai")
    client = staff_client("staff")

    form = client.get(f"{BASE}/sessions/new?time_slot_id={slot_id}").get_data(as_text=True)
    assert f'<option selected value="{slot_id}">' in form
    assert "Cedar Room (120 people)" in form
    response = submit(
        client,
        f"{BASE}/sessions/new",
        session_form(
            title="Housing first: what works",
            description="Cities that ended veteran homelessness.",
            track_id=str(track_id),
            time_slot_id=str(slot_id),
            room_id=str(room_id),
        ),
    )
    assert response.status_code == 303
    with app.app_context():
        added = db.session.scalars(select(ProgramSession)).one()
        assert (added.title, added.room_id, added.time_slot_id, added.track_id, added.capacity) == (
            "Housing first: what works",
            room_id,
            slot_id,
            track_id,
            None,
        )
        session_id = added.id
    page_url = f"{BASE}/sessions/{session_id}"
    assert response.location.endswith(f"{page_url}#speakers")
    page = client.get(page_url).get_data(as_text=True)
    assert "Leave blank to use the room’s: Cedar Room seats 120." in page

    for speaker_id, role in ((hector, "moderator"), (khai, "panelist")):
        added = submit(
            client, f"{page_url}/speakers", {"speaker_id": str(speaker_id), "role": role}, form_url=page_url
        )
        assert added.status_code == 303
    with app.app_context():
        links = db.session.scalars(select(SessionSpeaker).order_by(SessionSpeaker.position)).all()
        assert [(link.speaker_id, link.role) for link in links] == [
            (hector, SpeakerRole.MODERATOR),
            (khai, SpeakerRole.PANELIST),
        ]
        second = links[1].id
    moved = client.post(
        f"{page_url}/speakers/{second}/move", data={"direction": "up", "csrf_token": token(client)}
    )
    assert moved.status_code == 303
    index = client.get(f"{BASE}/").get_data(as_text=True)
    assert re.search(
        r"Nguyễn Thị Minh Khai</bdi> \(panelist\), <bdi>Héctor Ramírez</bdi> \(moderator\)", index
    )

    again = submit(
        client, f"{page_url}/speakers", {"speaker_id": str(hector), "role": "keynote"}, form_url=page_url
    )
    assert again.status_code == 422
    assert "Héctor Ramírez is already a speaker of this session." in " ".join(
        field_errors(again.get_data(as_text=True))
    )

    removed = client.post(f"{page_url}/speakers/{second}/remove", data={"csrf_token": token(client)})
    assert removed.status_code == 303
    with app.app_context():
        assert [link.speaker_id for link in db.session.scalars(select(SessionSpeaker))] == [hector]
        assert db.session.get(Speaker, khai) is not None

    confirm = client.get(f"{page_url}/delete").get_data(as_text=True)
    assert "Its speakers (Héctor Ramírez) stay on the speakers list." in confirm
    response = submit(client, f"{page_url}/delete", {}, form_url=f"{page_url}/delete")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(ProgramSession, session_id) is None
        assert len(db.session.scalars(select(Speaker)).all()) == 2
    assert [entry.action for entry in audit(app, "session.delete")] == ["session.delete"]


def test_names_in_every_script_are_shown_as_written(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    cid = seeded.convening_id
    room_id = room(app, cid, "Sala Héctor <b>")
    session_id = session(app, cid, "محمد: مجالس المدن", room_id=room_id, time_slot_id=slot(app, cid))
    add(
        app,
        SessionSpeaker(
            session_id=session_id, speaker_id=speaker(app, cid, "李小龍"), role=SpeakerRole.KEYNOTE
        ),
    )
    page = staff_client("staff").get(f"{BASE}/").get_data(as_text=True)
    assert "<bdi>محمد: مجالس المدن</bdi>" in page
    assert "<bdi>李小龍</bdi> (keynote)" in page
    assert "Sala Héctor &lt;b&gt;" in page
    assert "<b>" not in page


def test_the_program_page_takes_a_fixed_number_of_queries(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    cid = seeded.convening_id
    client = staff_client("staff")
    rooms = [room(app, cid, f"Room {number}") for number in range(10)]
    speaker_id = speaker(app, cid, "Héctor Ramírez")
    track_id = track(app, cid)

    def build(count: int, first_day: int) -> None:
        with app.app_context():
            slots = [
                TimeSlot(
                    convening_id=cid,
                    starts_at=at(first_day, hour),
                    ends_at=at(first_day, hour, 45),
                    kind=SlotKind.BREAKOUT,
                )
                for hour in range(8, 8 + (count + 9) // 10)
            ]
            db.session.add_all(slots)
            db.session.flush()
            for number in range(count):
                added = ProgramSession(
                    convening_id=cid,
                    kind=SessionKind.BREAKOUT,
                    title=f"Workshop {first_day}-{number}",
                    room_id=rooms[number % 10],
                    time_slot_id=slots[number // 10].id,
                    track_id=track_id,
                )
                added.speakers.append(SessionSpeaker(speaker_id=speaker_id, role=SpeakerRole.PANELIST))
                db.session.add(added)
            db.session.commit()

    def queries() -> int:
        with counted_queries(app) as statements:
            assert client.get(f"{BASE}/").status_code == 200
        return len(statements)

    build(3, 15)
    few = queries()
    build(57, 16)
    assert queries() == few
    assert client.get(f"{BASE}/").get_data(as_text=True).count('class="program-session"') == 60


# --- bad input ----------------------------------------------------------------------------------------------


def refused(
    app: Flask, client: FlaskClient, url: str, data: dict[str, str], field: str, message: str
) -> None:
    """The form comes back with a 422 and the message beside `field`, and nothing in the program changed."""
    before = program_state(app)
    response = submit(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, (field, field_errors(html))
    assert message in re.sub(r"<[^>]+>", "", match.group(1)), (message, match.group(1))
    assert program_state(app) == before


def test_overlapping_slots_are_refused_naming_the_other(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    slot(app, seeded.convening_id, 15, 9, 10, label="Opening plenary", kind=SlotKind.PLENARY)
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/slots/new",
        slot_form(starts_at="09:30", ends_at="11:00"),
        "starts_at",
        "This slot overlaps “Opening plenary” (Tuesday, June 15, 9:00 AM – 10:00 AM).",
    )


def test_a_slot_that_ends_before_it_starts_is_refused(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/slots/new",
        slot_form(starts_at="14:00", ends_at="13:00"),
        "ends_at",
        "This slot ends before it starts. Check both times.",
    )


def test_a_slot_outside_the_convenings_days_is_refused(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    client = staff_client("staff")
    refused(
        app,
        client,
        f"{BASE}/slots/new",
        slot_form(day="2027-06-18"),
        "day",
        "Friday, June 18 is not a day of the convening. Choose a day from Tuesday, June 15 to "
        "Thursday, June 17.",
    )
    refused(
        app, client, f"{BASE}/slots/new", slot_form(day="next tuesday"), "day", "Choose a day from the list."
    )
    refused(
        app,
        client,
        f"{BASE}/slots/new",
        slot_form(starts_at="9 o'clock"),
        "starts_at",
        "Enter a time like 09:00",
    )


def test_a_time_the_clocks_skip_is_refused(app: Flask, staff_client: Any) -> None:
    seed_convening(app, starts_on=date(2027, 3, 13), ends_on=date(2027, 3, 15))
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/slots/new",
        slot_form(day="2027-03-14", starts_at="02:30", ends_at="03:30"),
        "starts_at",
        "2:30 AM does not exist on March 14 in America/Chicago: the clocks skip it when daylight saving time "
        "starts. Choose another time.",
    )


def test_a_slot_edited_into_another_is_refused(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    first = slot(app, seeded.convening_id, 15, 9, 10)
    slot(app, seeded.convening_id, 15, 11, 12, label="Lunch", kind=SlotKind.MEAL)
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/slots/{first}",
        slot_form(starts_at="09:00", ends_at="11:30"),
        "starts_at",
        "This slot overlaps “Lunch” (Tuesday, June 15, 11:00 AM – 12:00 PM).",
    )


def test_duplicate_room_and_track_names_are_refused(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    room(app, seeded.convening_id, "Cedar Room")
    other = room(app, seeded.convening_id, "Main Hall")
    track(app, seeded.convening_id, "Climate")
    client = staff_client("staff")
    taken = "Another room is already called “cedar ROOM”. Choose a different name."
    refused(app, client, f"{BASE}/rooms/new", room_form(name="cedar ROOM"), "name", taken)
    refused(app, client, f"{BASE}/rooms/{other}", room_form(name="cedar ROOM"), "name", taken)
    refused(
        app,
        client,
        f"{BASE}/tracks/new",
        {"name": "CLIMATE", "color": ""},
        "name",
        "Another track is already called “CLIMATE”. Choose a different name.",
    )
    refused(app, client, f"{BASE}/tracks/new", {"name": "Housing", "color": "teal"}, "color", "like #2f6f4f")


@pytest.mark.parametrize(
    ("capacity", "message"),
    [
        ("-5", "Enter zero or more people, or leave it blank if it has no set limit."),
        ("lots", "Enter a whole number of people, like 120, or leave it blank if it has no set limit."),
        ("12.5", "Enter a whole number of people"),
        ("99999999", "Enter at most 1,000,000 people"),
    ],
)
def test_a_room_capacity_must_be_a_number_of_people(
    app: Flask, seeded: Seeded, staff_client: Any, capacity: str, message: str
) -> None:
    refused(
        app, staff_client("staff"), f"{BASE}/rooms/new", room_form(capacity=capacity), "capacity", message
    )


def test_a_session_capacity_must_be_a_number_of_people(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    session_id = session(app, seeded.convening_id)
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/sessions/{session_id}",
        session_form(capacity="-1"),
        "capacity",
        "Enter zero or more people, or leave it blank to use the room’s capacity.",
    )


def test_a_room_or_slot_of_another_convening_posted_by_hand_is_refused(
    app: Flask, seeded: Seeded, staff_client: Any
) -> None:
    other = seed_convening(app, slug="next-year").convening_id
    their_room, their_slot, their_track = room(app, other), slot(app, other), track(app, other)
    session_id = session(app, seeded.convening_id)
    client = staff_client("staff")
    for url in (f"{BASE}/sessions/new", f"{BASE}/sessions/{session_id}"):
        refused(
            app,
            client,
            url,
            session_form(room_id=str(their_room)),
            "room_id",
            "Choose a room of this convening.",
        )
        refused(
            app,
            client,
            url,
            session_form(time_slot_id=str(their_slot)),
            "time_slot_id",
            "Choose a time slot of this convening.",
        )
        refused(
            app,
            client,
            url,
            session_form(track_id=str(their_track)),
            "track_id",
            "Choose a track of this convening.",
        )
    refused(
        app,
        client,
        f"{BASE}/sessions/new",
        session_form(room_id="1; DROP"),
        "room_id",
        "Choose one from the list.",
    )
    refused(
        app,
        client,
        f"{BASE}/sessions/new",
        session_form(kind="workshop"),
        "kind",
        "Choose one from the list.",
    )
    their_speaker = speaker(app, other, "Héctor Ramírez")
    page = f"{BASE}/sessions/{session_id}"
    before = program_state(app)
    response = submit(
        client, f"{page}/speakers", {"speaker_id": str(their_speaker), "role": "panelist"}, form_url=page
    )
    assert response.status_code == 422
    assert "Choose a speaker of this convening." in field_errors(response.get_data(as_text=True))
    assert program_state(app) == before


def test_an_over_long_title_is_refused(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    refused(
        app,
        staff_client("staff"),
        f"{BASE}/sessions/new",
        session_form(title="Ñ" * 201),
        "title",
        "Keep this under 200 characters.",
    )


def test_an_unknown_speaker_role_is_refused_beside_it(app: Flask, seeded: Seeded, staff_client: Any) -> None:
    session_id = session(app, seeded.convening_id)
    link_id = add(
        app,
        SessionSpeaker(
            session_id=session_id,
            speaker_id=speaker(app, seeded.convening_id, "李小龍"),
            role=SpeakerRole.PANELIST,
        ),
    )
    page = f"{BASE}/sessions/{session_id}"
    client = staff_client("staff")
    before = program_state(app)
    response = submit(
        client, f"{page}/speakers/{link_id}/role", {f"speaker-{link_id}-role": "emcee"}, form_url=page
    )
    assert response.status_code == 422
    assert re.search(
        rf'id="speaker-{link_id}-role-error">.*Choose one from the list', response.get_data(as_text=True)
    )
    assert program_state(app) == before


# --- in a browser, on a phone ---------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_build_a_program_on_a_phone(app: Flask, seeded: Seeded, phone: Page) -> None:
    email = make_staff(app, "staff", name="Ana Ruiz")
    speaker(app, seeded.convening_id, "محمد عبد الله", organization="City of Dearborn")
    phone.set_default_timeout(10_000)
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Convenings")).to_be_visible()

    phone.goto(f"{BASE}/")
    expect(phone.get_by_role("heading", name="Program", exact=True)).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_role("link", name="Add a room").first.click()
    phone.get_by_label("Name").fill("Salón Héctor")
    phone.get_by_label("Capacity").fill("-3")
    phone.get_by_role("button", name="Add this room").click()
    expect(phone.locator("#capacity-error")).to_contain_text("Enter zero or more people")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_label("Capacity").fill("150")
    phone.get_by_label("Accessibility notes").fill("Step-free from the lobby; hearing loop.")
    phone.get_by_role("button", name="Add this room").click()
    expect(phone.get_by_role("status")).to_contain_text("Added the room Salón Héctor.")

    phone.get_by_role("link", name="Add a time slot").first.click()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_label("Day").select_option(label="Wednesday, June 16")
    phone.get_by_label("Starts").fill("13:30")
    phone.get_by_label("Ends").fill("15:00")
    phone.get_by_label("Kind").select_option(label="Breakouts")
    phone.get_by_label("Label").fill("Breakout workshops II")
    phone.get_by_role("button", name="Add this time slot").click()
    expect(phone.get_by_role("status")).to_contain_text(
        "Added the time slot Breakouts: Breakout workshops II"
    )

    phone.get_by_role("link", name="Add a session", exact=True).first.click()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_label("Kind").select_option(label="Breakout workshop")
    phone.get_by_label("Title").fill("Nguyễn’s housing-first playbook")
    phone.get_by_label("Time slot").select_option(
        label="1:30 PM – 3:00 PM · Breakouts: Breakout workshops II"
    )
    phone.get_by_label("Room").select_option(label="Salón Héctor (150 people)")
    phone.get_by_role("button", name="Add this session").click()
    expect(phone.get_by_role("status")).to_contain_text(
        "Added the session “Nguyễn’s housing-first playbook”."
    )
    phone.get_by_label("Speaker", exact=True).select_option(label="محمد عبد الله, City of Dearborn")
    phone.get_by_label("Role", exact=True).select_option(label="Facilitator")
    phone.get_by_role("button", name="Add this speaker").click()
    expect(phone.get_by_role("status")).to_contain_text("Added محمد عبد الله as facilitator.")
    expect(phone.get_by_label("Role of محمد عبد الله")).to_have_value("facilitator")
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.goto(f"{BASE}/")
    slot_section = phone.locator(".program-slot").first
    expect(slot_section).to_contain_text("1:30 PM – 3:00 PM")
    expect(slot_section).to_contain_text("Nguyễn’s housing-first playbook")
    expect(slot_section).to_contain_text("Salón Héctor")
    assert_accessible(phone)
    assert_fits_width(phone)

    with app.app_context():
        added = db.session.scalars(select(ProgramSession)).one()
        assert added.room.name == "Salón Héctor"
        assert added.time_slot.starts_at == at(16, 13, 30)
        assert added.effective_capacity == 150
        assert [(link.speaker.name, link.role) for link in added.speakers] == [
            ("محمد عبد الله", SpeakerRole.FACILITATOR)
        ]
