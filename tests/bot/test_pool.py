"""PostgreSQL's connections keep what a message's statements need between messages: the pool keeps as many
connections open as the threads that use them at once, and the reads that run beside the message path
(the rollout stage every half second, a sampled answer's grade, the knowledge-base watch, the rollback
watch's counts) begin no transaction, whose ROLLBACK made psycopg drop every statement the connection had
prepared (bot/core/autocommit.py, bot/core/connections.py; bench/bench_scale.py's load ran 158 of 1163
statements prepared, and opened ~1.4 connections a second). PostgreSQL only
(SUPPORTBOT_TEST_DATABASE=postgresql): SQLite has neither."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, bindparam, select, text

from bot.core.connections import calls
from bot.core.database import open_database
from bot.core.direct import DirectStatement
from bot.core.errors import ConfigError
from bot.core.ops_tables import AnswerGrade
from bot.core.tables import AuditLog, Conversation
from bot.engine.knowledge_watch import fingerprints
from bot.engine.online_grading import OnlineGrader
from bot.engine.rollout import RollbackWatch, RolloutBook
from tests.conftest import make_settings
from tests.databases import database_url, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's pool and prepared statements")

TABLE = Conversation.__table__  # type: ignore[attr-defined]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "pool.db"), upgrade=True)
    yield engine
    engine.dispose()


def _prepared(engine: Engine) -> int:
    """How many statements the connection the pool hands out next has prepared (read without a transaction:
    its ROLLBACK would drop them)."""
    with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())


def test_reads_beside_the_message_path_keep_its_prepared_statements_and_begin_no_transaction(engine: Engine, tmp_path: Path) -> None:
    hot = DirectStatement(engine, select(TABLE.c.id).where(TABLE.c.id == bindparam("b_id")))
    for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
        hot.rows({"b_id": "c1"})
    # one call at a time: the pool's one connection serves every call below, as `_prepared` reads it
    assert _prepared(engine) >= 1
    settings = make_settings(tmp_path)
    book = RolloutBook(engine=engine, settings=settings)
    counts = calls(engine)
    before = counts.transactions

    book.current("default", fresh=True)
    RollbackWatch(engine=engine, book=book, settings=settings).counts("default")
    fingerprints(engine)
    grader = OnlineGrader(engine=engine, share=1.0)
    grader._add(AnswerGrade(message_id=7, conversation_id="c1", tenant="demo", score=0.9, support=0.9, relevance=0.9, citations_valid=True),
                answered_at=datetime.now(UTC))

    assert counts.transactions == before  # no BEGIN (and so no ROLLBACK) for any of them
    assert _prepared(engine) >= 1  # the message path's statement is still prepared


def test_the_grade_keeps_the_customers_signals_that_came_before_it(engine: Engine, tmp_path: Path) -> None:
    AuditLog(engine).record(tenant="demo", conversation_id="c2", kind="feedback", message_id=8, helpful=False)
    OnlineGrader(engine=engine, share=1.0)._add(
        AnswerGrade(message_id=8, conversation_id="c2", tenant="demo", score=0.5, support=0.5, relevance=0.5, citations_valid=True),
        answered_at=datetime.now(UTC))
    with engine.connect() as conn:
        row = conn.execute(select(AnswerGrade.helpful, AnswerGrade.handoff_after).where(AnswerGrade.message_id == 8)).one()
    assert tuple(row) == (False, False)


def test_as_many_calls_at_once_as_the_threads_that_make_them_open_no_connection_the_next_time(engine: Engine) -> None:
    # asyncio.to_thread's threads (min(32, cores + 4)): SQLAlchemy's default pool kept 5, so a sixth call at
    # once opened a connection and closed it on return, and the next burst opened one again (a backend started each time)
    threads = max(6, min(32, (os.cpu_count() or 1) + 4))
    backend = DirectStatement(engine, text("SELECT pg_backend_pid(), pg_sleep(0.05)"))
    gate = threading.Barrier(threads)

    def call(_: int) -> int:
        gate.wait(timeout=10)
        return int(backend.rows({})[0][0])

    with ThreadPoolExecutor(threads) as pool:
        first = set(pool.map(call, range(threads)))
        second = set(pool.map(call, range(threads)))
    assert len(first) == threads
    assert second <= first  # every connection of the second burst was one the first opened


def test_the_operators_pool_setting_is_the_number_of_connections_a_process_keeps(tmp_path: Path) -> None:
    # several processes on a machine with many cores: each kept (cores + 8) connections, which can pass the
    # server's max_connections; SUPPORTBOT_DATABASE_POOL caps them, and a value that is no number stops the start
    settings = make_settings(tmp_path, SUPPORTBOT_DATABASE_POOL="3")
    assert settings.database_pool == 3
    engine = open_database(settings.database_url, upgrade=True, pool_size=settings.database_pool)
    try:
        backend = DirectStatement(engine, text("SELECT pg_backend_pid(), pg_sleep(0.05)"))
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda _: backend.rows({}), range(6)))
        assert engine.pool.checkedin() == 3  # six at once; three kept, the rest closed on return
    finally:
        engine.dispose()
    with pytest.raises(ConfigError, match="SUPPORTBOT_DATABASE_POOL"):
        make_settings(tmp_path, SUPPORTBOT_DATABASE_POOL="many")
