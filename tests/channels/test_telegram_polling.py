"""Telegram without a webhook: the channel polling the loopback Bot API for updates, losing none when
storing one fails, and polling switched on in the settings."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.channels.telegram_steps import sent_to, update_from
from tests.conftest import make_settings
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi


async def test_polling_mode_reads_updates_without_a_webhook(fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    from bot.core.channel import InboundMessage
    from channels.telegram import TelegramChannel

    telegram, _ = fakes
    got: list[InboundMessage] = []

    async def submit(inbound: InboundMessage) -> None:
        got.append(inbound)

    channel = TelegramChannel(token="123456:POLL", tenant="default", api_url=telegram.base_url, webhook_secret=None, submit=submit)
    await channel.start()
    first = update_from(examples["Message with text"], text="hello from polling", chat=2100)
    second = update_from(examples["Message with text"], text="and again", chat=2100)
    for update in (first, second):  # the Bot API always sends is_bot (the documentation's examples predate it)
        update["message"]["from"]["is_bot"] = False
    telegram.pending_updates = [first, second]
    stop = asyncio.Event()
    task = asyncio.create_task(channel.poll(stop=stop, timeout=1))
    await until(lambda: len(got) == 2)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    await channel.stop()
    assert [g.text for g in got] == ["hello from polling", "and again"]
    # the next poll asked for updates after the last one seen (they are not delivered twice)
    offsets = [int(a.get("offset") or 0) for a in telegram.of("getUpdates")]
    assert max(offsets) == second["update_id"] + 1


def _polled(example: dict[str, Any], *, text: str, chat: int) -> dict[str, Any]:
    update = update_from(example, text=text, chat=chat)
    update["message"]["from"]["is_bot"] = False  # the Bot API always sends it (the documentation's examples predate it)
    return update


async def test_polling_survives_a_failing_update_and_loses_none(
    fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.core.channel import InboundMessage
    from channels.telegram import POLL_ATTEMPTS, TelegramChannel

    telegram, _ = fakes
    stored: list[str] = []
    outages = {"second": 2}  # the inbox fails twice on this one, then stores it

    async def submit(inbound: InboundMessage) -> None:
        if outages.get(inbound.text, 0) > 0:
            outages[inbound.text] -= 1
            raise OSError("database is locked")
        if inbound.text == "poison":
            raise OSError("always fails")
        stored.append(inbound.text)

    channel = TelegramChannel(token="123456:POLL2", tenant="default", api_url=telegram.base_url, webhook_secret=None, submit=submit)
    await channel.start()
    updates = [_polled(examples["Message with text"], text=t, chat=2110) for t in ("first", "second", "poison", "third")]
    telegram.pending_updates = list(updates)
    polls_before = len(telegram.of("getUpdates"))
    stop = asyncio.Event()
    with caplog.at_level("INFO", logger="channels.telegram"):
        task = asyncio.create_task(channel.poll(stop=stop, timeout=1, pause=0.05))
        await until(lambda: "third" in stored, timeout=20)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    await channel.stop()
    assert stored == ["first", "second", "third"]  # nothing lost, in order, polling still running
    offsets = [int(a.get("offset") or 0) for a in telegram.of("getUpdates")[polls_before:]]
    # Telegram was asked again for "second" until it was stored (the offset had not passed it)
    assert offsets.count(updates[1]["update_id"]) == 2  # once after each of its two failures
    assert offsets.count(updates[2]["update_id"]) == POLL_ATTEMPTS - 1 and max(offsets) == updates[3]["update_id"] + 1
    logged = [r.getMessage() for r in caplog.records if r.name == "channels.telegram"]
    assert any(f"{updates[2]['update_id']} skipped after {POLL_ATTEMPTS} failed tries" in line for line in logged)
    assert not any("poison" in line or "second" in line for line in logged)


async def test_polling_switched_on_in_settings_answers_without_a_webhook(
    fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict, tmp_path: Path
) -> None:
    from bot.app.app_keys import READY
    from bot.app.web import build_app

    telegram, _ = fakes
    deletes_before = len(telegram.of("deleteWebhook"))
    app = build_app(make_settings(tmp_path, TELEGRAM_BOT_TOKEN="123456:POLL-APP", SUPPORTBOT_TELEGRAM_POLLING="1",
                                  SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url, SUPPORTBOT_SAMPLE_KB="0"))  # no secret: polling needs none
    telegram.pending_updates = [_polled(examples["Message with text"], text="/start", chat=2120)]
    async with TestClient(TestServer(app)) as polling_client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        greeting = await until(lambda: sent_to(telegram, 2120), timeout=20)
        assert "help center" in greeting[0]["text"]
        assert len(telegram.of("deleteWebhook")) == deletes_before + 1  # Telegram allows a webhook or polling, not both
        # the webhook route takes no unsigned updates from anyone
        forged = update_from(examples["Message with text"], text="/start", chat=2121)
        assert (await polling_client.post("/telegram/default/webhook", json=forged)).status == 401
    assert sent_to(telegram, 2121) == []
