"""What badges print besides the person: Wi-Fi and an emergency line on every back, and the role ribbon,
set per ticket type by admins and per person by staff, each change in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    attendee,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.badges.models import BadgeRole
from convening.badges.services import badges_for, sheet_for
from convening.extensions import db
from convening.models import Convening, Registration, Speaker, TicketType
from convening.registration import services as registration_services

SETTINGS = "/staff/c/summit/settings"
TICKETS = "/staff/c/summit/ticket-types"
TICKET_SPECS = [
    {"name": "Elected official"},
    {"name": "Press", "access_code": "PRESS-27", "badge_role": BadgeRole.PRESS},
]


def seed(app: Flask) -> Seeded:
    return seed_convening(
        app,
        tickets=TICKET_SPECS,
        contact_email="help@example.org",
        registration_opens_at=None,
        registration_closes_at=None,
    )


def settings_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "National Convening of Local Leaders",
        "tagline": "",
        "description": "",
        "starts_on": "2027-06-15",
        "ends_on": "2027-06-17",
        "timezone": "America/Chicago",
        "venue_name": "Minneapolis Convention Center",
        "venue_address": "",
        "city": "Minneapolis",
        "state": "MN",
        "contact_email": "help@example.org",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "capacity": "",
        "wifi_network": "",
        "wifi_password": "",
        "emergency_contact": "",
    }
    data.update(overrides)
    return data


def ticket_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Sponsor guest",
        "description": "",
        "price": "0",
        "currency": "USD",
        "capacity": "",
        "sales_start_at": "",
        "sales_end_at": "",
        "access_code": "SPONSOR-27",
        "badge_role": "sponsor",
    }
    data.update(overrides)
    return data


def audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def add_person(app: Flask, seeded: Seeded, ticket: str, email: str, **fields: Any) -> int:
    with app.app_context():
        return registration_services.register(
            db.session.get(Convening, seeded.convening_id),
            db.session.get(TicketType, seeded.tickets[ticket]),
            registration_services.AttendeeDetails(
                first_name="Ana", family_name="Ruiz", email=email, **fields
            ),
            notify=False,
        ).id


def printed_role(app: Flask, registration_id: int) -> str:
    """The ribbon the badge prints, in words, as a batch would draw it."""
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        [badge] = badges_for(registration.convening, [registration])
        return badge.role_label


# --- the back of every badge ------------------------------------------------------------------------------


def test_admins_set_the_wifi_and_emergency_line_printed_on_badge_backs(app: Flask, staff_client) -> None:
    seeded = seed(app)
    admin = staff_client("admin")
    form = admin.get(SETTINGS).get_data(as_text=True)
    for label in ("Wi-Fi network", "Wi-Fi password", "Emergency contact"):
        assert label in form
    response = submit(
        admin,
        SETTINGS,
        settings_form(
            wifi_network=" CommonGround-Guest ",
            wifi_password="meet-local-2027",
            emergency_contact="Venue security: (612) 555-0199",
        ),
    )
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        assert (convening.wifi_network, convening.wifi_password, convening.emergency_contact) == (
            "CommonGround-Guest",
            "meet-local-2027",
            "Venue security: (612) 555-0199",
        )
        sheet = sheet_for(convening, agenda_url="https://convening.test/c/summit/agenda")
        assert (sheet.wifi_network, sheet.wifi_password, sheet.emergency) == (
            "CommonGround-Guest",
            "meet-local-2027",
            "Venue security: (612) 555-0199",
        )
    [entry] = audit(app, "convening.update")
    assert entry.actor_label == "Admin Person (admin@convening.test)"
    assert entry.changes == {
        "wifi_network": ["", "CommonGround-Guest"],
        "wifi_password": ["", "meet-local-2027"],
        "emergency_contact": ["", "Venue security: (612) 555-0199"],
    }
    page = admin.get(SETTINGS).get_data(as_text=True)
    assert 'value="CommonGround-Guest"' in page
    assert 'value="Venue security: (612) 555-0199"' in page


def test_a_bad_emergency_line_is_refused_beside_the_field(app: Flask, staff_client) -> None:
    seeded = seed(app)
    response = submit(
        staff_client("admin"),
        SETTINGS,
        settings_form(wifi_network="Guest\x1b[31m", emergency_contact="9" * 201),
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert "Keep this under 200 characters." in errors
    assert any("control characters" in message for message in errors)
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        assert (convening.wifi_network, convening.emergency_contact) == ("", "")
    assert audit(app, "convening.update") == []


# --- the ribbon of a ticket type --------------------------------------------------------------------------


def test_a_ticket_type_sets_the_ribbon_of_its_badges(app: Flask, staff_client) -> None:
    seeded = seed(app)
    admin = staff_client("admin")
    form = admin.get(f"{TICKETS}/new").get_data(as_text=True)
    assert "The ribbon on badges of this ticket: a Press ticket prints PRESS" in form
    assert '<option selected value="attendee">Attendee</option>' in form
    response = submit(admin, f"{TICKETS}/new", ticket_form())
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    with app.app_context():
        sponsor = db.session.scalars(select(TicketType).where(TicketType.name == "Sponsor guest")).one()
        assert sponsor.badge_role == BadgeRole.SPONSOR
        sponsor_id = sponsor.id
    [created] = audit(app, "ticket_type.create")
    assert created.changes["badge_role"] == [None, "Sponsor"]
    listing = admin.get(TICKETS).get_data(as_text=True)
    assert "<td>Sponsor</td>" in listing
    assert "<td>Press</td>" in listing

    guest = add_person(app, seeded, "Elected official", "guest@example.org")
    with app.app_context():
        db.session.get(Registration, guest).ticket_type_id = sponsor_id
        db.session.commit()
    assert printed_role(app, guest) == "Sponsor"

    edit = admin.get(f"{TICKETS}/{sponsor_id}").get_data(as_text=True)
    assert '<option selected value="sponsor">Sponsor</option>' in edit
    response = submit(admin, f"{TICKETS}/{sponsor_id}", ticket_form(badge_role="press"))
    assert response.status_code == 303
    [updated] = audit(app, "ticket_type.update")
    assert updated.changes == {"badge_role": ["Sponsor", "Press"]}
    assert printed_role(app, guest) == "Press"


def test_an_unknown_ticket_badge_role_is_refused_beside_the_field(app: Flask, staff_client) -> None:
    seed(app)
    response = submit(staff_client("admin"), f"{TICKETS}/new", ticket_form(badge_role="vip"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == ["Choose a badge role from the list."]
    with app.app_context():
        assert db.session.scalars(select(TicketType.name)).all() == ["Elected official", "Press"]


# --- one person's ribbon, chosen by staff -----------------------------------------------------------------


def ana_form(**overrides: str) -> dict[str, str]:
    """The edit form filled in as add_person stored Ana's details, with `overrides` changed."""
    data = attendee(first_name="Ana", family_name="Ruiz", email="ana@example.org", badge_name="Ana Ruiz")
    data.update(dict.fromkeys(("pronouns", "title", "organization", "city", "state"), ""))
    data.update(overrides)
    return data


def staff_edit(client: FlaskClient, registration_id: int, **overrides: str) -> Any:
    url = f"/staff/c/summit/registrations/{registration_id}/edit"
    return submit(client, url, ana_form(**{"badge_role": "", **overrides}))


def test_staff_override_the_role_printed_and_the_change_is_audited(app: Flask, staff_client) -> None:
    seeded = seed(app)
    ana = add_person(app, seeded, "Press", "ana@example.org")
    assert printed_role(app, ana) == "Press"
    client = staff_client("staff")
    form = client.get(f"/staff/c/summit/registrations/{ana}/edit").get_data(as_text=True)
    assert '<option selected value="">From the ticket type or program (default)</option>' in form
    assert "Press prints Press" in form

    response = staff_edit(client, ana, badge_role="staff")
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Registration, ana).badge_role == BadgeRole.STAFF
    assert printed_role(app, ana) == "Staff"
    [entry] = audit(app, "registration.update")
    assert entry.actor_label == "Staff Person (staff@convening.test)"
    assert entry.summary == "Changed badge role"
    assert entry.changes == {"badge_role": [None, "Staff"]}
    form = client.get(f"/staff/c/summit/registrations/{ana}/edit").get_data(as_text=True)
    assert '<option selected value="staff">Staff</option>' in form

    # The attendee's own edits never touch what staff chose, even with a badge role slipped into the form.
    with app.app_context():
        secret = db.session.get(Registration, ana).manage_secret
    own = submit(
        app.test_client(), f"/c/summit/r/{secret}/edit", ana_form(badge_name="Ana R.", badge_role="")
    )
    assert own.status_code == 303
    assert printed_role(app, ana) == "Staff"

    assert staff_edit(client, ana, badge_name="Ana R.", badge_role="").status_code == 303
    with app.app_context():
        assert db.session.get(Registration, ana).badge_role is None
    assert printed_role(app, ana) == "Press"
    assert audit(app, "registration.update")[-1].changes == {"badge_role": ["Staff", None]}


def test_the_override_beats_the_program_which_beats_the_ticket(app: Flask, staff_client) -> None:
    seeded = seed(app)
    rosa = add_person(app, seeded, "Press", "rosa@example.org")
    with app.app_context():
        db.session.add(Speaker(convening_id=seeded.convening_id, name="Rosa", email="Rosa@Example.org"))
        db.session.commit()
    assert printed_role(app, rosa) == "Speaker"
    response = staff_edit(staff_client("staff"), rosa, email="rosa@example.org", badge_role="attendee")
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    assert printed_role(app, rosa) == "Attendee"


@pytest.mark.parametrize("value", ["boss", "ATTENDEE", "1"])
def test_an_unknown_badge_role_from_staff_is_refused_beside_the_field(
    app: Flask, staff_client, value: str
) -> None:
    seeded = seed(app)
    ana = add_person(app, seeded, "Elected official", "ana@example.org")
    response = staff_edit(staff_client("staff"), ana, badge_role=value)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [
        "Choose a badge role from the list, or the default."
    ]
    with app.app_context():
        assert db.session.get(Registration, ana).badge_role is None
    assert audit(app, "registration.update") == []


@pytest.mark.browser
def test_the_badge_fields_are_labelled_and_fit_a_phone(app: Flask, phone: Any) -> None:
    """Admins set Wi-Fi, the emergency line and a ticket's ribbon, and staff one person's, at 360 px."""
    seeded = seed(app)
    ana = add_person(app, seeded, "Press", "ana@example.org")
    make_staff(app, "admin")
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill("admin@convening.test")
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/staff/**")

    phone.goto(SETTINGS)
    phone.get_by_label("Wi-Fi network").fill("CommonGround-Guest")
    phone.get_by_label("Emergency contact").fill("Venue security: (612) 555-0199")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name="Save settings").click()
    phone.get_by_text("Settings saved.").wait_for()

    phone.goto(f"{TICKETS}/{seeded.tickets['Elected official']}")
    phone.get_by_label("Badge role").select_option(label="Staff")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name="Save").click()
    phone.get_by_text("Ticket type Elected official saved.").wait_for()

    phone.goto(f"/staff/c/summit/registrations/{ana}/edit")
    phone.get_by_label("Badge role").select_option(label="Speaker")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name="Save changes").click()
    phone.get_by_text("Saved the details of Ana Ruiz.").wait_for()

    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        assert (convening.wifi_network, convening.emergency_contact) == (
            "CommonGround-Guest",
            "Venue security: (612) 555-0199",
        )
        assert db.session.get(TicketType, seeded.tickets["Elected official"]).badge_role == BadgeRole.STAFF
    assert printed_role(app, ana) == "Speaker"
