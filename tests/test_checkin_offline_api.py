"""What an offline station relies on: the roster, check-in by a name picked from it, scans decided offline
and synced later (conflicts kept), and undo.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from test_badges_console import add_person
from test_checkin_api import door as door  # the fixture, used by its name
from test_checkin_api import new_station, scan, token_of
from test_workshop_seats import _take, seed_breakouts

from conftest import seed_convening
from convening.audit.services import COMMAND_LINE
from convening.checkin import services
from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo
from convening.extensions import db
from convening.models import Convening, Registration
from convening.sqltypes import utcnow


def pick(client: FlaskClient, key: str, registration_id: Any, **fields: Any) -> Any:
    """Checks in a person chosen by name search: the registration's id instead of a badge."""
    body = {"registration": registration_id, "nonce": fields.pop("nonce", secrets.token_hex(8)), **fields}
    return client.post("/api/checkin", json=body, headers={"Authorization": f"Bearer {key}"})


def undo(client: FlaskClient, key: str, nonce: str) -> Any:
    return client.post("/api/checkin/undo", json={"nonce": nonce}, headers={"Authorization": f"Bearer {key}"})


def roster(client: FlaskClient, key: str) -> Any:
    return client.get("/api/checkin/roster", headers={"Authorization": f"Bearer {key}"})


def test_a_person_picked_by_name_is_checked_in_like_a_scanned_badge(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    first = pick(client, key, people["Nguyễn Thị Minh Khai"]).get_json()
    assert (first["result"], first["person"]["name"], first["count"]) == ("ok", "Nguyễn Thị Minh Khai", 1)
    assert pick(client, key, people["Nguyễn Thị Minh Khai"]).get_json()["result"] == "already_checked_in"
    assert pick(client, key, people["Xavier Late"]).get_json()["result"] == "waitlisted"
    stranger = add_person(app, seed_convening(app, slug="elsewhere"), "Sam Elsewhere")
    assert pick(client, key, stranger).get_json()["result"] == "unknown"
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.registration_id == stranger)) == 0
        )


def test_a_scan_names_a_badge_or_a_person_never_both_nor_neither(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    headers = {"Authorization": f"Bearer {key}"}
    both = {
        "token": token_of(app, people["Ana Lima"]),
        "registration": people["Ana Lima"],
        "nonce": "abcdefgh",
    }
    for body in (both, {"nonce": "abcdefgh"}, {"registration": "7", "nonce": "abcdefgh"}):
        response = client.post("/api/checkin", json=body, headers=headers)
        assert response.status_code == 400
        assert response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_badge_admitted_offline_by_two_stations_is_a_conflict(
    app: Flask, client: FlaskClient, door
) -> None:
    seeded, people, front = door
    side = new_station(app, seeded, "Side door")
    token = token_of(app, people["Ana Lima"])
    at = utcnow() - timedelta(minutes=20)
    # Both stations were offline and showed green; the front door syncs first.
    first = scan(client, front, token, scanned_at=at.isoformat(), offline={"result": "ok"}).get_json()
    later = scan(
        client, side, token, scanned_at=(at + timedelta(minutes=3)).isoformat(), offline={"result": "ok"}
    ).get_json()
    assert first["result"] == "ok"
    assert later["result"] == "already_checked_in"
    assert later["previous"]["by"] == "Station Front door"
    # An offline orange that stays orange is no conflict.
    scan(client, side, token, offline={"result": "already_checked_in"})
    with app.app_context():
        entries = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert [entry.local_result for entry in entries] == [
            CheckInResult.OK,
            CheckInResult.OK,
            CheckInResult.ALREADY_CHECKED_IN,
        ]
        assert [entry.is_conflict for entry in entries] == [False, True, False]


def test_an_unknown_offline_result_is_refused(app: Flask, client: FlaskClient, door) -> None:
    _, people, key = door
    for offline in ({"result": "green"}, "ok", {"result": None}):
        response = scan(client, key, token_of(app, people["Ana Lima"]), offline=offline)
        assert response.status_code == 400
        assert "offline.result" in response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_an_admission_taken_back_no_longer_counts(app: Flask, client: FlaskClient, door) -> None:
    _, people, key = door
    token = token_of(app, people["Ana Lima"])
    assert scan(client, key, token, nonce="wrong-person-01").get_json()["count"] == 1
    taken_back = undo(client, key, "wrong-person-01")
    assert taken_back.status_code == 200
    assert taken_back.get_json() == {"undone": True, "count": 0}
    again = undo(client, key, "wrong-person-01")
    assert again.status_code == 409
    assert "already" in again.get_json()["error"]
    # Her own badge, scanned when she does arrive, admits her.
    arrival = scan(client, key, token).get_json()
    assert (arrival["result"], arrival["count"]) == ("ok", 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckInUndo.id))) == 1
        assert db.session.scalar(select(func.count(CheckIn.id))) == 2  # the log keeps both


def test_only_a_recent_admission_of_this_station_can_be_undone(app: Flask, client: FlaskClient, door) -> None:
    seeded, people, key = door
    other = new_station(app, seeded, "Side door")
    scan(client, key, token_of(app, people["Ana Lima"]), nonce="front-scan-01")
    scan(client, key, token_of(app, people["Xavier Late"]), nonce="front-scan-02")  # waitlisted: no admission
    assert undo(client, other, "front-scan-01").status_code == 404
    assert undo(client, key, "front-scan-02").status_code == 404
    assert undo(client, key, "never-scanned").status_code == 404
    assert undo(client, key, "bad nonce!").status_code == 400
    with app.app_context():
        db.session.execute(update(CheckIn).values(recorded_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    late = undo(client, key, "front-scan-01")
    assert late.status_code == 409
    assert "Too late" in late.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckInUndo.id))) == 0


def test_the_roster_holds_what_offline_decisions_need_and_no_working_token(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    scan(client, key, token_of(app, people["Ana Lima"]))
    response = roster(client, key)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["station"]["name"] == "Front door"
    assert body["station"]["door"] == "Front door"
    assert body["convening"]["slug"] == "summit"
    assert body["csrf_token"]
    assert body["admitted"] == 1
    by_name = {person["name"]: person for person in body["people"]}
    assert {name: person["status"] for name, person in by_name.items()} == {
        "Ana Lima": "ok",
        "Nguyễn Thị Minh Khai": "ok",
        "Omar Haddad": "cancelled",
        "Paul Unpaid": "unpaid",
        "Wanda Waiting": "waitlisted",
        "Xavier Late": "waitlisted",
    }
    assert by_name["Ana Lima"]["admitted_at"] is not None
    assert by_name["Nguyễn Thị Minh Khai"]["admitted_at"] is None
    text = response.get_data(as_text=True)
    for name, registration_id in people.items():
        token = token_of(app, registration_id)
        assert token not in text
        assert by_name[name]["h"] == hashlib.sha256(token.encode()).hexdigest()
        assert by_name[name]["id"] == registration_id
    assert set(by_name["Ana Lima"]) == {
        "id",
        "h",
        "name",
        "badge_name",
        "role",
        "ticket",
        "notes",
        "status",
        "admitted_at",
    }  # no email, no phone


def test_the_roster_of_a_session_door_counts_that_door_and_drops_undone_admissions(
    app: Flask, client: FlaskClient, door
) -> None:
    from test_checkin_console import add_session

    seeded, people, front = door
    room = new_station(app, seeded, "Room 101", session_id=add_session(app, seeded, "Zoning 101"))
    scan(client, front, token_of(app, people["Nguyễn Thị Minh Khai"]))
    scan(client, room, token_of(app, people["Ana Lima"]), nonce="room-scan-001")
    scan(client, room, token_of(app, people["Nguyễn Thị Minh Khai"]), nonce="room-scan-002")
    assert undo(client, room, "room-scan-002").status_code == 200
    body = roster(client, room).get_json()
    assert body["station"]["door"] == "Zoning 101"
    admitted = {person["name"] for person in body["people"] if person["admitted_at"]}
    assert (admitted, body["admitted"]) == ({"Ana Lima"}, 1)


def test_the_roster_needs_a_live_station_or_a_volunteer(
    app: Flask, client: FlaskClient, staff_client, door
) -> None:
    assert roster(client, "cst_forged").status_code == 401
    assert app.test_client().get("/api/checkin/roster?convening=summit").status_code == 401
    volunteer = staff_client("volunteer")
    mine = volunteer.get("/api/checkin/roster?convening=summit")
    assert mine.status_code == 200
    assert (mine.get_json()["station"], len(mine.get_json()["people"])) == (None, 6)
    assert volunteer.get("/api/checkin/roster?convening=nowhere").status_code == 400
    # The fresh security token lets a long-open page keep scanning.
    fresh = mine.get_json()["csrf_token"]
    with app.app_context():
        ana = db.session.scalar(select(Registration.id).where(Registration.first_name == "Ana"))
    response = volunteer.post(
        "/api/checkin",
        json={"registration": ana, "nonce": "volunteer-0002", "convening": "summit"},
        headers={"X-CSRFToken": fresh},
    )
    assert response.get_json()["result"] == "ok"


def test_at_a_workshop_door_someone_seated_in_another_workshop_of_the_slot_may_be_let_in_anyway(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[5, 5]], people=3)
    housing, water = b.workshops[0]
    with app.app_context():
        convening = db.session.get(Convening, b.seeded.convening_id)
        door_key = services.create_station(
            convening, "Housing door", session_id=housing, actor=COMMAND_LINE
        ).key
        front_key = services.create_station(convening, "Front door", session_id=None, actor=COMMAND_LINE).key
    seated_here, seated_there, no_seat = b.people
    _take(app, seated_here, housing)
    _take(app, seated_there, water)

    wrong = pick(client, door_key, seated_there).get_json()
    assert (wrong["result"], wrong["label"], wrong["admitted"]) == (
        "wrong_session",
        "Registered for another session",
        False,
    )
    assert wrong["elsewhere"] == "Clean water"
    assert pick(client, door_key, seated_here).get_json()["result"] == "ok"
    assert pick(client, door_key, no_seat).get_json()["result"] == "ok"  # a walk-in with no seat anywhere
    assert pick(client, front_key, seated_there).get_json()["result"] == "ok"  # the front door asks nothing
    anyway = pick(client, door_key, seated_there, override=True).get_json()
    assert (anyway["result"], anyway["admitted"], anyway["count"]) == ("ok", True, 3)
    assert pick(client, door_key, seated_there).get_json()["result"] == "already_checked_in"
    assert pick(client, door_key, seated_there, override="yes").status_code == 400
    with app.app_context():
        rows = db.session.scalars(
            select(CheckIn).where(CheckIn.registration_id == seated_there).order_by(CheckIn.id)
        ).all()
        assert [(row.session_id, row.result, row.overridden) for row in rows] == [
            (housing, CheckInResult.WRONG_SESSION, False),
            (None, CheckInResult.OK, False),
            (housing, CheckInResult.OK, True),
            (housing, CheckInResult.ALREADY_CHECKED_IN, False),
        ]
