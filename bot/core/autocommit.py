"""Reads and single statements without a transaction around them, on PostgreSQL.

Its own module: the tables (bot/core/tables.py) read through it, and bot/core/database.py imports the
tables to create them, so it cannot live there without an import cycle."""

from __future__ import annotations

from sqlalchemy import Engine


def autocommit(engine: Engine) -> Engine:
    """The engine for a single statement or reads, on PostgreSQL without BEGIN and COMMIT (or ROLLBACK)
    around them: two round trips less each. A single statement is atomic by itself, and under READ
    COMMITTED each statement of a transaction takes its own snapshot anyway, so reads see nothing
    different. SQLite: the engine itself (pysqlite begins only before writes)."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")
