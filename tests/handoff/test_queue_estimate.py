"""What widget customers waiting for a person read about the wait, over the HTTP API, as staff claim
(QA saw the estimate jump: a few minutes, then much more, then back). With too few claims there is no
number; a customer who asks again while waiting is told their new place, and never a longer wait than
before while they moved up, even when slow claims raised the median meanwhile."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import HANDOFF, READY, SERVICES
from bot.app.web import build_app
from bot.core.handoff_states import HandoffStatus
from bot.core.tables import Handoff, utcnow
from handoff.records import HandoffRecords
from handoff.wait_estimate import MIN_CLAIMS
from tests.conftest import make_settings

QUEUE = re.compile(r"You're number (\d+) in the queue; (?:the estimated wait is (.+)\.|a person from our support team will reply here)")


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    app = build_app(make_settings(tmp_path_factory.mktemp("queue-estimate")))  # no Slack: the console is the desk
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client


async def customer(client: TestClient) -> tuple[str, dict[str, str]]:
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    return created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}


async def ask_for_a_person(client: TestClient, conversation: str, auth: dict[str, str]) -> None:
    response = await client.post(f"/api/v1/conversations/{conversation}/handoff", headers=auth)
    assert response.status == 200


async def told(client: TestClient, conversation: str, auth: dict[str, str], *, count: int) -> list[tuple[int, str | None]]:
    """The customer's queue notices, oldest first, once there are `count`: (place, the wait as worded, or None)."""
    deadline = time.monotonic() + 30
    while True:
        messages = (await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json())["messages"]
        found = [m for m in (QUEUE.search(m["text"]) for m in messages if m["role"] == "system") if m]
        if len(found) >= count or time.monotonic() > deadline:
            return [(int(m.group(1)), m.group(2)) for m in found]
        await asyncio.sleep(0.05)


def past_claims(client: TestClient, *waits: float) -> None:
    """Handoffs other customers waited `waits` minutes for, claimed within the last hour."""
    records = HandoffRecords(client.app[SERVICES].engine, now=utcnow)
    now = utcnow()
    for n, minutes in enumerate(waits):
        claimed = now - timedelta(minutes=50 - n)
        records.add(Handoff(conversation_id=f"earlier-{now.timestamp()}-{n}", tenant="default", reason="customer_request",
                            created_at=claimed - timedelta(minutes=minutes), claimed_at=claimed, status=HandoffStatus.CLAIMED))


async def claim(client: TestClient, conversation: str) -> None:
    handoff = client.app[HANDOFF].current(conversation)
    assert handoff is not None
    await client.app[HANDOFF].claim(handoff.id or 0, staff="alice", staff_name="Alice")


async def test_no_number_without_enough_claims_and_no_longer_wait_as_the_customer_moves_up(client: TestClient) -> None:
    # too few claims to say anything: the place, and no number
    past_claims(client, *[1.5] * (MIN_CLAIMS - 2))
    first, second = await customer(client), await customer(client)
    await ask_for_a_person(client, *first)
    await ask_for_a_person(client, *second)
    assert await told(client, *first, count=1) == [(1, None)]
    assert await told(client, *second, count=1) == [(2, None)]

    # enough claims, a minute and a half each: the third in the queue hears about 5 minutes
    past_claims(client, 1.5, 1.5)
    third = await customer(client)
    await ask_for_a_person(client, *third)
    assert await told(client, *third, count=1) == [(3, "about 5 minutes")]

    # slow claims come in and raise the median; staff take the first customer: the third moves up to
    # place 2, where the median alone would now say about 20 minutes
    past_claims(client, *[20] * (MIN_CLAIMS + 1))
    await claim(client, first[0])
    place, fresh = client.app[HANDOFF].queue_position(client.app[HANDOFF].current(third[0]))
    assert place == 2 and fresh is not None and (fresh.kind, fresh.minutes) == ("about", 20)
    await ask_for_a_person(client, *third)  # "Talk to a person" again, while waiting
    assert await told(client, *third, count=2) == [(3, "about 5 minutes"), (2, "about 5 minutes")]

    # asked again with nothing changed: nothing more said (a notice asked again for is stored before the answer)
    await ask_for_a_person(client, *third)
    assert len(await told(client, *third, count=0)) == 2

    # the second customer is taken too: first in line, the shorter wait is told as it is
    await claim(client, second[0])
    await ask_for_a_person(client, *third)
    assert await told(client, *third, count=3) == [(3, "about 5 minutes"), (2, "about 5 minutes"), (1, "under 2 minutes")]


async def test_the_first_notice_is_in_the_language_of_the_customers_latest_message(client: TestClient) -> None:
    """The escalation's notice speaks the language of what the customer said last (read with the
    escalation's transcript, newest first), not of what they said first."""
    conversation, auth = await customer(client)
    for text in ("How do I reset my password?", "Ich habe mein Passwort vergessen und brauche Hilfe von einem Mitarbeiter."):
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
        assert response.status == 200
    if client.app[HANDOFF].current(conversation) is None:
        await ask_for_a_person(client, conversation, auth)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        messages = (await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json())["messages"]
        notices = [m["text"] for m in messages if m["role"] == "system" and re.search(r"\d+", m["text"])]
        if notices:
            break
        await asyncio.sleep(0.05)
    assert notices and notices[0].startswith("Sie sind Nummer "), notices
