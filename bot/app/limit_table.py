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
it go, never earlier. On PostgreSQL a request's hits (two or three keys) are one statement together, a
data-modifying CTE each, run only when the one before it counted: a statement costs the client more CPU
than the database its work (bench/bench_scale.py). SQLite has no such CTE and runs them one by one.

A conversation's burst limit (`take`, a token bucket as GCRA) is one row per key in `limit_burst`
holding the bucket's "theoretical arrival time", moved on by one conditional upsert as the counts are
(it was read and written under an advisory lock on the key: five round trips a message); a time in the
past is a full bucket, so `sweep` may delete it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Engine, TextClause, delete, text

from bot.app.limits import Hit, next_arrival
from bot.core.direct import DirectStatement
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
# a conversation's burst (GCRA, as `next_arrival`): the bucket moved on when it has room, in one statement;
# the conflict path's condition is evaluated on the row's latest version under its lock, so two processes
# can't both take the last place. RETURNING gives a row when the message may go
_TAT_NOW = "CASE WHEN limit_burst.tat > :now THEN limit_burst.tat ELSE :now END"
_TAKE = text(
    "INSERT INTO limit_burst (key, tat) SELECT CAST(:key AS VARCHAR), CAST(:first AS FLOAT) WHERE :burst >= 1 "
    f"ON CONFLICT (key) DO UPDATE SET tat = {_TAT_NOW} + :interval WHERE {_TAT_NOW} - :now <= (:burst - 1) * :interval "
    "RETURNING tat"
)
_TAT = text("SELECT tat FROM limit_burst WHERE key = :key")


def _hit_ctes(count: int, *, gate: str = "") -> tuple[str, str]:
    """`count` hits as `_HIT`, each a data-modifying CTE (h0, h1, ...) run only when the one before it
    counted, and the first only under `gate` (a condition); and the sum of their counts, which makes
    the first refused that index. Hit i's parameters are suffixed with i. Only for distinct keys: each
    CTE reads the statement's snapshot, so a key counted twice would not see its own first count as
    the loop does."""
    ctes = []
    for i in range(count):
        older = _OLDER.replace(":key", f":key{i}").replace(":first", f":first{i}").replace(":current", f":current{i}")
        after = f" AND EXISTS (SELECT 1 FROM h{i - 1})" if i else gate
        ctes.append(
            f"h{i} AS (INSERT INTO limit_count (key, bucket, n) SELECT CAST(:key{i} AS VARCHAR), CAST(:current{i} AS BIGINT), 1 "
            f"WHERE {older} < :limit{i}{after} "
            f"ON CONFLICT (key, bucket) DO UPDATE SET n = limit_count.n + 1 WHERE limit_count.n + {older} < :limit{i} "
            "RETURNING n)"
        )
    return ", ".join(ctes), " + ".join(f"(SELECT count(*) FROM h{i})" for i in range(count))


def _hits_statement(count: int) -> TextClause:
    """PostgreSQL: `count` hits in one statement (`_hit_ctes`); returns how many were counted."""
    ctes, counted = _hit_ctes(count)
    return text(f"WITH {ctes} SELECT {counted}")


def _take_then_hits_statement(count: int) -> TextClause:
    """PostgreSQL: `_TAKE` (a data-modifying CTE, b) and then `count` hits (`_hit_ctes`), the first
    only when the take gave a token, in one statement. Returns (1 when it gave one, the hits counted)."""
    ctes, counted = _hit_ctes(count, gate=" AND EXISTS (SELECT 1 FROM b)")
    return text(f"WITH b AS ({_TAKE.text}), {ctes} SELECT (SELECT count(*) FROM b), {counted}")


_HITS = {count: _hits_statement(count) for count in range(2, 5)}  # a request checks two or three keys
_TAKE_THEN_HITS = {count: _take_then_hits_statement(count) for count in range(2, 5)}
_OLDEST = text("SELECT min(bucket) FROM limit_count WHERE key = :key AND bucket >= :first AND n > 0")


class TableLimitStore:
    def __init__(self, *, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        # each hit is one statement: committed as it runs, so no lock outlives it
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock
        self._together = engine.dialect.name == "postgresql"  # SQLite has no data-modifying CTE: a statement a hit
        # PostgreSQL: a request's statement on psycopg directly (bot/core/direct.py), built on first use
        self._direct: dict[tuple[str, int], DirectStatement] = {}

    def _statement(self, kind: str, count: int) -> DirectStatement | None:
        """PostgreSQL's one statement for a request's `count` hits (`kind` "hits"), or its burst take and
        then its hits ("take"); None on SQLite or for a count no statement is built for."""
        direct = self._direct.get((kind, count))
        if direct is None and self._together:
            statement = (_HITS if kind == "hits" else _TAKE_THEN_HITS).get(count)
            if statement is None:
                return None
            direct = self._direct[(kind, count)] = DirectStatement(self._engine, statement)
        return direct

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        return await asyncio.to_thread(self._hit, key, limit, window)

    async def hit_each(self, hits: Sequence[Hit]) -> tuple[int, float]:
        return await asyncio.to_thread(self._hit_each, hits)

    def _hit(self, key: str, limit: int, window: float) -> float:
        return self._hit_each([Hit(key, limit, window)])[1]

    def _bounds(self, hit: Hit) -> tuple[dict[str, object], float]:
        """The parameters of `_HIT` for `hit` now, and the current time."""
        now = self._clock()
        width = hit.window / BUCKETS
        index = int(now // width)
        # buckets are named by their start, in ms; the oldest counted one still overlaps (now - window, now]
        return {"key": hit.key, "current": round(index * width * 1000), "first": round((index - BUCKETS) * width * 1000),
                "limit": hit.limit}, now

    def _hit_each(self, hits: Sequence[Hit]) -> tuple[int, float]:
        statement = self._statement("hits", len(hits)) if self._together else None
        if statement is not None and len({hit.key for hit in hits}) == len(hits):
            # PostgreSQL, distinct keys: all of them in one statement (a statement costs the client more CPU
            # than the database its work, bench/bench_scale.py)
            bounds = [self._bounds(hit) for hit in hits]
            values = {f"{name}{i}": value for i, (hit_bounds, _) in enumerate(bounds) for name, value in hit_bounds.items()}
            ((position,),) = statement.rows(values)
            if position == len(hits):
                return -1, 0.0
            with self._engine.connect() as conn:
                return position, self._wait(conn, hits[position], *bounds[position])
        with self._engine.connect() as conn:
            for position, hit in enumerate(hits):
                hit_bounds, now = self._bounds(hit)
                if conn.execute(_HIT, hit_bounds).first() is None:
                    return position, self._wait(conn, hit, hit_bounds, now)
        return -1, 0.0

    @staticmethod
    def _wait(conn: Connection, hit: Hit, bounds: dict[str, object], now: float) -> float:
        """Seconds until refused `hit` may count: when the oldest bucket it counted has left the window."""
        oldest = conn.execute(_OLDEST, bounds).scalar()
        if oldest is None:  # a limit of 0
            return hit.window
        return max(oldest / 1000 + hit.window / BUCKETS + hit.window - now, 0.001)

    async def take(self, key: str, *, burst: int, interval: float) -> float:
        return await asyncio.to_thread(self._take, key, burst, interval)

    async def take_then_hit_each(self, key: str, *, burst: int, interval: float, hits: Sequence[Hit]) -> tuple[float, int, float]:
        return await asyncio.to_thread(self._take_then_hit_each, key, burst, interval, hits)

    def _take(self, key: str, burst: int, interval: float) -> float:
        now = self._clock()
        values = {"key": key, "now": now, "interval": interval, "burst": burst, "first": now + interval}
        with self._engine.begin() as conn:  # one statement, committed as it runs
            if conn.execute(_TAKE, values).first() is not None:
                return 0.0
            return self._burst_wait(conn, values, now, burst, interval)

    @staticmethod
    def _burst_wait(conn: Connection, values: dict[str, object], now: float, burst: int, interval: float) -> float:
        """Seconds until a refused take may have its token."""
        tat = conn.execute(_TAT, values).scalar()
        return next_arrival(float(tat) if tat is not None else None, now, burst=burst, interval=interval)[0] or 0.001

    def _take_then_hit_each(self, key: str, burst: int, interval: float, hits: Sequence[Hit]) -> tuple[float, int, float]:
        statement = self._statement("take", len(hits)) if self._together else None
        if statement is None or len({hit.key for hit in hits}) != len(hits):
            wait = self._take(key, burst, interval)
            return (wait, -1, 0.0) if wait else (0.0, *self._hit_each(hits))
        # PostgreSQL, distinct keys: the take and the counts in one statement (a statement costs the client
        # more CPU than the database its work, bench/bench_scale.py)
        now = self._clock()
        values: dict[str, object] = {"key": key, "now": now, "interval": interval, "burst": burst, "first": now + interval}
        bounds = [self._bounds(hit) for hit in hits]
        values |= {f"{name}{i}": value for i, (hit_bounds, _) in enumerate(bounds) for name, value in hit_bounds.items()}
        ((taken, position),) = statement.rows(values)
        if taken and position == len(hits):
            return 0.0, -1, 0.0
        with self._engine.connect() as conn:  # refused: when it may go (a read of its own)
            if not taken:
                return self._burst_wait(conn, values, now, burst, interval), -1, 0.0
            return 0.0, position, self._wait(conn, hits[position], *bounds[position])

    def sweep(self) -> int:
        """Delete counts older than any window and buckets long full (keys nobody hits again keep none
        for long). Synchronous."""
        counts = LimitCount.__table__  # type: ignore[attr-defined]
        bursts = LimitBurst.__table__  # type: ignore[attr-defined]
        oldest = self._clock() - _LONGEST_WINDOW
        with self._engine.connect() as conn:
            swept = conn.execute(delete(counts).where(counts.c.bucket < round(oldest * 1000))).rowcount
            return swept + conn.execute(delete(bursts).where(bursts.c.tat < oldest)).rowcount
