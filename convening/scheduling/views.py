"""Attendees' breakout workshops, from their private link: pick one per slot, wait for a full one, or rank
choices until the slot's deadline; and star the workshops they would like before the timetable is set."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workshops", __name__, url_prefix="/c/<slug:slug>/r/<secret:secret>/workshops")
