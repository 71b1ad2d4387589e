"""`flask --app convening schedule ...`: the breakout assignment and automatic timetabling."""

from __future__ import annotations

from flask.cli import AppGroup

schedule_cli = AppGroup("schedule", help="Breakout workshops: the assignment and automatic timetabling.")
