"""The public sponsors page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from convening.convenings import services

bp = Blueprint("sponsors", __name__)


@bp.get("/c/<slug:slug>/sponsors")
def index(slug: str) -> str:
    convening = services.by_slug(slug) or abort(404)
    return render_template(
        "sponsors/index.html", convening=convening, tiers=services.sponsor_tiers(convening.id)
    )
