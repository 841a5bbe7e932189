"""Which tenant a Slack workspace's customers belong to, and which Slack channels are the staff's."""

from __future__ import annotations

from bot.core.config import Settings


def staff_channels(settings: Settings) -> set[str]:
    channels = {settings.handoff_channel} if settings.handoff_channel else set()
    for tenant in settings.tenants.values():
        channels |= {t.channel for t in tenant.handoff.topics if t.channel}
    return channels


def tenant_for_team(settings: Settings, *team_ids: str | None) -> str | None:
    """The tenant of the first given Slack workspace a tenant claims (`[tenants.x.slack] team_id`).
    Pass the most specific team first: in a shared channel the customer's own workspace is the
    event's `user_team`, not the workspace the app is installed in. A workspace nobody claims goes to
    `default` (or the only tenant) only while no tenant is bound to a workspace: once tenants are,
    a stranger's workspace must not read any tenant's help center."""
    bound = {t.slack.team_id: name for name, t in settings.tenants.items() if t.slack.team_id}
    for team_id in team_ids:
        if team_id and team_id in bound:
            return bound[team_id]
    if bound:
        return None
    return "default" if "default" in settings.tenants else (next(iter(settings.tenants)) if len(settings.tenants) == 1 else None)
