"""Slack's Web API unreachable (a loopback fake that refuses connections) while customers write:
every signed message is stored and acknowledged at once, and answered once Slack is back. Bolt used
to ask Slack who the app is (auth.test) before any listener ran, so a message arriving during an
outage got a 500 and was not stored; after Slack's retries it was gone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient

from tests.channels.conftest import WEBHOOK_SECRET
from tests.channels.test_slack import dm, posted, slack_event
from tests.fakes.chat_app import chat_client
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi

QUESTIONS = ("How do I reset my password?", "How do I turn on two-factor authentication?", "Where can I download my invoice?")


async def _write(client: TestClient, shared_data: Path, channels: list[str]) -> list[str]:
    """One DM per channel; every one must be taken at once (200), whatever Slack's state."""
    stamps = []
    for n, channel in enumerate(channels):
        body = dm(shared_data, QUESTIONS[n % len(QUESTIONS)], channel=channel)
        assert await slack_event(client, body) == 200, channel
        stamps.append(body["event"]["ts"])
    return stamps


async def test_no_customer_message_is_lost_while_slacks_web_api_refuses_connections(shared_data: Path, tmp_path: Path) -> None:
    telegram, slack = FakeTelegramApi(), FakeSlackApi()
    async with started(telegram, slack):
        await slack.go_down()  # down before the app first asks Slack anything
        async with chat_client(tmp_path, telegram, slack, bot_token="123456:OUTAGE", webhook_secret=WEBHOOK_SECRET) as client:
            first = [f"D81{n:02d}" for n in range(4)]
            second = [f"D82{n:02d}" for n in range(3)]
            third = [f"D83{n:02d}" for n in range(3)]
            stamps = await _write(client, shared_data, first)
            await asyncio.sleep(1.0)
            await slack.come_back()
            stamps += await _write(client, shared_data, second)
            await slack.go_down()  # a second outage, after the app did reach Slack
            stamps += await _write(client, shared_data, third)
            await asyncio.sleep(1.0)
            await slack.come_back()
            for channel in first + second + third:
                await until(lambda channel=channel: posted(slack, channel), timeout=90)
            await asyncio.sleep(1.0)
            for channel, ts in zip(first + second + third, stamps, strict=True):
                replies = posted(slack, channel)
                assert len(replies) == 1, channel  # answered once, in the customer's thread
                assert replies[0]["thread_ts"] == ts
