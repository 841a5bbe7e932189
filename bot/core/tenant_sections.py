"""A tenant's sections as typed records, each parsed once when the tenants file loads.

`bot/core/tenants.py` checks every table against `bot/core/config_schema.py` and then builds these
records into the `TenantConfig`; the modules that use a section read its record (`tenant.routing`,
`tenant.budget`, `tenant.handoff`, `tenant.widget`, `tenant.telegram`, `tenant.slack`,
`tenant.staff`), never the TOML table (tests/test_tenant_sections.py checks that nothing outside
bot/core does). The handoff section's record is `HandoffPolicy` (bot/core/handoff_policy.py).

Ground layer: imports nothing of the project but the errors and the tiers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.errors import ConfigError
from bot.core.tiers import Tier

PERIODS = ("day", "week", "month")
BUDGET_KEYS = ("tenant_usd", "user_usd", "anonymous_usd")
STAFF_ACCOUNT_KEYS = frozenset({"password_hash", "display_name"})
STAFF_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    """`[tenants.x.routing]` (policies/routing.py): `never_remote`, `remote_groups` (only these access
    groups may use the remote tier), `prefer` a tier, and the tenant's own hard and easy examples."""

    never_remote: bool = False
    remote_groups: tuple[str, ...] = ()
    prefer: Tier | None = None
    hard_examples: tuple[str, ...] = ()
    easy_examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Budget:
    """`[tenants.x.budget]` (policies/budget.py): spend limits in USD per period; None = no limit."""

    period: str = "day"  # one of PERIODS
    tenant_usd: float | None = None
    user_usd: float | None = None
    anonymous_usd: float | None = None

    @property
    def limited(self) -> bool:
        return self.tenant_usd is not None or self.user_usd is not None or self.anonymous_usd is not None


@dataclass(frozen=True, slots=True)
class WidgetSection:
    """`[tenants.x.widget]`: the widget's public keys, the origins it may be embedded on, and the
    key that verifies visitor claims (policies/claims.py): an HS256 secret or an RS256/ES256 public key."""

    keys: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    jwt_secret: str | None = None
    jwt_public_key: str | None = None


@dataclass(frozen=True, slots=True)
class TelegramSection:
    """`[tenants.x.telegram]`: the tenant's own Telegram bot (bot/app/channel_setup.py)."""

    bot_token: str | None = None
    webhook_secret: str | None = None


@dataclass(frozen=True, slots=True)
class SlackSection:
    """`[tenants.x.slack]`: the Slack workspace whose customers are this tenant's (channels/slack_workspaces.py)."""

    team_id: str | None = None


@dataclass(frozen=True, slots=True)
class StaffEntry:
    """One `[tenants.x.staff.<name>]` web console account (handoff/staff_accounts.py), its scrypt hash."""

    name: str
    display_name: str
    password_hash: str


def routing_from(data: Mapping[str, Any]) -> RoutingPolicy:
    """`data`: the `[tenants.x.routing]` table, already type-checked by config_schema."""
    prefer = data.get("prefer")
    return RoutingPolicy(
        never_remote=bool(data.get("never_remote", False)),
        remote_groups=tuple(map(str, data.get("remote_groups", ()))),
        prefer=Tier(prefer) if prefer is not None else None,
        hard_examples=tuple(map(str, data.get("hard_examples", ()))),
        easy_examples=tuple(map(str, data.get("easy_examples", ()))),
    )


def budget_from(data: Mapping[str, Any]) -> Budget:
    """`data`: the `[tenants.x.budget]` table. The schema check refuses bad values first; these errors
    keep a table built in code (a test, a tool) from slipping through."""
    period = str(data.get("period", "day"))
    if period not in PERIODS:
        raise ConfigError(f"budget period {period!r} is not one of {', '.join(PERIODS)}")
    try:
        limits = {key: float(data[key]) for key in BUDGET_KEYS if key in data}
    except (TypeError, ValueError):
        raise ConfigError("budget tenant_usd, user_usd and anonymous_usd must be numbers of US dollars") from None
    if any(v < 0 for v in limits.values()):
        raise ConfigError("budget tenant_usd, user_usd and anonymous_usd cannot be negative")
    return Budget(period=period, **limits)


def widget_from(data: Mapping[str, Any]) -> WidgetSection:
    return WidgetSection(
        keys=tuple(data.get("keys", ())), allowed_origins=tuple(data.get("allowed_origins", ())),
        jwt_secret=data.get("jwt_secret") or None, jwt_public_key=data.get("jwt_public_key") or None,
    )


def telegram_from(data: Mapping[str, Any]) -> TelegramSection:
    return TelegramSection(bot_token=data.get("bot_token") or None, webhook_secret=data.get("webhook_secret") or None)


def slack_from(data: Mapping[str, Any]) -> SlackSection:
    return SlackSection(team_id=str(data["team_id"]) if data.get("team_id") else None)


def scrypt_parts(encoded: str) -> tuple[int, int, int, str, str]:
    """`scrypt$N$r$p$salt$hash` split (salt and hash still base64); ValueError when it is not one."""
    scheme, n, r, p, salt, digest = encoded.split("$")
    if scheme != "scrypt":
        raise ValueError(scheme)
    return int(n), int(r), int(p), salt, digest


def staff_from(tenant: str, table: Any, where: str) -> dict[str, StaffEntry]:
    """Staff accounts of one tenant, from the tenants file's `[tenants.x.staff]` or the data dir's
    staff.toml (`where` names which): name -> entry."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of staff accounts ([tenants.{tenant}.staff.<name>])")
    found: dict[str, StaffEntry] = {}
    for name, body in table.items():
        place = f"[tenants.{tenant}.staff.{name}] in {where}"
        if not STAFF_NAME.match(str(name)) or not isinstance(body, dict):
            raise ConfigError(f"{place}: a staff account is a table named with letters, digits, '.', '_' or '-'")
        unknown = sorted(set(body) - STAFF_ACCOUNT_KEYS)
        if unknown:
            raise ConfigError(f"{place}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(STAFF_ACCOUNT_KEYS))}")
        encoded = body.get("password_hash")
        try:
            scrypt_parts(str(encoded))
        except ValueError:
            raise ConfigError(f"{place}: password_hash must be a hash from `supportbot staff hash` (scrypt$...)") from None
        found[str(name)] = StaffEntry(str(name), str(body.get("display_name") or name), str(encoded))
    return found
