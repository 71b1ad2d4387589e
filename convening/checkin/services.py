"""Checking people in: one scan, its checks in order, and its answer, logged whatever it is.

The registration's row is locked before anything is read about its past scans, so twenty volunteers
scanning one badge at once get one "ok" and nineteen "already checked in". A nonce chosen by the scanning
device makes a retried or replayed scan return the first answer without a second row.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from convening.audit.services import Actor, record
from convening.badges.services import role_of, speaker_emails
from convening.badges.tokens import normalize
from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo, Station
from convening.convenings.models import Convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession, Speaker
from convening.registration.models import Registration, RegistrationStatus
from convening.scheduling.models import SeatStatus, WorkshopSeat
from convening.sqltypes import utcnow

STATION_KEY_PREFIX = "cst_"


def digest(secret: str) -> str:
    """SHA-256, hex: what we keep of a station key, and what a roster holds of a badge token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewStation:
    station: Station
    key: str  # shown once, to pair a device; only its digest is kept


def create_station(convening: Convening, name: str, *, session_id: int | None, actor: Actor) -> NewStation:
    """A station and its bearer key. Commits; Refused for an empty name or another convening's session."""
    name = name.strip()
    problems = {}
    if not name or len(name) > 120:
        problems["name"] = "Give the station a name of up to 120 characters, like “Front door”."
    if session_id is not None:
        session = db.session.get(ProgramSession, session_id)
        if session is None or session.convening_id != convening.id:
            problems["session"] = "Choose a session of this convening, or none for the front door."
    if problems:
        raise Refused(problems)
    key = STATION_KEY_PREFIX + secrets.token_urlsafe(32)
    station = Station(
        convening_id=convening.id,
        name=name,
        session_id=session_id,
        key_digest=digest(key),
        created_by_label=actor.label[:300],
    )
    db.session.add(station)
    db.session.flush()
    record(
        actor,
        "checkin.station",
        "station",
        station.id,
        f"Created check-in station {name}",
        convening_id=convening.id,
    )
    db.session.commit()
    return NewStation(station, key)


def station_for_key(key: str) -> Station | None:
    """The active station a bearer key belongs to; None for an unknown or revoked key."""
    if not key.startswith(STATION_KEY_PREFIX) or len(key) > 100:
        return None
    station = db.session.scalar(select(Station).where(Station.key_digest == digest(key)))
    return station if station is not None and station.is_active else None


@dataclass(frozen=True)
class Scan:
    """One scan as a device sends it: a badge's text, or a registration picked by name search."""

    text: str  # what the scanner read or the volunteer typed; "" when picked by name
    nonce: str
    scanned_at: datetime
    station: Station | None
    session_id: int | None  # the door it was scanned at; None: the front door
    by_label: str
    registration_id: int | None = None  # picked from the roster's name search instead of scanned
    local_result: CheckInResult | None = None  # what an offline station showed when it decided alone
    override: bool = False  # the volunteer lets in someone registered for another workshop of the slot


@dataclass(frozen=True)
class Person:
    """What the volunteer's screen shows about whoever was scanned, and nothing more."""

    name: str
    badge_name: str
    role: str
    ticket: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    result: CheckInResult
    person: Person | None
    previous_at: datetime | None  # the earlier admission, for "already checked in"
    previous_by: str
    replayed: bool  # the nonce was seen before: this is that scan's answer, nothing new was written
    elsewhere: str = ""  # for "wrong session": the workshop of this slot the person has a seat in


# How often a station's last contact is written: every scan would make its row a point of contention.
LAST_SEEN_EVERY = timedelta(seconds=30)


def _seated_elsewhere(registration_id: int, session_id: int) -> str | None:
    """The workshop of the door's slot the person has a seat in, when it is another one: its title."""
    door_slot = select(ProgramSession.time_slot_id).where(ProgramSession.id == session_id).scalar_subquery()
    return db.session.scalar(
        select(ProgramSession.title)
        .join(WorkshopSeat, WorkshopSeat.session_id == ProgramSession.id)
        .where(
            WorkshopSeat.registration_id == registration_id,
            WorkshopSeat.status == SeatStatus.SEATED,
            WorkshopSeat.time_slot_id == door_slot,
            WorkshopSeat.session_id != session_id,
        )
        .limit(1)
    )


def _speaks() -> ColumnElement[bool]:
    """The registration's email is a speaker's: read with the row, not in a query of its own."""
    return (
        exists()
        .where(
            Speaker.convening_id == Registration.convening_id,
            func.lower(Speaker.email) == func.lower(Registration.email),
        )
        .correlate(Registration)
    )


def _locked_registration(convening_id: int, which: ColumnElement[bool]) -> tuple[Registration, bool] | None:
    """The registration `which` picks and whether they speak, locked until commit (a row lock; on SQLite,
    the write lock)."""
    mine = (Registration.convening_id == convening_id, which)
    query = select(Registration, _speaks()).where(*mine).options(joinedload(Registration.ticket_type))
    if db.session.get_bind().dialect.name == "sqlite":
        # SELECT ... FOR UPDATE locks nothing there; a no-op UPDATE takes the database's write lock.
        db.session.execute(
            update(Registration).where(*mine).values(id=Registration.id),
            execution_options={"synchronize_session": False},
        )
    else:
        query = query.with_for_update(of=Registration)
    row = db.session.execute(query).first()
    return (row[0], bool(row[1])) if row else None


def _at_door(session_id: int | None) -> ColumnElement[bool]:
    return CheckIn.session_id.is_(None) if session_id is None else CheckIn.session_id == session_id


def standing() -> ColumnElement[bool]:
    """An admission nobody took back."""
    return and_(
        CheckIn.result == CheckInResult.OK,
        ~exists().where(CheckInUndo.check_in_id == CheckIn.id),
    )


def _admission(registration_id: int, session_id: int | None) -> CheckIn | None:
    return db.session.scalars(
        select(CheckIn)
        .where(CheckIn.registration_id == registration_id, _at_door(session_id), standing())
        .order_by(CheckIn.scanned_at, CheckIn.id)
        .limit(1)
    ).first()


def _person(registration: Registration, speakers: set[str]) -> Person:
    """The screen's view of a registration; `speakers` holds the speakers' emails (or just theirs)."""
    return Person(
        name=registration.full_name,
        badge_name=registration.badge_name,
        role=role_of(registration, speakers).label,
        ticket=registration.ticket_type.name,
        notes=(registration.accessibility_needs,) if registration.accessibility_needs else (),
    )


def _answer(
    result: CheckInResult,
    found: tuple[Registration, bool] | None,
    previous: CheckIn | None,
    *,
    replayed: bool,
    elsewhere: str = "",
) -> Answer:
    person = None
    if found is not None:
        registration, speaks = found
        person = _person(registration, {registration.email.lower()} if speaks else set())
    return Answer(
        result,
        person,
        previous.scanned_at if previous else None,
        previous.by_label if previous else "",
        replayed,
        elsewhere,
    )


def _earlier_answer(entry: CheckIn) -> Answer:
    """The answer a scan already written gave, for its nonce sent again."""
    row = (
        db.session.execute(
            select(Registration, _speaks())
            .where(Registration.id == entry.registration_id)
            .options(joinedload(Registration.ticket_type))
        ).first()
        if entry.registration_id
        else None
    )
    previous = None
    if entry.result == CheckInResult.ALREADY_CHECKED_IN and entry.registration_id is not None:
        previous = _admission(entry.registration_id, entry.session_id)
    return _answer(entry.result, (row[0], bool(row[1])) if row else None, previous, replayed=True)


STATUS_RESULTS = {
    RegistrationStatus.CANCELLED: CheckInResult.CANCELLED,
    RegistrationStatus.WAITLISTED: CheckInResult.WAITLISTED,
    RegistrationStatus.PENDING_PAYMENT: CheckInResult.UNPAID,
}


def check_in(convening_id: int, scan: Scan) -> Answer:
    """Decide the scan, log it and commit: the checks run in order and the first that fails answers.

    The answer is built before the commit, from rows already loaded. A nonce seen before is found by the
    unique constraint when the scan is written; that earlier scan's answer is returned instead.
    """
    if scan.registration_id is not None:
        found = _locked_registration(convening_id, Registration.id == scan.registration_id)
    else:
        token = normalize(scan.text)
        found = (
            _locked_registration(convening_id, Registration.badge_token == token)
            if token is not None
            else None
        )
    registration = found[0] if found else None
    previous = None
    elsewhere = ""
    overridden = False
    if registration is None:
        result = CheckInResult.UNKNOWN
    else:
        result = STATUS_RESULTS.get(registration.status, CheckInResult.OK)
        if result == CheckInResult.OK:
            previous = _admission(registration.id, scan.session_id)
            if previous is not None:
                result = CheckInResult.ALREADY_CHECKED_IN
            elif scan.session_id is not None:
                elsewhere = _seated_elsewhere(registration.id, scan.session_id) or ""
                if elsewhere and scan.override:
                    overridden = True
                elif elsewhere:
                    result = CheckInResult.WRONG_SESSION
    # Built before the scan is added: a repeated nonce must surface at the commit below, not in a query.
    answer = _answer(result, found, previous, replayed=False, elsewhere=elsewhere)
    db.session.add(
        CheckIn(
            convening_id=convening_id,
            registration_id=registration.id if registration else None,
            station_id=scan.station.id if scan.station else None,
            session_id=scan.session_id,
            result=result,
            nonce=scan.nonce,
            scanned_text="" if registration else scan.text[:80],
            scanned_at=scan.scanned_at,
            by_label=scan.by_label[:300],
            local_result=scan.local_result,
            overridden=overridden,
        )
    )
    now = utcnow()
    station = scan.station
    if station is not None and (station.last_seen_at is None or now - station.last_seen_at > LAST_SEEN_EVERY):
        station.last_seen_at = now
    try:
        db.session.commit()
    except IntegrityError:
        # The nonce of a scan already written (a retry, a replayed offline queue): its answer stands.
        db.session.rollback()
        earlier = db.session.scalar(
            select(CheckIn).where(CheckIn.convening_id == convening_id, CheckIn.nonce == scan.nonce)
        )
        if earlier is None:
            raise
        return _earlier_answer(earlier)
    return answer


def admitted_count(convening_id: int, session_id: int | None) -> int:
    """People checked in at this door so far."""
    admissions = (
        CheckIn.convening_id == convening_id,
        _at_door(session_id),
        CheckIn.result == CheckInResult.OK,
    )
    # The row lock leaves one "ok" per person and door, so rows are people: counted from the partial index,
    # less the few taken back, rather than checking every admission for an undo.
    admitted = select(func.count()).select_from(CheckIn).where(*admissions).scalar_subquery()
    undone = (
        select(func.count())
        .select_from(CheckInUndo)
        .join(CheckIn, CheckIn.id == CheckInUndo.check_in_id)
        .where(*admissions)
        .scalar_subquery()
    )
    return db.session.scalar(select(admitted - undone)) or 0


# The page offers Undo for ten seconds; the slack covers a slow network, not second thoughts.
UNDO_WITHIN = timedelta(minutes=2)


class UndoOutcome(enum.Enum):
    UNDONE = "undone"
    NOT_FOUND = "not_found"  # no admission with that nonce from this station
    TOO_LATE = "too_late"
    ALREADY_UNDONE = "already_undone"


def undo(convening_id: int, nonce: str, *, station: Station | None, by_label: str) -> UndoOutcome:
    """Take back an admission moments after it, by its scan's nonce; a station only its own. Commits."""
    entry = db.session.scalar(
        select(CheckIn).where(CheckIn.convening_id == convening_id, CheckIn.nonce == nonce)
    )
    if entry is None or entry.result != CheckInResult.OK:
        return UndoOutcome.NOT_FOUND
    if station is not None and entry.station_id != station.id:
        return UndoOutcome.NOT_FOUND
    if utcnow() - entry.recorded_at > UNDO_WITHIN:
        return UndoOutcome.TOO_LATE
    db.session.add(CheckInUndo(check_in_id=entry.id, by_label=by_label[:300]))
    try:
        db.session.commit()
    except IntegrityError:  # the unique check_in_id: a second tap, or two devices at once
        db.session.rollback()
        return UndoOutcome.ALREADY_UNDONE
    return UndoOutcome.UNDONE


@dataclass(frozen=True)
class RosterEntry:
    """One person as an offline station needs them: enough to decide a scan and to find a name."""

    id: int
    token_hash: str  # the badge token's digest: the roster never holds a working token
    person: Person
    status: CheckInResult  # what a scan answers before "already checked in" is considered
    admitted_at: datetime | None  # at this door


def roster(convening_id: int, session_id: int | None) -> list[RosterEntry]:
    """Everyone registered, in name order, with their admission at this door: three queries in all."""
    speakers = speaker_emails(convening_id)
    admitted = dict(
        db.session.execute(
            select(CheckIn.registration_id, func.min(CheckIn.scanned_at))
            .where(CheckIn.convening_id == convening_id, _at_door(session_id), standing())
            .group_by(CheckIn.registration_id)
        ).all()
    )
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.convening_id == convening_id)
        .options(joinedload(Registration.ticket_type))
        .order_by(Registration.family_name, Registration.first_name, Registration.id)
    )
    return [
        RosterEntry(
            id=registration.id,
            token_hash=digest(registration.badge_token),
            person=_person(registration, speakers),
            status=STATUS_RESULTS.get(registration.status, CheckInResult.OK),
            admitted_at=admitted.get(registration.id),
        )
        for registration in registrations
    ]


def station_for_digest(digest: str) -> Station | None:
    """The active station a paired device's session names; None once staff revoked it."""
    if len(digest) != 64:
        return None
    station = db.session.scalar(select(Station).where(Station.key_digest == digest))
    return station if station is not None and station.is_active else None


@dataclass(frozen=True)
class StationListing:
    station: Station
    door: str  # "Front door" or the session's title


def stations_of(convening_id: int) -> list[StationListing]:
    """The convening's stations, active ones first, each with the door it stands at."""
    rows = db.session.execute(
        select(Station, ProgramSession.title)
        .outerjoin(ProgramSession, ProgramSession.id == Station.session_id)
        .where(Station.convening_id == convening_id)
        .order_by(Station.revoked_at.is_not(None), Station.name, Station.id)
    ).all()
    return [StationListing(station, title or "Front door") for station, title in rows]


def session_doors(convening_id: int) -> list[ProgramSession]:
    """The sessions a station may stand at the door of."""
    return list(
        db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.convening_id == convening_id)
            .order_by(ProgramSession.title, ProgramSession.id)
        )
    )


def revoke_station(station: Station, *, actor: Actor) -> bool:
    """Unpair the station's devices and void its key at once. Commits; False if it was revoked already."""
    if not station.is_active:
        return False
    station.revoked_at = utcnow()
    record(
        actor,
        "checkin.station_revoked",
        "station",
        station.id,
        f"Revoked check-in station {station.name}",
        convening_id=station.convening_id,
    )
    db.session.commit()
    return True


def door_of(station: Station) -> str:
    """Where the station stands, in the words of the stations list."""
    session = db.session.get(ProgramSession, station.session_id) if station.session_id else None
    return session.title if session is not None else "Front door"
