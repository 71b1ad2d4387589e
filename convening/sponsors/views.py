"""The public sponsors page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sponsors", __name__)
