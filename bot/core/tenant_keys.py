"""What a `[tenants.<name>]` table may hold, and the checks of its plain keys: the key sets (a misspelt
or retired key is refused), `pii_kinds`, `channel_groups`, `language` and `[privacy] keep_terms`. Each
check names the tenant and key it refuses; bot/core/tenants.py calls them while it builds a
`TenantConfig`. The typed sections are in bot/core/tenant_sections.py, the types of the tables' own
keys in bot/core/config_schema.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.errors import ConfigError
from bot.core.pii_kinds import ALL_KINDS


# what a [tenants.<name>] table may hold (DESIGN.md, "Settings"; README's sample tenants file): a
# misspelt key would otherwise be ignored and its policy silently not applied. The types of the
# tables' own keys are in bot/core/config_schema.py.
TENANT_KEYS = frozenset({
    "thresholds", "human_request_examples", "ordinary_examples", "default_groups", "users", "pii_kinds", "widget", "slack", "telegram",
    "routing", "budget", "handoff", "rollout", "channel_groups", "language", "privacy",
    "staff",  # web console accounts (handoff/staff_accounts.py checks them)
})
# keys once accepted that never did anything: refused with what to use instead
RETIRED_TENANT_KEYS = {
    "channels": "a tenant's channels are its [tenants.<name>.widget], [tenants.<name>.slack] and [tenants.<name>.telegram] tables",
}
PRIVACY_KEYS = frozenset({"keep_terms"})
GROUP_CHANNELS = frozenset({"slack", "telegram"})  # where an address (channel or chat) is shared by several people
WIDGET_KEYS = frozenset({"keys", "allowed_origins", "jwt_secret", "jwt_public_key"})


def unknown_keys(data: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(map(repr, unknown))} in {where}; known: {', '.join(sorted(known))}")


def pii_kinds(name: str, value: Any) -> tuple[str, ...] | None:
    """None (the key absent) redacts every kind; a kind we don't detect is an error, not "redact nothing of it"."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ConfigError(f"tenant {name!r}: pii_kinds must be a list of kind names ({', '.join(sorted(ALL_KINDS))})")
    unknown = sorted(set(value) - ALL_KINDS)
    if unknown:
        raise ConfigError(f"tenant {name!r}: unknown pii_kinds {', '.join(map(repr, unknown))}; known: {', '.join(sorted(ALL_KINDS))}")
    return tuple(value)


def _groups(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(g, str) and g for g in value):
        raise ConfigError(f"{where} must be a list of group names")
    return tuple(value)


def channel_groups(name: str, data: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """`[tenants.acme.channel_groups.slack]` `C0SHARED = ["enterprise"]`: everyone writing there has the groups."""
    where = f"[tenants.{name}.channel_groups]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table of channels")
    unknown_keys(data, GROUP_CHANNELS, where)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for channel, places in data.items():
        if not isinstance(places, dict):
            raise ConfigError(f"{where[:-1]}.{channel}] must map addresses to lists of groups")
        out[channel] = {str(address): _groups(groups, f"{where[:-1]}.{channel}] {address!r}") for address, groups in places.items()}
    return out


def language(name: str, value: Any) -> str:
    from bot.core.language import LANGUAGES

    if value not in LANGUAGES:
        raise ConfigError(f"tenant {name!r}: language must be one of {', '.join(sorted(LANGUAGES))}, not {value!r}")
    return str(value)


def keep_terms(name: str, data: Any) -> tuple[str, ...]:
    """`[tenants.X.privacy] keep_terms = ["Paperkite", "Row"]`: each a non-empty string."""
    where = f"[tenants.{name}.privacy]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    unknown_keys(data, PRIVACY_KEYS, where)
    terms = data.get("keep_terms", [])
    if not isinstance(terms, list):
        raise ConfigError(f"{where} keep_terms must be a list of strings, not {type(terms).__name__}")
    for i, term in enumerate(terms):
        if not isinstance(term, str) or not term.strip():
            raise ConfigError(f"{where} keep_terms[{i}] must be a non-empty string, not {term!r}")
    return tuple(t.strip() for t in terms)
