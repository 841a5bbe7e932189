"""The web console as a support lead uses it with several customers waiting and two staff members:
the queue's order and places, handoffs that stay in it however many came after them, and handing a
customer from one staff member to another. Its own app and tenant (`desk`), beside the Slack desk."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import escape
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlmodel import Session

from bot.app.app_keys import HANDOFF, SERVICES
from bot.core.desk import StaffAction, StaffMember, lost_claim
from bot.core.handoff_states import HandoffStatus
from bot.core.tables import Handoff, utcnow
from handoff.staff_accounts import hash_password
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.console_steps import Staff
from tests.handoff.slack_steps import SECRET, STAFF, widget

LEAD = "the lead's own password"
DANA = "dana's long password"


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("desk-tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n[tenants.desk.widget]\nkeys = ["desk"]\n'
        f'[tenants.desk.staff.lead]\npassword_hash = "{hash_password(LEAD)}"\ndisplay_name = "Lee"\n'
        f'[tenants.desk.staff.dana]\npassword_hash = "{hash_password(DANA)}"\ndisplay_name = "Dana"\n'
    )
    settings = make_settings(
        tmp_path_factory.mktemp("desk"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants),
    )
    async with running_app(settings, timeout=180) as client:
        yield client


@pytest.fixture
async def lead(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="desk", name="lead", password=LEAD)).status == 303
    yield staff
    await staff.close()


@pytest.fixture
async def dana(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="desk", name="dana", password=DANA)).status == 303
    yield staff
    await staff.close()


async def hand_over(client: TestClient) -> tuple[str, dict[str, str], Any, list[dict[str, Any]], int]:
    """A customer of `desk` (no help center: nothing for the bot to try) asks for a person: (conversation, auth, socket, heard, handoff id)."""
    conversation, auth, ws, heard = await widget(client, "desk")
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    return conversation, auth, ws, heard, int(handoff.id)


async def queue(staff: Staff) -> list[dict[str, Any]]:
    return [r for r in (await (await staff.get("/console/api/queue")).json())["handoffs"] if r["active"]]


def told_place(heard: list[dict[str, Any]]) -> int | None:
    said = [int(m.group(1)) for h in heard if (m := re.search(r"number (\d+) in the queue", h.get("text", "")))]
    return said[-1] if said else None


async def test_the_queue_lists_waiting_customers_in_the_order_of_the_places_they_were_told(client: TestClient, lead: Staff) -> None:
    """Three customers waiting: the first was told "You're number 1 in the queue", the console drew them
    newest first, so the one told "number 1" came last, and nothing said which place each had."""
    customers = [await hand_over(client) for _ in range(3)]
    places = [await until(lambda heard=c[3]: told_place(heard)) for c in customers]
    assert places == [1, 2, 3]
    rows = await queue(lead)
    assert [r["id"] for r in rows] == [c[4] for c in customers]
    assert [r["place"] for r in rows] == places
    page = await (await lead.get("/console")).text()
    shown = re.findall(r'href="/console/handoffs/(\d+)".*?number (\d) in the queue', page)
    assert [(int(i), int(n)) for i, n in shown] == [(c[4], n) for c, n in zip(customers, places)]

    # the first is claimed: the others move up, and the claimed one comes after those waiting
    assert (await lead.act(customers[0][4], "claim")).status == 303
    rows = await queue(lead)
    assert [(r["id"], r["place"]) for r in rows] == [(customers[1][4], 1), (customers[2][4], 2), (customers[0][4], None)]
    for _, _, ws, _, handoff_id in customers:
        await lead.act(handoff_id, "resolve")
        await ws.close()


async def test_a_customer_still_waiting_stays_in_the_queue_after_hundreds_of_newer_handoffs(client: TestClient, lead: Staff) -> None:
    """The queue read the tenant's latest 200 handoffs: on a busy desk a customer waiting since the
    morning (or a handoff claimed and left open) vanished from the console once 200 newer ones had come."""
    conversation, _, ws, _, handoff_id = await hand_over(client)
    engine = client.app[SERVICES].engine
    start = utcnow()
    packet = (await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)).packet

    def later_ones() -> None:
        with Session(engine) as session:
            for n in range(210):
                session.add(Handoff(conversation_id=f"later-{n}", tenant="desk", reason="customer_request", status=HandoffStatus.RESOLVED, packet=packet,
                                    created_at=start + timedelta(seconds=n), closed_at=start + timedelta(seconds=n)))
            session.commit()

    await asyncio.to_thread(later_ones)
    assert handoff_id in [r["id"] for r in await queue(lead)]
    assert f'href="/console/handoffs/{handoff_id}"' in await (await lead.get("/console")).text()
    closed = [r for r in (await (await lead.get("/console/api/queue")).json())["handoffs"] if not r["active"]]
    assert 0 < len(closed) <= 20 and closed[0]["id"] > closed[-1]["id"]  # the latest closed ones, newest first
    await lead.act(handoff_id, "resolve")
    await ws.close()
    assert client.app[HANDOFF].current(conversation) is not None


def buttons(page: str) -> list[str]:
    return re.findall(r'<button type="submit" class="[a-z_]+">([^<]+)</button>', page)


async def test_a_colleague_takes_over_a_claimed_customer_who_hears_who_joined_not_the_queue(
    client: TestClient, slack: FakeSlackApi, lead: Staff, dana: Staff,
) -> None:
    """Lee claimed a customer and had to leave. The console's only way to hand the customer to Dana was
    Release then Claim: the customer, in the middle of a conversation, was told "You're number 2 in the
    queue", and anyone could claim it in between. Dana now takes it over: the customer hears that Dana
    joined, and both desks show Dana's claim."""
    _, _, ws, heard, handoff_id = await hand_over(client)
    assert (await lead.act(handoff_id, "claim")).status == 303
    await until(lambda: [m for m in heard if m["text"].startswith("Lee") and "joined" in m["text"]])
    assert "Take over" not in buttons(await (await lead.get(f"/console/handoffs/{handoff_id}")).text())  # it is Lee's own
    assert "Take over" in buttons(await (await dana.get(f"/console/handoffs/{handoff_id}")).text())
    said = len(heard)

    assert "error" not in (await dana.act(handoff_id, "take_over")).headers["Location"]
    joined = await until(lambda: [m for m in heard[said:] if m["text"].startswith("Dana") and "joined" in m["text"]])
    assert len(joined) == 1
    assert (await dana.view(handoff_id))["status_text"] == "Claimed by Dana"
    assert "Take over" in buttons(await (await lead.get(f"/console/handoffs/{handoff_id}")).text())
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    assert handoff.thread_ts and handoff.claimed_by_id == "console:desk:dana"
    assert await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == handoff.thread_ts and "Claimed by Dana" in str(u.get("blocks"))])
    assert await until(lambda: [p for p in slack.of("chat.postMessage") if p.get("thread_ts") == handoff.thread_ts and "took this handoff over from Lee" in p.get("text", "")])

    assert (await dana.reply(handoff_id, "Hi, Dana here: I have your case now.")).status == 303
    await until(lambda: [m for m in heard if m["text"] == "Hi, Dana here: I have your case now." and m.get("author") == "Dana"])
    await asyncio.sleep(0.3)
    assert not [m for m in heard[said:] if "in the queue" in m["text"]]
    await dana.act(handoff_id, "resolve")
    await ws.close()


async def test_two_take_overs_of_the_same_claim_leave_one_and_the_customer_hears_once(client: TestClient, lead: Staff) -> None:
    """Alice claimed on Slack and is gone; Lee and Dana both read "Claimed by Alice" and press Take over.
    Each take-over carries the claimer its staff member saw: whichever runs first (at once or one after
    the other, as the loop and the database order them) takes it from Alice; the other would take it
    from someone they never saw, so it is refused and told who has it. The customer hears one "joined"."""
    _, _, ws, heard, handoff_id = await hand_over(client)
    service = client.app[HANDOFF]
    await service.claim(handoff_id, staff="UALICE", staff_name="Alice")
    await until(lambda: [m for m in heard if m["text"].startswith("Alice") and "joined" in m["text"]])
    said = len(heard)
    lee, dana = (StaffMember(id=f"console:desk:{n}", name=n.title(), desk="web console") for n in ("lee", "dana"))
    after = await asyncio.gather(*(service.act(StaffAction.TAKE_OVER, handoff_id, staff=s, client_id=s.id, seen="UALICE") for s in (lee, dana)))
    handoff = await asyncio.to_thread(service.get, handoff_id)
    winner, loser = (lee, dana) if handoff.claimed_by_id == lee.id else (dana, lee)
    assert handoff.claimed_by_id == winner.id and handoff.claimed_by == winner.name
    lost = after[[lee, dana].index(loser)]
    assert lost is not None and lost.claimed_by_id == winner.id
    assert lost_claim(lost, loser, action=StaffAction.TAKE_OVER) == "taken_over_first"
    await until(lambda: [m for m in heard[said:] if "joined" in m["text"]])
    await asyncio.sleep(0.5)
    assert [m["text"].split(" ")[0] for m in heard[said:] if "joined" in m["text"]] == [winner.name]

    # on the console the slower one is told who has it and what to do; the page's Take over now carries the new claimer
    page = await (await lead.get(f"/console/handoffs/{handoff_id}?error=taken_over_first")).text()
    assert f"Not taken over: {winner.name} has this handoff now; it changed hands after you opened it." in page
    assert f"press Take over again to take it from {winner.name}" in page
    # taking over one's own claim, or a closed handoff, changes nothing
    again = await service.take_over(handoff_id, staff=winner, seen=winner.id)
    assert again is not None and again.claimed_by == winner.name
    await lead.act(handoff_id, "resolve")
    closed = await service.take_over(handoff_id, staff=StaffMember(id="UBOB", name="Bob"), seen=winner.id)
    assert closed is not None and closed.status == HandoffStatus.RESOLVED and closed.claimed_by == winner.name
    assert lost_claim(closed, StaffMember(id="UBOB", name="Bob"), action=StaffAction.TAKE_OVER) == "closed_before_take_over"
    await asyncio.sleep(0.3)
    assert [m["text"].split(" ")[0] for m in heard[said:] if "joined" in m["text"]] == [winner.name]
    await ws.close()


async def test_a_take_over_pressed_on_a_stale_page_is_refused_and_names_who_has_it_now(client: TestClient, lead: Staff, dana: Staff) -> None:
    """Dana opened the handoff while Alice had it; Lee took it over before Dana pressed Take over. Taking
    it from Lee, whom Dana never saw there, is refused with who has it; pressed again on the page as it
    is now (which shows Lee), it is hers. One after the other, so nothing depends on timing."""
    _, _, ws, heard, handoff_id = await hand_over(client)
    service = client.app[HANDOFF]
    await service.claim(handoff_id, staff="UALICE", staff_name="Alice")
    stale = await (await dana.get(f"/console/handoffs/{handoff_id}")).text()
    assert 'name="seen" value="UALICE"' in stale  # the form carries the claimer the page shows
    assert "error" not in (await lead.act(handoff_id, "take_over", seen="UALICE")).headers["Location"]
    await until(lambda: [m for m in heard if m["text"].startswith("Lee") and "joined" in m["text"]])

    refused = await dana.act(handoff_id, "take_over", seen="UALICE")
    assert refused.headers["Location"].endswith("?error=taken_over_first")
    assert (await asyncio.to_thread(service.get, handoff_id)).claimed_by_id == "console:desk:lead"
    page = await (await dana.get(refused.headers["Location"])).text()
    assert "Not taken over: Lee has this handoff now" in page and 'name="seen" value="console:desk:lead"' in page

    assert "error" not in (await dana.act(handoff_id, "take_over", seen="console:desk:lead")).headers["Location"]
    assert (await dana.view(handoff_id))["status_text"] == "Claimed by Dana"
    await until(lambda: [m for m in heard if m["text"].startswith("Dana") and "joined" in m["text"]])
    await dana.act(handoff_id, "resolve")
    await ws.close()


async def test_the_queue_marks_the_handoffs_claimed_by_the_one_signed_in(client: TestClient, lead: Staff, dana: Staff) -> None:
    """On a busy desk every claimed row read "Claimed by ...": Lee had to read each name to find his own."""
    customers = [await hand_over(client) for _ in range(3)]
    (_, _, _, _, lees), (_, _, _, _, danas), (_, _, _, _, nobodys) = customers
    assert (await lead.act(lees, "claim")).status == 303
    assert (await dana.act(danas, "claim")).status == 303
    for staff, own in ((lead, lees), (dana, danas)):
        rows = {r["id"]: r for r in await queue(staff)}
        assert [i for i in (lees, danas, nobodys) if rows[i]["mine"]] == [own]
        page = await (await staff.get("/console")).text()
        marked = re.findall(r'<li class="handoff claimed mine"[^>]*><a href="/console/handoffs/(\d+)">.*?<span class="yours">Yours</span></a>', page)
        assert [int(i) for i in marked] == [own]
    for _, _, ws, _, handoff_id in customers:
        await lead.act(handoff_id, "resolve")
        await ws.close()


async def test_a_reply_to_a_customer_someone_else_claimed_is_held_back_naming_them_until_confirmed(
    client: TestClient, lead: Staff, dana: Staff,
) -> None:
    """Dana wrote to Lee's customer from the console and it went at once, between Lee's own replies: the
    customer read two people answering, and neither knew of the other. Now it is not sent yet: the page
    names Lee, keeps the text and offers "Send anyway" (it stays Lee's) or Take over. Confirmed for Lee
    while someone else took it meanwhile, it is held back again, naming who has it now."""
    _, _, ws, heard, handoff_id = await hand_over(client)
    assert (await lead.act(handoff_id, "claim")).status == 303
    held = await dana.reply(handoff_id, "Hi, Dana here: did the refund arrive?")
    assert held.status == 409
    page = await held.text()
    assert "Not sent yet: Lee has claimed this handoff and is talking with the customer." in page
    assert "Send anyway to write beside Lee (it stays Lee&#x27;s), or Take over first to make it yours." in page
    assert "did the refund arrive?</textarea>" in page and 'name="despite" value="console:desk:lead"' in page
    assert ">Send anyway</button>" in page
    await asyncio.sleep(0.3)
    assert not [m for m in heard if "refund" in m["text"]]

    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    sent = await dana.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": token, "text": "Hi, Dana here: did the refund arrive?",
                                                                     "client_id": "confirmed-1", "despite": "console:desk:lead"})
    assert sent.status == 303
    await until(lambda: [m for m in heard if "refund" in m["text"] and m.get("author") == "Dana"])
    assert (await dana.view(handoff_id))["status_text"] == "Claimed by Lee"

    # confirmed against Lee, but the claim changed hands meanwhile: not sent beside Alice unseen
    await client.app[HANDOFF].take_over(handoff_id, staff=StaffMember(id="UALICE", name="Alice"), seen="console:desk:lead")
    again = await dana.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": token, "text": "One more thing", "client_id": "confirmed-2",
                                                                      "despite": "console:desk:lead"})
    assert again.status == 409 and "Not sent yet: Alice has claimed this handoff" in await again.text()
    # the claimer's own reply is never held back
    assert (await lead.act(handoff_id, "take_over", seen="UALICE")).status == 303
    assert (await lead.reply(handoff_id, "Lee again")).status == 303
    await lead.act(handoff_id, "resolve")
    await ws.close()


async def test_send_draft_on_a_customer_someone_else_claimed_is_held_back_naming_them_until_confirmed(
    client: TestClient, lead: Staff, dana: Staff,
) -> None:
    """Dana pressed Send draft on Lee's handoff and the draft went to Lee's customer at once, while a reply
    she typed there was held back. The draft is held back the same way: the page names Lee and puts the
    draft in the reply box with "Send anyway"; Lee's own press sends it."""
    _, _, ws, heard, handoff_id = await hand_over(client)
    assert (await lead.act(handoff_id, "claim")).status == 303
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    draft = client.app[HANDOFF].packet(handoff).draft
    held = await dana.act(handoff_id, "draft")
    assert held.status == 409
    page = await held.text()
    assert "Draft not sent yet: Lee has claimed this handoff and is talking with the customer. It is in the reply box:" in page
    assert f"{escape(draft)}</textarea>" in page and 'name="despite" value="console:desk:lead"' in page and ">Send anyway</button>" in page
    await asyncio.sleep(0.3)
    assert not [m for m in heard if m["role"] == "agent"]

    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    sent = await dana.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": token, "text": draft, "client_id": "draft-anyway",
                                                                     "despite": "console:desk:lead"})
    assert sent.status == 303
    await until(lambda: [m for m in heard if m["role"] == "agent" and m["text"] == draft and m.get("author") == "Dana"])
    assert (await dana.view(handoff_id))["status_text"] == "Claimed by Lee"

    # the claimer's own press sends it, as before
    done = await lead.act(handoff_id, "draft")
    assert done.status == 303 and done.headers["Location"] == f"/console/handoffs/{handoff_id}?done=draft"
    await until(lambda: [m for m in heard if m["role"] == "agent" and m["text"] == draft and m.get("author") == "Lee"])
    assert (await lead.act(handoff_id, "resolve")).status == 303
    closed = await dana.act(handoff_id, "draft")
    assert closed.status == 409 and "Draft not sent: this handoff is resolved now" in await closed.text()
    await ws.close()
