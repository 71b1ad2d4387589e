"""Attendees' side of breakouts: the workshops page, first-come seats and waiting lists from the page, ranked
choices with their validation and deadline, stars, and the manage page's summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from test_workshop_seats import Breakouts, seed_breakouts

from conftest import SmtpSink, csrf_token, field_errors, seed_convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SlotKind, TimeSlot
from convening.registration.models import Registration, RegistrationStatus
from convening.scheduling import choices, seats
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatSource, SeatStatus, WorkshopChoice, WorkshopInterest, WorkshopSeat

NOW = datetime.now(UTC)


def _page(b: Breakouts, person: int = 0) -> str:
    return f"/c/summit/r/{b.secrets[person]}/workshops"


def _post(client: FlaskClient, b: Breakouts, action: str, data: dict[str, object], person: int = 0) -> Any:
    """POST as the browser would, with the token of a page that has a form (the lost-link page always has)."""
    page = _page(b, person)
    return client.post(
        f"{page}/{action}", data={**data, "csrf_token": csrf_token(client, "/c/summit/lost-link")}
    )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _choices(app: Flask, person: int) -> list[tuple[int, int]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                select(WorkshopChoice.rank, WorkshopChoice.session_id)
                .where(WorkshopChoice.registration_id == person)
                .order_by(WorkshopChoice.rank)
            )
        ]


def _ranked(app: Flask, **kwargs: object) -> Breakouts:
    return seed_breakouts(
        app,
        capacities=[[10, 10, 10, 10]],
        people=2,
        mode=SignupMode.RANKED,
        closes_at=kwargs.get("closes_at", NOW + timedelta(days=7)),  # type: ignore[arg-type]
    )


# --- the page --------------------------------------------------------------------------------------------


def test_the_page_lists_first_come_workshops_with_seats_left_and_local_times(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[12, 1]], people=2)
    client.get("/")  # nothing needed from it
    _post(client, b, "seat", {"workshop": b.workshops[0][1]}, person=1)
    page = client.get(_page(b))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = _text(page.get_data(as_text=True))
    assert "Tuesday, June 15, 2027 at 9:00 AM CDT to 10:30 AM" in text
    assert "Housing first Track: Local government Room: Room 1A 12 seats left" in text
    assert "Clean water Track: Local government Room: Room 1B Full Join the waiting list" in text


def test_take_a_seat_switch_leave_and_the_email(app: Flask, client: FlaskClient, smtp: SmtpSink) -> None:
    b = seed_breakouts(app, capacities=[[5, 5]], people=1)
    first, second = b.workshops[0]
    answer = _post(client, b, "seat", {"workshop": first})
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).get_data(as_text=True)
    assert "Your seat is confirmed." in page
    assert "You are in <strong><bdi>Housing first</bdi></strong>." in page
    assert "4 seats left" in _text(page)
    assert "Switch to this workshop" in page
    message = smtp.wait_for(1)[0]
    assert message["Subject"] == "Your seat in Housing first is confirmed"
    assert "Room: Room 1A" in message.get_body(("plain",)).get_content()

    assert _post(client, b, "seat", {"workshop": second}).status_code == 303
    with app.app_context():
        held = db.session.scalars(select(WorkshopSeat)).all()
        assert [(s.session_id, s.status, s.source) for s in held] == [
            (second, SeatStatus.SEATED, SeatSource.ATTENDEE)
        ]
        assert [db.session.get(ProgramSession, w).seats_taken for w in (first, second)] == [0, 1]

    assert _post(client, b, "leave", {"workshop": second}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0
        assert db.session.get(ProgramSession, second).seats_taken == 0


def test_a_full_workshop_offers_its_waiting_list_with_the_place_shown(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[1]], people=4)
    workshop = b.workshops[0][0]
    for person in range(3):
        _post(client, b, "seat", {"workshop": workshop}, person=person)
    assert "That workshop just filled up." in client.get(_page(b, 2)).get_data(as_text=True)
    for person in (1, 2, 3):
        assert _post(client, b, "wait", {"workshop": workshop}, person=person).status_code == 303
    page = client.get(_page(b, 3)).get_data(as_text=True)
    assert "You are 3rd on the waiting list." in page
    assert "You are 3rd on the waiting list for <strong><bdi>Housing first</bdi></strong>." in page
    assert "Leave the waiting list" in page


@pytest.mark.parametrize(
    ("workshop", "message"),
    [
        ("9999", "That workshop is not on this convening&#39;s breakout program"),
        ("abc", "That workshop is not on this convening&#39;s breakout program"),
        ("", "That workshop is not on this convening&#39;s breakout program"),
    ],
)
def test_bad_workshops_are_refused_with_a_message(
    app: Flask, client: FlaskClient, workshop: str, message: str
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    answer = _post(client, b, "seat", {"workshop": workshop})
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0


def test_workshops_of_another_convening_plenaries_and_ranked_slots_are_refused(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    ranked = _ranked_slot_beside(app, b)
    other = seed_convening(app, slug="retreat")
    with app.app_context():
        start = datetime(2027, 6, 15, 14, tzinfo=UTC)
        slot = TimeSlot(
            convening_id=other.convening_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            kind=SlotKind.BREAKOUT,
        )
        elsewhere = ProgramSession(
            convening_id=other.convening_id, kind=SessionKind.BREAKOUT, title="Elsewhere", time_slot=slot
        )
        plenary = ProgramSession(
            convening_id=b.seeded.convening_id,
            kind=SessionKind.PLENARY,
            title="Opening",
            time_slot_id=b.slots[0],
        )
        db.session.add_all([slot, elsewhere, plenary])
        db.session.commit()
        ids = elsewhere.id, plenary.id
    for workshop in ids:
        answer = _post(client, b, "seat", {"workshop": workshop})
        assert answer.status_code == 422
        assert "not on this convening" in answer.get_data(as_text=True)
        assert _post(client, b, "star", {"workshop": workshop}).status_code == 422
    answer = _post(client, b, "seat", {"workshop": ranked})
    assert answer.status_code == 422
    assert "rank your top three instead" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0
        assert db.session.scalar(select(func.count()).select_from(WorkshopInterest)) == 0


def _ranked_slot_beside(app: Flask, b: Breakouts) -> int:
    """A ranked slot in the same convening, with one workshop; its id."""
    with app.app_context():
        start = datetime(2027, 6, 16, 14, tzinfo=UTC)
        slot = TimeSlot(
            convening_id=b.seeded.convening_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            kind=SlotKind.BREAKOUT,
            signup_mode=SignupMode.RANKED,
        )
        workshop = ProgramSession(
            convening_id=b.seeded.convening_id, kind=SessionKind.BREAKOUT, title="Ranked one", time_slot=slot
        )
        db.session.add_all([slot, workshop])
        db.session.commit()
        return workshop.id


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (RegistrationStatus.WAITLISTED, "you are on its waiting list"),
        (RegistrationStatus.PENDING_PAYMENT, "once your payment is complete"),
        (RegistrationStatus.CANCELLED, "This registration is cancelled"),
    ],
)
def test_only_confirmed_registrations_sign_up_and_the_others_see_why(
    app: Flask, client: FlaskClient, status: RegistrationStatus, message: str
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    with app.app_context():
        db.session.execute(update(Registration).values(status=status))
        db.session.commit()
    page = client.get(_page(b)).get_data(as_text=True)
    assert message in page
    assert "Take a seat" not in page
    answer = _post(client, b, "seat", {"workshop": b.workshops[0][0]})
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert _post(client, b, "star", {"workshop": b.workshops[0][0]}).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0


def test_an_unknown_link_or_a_missing_token_is_refused(app: Flask, client: FlaskClient) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    assert client.get("/c/summit/r/" + "x" * 43 + "/workshops").status_code == 404
    assert client.post(f"{_page(b)}/seat", data={"workshop": b.workshops[0][0]}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopSeat)) == 0


def test_a_started_slot_no_longer_changes(app: Flask, client: FlaskClient) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    with app.app_context():
        db.session.execute(
            update(TimeSlot).values(starts_at=NOW - timedelta(minutes=5), ends_at=NOW + timedelta(hours=1))
        )
        db.session.commit()
    answer = _post(client, b, "seat", {"workshop": b.workshops[0][0]})
    assert answer.status_code == 422
    assert "already started" in answer.get_data(as_text=True)


# --- ranked choices -----------------------------------------------------------------------------------


def test_rank_three_choices_and_change_them(app: Flask, client: FlaskClient) -> None:
    b = _ranked(app)
    w = b.workshops[0]
    slot = b.slots[0]
    page = client.get(_page(b)).get_data(as_text=True)
    assert f'<label for="slot-{slot}-first">First choice' in page
    answer = _post(
        client,
        b,
        f"choices/{slot}",
        {f"slot-{slot}-first": w[2], f"slot-{slot}-second": w[0], f"slot-{slot}-third": w[1]},
    )
    assert answer.status_code == 303
    assert _choices(app, b.people[0]) == [(1, w[2]), (2, w[0]), (3, w[1])]
    page = client.get(answer.headers["location"]).get_data(as_text=True)
    assert "Your choices for Breakouts 1 are saved." in page
    assert f'<option selected value="{w[2]}">' in page
    # An empty place is skipped: the order given is the ranking.
    _post(
        client,
        b,
        f"choices/{slot}",
        {f"slot-{slot}-first": "", f"slot-{slot}-second": w[3], f"slot-{slot}-third": ""},
    )
    assert _choices(app, b.people[0]) == [(1, w[3])]


def test_duplicates_and_workshops_of_other_slots_get_messages_beside_the_fields(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[10, 10, 10], [10]], people=1, mode=SignupMode.RANKED)
    w = b.workshops[0]
    slot = b.slots[0]
    _post(client, b, f"choices/{slot}", {f"slot-{slot}-first": w[0]})
    answer = _post(
        client,
        b,
        f"choices/{slot}",
        {f"slot-{slot}-first": w[1], f"slot-{slot}-second": w[1], f"slot-{slot}-third": b.workshops[1][0]},
    )
    assert answer.status_code == 422
    assert field_errors(answer.get_data(as_text=True)) == [
        "You chose this workshop already as your first choice: choose another.",
        "Choose one of the workshops of this time slot.",
    ]
    assert f'id="slot-{slot}-second-error"' in answer.get_data(as_text=True)
    assert _choices(app, b.people[0]) == [(1, w[0])]  # nothing written
    answer = _post(client, b, f"choices/{slot}", {f"slot-{slot}-first": "forged"})
    assert field_errors(answer.get_data(as_text=True)) == ["Choose one of the workshops of this time slot."]


def test_choices_for_a_slot_of_another_convening_or_a_first_come_slot_are_refused(
    app: Flask, client: FlaskClient
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    assert (
        _post(client, b, f"choices/{b.slots[0]}", {f"slot-{b.slots[0]}-first": b.workshops[0][0]}).status_code
        == 404
    )
    other = seed_breakouts_in(app)
    assert _post(client, b, f"choices/{other}", {}).status_code == 404
    assert _post(client, b, "choices/999999", {}).status_code == 404
    assert _choices(app, b.people[0]) == []


def seed_breakouts_in(app: Flask) -> int:
    """A ranked slot of a second convening; its id."""
    other = seed_convening(app, slug="retreat")
    with app.app_context():
        start = datetime(2027, 6, 15, 14, tzinfo=UTC)
        slot = TimeSlot(
            convening_id=other.convening_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            kind=SlotKind.BREAKOUT,
            signup_mode=SignupMode.RANKED,
        )
        db.session.add(slot)
        db.session.commit()
        return slot.id


def test_service_refusals(app: Flask) -> None:
    b = _ranked(app)
    w = b.workshops[0]
    with app.app_context():
        registration = db.session.get(Registration, b.people[0])
        slot = db.session.get(TimeSlot, b.slots[0])
        with pytest.raises(Refused) as four:
            choices.save_choices(registration, slot, [w[0], w[1], w[2], w[3]])
        assert four.value.problems == {"": "Rank at most three workshops."}
        with pytest.raises(Refused) as twice:
            choices.save_choices(registration, slot, [w[0], w[0]])
        assert twice.value.problems == {
            "second": "You chose this workshop already as your first choice: choose another."
        }
        slot.signup_mode = SignupMode.FIRST_COME
        with pytest.raises(Refused) as first_come:
            choices.save_choices(registration, slot, [w[0]])
        assert "first come, first served" in first_come.value.problems[""]
        db.session.rollback()
        db.session.execute(
            update(Registration)
            .where(Registration.id == b.people[0])
            .values(status=RegistrationStatus.WAITLISTED)
        )
        db.session.commit()
        registration = db.session.get(Registration, b.people[0])
        with pytest.raises(Refused, match="waiting list"):
            choices.save_choices(registration, db.session.get(TimeSlot, b.slots[0]), [w[0]])
    assert _choices(app, b.people[0]) == []


def test_after_the_deadline_choices_are_closed_and_then_the_assignment_shows(
    app: Flask, client: FlaskClient
) -> None:
    b = _ranked(app)
    w = b.workshops[0]
    slot = b.slots[0]
    _post(client, b, f"choices/{slot}", {f"slot-{slot}-first": w[1], f"slot-{slot}-second": w[2]})
    with app.app_context():
        db.session.execute(update(TimeSlot).values(choices_close_at=NOW - timedelta(minutes=1)))
        db.session.commit()
    answer = _post(client, b, f"choices/{slot}", {f"slot-{slot}-first": w[3]})
    assert answer.status_code == 422
    assert "Choices for this slot closed on" in answer.get_data(as_text=True)
    assert _choices(app, b.people[0]) == [(1, w[1]), (2, w[2])]
    text = _text(client.get(_page(b)).get_data(as_text=True))
    assert (
        "Choices for this slot are closed. Your workshop is being assigned and will be emailed to you."
        in text
    )
    assert "Clean water Broadband for all" in text
    assert "Save my choices" not in text
    # Staff publish: the person's seat from the assignment shows.
    with app.app_context():
        seats.take_seat(
            db.session.get(Registration, b.people[0]),
            db.session.get(ProgramSession, w[1]),
            source=SeatSource.ASSIGNMENT,
        )
        db.session.commit()
    text = _text(client.get(_page(b)).get_data(as_text=True))
    assert "You are in Clean water ." in text
    assert "assigned from everyone's ranked choices" in text.replace("&#39;", "'")


def test_a_published_assignment_closes_choices_without_a_deadline(app: Flask) -> None:
    b = _ranked(app, closes_at=None)
    w = b.workshops[0]
    with app.app_context():
        slot = db.session.get(TimeSlot, b.slots[0])
        assert not choices.choices_closed(slot, NOW)
        seats.take_seat(
            db.session.get(Registration, b.people[1]),
            db.session.get(ProgramSession, w[0]),
            source=SeatSource.ASSIGNMENT,
        )
        db.session.commit()
        assert choices.choices_closed(db.session.get(TimeSlot, b.slots[0]), NOW)
        with pytest.raises(Refused, match="assigned"):
            choices.save_choices(
                db.session.get(Registration, b.people[0]), db.session.get(TimeSlot, b.slots[0]), [w[0]]
            )


# --- stars ------------------------------------------------------------------------------------------------


def test_stars_toggle(app: Flask, client: FlaskClient) -> None:
    b = seed_breakouts(app, capacities=[[5, 5]], people=1)
    first = b.workshops[0][0]
    assert _post(client, b, "star", {"workshop": first}).status_code == 303
    assert _post(client, b, "star", {"workshop": first}).status_code == 303  # twice is once
    with app.app_context():
        assert choices.starred(db.session.get(Registration, b.people[0])) == {first}
    page = client.get(_page(b)).get_data(as_text=True)
    assert page.count('aria-pressed="true"') == 1
    assert f'action="/c/summit/r/{b.secrets[0]}/workshops/unstar"' in page
    assert _post(client, b, "unstar", {"workshop": first}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkshopInterest)) == 0


def test_a_workshop_without_a_slot_can_be_starred(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=1)
    with app.app_context():
        unscheduled = ProgramSession(
            convening_id=b.seeded.convening_id, kind=SessionKind.BREAKOUT, title="Not yet placed"
        )
        db.session.add(unscheduled)
        db.session.commit()
        choices.star(db.session.get(Registration, b.people[0]), unscheduled.id)
        assert choices.starred(db.session.get(Registration, b.people[0])) == {unscheduled.id}


# --- the manage page -------------------------------------------------------------------------------------


def test_the_manage_page_shows_each_breakout_slot(app: Flask, client: FlaskClient) -> None:
    b = seed_breakouts(app, capacities=[[1, 5], [5, 5]], people=2)
    ranked = _ranked_slot_beside(app, b)
    _post(client, b, "seat", {"workshop": b.workshops[0][0]}, person=1)
    _post(client, b, "wait", {"workshop": b.workshops[0][0]})
    _post(client, b, "seat", {"workshop": b.workshops[1][1]})
    with app.app_context():
        slot_id = db.session.get(ProgramSession, ranked).time_slot_id
    _post(client, b, f"choices/{slot_id}", {f"slot-{slot_id}-first": ranked})
    text = _text(client.get(f"/c/summit/r/{b.secrets[0]}").get_data(as_text=True))
    assert "Your breakout workshops" in text
    assert (
        "Breakouts 1 Tuesday, June 15, 2027 at 9:00 AM CDT You are 1st on the waiting list for "
        "Housing first 1" in text
    )
    assert "You are in Clean water 2 , Room 2B" in text
    assert "Your choices: 1. Ranked one" in text
    assert f"/c/summit/r/{b.secrets[0]}/workshops" in client.get(f"/c/summit/r/{b.secrets[0]}").get_data(
        as_text=True
    )
