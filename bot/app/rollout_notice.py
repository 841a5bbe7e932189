"""Telling staff that a tenant was stepped back to shadow (bot/engine/rollout.py `RollbackWatch`).

Always in the console: its queue page shows the step as a banner until a staff member acknowledges
it (handoff/console_notices.py, read from the audit trail, so on every process); also in the handoff
channel when the staff desk can post there (Slack); always in the log and on /admin/rollout. The step
itself is audited by `RolloutBook.set`, and where staff were told by a `staff_told_of_step_back` event.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bot.core.config import Settings

logger = logging.getLogger(__name__)


async def tell_staff_of_step_back(
    handoff: Any, settings: Settings, *, tenant: str, reason: str, audit: Callable[..., None] | None = None,
) -> None:
    """`audit`: `AuditLog.record`, for where staff were told."""
    text = f"The bot of tenant {tenant} was stepped back to shadow (it drafts, people answer): {reason}. Set it again with `supportbot rollout {tenant} on` or at /admin/rollout."
    logger.warning("%s", text)
    desks = ["console"]  # the queue page's banner, from the audit trail
    desk = getattr(handoff, "desk", None)
    tell = getattr(desk, "tell_channel", None)
    if tell is not None and settings.handoff_channel:
        try:
            await tell(settings.handoff_channel, text)
            desks.append(f"{getattr(desk, 'name', 'desk')} channel {settings.handoff_channel}")
        except Exception as exc:  # noqa: BLE001 - the step back holds either way; the notice is best effort
            logger.error("could not tell the handoff channel of the step back: %s", type(exc).__name__)
    if audit is not None:
        await asyncio.to_thread(audit, tenant=tenant, kind="staff_told_of_step_back", desks=desks, reason=reason)
