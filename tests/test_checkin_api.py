"""The check-in API: every result, replayed nonces, station keys, volunteers' sessions and bad requests.

Twenty parallel scans of one badge, each with its own nonce, admit it exactly once, on both engines.
"""

from __future__ import annotations

import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from test_badges_console import add_person, cancel_person

from conftest import Seeded, csrf_token, seed_convening
from convening.audit.services import COMMAND_LINE
from convening.checkin import services
from convening.checkin.models import CheckIn, CheckInResult, Station
from convening.extensions import db
from convening.models import Convening, Registration
from convening.program.models import ProgramSession, SessionKind
from convening.sqltypes import utcnow

TICKETS = [
    {"name": "Elected official", "capacity": 2},
    {"name": "Supporter", "price_cents": 5000},
]


def new_station(app: Flask, seeded: Seeded, name: str = "Front door", session_id: int | None = None) -> str:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        return services.create_station(convening, name, session_id=session_id, actor=COMMAND_LINE).key


def token_of(app: Flask, registration_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, registration_id).badge_token


def scan(client: FlaskClient, key: str | None, token: str, **fields: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {"token": token, "nonce": fields.pop("nonce", secrets.token_hex(8)), **fields}
    return client.post("/api/checkin", json=body, headers=headers)


@pytest.fixture
def door(app: Flask) -> tuple[Seeded, dict[str, int], str]:
    """Two confirmed people, one waiting, one cancelled, one unpaid, and the front door's key."""
    seeded = seed_convening(app, tickets=TICKETS)
    people = {
        name: add_person(app, seeded, name) for name in ("Ana Lima", "Nguyễn Thị Minh Khai", "Omar Haddad")
    }
    people["Paul Unpaid"] = add_person(app, seeded, "Paul Unpaid", ticket="Supporter")
    cancel_person(app, people["Omar Haddad"])  # frees a seat: nobody waits yet
    people["Wanda Waiting"] = add_person(app, seeded, "Wanda Waiting")
    people["Xavier Late"] = add_person(app, seeded, "Xavier Late")  # the seat is taken again: he waits
    return seeded, people, new_station(app, seeded)


def test_a_confirmed_badge_is_admitted_once_with_what_the_volunteer_needs(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    token = token_of(app, people["Nguyễn Thị Minh Khai"])
    first = scan(
        client, key, token.lower().replace("c1", "c1-", 1)
    )  # typed by hand: case and hyphens forgiven
    assert first.status_code == 200
    answer = first.get_json()
    assert answer["result"] == "ok"
    assert answer["admitted"] is True
    assert answer["person"]["badge_name"] == "Nguyễn Thị Minh Khai"
    assert answer["person"]["role"] == "Attendee"
    assert set(answer["person"]) == {"name", "badge_name", "role", "ticket", "notes"}  # no email, no phone
    assert answer["count"] == 1

    again = scan(client, key, token).get_json()
    assert again["result"] == "already_checked_in"
    assert again["admitted"] is False
    assert again["previous"]["by"] == "Station Front door"
    assert again["count"] == 1
    with app.app_context():
        results = db.session.scalars(select(CheckIn.result).order_by(CheckIn.id)).all()
        assert results == [CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN]
        assert db.session.scalar(select(Station.last_seen_at)) is not None


def test_every_status_answers_with_its_own_result_and_is_logged(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    expected = {
        "Omar Haddad": "cancelled",
        "Paul Unpaid": "unpaid",
        "Xavier Late": "waitlisted",
    }
    for name, result in expected.items():
        answer = scan(client, key, token_of(app, people[name])).get_json()
        assert (answer["result"], answer["admitted"], answer["person"]["name"]) == (result, False, name)
    forged = "C1" + "0" * 26
    for text in (forged, "garbage", "https://evil.example/?q=1", "C1ABC"):
        answer = scan(client, key, text).get_json()
        assert answer["result"] == "unknown"
        assert answer["person"] is None
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 7  # every failed scan is logged
        assert (
            db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.result == CheckInResult.OK)) == 0
        )


def test_a_badge_of_another_convening_is_unknown_here(app: Flask, client: FlaskClient, door) -> None:
    _, _, key = door
    other = seed_convening(app, slug="other-meeting")
    stranger = add_person(app, other, "Sam Elsewhere")
    assert scan(client, key, token_of(app, stranger)).get_json()["result"] == "unknown"


def test_a_repeated_nonce_is_the_same_scan_not_a_second_one(app: Flask, client: FlaskClient, door) -> None:
    _, people, key = door
    token = token_of(app, people["Ana Lima"])
    first = scan(client, key, token, nonce="offline-queue-0001").get_json()
    replayed = scan(client, key, token, nonce="offline-queue-0001").get_json()
    assert first["result"] == replayed["result"] == "ok"
    assert replayed["replayed"] is True
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_an_offline_scan_keeps_its_time(app: Flask, client: FlaskClient, door) -> None:
    _, people, key = door
    at = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    answer = scan(client, key, token_of(app, people["Ana Lima"]), scanned_at=at.isoformat()).get_json()
    assert answer["result"] == "ok"
    with app.app_context():
        assert db.session.scalar(select(CheckIn.scanned_at)) == at


def test_session_doors_count_apart_from_the_front_door(app: Flask, client: FlaskClient, door) -> None:
    seeded, people, front = door
    with app.app_context():
        workshop = ProgramSession(
            convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title="Zoning 101"
        )
        db.session.add(workshop)
        db.session.commit()
        workshop_id = workshop.id
    room = new_station(app, seeded, "Room 101", session_id=workshop_id)
    token = token_of(app, people["Ana Lima"])
    assert scan(client, front, token).get_json()["result"] == "ok"
    at_workshop = scan(client, room, token).get_json()
    assert (at_workshop["result"], at_workshop["count"]) == ("ok", 1)
    with app.app_context():
        assert db.session.scalar(select(CheckIn.session_id).order_by(CheckIn.id.desc())) == workshop_id


def test_keys_that_are_unknown_revoked_or_of_another_station_are_refused(
    app: Flask, client: FlaskClient, door
) -> None:
    _, people, key = door
    token = token_of(app, people["Ana Lima"])
    assert scan(client, "cst_not-a-key", token).status_code == 401
    response = client.post(
        "/api/checkin", json={"token": token, "nonce": "abcdefgh"}, headers={"Authorization": "Basic x"}
    )
    assert response.status_code == 401
    with app.app_context():
        station = db.session.scalar(select(Station))
        station_id = station.id
    assert scan(client, key, token, station=station_id + 1).status_code == 403
    with app.app_context():
        db.session.get(Station, station_id).revoked_at = utcnow()
        db.session.commit()
    refused = scan(client, key, token)
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (json.dumps({"token": "C1"}).encode(), 400),
        (json.dumps({"token": 5, "nonce": "abcdefgh"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "short"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "session": "1"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "session": 2**40}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "scanned_at": "yesterday"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "scanned_at": "2027-06-15T08:30:00"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "scanned_at": "2001-06-15T08:30:00Z"}).encode(), 400),
        (json.dumps({"token": "x" * 201, "nonce": "abcdefgh"}).encode(), 400),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "pad": "y" * 5000}).encode(), 413),
        (json.dumps({"token": "x", "nonce": "abcdefgh", "session": 99999}).encode(), 404),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message_and_write_nothing(
    app: Flask, client: FlaskClient, door, body: bytes, status: int
) -> None:
    _, _, key = door
    response = client.post(
        "/api/checkin", data=body, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == status
    assert response.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_signed_in_volunteer_scans_with_the_pages_security_token(app: Flask, staff_client, door) -> None:
    _, people, _ = door
    anonymous = app.test_client()
    assert scan(anonymous, None, "C1", convening="summit").status_code == 401
    volunteer = staff_client("volunteer")
    token = token_of(app, people["Ana Lima"])
    assert scan(volunteer, None, token, convening="summit").status_code == 400  # no CSRF token
    page_token = csrf_token(volunteer, "/staff/password")
    response = volunteer.post(
        "/api/checkin",
        json={"token": token, "nonce": "volunteer-0001", "convening": "summit"},
        headers={"X-CSRFToken": page_token},
    )
    assert response.status_code == 200
    assert response.get_json()["result"] == "ok"
    with app.app_context():
        entry = db.session.scalar(select(CheckIn))
        assert entry.station_id is None
        assert entry.by_label.endswith("@convening.test)")


def test_twenty_parallel_scans_of_one_badge_admit_it_once(app: Flask, door) -> None:
    _, people, key = door
    token = token_of(app, people["Ana Lima"])

    def one(number: int) -> str:
        return scan(app.test_client(), key, token, nonce=f"parallel-{number:04d}").get_json()["result"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    assert results.count("ok") == 1
    assert results.count("already_checked_in") == 19
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.result == CheckInResult.OK)) == 1
        )


def test_stations_are_created_from_the_command_line(app: Flask) -> None:
    seed_convening(app)
    result = app.test_cli_runner().invoke(
        args=["stations", "create", "--convening", "summit", "--name", "Front door"]
    )
    assert result.exit_code == 0, result.output
    key = result.output.split("Bearer key (shown once, keep it like a password): ")[1].strip()
    link = result.output.split("Pairing link (open it on the volunteer's phone): ")[1].split()[0]
    assert link.endswith(f"/checkin/pair/{key}")
    pairing = app.test_client().get(urlsplit(link).path)
    assert pairing.status_code == 200
    assert "Front door" in pairing.get_data(as_text=True)
    with app.app_context():
        station = services.station_for_key(key)
        assert station is not None
        assert station.name == "Front door"
        assert station.key_digest != key  # only the digest is kept
    unknown = app.test_cli_runner().invoke(args=["stations", "create", "--convening", "nope", "--name", "X"])
    assert unknown.exit_code != 0
    assert "There is no convening 'nope'" in unknown.output
    blank = app.test_cli_runner().invoke(args=["stations", "create", "--convening", "summit", "--name", " "])
    assert blank.exit_code != 0
    assert "Give the station a name" in blank.output
