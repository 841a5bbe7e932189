"""Two or more staff on the Slack desk at once: who claimed first is told to the one who pressed too
late (for their eyes only), and the card is drawn again whole at each change, in the current layout,
with times each reader's Slack shows on their own clock. The real slack-bolt app, requests signed as
Slack signs them, Web API calls to the loopback fake."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from bot.core.clock import utc
from bot.core.handoff_states import UNCLAIMED, HandoffStatus, State
from bot.core.messages import Role
from bot.core.tables import utcnow
from channels.slack_desk import card_blocks
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.slack_steps import (
    STAFF,
    action,
    button_value,
    handed_over,
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
    tenants = ('[tenants.default.widget]\nkeys = ["demo"]\n'
               '[tenants.busy.widget]\nkeys = ["busy"]\n[tenants.busy.handoff]\nreannounce_minutes = 0.0001\n')
    async with slack_app(slack, tmp_path_factory, name="claims", tenants=tenants) as client:
        yield client


async def _handed_over(client: TestClient, slack: FakeSlackApi, key: str = "demo") -> tuple[Any, list[dict[str, Any]], dict[str, Any], str]:
    """A widget customer who asked for a person: (socket, what they received, the card, its thread ts)."""
    _, _, ws, received, card, thread = await handed_over(client, slack, text="I want to talk to a person about my invoice", key=key)
    return ws, received, card, thread


def _status(blocks: list[dict[str, Any]]) -> str:
    return next(f["text"] for b in blocks for f in b.get("fields", []) if f["text"].startswith("*Status:*"))


async def test_the_slower_of_two_slack_claims_is_told_who_has_it_only_them(client: TestClient, slack: FakeSlackApi) -> None:
    """Alice and Bob pressed Claim on the same card at once: the card said "Claimed by Alice" and Bob got
    nothing at all, as if his press had done it (the console already told the slower one)."""
    ws, received, card, _ = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    ephemerals = len(slack.of("chat.postEphemeral"))
    assert await asyncio.gather(action(client, "handoff_claim", handoff_id, user="UALICE"),
                                action(client, "handoff_claim", handoff_id, user="UBOB")) == [200, 200]
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id))
    winner, loser = ("Alice", "UBOB") if handoff.claimed_by == "Alice" else ("Bob", "UALICE")
    epoch = int(utc(handoff.claimed_at).timestamp())
    assert [t["user"] for t in told] == [loser] and told[0]["channel"] == STAFF
    assert told[0]["text"] == (f"Not claimed: {winner} claimed handoff #{handoff_id} first at "
                               f"<!date^{epoch}^{{time}}|{utc(handoff.claimed_at):%H:%M} UTC>. It is theirs now; you can still write in its thread.")
    joined = await until(lambda: [m for m in received if "joined" in m["text"]])
    await asyncio.sleep(0.3)
    assert len([m for m in received if "joined" in m["text"]]) == 1 and winner in joined[0]["text"]

    # a claim pressed on the card after it was resolved is told so, too
    assert await action(client, "handoff_resolve", handoff_id, user="UALICE") == 200
    await until(lambda: [m for m in received if m.get("rating_request")])
    assert await action(client, "handoff_claim", handoff_id, user="UBOB") == 200
    late = await until(lambda: slack.of("chat.postEphemeral")[ephemerals + 1:])
    assert late[0]["user"] == "UBOB" and late[0]["text"] == f"Not claimed: handoff #{handoff_id} was resolved before your claim."
    await ws.close()


async def test_a_claim_is_told_lost_to_another_slack_user_with_the_same_display_name(client: TestClient, slack: FakeSlackApi) -> None:
    """Two staff whose Slack display name is "Sam": the second one's press on the first one's claim was
    taken as their own (claims were compared by the name shown), so they were never told it was not theirs."""
    ws, _, card, _ = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="USAMA") == 200
    handoff = await until(lambda: (h := client.app[HANDOFF].get(int(handoff_id))) is not None and h.claimed_by and h)
    assert handoff.claimed_by == "Sam"
    ephemerals = len(slack.of("chat.postEphemeral"))
    assert await action(client, "handoff_claim", handoff_id, user="USAMB") == 200
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    assert [t["user"] for t in told] == ["USAMB"] and told[0]["text"].startswith(f"Not claimed: Sam claimed handoff #{handoff_id} first")
    assert await action(client, "handoff_claim", handoff_id, user="USAMA") == 200  # the claimer's own second press: nothing to tell
    await asyncio.sleep(0.3)
    assert len(slack.of("chat.postEphemeral")) == ephemerals + 1
    assert await action(client, "handoff_resolve", handoff_id, user="USAMA") == 200
    await ws.close()


async def test_a_card_is_drawn_again_whole_at_each_change_with_claim_times_on_each_readers_clock(client: TestClient, slack: FakeSlackApi) -> None:
    """Each change (claimed, resolved) replaces every block of the card with this release's layout, so a
    card posted by an older release is not left in its old one; the claim's time is Slack's date token
    (each reader's own zone), not a bare "14:02 UTC" that staff in Berlin or New York had to convert."""
    ws, _, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    service = client.app[HANDOFF]
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    claimed = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by" in json.dumps(u["blocks"])])
    handoff = await asyncio.to_thread(service.get, int(handoff_id))
    packet = await service._cards.staff_packet(handoff)
    assert claimed[-1]["blocks"] == card_blocks(handoff, packet, proposals=True)
    at = utc(handoff.claimed_at)
    assert _status(claimed[-1]["blocks"]) == f"*Status:* Claimed by Alice at <!date^{int(at.timestamp())}^{{time}}|{at:%H:%M} UTC>"
    assert [b["text"]["text"] for b in claimed[-1]["blocks"] if b["type"] == "header"] == [f"Handoff #{handoff_id}: the customer asked for a person"]
    assert [e["text"]["text"] for b in claimed[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]] == ["Send draft", "Release to the queue", "Take over", "Resolve", "Return to bot"]

    assert await action(client, "handoff_resolve", handoff_id, user="UALICE") == 200
    resolved = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Resolved" in json.dumps(u["blocks"])])
    handoff = await asyncio.to_thread(service.get, int(handoff_id))
    assert resolved[-1]["blocks"] == card_blocks(handoff, packet, proposals=True)
    # nothing left to press on a resolved card but "Propose as FAQ"
    assert [e["text"]["text"] for b in resolved[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]] == ["Propose as FAQ"]
    await ws.close()


async def test_a_reminder_draws_the_card_again_with_its_place_in_the_queue_now(client: TestClient, slack: FakeSlackApi) -> None:
    """Two customers waiting; the first is claimed. The second card still said "number 2 in the queue"
    when the reminder for it went out, though it was next; and its customer, told "number 2" when they
    asked, heard nothing more however long they waited."""
    first_ws, _, first_card, _ = await _handed_over(client, slack, "busy")
    second_ws, second_heard, second_card, second_thread = await _handed_over(client, slack, "busy")
    assert await until(lambda: [m for m in second_heard if "number 2 in the queue" in m["text"]])
    assert "number 2 in the queue" in _status(second_card["blocks"])
    assert await action(client, "handoff_claim", button_value(first_card, "handoff_claim"), user="UALICE") == 200
    service = client.app[HANDOFF]
    await until(lambda: (h := service.get(int(button_value(first_card, "handoff_claim")))) is not None and h.claimed_by)
    await asyncio.sleep(0.05)  # past the tenant's reannounce time
    await service.tick()
    reminded = [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == second_thread and "Still waiting" in a.get("text", "")]
    assert reminded and "number 1 in the queue" in reminded[-1]["text"]
    updates = [u for u in slack.of("chat.update") if u.get("ts") == second_thread]
    assert updates and re.search(r"\*Status:\* Waiting to be claimed · number 1 in the queue$", _status(updates[-1]["blocks"]))
    moved = await until(lambda: [m for m in second_heard if "number 1 in the queue" in m["text"]])
    assert moved[0]["role"] == "system"
    # the next reminder with nothing changed tells the customer nothing again
    await asyncio.sleep(0.05)
    await service.tick()
    await asyncio.sleep(0.3)
    assert len([m for m in second_heard if "in the queue" in m["text"]]) == 2
    await first_ws.close()
    await second_ws.close()


async def test_a_claim_left_unfinished_by_a_dead_process_is_finished_by_the_next_press(client: TestClient, slack: FakeSlackApi) -> None:
    """The process that stored Alice's claim was killed before it moved the conversation to staff, told
    the customer and updated the card: the card kept its Claim button and "Waiting", the customer never
    heard that anyone joined, and pressing Claim again did nothing at all."""
    ws, received, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    service = client.app[HANDOFF]
    handoff = await asyncio.to_thread(service.get, int(handoff_id))
    # what the dead process had committed: the claim's own transaction, a minute ago, and nothing after it
    stored = await asyncio.to_thread(service._records.move, handoff, only_from=UNCLAIMED, status=HandoffStatus.CLAIMED,
                                     claimed_by="Alice", claimed_at=utcnow() - timedelta(minutes=1))
    assert stored is not None and service.state(handoff.conversation_id) is State.WAITING
    ephemerals = len(slack.of("chat.postEphemeral"))

    assert await action(client, "handoff_claim", handoff_id, user="UBOB") == 200
    joined = await until(lambda: [m for m in received if "joined" in m["text"]])
    assert joined[0]["text"].startswith("Alice")
    assert service.state(handoff.conversation_id) is State.WITH_HUMAN
    update = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread])
    assert _status(update[-1]["blocks"]).startswith("*Status:* Claimed by Alice at <!date^")
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    assert told[0]["user"] == "UBOB" and told[0]["text"].startswith("Not claimed: Alice claimed handoff")

    # finished once: another press tells the customer nothing more
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    await asyncio.sleep(0.5)
    assert len([m for m in received if "joined" in m["text"]]) == 1
    await ws.close()


async def test_a_long_conversations_thread_says_how_many_messages_came_before_its_transcript(client: TestClient, slack: FakeSlackApi) -> None:
    """A customer who chatted with the bot for a while, then asked for a person: the thread's transcript
    (its last 20 messages) began mid-conversation with nothing to say so, and staff took it for the start."""
    conversation, auth, ws, _ = await widget(client)
    for n in range(12):  # 24 messages with the bot's answers
        sent = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": f"how do I reset my password? ({n})"}, headers=auth)
        assert sent.status == 200, await sent.text()
        await asyncio.sleep(1.05 if n >= 6 else 0)  # past the burst of 8, a message a second (the conversation's limit)
    asked = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert asked["reply"]["outcome"] == "handoff", asked
    thread = await until(lambda: (h := client.app[HANDOFF].current(conversation)) is not None and h.thread_ts)
    posted = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "Transcript" in a.get("text", "")])
    heading, *lines = posted[0]["text"].split("\n")
    stored = await client.app[HANDOFF].redacted_history(client.app[HANDOFF].current(conversation))
    said = [m for m in stored if m.role is not Role.SYSTEM]  # up to the handoff (its queue notice came after)
    assert len(said) == 26
    assert heading == "Transcript (personal data redacted; the last 20 messages, the 6 before them are on the web console):"
    assert lines[0].startswith("*") and "(1)" not in posted[0]["text"] and "(11)" in posted[0]["text"]
    await ws.close()


async def test_a_claimed_handoff_released_goes_back_to_the_queue_for_someone_else(client: TestClient, slack: FakeSlackApi) -> None:
    """Alice claimed, then had to leave: nothing gave the handoff back. It stayed "Claimed by Alice" with
    no Claim button, no reminder went out for it, and the customer waited on someone who was gone."""
    ws, received, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    claimed = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by Alice" in json.dumps(u["blocks"])])
    buttons = [e["text"]["text"] for b in claimed[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["Send draft", "Release to the queue", "Take over", "Resolve", "Return to bot"]

    told = len([m for m in received if "in the queue" in m["text"]])
    assert await action(client, "handoff_release", handoff_id, user="UALICE") == 200
    released = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Waiting to be claimed" in json.dumps(u["blocks"])])
    assert re.fullmatch(r"\*Status:\* Waiting to be claimed · number \d+ in the queue", _status(released[-1]["blocks"]))
    buttons = [e["text"]["text"] for b in released[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["Claim", "Send draft", "Resolve", "Return to bot"]
    queue = await until(lambda: [m for m in received if "in the queue" in m["text"]][told:])
    assert queue[0]["role"] == "system"
    service = client.app[HANDOFF]
    handoff = await asyncio.to_thread(service.get, int(handoff_id))
    assert (handoff.status, handoff.claimed_by, service.state(handoff.conversation_id)) == ("open", None, State.WAITING)
    assert handoff.id in [h.id for h in await asyncio.to_thread(service._records.waiting)]  # reminded again while nobody has it

    # Bob takes it: the customer hears who joined
    assert await action(client, "handoff_claim", handoff_id, user="UBOB") == 200
    assert await until(lambda: [m for m in received if m["text"].startswith("Bob") and "joined" in m["text"]])
    assert service.state(handoff.conversation_id) is State.WITH_HUMAN
    await ws.close()


async def test_bob_takes_over_alices_claim_from_the_slack_card(client: TestClient, slack: FakeSlackApi) -> None:
    """Handing Alice's customer to Bob took Release and Claim: the customer, mid-conversation, was told
    their place in the queue again. Bob's "Take over" on the card makes it his; the customer hears Bob joined."""
    ws, received, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    await until(lambda: [m for m in received if m["text"].startswith("Alice") and "joined" in m["text"]])
    told = len(received)
    assert await action(client, "handoff_take_over", handoff_id, user="UBOB") == 200
    assert await until(lambda: [m for m in received[told:] if m["text"].startswith("Bob") and "joined" in m["text"]])
    assert await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by Bob" in json.dumps(u["blocks"])])
    assert await until(lambda: [p for p in slack.of("chat.postMessage") if p.get("thread_ts") == thread and "took this handoff over from Alice" in p.get("text", "")])
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id))
    assert (handoff.claimed_by_id, client.app[HANDOFF].state(handoff.conversation_id)) == ("UBOB", State.WITH_HUMAN)
    assert not [m for m in received[told:] if "in the queue" in m["text"]]
    await ws.close()


async def test_a_take_over_pressed_on_a_card_drawn_before_it_changed_hands_is_refused_and_says_who_has_it(
    client: TestClient, slack: FakeSlackApi,
) -> None:
    """Carol's Slack still showed "Claimed by Alice" when she pressed Take over, but Bob had taken it over
    a moment before: her press took it from Bob, whom she never saw on the card. The button carries the
    claimer its card shows; a press from the card before Bob's is refused, told to Carol alone with who
    has it and what to do, and the card as drawn now takes it from Bob."""
    ws, received, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    alices = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by Alice" in json.dumps(u["blocks"])])
    stale = button_value(alices[-1], "handoff_take_over")
    assert stale == f"{handoff_id}:UALICE"
    assert await action(client, "handoff_take_over", stale, user="UBOB") == 200
    bobs = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == thread and "Claimed by Bob" in json.dumps(u["blocks"])])
    await until(lambda: [m for m in received if m["text"].startswith("Bob") and "joined" in m["text"]])

    ephemerals = len(slack.of("chat.postEphemeral"))
    assert await action(client, "handoff_take_over", stale, user="UCAROL") == 200
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    assert told[0]["user"] == "UCAROL" and told[0]["text"].startswith("Not taken over: Bob has handoff #")
    assert "press Take over again to take it from Bob" in told[0]["text"]
    assert (await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id))).claimed_by_id == "UBOB"

    assert await action(client, "handoff_take_over", button_value(bobs[-1], "handoff_take_over"), user="UCAROL") == 200
    assert await until(lambda: (h := client.app[HANDOFF].get(int(handoff_id))) is not None and h.claimed_by_id == "UCAROL")
    await ws.close()


async def test_a_message_in_the_thread_of_a_handoff_someone_else_claimed_stays_with_the_team(client: TestClient, slack: FakeSlackApi) -> None:
    """Bob wrote "Alice, check the refund date" in the thread of Alice's handoff: it went to Alice's customer,
    between her replies. In a claimed handoff's thread a colleague's message stays there, and Bob alone is
    told so, with who has it and how to reply himself (Take over); Alice's own messages go as before."""
    ws, received, card, thread = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    await until(lambda: [m for m in received if m["text"].startswith("Alice") and "joined" in m["text"]])
    ephemerals = len(slack.of("chat.postEphemeral"))
    assert await staff_message(client, thread_ts=thread, text="Alice, check the refund date first", ts="2000.000001", user="UBOB") == 200
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    assert told[0]["user"] == "UBOB" and told[0].get("thread_ts") == thread
    assert told[0]["text"].startswith(f"Not sent to the customer: Alice has claimed handoff #{handoff_id} and is talking with them")
    assert "press Take over on the card, then write again" in told[0]["text"]
    assert await staff_message(client, thread_ts=thread, text="Your refund left today.", ts="2000.000002", user="UALICE") == 200
    await until(lambda: [m for m in received if m["text"] == "Your refund left today."])
    assert not [m for m in received if "check the refund date" in m["text"]]
    assert len(slack.of("chat.postEphemeral")) == ephemerals + 1
    await ws.close()


async def test_send_draft_pressed_by_someone_other_than_the_claimer_is_not_sent_and_says_who_has_it(
    client: TestClient, slack: FakeSlackApi,
) -> None:
    """Bob pressed Send draft on the card of Alice's handoff: the draft went to Alice's customer beside her
    own replies, while a message Bob wrote in the thread was held back. The draft is held back the same
    way: Bob alone is told who has it and how to send it himself; Alice's own press sends it."""
    ws, received, card, _ = await _handed_over(client, slack)
    handoff_id = button_value(card, "handoff_claim")
    assert await action(client, "handoff_claim", handoff_id, user="UALICE") == 200
    await until(lambda: [m for m in received if m["text"].startswith("Alice") and "joined" in m["text"]])
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id))
    draft = client.app[HANDOFF].packet(handoff).draft
    ephemerals = len(slack.of("chat.postEphemeral"))
    assert await action(client, "handoff_draft", handoff_id, user="UBOB") == 200
    told = await until(lambda: slack.of("chat.postEphemeral")[ephemerals:])
    assert [t["user"] for t in told] == ["UBOB"] and told[0]["channel"] == STAFF
    assert told[0]["text"] == (f"Draft not sent to the customer: Alice has claimed handoff #{handoff_id} and is talking with them. "
                               "To send it yourself, press Take over on the card, then Send draft again.")
    await asyncio.sleep(0.3)
    assert not [m for m in received if m["role"] == "agent" and m["text"] == draft]
    assert (await asyncio.to_thread(client.app[HANDOFF].get, int(handoff_id))).claimed_by_id == "UALICE"

    assert await action(client, "handoff_draft", handoff_id, user="UALICE") == 200
    sent = await until(lambda: [m for m in received if m["role"] == "agent" and m["text"] == draft])
    assert sent[0]["author"] == "Alice" and len(slack.of("chat.postEphemeral")) == ephemerals + 1

    # pressed on the card after it was resolved: told so, nothing sent
    assert await action(client, "handoff_resolve", handoff_id, user="UALICE") == 200
    await until(lambda: [m for m in received if m.get("rating_request")])
    assert await action(client, "handoff_draft", handoff_id, user="UBOB") == 200
    late = await until(lambda: slack.of("chat.postEphemeral")[ephemerals + 1:])
    assert late[0]["user"] == "UBOB" and late[0]["text"] == f"Draft not sent: handoff #{handoff_id} is resolved now, so the customer would not get it."
    assert len([m for m in received if m["role"] == "agent" and m["text"] == draft]) == 1
    await ws.close()
