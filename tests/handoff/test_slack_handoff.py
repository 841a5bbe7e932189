"""Human handoff end to end: a widget customer asks for a person, staff claim and answer in a Slack
thread (the real slack-bolt app, requests signed like Slack's, Web API calls to a loopback server),
the customer gets it over the WebSocket, staff resolve, the customer rates, the bot answers again.
What the handoff hands staff (its packet): test_handoff_packet.py."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import HANDOFF, READY
from bot.app.web import build_app
from tests.conftest import make_settings
from tests.fakes.loopback import until
from tests.fakes.slack_api import TEAM, FakeSlackApi, sign
from tests.handoff.slack_steps import (
    SECRET,
    STAFF,
    action,
    button_value,
    card_for,
    slack_app,
    slack_fake,
    staff_message,
    widget,
)


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with slack_fake() as fake:
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = (
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        '[tenants.default.handoff.topics.billing]\nchannel = "CBILLING"\nmention = "SBILLING"\n'
        'examples = ["I was charged twice", "I need a refund for my invoice", "my card was billed wrong"]\n'
        '[tenants.default.handoff.topics.fraud]\nhuman_only = true\n'
        'examples = ["someone used my card without permission", "I think my account was hacked and money was stolen"]\n'
        '[tenants.night.widget]\nkeys = ["night"]\n'
        '[tenants.night.handoff]\nreannounce_minutes = 0.0001\n'
        'business_hours = { days = "mon-fri", start = "00:00", end = "00:00", timezone = "Europe/Berlin" }\n'
    )
    async with slack_app(slack, tmp_path_factory, name="handoff", tenants=tenants) as client:
        yield client


async def test_widget_customer_to_slack_staff_and_back(client: TestClient, slack: FakeSlackApi) -> None:
    conversation, auth, ws, received = await widget(client)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I export my workspace?"}, headers=auth)
    before = len(slack.of("chat.postMessage"))
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff" and reply["reply"]["handoff_reason"] == "customer_request"

    # the card: intent (what they asked before "a person"), why, what the bot tried, buttons
    card = await until(lambda: card_for(slack, STAFF, before))
    text = json.dumps(card["blocks"])
    assert "export my workspace" in text and "the customer asked for a person" in text and "Claim" in text
    handoff_id = button_value(card, "handoff_claim")
    # this card's thread (the module's other tests post cards, transcripts and card updates of their own)
    thread = await until(lambda: (h := client.app[HANDOFF].current(conversation)) is not None and h.thread_ts)
    # the transcript goes in the thread, and the customer learns their place in the queue
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "Transcript" in a.get("text", "")])
    assert await until(lambda: [m for m in received if m["role"] == "system" and "in the queue" in m["text"]])

    # claim: the card shows who; the customer is told someone joined
    assert await action(client, "handoff_claim", handoff_id) == 200
    update = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by" in json.dumps(u["blocks"])])
    assert "Claimed by Alice" in json.dumps(update[-1]["blocks"])
    assert await until(lambda: [m for m in received if "Alice" in m["text"] and "joined" in m["text"]])

    # staff reply in the thread reaches the customer; Slack's retry of the same event does not repeat it
    assert (await asyncio.to_thread(client.app[HANDOFF].current, conversation)).thread_ts == thread
    assert await staff_message(client, thread_ts=thread, text="Hi! I can export it for you today.", ts="2000.000001") == 200
    assert await staff_message(client, thread_ts=thread, text="Hi! I can export it for you today.", ts="2000.000001", retry="1") == 200
    agent = await until(lambda: [m for m in received if m["role"] == "agent"])
    await asyncio.sleep(0.3)
    assert len([m for m in received if m["role"] == "agent"]) == 1
    assert agent[0]["text"] == "Hi! I can export it for you today." and agent[0]["author"] == "Alice"

    # while staff own it, the bot stays quiet and the customer's words go to the thread (redacted)
    relayed = await (await client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "great, send it to jane.doe@example.com please"}, headers=auth
    )).json()
    assert relayed["reply"] is None and relayed["relayed"] is True
    in_thread = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "Customer:" in a.get("text", "")])
    assert "&lt;EMAIL_1&gt;" in in_thread[-1]["text"] and "jane.doe@example.com" not in json.dumps(slack.calls)

    # resolve: the customer is asked for a rating, rates, and the bot answers again afterwards
    assert await action(client, "handoff_resolve", handoff_id) == 200
    assert await until(lambda: [m for m in received if m.get("rating_request")])
    rated = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "5"}, headers=auth)).json()
    assert "Thanks for rating" in rated["reply"]["text"]
    again = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on two-factor authentication?"}, headers=auth)).json()
    assert again["reply"]["outcome"] == "answer"
    events = [e.kind for e in client.app[HANDOFF]._audit.events(conversation_id=conversation)]  # noqa: SLF001
    assert {"handoff", "state", "staff_reply", "relayed_to_staff", "rating"} <= set(events)
    metrics = await (await client.get("/metrics")).text()
    assert 'supportbot_handoffs_total{reason="customer_request",step="claimed"}' in metrics
    assert "supportbot_handoff_claim_seconds_count" in metrics
    await ws.close()


async def test_a_customer_who_gives_their_name_is_handed_over_with_that_message_as_the_intent(client: TestClient, slack: FakeSlackApi) -> None:
    """Found trying a help center of our own on Telegram: after an answered question, "my name is <PERSON_1>
    and my phone is <PHONE_1>, call me" went to a person, but the card's intent (and the help center's
    to-do) named the earlier, answered question and the draft sent its answer again: the redacted name
    read as a request for a "person", and such messages are passed over for the intent."""
    conversation, auth, ws, _ = await widget(client)
    answered = await (await client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on two-factor authentication?"}, headers=auth)).json()
    assert answered["reply"]["outcome"] == "answer"
    before = len(slack.of("chat.postMessage"))
    handed = await (await client.post(f"/api/v1/conversations/{conversation}/messages",
                                      json={"text": "my name is Jonas Weber and my phone is +49 151 23456789, call me"}, headers=auth)).json()
    assert handed["reply"]["outcome"] == "handoff" and handed["reply"]["handoff_reason"] != "customer_request"
    card = json.dumps((await until(lambda: card_for(slack, STAFF, before)))["blocks"])
    intent = re.search(r"\*Intent:\* ([^\\]*)", card)
    assert intent is not None and "call me" in intent.group(1) and "two-factor" not in intent.group(1)
    draft = re.search(r"\*Draft reply:\* ([^\"]*)", card)
    assert draft is not None and draft.group(1) == "Hi, thanks for waiting, I'm looking into this for you now."
    assert "The customer wrote 2 messages:" in card
    await ws.close()


async def test_the_bots_own_texts_come_in_the_customers_language(client: TestClient, slack: FakeSlackApi) -> None:
    """A Spanish and an English customer handed off side by side: each hears the queue, the joined
    notice, the rating prompt and the thanks in their own language (the English ones as they were)."""
    spanish, auth_es, ws_es, heard_es = await widget(client)
    english, auth_en, ws_en, heard_en = await widget(client)
    claims = []
    for conversation, auth, question in (
        (spanish, auth_es, "Hola, ¿qué tiempo hará mañana en Madrid y dónde puedo comprar un paraguas?"),
        (english, auth_en, "I want to talk to a person"),
    ):
        before = len(slack.of("chat.postMessage"))
        reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": question}, headers=auth)).json()
        assert reply["reply"]["outcome"] == "handoff"
        claims.append(button_value(await until(lambda: card_for(slack, STAFF, before)), "handoff_claim"))
    assert await until(lambda: [m for m in heard_es if m["role"] == "system" and m["text"].startswith("Estás en el puesto ")])
    assert await until(lambda: [m for m in heard_en if m["role"] == "system" and m["text"].startswith("You're number ")])
    assert not [m for m in heard_es if "in the queue" in m["text"]]

    for handoff_id in claims:
        assert await action(client, "handoff_claim", handoff_id) == 200
    assert await until(lambda: [m for m in heard_es if m["text"] == "Alice de nuestro equipo de soporte se ha unido a la conversación."])
    assert await until(lambda: [m for m in heard_en if m["text"] == "Alice from our support team has joined the conversation."])

    for handoff_id in claims:
        assert await action(client, "handoff_resolve", handoff_id) == 200
    prompt_es = await until(lambda: [m for m in heard_es if m.get("rating_request")])
    prompt_en = await until(lambda: [m for m in heard_en if m.get("rating_request")])
    assert prompt_es[0]["text"] == (
        "Tu conversación con nuestro equipo de soporte está resuelta. ¿Qué tal lo hicimos? Responde con un número del 1 (malo) al 5 (excelente)."
    )
    assert prompt_en[0]["text"] == (
        "Your conversation with our support team is resolved. How did we do? Reply with a number from 1 (poor) to 5 (great)."
    )
    rated_es = await (await client.post(f"/api/v1/conversations/{spanish}/messages", json={"text": "5"}, headers=auth_es)).json()
    rated_en = await (await client.post(f"/api/v1/conversations/{english}/messages", json={"text": "4"}, headers=auth_en)).json()
    assert rated_es["reply"]["text"] == "¡Gracias por tu valoración!"
    assert rated_en["reply"]["text"] == "Thanks for rating us!"
    await ws_es.close()
    await ws_en.close()


async def test_topics_route_to_their_channel_and_human_only_topics_are_never_answered(client: TestClient, slack: FakeSlackApi) -> None:
    conversation, auth, ws, _ = await widget(client)
    before = len(slack.of("chat.postMessage"))
    reply = await (await client.post(
        f"/api/v1/conversations/{conversation}/messages", json={"text": "someone used my card without my permission"}, headers=auth
    )).json()
    assert reply["reply"]["outcome"] == "handoff" and reply["reply"]["handoff_reason"] == "policy"
    card = await until(lambda: card_for(slack, STAFF, before))
    assert "fraud" in json.dumps(card["blocks"])

    conversation, auth, ws2, _ = await widget(client)
    before = len(slack.of("chat.postMessage"))
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I was charged twice for my invoice"}, headers=auth)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "agent please"}, headers=auth)
    billing = await until(lambda: card_for(slack, "CBILLING", before))
    assert billing["text"].startswith("<!subteam^SBILLING>")
    assert "<!subteam^SBILLING>" in json.dumps(billing["blocks"])  # the blocks are what Slack shows
    await ws.close()
    await ws2.close()


async def test_forged_or_stale_signatures_are_refused(client: TestClient) -> None:
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event": {"type": "message", "channel": STAFF, "text": "hi", "ts": "1.1", "thread_ts": "1.0"}})
    forged = {"Content-Type": "application/json", **sign("not-the-secret", body)}
    assert (await client.post("/slack/events", data=body, headers=forged)).status == 401
    stale = {"Content-Type": "application/json", **sign(SECRET, body, timestamp=int(time.time()) - 3600)}
    assert (await client.post("/slack/events", data=body, headers=stale)).status == 401


async def test_unknown_buttons_get_a_polite_ephemeral_reply(client: TestClient, slack: FakeSlackApi) -> None:
    assert await action(client, "something_else", "x", user="UBOB") == 200
    ephemeral = await until(lambda: slack.of("chat.postEphemeral"))
    assert ephemeral[-1]["user"] == "UBOB" and "don't know" in ephemeral[-1]["text"]


async def test_a_slack_outage_keeps_the_handoff_queued_and_it_is_announced_later(client: TestClient, slack: FakeSlackApi) -> None:
    slack.failing.add("chat.postMessage")
    try:
        conversation, auth, ws, received = await widget(client)
        await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I delete a page?"}, headers=auth)
        reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "human please"}, headers=auth)).json()
        assert reply["reply"]["outcome"] == "handoff"
        handoffs = client.app[HANDOFF]
        queued = await asyncio.to_thread(handoffs.current, conversation)
        assert queued.status == "queued"
        assert await until(lambda: [m for m in received if "in the queue" in m["text"]])  # the customer is still told
    finally:
        slack.failing.discard("chat.postMessage")
    before = len(slack.of("chat.postMessage"))
    await handoffs.tick()
    assert card_for(slack, STAFF, before) is not None
    assert (await asyncio.to_thread(handoffs.current, conversation)).status == "open"
    await ws.close()


async def test_outside_business_hours_the_customer_is_told_when_staff_are_back_and_unclaimed_handoffs_are_reannounced(
    client: TestClient, slack: FakeSlackApi
) -> None:
    conversation, auth, ws, received = await widget(client, key="night")
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "agent please"}, headers=auth)
    offline = await until(lambda: [m for m in received if m["role"] == "system" and "offline" in m["text"]])
    assert "e-mail address" in offline[0]["text"] and re.search(r"at 00:00 \(CES?T\)", offline[0]["text"])  # Berlin: CET or CEST by season
    assert "number 1 in the queue" not in json.dumps(received)
    handoffs = client.app[HANDOFF]
    handoff = await until(lambda: (h := handoffs.current(conversation)) is not None and h.status == "open" and h)
    await asyncio.sleep(0.05)
    await handoffs.tick()  # nobody claimed it within reannounce_minutes: staff are reminded in the thread
    reminder = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == handoff.thread_ts and "Still waiting" in a.get("text", "")])
    assert reminder[-1]["reply_broadcast"] in (True, "true", "1", 1)
    # the customer's e-mail address, left for a reply, reaches staff only redacted
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "mail me at night.owl@example.com"}, headers=auth)
    relayed = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == handoff.thread_ts and "Customer:" in a.get("text", "")])
    assert "&lt;EMAIL_1&gt;" in relayed[-1]["text"]
    await ws.close()


async def test_outside_business_hours_a_german_customer_is_told_in_german(client: TestClient) -> None:
    conversation, auth, ws, received = await widget(client, key="night")
    question = "Wie ist das Wetter morgen in Berlin, und kann ich dort einen Schirm kaufen?"
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": question}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    offline = await until(lambda: [m for m in received if m["role"] == "system" and "nicht erreichbar" in m["text"]])
    assert re.search(r"ab (Montag|Dienstag|Mittwoch|Donnerstag|Freitag) um 00:00 Uhr \(CES?T\)", offline[0]["text"])
    assert "E-Mail-Adresse" in offline[0]["text"] and "offline" not in json.dumps(received)
    await ws.close()


async def test_queue_position_grows_with_waiting_handoffs(client: TestClient) -> None:
    positions = []
    for _ in range(3):
        conversation, auth, ws, received = await widget(client)
        await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "can I talk to someone?"}, headers=auth)
        notice = await until(lambda: [m for m in received if "in the queue" in m["text"]])
        positions.append(int(notice[0]["text"].split("number ")[1].split(" ")[0]))
        await ws.close()
    assert positions[1] == positions[0] + 1 and positions[2] == positions[1] + 1


def test_state_machine_refuses_impossible_moves() -> None:
    from bot.core.handoff_states import State, TransitionError, check

    assert check("bot", State.WAITING) is State.WAITING
    assert check("with_human", State.BOT) is State.BOT
    with pytest.raises(TransitionError):
        check("bot", State.WITH_HUMAN)
    with pytest.raises(TransitionError):
        check("closed", State.WITH_HUMAN)


def test_business_hours_and_the_next_opening() -> None:
    from datetime import UTC, datetime

    from bot.core.handoff_policy import policy_from

    policy = policy_from({"handoff": {"business_hours": {"days": "mon-fri", "start": "09:00", "end": "17:30", "timezone": "Europe/Berlin"}}})
    hours = policy.hours
    assert hours is not None
    assert hours.is_open(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # Tuesday 11:00 in Berlin
    assert not hours.is_open(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    back = hours.next_open(friday_evening)
    assert (back.strftime("%A %H:%M")) == "Monday 09:00"


async def test_send_draft_sends_the_drafted_reply_and_return_to_bot_hands_back(client: TestClient, slack: FakeSlackApi) -> None:
    conversation, auth, ws, received = await widget(client)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on two-factor authentication?"}, headers=auth)
    before = len(slack.of("chat.postMessage"))
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "let me talk to a real person"}, headers=auth)
    card = await until(lambda: card_for(slack, STAFF, before))
    handoff_id = button_value(card, "handoff_draft")
    draft = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*Draft reply:*"))
    # the customer asked for a person right after the bot's answer: the draft does not offer it again
    assert draft == "*Draft reply:* Hi, thanks for waiting, I'm looking into this for you now."
    assert await action(client, "handoff_draft", handoff_id, user="UBOB") == 200
    agent = await until(lambda: [m for m in received if m["role"] == "agent"])
    assert agent[0]["author"] == "Bob" and agent[0]["text"] == "Hi, thanks for waiting, I'm looking into this for you now."
    assert await action(client, "handoff_return", handoff_id, user="UBOB") == 200
    assert await until(lambda: [m for m in received if "chatting with the bot again" in m["text"]])
    again = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "how do I reset my password?"}, headers=auth)).json()
    assert again["reply"]["outcome"] == "answer"
    await ws.close()


async def test_socket_mode_receives_events_without_a_public_url(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory, shared_data: Any) -> None:
    from bot.app.app_keys import CONVERSATIONS, DISPATCHER
    from bot.engine.dispatch import conversation_id_for
    from channels.slack import normalize_event

    settings = make_settings(
        tmp_path_factory.mktemp("socket"), SLACK_BOT_TOKEN="xoxb-test", SLACK_APP_TOKEN="xapp-1-test",
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF,
    )
    app = build_app(settings)
    body = json.loads((shared_data / "slack/bolt-python-scenario-payloads/test_message.json").read_text())["payloads"]["message_body"]
    body["event"].update(text="How do I turn on two-factor authentication?", channel="D9001", channel_type="im", ts="9001.000100")
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        assert (await client.post("/slack/events", data="{}")).status == 404  # no HTTP endpoint in Socket Mode
        slack.envelopes.append({"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False, "retry_attempt": 0,
                                "retry_reason": "", "payload": body})
        while not [a for a in slack.acks if a.get("envelope_id") == "env-1"]:
            await asyncio.sleep(0.001)
        # the envelope is acked only once the message is stored (Slack does not send an acked one again)
        inbound = normalize_event(body["event"], tenant="default", bot_user_id=None, staff_channel=None)
        assert inbound is not None
        stored = app[CONVERSATIONS].history(conversation_id_for(inbound.ref), for_customer=False)
        assert [m.text for m in stored if m.role == "customer"] == ["How do I turn on two-factor authentication?"]
        reply = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D9001"], timeout=20)
        await app[DISPATCHER].drain()
    assert reply[0]["thread_ts"] == "9001.000100" and "Sources:" in json.dumps(reply[0]["blocks"])


async def test_staff_replies_reach_the_customer_without_slacks_markup(client: TestClient, slack: FakeSlackApi) -> None:
    conversation, auth, ws, received = await widget(client)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)
    handoff = await until(lambda: (h := client.app[HANDOFF].current(conversation)) is not None and h.thread_ts and h)
    thread = handoff.thread_ts
    typed = ("Fish &amp; chips &lt;3 &gt; see <https://help.example/export?a=1&amp;b=2|the export guide>, "
             "<https://help.example/faq>, ask <@UBOB> in <#C777|billing> <!here> or <mailto:help@example.com|help@example.com> "
             ":white_check_mark: done at 10:30:45 :+1::skin-tone-3: :partyparrot:")
    assert await staff_message(client, thread_ts=thread, text=typed, ts="2100.000001") == 200
    agent = await until(lambda: [m for m in received if m["role"] == "agent"])
    # Slack's text carries every emoji as its shortcode: the customer sees the emoji (a workspace's own stays as typed)
    assert agent[0]["text"] == (
        "Fish & chips <3 > see the export guide (https://help.example/export?a=1&b=2), https://help.example/faq, "
        "ask @Bob in #billing @here or help@example.com ✅ done at 10:30:45 👍🏼 :partyparrot:"
    )
    await ws.close()
