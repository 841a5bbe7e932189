"""Client limits several processes share: the `LimitStore` of bot/app/limits.py on a database table.

Each hit is a row (key, time). A hit is counted when fewer than `limit` rows of its key lie in the
window, as `MemoryLimitStore` does in memory. On PostgreSQL the count and the insert of one key run
under a transaction-scoped advisory lock on the key, so two processes can't both take the last
place; rows older than the window are deleted as the key is hit again (and by `sweep`, for keys never
hit again). A conversation's burst limit (`take`, a token bucket as GCRA) is one row per key whose
`at` is the bucket's "theoretical arrival time", read and moved under the same lock; a row left in the
past means a full bucket, so `sweep` may delete it like any old hit. Per-user and per-tenant budgets
need nothing of this: they are sums over the usage table.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text, update

from bot.app.limits import next_arrival
from bot.core.tables import LimitHit

_LONGEST_WINDOW = 24 * 3600.0  # `sweep` keeps a day of hits: no limit's window is longer


class TableLimitStore:
    _local = threading.Lock()  # where there is no advisory lock (SQLite: one process), its threads take turns

    def __init__(self, *, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"

    @contextmanager
    def _turn(self, key: str) -> Iterator[Any]:
        """A transaction in which this key is ours alone: on PostgreSQL under an advisory lock on it, held
        until the transaction ends, so two processes can't both take the last place."""
        if self._postgres:
            with self._engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 17))"), {"key": key})
                yield conn
            return
        with self._local, self._engine.begin() as conn:
            yield conn

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        return await asyncio.to_thread(self._hit, key, limit, window)

    def _hit(self, key: str, limit: int, window: float) -> float:
        table = LimitHit.__table__  # type: ignore[attr-defined]
        now = self._clock()
        with self._turn(key) as conn:
            conn.execute(delete(table).where(table.c.key == key, table.c.at <= now - window))
            count, oldest = conn.execute(select(func.count(), func.min(table.c.at)).where(table.c.key == key)).one()
            if count >= limit:
                return max(float(oldest) + window - now, 0.001)
            conn.execute(insert(table).values(key=key, at=now))
            return 0.0

    async def take(self, key: str, *, burst: int, interval: float) -> float:
        return await asyncio.to_thread(self._take, key, burst, interval)

    def _take(self, key: str, burst: int, interval: float) -> float:
        table = LimitHit.__table__  # type: ignore[attr-defined]
        with self._turn(key) as conn:
            row = conn.execute(select(table.c.id, table.c.at).where(table.c.key == key).limit(1)).first()
            wait, tat = next_arrival(float(row.at) if row is not None else None, self._clock(), burst=burst, interval=interval)
            if wait:
                return wait
            if row is None:
                conn.execute(insert(table).values(key=key, at=tat))
            else:
                conn.execute(update(table).where(table.c.id == row.id).values(at=tat))
            return 0.0

    def sweep(self) -> int:
        """Delete hits older than any window (keys nobody hits again keep none for long). Synchronous."""
        table = LimitHit.__table__  # type: ignore[attr-defined]
        with self._engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.at <= self._clock() - _LONGEST_WINDOW)).rowcount
