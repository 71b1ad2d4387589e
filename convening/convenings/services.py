"""Finding convenings, what their public home page shows, and admins' changes to settings and tickets."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from convening.audit.services import Actor, diff, record, record_move, snapshot
from convening.badges.models import BadgeRole
from convening.convenings.models import Convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SessionSpeaker, TimeSlot
from convening.registration.models import Registration, TicketType
from convening.registration.services import lock_convening, promote_from_waiting_list
from convening.sponsors.models import Sponsor, SponsorTier


def by_slug(slug: str) -> Convening | None:
    return db.session.scalar(select(Convening).where(Convening.slug == slug))


def current(today: date) -> Convening | None:
    """The convening under way or coming next; when all are past, the most recent one."""
    upcoming = db.session.scalar(
        select(Convening)
        .where(Convening.ends_on >= today)
        .order_by(Convening.starts_on, Convening.id)
        .limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(
        select(Convening).order_by(Convening.ends_on.desc(), Convening.id.desc()).limit(1)
    )


@dataclass
class Highlights:
    """What is on, for the home page: keynotes in time order, breakout workshops grouped by track."""

    keynotes: list[ProgramSession]
    workshops_by_track: list[tuple[str, list[ProgramSession]]]


def highlights(convening: Convening) -> Highlights:
    sessions = db.session.scalars(
        select(ProgramSession)
        .outerjoin(ProgramSession.time_slot)
        .where(
            ProgramSession.convening_id == convening.id,
            ProgramSession.kind.in_([SessionKind.KEYNOTE, SessionKind.BREAKOUT]),
        )
        .options(
            selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker),
            selectinload(ProgramSession.track),
            selectinload(ProgramSession.time_slot),
            selectinload(ProgramSession.room),
        )
        .order_by(TimeSlot.starts_at, ProgramSession.title)
    ).all()
    keynotes = [s for s in sessions if s.kind == SessionKind.KEYNOTE]
    tracks: dict[str, list[ProgramSession]] = {}
    for session in sorted(
        (s for s in sessions if s.kind == SessionKind.BREAKOUT),
        key=lambda s: (s.track.position if s.track else 1_000_000, s.title),
    ):
        tracks.setdefault(session.track.name if session.track else "Other workshops", []).append(session)
    return Highlights(keynotes=keynotes, workshops_by_track=list(tracks.items()))


def sponsor_tiers(convening_id: int) -> list[SponsorTier]:
    """Tiers that have sponsors, most prominent first, with their logos: for every page that thanks them."""
    tiers = db.session.scalars(
        select(SponsorTier)
        .where(SponsorTier.convening_id == convening_id)
        .options(selectinload(SponsorTier.sponsors).selectinload(Sponsor.logo))
        .order_by(SponsorTier.rank, SponsorTier.id)
    ).all()
    return [tier for tier in tiers if tier.sponsors]


# --- settings and ticket types, changed by admins --------------------------------------------------------


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zone names zoneinfo can load here."""
    return frozenset(available_timezones())


@dataclass
class ConveningSettings:
    """What admins may change about a convening; times are aware (UTC or any zone)."""

    name: str
    starts_on: date
    ends_on: date
    timezone: str
    tagline: str = ""
    description: str = ""
    venue_name: str = ""
    venue_address: str = ""
    city: str = ""
    state: str = ""
    contact_email: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    capacity: int | None = None  # None: no overall limit
    # Printed on the back of every badge.
    wifi_network: str = ""
    wifi_password: str = ""
    emergency_contact: str = ""


@dataclass
class TicketTypeSettings:
    """What admins set for a ticket type; its seats taken are kept by the registration flows only."""

    name: str
    description: str = ""
    price_cents: int = 0
    currency: str = "USD"
    capacity: int | None = None  # None: no limit of its own
    sales_start_at: datetime | None = None
    sales_end_at: datetime | None = None
    access_code: str | None = None  # set: the ticket is hidden until the code is entered
    badge_role: BadgeRole = BadgeRole.ATTENDEE  # the ribbon on its holders' badges


CONVENING_FIELDS = tuple(item.name for item in fields(ConveningSettings))
TICKET_TYPE_FIELDS = tuple(item.name for item in fields(TicketTypeSettings))


def update_settings(
    convening: Convening, settings: ConveningSettings, *, actor: Actor, now: datetime | None = None
) -> list[Registration]:
    """Save the settings with an audit entry; raised capacity goes to the waiting list at once. Commits.

    Returns the people promoted. The convening's lock is held while the seats taken are compared with the
    new capacity, so a registration racing this change cannot leave the convening overbooked.
    """
    problems = {}
    if settings.ends_on < settings.starts_on:
        problems["ends_on"] = "The last day must be on or after the first day."
    if not _in_order(settings.registration_opens_at, settings.registration_closes_at):
        problems["registration_closes_at"] = "Registration must close after it opens. Check both times."
    if settings.timezone not in time_zones():
        problems["timezone"] = "Choose a time zone from the list."
    if problems:
        raise Refused(problems)
    lock_convening(convening.id)
    changes, raised = _apply_settings(convening, settings, CONVENING_FIELDS)
    if not changes:
        return []
    record(
        actor,
        "convening.update",
        "convening",
        convening.id,
        "Changed settings: " + ", ".join(_label(name) for name in changes),
        convening_id=convening.id,
        changes=changes,
    )
    db.session.flush()
    return _commit_promoting(convening, raised, now)


def add_ticket_type(convening: Convening, settings: TicketTypeSettings, *, actor: Actor) -> TicketType:
    """A new ticket type, listed after the others. Commits."""
    _check_ticket_type(convening, settings, None)
    lock_convening(convening.id)
    last = db.session.scalar(
        select(func.max(TicketType.position)).where(TicketType.convening_id == convening.id)
    )
    ticket_type = TicketType(convening_id=convening.id, position=(last if last is not None else -1) + 1)
    for name in TICKET_TYPE_FIELDS:
        setattr(ticket_type, name, getattr(settings, name))
    db.session.add(ticket_type)
    _flush_ticket_type(settings)
    record(
        actor,
        "ticket_type.create",
        "ticket_type",
        ticket_type.id,
        f"Added the ticket type {ticket_type.name}",
        convening_id=convening.id,
        changes={name: [None, value] for name, value in _filled(ticket_type).items()},
    )
    db.session.commit()
    return ticket_type


def update_ticket_type(
    ticket_type: TicketType, settings: TicketTypeSettings, *, actor: Actor, now: datetime | None = None
) -> list[Registration]:
    """Save a ticket type with an audit entry; raised capacity goes to the waiting list at once. Commits.

    Returns the people promoted. Registrations keep the price they registered at.
    """
    convening = ticket_type.convening
    _check_ticket_type(convening, settings, ticket_type.id)
    lock_convening(convening.id)
    changes, raised = _apply_settings(ticket_type, settings, TICKET_TYPE_FIELDS)
    if not changes:
        return []
    _flush_ticket_type(settings)
    record(
        actor,
        "ticket_type.update",
        "ticket_type",
        ticket_type.id,
        f"Changed the ticket type {ticket_type.name}: " + ", ".join(_label(name) for name in changes),
        convening_id=convening.id,
        changes=changes,
    )
    return _commit_promoting(convening, raised, now)


def _apply_settings(
    target: Convening | TicketType, settings: ConveningSettings | TicketTypeSettings, names: tuple[str, ...]
) -> tuple[dict[str, list[Any]], bool]:
    """Copy settings onto a row whose convening is locked: the changes, and whether capacity went up.

    Refused (rolled back) below the seats already taken; rolled back too when nothing changed.
    """
    db.session.refresh(target)
    if settings.capacity is not None and settings.capacity < target.seats_taken:
        db.session.rollback()
        raise Refused({"capacity": _below_taken(target.seats_taken)})
    raised = _raises(target.capacity, settings.capacity)
    before = snapshot(target, names)
    for name in names:
        setattr(target, name, getattr(settings, name))
    changes = diff(before, snapshot(target, names))
    if not changes:
        db.session.rollback()
    return changes, raised


def _commit_promoting(convening: Convening, raised: bool, now: datetime | None) -> list[Registration]:
    """Commit; when capacity went up, the waiting list gets the new seats in the same transaction."""
    if raised:
        return promote_from_waiting_list(convening, now=now)
    db.session.commit()
    return []


def move_ticket_type(ticket_type: TicketType, offset: int, *, actor: Actor) -> bool:
    """Move a ticket type up (-1) or down (+1) in the order the registration form lists them. Commits.

    False when it is already first or last. Positions are renumbered 0, 1, 2... on the way.
    """
    convening = ticket_type.convening
    order = list(
        db.session.scalars(
            select(TicketType)
            .where(TicketType.convening_id == convening.id)
            .order_by(TicketType.position, TicketType.id)
        )
    )
    return record_move(
        order,
        ticket_type,
        offset,
        actor=actor,
        action="ticket_type.move",
        subject_type="ticket_type",
        subject_id=ticket_type.id,
        what=f"the ticket type {ticket_type.name}",
        convening_id=convening.id,
    )


def delete_ticket_type(ticket_type: TicketType, *, actor: Actor) -> None:
    """Delete a ticket type nobody has registered with (cancelled registrations count). Commits.

    Raises Refused when it is in use; hiding it behind an access code or ending its sales is the way
    to stop selling it then.
    """
    lock_convening(ticket_type.convening_id)
    used = db.session.scalar(select(func.count()).where(Registration.ticket_type_id == ticket_type.id))
    if used:
        db.session.rollback()
        raise Refused(
            {
                "ticket_type": f"{used} {'registration uses' if used == 1 else 'registrations use'} this "
                "ticket (cancelled ones count), so it cannot be deleted. To stop selling it, end its sales "
                "window or give it an access code."
            }
        )
    record(
        actor,
        "ticket_type.delete",
        "ticket_type",
        ticket_type.id,
        f"Deleted the ticket type {ticket_type.name}",
        convening_id=ticket_type.convening_id,
        changes={name: [value, None] for name, value in _filled(ticket_type).items()},
    )
    db.session.delete(ticket_type)
    db.session.commit()


def _check_ticket_type(convening: Convening, settings: TicketTypeSettings, own_id: int | None) -> None:
    problems = {}
    if not settings.name.strip():
        problems["name"] = "Enter a name for the ticket."
    elif any(
        other.id != own_id and other.name.casefold() == settings.name.casefold()
        for other in convening.ticket_types
    ):
        problems["name"] = _name_taken(settings)
    if settings.price_cents < 0:
        problems["price"] = "A price cannot be negative; enter 0 for a free ticket."
    if settings.capacity is not None and settings.capacity < 0:
        problems["capacity"] = "Enter zero or more seats, or leave it blank for no limit."
    if not _in_order(settings.sales_start_at, settings.sales_end_at):
        problems["sales_end_at"] = "Sales must end after they start. Check both times."
    if problems:
        raise Refused(problems)


def _flush_ticket_type(settings: TicketTypeSettings) -> None:
    """Flush, turning a name taken by a concurrent change into the same message as a checked one."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Refused({"name": _name_taken(settings)}) from None


def _filled(ticket_type: TicketType) -> dict[str, object]:
    """The settings of a ticket type that have a value, for the audit entry of its creation or deletion."""
    return {
        name: value
        for name, value in snapshot(ticket_type, TICKET_TYPE_FIELDS).items()
        if value not in (None, "")
    }


def _name_taken(settings: TicketTypeSettings) -> str:
    return f"Another ticket is already called “{settings.name}”. Choose a different name."


def _below_taken(taken: int) -> str:
    seats = "1 seat is" if taken == 1 else f"{taken:,} seats are"
    return (
        f"{seats} already taken, so the capacity cannot be lower than {taken:,}. "
        "Enter a larger number, or leave it blank for no limit."
    )


def _in_order(start: datetime | None, end: datetime | None) -> bool:
    return start is None or end is None or end > start


def _raises(old: int | None, new: int | None) -> bool:
    """Whether a capacity change makes room: a higher number, or no limit where there was one."""
    return old is not None and (new is None or new > old)


def _label(name: str) -> str:
    return name.replace("_", " ")
