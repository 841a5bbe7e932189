"""Issue 19's limits, against the real app in-process: the feedback and handoff floods, and limits per
client address and widget key (the limiter and its sliding window on their own too).

The app trusts X-Forwarded-For here, so each test counts against its own client address; each test
that counts per widget key has its own tenant (the app: hardened_app.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from bot.app.limits import (
    Action,
    ClientLimiter,
    LimitExceeded,
    MemoryLimitStore,
    client_address,
)
from bot.core.client_limits import ClientLimits, Rate
from tests.bot.hardened_app import ADMIN, at, hardened_app, start


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with hardened_app(tmp_path_factory) as client:
        yield client


# 2. feedback ------------------------------------------------------------------------------------------
async def answered(client: TestClient, address: str) -> tuple[str, dict[str, str], int]:
    conversation, auth = await start(client, address)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on 2FA?"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "answer"
    return conversation, auth, reply["message_id"]


async def test_feedback_fields_are_bounded_and_typed(client: TestClient) -> None:
    conversation, auth, answer = await answered(client, "10.2.0.1")
    url = f"/api/v1/conversations/{conversation}/feedback"
    huge = await client.post(url, json={"message_id": "x" * 1_000_000, "helpful": True}, headers=auth)
    assert huge.status == 413 and "error" in await huge.json()
    for message_id in ({"a": 1}, "12", 10**30, -1, True, None):
        response = await client.post(url, json={"message_id": message_id, "helpful": True}, headers=auth)
        assert response.status == 400, message_id
    assert (await client.post(url, json={"message_id": answer + 1000, "helpful": True}, headers=auth)).status == 404
    assert (await client.post(url, json={"message_id": answer, "helpful": True}, headers=auth)).status == 204


async def test_feedback_is_rate_limited_per_address(client: TestClient) -> None:
    conversation, auth, answer = await answered(client, "10.2.0.2")
    url = f"/api/v1/conversations/{conversation}/feedback"
    statuses = [(await client.post(url, json={"message_id": answer, "helpful": True}, headers=auth)).status for _ in range(5)]
    assert statuses[:3] == [204] * 3 and statuses[3:] == [429, 429]


async def test_not_helpful_hands_over_only_after_real_answers_each_counted_once(client: TestClient) -> None:
    conversation, auth, answer = await answered(client, "10.2.0.3")
    url = f"/api/v1/conversations/{conversation}/feedback"
    customer = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    question_id = customer["messages"][0]["id"]
    # the customer's own message is no answer: refused, and counts for nothing
    assert (await client.post(url, json={"message_id": question_id, "helpful": False}, headers=auth)).status == 404
    # the same answer rated "no" twice is one verdict: no handoff
    for _ in range(2):
        assert (await client.post(url, json={"message_id": answer, "helpful": False}, headers=auth)).status == 204
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert not any(m.get("outcome") == "handoff" or m["role"] == "system" for m in history["messages"])


# 3. handoff ---------------------------------------------------------------------------------------------
async def test_repeated_handoff_requests_queue_one_handoff_and_no_copies(client: TestClient) -> None:
    conversation, auth = await start(client, "10.3.0.1", "k1")
    url = f"/api/v1/conversations/{conversation}/handoff"
    first, second = await asyncio.gather(client.post(url, headers=auth), client.post(url, headers=auth))
    assert {first.status, second.status} == {200}
    again = await client.post(url, headers=auth)
    assert again.status == 200 and (await again.json()) == {"message_id": None, "reply": None, "relayed": False, "state": "waiting_for_human"}
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert [m["text"] for m in history["messages"] if m["role"] == "customer"] == ["I want to talk to a person"]
    stats = await (await client.get("/api/v1/admin/stats?tenant=t1", headers={"Authorization": f"Bearer {ADMIN}"})).json()
    assert [q["conversation_id"] for q in stats["queue"] if q["tenant"] == "t1"] == [conversation]


async def test_handoffs_are_limited_per_address_and_per_widget_key(client: TestClient) -> None:
    statuses = []
    for n in range(3):  # the address may ask twice a minute
        conversation, auth = await start(client, "10.3.0.2", "k2")
        statuses.append((await client.post(f"/api/v1/conversations/{conversation}/handoff", headers=auth)).status)
    assert statuses == [200, 200, 429]
    for n in range(3):  # other addresses, the same widget key: 4 a minute in all
        conversation, auth = await start(client, f"10.3.1.{n}", "k2")
        statuses.append((await client.post(f"/api/v1/conversations/{conversation}/handoff", headers=auth)).status)
    assert statuses[3:] == [200, 200, 429]


# 4. per-client limits -------------------------------------------------------------------------------------
async def test_one_address_cannot_create_more_conversations_than_the_limit(client: TestClient) -> None:
    responses = await asyncio.gather(*(client.post("/api/v1/conversations", json={"widget_key": "k3"}, headers=at("10.4.0.1"))
                                       for _ in range(12)))
    assert sorted(r.status for r in responses) == [201] * 4 + [429] * 8
    limited = next(r for r in responses if r.status == 429)
    # up to the window (60 s); on PostgreSQL hits are counted per tenth of it, so up to 66 s
    assert 1 <= int(limited.headers["Retry-After"]) <= 66 and "error" in await limited.json()


async def test_the_widget_key_limit_holds_across_addresses(client: TestClient) -> None:
    statuses = [(await client.post("/api/v1/conversations", json={"widget_key": "k4"}, headers=at(f"10.4.1.{n}"))).status for n in range(22)]
    assert statuses == [201] * 20 + [429] * 2


async def test_messages_spread_over_conversations_are_limited_per_address(client: TestClient) -> None:
    conversations = [await start(client, "10.4.0.2", "k5") for _ in range(4)]
    statuses = []
    for n in range(8):
        conversation, auth = conversations[n % 4]
        response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": f"invoice question {n}"}, headers=auth)
        statuses.append(response.status)
    assert statuses == [200] * 6 + [429] * 2


async def test_limits_count_the_connecting_address_unless_the_proxy_is_trusted() -> None:
    assert client_address("203.0.113.9", "1.2.3.4", trust_forwarded=False) == "203.0.113.9"
    assert client_address("10.0.0.1", "1.2.3.4, 198.51.100.7", trust_forwarded=True) == "198.51.100.7"
    # one IPv6 client holds a /64
    assert client_address("2001:db8::1", None, trust_forwarded=False) == client_address("2001:db8::ffff", None, trust_forwarded=False)


async def test_anonymous_visitors_have_an_hourly_message_budget() -> None:
    now = [0.0]
    limits = ClientLimits(messages_per_address=Rate(1000), messages_per_widget_key=Rate(1000), anonymous_messages=Rate(3, 3600.0))
    limiter = ClientLimiter(limits=limits, store=MemoryLimitStore(clock=lambda: now[0]))
    for _ in range(3):
        await limiter.check(Action.MESSAGE, address="a", widget_key="k", anonymous=True)
    with pytest.raises(LimitExceeded) as refused:
        await limiter.check(Action.MESSAGE, address="a", widget_key="k", anonymous=True)
    assert refused.value.scope == "anonymous visitor budget" and 3599 <= refused.value.retry_after <= 3600
    await limiter.check(Action.MESSAGE, address="a", widget_key="k", anonymous=False)  # a signed-in visitor is not anonymous
    now[0] = 3600.0
    await limiter.check(Action.MESSAGE, address="a", widget_key="k", anonymous=True)


async def test_a_sliding_window_never_allows_more_than_the_limit_in_any_window() -> None:
    now = [0.0]
    store = MemoryLimitStore(clock=lambda: now[0])
    allowed = []
    for step in range(480):  # four minutes in half seconds, a hit every half second
        now[0] = step * 0.5
        if await store.hit("k", limit=10, window=60.0) == 0.0:
            allowed.append(now[0])
    assert len(allowed) == 40
    assert all(later - earlier >= 60.0 for earlier, later in zip(allowed, allowed[10:]))  # never 11 in 60 s
