"""Which customer channels run, built from settings: Telegram bots per tenant, the Slack app.

Kept apart from bot/app/web.py so the composition root stays short; this is still composition only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.engine.dispatch import Dispatcher
from bot.core.errors import ConfigError
from bot.core.config import Settings
from bot.core.desk import StaffDesk
from bot.core.late import Late

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ChannelSet:
    telegram: dict[str, object] = field(default_factory=dict)  # tenant -> TelegramChannel
    slack: object | None = None  # channels.slack_staff.SlackApp
    starters: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    stoppers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


def telegram_bots(settings: Settings) -> dict[str, tuple[str, str | None]]:
    """tenant -> (bot token, webhook secret). A tenant's own `[tenants.x.telegram]` wins; the global
    TELEGRAM_BOT_TOKEN serves `default` (or the only tenant)."""
    bots: dict[str, tuple[str, str | None]] = {}
    for name, tenant in settings.tenants.items():
        own = tenant.telegram
        if own.bot_token:
            bots[name] = (own.bot_token, own.webhook_secret or settings.telegram_webhook_secret)
    if settings.telegram_bot_token:
        target = "default" if "default" in settings.tenants else (next(iter(settings.tenants)) if len(settings.tenants) == 1 else None)
        if target and target not in bots:
            bots[target] = (settings.telegram_bot_token, settings.telegram_webhook_secret)
    return bots


def setup_channels(
    app: web.Application, *, settings: Settings, dispatcher: Dispatcher, handoff: Any = None, desk: Late[StaffDesk] | None = None,
    proposals: Any = None,
) -> ChannelSet:
    """`desk`: the handoff service's staff-desk slot, filled with the Slack desk when Slack is configured.
    `proposals` (handoff/faq_proposals.py `DeskProposals`): resolved handoffs' cards offer "Propose as FAQ"."""
    channels = ChannelSet()
    if settings.slack_bot_token and handoff is not None:
        if desk is None:
            raise ValueError("Slack staff handoff needs the handoff service's desk slot (desk=)")
        setup_slack(app, settings=settings, dispatcher=dispatcher, handoff=handoff, desk=desk, channels=channels, proposals=proposals)
    bots = telegram_bots(settings)
    if bots:
        from channels.telegram import TelegramChannel, forbidden

        for tenant, (token, secret) in bots.items():
            if secret is None and not settings.telegram_polling:
                # without the secret anyone who guesses the URL could post updates as any customer
                raise ConfigError(
                    f"the Telegram webhook for tenant {tenant!r} needs a secret token: set TELEGRAM_WEBHOOK_SECRET "
                    f"(or [tenants.{tenant}.telegram] webhook_secret), or SUPPORTBOT_TELEGRAM_POLLING=1 for local use"
                )
            # a polling bot gets no webhook secret, so its webhook route refuses every post
            channel = TelegramChannel(
                token=token, tenant=tenant, api_url=settings.telegram_api_url,
                webhook_secret=None if settings.telegram_polling else secret, submit=dispatcher.accept,
            )
            dispatcher.register(channel, tenant=tenant)
            channels.telegram[tenant] = channel
            channels.starters.append(channel.start)
            channels.stoppers.append(channel.stop)
            if settings.telegram_polling:
                _poll(channel, channels)

        async def telegram_webhook(request: web.Request) -> web.StreamResponse:
            channel = channels.telegram.get(request.match_info["tenant"])
            if channel is None:  # the same answer as a wrong secret: which tenants have a bot is no one's business
                return forbidden()
            return await channel.handle_webhook(request)  # type: ignore[attr-defined]

        app.router.add_post("/telegram/{tenant}/webhook", telegram_webhook)
    return channels


def setup_slack(
    app: web.Application, *, settings: Settings, dispatcher: Dispatcher, handoff: Any, desk: Late[StaffDesk], channels: ChannelSet,
    proposals: Any = None,
) -> None:
    """One bolt app for the staff handoff channel and Slack customers, at /slack/events (or Socket Mode)."""
    from channels.slack_staff import SlackApp

    if not settings.slack_signing_secret and not settings.slack_app_token:
        logger.warning("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN: Slack events are off")
        return
    slack = SlackApp(settings=settings, handoff=handoff, dispatcher=dispatcher, proposals=proposals)
    desk.fill(slack.desk)
    dispatcher.register(slack.customers)
    channels.slack = slack
    channels.starters.append(slack.identity.start)
    channels.stoppers.append(slack.identity.stop)
    if settings.slack_signing_secret:
        app.router.add_post("/slack/events", slack.handle)
    if settings.slack_app_token:
        connect, close = slack.socket_mode(settings.slack_app_token)
        channels.starters.append(connect)
        channels.stoppers.append(close)
    if not settings.handoff_channel:
        logger.warning("SUPPORTBOT_HANDOFF_CHANNEL is not set: handoffs stay queued until it is")


def _poll(channel: Any, channels: ChannelSet) -> None:
    """Long polling for local use: the webhook is removed (Telegram allows one or the other)."""
    import asyncio

    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start() -> None:
        await channel.bot.delete_webhook()
        tasks.append(asyncio.create_task(channel.poll(stop=stop, timeout=10)))

    async def halt() -> None:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    channels.starters.append(start)
    channels.stoppers.insert(0, halt)
