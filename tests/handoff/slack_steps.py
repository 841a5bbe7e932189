"""Steps the handoff tests share: the app with Slack on against the loopback Slack fake, signed Slack
requests (events, button clicks), a widget customer with a live socket, a customer handed over to
staff, and finding the card among the recorded Web API calls."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from tests.conftest import SHARED_DATA, make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import TEAM, FakeSlackApi, sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
STAFF = "CSTAFF"


@asynccontextmanager
async def slack_fake() -> AsyncIterator[FakeSlackApi]:
    """The Slack Web API on loopback, recording every call (a module's `slack` fixture)."""
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@asynccontextmanager
async def slack_app(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory, *, name: str, tenants: str | None = None
                    ) -> AsyncIterator[TestClient]:
    """The whole app, ready, with Slack on (events over HTTP, signed with SECRET) and STAFF its handoff
    channel; `tenants`: a tenants file's text (none: the one `default` tenant). A module's `client` fixture."""
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SUPPORTBOT_SLACK_API_URL": slack.base_url,
           "SUPPORTBOT_HANDOFF_CHANNEL": STAFF}
    if tenants is not None:
        path = tmp_path_factory.mktemp("tenants") / "tenants.toml"
        path.write_text(tenants)
        env["SUPPORTBOT_TENANTS_FILE"] = str(path)
    async with running_app(make_settings(tmp_path_factory.mktemp(name), **env)) as client:
        yield client


async def slack_post(client: TestClient, body: str, content_type: str, **extra: str) -> int:
    headers = {"Content-Type": content_type, **sign(SECRET, body), **extra}
    response = await client.post("/slack/events", data=body.encode(), headers=headers)
    return response.status


def block_actions(action_id: str, value: str, *, user: str = "UALICE", channel: str = STAFF, message_ts: str = "1000.000100") -> dict[str, Any]:
    """A button click as Slack sends it: bolt's recorded `block_actions` payload, pointed at our card."""
    recorded = json.loads((SHARED_DATA / "slack/bolt-python-scenario-payloads/test_block_actions.json").read_text())
    body = copy.deepcopy(recorded["payloads"]["body"])
    body["user"].update(id=user, username=user.lower(), name=user.lower(), team_id=TEAM)
    body["team"]["id"] = TEAM
    body["channel"].update(id=channel, name="support-handoff")
    body["container"].update(channel_id=channel, message_ts=message_ts, is_ephemeral=False)
    body["actions"][0].update(action_id=action_id, block_id="handoff_actions", value=value, action_ts=str(time.time()))
    return body


async def action(client: TestClient, action_id: str, value: str, user: str = "UALICE") -> int:
    payload = block_actions(action_id, value, user=user)
    return await slack_post(client, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


async def staff_message(
    client: TestClient, *, thread_ts: str, text: str, ts: str, retry: str | None = None, channel: str = STAFF, user: str = "UALICE",
) -> int:
    body = json.dumps({
        "token": "verification_token", "team_id": TEAM, "api_app_id": "A111", "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}", "event_time": int(time.time()),
        "event": {"type": "message", "channel": channel, "channel_type": "channel", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts},
    })
    extra = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    return await slack_post(client, body, "application/json", **extra)


async def widget(client: TestClient, key: str = "demo") -> tuple[str, dict[str, str], ClientWebSocketResponse, list[dict[str, Any]]]:
    created = await (await client.post("/api/v1/conversations", json={"widget_key": key})).json()
    conversation, token = created["conversation_id"], created["token"]
    ws = await client.ws_connect(f"/api/v1/conversations/{conversation}/stream?token={token}")
    received: list[dict[str, Any]] = []

    async def read() -> None:
        async for message in ws:
            event = json.loads(message.data)
            if event.get("type") == "message":
                received.append(event["message"])

    asyncio.get_running_loop().create_task(read())
    return conversation, {"Authorization": f"Bearer {token}"}, ws, received


def card_for(slack: FakeSlackApi, channel: str, after: int = 0) -> dict[str, Any] | None:
    for args in slack.of("chat.postMessage")[after:]:
        if args.get("channel") == channel and args.get("blocks") and not args.get("thread_ts"):
            return args
    return None


def button_value(card: dict[str, Any], action_id: str) -> str:
    for block in card["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


async def handed_over(client: TestClient, slack: FakeSlackApi, *, text: str = "I want to talk to a person", key: str = "demo",
                      ) -> tuple[str, dict[str, str], ClientWebSocketResponse, list[dict[str, Any]], dict[str, Any], str]:
    """A widget customer who asked for a person: (conversation, auth headers, socket, what they received,
    the card posted for them, its thread ts)."""
    conversation, auth, ws, received = await widget(client, key)
    before = len(slack.of("chat.postMessage"))
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
    card = await until(lambda: card_for(slack, STAFF, before))
    thread = await until(lambda: (h := client.app[HANDOFF].current(conversation)) is not None and h.thread_ts)
    return conversation, auth, ws, received, card, str(thread)
