"""Setting Telegram up: bots and Slack workspaces mapped to tenants, a webhook refused without its
secret, the Bot API URL normalised, and `supportbot telegram set-webhook` against the loopback Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi


def test_a_webhook_without_a_secret_is_refused_at_start(tmp_path: Path) -> None:
    from bot.core.errors import ConfigError
    from bot.app.web import build_app

    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        build_app(make_settings(tmp_path, TELEGRAM_BOT_TOKEN="123456:NOSECRET", SUPPORTBOT_SAMPLE_KB="0"))


def test_workspaces_and_bots_map_to_tenants(tmp_path: Path) -> None:
    from bot.app.channel_setup import telegram_bots
    from bot.core.config import Settings
    from channels.slack_workspaces import tenant_for_team

    tenants = tmp_path / "tenants.toml"
    tenants.write_text(
        '[tenants.default]\n[tenants.acme.slack]\nteam_id = "T0ACME"\n[tenants.acme.telegram]\nbot_token = "111:ACME"\nwebhook_secret = "s-acme"\n'
    )
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants), "TELEGRAM_BOT_TOKEN": "222:DEFAULT"})
    assert tenant_for_team(settings, "T0ACME") == "acme"
    assert tenant_for_team(settings, "T0OTHER") is None  # a workspace no tenant claims is nobody's once tenants are bound
    assert telegram_bots(settings) == {"acme": ("111:ACME", "s-acme"), "default": ("222:DEFAULT", None)}


async def _cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    import os
    import sys

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli.main", *args, env={**os.environ, **env}, cwd=str(Path(__file__).resolve().parents[2]),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_set_webhook_points_the_bot_at_the_server_with_the_secret(fakes: tuple[FakeTelegramApi, FakeSlackApi], tmp_path: Path) -> None:
    telegram, _ = fakes
    # the API URL given as the server's root, as for the channel itself (which adds the /bot)
    root = telegram.base_url.removesuffix("/bot") + "/"
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123456:HOOK", "SUPPORTBOT_TELEGRAM_API_URL": root}
    before = len(telegram.of("setWebhook"))
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/default/webhook", env={**env, "TELEGRAM_WEBHOOK_SECRET": "s3"})
    assert code == 0, err
    call = telegram.of("setWebhook")[-1]
    assert call["url"] == "https://bot.example.com/telegram/default/webhook" and call["secret_token"] == "s3"
    assert "set to https://bot.example.com" in out
    # without a secret the server would refuse the webhook, so the CLI does not set one
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/default/webhook", env=env)
    assert code != 0 and "TELEGRAM_WEBHOOK_SECRET" in out + err
    assert len(telegram.of("setWebhook")) == before + 1


async def test_set_webhook_given_the_servers_address_points_at_the_tenants_webhook(fakes: tuple[FakeTelegramApi, FakeSlackApi],
                                                                                      tmp_path: Path) -> None:
    """The README gives URL as the server's address (the bot is pointed at URL/telegram/{tenant}/webhook); the
    command set it as given, and Telegram posted every update to the demo page at / (qa11)."""
    telegram, _ = fakes
    root = telegram.base_url.removesuffix("/bot") + "/"
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123456:HOOK", "SUPPORTBOT_TELEGRAM_API_URL": root,
           "TELEGRAM_WEBHOOK_SECRET": "s3"}
    for given in ("https://bot.example.com", "https://bot.example.com/"):
        code, out, err = await _cli("telegram", "set-webhook", given, env=env)
        assert code == 0, err
        assert telegram.of("setWebhook")[-1]["url"] == "https://bot.example.com/telegram/default/webhook"
        assert "set to https://bot.example.com/telegram/default/webhook" in out
    # another tenant's webhook would refuse this bot's secret: said, and nothing set
    before = len(telegram.of("setWebhook"))
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/acme/webhook", env=env)
    assert code != 0 and "/telegram/default/webhook" in out + err
    assert len(telegram.of("setWebhook")) == before


def test_the_api_url_is_normalised_once_for_channel_and_cli() -> None:
    from channels.telegram import api_base

    for url in ("http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot/"):
        assert api_base(url) == "http://127.0.0.1:8081/bot"
