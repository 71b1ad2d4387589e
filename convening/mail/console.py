"""The email outbox: what is queued, sent and failed, with retry."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.mail import services
from convening.mail.models import OutboxMessage, OutboxStatus

bp = Blueprint("outbox", __name__, url_prefix="/staff/c/<slug:slug>/outbox")

NOT_CONFIGURED = (
    "Nothing was sent: this server has no SMTP_HOST setting, so email stays queued in the outbox. "
    "Ask whoever runs the server to set SMTP_HOST (the README says how); then send it again from here."
)


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _message(convening: Convening, message_id: int) -> OutboxMessage:
    return services.outbox_message(convening.id, message_id) or abort(404)


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 7 else 1


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    wanted = request.args.get("status", "")
    status = OutboxStatus(wanted) if wanted in set(OutboxStatus) else None
    return render_template(
        "mail/console/outbox.html",
        convening=convening,
        status=status,
        counts=services.outbox_counts(convening.id),
        page=services.outbox_page(convening.id, status, _page_number(request.args.get("page"))),
        smtp_configured=services.smtp_configured(),
    )


@bp.get("/<int:message_id>")
@role_required(StaffRole.STAFF)
def message(slug: str, message_id: int) -> str:
    convening = _convening(slug)
    return render_template(
        "mail/console/message.html",
        convening=convening,
        message=_message(convening, message_id),
        smtp_configured=services.smtp_configured(),
    )


@bp.post("/<int:message_id>/retry")
@role_required(StaffRole.STAFF)
def retry(slug: str, message_id: int) -> Response:
    convening = _convening(slug)
    message = _message(convening, message_id)
    if message.status == OutboxStatus.SENT:
        flash("This email was already sent; there is nothing to retry.", "info")
        return redirect(url_for(".message", slug=slug, message_id=message_id), 303)
    try:
        outcome = services.retry(message, actor=current_actor())
    except services.MailNotConfigured:
        flash(NOT_CONFIGURED, "error")
    else:
        if outcome == OutboxStatus.SENT:
            flash(f"Sent to {message.to_address}.", "success")
        else:
            flash(
                f"Sending to {message.to_address} failed again: {message.last_error} "
                "Check the address and the SMTP settings, then try again.",
                "error",
            )
    return redirect(url_for(".message", slug=slug, message_id=message_id), 303)


@bp.post("/retry-failed")
@role_required(StaffRole.STAFF)
def retry_failed(slug: str) -> Response:
    convening = _convening(slug)
    try:
        outcomes = services.retry_failed(convening.id, actor=current_actor())
    except services.MailNotConfigured:
        flash(NOT_CONFIGURED, "error")
    else:
        flash(*_retry_report(outcomes))
    return redirect(url_for(".index", slug=slug), 303)


def _retry_report(outcomes: dict[OutboxStatus, int]) -> tuple[str, str]:
    """What a retry of every failed message came to, as a notice and its kind."""
    total = sum(outcomes.values())
    if not total:
        return "No failed email to send again.", "info"
    sent, failed = outcomes.get(OutboxStatus.SENT, 0), outcomes.get(OutboxStatus.FAILED, 0)
    queued = outcomes.get(OutboxStatus.QUEUED, 0)
    parts = [f"{sent} sent"] + ([f"{failed} failed again"] if failed else [])
    parts += [f"{queued} on the way (refresh in a minute)"] if queued else []
    emails = "1 failed email" if total == 1 else f"{total} failed emails"
    advice = " Open a failed one to see why." if failed else ""
    return f"Sent {emails} again: {', '.join(parts)}.{advice}", "error" if failed else "success"
