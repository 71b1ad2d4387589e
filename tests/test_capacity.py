"""Capacity is the database's job: parallel requests never overbook, lose or double a registration."""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from conftest import Seeded, attendee, seed_convening
from convening.extensions import db
from convening.models import Convening, Registration, TicketType
from convening.registration import services
from convening.registration.models import RegistrationStatus

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _fill(app: Flask, seeded: Seeded, ticket: str, count: int, prefix: str) -> None:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets[ticket])
        for number in range(count):
            services.register(
                convening,
                ticket_type,
                services.AttendeeDetails(first_name=f"Early {number}", email=f"{prefix}{number}@example.org"),
                notify=False,
            )


def _in_parallel(base_url: str, requests: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    """Each request from its own browser-like client; all POSTs released at the same instant."""
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, dict[str, Any]]) -> httpx.Response:
        url, data = request
        with httpx.Client(base_url=base_url, timeout=120) as http:
            form_page = url if url.endswith("/register") else url.rsplit("/r/", 1)[0] + "/lost-link"
            token = CSRF.search(http.get(form_page).text).group(1)
            barrier.wait()
            return http.post(url, data={**data, "csrf_token": token})

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _counts(app: Flask, seeded: Seeded) -> tuple[Counter[str], int, int]:
    with app.app_context():
        statuses = Counter(
            status.value
            for status in db.session.scalars(
                select(Registration.status).where(Registration.convening_id == seeded.convening_id)
            )
        )
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_seats = sum(t.seats_taken for t in convening.ticket_types)
        return statuses, convening.seats_taken, ticket_seats


def test_fifty_parallel_registrations_for_the_last_five_seats(app: Flask, live_server: str) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 40}])
    _fill(app, seeded, "Elected official", 35, "early")
    ticket = seeded.tickets["Elected official"]
    emails = [f"racer{number}@example.org" for number in range(50)]

    answers = _in_parallel(
        live_server,
        [("/c/summit/register", {"ticket_type": ticket, **attendee(email=email)}) for email in emails],
    )

    assert [answer.status_code for answer in answers] == [303] * 50
    statuses, convening_seats, ticket_seats = _counts(app, seeded)
    assert statuses == Counter(confirmed=40, waitlisted=45)
    assert (convening_seats, ticket_seats) == (40, 40)
    with app.app_context():
        racers = db.session.scalars(select(Registration).where(Registration.email.like("racer%"))).all()
    assert sorted(r.email for r in racers) == sorted(emails)  # none lost, none doubled
    assert Counter(r.status.value for r in racers) == Counter(confirmed=5, waitlisted=45)
    # Each answer leads its sender to their own registration.
    assert len({answer.headers["location"] for answer in answers}) == 50


def test_parallel_registrations_against_the_overall_capacity(app: Flask, live_server: str) -> None:
    seeded = seed_convening(app, capacity=6, tickets=[{"name": "Elected official"}, {"name": "Guest"}])
    requests = [
        (
            "/c/summit/register",
            {
                "ticket_type": seeded.tickets["Elected official" if n % 2 else "Guest"],
                **attendee(email=f"p{n}@example.org"),
            },
        )
        for n in range(20)
    ]
    assert {answer.status_code for answer in _in_parallel(live_server, requests)} == {303}
    statuses, convening_seats, ticket_seats = _counts(app, seeded)
    assert statuses == Counter(confirmed=6, waitlisted=14)
    assert (convening_seats, ticket_seats) == (6, 6)


def test_parallel_cancellations_promote_exactly_the_longest_waiting(app: Flask, live_server: str) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 10}])
    _fill(app, seeded, "Elected official", 10, "seated")
    _fill(app, seeded, "Elected official", 10, "waiting")
    with app.app_context():
        leaving = db.session.scalars(
            select(Registration.manage_secret).where(Registration.email.like("seated%")).limit(5)
        ).all()

    answers = _in_parallel(live_server, [(f"/c/summit/r/{secret}/cancel", {}) for secret in leaving])

    assert [answer.status_code for answer in answers] == [303] * 5
    statuses, convening_seats, ticket_seats = _counts(app, seeded)
    assert statuses == Counter(confirmed=10, cancelled=5, waitlisted=5)
    assert (convening_seats, ticket_seats) == (10, 10)
    with app.app_context():
        promoted = db.session.scalars(
            select(Registration.email).where(
                Registration.email.like("waiting%"), Registration.status == RegistrationStatus.CONFIRMED
            )
        ).all()
    assert sorted(promoted) == [f"waiting{n}@example.org" for n in range(5)]


def test_the_same_cancellation_sent_ten_times_at_once_frees_one_seat(app: Flask, live_server: str) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    _fill(app, seeded, "Elected official", 1, "seated")
    _fill(app, seeded, "Elected official", 3, "waiting")
    with app.app_context():
        secret = db.session.scalar(
            select(Registration.manage_secret).where(Registration.email == "seated0@example.org")
        )

    _in_parallel(live_server, [(f"/c/summit/r/{secret}/cancel", {})] * 10)

    statuses, convening_seats, ticket_seats = _counts(app, seeded)
    assert statuses == Counter(confirmed=1, cancelled=1, waitlisted=2)
    assert (convening_seats, ticket_seats) == (1, 1)


def test_the_same_email_ten_times_at_once_makes_one_registration(app: Flask, live_server: str) -> None:
    seeded = seed_convening(app)
    data = {"ticket_type": seeded.tickets["Elected official"], **attendee()}
    answers = _in_parallel(live_server, [("/c/summit/register", data)] * 10)
    assert sorted(answer.status_code for answer in answers) == [303] + [422] * 9
    assert all("This email already has a registration." in a.text for a in answers if a.status_code == 422)
    statuses, convening_seats, ticket_seats = _counts(app, seeded)
    assert statuses == Counter(confirmed=1)
    assert (convening_seats, ticket_seats) == (1, 1)


# --- the constraints themselves -------------------------------------------------------------------


@pytest.mark.parametrize("model", [Convening, TicketType])
def test_the_database_refuses_more_seats_than_capacity(
    app: Flask, model: type[Convening] | type[TicketType]
) -> None:
    seeded = seed_convening(app, capacity=2, tickets=[{"name": "Elected official", "capacity": 2}])
    row_id = seeded.convening_id if model is Convening else seeded.tickets["Elected official"]
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(update(model).where(model.id == row_id).values(seats_taken=3))
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(update(model).where(model.id == row_id).values(seats_taken=-1))
        db.session.rollback()


def test_the_database_refuses_two_active_registrations_for_one_email(app: Flask) -> None:
    seeded = seed_convening(app)
    _fill(app, seeded, "Elected official", 1, "same")
    with app.app_context():
        original = db.session.scalars(select(Registration)).one()

        def twin(n: int) -> Registration:
            return Registration(
                convening_id=original.convening_id,
                ticket_type_id=original.ticket_type_id,
                status=RegistrationStatus.WAITLISTED,
                first_name="Twin",
                badge_name="Twin",
                email=original.email,
                manage_secret=str(n) * 43,
                badge_token="C1" + str(n) * 26,
            )

        db.session.add(twin(0))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        # Once the first is cancelled, the address is free again.
        db.session.execute(update(Registration).values(status=RegistrationStatus.CANCELLED))
        db.session.add(twin(1))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 2


def test_the_database_refuses_an_unknown_status(app: Flask) -> None:
    seeded = seed_convening(app)
    _fill(app, seeded, "Elected official", 1, "one")
    with app.app_context(), db.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.exec_driver_sql("UPDATE registrations SET status = 'vip'")
