"""Registering, editing, cancelling and the waiting list.

Seats are claimed with conditional UPDATEs on the convening and the ticket type (`seats_taken < capacity`),
and CHECK constraints make an overbooked row impossible to store. Every flow that moves a seat first locks
the convening row, so those flows run one at a time per convening, read what the previous one committed,
and always take locks in the same order.
"""

from __future__ import annotations

import enum
import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from convening.audit.services import ATTENDEE, WAITING_LIST, Actor, diff, record, snapshot
from convening.badges.models import BadgeRole
from convening.badges.qr import badge_qr_png
from convening.badges.tokens import new_token
from convening.convenings.models import Convening
from convening.extensions import db
from convening.formatting import money
from convening.mail.services import queue_email
from convening.registration.models import (
    DietaryNeed,
    Registration,
    RegistrationStatus,
    StaffNote,
    TicketType,
)
from convening.scheduling import seats
from convening.sqltypes import utcnow
from convening.text import search_key
from convening.urls import MAX_ROW_ID, external_url


class DuplicateRegistration(Exception):
    """Someone with this email already holds an active registration for the convening."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class RegistrationClosed(Exception):
    """Registration (or sales of the chosen ticket) is not open at this moment."""


@dataclass
class AttendeeDetails:
    """What an attendee tells us about themselves; the same for the public form, edits and imports."""

    first_name: str
    email: str
    family_name: str = ""
    badge_name: str = ""
    pronouns: str = ""
    title: str = ""
    organization: str = ""
    city: str = ""
    state: str = ""
    phone: str = ""
    dietary: DietaryNeed = DietaryNeed.NONE
    dietary_notes: str = ""
    accessibility_needs: str = ""
    listed_in_directory: bool = False
    photo_consent: bool = False

    def __post_init__(self) -> None:
        # Whoever calls (form, import, script), the one-registration-per-email rule cannot be dodged by case.
        self.email = self.email.strip().lower()

    @classmethod
    def of(cls, registration: Registration) -> AttendeeDetails:
        return cls(**{field.name: getattr(registration, field.name) for field in fields(cls)})

    def apply_to(self, registration: Registration) -> None:
        for field in fields(self):
            setattr(registration, field.name, getattr(self, field.name))
        registration.badge_name = self.badge_name or f"{self.first_name} {self.family_name}".strip()
        registration.search_text = search_key(
            self.first_name, self.family_name, registration.badge_name, self.email, self.organization
        )[:700]


@dataclass
class StaffDetails(AttendeeDetails):
    """The details staff may also set: the badge's role, over the ticket type's and the program's."""

    badge_role: BadgeRole | None = None  # None: from the ticket type or the program


class Window(enum.StrEnum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


def window(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> Window:
    if opens_at is not None and now < opens_at:
        return Window.NOT_YET
    if closes_at is not None and now >= closes_at:
        return Window.CLOSED
    return Window.OPEN


def registration_window(convening: Convening, now: datetime) -> Window:
    return window(convening.registration_opens_at, convening.registration_closes_at, now)


def ticket_window(ticket_type: TicketType, now: datetime) -> Window:
    return window(ticket_type.sales_start_at, ticket_type.sales_end_at, now)


def code_matches(ticket_type: TicketType, code: str) -> bool:
    """Access codes compare without regard to case or surrounding spaces, in constant time."""
    if not ticket_type.access_code:
        return True
    given = code.strip().casefold().encode()
    return hmac.compare_digest(given, ticket_type.access_code.strip().casefold().encode())


def offered_ticket_types(convening: Convening, access_code: str, now: datetime) -> list[TicketType]:
    """Ticket types on sale now that this visitor may see: public ones, plus those the code unlocks."""
    return [
        ticket_type
        for ticket_type in convening.ticket_types
        if ticket_window(ticket_type, now) == Window.OPEN
        and (not ticket_type.is_hidden or (access_code and code_matches(ticket_type, access_code)))
    ]


def code_unlocks_anything(convening: Convening, access_code: str) -> bool:
    return any(t.is_hidden and code_matches(t, access_code) for t in convening.ticket_types)


def active_registration_for(convening_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.convening_id == convening_id,
            Registration.email == email,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def registration_by_secret(convening: Convening, secret: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.convening_id == convening.id, Registration.manage_secret == secret
        )
    )


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the next person to be offered a seat of this ticket type."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.ticket_type_id == registration.ticket_type_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(
                Registration.created_at < registration.created_at,
                (Registration.created_at == registration.created_at) & (Registration.id < registration.id),
            ),
        )
    )
    return (ahead or 0) + 1


@dataclass
class Availability:
    """What the form tells someone about a ticket before they fill it in."""

    seats_left: int | None  # None: no limit
    waiting_list: bool  # a registration now joins the waiting list


def availability(ticket_type: TicketType) -> Availability:
    limits = [left for left in (ticket_type.seats_left, ticket_type.convening.seats_left) if left is not None]
    seats_left = min(limits) if limits else None
    return Availability(seats_left, seats_left == 0 or _someone_waiting_for(ticket_type))


@dataclass
class RegistrationFilter:
    """What staff narrow the list to; the same filter drives the list page and the CSV export."""

    text: str = ""  # matched against names, email and organization, ignoring case and accents
    status: RegistrationStatus | None = None
    ticket_type_id: int | None = None


def filtered_registrations(convening_id: int, wanted: RegistrationFilter) -> Select[tuple[Registration]]:
    """A query for the registrations that match, unordered; callers add order, limits and loading."""
    query = select(Registration).where(Registration.convening_id == convening_id)
    for word in search_key(wanted.text).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Registration.search_text.like(f"%{escaped}%", escape="\\"))
    if wanted.status is not None:
        query = query.where(Registration.status == wanted.status)
    if wanted.ticket_type_id is not None:
        query = query.where(Registration.ticket_type_id == wanted.ticket_type_id)
    return query


# --- seats ----------------------------------------------------------------------------------------


def lock_convening(convening_id: int) -> None:
    """Take the convening's write lock until commit: a row lock on PostgreSQL, the database lock on SQLite.

    A no-op UPDATE does both, where SELECT ... FOR UPDATE would not lock anything on SQLite.
    """
    db.session.execute(
        update(Convening).where(Convening.id == convening_id).values(seats_taken=Convening.seats_taken),
        execution_options={"synchronize_session": False},
    )


def _move_seats(model: type[Convening] | type[TicketType], row_id: int, delta: int) -> bool:
    statement = update(model).where(model.id == row_id)
    if delta > 0:
        statement = statement.where(
            or_(model.capacity.is_(None), model.seats_taken + delta <= model.capacity)
        )
    else:
        statement = statement.where(model.seats_taken + delta >= 0)
    result = db.session.execute(
        statement.values(seats_taken=model.seats_taken + delta),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def _claim_seat(ticket_type: TicketType) -> bool:
    """Take one seat of the convening and one of the ticket type, or neither."""
    if not _move_seats(Convening, ticket_type.convening_id, +1):
        return False
    if not _move_seats(TicketType, ticket_type.id, +1):
        _move_seats(Convening, ticket_type.convening_id, -1)
        return False
    return True


def _release_seat(ticket_type: TicketType) -> None:
    _move_seats(Convening, ticket_type.convening_id, -1)
    _move_seats(TicketType, ticket_type.id, -1)


def _seated_status(ticket_type: TicketType) -> RegistrationStatus:
    return RegistrationStatus.CONFIRMED if ticket_type.is_free else RegistrationStatus.PENDING_PAYMENT


def _someone_waiting_for(ticket_type: TicketType) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Registration.ticket_type_id == ticket_type.id,
                    Registration.status == RegistrationStatus.WAITLISTED,
                )
            )
        )
    )


# --- flows ----------------------------------------------------------------------------------------


def register(
    convening: Convening,
    ticket_type: TicketType,
    details: AttendeeDetails,
    *,
    now: datetime | None = None,
    notify: bool = True,
    actor: Actor = ATTENDEE,
    then: Callable[[Registration], Mapping[str, object] | None] | None = None,
) -> Registration:
    """Seat the attendee if a seat is free, otherwise put them on the waiting list; commits.

    `then` runs in the same transaction before the person is emailed (the registration form's workshop
    picks): what it returns is added to the email's context, and anything it raises undoes the
    registration too. Refused outside the registration window and the ticket's sales window (staff imports
    are not).
    """
    now = now or utcnow()
    if registration_window(convening, now) != Window.OPEN or ticket_window(ticket_type, now) != Window.OPEN:
        raise RegistrationClosed
    lock_convening(convening.id)
    try:
        registration = add_registration(convening, ticket_type, details, now=now, notify=False, actor=actor)
        extra = (then(registration) if then is not None else None) or {}
    except Exception:
        db.session.rollback()
        raise
    if notify:
        _notify(registration, registration.status.value, **extra)
    db.session.commit()
    return registration


def add_registration(
    convening: Convening,
    ticket_type: TicketType,
    details: AttendeeDetails,
    *,
    now: datetime,
    notify: bool,
    actor: Actor,
) -> Registration:
    """One registration in the caller's transaction, which holds lock_convening; see add_registrations."""
    return add_registrations(convening, [(ticket_type, details)], now=now, notify=notify, actor=actor)[0]


def add_registrations(
    convening: Convening,
    people: Sequence[tuple[TicketType, AttendeeDetails]],
    *,
    now: datetime,
    notify: bool,
    actor: Actor,
    progress: Callable[[int], None] | None = None,
) -> list[Registration]:
    """The heart of registering, for one person or a whole import, inside the caller's transaction.

    The caller holds lock_convening and commits (or rolls back) once. People are seated in the order given
    while seats last; nobody jumps the waiting list: once someone waits for a ticket type, later people wait
    too. Seats are claimed with one conditional UPDATE per ticket type and one for the convening, so the
    database still refuses to overbook. Raises DuplicateRegistration for an email that already has an
    active registration (or appears twice); the caller rolls back.
    """
    emails = [details.email for _, details in people]
    repeated = next((email for email, count in Counter(emails).items() if count > 1), None)
    if repeated is not None:
        raise DuplicateRegistration(repeated)
    taken = _active_emails(convening.id, emails)
    if taken:
        raise DuplicateRegistration(taken[0])

    statuses = _seat_in_order(convening, [ticket_type for ticket_type, _ in people])
    registrations = []
    for (ticket_type, details), status in zip(people, statuses, strict=True):
        if ticket_type.convening_id != convening.id:
            raise ValueError("ticket type of another convening")
        token = new_token()
        registration = Registration(
            convening=convening,
            ticket_type=ticket_type,
            status=status,
            price_cents=ticket_type.price_cents,
            currency=ticket_type.currency,
            manage_secret=secrets.token_urlsafe(32),
            badge_token=token,
            badge_qr=badge_qr_png(token),
            created_at=now,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
        )
        details.apply_to(registration)
        registrations.append(registration)
    db.session.add_all(registrations)
    try:
        db.session.flush()
    except IntegrityError as error:
        if not _email_conflict(error):
            raise
        # An address registered by a request that committed after our check.
        raise DuplicateRegistration(emails[0] if len(emails) == 1 else "") from None
    for done, registration in enumerate(registrations, start=1):
        _record(
            registration,
            actor,
            "create",
            f"Registered: {registration.status.label.lower()}, {registration.ticket_type.name}",
            at=now,
        )
        if notify:
            _notify(registration, registration.status.value)
        if progress is not None:
            progress(done)
    return registrations


def _email_conflict(error: IntegrityError) -> bool:
    """Whether the database refused a second active registration for an email, not something else."""
    text = str(error.orig)
    return (
        "uq_registrations_active_email" in text or "registrations.convening_id, registrations.email" in text
    )


def _active_emails(convening_id: int, emails: list[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(emails), 500):
        found += db.session.scalars(
            select(Registration.email).where(
                Registration.convening_id == convening_id,
                Registration.email.in_(emails[start : start + 500]),
                Registration.status != RegistrationStatus.CANCELLED,
            )
        ).all()
    return found


def seating_plan(
    ticket_type_ids: Sequence[int],
    *,
    convening_room: int | None,
    ticket_room: dict[int, int | None],
    waiting: set[int],
) -> list[bool]:
    """Who of these people, in order, gets a seat (True) and who waits: the rules in one pure place.

    Rooms are seats left (None: no limit); `waiting` holds ticket types someone already waits for.
    Once anyone waits for a ticket type, everyone after them for it waits too.
    """
    rooms, waiting, plan = dict(ticket_room), set(waiting), []
    for ticket_type_id in ticket_type_ids:
        room = rooms[ticket_type_id]
        full = (convening_room is not None and convening_room <= 0) or (room is not None and room <= 0)
        if ticket_type_id in waiting or full:
            waiting.add(ticket_type_id)
            plan.append(False)
            continue
        plan.append(True)
        convening_room = None if convening_room is None else convening_room - 1
        rooms[ticket_type_id] = None if room is None else room - 1
    return plan


def _seat_in_order(convening: Convening, ticket_types: list[TicketType]) -> list[RegistrationStatus]:
    """Plan the seats from the counters as they stand under the lock, then claim them with one conditional
    UPDATE per row that moves, so the database still refuses anything beyond capacity."""
    distinct = list({ticket_type.id: ticket_type for ticket_type in ticket_types}.values())
    counters = db.session.execute(
        select(Convening.capacity, Convening.seats_taken).where(Convening.id == convening.id)
    ).one()
    ticket_counters = {
        row.id: row
        for row in db.session.execute(
            select(TicketType.id, TicketType.capacity, TicketType.seats_taken).where(
                TicketType.id.in_([ticket_type.id for ticket_type in distinct])
            )
        )
    }
    plan = seating_plan(
        [ticket_type.id for ticket_type in ticket_types],
        convening_room=None if counters.capacity is None else counters.capacity - counters.seats_taken,
        ticket_room={
            id_: None if row.capacity is None else row.capacity - row.seats_taken
            for id_, row in ticket_counters.items()
        },
        waiting={ticket_type.id for ticket_type in distinct if _someone_waiting_for(ticket_type)},
    )
    claimed = Counter(
        ticket_type.id for ticket_type, seated in zip(ticket_types, plan, strict=True) if seated
    )
    if claimed:
        moved = _move_seats(Convening, convening.id, claimed.total()) and all(
            _move_seats(TicketType, ticket_type_id, count) for ticket_type_id, count in claimed.items()
        )
        if not moved:  # only possible when a caller forgot lock_convening
            raise RuntimeError("seat counters moved while seating; hold lock_convening")
    return [
        _seated_status(ticket_type) if seated else RegistrationStatus.WAITLISTED
        for ticket_type, seated in zip(ticket_types, plan, strict=True)
    ]


def update_details(
    registration: Registration, details: AttendeeDetails, *, actor: Actor = ATTENDEE
) -> Registration:
    """Save changed details (StaffDetails: the badge role too); the token and the seat stay. Commits."""
    old_email = registration.email
    names = tuple(field.name for field in fields(details))
    before = snapshot(registration, names)
    details.apply_to(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DuplicateRegistration(details.email) from None
    changes = diff(before, snapshot(registration, names))
    if changes:
        _record(
            registration, actor, "update", "Changed " + ", ".join(_label(name) for name in changes), changes
        )
    if registration.email != old_email:
        # Tell the old address, so a leaked link cannot quietly take a registration over.
        _notify(registration, "email_changed", to=old_email, with_qr=False, old_email=old_email)
    db.session.commit()
    return registration


def cancel(
    registration: Registration, *, now: datetime | None = None, notify: bool = True, actor: Actor = ATTENDEE
) -> list[Registration]:
    """Cancel, free the seat and offer it to the waiting list; returns who was promoted. Commits."""
    now = now or utcnow()
    lock_convening(registration.convening_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        db.session.rollback()
        return []
    held_seat = registration.status.holds_seat
    _record(registration, actor, "cancel", f"Cancelled (was {registration.status.label.lower()})", at=now)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    if held_seat:
        _release_seat(registration.ticket_type)
    seats.release_all(registration, now=now, notify=notify)
    if notify:
        _notify(registration, "cancelled")
    promoted = _promote(registration.convening, now=now, notify=notify) if held_seat else []
    db.session.commit()
    return promoted


def promote_from_waiting_list(convening: Convening, *, now: datetime | None = None) -> list[Registration]:
    """Fill every seat that is free with the longest-waiting people; for capacity raised by staff. Commits."""
    lock_convening(convening.id)
    promoted = _promote(convening, now=now or utcnow(), notify=True)
    db.session.commit()
    return promoted


def _promote(convening: Convening, *, now: datetime, notify: bool) -> list[Registration]:
    """Seat the longest-waiting person whose ticket type has room, again, until no seat is left.

    One short query per promotion, so a long waiting list costs nothing when a single seat frees.
    """
    promoted: list[Registration] = []
    while True:
        candidate = db.session.scalars(
            select(Registration)
            .join(Registration.ticket_type)
            .where(
                Registration.convening_id == convening.id,
                Registration.status == RegistrationStatus.WAITLISTED,
                or_(TicketType.capacity.is_(None), TicketType.seats_taken < TicketType.capacity),
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(1)
        ).first()
        if candidate is None or not _claim_seat(candidate.ticket_type):
            return promoted
        candidate.status = _seated_status(candidate.ticket_type)
        candidate.confirmed_at = now if candidate.status == RegistrationStatus.CONFIRMED else None
        summary = f"Given a freed seat: {candidate.status.label.lower()}"
        _record(candidate, WAITING_LIST, "promote", summary, at=now)
        promoted.append(candidate)
        if notify:
            _notify(candidate, "promoted")


def send_manage_link(convening: Convening, email: str) -> bool:
    """Email the manage link to an active registration of this address; False when there is none. Commits."""
    registration = active_registration_for(convening.id, email)
    if registration is None:
        return False
    _notify(registration, "manage_link")
    db.session.commit()
    return True


def _label(name: str) -> str:
    return name.replace("_", " ")


def _record(
    registration: Registration,
    actor: Actor,
    action: str,
    summary: str,
    changes: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    record(
        actor,
        f"registration.{action}",
        "registration",
        registration.id,
        summary,
        convening_id=registration.convening_id,
        changes=changes,
        at=at,
    )


def _notify(
    registration: Registration,
    template: str,
    *,
    to: str | None = None,
    with_qr: bool = True,
    **extra: object,
) -> None:
    """Queue the email named by template; the QR code goes only to a confirmed attendee's own address."""
    convening = registration.convening
    with_qr = with_qr and registration.status == RegistrationStatus.CONFIRMED
    queue_email(
        to=to or registration.email,
        template=f"registration/{template}",
        kind=template,
        convening_id=convening.id,
        registration_id=registration.id,
        qr_token=registration.badge_token if with_qr else None,
        context={
            "registration": registration,
            "convening": convening,
            "manage_url": external_url(
                "registration.manage", slug=convening.slug, secret=registration.manage_secret
            ),
            "waiting_position": waiting_list_position(registration),
            **extra,
        },
    )


# --- staff work in the console --------------------------------------------------------------------


class ActionRefused(Exception):
    """A staff action that cannot be done as things stand; the message says why and what to do next."""


SORTS = ("registered", "name", "status", "ticket")
_STATUS_ORDER = case(
    {
        RegistrationStatus.CONFIRMED: 0,
        RegistrationStatus.PENDING_PAYMENT: 1,
        RegistrationStatus.WAITLISTED: 2,
        RegistrationStatus.CANCELLED: 3,
    },
    value=Registration.status,
)


def _sort_keys(sort: str) -> tuple[ColumnElement[Any], ...]:
    """The columns a sort orders by; "name" is the name as shown, without accents or case (search_text)."""
    return {
        "registered": (Registration.created_at,),
        "name": (Registration.search_text,),
        "status": (_STATUS_ORDER,),
        "ticket": (TicketType.position, TicketType.name),
    }[sort]


@dataclass
class RegistrationPage:
    """One page of the staff list, with what the pager and "Showing 51–100 of 4,873" need."""

    registrations: list[Registration]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def registration_page(
    convening_id: int,
    wanted: RegistrationFilter,
    *,
    sort: str = "registered",
    descending: bool = True,
    page: int = 1,
    per_page: int = 50,
) -> RegistrationPage:
    """Two queries whatever the size: the count, then one page with each ticket type joined in.

    Ties break by registration time (oldest first, so waiting people read in the list's order), then id,
    so pages never repeat or skip anyone. A page past the end shows the last one: a link saved before
    some cancellations still shows people.
    """
    query = filtered_registrations(convening_id, wanted)
    total = db.session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True)) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    keys = [key.desc() if descending else key.asc() for key in _sort_keys(sort)]
    if sort == "registered":
        ties = [Registration.id.desc() if descending else Registration.id.asc()]
    else:
        ties = [Registration.created_at.asc(), Registration.id.asc()]
    registrations = db.session.scalars(
        query.join(Registration.ticket_type)
        .options(contains_eager(Registration.ticket_type))
        .order_by(*keys, *ties)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return RegistrationPage(list(registrations), total, page, per_page)


def registration_in(convening_id: int, registration_id: int) -> Registration | None:
    """The registration with this id if it belongs to the convening; ids beyond any stored are None."""
    if not 0 < registration_id <= MAX_ROW_ID:
        return None
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.convening_id == convening_id else None


def staff_notes(registration_id: int) -> list[StaffNote]:
    """Notes on a registration, newest first."""
    return list(
        db.session.scalars(
            select(StaffNote)
            .where(StaffNote.registration_id == registration_id)
            .order_by(StaffNote.created_at.desc(), StaffNote.id.desc())
        )
    )


def add_note(registration: Registration, body: str, *, actor: Actor) -> StaffNote:
    """Keep a staff note; notes are never edited, so a correction is a new note. Commits."""
    note = StaffNote(
        registration_id=registration.id,
        author_id=actor.staff_id,
        author_label=actor.label[:300],
        body=body,
        created_at=utcnow(),
    )
    db.session.add(note)
    _record(registration, actor, "note", "Added a staff note")
    db.session.commit()
    return note


def confirm_from_waiting_list(
    registration: Registration, *, actor: Actor, now: datetime | None = None
) -> Registration:
    """Give a waiting person a seat now, ahead of the list's order but never past capacity. Commits.

    Staff do this on purpose (a speaker's guest, a board member), so the audit entry says the order was
    bypassed and by whom. A paid ticket's seat is held for payment, as a promotion would hold it.
    """
    now = now or utcnow()
    lock_convening(registration.convening_id)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        status = registration.status.label.lower()
        db.session.rollback()
        raise ActionRefused(f"This registration is no longer on the waiting list: it is {status}.")
    position = waiting_list_position(registration)
    ticket_type = registration.ticket_type
    if not _claim_seat(ticket_type):
        message = _no_seat_message(ticket_type)
        db.session.rollback()
        raise ActionRefused(message)
    registration.status = _seated_status(ticket_type)
    registration.confirmed_at = now if registration.status == RegistrationStatus.CONFIRMED else None
    _record(
        registration,
        actor,
        "confirm",
        f"Confirmed from the waiting list by staff, bypassing its order (was number {position}): "
        f"{registration.status.label.lower()}",
        {"status": [RegistrationStatus.WAITLISTED.label, registration.status.label]},
    )
    _notify(registration, "promoted")
    db.session.commit()
    return registration


def _no_seat_message(ticket_type: TicketType) -> str:
    """Which limit is reached, with its figures, read inside the locked transaction."""
    db.session.refresh(ticket_type)
    convening = ticket_type.convening
    db.session.refresh(convening)
    if ticket_type.capacity is not None and ticket_type.seats_taken >= ticket_type.capacity:
        taken = f"{ticket_type.seats_taken:,} of {ticket_type.capacity:,} taken"
        return f"No seat is free for {ticket_type.name} ({taken}). Raise its capacity first."
    return (
        f"No seat is free at the convening ({convening.seats_taken:,} of {convening.capacity or 0:,} taken). "
        "Raise the convening's overall capacity first."
    )


def mark_paid(
    registration: Registration, *, actor: Actor, now: datetime | None = None, notify: bool = True
) -> Registration:
    """Confirm a held seat whose payment staff received by other means (a check, a transfer). Commits.

    Until online payments arrive this is how a paid ticket becomes confirmed and gets its QR code.
    """
    now = now or utcnow()
    lock_convening(registration.convening_id)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.PENDING_PAYMENT:
        status = registration.status.label.lower()
        db.session.rollback()
        raise ActionRefused(
            f"Only a registration with payment pending can be marked as paid; this one is {status}."
        )
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    _record(
        registration,
        actor,
        "paid",
        f"Marked as paid ({money(registration.price_cents, registration.currency)}): confirmed",
        {"status": [RegistrationStatus.PENDING_PAYMENT.label, RegistrationStatus.CONFIRMED.label]},
        at=now,
    )
    if notify:
        _notify(registration, "confirmed")
    db.session.commit()
    return registration


# The email that tells someone where they stand, by status; a cancelled registration has none to resend.
RESENDABLE_EMAILS = {
    RegistrationStatus.CONFIRMED: "confirmed",
    RegistrationStatus.PENDING_PAYMENT: "pending_payment",
    RegistrationStatus.WAITLISTED: "waitlisted",
}


def resend_confirmation(registration: Registration, *, actor: Actor) -> None:
    """Queue again the email for the current status, with the QR code once confirmed. Commits."""
    template = RESENDABLE_EMAILS.get(registration.status)
    if template is None:
        raise ActionRefused("This registration is cancelled, so there is no confirmation to resend.")
    _notify(registration, template)
    _record(
        registration,
        actor,
        "resend",
        f"Resent the email for {registration.status.label.lower()} to {registration.email}",
    )
    db.session.commit()
