"""Leases in the database: work one process holds for a while, taken over when its holder dies.

A lease is a row (name, holder, expires_at). Taking it is one upsert that succeeds only when the row
is free, expired or already ours, so two processes can never both hold it; the holder renews it
while it works and deletes it when done. A process that is SIGKILLed leaves its rows to expire, and
the next taker finds them expired. Used for a conversation's turn (bot/engine/turns.py) and for timers that
must run once across processes (`run_alone`). Methods are synchronous: call them from a thread.

Expiry compares the clocks of the processes that take leases: on one machine that is one clock; on
several, keep them in sync (NTP) and the time to live well above their skew.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, String, any_, bindparam, cast, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from bot.core.autocommit import autocommit
from bot.core.database import text_array
from bot.core.direct import DirectStatement
from bot.core.tables import Lease

logger = logging.getLogger(__name__)


def process_name() -> str:
    """This process among all that share the database: host, pid and a random part (a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(slots=True)
class Claim:
    """A lease to take in the statement of another write (`LeaseTable.claim`; PostgreSQL, where the take
    can be a data-modifying CTE of it): the writer that takes it sets `taken`; None: not tried."""

    statement: Any  # the take (an upsert returning a row when taken)
    values: dict[str, Any]
    taken: bool | None = None
    # a notification to the other processes (bot/engine/relay.py) the same statement sends as it commits;
    # sent when `taken` is set (the write with its take went through)
    told: str | None = None
    # what the writer read in the same statement once the lease was taken (bot/engine/messages.py: the new
    # message's `Loaded`); None: nothing read, the caller reads it
    found: Any = None


class LeaseTable:
    def __init__(self, *, engine: Engine, holder: str | None = None) -> None:
        # every call is one statement: on PostgreSQL no BEGIN or COMMIT is sent (`begin()` below commits SQLite's)
        self._engine = autocommit(engine)
        self.holder = holder or process_name()
        # each statement built once, its values bound per call: building the upsert for every turn cost more
        # CPU than sending it (1.6 ms a take on PostgreSQL, a third of a turn's lease work; bench/bench_scale.py)
        table = Lease.__table__  # type: ignore[attr-defined]
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        take = insert(table).values(name=bindparam("b_name"), holder=bindparam("b_holder"), expires_at=bindparam("b_expires"))
        self._take = take.on_conflict_do_update(
            index_elements=[table.c.name],
            set_={"holder": take.excluded.holder, "expires_at": take.excluded.expires_at},
            where=(table.c.holder == bindparam("b_holder")) | (table.c.expires_at < bindparam("b_now")),
        ).returning(table.c.name)
        mine = (table.c.name == bindparam("b_name")) & (table.c.holder == bindparam("b_holder"))
        self._renew = update(table).where(mine).values(expires_at=bindparam("b_expires"))
        self._release = delete(table).where(mine)
        # PostgreSQL: the release of the turns that end together (about one a message) on psycopg directly
        # (bot/core/direct.py), the names one array given as its literal string (`text_array`)
        names = cast(bindparam("b_names", type_=String), postgresql.ARRAY(String))
        self._release_many = (DirectStatement(engine, delete(table).where(table.c.name == any_(names), table.c.holder == bindparam("b_holder")))
                              if engine.dialect.name == "postgresql" else None)

    def take(self, name: str, *, ttl: float) -> bool:
        """Hold `name` for `ttl` seconds if it is free, expired or ours already."""
        now = datetime.now(UTC)
        values = {"b_name": name, "b_holder": self.holder, "b_expires": now + timedelta(seconds=ttl), "b_now": now}
        with self._engine.begin() as conn:
            return conn.execute(self._take, values).first() is not None

    def claim(self, name: str, *, ttl: float) -> Claim:
        """`take` for another write to do in its own statement (`Claim`); the same values as `take` binds."""
        now = datetime.now(UTC)
        return Claim(self._take, {"b_name": name, "b_holder": self.holder, "b_expires": now + timedelta(seconds=ttl), "b_now": now})

    def renew(self, name: str, *, ttl: float) -> bool:
        """Extend our lease; False when it is no longer ours (it expired and another process took it)."""
        values = {"b_name": name, "b_holder": self.holder, "b_expires": datetime.now(UTC) + timedelta(seconds=ttl)}
        with self._engine.begin() as conn:
            return conn.execute(self._renew, values).rowcount == 1

    def release(self, name: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(self._release, {"b_name": name, "b_holder": self.holder})

    def release_many(self, names: Sequence[str]) -> list[None]:
        """`release` of each name, in one statement (bot/engine/turns.py batches the turns that end together)."""
        if self._release_many is not None:
            self._release_many.run({"b_names": text_array(names), "b_holder": self.holder})
            return [None] * len(names)
        table = Lease.__table__  # type: ignore[attr-defined]
        with self._engine.begin() as conn:
            conn.execute(delete(table).where(table.c.name.in_(list(names)), table.c.holder == self.holder))
        return [None] * len(names)

    def renew_many(self, names: Sequence[str], *, ttl: float) -> set[str]:
        """`renew` of each name, in one statement; the names that are still ours (bot/engine/turns.py)."""
        table = Lease.__table__  # type: ignore[attr-defined]
        statement = (update(table).where(table.c.name.in_(list(names)), table.c.holder == self.holder)
                     .values(expires_at=datetime.now(UTC) + timedelta(seconds=ttl)).returning(table.c.name))
        with self._engine.begin() as conn:
            return {row[0] for row in conn.execute(statement)}

    def held(self, names: Iterable[str]) -> set[str]:
        """Which of `names` some process holds now (not expired)."""
        wanted = list(names)
        if not wanted:
            return set()
        table = Lease.__table__  # type: ignore[attr-defined]
        with self._engine.connect() as conn:
            rows = conn.execute(select(table.c.name).where(table.c.name.in_(wanted), table.c.expires_at >= datetime.now(UTC)))
            return {row[0] for row in rows}


async def run_alone(
    leases: LeaseTable, name: str, work: Callable[[], Awaitable[object]], *, every: float, ttl: float | None = None,
) -> None:
    """Run `work` every `every` seconds in whichever one process holds the lease `name` (the handoff
    timers, the vault purge): the others only keep trying to take it, so a holder that dies is
    replaced within two rounds. At start too, as the single-process loops do. A round renews the lease
    while it runs (every third of `ttl`): a round longer than `ttl` (Slack slow to answer, many handoffs
    waiting) kept the lease to itself only until `ttl` ran out, and another process then ran its own
    round beside it. `ttl`: how long a holder that stopped renewing (it died) keeps the timer."""
    ttl = ttl or 2 * every + 5  # a live holder renews while its round runs, and takes the lease again before the next one
    lease = f"timer:{name}"
    mine = False
    try:
        while True:
            try:
                mine = await asyncio.to_thread(leases.take, lease, ttl=ttl)
            except SQLAlchemyError:  # the database is away: nobody runs the round now, the next try decides
                logger.warning("could not take the %s lease; trying again later", name)
                mine = False
            if mine:
                renewing = asyncio.create_task(_renew(leases, lease, ttl=ttl))
                try:
                    await work()
                except Exception:
                    logger.exception("%s failed; trying again later", name)
                finally:
                    renewing.cancel()
                    await asyncio.gather(renewing, return_exceptions=True)
            await asyncio.sleep(every)
    finally:
        if mine:  # stopping: hand the timer over now, not when the lease runs out (a restart's first round runs at once)
            try:
                await asyncio.shield(asyncio.to_thread(leases.release, lease))
            except (SQLAlchemyError, asyncio.CancelledError):
                logger.warning("could not release the %s lease; it runs out in %.0f s", name, ttl)


async def _renew(leases: LeaseTable, lease: str, *, ttl: float) -> None:
    """Keep `lease` ours while a round runs: renewed every third of its time to live, so one renewal
    lost to a slow database still leaves time for the next. A lease found taken by another process
    (this one stalled past `ttl`: the event loop or the database) is logged; the round goes on, as each
    of its steps is taken in the database (handoff/records.py), and the next round asks for the lease again."""
    while True:
        await asyncio.sleep(ttl / 3)
        try:
            if not await asyncio.to_thread(leases.renew, lease, ttl=ttl):
                logger.warning("the %s lease ran out during a round and another process took it", lease)
                return
        except SQLAlchemyError:
            logger.warning("could not renew the %s lease; trying again in %.0f s", lease, ttl / 3)
