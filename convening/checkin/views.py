"""The check-in API: `POST /api/checkin` from a paired station (bearer key) or a signed-in volunteer.

Every answer is JSON: a result for any scan that reached the checks, a 4xx with `error` for a request that
did not. Answers carry what the volunteer page shows and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, jsonify, request, session
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from convening.accounts.models import StaffRole
from convening.checkin import services
from convening.checkin.models import Station
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


def _station_from_header() -> Station | bool | None:
    """The station of a bearer key, or of this paired browser; False when it is unknown or revoked."""
    header = request.headers.get("Authorization", "")
    if not header:
        digest = session.get(PAIRED_STATION)
        if not isinstance(digest, str):
            return None
        try:  # the pairing is a cookie: a page of ours must have sent this request
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError:
            raise BadRequest(
                400, "The page's security token is missing or old. Reload the page and scan again."
            ) from None
        return services.station_for_digest(digest) or False
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return services.station_for_key(key.strip()) or False


@bp.post("/checkin")
@csrf.exempt
def checkin() -> tuple[Response, int]:
    try:
        station = _station_from_header()
        if station is False:
            return _error(
                401, "This station's key is unknown or was revoked. Ask staff to pair the device again."
            )
        if station is None:
            if not current_user.is_authenticated:
                return _error(401, "Sign in, or pair this device as a check-in station.")
            if not current_user.role.allows(StaffRole.VOLUNTEER):
                return _error(403, "Your account cannot check people in.")
            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except ValidationError:
                return _error(
                    400, "The page's security token is missing or old. Reload the page and scan again."
                )
        payload = _payload()
        token = _text(payload, "token", limit=200)
        nonce = _text(payload, "nonce", limit=64)
        if not NONCE.fullmatch(nonce):
            raise BadRequest(400, "`nonce` must be 8 to 64 letters, digits, hyphens or underscores.")
        station_id = _row_id(payload, "station")
        session_id = _row_id(payload, "session")
        scanned_at = _scanned_at(payload)
    except BadRequest as error:
        return _error(error.status, error.message)

    if station is not None:
        if station_id is not None and station_id != station.id:
            return _error(403, "This key belongs to another station.")
        convening_id = station.convening_id
        session_id = station.session_id if session_id is None else session_id
        label = f"Station {station.name}"
    else:
        convening = _convening_for_staff(payload, station_id)
        if isinstance(convening, tuple):
            return convening
        convening_id = convening.id
        station = db.session.get(Station, station_id) if station_id else None
        label = f"{current_user.name} ({current_user.email})"
    if session_id is not None:
        session = db.session.get(ProgramSession, session_id)
        if session is None or session.convening_id != convening_id:
            return _error(404, "There is no such session in this convening.")
    count = services.admitted_count(convening_id, session_id)
    answer = services.check_in(
        convening_id, services.Scan(token, nonce, scanned_at, station, session_id, label)
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
        # Counted before this scan was written: one more when it admitted someone.
        count=count + (answer.result.admits and not answer.replayed),
    ), 200


def _convening_for_staff(payload: dict[str, Any], station_id: int | None) -> Convening | tuple[Response, int]:
    """A signed-in volunteer names the convening (its slug) or a station of it."""
    if station_id is not None:
        station = db.session.get(Station, station_id)
        if station is None or not station.is_active:
            return _error(404, "There is no such station, or it was revoked.")
        return db.session.get(Convening, station.convening_id)
    slug = payload.get("convening")
    convening = by_slug(slug) if isinstance(slug, str) and len(slug) <= 60 else None
    if convening is None:
        return _error(400, "Say which convening: `convening` (its slug) or `station`.")
    return convening
