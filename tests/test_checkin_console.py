"""The check-in console and pairing: stations created with a link shown once, revoked, and paired devices.

A paired browser scans through the API with its page's CSRF token and stops working once staff revoke it.
"""

from __future__ import annotations

import base64
import io
import re
import secrets
from html import unescape

import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from test_badges_console import add_person

from conftest import Seeded, assert_role_access, csrf_token, field_errors, seed_convening, submit
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.checkin import services
from convening.checkin.models import CheckIn, CheckInResult, Station
from convening.extensions import db
from convening.formatting import clock
from convening.models import Convening, Registration
from convening.program.models import ProgramSession, SessionKind

LINK = re.compile(r'id="pairing-link" class="checkin-secret" type="text" value="([^"]+)"')
KEY = re.compile(r'id="bearer-key" class="checkin-secret" type="text" value="([^"]+)"')
QR = re.compile(r'src="data:image/png;base64,([^"]+)"')


def console_url(slug: str = "summit") -> str:
    return f"/staff/c/{slug}/checkin/"


def add_session(app: Flask, seeded: Seeded, title: str) -> int:
    with app.app_context():
        workshop = ProgramSession(convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title=title)
        db.session.add(workshop)
        db.session.commit()
        return workshop.id


def create(client: FlaskClient, name: str, session: str = "") -> tuple[str, str]:
    """Creates a station through the console; its pairing link and bearer key as the page shows them."""
    page = submit(client, console_url(), {"name": name, "session": session})
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    return unescape(LINK.search(html).group(1)), unescape(KEY.search(html).group(1))


def stations(app: Flask) -> list[Station]:
    with app.app_context():
        return list(db.session.scalars(select(Station).order_by(Station.id)))


def scan(client: FlaskClient, token: str, headers: dict[str, str]) -> object:
    return client.post("/api/checkin", json={"token": token, "nonce": secrets.token_hex(8)}, headers=headers)


def test_the_console_is_for_staff(app: Flask) -> None:
    seed_convening(app)
    assert_role_access(app, "GET", console_url(), "staff")


def test_creating_a_station_is_for_staff(app: Flask) -> None:
    seed_convening(app)
    assert_role_access(app, "POST", console_url(), "staff", {"name": "Front door", "session": ""})
    assert [station.name for station in stations(app)] == ["Front door", "Front door"]


def test_revoking_a_station_is_for_staff(app: Flask) -> None:
    seeded = seed_convening(app)
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        station = services.create_station(convening, "Side door", session_id=None, actor=COMMAND_LINE).station
        url = f"{console_url()}stations/{station.id}/revoke"
    statuses = assert_role_access(app, "POST", url, "staff")
    assert statuses["staff"] == statuses["admin"] == 303
    assert stations(app)[0].revoked_at is not None


def test_a_new_station_shows_its_link_and_qr_once_and_keeps_only_the_digest(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    workshop = add_session(app, seeded, "Zoning 101")
    client = staff_client("staff")
    page = submit(client, console_url(), {"name": "Room 101", "session": str(workshop)})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    link = unescape(LINK.search(html).group(1))
    key = unescape(KEY.search(html).group(1))
    assert link == f"http://convening.test/checkin/pair/{key}"
    assert "Zoning 101" in html
    image = Image.open(io.BytesIO(base64.b64decode(QR.search(html).group(1))))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [link]

    [station] = stations(app)
    assert (station.name, station.session_id) == ("Room 101", workshop)
    assert station.key_digest == services.digest(key)
    listing = client.get(console_url()).get_data(as_text=True)
    assert key not in listing
    assert "Room 101" in listing
    assert "Zoning 101" in listing
    assert "never" in listing  # no contact yet
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "checkin.station"))
            == 1
        )


def test_a_refused_station_says_why_beside_the_field_and_writes_nothing(app: Flask, staff_client) -> None:
    seed_convening(app)
    other = seed_convening(app, slug="other-meeting")
    elsewhere = add_session(app, other, "Someone else’s workshop")
    client = staff_client("staff")
    blank = submit(client, console_url(), {"name": "   ", "session": ""})
    assert blank.status_code == 422
    assert field_errors(blank.get_data(as_text=True)) == [
        "Give the station a name of up to 120 characters, like “Front door”."
    ]
    foreign = submit(client, console_url(), {"name": "Room 9", "session": str(elsewhere)})
    assert foreign.status_code == 422
    assert field_errors(foreign.get_data(as_text=True)) == [
        "Choose a session of this convening, or none for the front door."
    ]
    forged = submit(client, console_url(), {"name": "Room 9", "session": "99999999999999"})
    assert forged.status_code == 422
    assert field_errors(forged.get_data(as_text=True)) == [
        "Choose a session from the list, or the front door."
    ]
    assert stations(app) == []


def test_a_revoked_key_no_longer_checks_anyone_in(app: Flask, client: FlaskClient, staff_client) -> None:
    seeded = seed_convening(app)
    person = add_person(app, seeded, "Ana Lima")
    console = staff_client("staff")
    _, key = create(console, "Front door")
    [station] = stations(app)
    revoked = console.post(
        f"{console_url()}stations/{station.id}/revoke",
        data={"csrf_token": csrf_token(console, console_url())},
    )
    assert revoked.status_code == 303
    assert stations(app)[0].revoked_at is not None
    assert "Revoked" in console.get(console_url()).get_data(as_text=True)
    with app.app_context():
        token = db.session.get(Registration, person).badge_token
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.action == "checkin.station_revoked")
            )
            == 1
        )
    answer = scan(client, token, {"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401


def test_another_convenings_station_cannot_be_revoked_here(app: Flask, staff_client) -> None:
    seed_convening(app)
    other = seed_convening(app, slug="other-meeting")
    with app.app_context():
        convening = db.session.get(Convening, other.convening_id)
        station = services.create_station(
            convening, "Their door", session_id=None, actor=COMMAND_LINE
        ).station
        station_id = station.id
    client = staff_client("staff")
    refused = client.post(
        f"{console_url()}stations/{station_id}/revoke", data={"csrf_token": csrf_token(client, console_url())}
    )
    assert refused.status_code == 404
    assert stations(app)[0].revoked_at is None


def test_a_paired_device_checks_people_in_until_staff_revoke_it(
    app: Flask, client: FlaskClient, staff_client
) -> None:
    seeded = seed_convening(app)
    people = [add_person(app, seeded, name) for name in ("Ana Lima", "Omar Haddad")]
    console = staff_client("staff")
    link, _ = create(console, "Front door, left desk")
    path = link.removeprefix("http://convening.test")

    asking = client.get(path)
    assert asking.status_code == 200
    assert "Pair this device as <bdi>Front door, left desk</bdi>" in asking.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "checkin_station" not in session

    paired = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert paired.status_code == 303
    assert paired.location == "/checkin/"
    home = client.get("/checkin/").get_data(as_text=True)
    assert "This device is <bdi>Front door, left desk</bdi>" in home
    [station] = stations(app)
    with client.session_transaction() as session:
        assert session["checkin_station"] == station.key_digest

    with app.app_context():
        tokens = [db.session.get(Registration, person).badge_token for person in people]
    assert scan(client, tokens[0], {}).status_code == 400  # a cookie alone could be a forged request
    headers = {"X-CSRFToken": csrf_token(client, "/checkin/")}
    answer = scan(client, tokens[0], headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["result"] == "ok"
    with app.app_context():
        entry = db.session.scalars(select(CheckIn)).one()
        assert (entry.station_id, entry.result) == (station.id, CheckInResult.OK)
        seen = db.session.get(Convening, seeded.convening_id).local(
            db.session.get(Station, station.id).last_seen_at
        )
    listing = console.get(console_url()).get_data(as_text=True)
    assert f"{clock(seen)}</time>" in listing  # last contact, in the convening's time zone

    console.post(
        f"{console_url()}stations/{station.id}/revoke",
        data={"csrf_token": csrf_token(console, console_url())},
    )
    assert scan(client, tokens[1], headers).status_code == 401
    assert "This device was unpaired by staff" in client.get("/checkin/").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "checkin_station" not in session
    assert "This device is not paired" in client.get("/checkin/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_an_unknown_or_revoked_pairing_link_asks_for_a_new_one(
    app: Flask, client: FlaskClient, staff_client
) -> None:
    seed_convening(app)
    unknown = client.get("/checkin/pair/cst_" + secrets.token_urlsafe(32))
    assert unknown.status_code == 404
    assert "Ask staff for a new pairing link" in unknown.get_data(as_text=True)
    assert client.get("/checkin/pair/" + "x" * 200).status_code == 404
    console = staff_client("staff")
    link, _ = create(console, "Front door")
    [station] = stations(app)
    console.post(
        f"{console_url()}stations/{station.id}/revoke",
        data={"csrf_token": csrf_token(console, console_url())},
    )
    path = link.removeprefix("http://convening.test")
    assert client.get(path).status_code == 404
    with client.session_transaction() as session:
        assert "checkin_station" not in session
