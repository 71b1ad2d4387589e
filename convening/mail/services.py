"""Queueing and delivering email.

Messages are rendered and written to the outbox inside the caller's transaction; once that transaction
commits, each is handed to a job that sends it over SMTP. Without SMTP settings a message stays queued
and is written to the log, so nothing is lost and `flask mail send-queued` can send it later.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from convening import jobs
from convening.badges.qr import qr_png
from convening.extensions import db
from convening.mail.models import OutboxMessage, OutboxStatus
from convening.sqltypes import utcnow

log = logging.getLogger(__name__)
QR_CID = "badge-qr"


def queue_email(
    *,
    to: str,
    template: str,
    kind: str,
    context: dict[str, Any],
    convening_id: int | None = None,
    registration_id: int | None = None,
    qr_token: str | None = None,
) -> OutboxMessage:
    """Render mail/<template>.txt and .html and add the message to the session (the caller commits)."""
    context = {**context, "qr_cid": QR_CID if qr_token else None}
    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    message = OutboxMessage(
        convening_id=convening_id,
        registration_id=registration_id,
        kind=kind,
        to_address=to,
        subject=" ".join(subject.split()),
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=render_template(f"mail/{template}.html", subject=subject, **context),
        qr_token=qr_token,
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">") or None)
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
        if message.qr_token:
            html_part = email.get_payload()[-1]
            html_part.add_related(
                qr_png(message.qr_token),
                maintype="image",
                subtype="png",
                cid=f"<{QR_CID}>",
                filename="badge-qr.png",
                disposition="inline",
            )
    return email


def deliver(message_id: int) -> OutboxStatus | None:
    """Send one queued message; records the failure on the message rather than raising."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status == OutboxStatus.SENT:
        return None if message is None else message.status
    config = current_app.config
    if not config["SMTP_HOST"]:
        log.info(
            "SMTP_HOST is not set; message %s stays in the outbox.\nTo: %s\nSubject: %s\n\n%s",
            message.id,
            message.to_address,
            message.subject,
            message.body_text,
        )
        return message.status
    message.attempts += 1
    try:
        _send_smtp(build_email(message, config["MAIL_FROM"]), config)
    except (OSError, smtplib.SMTPException) as error:
        message.status = OutboxStatus.FAILED
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        log.warning("sending message %s to %s failed: %s", message.id, message.to_address, error)
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.last_error = ""
    db.session.commit()
    return message.status


def _send_smtp(email: EmailMessage, config: dict[str, Any]) -> None:
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    security = config["SMTP_SECURITY"]
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(email)


def queued_message_ids(*, include_failed: bool = False) -> list[int]:
    statuses = [OutboxStatus.QUEUED, OutboxStatus.FAILED] if include_failed else [OutboxStatus.QUEUED]
    query = select(OutboxMessage.id).where(OutboxMessage.status.in_(statuses)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


# Hand new outbox messages to the job runner once, and only once, their transaction has committed, and only
# after the session has given its connection back: an eager job needs a connection of its own.
_PENDING_KEY = "convening_outbox_pending"
_COMMITTED_KEY = "convening_outbox_committed"


@event.listens_for(Session, "after_flush")
def _collect_new_messages(session: Session, _context: object) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault(_PENDING_KEY, []).extend(new)


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    session.info.setdefault(_COMMITTED_KEY, []).extend(session.info.pop(_PENDING_KEY, []))


@event.listens_for(Session, "after_rollback")
def _forget_new_messages(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _dispatch_committed(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for message_id in session.info.pop(_COMMITTED_KEY, []):
        try:
            jobs.enqueue(deliver, message_id)
        except Exception:  # a down queue must not turn a saved registration into an error page
            log.exception("could not enqueue delivery of message %s; it stays queued", message_id)
