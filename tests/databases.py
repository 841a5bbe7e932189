"""Which database the tests run on: SQLite files (default) or, with SUPPORTBOT_TEST_DATABASE=postgresql
(or a server URL such as postgresql://postgres@127.0.0.1:5432), a PostgreSQL server on which every data
directory of the run gets its own freshly created database, dropped when the run ends.

Tests reach it through `make_settings` (conftest.py) and `database_url(path)`; neither needs to know
which database it is.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
_NAME = re.compile(r"^sbt_(\d+)_\d+$")
_SEQUENCE = itertools.count()


def _server_url() -> str | None:
    chosen = os.environ.get("SUPPORTBOT_TEST_DATABASE", "sqlite").strip()
    if chosen in ("", "sqlite"):
        return None
    if chosen in ("postgresql", "postgres", "pg"):
        return DEFAULT_SERVER
    return chosen


class PostgresDatabases:
    """One database per key (a data directory), created on first use; all dropped by `drop_all`."""

    def __init__(self, server: str) -> None:
        from sqlalchemy import make_url

        self._server = make_url(server).set(drivername="postgresql")
        self._made: dict[str, str] = {}
        self._unreachable: str | None = None
        self._swept = False

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        url = self._server
        return psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname=url.database or "postgres",
            autocommit=True, connect_timeout=5,
        )

    def url_for(self, key: str) -> str:
        if key in self._made:
            return self._made[key]
        if self._unreachable is not None:
            pytest.skip(self._unreachable)
        name = f"sbt_{os.getpid()}_{next(_SEQUENCE)}"  # unique across instances of one run
        import psycopg

        try:
            with self._admin() as conn:
                if not self._swept:
                    self._sweep(conn)
                conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error as exc:  # OperationalError, mostly: no server answers
            self._unreachable = f"PostgreSQL tests: no server answers at {self._server.host}:{self._server.port or 5432} ({exc})".splitlines()[0]
            pytest.skip(self._unreachable)
        url = self._server.set(database=name).render_as_string(hide_password=False)
        self._made[key] = url
        return url

    def _sweep(self, conn) -> None:  # type: ignore[no-untyped-def]
        """Drop what runs that died before their end left behind (their process is gone)."""
        self._swept = True
        for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'sbt\\_%'").fetchall():
            match = _NAME.match(name)
            if match and not _alive(int(match.group(1))):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        if not self._made:
            return
        with self._admin() as conn:
            for url in self._made.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        self._made.clear()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_SERVER = _server_url()
POSTGRES: PostgresDatabases | None = PostgresDatabases(_SERVER) if _SERVER else None


def on_postgres() -> bool:
    return POSTGRES is not None


def database_url(path: Path) -> str:
    """A database for this path: the SQLite file itself, or the run's PostgreSQL database for it."""
    return POSTGRES.url_for(str(path.resolve())) if POSTGRES is not None else f"sqlite:///{path}"


def database_env(data_dir: Path) -> dict[str, str]:
    """Settings for a data dir's database (nothing on SQLite: the data dir's own file)."""
    if POSTGRES is None:
        return {}
    return {"SUPPORTBOT_DATABASE_URL": POSTGRES.url_for(str(data_dir.resolve())), "SUPPORTBOT_DATABASE_UPGRADE": "1"}


def stored_bytes(path: Path) -> bytes:
    """Everything the database for `path` holds, for "this value is not stored in clear" checks: the
    SQLite file's bytes, or every row of every table of the PostgreSQL database as text."""
    if POSTGRES is None:
        return path.read_bytes()
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(database_url(path).replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return b"\n".join(str(row).encode() for t in tables for row in conn.execute(text(f'SELECT * FROM "{t}"')))
    finally:
        engine.dispose()
