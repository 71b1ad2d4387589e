"""Staff work on registrations: the list, one registration, its edits and actions.

Every handler has the same shape: load the convening and the registration (another convening's is a 404),
check the role, call one service, then redirect with a message or render. Actions are POSTs that answer
303 to the registration's page; the services commit once, with the audit entry and any email.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, role_required
from convening.accounts.models import StaffRole
from convening.audit.services import history
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.registration import services
from convening.registration.console_forms import (
    ListQuery,
    NoteForm,
    RegistrationSearchForm,
    StaffAttendeeForm,
)
from convening.registration.models import Registration, RegistrationStatus
from convening.urls import external_url

bp = Blueprint("registration_console", __name__, url_prefix="/staff/c/<slug:slug>/registrations")

PER_PAGE = 50
EXPORT_ENDPOINT = "registration_imports.export"


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _registration(slug: str, registration_id: int) -> tuple[Convening, Registration]:
    convening = _convening(slug)
    return convening, services.registration_in(convening.id, registration_id) or abort(404)


def _back(convening: Convening, registration: Registration) -> Response:
    return redirect(url_for(".detail", slug=convening.slug, registration_id=registration.id), 303)


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    form = RegistrationSearchForm(request.args, convening.ticket_types)
    form.validate()
    query = ListQuery.parse(request.args, form.wanted())
    result = services.registration_page(
        convening.id,
        query.wanted,
        sort=query.order.key,
        descending=query.order.descending,
        page=query.page,
        per_page=PER_PAGE,
    )
    export_url = (
        url_for(EXPORT_ENDPOINT, slug=slug, **query.filter_args())
        if EXPORT_ENDPOINT in current_app.view_functions
        else None
    )
    return render_template(
        "registration/console/index.html",
        convening=convening,
        form=form,
        query=query,
        result=result,
        page_numbers=page_numbers(result.page, result.pages),
        export_url=export_url,
    )


def page_numbers(current: int, pages: int, around: int = 2) -> list[int | None]:
    """The pages the pager links to: the first, the last and a few around the current; None is a gap.

    A gap of a single page shows that page instead: "1 2 3", never "1 … 3".
    """
    numbers: list[int | None] = []
    previous = 0
    for number in sorted({1, pages, *range(max(1, current - around), min(pages, current + around) + 1)}):
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@bp.get("/<int:registration_id>")
@role_required(StaffRole.STAFF)
def detail(slug: str, registration_id: int) -> str:
    convening, registration = _registration(slug, registration_id)
    return _render_detail(convening, registration, NoteForm())


def _render_detail(convening: Convening, registration: Registration, note_form: NoteForm) -> str:
    return render_template(
        "registration/console/detail.html",
        convening=convening,
        registration=registration,
        waiting_position=services.waiting_list_position(registration),
        manage_url=external_url(
            "registration.manage", slug=convening.slug, secret=registration.manage_secret
        ),
        notes=services.staff_notes(registration.id),
        note_form=note_form,
        history=history("registration", registration.id),
    )


@bp.route("/<int:registration_id>/edit", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def edit(slug: str, registration_id: int) -> Response | tuple[str, int]:
    convening, registration = _registration(slug, registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        flash("This registration is cancelled, so its details stay as they were.", "error")
        return _back(convening, registration)
    form = StaffAttendeeForm.of(registration) if request.method == "GET" else StaffAttendeeForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                services.update_details(registration, form.details(), actor=current_actor())
            except services.DuplicateRegistration as error:
                form.email.errors = [
                    *form.email.errors,
                    f"Another active registration already uses {error.email}. Search the list for it.",
                ]
            else:
                flash(f"Saved the details of {registration.full_name}.", "success")
                return _back(convening, registration)
        status = 422
    return render_template(
        "registration/console/edit.html", convening=convening, registration=registration, form=form
    ), status


@bp.route("/<int:registration_id>/cancel", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def cancel(slug: str, registration_id: int) -> Response | str:
    """A page that says what cancelling does, and its button; the seat goes to the waiting list."""
    convening, registration = _registration(slug, registration_id)
    if registration.status == RegistrationStatus.CANCELLED:
        flash("This registration was already cancelled.", "info")
        return _back(convening, registration)
    if request.method == "POST":
        promoted = services.cancel(registration, actor=current_actor())
        message = f"Cancelled the registration of {registration.full_name}; they have been emailed."
        for person in promoted:
            message += f" {person.full_name} gets the seat from the waiting list and has been emailed."
        flash(message, "success")
        return _back(convening, registration)
    return render_template(
        "registration/console/cancel.html",
        convening=convening,
        registration=registration,
        waiting_position=services.waiting_list_position(registration),
    )


@bp.post("/<int:registration_id>/confirm")
@role_required(StaffRole.STAFF)
def confirm(slug: str, registration_id: int) -> Response:
    convening, registration = _registration(slug, registration_id)
    try:
        services.confirm_from_waiting_list(registration, actor=current_actor())
    except services.ActionRefused as error:
        flash(str(error), "error")
    else:
        outcome = (
            "is confirmed"
            if registration.status == RegistrationStatus.CONFIRMED
            else "has a seat held until payment"
        )
        flash(f"{registration.full_name} {outcome} and has been emailed.", "success")
    return _back(convening, registration)


@bp.post("/<int:registration_id>/paid")
@role_required(StaffRole.STAFF)
def mark_paid(slug: str, registration_id: int) -> Response:
    convening, registration = _registration(slug, registration_id)
    try:
        services.mark_paid(registration, actor=current_actor())
    except services.ActionRefused as error:
        flash(str(error), "error")
    else:
        flash(
            f"Marked as paid: {registration.full_name} is confirmed and has their QR code by email.",
            "success",
        )
    return _back(convening, registration)


@bp.post("/<int:registration_id>/resend")
@role_required(StaffRole.STAFF)
def resend(slug: str, registration_id: int) -> Response:
    convening, registration = _registration(slug, registration_id)
    try:
        services.resend_confirmation(registration, actor=current_actor())
    except services.ActionRefused as error:
        flash(str(error), "error")
    else:
        flash(f"The email is on its way again to {registration.email}.", "success")
    return _back(convening, registration)


@bp.post("/<int:registration_id>/notes")
@role_required(StaffRole.STAFF)
def add_note(slug: str, registration_id: int) -> Response | tuple[str, int]:
    convening, registration = _registration(slug, registration_id)
    form = NoteForm()
    if not form.validate():
        return _render_detail(convening, registration, form), 422
    services.add_note(registration, form.body.data, actor=current_actor())
    flash("Note added.", "success")
    return _back(convening, registration)
