"""What a handoff's page in the built-in staff desk (/console) shows: why it was handed over, what the
bot tried (answers and articles, never its own handoff notice), the draft reply, and a closed
handoff read-only."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.console_steps import Staff, hand_over
from tests.handoff.slack_steps import STAFF, card_for, widget


def _between(page: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), page, re.S)
    assert found, f"no {start!r} in the page"
    return found.group(1)


async def test_a_customer_asking_for_a_person_first_thing_shows_the_bot_tried_nothing(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    """'What the bot tried' listed the bot's own handoff notice ("Sure, I'm passing you to a person...",
    handoff, confidence 0.0) as if it were a failed answer, on the console and on the Slack card."""
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, heard = await widget(client)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    notice = reply["reply"]["text"]
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    page = await (await alice.get(f"/console/handoffs/{handoff.id}")).text()
    tried = _between(page, '<ul class="attempts">', "</ul>")
    assert notice[:30] not in tried and "confidence" not in tried
    assert "Nothing: the customer asked for a person" in tried
    card = await until(lambda: card_for(slack, STAFF, before))
    on_slack = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*What the bot tried:*"))
    assert notice[:30] not in on_slack and "Nothing: the customer asked for a person" in on_slack
    await alice.act(int(handoff.id), "resolve")
    await ws.close()


async def test_why_and_what_the_bot_tried_say_the_same_reason(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    """A question the help center does not cover: the card's "Why" said "the help center does not cover this"
    while "What the bot tried" said "it was not sure enough to answer" (and "unsure") for the same handoff,
    on the console and on the Slack card. Both now come from the reason the handoff recorded."""
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, _ = await widget(client)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages",
                                      json={"text": "What is the capital of Australia?"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff" and reply["reply"]["handoff_reason"] == "no_answer", reply
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    page = await (await alice.get(f"/console/handoffs/{handoff.id}")).text()
    assert "<dt>Why</dt><dd>the help center does not cover this</dd>" in page
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert "score 0." in tried, tried  # the articles it found are still listed
    assert "not sure" not in tried and "unsure" not in tried and "do not cover this" in tried, tried
    card = await until(lambda: card_for(slack, STAFF, before))
    on_slack = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*What the bot tried:*"))
    assert "not sure" not in on_slack and "unsure" not in on_slack and "do not cover this" in on_slack, on_slack
    await alice.act(int(handoff.id), "resolve")
    await ws.close()


async def test_after_an_answer_the_card_lists_the_answer_not_the_handoff_notice(client: TestClient, alice: Staff) -> None:
    """"How do I export my workspace?" answered, then "I want to talk to a person": the card listed the
    handoff notice as a second attempt."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert tried.count("(answer, confidence") == 1 and "(handoff," not in tried
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_the_draft_does_not_offer_again_the_answer_the_customer_turned_down(client: TestClient, alice: Staff) -> None:
    """"How do I export my workspace?" answered, then "I want to talk to a person": "Send draft" offered the
    very answer the customer had just turned down; now only the greeting."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    answer = next(m["text"] for m in heard if m["role"] == "bot")
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    draft = _between(page, '<dd class="draft">', "</dd>")
    assert draft == "Hi, thanks for waiting, I&#x27;m looking into this for you now.", draft
    assert answer[:40] not in draft
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_a_closed_handoff_is_read_only_and_lists_what_the_bot_tried_once(client: TestClient, alice: Staff) -> None:
    """A question asked twice and answered twice, then a person: "What the bot tried" listed the same answer
    twice, and once resolved the page still offered the draft reply (staff15's trial)."""
    conversation, auth, ws, heard = await widget(client)
    for text in ("How do I export my workspace?", "How do I export my workspace?", "I want to talk to a person"):
        await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
    handoff_id = int((await until(lambda: client.app[HANDOFF].current(conversation))).id)
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert tried.count("(answer, confidence") == 1, tried
    assert "Draft reply" in page  # open: the draft is there to send
    assert (await alice.act(handoff_id, "resolve")).status == 303
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "Draft reply" not in page and '<dd class="draft">' not in page
    assert "<textarea" not in _between(page, '<section class="transcript"', "</section>")
    assert 'action="/console/handoffs/' + str(handoff_id) + '/act"' not in page
    assert _between(page, '<ul class="attempts">', "</dd>").count("(answer, confidence") == 1
    await ws.close()
