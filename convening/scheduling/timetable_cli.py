"""`flask --app convening schedule timetable`: attached to the schedule group of scheduling/cli.py.

The same proposal as the console's, solved in this process: clashes before and after and the solver's bound
on stdout, CP-SAT's progress on stderr. --apply applies it with the console's checks, all or nothing.
"""

from __future__ import annotations

import click

from convening.audit.services import COMMAND_LINE
from convening.problems import Refused
from convening.registration.cli import convening_named
from convening.scheduling import timetabling
from convening.scheduling.cli import schedule_cli
from convening.scheduling.models import ProposalStatus


def _clashes(count: int | None, affected: int) -> str:
    return f"{count} clashes ({affected} {'attendee' if affected == 1 else 'attendees'} affected)"


@schedule_cli.command("timetable")
@click.option("--convening", "slug", required=True, help="The convening's slug, as in its address.")
@click.option(
    "--seconds",
    type=click.IntRange(timetabling.MIN_SECONDS, timetabling.MAX_SECONDS),
    default=None,
    help="Improve the quick proposal with CP-SAT for this long. Default: the quick proposal only.",
)
@click.option("--apply", "apply_it", is_flag=True, help="Move the workshops as proposed.")
def timetable_command(slug: str, seconds: int | None, apply_it: bool) -> None:
    """Propose where each breakout workshop goes, with the fewest clashes for the people who want them."""
    convening = convening_named(slug)
    program = timetabling.load_program(convening)
    click.echo(f"Now: {_clashes(*program.clashes(program.current))}")
    proposal = timetabling.propose(convening, actor=COMMAND_LINE, seconds=seconds, program=program)
    if proposal.status == ProposalStatus.FAILED:
        raise click.ClickException("No timetable was proposed:\n" + "\n".join(proposal.problems))
    slot_of = {session_id: spot[0] for session_id, spot in timetabling.placements_of(proposal).items()}
    click.echo(f"Proposed: {_clashes(proposal.clashes_after, program.clashes(slot_of)[1])}")
    if proposal.bound is not None:
        proven = "optimal" if proposal.optimal else f"no timetable can have fewer than {proposal.bound}"
        click.echo(f"Bound: {proposal.bound} ({proven})")
    if not apply_it:
        click.echo(f"Proposal {proposal.id} is ready; run again with --apply to move the workshops.")
        return
    try:
        moved = timetabling.apply(convening, proposal, actor=COMMAND_LINE)
    except Refused as error:
        raise click.ClickException("Not applied:\n" + "\n".join(error.problems.values())) from error
    click.echo(f"Applied: moved {moved} {'workshop' if moved == 1 else 'workshops'}.")
