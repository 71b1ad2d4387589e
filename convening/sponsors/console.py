"""Staff manage sponsors and their tiers, in the order they are acknowledged."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sponsors_console", __name__, url_prefix="/staff/c/<slug:slug>/sponsors")
