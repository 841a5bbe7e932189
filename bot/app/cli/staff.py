"""`supportbot staff add` and `supportbot staff hash`: web console accounts, passwords kept hashed."""

from __future__ import annotations

import sys

import click

from bot.app.cli.common import friendly
from bot.core.config import DEFAULT_TENANT, Settings


def _password(from_stdin: bool) -> str:
    if from_stdin:  # for scripts: the first line of standard input
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():  # piped in without the flag: a prompt would read it, ask again, and abort
        raise click.UsageError("standard input is not a terminal: pass --password-stdin to read the password from it")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group()
def staff() -> None:
    """Staff accounts of the web console (/console)."""


@staff.command(name="add")
@click.argument("name")
@click.option("--tenant", default=DEFAULT_TENANT, show_default=True)
@click.option("--display-name", default=None, help="what customers are told (\"Alice from our support team has joined\"); default NAME")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input instead of asking")
@friendly
def staff_add(name: str, tenant: str, display_name: str | None, password_stdin: bool) -> None:
    """Add (or change the password of) a console account, kept hashed in the data dir's staff.toml.
    A running server takes it at the next sign-in."""
    from handoff.staff_accounts import add_account

    settings = Settings.from_env()
    settings.tenant(tenant)  # an unknown tenant is named before a password is asked for
    path = add_account(settings, tenant=tenant, name=name, password=_password(password_stdin), display_name=display_name)
    click.echo(f"{name} can sign in to /console for tenant {tenant} (account kept in {path})")


@staff.command(name="hash")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input instead of asking")
@friendly
def staff_hash(password_stdin: bool) -> None:
    """Print a password hash for the tenants file: [tenants.<t>.staff.<name>] password_hash = "..."."""
    from handoff.staff_accounts import hash_password

    click.echo(hash_password(_password(password_stdin)))
