"""A customer's place in the queue and the wait told them (handoff/records.py `queue_position`, one
statement for the count and the latest claims, on the database the suite runs on; handoff/wait_estimate.py
for the median, the scale and what a customer told again may hear)."""

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
from handoff.wait_estimate import MIN_CLAIMS, Told, estimate, not_above
from tests.databases import database_url

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def records(tmp_path: Path) -> Iterator[HandoffRecords]:
    engine: Engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    yield HandoffRecords(engine, now=lambda: NOW)
    engine.dispose()


def _handoff(records: HandoffRecords, tenant: str, *, claimed_after: float | None = None, days_ago: float = 0) -> Handoff:
    created = NOW - timedelta(hours=1, days=days_ago)
    claimed = created + timedelta(minutes=claimed_after) if claimed_after is not None else None
    return records.add(Handoff(conversation_id=f"c-{tenant}-{claimed_after}", tenant=tenant, reason="asked", created_at=created,
                               claimed_at=claimed, status=HandoffStatus.CLAIMED if claimed else HandoffStatus.QUEUED))


def test_without_enough_claims_no_wait_is_invented_and_the_place_counts_those_waiting_before(records: HandoffRecords) -> None:
    for _ in range(MIN_CLAIMS - 1):
        _handoff(records, "acme", claimed_after=3)
    _handoff(records, "other", claimed_after=3)  # another tenant's claims count for it only
    first, second = _handoff(records, "acme"), _handoff(records, "acme")
    _handoff(records, "other")
    assert records.queue_position(first) == (1, None)
    assert records.queue_position(second) == (2, None)


def test_the_wait_per_person_is_the_median_of_the_tenants_recent_claims_on_a_coarse_scale(records: HandoffRecords) -> None:
    for minutes in (2, 3, 3, 4, 60):  # one claimed after an hour moved the mean (14.4 minutes a person), not the median
        _handoff(records, "acme", claimed_after=minutes)
    for _ in range(MIN_CLAIMS):
        _handoff(records, "acme", claimed_after=90, days_ago=30)  # last month's staffing: not counted
    _handoff(records, "other", claimed_after=60)
    first, second, third = _handoff(records, "acme"), _handoff(records, "acme"), _handoff(records, "acme")
    told = [(place, (wait.kind, wait.minutes) if wait else None) for place, wait in map(records.queue_position, (first, second, third))]
    assert told == [(1, ("about", 5)), (2, ("about", 5)), (3, ("about", 10))]


def test_the_scale_never_tells_a_better_place_a_longer_wait() -> None:
    for per_person in (0.2, 1.0, 1.9, 2.4, 3.3, 6.0, 11.0, 40.0):
        ranks = [step.rank for step in (estimate(place, per_person) for place in range(1, 30)) if step is not None]
        assert ranks == sorted(ranks), per_person
    assert estimate(1, 1.5).kind == "under" and estimate(3, 20).kind == "over"  # type: ignore[union-attr]
    assert estimate(1, None) is None


def test_a_customer_told_again_hears_no_longer_wait_unless_their_place_got_worse() -> None:
    told = Told(position=3, rank=estimate(3, 1.5).rank)  # type: ignore[union-attr]  # about 5 minutes
    longer = estimate(2, 12.0)  # the median rose meanwhile: about 20 minutes at place 2
    assert longer is not None and longer.rank > told.rank  # type: ignore[operator]
    assert not_above(longer, position=2, told=told) == estimate(3, 1.5)  # moved up: still about 5 minutes
    assert not_above(longer, position=4, told=told) == longer  # moved back (a handoff came back to the queue): the new figure
    assert not_above(estimate(1, 0.5), position=1, told=told) == estimate(1, 0.5)  # shorter: told as it is
    assert not_above(None, position=2, told=told) is None  # no longer enough claims: no number repeated
