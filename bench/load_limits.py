"""Client limits lifted for load benchmarks: every simulated customer comes from 127.0.0.1, which the
per-address limits (bot/app/limits.py) would otherwise stop after a few dozen conversations."""

from __future__ import annotations

from dataclasses import fields

from bot.core.client_limits import ClientLimits

UNLIMITED = "1000000"


def lifted_limits() -> dict[str, str]:
    """Environment variables that raise every client limit out of a benchmark's way."""
    return {f"SUPPORTBOT_LIMIT_{item.name.upper()}": UNLIMITED for item in fields(ClientLimits)} | {
        "SUPPORTBOT_RATE_LIMIT_PER_MINUTE": UNLIMITED
    }
