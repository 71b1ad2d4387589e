"""`flask --app convening users ...`: staff accounts from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from convening.accounts import services
from convening.accounts.models import StaffRole
from convening.audit.services import COMMAND_LINE

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in StaffRole]),
    required=True,
    help="admin: everything; staff: registrations, program, badges; volunteer: check-in only.",
)
@click.option(
    "--name", default="", help="Their name as staff see it (the part of the email before @ if left out)."
)
@click.option("--password", help="Their first password; you are asked for it when left out.")
def create(email: str, role: str, name: str, password: str | None) -> None:
    """Add a staff account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(
            email, name or email.split("@")[0], StaffRole(role), password, actor=COMMAND_LINE
        )
    except services.AccountError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Created {user.role.value} account {user.email}.")


@users_cli.command("list")
def list_users() -> None:
    """Show every staff account with its role."""
    for user in services.all_users():
        click.echo(
            f"{user.email:40} {user.role.value:10} {'active' if user.active else 'turned off':10} {user.name}"
        )


@users_cli.command("demo-admin")
def demo_admin() -> None:
    """Make an admin to sign in with when there is no staff account yet, and show its login (make run)."""
    login = services.ensure_demo_admin(Path(current_app.instance_path), COMMAND_LINE)
    if login is None:
        click.echo("Staff sign in with their own accounts.")
    elif login.password:
        click.echo(f"Staff login: {login.email} / {login.password}")
    else:
        click.echo(f"Staff login: {login.email} (its password was changed since it was made)")
