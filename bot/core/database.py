"""The engine and the schema's version: open a database, upgrade it with Alembic (bot/migrations/), say
where it stands.

One process upgrades at a time: PostgreSQL takes an advisory lock, SQLite a lock file next to the
database. A database that a version before migrations made (create_all and in-place `ALTER`s) has no
`alembic_version` table: its layout tells which revision it is at, and it is stamped so. A fresh empty
database gets the tables of the models and is stamped at head (Alembic's "build from scratch" recipe; a
test checks that the revisions build the same schema).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import Pool
from sqlmodel import SQLModel

from bot.core.errors import DatabaseError

logger = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# pg_advisory_lock's key for "a process is migrating this database" (any constant; 'sbot' in ASCII)
_ADVISORY_KEY = 0x73626F74
_CONNECT_TIMEOUT = 10  # seconds: an unreachable host stops the start instead of hanging it


def engine_url(url: str) -> URL:
    """The URL SQLAlchemy is given: `postgresql://` and `postgres://` mean psycopg 3 (the driver installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def made_here(dialect: str) -> Any:
    """Alembic's `include_object` for a database of `dialect`: leaves out what the models create only on
    another database (an index with `ddl_if(dialect=...)`, such as PostgreSQL's trigram search index),
    which autogenerate would otherwise report as missing."""

    def include(obj: Any, _name: str | None, _kind: str, _reflected: bool, _compare_to: Any) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect

    return include


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


# the schema's version --------------------------------------------------------------------------------
@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def head() -> str:
    return str(_scripts().get_current_head())


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def current(conn: Connection) -> str | None:
    """The revision the database is stamped at (None: not stamped: empty, or made before migrations)."""
    heads = MigrationContext.configure(conn).get_current_heads()
    return heads[0] if heads else None


def _check_known(revision: str | None) -> None:
    if revision is None:
        return
    try:
        known = _scripts().get_revision(revision)
    except (CommandError, ResolutionError):
        known = None
    if known is None:
        raise DatabaseError(
            f"the database's schema is at revision {revision}, newer than this version of supportbot knows "
            f"(its newest is {head()}): run the newer version, or downgrade the database with it first"
        )


def layout_revision(conn: Connection) -> str | None:
    """Which revision an unstamped database's tables match (the newest whose change, and every earlier
    one's, is present), or None when it has no tables of ours."""
    inspector = inspect(conn)
    found = None
    for script in reversed(list(_scripts().walk_revisions())):  # oldest first
        if not script.module.in_layout(inspector):
            break
        found = script.revision
    return found


@contextlib.contextmanager
def exclusive(conn: Connection, *, name: str = "migrate") -> Iterator[None]:
    """Held by one process at a time across every process sharing the database: others wait, then find
    the work done. PostgreSQL: a session advisory lock on the name; SQLite: a lock file beside the database."""
    if conn.dialect.name == "postgresql":
        key = {"key": _ADVISORY_KEY} if name == "migrate" else {"key": name}
        lock = "pg_advisory_lock(:key)" if name == "migrate" else "pg_advisory_lock(hashtextextended(:key, 0))"
        conn.execute(text(f"SELECT {lock}"), key)
        conn.commit()  # the lock is the session's: it outlives this transaction
        try:
            yield
        finally:
            if conn.in_transaction():
                conn.rollback()
            conn.execute(text(f"SELECT {lock.replace('_lock(', '_unlock(')}"), key)
            conn.commit()
        return
    database = conn.engine.url.database if conn.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    suffix = "migrating" if name == "migrate" else hashlib.sha1(name.encode()).hexdigest()[:12] + ".lock"
    with open(f"{database}.{suffix}", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _adopt(conn: Connection, config: Config, *, to: str) -> None:
    """An unstamped database: a fresh one gets the models' tables at head (or, for an older target, is
    left to the revisions from the start); one made before migrations is stamped at the revision its layout shows."""
    import bot.core.tables  # noqa: F401  (the tables, registered on SQLModel.metadata)

    revision = layout_revision(conn)
    if revision is None and to not in ("head", head()):
        return
    if revision is None:
        SQLModel.metadata.create_all(conn)
        conn.commit()
        command.stamp(config, "head")
        logger.info("created the database schema at revision %s", head())
    else:
        command.stamp(config, revision)
        logger.info("found a database made before migrations, at revision %s", revision)
    conn.commit()


def upgrade(engine: Engine, *, to: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to `to` under the migration lock. Returns (revision before, revision after)."""
    with engine.connect() as conn, exclusive(conn):
        config = _config(conn)
        before = current(conn)
        _check_known(before)
        if before is None:
            _adopt(conn, config, to=to)
        command.upgrade(config, to)
        conn.commit()
        return before, current(conn)


def downgrade(engine: Engine, *, to: str) -> tuple[str | None, str | None]:
    with engine.connect() as conn, exclusive(conn):
        config = _config(conn)
        before = current(conn)
        _check_known(before)
        command.downgrade(config, to)
        conn.commit()
        return before, current(conn)


def ensure_schema(engine: Engine, *, upgrade_allowed: bool) -> None:
    """At start: the schema at head, upgraded here if the operator allows; else a DatabaseError saying what to run."""
    with engine.connect() as conn:
        revision = current(conn)
    _check_known(revision)
    if revision == head():
        return
    if not upgrade_allowed:
        where = f"at revision {revision}" if revision else "not set up by supportbot (or made before migrations)"
        raise DatabaseError(
            f"the database {shown(engine.url)} is {where}; this version needs {head()}: run `supportbot db upgrade` "
            "(or set SUPPORTBOT_DATABASE_UPGRADE=1 to upgrade at start)"
        )
    before, after = upgrade(engine)
    if before is not None and before != after:
        logger.info("upgraded the database schema from %s to %s", before, after)


def open_database(url: str, *, upgrade: bool | None = None, pool_size: int | None = None) -> Engine:
    """An engine whose database answers and has this version's schema. `upgrade`: may the schema be
    upgraded here (None: yes for SQLite, whose data dir is one machine's; elsewhere `supportbot db upgrade`).
    `pool_size`: PostgreSQL connections kept open (None: DEFAULT_POOL_SIZE)."""
    engine = make_engine(url, pool_size=pool_size)
    reach(engine)
    allowed = engine.url.get_backend_name() == "sqlite" if upgrade is None else upgrade
    try:
        ensure_schema(engine, upgrade_allowed=allowed)
    except BaseException:
        engine.dispose()
        raise
    return engine


def describe(engine: Engine) -> str:
    """`supportbot db current`: the revision and whether it is the newest this version knows."""
    with engine.connect() as conn:
        revision = current(conn)
        layout = layout_revision(conn) if revision is None else None
    if revision is None:
        if layout:
            return (f"not stamped (layout of revision {layout}); head is {head()}: made before migrations; "
                    "run `supportbot db upgrade` (it stamps it, then upgrades it)")
        return f"empty; head is {head()}: run `supportbot db upgrade` to create the tables"
    _check_known(revision)
    if revision == head():
        return f"{revision} (head)"
    # behind (a downgrade, or a new release not yet upgraded to): `serve` refuses it (ensure_schema), and a
    # process still running on it fails where it reads what is missing; said here with the command
    return (f"{revision}; head is {head()}: behind this version of supportbot, whose processes refuse to start on it; "
            "run `supportbot db upgrade`")


def text_array(values: Iterable[str | None]) -> str:
    """PostgreSQL's literal of an array of text (`{"a","b",NULL}`), for a parameter the statement casts
    to an array (`CAST(:texts AS VARCHAR[])`, `%s::text[]`): psycopg dumps a list of str element by
    element in Python, a regular expression substitution each for its quotes and backslashes: the relay's
    statement of two JSON payloads cost 70 µs of client CPU that way, 23 with this one string (raw psycopg;
    bench/bench_scale.py)."""
    return "{" + ",".join("NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def without_password(message: str) -> str:
    """A driver's message with any URL's password masked."""
    return _PASSWORD.sub(r"\1***@", message)
