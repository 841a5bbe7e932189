"""Reads and single statements without a transaction around them, on PostgreSQL.

Its own module: the tables (bot/core/tables.py) read through it, and bot/core/database.py imports the
tables to create them, so it cannot live there without an import cycle."""

from __future__ import annotations

from sqlalchemy import Engine


def autocommit(engine: Engine) -> Engine:
    """The engine for a single statement or reads, on PostgreSQL without BEGIN and COMMIT (or ROLLBACK)
    around them: two round trips less each. A single statement is atomic by itself, and under READ
    COMMITTED each statement of a transaction takes its own snapshot anyway, so reads see nothing
    different. It also keeps psycopg's prepared statements: psycopg forgets every statement a connection
    prepared at each ROLLBACK (and sends DEALLOCATE ALL), so one read in a transaction, closed by the
    pool's rollback, sent the message path's statements back to being parsed and planned on every
    execution (bench/bench_scale.py: 158 of 1163 statements of a loaded process ran prepared).
    SQLite: the engine itself (pysqlite begins only before writes)."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")
