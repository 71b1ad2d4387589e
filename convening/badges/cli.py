"""`flask --app convening badges ...`: print runs from the command line.

The same checks, record and print log as a run started in the console, drawn in this process rather than
as a job: progress goes to stderr, the summary to stdout, and the PDF appears whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup

from convening.audit.services import COMMAND_LINE
from convening.badges import services
from convening.badges.layouts import LAYOUTS
from convening.badges.models import BadgeBatch, BadgeRole
from convening.problems import Refused
from convening.registration.cli import convening_named, ticket_type_named
from convening.urls import external_url

badges_cli = AppGroup("badges", help="Print badges.")


def _write_atomically(path: Path, data: bytes) -> None:
    """The file whole or untouched: written beside its place under another name, then renamed."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Progress:
    """Each new message once on stderr: "Drawn 120 of 480 badges"."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, done: int, total: int, message: str = "", *, force: bool = False) -> None:
        if message and message != self.last:
            click.echo(message, err=True)
            self.last = message


@badges_cli.command("render")
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option(
    "--layout", required=True, type=click.Choice(list(LAYOUTS)), help="The paper or card to print on."
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write."
)
@click.option("--unprinted", is_flag=True, help="Only badges never printed before.")
@click.option("--renamed", is_flag=True, help="Only badges printed before their badge name was changed.")
@click.option("--ticket-type", help="Only this ticket.")
@click.option("--role", type=click.Choice([role.value for role in BadgeRole]), help="Only this role.")
@click.option(
    "--registration",
    "registration_ids",
    type=click.IntRange(min=1),
    multiple=True,
    help="Only this registration, by id; repeat for several (lost badges).",
)
@click.option(
    "--crop-marks/--no-crop-marks",
    default=None,
    help="Hairlines where sheets are cut. Default: on for sheet layouts, off for the badge printer.",
)
def render_command(
    slug: str,
    layout: str,
    out: Path,
    unprinted: bool,
    renamed: bool,
    ticket_type: str | None,
    role: str | None,
    registration_ids: tuple[int, ...],
    crop_marks: bool | None,
) -> None:
    """Draw the badges of confirmed registrations to a PDF and note them as printed."""
    convening = convening_named(slug)
    chosen_ticket = ticket_type_named(convening, ticket_type)
    if not out.parent.is_dir():
        raise click.BadParameter(f"There is no folder {str(out.parent)!r} to write into.", param_hint="--out")
    selection = services.Selection(
        role=BadgeRole(role) if role else None,
        ticket_type_id=chosen_ticket.id if chosen_ticket else None,
        unprinted=unprinted,
        renamed=renamed,
        registration_ids=tuple(dict.fromkeys(registration_ids)),
    )
    try:
        batch = services.print_batch_now(
            convening,
            selection,
            layout=layout,
            crop_marks=LAYOUTS[layout].crop_marks if crop_marks is None else crop_marks,
            agenda_url=external_url("program.agenda", slug=convening.slug),
            actor=COMMAND_LINE,
            progress=_Progress(),
        )
    except Refused as error:
        raise click.ClickException("Nothing was printed. " + " ".join(error.problems.values())) from None
    if not batch.pdf:
        raise click.ClickException(
            "Nothing was printed: the people chosen changed while drawing. Run it again."
        )
    _write_atomically(out, batch.pdf)
    _summary(batch, out)


def _summary(batch: BadgeBatch, out: Path) -> None:
    layout = LAYOUTS[batch.layout]
    count = batch.badge_count
    click.echo(
        f"Printed {count:,} {'badge' if count == 1 else 'badges'} ({batch.description}) on {layout.label}: "
        f"{layout.sheets(count) * 2:,} pages in {out}."
    )
    skipped = batch.report.get("skipped") or {}
    if skipped:
        left_out = ", ".join(f"{number:,} {label.lower()}" for label, number in skipped.items())
        click.echo(f"Left out, as only confirmed registrations get badges: {left_out}.")
    unnamed = services.unnamed_registrations(batch)
    if unnamed:
        click.echo("Printed without a readable name; fix the badge name and print these again:")
        for registration in unnamed:
            click.echo(f"  registration {registration.id}: {registration.email}")
