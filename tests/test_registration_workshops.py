"""Picking breakout workshops on the registration form itself: a seat (or a waiting place) in first-come
slots, a ranking in ranked slots, all written with the registration or not at all, and told in the
confirmation email."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from test_workshop_seats import Breakouts, seed_breakouts

from conftest import CSRF_INPUT, SmtpSink, attendee, field_errors, seed_convening, submit
from convening.audit.models import AuditEntry
from convening.convenings.models import Convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession, TimeSlot
from convening.registration import services
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.scheduling import choices, seats
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatStatus, WorkshopChoice, WorkshopSeat

REGISTER = "/c/summit/register"
NOW = datetime.now(UTC)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _mixed(app: Flask, *, capacities: list[list[int | None]] | None = None) -> Breakouts:
    """Two first-come slots and, after them, a ranked one open for a week; nobody registered yet."""
    b = seed_breakouts(app, capacities=capacities or [[2, 5], [5, 5], [10, 10, 10]], people=0)
    with app.app_context():
        db.session.execute(
            update(TimeSlot)
            .where(TimeSlot.id == b.slots[2])
            .values(signup_mode=SignupMode.RANKED, choices_close_at=NOW + timedelta(days=7))
        )
        db.session.commit()
    return b


def _ticket(b: Breakouts) -> int:
    return b.seeded.tickets["Elected official"]


def _registrations(app: Flask) -> list[Registration]:
    with app.app_context():
        return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def _seats(app: Flask, registration_id: int) -> list[tuple[int, SeatStatus]]:
    with app.app_context():
        return [
            (seat.session_id, seat.status)
            for seat in db.session.scalars(
                select(WorkshopSeat)
                .where(WorkshopSeat.registration_id == registration_id)
                .order_by(WorkshopSeat.time_slot_id)
            )
        ]


def _choices(app: Flask, registration_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(WorkshopChoice.session_id)
                .where(WorkshopChoice.registration_id == registration_id)
                .order_by(WorkshopChoice.rank)
            )
        )


def _fill(app: Flask, workshop_id: int) -> None:
    """Take every seat of the workshop (as other people would have)."""
    with app.app_context():
        db.session.execute(
            update(ProgramSession)
            .where(ProgramSession.id == workshop_id)
            .values(seats_taken=ProgramSession.capacity)
        )
        db.session.commit()


def test_the_form_offers_each_open_slot(app: Flask, client: FlaskClient) -> None:
    b = _mixed(app)
    _fill(app, b.workshops[0][0])
    html = client.get(REGISTER).get_data(as_text=True)
    text = _text(html)

    assert "Breakout workshops" in text
    assert "Optional: pick now" in text
    # First come: one radio group per slot, nothing picked yet, seats shown, the full one says so.
    for slot in b.slots[:2]:
        assert f'name="workshop_{slot}"' in html
        assert re.search(rf'id="workshop_{slot}-0"[^>]*checked|checked[^>]*id="workshop_{slot}-0"', html)
    assert "Housing first 1 Local government Room 1A Full: you join its waiting list" in text
    assert "Clean water 1 Local government Room 1B 5 seats left" in text
    assert "Breakouts 1 Tuesday, June 15, 2027 at 9:00 AM CDT to 10:30 AM" in text
    # Ranked: three choices, with the deadline.
    for rank in ("first", "second", "third"):
        assert f'name="slot_{b.slots[2]}_{rank}"' in html
    assert "Rank up to three by" in text
    assert html.index('name="email"') < html.index(f'name="workshop_{b.slots[0]}"')


def test_started_and_closed_slots_and_workshopless_ones_are_not_offered(
    app: Flask, client: FlaskClient
) -> None:
    b = _mixed(app)
    with app.app_context():
        db.session.execute(
            update(TimeSlot)
            .where(TimeSlot.id == b.slots[0])
            .values(starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(hours=1))
        )
        db.session.execute(
            update(TimeSlot)
            .where(TimeSlot.id == b.slots[2])
            .values(choices_close_at=NOW - timedelta(hours=1))
        )
        db.session.commit()
    html = client.get(REGISTER).get_data(as_text=True)
    assert f"workshop_{b.slots[0]}" not in html
    assert f"workshop_{b.slots[1]}" in html
    assert f"slot_{b.slots[2]}_first" not in html


def test_a_convening_without_breakouts_has_no_workshop_section(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    html = client.get(REGISTER).get_data(as_text=True)
    assert "Breakout workshops" not in html
    assert "workshop-picks" not in html


def test_register_with_a_seat_and_a_ranking_in_one_go(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    b = _mixed(app)
    ranked = b.slots[2]
    answer = submit(
        client,
        REGISTER,
        {
            "ticket_type": _ticket(b),
            **attendee(),
            f"workshop_{b.slots[0]}": b.workshops[0][1],
            f"workshop_{b.slots[1]}": "",
            f"slot_{ranked}_first": b.workshops[2][2],
            f"slot_{ranked}_second": "",
            f"slot_{ranked}_third": b.workshops[2][0],
        },
    )
    assert answer.status_code == 303, field_errors(answer.get_data(as_text=True))
    [registration] = _registrations(app)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert _seats(app, registration.id) == [(b.workshops[0][1], SeatStatus.SEATED)]
    # The empty second place closes up: the order given is the ranking.
    assert _choices(app, registration.id) == [b.workshops[2][2], b.workshops[2][0]]
    with app.app_context():
        assert db.session.get(ProgramSession, b.workshops[0][1]).seats_taken == 1
        logged = db.session.scalars(
            select(AuditEntry.summary)
            .where(AuditEntry.subject_id == registration.id, AuditEntry.action.like("workshop.%"))
            .order_by(AuditEntry.id)
        ).all()
    assert logged == [
        "Took a seat in Clean water 1",
        "Ranked choices for Breakouts 3: 1. Broadband for all 3, 2. Housing first 3",
    ]

    # One email tells it all: the confirmation, with the workshop and the choices.
    [message] = smtp.wait_for(1)
    assert message["Subject"].startswith("You're registered")
    body = message.get_body(("plain",)).get_content()
    assert "Your breakout workshops:" in body
    assert "- Breakouts 1, Tuesday, June 15, 2027 at 9:00 AM CDT: Clean water 1, Room 1B" in body
    assert "- Breakouts 2, Tuesday, June 15, 2027 at 11:00 AM CDT: no workshop yet" in body
    assert "your choices are 1. Broadband for all 3, 2. Housing first 3; we email you your workshop" in body
    assert f"/c/summit/r/{registration.manage_secret}/workshops" in body
    html = message.get_body(("html",)).get_content()
    assert "<bdi>Clean water 1</bdi>, <bdi>Room 1B</bdi>" in html

    manage = _text(client.get(answer.headers["Location"]).get_data(as_text=True))
    assert "You are in Clean water 1 , Room 1B" in manage
    assert "Your choices: 1. Broadband for all 3 , 2. Housing first 3" in manage


def test_a_full_workshop_puts_the_person_on_its_waiting_list(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    b = _mixed(app)
    form_token = client.get(REGISTER)  # the form shows seats left...
    assert form_token.status_code == 200
    _fill(app, b.workshops[0][0])  # ...and they are gone by the time it is sent
    answer = submit(
        client,
        REGISTER,
        {"ticket_type": _ticket(b), **attendee(), f"workshop_{b.slots[0]}": b.workshops[0][0]},
    )
    assert answer.status_code == 303
    [registration] = _registrations(app)
    assert _seats(app, registration.id) == [(b.workshops[0][0], SeatStatus.WAITING)]
    body = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "you are 1st on the waiting list for Housing first 1" in body
    assert "You are 1st on the waiting list for Housing first 1" in _text(
        client.get(answer.headers["Location"]).get_data(as_text=True)
    )


def test_bad_picks_and_bad_details_are_shown_together_and_nothing_is_written(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    b = _mixed(app)
    ranked = b.slots[2]
    answer = submit(
        client,
        REGISTER,
        {
            "ticket_type": _ticket(b),
            **attendee(first_name=""),
            f"workshop_{b.slots[0]}": b.workshops[1][0],  # a workshop of the next slot
            f"workshop_{b.slots[1]}": "12x",  # forged
            f"slot_{ranked}_first": b.workshops[2][1],
            f"slot_{ranked}_second": b.workshops[2][1],
            f"slot_{ranked}_third": b.workshops[0][0],
        },
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert field_errors(html) == [
        "Enter your first name.",
        "Choose one of the workshops of this time slot.",
        "Choose one of the workshops of this time slot.",
        "You chose this workshop already as your first choice: choose another.",
        "Choose one of the workshops of this time slot.",
    ]
    assert f'href="#workshop_{b.slots[0]}-0"' in html  # the error summary leads to the group
    assert f'id="slot_{ranked}_second-error"' in html
    # What was picked is still picked.
    assert re.search(
        rf'<option selected value="{b.workshops[2][1]}">|value="{b.workshops[2][1]}" selected', html
    )
    assert _registrations(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0
        assert db.session.scalar(select(func.count()).select_from(WorkshopChoice)) == 0
    assert smtp.messages == []

    # Fixed, it goes through.
    answer = submit(
        client,
        REGISTER,
        {
            "ticket_type": _ticket(b),
            **attendee(),
            f"workshop_{b.slots[0]}": b.workshops[0][1],
            f"slot_{ranked}_first": b.workshops[2][1],
        },
    )
    assert answer.status_code == 303
    [registration] = _registrations(app)
    assert _choices(app, registration.id) == [b.workshops[2][1]]


def test_a_refusal_inside_the_transaction_undoes_the_registration(app: Flask) -> None:
    """Picks are checked against the form first; a pick that becomes wrong while registering (here a ranked
    slot's workshop given as a first-come one) is refused there, and the registration goes with it."""
    b = _mixed(app)
    with app.app_context():
        convening = db.session.get(Convening, b.seeded.convening_id)
        ticket = db.session.get(TicketType, _ticket(b))
        picks = choices.Picks(workshops={b.slots[0]: b.workshops[0][0], b.slots[2]: b.workshops[2][0]})
        with pytest.raises(Refused) as refused:
            services.register(
                convening,
                ticket,
                services.AttendeeDetails(first_name="Nguyễn Thị Minh Khai", email="khai@example.org"),
                then=lambda registration: choices.sign_up_at_registration(registration, picks, now=NOW),
            )
        assert refused.value.problems == {
            f"workshop_{b.slots[2]}": "Workshops in this slot are assigned from ranked choices: "
            "rank your top three instead."
        }
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0
        assert db.session.get(ProgramSession, b.workshops[0][0]).seats_taken == 0
        assert db.session.get(Convening, b.seeded.convening_id).seats_taken == 0


def test_paid_tickets_and_the_waiting_list_keep_no_picks_and_say_so(app: Flask, client: FlaskClient) -> None:
    b = _mixed(app)
    with app.app_context():
        convening = db.session.get(Convening, b.seeded.convening_id)
        db.session.add_all(
            [
                TicketType(convening_id=convening.id, name="Supporter", price_cents=25000, position=1),
                TicketType(convening_id=convening.id, name="Staff of an office", capacity=0, position=2),
            ]
        )
        db.session.commit()
        tickets = {t.name: t.id for t in convening.ticket_types}
    html = client.get(REGISTER).get_data(as_text=True)
    marked = re.findall(
        r'value="(\d+)"\s+aria-describedby="ticket_type-\d-info"\s*(?:checked)?\s*(data-workshops-later)?',
        html,
    )
    assert dict(marked) == {
        str(tickets["Elected official"]): "",
        str(tickets["Supporter"]): "data-workshops-later",
        str(tickets["Staff of an office"]): "data-workshops-later",
    }
    assert "you pick your workshops from your registration link once your seat is confirmed" in html

    for ticket, email, status in [
        ("Supporter", "payer@example.org", RegistrationStatus.PENDING_PAYMENT),
        ("Staff of an office", "waiter@example.org", RegistrationStatus.WAITLISTED),
    ]:
        answer = submit(
            client,
            REGISTER,
            {
                "ticket_type": tickets[ticket],
                **attendee(email=email),
                f"workshop_{b.slots[0]}": b.workshops[0][0],
                f"slot_{b.slots[2]}_first": b.workshops[2][0],
            },
        )
        assert answer.status_code == 303
        registration = _registrations(app)[-1]
        assert registration.status == status
        assert _seats(app, registration.id) == []
        assert _choices(app, registration.id) == []
        page = _text(client.get(answer.headers["Location"]).get_data(as_text=True))
        assert f"Your workshop picks were not kept. {choices.NOT_CONFIRMED[status]}" in page


def test_only_paid_or_full_tickets_leave_the_section_out(app: Flask, client: FlaskClient) -> None:
    b = _mixed(app)
    with app.app_context():
        db.session.execute(update(TicketType).where(TicketType.id == _ticket(b)).values(price_cents=9900))
        db.session.commit()
    html = client.get(REGISTER).get_data(as_text=True)
    assert "workshop-picks" not in html
    assert "Breakout workshops" not in html


def test_parallel_registrations_for_the_last_seats_of_a_workshop(app: Flask, live_server: str) -> None:
    b = _mixed(app, capacities=[[3, 30], [5], [10]])
    popular = b.workshops[0][0]
    emails = [f"racer{number}@example.org" for number in range(12)]
    barrier = threading.Barrier(len(emails))

    def register(email: str) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=120) as http:
            match = CSRF_INPUT.search(http.get(REGISTER).text)
            barrier.wait()
            return http.post(
                REGISTER,
                data={
                    "csrf_token": match.group(1) or match.group(2),
                    "ticket_type": _ticket(b),
                    **attendee(email=email),
                    f"workshop_{b.slots[0]}": popular,
                },
            )

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        answers = list(pool.map(register, emails))

    assert [answer.status_code for answer in answers] == [303] * len(emails)
    with app.app_context():
        workshop = db.session.get(ProgramSession, popular)
        seated, waiting = seats.roster(workshop)
        assert workshop.seats_taken == 3
        assert len(seated) == 3
        assert len(waiting) == 9
        assert [seats.waiting_position(seat) for seat in waiting] == list(range(1, 10))
        assert db.session.scalar(select(func.count()).select_from(Registration)) == len(emails)
        # A seat given up goes to the first in that order.
        first = waiting[0].registration_id
        seats.release_seat(seated[0], notify=False)
        db.session.commit()
        assert _seats(app, first) == [(popular, SeatStatus.SEATED)]
        assert db.session.get(ProgramSession, popular).seats_taken == 3
