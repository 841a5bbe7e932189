"""Telegram customers, through the real python-telegram-bot against a loopback Bot API: webhook
updates from the Bot API documentation's examples in, answers (and staff replies from the Slack
handoff thread) out."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.core import texts
from bot.app.app_keys import CONVERSATIONS, DISPATCHER, HANDOFF
from bot.core.channel import Button, Link, Reply
from bot.core.messages import Role
from channels.telegram import render_html, split_message
from channels.telegram_updates import MAX_TEXT
from tests.channels.conftest import WEBHOOK_SECRET, FilesBotApi
from tests.conftest import make_settings
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.test_slack_handoff import STAFF, action, card_for, staff_message

CHAT = 1111111


@pytest.fixture(scope="module")
def examples(shared_data: Path) -> dict[str, dict[str, Any]]:
    rows = json.loads((shared_data / "telegram" / "official_webhooks_doc" / "telegram_doc_update_examples.json").read_text())
    return {row["label"]: row["update"] for row in rows}


_update_ids = iter(range(50_000, 60_000))


def update_from(example: dict[str, Any], *, text: str | None = None, chat: int = CHAT, message_id: int | None = None) -> dict[str, Any]:
    update = copy.deepcopy(example)
    update["update_id"] = next(_update_ids)
    message = update.get("message") or update.get("edited_message")
    if message is not None:
        message["chat"]["id"] = chat
        message["message_id"] = message_id if message_id is not None else update["update_id"]
        if text is not None:
            message["text"] = text
    return update


async def post(client: TestClient, update: Any, *, secret: str = WEBHOOK_SECRET) -> int:
    body = update if isinstance(update, str) else json.dumps(update)
    response = await client.post("/telegram/default/webhook", data=body, headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    await client.app[DISPATCHER].drain()
    return response.status




def sent_to(telegram: FakeTelegramApi, chat: int) -> list[dict[str, Any]]:
    return [a for a in telegram.of("sendMessage") if int(a.get("chat_id", 0)) == chat]


async def test_a_text_message_is_answered_with_sources_and_buttons(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    assert await post(client, update_from(examples["Message with text"], text="How do I turn on two-factor authentication?", chat=2001)) == 200
    sent = sent_to(telegram, 2001)
    assert len(sent) == 1 and sent[0]["parse_mode"] == "HTML"
    assert '<a href="https://help.paperkite.example/' in sent[0]["text"]
    labels = [b["text"] for row in sent[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert "Talk to a person" in labels


async def test_the_same_update_delivered_twice_is_answered_once(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    update = update_from(examples["Message with text"], text="how do I export my data?", chat=2002)
    assert await post(client, update) == 200
    assert await post(client, update) == 200
    assert len(sent_to(telegram, 2002)) == 1


async def test_start_edits_and_documents(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    await post(client, update_from(examples["Message with text"], text="/start", chat=2003))
    assert "help center" in sent_to(telegram, 2003)[-1]["text"]
    # an edited message is a new question, answered again
    edited = update_from(examples["Edited message"], text="how do I delete a page?", chat=2003)
    await post(client, edited)
    assert len(sent_to(telegram, 2003)) == 2
    # a document: said politely what the bot can read
    await post(client, update_from(examples["Message with a document"], chat=2003))
    assert "only read text" in sent_to(telegram, 2003)[-1]["text"]


async def test_bad_input_is_refused_or_ignored_without_sending(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    before = len(telegram.of("sendMessage"))
    assert await post(client, update_from(examples["Message with text"], chat=2004), secret="wrong") == 401
    assert await post(client, "{not json") == 400  # not from Telegram at all
    assert await post(client, json.dumps({"no": "update id"})) == 200  # anything else: 200, or Telegram retries forever
    assert await post(client, update_from(examples["Inline query"])) == 200  # a kind the bot doesn't handle
    assert len(telegram.of("sendMessage")) == before
    await post(client, update_from(examples["Message with text"], text="x" * 5000, chat=2004))
    assert "too long" in sent_to(telegram, 2004)[-1]["text"]


def _broken(example: dict[str, Any], chat: int, breaks: str) -> dict[str, Any]:
    update = update_from(example, chat=chat)
    message = update["message"]
    if breaks == "lone slash":
        message["text"] = "/"
    elif breaks == "text is a number":
        message["text"] = 123
    elif breaks == "message is a string":
        update["message"] = "Secret Customer wrote this"
    elif breaks == "no message_id":
        del message["message_id"]
    elif breaks == "chat id is not a number":
        message["chat"]["id"] = "Secret Customer"
    elif breaks == "photo is a string":
        message["photo"] = "Secret Customer"
    elif breaks == "callback query without a sender or message":
        update.pop("message")
        update["callback_query"] = {"id": "cbq-x", "data": "helpful", "chat_instance": "1"}
    return update


async def test_malformed_updates_get_200_and_a_log_line_without_their_content(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict, caplog: pytest.LogCaptureFixture
) -> None:
    telegram, _ = fakes
    example = copy.deepcopy(examples["Message with text"])
    example["message"]["from"]["first_name"] = "Secret Customer"
    kinds = ["text is a number", "message is a string", "no message_id", "chat id is not a number", "photo is a string",
             "callback query without a sender or message"]
    for n, breaks in enumerate(kinds):
        caplog.clear()
        with caplog.at_level("INFO", logger="channels.telegram"):
            assert await post(client, _broken(example, 2400 + n, breaks)) == 200, breaks
        logged = [r.getMessage() for r in caplog.records if r.name == "channels.telegram"]
        assert logged and all("Secret" not in line for line in logged), (breaks, logged)
        assert sent_to(telegram, 2400 + n) == [], breaks
    # a lone "/" is not a command: it is read as a (very short) message, not a crash
    assert await post(client, _broken(example, 2450, "lone slash")) == 200
    assert sent_to(telegram, 2450)  # answered like any message
    # oversized text: the customer is asked to shorten it; the log says how long, not what
    caplog.clear()
    with caplog.at_level("INFO", logger="channels.telegram"):
        assert await post(client, update_from(example, text="secretword " * 500, chat=2451)) == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "channels.telegram"]
    assert any("5500 characters" in line for line in logged) and not any("secretword" in line for line in logged)
    assert "too long" in sent_to(telegram, 2451)[-1]["text"]


async def test_a_429_is_honoured_with_retry_after(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    telegram.throttle["sendMessage"] = 1
    started = len(telegram.of("sendMessage"))
    await post(client, update_from(examples["Message with text"], text="how do I reset my password?", chat=2005))
    attempts = telegram.times("sendMessage")[started:]
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.9
    assert len(sent_to(telegram, 2005)) == 2  # the throttled try and the one that went through


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


@pytest.fixture(scope="module")
def aiogram(shared_data: Path) -> dict[str, Any]:
    return json.loads((shared_data / "telegram" / "aiogram_dev2x_dataset" / "aiogram_dataset.json").read_text())


async def test_a_photo_gets_a_polite_note_or_its_caption_answered(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], aiogram: dict[str, Any]
) -> None:
    telegram, _ = fakes
    photo = {"update_id": next(_update_ids), "message": copy.deepcopy(aiogram["MESSAGE_WITH_PHOTO"])}
    photo["message"]["chat"]["id"] = 2500
    del photo["message"]["caption"]
    assert await post(client, photo) == 200
    note = sent_to(telegram, 2500)
    assert len(note) == 1 and "only read text" in note[0]["text"]
    captioned = {"update_id": next(_update_ids), "message": copy.deepcopy(aiogram["MESSAGE_WITH_PHOTO"])}
    captioned["message"].update(message_id=12346, caption="How do I turn on two-factor authentication?")
    captioned["message"]["chat"]["id"] = 2501
    assert await post(client, captioned) == 200
    answer = sent_to(telegram, 2501)
    assert len(answer) == 1 and '<a href="https://help.paperkite.example/' in answer[0]["text"]  # the caption is the question


async def test_feedback_buttons_are_answered(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    telegram, _ = fakes
    for chat, data, thanks in ((2510, "helpful:", "Thanks for the feedback!"), (2511, "not_helpful:", "Thanks for telling me")):
        update = copy.deepcopy(examples["Callback query"])  # a button under an inline message: no chat, the sender is the chat
        update["update_id"] = next(_update_ids)
        query = update["callback_query"]
        query.update(id=f"cbq-{chat}", data=data)
        query["from"]["id"] = chat
        assert await post(client, update) == 200
        assert telegram.of("answerCallbackQuery")[-1]["callback_query_id"] == f"cbq-{chat}"  # the button stops spinning
        assert thanks in sent_to(telegram, chat)[-1]["text"]


async def test_a_greeting_or_a_thank_you_gets_no_was_this_helpful_buttons(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    """Found trying a help center of our own: "hi" was answered "Hi! What can I help you with?" with
    "Helpful / Not helpful / Talk to a person" under it, and "thanks!" likewise; a "not helpful" there
    counted against the bot's answers. Only answers from the help center are rated."""
    telegram, _ = fakes
    for text in ("hi", "How do I turn on two-factor authentication?", "thanks!"):
        await post(client, update_from(examples["Message with text"], text=text, chat=2560))
    greeting, answer, welcome = await until(lambda: s if len(s := sent_to(telegram, 2560)) >= 3 else None)
    assert greeting["text"].startswith("Hi") and "welcome" in welcome["text"]
    assert not greeting.get("reply_markup") and not welcome.get("reply_markup")
    labels = [b["text"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [texts.text("button_helpful", "en"), texts.text("button_not_helpful", "en"), texts.text("button_human", "en")]


async def test_the_bots_own_texts_follow_the_customers_language(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    """After a question in Spanish (handed off: the sample help center is English), the texts the bot
    writes itself are in Spanish, with Telegram's way to ask for a person; a message too long to
    store is refused in its own language."""
    telegram, _ = fakes
    await post(client, update_from(examples["Message with text"], text="Olvidé mi contraseña, ¿cómo puedo cambiarla?", chat=2540))
    # tells nothing: the conversation's language. The question was handed over (the sample help center is English), so
    # only a message over what staff take (12,000 characters) is refused; a shorter one reaches them
    await post(client, update_from(examples["Message with text"], text="x" * 13000, chat=2540))
    assert sent_to(telegram, 2540)[-1]["text"].startswith("Ese mensaje es demasiado largo para mí (13000 caracteres; el límite es 12000")
    update = copy.deepcopy(examples["Callback query"])
    update["update_id"] = next(_update_ids)
    update["callback_query"].update(id="cbq-2540", data="not_helpful:")
    update["callback_query"]["from"]["id"] = 2540
    await post(client, update)
    assert sent_to(telegram, 2540)[-1]["text"] == "Gracias por decírmelo. Si quieres, envía /human para hablar con una persona."
    await post(client, update_from(examples["Message with text"], text="/start", chat=2540))
    assert sent_to(telegram, 2540)[-1]["text"].startswith("¡Hola! Respondo preguntas con la información de nuestro centro de ayuda")
    # buttons speak the language of the message they are under
    conversation = _conversation_of(2540)
    note = texts.text("attachment_note", "es", ask=texts.ask_for_a_person("telegram", "es"))
    await client.app[CONVERSATIONS].post_message(conversation, role=Role.SYSTEM, text=note, buttons=["human"])
    sent = await until(lambda: [m for m in sent_to(telegram, 2540) if m.get("reply_markup")])
    assert [b["text"] for row in sent[-1]["reply_markup"]["inline_keyboard"] for b in row] == ["Hablar con una persona"]

    german = "Ich habe eine Frage zu meiner Rechnung, und ich weiß nicht, wie ich das erklären soll. " * 60
    await post(client, update_from(examples["Message with text"], text=german, chat=2541))  # a new chat: the message's own language
    assert sent_to(telegram, 2541)[-1]["text"].startswith("Diese Nachricht ist mir zu lang (")
    await post(client, update_from(examples["Message with text"], text="x" * 5000, chat=2542))
    assert sent_to(telegram, 2542)[-1]["text"].startswith("That message is too long for me (5000 characters; the limit is ")


async def test_a_long_answer_is_sent_in_parts_under_the_limit(fakes: tuple[FakeTelegramApi, FakeSlackApi]) -> None:
    from bot.core.channel import ConversationRef
    from channels.telegram import TelegramChannel

    telegram, _ = fakes

    async def nothing(_: object) -> None:
        return None

    channel = TelegramChannel(token="123456:LONG", tenant="default", api_url=telegram.base_url, webhook_secret="s", submit=nothing)
    await channel.start()
    text = "\n\n".join(f"Step {i}: " + " ".join(f"word{i}-{j}" for j in range(120)) for i in range(12))
    assert len(text) > 2 * MAX_TEXT
    await channel.send(ConversationRef(channel="telegram", tenant="default", address="2520"), Reply(text=text, buttons=(Button(label="Talk to a person", action="human"),)))
    await channel.stop()
    parts = sent_to(telegram, 2520)
    assert len(parts) >= 3 and all(len(p["text"]) <= MAX_TEXT for p in parts)
    assert " ".join(p["text"] for p in parts).split() == text.split()  # together, the whole answer
    assert [bool(p.get("reply_markup")) for p in parts] == [False] * (len(parts) - 1) + [True]  # buttons under the last part


async def test_a_429_on_an_edit_waits_retry_after_and_the_answer_still_arrives(fakes: tuple[FakeTelegramApi, FakeSlackApi]) -> None:
    from bot.core.channel import ConversationRef
    from channels.telegram import TelegramChannel

    telegram, _ = fakes

    async def nothing(_: object) -> None:
        return None

    channel = TelegramChannel(token="123456:EDIT429", tenant="default", api_url=telegram.base_url, webhook_secret="s", submit=nothing)
    await channel.start()

    async def tokens() -> AsyncIterator[str]:
        for word in ("Open ", "Settings ", "then ", "Security."):
            yield word

    edits_before = len(telegram.of("editMessageText"))
    telegram.throttle["editMessageText"] = 1
    await channel.stream(ConversationRef(channel="telegram", tenant="default", address="2530"), tokens(), final=Reply(text="Open Settings, then Security."))
    await channel.stop()
    attempts = telegram.times("editMessageText")[edits_before:]
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.95  # retried after the 1 s Telegram asked for
    assert telegram.of("editMessageText")[-1]["text"] == "Open Settings, then Security."
    assert len(sent_to(telegram, 2530)) == 1


def test_replies_are_escaped_and_split_at_the_limit() -> None:
    html = render_html(Reply(text="Use <b> & </b> tags", citations=(Link(title="Guide <1>", url="https://x.example/?a=1&b=2"),)))
    assert "&lt;b&gt; &amp; &lt;/b&gt;" in html and 'href="https://x.example/?a=1&amp;b=2"' in html
    long = "\n\n".join(f"Paragraph {i}: " + "word " * 150 for i in range(20))
    parts = split_message(long)
    assert len(parts) > 1 and all(len(p) <= MAX_TEXT for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == long.replace("\n", "").replace(" ", "")


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


def test_a_webhook_without_a_secret_is_refused_at_start(tmp_path: Path) -> None:
    from bot.core.errors import ConfigError
    from bot.app.web import build_app

    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        build_app(make_settings(tmp_path, TELEGRAM_BOT_TOKEN="123456:NOSECRET", SUPPORTBOT_SAMPLE_KB="0"))


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


def _conversation_of(chat: int) -> str:
    from bot.engine.dispatch import conversation_id_for
    from bot.core.channel import ConversationRef

    return conversation_id_for(ConversationRef(channel="telegram", tenant="default", address=str(chat)))


async def test_streamed_answers_edit_one_message_at_most_once_a_second(fakes: tuple[FakeTelegramApi, FakeSlackApi]) -> None:
    from bot.core.channel import ConversationRef
    from channels.telegram import TelegramChannel

    telegram, _ = fakes

    async def nothing(_: object) -> None:
        return None

    channel = TelegramChannel(token="123456:STREAM", tenant="default", api_url=telegram.base_url, webhook_secret=None, submit=nothing)
    await channel.start()
    words = [f"word{i} " for i in range(60)]

    async def tokens() -> AsyncIterator[str]:
        for word in words:
            await asyncio.sleep(0.04)  # ~2.4 s of generation
            yield word

    ref = ConversationRef(channel="telegram", tenant="default", address="2300")
    sends_before, edits_before = len(telegram.of("sendMessage")), len(telegram.of("editMessageText"))
    await channel.stream(ref, tokens(), final=Reply(text="".join(words).strip(), citations=(Link(title="Guide", url="https://x.example/g"),)))
    await channel.stop()
    assert len(telegram.of("sendMessage")) - sends_before == 1  # one message, edited as the answer grows
    edits = telegram.times("editMessageText")[edits_before:]
    assert len(edits) >= 2
    progress = edits[:-1]  # the final edit (the finished answer) may follow the last one at once
    assert all(b - a >= 0.95 for a, b in zip(progress, progress[1:]))
    final = telegram.of("editMessageText")[-1]
    assert final["text"].startswith("word0 word1") and "word59" in final["text"] and 'href="https://x.example/g"' in final["text"]


def test_workspaces_and_bots_map_to_tenants(tmp_path: Path) -> None:
    from bot.app.channel_setup import telegram_bots
    from bot.core.config import Settings
    from channels.slack_workspaces import tenant_for_team

    tenants = tmp_path / "tenants.toml"
    tenants.write_text(
        '[tenants.default]\n[tenants.acme.slack]\nteam_id = "T0ACME"\n[tenants.acme.telegram]\nbot_token = "111:ACME"\nwebhook_secret = "s-acme"\n'
    )
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(tmp_path), "SUPPORTBOT_TENANTS_FILE": str(tenants), "TELEGRAM_BOT_TOKEN": "222:DEFAULT"})
    assert tenant_for_team(settings, "T0ACME") == "acme"
    assert tenant_for_team(settings, "T0OTHER") is None  # a workspace no tenant claims is nobody's once tenants are bound
    assert telegram_bots(settings) == {"acme": ("111:ACME", "s-acme"), "default": ("222:DEFAULT", None)}


async def _cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    import os
    import sys

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli.main", *args, env={**os.environ, **env}, cwd=str(Path(__file__).resolve().parents[2]),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_set_webhook_points_the_bot_at_the_server_with_the_secret(fakes: tuple[FakeTelegramApi, FakeSlackApi], tmp_path: Path) -> None:
    telegram, _ = fakes
    # the API URL given as the server's root, as for the channel itself (which adds the /bot)
    root = telegram.base_url.removesuffix("/bot") + "/"
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123456:HOOK", "SUPPORTBOT_TELEGRAM_API_URL": root}
    before = len(telegram.of("setWebhook"))
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/default/webhook", env={**env, "TELEGRAM_WEBHOOK_SECRET": "s3"})
    assert code == 0, err
    call = telegram.of("setWebhook")[-1]
    assert call["url"] == "https://bot.example.com/telegram/default/webhook" and call["secret_token"] == "s3"
    assert "set to https://bot.example.com" in out
    # without a secret the server would refuse the webhook, so the CLI does not set one
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/default/webhook", env=env)
    assert code != 0 and "TELEGRAM_WEBHOOK_SECRET" in out + err
    assert len(telegram.of("setWebhook")) == before + 1



async def test_set_webhook_given_the_servers_address_points_at_the_tenants_webhook(fakes: tuple[FakeTelegramApi, FakeSlackApi],
                                                                                      tmp_path: Path) -> None:
    """The README gives URL as the server's address (the bot is pointed at URL/telegram/{tenant}/webhook); the
    command set it as given, and Telegram posted every update to the demo page at / (qa11)."""
    telegram, _ = fakes
    root = telegram.base_url.removesuffix("/bot") + "/"
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "123456:HOOK", "SUPPORTBOT_TELEGRAM_API_URL": root,
           "TELEGRAM_WEBHOOK_SECRET": "s3"}
    for given in ("https://bot.example.com", "https://bot.example.com/"):
        code, out, err = await _cli("telegram", "set-webhook", given, env=env)
        assert code == 0, err
        assert telegram.of("setWebhook")[-1]["url"] == "https://bot.example.com/telegram/default/webhook"
        assert "set to https://bot.example.com/telegram/default/webhook" in out
    # another tenant's webhook would refuse this bot's secret: said, and nothing set
    before = len(telegram.of("setWebhook"))
    code, out, err = await _cli("telegram", "set-webhook", "https://bot.example.com/telegram/acme/webhook", env=env)
    assert code != 0 and "/telegram/default/webhook" in out + err
    assert len(telegram.of("setWebhook")) == before

def test_the_api_url_is_normalised_once_for_channel_and_cli() -> None:
    from channels.telegram import api_base

    for url in ("http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot/"):
        assert api_base(url) == "http://127.0.0.1:8081/bot"


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


async def test_a_sticker_from_an_older_client_is_answered_not_dropped(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    """aiogram's recorded sticker message lacks the fields newer Bot API versions add (`type`,
    `is_animated`, `is_video`): the customer still hears from the bot, instead of nothing at all."""
    telegram, _ = fakes
    dataset = json.loads((shared_data / "telegram" / "aiogram_dev2x_dataset" / "aiogram_dataset.json").read_text())
    message = copy.deepcopy(dataset["MESSAGE_WITH_STICKER"])
    message["chat"] = {"id": 2091, "type": "private", "first_name": "Cust"}
    assert await post(client, {"update_id": next(_update_ids), "message": message}) == 200
    assert await until(lambda: sent_to(telegram, 2091))


async def test_a_sticker_alone_is_acknowledged_like_an_emoji_not_as_a_file(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path,
) -> None:
    """A sticker is a big emoji: acknowledged as a thumbs-up is, not told "I can only read text" and
    kept as a file for staff (staff16's trial); one without an emoji of its own too."""
    telegram, slack = fakes
    dataset = json.loads((shared_data / "telegram" / "aiogram_dev2x_dataset" / "aiogram_dataset.json").read_text())
    before = len(slack.of("chat.postMessage"))
    for n, emoji in enumerate(("👍", None)):
        message = copy.deepcopy(dataset["MESSAGE_WITH_STICKER"])
        message["chat"] = {"id": 2095 + n, "type": "private", "first_name": "Cust"}
        message["sticker"] = {**message["sticker"], "type": "regular", "is_animated": False, "is_video": False}
        if emoji is None:
            del message["sticker"]["emoji"]
        else:
            message["sticker"]["emoji"] = emoji
        assert await post(client, {"update_id": next(_update_ids), "message": message}) == 200
        said = (await until(lambda n=n: sent_to(telegram, 2095 + n)))[-1]["text"]
        assert said.startswith("Is there anything else I can help with?") and "only read text" not in said
    assert not [a for a in slack.of("chat.postMessage")[before:] if a.get("channel") == "CSTAFF"]


async def test_an_emoji_alone_is_acknowledged_not_handed_to_a_person(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], examples: dict) -> None:
    """A thumbs-up after an answer is no question: said back, with no search and no handoff card (it was
    `no_answer`: "I couldn't find this in our help center", and a card for staff with nothing to do)."""
    telegram, slack = fakes
    before = len(slack.of("chat.postMessage"))
    for n, said in enumerate(("👍", "🙂🙂", "👍🏽")):
        assert await post(client, update_from(examples["Message with text"], text=said, chat=2092 + n)) == 200
        assert sent_to(telegram, 2092 + n)[-1]["text"].startswith("Is there anything else I can help with?")
    assert not [a for a in slack.of("chat.postMessage")[before:] if a.get("channel") == "CSTAFF"]


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
