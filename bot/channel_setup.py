"""Which customer channels run, built from settings: Telegram bots per tenant, the Slack app.

Kept apart from bot/web.py so the composition root stays short; this is still composition only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.dispatch import Dispatcher
from bot.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ChannelSet:
    telegram: dict[str, object] = field(default_factory=dict)  # tenant -> TelegramChannel
    starters: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    stoppers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def telegram_bots(settings: Settings) -> dict[str, tuple[str, str | None]]:
    """tenant -> (bot token, webhook secret). A tenant's own `[tenants.x.telegram]` wins; the global
    TELEGRAM_BOT_TOKEN serves `default` (or the only tenant)."""
    bots: dict[str, tuple[str, str | None]] = {}
    for name, tenant in settings.tenants.items():
        own = dict(tenant.raw.get("telegram", {}))
        if own.get("bot_token"):
            bots[name] = (str(own["bot_token"]), own.get("webhook_secret") or settings.telegram_webhook_secret)
    if settings.telegram_bot_token:
        target = "default" if "default" in settings.tenants else (next(iter(settings.tenants)) if len(settings.tenants) == 1 else None)
        if target and target not in bots:
            bots[target] = (settings.telegram_bot_token, settings.telegram_webhook_secret)
    return bots


def setup_channels(app: web.Application, *, settings: Settings, dispatcher: Dispatcher) -> ChannelSet:
    channels = ChannelSet()
    bots = telegram_bots(settings)
    if bots:
        from channels.telegram import TelegramChannel

        for tenant, (token, secret) in bots.items():
            if secret is None:
                logger.warning("Telegram webhook for tenant %s has no secret token: set TELEGRAM_WEBHOOK_SECRET", tenant)
            channel = TelegramChannel(token=token, tenant=tenant, api_url=settings.telegram_api_url, webhook_secret=secret, submit=dispatcher.accept)
            dispatcher.register(channel, tenant=tenant)
            channels.telegram[tenant] = channel
            channels.starters.append(channel.start)
            channels.stoppers.append(channel.stop)

        async def telegram_webhook(request: web.Request) -> web.StreamResponse:
            channel = channels.telegram.get(request.match_info["tenant"])
            if channel is None:
                return web.json_response({"error": "no Telegram bot for this tenant"}, status=404)
            return await channel.handle_webhook(request)  # type: ignore[attr-defined]

        app.router.add_post("/telegram/{tenant}/webhook", telegram_webhook)
    return channels
