"""The whole bot driven in-process through the in-memory channel (channels/memory.py): the customer's
side and the staff's side of one conversation, and the domain events it publishes (bot/core/events.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import DISPATCHER, HANDOFF, READY, SERVICES
from bot.app.composition import connect_listeners
from bot.app.web import build_app
from bot.core.desk import ReplyOutcome, StaffAction, StaffMember
from bot.engine.dispatch import conversation_id_for
from channels.memory import MemoryChannel
from tests.conftest import make_settings

ALICE = StaffMember(id="console:default:alice", name="Alice", desk="console")


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[TestClient, MemoryChannel, list[Any]]]:
    app = build_app(make_settings(tmp_path_factory.mktemp("memory")))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        channel = MemoryChannel(inbox=app[DISPATCHER])
        app[DISPATCHER].register(channel)
        events: list[Any] = []

        async def record(event: Any) -> None:
            events.append(event)

        connect_listeners(app[SERVICES].events, listeners=[record])
        yield client, channel, events


def kinds(events: list[Any], conversation_id: str) -> list[str]:
    return [type(e).__name__ for e in events if e.conversation_id == conversation_id]


async def until(check: Any, *, timeout: float = 30.0) -> Any:
    async def poll() -> Any:
        while not (found := await asyncio.to_thread(check)):
            await asyncio.sleep(0.05)
        return found

    return await asyncio.wait_for(poll(), timeout)


async def reply_saying(channel: MemoryChannel, words: str, *, address: str) -> Any:
    """The next reply to `address` that says `words`, past the notices before it (e.g. the queue position)."""
    while words not in (reply := await channel.next_reply(address=address)).text:
        pass
    return reply


async def test_a_question_the_help_center_answers_comes_back_on_the_channel(bot: tuple[TestClient, MemoryChannel, list[Any]]) -> None:
    client, channel, events = bot
    reply = await channel.ask("How do I reset my password?", address="ann")
    assert reply.role == "bot" and "password" in reply.text.lower()
    assert any("password" in link.title.lower() for link in reply.citations)
    conversation = conversation_id_for(channel.ref("ann"))
    await until(lambda: len(kinds(events, conversation)) >= 2)
    assert kinds(events, conversation) == ["MessageStored", "Answered"]
    metrics = await (await client.get("/metrics")).text()
    assert 'supportbot_domain_events_total{kind="Answered"}' in metrics  # the composition root's real listener


async def test_a_conversation_handed_to_staff_publishes_each_step_in_order(bot: tuple[TestClient, MemoryChannel, list[Any]]) -> None:
    client, channel, events = bot
    app = client.server.app
    handoff = app[HANDOFF]
    conversation = conversation_id_for(channel.ref("bo"))

    notice = await channel.ask("I want to talk to a person", address="bo")
    assert notice.role in ("bot", "system")
    case = await until(lambda: handoff.current(conversation))

    await handoff.act(StaffAction.CLAIM, case.id, staff=ALICE, client_id="claim-1")
    await reply_saying(channel, "Alice from our support team has joined", address="bo")
    assert await handoff.reply(case.id, staff=ALICE, text="I have fixed your invoice.", client_id="reply-1") == ReplyOutcome.SENT
    staff_reply = await reply_saying(channel, "I have fixed your invoice.", address="bo")
    assert staff_reply.role == "agent" and staff_reply.author == "Alice"
    await handoff.act(StaffAction.RESOLVE, case.id, staff=ALICE, client_id="resolve-1")
    await reply_saying(channel, "1 (poor) to 5 (great)", address="bo")
    await channel.say("5", address="bo")
    await until(lambda: "Rated" in kinds(events, conversation))

    assert kinds(events, conversation) == [
        "MessageStored", "HandedOver", "Claimed", "StaffReplied", "Resolved", "MessageStored", "Rated",
    ]
    handed = next(e for e in events if type(e).__name__ == "HandedOver" and e.conversation_id == conversation)
    assert handed.reason == "customer_request" and handed.tenant == "default"
    rated = next(e for e in events if type(e).__name__ == "Rated" and e.conversation_id == conversation)
    assert rated.rating == 5


async def test_two_customers_on_the_channel_get_their_own_replies(bot: tuple[TestClient, MemoryChannel, list[Any]]) -> None:
    _, channel, _ = bot
    await channel.say("How do I export my data?", address="cy")
    await channel.say("How do I cancel my subscription?", address="di")
    cy, di = await channel.next_reply(address="cy"), await channel.next_reply(address="di")
    assert "export" in cy.text.lower() and "cancel" in di.text.lower()


async def test_thanks_after_an_answer_is_said_back_and_calls_no_person(bot: tuple[TestClient, MemoryChannel, list[Any]]) -> None:
    """"thanks!" matched no article and was handed over as no_answer: a card in the staff queue for a thank-you."""
    client, channel, events = bot
    handoff = client.server.app[HANDOFF]
    conversation = conversation_id_for(channel.ref("ed"))
    answer = await channel.ask("How do I reset my password?", address="ed")
    assert "password" in answer.text.lower()
    # "ok", and "no thanks" to the bot's own "Is there anything else I can help with?", were handed over as
    # no_answer ("I couldn't find this in our help center"): a staff card for a customer who was done
    for said, expected in (("thanks, that helped!", "You're welcome"), ("no thanks", "Goodbye"), ("ok", "anything else"),
                           ("ok bye", "Goodbye"), ("hola", "¡Hola!")):
        reply = await channel.ask(said, address="ed")
        assert expected in reply.text, (said, reply.text)
        assert not reply.citations
    await until(lambda: kinds(events, conversation).count("Answered") >= 6)
    assert "HandedOver" not in kinds(events, conversation)
    assert await asyncio.to_thread(handoff.current, conversation) is None
