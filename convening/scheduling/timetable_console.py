"""Automatic timetabling in the console: a proposal beside the program as it stands, with the clashes
before and after, applied only when staff choose to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("timetable_console", __name__, url_prefix="/staff/c/<slug:slug>/timetable")
