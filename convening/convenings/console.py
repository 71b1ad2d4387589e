"""Admins edit a convening's settings and its ticket types."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("convening_settings", __name__, url_prefix="/staff/c/<slug:slug>")
