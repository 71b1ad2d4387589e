"""Seats in breakout workshops: taking one, waiting for one, giving one up, and the waiting list's promotions.

Every flow first takes the convening's lock (as registration flows do, so the two never deadlock: convening
row first, then the workshops' rows), then moves program_sessions.seats_taken by a conditional UPDATE, so
the database itself refuses a seat beyond the workshop's capacity (its own, else its room's). One seat and
one waiting place per person and slot are held by partial unique indexes. Nothing here commits: callers
commit once, or roll back, so a flow is written whole or not at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import ORMOption

from convening.audit.services import WAITING_LIST, record
from convening.extensions import db
from convening.mail.services import queue_email
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    TimeSlot,
)
from convening.registration import services as registration_services
from convening.registration.models import Registration, RegistrationStatus
from convening.scheduling.models import SeatSource, SeatStatus, WorkshopSeat
from convening.sqltypes import utcnow
from convening.urls import external_url


class SeatRefused(Exception):
    """The seat or waiting place cannot be given as things stand; the message says why and what to do next."""


def _room_capacity() -> ColumnElement[int | None]:
    return (
        select(Room.capacity)
        .where(Room.id == ProgramSession.room_id)
        .correlate(ProgramSession)
        .scalar_subquery()
    )


def _capacity() -> ColumnElement[int | None]:
    """The workshop's capacity in SQL: its own, else its room's, else NULL (no limit)."""
    return func.coalesce(ProgramSession.capacity, _room_capacity())


def move_seats(workshop_id: int, delta: int) -> bool:
    """Add `delta` to the workshop's seats taken if the database agrees: never beyond its capacity when
    adding, never below zero. False when it refused (the workshop is full). The caller holds the lock."""
    condition = ProgramSession.seats_taken + delta >= 0
    if delta > 0:
        capacity = _capacity()
        condition = or_(capacity.is_(None), ProgramSession.seats_taken + delta <= capacity)
    result = db.session.execute(
        update(ProgramSession)
        .where(ProgramSession.id == workshop_id, condition)
        .values(seats_taken=ProgramSession.seats_taken + delta),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def _expire_counters(*workshops: ProgramSession | None) -> None:
    """The counters moved in SQL: let loaded workshops read them again."""
    for workshop in workshops:
        if workshop is not None and workshop in db.session:
            db.session.expire(workshop, ["seats_taken"])


def _check_workshop(registration: Registration, workshop: ProgramSession) -> TimeSlot:
    """The workshop's breakout slot, or SeatRefused when this is no workshop this person can sign up for."""
    slot = workshop.time_slot
    if (
        workshop.convening_id != registration.convening_id
        or workshop.kind != SessionKind.BREAKOUT
        or slot is None
        or slot.kind != SlotKind.BREAKOUT
    ):
        raise SeatRefused("That is not a breakout workshop of this convening: choose one from the list.")
    return slot


def _check_confirmed(registration: Registration) -> None:
    status = db.session.scalar(select(Registration.status).where(Registration.id == registration.id))
    if status != RegistrationStatus.CONFIRMED:
        raise SeatRefused("Only confirmed registrations can sign up for workshops.")


def _lock(convening_id: int) -> None:
    registration_services.lock_convening(convening_id)


def _held(registration_id: int, slot_id: int, status: SeatStatus) -> WorkshopSeat | None:
    return db.session.scalars(
        select(WorkshopSeat).where(
            WorkshopSeat.registration_id == registration_id,
            WorkshopSeat.time_slot_id == slot_id,
            WorkshopSeat.status == status,
        )
    ).first()


def _drop(seat: WorkshopSeat) -> int | None:
    """Delete the row; a seat frees one in its workshop, whose id is returned for the waiting list."""
    freed = seat.session_id if seat.status == SeatStatus.SEATED else None
    db.session.delete(seat)
    db.session.flush()
    if freed is not None:
        move_seats(freed, -1)
    return freed


def breakout_slots(convening_id: int) -> list[TimeSlot]:
    """The convening's breakout slots in time order: the slots people sign up in."""
    return list(
        db.session.scalars(
            select(TimeSlot)
            .where(TimeSlot.convening_id == convening_id, TimeSlot.kind == SlotKind.BREAKOUT)
            .order_by(TimeSlot.starts_at, TimeSlot.id)
        )
    )


def breakout_workshops(slot_ids: Collection[int], *options: ORMOption) -> list[ProgramSession]:
    """The breakout workshops of these slots, by title; `options` load what the caller shows of them."""
    if not slot_ids:
        return []
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.time_slot_id.in_(slot_ids), ProgramSession.kind == SessionKind.BREAKOUT)
            .options(*options)
            .order_by(ProgramSession.title, ProgramSession.id)
        )
    )


def personal_program(registration: Registration) -> list[ProgramSession]:
    """The person's own program, scheduled sessions only: what everyone attends (keynotes, plenaries,
    meals), the workshops they have a seat in, and the sessions they speak at."""
    seated = select(WorkshopSeat.session_id).where(
        WorkshopSeat.registration_id == registration.id, WorkshopSeat.status == SeatStatus.SEATED
    )
    speaking = (
        select(SessionSpeaker.session_id)
        .join(Speaker, Speaker.id == SessionSpeaker.speaker_id)
        .where(
            Speaker.convening_id == registration.convening_id,
            func.lower(Speaker.email) == registration.email.lower(),
        )
    )
    return list(
        db.session.scalars(
            select(ProgramSession)
            .join(TimeSlot, TimeSlot.id == ProgramSession.time_slot_id)
            .where(
                ProgramSession.convening_id == registration.convening_id,
                or_(
                    ProgramSession.kind.in_((SessionKind.KEYNOTE, SessionKind.PLENARY, SessionKind.MEAL)),
                    ProgramSession.id.in_(seated),
                    ProgramSession.id.in_(speaking),
                ),
            )
            .options(
                selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker),
                selectinload(ProgramSession.track),
                selectinload(ProgramSession.room),
                selectinload(ProgramSession.time_slot),
            )
            .order_by(TimeSlot.starts_at, ProgramSession.title, ProgramSession.id)
        )
    )


def seats_left(workshop: ProgramSession) -> int | None:
    """Free seats as stored now (None: no limit); for display, never for deciding who gets a seat."""
    capacity = workshop.effective_capacity
    return None if capacity is None else max(capacity - workshop.seats_taken, 0)


def take_seat(
    registration: Registration,
    workshop: ProgramSession,
    *,
    source: SeatSource,
    locked: bool = False,
    now: datetime | None = None,
) -> WorkshopSeat | None:
    """Seat the person in the workshop if a seat is free; None when it is full. Flushes, does not commit.

    Their other seat in the slot is given up (and offered to that workshop's waiting list), and their
    waiting place for this workshop, if any, is removed. Already seated here: the seat stays, `locked` set.
    Raises SeatRefused for a registration that is not confirmed or a session that is no breakout workshop.
    """
    now = now or utcnow()
    _lock(registration.convening_id)
    slot = _check_workshop(registration, workshop)
    _check_confirmed(registration)
    current = _held(registration.id, slot.id, SeatStatus.SEATED)
    if current is not None and current.session_id == workshop.id:
        current.locked = locked
        db.session.flush()
        return current
    if not move_seats(workshop.id, 1):
        _expire_counters(workshop)
        return None
    waiting = _held(registration.id, slot.id, SeatStatus.WAITING)
    if waiting is not None and waiting.session_id == workshop.id:
        db.session.delete(waiting)
    freed = _drop(current) if current is not None else None
    seat = WorkshopSeat(
        convening_id=registration.convening_id,
        registration_id=registration.id,
        session_id=workshop.id,
        time_slot_id=slot.id,
        status=SeatStatus.SEATED,
        source=source,
        locked=locked,
        created_at=now,
    )
    db.session.add(seat)
    db.session.flush()
    if freed is not None:
        _promote(freed, now=now, notify=True)
    _expire_counters(workshop)
    return seat


def join_waiting_list(
    registration: Registration, workshop: ProgramSession, *, now: datetime | None = None
) -> WorkshopSeat:
    """Put the person on the workshop's waiting list, at its end; their earlier waiting place in the slot
    (for another workshop) is given up, and waiting again for the same one keeps their place. Flushes.

    Raises SeatRefused when they already sit in it or it has a seat free (take it instead).
    """
    now = now or utcnow()
    _lock(registration.convening_id)
    slot = _check_workshop(registration, workshop)
    _check_confirmed(registration)
    current = _held(registration.id, slot.id, SeatStatus.SEATED)
    if current is not None and current.session_id == workshop.id:
        raise SeatRefused("You already have a seat in this workshop.")
    waiting = _held(registration.id, slot.id, SeatStatus.WAITING)
    if waiting is not None and waiting.session_id == workshop.id:
        return waiting
    db.session.refresh(workshop, ["seats_taken"])
    if seats_left(workshop) != 0:
        raise SeatRefused("This workshop has a seat free: take it instead of waiting.")
    if waiting is not None:
        db.session.delete(waiting)
        db.session.flush()
    place = WorkshopSeat(
        convening_id=registration.convening_id,
        registration_id=registration.id,
        session_id=workshop.id,
        time_slot_id=slot.id,
        status=SeatStatus.WAITING,
        source=SeatSource.ATTENDEE,
        created_at=now,
    )
    db.session.add(place)
    db.session.flush()
    return place


def release_seat(
    seat: WorkshopSeat, *, now: datetime | None = None, notify: bool = True
) -> list[WorkshopSeat]:
    """Give up a seat or waiting place; a freed seat goes to the first people waiting for that workshop
    (who give up their other seat in the slot, which goes on down its own waiting list). Returns the
    promoted seats; promoted people are emailed when notify. Flushes, does not commit.

    A seat already gone (a second click, a parallel request) changes nothing.
    """
    now = now or utcnow()
    seat_id = seat.id
    _lock(seat.convening_id)
    current = db.session.execute(
        select(WorkshopSeat.status, WorkshopSeat.session_id).where(WorkshopSeat.id == seat_id)
    ).first()
    if current is None:
        if seat in db.session:
            db.session.expunge(seat)
        return []
    db.session.refresh(seat)
    freed = _drop(seat)
    return _promote(freed, now=now, notify=notify) if freed is not None else []


def release_all(
    registration: Registration, *, now: datetime | None = None, notify: bool = True
) -> list[WorkshopSeat]:
    """Give up every seat and waiting place of a registration (it was cancelled); returns who was promoted."""
    now = now or utcnow()
    _lock(registration.convening_id)
    freed: list[int] = []
    for seat in db.session.scalars(
        select(WorkshopSeat).where(WorkshopSeat.registration_id == registration.id).order_by(WorkshopSeat.id)
    ).all():
        workshop_id = _drop(seat)
        if workshop_id is not None:
            freed.append(workshop_id)
    promoted: list[WorkshopSeat] = []
    for workshop_id in freed:
        promoted += _promote(workshop_id, now=now, notify=notify)
    return promoted


def _first_waiting(workshop_id: int) -> WorkshopSeat | None:
    return db.session.scalars(
        select(WorkshopSeat)
        .join(Registration, Registration.id == WorkshopSeat.registration_id)
        .where(
            WorkshopSeat.session_id == workshop_id,
            WorkshopSeat.status == SeatStatus.WAITING,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(WorkshopSeat.created_at, WorkshopSeat.id)
        .limit(1)
    ).first()


def _promote(workshop_id: int, *, now: datetime, notify: bool) -> list[WorkshopSeat]:
    """Seat the first waiting people of the workshop while seats are free; each gives up their other seat
    in the slot, which is offered in turn to its workshop's waiting list (a queue, not recursion)."""
    promoted: list[WorkshopSeat] = []
    pending = deque([workshop_id])
    while pending:
        current_id = pending.popleft()
        while (candidate := _first_waiting(current_id)) is not None and move_seats(current_id, 1):
            other = _held(candidate.registration_id, candidate.time_slot_id, SeatStatus.SEATED)
            given_up = db.session.get(ProgramSession, other.session_id) if other is not None else None
            freed = _drop(other) if other is not None else None
            candidate.status = SeatStatus.SEATED
            candidate.source = SeatSource.WAITING_LIST
            candidate.locked = False
            db.session.flush()
            promoted.append(candidate)
            _record_promotion(candidate, given_up, now)
            if notify:
                _notify_promoted(candidate, given_up)
            if freed is not None:
                pending.append(freed)
    for seat in promoted:
        _expire_counters(db.session.get(ProgramSession, seat.session_id))
    return promoted


def _record_promotion(seat: WorkshopSeat, given_up: ProgramSession | None, now: datetime) -> None:
    workshop = db.session.get(ProgramSession, seat.session_id)
    title = workshop.title if workshop is not None else "a workshop"
    summary = f"Given a freed seat in {title}" + (f" (gave up {given_up.title})" if given_up else "")
    record(
        WAITING_LIST,
        "workshop.promote",
        "registration",
        seat.registration_id,
        summary,
        convening_id=seat.convening_id,
        at=now,
    )


def _notify_promoted(seat: WorkshopSeat, given_up: ProgramSession | None) -> None:
    registration = db.session.get(Registration, seat.registration_id)
    workshop = db.session.get(ProgramSession, seat.session_id)
    if registration is None or workshop is None:
        return
    send_workshop_email(registration, workshop, "promoted", given_up=given_up)


def send_workshop_email(
    registration: Registration, workshop: ProgramSession, template: str, **extra: object
) -> None:
    """Queue mail/scheduling/<template> about this workshop, with its time and room (the caller commits)."""
    convening = registration.convening
    queue_email(
        to=registration.email,
        template=f"scheduling/{template}",
        kind=f"workshop_{template}",
        convening_id=convening.id,
        registration_id=registration.id,
        context={
            "registration": registration,
            "convening": convening,
            "workshop": workshop,
            "slot": workshop.time_slot,
            "room": workshop.room,
            "manage_url": external_url(
                "registration.manage", slug=convening.slug, secret=registration.manage_secret
            ),
            "workshops_url": external_url(
                "workshops.index", slug=convening.slug, secret=registration.manage_secret
            ),
            **extra,
        },
    )


def seats_of(registration: Registration) -> list[WorkshopSeat]:
    """The person's seats and waiting places, in the order of their slots."""
    return list(
        db.session.scalars(
            select(WorkshopSeat)
            .join(TimeSlot, TimeSlot.id == WorkshopSeat.time_slot_id)
            .where(WorkshopSeat.registration_id == registration.id)
            .order_by(TimeSlot.starts_at, WorkshopSeat.status, WorkshopSeat.id)
        )
    )


def roster(workshop: ProgramSession) -> tuple[list[WorkshopSeat], list[WorkshopSeat]]:
    """Who sits in the workshop (in the order they got their seats) and who waits (in the list's order)."""
    rows = db.session.scalars(
        select(WorkshopSeat)
        .where(WorkshopSeat.session_id == workshop.id)
        .order_by(WorkshopSeat.created_at, WorkshopSeat.id)
    ).all()
    return (
        [seat for seat in rows if seat.status == SeatStatus.SEATED],
        [seat for seat in rows if seat.status == SeatStatus.WAITING],
    )


def waiting_position(seat: WorkshopSeat) -> int:
    """1 for the next person to be offered a seat in the seat's workshop."""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(WorkshopSeat)
        .where(
            WorkshopSeat.session_id == seat.session_id,
            WorkshopSeat.status == SeatStatus.WAITING,
            or_(
                WorkshopSeat.created_at < seat.created_at,
                and_(WorkshopSeat.created_at == seat.created_at, WorkshopSeat.id < seat.id),
            ),
        )
    )
    return (ahead or 0) + 1
