"""Telling staff that a tenant was stepped back to shadow (bot/engine/rollout.py `RollbackWatch`).

In the handoff channel when the staff desk can post there (Slack); always in the log, and in the
audit trail and on /admin/rollout (the step itself is audited by `RolloutBook.set`).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.config import Settings

logger = logging.getLogger(__name__)


async def tell_staff_of_step_back(handoff: Any, settings: Settings, *, tenant: str, reason: str) -> None:
    text = f"The bot of tenant {tenant} was stepped back to shadow (it drafts, people answer): {reason}. Set it again with `supportbot rollout {tenant} on` or at /admin/rollout."
    logger.warning("%s", text)
    desk = getattr(handoff, "desk", None)
    tell = getattr(desk, "tell_channel", None)
    if tell is None or not settings.handoff_channel:
        return
    try:
        await tell(settings.handoff_channel, text)
    except Exception as exc:  # noqa: BLE001 - the step back holds either way; the notice is best effort
        logger.error("could not tell the handoff channel of the step back: %s", type(exc).__name__)
