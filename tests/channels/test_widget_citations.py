"""An answer's sources, once per channel. An extractive answer's text ends with a "Source: <title>
(<url>)" line; the widget also lists the answer's citations in a box of links, so its customers saw
the source twice. The widget's payload (the API's reply, the socket, the history) carries the answer's
"body" without that line beside the unchanged text. Telegram and Slack list the citations as links of
their own under the text, so they show the text without the line too (bot/core/channel.py
`Reply.text_beside_citations`); the stored transcript staff read keeps it."""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import CONVERSATIONS
from bot.core import texts
from tests.channels.telegram_steps import post, sent_to, update_from
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.slack_steps import widget

QUESTION = "How do I turn on two-factor authentication?"


@pytest.fixture(scope="module")
def text_update(shared_data: Path) -> dict[str, Any]:
    """The Bot API documentation's example update with a text message (as tests/channels/test_telegram.py reads it)."""
    rows = json.loads((shared_data / "telegram" / "official_webhooks_doc" / "telegram_doc_update_examples.json").read_text())
    return next(row["update"] for row in rows if row["label"] == "Message with text")


async def test_the_widget_and_telegram_show_an_answers_source_once(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], text_update: dict[str, Any]
) -> None:
    conversation, auth, ws, received = await widget(client)
    reply = (await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": QUESTION}, headers=auth)).json())["reply"]
    assert reply["outcome"] == "answer" and reply["citations"]
    first = reply["citations"][0]
    line = "\n\n" + texts.source_line(title=first["title"], url=first["url"], lang="en")
    assert reply["text"].endswith(line)  # "text" as it always was, for the API's other readers
    body = reply["body"]
    assert body and body == reply["text"].removesuffix(line)
    assert "Source" not in body and first["title"] not in body and (first["url"] or "") not in body
    # the same on the socket and in the history (what a reload shows)
    pushed = await until(lambda: [m for m in received if m["id"] == reply["id"]])
    assert pushed[0]["body"] == body
    history = (await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json())["messages"]
    assert [m.get("body") for m in history if m["id"] == reply["id"]] == [body]
    assert all("body" not in m for m in history if m["id"] != reply["id"])  # the question, not an answer with sources
    # the stored transcript (what staff read on a handoff) keeps the source line
    stored = await asyncio.to_thread(client.app[CONVERSATIONS].history, conversation, for_customer=False)
    assert stored[-1].text.endswith(line)
    await ws.close()

    # Telegram lists the sources as links under the text: the line said the first one again
    telegram, _ = fakes
    assert await post(client, update_from(text_update, text=QUESTION, chat=2301)) == 200
    sent = sent_to(telegram, 2301)
    assert len(sent) == 1
    shown = html.unescape(sent[0]["text"])
    assert "Source:" not in shown and shown.count(first["title"]) == 1 and f'<a href="{first["url"]}">' in sent[0]["text"]


def test_the_source_line_comes_off_in_every_language_and_nothing_else_does() -> None:
    for lang in texts.TEXTS["source"]:
        line = texts.source_line(title="Reset your password", url="https://help.example/reset", lang=lang)
        assert texts.without_source_line(f"Open Settings.\n\n{line}", title="Reset your password", url="https://help.example/reset") == "Open Settings."
        # another article's line, a line not at the end, or the line alone: kept (shown twice rather than lost)
        assert texts.without_source_line(f"Open Settings.\n\n{line}", title="Other", url="https://help.example/reset") is None
        assert texts.without_source_line(f"\n\n{line}\n\nMore.", title="Reset your password", url="https://help.example/reset") is None
        assert texts.without_source_line(f"\n\n{line}", title="Reset your password", url="https://help.example/reset") is None
    without_url = texts.source_line(title="Reset", url=None, lang="en")
    assert without_url == "Source: Reset" and texts.without_source_line(f"Do it.\n\n{without_url}", title="Reset", url=None) == "Do it."
