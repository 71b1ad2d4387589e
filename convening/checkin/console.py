"""Staff set up check-in: stations with their pairing links, and revoking a lost phone.

A new station's key is shown once, on the page that answers the form, and kept nowhere but its digest: the
page is not cached and the key never appears in a console URL or a flashed message.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.badges.qr import qr_png
from convening.checkin import services
from convening.checkin.console_forms import StationForm
from convening.checkin.dashboard import checkin_dashboard
from convening.checkin.models import Station
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.forms import show_problems
from convening.images.processing import data_uri
from convening.problems import Refused
from convening.sqltypes import utcnow
from convening.urls import external_url

bp = Blueprint("checkin_console", __name__, url_prefix="/staff/c/<slug:slug>/checkin")


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


@bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def index(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = StationForm(services.session_doors(convening.id))
    if form.validate_on_submit():
        try:
            created = services.create_station(
                convening, form.name.data or "", session_id=form.session_id(), actor=current_actor()
            )
        except Refused as error:
            show_problems(form, error)
        else:
            return _pairing_page(convening, created)
    return render_template(
        "checkin/console/index.html",
        convening=convening,
        form=form,
        stations=services.stations_of(convening.id),
    ), 422 if form.is_submitted() else 200


def _pairing_page(convening: Convening, created: services.NewStation) -> Response:
    """The one time the key is shown: as a pairing link, its QR code, and the bearer key for scripts."""
    link = external_url("checkin_pairing.pair", key=created.key)
    response = make_response(
        render_template(
            "checkin/console/created.html",
            convening=convening,
            station=created.station,
            door=services.door_of(created.station),
            link=link,
            qr=data_uri(qr_png(link), "image/png"),
            key=created.key,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/stations/<int:station_id>/revoke")
@role_required(StaffRole.STAFF)
def revoke(slug: str, station_id: int) -> Response:
    convening = _convening(slug)
    station = owned_or_404(Station, convening.id, station_id)
    if services.revoke_station(station, actor=current_actor()):
        flash(f"{station.name} is revoked: its devices are unpaired and its key no longer works.", "success")
    else:
        flash(f"{station.name} was already revoked.", "info")
    return redirect(url_for(".index", slug=slug), 303)


@bp.get("/scan")
@role_required(StaffRole.VOLUNTEER)
def scan(slug: str) -> Response:
    """The volunteer page for a signed-in account: it scans for the convening at the front door, with no
    station (and so without the station's offline copy of the page; scans still queue while offline)."""
    convening = _convening(slug)
    response = make_response(
        render_template(
            "checkin/station_home.html",
            station=None,
            scanning=True,
            volunteer=True,
            convening=convening,
            door="Front door",
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dashboard")
@role_required(StaffRole.VOLUNTEER)
def dashboard(slug: str) -> Response:
    """The live dashboard; with ?part=1 only its body, which static/js/live.js swaps in every few seconds."""
    convening = _convening(slug)
    part = request.args.get("part") == "1"
    response = make_response(
        render_template(
            "checkin/console/_dashboard_body.html" if part else "checkin/console/dashboard.html",
            convening=convening,
            figures=checkin_dashboard(convening.id, convening.zone, utcnow()),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
