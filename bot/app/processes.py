"""Several `supportbot serve` processes on one PostgreSQL database: what they share and who does what once.

On PostgreSQL every process can take any request (they listen on one port with SO_REUSEPORT, or sit
behind a balancer), so what one process kept in memory goes through the database:
- a conversation's turn is a lease (bot/engine/turns.py): each message answered once, in order;
- a message whose process died is taken over by `sweep_orphans` once its lease expired;
- a message stored for a customer reaches their socket on another process (bot/engine/relay.py);
- duplicate platform deliveries are stopped by the message table's unique (conversation, client id),
  whichever process each reaches, and answered under the turn, once;
- timers (handoff announcements, reminders and staff-thread posts, claims left half done; the vault
  purge; the limit table's sweep) run in the one process holding their lease (`run_alone`); what a
  round sends is also taken in the database where two overlapping rounds (or a round and another
  process's escalation or relay) could both send it (a card: handoff/records.py `take_card`; a reminder:
  `take_reminder`; a thread's waiting posts: `take_posts`; a half-done claim: the conversation's conditional move);
- client limits count in a table (bot/app/limit_table.py); budgets are sums over the usage table already.
On SQLite (the default) nothing here is used: one process, as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, literal, select
from sqlalchemy.exc import SQLAlchemyError

from bot.app.limit_table import TableLimitStore
from bot.core.direct import DirectStatement
from bot.core.messages import Message, Relayed
from bot.core.tables import Lease, StoredMessage
from bot.engine.leases import LeaseTable, run_alone
from bot.engine.relay import PostgresRelay
from bot.engine.turns import LEASE_TTL, ConversationTurns, lease_name

logger = logging.getLogger(__name__)

# A pending message nobody holds the turn of, stored this long ago, is taken over. Shorter than the
# lease: a message whose process is alive but busy may be taken too, which costs work, never a second
# answer (the turn finds the reply); a dead process's message waits for its lease to expire anyway.
ORPHAN_AGE = 2.0
SWEEP_EVERY = 1.0  # seconds between looks (one indexed query: pending messages are few)


@dataclass(frozen=True, slots=True)
class SharedProcesses:
    leases: LeaseTable
    relay: PostgresRelay
    limits: TableLimitStore
    turns: ConversationTurns


def shared_processes(engine: Engine, *, ttl: float = LEASE_TTL) -> SharedProcesses | None:
    """What processes sharing this database coordinate through; None on SQLite (one process)."""
    if engine.dialect.name != "postgresql":
        return None
    leases = LeaseTable(engine=engine)
    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return SharedProcesses(
        leases=leases, relay=PostgresRelay(conninfo=conninfo, origin=leases.holder), limits=TableLimitStore(engine=engine),
        turns=ConversationTurns(leases=leases, ttl=ttl),
    )


class Answering(Protocol):
    async def process(self, conversation_id: str, inbound_id: int) -> Message | Relayed: ...


def orphans_statement(engine: Engine) -> DirectStatement:
    """Pending customer messages stored before `:cutoff` in conversations whose lease no live process holds
    at `:now` (their process died, or stalled past its lease, before answering), oldest first. One statement
    outside a transaction, run on psycopg directly (bot/core/direct.py): it runs every second in every
    process; it was a read of the pending messages (BEGIN, SELECT, ROLLBACK through SQLAlchemy) and then
    one of their leases (the same again, its IN list compiled anew each time)."""
    table, leases = StoredMessage.__table__, Lease.__table__  # type: ignore[attr-defined]
    held = (select(literal(1)).where(leases.c.name == literal(lease_name("")) + table.c.conversation_id,
                                     leases.c.expires_at >= bindparam("now", type_=leases.c.expires_at.type)).exists())
    return DirectStatement(engine, select(table.c.conversation_id, table.c.id).where(
        table.c.status == "pending", table.c.role == "customer", table.c.created_at < bindparam("cutoff", type_=table.c.created_at.type),
        ~held).order_by(table.c.id).limit(1000))


def orphans(statement: DirectStatement, *, older_than: float) -> list[tuple[str, int]]:
    """What `orphans_statement` finds, as (conversation, message id). Synchronous."""
    now = datetime.now(UTC)
    return [(c, int(i)) for c, i in statement.rows({"cutoff": now - timedelta(seconds=older_than), "now": now})]


async def sweep_orphans(
    *, engine: Engine, shared: SharedProcesses, conversations: Answering, every: float | None = None
) -> None:
    """Take over what dead processes left: each orphaned conversation's oldest pending message is
    answered under its turn (which answers the earlier ones first, and finds answered ones done)."""
    every = every or SWEEP_EVERY
    running: dict[str, asyncio.Task[Any]] = {}
    statement = orphans_statement(engine)
    while True:
        await asyncio.sleep(every)
        try:
            found = await asyncio.to_thread(orphans, statement, older_than=ORPHAN_AGE)
        except SQLAlchemyError:
            logger.warning("looking for messages of dead processes failed; trying again later")
            continue
        for conversation_id, inbound_id in found:
            if conversation_id in running or shared.turns.busy(conversation_id):
                continue
            logger.warning("taking over message %d of conversation %s from a process that is gone", inbound_id, conversation_id)
            task = asyncio.create_task(conversations.process(conversation_id, inbound_id))
            running[conversation_id] = task
            task.add_done_callback(lambda done, c=conversation_id: _finished(running, c, done))


def _finished(running: dict[str, asyncio.Task[Any]], conversation_id: str, task: asyncio.Task[Any]) -> None:
    running.pop(conversation_id, None)
    if not task.cancelled() and task.exception() is not None:
        logger.error("answering a message taken over failed: %s", type(task.exception()).__name__)


def background(
    shared: SharedProcesses, *, engine: Engine, conversations: Answering, handoff_tick: Callable[[], Awaitable[None]],
    vault_purge: Callable[[], Any], purge_every: float, handoff_every: float = 30.0,
) -> list[Coroutine[Any, Any, None]]:
    """The long-running work of one process among several: the relay's listener, the sweeper, and the
    timers that run in one process at a time."""
    return [
        shared.relay.listen(),
        sweep_orphans(engine=engine, shared=shared, conversations=conversations),
        run_alone(shared.leases, "handoff", handoff_tick, every=handoff_every),
        run_alone(shared.leases, "vault-purge", lambda: asyncio.to_thread(vault_purge), every=purge_every),
        run_alone(shared.leases, "limit-sweep", lambda: asyncio.to_thread(shared.limits.sweep), every=600.0),
    ]
