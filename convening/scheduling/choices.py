"""What attendees do about breakouts from their private link: take or leave a seat, wait for a full workshop,
rank their top three in a ranked slot before its deadline, and star the workshops they would like.

Each flow checks everything first and writes whole or not at all (Refused names the field of each problem);
seats move only through convening.scheduling.seats, so capacity stays the database's job.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from convening.audit.services import ATTENDEE, record
from convening.extensions import db
from convening.formatting import local_datetime
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SessionSpeaker, SlotKind, TimeSlot
from convening.registration.models import Registration, RegistrationStatus
from convening.registration.services import lock_convening
from convening.scheduling import seats
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatSource, SeatStatus, WorkshopChoice, WorkshopInterest, WorkshopSeat
from convening.sqltypes import utcnow

RANKS = ("first", "second", "third")
RANK_LABELS = {"first": "first choice", "second": "second choice", "third": "third choice"}
NOT_CONFIRMED = {
    RegistrationStatus.PENDING_PAYMENT: "Workshops open to you once your payment is complete.",
    RegistrationStatus.WAITLISTED: "Workshops open to you once you have a seat at the convening: "
    "you are on its waiting list.",
    RegistrationStatus.CANCELLED: "This registration is cancelled, so it cannot sign up for workshops.",
}


def why_not(registration: Registration) -> str | None:
    """Why this person cannot sign up for workshops, in words for them; None when they can."""
    return NOT_CONFIRMED.get(registration.status)


def _require_confirmed(registration: Registration) -> None:
    reason = why_not(registration)
    if reason:
        raise Refused({"": reason})


def workshops_of(slot: TimeSlot) -> dict[int, ProgramSession]:
    """The slot's breakout workshops by id, without what pages show of them: for checking a ranking."""
    return {workshop.id: workshop for workshop in seats.breakout_workshops([slot.id])}


def _workshops_in(slot_ids: list[int], *, speakers: bool) -> list[ProgramSession]:
    """The breakout workshops of these slots by title, with their track and room (and speakers, for the
    pages that name them) loaded."""
    loaded = [joinedload(ProgramSession.track), joinedload(ProgramSession.room)]
    if speakers:
        loaded.append(selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker))
    return seats.breakout_workshops(slot_ids, *loaded)


def assigned_slots(slot_ids: Collection[int]) -> set[int]:
    """Those of the slots whose assignment is published: their seats still free go first come."""
    if not slot_ids:
        return set()
    return set(
        db.session.scalars(
            select(WorkshopSeat.time_slot_id)
            .where(WorkshopSeat.time_slot_id.in_(slot_ids), WorkshopSeat.source == SeatSource.ASSIGNMENT)
            .distinct()
        )
    )


def assigned(slot: TimeSlot) -> bool:
    """The assignment of this ranked slot is published: its seats still free go first come, first served."""
    return bool(assigned_slots([slot.id]))


def _deadline_passed(slot: TimeSlot, now: datetime) -> bool:
    return slot.choices_close_at is not None and now >= slot.choices_close_at


def choices_closed(slot: TimeSlot, now: datetime) -> bool:
    """Ranking is over: the deadline passed, or staff published the assignment for the slot."""
    return _deadline_passed(slot, now) or assigned(slot)


# --- ranked choices -----------------------------------------------------------------------------------


def ranked_choices(registration: Registration, slot: TimeSlot) -> list[int | None]:
    """The person's choices in the slot as three workshop ids (None where there is none), first first."""
    chosen = dict(
        db.session.execute(
            select(WorkshopChoice.rank, WorkshopChoice.session_id).where(
                WorkshopChoice.registration_id == registration.id, WorkshopChoice.time_slot_id == slot.id
            )
        ).all()
    )
    return [chosen.get(rank) for rank in (1, 2, 3)]


def save_choices(
    registration: Registration,
    slot: TimeSlot,
    workshop_ids: Sequence[int | None],
    *,
    now: datetime | None = None,
) -> list[WorkshopChoice]:
    """Replace the person's ranked choices in the slot; empty places are skipped, so the order given is the
    ranking. Refused (by field: "first", "second", "third", or "" for the whole form) for a workshop not in
    this slot, a workshop chosen twice, more than three, a slot that is not ranked, after the deadline, or a
    registration that is not confirmed. Commits; nothing is written when refused.
    """
    now = now or utcnow()
    lock_convening(registration.convening_id)
    try:
        saved = _write_choices(registration, slot, workshop_ids, now)
    except Refused:
        db.session.rollback()
        raise
    db.session.commit()
    return saved


def _write_choices(
    registration: Registration, slot: TimeSlot, workshop_ids: Sequence[int | None], now: datetime
) -> list[WorkshopChoice]:
    """save_choices inside the caller's transaction, which holds the convening's lock."""
    allowed = _rankable(registration, slot, workshop_ids, now)
    seen = [workshop_id for workshop_id in workshop_ids if workshop_id is not None]
    db.session.execute(
        delete(WorkshopChoice).where(
            WorkshopChoice.registration_id == registration.id, WorkshopChoice.time_slot_id == slot.id
        )
    )
    saved = [
        WorkshopChoice(
            registration_id=registration.id,
            time_slot_id=slot.id,
            session_id=workshop_id,
            rank=rank,
            created_at=now,
        )
        for rank, workshop_id in enumerate(seen, start=1)
    ]
    db.session.add_all(saved)
    titles = ", ".join(
        f"{rank}. {allowed[workshop_id].title}" for rank, workshop_id in enumerate(seen, start=1)
    )
    _record(registration, "choices", f"Ranked choices for {_slot_name(slot)}: {titles or 'none'}", now)
    db.session.flush()
    return saved


def _rankable(
    registration: Registration, slot: TimeSlot, workshop_ids: Sequence[int | None], now: datetime
) -> dict[int, ProgramSession]:
    """The slot's workshops by id, when these choices may be saved; otherwise Refused with every problem."""
    _require_confirmed(registration)
    if slot.convening_id != registration.convening_id or slot.kind != SlotKind.BREAKOUT:
        raise Refused({"": "That is not a breakout slot of this convening: choose from the slots shown."})
    if slot.signup_mode != SignupMode.RANKED:
        raise Refused({"": "This slot is first come, first served: take a seat in a workshop instead."})
    if choices_closed(slot, now):
        raise Refused({"": _closed_message(slot, registration)})
    if len(workshop_ids) > len(RANKS):
        raise Refused({"": "Rank at most three workshops."})
    allowed = workshops_of(slot)
    problems = ranking_problems(allowed, workshop_ids)
    if problems:
        raise Refused(problems)
    return allowed


def ranking_problems(allowed: Collection[int], workshop_ids: Sequence[int | None]) -> dict[str, str]:
    """What is wrong with a ranking, by rank ("first", "second", "third"): a workshop not among those
    allowed, or one chosen twice."""
    problems: dict[str, str] = {}
    seen: dict[int, str] = {}
    for name, workshop_id in zip(RANKS, workshop_ids, strict=False):
        if workshop_id is None:
            continue
        if workshop_id not in allowed:
            problems[name] = "Choose one of the workshops of this time slot."
        elif workshop_id in seen:
            problems[name] = (
                f"You chose this workshop already as your {RANK_LABELS[seen[workshop_id]]}: choose another."
            )
        else:
            seen[workshop_id] = name
    return problems


def _slot_name(slot: TimeSlot) -> str:
    return slot.label or "a breakout slot"


def _closed_message(slot: TimeSlot, registration: Registration) -> str:
    if slot.choices_close_at is not None:
        closed = local_datetime(slot.choices_close_at, registration.convening.timezone)
        return f"Choices for this slot closed on {closed}. Your workshop will be emailed to you."
    return "Choices for this slot are closed: the workshops are assigned."


# --- first come, first served ----------------------------------------------------------------------------


def _first_come_workshop(
    registration: Registration, workshop_id: int | None, now: datetime
) -> ProgramSession:
    """The workshop asked for, if it is a first-come workshop of this convening that has not started."""
    workshop = db.session.get(ProgramSession, workshop_id) if workshop_id else None
    slot = workshop.time_slot if workshop is not None else None
    if (
        workshop is None
        or slot is None
        or workshop.convening_id != registration.convening_id
        or workshop.kind != SessionKind.BREAKOUT
        or slot.kind != SlotKind.BREAKOUT
    ):
        raise Refused(
            {"": "That workshop is not on this convening's breakout program: choose one from the list."}
        )
    if slot.signup_mode != SignupMode.FIRST_COME and not assigned(slot):
        raise Refused(
            {"": "Workshops in this slot are assigned from ranked choices: rank your top three instead."}
        )
    if now >= slot.starts_at:
        raise Refused({"": "This workshop has already started, so its seats can no longer change."})
    return workshop


def take_seat(
    registration: Registration, workshop_id: int | None, *, now: datetime | None = None
) -> WorkshopSeat | None:
    """Seat the person in a first-come workshop, moving them from their other one in the slot; None when it
    is full. Emails them the seat's time and room. Commits."""
    now = now or utcnow()
    _require_confirmed(registration)
    workshop = _first_come_workshop(registration, workshop_id, now)
    try:
        seat = seats.take_seat(registration, workshop, source=SeatSource.ATTENDEE, now=now)
    except seats.SeatRefused as error:
        db.session.rollback()
        raise Refused({"": str(error)}) from error
    if seat is None:
        db.session.rollback()
        return None
    _record(registration, "seat", f"Took a seat in {workshop.title}", now)
    seats.send_workshop_email(registration, workshop, "seat_confirmed")
    db.session.commit()
    return seat


def join_waiting_list(
    registration: Registration, workshop_id: int | None, *, now: datetime | None = None
) -> int:
    """Wait for a full first-come workshop; returns the person's place (1 is next). Commits."""
    now = now or utcnow()
    _require_confirmed(registration)
    workshop = _first_come_workshop(registration, workshop_id, now)
    try:
        place = seats.join_waiting_list(registration, workshop, now=now)
    except seats.SeatRefused as error:
        db.session.rollback()
        raise Refused({"": str(error)}) from error
    position = seats.waiting_position(place)
    _record(registration, "wait", f"Joined the waiting list of {workshop.title}", now)
    db.session.commit()
    return position


def leave(registration: Registration, workshop_id: int | None, *, now: datetime | None = None) -> bool:
    """Give up the person's seat or waiting place in a first-come workshop; False when they held neither.
    The freed seat goes to the first person waiting. Commits."""
    now = now or utcnow()
    workshop = _first_come_workshop(registration, workshop_id, now)
    held = db.session.scalars(
        select(WorkshopSeat).where(
            WorkshopSeat.registration_id == registration.id, WorkshopSeat.session_id == workshop.id
        )
    ).first()
    if held is None:
        return False
    what = "seat in" if held.status == SeatStatus.SEATED else "waiting place for"
    seats.release_seat(held, now=now)
    _record(registration, "leave", f"Gave up their {what} {workshop.title}", now)
    db.session.commit()
    return True


# --- stars ----------------------------------------------------------------------------------------------


def _star_workshop(registration: Registration, workshop_id: int | None) -> ProgramSession:
    workshop = db.session.get(ProgramSession, workshop_id) if workshop_id else None
    if (
        workshop is None
        or workshop.convening_id != registration.convening_id
        or workshop.kind != SessionKind.BREAKOUT
    ):
        raise Refused(
            {"": "That workshop is not on this convening's breakout program: choose one from the list."}
        )
    return workshop


def starred(registration: Registration) -> set[int]:
    """The workshops the person would like to attend."""
    return set(
        db.session.scalars(
            select(WorkshopInterest.session_id).where(WorkshopInterest.registration_id == registration.id)
        )
    )


def star(registration: Registration, workshop_id: int | None, *, now: datetime | None = None) -> None:
    """Mark a breakout workshop as one the person would like to attend; twice is the same as once. Commits."""
    _require_confirmed(registration)
    workshop = _star_workshop(registration, workshop_id)
    if workshop.id in starred(registration):
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                WorkshopInterest(
                    registration_id=registration.id, session_id=workshop.id, created_at=now or utcnow()
                )
            )
    except IntegrityError:  # the same star sent twice at once: one is enough
        pass
    db.session.commit()


def unstar(registration: Registration, workshop_id: int | None) -> None:
    """Take the star away; a workshop without one is left as it is. Commits."""
    workshop = _star_workshop(registration, workshop_id)
    db.session.execute(
        delete(WorkshopInterest).where(
            WorkshopInterest.registration_id == registration.id, WorkshopInterest.session_id == workshop.id
        )
    )
    db.session.commit()


def _record(registration: Registration, action: str, summary: str, now: datetime) -> None:
    record(
        ATTENDEE,
        f"workshop.{action}",
        "registration",
        registration.id,
        summary,
        convening_id=registration.convening_id,
        at=now,
    )


# --- what the attendee's pages show ------------------------------------------------------------------


@dataclass
class WorkshopLine:
    workshop: ProgramSession
    seats_left: int | None  # None: no limit
    starred: bool


@dataclass
class SlotLine:
    """One breakout slot as the person sees it: their seat, waiting place and choices in it."""

    slot: TimeSlot
    workshops: list[WorkshopLine]
    seat: WorkshopSeat | None = None
    waiting: WorkshopSeat | None = None
    waiting_position: int | None = None
    choices: list[int | None] = field(default_factory=lambda: [None, None, None])
    closed: bool = False
    assigned: bool = False  # a ranked slot whose assignment is published
    started: bool = False

    @property
    def ranked(self) -> bool:
        return self.slot.signup_mode == SignupMode.RANKED

    @property
    def first_come(self) -> bool:
        """Seats are taken one by one: a first-come slot, or a ranked one once its assignment is out."""
        return not self.ranked or self.assigned

    def workshop_of(self, workshop_id: int | None) -> ProgramSession | None:
        return next((line.workshop for line in self.workshops if line.workshop.id == workshop_id), None)

    def title_of(self, workshop_id: int | None) -> str:
        workshop = self.workshop_of(workshop_id)
        return workshop.title if workshop is not None else ""


def _lines(
    convening_id: int, now: datetime, stars: Collection[int] = (), *, speakers: bool = False
) -> list[SlotLine]:
    """Every breakout slot of the convening in time order with its workshops, nobody's part in it yet."""
    slots = seats.breakout_slots(convening_id)
    workshops = _workshops_in([slot.id for slot in slots], speakers=speakers)
    published = assigned_slots([slot.id for slot in slots if slot.signup_mode == SignupMode.RANKED])
    lines = []
    for slot in slots:
        line = SlotLine(
            slot,
            [
                WorkshopLine(workshop, seats.seats_left(workshop), workshop.id in stars)
                for workshop in workshops
                if workshop.time_slot_id == slot.id
            ],
            started=now >= slot.starts_at,
        )
        if line.ranked:
            line.assigned = slot.id in published
            line.closed = line.assigned or _deadline_passed(slot, now)
        lines.append(line)
    return lines


def slot_lines(
    registration: Registration, *, now: datetime | None = None, speakers: bool = False
) -> list[SlotLine]:
    """Every breakout slot of the convening in time order, with the person's part in each (and the
    workshops' speakers loaded when asked)."""
    now = now or utcnow()
    lines = _lines(registration.convening_id, now, starred(registration), speakers=speakers)
    held = seats.seats_of(registration)
    chosen = db.session.execute(
        select(WorkshopChoice.time_slot_id, WorkshopChoice.rank, WorkshopChoice.session_id).where(
            WorkshopChoice.registration_id == registration.id
        )
    ).all()
    for line in lines:
        for seat in held:
            if seat.time_slot_id == line.slot.id:
                if seat.status == SeatStatus.SEATED:
                    line.seat = seat
                else:
                    line.waiting = seat
                    line.waiting_position = seats.waiting_position(seat)
        for slot_id, rank, workshop_id in chosen:
            if slot_id == line.slot.id:
                line.choices[rank - 1] = workshop_id
    return lines


# --- picks on the registration form ---------------------------------------------------------------------


def open_at_registration(convening_id: int, *, now: datetime | None = None) -> list[SlotLine]:
    """The breakout slots someone registering now can pick in, each with at least one workshop: first-come
    ones (ranked ones whose assignment is out included) not yet started, ranked ones still taking choices."""
    return [
        line
        for line in _lines(convening_id, now or utcnow())
        if line.workshops and not line.started and (line.first_come or not line.closed)
    ]


@dataclass
class Picks:
    """What the registration form asked for, by slot id: one workshop in a first-come slot, a ranking of up
    to three in a ranked one (None where nothing was picked)."""

    workshops: dict[int, int | None] = field(default_factory=dict)
    rankings: dict[int, list[int | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.workshops.values()) or any(any(ranking) for ranking in self.rankings.values())


def workshop_field(slot_id: int) -> str:
    """The registration form's field for the workshop picked in a first-come slot."""
    return f"workshop_{slot_id}"


def rank_field(slot_id: int, rank: str) -> str:
    """The registration form's field for one rank ("first", "second", "third") in a ranked slot."""
    return f"slot_{slot_id}_{rank}"


def pick_problems(lines: Sequence[SlotLine], picks: Picks) -> dict[str, str]:
    """What is wrong with the picks against the slots the form offered, by form field: a workshop of
    another slot (or none at all) and a workshop ranked twice. Checked before anything is written."""
    problems: dict[str, str] = {}
    for line in lines:
        offered = {item.workshop.id for item in line.workshops}
        if not line.first_come:
            ranking = picks.rankings.get(line.slot.id, [])
            for rank, message in ranking_problems(offered, ranking).items():
                problems[rank_field(line.slot.id, rank)] = message
        elif picks.workshops.get(line.slot.id) not in {None, *offered}:
            problems[workshop_field(line.slot.id)] = "Choose one of the workshops of this time slot."
    return problems


def sign_up_at_registration(
    registration: Registration, picks: Picks, *, now: datetime
) -> dict[str, list[SlotLine]] | None:
    """Apply the registration form's picks inside the registering transaction (which holds the convening's
    lock), before the confirmation email is written; returns that email's breakout lines (as `breakouts`),
    worked out once for its two parts. A first-come workshop that filled up since the form was shown puts
    the person on its waiting list. A registration that is not confirmed (a paid ticket, the convening's
    waiting list) keeps no picks: why_not says why. Refused, by form field, when a pick is no longer
    allowed; the caller then rolls the whole registration back.
    """
    if why_not(registration) is not None:
        return None
    for slot_id, workshop_id in picks.workshops.items():
        if workshop_id is None:
            continue
        try:
            workshop = _first_come_workshop(registration, workshop_id, now)
            seat = seats.take_seat(registration, workshop, source=SeatSource.ATTENDEE, now=now)
            if seat is None:
                seats.join_waiting_list(registration, workshop, now=now)
        except seats.SeatRefused as error:
            raise Refused({workshop_field(slot_id): str(error)}) from error
        except Refused as error:
            raise Refused({workshop_field(slot_id): " ".join(error.problems.values())}) from error
        if seat is None:
            _record(registration, "wait", f"Joined the waiting list of {workshop.title}", now)
        else:
            _record(registration, "seat", f"Took a seat in {workshop.title}", now)
    for slot_id, ranking in picks.rankings.items():
        if not any(ranking):
            continue
        slot = db.session.get(TimeSlot, slot_id)
        if slot is None:
            raise Refused({rank_field(slot_id, RANKS[0]): "That breakout slot is no longer on the program."})
        try:
            _write_choices(registration, slot, ranking, now)
        except Refused as error:
            raise Refused(_by_rank_field(slot_id, error.problems)) from error
    return {"breakouts": slot_lines(registration, now=now)}


def _by_rank_field(slot_id: int, problems: Mapping[str, str]) -> dict[str, str]:
    """A ranked slot's problems keyed by the registration form's fields; one about the whole slot goes
    beside its first choice."""
    return {rank_field(slot_id, rank or RANKS[0]): message for rank, message in problems.items()}
