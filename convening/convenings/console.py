"""Admins edit a convening's settings and its ticket types."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.audit.services import history
from convening.convenings import services
from convening.convenings.console_forms import ConveningSettingsForm, TicketTypeForm
from convening.convenings.models import Convening
from convening.forms import move_as_posted, show_problems
from convening.problems import Refused
from convening.registration.models import Registration, TicketType

bp = Blueprint("convening_settings", __name__, url_prefix="/staff/c/<slug:slug>")


def _convening(slug: str) -> Convening:
    return services.by_slug(slug) or abort(404)


def _saved(what: str, promoted: list[Registration]) -> None:
    if not promoted:
        flash(f"{what} saved.", "success")
        return
    people = "1 person" if len(promoted) == 1 else f"{len(promoted)} people"
    flash(f"{what} saved. {people} on the waiting list got a seat and were emailed.", "success")


@bp.route("/settings", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def edit(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = (
        ConveningSettingsForm(convening) if request.method == "POST" else ConveningSettingsForm.of(convening)
    )
    if form.validate_on_submit():
        try:
            promoted = services.update_settings(convening, form.settings(), actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            _saved("Settings", promoted)
            return redirect(url_for(".edit", slug=slug), 303)
    return render_template(
        "convenings/console/settings.html",
        convening=convening,
        form=form,
        history=history("convening", convening.id),
    ), 422 if request.method == "POST" else 200


@bp.get("/ticket-types")
@role_required(StaffRole.ADMIN)
def ticket_types(slug: str) -> str:
    convening = _convening(slug)
    return render_template("convenings/console/ticket_types.html", convening=convening)


@bp.route("/ticket-types/new", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def ticket_type_new(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = TicketTypeForm(convening)
    if form.validate_on_submit():
        try:
            ticket_type = services.add_ticket_type(convening, form.settings(), actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added the ticket type {ticket_type.name}.", "success")
            return redirect(url_for(".ticket_types", slug=slug), 303)
    return render_template(
        "convenings/console/ticket_type.html", convening=convening, form=form, ticket_type=None
    ), 422 if request.method == "POST" else 200


@bp.route("/ticket-types/<int:ticket_type_id>", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def ticket_type_edit(slug: str, ticket_type_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    ticket_type = owned_or_404(TicketType, convening.id, ticket_type_id)
    form = TicketTypeForm(convening) if request.method == "POST" else TicketTypeForm.of(ticket_type)
    if form.validate_on_submit():
        try:
            promoted = services.update_ticket_type(ticket_type, form.settings(), actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            _saved(f"Ticket type {ticket_type.name}", promoted)
            return redirect(url_for(".ticket_types", slug=slug), 303)
    return render_template(
        "convenings/console/ticket_type.html",
        convening=convening,
        form=form,
        ticket_type=ticket_type,
        history=history("ticket_type", ticket_type.id),
    ), 422 if request.method == "POST" else 200


@bp.post("/ticket-types/<int:ticket_type_id>/move")
@role_required(StaffRole.ADMIN)
def ticket_type_move(slug: str, ticket_type_id: int) -> Response:
    convening = _convening(slug)
    ticket_type = owned_or_404(TicketType, convening.id, ticket_type_id)
    move_as_posted(lambda offset: services.move_ticket_type(ticket_type, offset, actor=current_actor()))
    return redirect(url_for(".ticket_types", slug=slug, _anchor=f"ticket-type-{ticket_type_id}"), 303)


@bp.post("/ticket-types/<int:ticket_type_id>/delete")
@role_required(StaffRole.ADMIN)
def ticket_type_delete(slug: str, ticket_type_id: int) -> Response:
    convening = _convening(slug)
    ticket_type = owned_or_404(TicketType, convening.id, ticket_type_id)
    name = ticket_type.name
    try:
        services.delete_ticket_type(ticket_type, actor=current_actor())
    except Refused as error:
        flash(str(error), "error")
        return redirect(url_for(".ticket_type_edit", slug=slug, ticket_type_id=ticket_type_id), 303)
    flash(f"Deleted the ticket type {name}.", "success")
    return redirect(url_for(".ticket_types", slug=slug), 303)
