"""The email outbox: staff see queued, sent and failed mail of a convening and send failed mail again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from conftest import SmtpSink, assert_role_access, csrf_token, free_port, seed_convening
from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.mail.models import OutboxMessage, OutboxStatus

OUTBOX = "/staff/c/summit/outbox/"


def add_message(app: Flask, convening_id: int, **fields: Any) -> int:
    values: dict[str, Any] = {
        "kind": "confirmed",
        "to_address": "hector.ramirez@example.org",
        "subject": "You're registered for National Convening of Local Leaders",
        "body_text": "Hello Héctor,\n\nYou're registered.",
        "body_html": "<p>Hello Héctor,</p><p>You're registered.</p>",
        "status": OutboxStatus.FAILED,
        "attempts": 1,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
    }
    values.update(fields)
    with app.app_context():
        # Inserted without the ORM, so no delivery job picks it up: it stays as it is, like stuck mail.
        message_id = db.session.execute(
            insert(OutboxMessage).values(convening_id=convening_id, **values).returning(OutboxMessage.id)
        ).scalar_one()
        db.session.commit()
        return message_id


def stored(app: Flask, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def audit(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("mail.%"))))


def post(client: Any, url: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, OUTBOX)})


def test_the_outbox_lists_this_conventions_mail_newest_first_with_filters(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    other = seed_convening(app, slug="other")
    start = datetime(2027, 3, 1, 15, tzinfo=UTC)
    add_message(
        app, seeded.convening_id, to_address="old@example.org", status=OutboxStatus.SENT, created_at=start
    )
    add_message(
        app,
        seeded.convening_id,
        to_address="new@example.org",
        status=OutboxStatus.QUEUED,
        attempts=0,
        last_error="",
        created_at=start + timedelta(hours=1),
    )
    add_message(
        app, seeded.convening_id, to_address="bounced@example.org", created_at=start + timedelta(hours=2)
    )
    add_message(app, other.convening_id, to_address="elsewhere@example.org")
    client = staff_client("staff")

    page = client.get(OUTBOX).get_data(as_text=True)
    assert "elsewhere@example.org" not in page
    assert page.index("bounced@example.org") < page.index("new@example.org") < page.index("old@example.org")
    for count in ("All (3)", "Queued (1)", "Sent (1)", "Failed (1)"):
        assert count in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "Monday, March 1, 2027 at 9:00 AM CST" in page  # the convening's clock
    assert "Email is not going out: this server has no SMTP_HOST setting" in page

    failed = client.get(f"{OUTBOX}?status=failed").get_data(as_text=True)
    assert "bounced@example.org" in failed
    assert "new@example.org" not in failed
    assert "Failed emails, newest first" in failed
    everything = client.get(f"{OUTBOX}?status=nonsense&page=abc").get_data(as_text=True)
    assert "All emails, newest first" in everything


def test_the_outbox_pages_through_long_lists(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    start = datetime(2027, 3, 1, tzinfo=UTC)
    for number in range(55):
        add_message(
            app,
            seeded.convening_id,
            to_address=f"p{number:02d}@example.org",
            created_at=start + timedelta(minutes=number),
        )
    client = staff_client("staff")
    first = client.get(OUTBOX).get_data(as_text=True)
    assert "p54@example.org" in first
    assert "p04@example.org" not in first
    assert "(page 1 of 2)" in first
    assert "Older emails" in first
    second = client.get(f"{OUTBOX}?page=2").get_data(as_text=True)
    assert re.findall(r"p\d\d@example.org", second) == [
        f"p0{number}@example.org" for number in range(4, -1, -1)
    ]
    assert "Newer emails" in second
    beyond = client.get(f"{OUTBOX}?page=99").get_data(as_text=True)
    assert "(page 2 of 2)" in beyond


def test_a_message_shows_its_text_and_its_html_only_inside_a_sandbox(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    message_id = add_message(
        app,
        seeded.convening_id,
        body_text="Hello <b>Héctor</b>",
        body_html='<p onclick="steal()">Hi</p><script>alert("x")</script>',
    )
    page = staff_client("staff").get(f"{OUTBOX}{message_id}").get_data(as_text=True)
    assert "Hello &lt;b&gt;Héctor&lt;/b&gt;" in page
    assert "<script>alert" not in page
    assert 'onclick="steal()"' not in page
    [frame] = re.findall(r"<iframe[^>]*>", page)
    assert " sandbox " in frame
    assert 'srcdoc="&lt;p onclick=&#34;steal()&#34;&gt;Hi&lt;/p&gt;&lt;script&gt;' in frame
    assert "SMTPServerDisconnected" in page


def test_messages_of_another_convening_are_not_found(app: Flask, staff_client) -> None:
    seed_convening(app)
    other = seed_convening(app, slug="other")
    theirs = add_message(app, other.convening_id)
    client = staff_client("staff")
    assert client.get(f"{OUTBOX}{theirs}").status_code == 404
    assert post(client, f"{OUTBOX}{theirs}/retry").status_code == 404
    assert client.get("/staff/c/nowhere/outbox/").status_code == 404


def test_retrying_a_failed_message_sends_it_and_is_audited(app: Flask, staff_client, smtp: SmtpSink) -> None:
    seeded = seed_convening(app)
    message_id = add_message(app, seeded.convening_id)
    client = staff_client("staff")
    response = post(client, f"{OUTBOX}{message_id}/retry")
    assert response.status_code == 303
    assert "Sent to hector.ramirez@example.org." in client.get(response.location).get_data(as_text=True)
    [email] = smtp.wait_for(1)
    assert email["To"] == "hector.ramirez@example.org"
    assert "You're registered." in email.get_body(preferencelist=("plain",)).get_content()
    message = stored(app, message_id)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    [entry] = audit(app)
    assert entry.action == "mail.retry"
    assert entry.subject_id == message_id
    assert entry.actor_label == "Staff Person (staff@convening.test)"
    assert entry.summary == "Asked to send the confirmed email to hector.ramirez@example.org again"

    again = post(client, f"{OUTBOX}{message_id}/retry")
    assert "already sent" in client.get(again.location).get_data(as_text=True)
    assert len(smtp.messages) == 1


def test_a_queued_message_can_be_sent_now(app: Flask, staff_client, smtp: SmtpSink) -> None:
    seeded = seed_convening(app)
    message_id = add_message(app, seeded.convening_id, status=OutboxStatus.QUEUED, attempts=0, last_error="")
    client = staff_client("staff")
    assert "Send it now" in client.get(f"{OUTBOX}{message_id}").get_data(as_text=True)
    post(client, f"{OUTBOX}{message_id}/retry")
    assert smtp.wait_for(1)
    assert stored(app, message_id).status == OutboxStatus.SENT


def test_a_retry_that_fails_again_says_why(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    message_id = add_message(app, seeded.convening_id)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none", SMTP_TIMEOUT=2)
    client = staff_client("staff")
    response = post(client, f"{OUTBOX}{message_id}/retry")
    page = client.get(response.location).get_data(as_text=True)
    assert "Sending to hector.ramirez@example.org failed again: ConnectionRefusedError" in page
    message = stored(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    assert message.last_error.startswith("ConnectionRefusedError")


def test_without_smtp_a_retry_says_so_and_changes_nothing(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    message_id = add_message(app, seeded.convening_id)
    client = staff_client("staff")
    detail = client.get(f"{OUTBOX}{message_id}").get_data(as_text=True)
    assert "stays queued until whoever runs the server sets SMTP_HOST" in detail
    for url in (f"{OUTBOX}{message_id}/retry", f"{OUTBOX}retry-failed"):
        response = post(client, url)
        assert response.status_code == 303
        page = client.get(response.location).get_data(as_text=True)
        assert "Nothing was sent: this server has no SMTP_HOST setting" in page
    message = stored(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert audit(app) == []


def test_retrying_every_failed_message_of_the_convening(app: Flask, staff_client, smtp: SmtpSink) -> None:
    seeded = seed_convening(app)
    other = seed_convening(app, slug="other")
    failed = [
        add_message(app, seeded.convening_id, to_address=f"f{number}@example.org") for number in range(3)
    ]
    sent = add_message(app, seeded.convening_id, status=OutboxStatus.SENT, to_address="done@example.org")
    theirs = add_message(app, other.convening_id, to_address="theirs@example.org")
    client = staff_client("staff")
    assert "Send the 3 failed emails again" in client.get(OUTBOX).get_data(as_text=True)

    response = post(client, f"{OUTBOX}retry-failed")
    assert response.status_code == 303
    assert "Sent 3 failed emails again: 3 sent." in client.get(response.location).get_data(as_text=True)
    smtp.wait_for(3)
    assert sorted(email["To"] for email in smtp.messages) == [
        "f0@example.org",
        "f1@example.org",
        "f2@example.org",
    ]
    assert {stored(app, message_id).status for message_id in failed} == {OutboxStatus.SENT}
    assert stored(app, sent).attempts == 1
    assert stored(app, theirs).status == OutboxStatus.FAILED
    [entry] = audit(app)
    assert (entry.action, entry.summary, entry.changes) == (
        "mail.retry_failed",
        "Asked to send 3 failed emails again",
        {"messages": 3},
    )

    again = post(client, f"{OUTBOX}retry-failed")
    assert "No failed email to send again." in client.get(again.location).get_data(as_text=True)
    assert len(smtp.messages) == 3


def test_retrying_every_failed_message_reports_those_that_fail_again(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    failed = add_message(app, seeded.convening_id)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none", SMTP_TIMEOUT=2)
    client = staff_client("staff")
    page = client.get(post(client, f"{OUTBOX}retry-failed").location).get_data(as_text=True)
    assert "Sent 1 failed email again: 0 sent, 1 failed again. Open a failed one to see why." in page
    assert stored(app, failed).attempts == 2


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", OUTBOX), ("GET", f"{OUTBOX}1"), ("POST", f"{OUTBOX}1/retry"), ("POST", f"{OUTBOX}retry-failed")],
)
def test_the_outbox_is_for_staff_and_admins(app: Flask, method: str, url: str) -> None:
    seeded = seed_convening(app)
    add_message(app, seeded.convening_id)
    assert_role_access(app, method, url, "staff")
