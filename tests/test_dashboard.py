"""The dashboard: seats by ticket against capacity, registrations per day as a chart, recent activity."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    make_staff,
    seed_convening,
)
from convening.extensions import db
from convening.mail.models import OutboxMessage, OutboxStatus
from convening.models import Convening, Registration, TicketType
from convening.registration import services as registration
from convening.staff import services

FREE, PAID, GUEST = "Elected official", "Staff and guests", "Invited guest"


def seed(app: Flask, **fields: object) -> Seeded:
    return seed_convening(
        app,
        capacity=fields.pop("capacity", 10),
        registration_opens_at=fields.pop("registration_opens_at", None),
        registration_closes_at=fields.pop("registration_closes_at", None),
        tickets=[
            {"name": FREE, "capacity": 2},
            {"name": PAID, "price_cents": 35000},
            {"name": GUEST, "access_code": "GUEST-2027"},
        ],
        **fields,
    )


def register(app: Flask, seeded: Seeded, ticket: str, email: str, at: datetime | None = None) -> int:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        details = registration.AttendeeDetails(first_name=email.split("@")[0].title(), email=email)
        person = registration.register(
            convening,
            db.session.get(TicketType, seeded.tickets[ticket]),
            details,
            now=at or datetime.now(UTC),
            notify=False,
        )
        return person.id


def cancel(app: Flask, registration_id: int) -> None:
    with app.app_context():
        registration.cancel(db.session.get(Registration, registration_id), notify=False)


def figures(app: Flask, seeded: Seeded) -> services.Dashboard:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        return services.dashboard(convening, datetime.now(UTC))


def test_seats_by_ticket_and_status_against_capacity(app: Flask) -> None:
    seeded = seed(app)
    first = register(app, seeded, FREE, "ana@example.org")
    register(app, seeded, FREE, "bo@example.org")
    register(app, seeded, FREE, "cy@example.org")  # the free ticket is full: waiting list
    register(app, seeded, PAID, "di@example.org")  # a paid ticket holds the seat until payment
    register(app, seeded, GUEST, "ed@example.org")
    cancel(app, first)  # cy takes ana's seat

    result = figures(app, seeded)
    rows = {row.name: row for row in result.ticket_types}
    free, paid, guest = rows[FREE], rows[PAID], rows[GUEST]
    assert (free.confirmed, free.waitlisted, free.cancelled, free.capacity, free.left) == (2, 0, 1, 2, 0)
    assert (paid.pending_payment, paid.taken, paid.capacity, paid.left) == (1, 1, None, None)
    assert guest.hidden
    assert guest.confirmed == 1
    overall = result.overall
    assert (overall.taken, overall.capacity, overall.left, overall.percent_full) == (4, 10, 6, 40)
    assert overall.cancelled == 1
    with app.app_context():
        assert db.session.get(Convening, seeded.convening_id).seats_taken == overall.taken


def test_the_dashboard_page_shows_seats_activity_and_newest_people(app: Flask, staff_client) -> None:
    seeded = seed(app)
    for email in ("ana@example.org", "bo@example.org", "cy@example.org"):
        register(app, seeded, FREE, email)
    page = staff_client("staff").get("/staff/c/summit/").get_data(as_text=True)

    row = re.search(rf"<th scope=\"row\">{FREE}</th>(.*?)</tr>", page, re.S).group(1)
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    assert cells == ["2", "0", "1", "0", "2 of 2 Full"]
    assert "Registrations by ticket, against capacity" in page
    assert "Registered: on the waiting list, Elected official" in page  # from the audit log
    assert "Cy" in page.split("Newest registrations")[1]
    assert "Registration is open" in page


def test_registrations_per_day_follow_the_convenings_clock(app: Flask) -> None:
    seeded = seed(app)  # America/Chicago: UTC-6 in winter
    register(app, seeded, PAID, "late@example.org", at=datetime(2027, 2, 2, 5, 59, tzinfo=UTC))  # Feb 1
    register(app, seeded, PAID, "early@example.org", at=datetime(2027, 2, 2, 6, 0, tzinfo=UTC))  # Feb 2
    register(app, seeded, PAID, "next@example.org", at=datetime(2027, 2, 2, 20, 0, tzinfo=UTC))  # Feb 2
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        assert services.registrations_by_day(convening) == {date(2027, 2, 1): 1, date(2027, 2, 2): 2}


def test_a_quarter_hour_time_zone_puts_each_registration_on_its_local_day(app: Flask) -> None:
    seeded = seed(app, timezone="Asia/Kathmandu")  # UTC+5:45
    register(app, seeded, PAID, "before@example.org", at=datetime(2027, 2, 1, 18, 14, 59, tzinfo=UTC))
    register(app, seeded, PAID, "after@example.org", at=datetime(2027, 2, 1, 18, 15, tzinfo=UTC))
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        assert services.registrations_by_day(convening) == {date(2027, 2, 1): 1, date(2027, 2, 2): 1}


def test_the_chart_spans_the_registration_window_up_to_today(app: Flask) -> None:
    now = datetime.now(UTC)
    seeded = seed(
        app, registration_opens_at=now - timedelta(days=9), registration_closes_at=now + timedelta(days=30)
    )
    register(app, seeded, PAID, "a@example.org", at=now - timedelta(days=3))
    register(app, seeded, PAID, "b@example.org", at=now - timedelta(days=3))
    chart = figures(app, seeded).chart
    assert chart is not None
    assert len(chart.bars) in (10, 11)  # opening day to today, on the convening's clock
    assert chart.total == 2
    assert chart.peak.count == 2


def test_no_chart_before_the_first_registration(app: Flask, staff_client) -> None:
    seed(app)
    page = staff_client("staff").get("/staff/c/summit/").get_data(as_text=True)
    assert "<svg" not in page
    assert "No one has registered yet" in page


def test_the_chart_is_an_accessible_svg_with_its_numbers_in_a_table(app: Flask, staff_client) -> None:
    seeded = seed(app)
    for number in range(3):
        register(app, seeded, PAID, f"p{number}@example.org", at=datetime(2027, 2, 1, 18, tzinfo=UTC))
    register(app, seeded, PAID, "q@example.org", at=datetime(2027, 2, 3, 18, tzinfo=UTC))
    page = staff_client("staff").get("/staff/c/summit/").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert "New registrations per day, in America/Chicago time</title>" in svg
    assert "4 registrations in all. The busiest day was Monday, February 1, 2027, with 3." in svg
    assert svg.count('class="chart-bar"') == 2  # an empty day draws no bar
    assert "<script" not in page
    table = page.split("The numbers in this chart")[1]
    rows = re.findall(
        r'<th scope="row">(.*?)</th><td class="number">(\d+)</td><td class="number">(\d+)</td>', table
    )
    assert rows[:3] == [
        ("Monday, February 1, 2027", "3", "3"),
        ("Tuesday, February 2, 2027", "0", "3"),
        ("Wednesday, February 3, 2027", "1", "4"),
    ]


def test_failed_email_is_flagged_with_a_link_to_the_outbox(app: Flask, staff_client) -> None:
    seeded = seed(app)
    with app.app_context():
        db.session.add(
            OutboxMessage(
                convening_id=seeded.convening_id,
                kind="confirmed",
                to_address="x@example.org",
                subject="You're registered",
                body_text="Hello",
                status=OutboxStatus.FAILED,
            )
        )
        db.session.commit()
    page = staff_client("staff").get("/staff/c/summit/").get_data(as_text=True)
    assert "1 email could not be sent." in page
    assert "/staff/c/summit/outbox/?status=failed" in page


def test_the_dashboard_costs_the_same_queries_for_5_or_50_registrations(app: Flask, staff_client) -> None:
    seeded = seed(app, capacity=None)
    client = staff_client("staff")

    def queries_for_dashboard() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(*_args: object) -> None:
            statements.append("")

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/staff/c/summit/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    for number in range(5):
        register(app, seeded, PAID, f"a{number}@example.org")
    few = queries_for_dashboard()
    for number in range(45):
        register(app, seeded, PAID, f"b{number}@example.org", at=datetime.now(UTC) - timedelta(hours=number))
    assert queries_for_dashboard() == few


def test_an_unknown_convening_is_not_found(app: Flask, staff_client) -> None:
    seed(app)
    assert staff_client("staff").get("/staff/c/nowhere/").status_code == 404


def test_the_dashboard_admits_staff_and_admins(app: Flask) -> None:
    seed(app)
    assert_role_access(app, "GET", "/staff/c/summit/", "staff")


@pytest.mark.browser
def test_console_pages_fit_a_phone_and_pass_axe(app: Flask, phone, live_server: str) -> None:
    seeded = seed(app)
    for number in range(4):
        register(app, seeded, FREE if number < 3 else PAID, f"p{number}@example.org")
    with app.app_context():
        message = OutboxMessage(
            convening_id=seeded.convening_id,
            kind="manage_link",
            to_address="a.very.long.address.for.a.small.screen@example.org",
            subject="Your registration link for National Convening of Local Leaders",
            body_text="Hello,\n\nhttps://convening.test/c/summit/r/" + "x" * 43,
            body_html="<p>Hello</p>",
            status=OutboxStatus.FAILED,
            attempts=1,
            last_error="SMTPRecipientsRefused: {'a.very.long.address.for.a.small.screen@example.org': 550}",
        )
        db.session.add(message)
        db.session.commit()
        message_id = message.id
    email = make_staff(app, "admin")
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/staff/")
    ticket_id = seeded.tickets[FREE]
    for path in (
        "/staff/c/summit/",
        "/staff/c/summit/settings",
        "/staff/c/summit/ticket-types",
        f"/staff/c/summit/ticket-types/{ticket_id}",
        "/staff/c/summit/ticket-types/new",
        "/staff/c/summit/outbox/",
        f"/staff/c/summit/outbox/{message_id}",
    ):
        phone.goto(path)
        assert_accessible(phone)
        assert_fits_width(phone)
    phone.goto("/staff/c/summit/")
    chart = phone.locator("figure.chart svg")
    assert chart.bounding_box()["width"] <= 360
    assert phone.get_by_role("img", name=re.compile("New registrations per day")).is_visible()
