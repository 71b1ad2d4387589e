"""Checking people in: one scan, its checks in order, and its answer, logged whatever it is.

The registration's row is locked before anything is read about its past scans, so twenty volunteers
scanning one badge at once get one "ok" and nineteen "already checked in". A nonce chosen by the scanning
device makes a retried or replayed scan return the first answer without a second row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from convening.audit.services import Actor, record
from convening.badges.tokens import normalize
from convening.checkin.models import CheckIn, CheckInResult, Station
from convening.convenings.models import Convening
from convening.extensions import db
from convening.problems import Refused
from convening.program.models import ProgramSession
from convening.registration.models import Registration, RegistrationStatus
from convening.sqltypes import utcnow

STATION_KEY_PREFIX = "cst_"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


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
        key_digest=key_digest(key),
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
    station = db.session.scalar(select(Station).where(Station.key_digest == key_digest(key)))
    return station if station is not None and station.is_active else None


@dataclass(frozen=True)
class Scan:
    """One scan as a device sends it."""

    text: str  # what the scanner read or the volunteer typed
    nonce: str
    scanned_at: datetime
    station: Station | None
    session_id: int | None  # the door it was scanned at; None: the front door
    by_label: str


@dataclass(frozen=True)
class Answer:
    check_in: CheckIn
    registration: Registration | None
    previous: CheckIn | None  # the earlier admission, for "already checked in"
    replayed: bool  # the nonce was seen before: this is that scan's answer, nothing new was written

    @property
    def result(self) -> CheckInResult:
        return self.check_in.result


def _lock(registration_id: int) -> None:
    """The registration's write lock until commit: a row lock on PostgreSQL, the database lock on SQLite."""
    db.session.execute(
        update(Registration).where(Registration.id == registration_id).values(id=Registration.id),
        execution_options={"synchronize_session": False},
    )


def _admission(registration_id: int, session_id: int | None) -> CheckIn | None:
    return db.session.scalars(
        select(CheckIn)
        .where(
            CheckIn.registration_id == registration_id,
            CheckIn.session_id.is_(None) if session_id is None else CheckIn.session_id == session_id,
            CheckIn.result == CheckInResult.OK,
        )
        .order_by(CheckIn.scanned_at, CheckIn.id)
        .limit(1)
    ).first()


def _replayed(convening_id: int, nonce: str) -> Answer | None:
    earlier = db.session.scalar(
        select(CheckIn).where(CheckIn.convening_id == convening_id, CheckIn.nonce == nonce)
    )
    if earlier is None:
        return None
    registration = db.session.get(Registration, earlier.registration_id) if earlier.registration_id else None
    previous = None
    if earlier.result == CheckInResult.ALREADY_CHECKED_IN and registration is not None:
        previous = _admission(registration.id, earlier.session_id)
    return Answer(earlier, registration, previous, replayed=True)


STATUS_RESULTS = {
    RegistrationStatus.CANCELLED: CheckInResult.CANCELLED,
    RegistrationStatus.WAITLISTED: CheckInResult.WAITLISTED,
    RegistrationStatus.PENDING_PAYMENT: CheckInResult.UNPAID,
}


def check_in(convening: Convening, scan: Scan) -> Answer:
    """Decide the scan, log it and commit: the checks run in order and the first that fails answers."""
    replay = _replayed(convening.id, scan.nonce)
    if replay is not None:
        return replay
    token = normalize(scan.text)
    registration = None
    if token is not None:
        registration = db.session.scalar(
            select(Registration).where(
                Registration.convening_id == convening.id, Registration.badge_token == token
            )
        )
    previous = None
    if registration is None:
        result = CheckInResult.UNKNOWN
    else:
        _lock(registration.id)
        db.session.refresh(registration)
        result = STATUS_RESULTS.get(registration.status, CheckInResult.OK)
        if result == CheckInResult.OK:
            previous = _admission(registration.id, scan.session_id)
            if previous is not None:
                result = CheckInResult.ALREADY_CHECKED_IN
    entry = CheckIn(
        convening_id=convening.id,
        registration_id=registration.id if registration else None,
        station_id=scan.station.id if scan.station else None,
        session_id=scan.session_id,
        result=result,
        nonce=scan.nonce,
        scanned_text="" if registration else scan.text[:80],
        scanned_at=scan.scanned_at,
        by_label=scan.by_label[:300],
    )
    db.session.add(entry)
    if scan.station is not None:
        scan.station.last_seen_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # The same nonce from a request that committed first: that one's answer stands.
        db.session.rollback()
        replay = _replayed(convening.id, scan.nonce)
        if replay is None:
            raise
        return replay
    return Answer(entry, registration, previous, replayed=False)


def admitted_count(convening_id: int, session_id: int | None) -> int:
    """People checked in at this door so far."""
    return (
        db.session.scalar(
            select(func.count(func.distinct(CheckIn.registration_id))).where(
                CheckIn.convening_id == convening_id,
                CheckIn.session_id.is_(None) if session_id is None else CheckIn.session_id == session_id,
                CheckIn.result == CheckInResult.OK,
            )
        )
        or 0
    )


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
