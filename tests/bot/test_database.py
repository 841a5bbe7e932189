"""bot/core/database.py and bot/migrations/: upgrades from the oldest released layout, downgrades, stamping of
databases made before migrations, the lock, and the starts that must stop. Run on SQLite and, with
SUPPORTBOT_TEST_DATABASE=postgresql, on a fresh PostgreSQL database per test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from bot.app.cli.main import main
from bot.core.connections import again_if_disconnected, engine_url, make_engine
from bot.core.database import (
    current,
    describe,
    downgrade,
    head,
    made_here,
    open_database,
    text_array,
    upgrade,
)
from bot.core.errors import DatabaseError
from bot.core.tables import utcnow
from bot.engine.messages import MessageStore
from tests.conftest import make_settings
from tests.databases import database_env, database_url, on_postgres

OLDEST = "0001"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return database_url(tmp_path / "db.sqlite")


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    made = make_engine(url)
    yield made
    made.dispose()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return current(conn)


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _oldest_rows(engine: Engine) -> None:
    """Rows in every table of the first released layout, written as that version wrote them."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tenant (name, created_at) VALUES ('acme', :t)"), {"t": datetime(2026, 11, 1, 9, tzinfo=UTC)})
        conn.execute(text(
            "INSERT INTO document (tenant, source, doc_id, content_hash, groups, title, url, chunk_count, version, updated_at) "
            "VALUES ('acme', 'faq.md', 'd1', 'h', 'public', 'FAQ', NULL, 3, 1, :t)"), {"t": datetime(2026, 11, 1, 9, tzinfo=UTC)})
        conn.execute(text(
            'INSERT INTO conversation (id, tenant, channel, "user", state, created_at, updated_at) '
            "VALUES ('c1', 'acme', 'widget', 'u1', 'bot', :t, :t)"), {"t": datetime(2026, 11, 1, 9, tzinfo=UTC)})
        conn.execute(text(
            "INSERT INTO message (conversation_id, client_id, role, text, status, reply_to, payload, created_at) VALUES "
            "('c1', 'k1', 'customer', 'how do I reset my password?', 'done', NULL, NULL, :t), "
            "('c1', NULL, 'bot', 'Open Settings.', 'done', 1, '{\"outcome\": \"answered\"}', :t)"), {"t": datetime(2026, 11, 1, 9, tzinfo=UTC)})
        conn.execute(text(
            "INSERT INTO auditevent (tenant, conversation_id, kind, data, created_at) VALUES ('acme', 'c1', 'outcome', '{}', :t)"),
            {"t": datetime(2026, 11, 1, 9, tzinfo=UTC)})


def test_the_oldest_released_layout_upgrades_to_head_with_its_rows_and_downgrades_back(engine: Engine) -> None:
    upgrade(engine, to=OLDEST)
    assert _tables(engine) == {"tenant", "document", "conversation", "message", "auditevent"}
    _oldest_rows(engine)

    assert upgrade(engine) == (OLDEST, head())
    assert _tables(engine) == set(SQLModel.metadata.tables)
    store = MessageStore(engine)
    history = store.history("c1")
    assert [(m.role, m.text) for m in history] == [("customer", "how do I reset my password?"), ("bot", "Open Settings.")]
    assert history[1].outcome == "answered" and history[0].to_json()["created_at"].startswith("2026-11-01T09:00:00")
    assert store.undelivered() == []  # old replies were sent long ago: the delivery column is empty for them
    reply = store.add("c1", role="bot", text="a new answer", delivery="queued", client_id="k2")
    assert reply is not None and store.add("c1", role="bot", text="again", client_id="k2") is None  # the unique pair still holds
    with engine.begin() as conn:  # rows in the tables later revisions added
        conn.execute(text("INSERT INTO handoff (conversation_id, tenant, reason, status, attempts, packet, created_at, not_before) "
                          "VALUES ('c1', 'acme', 'asked', 'queued', 0, '{}', :t, :t)"), {"t": utcnow()})
        conn.execute(text("INSERT INTO staff_post (handoff_id, position, kind, body, created_at) VALUES (1, 1, 'note', 'hi', :t)"), {"t": utcnow()})

    while _revision(engine) != OLDEST:  # one step at a time, as `supportbot db downgrade -1` does
        downgrade(engine, to="-1")
    assert _tables(engine) == {"tenant", "document", "conversation", "message", "auditevent"}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM message ORDER BY id")).scalars().all() == [
            "how do I reset my password?", "Open Settings.", "a new answer"]
        assert conn.execute(text("SELECT COUNT(*) FROM document")).scalar_one() == 1
    downgrade(engine, to="base")
    assert _tables(engine) == set()


def test_the_revisions_build_the_schema_the_models_describe(engine: Engine) -> None:
    upgrade(engine, to=OLDEST)  # from the first revision on, not the create_all shortcut for empty databases
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": made_here(conn.dialect.name)}), SQLModel.metadata)
    assert differences == []  # a model changed without a revision: `python -m bot.migrations "what changed"`


def test_an_empty_database_is_created_at_head_and_opens_again_unchanged(url: str) -> None:
    engine = open_database(url, upgrade=True)
    assert _revision(engine) == head() and _tables(engine) == set(SQLModel.metadata.tables)
    engine.dispose()
    engine = open_database(url, upgrade=False)  # at head: nothing to do, nothing to allow
    assert describe(engine) == f"{head()} (head)"
    engine.dispose()


def test_a_database_made_before_migrations_is_stamped_by_its_layout_then_upgraded(engine: Engine, url: str) -> None:
    upgrade(engine, to="0007")  # the layout create_all and the in-place ALTERs left at that release
    _oldest_rows(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert describe(engine).startswith(f"not stamped (layout of revision 0007); head is {head()}: made before migrations; run `supportbot db upgrade`")

    opened = open_database(url, upgrade=True)
    assert _revision(opened) == head()
    assert [m.text for m in MessageStore(opened).history("c1")] == ["how do I reset my password?", "Open Settings."]
    assert "ux_vault_conversation_placeholder" in {i["name"] for i in inspect(opened).get_indexes("vault")}
    opened.dispose()


def test_an_old_schema_stops_the_start_when_upgrades_are_not_allowed(engine: Engine, url: str) -> None:
    upgrade(engine, to="0011")
    with pytest.raises(DatabaseError, match=r"at revision 0011; this version needs .*supportbot db upgrade"):
        open_database(url, upgrade=False)
    assert _revision(engine) == "0011"


def test_a_schema_newer_than_the_code_knows_refuses_to_start(engine: Engine, url: str, tmp_path: Path) -> None:
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    for allowed in (True, False):
        with pytest.raises(DatabaseError, match="revision 0099, newer than this version of supportbot knows"):
            open_database(url, upgrade=allowed)
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path / "data"), "SUPPORTBOT_DATABASE_URL": url}
    for args in (["db", "upgrade"], ["db", "downgrade", "-1"]):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2 and "newer than this version of supportbot knows" in result.output, result.output
    assert _revision(engine) == "0099"  # untouched


def test_the_db_commands_upgrade_say_where_the_schema_is_and_step_back(url: str, tmp_path: Path) -> None:
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path / "data"), "SUPPORTBOT_DATABASE_URL": url}
    runner = CliRunner()
    assert runner.invoke(main, ["db", "current"], env=env).output.strip() == (
        f"empty; head is {head()}: run `supportbot db upgrade` to create the tables")
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0 and f"upgraded from nothing to {head()}" in result.output
    assert runner.invoke(main, ["db", "upgrade"], env=env).output.strip().endswith(f"at {head()}, nothing to do")
    result = runner.invoke(main, ["db", "downgrade", "-1"], env=env)
    before = f"{int(head()) - 1:04d}"  # revisions are numbered in order
    assert result.exit_code == 0 and f"downgraded from {head()} to {before}" in result.output
    # behind after the downgrade: said, with the command that brings it back (it said only "0020; head is 0021")
    shown = runner.invoke(main, ["db", "current"], env=env).output.strip()
    assert shown.startswith(f"{before}; head is {head()}: behind this version") and shown.endswith("run `supportbot db upgrade`")
    assert runner.invoke(main, ["db", "upgrade"], env=env).output.strip().endswith(f"upgraded from {before} to {head()}")
    assert runner.invoke(main, ["db", "current"], env=env).output.strip() == f"{head()} (head)"


def test_concurrent_upgrades_run_one_at_a_time_and_once(engine: Engine, url: str) -> None:
    upgrade(engine, to=OLDEST)
    engines = [make_engine(url) for _ in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            results = list(pool.map(lambda e: upgrade(e), engines))
    finally:
        for e in engines:
            e.dispose()
    assert sorted(results) == sorted([(OLDEST, head()), (head(), head()), (head(), head())])
    assert _revision(engine) == head()


def test_an_unreachable_database_stops_the_start_naming_the_host_not_the_password(tmp_path: Path) -> None:
    from bot.app.composition import build_services

    for unreachable, host in (("postgresql://support:pa55-w0rd-x@127.0.0.1:1/support", "127.0.0.1:1"),
                              ("postgresql://support:pa55-w0rd-x@db.invalid/support", "db.invalid")):
        with pytest.raises(DatabaseError) as stopped:
            build_services(make_settings(tmp_path / "data", SUPPORTBOT_DATABASE_URL=unreachable))
        assert f"cannot reach the database at {host}" in str(stopped.value)
        assert "pa55-w0rd-x" not in str(stopped.value) and "***" in str(stopped.value)
        result = CliRunner().invoke(main, ["db", "current"], env={"SUPPORTBOT_DATA_DIR": str(tmp_path / "data"), "SUPPORTBOT_DATABASE_URL": unreachable})
        assert result.exit_code == 2 and host in result.output and "pa55-w0rd-x" not in result.output


def test_a_postgresql_url_means_the_psycopg_driver() -> None:
    assert engine_url("postgresql://u:p@db:5432/support").drivername == "postgresql+psycopg"
    assert engine_url("postgres://u@db/support").drivername == "postgresql+psycopg"
    assert engine_url("postgresql+psycopg://u@db/support").drivername == "postgresql+psycopg"
    assert engine_url("sqlite:///x.db").drivername == "sqlite"


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: arrays (SQLite has none)")
def test_a_text_array_literal_reads_back_as_the_values_it_was_made_of(engine: Engine) -> None:
    values = ['{"o":"p1","c":"c\\1","e":{"type":"token","text":"say \\"hi\\", {ok}"}}', None, "NULL", "", " spaced ", "a,b}", "é\nñ\t", "\\"]
    with engine.connect() as conn:
        read = conn.execute(text("SELECT x FROM unnest(CAST(:values AS VARCHAR[])) WITH ORDINALITY AS v(x, n) ORDER BY n"),
                            {"values": text_array(values)}).scalars().all()
        assert conn.execute(text("SELECT cardinality(CAST(:values AS TEXT[]))"), {"values": text_array([])}).scalar_one() == 0
    assert read == values


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: a server's time zone (SQLite has none)")
def test_times_are_utc_whatever_the_postgresql_servers_time_zone(tmp_path: Path) -> None:
    env = database_env(tmp_path / "data")
    name = env["SUPPORTBOT_DATABASE_URL"].rsplit("/", 1)[1]
    engine = open_database(env["SUPPORTBOT_DATABASE_URL"], upgrade=True)
    with engine.begin() as conn:
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone = 'America/New_York'"))
    engine.dispose()
    engine = open_database(env["SUPPORTBOT_DATABASE_URL"], upgrade=False)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW timezone")).scalar_one() == "America/New_York"
    before = utcnow()
    store = MessageStore(engine)
    stored = store.add("c1", role="customer", text="hello")
    assert stored is not None
    [message] = store.history("c1")
    at = message.to_json()["created_at"]  # as the API shows it
    assert at == stored.to_json()["created_at"] and at.endswith("+00:00")
    assert abs((datetime.fromisoformat(at) - before).total_seconds()) < 60
    engine.dispose()


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: a server that cuts connections (pg_terminate_backend)")
def test_a_connection_the_server_cut_is_replaced_silently_after_a_rest_and_on_a_second_try_right_after_use(url: str) -> None:
    """No ping on every checkout: a connection cut right after its last use fails its next statement,
    and `again_if_disconnected` runs the work once more on a new one; one that rested is pinged first."""
    engine, admin = make_engine(url, idle_ping=0.3), make_engine(url)

    def backend() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())

    def cut(pid: int) -> None:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            # pg_stat_activity is read once per transaction: without clearing its snapshot, a backend seen
            # alive on the first look stays alive for the whole loop (this test once hung CI here)
            while conn.execute(text("SELECT pg_stat_clear_snapshot(), count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).one()[1]:
                assert time.monotonic() < deadline, f"backend {pid} still there 10 s after pg_terminate_backend"
                time.sleep(0.02)

    try:
        first = backend()
        cut(first)
        time.sleep(0.5)  # rested past idle_ping: pinged on checkout, found dead, replaced
        second = backend()
        assert second != first
        cut(second)  # and used again at once: no ping, the statement fails, the work runs again
        tries: list[int] = []

        def work() -> int:
            tries.append(1)
            return backend()

        third = again_if_disconnected(work)
        assert len(tries) == 2 and third not in (first, second)
        cut(third)
        with pytest.raises(DBAPIError):  # without it, the caller hears of the cut (the message path retries or leaves it pending)
            backend()
    finally:
        engine.dispose()
        admin.dispose()


def test_a_data_dir_that_is_a_file_is_named_not_a_traceback(tmp_path: Path) -> None:
    # before: FileExistsError from mkdir, a traceback for every command
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("oops")
    with pytest.raises(DatabaseError, match=r"cannot use .*data for the database \(a file, not a folder\): check SUPPORTBOT_DATA_DIR"):
        make_engine(f"sqlite:///{not_a_folder / 'supportbot.db'}")
