"""Shared by the Telegram and Slack customer-channel tests: loopback Bot API and Slack Web API
servers, and the whole bot built once against them (package scope: building it loads the models)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web import READY, build_app
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.test_slack_handoff import SECRET as SLACK_SECRET, STAFF

WEBHOOK_SECRET = "tg-secret-123"


@pytest.fixture(scope="package")
async def fakes() -> AsyncIterator[tuple[FakeTelegramApi, FakeSlackApi]]:
    telegram, slack = FakeTelegramApi(), FakeSlackApi()
    await telegram.start()
    await slack.start()
    yield telegram, slack
    await telegram.close()
    await slack.close()


@pytest.fixture(scope="package")
async def client(fakes: tuple[FakeTelegramApi, FakeSlackApi], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    telegram, slack = fakes
    settings = make_settings(
        tmp_path_factory.mktemp("channels"), TELEGRAM_BOT_TOKEN="123456:TEST-token", TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SLACK_SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
    )
    app = build_app(settings)
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client
