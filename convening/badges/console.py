"""Staff print badges: batches by role, ticket type or not yet printed, and one lost badge at the desk."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("badges_console", __name__, url_prefix="/staff/c/<slug:slug>/badges")
