"""The staff console's front door: the convenings to work on, and each one's dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select

from convening.accounts.access import role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.sqltypes import utcnow
from convening.staff import services

bp = Blueprint("staff", __name__, url_prefix="/staff")


@dataclass(frozen=True)
class ConsoleLink:
    """A section of a convening's console, shown in the navigation to roles that may open it."""

    endpoint: str
    label: str
    role: StaffRole
    current_prefix: str  # the endpoints (by prefix) during which this link is the current page


CONSOLE_LINKS = (
    ConsoleLink("registration_console.index", "Registrations", StaffRole.STAFF, "registration_console."),
    ConsoleLink("registration_imports.index", "Import", StaffRole.STAFF, "registration_imports."),
    ConsoleLink("badges_console.index", "Badges", StaffRole.STAFF, "badges_console."),
    ConsoleLink("checkin_console.dashboard", "Check-in", StaffRole.VOLUNTEER, "checkin_console.dashboard"),
    ConsoleLink("checkin_console.index", "Stations", StaffRole.STAFF, "checkin_console.index"),
    ConsoleLink("breakouts_console.index", "Breakouts", StaffRole.STAFF, "breakouts_console."),
    ConsoleLink("program_grid.index", "Program grid", StaffRole.STAFF, "program_grid."),
    ConsoleLink("timetable_console.index", "Timetable", StaffRole.STAFF, "timetable_console."),
    ConsoleLink("program_console.index", "Program", StaffRole.STAFF, "program_console."),
    ConsoleLink("speakers_console.index", "Speakers", StaffRole.STAFF, "speakers_console."),
    ConsoleLink("sponsors_console.index", "Sponsors", StaffRole.STAFF, "sponsors_console."),
    ConsoleLink("outbox.index", "Email outbox", StaffRole.STAFF, "outbox."),
    ConsoleLink("convening_settings.edit", "Settings", StaffRole.ADMIN, "convening_settings.edit"),
    ConsoleLink(
        "convening_settings.ticket_types", "Ticket types", StaffRole.ADMIN, "convening_settings.ticket"
    ),
)


@bp.app_context_processor
def _console_navigation() -> dict[str, object]:
    """The sections that exist in this build (a link is listed once its page is registered)."""
    return {
        "console_links": [link for link in CONSOLE_LINKS if link.endpoint in current_app.view_functions],
        "staff_role": StaffRole,
    }


@bp.get("/")
@role_required(StaffRole.VOLUNTEER)
def home() -> str:
    convenings = db.session.scalars(select(Convening).order_by(Convening.starts_on.desc())).all()
    return render_template("staff/home.html", convenings=convenings)


@bp.get("/c/<slug:slug>/")
@role_required(StaffRole.STAFF)
def dashboard(slug: str) -> str:
    convening = by_slug(slug) or abort(404)
    return render_template(
        "staff/dashboard.html", convening=convening, figures=services.dashboard(convening, utcnow())
    )
