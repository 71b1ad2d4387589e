"""Public pages of a convening: the root redirect and the home page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from convening.convenings import services
from convening.registration.services import registration_window
from convening.sqltypes import utcnow

bp = Blueprint("convenings", __name__)


@bp.get("/")
def root() -> Response | str:
    convening = services.current(utcnow().date())
    if convening is None:
        return render_template("convenings/empty.html")
    return redirect(url_for("convenings.home", slug=convening.slug))


@bp.get("/c/<slug:slug>/")
def home(slug: str) -> str:
    convening = services.by_slug(slug) or abort(404)
    return render_template(
        "convenings/home.html",
        convening=convening,
        highlights=services.highlights(convening),
        window=registration_window(convening, utcnow()),
    )
