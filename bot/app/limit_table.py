"""Client limits several processes share: the `LimitStore` of bot/app/limits.py on a database table.

Each hit is a row (key, time). A hit is counted when fewer than `limit` rows of its key lie in the
window, as `MemoryLimitStore` does in memory. On PostgreSQL the count and the insert of one key run
under a transaction-scoped advisory lock on the key, so two processes can't both take the last
place; rows older than the window are deleted as the key is hit again (and by `sweep`, for keys never
hit again). Per-user and per-tenant budgets need nothing of this: they are sums over the usage table.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, insert, select, text

from bot.core.tables import LimitHit

_LONGEST_WINDOW = 24 * 3600.0  # `sweep` keeps a day of hits: no limit's window is longer


class TableLimitStore:
    def __init__(self, *, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        return await asyncio.to_thread(self._hit, key, limit, window)

    def _hit(self, key: str, limit: int, window: float) -> float:
        table = LimitHit.__table__  # type: ignore[attr-defined]
        now = self._clock()
        with self._engine.begin() as conn:
            if self._postgres:  # one writer per key at a time, until this transaction ends
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 17))"), {"key": key})
            conn.execute(delete(table).where(table.c.key == key, table.c.at <= now - window))
            count, oldest = conn.execute(select(func.count(), func.min(table.c.at)).where(table.c.key == key)).one()
            if count >= limit:
                return max(float(oldest) + window - now, 0.001)
            conn.execute(insert(table).values(key=key, at=now))
            return 0.0

    def sweep(self) -> int:
        """Delete hits older than any window (keys nobody hits again keep none for long). Synchronous."""
        table = LimitHit.__table__  # type: ignore[attr-defined]
        with self._engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.at <= self._clock() - _LONGEST_WINDOW)).rowcount
