"""Pairing a device as a check-in station: opening the link staff hand out signs it in as that station.

Opening the link only asks; the button on it (a POST) pairs, so a link preview or a prefetch changes
nothing. A paired browser keeps the key's digest in its session, never the key, and is unpaired the moment
staff revoke the station.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
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
            scanning=station is not None,
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


# The folders of the files the service worker keeps for offline use: any change in them renames its cache.
SHELL_FOLDERS = ("css", "js", "vendor")


@bp.get("/sw.js")
def service_worker() -> Response:
    """The station page's service worker, served from /checkin/ so that its scope covers the page.

    Its cache is named after a digest of the files it keeps, so a deploy that changes one makes browsers
    install the new worker, which drops the old copies; `no-cache` makes them ask for it each time.
    """
    static = Path(current_app.static_folder or "static")
    source = (static / "js" / "checkin-sw.js").read_bytes()
    digest = hashlib.sha256(source)
    for folder in SHELL_FOLDERS:
        for path in sorted((static / folder).glob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    body = source.replace(b"__VERSION__", digest.hexdigest()[:16].encode())
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _no_store(html: str) -> Response:
    """Pages naming a station are not cached: the pairing link carries its key."""
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
