"""Public registration: the form, the confirmation and manage page, edit, cancel and a lost link."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import SelectChoice

from convening.badges.qr import qr_png
from convening.badges.services import badges_for, single_badge_pdf
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import limiter
from convening.forms import show_problems
from convening.problems import Refused
from convening.registration import services
from convening.registration.forms import AttendeeForm, CancelForm, RegistrationForm, ResendLinkForm
from convening.registration.models import Registration, RegistrationStatus
from convening.scheduling import choices
from convening.scheduling.forms import with_workshop_picks, workshop_picks
from convening.sqltypes import utcnow
from convening.text import clean_line, forbidden_characters
from convening.urls import external_url

bp = Blueprint("registration", __name__, url_prefix="/c/<slug:slug>")


def _registration_limit() -> str:
    """One allowance per address for registering and asking for links, so neither can flood mail."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _registration(slug: str, secret: str) -> tuple[Convening, Registration]:
    convening = _convening(slug)
    return convening, services.registration_by_secret(convening, secret) or abort(404)


def _private(response: Response) -> Response:
    """Manage pages hold a secret link: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _access_code() -> str:
    code = clean_line(request.values.get("access_code") or request.args.get("code") or "")
    return "" if len(code) > 64 or forbidden_characters(code) else code


@bp.route("/register", methods=["GET", "POST"])
@limiter.shared_limit(_registration_limit, scope="registration", methods=["POST"])
def register(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    now = utcnow()
    window = services.registration_window(convening, now)
    code = _access_code()
    code_accepted = bool(code) and services.code_unlocks_anything(convening, code)
    offered = services.offered_ticket_types(convening, code if code_accepted else "", now)
    availability = {t.id: services.availability(t) for t in offered}
    breakouts = choices.open_at_registration(convening.id, now=now) if window == services.Window.OPEN else []
    form = with_workshop_picks(RegistrationForm, breakouts)()
    form.ticket_type.choices = [SelectChoice(ticket_type.id, ticket_type.name) for ticket_type in offered]
    form.access_code.data = code if code_accepted else ""
    duplicate_email = None
    status = 200
    if request.method == "POST" and window == services.Window.OPEN:
        picks = workshop_picks(form, breakouts)
        valid = form.validate()
        problems = choices.pick_problems(breakouts, picks)
        show_problems(form, Refused(problems))
        if valid and not problems:
            ticket_type = next(t for t in offered if t.id == form.ticket_type.data)
            try:
                registration = services.register(
                    convening,
                    ticket_type,
                    form.details(),
                    now=now,
                    then=partial(choices.sign_up_at_registration, picks=picks, now=now),
                )
            except services.DuplicateRegistration as error:
                duplicate_email = error.email
                form.email.errors = [*form.email.errors, "This email already has a registration."]
            except Refused as error:
                show_problems(form, error)
            else:
                flash(REGISTERED_MESSAGES[registration.status], "success")
                if picks and (reason := choices.why_not(registration)):
                    flash(f"Your workshop picks were not kept. {reason}", "warning")
                return redirect(url_for(".manage", slug=slug, secret=registration.manage_secret), 303)
        status = 422
    return render_template(
        "registration/register.html",
        convening=convening,
        form=form,
        window=window,
        offered=offered,
        availability=availability,
        breakouts=breakouts,
        workshops_later={t.id for t in offered if not t.is_free or availability[t.id].waiting_list},
        code=code,
        code_rejected=bool(code) and not code_accepted,
        duplicate_email=duplicate_email,
    ), status


REGISTERED_MESSAGES = {
    RegistrationStatus.CONFIRMED: "You're registered! We've emailed your confirmation and QR code.",
    RegistrationStatus.PENDING_PAYMENT: "Your seat is held. We've emailed you what happens next for payment.",
    RegistrationStatus.WAITLISTED: "You're on the waiting list. We'll email you as soon as a seat opens.",
}


@bp.get("/r/<secret:secret>")
def manage(slug: str, secret: str) -> Response:
    convening, registration = _registration(slug, secret)
    return _private(
        make_response(
            render_template(
                "registration/manage.html",
                convening=convening,
                registration=registration,
                waiting_position=services.waiting_list_position(registration),
            )
        )
    )


@bp.get("/r/<secret:secret>/qr.png")
def qr_code(slug: str, secret: str) -> Response:
    _, registration = _registration(slug, secret)
    if registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    return _private(Response(qr_png(registration.badge_token), mimetype="image/png"))


@bp.get("/r/<secret:secret>/badge")
def my_badge(slug: str, secret: str) -> Response:
    """The badge as staff will print it, or why there is none yet; attendees check their name here."""
    convening, registration = _registration(slug, secret)
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    badge = badges_for(convening, [registration])[0] if confirmed else None
    return _private(
        make_response(
            render_template(
                "registration/my_badge.html", convening=convening, registration=registration, badge=badge
            )
        )
    )


@bp.get("/r/<secret:secret>/badge.pdf")
def my_badge_pdf(slug: str, secret: str) -> Response:
    """The attendee's own copy: drawn on request and not logged as printed, since staff still print theirs."""
    convening, registration = _registration(slug, secret)
    try:
        pdf = single_badge_pdf(convening, registration, agenda_url=external_url("program.agenda", slug=slug))
    except Refused:  # not confirmed (any more): the badge page says why
        return redirect(url_for(".my_badge", slug=slug, secret=secret), 303)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}-badge.pdf"'
    return _private(response)


@bp.route("/r/<secret:secret>/edit", methods=["GET", "POST"])
def edit(slug: str, secret: str) -> Response:
    convening, registration = _registration(slug, secret)
    if registration.status == RegistrationStatus.CANCELLED:
        flash("This registration is cancelled, so it can no longer be changed.", "error")
        return redirect(url_for(".manage", slug=slug, secret=secret), 303)
    form = AttendeeForm(obj=registration if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                services.update_details(registration, form.details())
            except services.DuplicateRegistration:
                form.email.errors = [*form.email.errors, "Another registration already uses this email."]
            else:
                flash("Your changes are saved.", "success")
                return redirect(url_for(".manage", slug=slug, secret=secret), 303)
        status = 422
    response = make_response(
        render_template("registration/edit.html", convening=convening, registration=registration, form=form),
        status,
    )
    return _private(response)


@bp.route("/r/<secret:secret>/cancel", methods=["GET", "POST"])
def cancel(slug: str, secret: str) -> Response:
    convening, registration = _registration(slug, secret)
    form = CancelForm()
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(url_for(".manage", slug=slug, secret=secret), 303)
    if form.validate_on_submit():
        services.cancel(registration)
        flash("Your registration is cancelled. We've emailed you a confirmation.", "success")
        return redirect(url_for(".manage", slug=slug, secret=secret), 303)
    return _private(
        make_response(
            render_template(
                "registration/cancel.html", convening=convening, registration=registration, form=form
            )
        )
    )


@bp.route("/lost-link", methods=["GET", "POST"])
@limiter.shared_limit(_registration_limit, scope="registration", methods=["POST"])
def lost_link(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = ResendLinkForm()
    if form.validate_on_submit():
        services.send_manage_link(convening, form.email.data)
        # The same answer whether or not the address is registered.
        flash(
            f"If {form.email.data} has a registration, its link is on its way. "
            "Check your inbox and spam folder.",
            "success",
        )
        return redirect(url_for(".lost_link", slug=slug), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("registration/lost_link.html", convening=convening, form=form), status
