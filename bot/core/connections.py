"""The engine and its connections: the URL SQLAlchemy is given, SQLite's pragmas, PostgreSQL's pool (pinged
after a rest), what an engine asks of its database counted as it goes, reaching the database once at start,
and work tried once more on a new connection when its own was cut.

Split from bot/core/database.py, which opens a database with `make_engine` and `reach` and brings its
schema to this version's.
"""

from __future__ import annotations

import logging
import os
import re
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import Pool

from bot.core.errors import DatabaseError

logger = logging.getLogger("bot.core.database")  # the name these lines were always logged under
T = TypeVar("T")

_CONNECT_TIMEOUT = 10  # seconds: an unreachable host stops the start instead of hanging it


def engine_url(url: str) -> URL:
    """The URL SQLAlchemy is given: `postgresql://` and `postgres://` mean psycopg 3 (the driver installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def shown(url: str | URL) -> str:
    """A URL fit for messages and logs: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class DatabaseCalls:
    """What an engine asked of its database, counted as it goes (`supportbot_database_*` metrics; the
    statements per message of bench/bench_scale.py): statements executed (an executemany is one),
    transactions begun (on PostgreSQL each is two more round trips, BEGIN and COMMIT or ROLLBACK) and
    connections checked out of the pool."""

    __slots__ = ("checkouts", "statements", "transactions")

    def __init__(self) -> None:
        self.statements = 0
        self.transactions = 0
        self.checkouts = 0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        event.listen(engine.pool, "checkout", self._checkout)

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _begin(self, conn: Connection) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":  # no BEGIN is sent for those
            self.transactions += 1

    def _checkout(self, *_: Any) -> None:
        self.checkouts += 1


_CALLS: weakref.WeakKeyDictionary[Pool, DatabaseCalls] = weakref.WeakKeyDictionary()


def calls(engine: Engine) -> DatabaseCalls:
    """The counts of `make_engine`'s engines (and of any engine sharing their pool); zeros for another engine."""
    return _CALLS.get(engine.pool) or DatabaseCalls()


_IDLE_PING = 2.0  # seconds a pooled connection rests before its next checkout pings it
# PostgreSQL's pool: connections kept open, at least as many as the threads that run database calls at once
# (asyncio's default executor, min(32, cores + 4): `asyncio.to_thread`), and a few for the rest. With
# SQLAlchemy's default of 5 kept, a sixth call at once opened a connection and closed it on return:
# bench/bench_scale.py's load opened ~1.4 a second per process (a backend started each time, and every
# statement unprepared there for its first five runs). Most recently returned first (LIFO): the busy
# connections keep their prepared statements warm, and the spare ones rest (pinged when next used).
# SUPPORTBOT_DATABASE_POOL sets it (several processes on a machine with many cores can otherwise ask for more
# connections than the server's max_connections: each process holds up to pool + _POOL_OVERFLOW).
DEFAULT_POOL_SIZE = min(32, (os.cpu_count() or 1) + 4) + 4
_POOL_OVERFLOW = 10


def _ping_when_idle(engine: Engine, *, after: float) -> None:
    """Ping a connection on checkout only when it rested in the pool for a while (a database restarted
    or a connection cut while the process was quiet is found there, and the pool takes a new one).
    `pool_pre_ping` pinged on every checkout: a round trip more for each of a message's database calls.
    A connection cut while in use (`pg_terminate_backend`) fails its statement either way; SQLAlchemy
    then takes it for a disconnect and recycles every connection pooled before it, and the callers on
    the message path try again (`again_if_disconnected`) or leave the message pending for the sweeper."""

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested = time.monotonic() - record.info.get("returned_at", time.monotonic())
        if rested < after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the driver's own error for a dead connection, whatever its class
            raise DisconnectionError(f"a pooled connection was gone: {exc}") from exc

    event.listen(engine.pool, "checkin", returned)
    event.listen(engine.pool, "checkout", checkout)


def again_if_disconnected(work: Callable[[], T]) -> T:
    """`work()`, once more when its connection turned out dead (cut by `pg_terminate_backend` or a
    restart: SQLAlchemy has recycled the pool by then). For work that is safe to repeat: reads, and
    writes a unique constraint keeps from happening twice."""
    try:
        return work()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        logger.warning("a database connection was gone; trying once more on a new one")
        return work()


def make_engine(url: str, *, idle_ping: float = _IDLE_PING, pool_size: int | None = None) -> Engine:
    """`idle_ping`: PostgreSQL's pooled connections are pinged on checkout after resting this long (seconds)."""
    parsed = engine_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # SUPPORTBOT_DATA_DIR naming a file, or a folder nobody may write
                why = "a file, not a folder" if folder.is_file() else exc.strerror
                raise DatabaseError(f"cannot use {folder} for the database ({why}): check SUPPORTBOT_DATA_DIR") from None
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        postgres = parsed.get_backend_name() == "postgresql"
        connect_args = {"connect_timeout": _CONNECT_TIMEOUT} if postgres else {}
        pool = {"pool_size": pool_size or DEFAULT_POOL_SIZE, "max_overflow": _POOL_OVERFLOW, "pool_use_lifo": True} if postgres else {}
        engine = create_engine(parsed, connect_args=connect_args, **pool)
        _ping_when_idle(engine, after=idle_ping)
    counts = _CALLS[engine.pool] = DatabaseCalls()
    counts.attach(engine)
    return engine


def reach(engine: Engine) -> None:
    """Connect once; an unreachable database is a DatabaseError naming the host, never the password."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        url = engine.url
        where = (f"{url.host}:{url.port}" if url.port else url.host) if url.host else (url.database or "?")
        lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
        reason = without_password(lines[0] if lines else type(exc).__name__)
        if url.password:
            reason = reason.replace(str(url.password), "***")
        raise DatabaseError(f"cannot reach the database at {where} ({shown(url)}): {reason}") from None


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def without_password(message: str) -> str:
    """A driver's message with any URL's password masked."""
    return _PASSWORD.sub(r"\1***@", message)
