"""Staff manage speakers: their details, photos and links."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("speakers_console", __name__, url_prefix="/staff/c/<slug:slug>/speakers")
