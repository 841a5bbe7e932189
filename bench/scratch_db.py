"""A throwaway database for a benchmark: a SQLite file in a scratch folder, or a fresh database on the
local PostgreSQL server (trust auth, as on the development and CI machines), dropped at the end."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

SERVER = "postgresql://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def scratch_database(*, scratch: str, postgres: bool, prefix: str = "supportbot_bench") -> Iterator[str]:
    """Yields the database URL; the PostgreSQL database is dropped (connections and all) on the way out."""
    if not postgres:
        yield f"sqlite:///{scratch}/bench.db"
        return
    import psycopg

    database = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')  # type: ignore[arg-type]
    try:
        yield f"{SERVER}/{database}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # type: ignore[arg-type]
