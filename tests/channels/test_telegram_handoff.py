"""Telegram customers handed to staff in the Slack handoff thread (the loopback Slack fake): the
relay both ways, files and photos reaching the thread, long messages reaching staff whole."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import HANDOFF
from channels.telegram_updates import MAX_TEXT
from tests.channels.conftest import FilesBotApi
from tests.channels.telegram_steps import (
    _conversation_of,
    _update_ids,
    post,
    sent_to,
    update_from,
)
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.slack_steps import STAFF, action, card_for, staff_message


async def test_talk_to_a_person_button_relays_through_slack_and_back(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict
) -> None:
    telegram, slack = fakes
    chat = 2006
    await post(client, update_from(examples["Message with text"], text="my invoice shows the wrong company name", chat=chat))
    before = len(slack.of("chat.postMessage"))
    callback = {
        "update_id": next(_update_ids),
        "callback_query": {"id": "cbq-1", "from": {"id": chat, "is_bot": False, "first_name": "Test"}, "chat_instance": "1",
                           "data": "human", "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat, "type": "private"}, "text": "..."}},
    }
    assert await post(client, callback) == 200
    assert telegram.of("answerCallbackQuery")[-1]["callback_query_id"] == "cbq-1"
    card = await until(lambda: card_for(slack, STAFF, before))
    assert "invoice" in json.dumps(card["blocks"]) and "telegram" in json.dumps(card["blocks"])
    handoff_id = next(e["value"] for b in card["blocks"] for e in b.get("elements", []) if e.get("action_id") == "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id) == 200
    conversation = (await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id)))
    await staff_message(client, thread_ts=conversation.thread_ts, text="Hi, I've fixed the company name on your invoice.", ts="3000.000001")
    reply = await until(lambda: [a for a in sent_to(telegram, chat) if "fixed the company name" in a["text"]])
    assert reply[0]["text"].startswith("<b>Alice</b>:")
    # the customer's next message goes to the thread, not to the bot
    await post(client, update_from(examples["Message with text"], text="thanks a lot!", chat=chat))
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == conversation.thread_ts and "thanks a lot" in a.get("text", "")])


async def test_files_sent_before_a_handoff_are_listed_for_staff_and_later_ones_relayed(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict
) -> None:
    telegram, slack = fakes
    chat = 2200
    await post(client, update_from(examples["Message with a document"], chat=chat))
    assert "only read text" in sent_to(telegram, chat)[-1]["text"]
    before = len(slack.of("chat.postMessage"))
    await post(client, update_from(examples["Message with text"], text="/human", chat=chat))
    card = await until(lambda: card_for(slack, STAFF, before))
    assert "Files from the customer: document (telegram file" in json.dumps(card["blocks"])
    handoff = await asyncio.to_thread(client.app[HANDOFF].current, _conversation_of(chat))
    card_thread = handoff.thread_ts
    sent_before = len(sent_to(telegram, chat))
    await post(client, update_from(examples["Message with a document"], chat=chat))
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == card_thread and "[sent document]" in a.get("text", "")])
    assert len(sent_to(telegram, chat)) == sent_before  # the bot said nothing


async def test_a_customers_photo_is_uploaded_into_the_staff_thread(
    client: TestClient, fakes: tuple[FilesBotApi, FakeSlackApi], examples: dict, aiogram: dict[str, Any]
) -> None:
    telegram, slack = fakes
    chat = 2210
    photo = {"update_id": next(_update_ids), "message": copy.deepcopy(aiogram["MESSAGE_WITH_PHOTO"])}
    photo["message"].update(chat={"id": chat, "type": "private"}, message_id=photo["update_id"])
    del photo["message"]["caption"]
    file_id = photo["message"]["photo"][-1]["file_id"]
    telegram.files[file_id] = b"\xff\xd8\xff\xe0 the customer's screenshot"
    await post(client, photo)
    await post(client, update_from(examples["Message with text"], text="/human", chat=chat))
    uploaded = await until(lambda: [f for f in slack.files if f["data"] == telegram.files[file_id]])
    handoff = await asyncio.to_thread(client.app[HANDOFF].current, _conversation_of(chat))
    assert uploaded[0]["channel"] == STAFF and uploaded[0]["thread_ts"] == handoff.thread_ts and uploaded[0]["filename"] == f"{file_id}.jpg"
    # a file Telegram won't hand out, sent while people own the conversation: named in the thread instead
    await post(client, update_from(examples["Message with a document"], chat=chat))
    note = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == handoff.thread_ts and "not attached" in a.get("text", "")])
    assert "document (telegram file AwADBAADbXXXXXXXXXXXGBdhD2l6_XX)" in note[0]["text"]
    assert len([f for f in slack.files if f["thread_ts"] == handoff.thread_ts]) == 1
    # a photo with a caption while people own the conversation: the words and the file both reach them
    captioned = {"update_id": next(_update_ids), "message": copy.deepcopy(aiogram["MESSAGE_WITH_PHOTO"])}
    captioned["message"].update(chat={"id": chat, "type": "private"}, message_id=captioned["update_id"], caption="this is the error I get")
    second = captioned["message"]["photo"][-1]["file_id"] = "photo-with-caption"
    telegram.files[second] = b"\xff\xd8\xff\xe0 a second screenshot"
    await post(client, captioned)
    await until(lambda: [f for f in slack.files if f["data"] == telegram.files[second] and f["thread_ts"] == handoff.thread_ts])
    await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == handoff.thread_ts and "this is the error I get" in a.get("text", "")])


async def test_a_customers_photo_can_be_fetched_for_staff(aiogram: dict[str, Any]) -> None:
    from bot.core.errors import InputError
    from bot.core.channel import Attachment, InboundMessage
    from channels.telegram import MAX_DOWNLOAD, TelegramChannel

    file_id = aiogram["MESSAGE_WITH_PHOTO"]["photo"][-1]["file_id"]
    api = FilesBotApi({file_id: b"\xff\xd8\xff\xe0 a jpeg"})
    await api.start()
    got: list[InboundMessage] = []

    async def submit(inbound: InboundMessage) -> None:
        got.append(inbound)

    channel = TelegramChannel(token="123456:FILES", tenant="default", api_url=api.base_url, webhook_secret="s", submit=submit)
    await channel.start()
    webhook = web.Application()
    webhook.router.add_post("/hook", channel.handle_webhook)
    try:
        async with TestClient(TestServer(webhook)) as hook:
            update = {"update_id": 1, "message": aiogram["MESSAGE_WITH_PHOTO"]}
            assert (await hook.post("/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s"})).status == 200
        assert [a.kind for a in got[0].attachments] == ["photo"]
        content = await channel.fetch_file(got[0].attachments[0])
        assert content.data == b"\xff\xd8\xff\xe0 a jpeg" and content.name == f"{file_id}.jpg"
        assert api.downloads == [f"/file/bot123456:FILES/photos/{file_id}.jpg"]  # through the configured API base
        with pytest.raises(InputError, match="larger"):
            await channel.fetch_file(Attachment(kind="document", name="scan.pdf", file_id="x", size=MAX_DOWNLOAD + 1))
    finally:
        await channel.stop()
        await api.close()


async def test_a_long_message_in_a_handoff_reaches_staff_whole_not_refused(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict,
) -> None:
    """Over the bot's 2000 characters, a customer waiting for a person was told to shorten it and staff saw
    nothing (staff16's trial): a person reads it, so it reaches the staff thread, every line in order."""
    telegram, slack = fakes
    chat = 2097
    before = len(slack.of("chat.postMessage"))
    await post(client, update_from(examples["Message with text"], text="/human", chat=chat))
    card = await until(lambda: card_for(slack, STAFF, before))
    handoff_id = next(e["value"] for b in card["blocks"] for e in b.get("elements", []) if e.get("action_id") == "handoff_claim")
    thread_ts = (await until(lambda: client.app[HANDOFF].get(int(handoff_id)).thread_ts))
    marks = [a + b for a in "abcdef" for b in "klmnopqrst"]  # 60 words to find, none a number redaction may take
    long_text = "\n".join(f"step {m}: the sync stopped again and nothing was saved" for m in marks)
    assert 3000 < len(long_text) <= MAX_TEXT
    await post(client, update_from(examples["Message with text"], text=long_text, chat=chat))
    relayed = await until(lambda: [a["text"] for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread_ts and "step ft:" in a.get("text", "")])
    in_thread = "\n".join(a["text"] for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread_ts and "step " in a.get("text", ""))
    assert all(f"step {m}:" in in_thread for m in marks) and relayed
    assert not [m for m in sent_to(telegram, chat) if "too long" in m["text"]]
    # outside a handoff the limit stands, said with both lengths
    await post(client, update_from(examples["Message with text"], text="y" * 2500, chat=chat + 1))
    assert sent_to(telegram, chat + 1)[-1]["text"] == (
        "That message is too long for me (2500 characters; the limit is 2000). Could you shorten it?")
