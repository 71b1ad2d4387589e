"""Staff work on registrations: the list, one registration, its edits and actions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registration_console", __name__, url_prefix="/staff/c/<slug:slug>/registrations")
