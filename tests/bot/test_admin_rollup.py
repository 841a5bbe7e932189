"""/admin's daily rollup (bot/app/admin_rollup.py, bot/app/admin_figures.py): the figures it gives are
the ones counted from the events themselves, on SQLite and PostgreSQL; folding twice, or from two
threads at once, counts nothing twice; what came after the last fold is counted live."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from bot.app.admin_figures import dashboard_figures
from bot.app.admin_rollup import refresh
from bot.core.admin_tables import MARKER, AdminDay
from bot.core.database import open_database
from bot.core.tables import AuditEvent, Conversation, Handoff, Usage
from bot.engine.assistant import pseudonym
from tests.databases import database_url

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEY = b"k" * 32


def _event(session: Session, *, tenant: str, at: datetime, outcome: str, latency: float, user: str, reason: str | None = None) -> None:
    data = {"outcome": outcome, "route": "handoff" if reason else "faq", "handoff_reason": reason, "latency_ms": latency,
            "user": pseudonym(KEY, tenant=tenant, user=user)}
    session.add(AuditEvent(tenant=tenant, conversation_id=f"c-{at.isoformat()}", kind="outcome", data=json.dumps(data, sort_keys=True),
                           created_at=at))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    with Session(engine) as session:
        for day in range(5):  # five days, 4 answers and 1 handoff a day for tenant a, 2 answers for b
            base = NOW - timedelta(days=day, hours=3)
            for n in range(4):
                _event(session, tenant="a", at=base + timedelta(minutes=n), outcome="answer", latency=10.0 * (n + 1), user="ann@example.com")
            _event(session, tenant="a", at=base + timedelta(minutes=9), outcome="handoff", latency=7.0, user="bob", reason="no_answer")
            for n in range(2):
                _event(session, tenant="b", at=base + timedelta(minutes=n), outcome="answer", latency=300.0, user="cy")
            session.add(Conversation(id=f"conv-a-{day}", tenant="a", created_at=base, updated_at=base))
            session.add(Handoff(conversation_id=f"conv-a-{day}", tenant="a", reason="no_answer", status="claimed", created_at=base,
                                claimed_at=base + timedelta(minutes=day + 1)))
            session.add(Usage(tenant="a", user="ann@example.com", tier="remote", model="m", cost_usd=0.5, created_at=base))
            session.add(AuditEvent(tenant="a", kind="rating", data=json.dumps({"score": 4}), created_at=base))
        # two minutes before now: newer than any fold (SETTLE), counted live
        _event(session, tenant="b", at=NOW - timedelta(minutes=2), outcome="answer", latency=300.0, user="cy")
        session.commit()
    yield engine
    engine.dispose()


def test_the_figures_match_the_events_and_name_users_by_pseudonym(engine: Engine) -> None:
    stats = dashboard_figures(engine, key=KEY, days=7, now=NOW)
    assert stats["messages"] == 5 * 7 + 1
    assert stats["per_tenant"] == {"a": {"answer": 20, "handoff": 5}, "b": {"answer": 11}}
    assert stats["handoff_reasons"] == {"no_answer": 5}
    assert stats["handoffs"]["total"] == 5 and stats["handoffs"]["claimed"] == 5
    assert stats["handoffs"]["rating_mean"] == 4.0 and stats["handoffs"]["ratings"] == 5
    assert stats["cost_usd"] == {"a": 2.5}
    ann = "a/" + pseudonym(KEY, tenant="a", user="ann@example.com")
    assert stats["top_users"][0] == (ann, 20) and stats["spend_per_user"] == {ann: 2.5}
    assert "ann@example.com" not in json.dumps(stats)
    # latency percentiles from 5 ms buckets: b's 300 ms answers are the slowest 11 of 36
    assert stats["latency_ms"]["p95"] == 305.0
    one = dashboard_figures(engine, key=KEY, days=7, now=NOW, tenant="b")
    assert one["messages"] == 11 and one["per_tenant"] == {"b": {"answer": 11}} and one["handoffs"]["total"] == 0
    trends = stats["trends"]
    assert trends["automation"][-1] == 0.0  # a's one conversation of the day was handed over
    assert trends["minutes_to_claim"][-1] == 1.0 and trends["minutes_to_claim"][-2] == 2.0


def test_folding_again_or_from_two_threads_counts_nothing_twice(engine: Engine) -> None:
    days = [(NOW - timedelta(days=n)).date().isoformat() for n in range(6, -1, -1)]
    first = min(e for e in [NOW - timedelta(days=4, hours=3)])
    barrier = threading.Barrier(2)

    def fold() -> None:
        barrier.wait()
        refresh(engine, key=KEY, days=days, now=NOW, first=first)

    threads = [threading.Thread(target=fold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refresh(engine, key=KEY, days=days, now=NOW, first=first) == 0  # nothing new to fold
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AdminDay).where(AdminDay.tenant == MARKER)).one()[0] == 5
    assert dashboard_figures(engine, key=KEY, days=7, now=NOW)["messages"] == 36
    # an hour later more of today has settled: it is added once, and the live minute is still counted once
    later = dashboard_figures(engine, key=KEY, days=7, now=NOW + timedelta(hours=1))
    assert later["messages"] == 36 and later["per_tenant"]["b"] == {"answer": 11}


def test_week_old_handoffs_are_kept_once_and_newer_ones_read_from_their_rows(engine: Engine) -> None:
    old = NOW - timedelta(days=9)
    with Session(engine) as session:
        session.add(Handoff(conversation_id="old", tenant="b", reason="policy", status="resolved", created_at=old,
                            claimed_at=old + timedelta(minutes=3), closed_at=old + timedelta(minutes=13)))
        session.commit()
    for _ in range(2):  # the second read finds the week-old day folded, and counts it once
        stats = dashboard_figures(engine, key=KEY, days=14, now=NOW)
        assert stats["handoffs"]["total"] == 6 and stats["handoffs"]["claimed"] == 6
        assert stats["trends"]["minutes_to_claim"][-10] == 3.0 and stats["trends"]["minutes_to_resolve"][-10] == 10.0
    with Session(engine) as session:  # a later claim of a recent handoff is seen at once
        recent = session.exec(select(Handoff).where(Handoff.conversation_id == "conv-a-0")).one()[0]
        recent.claimed_at = recent.created_at + timedelta(minutes=20)
        session.add(recent)
        session.commit()
    assert dashboard_figures(engine, key=KEY, days=14, now=NOW)["trends"]["minutes_to_claim"][-1] == 20.0
