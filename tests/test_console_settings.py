"""Admins change a convening's settings and ticket types: saved with a diff in the audit log, bad input
refused beside its field with nothing changed, and raised capacity handed to the waiting list at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from conftest import Seeded, SmtpSink, assert_role_access, field_errors, seed_convening, submit
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.convenings import services
from convening.extensions import db
from convening.models import Convening, Registration, TicketType
from convening.problems import Refused
from convening.registration import services as registration

SETTINGS = "/staff/c/summit/settings"
TICKETS = "/staff/c/summit/ticket-types"
FREE, PAID = "Elected official", "Staff and guests"


def seed(app: Flask, **fields: Any) -> Seeded:
    return seed_convening(
        app,
        tickets=fields.pop("tickets", [{"name": FREE, "capacity": 5}, {"name": PAID, "price_cents": 35000}]),
        **fields,
    )


def settings_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "National Convening of Local Leaders",
        "tagline": "Where local leaders meet",
        "description": "Three days.\n\nBring a friend.",
        "starts_on": "2027-06-15",
        "ends_on": "2027-06-17",
        "timezone": "America/Chicago",
        "venue_name": "Minneapolis Convention Center",
        "venue_address": "1301 2nd Ave S",
        "city": "Minneapolis",
        "state": "MN",
        "contact_email": "help@example.org",
        "registration_opens_at": "2027-03-15T09:00",
        "registration_closes_at": "2027-06-01T17:00",
        "capacity": "",
    }
    data.update(overrides)
    return data


def ticket_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Student",
        "description": "For students of public policy.",
        "price": "25",
        "currency": "USD",
        "capacity": "",
        "sales_start_at": "",
        "sales_end_at": "",
        "access_code": "",
    }
    data.update(overrides)
    return data


def fill(app: Flask, seeded: Seeded, ticket: str, count: int, prefix: str = "p") -> list[int]:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets[ticket])
        return [
            registration.register(
                convening,
                ticket_type,
                registration.AttendeeDetails(
                    first_name=f"Person {number}", email=f"{prefix}{number}@example.org"
                ),
                notify=False,
            ).id
            for number in range(count)
        ]


def audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def convening_row(app: Flask, seeded: Seeded) -> dict[str, Any]:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        return {column.name: getattr(convening, column.name) for column in Convening.__table__.columns}


def ticket_row(app: Flask, ticket_type_id: int) -> dict[str, Any] | None:
    with app.app_context():
        ticket_type = db.session.get(TicketType, ticket_type_id)
        if ticket_type is None:
            return None
        return {column.name: getattr(ticket_type, column.name) for column in TicketType.__table__.columns}


def statuses(app: Flask, seeded: Seeded) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(Registration.email, Registration.status).where(
                Registration.convening_id == seeded.convening_id
            )
        )
        return {email: status.value for email, status in rows}


# --- settings -----------------------------------------------------------------------------------------


def test_admins_change_the_settings_with_local_times_stored_as_utc(app: Flask, staff_client) -> None:
    seeded = seed(app)
    admin = staff_client("admin")
    form = admin.get(SETTINGS).get_data(as_text=True)
    assert 'type="datetime-local"' in form
    assert '<optgroup label="United States">' in form
    assert form.index("America/Chicago") < form.index("Africa/Abidjan")  # US zones first

    response = submit(admin, SETTINGS, settings_form(capacity="300", city="Saint Paul"))
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    saved = convening_row(app, seeded)
    assert saved["capacity"] == 300
    assert saved["city"] == "Saint Paul"
    assert saved["venue_address"] == "1301 2nd Ave S"
    # 9 AM Central daylight time is 14:00 UTC; 5 PM on June 1 is 22:00 UTC.
    assert saved["registration_opens_at"] == datetime(2027, 3, 15, 14, 0, tzinfo=UTC)
    assert saved["registration_closes_at"] == datetime(2027, 6, 1, 22, 0, tzinfo=UTC)

    [entry] = audit(app, "convening.update")
    assert entry.actor_label == "Admin Person (admin@convening.test)"
    assert entry.convening_id == seeded.convening_id
    assert entry.changes["capacity"] == [None, 300]
    assert entry.changes["city"] == ["Minneapolis", "Saint Paul"]
    assert entry.changes["registration_opens_at"][1] == "2027-03-15T14:00:00+00:00"
    assert "name" not in entry.changes  # only what changed
    page = admin.get(SETTINGS).get_data(as_text=True)
    assert "Settings saved." in page
    assert 'value="2027-03-15T09:00"' in page  # shown again on the convening's clock
    assert "Saint Paul" in page.split("History")[1]


def test_times_are_read_in_the_time_zone_chosen_on_the_same_form(app: Flask, staff_client) -> None:
    seeded = seed(app)
    response = submit(staff_client("admin"), SETTINGS, settings_form(timezone="America/Los_Angeles"))
    assert response.status_code == 303
    saved = convening_row(app, seeded)
    assert saved["timezone"] == "America/Los_Angeles"
    assert saved["registration_opens_at"] == datetime(2027, 3, 15, 16, 0, tzinfo=UTC)


def test_saving_without_changes_records_nothing(app: Flask, staff_client) -> None:
    seed(
        app,
        registration_opens_at=datetime(2027, 3, 15, 14, tzinfo=UTC),
        registration_closes_at=datetime(2027, 6, 1, 22, tzinfo=UTC),
        contact_email="help@example.org",
    )
    admin = staff_client("admin")
    unchanged = settings_form(tagline="", description="", venue_address="")
    assert submit(admin, SETTINGS, unchanged).status_code == 303
    assert audit(app, "convening.update") == []
    assert "Settings saved." in admin.get(SETTINGS).get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": "2027-06-14"}, "ends_on", "The last day must be on or after the first day."),
        ({"starts_on": "06/15/2027"}, "starts_on", "Enter a date like 2027-06-15."),
        ({"starts_on": "2027-02-30"}, "starts_on", "Enter a date like 2027-06-15."),
        ({"starts_on": ""}, "starts_on", "Enter the first day of the convening."),
        ({"ends_on": "99999-01-01"}, "ends_on", "Enter a date like 2027-06-15."),
        (
            {"registration_closes_at": "2027-03-15T08:00"},
            "registration_closes_at",
            "Registration must close after it opens. Check both times.",
        ),
        (
            {"registration_opens_at": "soon"},
            "registration_opens_at",
            "Enter a date and time like 2027-03-01 09:00.",
        ),
        (
            {"registration_opens_at": "2027-03-14T02:30"},
            "registration_opens_at",
            "2:30 AM does not exist on March 14 in America/Chicago: the clocks skip it when daylight saving "
            "time starts. Choose another time.",
        ),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list."),
        ({"timezone": "../../etc/passwd"}, "timezone", "Choose a time zone from the list."),
        (
            {"capacity": "abc"},
            "capacity",
            "Enter a whole number of seats, like 500, or leave it blank for no limit.",
        ),
        ({"capacity": "-5"}, "capacity", "Enter zero or more seats, or leave it blank for no limit."),
        (
            {"capacity": "12.5"},
            "capacity",
            "Enter a whole number of seats, like 500, or leave it blank for no limit.",
        ),
        (
            {"capacity": "99999999"},
            "capacity",
            "Enter at most 1,000,000 seats, or leave it blank for no limit.",
        ),
        ({"name": ""}, "name", "Enter the name of the convening."),
        ({"name": "Summit\x07"}, "name", "Remove the invisible control characters."),
        ({"name": "x" * 10_000}, "name", "Keep this under 200 characters."),
        ({"description": "y" * 10_000}, "description", "Keep this under 5000 characters."),
        ({"city": "Saint\u202ePaul"}, "city", "Remove the invisible text-direction characters."),
        ({"contact_email": "help at convening"}, "contact_email", None),
    ],
)
def test_bad_settings_are_refused_beside_the_field_and_nothing_changes(
    app: Flask, staff_client, overrides: dict[str, str], field: str, message: str | None
) -> None:
    seeded = seed(app)
    before = convening_row(app, seeded)
    admin = staff_client("admin")
    response = submit(
        admin, SETTINGS, settings_form(**{"capacity": "300", "city": "Saint Paul", **overrides})
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert 'class="error-summary"' in page
    errors = field_errors(page)
    if message:
        assert message in errors
    else:
        assert len(errors) == 1
    assert convening_row(app, seeded) == before
    assert audit(app, "convening.update") == []


def test_overall_capacity_cannot_go_below_the_seats_taken(app: Flask, staff_client) -> None:
    seeded = seed(app, capacity=10)
    fill(app, seeded, FREE, 3)
    admin = staff_client("admin")
    response = submit(admin, SETTINGS, settings_form(capacity="2"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [
        "3 seats are already taken, so the capacity cannot be lower than 3. Enter a larger number, or "
        "leave it blank for no limit."
    ]
    assert convening_row(app, seeded)["capacity"] == 10
    assert submit(admin, SETTINGS, settings_form(capacity="3")).status_code == 303
    assert convening_row(app, seeded)["capacity"] == 3


@pytest.mark.parametrize("new_capacity", ["3", ""])
def test_raising_the_overall_capacity_seats_the_waiting_list_and_emails_them(
    app: Flask, staff_client, smtp: SmtpSink, new_capacity: str
) -> None:
    seeded = seed(app, capacity=1)
    fill(app, seeded, FREE, 3)  # one confirmed, two waiting
    admin = staff_client("admin")
    response = submit(admin, SETTINGS, settings_form(capacity=new_capacity))
    assert response.status_code == 303
    assert "2 people on the waiting list got a seat and were emailed." in admin.get(SETTINGS).get_data(
        as_text=True
    )
    assert set(statuses(app, seeded).values()) == {"confirmed"}
    smtp.wait_for(2)
    promoted = smtp.to("p1@example.org") + smtp.to("p2@example.org")
    assert len(promoted) == 2
    assert all("seat" in str(email["Subject"]).lower() for email in promoted)
    assert [entry.actor_label for entry in audit(app, "registration.promote")] == [
        "Waiting list, automatically"
    ] * 2


# --- ticket types -------------------------------------------------------------------------------------


def test_the_ticket_list_shows_seats_prices_codes_and_sales(app: Flask, staff_client) -> None:
    seeded = seed(
        app,
        tickets=[
            {"name": FREE, "capacity": 5},
            {"name": PAID, "price_cents": 35050},
            {
                "name": "Invited guest",
                "access_code": "GUEST-2027",
                "sales_end_at": datetime(2027, 6, 1, 22, tzinfo=UTC),
            },
        ],
    )
    fill(app, seeded, FREE, 2)
    page = staff_client("admin").get(TICKETS).get_data(as_text=True)
    assert "2 of 5" in page
    assert "$350.50" in page
    assert "<code>GUEST-2027</code>" in page
    assert "Until Tuesday, June 1, 2027 at 5:00 PM CDT" in page
    assert page.index(FREE) < page.index(PAID) < page.index("Invited guest")


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("250", 25000), ("250.00", 25000), ("$1,250.5", 125050), (" 0 ", 0), ("19.99", 1999)],
)
def test_prices_are_typed_in_dollars_and_stored_in_cents(
    app: Flask, staff_client, typed: str, cents: int
) -> None:
    seeded = seed(app)
    admin = staff_client("admin")
    response = submit(admin, f"{TICKETS}/new", ticket_form(price=typed, access_code="  STUDENT-27  "))
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    with app.app_context():
        student = db.session.scalar(select(TicketType).where(TicketType.name == "Student"))
        assert (student.price_cents, student.access_code, student.position) == (cents, "STUDENT-27", 2)
        assert student.convening_id == seeded.convening_id
    [entry] = audit(app, "ticket_type.create")
    assert entry.changes["price_cents"] == [None, cents]
    assert entry.changes["name"] == [None, "Student"]
    assert "Added the ticket type Student." in admin.get(TICKETS).get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": "-5"}, "price", "A price cannot be negative; enter 0 for a free ticket."),
        (
            {"price": "abc"},
            "price",
            "Enter the price in dollars and cents, like 250 or 250.00 (0 for a free ticket).",
        ),
        (
            {"price": "1e9"},
            "price",
            "Enter the price in dollars and cents, like 250 or 250.00 (0 for a free ticket).",
        ),
        (
            {"price": "2.505"},
            "price",
            "Enter the price in dollars and cents, like 250 or 250.00 (0 for a free ticket).",
        ),
        ({"price": "1000000"}, "price", "Enter a price below 100,000."),
        ({"price": ""}, "price", "Enter a price, or 0 for a free ticket."),
        (
            {"price": "9" * 10_000},
            "price",
            "Enter the price in dollars and cents, like 250 or 250.00 (0 for a free ticket).",
        ),
        (
            {"name": "elected OFFICIAL"},
            "name",
            "Another ticket is already called “elected OFFICIAL”. Choose a different name.",
        ),
        ({"name": "Student\x00"}, "name", "Remove the invisible control characters."),
        ({"name": "S" * 10_000}, "name", "Keep this under 120 characters."),
        ({"access_code": "VIP\x1b[31m"}, "access_code", "Remove the invisible control characters."),
        ({"access_code": "c" * 65}, "access_code", "Keep this under 64 characters."),
        ({"currency": "XBT"}, "currency", "Choose a currency from the list."),
        (
            {"capacity": "lots"},
            "capacity",
            "Enter a whole number of seats, like 500, or leave it blank for no limit.",
        ),
        (
            {"sales_start_at": "2027-05-01T09:00", "sales_end_at": "2027-04-01T09:00"},
            "sales_end_at",
            "Sales must end after they start. Check both times.",
        ),
    ],
)
def test_a_bad_new_ticket_is_refused_beside_the_field_and_not_saved(
    app: Flask, staff_client, overrides: dict[str, str], field: str, message: str
) -> None:
    seed(app)
    response = submit(staff_client("admin"), f"{TICKETS}/new", ticket_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in field_errors(page)
    with app.app_context():
        assert db.session.scalars(select(TicketType.name).order_by(TicketType.position)).all() == [FREE, PAID]
    assert audit(app, "ticket_type.create") == []


def test_editing_a_ticket_is_audited_with_a_diff_and_keeps_registered_prices(
    app: Flask, staff_client
) -> None:
    seeded = seed(app)
    paid = seeded.tickets[PAID]
    fill(app, seeded, PAID, 1)
    admin = staff_client("admin")
    form = admin.get(f"{TICKETS}/{paid}").get_data(as_text=True)
    assert 'value="350"' in form
    response = submit(
        admin,
        f"{TICKETS}/{paid}",
        ticket_form(
            name=PAID, description="", price="400.00", sales_end_at="2027-06-01T17:00", access_code=""
        ),
    )
    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    saved = ticket_row(app, paid)
    assert (saved["price_cents"], saved["sales_end_at"]) == (40000, datetime(2027, 6, 1, 22, tzinfo=UTC))
    [entry] = audit(app, "ticket_type.update")
    assert entry.subject_id == paid
    assert entry.changes == {
        "price_cents": [35000, 40000],
        "sales_end_at": [None, "2027-06-01T22:00:00+00:00"],
    }
    with app.app_context():
        assert db.session.scalar(select(Registration.price_cents)) == 35000
    assert "Price cents" in admin.get(f"{TICKETS}/{paid}").get_data(as_text=True)  # the history on the page


def test_renaming_a_ticket_to_its_own_name_in_other_case_is_allowed(app: Flask, staff_client) -> None:
    seeded = seed(app)
    free = seeded.tickets[FREE]
    response = submit(
        staff_client("admin"),
        f"{TICKETS}/{free}",
        ticket_form(name="Elected Official", price="0", capacity="5"),
    )
    assert response.status_code == 303
    assert ticket_row(app, free)["name"] == "Elected Official"


def test_ticket_capacity_cannot_go_below_the_seats_taken(app: Flask, staff_client) -> None:
    seeded = seed(app)
    free = seeded.tickets[FREE]
    fill(app, seeded, FREE, 4)
    before = ticket_row(app, free)
    response = submit(
        staff_client("admin"), f"{TICKETS}/{free}", ticket_form(name=FREE, price="0", capacity="3")
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [
        "4 seats are already taken, so the capacity cannot be lower than 4. Enter a larger number, or "
        "leave it blank for no limit."
    ]
    assert ticket_row(app, free) == before
    assert audit(app, "ticket_type.update") == []


def test_raising_a_ticket_capacity_seats_the_longest_waiting_and_emails_them(
    app: Flask, staff_client, smtp: SmtpSink
) -> None:
    seeded = seed(app, tickets=[{"name": FREE, "capacity": 1}])
    free = seeded.tickets[FREE]
    fill(app, seeded, FREE, 4)  # p0 confirmed; p1, p2, p3 wait in that order
    response = submit(
        staff_client("admin"), f"{TICKETS}/{free}", ticket_form(name=FREE, price="0", capacity="3")
    )
    assert response.status_code == 303
    assert statuses(app, seeded) == {
        "p0@example.org": "confirmed",
        "p1@example.org": "confirmed",
        "p2@example.org": "confirmed",
        "p3@example.org": "waitlisted",
    }
    smtp.wait_for(2)
    assert len(smtp.to("p1@example.org")) == len(smtp.to("p2@example.org")) == 1
    assert smtp.to("p3@example.org") == []
    assert ticket_row(app, free)["seats_taken"] == 3


def test_ticket_types_move_up_and_down_in_the_form_order(app: Flask, staff_client) -> None:
    seeded = seed(app, tickets=[{"name": "A"}, {"name": "B"}, {"name": "C"}])
    admin = staff_client("admin")
    c = seeded.tickets["C"]
    assert submit(admin, f"{TICKETS}/{c}/move", {"direction": "up"}, form_url=TICKETS).status_code == 303
    assert submit(admin, f"{TICKETS}/{c}/move", {"direction": "up"}, form_url=TICKETS).status_code == 303
    assert (
        submit(admin, f"{TICKETS}/{c}/move", {"direction": "up"}, form_url=TICKETS).status_code == 303
    )  # first
    assert (
        submit(admin, f"{TICKETS}/{c}/move", {"direction": "sideways"}, form_url=TICKETS).status_code == 303
    )
    with app.app_context():
        assert db.session.scalars(select(TicketType.name).order_by(TicketType.position)).all() == [
            "C",
            "A",
            "B",
        ]
    entries = audit(app, "ticket_type.move")
    assert len(entries) == 2
    assert entries[-1].changes == {"order": ["A, C, B", "C, A, B"]}
    submit(admin, f"{TICKETS}/{seeded.tickets['A']}/move", {"direction": "down"}, form_url=TICKETS)
    with app.app_context():
        assert db.session.scalars(select(TicketType.name).order_by(TicketType.position)).all() == [
            "C",
            "B",
            "A",
        ]


def test_a_ticket_nobody_used_can_be_deleted_and_one_in_use_cannot(app: Flask, staff_client) -> None:
    seeded = seed(app)
    free, paid = seeded.tickets[FREE], seeded.tickets[PAID]
    [person] = fill(app, seeded, FREE, 1)
    with app.app_context():
        registration.cancel(db.session.get(Registration, person), notify=False)
    admin = staff_client("admin")

    refused = submit(admin, f"{TICKETS}/{free}/delete", {}, form_url=f"{TICKETS}/{free}")
    assert refused.status_code == 303
    page = admin.get(refused.location).get_data(as_text=True)
    assert "1 registration uses this ticket (cancelled ones count), so it cannot be deleted." in page
    assert ticket_row(app, free) is not None

    deleted = submit(admin, f"{TICKETS}/{paid}/delete", {}, form_url=f"{TICKETS}/{paid}")
    assert deleted.status_code == 303
    assert ticket_row(app, paid) is None
    [entry] = audit(app, "ticket_type.delete")
    assert (entry.subject_id, entry.summary) == (paid, f"Deleted the ticket type {PAID}")
    assert entry.changes["price_cents"] == [35000, None]


def test_tickets_of_another_convening_are_not_found(app: Flask, staff_client) -> None:
    seed(app)
    other = seed_convening(app, slug="other", tickets=[{"name": "Theirs"}])
    admin = staff_client("admin")
    theirs = other.tickets["Theirs"]
    assert admin.get(f"{TICKETS}/{theirs}").status_code == 404
    assert submit(admin, f"{TICKETS}/{theirs}/delete", {}, form_url=TICKETS).status_code == 404
    assert ticket_row(app, theirs) is not None
    assert admin.get("/staff/c/nowhere/settings").status_code == 404


def test_lowering_capacity_while_people_register_never_breaks_the_seat_limit(app: Flask) -> None:
    """Capacity checks and registering take the same lock: a change is refused or holds, never overbooks."""
    seeded = seed(app, tickets=[{"name": FREE, "capacity": 40}])
    barrier = threading.Barrier(11)
    errors: list[BaseException] = []
    refused: list[str] = []

    def register(number: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                registration.register(
                    db.session.get(Convening, seeded.convening_id),
                    db.session.get(TicketType, seeded.tickets[FREE]),
                    registration.AttendeeDetails(first_name="Racer", email=f"racer{number}@example.org"),
                    notify=False,
                )
            except BaseException as error:
                errors.append(error)

    def lower() -> None:
        with app.app_context():
            ticket_type = db.session.get(TicketType, seeded.tickets[FREE])
            barrier.wait()
            try:
                services.update_ticket_type(
                    ticket_type, services.TicketTypeSettings(name=FREE, capacity=5), actor=COMMAND_LINE
                )
            except Refused as error:
                refused.append(error.problems["capacity"])
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=register, args=(number,)) for number in range(10)]
    threads.append(threading.Thread(target=lower))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    saved = ticket_row(app, seeded.tickets[FREE])
    counts = statuses(app, seeded)
    confirmed = sum(status == "confirmed" for status in counts.values())
    assert len(counts) == 10
    assert saved["seats_taken"] == confirmed <= saved["capacity"]
    assert saved["capacity"] == (40 if refused else 5)


def test_the_service_refuses_an_unknown_time_zone_even_without_the_form(app: Flask) -> None:
    seeded = seed(app)
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        settings = services.ConveningSettings(
            name="X", starts_on=date(2027, 6, 15), ends_on=date(2027, 6, 17), timezone="Nowhere/Special"
        )
        with pytest.raises(Refused) as refused:
            services.update_settings(convening, settings, actor=COMMAND_LINE)
        assert refused.value.problems == {"timezone": "Choose a time zone from the list."}


# --- roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", SETTINGS),
        ("POST", SETTINGS),
        ("GET", TICKETS),
        ("GET", f"{TICKETS}/new"),
        ("POST", f"{TICKETS}/new"),
        ("GET", f"{TICKETS}/1"),
        ("POST", f"{TICKETS}/1"),
        ("POST", f"{TICKETS}/1/move"),
        ("POST", f"{TICKETS}/2/delete"),
    ],
)
def test_settings_and_ticket_pages_are_for_admins_only(app: Flask, method: str, url: str) -> None:
    seed(app)
    statuses_by_role = assert_role_access(app, method, url, "admin", data={"name": "x", "direction": "down"})
    assert statuses_by_role["staff"] == 403
