"""Client limits several processes share: the `LimitStore` of bot/app/limits.py on a database table.

Hits are counted per key and per tenth of the window (one row each: key, bucket, n), and a hit is
counted when the buckets that overlap the window hold fewer than `limit`. So a hit costs the same
three statements whatever the traffic: counting a log of one row per hit (the first version) read
every hit of the window on every call, under the key's lock, and a widget key shared by a whole
tenant (6,000 messages a minute) made every message of every process wait in one line for a count
of thousands of rows (bench/bench_scale.py: 2 processes on PostgreSQL carried 0.35 of one SQLite
process). A hit leaves the count up to a tenth of the window later than `MemoryLimitStore` lets it
go, never earlier. On PostgreSQL the count and the increment of one key run under a
transaction-scoped advisory lock on the key, so two processes can't both take the last place.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.tables import LimitCount

_LONGEST_WINDOW = 24 * 3600.0  # `sweep` keeps a day of counts: no limit's window is longer
BUCKETS = 10  # a window is counted in tenths


class TableLimitStore:
    def __init__(self, *, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"
        self._insert = (postgresql if self._postgres else sqlite).insert

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        return await asyncio.to_thread(self._hit, key, limit, window)

    def _hit(self, key: str, limit: int, window: float) -> float:
        table = LimitCount.__table__  # type: ignore[attr-defined]
        now = self._clock()
        width = window / BUCKETS
        index = int(now // width)
        current = round(index * width * 1000)  # buckets are named by their start, in ms
        first = round((index - BUCKETS) * width * 1000)  # the oldest bucket that still overlaps (now - window, now]
        with self._engine.begin() as conn:
            if self._postgres:  # one writer per key at a time, until this transaction ends
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 17))"), {"key": key})
            rows = conn.execute(select(table.c.bucket, table.c.n).where(table.c.key == key, table.c.bucket >= first)).all()
            if sum(n for _, n in rows) >= limit:
                oldest = min(bucket for bucket, n in rows if n) / 1000
                return max(oldest + width + window - now, 0.001)  # when the oldest bucket has left the window
            if not any(bucket == current for bucket, _ in rows):  # a new bucket: this key's older ones go
                conn.execute(delete(table).where(table.c.key == key, table.c.bucket < first))
            upsert = self._insert(table).values(key=key, bucket=current, n=1)
            conn.execute(upsert.on_conflict_do_update(index_elements=["key", "bucket"], set_={"n": table.c.n + 1}))
            return 0.0

    def sweep(self) -> int:
        """Delete counts older than any window (keys nobody hits again keep none for long). Synchronous."""
        table = LimitCount.__table__  # type: ignore[attr-defined]
        with self._engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.bucket < round((self._clock() - _LONGEST_WINDOW) * 1000))).rowcount
