"""`supportbot usage` and `supportbot audit`: what operators read back from the database."""

from __future__ import annotations

import json

import click

from bot.app.cli.common import friendly, load_settings


@click.command()
# at most a century: a larger number ("everything", --days 99999999999) ended in an OverflowError traceback
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1, max=36500), help="how far back (1 to 36500)")
@click.option("--tenant", default=None, help="only this tenant")
@click.option("--json", "as_json", is_flag=True)
@friendly
def usage(days: int, tenant: str | None, as_json: bool) -> None:
    """Model spend per tenant, user and day, and the share of each answer tier."""
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session, col, select

    from bot.core.database import open_database
    from bot.core.tables import AuditEvent
    from bot.engine.assistant import OPERATOR_OUTCOME
    from policies.budget import BudgetBook

    OUTCOME = "outcome"  # the audit kind of a customer's message

    settings = load_settings()
    if tenant is not None:
        settings.tenant(tenant)  # unknown: the known names in the error
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    since = datetime.now(UTC) - timedelta(days=days)
    spend = BudgetBook(engine=engine, settings=settings).report(since=since, tenant=tenant)
    # customers' messages ("outcome") and the operator's own questions (`ask`, `eval`: OPERATOR_OUTCOME), counted
    # apart: their model calls are in the spend above, so they are in the shares too, but a 300-case `eval` must not
    # read as 300 customer messages
    tiers: dict[str, dict[str, dict[str, int]]] = {OUTCOME: {}, OPERATOR_OUTCOME: {}}
    with Session(engine) as session:
        query = select(AuditEvent).where(col(AuditEvent.kind).in_(tuple(tiers)), col(AuditEvent.created_at) >= since)
        if tenant is not None:
            query = query.where(AuditEvent.tenant == tenant)
        for event in session.exec(query):
            data = json.loads(event.data)
            route = data.get("route") or "?"
            counts = tiers[event.kind].setdefault(event.tenant, {})
            counts[route] = counts.get(route, 0) + 1
    empty = {"cost_usd": 0.0, "calls": 0, "tiers": {}, "tier_cost_usd": {}, "users": {}, "days": {}}
    names = sorted(set(spend) | set(tiers[OUTCOME]) | set(tiers[OPERATOR_OUTCOME]))
    report = {"days": days, "tenants": {t: {**spend.get(t, empty), "answers_by_route": tiers[OUTCOME].get(t, {}),
                                            "cli_answers_by_route": tiers[OPERATOR_OUTCOME].get(t, {})} for t in names}}
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"model usage, last {days} day{'' if days == 1 else 's'}" + (f", tenant {tenant}" if tenant else ""))
    if not report["tenants"]:
        click.echo("  no messages and no model calls")
    for name, data in report["tenants"].items():
        click.echo(f"  {name}: ${data['cost_usd']:.4f} in {data['calls']} model calls; customers' messages by route: "
                   + _shares(data["answers_by_route"]))
        if data["cli_answers_by_route"]:
            click.echo("    questions from the command line (ask, eval) by route: " + _shares(data["cli_answers_by_route"]))
        if data["users"]:
            click.echo("    spend per user: " + _top_spenders(data["users"], 10))
        for day, spent in data["days"].items():
            click.echo(f"    {day}: ${spent['cost_usd']:.4f} in {spent['calls']} calls; per user: {_top_spenders(spent['users'], 5)}")


def _shares(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return ", ".join(f"{r} {n / total:.0%}" for r, n in sorted(counts.items())) + f" of {total}" if total else "-"


def _top_spenders(users: dict[str, float], limit: int) -> str:
    ordered = sorted(users.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{user} ${cost:.4f}" for user, cost in ordered[:limit])
    return shown + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


# what `--kind` names, and the audit kinds it reads: the events that belong to no conversation
KINDS = {"rollout": ("rollout_changed",)}  # a rollout stage set (`rollout`, /admin/rollout, the kill switch, a step back to shadow)


@click.command()
@click.option("--conversation", "conversation_id", default=None, help="a conversation's whole trail")
@click.option("--kind", type=click.Choice(sorted(KINDS)), default=None,
              help="events of no conversation: rollout (stage changes, the kill switch, automatic steps back)")
@click.option("--tenant", default=None, help="with --kind: only this tenant")
@click.option("--days", default=None, type=click.IntRange(min=1, max=36500), help="with --kind: only the last N days (1 to 36500)")
@friendly
def audit(conversation_id: str | None, kind: str | None, tenant: str | None, days: int | None) -> None:
    """Export an audit trail as JSON lines: a conversation's (--conversation ID), or the events of a kind
    that belong to no conversation (--kind rollout), oldest first."""
    if (conversation_id is None) == (kind is None):
        raise click.UsageError("give --conversation ID or --kind rollout (one of them)")
    if conversation_id is not None and (tenant is not None or days is not None):
        raise click.UsageError("--tenant and --days go with --kind; a conversation's trail is exported whole")
    if kind is not None:
        _audit_kind(kind, tenant=tenant, days=days)
        return
    assert conversation_id is not None
    _audit_conversation(conversation_id)


def _audit_kind(kind: str, *, tenant: str | None, days: int | None) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session, col, select

    from bot.core.database import open_database
    from bot.core.tables import AuditEvent

    settings = load_settings()
    if tenant is not None:
        settings.tenant(tenant)  # unknown: the known names in the error
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    query = select(AuditEvent).where(col(AuditEvent.kind).in_(KINDS[kind]))
    if tenant is not None:
        query = query.where(AuditEvent.tenant == tenant)
    if days is not None:
        query = query.where(col(AuditEvent.created_at) >= datetime.now(UTC) - timedelta(days=days))
    try:
        with Session(engine) as session:
            for event in session.exec(query.order_by(col(AuditEvent.id))):
                click.echo(json.dumps({"at": event.created_at.isoformat(), "tenant": event.tenant, "conversation_id": event.conversation_id,
                                       "kind": event.kind, "data": json.loads(event.data)}))
    finally:
        engine.dispose()


def _audit_conversation(conversation_id: str) -> None:
    from sqlmodel import Session

    from bot.core.config import load_secret
    from bot.core.database import open_database
    from bot.core.errors import InputError
    from bot.core.tables import AuditLog, Conversation
    from bot.engine.assistant import PSEUDONYM_RE, audit_key, pseudonym

    settings = load_settings()
    engine = open_database(settings.database_url, upgrade=settings.database_upgrade, pool_size=settings.database_pool)
    events = AuditLog(engine).events(conversation_id=conversation_id)
    if not events:
        with Session(engine) as session:
            if session.get(Conversation, conversation_id) is None:
                raise InputError(f"unknown conversation {conversation_id!r}: it has no audit trail (check the id and SUPPORTBOT_DATA_DIR)")
    key = audit_key(load_secret(settings))
    for event in events:
        data = json.loads(event.data)
        user = data.get("user")
        if isinstance(user, str) and not PSEUDONYM_RE.fullmatch(user):  # written by an earlier version, in clear
            data["user"] = pseudonym(key, tenant=event.tenant, user=user)
        click.echo(json.dumps({"at": event.created_at.isoformat(), "tenant": event.tenant, "conversation_id": event.conversation_id,
                               "kind": event.kind, "data": data}))
