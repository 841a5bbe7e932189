"""Steps the handoff tests share: signed Slack requests (events, button clicks), a widget customer
with a live socket, and finding the card among the recorded Web API calls."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient

from tests.conftest import SHARED_DATA
from tests.fakes.slack_api import TEAM, FakeSlackApi, sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
STAFF = "CSTAFF"


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
