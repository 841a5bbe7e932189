"""`supportbot rollout TENANT [STAGE]`: show or change a tenant's rollout stage without a restart.

Every running process sees the change within a second (bot/engine/rollout.py reads the database with a
half-second cache); the change is audited with who made it (`--by`, default the OS user) and why.
"""

from __future__ import annotations

import getpass

import click

from bot.app.cli.common import friendly, load_settings
from bot.core.errors import InputError


@click.command(context_settings={"ignore_unknown_options": True})  # `rollout acme -5`: a stage, refused naming the tenant
@click.argument("tenant")
@click.argument("stage", required=False)
@click.option("--percent", type=float, default=None, help="stage percent: the share of customers (0-100) the bot answers")
@click.option("--beta", default=None, help="stage beta: identities and access groups that get the bot, comma-separated")
@click.option("--reason", default="", help="why (kept in the audit trail)")
@click.option("--by", default=None, help="who changes it (default: the OS user)")
@friendly
def rollout(tenant: str, stage: str | None, percent: float | None, beta: str | None, reason: str, by: str | None) -> None:
    """Show TENANT's rollout stage, or set it: off (the kill switch: people answer everything), shadow
    (the bot drafts for staff), beta (--beta who), percent (--percent N, or a bare number: `rollout acme 25`), on."""
    from bot.core.database import open_database
    from bot.engine.rollout import RolloutBook

    settings = load_settings()
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    try:
        book = RolloutBook(engine=engine, settings=settings, ttl=0.0)
        if stage is None:
            settings.tenant(tenant)
            policy = book.current(tenant)
        else:
            named = stage.strip().lower()
            if percent is not None and named != "percent":  # said and then ignored, the operator would believe it held
                raise InputError(f"tenant {tenant!r}: --percent goes with stage 'percent' (or a bare number: "
                                 f"`rollout {tenant} 25`), not {stage!r}")
            if beta is not None and named != "beta":
                raise InputError(f"tenant {tenant!r}: --beta goes with stage 'beta', not {stage!r}")
            members = [b for b in (beta or "").split(",") if b.strip()]
            policy = book.set(tenant=tenant, stage=stage, percent=percent, beta=members, by=by or _os_user(), reason=reason)
        click.echo(f"{tenant}: {policy.stage.value}" + (f" {policy.percent:g}%" if policy.stage.value == "percent" else "")
                   + (f" ({', '.join(policy.beta)})" if policy.beta else ""))
        if stage is None:
            for change in book.changes(tenant=tenant, limit=5):
                click.echo(f"  {change['at']}  {change['from']} -> {change['to']}  by {change['by']}" + (f": {change['reason']}" if change["reason"] else ""))
    finally:
        engine.dispose()


def _os_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
