"""`flask --app convening worker`: runs background jobs from Redis in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from convening import jobs


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs (email, badge batches, imports) queued in Redis."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set; without it, jobs run inside the web process.")
    jobs.run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
