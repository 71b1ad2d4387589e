"""The attendee's own badge behind the manage link, and badge names people can read across a room."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from conftest import assert_accessible, assert_fits_width, attendee, field_errors, seed_convening, submit
from convening.audit.services import COMMAND_LINE
from convening.badges.models import BadgePrint
from convening.extensions import db
from convening.mail.models import OutboxMessage
from convening.models import Convening, Registration, TicketType
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
)
from convening.registration import imports, services
from convening.registration.models import RegistrationStatus

EMOJI_ONLY = "🌽🗳️✊🏽"
READABLE = "Use at least one letter or number: the badge name is read across a room."


def register(client: FlaskClient, slug: str, ticket_id: int, **overrides: object) -> Any:
    return submit(client, f"/c/{slug}/register", {"ticket_type": ticket_id, **attendee(**overrides)})


def manage_url(app: Flask, email: str) -> str:
    with app.app_context():
        registration = db.session.scalars(select(Registration).where(Registration.email == email)).one()
        return f"/c/{registration.convening.slug}/r/{registration.manage_secret}"


def stored(app: Flask, email: str) -> Registration:
    with app.app_context():
        registration = db.session.scalars(select(Registration).where(Registration.email == email)).one()
        db.session.expunge(registration)
        return registration


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """What poppler reads in the PDF, whitespace collapsed, so a name wrapped over two lines still matches."""
    path = tmp_path / "badge.pdf"
    path.write_bytes(pdf)
    output = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(unicodedata.normalize("NFKC", output).split())


def add_registration(app: Flask, email: str) -> int:
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        ticket_type = db.session.scalars(select(TicketType)).first()
        details = services.AttendeeDetails(first_name="Héctor", family_name="Ramírez", email=email)
        return services.register(convening, ticket_type, details, notify=False).id


def badge_prints(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BadgePrint))


def add_speaking_session(app: Flask, convening_id: int, email: str, title: str) -> None:
    """A scheduled workshop with a speaker whose email is `email`."""
    with app.app_context():
        room = Room(convening_id=convening_id, name="Salon B", capacity=80)
        slot = TimeSlot(
            convening_id=convening_id,
            starts_at=datetime(2027, 6, 16, 15, 0, tzinfo=UTC),  # 10:00 in Chicago
            ends_at=datetime(2027, 6, 16, 16, 30, tzinfo=UTC),
            kind=SlotKind.BREAKOUT,
        )
        speaker = Speaker(convening_id=convening_id, name="Rosa Elena Castañeda", email=email)
        db.session.add(
            ProgramSession(
                convening_id=convening_id,
                kind=SessionKind.BREAKOUT,
                title=title,
                room=room,
                time_slot=slot,
                speakers=[SessionSpeaker(speaker=speaker, role=SpeakerRole.FACILITATOR)],
            )
        )
        db.session.commit()


# --- the badge page ---------------------------------------------------------------------------------------


def test_a_confirmed_attendee_sees_their_badge_with_name_role_and_a_scannable_code(
    app: Flask, client: FlaskClient
) -> None:
    seeded = seed_convening(
        app,
        wifi_network="CommonGround-Guest",
        wifi_password="meet-local-2027",
        emergency_contact="Venue security: (612) 555-0199",
    )
    register(client, "summit", seeded.tickets["Elected official"], badge_name="Héctor R.")
    url = manage_url(app, "hector.ramirez@example.org")
    manage = client.get(url).get_data(as_text=True)
    assert f'href="{url}/badge"' in manage

    page = client.get(f"{url}/badge")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex"
    html = page.get_data(as_text=True)
    assert re.search(r'<p class="my-badge-name" dir="auto">Héctor R\.</p>', html)
    assert '<p class="my-badge-pronouns" dir="auto">he/him</p>' in html
    for line in ("City Council Member, District 3", "City of Tucson", "Tucson, AZ"):
        assert line in html
    assert 'class="my-badge my-badge-attendee"' in html
    assert '<span class="visually-hidden">Role: </span>Attendee</p>' in html  # words, not colour alone
    assert "National Convening of Local Leaders" in html
    assert "CommonGround-Guest" in html
    assert "meet-local-2027" in html
    assert "Venue security: (612) 555-0199" in html
    assert "Agenda highlights" in html
    assert "pick yours up at the registration desk" in html
    assert f'href="{url}/badge.pdf"' in html
    assert "Download my badge (PDF)" in html

    source = re.search(r'<img class="my-badge-qr" src="([^"]+)"', html).group(1)
    assert source == f"{url}/qr.png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(client.get(source).data)))
    assert code.text == stored(app, "hector.ramirez@example.org").badge_token


def test_a_speaker_sees_the_speaker_ribbon_and_their_own_schedule(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    add_speaking_session(app, seeded.convening_id, "Rosa.Castaneda@example.org", "Water for every household")
    register(
        client,
        "summit",
        seeded.tickets["Elected official"],
        first_name="Rosa Elena",
        family_name="Castañeda",
        email="rosa.castaneda@example.org",
    )
    html = client.get(f"{manage_url(app, 'rosa.castaneda@example.org')}/badge").get_data(as_text=True)
    assert 'class="my-badge my-badge-speaker"' in html
    assert '<span class="visually-hidden">Role: </span>Speaker</p>' in html
    assert "<h3>Your schedule</h3>" in html
    assert "<strong>Wed 10:00 AM</strong> <bdi>Water for every household</bdi> · <bdi>Salon B</bdi>" in html


@pytest.mark.parametrize(
    ("status", "explanation"),
    [
        ("waitlisted", "Badges are for confirmed seats"),
        ("pending_payment", "Your badge is made once you have paid"),
        ("cancelled", "This registration is cancelled, so it has no badge."),
    ],
)
def test_no_badge_until_confirmed_and_none_once_cancelled(
    app: Flask, client: FlaskClient, status: str, explanation: str
) -> None:
    seeded = seed_convening(
        app,
        tickets=[
            {"name": "Elected official"},
            {"name": "Full", "capacity": 0},
            {"name": "Partner", "price_cents": 25_000},
        ],
    )
    ticket = {"waitlisted": "Full", "pending_payment": "Partner", "cancelled": "Elected official"}[status]
    register(client, "summit", seeded.tickets[ticket])
    url = manage_url(app, "hector.ramirez@example.org")
    if status == "cancelled":
        submit(client, f"{url}/cancel", {})
    assert stored(app, "hector.ramirez@example.org").status == RegistrationStatus(status)

    page = client.get(f"{url}/badge")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "No badge yet" in html
    assert explanation in html
    assert "my-badge-qr" not in html
    assert "qr.png" not in html
    assert "Download my badge" not in html
    assert f'href="{url}/badge"' not in client.get(url).get_data(as_text=True)

    pdf = client.get(f"{url}/badge.pdf")
    assert pdf.status_code == 303
    assert pdf.location == f"{url}/badge"


@pytest.mark.parametrize("suffix", ["badge", "badge.pdf"])
def test_a_wrong_secret_or_another_conventions_link_is_a_404(
    app: Flask, client: FlaskClient, suffix: str
) -> None:
    seeded = seed_convening(app)
    seed_convening(app, slug="other")
    register(client, "summit", seeded.tickets["Elected official"])
    secret = manage_url(app, "hector.ramirez@example.org").rsplit("/", 1)[1]
    assert client.get(f"/c/summit/r/{'x' * 43}/{suffix}").status_code == 404
    assert client.get(f"/c/other/r/{secret}/{suffix}").status_code == 404
    assert client.get(f"/c/nowhere/r/{secret}/{suffix}").status_code == 404


@pytest.mark.parametrize(
    ("first_name", "family_name", "badge_name"),
    [
        ("Minh Khai", "Nguyễn Thị", "Nguyễn Thị Minh Khai"),
        ("Ελένη", "Αντωνίου", ""),
        ("小龍", "李", "李小龍"),
    ],
)
def test_the_badge_pdf_holds_the_name_and_records_no_print(
    app: Flask, client: FlaskClient, tmp_path: Path, first_name: str, family_name: str, badge_name: str
) -> None:
    seeded = seed_convening(
        app, wifi_network="CommonGround-Guest", emergency_contact="Security (612) 555-0199"
    )
    register(
        client,
        "summit",
        seeded.tickets["Elected official"],
        first_name=first_name,
        family_name=family_name,
        badge_name=badge_name,
    )
    response = client.get(f"{manage_url(app, 'hector.ramirez@example.org')}/badge.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="summit-badge.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data, tmp_path)
    assert (badge_name or f"{first_name} {family_name}") in text
    assert "ATTENDEE" in text.upper()
    assert "CommonGround-Guest" in text
    assert "Security (612) 555-0199" in text
    assert "convening.test/c/summit/agenda" in text
    assert badge_prints(app) == 0  # the attendee's own copy is not a print for the pick-up tables


@pytest.mark.browser
def test_the_badge_page_reads_and_scans_on_a_phone(app: Flask, phone: Any) -> None:
    """At 360 px, with a right-to-left name and a speaker's schedule: axe-clean, no sideways scrolling,
    and the code on screen decodes to the badge token as a volunteer's scanner would read it."""
    seeded = seed_convening(
        app, wifi_network="CommonGround-Guest", emergency_contact="Venue security: (612) 555-0199"
    )
    add_speaking_session(app, seeded.convening_id, "m.abdullah@example.org", "Language access for all")
    with app.app_context():
        details = services.AttendeeDetails(
            first_name="محمد",
            family_name="عبد الله",
            email="m.abdullah@example.org",
            pronouns="he/him",
            title="City Council Member",
            organization="City of Dearborn Department of Public Works and Environmental Services",
            city="Dearborn",
            state="MI",
        )
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets["Elected official"])
        registration = services.register(convening, ticket_type, details, notify=False)
        url, token = f"/c/summit/r/{registration.manage_secret}", registration.badge_token
    phone.goto(f"{url}/badge")
    assert phone.get_by_role("heading", level=1).inner_text() == "Your badge"
    assert phone.locator(".my-badge-ribbon").text_content() == "Role: Speaker"
    assert_accessible(phone)
    assert_fits_width(phone)
    code = phone.locator(".my-badge-qr")
    assert code.bounding_box()["width"] >= 200  # CSS pixels: large enough for a scanner held to the screen
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))
    assert found.text == token

    phone.goto(url)
    phone.get_by_role("link", name="See your badge").click()
    assert phone.url.endswith(f"{url}/badge")


@pytest.mark.browser
def test_the_page_without_a_badge_is_accessible_on_a_phone(app: Flask, phone: Any) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Full", "capacity": 0}])
    with app.app_context():
        details = services.AttendeeDetails(first_name="Ana", family_name="Ruiz", email="ana@example.org")
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets["Full"])
        secret = services.register(convening, ticket_type, details, notify=False).manage_secret
    phone.goto(f"/c/summit/r/{secret}/badge")
    assert "No badge yet" in phone.locator("main").inner_text()
    assert_accessible(phone)
    assert_fits_width(phone)


# --- the confirmation email -------------------------------------------------------------------------------


def test_the_confirmation_email_links_to_the_badge(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"])
    badge_url = f"http://convening.test{manage_url(app, 'hector.ramirez@example.org')}/badge"
    with app.app_context():
        email = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirmed")).one()
        assert badge_url in email.body_text
        assert f'href="{badge_url}"' in email.body_html
        assert "see your badge" in email.body_html
    assert client.get(badge_url.removeprefix("http://convening.test")).status_code == 200


# --- badge names people can read --------------------------------------------------------------------------


def test_an_emoji_only_badge_name_is_refused_beside_the_field(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    refused = register(client, "summit", ticket, badge_name=EMOJI_ONLY)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert field_errors(html) == [READABLE]
    assert re.search(r'<p class="field-error" id="badge_name-error">', html)
    assert 'aria-describedby="badge_name-hint badge_name-error"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0

    assert register(client, "summit", ticket, badge_name="🌽 Héctor").status_code == 303
    assert stored(app, "hector.ramirez@example.org").badge_name == "🌽 Héctor"
    assert register(client, "summit", ticket, email="ana@example.org", badge_name="").status_code == 303
    assert stored(app, "ana@example.org").badge_name == "Héctor Ramírez"  # blank: the full name


def test_an_emoji_only_badge_name_is_refused_when_editing(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"], badge_name="Héctor")
    url = manage_url(app, "hector.ramirez@example.org")
    refused = submit(client, f"{url}/edit", attendee(badge_name="✊🏽"))
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True)) == [READABLE]
    assert stored(app, "hector.ramirez@example.org").badge_name == "Héctor"
    assert submit(client, f"{url}/edit", attendee(badge_name="Héctor ✊🏽")).status_code == 303
    assert stored(app, "hector.ramirez@example.org").badge_name == "Héctor ✊🏽"


def test_staff_cannot_save_an_emoji_only_badge_name_either(app: Flask, staff_client) -> None:
    seed_convening(app)
    registration = add_registration(app, "hector.ramirez@example.org")
    client = staff_client("staff")
    edit_url = f"/staff/c/summit/registrations/{registration}/edit"
    refused = submit(client, edit_url, {**attendee(badge_name="🗳️"), "badge_role": ""})
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True)) == [READABLE]
    assert stored(app, "hector.ramirez@example.org").badge_name == "Héctor Ramírez"


def test_an_import_row_with_an_emoji_only_badge_name_is_reported(app: Flask) -> None:
    seeded = seed_convening(app)
    data = (
        "First name,Family name,Email,Badge name\r\n"
        f"Ana,Ruiz,ana@example.org,{EMOJI_ONLY}\r\n"
        "Héctor,Ramírez,hector@example.org,🌽 Héctor\r\n"
    ).encode()
    with app.app_context():
        upload = imports.check_import(
            db.session.get(Convening, seeded.convening_id),
            "people.csv",
            data,
            default_ticket_type_id=seeded.tickets["Elected official"],
            actor=COMMAND_LINE,
        )
        assert (upload.rows_ready, upload.rows_with_errors) == (1, 1)
        [row] = upload.report["rows"]
        assert row["row"] == 2
        assert row["errors"] == [f"Badge name: {READABLE}"]
