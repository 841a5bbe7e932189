"""`supportbot telegram`: Telegram bot helpers."""

from __future__ import annotations

import asyncio

import click

from bot.app.cli.common import friendly, load_settings
from bot.core.config import DEFAULT_TENANT


@click.group()
def telegram() -> None:
    """Telegram bot helpers."""


@telegram.command("set-webhook")
@click.argument("url")
@click.option("--tenant", default=DEFAULT_TENANT, show_default=True)
@friendly
def telegram_set_webhook(url: str, tenant: str) -> None:
    """Point the tenant's Telegram bot at URL/telegram/TENANT/webhook: URL the server's address
    (https://bot.example.com), or the whole webhook address."""
    from bot.app.channel_setup import telegram_bots
    from bot.core.errors import ConfigError, InputError

    url = webhook_url(url, tenant=tenant)
    if url is None:
        raise InputError(f"that is another tenant's webhook: tenant {tenant!r}'s is at /telegram/{tenant}/webhook "
                         "(give the server's address and it is added)")
    settings = load_settings()
    bots = telegram_bots(settings)
    if tenant not in bots:
        raise ConfigError(f"no Telegram bot token for tenant {tenant!r}: set TELEGRAM_BOT_TOKEN or [tenants.{tenant}.telegram] bot_token")
    token, secret = bots[tenant]
    if not secret:  # `supportbot serve` refuses an unsigned webhook, so don't point Telegram at one
        raise ConfigError(f"no webhook secret for tenant {tenant!r}: set TELEGRAM_WEBHOOK_SECRET or [tenants.{tenant}.telegram] webhook_secret")
    from channels.telegram import set_webhook

    asyncio.run(set_webhook(token=token, api_url=settings.telegram_api_url, url=url, secret=secret))
    click.echo(f"Telegram webhook for {tenant} set to {url}")


def webhook_url(url: str, *, tenant: str) -> str | None:
    """The webhook address for `url`: a server's address (no path) gets the tenant's webhook path, any other
    address is kept (a proxy may map its own path), but for another tenant's webhook path: None."""
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    if path in ("", "/"):
        return url.rstrip("/") + f"/telegram/{tenant}/webhook"
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[-3] == "telegram" and parts[-1] == "webhook" and parts[-2] != tenant:
        return None
    return url
