"""`flask convening ...`: a convening's setup as a file, so next year's meeting starts from this year's."""

from __future__ import annotations

from flask.cli import AppGroup

convening_cli = AppGroup("convening", help="Export and import a convening's setup (not its registrations).")
