"""The staff program grid: who may open it, moving sessions by form and by JSON, and the warnings it shows."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from conftest import Seeded, assert_role_access, counted_queries, csrf_token, seed_convening, submit
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

CHICAGO = ZoneInfo("America/Chicago")
GRID = "/staff/c/summit/program/grid/"
DROP = "/staff/c/summit/program/grid/drop"


def move_url(session_id: int) -> str:
    return f"/staff/c/summit/program/grid/sessions/{session_id}/move"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 6, day, hour, minute, tzinfo=CHICAGO)


@dataclass
class Program:
    seeded: Seeded
    rooms: dict[str, int]
    slots: dict[str, int]
    sessions: dict[str, int]
    speakers: dict[str, int]


def build_program(app: Flask, seeded: Seeded | None = None) -> Program:
    """Tuesday: an opening plenary and a breakout slot; Wednesday: a breakout slot. Nothing clashes yet."""
    seeded = seeded or seed_convening(app)
    with app.app_context():
        cid = seeded.convening_id
        rooms = {
            "hall": Room(convening_id=cid, name="Main Hall", capacity=300, position=0),
            "salon": Room(convening_id=cid, name="Salon B", capacity=40, position=1),
            "garden": Room(convening_id=cid, name="Jardín", capacity=25, position=2),
        }
        slots = {
            "opening": TimeSlot(
                convening_id=cid, starts_at=local(15, 9), ends_at=local(15, 10), kind=SlotKind.PLENARY
            ),
            "tuesday": TimeSlot(
                convening_id=cid, starts_at=local(15, 10, 30), ends_at=local(15, 12), kind=SlotKind.BREAKOUT
            ),
            "wednesday": TimeSlot(
                convening_id=cid, starts_at=local(16, 10, 30), ends_at=local(16, 12), kind=SlotKind.BREAKOUT
            ),
        }
        track = Track(convening_id=cid, name="Housing", color="#2f6f4f")
        speakers = {
            "hector": Speaker(convening_id=cid, name="Héctor Ramírez"),
            "khai": Speaker(convening_id=cid, name="Nguyễn Thị Minh Khai"),
            "lee": Speaker(convening_id=cid, name="李小龍"),
            "mohamed": Speaker(convening_id=cid, name="محمد عبد الله"),
        }
        db.session.add_all([*rooms.values(), *slots.values(), track, *speakers.values()])
        db.session.flush()
        sessions = {
            "welcome": ProgramSession(
                convening_id=cid,
                kind=SessionKind.KEYNOTE,
                title="Welcome to Minneapolis",
                time_slot_id=slots["opening"].id,
                room_id=rooms["hall"].id,
            ),
            "zoning": ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title="Zoning for missing-middle housing",
                time_slot_id=slots["tuesday"].id,
                room_id=rooms["salon"].id,
                track=track,
            ),
            "transit": ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title="Transit that riders choose",
                time_slot_id=slots["tuesday"].id,
                room_id=rooms["hall"].id,
                capacity=120,
            ),
            "budgets": ProgramSession(
                convening_id=cid, kind=SessionKind.BREAKOUT, title="Participatory budgets"
            ),
        }
        db.session.add_all(sessions.values())
        db.session.flush()
        for session, speaker, role in [
            ("welcome", "mohamed", SpeakerRole.KEYNOTE),
            ("zoning", "hector", SpeakerRole.FACILITATOR),
            ("zoning", "khai", SpeakerRole.PANELIST),
            ("transit", "lee", SpeakerRole.PRESENTER),
            ("budgets", "khai", SpeakerRole.FACILITATOR),
        ]:
            db.session.add(
                SessionSpeaker(session_id=sessions[session].id, speaker_id=speakers[speaker].id, role=role)
            )
        db.session.commit()
        return Program(
            seeded,
            {name: room.id for name, room in rooms.items()},
            {name: slot.id for name, slot in slots.items()},
            {name: session.id for name, session in sessions.items()},
            {name: speaker.id for name, speaker in speakers.items()},
        )


def placement(app: Flask, session_id: int) -> tuple[int | None, int | None]:
    with app.app_context():
        session = db.session.get(ProgramSession, session_id)
        return session.time_slot_id, session.room_id


def placed_entries(app: Flask, session_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry).where(
                    AuditEntry.subject_type == "session",
                    AuditEntry.subject_id == session_id,
                    AuditEntry.action == "session.placed",
                )
            )
        )


def text_of(page: str) -> str:
    """The page's text, as a reader sees it (tags, isolates and entities gone, spaces collapsed)."""
    inline = re.sub(r"</?(?:bdi|span|a|strong)\b[^>]*>", "", page)
    plain = html_lib.unescape(re.sub(r"<[^>]+>", " ", inline)).replace("\u2068", "").replace("\u2069", "")
    return re.sub(r"\s+", " ", plain)


def drop(client: FlaskClient, payload: Any, token: str | None = None) -> Any:
    return client.post(DROP, json=payload, headers={"X-CSRFToken": token or csrf_token(client, GRID)})


def drop_on(
    client: FlaskClient, session_id: int, time_slot_id: int | None, room_id: int | None, **more: str
) -> Any:
    """Drop a session on a cell of the grid, as the page's script does (`day`: the day it was dropped on)."""
    return drop(client, {"session_id": session_id, "time_slot_id": time_slot_id, "room_id": room_id, **more})


def cell(page: str, slot_id: int, room_id: int | None) -> str:
    """The HTML of one cell of the grid."""
    anchor = f"cell-{slot_id}-{room_id if room_id is not None else 'none'}"
    match = re.search(rf'<td id="{anchor}"(.*?)</td>', page, re.S)
    assert match, f"no cell {anchor}"
    return match.group(0)


# --- who may use it ---------------------------------------------------------------------------------


def test_staff_and_admins_open_the_grid_volunteers_cannot(app: Flask) -> None:
    build_program(app)
    assert_role_access(app, "GET", GRID, "staff")


def test_only_staff_and_admins_move_sessions_with_the_form(app: Flask) -> None:
    program = build_program(app)
    data = {"time_slot_id": program.slots["wednesday"], "room_id": program.rooms["garden"]}
    statuses = assert_role_access(app, "POST", move_url(program.sessions["budgets"]), "staff", data)
    assert statuses == {"volunteer": 403, "staff": 303, "admin": 303}


def test_only_staff_and_admins_reach_the_drop_endpoint(app: Flask, staff_client) -> None:
    program = build_program(app)
    statuses = assert_role_access(app, "POST", DROP, "staff", {"session_id": program.sessions["budgets"]})
    assert statuses["staff"] == statuses["admin"] == 400  # a form post, not JSON: refused in words
    volunteer = staff_client("volunteer")
    token = csrf_token(volunteer, "/staff/password")
    payload = {
        "session_id": program.sessions["budgets"],
        "time_slot_id": program.slots["tuesday"],
        "room_id": None,
    }
    assert drop(volunteer, payload, token).status_code == 403
    assert placement(app, program.sessions["budgets"]) == (None, None)


def test_another_convenings_sessions_and_unknown_convenings_are_not_found(app: Flask, staff_client) -> None:
    build_program(app)
    other = build_program(app, seed_convening(app, slug="retreat"))
    client = staff_client("staff")
    assert client.get("/staff/c/nowhere/program/grid/").status_code == 404
    response = submit(
        client, move_url(other.sessions["budgets"]), {"time_slot_id": "", "room_id": ""}, form_url=GRID
    )
    assert response.status_code == 404
    response = drop_on(client, other.sessions["budgets"], None, None)
    assert response.status_code == 404
    assert response.json["problems"]["session_id"].startswith("That session is not in this program")


# --- the page ---------------------------------------------------------------------------------------


def test_the_first_day_shows_rooms_as_columns_slots_as_rows_and_the_cards(app: Flask, staff_client) -> None:
    program = build_program(app)
    page = staff_client("staff").get(GRID).get_data(as_text=True)
    text = text_of(page)
    assert 'aria-current="page">Program grid</a>' in page  # the console navigation knows the page
    assert re.search(r'href="[^"]*\?day=2027-06-15" aria-current="page">Tuesday, June 15', page)
    assert "Wednesday, June 16" in text
    assert "Thursday, June 17" in text  # a day of the convening with nothing on it yet still has its tab
    assert "Time slots by room on Tuesday, June 15" in text
    assert "Time Main Hall 300 seats Salon B 40 seats Jardín 25 seats" in text
    assert "9:00 AM–10:00 AM Plenary" in text
    assert "10:30 AM–12:00 PM Breakouts" in text
    welcome = cell(page, program.slots["opening"], program.rooms["hall"])
    assert "Welcome to Minneapolis" in welcome
    assert "<bdi>محمد عبد الله</bdi>" in welcome
    assert "Keynote" in welcome
    zoning = text_of(cell(page, program.slots["tuesday"], program.rooms["salon"]))
    assert "Zoning for missing-middle housing Breakout workshop Track: Housing" in zoning
    assert "Héctor Ramírez, Nguyễn Thị Minh Khai" in zoning
    assert "40 seats (the room's)" in zoning
    assert 'style="background-color: #2f6f4f"' in page
    transit = text_of(cell(page, program.slots["tuesday"], program.rooms["hall"]))
    assert "120 seats · room holds 300" in transit
    assert "Free" in text_of(cell(page, program.slots["opening"], program.rooms["salon"]))
    assert "No room yet" not in text  # no column for sessions without a room while there are none
    unscheduled = text_of(page.split('id="unscheduled"')[1])
    assert "Participatory budgets" in unscheduled
    assert "No seat limit" in unscheduled
    assert "Nothing to check on Tuesday, June 15" in text
    assert '<meta name="csrf-token"' in page
    assert 'src="/static/js/grid.js"' in page


def test_another_day_by_its_link_and_a_mangled_day_falls_back_to_the_first(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    wednesday = client.get(f"{GRID}?day=2027-06-16").get_data(as_text=True)
    assert "Time slots by room on Wednesday, June 16" in wednesday
    assert f'id="cell-{program.slots["wednesday"]}-{program.rooms["hall"]}"' in wednesday
    assert f'id="cell-{program.slots["opening"]}-' not in wednesday
    thursday = client.get(f"{GRID}?day=2027-06-17").get_data(as_text=True)
    assert "No time slots on Thursday, June 17 yet" in thursday
    for mangled in ("2027-13-45", "tuesday", "2031-01-01", "%00"):
        response = client.get(GRID, query_string={"day": mangled})
        assert response.status_code == 200
        assert "Time slots by room on Tuesday, June 15" in response.get_data(as_text=True)


def test_the_move_form_lists_every_slot_by_day_and_every_room(app: Flask, staff_client) -> None:
    program = build_program(app)
    page = staff_client("staff").get(GRID).get_data(as_text=True)
    zoning = program.sessions["zoning"]
    form = page.split(f'action="{move_url(zoning)}"')[1].split("</form>")[0]
    assert f'<label for="move-{zoning}-slot">Time slot</label>' in form
    assert f'<label for="move-{zoning}-room">Room</label>' in form
    assert '<optgroup label="Tuesday, June 15">' in form
    assert '<optgroup label="Wednesday, June 16">' in form
    assert "Thursday" not in form  # no slots on that day to choose
    assert (
        f'<option value="{program.slots["tuesday"]}" selected>10:30 AM–12:00 PM · Breakouts</option>' in form
    )
    assert f'<option value="{program.rooms["salon"]}" selected>Salon B (40 seats)</option>' in form
    assert '<option value="">No time slot (not in the grid)</option>' in form
    assert '<option value="">No room</option>' in form


def test_an_empty_program_says_what_to_add(app: Flask, staff_client) -> None:
    seed_convening(app)
    page = text_of(staff_client("staff").get(GRID).get_data(as_text=True))
    assert "The grid is empty" in page
    assert "Add rooms and time slots" in page


# --- warnings ---------------------------------------------------------------------------------------


def place(app: Flask, session_id: int, **fields: Any) -> None:
    with app.app_context():
        session = db.session.get(ProgramSession, session_id)
        for name, value in fields.items():
            setattr(session, name, value)
        db.session.commit()


def test_a_room_used_twice_is_flagged_at_the_top_and_in_its_cell(app: Flask, staff_client) -> None:
    program = build_program(app)
    place(
        app,
        program.sessions["welcome"],
        time_slot_id=program.slots["tuesday"],
        room_id=program.rooms["salon"],
    )
    page = staff_client("staff").get(GRID).get_data(as_text=True)
    text = text_of(page)
    assert "⚠ 1 thing to check on Tuesday, June 15" in text
    assert (
        "Warning: Salon B has 2 sessions on Tuesday, June 15 at 10:30 AM: "
        "“Welcome to Minneapolis” and “Zoning for missing-middle housing”. Move one to another room or time."
        in text
    )
    anchor = f"cell-{program.slots['tuesday']}-{program.rooms['salon']}"
    assert f'<a href="#{anchor}">' in page
    shared = cell(page, program.slots["tuesday"], program.rooms["salon"])
    assert 'class="grid-cell has-warnings"' in shared
    assert "⚠ 1 warning here" in text_of(shared)  # an icon and words, never colour alone
    assert text_of(shared).count("⚠ Room double-booked") == 2
    assert 'class="grid-cell"' in cell(page, program.slots["tuesday"], program.rooms["hall"])
    assert "⚠ 1 warning" in text_of(page.split('aria-label="Days"')[1].split("</nav>")[0])


def test_a_speaker_in_two_places_is_flagged_on_both_cards(app: Flask, staff_client) -> None:
    program = build_program(app)
    place(
        app,
        program.sessions["budgets"],
        time_slot_id=program.slots["tuesday"],
        room_id=program.rooms["garden"],
    )
    page = staff_client("staff").get(GRID).get_data(as_text=True)
    text = text_of(page)
    assert (
        "Nguyễn Thị Minh Khai is in two sessions at once on Tuesday, June 15 at 10:30 AM: "
        "“Participatory budgets” and “Zoning for missing-middle housing”. "
        "Move one of the sessions or change who speaks." in text
    )
    for room in ("salon", "garden"):
        marked = text_of(cell(page, program.slots["tuesday"], program.rooms[room]))
        assert "⚠ Nguyễn Thị Minh Khai double-booked" in marked
        assert "1 warning here" in marked


def test_a_session_larger_than_its_room_is_flagged(app: Flask, staff_client) -> None:
    program = build_program(app)
    place(
        app,
        program.sessions["transit"],
        room_id=program.rooms["salon"],
        time_slot_id=program.slots["wednesday"],
    )
    client = staff_client("staff")
    assert "Nothing to check on Tuesday" in text_of(client.get(GRID).get_data(as_text=True))
    page = client.get(f"{GRID}?day=2027-06-16").get_data(as_text=True)
    assert (
        "“Transit that riders choose” is set for 120 people but Salon B holds 40. "
        "Lower the session's capacity or move it to a larger room." in text_of(page)
    )
    marked = text_of(cell(page, program.slots["wednesday"], program.rooms["salon"]))
    assert "⚠ Larger than its room" in marked
    assert "120 seats · room holds 40" in marked


def test_half_placed_sessions_and_notices(app: Flask, staff_client) -> None:
    program = build_program(app)
    place(app, program.sessions["budgets"], room_id=program.rooms["garden"])  # a room, no slot
    place(app, program.sessions["zoning"], room_id=None)  # a slot, no room
    place(
        app,
        program.sessions["transit"],
        time_slot_id=program.slots["opening"],
        room_id=program.rooms["salon"],
        capacity=None,
    )
    page = staff_client("staff").get(GRID).get_data(as_text=True)
    text = text_of(page)
    assert "“Participatory budgets” has a room (Jardín) but no time slot." in text
    assert f'<a href="#session-{program.sessions["budgets"]}">' in page
    assert "“Zoning for missing-middle housing” is on Tuesday, June 15 at 10:30 AM but has no room." in text
    assert "No room yet" in text  # a column for the sessions without a room
    assert "Zoning for missing-middle housing" in cell(page, program.slots["tuesday"], None)
    assert (
        "Notice: “Transit that riders choose” is a breakout workshop in a plenary slot "
        "(Tuesday, June 15 at 9:00 AM)." in text
    )
    opening = text_of(cell(page, program.slots["opening"], program.rooms["salon"]))
    assert "ℹ 1 notice here" in opening
    assert "ℹ Breakout in a plenary slot" in opening


# --- moving with the form ---------------------------------------------------------------------------


def test_the_move_form_moves_the_session_records_it_and_shows_its_new_day(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    zoning = program.sessions["zoning"]
    response = submit(
        client,
        move_url(zoning),
        {
            "time_slot_id": program.slots["wednesday"],
            "room_id": program.rooms["garden"],
            "view_day": "2027-06-15",
        },
        form_url=GRID,
    )
    assert response.status_code == 303
    assert response.location == f"{GRID}?day=2027-06-16#session-{zoning}"
    assert placement(app, zoning) == (program.slots["wednesday"], program.rooms["garden"])
    (entry,) = placed_entries(app, zoning)
    assert entry.actor_label == "Staff Person (staff@convening.test)"
    assert entry.convening_id == program.seeded.convening_id
    assert entry.changes == {
        "time_slot_id": [program.slots["tuesday"], program.slots["wednesday"]],
        "room_id": [program.rooms["salon"], program.rooms["garden"]],
    }
    page = client.get(response.location).get_data(as_text=True)
    assert "Moved “Zoning for missing-middle housing” to Jardín, Wednesday, June 16 at 10:30 AM." in text_of(
        page
    )
    assert "Zoning for missing-middle housing" in cell(
        page, program.slots["wednesday"], program.rooms["garden"]
    )


def test_the_move_form_can_take_a_session_out_of_the_grid(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    response = submit(
        client,
        move_url(program.sessions["transit"]),
        {"time_slot_id": "", "room_id": "", "view_day": "2027-06-15"},
        form_url=GRID,
    )
    assert response.location == f"{GRID}?day=2027-06-15#session-{program.sessions['transit']}"
    assert placement(app, program.sessions["transit"]) == (None, None)
    page = client.get(response.location).get_data(as_text=True)
    assert "Transit that riders choose" in page.split('id="unscheduled"')[1]
    assert "Took “Transit that riders choose” out of the grid." in text_of(page)


def test_a_room_of_another_convening_is_refused_beside_the_field_and_nothing_changes(
    app: Flask, staff_client
) -> None:
    program = build_program(app)
    other = build_program(app, seed_convening(app, slug="retreat"))
    client = staff_client("staff")
    zoning = program.sessions["zoning"]
    for data, field, message in [
        (
            {"time_slot_id": program.slots["wednesday"], "room_id": other.rooms["hall"]},
            "room",
            "Choose a room of this convening.",
        ),
        (
            {"time_slot_id": other.slots["tuesday"], "room_id": program.rooms["hall"]},
            "slot",
            "Choose a time slot of this convening.",
        ),
        (
            {"time_slot_id": "10:30", "room_id": program.rooms["hall"]},
            "slot",
            "Choose a time slot from the list.",
        ),
        ({"time_slot_id": program.slots["opening"], "room_id": "-1"}, "room", "Choose a room from the list."),
    ]:
        response = submit(client, move_url(zoning), {**data, "view_day": "2027-06-16"}, form_url=GRID)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert f'<p class="field-error" id="move-{zoning}-{field}-error">' in page
        assert message in text_of(page)
        assert "“Zoning for missing-middle housing” was not moved." in text_of(page)
        assert f'<a href="#move-{zoning}-{field}">' in page
        assert "Time slots by room on Tuesday, June 15" in page  # the day its card (and form) is on
        assert placement(app, zoning) == (program.slots["tuesday"], program.rooms["salon"])
    assert placed_entries(app, zoning) == []


def test_the_move_form_needs_its_csrf_token(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    response = client.post(
        move_url(program.sessions["budgets"]), data={"time_slot_id": program.slots["tuesday"]}
    )
    assert response.status_code == 400
    assert placement(app, program.sessions["budgets"]) == (None, None)


# --- moving by drag and drop (JSON) -----------------------------------------------------------------


def test_a_drop_moves_the_session_and_answers_with_the_new_warnings(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    budgets = program.sessions["budgets"]
    response = drop_on(client, budgets, program.slots["tuesday"], program.rooms["salon"], day="2027-06-15")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["session"] == {
        "id": budgets,
        "time_slot_id": program.slots["tuesday"],
        "room_id": program.rooms["salon"],
    }
    assert text_of(body["message"]).startswith(
        "Moved “Participatory budgets” to Salon B, Tuesday, June 15 at 10:30 AM. 2 warnings concern it:"
    )
    problems = sorted(warning["problem"] for warning in body["warnings"])
    assert problems == ["room_double_booked", "speaker_double_booked"]
    assert all(budgets in warning["session_ids"] for warning in body["warnings"])
    assert placement(app, budgets) == (program.slots["tuesday"], program.rooms["salon"])
    (entry,) = placed_entries(app, budgets)
    assert entry.changes == {
        "time_slot_id": [None, program.slots["tuesday"]],
        "room_id": [None, program.rooms["salon"]],
    }
    assert "Placed “Participatory budgets”" in entry.summary


def test_a_drop_on_a_slot_of_another_day_is_refused_and_nothing_changes(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    zoning = program.sessions["zoning"]
    response = drop_on(client, zoning, program.slots["wednesday"], program.rooms["hall"], day="2027-06-15")
    assert response.status_code == 422
    assert "Wednesday" in response.json["problems"]["time_slot_id"]
    assert text_of(response.json["error"]).startswith("“Zoning for missing-middle housing” was not moved.")
    assert placement(app, zoning) == (program.slots["tuesday"], program.rooms["salon"])
    assert placed_entries(app, zoning) == []


def test_a_drop_in_a_room_of_another_convening_is_refused(app: Flask, staff_client) -> None:
    program = build_program(app)
    other = build_program(app, seed_convening(app, slug="retreat"))
    client = staff_client("staff")
    response = drop_on(client, program.sessions["zoning"], program.slots["tuesday"], other.rooms["hall"])
    assert response.status_code == 422
    assert response.json["problems"] == {"room_id": "Choose a room of this convening."}
    assert placement(app, program.sessions["zoning"]) == (program.slots["tuesday"], program.rooms["salon"])


def test_malformed_drops_are_refused_in_words(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    token = csrf_token(client, GRID)
    zoning = program.sessions["zoning"]
    for payload, status, field in [
        ([1, 2, 3], 400, None),
        ("move it", 400, None),
        ({"session_id": "zoning", "time_slot_id": None, "room_id": None}, 400, "session_id"),
        ({"session_id": True, "time_slot_id": None, "room_id": None}, 400, "session_id"),
        ({"session_id": zoning, "time_slot_id": 1.5, "room_id": None}, 400, "time_slot_id"),
        ({"session_id": zoning, "time_slot_id": None, "room_id": {"id": 1}}, 400, "room_id"),
        ({"session_id": zoning, "time_slot_id": None, "room_id": None, "day": "June 15"}, 400, "day"),
        ({"session_id": 2**40, "time_slot_id": None, "room_id": None}, 400, "session_id"),
        ({"session_id": zoning, "time_slot_id": 2**31, "room_id": None}, 400, "time_slot_id"),
        ({"session_id": zoning, "time_slot_id": None, "room_id": -4}, 400, "room_id"),
        ({"session_id": 2**31 - 1, "time_slot_id": None, "room_id": None}, 404, "session_id"),
        ({"time_slot_id": None, "room_id": None}, 404, "session_id"),
    ]:
        response = drop(client, payload, token)
        assert response.status_code == status, payload
        assert response.json["error"]
        if field:
            assert field in response.json["problems"], payload
    response = client.post(
        DROP, data="{not json", headers={"X-CSRFToken": token, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["error"] == "Send the move as a JSON object."
    assert placement(app, zoning) == (program.slots["tuesday"], program.rooms["salon"])
    assert placed_entries(app, zoning) == []


def test_a_drop_without_the_csrf_header_is_refused(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    payload = {
        "session_id": program.sessions["budgets"],
        "time_slot_id": program.slots["tuesday"],
        "room_id": None,
    }
    assert client.post(DROP, json=payload).status_code == 400
    assert placement(app, program.sessions["budgets"]) == (None, None)


# --- cost ---------------------------------------------------------------------------------------------


def test_the_grid_costs_the_same_queries_for_four_sessions_or_sixty(app: Flask, staff_client) -> None:
    program = build_program(app)
    client = staff_client("staff")
    client.get(GRID)  # warm up
    with counted_queries(app) as few:
        assert client.get(GRID).status_code == 200
    with app.app_context():
        cid = program.seeded.convening_id
        tracks = [Track(convening_id=cid, name=f"Track {number}", color="#1d4f91") for number in range(4)]
        rooms = [Room(convening_id=cid, name=f"Room {number}", capacity=30) for number in range(6)]
        slots = [
            TimeSlot(
                convening_id=cid,
                starts_at=local(15 + number % 3, 13 + number // 3),
                ends_at=local(15 + number % 3, 13 + number // 3) + timedelta(minutes=50),
                kind=SlotKind.BREAKOUT,
            )
            for number in range(9)
        ]
        speakers = [Speaker(convening_id=cid, name=f"Speaker {number}") for number in range(20)]
        db.session.add_all([*tracks, *rooms, *slots, *speakers])
        db.session.flush()
        for number in range(56):
            session = ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title=f"Workshop {number}",
                track_id=tracks[number % 4].id,
                room_id=rooms[number % 6].id,
                time_slot_id=slots[number % 9].id,
                capacity=40 if number % 5 == 0 else None,
            )
            db.session.add(session)
            db.session.flush()
            for offset in range(2):
                speaker = speakers[(number + offset * 7) % 20]
                db.session.add(
                    SessionSpeaker(session_id=session.id, speaker_id=speaker.id, role=SpeakerRole.PANELIST)
                )
        db.session.commit()
    with counted_queries(app) as many:
        page = client.get(GRID).get_data(as_text=True)
    assert page.count('class="grid-card') >= 20  # Tuesday's share of the sixty
    assert len(many) == len(few)
