"""Telegram customers, through the real python-telegram-bot against a loopback Bot API: webhook
updates from the Bot API documentation's examples in, answers out. Sending and streaming:
test_telegram_sending.py; polling: test_telegram_polling.py; staff handoff: test_telegram_handoff.py;
set-up (tenants, secrets, set-webhook): test_telegram_setup.py."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import CONVERSATIONS
from bot.core import texts
from bot.core.messages import Role
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
