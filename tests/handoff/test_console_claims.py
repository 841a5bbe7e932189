"""The built-in staff desk (/console) over HTTP, beside the Slack desk (the loopback Slack fake): the
whole loop with a widget customer, both desks seeing the same state, claims at the same moment,
return to the bot, ratings, and what a customer waiting in the queue hears."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from tests.fakes.loopback import until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.console_steps import CAROL_PASSWORD, Staff, csrf_of, hand_over
from tests.handoff.slack_steps import (
    STAFF,
    action,
    button_value,
    card_for,
    staff_message,
    widget,
)


async def test_the_whole_loop_from_the_console_and_both_desks_share_one_state(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    card = await until(lambda: card_for(slack, STAFF, before))
    assert int(button_value(card, "handoff_claim")) == handoff_id

    # the card and the transcript on the console
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "export my workspace" in page and "the customer asked for a person" in page and "Draft reply" in page
    assert "Claim" in page and "Send draft" in page and "Return to bot" in page
    view = await alice.view(handoff_id)
    assert view["status"] in ("queued", "open") and any(m["role"] == "customer" for m in view["messages"])

    # claimed on the console: the Slack card says so, the customer is told
    assert (await alice.act(handoff_id, "claim")).status == 303
    update = await until(lambda: [u for u in slack.of("chat.update") if "Claimed by Alice" in json.dumps(u.get("blocks"))])
    assert update
    assert await until(lambda: [m for m in heard if "Alice" in m["text"] and "joined" in m["text"]])

    # a reply on the console reaches the customer live, and the Slack thread
    assert (await alice.reply(handoff_id, "Hi! I can export it for you today.")).status == 303
    agent = await until(lambda: [m for m in heard if m["role"] == "agent"])
    assert agent[0]["text"] == "Hi! I can export it for you today." and agent[0]["author"] == "Alice"
    thread = (await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)).thread_ts
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "(web console)" in a.get("text", "")])

    # taken over on the Slack card (a Slack user is another staff member than a console account: a message in the
    # thread of a handoff someone else claimed would stay with the team), then a reply in the Slack thread and the
    # customer's answer show in the console's transcript
    assert await action(client, "handoff_take_over", button_value(update[-1], "handoff_take_over")) == 200
    assert await until(lambda: (h := client.app[HANDOFF].get(handoff_id)) is not None and h.claimed_by_id == "UALICE")
    assert await staff_message(client, thread_ts=thread, text="The export is on its way, sent from Slack.", ts="3000.000001") == 200
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "thank you both"}, headers=auth)

    async def transcript_has_both() -> bool:
        texts = [m["text"][:50] for m in (await alice.view(handoff_id))["messages"]][-4:]
        return "The export is on its way, sent from Slack." in texts and "thank you both" in texts

    for _ in range(100):
        if await transcript_has_both():
            break
        await asyncio.sleep(0.1)
    assert await transcript_has_both(), [m["text"][:50] for m in (await alice.view(handoff_id))["messages"]][-4:]

    # the draft goes out as a staff reply; Alice on Slack has the handoff now, so from the console account it is
    # held back naming her, the draft in the reply box, until confirmed with "Send anyway"
    held = await alice.act(handoff_id, "draft")
    page = await held.text()
    assert held.status == 409 and "Draft not sent yet: Alice has claimed this handoff" in page and 'name="despite" value="UALICE"' in page
    draft = client.app[HANDOFF].packet(await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)).draft
    sent = await alice.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": csrf_of(page), "text": draft, "client_id": "draft-1", "despite": "UALICE"})
    assert sent.status == 303
    assert await until(lambda: [m for m in heard if m["role"] == "agent" and m["text"].startswith("Hi, thanks for waiting")])

    # resolved in Slack: the console shows it, and offers no more actions
    assert await action(client, "handoff_resolve", str(handoff_id)) == 200
    for _ in range(100):
        if (await alice.view(handoff_id))["status"] == "resolved":
            break
        await asyncio.sleep(0.1)
    view = await alice.view(handoff_id)
    assert view["status"] == "resolved" and view["status_text"] == "Resolved"
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "Send reply" not in page and 'value="claim"' not in page
    assert await until(lambda: [m for m in heard if m.get("rating_request")])
    events = [e for e in client.app[HANDOFF]._audit.events(conversation_id=conversation) if e.kind == "staff_reply"]  # noqa: SLF001
    assert {json.loads(e.data)["staff"] for e in events} == {"console:default:alice", "UALICE"}
    await ws.close()


async def test_return_to_bot_from_the_console_and_sign_out(client: TestClient, alice: Staff) -> None:
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    assert (await alice.act(handoff_id, "return")).status == 303
    assert await until(lambda: [m for m in heard if m["role"] == "system" and "chatting with the bot again" in m["text"]])
    again = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on two-factor authentication?"}, headers=auth)).json()
    assert again["reply"]["outcome"] == "answer"
    token = await alice.csrf("/console")
    assert (await alice.post("/console/sign-out", {"csrf": token})).status == 303
    assert (await alice.get("/console")).status == 303
    await ws.close()


async def test_the_customers_rating_shows_on_the_resolved_handoff(client: TestClient, alice: Staff) -> None:
    # the queue and the page said "Resolved" after the customer rated; the rating was only a "5" in the transcript
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    assert (await alice.act(handoff_id, "resolve")).status == 303
    assert await until(lambda: [m for m in heard if m.get("rating_request")])
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "4"}, headers=auth)
    for _ in range(100):
        if (await alice.view(handoff_id))["status"] == "rated":
            break
        await asyncio.sleep(0.1)
    assert (await alice.view(handoff_id))["status_text"] == "Resolved · rated 4 of 5"
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert '<p class="status" id="status">Resolved · rated 4 of 5</p>' in page
    rows = (await (await alice.get("/console/api/queue")).json())["handoffs"]
    assert [r["status_text"] for r in rows if r["id"] == handoff_id] == ["Resolved · rated 4 of 5"]
    await ws.close()


async def test_two_staff_claiming_at_the_same_moment_one_claim_wins(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Both pressed Claim at once: the customer was told 'Alice ... has joined' and 'Carol ... has joined',
    and the card named whoever was saved last (each read the handoff unclaimed, then saved its claim)."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    answers = await asyncio.gather(alice.act(handoff_id, "claim"), carol.act(handoff_id, "claim"))
    assert [a.status for a in answers] == [303, 303]
    await asyncio.sleep(1.0)
    joined = [m["text"] for m in heard if m["role"] == "system" and "joined" in m["text"]]
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    assert len(joined) == 1, joined
    assert handoff.status == "claimed" and handoff.claimed_by in joined[0]
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_a_claim_at_the_moment_another_resolves_leaves_one_consistent_state(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Resolve and Claim pressed at once: the claim, saved after the resolution, reopened the handoff as
    claimed on a closed conversation (or failed on its state change), and the customer heard both."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    answers = await asyncio.gather(alice.act(handoff_id, "resolve"), carol.act(handoff_id, "claim"))
    assert [a.status for a in answers] == [303, 303]
    await asyncio.sleep(1.0)
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    state = (await asyncio.to_thread(client.app[HANDOFF]._conversations.get, conversation)).state  # noqa: SLF001
    assert (handoff.status, state) in {("resolved", "closed"), ("claimed", "with_human")}, (handoff.status, state)
    if handoff.status == "claimed":
        await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_the_slower_of_two_claims_is_told_someone_else_claimed_first(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Alice and Carol had the handoff open in two tabs; Alice claimed, then Carol pressed Claim: Carol's
    page only said "Claimed by Alice", as if her press had done it."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    first = await alice.act(handoff_id, "claim")
    assert first.status == 303 and "error" not in first.headers["Location"]
    second = await carol.act(handoff_id, "claim")
    assert second.status == 303
    page = await (await carol.get(second.headers["Location"])).text()
    assert "Claimed by Alice" in page and "Not claimed: Alice claimed this handoff first." in page
    assert "Not claimed" not in await (await alice.get(first.headers["Location"])).text()
    await alice.act(handoff_id, "resolve")
    late = await carol.act(handoff_id, "claim")
    assert "closed before your claim" in await (await carol.get(late.headers["Location"])).text()
    await ws.close()


async def test_a_claim_is_told_lost_to_another_account_with_the_same_display_name(client: TestClient, alice: Staff) -> None:
    """Two accounts both shown as "Alice": the second one's Claim on the first one's handoff was taken as
    her own (claims were compared by the name shown), so she was not told that it was someone else's."""
    other = Staff(client)
    assert (await other.sign_in(tenant="default", name="alice2", password=CAROL_PASSWORD)).status == 303
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    first = await alice.act(handoff_id, "claim")
    assert first.status == 303 and "error" not in first.headers["Location"]
    second = await other.act(handoff_id, "claim")
    assert second.headers["Location"].endswith("?error=claimed_first")
    assert "Not claimed: Alice claimed this handoff first." in await (await other.get(second.headers["Location"])).text()
    again = await alice.act(handoff_id, "claim")  # the claimer's own second press is hers
    assert "error" not in again.headers["Location"]
    await alice.act(handoff_id, "resolve")
    await other.close()
    await ws.close()


@pytest.mark.parametrize(("asked", "said"), [
    ("can I talk to a person?", ("still in the queue", "number")), ("¿Puedo hablar con una persona, por favor?", ("Sigues en la cola", "puesto")),
])
async def test_asking_for_a_person_again_while_waiting_is_answered_with_the_queue(client: TestClient, alice: Staff, asked: str,
                                                                                  said: tuple[str, str]) -> None:
    """"can I talk to a person?" typed while already in the queue reached staff and got the customer no reply at all
    (found by a fresh operator's pass): now they hear their place, or that they are still in the queue; an ordinary
    message meanwhile only reaches staff, as before. So in Spanish, in Spanish (a channel trial found it English-only)."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    await until(lambda: any("in the queue" in m.get("text", "") for m in heard))
    told = len(heard)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "also my invoice is wrong"}, headers=auth)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": asked}, headers=auth)
    again = await until(lambda: [m for m in heard[told:] if m.get("role") == "system"] or None)
    assert len(again) == 1 and any(s in again[0]["text"] for s in said), again
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_a_widget_customers_long_message_reaches_the_console_during_a_handoff(client: TestClient, alice: Staff) -> None:
    """Over 2000 characters the widget got 413 "too long" while a person held the conversation (staff16's
    trial): a person reads it whole; the bot, outside a handoff, still names both lengths."""
    conversation, auth, ws, _, handoff_id = await hand_over(client)
    marks = [a + b for a in "abcdefghi" for b in "klmnopqrst"]  # 90 words to find, none a number redaction may take
    long_text = " ".join(f"The import stopped again at mark {m}, nothing was saved." for m in marks)
    assert 4000 < len(long_text) < 12_000
    sent = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": long_text}, headers=auth)
    assert sent.status == 200 and (await sent.json())["relayed"] is True
    for _ in range(100):
        if any(m["role"] == "customer" and "mark it," in m["text"] for m in (await alice.view(handoff_id))["messages"]):
            break
        await asyncio.sleep(0.1)
    shown = [m["text"] for m in (await alice.view(handoff_id))["messages"] if m["role"] == "customer" and "mark ak," in m["text"]]
    assert shown and all(f"mark {m}," in shown[0] for m in marks)
    await ws.close()
    fresh, fresh_auth, fresh_ws, _ = await widget(client, "demo")
    refused = await client.post(f"/api/v1/conversations/{fresh}/messages", json={"text": long_text}, headers=fresh_auth)
    assert refused.status == 413
    assert (await refused.json())["error"] == f"the message is {len(long_text)} characters long; the limit is 2000 characters"
    await fresh_ws.close()
