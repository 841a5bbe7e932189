"""After staff resolve a handoff, the Telegram and Slack customer is asked "how did we do?" with a button
for each of 1 to 5 (an inline keyboard; Slack buttons, each action id once per block); a press, or a
rating typed as stars, is taken as the rating and thanked, not read as a new question for a person."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.channels.conftest import WEBHOOK_SECRET, FilesBotApi
from tests.channels.telegram_steps import post, sent_to, update_from
from tests.channels.test_clarify_buttons import callback
from tests.fakes.chat_app import chat_client, slack_dm
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi, sign
from tests.handoff.slack_steps import SECRET as SLACK_SECRET
from tests.handoff.slack_steps import action, button_value, card_for


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[TestClient, FilesBotApi, FakeSlackApi]]:
    async with started(FilesBotApi(), FakeSlackApi()) as (telegram, slack), chat_client(
        tmp_path_factory.mktemp("rating"), telegram, slack, bot_token="123456:TEST-token", webhook_secret=WEBHOOK_SECRET
    ) as client:
        yield client, telegram, slack


async def resolved(client: TestClient, slack: FakeSlackApi, ask: Any) -> None:
    """The customer asks for a person (`ask`), staff claim and resolve on the card."""
    before = len(slack.of("chat.postMessage"))
    await ask()
    card = await until(lambda: card_for(slack, "CSTAFF", before))
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id) == 200
    assert await action(client, "handoff_resolve", handoff_id) == 200


async def test_telegram_rating_is_a_row_of_buttons_and_a_press_is_thanked(bot: tuple[TestClient, FilesBotApi, FakeSlackApi], examples: dict) -> None:
    client, telegram, slack = bot
    chat = 7301
    await resolved(client, slack, lambda: post(client, update_from(examples["Message with text"], text="I want to talk to a person", chat=chat)))
    prompt = await until(lambda: [m for m in sent_to(telegram, chat) if "How did we do?" in m["text"]])
    rows = prompt[-1]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[-1]] == ["1", "2", "3", "4", "5"]
    before = len(slack.of("chat.postMessage"))
    assert await post(client, callback(examples, chat=chat, data=rows[-1][3]["callback_data"], n=31)) == 200
    assert await until(lambda: [m for m in sent_to(telegram, chat) if m["text"] == "Thanks for rating us!"])
    assert card_for(slack, "CSTAFF", before) is None  # no new handoff


async def test_telegram_rating_typed_as_stars_is_a_rating_not_a_question(bot: tuple[TestClient, FilesBotApi, FakeSlackApi], examples: dict) -> None:
    client, telegram, slack = bot
    chat = 7302
    await resolved(client, slack, lambda: post(client, update_from(examples["Message with text"], text="I want to talk to a person", chat=chat)))
    await until(lambda: [m for m in sent_to(telegram, chat) if "How did we do?" in m["text"]])
    before = len(slack.of("chat.postMessage"))
    assert await post(client, update_from(examples["Message with text"], text="⭐️⭐️⭐️⭐️", chat=chat)) == 200
    assert await until(lambda: [m for m in sent_to(telegram, chat) if m["text"] == "Thanks for rating us!"])
    assert card_for(slack, "CSTAFF", before) is None  # not handed over as a question nobody could answer


async def test_slack_rating_buttons_have_distinct_action_ids_and_a_press_is_thanked(bot: tuple[TestClient, FilesBotApi, FakeSlackApi], shared_data: Path) -> None:
    client, _, slack = bot
    body = slack_dm(shared_data, "I want to talk to a person", channel="D7303", ts=7303)

    async def ask() -> None:
        raw = json.dumps(body)
        assert (await client.post("/slack/events", data=raw, headers={"Content-Type": "application/json", **sign(SLACK_SECRET, raw)})).status == 200

    await resolved(client, slack, ask)
    prompt = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D7303" and "How did we do?" in a.get("text", "")])
    blocks = prompt[-1]["blocks"]
    buttons = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in buttons] == ["1", "2", "3", "4", "5"]
    assert len({e["action_id"] for e in buttons}) == 5  # Slack refuses a block that repeats an action id
    payload = {
        "type": "block_actions", "user": {"id": "W111", "team_id": "T111"}, "team": {"id": "T111"}, "api_app_id": "A111",
        "channel": {"id": "D7303"}, "container": {"type": "message", "channel_id": "D7303", "message_ts": body["event"]["ts"]},
        "message": {"ts": "7303.2", "thread_ts": body["event"]["ts"]}, "trigger_id": "1.2.x",
        "actions": [{"action_id": buttons[4]["action_id"], "block_id": "supportbot_feedback", "value": buttons[4]["value"], "type": "button",
                     "action_ts": f"{time.time()}"}],
    }
    raw = "payload=" + urllib.parse.quote(json.dumps(payload))
    assert (await client.post("/slack/events", data=raw, headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SLACK_SECRET, raw)})).status == 200
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D7303" and a.get("text") == "Thanks for rating us!"])
