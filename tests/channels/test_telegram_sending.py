"""Replies out to Telegram through the real python-telegram-bot against a loopback Bot API: HTML
escaping, long answers in parts under the limit, streamed answers edited in place, and 429s on edits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from bot.core.channel import Button, Link, Reply
from channels.telegram import render_html, split_message
from channels.telegram_updates import MAX_TEXT
from tests.channels.telegram_steps import sent_to
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi


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
