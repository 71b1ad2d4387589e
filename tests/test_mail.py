"""Email goes out over real SMTP with a scannable QR code, and is never lost when SMTP is missing or down."""

from __future__ import annotations

import io
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from conftest import SmtpSink, attendee, free_port, seed_convening, submit
from convening import jobs
from convening.extensions import db
from convening.mail.models import OutboxMessage, OutboxStatus
from convening.mail.services import deliver
from convening.models import Registration
from convening.sqltypes import utcnow

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def register(client: FlaskClient, ticket_id: int, **overrides: object):
    return submit(client, "/c/summit/register", {"ticket_type": ticket_id, **attendee(**overrides)})


def subject(email: EmailMessage) -> str:
    """The subject as a mail client shows it (a long one is folded onto its own header line)."""
    return str(email["Subject"]).strip()


def stored_messages(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def registration(app: Flask, email: str) -> Registration:
    with app.app_context():
        return db.session.scalars(select(Registration).where(Registration.email == email)).one()


def test_confirmation_arrives_with_the_qr_code_and_the_manage_link(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    seeded = seed_convening(app)
    register(client, seeded.tickets["Elected official"], first_name="Nguyễn Thị Minh Khai", family_name="")
    [email] = smtp.wait_for(1)
    person = registration(app, "hector.ramirez@example.org")

    assert email["To"] == "hector.ramirez@example.org"
    assert email["From"] == "Convening <hello@convening.test>"
    assert subject(email) == "You're registered for National Convening of Local Leaders"
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "Hello Nguyễn Thị Minh Khai," in text
    assert f"http://convening.test/c/summit/r/{person.manage_secret}" in text
    assert person.badge_token in text

    html = email.get_body(preferencelist=("html",))
    assert 'src="cid:badge-qr"' in html.get_content()
    [image] = [part for part in email.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<badge-qr>"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert [code.text for code in decoded] == [person.badge_token]

    [stored] = stored_messages(app)
    assert (stored.status, stored.attempts, stored.kind) == (OutboxStatus.SENT, 1, "confirmed")
    assert stored.sent_at is not None


def test_waiting_list_and_promotion_emails_arrive(app: Flask, client: FlaskClient, smtp: SmtpSink) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ticket = seeded.tickets["Elected official"]
    register(client, ticket, email="first@example.org")
    register(client, ticket, email="second@example.org")
    smtp.wait_for(2)
    [waitlisted] = smtp.to("second@example.org")
    assert subject(waitlisted) == "You're on the waiting list for National Convening of Local Leaders"
    assert (
        "you are on the waiting list, number 1"
        in waitlisted.get_body(preferencelist=("plain",)).get_content()
    )
    assert not [part for part in waitlisted.walk() if part.get_content_type() == "image/png"]

    first = registration(app, "first@example.org")
    submit(client, f"/c/summit/r/{first.manage_secret}/cancel", {})
    smtp.wait_for(4)
    [cancelled] = [m for m in smtp.to("first@example.org") if "cancelled" in subject(m)]
    assert subject(cancelled) == "Your registration for National Convening of Local Leaders is cancelled"
    [_, promoted] = smtp.to("second@example.org")
    assert subject(promoted) == "A seat opened up: you're registered for National Convening of Local Leaders"
    [image] = [part for part in promoted.walk() if part.get_content_type() == "image/png"]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert [code.text for code in decoded] == [registration(app, "second@example.org").badge_token]


def test_html_email_escapes_what_people_typed(app: Flask, client: FlaskClient, smtp: SmtpSink) -> None:
    seeded = seed_convening(app)
    register(client, seeded.tickets["Elected official"], first_name='<img src=x onerror="alert(1)">')
    [email] = smtp.wait_for(1)
    html = email.get_body(preferencelist=("html",)).get_content()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html


def test_without_smtp_mail_stays_in_the_outbox_and_is_logged(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = seed_convening(app)
    with caplog.at_level(logging.INFO, logger="convening.mail.services"):
        register(client, seeded.tickets["Elected official"])
    [stored] = stored_messages(app)
    assert stored.status == OutboxStatus.QUEUED
    assert "You're registered for National Convening of Local Leaders" in caplog.text
    assert "hector.ramirez@example.org" in caplog.text


def test_a_failed_send_is_recorded_and_sent_later_from_the_command_line(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    seeded = seed_convening(app)
    working_port = smtp.port
    app.config["SMTP_PORT"] = free_port()
    response = register(client, seeded.tickets["Elected official"])
    assert response.status_code == 303  # the registration stands even though mail is down
    [stored] = stored_messages(app)
    assert stored.status == OutboxStatus.FAILED
    assert stored.attempts == 1
    assert "Connection refused" in stored.last_error

    app.config["SMTP_PORT"] = working_port
    result = app.test_cli_runner().invoke(args=["mail", "send-queued"])
    assert "0 messages" in result.output  # failed ones wait for an explicit retry
    result = app.test_cli_runner().invoke(args=["mail", "send-queued", "--include-failed"])
    assert result.exit_code == 0, result.output
    assert "1 messages: 1 sent, 0 failed, 0 still queued." in result.output
    [email] = smtp.wait_for(1)
    assert email["To"] == "hector.ramirez@example.org"
    [stored] = stored_messages(app)
    assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 2, "")


def test_mail_queued_without_smtp_goes_out_once_smtp_is_configured(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    seeded = seed_convening(app)
    smtp_host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None
    register(client, seeded.tickets["Elected official"])
    app.config["SMTP_HOST"] = smtp_host
    result = app.test_cli_runner().invoke(args=["mail", "send-queued"])
    assert "1 messages: 1 sent" in result.output
    assert len(smtp.wait_for(1)) == 1


def test_in_process_jobs_send_after_the_response(app: Flask, client: FlaskClient, smtp: SmtpSink) -> None:
    """Without Redis, delivery runs on a background thread of the web process."""
    seeded = seed_convening(app)
    app.config["JOBS_EAGER"] = False
    register(client, seeded.tickets["Elected official"])
    assert len(smtp.wait_for(1)) == 1
    deadline = time.monotonic() + 10
    while stored_messages(app)[0].status != OutboxStatus.SENT and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stored_messages(app)[0].status == OutboxStatus.SENT


def test_with_redis_delivery_is_a_job_on_an_rq_worker(
    app: Flask, client: FlaskClient, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = Redis.from_url(REDIS_TEST_URL)
    connection.flushdb()
    seeded = seed_convening(app)
    app.config.update(JOBS_EAGER=False, REDIS_URL=REDIS_TEST_URL)
    register(client, seeded.tickets["Elected official"])
    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 1
    assert stored_messages(app)[0].status == OutboxStatus.QUEUED

    # The worker builds its own app from the environment, as `flask --app convening worker` does.
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "MAIL_FROM", "REDIS_URL", "PUBLIC_URL"):
        monkeypatch.setenv(name, str(app.config[name]))
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setattr(jobs, "_worker_app", None)
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert len(smtp.wait_for(1)) == 1
    assert stored_messages(app)[0].status == OutboxStatus.SENT
    connection.flushdb()


def test_a_message_is_sent_once_however_many_workers_try_at_once(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    seeded = seed_convening(app)
    smtp_host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None  # leave it queued
    register(client, seeded.tickets["Elected official"])
    app.config["SMTP_HOST"] = smtp_host
    [queued] = stored_messages(app)
    barrier = threading.Barrier(6)

    def worker() -> OutboxStatus | None:
        with app.app_context():
            barrier.wait()
            return deliver(queued.id)

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(lambda _: worker(), range(6)))
    time.sleep(0.2)
    assert len(smtp.messages) == 1
    assert OutboxStatus.SENT in outcomes
    [stored] = stored_messages(app)
    assert (stored.status, stored.attempts) == (OutboxStatus.SENT, 1)


def test_a_claim_left_by_a_dead_worker_is_taken_over_later(
    app: Flask, client: FlaskClient, smtp: SmtpSink
) -> None:
    seeded = seed_convening(app)
    smtp_host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None
    register(client, seeded.tickets["Elected official"])
    app.config["SMTP_HOST"] = smtp_host
    [queued] = stored_messages(app)
    with app.app_context():
        sending = db.session.get(OutboxMessage, queued.id)
        sending.status, sending.attempted_at = OutboxStatus.SENDING, utcnow()
        db.session.commit()
        assert deliver(queued.id) == OutboxStatus.SENDING  # someone is on it
        sending = db.session.get(OutboxMessage, queued.id)
        sending.attempted_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert deliver(queued.id) == OutboxStatus.SENT
    assert len(smtp.wait_for(1)) == 1
