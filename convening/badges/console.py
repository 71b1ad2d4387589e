"""Staff print badges: batches by role, ticket type or not yet printed, and one lost badge at the desk.

Each handler loads the convening (and the batch or registration: another convening's is a 404), checks the
role and calls one service from badges.services. A batch is drawn as a tracked job: starting one leads to
the job's progress page, which leads to the batch's page with its report and download once it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.badges import services
from convening.badges.console_forms import PrintForm, ReprintForm
from convening.badges.layouts import LAYOUTS
from convening.badges.models import BadgeBatch, BadgePrint, BatchStatus
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.problems import Refused
from convening.registration.models import Registration
from convening.registration.services import registration_in
from convening.urls import external_url

bp = Blueprint("badges_console", __name__, url_prefix="/staff/c/<slug:slug>/badges")


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _agenda_url(convening: Convening) -> str:
    return external_url("program.agenda", slug=convening.slug)


def _pdf(data: bytes, filename: str) -> Response:
    """A download that is never cached: badges carry names and check-in codes."""
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def index(slug: str) -> BaseResponse | tuple[str, int]:
    convening = _convening(slug)
    form = PrintForm(convening.ticket_types)
    if form.validate_on_submit():
        try:
            batch = services.start_batch(
                convening,
                form.selection(),
                layout=form.layout.data,
                crop_marks=form.wants_crop_marks(),
                agenda_url=_agenda_url(convening),
                actor=current_actor(),
            )
        except Refused as error:
            form.show(error)
        else:
            return redirect(url_for("jobs.show", job_id=batch.job_id), 303)
    return render_template(
        "badges/console/index.html",
        convening=convening,
        form=form,
        layouts=LAYOUTS,
        counts=services.print_counts(convening.id),
        batches=services.recent_batches(convening.id),
    ), 422 if form.is_submitted() else 200


@bp.get("/batches/<int:batch_id>")
@role_required(StaffRole.STAFF)
def batch(slug: str, batch_id: int) -> str:
    convening = _convening(slug)
    printed = owned_or_404(BadgeBatch, convening.id, batch_id)
    return render_template(
        "badges/console/batch.html",
        convening=convening,
        batch=printed,
        layout=LAYOUTS[printed.layout],
        unnamed=services.unnamed_registrations(printed),
    )


@bp.get("/batches/<int:batch_id>.pdf")
@role_required(StaffRole.STAFF)
def download(slug: str, batch_id: int) -> Response:
    convening = _convening(slug)
    printed = owned_or_404(BadgeBatch, convening.id, batch_id)
    if printed.status != BatchStatus.READY or not printed.pdf:
        abort(404)
    return _pdf(printed.pdf, f"badges-{slug}-{printed.id}-{printed.layout}.pdf")


@bp.post("/registrations/<int:registration_id>/print")
@role_required(StaffRole.STAFF)
def reprint(slug: str, registration_id: int) -> BaseResponse:
    """A lost badge, drawn at once: the PDF, or back to the registration with what stood in the way."""
    convening = _convening(slug)
    registration = registration_in(convening.id, registration_id) or abort(404)
    layout = ReprintForm().layout.data or ""  # CSRFProtect has checked the token
    try:
        pdf = services.reprint(
            convening,
            registration,
            agenda_url=_agenda_url(convening),
            layout=layout,
            actor=current_actor(),
        )
    except Refused as error:
        flash(" ".join(error.problems.values()), "error")
        return redirect(
            url_for("registration_console.detail", slug=slug, registration_id=registration.id), 303
        )
    return _pdf(pdf, f"badge-{slug}-{registration.id}-{layout}.pdf")


@dataclass(frozen=True)
class BadgePanel:
    """What a registration's page in the console shows about its badge: the print form and the last print."""

    form: ReprintForm
    last: BadgePrint | None


@bp.app_template_global("badge_panel")
def badge_panel(registration: Registration) -> BadgePanel:
    """For templates/registration/console/detail.html, whose view belongs to the registrations console."""
    return BadgePanel(ReprintForm(formdata=None), services.last_printed(registration.id))
