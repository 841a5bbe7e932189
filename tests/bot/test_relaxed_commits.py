"""PostgreSQL: the writes a crash of the database server may lose at no cost (a request's limit counts, a
turn's lease given back) commit without waiting for the disk; every other write still waits (a message
acknowledged must survive the server's crash). Seen from inside each write's own transaction: a trigger
records the `synchronous_commit` its statement commits with."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.app.limit_table import TableLimitStore
from bot.app.limits import Hit
from bot.core.database import open_database
from bot.engine.leases import LeaseTable
from tests.databases import database_url, on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="synchronous_commit is PostgreSQL's (SUPPORTBOT_TEST_DATABASE=postgresql)")

_RECORDER = """
CREATE TABLE commit_mode (tbl text, mode text);
CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO commit_mode VALUES (TG_TABLE_NAME, current_setting('synchronous_commit'));
    RETURN NULL;
END $$;
CREATE TRIGGER limit_count_mode AFTER INSERT OR UPDATE ON limit_count FOR EACH STATEMENT EXECUTE FUNCTION record_commit_mode();
CREATE TRIGGER limit_burst_mode AFTER INSERT OR UPDATE ON limit_burst FOR EACH STATEMENT EXECUTE FUNCTION record_commit_mode();
CREATE TRIGGER lease_mode AFTER INSERT OR UPDATE OR DELETE ON lease FOR EACH STATEMENT EXECUTE FUNCTION record_commit_mode();
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_database(database_url(tmp_path / "relaxed.db"), upgrade=True)
    with engine.begin() as conn:
        conn.exec_driver_sql(_RECORDER)
    yield engine  # type: ignore[misc]
    engine.dispose()


def _modes(engine: Engine) -> set[tuple[str, str]]:
    """(table, synchronous_commit) of each write since the last call (an upsert fires its insert's and its update's trigger)."""
    with engine.begin() as conn:
        found = {(row.tbl, row.mode) for row in conn.execute(text("SELECT tbl, mode FROM commit_mode"))}
        conn.execute(text("DELETE FROM commit_mode"))
    return found


async def test_a_requests_limit_counts_commit_without_waiting_for_the_disk(engine: Engine) -> None:
    store = TableLimitStore(engine=engine)
    hits = [Hit("client:c1", 5, 60.0), Hit("tenant:t1", 100, 60.0), Hit("ip:10.0.0.1", 50, 60.0)]
    assert await store.take_then_hit_each("burst:c1", burst=3, interval=1.0, hits=hits) == (0.0, -1, 0.0)
    assert await store.hit_each(hits) == (-1, 0.0)
    assert _modes(engine) == {("limit_count", "off"), ("limit_burst", "off")}
    # still counted, and the fifth refused as before
    for _ in range(3):
        await store.hit_each(hits)
    assert (await store.hit_each(hits))[0] == 0


def test_a_lease_given_back_commits_without_waiting_but_a_lease_taken_waits(engine: Engine) -> None:
    leases = LeaseTable(engine=engine, holder="p1")
    assert leases.take("conversation:c1", ttl=5) and leases.take("conversation:c2", ttl=5)
    assert _modes(engine) == {("lease", "on")}
    leases.release_many(["conversation:c1", "conversation:c2"])
    assert _modes(engine) == {("lease", "off")}
    assert leases.held(["conversation:c1", "conversation:c2"]) == set()
    # the setting lasts for the release's own transaction only: the next write on the pool's connections waits again
    assert leases.take("conversation:c1", ttl=5)
    assert _modes(engine) == {("lease", "on")}
