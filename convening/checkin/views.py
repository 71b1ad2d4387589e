"""The check-in API: `POST /api/checkin` from a paired station (bearer key) or a signed-in volunteer.

Every answer is JSON: a result for any scan that reached the checks, a 4xx with `error` for a request that
did not. Answers carry what the volunteer page shows and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from convening.accounts.models import StaffRole
from convening.checkin import services
from convening.checkin.models import CheckInResult, Station
from convening.checkin.pairing import SESSION_KEY as PAIRED_STATION
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import csrf, db
from convening.program.models import ProgramSession
from convening.sqltypes import utcnow
from convening.urls import MAX_ROW_ID

bp = Blueprint("checkin_api", __name__, url_prefix="/api")

MAX_BODY = 4096
NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Offline scans arrive late, but not from before the convening's doors could open nor from the future.
OLDEST_SCAN = timedelta(days=14)
CLOCK_SKEW = timedelta(minutes=5)


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


def _payload() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest(413, f"A scan is a few hundred bytes; this request is over {MAX_BODY}.")
    body = request.get_data()
    if len(body) > MAX_BODY:
        raise BadRequest(413, f"A scan is a few hundred bytes; this request is over {MAX_BODY}.")
    payload = request.get_json(silent=True) if body else None
    if not isinstance(payload, dict):
        raise BadRequest(400, "Send a JSON object: {token, nonce, station, session, scanned_at}.")
    return payload


def _text(payload: dict[str, Any], name: str, *, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise BadRequest(400, f"`{name}` must be a string of 1 to {limit} characters.")
    return value


def _row_id(payload: dict[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise BadRequest(400, f"`{name}` must be an id (a positive whole number) or null.")
    return value


def _scanned_at(payload: dict[str, Any]) -> datetime:
    value = payload.get("scanned_at")
    now = utcnow()
    if value is None:
        return now
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(
            400, "`scanned_at` must be an ISO 8601 time with its offset, like 2027-06-15T08:30:00Z."
        )
    moment = moment.astimezone(UTC)
    if not now - OLDEST_SCAN <= moment <= now + CLOCK_SKEW:
        raise BadRequest(400, "`scanned_at` is too far from now: check the device's clock.")
    return moment


def _csrf_checked() -> None:
    """A cookie (a paired browser's, a volunteer's) rides on any request: a page of ours must have sent it."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:
        raise BadRequest(
            400, "The page's security token is missing or old. Reload the page and scan again."
        ) from None


def _station_from_header(*, writes: bool) -> Station | bool | None:
    """The station of a bearer key, or of this paired browser; False when it is unknown or revoked."""
    header = request.headers.get("Authorization", "")
    if not header:
        digest = session.get(PAIRED_STATION)
        if not isinstance(digest, str):
            return None
        if writes:
            _csrf_checked()
        return services.station_for_digest(digest) or False
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return services.station_for_key(key.strip()) or False


@dataclass(frozen=True)
class Caller:
    """Who is scanning: a station (its key or a paired browser), or a signed-in volunteer."""

    station: Station | None
    convening_id: int
    label: str


def _caller(*, writes: bool, convening_slug: object = None, station_id: int | None = None) -> Caller:
    """Authorize the request and find its convening; BadRequest with the status to answer otherwise."""
    station = _station_from_header(writes=writes)
    if station is False:
        raise BadRequest(
            401, "This station's key is unknown or was revoked. Ask staff to pair the device again."
        )
    if station is not None:
        if station_id is not None and station_id != station.id:
            raise BadRequest(403, "This key belongs to another station.")
        return Caller(station, station.convening_id, f"Station {station.name}")
    if not current_user.is_authenticated:
        raise BadRequest(401, "Sign in, or pair this device as a check-in station.")
    if not current_user.role.allows(StaffRole.VOLUNTEER):
        raise BadRequest(403, "Your account cannot check people in.")
    if writes:
        _csrf_checked()
    label = f"{current_user.name} ({current_user.email})"
    if station_id is not None:
        named = db.session.get(Station, station_id)
        if named is None or not named.is_active:
            raise BadRequest(404, "There is no such station, or it was revoked.")
        return Caller(named, named.convening_id, label)
    convening = (
        by_slug(convening_slug) if isinstance(convening_slug, str) and len(convening_slug) <= 60 else None
    )
    if convening is None:
        raise BadRequest(400, "Say which convening: `convening` (its slug) or `station`.")
    return Caller(None, convening.id, label)


def _door(caller: Caller, session_id: int | None) -> int | None:
    """The session whose door this is: the one asked for, else the station's; 404 for a foreign one."""
    if session_id is None and caller.station is not None:
        session_id = caller.station.session_id
    if session_id is not None:
        door = db.session.get(ProgramSession, session_id)
        if door is None or door.convening_id != caller.convening_id:
            raise BadRequest(404, "There is no such session in this convening.")
    return session_id


def _nonce(payload: dict[str, Any], name: str = "nonce") -> str:
    nonce = _text(payload, name, limit=64)
    if not NONCE.fullmatch(nonce):
        raise BadRequest(400, f"`{name}` must be 8 to 64 letters, digits, hyphens or underscores.")
    return nonce


def _offline_result(payload: dict[str, Any]) -> CheckInResult | None:
    offline = payload.get("offline")
    if offline is None:
        return None
    value = offline.get("result") if isinstance(offline, dict) else None
    try:
        return CheckInResult(value)
    except ValueError:
        raise BadRequest(400, '`offline.result` must be the result the station showed, like "ok".') from None


@bp.post("/checkin")
@csrf.exempt
def checkin() -> tuple[Response, int]:
    try:
        payload = _payload()
        station_id = _row_id(payload, "station")
        caller = _caller(writes=True, convening_slug=payload.get("convening"), station_id=station_id)
        registration_id = _row_id(payload, "registration")
        if (registration_id is None) == (payload.get("token") is None):
            raise BadRequest(
                400, "Send the badge's `token`, or the `registration` picked by name; one of them."
            )
        token = "" if registration_id is not None else _text(payload, "token", limit=200)
        nonce = _nonce(payload)
        session_id = _door(caller, _row_id(payload, "session"))
        scanned_at = _scanned_at(payload)
        local_result = _offline_result(payload)
        override = payload.get("override", False)
        if not isinstance(override, bool):
            raise BadRequest(400, "`override` must be true or false.")
    except BadRequest as error:
        return _error(error.status, error.message)
    count = services.admitted_count(caller.convening_id, session_id)
    answer = services.check_in(
        caller.convening_id,
        services.Scan(
            token,
            nonce,
            scanned_at,
            caller.station,
            session_id,
            caller.label,
            registration_id=registration_id,
            local_result=local_result,
            override=override,
        ),
    )
    return jsonify(
        result=answer.result.value,
        label=answer.result.label,
        admitted=answer.result.admits,
        replayed=answer.replayed,
        person=asdict(answer.person) if answer.person else None,
        previous=None
        if answer.previous_at is None
        else {"at": answer.previous_at.isoformat(), "by": answer.previous_by},
        # For "wrong session": the workshop of this slot the person has a seat in.
        elsewhere=answer.elsewhere or None,
        # Counted before this scan was written: one more when it admitted someone.
        count=count + (answer.result.admits and not answer.replayed),
    ), 200


UNDO_ERRORS = {
    services.UndoOutcome.NOT_FOUND: (
        404,
        "No check-in to take back: this station admitted nobody with that scan.",
    ),
    services.UndoOutcome.TOO_LATE: (409, "Too late to undo that check-in; ask staff to correct it."),
    services.UndoOutcome.ALREADY_UNDONE: (409, "That check-in was already taken back."),
}


@bp.post("/checkin/undo")
@csrf.exempt
def undo() -> tuple[Response, int]:
    """Take back the admission a scan made moments ago (the wrong name tapped in a search)."""
    try:
        payload = _payload()
        caller = _caller(
            writes=True, convening_slug=payload.get("convening"), station_id=_row_id(payload, "station")
        )
        nonce = _nonce(payload)
    except BadRequest as error:
        return _error(error.status, error.message)
    outcome = services.undo(caller.convening_id, nonce, station=caller.station, by_label=caller.label)
    if outcome in UNDO_ERRORS:
        return _error(*UNDO_ERRORS[outcome])
    session_id = caller.station.session_id if caller.station else None
    return jsonify(undone=True, count=services.admitted_count(caller.convening_id, session_id)), 200


@bp.get("/checkin/roster")
def roster() -> tuple[Response, int]:
    """Everything a station needs to decide scans and find names offline, and a fresh security token."""
    try:
        station_arg = request.args.get("station")
        station_id = (
            int(station_arg) if station_arg and station_arg.isdigit() and len(station_arg) < 12 else None
        )
        caller = _caller(writes=False, convening_slug=request.args.get("convening"), station_id=station_id)
    except BadRequest as error:
        return _error(error.status, error.message)
    convening = db.session.get(Convening, caller.convening_id)
    station = caller.station
    session_id = station.session_id if station else None
    people = services.roster(caller.convening_id, session_id)
    response = jsonify(
        convening={"name": convening.name, "slug": convening.slug, "time_zone": convening.timezone},
        station=None
        if station is None
        else {
            "id": station.id,
            "name": station.name,
            "door": services.door_of(station),
            "session": session_id,
        },
        generated_at=utcnow().isoformat(),
        csrf_token=generate_csrf(),
        admitted=sum(entry.admitted_at is not None for entry in people),
        people=[
            {
                "id": entry.id,
                "h": entry.token_hash,
                **asdict(entry.person),
                "status": entry.status.value,
                "admitted_at": entry.admitted_at.isoformat() if entry.admitted_at else None,
            }
            for entry in people
        ],
    )
    response.headers["Cache-Control"] = "no-store"
    return response, 200
