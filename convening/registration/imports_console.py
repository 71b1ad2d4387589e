"""Registrations in and out as CSV: the export, and imports checked row by row before saving."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registration_imports", __name__, url_prefix="/staff/c/<slug:slug>")
