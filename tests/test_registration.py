"""Attendee registration over HTTP: the form, capacity, the waiting list, self-service and bad input."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from conftest import attendee, field_errors, seed_convening, submit
from convening import create_app
from convening.audit.services import history
from convening.badges.tokens import normalize
from convening.extensions import db
from convening.mail.models import OutboxMessage
from convening.models import Convening, Registration, TicketType
from convening.registration.models import RegistrationStatus
from convening.registration.services import promote_from_waiting_list


def register(client: FlaskClient, slug: str, ticket_id: int, **overrides: object):
    url = f"/c/{slug}/register"
    return submit(client, url, {"ticket_type": ticket_id, **attendee(**overrides)})


def registrations(app: Flask) -> list[Registration]:
    with app.app_context():
        return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def one_registration(app: Flask, email: str) -> Registration:
    with app.app_context():
        return db.session.scalars(select(Registration).where(Registration.email == email)).one()


def outbox(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (m.kind, m.to_address)
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def seats(app: Flask, convening_id: int, ticket_id: int) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.get(Convening, convening_id).seats_taken,
            db.session.get(TicketType, ticket_id).seats_taken,
        )


# --- public pages ---------------------------------------------------------------------------------


def test_root_leads_to_the_convening_under_way_or_next(app: Flask, client: FlaskClient) -> None:
    assert "No convening yet" in client.get("/").get_data(as_text=True)
    seed_convening(app, slug="last-year", starts_on=date(2025, 6, 10), ends_on=date(2025, 6, 12))
    assert client.get("/").location == "/c/last-year/"
    seed_convening(app, slug="next-year", starts_on=date(2027, 6, 15), ends_on=date(2027, 6, 17))
    seed_convening(app, slug="far-future", starts_on=date(2029, 6, 15), ends_on=date(2029, 6, 17))
    assert client.get("/").location == "/c/next-year/"


def test_home_page_shows_dates_venue_and_a_register_button(app: Flask, client: FlaskClient) -> None:
    seed_convening(app, tagline="Local power, national change")
    page = client.get("/c/summit/").get_data(as_text=True)
    assert "June 15–17, 2027" in page
    assert "Minneapolis Convention Center, Minneapolis, MN" in page
    assert "Local power, national change" in page
    assert 'href="/c/summit/register"' in page
    assert client.get("/c/nowhere/").status_code == 404


def test_home_page_says_when_registration_opens_or_that_it_closed(app: Flask, client: FlaskClient) -> None:
    soon = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    seed_convening(app, slug="soon", registration_opens_at=soon, registration_closes_at=None)
    page = client.get("/c/soon/").get_data(as_text=True)
    assert "Registration opens Monday, March 1, 2027 at 9:00 AM CST" in page
    assert "Register now" not in page
    seed_convening(app, slug="over", registration_closes_at=datetime.now(UTC) - timedelta(hours=1))
    assert "Registration is closed" in client.get("/c/over/register").get_data(as_text=True)


# --- registering ----------------------------------------------------------------------------------


def test_free_ticket_confirms_and_shows_the_qr_code(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    response = register(client, "summit", ticket, email="  Hector.Ramirez@EXAMPLE.org ")
    assert response.status_code == 303

    registration = one_registration(app, "hector.ramirez@example.org")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.badge_name == "Héctor Ramírez"
    assert registration.confirmed_at is not None
    assert normalize(registration.badge_token) == registration.badge_token
    assert response.location == f"/c/summit/r/{registration.manage_secret}"
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    assert outbox(app) == [("confirmed", "hector.ramirez@example.org")]

    page = client.get(response.location).get_data(as_text=True)
    assert "You&#39;re registered!" in page
    assert "Confirmed" in page
    assert registration.badge_token in page
    qr = client.get(f"{response.location}/qr.png")
    assert qr.headers["Content-Type"] == "image/png"
    assert qr.headers["Cache-Control"] == "no-store"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.data)))
    assert [code.text for code in decoded] == [registration.badge_token]


def test_paid_ticket_holds_a_seat_pending_payment(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Partner organization", "price_cents": 25000}])
    ticket = seeded.tickets["Partner organization"]
    response = register(client, "summit", ticket)
    registration = one_registration(app, "hector.ramirez@example.org")
    assert registration.status == RegistrationStatus.PENDING_PAYMENT
    assert registration.price_cents == 25000
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    assert outbox(app) == [("pending_payment", "hector.ramirez@example.org")]
    page = client.get(response.location).get_data(as_text=True)
    assert "Amount due: <strong>$250</strong>" in page
    # No check-in code until paid.
    assert client.get(f"{response.location}/qr.png").status_code == 404


def test_hidden_ticket_shows_only_with_its_access_code(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(
        app,
        tickets=[{"name": "Elected official"}, {"name": "Staff and guests", "access_code": "DEMO-STAFF"}],
    )
    hidden = seeded.tickets["Staff and guests"]
    assert "Staff and guests" not in client.get("/c/summit/register").get_data(as_text=True)

    wrong = client.get("/c/summit/register?code=NOPE").get_data(as_text=True)
    assert "That code does not match any ticket" in wrong
    assert "Staff and guests" not in wrong

    right = client.get("/c/summit/register?code=%20demo-staff%20").get_data(as_text=True)
    assert "Staff and guests" in right
    assert 'name="access_code" type="hidden" value="demo-staff"' in right

    forged = register(client, "summit", hidden)
    assert forged.status_code == 422
    assert "Choose one of the tickets shown." in field_errors(forged.get_data(as_text=True))
    assert registrations(app) == []

    with_code = submit(
        client,
        "/c/summit/register",
        {"ticket_type": hidden, "access_code": "DEMO-STAFF", **attendee()},
        form_url="/c/summit/register?code=DEMO-STAFF",
    )
    assert with_code.status_code == 303
    assert one_registration(app, "hector.ramirez@example.org").ticket_type_id == hidden


def test_each_missing_or_wrong_answer_gets_its_own_message(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    response = submit(
        client,
        "/c/summit/register",
        {
            "first_name": "  ",
            "email": "not-an-address",
            "phone": "12",
            "dietary": "other",
            "dietary_notes": "",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page) == [
        "Choose a ticket.",
        "Enter your first name.",
        "An email address must have an @-sign. Enter an address like name@example.org.",
        "Enter a phone number with its area code, like (312) 555-0143, or with a country code outside "
        "the US, like +44 20 7946 0958.",
        "Tell us about your dietary needs, or choose one from the list.",
    ]
    assert 'aria-invalid="true"' in page
    assert "Please fix these 5 answers to continue" in page
    # What was typed comes back, so nothing needs retyping.
    assert 'value="not-an-address"' in page
    assert registrations(app) == []


def test_phone_numbers_are_formatted(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"], phone="312.555.0143")
    assert one_registration(app, "hector.ramirez@example.org").phone == "(312) 555-0143"
    register(
        client,
        "summit",
        seeded.tickets["Elected official"],
        email="amara@example.org",
        phone="+44 20 7946 0958",
    )
    assert one_registration(app, "amara@example.org").phone == "+44 20 7946 0958"


def test_second_registration_for_an_email_is_refused_with_an_offer_of_the_link(
    app: Flask, client: FlaskClient
) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket)
    again = register(client, "summit", ticket, email="HECTOR.RAMIREZ@example.org", first_name="Hector")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "This email already has a registration." in field_errors(page)
    assert 'form="resend-link-form"' in page
    assert len(registrations(app)) == 1

    sent = submit(client, "/c/summit/lost-link", {"email": "hector.ramirez@example.org"})
    assert sent.status_code == 303
    assert outbox(app)[-1] == ("manage_link", "hector.ramirez@example.org")


def test_lost_link_answers_the_same_for_unknown_addresses(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    response = submit(client, "/c/summit/lost-link", {"email": "nobody@example.org"})
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "If nobody@example.org has a registration, its link is on its way." in page
    assert outbox(app) == []


def test_registration_closed_or_not_yet_open_refuses_posts(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, registration_closes_at=datetime.now(UTC) + timedelta(days=1))
    ticket = seeded.tickets["Elected official"]
    token_page = "/c/summit/register"
    with app.app_context():
        db.session.get(Convening, seeded.convening_id).registration_closes_at = datetime.now(UTC) - timedelta(
            seconds=1
        )
        db.session.commit()
    response = submit(
        client, token_page, {"ticket_type": ticket, **attendee()}, form_url="/c/summit/lost-link"
    )
    assert "Registration is closed" in response.get_data(as_text=True)
    assert registrations(app) == []


def test_a_ticket_whose_sales_ended_is_not_offered(app: Flask, client: FlaskClient) -> None:
    ended = datetime.now(UTC) - timedelta(days=1)
    seed_convening(app, tickets=[{"name": "Early bird", "sales_end_at": ended}, {"name": "Elected official"}])
    page = client.get("/c/summit/register").get_data(as_text=True)
    assert "Early bird" not in page
    assert "Elected official" in page


# --- capacity and the waiting list ----------------------------------------------------------------


def test_full_ticket_offers_the_waiting_list_and_waitlists(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    assert "Only 1 seat left." in client.get("/c/summit/register").get_data(as_text=True)
    register(client, "summit", ticket, email="first@example.org")
    assert "registering puts you on the waiting list" in client.get("/c/summit/register").get_data(
        as_text=True
    )

    second = register(client, "summit", ticket, email="second@example.org")
    assert second.status_code == 303
    assert one_registration(app, "second@example.org").status == RegistrationStatus.WAITLISTED
    page = client.get(second.location).get_data(as_text=True)
    assert "You&#39;re on the waiting list." in page
    assert "You are number <strong>1</strong> on the waiting list" in page
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    assert outbox(app)[-1] == ("waitlisted", "second@example.org")


def test_overall_capacity_limits_every_ticket_type(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, capacity=1, tickets=[{"name": "Elected official"}, {"name": "Guest"}])
    register(client, "summit", seeded.tickets["Elected official"], email="first@example.org")
    register(client, "summit", seeded.tickets["Guest"], email="second@example.org")
    assert one_registration(app, "second@example.org").status == RegistrationStatus.WAITLISTED
    assert seats(app, seeded.convening_id, seeded.tickets["Guest"]) == (1, 0)


def test_cancelling_promotes_the_longest_waiting_and_emails_them(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    for email in ("first@example.org", "second@example.org", "third@example.org"):
        register(client, "summit", ticket, email=email)
    first = one_registration(app, "first@example.org")

    confirm = client.get(f"/c/summit/r/{first.manage_secret}/cancel")
    assert "Your seat goes to the next person on the waiting list" in confirm.get_data(as_text=True)
    response = submit(client, f"/c/summit/r/{first.manage_secret}/cancel", {})
    assert response.status_code == 303

    assert one_registration(app, "first@example.org").status == RegistrationStatus.CANCELLED
    assert one_registration(app, "second@example.org").status == RegistrationStatus.CONFIRMED
    third = one_registration(app, "third@example.org")
    assert third.status == RegistrationStatus.WAITLISTED
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    assert outbox(app)[-2:] == [("cancelled", "first@example.org"), ("promoted", "second@example.org")]
    assert "number <strong>1</strong>" in client.get(f"/c/summit/r/{third.manage_secret}").get_data(
        as_text=True
    )

    # Cancelling twice changes nothing more.
    again = submit(client, f"/c/summit/r/{first.manage_secret}/cancel", {}, form_url="/c/summit/lost-link")
    assert again.status_code == 303
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    assert len(outbox(app)) == 5


def test_promotion_skips_people_waiting_for_a_ticket_type_that_is_still_full(
    app: Flask, client: FlaskClient
) -> None:
    seeded = seed_convening(
        app,
        capacity=2,
        tickets=[{"name": "Elected official", "capacity": 1}, {"name": "Guest", "capacity": 5}],
    )
    official, guest = seeded.tickets["Elected official"], seeded.tickets["Guest"]
    register(client, "summit", official, email="official@example.org")
    register(client, "summit", guest, email="guest@example.org")
    register(client, "summit", official, email="waiting-official@example.org")
    register(client, "summit", guest, email="waiting-guest@example.org")

    leaving = one_registration(app, "guest@example.org")
    submit(client, f"/c/summit/r/{leaving.manage_secret}/cancel", {})
    assert one_registration(app, "waiting-official@example.org").status == RegistrationStatus.WAITLISTED
    assert one_registration(app, "waiting-guest@example.org").status == RegistrationStatus.CONFIRMED
    assert seats(app, seeded.convening_id, guest) == (2, 1)


def test_newcomers_wait_behind_people_already_waiting(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket, email="first@example.org")
    register(client, "summit", ticket, email="waiting@example.org")
    with app.app_context():  # staff add seats (the console comes later)
        db.session.get(TicketType, ticket).capacity = 3
        db.session.commit()
    register(client, "summit", ticket, email="newcomer@example.org")
    assert one_registration(app, "newcomer@example.org").status == RegistrationStatus.WAITLISTED

    with app.app_context():
        promoted = promote_from_waiting_list(db.session.get(Convening, seeded.convening_id))
        assert [r.email for r in promoted] == ["waiting@example.org", "newcomer@example.org"]
    assert seats(app, seeded.convening_id, ticket) == (3, 3)


def test_a_waitlisted_person_who_cancels_frees_no_seat(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket, email="first@example.org")
    register(client, "summit", ticket, email="waiting@example.org")
    waiting = one_registration(app, "waiting@example.org")
    assert "You leave the waiting list" in client.get(f"/c/summit/r/{waiting.manage_secret}/cancel").get_data(
        as_text=True
    )
    submit(client, f"/c/summit/r/{waiting.manage_secret}/cancel", {})
    assert one_registration(app, "waiting@example.org").status == RegistrationStatus.CANCELLED
    assert one_registration(app, "first@example.org").status == RegistrationStatus.CONFIRMED
    assert seats(app, seeded.convening_id, ticket) == (1, 1)


def test_a_cancelled_email_can_register_again(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket)
    first = one_registration(app, "hector.ramirez@example.org")
    submit(client, f"/c/summit/r/{first.manage_secret}/cancel", {})
    assert register(client, "summit", ticket).status_code == 303
    with app.app_context():
        statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED]


# --- self-service ---------------------------------------------------------------------------------


def test_attendee_edits_their_details_and_keeps_token_and_seat(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket)
    before = one_registration(app, "hector.ramirez@example.org")
    edit_url = f"/c/summit/r/{before.manage_secret}/edit"
    assert 'value="Héctor"' in client.get(edit_url).get_data(as_text=True)

    response = submit(
        client, edit_url, attendee(badge_name="Héctor R.", email="hector@example.net", dietary="vegan")
    )
    assert response.status_code == 303
    after = one_registration(app, "hector@example.net")
    assert (after.id, after.badge_token, after.status) == (before.id, before.badge_token, before.status)
    assert after.badge_name == "Héctor R."
    assert after.dietary.value == "vegan"
    assert seats(app, seeded.convening_id, ticket) == (1, 1)
    # The old address hears about the change.
    assert outbox(app)[-1] == ("email_changed", "hector.ramirez@example.org")


def test_the_attendees_own_changes_are_in_the_audit_log(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket)
    register(client, "summit", ticket, email="waiting@example.org")
    person = one_registration(app, "hector.ramirez@example.org")
    submit(client, f"/c/summit/r/{person.manage_secret}/edit", attendee(pronouns="he/they", city="Tempe"))
    submit(client, f"/c/summit/r/{person.manage_secret}/cancel", {})
    with app.app_context():
        mine = history("registration", person.id)
        assert [entry.action for entry in mine] == [
            "registration.cancel",
            "registration.update",
            "registration.create",
        ]
        assert mine[1].changes == {"pronouns": ["he/him", "he/they"], "city": ["Tucson", "Tempe"]}
        assert mine[1].actor_label == "Attendee, through their registration link"
        promoted = history("registration", one_registration(app, "waiting@example.org").id)
        assert promoted[0].action == "registration.promote"
        assert promoted[0].actor_label == "Waiting list, automatically"


def test_editing_to_an_address_already_registered_is_refused(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    register(client, "summit", ticket, email="one@example.org")
    register(client, "summit", ticket, email="two@example.org")
    one = one_registration(app, "one@example.org")
    response = submit(client, f"/c/summit/r/{one.manage_secret}/edit", attendee(email="two@example.org"))
    assert response.status_code == 422
    assert "Another registration already uses this email." in field_errors(response.get_data(as_text=True))
    assert one_registration(app, "one@example.org").id == one.id


def test_a_cancelled_registration_cannot_be_edited(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"])
    registration = one_registration(app, "hector.ramirez@example.org")
    submit(client, f"/c/summit/r/{registration.manage_secret}/cancel", {})
    response = client.get(f"/c/summit/r/{registration.manage_secret}/edit")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "This registration is cancelled, so it can no longer be changed." in page
    assert "Change my details" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/c/summit/r/nope",
        "/c/summit/r/" + "x" * 300,
        "/c/summit/r/%00",
        "/c/summit/r/" + "A" * 43,
        "/c/%00/",
        "/c/summit/r/nope/edit",
        "/c/SUMMIT/register",
        "/c/summit/r/" + "A" * 42 + "%00",
        "/c/summit/r/nope/cancel",
        "/c/summit/r/nope/qr.png",
        "/c/other/r/nope",
    ],
)
def test_a_manage_link_that_does_not_exist_is_a_plain_404(app: Flask, client: FlaskClient, path: str) -> None:
    seed_convening(app)
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_manage_link_of_another_convening_is_a_404(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    seed_convening(app, slug="other")
    register(client, "summit", seeded.tickets["Elected official"])
    secret = one_registration(app, "hector.ramirez@example.org").manage_secret
    assert client.get(f"/c/summit/r/{secret}").status_code == 200
    assert client.get(f"/c/other/r/{secret}").status_code == 404


def test_manage_pages_are_never_cached_nor_leak_the_link(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    response = register(client, "summit", seeded.tickets["Elected official"])
    page = client.get(response.location)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Robots-Tag"] == "noindex"


# --- hostile input --------------------------------------------------------------------------------

HOSTILE = {
    "too long": "a" * 5000,
    "control characters": "Ana\x00\x07Lu",
    "bidi override": "Ana\u202egnp.exe",
    "html and script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "sql": "Robert'); DROP TABLE registrations;--",
    "emoji": "🌽🗳️✊🏽",
    "right to left": "محمد عبد الله",
    "cjk": "李小龍",
}


@pytest.mark.parametrize(
    "field",
    [
        "first_name",
        "family_name",
        "badge_name",
        "pronouns",
        "title",
        "organization",
        "city",
        "state",
        "email",
        "phone",
        "dietary_notes",
        "accessibility_needs",
        "dietary",
        "ticket_type",
        "access_code",
    ],
)
def test_hostile_input_in_any_field_gets_an_answer_never_a_500(
    app: Flask, client: FlaskClient, field: str
) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    for number, value in enumerate(HOSTILE.values()):
        data = {"ticket_type": ticket, **attendee(email=f"person{number}@example.org"), field: value}
        response = submit(client, "/c/summit/register", data)
        assert response.status_code in (303, 422), (field, value, response.status_code)
        page = (
            response.get_data(as_text=True)
            if response.status_code == 422
            else client.get(response.location).get_data(as_text=True)
        )
        assert "<script>alert" not in page
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
        if response.status_code == 422:
            assert field_errors(page) or field in ("access_code",), (field, value)
    with app.app_context():
        stored = db.session.scalars(select(Registration)).all()
        for registration in stored:
            assert "\x00" not in registration.first_name + registration.organization + registration.badge_name
            assert (
                "\u202e" not in registration.first_name + registration.organization + registration.badge_name
            )


def test_text_is_stored_as_typed_and_shown_escaped(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    response = register(
        client,
        "summit",
        seeded.tickets["Elected official"],
        first_name="<b>Ana</b>",
        organization="Robert'); DROP TABLE registrations;--",
        badge_name="🌽 Ana",
        accessibility_needs="Wheelchair access\r\n\r\n\r\nASL interpretation",
    )
    registration = one_registration(app, "hector.ramirez@example.org")
    assert registration.first_name == "<b>Ana</b>"
    assert registration.organization == "Robert'); DROP TABLE registrations;--"
    assert registration.badge_name == "🌽 Ana"
    assert registration.accessibility_needs == "Wheelchair access\n\nASL interpretation"
    page = client.get(response.location).get_data(as_text=True)
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page
    assert "<b>Ana</b>" not in page


def test_a_form_without_its_csrf_token_gets_a_friendly_page(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    response = client.post(
        "/c/summit/register", data={"ticket_type": seeded.tickets["Elected official"], **attendee()}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This page expired" in page
    assert "Traceback" not in page
    forged = client.post("/c/summit/register", data={"csrf_token": "forged", **attendee()})
    assert forged.status_code == 400
    assert registrations(app) == []


def test_an_oversized_post_is_refused_plainly(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    response = client.post("/c/summit/register", data={"first_name": "a" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True) or "larger than we accept" in response.get_data(
        as_text=True
    )


def test_registration_posts_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    app.config["REGISTRATION_RATE_LIMIT"] = "3 per minute"
    answers = [
        register(client, "summit", seeded.tickets["Elected official"], email=f"p{n}@example.org").status_code
        for n in range(3)
    ]
    assert answers == [303, 303, 303]
    # Registering and asking for links share one allowance.
    limited = submit(client, "/c/summit/lost-link", {"email": "p0@example.org"})
    assert limited.status_code == 429
    assert "Too many tries" in limited.get_data(as_text=True)
    assert (
        register(client, "summit", seeded.tickets["Elected official"], email="p4@example.org").status_code
        == 429
    )
    assert client.get("/c/summit/register").status_code == 200  # reading is never limited
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 3


def test_behind_a_proxy_each_client_has_its_own_rate_limit(app: Flask) -> None:
    seed_convening(app)
    proxied = create_app(
        {
            "PROXY_COUNT": 1,
            "REGISTRATION_RATE_LIMIT": "1 per minute",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    client = proxied.test_client()

    def lost_link(address: str) -> int:
        data = {"email": "someone@example.org"}
        return client.post("/c/summit/lost-link", data=data, headers={"X-Forwarded-For": address}).status_code

    assert [lost_link("203.0.113.7"), lost_link("203.0.113.7"), lost_link("198.51.100.4")] == [303, 429, 303]


def test_names_in_every_script_survive_the_round_trip(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    ticket = seeded.tickets["Elected official"]
    people = [
        {"first_name": "Minh Khai", "family_name": "Nguyễn Thị", "badge_name": "Nguyễn Thị Minh Khai"},
        {"first_name": "小龍", "family_name": "李", "badge_name": "李小龍"},
        {"first_name": "محمد", "family_name": "عبد الله", "badge_name": "محمد عبد الله"},
        {"first_name": "Héctor", "family_name": "Ramírez", "badge_name": ""},
    ]
    for number, person in enumerate(people):
        response = register(client, "summit", ticket, email=f"name{number}@example.org", **person)
        page = client.get(response.location).get_data(as_text=True)
        expected = person["badge_name"] or "Héctor Ramírez"
        assert f"<bdi>{expected}</bdi>" in page
        assert one_registration(app, f"name{number}@example.org").badge_name == expected


def test_decomposed_accents_are_stored_composed(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"], first_name="He\u0301ctor")
    assert one_registration(app, "hector.ramirez@example.org").first_name == "Héctor"


def test_the_badge_token_carries_no_personal_data(app: Flask, client: FlaskClient) -> None:
    seeded = seed_convening(app)
    register(client, "summit", seeded.tickets["Elected official"])
    registration = one_registration(app, "hector.ramirez@example.org")
    assert re.fullmatch(r"C1[0-9A-HJKMNP-TV-Z]{26}", registration.badge_token)
    assert "HECTOR" not in registration.badge_token
