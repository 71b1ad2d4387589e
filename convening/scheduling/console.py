"""Staff run the breakouts: each slot's sign-up mode and deadline, workshop rosters and waiting lists, moves
and locks by hand, and the assignment of ranked choices, run as a job and published when staff agree."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("breakouts_console", __name__, url_prefix="/staff/c/<slug:slug>/breakouts")
