"""`flask --app convening registrations ...`: registrations in and out from the command line.

The same services as the console: an import is checked row by row and saved all at once or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from convening.audit.services import COMMAND_LINE
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.registration import csvfile, imports
from convening.registration.models import RegistrationStatus, TicketType
from convening.registration.services import RegistrationFilter

registrations_cli = AppGroup("registrations", help="Import and export registrations.")


def convening_named(slug: str) -> Convening:
    """The convening for --convening, or click's usage error listing the known ones; shared by commands."""
    convening = by_slug(slug)
    if convening is None:
        known = ", ".join(db.session.scalars(select(Convening.slug).order_by(Convening.slug)))
        raise click.BadParameter(
            f"There is no convening {slug!r}. Known: {known or 'none'}.", param_hint="--convening"
        )
    return convening


def ticket_type_named(convening: Convening, name: str | None) -> TicketType | None:
    """The ticket type for --ticket-type, matched like a spreadsheet heading (case, accents, spaces)."""
    if name is None:
        return None
    for ticket_type in convening.ticket_types:
        if csvfile.heading_key(ticket_type.name) == csvfile.heading_key(name):
            return ticket_type
    names = ", ".join(repr(t.name) for t in convening.ticket_types)
    raise click.BadParameter(
        f"{name!r} is not a ticket of {convening.slug}. Use one of {names}.", param_hint="--ticket-type"
    )


def _print_report(check: imports.Check) -> None:
    """Each row's problems with its spreadsheet row number, then the counts."""
    report = check.report()
    for problem in report["rows"]:
        for message in problem["errors"]:
            click.echo(f"Row {problem['row']}: {message}")
        if problem["duplicate"]:
            why = (
                f"the same email as row {problem['duplicate_of']}"
                if problem["duplicate_of"]
                else "already registered"
            )
            click.echo(f"Row {problem['row']}: skipped, {problem['email']} is {why}.")
    if report["unlisted"]:
        click.echo(f"... and {report['unlisted']:,} more rows with problems.")
    if report["ignored_columns"]:
        click.echo("Columns left out: " + ", ".join(report["ignored_columns"]) + ".")
    if report["accented"]:
        click.echo(
            "Read as Windows-1252, not UTF-8. Check these names: " + ", ".join(report["accented"]) + "."
        )
    click.echo(
        f"{len(check.rows):,} rows: {len(check.ready):,} ready, {check.duplicates:,} duplicates (skipped), "
        f"{check.with_errors:,} with errors."
    )


@registrations_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option("--dry-run", is_flag=True, help="Check every row and print the report; save nothing.")
@click.option(
    "--ticket-type", help="The ticket for rows whose ticket cell is empty, or for a file without one."
)
@click.option("--send-emails", is_flag=True, help="Email each person their confirmation, as the form would.")
def import_command(file: Path, slug: str, dry_run: bool, ticket_type: str | None, send_emails: bool) -> None:
    """Check a CSV file of registrations, then import every row, or none when any row has errors."""
    convening = convening_named(slug)
    default = ticket_type_named(convening, ticket_type)
    with file.open("rb") as stream:
        data = stream.read(csvfile.MAX_BYTES + 1)
    try:
        text, check = imports.check_file(
            convening, data, default_ticket_type_id=default.id if default else None
        )
    except csvfile.FileProblem as problem:
        hint = " Name it with --ticket-type." if problem.field == "ticket_type" else ""
        click.echo(f"Nothing was imported. {problem.message}{hint}", err=True)
        raise SystemExit(1) from None
    _print_report(check)
    if check.with_errors:
        click.echo("Nothing was imported: fix the rows above, then run this again.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo("Dry run: nothing was saved.")
        return
    if not check.ready:
        click.echo("Nothing to import: every row is already registered or repeats an earlier row.")
        return
    upload = imports.keep_check(convening, file.name, text, check, actor=COMMAND_LINE)
    try:
        done = imports.run_import(upload.id, send_emails=send_emails, actor=COMMAND_LINE)
    except imports.ImportRefused as refusal:
        click.echo(str(refusal), err=True)
        raise SystemExit(1) from None
    outcome = done.report["outcome"]
    click.echo(
        f"Imported {done.imported_count:,} registrations: {outcome['confirmed']:,} confirmed, "
        f"{outcome['pending_payment']:,} with payment pending, {outcome['waitlisted']:,} on the waiting list."
        + (" Each person was emailed." if send_emails else " Nobody was emailed.")
    )


@registrations_cli.command("export")
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The CSV file to write."
)
@click.option(
    "--status", type=click.Choice([status.value for status in RegistrationStatus]), help="Only this status."
)
@click.option("--ticket-type", help="Only this ticket.")
def export_command(slug: str, out: Path, status: str | None, ticket_type: str | None) -> None:
    """Write every registration (or those of one status or ticket) to a CSV file that Excel opens."""
    convening = convening_named(slug)
    chosen = ticket_type_named(convening, ticket_type)
    wanted = RegistrationFilter(
        status=RegistrationStatus(status) if status else None, ticket_type_id=chosen.id if chosen else None
    )
    written = 0

    def counted() -> Iterator[list[str | int]]:
        nonlocal written
        for row in imports.export_rows(convening, wanted):
            written += 1
            yield row

    imports.record_export(convening, wanted, actor=COMMAND_LINE)
    with out.open("w", encoding="utf-8", newline="") as stream:
        stream.writelines(csvfile.write_csv(counted()))
    click.echo(f"Wrote {written - 1:,} registrations to {out}.")
