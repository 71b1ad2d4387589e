"""`flask --app convening stations ...`: check-in stations from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from convening.audit.services import COMMAND_LINE
from convening.checkin import services
from convening.problems import Refused
from convening.registration.cli import convening_named
from convening.urls import external_url

stations_cli = AppGroup("stations", help="Check-in stations.")


@stations_cli.command("create")
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option("--name", required=True, help="Where it stands, like “Front door” or “Room 101”.")
@click.option(
    "--session", "session_id", type=click.IntRange(min=1), help="A session's id: its door's station."
)
def create_command(slug: str, name: str, session_id: int | None) -> None:
    """Create a station and print its pairing link and bearer key (both shown once)."""
    convening = convening_named(slug)
    try:
        created = services.create_station(convening, name, session_id=session_id, actor=COMMAND_LINE)
    except Refused as error:
        raise click.UsageError(" ".join(error.problems.values())) from None
    click.echo(f"Station {created.station.id}: {created.station.name} ({convening.name})")
    link = external_url("checkin_pairing.pair", key=created.key)
    click.echo(f"Pairing link (open it on the volunteer's phone): {link}")
    click.echo(f"Check-in API: {external_url('checkin_api.checkin')}")
    click.echo(f"Bearer key (shown once, keep it like a password): {created.key}")
