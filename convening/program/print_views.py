"""The printable agenda as PDF."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agenda_print", __name__)
