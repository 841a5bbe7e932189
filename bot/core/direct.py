"""Statements a message makes on PostgreSQL every time, run on the pool's psycopg connection directly.

SQLAlchemy's execution of a statement (the connection's wrapper, its events, the compiled cache's key,
the execution context, the result's metadata and row objects) costs the client 30-120 µs of CPU over
psycopg's own (bench/bench_scale.py: `select 1` 44 against 13 µs, `LOAD` 110-145 against 21), on
each of the few statements every message makes. `DirectStatement` keeps what the message path relies
on from SQLAlchemy: the statement written with SQLAlchemy and compiled once by its PostgreSQL dialect,
the column types' conversions (an `EnumText` column reads back as its enum), the engine's pool (its
checkout events, the idle ping among them), SQLAlchemy's error types (callers catch `SQLAlchemyError`,
`IntegrityError`, and `again_if_disconnected` reads `connection_invalidated`), the pool's recycling
of every connection after a disconnect, and the statement counts (`supportbot_database_*`). Each
statement runs outside a transaction, as the autocommit engine's do (bot/core/autocommit.py), but for `rows_after`'s two
(in the protocol's implicit transaction of their one round trip).

Hand-written here because SQLAlchemy has no lighter execution path to opt into: its compiled cache
already saves the compilation, and the rest of the cost is per execution.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from bot.core.connections import calls


class DirectStatement:
    """`statement` compiled once for `engine` (PostgreSQL with psycopg); `rows(values)` runs it.
    `column_keys`: an INSERT's columns given (its VALUES list), as `Connection.execute` would take
    them from the first row of values."""

    __slots__ = ("_binds", "_calls", "_defaults", "_engine", "_error_class", "_results", "sql")

    def __init__(self, engine: Engine, statement: ClauseElement, *, column_keys: Sequence[str] | None = None) -> None:
        if engine.dialect.driver != "psycopg":
            raise ValueError(f"DirectStatement runs on psycopg only, not {engine.dialect.name}+{engine.dialect.driver}")
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys is not None else None)
        if any(bind.expanding for bind in compiled.bind_names):
            raise ValueError("an expanding parameter (IN with a list) is built per call: use = ANY(array) instead")
        self.sql = compiled.string
        self._engine = engine
        self._calls = calls(engine)
        # the values a statement carries itself (`.values(status="done")`) and the bind conversions its types need
        names = compiled.bind_names  # each parameter of the statement -> its name in the SQL
        self._defaults: dict[str, Any] = {name: bind.effective_value for bind, name in names.items() if not bind.required}
        self._binds: list[tuple[str, Callable[[Any], Any]]] = []
        for bind, name in names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self._binds.append((name, process))
        self._error_class = dialect.loaded_dbapi.Error
        columns = getattr(statement, "exported_columns", ())  # a SELECT's columns, an INSERT's RETURNING; none for text()
        processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self._results: list[tuple[int, Callable[[Any], Any]]] | None = [(i, p) for i, p in enumerate(processors) if p is not None] or None

    def rows(self, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows (none for a statement that returns none), committed as it runs."""
        return self.run(values)[0]

    def rows_after(self, first: str, first_values: Mapping[str, Any], values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """`rows`, in one transaction after `first` (SQL taking a lock the statement's reads must wait for:
        under READ COMMITTED a statement reads what was committed when it began, so the lock has to be
        taken by a statement before it). Both statements go in one round trip (psycopg's pipeline mode), in
        the implicit transaction the protocol runs up to its Sync: no BEGIN or COMMIT."""
        return self.run(values, first=(first, first_values))[0]

    def run(self, values: Mapping[str, Any], *, first: tuple[str, Mapping[str, Any]] | None = None) -> tuple[list[tuple[Any, ...]], int]:
        """(the rows, the rowcount); `first`: see `rows_after`."""
        parameters = self._defaults | dict(values) if self._defaults else dict(values)
        for name, process in self._binds:
            if name in parameters:
                parameters[name] = process(parameters[name])
        pooled = self._engine.raw_connection()  # the pool's checkout, with its events (the idle ping, the counts)
        connection: Any = pooled.driver_connection
        self._calls.statements += 1 if first is None else 2  # (`first`'s transaction sends no BEGIN or COMMIT: not counted)
        try:
            if first is not None:
                found, count = self._in_transaction(connection, first, parameters)
            else:
                connection.autocommit = True
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(self.sql, parameters)
                        found = cursor.fetchall() if cursor.description is not None else []
                        count = cursor.rowcount
                finally:
                    if not connection.closed and not connection.broken:
                        connection.autocommit = False  # as the pool gave it (SQLAlchemy's autocommit engine sets it back too)
        except self._error_class as exc:
            raise self._error(exc, pooled, parameters) from exc
        finally:
            pooled.close()  # back to the pool (an invalidated one is discarded)
        if self._results is not None:
            converted = []
            for row in found:
                row = list(row)
                for i, process in self._results:
                    row[i] = process(row[i])
                converted.append(tuple(row))
            found = converted
        return found, count

    def _in_transaction(self, connection: Any, first: tuple[str, Mapping[str, Any]], parameters: Mapping[str, Any]) -> tuple[list[Any], int]:
        """`first` and the statement in a transaction of their own: the extended protocol's implicit one, which
        runs from the first statement to the pipeline's Sync and commits there (rolls back on an error), so no
        BEGIN or COMMIT is sent and one Sync is waited for. (An explicit BEGIN ... COMMIT waited for two:
        psycopg's commit() in a pipeline syncs, and leaving the pipeline syncs again.)"""
        connection.autocommit = True  # no BEGIN from psycopg: the Sync ends the transaction
        try:
            with connection.cursor() as before, connection.cursor() as cursor:
                with connection.pipeline():
                    before.execute(*first)
                    cursor.execute(self.sql, parameters)
                return (cursor.fetchall() if cursor.description is not None else []), cursor.rowcount
        finally:
            if not connection.closed and not connection.broken:
                connection.autocommit = False  # as the pool gave it

    def _error(self, exc: Exception, pooled: Any, parameters: Mapping[str, Any]) -> DBAPIError:
        """The driver's error as SQLAlchemy raises it (`IntegrityError` for a unique violation); a connection
        found dead is discarded with every connection pooled before it, as SQLAlchemy's own execution does."""
        dialect = self._engine.dialect
        disconnect = dialect.is_disconnect(exc, pooled.driver_connection, None)
        if disconnect:
            self._engine.pool._invalidate(pooled, exc)  # what Connection._handle_dbapi_exception calls for a disconnect
        error = DBAPIError.instance(self.sql, dict(parameters), exc, self._error_class, connection_invalidated=disconnect,
                                    dialect=dialect)
        assert isinstance(error, DBAPIError)
        return error
