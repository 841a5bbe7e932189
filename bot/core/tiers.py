"""The model tiers: what answers a turn (policies/routing.py decides, policies/budget.py prices,
bot/engine/models.py's clients say which they are, usage rows and routes record it)."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """No model (the passage itself), the local model or the remote one. Stored as these values (usage
    rows, the `route` of messages and metrics labels), so they never change."""

    EXTRACTIVE = "extractive"
    LOCAL = "local"
    REMOTE = "remote"
