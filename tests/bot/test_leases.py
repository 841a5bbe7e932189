"""Leases, the shared limit table and timers that run once, on the run's database (SQLite, or
PostgreSQL with SUPPORTBOT_TEST_DATABASE=postgresql): two holders stand for two processes."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from bot.core.database import open_database
from bot.engine.leases import LeaseTable, run_alone
from bot.app.limit_table import TableLimitStore
from bot.app.limits import Action, BurstExceeded, ClientLimiter, Hit, LimitExceeded, MemoryLimitStore, RateLimiter
from bot.core.client_limits import ClientLimits, Rate
from bot.engine.turns import ConversationTurns
from tests.databases import database_url


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_database(database_url(tmp_path / "leases.db"), upgrade=True)
    yield engine  # type: ignore[misc]
    engine.dispose()


def test_one_holder_at_a_time_and_an_expired_lease_is_taken_over(engine: Engine) -> None:
    one, two = LeaseTable(engine=engine, holder="one"), LeaseTable(engine=engine, holder="two")
    assert one.take("job", ttl=0.5)
    assert not two.take("job", ttl=0.5)
    assert one.take("job", ttl=0.5)  # ours already: renewed
    assert two.held(["job", "other"]) == {"job"}
    time.sleep(0.7)  # "one" died without releasing
    assert two.held(["job"]) == set()
    assert two.take("job", ttl=5)
    assert not one.renew("job", ttl=5)  # it knows it lost it
    two.release("job")
    assert one.take("job", ttl=5)


async def test_a_conversation_turn_is_held_by_one_process_and_waited_for_by_the_other(engine: Engine) -> None:
    first, second = ConversationTurns(leases=LeaseTable(engine=engine, holder="p1")), ConversationTurns(leases=LeaseTable(engine=engine, holder="p2"))
    order: list[str] = []

    async def hold(turns: ConversationTurns, name: str, pause: float) -> None:
        async with turns["c1"]:
            order.append(f"{name} in")
            await asyncio.sleep(pause)
            order.append(f"{name} out")

    await asyncio.gather(hold(first, "p1", 0.5), asyncio.sleep(0.1))
    task_one = asyncio.create_task(hold(first, "p1", 0.5))
    await asyncio.sleep(0.1)
    await asyncio.gather(task_one, hold(second, "p2", 0.0))
    assert order == ["p1 in", "p1 out", "p1 in", "p1 out", "p2 in", "p2 out"]


async def test_turns_that_end_together_all_free_their_conversations_for_the_other_process(engine: Engine) -> None:
    """Their releases go in one statement: every conversation is free at once, and only this process's
    leases go (a conversation another process holds stays held)."""
    mine, other = ConversationTurns(leases=LeaseTable(engine=engine, holder="p1")), LeaseTable(engine=engine, holder="p2")
    assert other.take("conversation:c-theirs", ttl=30)

    async def hold(conversation: str) -> None:
        async with mine[conversation]:
            await asyncio.sleep(0.05)

    names = [f"c{n}" for n in range(40)]
    await asyncio.gather(*(hold(n) for n in names))
    assert other.held([f"conversation:{n}" for n in names] + ["conversation:c-theirs"]) == {"conversation:c-theirs"}
    assert all(other.take(f"conversation:{n}", ttl=5) for n in names)
    mine.leases.release_many(["conversation:c-theirs"])  # not p1's: stays
    assert other.held(["conversation:c-theirs"]) == {"conversation:c-theirs"}


async def test_a_turn_longer_than_the_lease_keeps_it_and_one_taken_over_is_let_go_with_an_error(
    engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    """One loop renews every lease this process's turns hold: turns that outlast the time to live keep
    their conversations from the other process; a lease the other process took while this one stalled
    is reported once and not renewed again."""
    mine, other = ConversationTurns(leases=LeaseTable(engine=engine, holder="p1"), ttl=0.6), LeaseTable(engine=engine, holder="p2")
    checked: list[bool] = []

    async def hold(conversation: str) -> None:
        async with mine[conversation]:
            await asyncio.sleep(2.0)

    async def try_to_take() -> None:
        for _ in range(4):  # up to ~1.2 s: twice the time to live
            await asyncio.sleep(0.3)
            checked.append(any(other.take(f"conversation:{n}", ttl=5) for n in ("a", "b")))

    await asyncio.gather(hold("a"), hold("b"), try_to_take())
    assert checked == [False] * 4
    assert other.held(["conversation:a", "conversation:b"]) == set()  # released at the end

    async def stalled() -> None:
        async with mine["c"]:
            with engine.begin() as conn:  # as if this process had stalled past the time to live
                conn.execute(text("UPDATE lease SET expires_at = :past WHERE name = 'conversation:c'"), {"past": datetime(2000, 1, 1, tzinfo=UTC)})
            assert other.take("conversation:c", ttl=30)
            await asyncio.sleep(1.0)

    with caplog.at_level(logging.ERROR, logger="bot.engine.turns"):
        await stalled()
    assert [r.getMessage() for r in caplog.records] == ["lost the lease of conversation c to another process"]
    assert other.held(["conversation:c"]) == {"conversation:c"}  # its release left the other's lease alone


async def test_a_limit_counts_hits_from_every_process(engine: Engine) -> None:
    now = [1000.0]
    stores = [TableLimitStore(engine=engine, clock=lambda: now[0]) for _ in range(2)]
    waits = await asyncio.gather(*(stores[n % 2].hit("message:address:10.0.0.1", limit=5, window=60) for n in range(12)))
    assert sum(1 for w in waits if w == 0.0) == 5
    # counted per tenth of the window: a hit may count up to 6 s longer, and the wait says so
    assert all(0 < w <= 66 for w in waits if w)
    now[0] += 30
    assert await stores[0].hit("message:address:10.0.0.1", limit=5, window=60) > 0  # still within the window
    now[0] += max(waits)  # the wait the refused were told has passed
    assert await stores[1].hit("message:address:10.0.0.1", limit=5, window=60) == 0.0
    assert await stores[1].hit("message:address:10.0.0.2", limit=5, window=60) == 0.0  # another key counts apart


async def test_a_limit_holds_under_steady_traffic_and_lets_the_next_window_in(engine: Engine) -> None:
    """A hit a second for three minutes against 30 a minute: about 30 a minute counted, never more
    than 30 within any 60 s, whichever process takes it."""
    now = [5000.0]
    stores = [TableLimitStore(engine=engine, clock=lambda: now[0]) for _ in range(2)]
    counted: list[float] = []
    for second in range(180):
        now[0] = 5000.0 + second
        if await stores[second % 2].hit("message:key:demo", limit=30, window=60) == 0.0:
            counted.append(now[0])
    assert all(sum(1 for t in counted if start <= t < start + 60) <= 30 for start in range(5000, 5121))
    assert 80 <= len(counted) <= 90


@pytest.mark.parametrize("kind", ["table", "memory"])
async def test_several_limits_in_one_go_stop_at_the_first_refused_and_count_nothing_after_it(engine: Engine, kind: str) -> None:
    now = [1000.0]
    store: Any = TableLimitStore(engine=engine, clock=lambda: now[0]) if kind == "table" else MemoryLimitStore(clock=lambda: now[0])
    hits = [Hit("a", 5, 60), Hit("b", 2, 60), Hit("c", 5, 60)]
    assert [await store.hit_each(hits) for _ in range(2)] == [(-1, 0.0), (-1, 0.0)]
    refused, wait = await store.hit_each(hits)
    assert refused == 1 and 0 < wait <= 66  # "b" is full: "a" was counted, "c" was not
    assert await store.hit("a", limit=3, window=60) > 0  # three of "a" counted: two rounds and the refused one's
    assert await store.hit("c", limit=3, window=60) == 0.0  # two of "c" only


async def test_several_limits_in_one_go_from_every_process_count_a_shared_key_once_each(engine: Engine) -> None:
    """Requests of different addresses under one widget key, through two processes at once: the key's
    limit holds, and a refused request counted its own address only."""
    now = [1000.0]
    stores = [TableLimitStore(engine=engine, clock=lambda: now[0]) for _ in range(2)]
    results = await asyncio.gather(
        *(stores[n % 2].hit_each([Hit(f"address:{n}", 5, 60), Hit("key:demo", 5, 60), Hit(f"anonymous:{n}", 5, 60)]) for n in range(12))
    )
    assert sorted(position for position, _ in results) == [-1] * 5 + [1] * 7
    assert await stores[0].hit("key:demo", limit=6, window=60) == 0.0  # five counted before, no more
    for n, (position, _) in enumerate(results):  # the third key counted only where the request was
        assert (await stores[1].hit(f"anonymous:{n}", limit=1, window=60) == 0.0) is (position == 1)


async def test_the_same_key_twice_in_one_go_sees_its_first_count(engine: Engine) -> None:
    store = TableLimitStore(engine=engine, clock=lambda: 1000.0)
    refused, wait = await store.hit_each([Hit("a", 1, 60), Hit("a", 1, 60)])
    assert refused == 1 and 0 < wait <= 66


@pytest.mark.parametrize("kind", ["table", "memory"])
async def test_a_conversations_burst_is_one_bucket_for_every_process(engine: Engine, kind: str) -> None:
    """8 messages at once, then one a second, whichever process takes each (the memory store is the one
    process of SQLite: the same answers)."""
    now = [1000.0]
    if kind == "table":
        stores: list[Any] = [TableLimitStore(engine=engine, clock=lambda: now[0]) for _ in range(2)]
    else:
        stores = [MemoryLimitStore(clock=lambda: now[0])] * 2
    limiters = [RateLimiter(burst=8, interval=1.0, store=store) for store in stores]
    waits = await asyncio.gather(*(limiters[n % 2].take("c1") for n in range(12)))
    assert sum(1 for w in waits if w == 0.0) == 8
    assert all(w == pytest.approx(1.0) for w in waits if w)  # the next token comes in a second
    assert await limiters[0].take("c2") == 0.0  # another conversation has its own bucket
    now[0] += 2.5  # two tokens back (and a half)
    assert [await limiters[n % 2].take("c1") for n in range(3)] == [0.0, 0.0, pytest.approx(0.5)]


@pytest.mark.parametrize("kind", ["table", "memory"])
async def test_a_message_refused_by_its_burst_counts_nowhere_and_one_refused_by_a_count_used_a_token(engine: Engine, kind: str) -> None:
    """A message's burst and client counts in one go (one statement on the limit table): the burst is
    taken first and its refusal counts nothing; a count's refusal leaves the burst's token taken, as
    taking them one after the other did."""
    now = [1000.0]
    store: Any = TableLimitStore(engine=engine, clock=lambda: now[0]) if kind == "table" else MemoryLimitStore(clock=lambda: now[0])
    limits = ClientLimits(messages_per_address=Rate(3, 60), messages_per_widget_key=Rate(100, 60), anonymous_messages=Rate(100, 3600))
    clients, burst = ClientLimiter(limits=limits, store=store), RateLimiter(burst=2, interval=10.0, store=store)

    async def send(address: str, conversation: str) -> str:
        try:
            await clients.check(Action.MESSAGE, address=address, widget_key="k", anonymous=True, burst=(burst, conversation))
        except BurstExceeded as exc:
            return f"burst {exc.retry_after:.0f}"
        except LimitExceeded as exc:
            return exc.scope
        return "ok"

    assert [await send("1.1.1.1", "c1") for _ in range(3)] == ["ok", "ok", "burst 10"]
    # the refused third counted nowhere: this address has one message left of three
    assert [await send("1.1.1.1", "c2") for _ in range(2)] == ["ok", "address"]
    assert await send("2.2.2.2", "c2") == "burst 10"  # the message the address refused took c2's second token
    now[0] += 10.0
    assert await send("2.2.2.2", "c2") == "ok"


async def test_a_timer_runs_in_one_process_and_moves_when_its_holder_stops(engine: Engine) -> None:
    runs: list[str] = []

    def work(name: str):  # type: ignore[no-untyped-def]
        async def tick() -> None:
            runs.append(name)

        return tick

    one = asyncio.create_task(run_alone(LeaseTable(engine=engine, holder="one"), "tick", work("one"), every=0.1))
    await asyncio.sleep(0.05)
    two = asyncio.create_task(run_alone(LeaseTable(engine=engine, holder="two"), "tick", work("two"), every=0.1))
    await asyncio.sleep(1.0)
    assert runs and set(runs) == {"one"}  # never both
    one.cancel()  # killed: its lease (2 x 0.1 + 5 s) expires, then "two" takes the rounds over
    await asyncio.sleep(6.0)
    two.cancel()
    await asyncio.gather(one, two, return_exceptions=True)
    assert runs[-1] == "two" and "one" not in runs[runs.index("two"):]


def test_a_message_gets_one_bot_answer_whoever_writes_it(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    from bot.engine.message_store_records import NewReply
    from bot.engine.messages import MessageStore

    messages = MessageStore(engine)
    inbound = messages.add("c1", role="customer", text="hello", status="pending")
    assert inbound is not None
    reply = NewReply("c1", inbound.id, "first answer", {"outcome": "answer"}, (), "default", None)
    messages.add_replies([reply])
    with pytest.raises(IntegrityError):  # a second process's answer to the same message
        messages.add_replies([reply])
    messages.add("c1", role="system", text="thanks", reply_to=inbound.id)  # other messages may refer to it
    assert [m.text for m in messages.history("c1")] == ["hello", "first answer", "thanks"]




def test_a_turn_loads_its_message_or_the_reply_it_already_has(engine: Engine) -> None:
    """`MessageStore.load` (one statement on PostgreSQL): a message not answered yet comes with its
    conversation and the pending ones before it; one answered already (a turn taken over after a crash)
    comes with its whole reply, and nothing to answer."""
    from bot.engine.conversation_records import ConversationRecords
    from bot.engine.message_store_records import NewReply
    from bot.engine.messages import MessageStore

    records, messages = ConversationRecords(engine), MessageStore(engine)
    records.create(tenant="default", channel="widget", conversation_id="c1")
    first = messages.add("c1", role="customer", text="hello", status="pending")
    second = messages.add("c1", role="customer", text="how do I reset my password?", status="pending")
    assert first is not None and second is not None
    loaded = messages.load("c1", second.id, earlier=True)
    assert (loaded.earlier, loaded.reply, loaded.inbound.text, loaded.conversation.tenant) == ([first.id], None, second.text, "default")
    stored = messages.add_replies([NewReply("c1", second.id, "Open Settings.", {"outcome": "answer"}, (), "default", None)])[0]
    again = messages.load("c1", second.id, earlier=True)
    assert again.reply is not None and again.inbound is None
    assert (again.earlier, again.reply.id, again.reply.text, again.reply.outcome) == ([first.id], stored.id, "Open Settings.", "answer")
def test_replies_written_together_are_all_stored_with_their_trail_or_none_is(engine: Engine) -> None:
    """Replies of several conversations in one write (PostgreSQL: one statement): each inbound done,
    each conversation touched at its reply's time, the audit events in the order given; one refused
    (its message answered already) stores none of the others, which are then written alone."""
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    from bot.core.tables import AuditEvent
    from bot.engine.conversation_records import ConversationRecords
    from bot.engine.message_store_records import NewReply
    from bot.engine.messages import MessageStore

    records, messages = ConversationRecords(engine), MessageStore(engine)
    inbound = {}
    for c in ("c1", "c2", "c3"):
        records.create(tenant="default", channel="widget", conversation_id=c)
        inbound[c] = messages.add(c, role="customer", text=f"hello {c}", status="pending")
    first = NewReply("c1", inbound["c1"].id, "answer 1", {"outcome": "answer"}, (("a", {"n": 1}), ("b", {"n": 2})), "default", None)
    second = NewReply("c2", inbound["c2"].id, "answer 2", {"outcome": "clarify"}, (), "default", "queued")
    stored = messages.add_replies([first, second])
    assert [(m.text, m.outcome) for m in stored] == [("answer 1", "answer"), ("answer 2", "clarify")]
    assert [m.id for m in messages.history("c2")] == [inbound["c2"].id, stored[1].id]
    assert messages.pending() == [("c3", inbound["c3"].id)]
    assert [m.id for _, m in messages.undelivered()] == [stored[1].id]
    touched = records.get("c1")
    assert touched is not None and touched.updated_at.replace(tzinfo=None) == stored[0].created_at.replace(tzinfo=None)
    with engine.connect() as conn:
        trail = conn.execute(select(AuditEvent.kind, AuditEvent.conversation_id).order_by(AuditEvent.id)).all()
    assert [tuple(t) for t in trail] == [("a", "c1"), ("b", "c1")]
    third = NewReply("c3", inbound["c3"].id, "answer 3", {"outcome": "answer"}, (("c", {}),), "default", None)
    with pytest.raises(IntegrityError):  # c1 is answered already: nothing of the write is kept
        messages.add_replies([third, first])
    assert messages.pending() == [("c3", inbound["c3"].id)] and len(messages.history("c3")) == 1
    alone = messages.add_replies_apart([third, first])
    assert not isinstance(alone[0], BaseException) and alone[0].text == "answer 3" and isinstance(alone[1], IntegrityError)
    assert messages.pending() == []
