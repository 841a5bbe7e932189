"""Client limits: how many calls one client address, and one widget key, may make in a window
(`Settings.limits`, enforced by bot/app/limits.py), and reading them from SUPPORTBOT_LIMIT_<NAME>.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from bot.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `limit` calls in any `window` seconds."""

    limit: int
    window: float = 60.0


@dataclass(frozen=True, slots=True)
class ClientLimits:
    """Per client address and per widget key (bot/app/limits.py); SUPPORTBOT_LIMIT_<NAME> per minute
    (the anonymous budget per hour). An office behind one NAT address is many visitors, hence the
    room above what one person types."""

    conversations_per_address: Rate = Rate(20)
    messages_per_address: Rate = Rate(60)
    feedback_per_address: Rate = Rate(30)
    handoffs_per_address: Rate = Rate(5)
    conversations_per_widget_key: Rate = Rate(1200)
    messages_per_widget_key: Rate = Rate(6000)
    feedback_per_widget_key: Rate = Rate(1200)
    handoffs_per_widget_key: Rate = Rate(60)
    # messages of conversations without a signed visitor (no per-user budget applies to them)
    anonymous_messages: Rate = Rate(200, 3600.0)


def client_limits(get: Any) -> ClientLimits:
    changes: dict[str, Rate] = {}
    for item in fields(ClientLimits):
        name = f"SUPPORTBOT_LIMIT_{item.name.upper()}"
        value = get(name)
        if value is None:
            continue
        try:
            limit = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number of calls, got {value!r}") from None
        if limit < 1:
            raise ConfigError(f"{name} must be at least 1, got {value!r}")
        changes[item.name] = Rate(limit, item.default.window)  # type: ignore[union-attr]
    return ClientLimits(**changes)
