"""Bad input on the Slack and Telegram webhooks never gets a 500: it is refused with a 4xx or, where
the platform would deliver it again and again (Telegram), taken with 200 and dropped with a log line
that names no content. And the Telegram route tells nobody which tenants have a bot."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import DISPATCHER
from tests.channels.conftest import WEBHOOK_SECRET
from tests.fakes.chat_app import slack_dm
from tests.fakes.slack_api import sign
from tests.handoff.slack_steps import SECRET as SLACK_SECRET

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "1" * 5000


async def _slack(client: TestClient, raw: str, *, headers: dict[str, str] | None = None, content_type: str = "application/json") -> int:
    response = await client.post("/slack/events", data=raw.encode("utf-8", "surrogatepass"),
                                 headers={"Content-Type": content_type, **(headers if headers is not None else sign(SLACK_SECRET, raw))})
    return response.status


async def test_slack_unsigned_junk_headers_are_refused_not_500(client: TestClient) -> None:
    raw = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    for timestamp in ("abc", "", "1e309", "99999999999999999999999999", "-1", " 12"):
        status = await _slack(client, raw, headers={"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"})
        assert status == 401, timestamp
    assert await _slack(client, raw, headers={"X-Slack-Signature": "v0=00"}) == 401  # no timestamp at all


@pytest.mark.parametrize(
    "body",
    [
        {"event": [1]},
        {"type": "event_callback", "event": [1]},
        {"type": "event_callback", "event": {"type": ["message"]}},
        {"type": "event_callback", "event": {"type": "message", "channel": {"id": 1}, "text": 5, "user": [], "ts": {}}},
        {"type": "event_callback", "team_id": {"x": 1}, "event": {"type": "message", "channel": "D1", "channel_type": "im", "text": "hi", "ts": "1.1"}},
        {"type": "event_callback", "event": {"type": "app_mention", "channel": "C1", "text": "<@UBOT> hi", "ts": 5, "thread_ts": [1]}},
        {"type": "event_callback", "event": {"type": "message", "channel": "D9", "channel_type": "im", "text": "hi", "ts": "9.1", "files": "x"}},
        {"type": "block_actions", "actions": "x"},
        {"type": "url_verification", "challenge": {"a": 1}},
        {"type": 5},
        {},
    ],
)
async def test_slack_signed_but_malformed_events_get_no_500(client: TestClient, body: dict[str, Any]) -> None:
    status = await _slack(client, json.dumps(body))
    assert status < 500 and status != 401
    await client.app[DISPATCHER].drain()


@pytest.mark.parametrize("raw", [DEEP, '{"event": ' + HUGE + "}", '{"type": "event_callback", "event": {"type": "message", "ts": 1e999999}}',
                                 "payload=" + "%5B" * 5000, "payload=%7B%22type%22%3A%5B%5D%7D", "\ufeff{}", "null", "[]"])
async def test_slack_signed_bodies_that_are_no_payload_get_no_500(client: TestClient, raw: str) -> None:
    kind = "application/x-www-form-urlencoded" if raw.startswith("payload=") else "application/json"
    assert await _slack(client, raw, content_type=kind) in {400, 404}


async def test_a_slack_message_with_a_lone_surrogate_is_taken(client: TestClient, shared_data: Path) -> None:
    body = slack_dm(shared_data, "how do I reset my password? \ud800", channel="D7001", ts=7001)
    raw = json.dumps(body)  # json.dumps writes the lone surrogate as the escape \ud800, as a sender may
    assert await _slack(client, raw) == 200
    await client.app[DISPATCHER].drain()


async def _telegram(client: TestClient, raw: str, *, tenant: str = "default", secret: str | None = WEBHOOK_SECRET) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    response = await client.post(f"/telegram/{tenant}/webhook", data=raw.encode("utf-8", "surrogatepass"), headers=headers)
    text = await response.text()
    await client.app[DISPATCHER].drain()
    return response.status, text


@pytest.mark.parametrize(
    "raw",
    [
        DEEP,
        '{"update_id": ' + HUGE + "}",
        '{"update_id": 5, "message": {"message_id": ' + HUGE + ', "chat": {"id": 1}, "text": "hi"}}',
        '{"update_id": 1e999999}',
        json.dumps({"update_id": 71001, "message": {"message_id": 1, "date": 1, "chat": {"id": 71001, "type": "private"},
                                                    "from": {"id": 71001, "is_bot": False, "first_name": "A\ud800"}, "text": "hello \ud800 there"}}),
        json.dumps({"update_id": 71002, "message": {"message_id": 2, "date": 1, "chat": {"id": "abc"}, "text": "hi"}}),
        json.dumps({"update_id": 71003, "message": [1]}),
        json.dumps({"update_id": 71004, "callback_query": {"id": "q", "from": {"id": 5}, "data": {"x": 1}}}),
        json.dumps({"update_id": 71005, "message": {"message_id": 3, "date": 1, "chat": {"id": 10**30}, "text": "hi"}}),
        "\ud800",
        "not json",
        "null",
    ],
)
async def test_telegram_malformed_updates_get_no_500(client: TestClient, raw: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        status, _ = await _telegram(client, raw)
    assert status < 500
    assert "hello" not in caplog.text and "there" not in caplog.text  # log lines name no content


async def test_telegram_webhook_says_the_same_for_an_unknown_tenant_and_a_wrong_secret(client: TestClient) -> None:
    raw = json.dumps({"update_id": 72001})
    wrong = await _telegram(client, raw, secret="nope")
    missing = await _telegram(client, raw, secret=None)
    unknown = await _telegram(client, raw, tenant="no-such-tenant")
    unknown_no_secret = await _telegram(client, raw, tenant="no-such-tenant", secret=None)
    assert wrong == missing == unknown == unknown_no_secret
    assert wrong[0] == 401
    assert (await _telegram(client, raw))[0] == 200
