"""A platform that can't be reached at start: the widget serves, and the log says which channel failed
in one line, without the platform's URL (which carries the bot token) or a traceback."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings

TOKEN = "123456:START-secret-token"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket is


async def test_an_unreachable_telegram_at_start_is_one_line_naming_it_and_the_widget_still_serves(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET="s3cret",
                             SUPPORTBOT_TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port()}/bot")
    app = build_app(settings)
    with caplog.at_level(logging.INFO):
        async with TestClient(TestServer(app)) as client:
            await asyncio.wait_for(app[READY].wait(), timeout=120)
            assert (await client.get("/readyz")).status == 200
    failed = [r for r in caplog.records if "failed to start" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.ERROR and failed[0].exc_info is None
    assert "TelegramChannel" in failed[0].getMessage() and "retry on use" in failed[0].getMessage()
    assert all(TOKEN not in r.getMessage() and (r.exc_text or "").find(TOKEN) < 0 for r in caplog.records if r.levelno >= logging.INFO)
