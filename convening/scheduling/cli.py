"""`flask --app convening schedule ...`: the breakout assignment and automatic timetabling.

`assign` runs in this process rather than as a job, with the same record and report as a run from the
console: progress on stderr, the report on stdout, and with --publish the seats written whole or not at all.
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from convening.audit.services import COMMAND_LINE
from convening.problems import Refused
from convening.registration.cli import convening_named
from convening.scheduling import assignment_runs
from convening.scheduling.models import AssignmentRun, RunStatus

schedule_cli = AppGroup("schedule", help="Breakout workshops: the assignment and automatic timetabling.")


def _progress(done: int, total: int, message: str = "", *, force: bool = False) -> None:
    if message:
        click.echo(message, err=True)


def _report(run: AssignmentRun) -> None:
    report: dict[str, Any] = run.report
    click.echo(
        f"Run {run.id}: {100 * report['first_choice_share']:.1f}% first choice, "
        f"{100 * report['top_three_share']:.1f}% within the top three, "
        f"{report['attendees']:,} confirmed people."
    )
    for slot in report["slots"]:
        click.echo(
            f"{slot['label']}: {slot['ranked']} ranked, {slot['first_choice']} first choice, "
            f"{slot['top_three']} top three, {slot['placed']} seated."
        )
        if slot["unassigned"]:
            click.echo(f"  Without a seat: {', '.join(slot['unassigned'])}")
    for workshop in report["workshops"]:
        capacity = "no limit" if workshop["capacity"] is None else workshop["capacity"]
        locked = f", {workshop['locked']} locked" if workshop["locked"] else ""
        click.echo(f"  {workshop['title']}: {workshop['filled']} of {capacity}{locked}")
    if report["previous_run_id"] is not None:
        moved = report["moved_people"]
        click.echo(
            f"Compared with run {report['previous_run_id']}: "
            + (f"{len(moved)} people move: {', '.join(moved)}." if moved else "nobody moves.")
        )


@schedule_cli.command("assign")
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option("--publish", is_flag=True, help="Write the seats and email everyone their workshops.")
def assign_command(slug: str, publish: bool) -> None:
    """Assign ranked workshop choices optimally and print the report; publish it with --publish."""
    convening = convening_named(slug)
    try:
        run = assignment_runs.run_now(convening, actor=COMMAND_LINE, progress=_progress)
    except Refused as error:
        raise click.ClickException(" ".join(error.problems.values())) from None
    if run.status == RunStatus.FAILED:
        raise click.ClickException(
            "The assignment could not run; nothing was changed. Fix these, then run it again:\n  "
            + "\n  ".join(run.problems)
        )
    _report(run)
    if not publish:
        click.echo(f"Not published. Publish run {run.id} in the console, or run again with --publish.")
        return
    try:
        emailed = assignment_runs.publish(run, actor=COMMAND_LINE)
    except Refused as error:
        raise click.ClickException(" ".join(error.problems.values())) from None
    click.echo(f"Published run {run.id}: seats written, {emailed:,} people emailed their workshops.")
