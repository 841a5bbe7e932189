"""A clarification's options as Telegram inline buttons and Slack buttons; pressing one answers from
that article, through the real webhooks against the loopback Bot API and Slack Web API."""

from __future__ import annotations

import asyncio
import copy
import html
import json
import re
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import DISPATCHER
from tests.channels.conftest import WEBHOOK_SECRET, FilesBotApi
from tests.channels.telegram_steps import post, sent_to, update_from
from tests.conftest import make_settings, running_app
from tests.fakes.chat_app import slack_dm
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi, sign
from tests.handoff.slack_steps import SECRET as SLACK_SECRET
from tests.handoff.slack_steps import STAFF

# every covered question clarified: no article trusted, any choice offered, and no clear lead answered (policies/clear_lead.py)
ALWAYS_ASK = "[tenants.default.thresholds]\nmin_confidence = 1.0\nmin_choice_confidence = 0.0\nclarify_gap = 10.0\nmin_lead_confidence = 1.0\n"
QUESTION = "how do I reset my password?"


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[TestClient, FilesBotApi, FakeSlackApi]]:
    tenants = tmp_path_factory.mktemp("t") / "tenants.toml"
    tenants.write_text(ALWAYS_ASK)
    async with started(FilesBotApi(), FakeSlackApi()) as (telegram, slack):
        settings = make_settings(
            tmp_path_factory.mktemp("clarify-channels"), SUPPORTBOT_TENANTS_FILE=str(tenants), TELEGRAM_BOT_TOKEN="123456:TEST-token",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url, SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SLACK_SECRET, SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
        )
        async with running_app(settings) as client:
            yield client, telegram, slack


def callback(examples: dict, *, chat: int, data: str, n: int) -> dict[str, Any]:
    update = copy.deepcopy(examples["Callback query"])
    update["update_id"] = 990_000 + n
    update["callback_query"].update(id=f"cbq-c{n}", data=data)
    update["callback_query"]["from"]["id"] = chat
    return update


async def test_telegram_shows_an_inline_button_per_article_and_the_pressed_one_answers(
    bot: tuple[TestClient, FilesBotApi, FakeSlackApi], examples: dict
) -> None:
    client, telegram, _ = bot
    chat = 7101
    assert await post(client, update_from(examples["Message with text"], text=QUESTION, chat=chat)) == 200
    offer = sent_to(telegram, chat)[-1]
    rows = offer["reply_markup"]["inline_keyboard"]
    choose = [row[0] for row in rows if row[0]["callback_data"].startswith("choose:")]
    assert len(choose) >= 2 and all(len(row) == 1 for row in rows[: len(choose)])  # one article a row
    assert rows[-1][-1]["text"] == "None of these" and rows[-1][-1]["callback_data"].startswith("none:")
    picked = choose[1]
    assert await post(client, callback(examples, chat=chat, data=picked["callback_data"], n=1)) == 200
    answer = sent_to(telegram, chat)[-1]
    # answered from the pressed article, listed once under the text (bot/core/channel.py `text_beside_citations`)
    assert answer is not offer and f"• {picked['text']}" in re.sub(r"<[^>]+>", "", html.unescape(answer["text"]))
    # "none of these": a person
    assert await post(client, update_from(examples["Message with text"], text=QUESTION, chat=chat)) == 200
    none = sent_to(telegram, chat)[-1]["reply_markup"]["inline_keyboard"][-1][-1]
    assert await post(client, callback(examples, chat=chat, data=none["callback_data"], n=2)) == 200
    assert any("passing you to a person" in m["text"] for m in sent_to(telegram, chat)[-3:])  # then the queue notice


async def test_slack_shows_a_button_per_article_and_the_pressed_one_answers(bot: tuple[TestClient, FilesBotApi, FakeSlackApi], shared_data: Path) -> None:
    client, _, slack = bot
    body = slack_dm(shared_data, QUESTION, channel="D7101", ts=7101)
    raw = json.dumps(body)
    assert (await client.post("/slack/events", data=raw, headers={"Content-Type": "application/json", **sign(SLACK_SECRET, raw)})).status == 200
    offer = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D7101"])
    blocks = json.loads(offer[-1]["blocks"]) if isinstance(offer[-1]["blocks"], str) else offer[-1]["blocks"]
    choose = [b["elements"][0] for b in blocks if b.get("block_id", "").startswith("supportbot_choose_")]
    assert len(choose) >= 2 and all(e["action_id"] == "customer_choose" for e in choose)
    assert any(e["action_id"] == "customer_none" for b in blocks if b.get("type") == "actions" for e in b["elements"])
    picked = choose[0]
    payload = {
        "type": "block_actions", "user": {"id": "W111", "team_id": "T111"}, "team": {"id": "T111"}, "api_app_id": "A111",
        "channel": {"id": "D7101"}, "container": {"type": "message", "channel_id": "D7101", "message_ts": body["event"]["ts"]},
        "message": {"ts": "7101.2", "thread_ts": body["event"]["ts"]}, "trigger_id": "1.2.x",
        "actions": [{"action_id": "customer_choose", "block_id": "supportbot_choose_0", "value": picked["value"], "type": "button",
                     "action_ts": f"{time.time()}"}],
    }
    raw = "payload=" + urllib.parse.quote(json.dumps(payload))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SLACK_SECRET, raw)}
    assert (await client.post("/slack/events", data=raw, headers=headers)).status == 200
    await asyncio.sleep(0.3)
    await client.app[DISPATCHER].drain()
    answers = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D7101"][len(offer):])
    assert f"Source: {picked['text']['text']}" in answers[-1]["text"]
