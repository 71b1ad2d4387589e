"""`flask --app convening mail ...`: send what the outbox holds."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from convening.mail import services
from convening.mail.models import OutboxStatus

mail_cli = AppGroup("mail", help="Send email kept in the outbox.")


@mail_cli.command("send-queued")
@click.option("--include-failed", is_flag=True, help="Also retry messages whose last attempt failed.")
def send_queued(include_failed: bool) -> None:
    """Send every queued message now (after SMTP settings were added, or after an outage)."""
    ids = services.queued_message_ids(include_failed=include_failed)
    outcomes = [services.deliver(message_id) for message_id in ids]
    sent = sum(outcome == OutboxStatus.SENT for outcome in outcomes)
    failed = sum(outcome == OutboxStatus.FAILED for outcome in outcomes)
    click.echo(f"{len(ids)} messages: {sent} sent, {failed} failed, {len(ids) - sent - failed} still queued.")
