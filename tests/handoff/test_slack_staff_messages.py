"""What staff write in a handoff's Slack thread besides a plain reply: a reply also sent to the channel
(bolt's recorded `thread_broadcast` payload), a file with a comment, an edit, and a reply after the
handoff was resolved. Each either reaches the customer or its writer is told, for their eyes only, why
not: nothing staff write is dropped unsaid."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.fakes.loopback import until
from tests.fakes.slack_api import TEAM, FakeSlackApi
from tests.handoff.slack_steps import (
    STAFF,
    action,
    button_value,
    handed_over,
    slack_app,
    slack_fake,
    slack_post,
)


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with slack_fake() as fake:
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with slack_app(slack, tmp_path_factory, name="staff-messages") as client:
        yield client


async def event(client: TestClient, event: dict[str, Any]) -> int:
    body = json.dumps({"token": "t", "team_id": TEAM, "api_app_id": "A111", "type": "event_callback",
                       "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()), "event": event})
    return await slack_post(client, body, "application/json")


async def claimed_handoff(client: TestClient, slack: FakeSlackApi) -> tuple[str, list[dict[str, Any]], str, str]:
    conversation, _, _, received, card, thread = await handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id) == 200
    await until(lambda: [m for m in received if "joined" in m["text"]])
    return conversation, received, str(thread), handoff_id


def told(slack: FakeSlackApi, thread: str, words: str) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postEphemeral") if a.get("thread_ts") == thread and words in a.get("text", "")]


async def test_a_reply_also_sent_to_the_channel_reaches_the_customer(client: TestClient, slack: FakeSlackApi, shared_data: Path) -> None:
    _, received, thread, _ = await claimed_handoff(client, slack)
    recorded = json.loads((shared_data / "slack/bolt-python-scenario-payloads/test_message_thread_broadcast.json").read_text())
    broadcast = copy.deepcopy(recorded["payloads"]["event_payload"]["event"])
    broadcast.update(channel=STAFF, user="UALICE", thread_ts=thread, ts=f"{time.time():.6f}", text="Log out and in again, please.")
    broadcast.pop("root", None)
    assert await event(client, broadcast) == 200
    assert await until(lambda: [m for m in received if m["role"] == "agent" and "Log out and in again" in m["text"]])


async def test_a_file_with_a_comment_sends_the_comment_and_tells_staff_the_file_was_not(client: TestClient, slack: FakeSlackApi) -> None:
    _, received, thread, _ = await claimed_handoff(client, slack)
    ts = f"{time.time():.6f}"
    shared = {"type": "message", "subtype": "file_share", "channel": STAFF, "channel_type": "channel", "user": "UALICE", "ts": ts,
              "thread_ts": thread, "text": "Here is where to click.", "files": [{"id": "F1", "name": "where.png", "mimetype": "image/png"}]}
    assert await event(client, shared) == 200
    assert await until(lambda: [m for m in received if m["role"] == "agent" and "where to click" in m["text"]])
    assert await until(lambda: told(slack, thread, "Files are not sent to the customer"))
    # a file alone: nothing to send, and the writer hears it
    alone = {**shared, "ts": f"{time.time():.6f}", "text": ""}
    assert await event(client, alone) == 200
    assert await until(lambda: len(told(slack, thread, "Files are not sent to the customer")) == 2)


async def test_an_edit_is_not_sent_again_and_its_writer_is_told(client: TestClient, slack: FakeSlackApi) -> None:
    _, received, thread, _ = await claimed_handoff(client, slack)
    ts = f"{time.time():.6f}"
    changed = {"type": "message", "subtype": "message_changed", "channel": STAFF, "channel_type": "channel", "hidden": True,
               "ts": f"{time.time():.6f}", "message": {"type": "message", "user": "UALICE", "text": "Try the Settings page.", "ts": ts,
                                                       "thread_ts": thread, "edited": {"user": "UALICE", "ts": ts}}}
    assert await event(client, changed) == 200
    assert await until(lambda: told(slack, thread, "Your edit did not reach the customer"))
    assert not [m for m in received if "Settings page" in m["text"]]


async def test_a_reply_after_the_handoff_was_resolved_tells_its_writer(client: TestClient, slack: FakeSlackApi) -> None:
    _, received, thread, handoff_id = await claimed_handoff(client, slack)
    assert await action(client, "handoff_resolve", handoff_id) == 200
    await until(lambda: [m for m in received if "resolved" in m["text"]])
    message = {"type": "message", "channel": STAFF, "channel_type": "channel", "user": "UALICE", "ts": f"{time.time():.6f}",
               "thread_ts": thread, "text": "One more thing: ping me any time."}
    assert await event(client, message) == 200
    assert await until(lambda: told(slack, thread, "Not sent to the customer"))
    assert not [m for m in received if "ping me" in m["text"]]
