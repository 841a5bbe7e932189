"""Replies reach Telegram and Slack customers exactly once: a platform outage delays a reply but
never loses it, and a platform delivering the same update, event or button press twice gets one
answer. Through the real python-telegram-bot and slack-bolt against the loopback APIs."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.app.app_keys import DISPATCHER, HANDOFF, READY
from bot.app.web import build_app
from bot.core.channel import ConversationRef
from bot.core.database import downgrade, open_database
from bot.engine.dispatch import conversation_id_for
from bot.engine.messages import MessageStore
from tests.conftest import make_settings, running_app
from tests.databases import database_url
from tests.fakes.chat_app import bolt_payload, chat_client, slack_dm
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi, sign
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.slack_steps import SECRET as SLACK_SECRET
from tests.handoff.slack_steps import STAFF, card_for

WEBHOOK_SECRET = "tg-delivery-secret"


@pytest.fixture(scope="module")
def examples(shared_data: Path) -> dict[str, dict[str, Any]]:
    rows = json.loads((shared_data / "telegram" / "official_webhooks_doc" / "telegram_doc_update_examples.json").read_text())
    return {row["label"]: row["update"] for row in rows}


@pytest.fixture(scope="module")
async def fakes() -> AsyncIterator[tuple[FakeTelegramApi, FakeSlackApi]]:
    async with started(FakeTelegramApi(), FakeSlackApi()) as pair:
        yield pair  # type: ignore[misc]


@pytest.fixture(scope="module")
async def client(fakes: tuple[FakeTelegramApi, FakeSlackApi], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with chat_client(tmp_path_factory.mktemp("delivery"), *fakes, bot_token="123456:DELIVERY", webhook_secret=WEBHOOK_SECRET) as client:
        yield client


_ids = iter(range(70_000, 80_000))


def update(example: dict[str, Any], *, chat: int, text: str | None = None) -> dict[str, Any]:
    body = copy.deepcopy(example)
    body["update_id"] = next(_ids)
    message = body["message"]
    message["chat"]["id"] = chat
    message["message_id"] = body["update_id"]
    if text is not None:
        message["text"] = text
    return body


def button_press(chat: int, action: str, *, update_id: int | None = None) -> dict[str, Any]:
    return {
        "update_id": update_id if update_id is not None else next(_ids),
        "callback_query": {"id": f"cbq-{chat}-{time.monotonic_ns()}", "from": {"id": chat, "is_bot": False, "first_name": "Test"}, "chat_instance": "1",
                           "data": f"{action}:1", "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat, "type": "private"}, "text": "..."}},
    }


async def post(client: TestClient, body: dict[str, Any]) -> int:
    response = await client.post("/telegram/default/webhook", data=json.dumps(body),
                                 headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    await client.app[DISPATCHER].drain()
    return response.status


def sent_to(telegram: FakeTelegramApi, chat: int) -> list[dict[str, Any]]:
    return [a for a in telegram.of("sendMessage") if int(a.get("chat_id", 0)) == chat]


def refused_for(telegram: FakeTelegramApi, chat: int) -> list[dict[str, Any]]:
    return [a for name, a, _ in telegram.failed if name == "sendMessage" and int(a.get("chat_id", 0)) == chat]


def answered_message(sent: dict[str, Any]) -> int:
    """The stored message id a Telegram answer's buttons carry (helpful:<id>)."""
    return int(sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1])


async def slack_event(client: TestClient, body: dict[str, Any], *, retry: str | None = None) -> int:
    raw = json.dumps(body)
    headers = {"Content-Type": "application/json", **sign(SLACK_SECRET, raw), **({"X-Slack-Retry-Num": retry} if retry else {})}
    status = (await client.post("/slack/events", data=raw, headers=headers)).status
    await client.app[DISPATCHER].drain()
    return status


def dm(shared_data: Path, text: str, *, channel: str) -> dict[str, Any]:
    return slack_dm(shared_data, text, channel=channel, ts=next(_ids))


async def slack_button(client: TestClient, *, channel: str, thread: str, action: str, action_ts: str) -> int:
    payload = {
        "type": "block_actions", "user": {"id": "W111", "team_id": "T111"}, "team": {"id": "T111"}, "api_app_id": "A111",
        "channel": {"id": channel}, "container": {"type": "message", "channel_id": channel, "message_ts": thread},
        "message": {"ts": f"{next(_ids)}.1", "thread_ts": thread}, "trigger_id": "1.2.x",
        "actions": [{"action_id": f"customer_{action}", "block_id": "supportbot_feedback", "value": "1", "type": "button", "action_ts": action_ts}],
    }
    raw = "payload=" + quote(json.dumps(payload))
    status = (await client.post("/slack/events", data=raw, headers={"Content-Type": "application/x-www-form-urlencoded", **sign(SLACK_SECRET, raw)})).status
    await asyncio.sleep(0.2)  # bolt acks first and runs the listener after
    await client.app[DISPATCHER].drain()
    return status


def posted(slack: FakeSlackApi, channel: str) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postMessage") if a.get("channel") == channel]


# --- a platform outage delays replies, never loses or doubles them ------------------------------
async def test_replies_telegram_refused_arrive_once_and_in_order_when_it_recovers(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict
) -> None:
    telegram, _ = fakes
    chat = 3001
    telegram.failing.add("sendMessage")
    try:
        assert await post(client, update(examples["Message with text"], chat=chat, text="how do I export my data?")) == 200
        assert await post(client, update(examples["Message with text"], chat=chat, text="How do I turn on two-factor authentication?")) == 200
        await until(lambda: len(refused_for(telegram, chat)) >= 2, timeout=15)  # tried, refused, tried again
        assert sent_to(telegram, chat) == []
    finally:
        telegram.failing.discard("sendMessage")
    sent = await until(lambda: len(sent_to(telegram, chat)) >= 2 and sent_to(telegram, chat), timeout=20)
    await asyncio.sleep(2.5)  # long enough for a wrongly scheduled extra try to show up
    sent = sent_to(telegram, chat)
    assert len(sent) == 2, "each reply arrives exactly once"
    first, second = (answered_message(s) for s in sent)
    assert first < second, "in the order they were answered"
    assert "export" in sent[0]["text"].lower()


async def test_a_slack_reply_refused_by_an_outage_arrives_once_when_slack_recovers(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    channel = "D3002"
    slack.failing.add("chat.postMessage")
    try:
        assert await slack_event(client, dm(shared_data, "How do I reset my password?", channel=channel)) == 200
        await until(lambda: posted(slack, channel), timeout=15)  # the fake records refused calls too
        refused = len(posted(slack, channel))
    finally:
        slack.failing.discard("chat.postMessage")
    await until(lambda: len(posted(slack, channel)) > refused, timeout=20)
    await asyncio.sleep(2.5)
    assert len(posted(slack, channel)) == refused + 1


def test_an_existing_database_gains_the_delivery_column_and_old_replies_are_not_resent(tmp_path: Path) -> None:
    url = database_url(tmp_path / "old.db")
    engine = open_database(url, upgrade=True)
    downgrade(engine, to="0006")  # the message table as it was before delivery was tracked
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO message (conversation_id, role, text, status, created_at) VALUES ('c1', 'bot', 'an old answer', 'done', '2026-01-01')"))
    engine.dispose()
    engine = open_database(url, upgrade=True)
    store = MessageStore(engine)
    assert store.undelivered() == []  # sent long ago: nothing to send again
    queued = store.add("c1", role="bot", text="a new answer", delivery="queued")
    assert queued is not None
    assert [m.text for _, m in store.undelivered()] == ["a new answer"]
    assert queued is not None
    store.mark_sent(queued.id)
    assert store.undelivered() == []


# --- the same delivery twice is answered once ----------------------------------------------------
async def test_repeated_telegram_commands_files_and_oversized_texts_are_answered_once(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict
) -> None:
    telegram, _ = fakes
    chat = 3003
    start = update(examples["Message with text"], chat=chat, text="/start")
    document = update(examples["Message with a document"], chat=chat)
    too_long = update(examples["Message with text"], chat=chat, text="why " * 2000)
    for body in (start, start, document, document, too_long, too_long):
        assert await post(client, body) == 200
    texts = [s["text"] for s in sent_to(telegram, chat)]
    assert len(texts) == 3
    assert "help center" in texts[0] and "only read text" in texts[1] and "too long" in texts[2]
    assert all("/human" in t for t in texts[:2])  # Telegram's own command for a person


async def test_a_file_sent_twice_while_people_own_the_conversation_reaches_them_once(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict
) -> None:
    telegram, slack = fakes
    chat = 3007
    before = len(slack.of("chat.postMessage"))
    await post(client, update(examples["Message with text"], chat=chat, text="/human"))
    await until(lambda: card_for(slack, STAFF, before), timeout=15)
    conversation = conversation_id_for(ConversationRef(channel="telegram", tenant="default", address=str(chat)))
    thread = (await asyncio.to_thread(client.app[HANDOFF].current, conversation)).thread_ts
    sent_before = len(sent_to(telegram, chat))
    document = update(examples["Message with a document"], chat=chat)
    for _ in range(2):
        assert await post(client, document) == 200

    def relayed() -> list[dict[str, Any]]:
        return [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "[sent document]" in a.get("text", "")]

    await until(relayed, timeout=15)
    await asyncio.sleep(0.5)
    assert len(relayed()) == 1
    assert len(sent_to(telegram, chat)) == sent_before  # the bot said nothing


async def test_a_repeated_not_helpful_press_counts_once(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, slack = fakes
    chat = 3004
    await post(client, update(examples["Message with text"], chat=chat, text="How do I export my data?"))
    before = len(slack.of("chat.postMessage"))
    press = button_press(chat, "not_helpful")
    assert await post(client, press) == 200
    assert await post(client, press) == 200  # Telegram delivering the same update again
    await asyncio.sleep(1.0)
    assert card_for(slack, STAFF, before) is None, "one press is not two: no handoff"
    assert len([s for s in sent_to(telegram, chat) if "Thanks for telling me" in s["text"]]) == 1
    assert await post(client, button_press(chat, "not_helpful")) == 200  # a second, real press
    assert await until(lambda: card_for(slack, STAFF, before), timeout=15)


async def test_repeated_slack_files_and_button_presses_are_answered_once(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    filed = bolt_payload(shared_data, "test_message_file_share.json", "event_payload")
    filed["event"].update(channel="D3005", channel_type="im", text="")
    assert await slack_event(client, filed) == 200
    assert await slack_event(client, filed, retry="1") == 200  # Slack's retry of the same event
    await asyncio.sleep(0.3)
    notes = posted(slack, "D3005")
    assert len(notes) == 1
    assert 'say "talk to a person"' in notes[0]["text"] and "/human" not in notes[0]["text"]  # no such command on Slack
    thread = filed["event"]["ts"]
    for _ in range(2):  # the same press (same action_ts) delivered twice
        assert await slack_button(client, channel="D3005", thread=thread, action="not_helpful", action_ts="1700000000.123") == 200
    sorry = [p for p in posted(slack, "D3005") if "Thanks for telling me" in p["text"]]
    assert len(sorry) == 1 and "/human" not in sorry[0]["text"] and "talk to a person" in sorry[0]["text"]


async def test_saying_talk_to_a_person_on_slack_brings_a_person(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    before = len(slack.of("chat.postMessage"))
    assert await slack_event(client, dm(shared_data, "talk to a person", channel="D3006")) == 200
    assert await until(lambda: card_for(slack, STAFF, before), timeout=15)



# --- an answer cut off mid-stream by a crash ------------------------------------------------------


async def test_an_answer_cut_off_mid_stream_is_finished_in_the_same_telegram_message_after_a_restart(tmp_path: Path) -> None:
    """The process dies while an answer is being streamed into a Telegram message: after the restart
    the answer is edited into that message, not sent as a second one under the fragment."""
    from bot.app.app_keys import CONVERSATIONS
    from tests.fakes.model_servers import FakeOllama

    ollama, telegram = FakeOllama(), FakeTelegramApi()
    await ollama.start()
    await telegram.start()
    answer = "Click Forgot password? on the sign-in page, enter your email and follow the link we send. [1]"
    ollama.replies += [("drip", 0.3, answer), ("drip", 0.01, answer)]
    chat = 4545
    settings = make_settings(tmp_path, OLLAMA_HOST=ollama.url, SUPPORTBOT_LOCAL_MODEL="qwen2.5:0.5b", TELEGRAM_BOT_TOKEN="123:T",
                             TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, SUPPORTBOT_TELEGRAM_API_URL=telegram.base_url)
    conversation_id = conversation_id_for(ConversationRef(channel="telegram", tenant="default", address=str(chat)))
    question = {"update_id": next(_ids), "message": {"message_id": 1, "date": 1, "text": "I forgot my password and can't sign in, what now?",
                                                     "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "T"}}}
    try:
        async with running_app(settings) as client:
            app = client.app
            await client.post("/telegram/default/webhook", json=question, headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
            fragment = (await until(lambda: sent_to(telegram, chat)))[0]
            stored = await until(lambda: app[CONVERSATIONS].get(conversation_id).streaming)
            # the process dies here: the answer stops mid-stream, its question stays pending
            for task in list(app[DISPATCHER]._tasks):
                task.cancel()
        fragment_id = int(stored)  # the message the answer was streaming into
        assert answer not in fragment["text"]
        app = build_app(settings)  # the restart: pending questions are answered at start
        async with TestClient(TestServer(app)) as client:
            await asyncio.wait_for(app[READY].wait(), timeout=120)
            edited = await until(lambda: [e for e in telegram.of("editMessageText") if int(e["message_id"]) == fragment_id and "follow the link" in e["text"]])
            await app[DISPATCHER].drain()
            await asyncio.sleep(0.3)
            assert app[CONVERSATIONS].get(conversation_id).streaming is None  # done: a later restart edits nothing
    finally:
        await telegram.close()
        await ollama.close()
    assert len(sent_to(telegram, chat)) == 1  # the fragment, grown into the answer; no second copy
    assert edited[-1].get("reply_markup")  # with the answer's buttons
