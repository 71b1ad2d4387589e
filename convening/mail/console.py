"""The email outbox: what is queued, sent and failed, with retry."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/staff/c/<slug:slug>/outbox")
