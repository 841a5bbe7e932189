"""The schema's version: open a database, upgrade it with Alembic (bot/migrations/), say where it stands.
The engine and its pool are bot/core/connections.py's.

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
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import SQLModel

from bot.core.connections import make_engine, reach, shown
from bot.core.errors import DatabaseError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# pg_advisory_lock's key for "a process is migrating this database" (any constant; 'sbot' in ASCII)
_ADVISORY_KEY = 0x73626F74


def made_here(dialect: str) -> Any:
    """Alembic's `include_object` for a database of `dialect`: leaves out what the models create only on
    another database (an index with `ddl_if(dialect=...)`, such as PostgreSQL's trigram search index),
    which autogenerate would otherwise report as missing."""

    def include(obj: Any, _name: str | None, _kind: str, _reflected: bool, _compare_to: Any) -> bool:
        only = getattr(obj, "_ddl_if", None)
        return only is None or only.dialect is None or only.dialect == dialect

    return include


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
    `pool_size`: PostgreSQL connections kept open (None: bot/core/connections.py `DEFAULT_POOL_SIZE`)."""
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
