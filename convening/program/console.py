"""Staff build the program: rooms, tracks, time slots and sessions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("program_console", __name__, url_prefix="/staff/c/<slug:slug>/program")
