"""A customer's place in the queue and the wait told them (handoff/records.py `queue_position`, one
statement for the count and the latest claims), on the database the suite runs on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.core.database import open_database
from bot.core.handoff_states import HandoffStatus
from bot.core.tables import Handoff
from handoff.records import HandoffRecords
from tests.databases import database_url

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def records(tmp_path: Path) -> Iterator[HandoffRecords]:
    engine: Engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    yield HandoffRecords(engine, now=lambda: NOW)
    engine.dispose()


def _handoff(records: HandoffRecords, tenant: str, *, claimed_after: float | None = None) -> Handoff:
    created = NOW - timedelta(hours=1)
    claimed = created + timedelta(minutes=claimed_after) if claimed_after is not None else None
    return records.add(Handoff(conversation_id=f"c-{tenant}-{claimed_after}", tenant=tenant, reason="asked", created_at=created,
                               claimed_at=claimed, status=HandoffStatus.CLAIMED if claimed else HandoffStatus.QUEUED))


def test_without_claims_the_wait_is_the_default_per_person_and_the_place_counts_those_waiting_before(records: HandoffRecords) -> None:
    first, second = _handoff(records, "acme"), _handoff(records, "acme")
    _handoff(records, "other")
    assert records.queue_position(first) == (1, 5)
    assert records.queue_position(second) == (2, 10)


def test_the_wait_per_person_is_the_mean_of_the_tenants_latest_claims(records: HandoffRecords) -> None:
    _handoff(records, "acme", claimed_after=2)
    _handoff(records, "acme", claimed_after=4)
    _handoff(records, "other", claimed_after=60)
    first, second = _handoff(records, "acme"), _handoff(records, "acme")
    assert records.queue_position(first) == (1, 3)
    assert records.queue_position(second) == (2, 6)
