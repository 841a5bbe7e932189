"""Statements run on psycopg directly (bot/core/direct.py) behave as SQLAlchemy's execution did for their
callers: types converted, SQLAlchemy's errors, a cut connection recycled and the statement counted.
PostgreSQL only (SUPPORTBOT_TEST_DATABASE=postgresql): SQLite keeps SQLAlchemy's execution."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, create_engine, event, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.core.connections import again_if_disconnected, calls
from bot.core.database import open_database
from bot.core.direct import DirectStatement
from bot.core.handoff_states import State
from bot.core.tables import Conversation
from bot.engine.conversation_records import ConversationRecords
from bot.engine.leases import LeaseTable
from bot.engine.messages import MessageStore
from tests.databases import database_url, on_postgres

postgres_only = pytest.mark.skipif(not on_postgres(), reason="statements run on psycopg directly only on PostgreSQL")

TABLE = Conversation.__table__  # type: ignore[attr-defined]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "direct.db"), upgrade=True)
    yield engine
    engine.dispose()


@postgres_only
def test_types_are_converted_both_ways_and_the_statement_is_counted(engine: Engine) -> None:
    write = DirectStatement(engine, insert(TABLE).returning(TABLE.c.state), column_keys=["id", "tenant", "channel", "state", "created_at", "updated_at"])
    read = DirectStatement(engine, select(TABLE.c.id, TABLE.c.state).where(TABLE.c.id == bindparam("b_id")))
    counts = calls(engine)
    before = counts.statements
    now = Conversation(id="x", tenant="t").created_at
    assert write.rows({"id": "c1", "tenant": "t", "channel": "widget", "state": State.WITH_HUMAN, "created_at": now, "updated_at": now}) == [
        (State.WITH_HUMAN,)
    ]
    assert read.rows({"b_id": "c1"}) == [("c1", State.WITH_HUMAN)]
    assert read.rows({"b_id": "none"}) == []
    assert counts.statements == before + 3
    with pytest.raises(ValueError):  # EnumText refuses a value outside the enum, as it did through SQLAlchemy
        write.rows({"id": "c2", "tenant": "t", "channel": "widget", "state": "nobody", "created_at": now, "updated_at": now})


@postgres_only
def test_a_unique_violation_is_sqlalchemys_integrity_error_and_the_connection_stays_usable(engine: Engine) -> None:
    records = ConversationRecords(engine)
    store = MessageStore(engine)
    records.create(tenant="t", channel="widget", conversation_id="c1")
    assert store.add("c1", role="customer", text="hello", client_id="same") is not None
    assert store.add("c1", role="customer", text="hello again", client_id="same") is None  # IntegrityError, caught by the store
    statement = DirectStatement(engine, text("INSERT INTO conversation (id, tenant, channel, state, created_at, updated_at) "
                                             "SELECT id, tenant, channel, state, created_at, updated_at FROM conversation WHERE id = :id"))
    with pytest.raises(IntegrityError):
        statement.rows({"id": "c1"})
    assert [m.text for m in store.history("c1")] == ["hello"]  # nothing half-done; the pool's connections still work
    assert records.get("c1") is not None and records.get("c1").state is State.BOT  # type: ignore[union-attr]


@postgres_only
def test_a_connection_cut_under_it_is_recycled_and_the_statement_tried_again_succeeds(engine: Engine) -> None:
    statement = DirectStatement(engine, text("SELECT pg_backend_pid()"))
    ((first,),) = statement.rows({})
    admin = create_engine(engine.url)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            conn.commit()
    finally:
        admin.dispose()
    with pytest.raises(OperationalError) as cut:
        statement.rows({})
    assert cut.value.connection_invalidated
    # as the message path does (`again_if_disconnected`): once more, on a new connection
    ((second,),) = again_if_disconnected(lambda: statement.rows({}))
    assert second != first


def test_refuses_sqlite(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        DirectStatement(create_engine(f"sqlite:///{tmp_path / 'x.db'}"), text("SELECT 1"))


@postgres_only
def test_a_customer_message_is_written_its_lease_taken_and_read_back_in_one_statement(engine: Engine) -> None:
    records = ConversationRecords(engine)
    store = MessageStore(engine)
    leases = LeaseTable(engine=engine)
    records.create(tenant="t", channel="widget", conversation_id="c1")
    asked = store.add("c1", role="customer", text="how do I reset it?", status="done")
    assert asked is not None
    offer = {"options": [{"title": "Reset", "source": "kb/reset.md"}]}
    store.add("c1", role="bot", text="Which one?", reply_to=asked.id, payload=offer)
    earlier = store.add("c1", role="customer", text="the first", status="pending")
    assert earlier is not None
    counts = calls(engine)
    before, transactions = counts.statements, counts.transactions

    claim = leases.claim("conversation:c1", ttl=6)
    message = store.add("c1", role="customer", text="the second", status="pending", client_id="m3", claim=claim)

    # the write, the lease and the load: one statement (they were two), after the conversation's lock in the
    # implicit transaction of its round trip (message_statements.py `ORDER_LOCK`; no BEGIN or COMMIT sent)
    assert (counts.statements, counts.transactions) == (before + 2, transactions)
    assert message is not None and claim.taken is True and claim.found is not None
    # what the turn reads for it: as the load alone reads it
    assert claim.found == store.load("c1", message.id, earlier=True)
    assert claim.found.earlier == [earlier.id] and claim.found.inbound.text == "the second" and claim.found.conversation.tenant == "t"
    assert claim.found.offer is not None and claim.found.offer.asked == "how do I reset it?"
    # another process holds the lease: the message is stored, nothing taken and nothing read
    other = LeaseTable(engine=engine).claim("conversation:c1", ttl=6)
    stored = store.add("c1", role="customer", text="and then?", status="pending", claim=other)
    assert stored is not None and other.taken is False and other.found is None
    # a repeated client id: nothing stored, and the transaction rolled back (its lock with it: the next write goes through)
    assert store.add("c1", role="customer", text="the second", status="pending", client_id="m3", claim=leases.claim("conversation:c1", ttl=6)) is None
    assert store.add("c1", role="customer", text="the third", status="pending", claim=leases.claim("conversation:c1", ttl=6)) is not None
    assert [m.text for m in store.history("c1")][-3:] == ["the second", "and then?", "the third"]


@postgres_only
def test_a_customer_message_written_after_its_conversations_lock_is_one_round_trip(engine: Engine, tmp_path: Path) -> None:
    """What goes over the wire for the write that takes the lease (libpq's protocol trace): the lock and the
    write, then one Sync, and nothing else. With BEGIN ... COMMIT it was three round trips: the BEGIN
    synced on its own, the COMMIT synced, and leaving psycopg's pipeline synced once more."""
    records = ConversationRecords(engine)
    store = MessageStore(engine)
    leases = LeaseTable(engine=engine)
    records.create(tenant="t", channel="widget", conversation_id="c1")
    assert store.add("c1", role="customer", text="the first", status="pending") is not None
    with wire_trace(engine, tmp_path / "trace") as sent:
        claim = leases.claim("conversation:c1", ttl=6)
        message = store.add("c1", role="customer", text="the second", status="pending", client_id="m2", claim=claim)
    assert message is not None and claim.taken is True and claim.found is not None and claim.found.inbound.text == "the second"
    queries = [line.split('"')[3] for line in sent() if line.startswith("Parse")]
    assert [line for line in sent() if line.startswith("Sync")] == ["Sync"]  # one round trip
    assert [q.split()[0] for q in queries] == ["SELECT", "WITH"]  # the lock, then the write: no BEGIN, no COMMIT
    # the lock is held to the Sync's commit: a message of the conversation written meanwhile waits for it,
    # which tests/bot/test_message_order.py checks under concurrent writes


@contextlib.contextmanager
def wire_trace(engine: Engine, path: Path) -> Iterator[Callable[[], list[str]]]:
    """The protocol messages the client sends on every connection checked out meanwhile (libpq's PQtrace),
    each as its type and fields: `sent()` after the block."""
    from psycopg import pq

    out = open(path, "w+b")  # noqa: SIM115 (closed below; libpq writes to its descriptor)

    def on_checkout(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.pgconn.trace(out.fileno())
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def on_checkin(dbapi_connection: Any, *_: Any) -> None:
        if dbapi_connection is not None and not dbapi_connection.closed:
            dbapi_connection.pgconn.untrace()

    event.listen(engine.pool, "checkout", on_checkout)
    event.listen(engine.pool, "checkin", on_checkin)
    lines: list[str] = []
    try:
        yield lambda: lines
    finally:
        event.remove(engine.pool, "checkout", on_checkout)
        event.remove(engine.pool, "checkin", on_checkin)
        out.seek(0)
        for line in out.read().decode().splitlines():  # "F\t<length>\t<message> <fields>": what the client sent
            if line.startswith("F\t"):  # (a statement's text may run over lines of its own)
                lines.append(line.split("\t", 2)[2].replace("\t", " ").strip())
        out.close()
