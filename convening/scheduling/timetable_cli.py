"""`flask --app convening schedule timetable`: attached to the schedule group of scheduling/cli.py."""

from __future__ import annotations

from convening.scheduling.cli import schedule_cli  # noqa: F401 - its commands are added here
