"""Pairing a device as a check-in station: opening the link staff hand out signs it in as that station.

Opening the link only asks; the button on it (a POST) pairs, so a link preview or a prefetch changes
nothing. A paired browser keeps the key's digest in its session, never the key, and is unpaired the moment
staff revoke the station.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from convening.checkin import services
from convening.checkin.models import Station
from convening.convenings.models import Convening
from convening.extensions import db

bp = Blueprint("checkin_pairing", __name__, url_prefix="/checkin")

SESSION_KEY = "checkin_station"


def paired_station() -> Station | None:
    """The active station this browser was paired as; a revoked one is forgotten here."""
    digest = session.get(SESSION_KEY)
    if not isinstance(digest, str):
        return None
    station = services.station_for_digest(digest)
    if station is None:
        session.pop(SESSION_KEY, None)
    return station


@bp.route("/pair/<string(maxlength=100):key>", methods=["GET", "POST"])
def pair(key: str) -> Response | tuple[str, int]:
    station = services.station_for_key(key)
    if station is None:
        return render_template("checkin/unknown_link.html"), 404
    if request.method == "POST":  # CSRFProtect has checked the form's token
        session[SESSION_KEY] = station.key_digest
        session.permanent = True
        return redirect(url_for(".station_home"), 303)
    return _no_store(
        render_template(
            "checkin/pair.html",
            station=station,
            convening=db.session.get(Convening, station.convening_id),
            door=services.door_of(station),
        )
    )


@bp.get("/")
def station_home() -> Response:
    unpaired = SESSION_KEY in session
    station = paired_station()
    return _no_store(
        render_template(
            "checkin/station_home.html",
            station=station,
            unpaired=unpaired and station is None,
            convening=db.session.get(Convening, station.convening_id) if station else None,
            door=services.door_of(station) if station else None,
        )
    )


@bp.post("/unpair")
def unpair() -> Response:
    """The volunteer hands the device back: it stops acting as the station (the key stays valid)."""
    session.pop(SESSION_KEY, None)
    return redirect(url_for(".station_home"), 303)


def _no_store(html: str) -> Response:
    """Pages naming a station are not cached: the pairing link carries its key."""
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
