"""`flask --app convening badges ...`: print runs from the command line."""

from __future__ import annotations

from flask.cli import AppGroup

badges_cli = AppGroup("badges", help="Print badges.")
