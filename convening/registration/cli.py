"""`flask --app convening registrations ...`: registrations in and out from the command line."""

from __future__ import annotations

from flask.cli import AppGroup

registrations_cli = AppGroup("registrations", help="Import and export registrations.")
