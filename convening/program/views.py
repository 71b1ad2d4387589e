"""Public program pages: the agenda, each session, the speakers; the agenda as ICS and JSON."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("program", __name__)
