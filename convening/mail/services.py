"""Queueing and delivering email.

Messages are rendered and written to the outbox inside the caller's transaction; once that transaction
commits, each is handed to a job that sends it over SMTP. Without SMTP settings a message stays queued
and is written to the log, so nothing is lost and `flask mail send-queued` can send it later.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session, SessionTransaction

from convening import jobs
from convening.audit.services import Actor, record
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


# A claim older than this is taken to be from a worker that died while sending.
STALE_CLAIM = timedelta(minutes=15)


def deliver(message_id: int) -> OutboxStatus | None:
    """Send one queued or failed message; records a failure on the message rather than raising.

    The message is first claimed with a conditional UPDATE, so two workers (a retry racing the queue, two
    send-queued runs) never send it twice.
    """
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
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
    now = utcnow()
    claimable = or_(
        OutboxMessage.status.in_([OutboxStatus.QUEUED, OutboxStatus.FAILED]),
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.attempted_at < now - STALE_CLAIM),
    )
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, claimable)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, attempted_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    db.session.refresh(message)
    if not claimed:
        return message.status
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


# --- the staff outbox ---------------------------------------------------------------------------------


class MailNotConfigured(RuntimeError):
    """Sending was asked for, but without SMTP_HOST mail can only wait in the outbox."""


def smtp_configured() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def outbox_counts(convening_id: int) -> dict[OutboxStatus, int]:
    """Messages of a convening per status, every status present (zero when none)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.convening_id == convening_id)
        .group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    total: int
    page: int
    pages: int


def outbox_page(
    convening_id: int, status: OutboxStatus | None, page: int, *, per_page: int = 50
) -> OutboxPage:
    """One page of a convening's messages, newest first, of one status or all."""
    query = select(OutboxMessage).where(OutboxMessage.convening_id == convening_id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    messages = db.session.scalars(
        query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return OutboxPage(list(messages), total, page, pages)


def outbox_message(convening_id: int, message_id: int) -> OutboxMessage | None:
    message = db.session.get(OutboxMessage, message_id)
    return message if message is not None and message.convening_id == convening_id else None


def retry(message: OutboxMessage, *, actor: Actor) -> OutboxStatus:
    """Send a failed or still queued message now, in this request, and return how that went.

    The request is recorded before the attempt, so the audit log shows who asked even if sending hangs;
    a message being sent right now is left to the worker sending it.
    """
    if message.status in (OutboxStatus.SENT, OutboxStatus.SENDING):
        return message.status
    if not smtp_configured():
        raise MailNotConfigured
    record(
        actor,
        "mail.retry",
        "outbox_message",
        message.id,
        f"Asked to send the {message.kind.replace('_', ' ')} email to {message.to_address} again",
        convening_id=message.convening_id,
    )
    db.session.commit()
    return deliver(message.id) or OutboxStatus.QUEUED


def retry_failed(convening_id: int, *, actor: Actor) -> dict[OutboxStatus, int]:
    """Put every failed message of the convening back in the queue and hand each to a job.

    Returns what became of them by the time this returns: with jobs in the background most are still
    queued; the page shows them as sent once they go out. A second press finds nothing left to retry.
    """
    if not smtp_configured():
        raise MailNotConfigured
    ids = list(
        db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.convening_id == convening_id, OutboxMessage.status == OutboxStatus.FAILED)
            .values(status=OutboxStatus.QUEUED)
            .returning(OutboxMessage.id),
            execution_options={"synchronize_session": False},
        )
    )
    if not ids:
        db.session.rollback()
        return {}
    record(
        actor,
        "mail.retry_failed",
        "convening",
        convening_id,
        f"Asked to send {len(ids)} failed {'email' if len(ids) == 1 else 'emails'} again",
        convening_id=convening_id,
        changes={"messages": len(ids)},
    )
    db.session.commit()
    for message_id in ids:
        try:
            jobs.enqueue(deliver, message_id)
        except Exception:  # a down queue leaves the message queued for `flask mail send-queued`
            log.exception("could not enqueue delivery of message %s; it stays queued", message_id)
    outcomes = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(ids)))
    return dict(Counter(outcomes))
