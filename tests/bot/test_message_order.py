"""A conversation's messages sent at once are answered in the order they are stored (by id), on the run's
database (SQLite, or PostgreSQL with SUPPORTBOT_TEST_DATABASE=postgresql).

The turn that answers a message first answers the pending messages stored before it, read once it holds
the turn: the message's own write when that write takes the conversation's lease (PostgreSQL), or a read
after the write. Each such read must see every message of the conversation with a lower id, or the
turn answers the later message first (tests/bot/test_web.py saw 2 answered before 1). On PostgreSQL an id
was drawn when an insert began and became visible when it committed, in any order across inserts:
on that code this test failed in each of 10 runs (117-151 of 240 reads missed a message), and bursts
of six messages to the widget API (tests/bot/test_web.py's, repeated) got their replies out of order in
7-17 of 60 (25 of 60 with the lease's release committed without waiting for the disk)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.core.database import open_database
from bot.core.tables import Conversation
from bot.engine.leases import LeaseTable
from bot.engine.messages import MessageStore
from bot.engine.turns import lease_name
from tests.databases import database_url

ROUNDS, SENDERS = 40, 6


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "order.db"), upgrade=True)
    yield engine
    engine.dispose()


def many_at_once(store: MessageStore, leases: list[LeaseTable], conversation_id: str) -> dict[int, list[int]]:
    """`SENDERS` customer messages stored at once into one conversation, as a burst of requests to one or
    two processes stores them: half with the conversation's lease taken in the write (a process whose turn
    was free), half without (its turn was busy); with no leases (one process on its own), half written and
    read in one transaction (`add_and_load`). Of each: the pending messages before it, as its turn first
    reads them (the write's own read when it took the lease or was read with it, else a read after the write)."""
    start = threading.Barrier(SENDERS)
    seen: dict[int, list[int]] = {}

    def send(n: int) -> None:
        if not leases and n % 2:
            start.wait()
            loaded = store.add_and_load(conversation_id, text=f"question {n}", client_id=f"c{n}", payload=None)
            assert loaded is not None and loaded.inbound is not None
            seen[int(loaded.inbound.id)] = loaded.earlier
            return
        claim = leases[n % len(leases)].claim(lease_name(conversation_id), ttl=30) if n % 2 and leases else None
        start.wait()
        message = store.add(conversation_id, role="customer", text=f"question {n}", status="pending", client_id=f"c{n}", claim=claim)
        assert message is not None
        found = claim.found if claim is not None else None
        seen[message.id] = found.earlier if found is not None else store.load(conversation_id, message.id, earlier=True).earlier

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


@pytest.mark.parametrize("processes", [1, 2, 0])
def test_each_message_sees_every_message_stored_before_it(engine: Engine, processes: int) -> None:
    store = MessageStore(engine)
    # one holder per process: in one process every take succeeds (the lease is its own); with two, one of them;
    # none: a process without leases
    leases = [LeaseTable(engine=engine, holder=f"p{n}") for n in range(processes)]
    missed = []
    for round_ in range(ROUNDS):
        conversation_id = f"burst-{processes}-{round_}"
        with Session(engine) as session:
            session.add(Conversation(id=conversation_id, tenant="default"))
            session.commit()
        seen = many_at_once(store, leases, conversation_id)
        for lease in leases:
            lease.release(lease_name(conversation_id))
        ids = sorted(seen)
        missed += [(message, sorted(set(ids[:ids.index(message)]) - set(earlier))) for message, earlier in seen.items()
                   if earlier != ids[:ids.index(message)]]
    assert missed == [], f"{len(missed)} messages of {ROUNDS * SENDERS} read without messages stored before them: {missed[:5]}"
