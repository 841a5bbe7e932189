"""Citation links in Slack and Telegram replies: only a safe absolute http(s) URL becomes a link.
A URL stored before ingest checked them (`javascript:`, `data:`, any case, behind spaces or control
characters) or a site-relative one (the chat app has no help site to resolve it) shows the title only."""

from __future__ import annotations

import json

import pytest

from bot.core.channel import Link, Reply
from channels.slack import blocks_for
from channels.telegram import render_html

UNSAFE = ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "  javascript:alert(1)", "\x00javascript:alert(1)",
          "data:text/html,<b>x</b>", "vbscript:msgbox(1)", "/relative/page", "//evil.example/x")


def _reply(url: str) -> Reply:
    return Reply(text="Here you go.", citations=(Link(title="Refunds", url=url),))


@pytest.mark.parametrize("url", UNSAFE)
def test_slack_shows_an_unsafe_or_relative_url_as_plain_title(url: str) -> None:
    sources = blocks_for(_reply(url))[-1]["elements"][0]["text"]
    assert "Refunds" in sources and "<" not in sources and "script" not in sources.lower()


@pytest.mark.parametrize("url", UNSAFE)
def test_telegram_shows_an_unsafe_or_relative_url_as_plain_title(url: str) -> None:
    html = render_html(_reply(url))
    assert "<a " not in html and "Refunds" in html


def test_safe_links_stay_links_and_cannot_break_out_of_slack_link_syntax() -> None:
    sources = blocks_for(_reply("https://help.example/a?b=1|x&z"))[-1]["elements"][0]["text"]
    assert "<https://help.example/a?b=1%7Cx&amp;z|Refunds>" in sources
    assert '<a href="https://help.example/a?b=1">Refunds</a>' in render_html(_reply("https://help.example/a?b=1"))


def test_a_chat_app_shows_an_extractive_answers_source_once() -> None:
    """The answer's text ends with "Source: <title> (<url>)" and both chat apps list the citations under it."""
    reply = Reply(text="Open Settings.\n\nSource: Refunds (https://help.example/refunds)",
                  citations=(Link(title="Refunds", url="https://help.example/refunds"),))
    slack = json.dumps(blocks_for(reply))
    assert slack.count("Refunds") == 1 and "Source:" not in slack and "Open Settings." in slack
    telegram = render_html(reply)
    assert telegram.count("Refunds") == 1 and "Source:" not in telegram and telegram.startswith("Open Settings.")
    # a text whose last line names another article, or no citation: shown as it is
    other = Reply(text="Open Settings.\n\nSource: Billing", citations=(Link(title="Refunds", url=None),))
    assert "Source: Billing" in render_html(other)
