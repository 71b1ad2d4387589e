"""The program grid: days by rooms by slots, with the warnings a schedule editor gives."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("program_grid", __name__, url_prefix="/staff/c/<slug:slug>/program/grid")
