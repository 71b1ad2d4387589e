"""`flask --app convening demo`: load the demo convening, to try every page with believable data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from convening.convenings.services import current as current_convening
from convening.demo.services import load_demo
from convening.sqltypes import utcnow
from convening.urls import external_url


@click.command("demo")
@click.option(
    "--registrations",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="How many sample registrations the demo convening should hold in all.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing when the database already holds a convening (used by make run).",
)
@with_appcontext
def demo_command(registrations: int, if_empty: bool) -> None:
    """Load the demo convening with its program, sponsors and sample registrations.

    Safe to run again: what is already there is kept, and only missing registrations are added.
    """
    if if_empty and current_convening(utcnow().date()) is not None:
        click.echo("The database already holds a convening; the demo is not loaded.")
        return
    summary = load_demo(registrations)
    if summary.created:
        click.echo(f"Created {summary.convening_name} with its ticket types, program and sponsors.")
    else:
        click.echo(f"{summary.convening_name} was already loaded; its program and sponsors are unchanged.")
    counts = ", ".join(
        f"{count} {status.label.lower()}" for status, count in summary.registrations_by_status.items()
    )
    click.echo(
        f"Added {summary.registrations_added} registrations; {summary.registrations_total} in all ({counts})."
    )
    click.echo(f"See it at {external_url('convenings.home', slug=summary.slug)}")
