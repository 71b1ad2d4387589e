"""`flask convening ...`: a convening's setup as a file, so next year's meeting starts from this year's."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from convening.audit.services import COMMAND_LINE
from convening.convenings import transfer
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.formatting import date_range
from convening.urls import external_url

convening_cli = AppGroup("convening", help="Export and import a convening's setup (not its registrations).")

EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
FORMAT_OPTION = click.option(
    "--format",
    "file_format",
    type=click.Choice(transfer.FORMATS),
    help="JSON or YAML; by default the file's extension (.json, .yaml, .yml) decides.",
)


def _file_format(path: Path, chosen: str | None) -> str:
    if chosen:
        return chosen
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise click.BadParameter(
            f"{path.name} does not end in .json, .yaml or .yml; rename it or give --format.",
            param_hint="FILE",
        )
    return found


@convening_cli.command("export")
@click.argument("slug")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: name.json or name.yaml.",
)
@FORMAT_OPTION
def export_command(slug: str, out: Path, file_format: str | None) -> None:
    """Write a convening's settings, ticket types, program and sponsors to a JSON or YAML file.

    Registrations, staff accounts and seat counts are left out. The file holds ticket access codes and
    speakers' email addresses: keep it among staff.
    """
    chosen = _file_format(out, file_format)
    convening = by_slug(slug)
    if convening is None:
        known = ", ".join(db.session.scalars(select(Convening.slug).order_by(Convening.slug)))
        raise click.BadParameter(
            f"There is no convening {slug!r}. Known: {known or 'none'}.", param_hint="SLUG"
        )
    data = transfer.export_convening(convening)
    try:
        out.write_text(transfer.dump(data, chosen), encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Could not write {out}: {error.strerror}.") from None
    transfer.record_export(convening, actor=COMMAND_LINE)
    click.echo(f"Wrote {convening.name} to {out}: {transfer.contents(data)}.")
    click.echo("The file holds ticket access codes and speakers' email addresses: share it only with staff.")


@convening_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="The new convening's slug (its address), instead of the file's.")
@click.option("--name", help="The new convening's name, instead of the file's.")
@click.option(
    "--starts-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Its first day, YYYY-MM-DD: every date and time in the file moves by the same number of days.",
)
@FORMAT_OPTION
def import_command(
    file: Path, slug: str | None, name: str | None, starts_on: datetime | None, file_format: str | None
) -> None:
    """Create a new convening from a file written by `convening export`, all of it or nothing.

    Everything is checked first; any problem (an unknown key, a room no session can find, overlapping time
    slots, a photo that is not an image...) is listed with its place in the file, and nothing is created.
    """
    chosen = _file_format(file, file_format)
    first_day: date | None = starts_on.date() if starts_on else None
    with file.open("rb") as stream:
        raw = stream.read(transfer.MAX_FILE_BYTES + 1)
    try:
        data = transfer.load(raw, chosen)
        convening = transfer.import_convening(
            data, slug=slug, name=name, starts_on=first_day, actor=COMMAND_LINE
        )
    except transfer.ConveningFileRefused as refusal:
        lines = "\n".join(f"  {place}: {message}" for place, message in refusal.problems.items())
        count = len(refusal.problems)
        raise click.ClickException(
            f"Nothing was imported. {file.name} has {count} problem{'s' if count != 1 else ''}:\n{lines}"
        ) from None
    click.echo(
        f"Created {convening.name} ({convening.slug}), {date_range(convening.starts_on, convening.ends_on)}, "
        f"{convening.timezone}: {transfer.contents(data)}."
    )
    click.echo(f"See it at {external_url('convenings.home', slug=convening.slug)}")
