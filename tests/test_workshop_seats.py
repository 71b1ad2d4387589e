"""Workshop seats: the database holds capacity under parallel sign-ups, one seat per person per slot, and a
freed seat goes to the first person waiting, who is emailed and gives up their other seat in the slot."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from conftest import CSRF_INPUT, Seeded, SmtpSink, field_errors, seed_convening, submit
from convening.audit.services import COMMAND_LINE
from convening.badges.services import badges_for
from convening.convenings.models import Convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession, Room, SessionKind, SlotKind, TimeSlot, Track
from convening.program.services import place_session
from convening.registration import services
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.scheduling import seats
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatSource, SeatStatus, WorkshopSeat

TITLES = ["Housing first", "Clean water", "Broadband for all", "Budget basics", "Transit that works", "Parks"]


@dataclass
class Breakouts:
    seeded: Seeded
    slots: list[int]  # in time order
    workshops: list[list[int]]  # per slot, in title order
    people: list[int]  # confirmed registrations, in the order they registered
    secrets: list[str]


def seed_breakouts(
    app: Flask,
    *,
    capacities: list[list[int | None]] | None = None,
    people: int = 3,
    mode: SignupMode = SignupMode.FIRST_COME,
    closes_at: datetime | None = None,
    room_capacity: int | None = None,
) -> Breakouts:
    """A convening with breakout slots (two hours apart, from 9:00 AM Chicago time), one workshop per given
    capacity in each, a room per workshop, and confirmed people."""
    seeded = seed_convening(app)
    capacities = capacities or [[5, 5]]
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        track = Track(convening_id=convening.id, name="Local government", color="#2f6f4f")
        db.session.add(track)
        slot_ids, workshop_ids = [], []
        for number, row in enumerate(capacities):
            start = datetime(2027, 6, 15, 14, tzinfo=UTC) + timedelta(hours=2 * number)
            slot = TimeSlot(
                convening_id=convening.id,
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                kind=SlotKind.BREAKOUT,
                label=f"Breakouts {number + 1}",
                signup_mode=mode,
                choices_close_at=closes_at,
            )
            db.session.add(slot)
            sessions = []
            for position, capacity in enumerate(row):
                room = Room(
                    convening_id=convening.id,
                    name=f"Room {number + 1}{'ABCDEF'[position]}",
                    capacity=room_capacity,
                    position=position,
                )
                session = ProgramSession(
                    convening_id=convening.id,
                    kind=SessionKind.BREAKOUT,
                    title=f"{TITLES[position]} {number + 1}" if len(capacities) > 1 else TITLES[position],
                    track=track,
                    room=room,
                    time_slot=slot,
                    capacity=capacity,
                )
                db.session.add_all([room, session])
                sessions.append(session)
            db.session.flush()
            slot_ids.append(slot.id)
            workshop_ids.append([session.id for session in sessions])
        db.session.commit()
        ticket = db.session.get(TicketType, seeded.tickets["Elected official"])
        registrations = [
            services.register(
                convening,
                ticket,
                services.AttendeeDetails(first_name=f"Person {n}", email=f"person{n}@example.org"),
                notify=False,
            )
            for n in range(people)
        ]
        return Breakouts(
            seeded,
            slot_ids,
            workshop_ids,
            [r.id for r in registrations],
            [r.manage_secret for r in registrations],
        )


def _take(app: Flask, person: int, workshop: int) -> int | None:
    """take_seat in its own request-like transaction; the seat's id, or None when full."""
    with app.app_context():
        seat = seats.take_seat(
            db.session.get(Registration, person),
            db.session.get(ProgramSession, workshop),
            source=SeatSource.ATTENDEE,
        )
        db.session.commit()
        return seat.id if seat else None


def _wait(app: Flask, person: int, workshop: int) -> int:
    with app.app_context():
        place = seats.join_waiting_list(
            db.session.get(Registration, person), db.session.get(ProgramSession, workshop)
        )
        db.session.commit()
        return place.id


def _release(app: Flask, person: int, workshop: int, notify: bool = True) -> list[int]:
    with app.app_context():
        seat = db.session.scalars(
            select(WorkshopSeat).where(
                WorkshopSeat.registration_id == person, WorkshopSeat.session_id == workshop
            )
        ).one()
        promoted = [s.registration_id for s in seats.release_seat(seat, notify=notify)]
        db.session.commit()
        return promoted


def _state(app: Flask, workshop: int) -> tuple[int, list[int], list[int]]:
    """The workshop's counter, who sits in it and who waits (in order)."""
    with app.app_context():
        session = db.session.get(ProgramSession, workshop)
        seated, waiting = seats.roster(session)
        return (
            session.seats_taken,
            [s.registration_id for s in seated],
            [s.registration_id for s in waiting],
        )


def _seat_of(app: Flask, person: int, slot: int) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(WorkshopSeat.session_id).where(
                WorkshopSeat.registration_id == person,
                WorkshopSeat.time_slot_id == slot,
                WorkshopSeat.status == SeatStatus.SEATED,
            )
        )


# --- parallel sign-ups --------------------------------------------------------------------------------


def test_twenty_parallel_signups_for_five_seats(app: Flask, live_server: str) -> None:
    b = seed_breakouts(app, capacities=[[5, 30]], people=20)
    popular = b.workshops[0][0]
    barrier = threading.Barrier(20)

    def sign_up(secret: str) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=120) as http:
            page = f"/c/summit/r/{secret}/workshops"
            match = CSRF_INPUT.search(http.get(page).text)
            token = match.group(1) or match.group(2)
            barrier.wait()
            return http.post(f"{page}/seat", data={"workshop": popular, "csrf_token": token})

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(sign_up, b.secrets))

    assert [answer.status_code for answer in answers] == [303] * 20
    taken, seated, waiting = _state(app, popular)
    assert (taken, len(seated), waiting) == (5, 5, [])
    # The fifteen who found it full join its waiting list, in the order they ask.
    left_out = [person for person in b.people if person not in seated]
    for person in left_out:
        _wait(app, person, popular)
    assert _state(app, popular) == (5, seated, left_out)
    with app.app_context():
        positions = [
            seats.waiting_position(s) for s in seats.roster(db.session.get(ProgramSession, popular))[1]
        ]
    assert positions == list(range(1, 16))


def test_parallel_leaves_promote_exactly_the_longest_waiting(
    app: Flask, live_server: str, smtp: SmtpSink
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=15)
    workshop = b.workshops[0][0]
    for person in b.people[:5]:
        _take(app, person, workshop)
    for person in b.people[5:]:
        _wait(app, person, workshop)
    # Three leave at once, one of them pressing the button four times.
    leaving = [b.secrets[0], b.secrets[1], b.secrets[2], b.secrets[2], b.secrets[2], b.secrets[2]]
    barrier = threading.Barrier(len(leaving))

    def leave(secret: str) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=120) as http:
            match = CSRF_INPUT.search(http.get("/c/summit/lost-link").text)
            barrier.wait()
            return http.post(
                f"/c/summit/r/{secret}/workshops/leave",
                data={"workshop": workshop, "csrf_token": match.group(1) or match.group(2)},
            )

    with ThreadPoolExecutor(max_workers=len(leaving)) as pool:
        assert {answer.status_code for answer in pool.map(leave, leaving)} == {303}

    taken, seated, waiting = _state(app, workshop)
    assert taken == 5
    assert sorted(seated) == sorted(b.people[3:8])
    assert waiting == b.people[8:]
    smtp.wait_for(3)
    promoted = {f"person{n}@example.org" for n in (5, 6, 7)}
    assert {m["To"] for m in smtp.messages if m["Subject"].startswith("A seat opened")} == promoted


def test_the_database_refuses_more_seats_than_capacity(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[2]], people=0)
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(
                update(ProgramSession).where(ProgramSession.id == b.workshops[0][0]).values(seats_taken=3)
            )
        db.session.rollback()


# --- taking, switching, waiting ---------------------------------------------------------------------


def test_a_full_workshop_gives_no_seat_and_the_room_counts_when_the_workshop_has_no_capacity(
    app: Flask,
) -> None:
    b = seed_breakouts(app, capacities=[[2, None]], people=4, room_capacity=3)
    own, by_room = b.workshops[0]
    assert [_take(app, p, own) for p in b.people[:3]][2] is None
    assert _state(app, own)[0] == 2
    assert [_take(app, p, by_room) is not None for p in b.people] == [True, True, True, False]
    assert _state(app, by_room)[0] == 3
    # The first two moved from `own`: its seats came free.
    assert _state(app, own) == (0, [], [])


def test_one_seat_per_person_per_slot_switching_moves_the_seat(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[5, 5], [5]], people=1)
    person = b.people[0]
    first, second = b.workshops[0]
    assert _take(app, person, first)
    assert _take(app, person, b.workshops[1][0])  # another slot: a second seat
    again = _take(app, person, first)
    assert again is not None
    assert _state(app, first)[0] == 1  # taking it twice changes nothing
    assert _take(app, person, second)
    assert _seat_of(app, person, b.slots[0]) == second
    assert (_state(app, first)[0], _state(app, second)[0]) == (0, 1)
    with app.app_context():
        held = seats.seats_of(db.session.get(Registration, person))
        assert [(s.session_id, s.status) for s in held] == [
            (second, SeatStatus.SEATED),
            (b.workshops[1][0], SeatStatus.SEATED),
        ]


def test_the_database_refuses_two_seats_in_one_slot(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[5, 5]], people=1)
    _take(app, b.people[0], b.workshops[0][0])
    with app.app_context():
        db.session.add(
            WorkshopSeat(
                convening_id=b.seeded.convening_id,
                registration_id=b.people[0],
                session_id=b.workshops[0][1],
                time_slot_id=b.slots[0],
                status=SeatStatus.SEATED,
                source=SeatSource.STAFF,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_waiting_list_rules(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[1, 1, 5]], people=3)
    full, other_full, roomy = b.workshops[0]
    sitter, waiter, third = b.people
    _take(app, sitter, full)
    _take(app, third, other_full)
    with app.app_context():
        registration = db.session.get(Registration, waiter)
        with pytest.raises(seats.SeatRefused, match="seat free"):
            seats.join_waiting_list(registration, db.session.get(ProgramSession, roomy))
        with pytest.raises(seats.SeatRefused, match="already have a seat"):
            seats.join_waiting_list(
                db.session.get(Registration, sitter), db.session.get(ProgramSession, full)
            )
        db.session.rollback()
    first = _wait(app, waiter, full)
    assert _wait(app, waiter, full) == first  # asking again keeps the place
    _wait(app, waiter, other_full)  # one waiting place per slot: this replaces the first
    assert _state(app, full)[2] == []
    assert _state(app, other_full)[2] == [waiter]
    # Taking a seat where they wait removes the waiting place.
    _release(app, third, other_full, notify=False)
    assert _state(app, other_full) == (1, [waiter], [])


def test_only_confirmed_people_and_breakout_workshops(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=2)
    with app.app_context():
        db.session.execute(
            update(Registration)
            .where(Registration.id == b.people[1])
            .values(status=RegistrationStatus.WAITLISTED)
        )
        plenary = ProgramSession(
            convening_id=b.seeded.convening_id,
            kind=SessionKind.PLENARY,
            title="Opening",
            time_slot_id=b.slots[0],
        )
        db.session.add(plenary)
        db.session.commit()
        with pytest.raises(seats.SeatRefused, match="Only confirmed"):
            seats.take_seat(
                db.session.get(Registration, b.people[1]),
                db.session.get(ProgramSession, b.workshops[0][0]),
                source=SeatSource.ATTENDEE,
            )
        with pytest.raises(seats.SeatRefused, match="not a breakout workshop"):
            seats.take_seat(db.session.get(Registration, b.people[0]), plenary, source=SeatSource.ATTENDEE)
        db.session.rollback()
    other = seed_breakouts_elsewhere(app)
    with app.app_context(), pytest.raises(seats.SeatRefused, match="not a breakout workshop"):
        seats.take_seat(
            db.session.get(Registration, b.people[0]),
            db.session.get(ProgramSession, other),
            source=SeatSource.ATTENDEE,
        )
    assert _state(app, b.workshops[0][0]) == (0, [], [])


def seed_breakouts_elsewhere(app: Flask) -> int:
    """A breakout workshop of a second convening."""
    seeded = seed_convening(app, slug="retreat")
    with app.app_context():
        start = datetime(2027, 6, 15, 14, tzinfo=UTC)
        slot = TimeSlot(
            convening_id=seeded.convening_id,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            kind=SlotKind.BREAKOUT,
        )
        session = ProgramSession(
            convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title="Elsewhere", time_slot=slot
        )
        db.session.add_all([slot, session])
        db.session.commit()
        return session.id


# --- releasing and promotions -----------------------------------------------------------------------


def test_a_freed_seat_goes_to_the_first_waiting_who_gives_up_their_other_seat_which_chains(
    app: Flask, smtp: SmtpSink
) -> None:
    b = seed_breakouts(app, capacities=[[1, 1, 1]], people=5)
    a, c, d = b.workshops[0]
    ana, ben, cleo, dev, eve = b.people
    _take(app, ana, a)
    _take(app, ben, c)
    _take(app, cleo, d)
    _wait(app, ben, a)  # Ben sits in C and waits for A
    _wait(app, dev, a)
    _wait(app, eve, c)  # Eve waits for C

    promoted = _release(app, ana, a)

    # Ben gets A, gives up C, which goes to Eve; Dev still waits for A.
    assert promoted == [ben, eve]
    assert _state(app, a) == (1, [ben], [dev])
    assert _state(app, c) == (1, [eve], [])
    assert _state(app, d) == (1, [cleo], [])
    messages = smtp.wait_for(2)
    subjects = sorted((m["To"], m["Subject"]) for m in messages)
    assert subjects == [
        ("person1@example.org", "A seat opened in Housing first: you are in"),
        ("person4@example.org", "A seat opened in Clean water: you are in"),
    ]
    body = next(m for m in messages if m["To"] == "person1@example.org").get_body(("plain",)).get_content()
    assert "Tuesday, June 15, 2027 at 9:00 AM CDT to 10:30 AM" in body
    assert "Room: Room 1A" in body
    assert "You are no longer in Clean water" in body
    with app.app_context():
        sources = dict(db.session.execute(select(WorkshopSeat.registration_id, WorkshopSeat.source)).all())
        assert (sources[ben], sources[eve]) == (SeatSource.WAITING_LIST, SeatSource.WAITING_LIST)


def test_releasing_a_waiting_place_or_releasing_twice_frees_nothing(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[1]], people=3)
    workshop = b.workshops[0][0]
    first, second, third = b.people
    _take(app, first, workshop)
    _wait(app, second, workshop)
    _wait(app, third, workshop)
    assert _release(app, second, workshop) == []
    assert _state(app, workshop) == (1, [first], [third])
    with app.app_context():
        seat = db.session.scalars(select(WorkshopSeat).where(WorkshopSeat.registration_id == first)).one()
        assert [s.registration_id for s in seats.release_seat(seat, notify=False)] == [third]
        db.session.commit()
    with app.app_context():
        stale = WorkshopSeat(id=seat.id, convening_id=b.seeded.convening_id, session_id=workshop)
        assert seats.release_seat(stale) == []
        db.session.commit()
    assert _state(app, workshop) == (1, [third], [])


def test_cancelling_a_registration_releases_its_seats_and_promotes(app: Flask, smtp: SmtpSink) -> None:
    b = seed_breakouts(app, capacities=[[1], [1]], people=2)
    leaving, staying = b.people
    morning, afternoon = b.workshops[0][0], b.workshops[1][0]
    _take(app, leaving, morning)
    _take(app, leaving, afternoon)
    _wait(app, staying, morning)
    with app.app_context():
        services.cancel(db.session.get(Registration, leaving))
    assert _state(app, morning) == (1, [staying], [])
    assert _state(app, afternoon) == (0, [], [])
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(WorkshopSeat.registration_id == leaving)) == 0
    smtp.wait_for(2)
    assert [m["Subject"] for m in smtp.to("person1@example.org")] == [
        "A seat opened in Housing first 1: you are in"
    ]


def test_waiting_people_no_longer_confirmed_are_passed_over(app: Flask) -> None:
    b = seed_breakouts(app, capacities=[[1]], people=3)
    workshop = b.workshops[0][0]
    first, lapsed, next_ = b.people
    _take(app, first, workshop)
    _wait(app, lapsed, workshop)
    _wait(app, next_, workshop)
    with app.app_context():
        db.session.execute(
            update(Registration)
            .where(Registration.id == lapsed)
            .values(status=RegistrationStatus.PENDING_PAYMENT)
        )
        db.session.commit()
    assert _release(app, first, workshop, notify=False) == [next_]


def test_staff_cannot_lower_a_workshops_capacity_below_its_seated_people(
    app: Flask, staff_client: Any
) -> None:
    b = seed_breakouts(app, capacities=[[5]], people=3)
    workshop = b.workshops[0][0]
    for person in b.people:
        _take(app, person, workshop)
    client = staff_client("staff")
    form = {
        "kind": "breakout",
        "title": "Housing first",
        "description": "",
        "track_id": "",
        "time_slot_id": str(b.slots[0]),
        "room_id": "",
        "capacity": "2",
    }
    answer = submit(client, f"/staff/c/summit/program/sessions/{workshop}", form)
    assert answer.status_code == 422
    assert field_errors(answer.get_data(as_text=True)) == [
        "3 people already have a seat in this workshop: enter at least 3, "
        "or move people to other workshops first."
    ]
    assert _state(app, workshop)[0] == 3
    with app.app_context():
        assert db.session.get(ProgramSession, workshop).capacity == 5
    assert (
        submit(client, f"/staff/c/summit/program/sessions/{workshop}", {**form, "capacity": "3"}).status_code
        == 303
    )
    assert _take(app, b.people[0], workshop) is not None  # already seated: kept


def test_a_workshop_with_seats_keeps_its_time_slot(app: Flask, staff_client: Any) -> None:
    b = seed_breakouts(app, capacities=[[5], [5]], people=2)
    workshop = b.workshops[0][0]
    _take(app, b.people[0], workshop)
    client = staff_client("staff")
    form = {
        "kind": "breakout",
        "title": "Housing first 1",
        "description": "",
        "track_id": "",
        "time_slot_id": str(b.slots[1]),
        "room_id": "",
        "capacity": "5",
    }
    answer = submit(client, f"/staff/c/summit/program/sessions/{workshop}", form)
    assert answer.status_code == 422
    assert field_errors(answer.get_data(as_text=True)) == [
        "People signed up for this workshop at its time (1 seats, waiting places or ranked choices): move "
        "them in Breakouts before moving it to another slot."
    ]
    with app.app_context():
        session = db.session.get(ProgramSession, workshop)
        with pytest.raises(Refused):
            place_session(
                db.session.get(Convening, session.convening_id),
                session,
                time_slot_id=b.slots[1],
                room_id=None,
                actor=COMMAND_LINE,
            )
        db.session.rollback()
        assert db.session.get(ProgramSession, workshop).time_slot_id == b.slots[0]
    # Once the person is released, the workshop may move.
    _release(app, b.people[0], workshop)
    assert submit(client, f"/staff/c/summit/program/sessions/{workshop}", form).status_code == 303


def test_a_persons_workshops_are_in_their_calendar_file_and_on_their_badge(app: Flask, client: Any) -> None:
    b = seed_breakouts(app, capacities=[[5, 5], [5, 5]], people=2)
    _take(app, b.people[0], b.workshops[0][1])  # Clean water 1
    _take(app, b.people[0], b.workshops[1][0])  # Housing first 2
    answer = client.get(f"/c/summit/r/{b.secrets[0]}/workshops/calendar.ics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    assert answer.headers["Cache-Control"] == "no-store"
    events = Calendar.from_ical(answer.data).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Clean water 1", "Housing first 2"]
    assert str(events[0]["LOCATION"]).startswith("Room 1B")
    others = Calendar.from_ical(client.get(f"/c/summit/r/{b.secrets[1]}/workshops/calendar.ics").data)
    assert others.walk("VEVENT") == []
    assert client.get("/c/summit/r/" + "x" * 43 + "/workshops/calendar.ics").status_code == 404
    with app.app_context():
        convening = db.session.get(Convening, b.seeded.convening_id)
        people = [db.session.get(Registration, person) for person in b.people]
        mine, theirs = badges_for(convening, people)
        assert [(line.title, line.room) for line in mine.schedule] == [
            ("Clean water 1", "Room 1B"),
            ("Housing first 2", "Room 2A"),
        ]
        assert mine.schedule_is_personal
        assert not theirs.schedule_is_personal
