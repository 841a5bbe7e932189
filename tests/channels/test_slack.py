"""Slack customers (DMs to the app, mentions in shared channels), through the real slack-bolt app
at /slack/events with Slack's recorded payloads, answers recorded by a loopback Slack Web API."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app.app_keys import CONVERSATIONS, DISPATCHER
from bot.core.channel import ConversationRef
from bot.core.messages import Role
from bot.core.records import Citation, Outcome
from bot.engine.dispatch import conversation_id_for
from tests.fakes.chat_app import bolt_payload, slack_dm
from tests.fakes.loopback import until
from tests.fakes.slack_api import BOT_USER, FakeSlackApi, sign
from tests.fakes.telegram_api import FakeTelegramApi
from tests.handoff.slack_steps import SECRET as SLACK_SECRET
from tests.handoff.slack_steps import STAFF, card_for

_slack_ts = iter(range(4000, 9000))


async def slack_event(client: TestClient, body: dict[str, Any], *, retry: str | None = None) -> int:
    raw = json.dumps(body)
    headers = {"Content-Type": "application/json", **sign(SLACK_SECRET, raw)}
    if retry:
        headers["X-Slack-Retry-Num"] = retry
    return (await client.post("/slack/events", data=raw, headers=headers)).status


def dm(shared_data: Path, text: str, *, channel: str) -> dict[str, Any]:
    return slack_dm(shared_data, text, channel=channel, ts=next(_slack_ts))


def posted(slack: FakeSlackApi, channel: str) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postMessage") if a.get("channel") == channel]


async def test_a_slack_dm_is_answered_in_its_thread_once(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    _, slack = fakes
    body = dm(shared_data, "How do I turn on two-factor authentication?", channel="D2001")
    assert await slack_event(client, body) == 200
    assert await slack_event(client, body, retry="1") == 200  # Slack's retry of the same event
    reply = await until(lambda: posted(slack, "D2001"))
    await asyncio.sleep(0.5)
    await client.app[DISPATCHER].drain()
    assert len(posted(slack, "D2001")) == 1
    assert reply[0]["thread_ts"] == body["event"]["ts"]
    blocks = json.dumps(reply[0]["blocks"])
    assert "Sources:" in blocks and "customer_not_helpful" in blocks


async def test_a_mention_in_a_shared_channel_is_answered_in_a_thread(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    _, slack = fakes
    body = bolt_payload(shared_data, "test_events_shared_channels.json", "valid_event_body")
    body["event"].update(text=f"<@{BOT_USER}> how do I reset my password?", channel="C2002")
    assert await slack_event(client, body) == 200
    reply = await until(lambda: posted(slack, "C2002"))
    assert reply[0]["thread_ts"] == body["event"]["ts"] and "password" in reply[0]["text"].lower()


async def test_noise_is_ignored_and_files_get_a_polite_note(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    _, slack = fakes
    changed = bolt_payload(shared_data, "test_message_changed.json", "event_payload")
    changed["event"]["channel"] = "D2003"
    own = dm(shared_data, "an answer the bot itself sent", channel="D2003")
    own["event"]["user"] = BOT_USER
    plain = bolt_payload(shared_data, "test_message.json", "message_body")  # a channel message without a mention
    plain["event"]["channel"] = "C2003"
    for body in (changed, own, plain):
        assert await slack_event(client, body) == 200
    filed = bolt_payload(shared_data, "test_message_file_share.json", "event_payload")
    filed["event"].update(channel="D2004", channel_type="im", text="")
    assert await slack_event(client, filed) == 200
    note = await until(lambda: posted(slack, "D2004"))
    await asyncio.sleep(0.5)
    assert posted(slack, "D2003") == [] and posted(slack, "C2003") == []
    assert "only read text" in note[0]["text"] or "can only read" in note[0]["text"]


async def test_two_not_helpful_answers_bring_a_person(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    _, slack = fakes
    body = dm(shared_data, "How do I export my data?", channel="D2005")
    await slack_event(client, body)
    await until(lambda: posted(slack, "D2005"))
    before = len(slack.of("chat.postMessage"))
    for n in range(2):
        payload = {
            "type": "block_actions", "user": {"id": "W111", "team_id": "T111"}, "team": {"id": "T111"}, "api_app_id": "A111",
            "channel": {"id": "D2005"}, "container": {"type": "message", "channel_id": "D2005", "message_ts": body["event"]["ts"]},
            "message": {"ts": f"{next(_slack_ts)}.1", "thread_ts": body["event"]["ts"]}, "trigger_id": "1.2.x",
            "actions": [{"action_id": "customer_not_helpful", "block_id": "supportbot_feedback", "value": "1", "type": "button", "action_ts": f"{time.time()}{n}"}],
        }
        raw = "payload=" + urllib.parse.quote(json.dumps(payload))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SLACK_SECRET, raw)}
        assert (await client.post("/slack/events", data=raw, headers=headers)).status == 200
        await asyncio.sleep(0.3)
        await client.app[DISPATCHER].drain()
    card = await until(lambda: card_for(slack, STAFF, before))
    assert "did not help" in json.dumps(card["blocks"])


async def test_a_customer_writing_in_the_dm_while_waiting_for_a_person_reaches_that_person(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    """Found trying a help center of our own: a Slack customer asked for a person, then wrote again in
    the DM itself (not in the bot's thread), as people do. That message opened a second handoff: a
    second card for staff, "I couldn't find this in our help center", and a worse place in the queue
    ("number 3", then "number 4"). It goes to the person's thread instead, and the bot stays quiet."""
    _, slack = fakes
    asked = dm(shared_data, "I want to talk to a person about my invoice", channel="D2020")
    before = len(slack.of("chat.postMessage"))
    await slack_event(client, asked)
    card = await until(lambda: card_for(slack, STAFF, before))
    await until(lambda: [a for a in posted(slack, "D2020") if "in the queue" in a.get("text", "")])
    said = len(posted(slack, "D2020"))  # "I'm passing you to a person", "You're number N in the queue"
    cards = len([a for a in slack.of("chat.postMessage") if a.get("channel") == STAFF and not a.get("thread_ts")])
    await slack_event(client, dm(shared_data, "are you there? it is invoice 4471", channel="D2020"))
    relayed = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == STAFF and "invoice 4471" in a.get("text", "")])
    await asyncio.sleep(0.5)
    await client.app[DISPATCHER].drain()
    assert relayed[0]["thread_ts"] is not None and "Customer:" in relayed[0]["text"]  # in the handoff's thread
    assert len([a for a in slack.of("chat.postMessage") if a.get("channel") == STAFF and not a.get("thread_ts")]) == cards  # no second card
    assert len(posted(slack, "D2020")) == said  # the bot said nothing more to the customer
    assert card is not None and all(a["thread_ts"] == asked["event"]["ts"] for a in posted(slack, "D2020"))


async def test_slack_events_of_other_kinds_are_acknowledged_and_ignored(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    await client.app[DISPATCHER].drain()  # what earlier tests of the module still had to say
    before = len(slack.calls)
    reaction = bolt_payload(shared_data, "test_events_shared_channels.json", "valid_reaction_added_body")
    assert await slack_event(client, reaction) == 200
    raw = "{not json"
    headers = {"Content-Type": "application/json", **sign(SLACK_SECRET, raw)}
    assert (await client.post("/slack/events", data=raw, headers=headers)).status == 400
    await asyncio.sleep(0.3)
    # nothing said where the reaction was (an earlier test's queue notice to its own DM may still land meanwhile)
    channel = reaction["event"]["item"]["channel"]
    assert [c for c in slack.calls[before:] if c[0] == "chat.postMessage" and c[1].get("channel") == channel] == []


def _event_id(body: dict[str, Any]) -> dict[str, Any]:
    body["event_id"] = f"Ev{next(_slack_ts)}"
    return body


async def test_threads_between_other_people_in_a_shared_channel_are_not_answered(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    reply = _event_id(bolt_payload(shared_data, "test_message.json", "message_body"))  # a reply in someone else's thread
    reply["event"].update(channel="C2010", thread_ts="1596183000.000100")
    broadcast = _event_id(bolt_payload(shared_data, "test_message_thread_broadcast.json", "event_payload"))
    broadcast["event"]["channel"] = "C2011"
    for body in (reply, broadcast):
        assert await slack_event(client, body) == 200
    await asyncio.sleep(0.5)
    await client.app[DISPATCHER].drain()
    assert posted(slack, "C2010") == [] and posted(slack, "C2011") == []


async def test_only_messages_a_customer_wrote_are_read(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    _, slack = fakes
    deleted = _event_id(bolt_payload(shared_data, "test_message_deleted.json", "event_payload"))
    classic_bot = _event_id(bolt_payload(shared_data, "test_message_bot.json", "classic_bot_message_event_payload"))
    noise = [deleted, classic_bot]
    for subtype in ("channel_topic", "channel_join", "message_replied", "some_future_subtype"):  # no recorded payloads: a DM with the subtype
        body = dm(shared_data, "How do I reset my password?", channel="D2012")
        body["event"]["subtype"] = subtype
        noise.append(body)
    for body in noise:
        body["event"].update(channel="D2012", channel_type="im")
        assert await slack_event(client, body) == 200
    await asyncio.sleep(0.5)
    await client.app[DISPATCHER].drain()
    assert posted(slack, "D2012") == []
    assert await slack_event(client, dm(shared_data, "How do I reset my password?", channel="D2012")) == 200
    assert await until(lambda: posted(slack, "D2012"))  # the same DM without a subtype is answered


async def test_a_thread_is_followed_only_once_it_is_a_conversation(fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    from channels.slack import SlackCustomerChannel

    _, slack = fakes
    asked: list[ConversationRef] = []

    async def known_thread(ref: ConversationRef) -> bool:
        asked.append(ref)
        return ref.thread == "1633663824.000500"

    web_client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
    channel = SlackCustomerChannel(client=web_client, known_thread=known_thread)
    broadcast = bolt_payload(shared_data, "test_message_thread_broadcast.json", "event_payload")["event"]
    inbound = await channel.inbound(broadcast, tenant="default", bot_user_id=BOT_USER)
    assert inbound is not None and inbound.ref.thread == "1633663824.000500" and inbound.text == "Hi there!"
    assert asked == [ConversationRef(channel="slack", tenant="default", address="C111", thread="1633663824.000500")]
    other = {**broadcast, "thread_ts": "1633663000.000100", "subtype": None}
    assert await channel.inbound(other, tenant="default", bot_user_id=BOT_USER) is None
    mention = {**broadcast, "subtype": None, "text": f"<@{BOT_USER}> and you?"}  # its app_mention event carries it
    assert await channel.inbound(mention, tenant="default", bot_user_id=BOT_USER) is None
    dm_event = {**broadcast, "subtype": None, "channel": "D2013", "channel_type": "im", "thread_ts": "1.2"}
    assert await channel.inbound(dm_event, tenant="default", bot_user_id=BOT_USER) is not None
    assert len(asked) == 3  # direct messages need no lookup
    # without a lookup nothing in a channel thread is taken
    assert await SlackCustomerChannel(client=web_client).inbound(broadcast, tenant="default", bot_user_id=BOT_USER) is None


async def test_a_customer_is_followed_in_the_thread_the_bot_answered_in_a_shared_channel(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    _, slack = fakes
    mention = _event_id(bolt_payload(shared_data, "test_events_shared_channels.json", "valid_event_body"))
    ts = f"{next(_slack_ts)}.000100"
    mention["event"].update(text=f"<@{BOT_USER}> how do I reset my password?", channel="C2020", ts=ts, event_ts=ts, client_msg_id=f"msg-{ts}")
    assert await slack_event(client, mention) == 200
    first = await until(lambda: posted(slack, "C2020"))
    assert first[0]["thread_ts"] == ts

    def in_thread(text: str, *, thread_ts: str) -> dict[str, Any]:  # the customer writing in a thread, no mention
        body = dm(shared_data, text, channel="C2020")
        body["event"].update(channel_type="channel", thread_ts=thread_ts, user=mention["event"]["user"], team=mention["event"]["team"])
        return body

    assert await slack_event(client, in_thread("And how do I turn on two-factor authentication?", thread_ts=ts)) == 200
    replies = await until(lambda: posted(slack, "C2020")[1:])
    assert replies[0]["thread_ts"] == ts and "two-factor" in replies[0]["text"].lower()
    await client.app[DISPATCHER].drain()
    # the same customer in a thread the bot never joined: not the bot's business
    assert await slack_event(client, in_thread("How do I export my data?", thread_ts=f"{next(_slack_ts)}.000100")) == 200
    await asyncio.sleep(0.5)
    await client.app[DISPATCHER].drain()
    assert len(posted(slack, "C2020")) == 2


async def test_an_answers_sources_label_speaks_the_language_of_the_answer(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    """A Spanish answer with links has them under "Fuentes:" (the label follows the answer's text,
    as its buttons do); an English one keeps "Sources:" (test_a_slack_dm_is_answered_in_its_thread_once)."""
    _, slack = fakes
    body = dm(shared_data, "Olvidé mi contraseña, ¿cómo puedo cambiarla?", channel="D2030")  # the conversation (handed off: English help center)
    assert await slack_event(client, body) == 200
    await until(lambda: posted(slack, "D2030"))
    await client.app[DISPATCHER].drain()
    conversation = conversation_id_for(ConversationRef(channel="slack", tenant="default", address="D2030", thread=body["event"]["ts"]))
    answer = "Puedes cambiar tu contraseña en la página de tu cuenta y elegir una nueva."
    citations = [Citation(source="es/contrasena.md", title="Restablecer la contraseña", url="https://help.example/es/contrasena", score=0.9)]
    await client.app[CONVERSATIONS].post_message(conversation, role=Role.BOT, text=answer, citations=citations, outcome=Outcome.ANSWER)
    sent = await until(lambda: [m for m in posted(slack, "D2030") if m["text"] == answer])
    context = [b for b in sent[0]["blocks"] if b["type"] == "context"]
    assert context[0]["elements"][0]["text"] == "Fuentes: <https://help.example/es/contrasena|Restablecer la contraseña>"
    assert "Útil" in json.dumps(sent[0]["blocks"], ensure_ascii=False)  # the buttons under it agree


async def test_a_follow_up_written_in_the_dm_itself_leans_on_the_question_before(
    client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path
) -> None:
    """Found by a fresh operator: each message written in a Slack DM itself (not in the bot's thread) opens a thread
    of its own, so "and the whole workspace?" after an answer on exporting a page had nothing before it and went to
    a person. It is answered with the question before in mind, in its own thread."""
    _, slack = fakes
    await slack_event(client, dm(shared_data, "How do I export a page?", channel="D2040"))
    first = await until(lambda: posted(slack, "D2040"))
    assert "export-your-data" in json.dumps(first[0]["blocks"])
    then = dm(shared_data, "and the whole workspace?", channel="D2040")
    await slack_event(client, then)
    replies = await until(lambda: [a for a in posted(slack, "D2040") if a["thread_ts"] == then["event"]["ts"]])
    assert "export-your-data" in json.dumps(replies[0]["blocks"]) and "workspace" in replies[0]["text"].lower()
    # another customer's DM, or the same words opening a DM, still go to a person (nothing before them to lean on)
    alone = dm(shared_data, "and the whole workspace?", channel="D2041")
    await slack_event(client, alone)
    other = await until(lambda: posted(slack, "D2041"))
    assert "export-your-data" not in json.dumps(other[0].get("blocks", []))


async def test_an_emoji_alone_is_acknowledged_on_slack_too(client: TestClient, fakes: tuple[FakeTelegramApi, FakeSlackApi], shared_data: Path) -> None:
    """Slack's text for an emoji or a reaction-sized sticker is its shortcode (`:+1:`, `:tada::tada:`): it was
    searched as words, found nothing and called a person as no_answer; now acknowledged as on Telegram."""
    _, slack = fakes
    before = len(slack.of("chat.postMessage"))
    for n, said in enumerate((":+1:", ":tada::tada:", ":thumbsup::skin-tone-3:")):
        assert await slack_event(client, dm(shared_data, said, channel=f"D21{n}")) == 200
        reply = await until(lambda n=n: posted(slack, f"D21{n}"))
        assert reply[0]["text"].startswith("Is there anything else I can help with?")
    await client.app[DISPATCHER].drain()
    # no card for them (other tests' handoffs may post to the staff channel meanwhile: only these customers' count)
    said_here = (":+1:", ":tada:", ":thumbsup:", "👍", "🎉")
    assert not [a for a in slack.of("chat.postMessage")[before:]
                if a.get("channel") == STAFF and any(s in json.dumps(a, ensure_ascii=False) for s in said_here)]
