"""Client limits several processes share: the `LimitStore` of bot/app/limits.py on a database table.

Hits are counted per key and per tenth of the window (one row each: key, bucket, n), and a hit is
counted when the buckets that overlap the window hold fewer than `limit`: one statement, in one round
trip, whatever the traffic. The first version kept a row per hit and counted the window's rows under
an advisory lock on the key, in a transaction of five round trips: a widget key shared by a whole
tenant (6,000 messages a minute) made every message of every process wait in one line for a count of
thousands of rows (bench/bench_scale.py: 2 processes on PostgreSQL carried 0.35 of one SQLite process;
py-spy: a third of a process's samples in that count and its lock). The last place can't be taken
twice: the increment of the current bucket is conditional (`ON CONFLICT DO UPDATE ... WHERE`), and
PostgreSQL evaluates that condition on the row's latest version under its row lock. The older buckets
are read in the statement's snapshot; nobody writes them any more (but a process whose clock lags a
bucket behind). A hit leaves the count up to a tenth of the window later than `MemoryLimitStore` lets
it go, never earlier.

A conversation's burst limit (`take`, a token bucket as GCRA) is one row per key in `limit_burst`
holding the bucket's "theoretical arrival time", read and moved under an advisory lock on the key (a
conversation's messages are few, so that lock is never a line); a time in the past is a full bucket,
so `sweep` may delete it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text, update

from bot.app.limits import next_arrival
from bot.core.tables import LimitBurst, LimitCount

_LONGEST_WINDOW = 24 * 3600.0  # `sweep` keeps a day of counts: no limit's window is longer
BUCKETS = 10  # a window is counted in tenths


_OLDER = "(SELECT coalesce(sum(o.n), 0) FROM limit_count o WHERE o.key = :key AND o.bucket >= :first AND o.bucket < :current)"
# counted when the window's buckets hold fewer than the limit; the current bucket's count is checked on
# its latest version (the conflict path runs under the row's lock): RETURNING gives a row when counted
_HIT = text(
    f"INSERT INTO limit_count (key, bucket, n) SELECT CAST(:key AS VARCHAR), CAST(:current AS BIGINT), 1 WHERE {_OLDER} < :limit "
    f"ON CONFLICT (key, bucket) DO UPDATE SET n = limit_count.n + 1 WHERE limit_count.n + {_OLDER} < :limit "
    "RETURNING n"
)
_OLDEST = text("SELECT min(bucket) FROM limit_count WHERE key = :key AND bucket >= :first AND n > 0")


class TableLimitStore:
    _local = threading.Lock()  # where there is no advisory lock (SQLite: one process), its threads take turns

    def __init__(self, *, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        # each hit is one statement: committed as it runs, so no lock outlives it
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._transactions = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._clock = clock

    @contextmanager
    def _turn(self, key: str) -> Iterator[Any]:
        """A transaction in which this key is ours alone: on PostgreSQL under an advisory lock on it, held
        until the transaction ends, so two processes can't both take the last place."""
        if self._postgres:
            with self._transactions.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 17))"), {"key": key})
                yield conn
            return
        with self._local, self._transactions.begin() as conn:
            yield conn

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        return await asyncio.to_thread(self._hit, key, limit, window)

    def _hit(self, key: str, limit: int, window: float) -> float:
        now = self._clock()
        width = window / BUCKETS
        index = int(now // width)
        # buckets are named by their start, in ms; the oldest counted one still overlaps (now - window, now]
        bounds = {"key": key, "current": round(index * width * 1000), "first": round((index - BUCKETS) * width * 1000), "limit": limit}
        with self._engine.connect() as conn:
            if conn.execute(_HIT, bounds).first() is not None:
                return 0.0
            oldest = conn.execute(_OLDEST, bounds).scalar()
        if oldest is None:  # a limit of 0
            return window
        return max(oldest / 1000 + width + window - now, 0.001)  # when the oldest bucket has left the window

    async def take(self, key: str, *, burst: int, interval: float) -> float:
        return await asyncio.to_thread(self._take, key, burst, interval)

    def _take(self, key: str, burst: int, interval: float) -> float:
        table = LimitBurst.__table__  # type: ignore[attr-defined]
        with self._turn(key) as conn:
            row = conn.execute(select(table.c.tat).where(table.c.key == key)).first()
            wait, tat = next_arrival(float(row.tat) if row is not None else None, self._clock(), burst=burst, interval=interval)
            if wait:
                return wait
            if row is None:
                conn.execute(insert(table).values(key=key, tat=tat))
            else:
                conn.execute(update(table).where(table.c.key == key).values(tat=tat))
            return 0.0

    def sweep(self) -> int:
        """Delete counts older than any window and buckets long full (keys nobody hits again keep none
        for long). Synchronous."""
        counts = LimitCount.__table__  # type: ignore[attr-defined]
        bursts = LimitBurst.__table__  # type: ignore[attr-defined]
        oldest = self._clock() - _LONGEST_WINDOW
        with self._engine.connect() as conn:
            swept = conn.execute(delete(counts).where(counts.c.bucket < round(oldest * 1000))).rowcount
            return swept + conn.execute(delete(bursts).where(bursts.c.tat < oldest)).rowcount
