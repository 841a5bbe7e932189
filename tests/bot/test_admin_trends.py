"""/admin's charts over time (bot/app/admin_trends.py): time to claim, latency p50/p99 and spend per
tenant per day, from aggregate queries on SQLite and PostgreSQL, drawn as SVG on the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.app.admin import render_dashboard
from bot.app.admin_trends import render_trends, trend_figures
from bot.core.database import open_database
from bot.core.tables import AuditEvent, Handoff, Usage
from tests.databases import database_url

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
YESTERDAY, TODAY = NOW - timedelta(days=1), NOW - timedelta(hours=1)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    with Session(engine) as session:
        # claimed after 4 and 8 minutes yesterday, 30 today; one never claimed; one of another tenant
        for n, (at, minutes, tenant) in enumerate([(YESTERDAY, 4, "a"), (YESTERDAY, 8, "a"), (TODAY, 30, "a"), (TODAY, None, "a"),
                                                   (TODAY, 100, "b")]):
            session.add(Handoff(conversation_id=f"c{n}", tenant=tenant, reason="no_answer", status="claimed", created_at=at,
                                claimed_at=at + timedelta(minutes=minutes) if minutes is not None else None))
        for ms in range(1, 101):  # yesterday: 1..100 ms
            session.add(AuditEvent(tenant="a", kind="outcome", data=json.dumps({"outcome": "answer", "latency_ms": float(ms)}),
                                   created_at=YESTERDAY))
        session.add(AuditEvent(tenant="a", kind="feedback", data=json.dumps({"latency_ms": 9999.0}), created_at=TODAY))  # not an answer
        session.add(AuditEvent(tenant="a", kind="outcome", data=json.dumps({"outcome": "handoff"}), created_at=TODAY))  # no latency
        for tenant, cost, at in [("a", 0.25, YESTERDAY), ("a", 0.5, YESTERDAY), ("b", 1.0, TODAY), ("a", 9.0, NOW - timedelta(days=40))]:
            session.add(Usage(tenant=tenant, tier="remote", model="m", cost_usd=cost, created_at=at))
        session.commit()
    yield engine
    engine.dispose()


def test_time_to_claim_latency_and_spend_per_day(engine: Engine) -> None:
    figures = trend_figures(engine, days=3, now=NOW)
    assert figures["days"] == ["2026-11-18", "2026-11-19", "2026-11-20"]
    assert figures["minutes_to_claim"] == [None, 6.0, 65.0]
    # nearest rank of 1..100 ms: p50 51 ms, p99 99 ms, each read as its 5 ms bucket's upper edge
    assert figures["latency_p50"][1] == 55.0 and figures["latency_p99"][1] == 100.0
    assert figures["latency_p50"][2] is None  # today's outcome had no latency; the feedback event is not counted
    assert figures["spend"] == {"a": [0.0, 0.75, 0.0], "b": [0.0, 0.0, 1.0]}  # the 40-day-old call is outside the window
    one = trend_figures(engine, days=3, now=NOW, tenant="a")
    assert one["minutes_to_claim"] == [None, 6.0, 30.0] and list(one["spend"]) == ["a"]


def test_the_dashboard_draws_them_as_svg_charts(engine: Engine) -> None:
    stats = {"days": 3, "messages": 0, "answer_rate": None, "handoff_rate": None, "latency_ms": {"p50": 0.0, "p95": 0.0}, "routes": {},
             "handoff_reasons": {}, "per_day": {}, "per_tenant": {}, "top_users": [], "cost_usd": {}, "spend": {}, "queue": [],
             "handoffs": {"total": 0, "claimed": 0, "minutes_to_claim": {"p50": 0.0, "p95": 0.0}, "rating_mean": None, "ratings": 0}}
    page = render_dashboard(stats, trends=render_trends(trend_figures(engine, days=3, now=NOW)))
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    for title in ("Minutes from handoff to claim", "Answer latency", "Model spend per tenant"):
        assert f'aria-label="{title}' in page
    assert ">p99<" in page or "p99" in page


def test_messages_per_day_show_their_counts() -> None:
    # one day's bar filled the section's width with its count only in a hover tooltip: a blue block saying nothing
    stats = {"days": 3, "messages": 10, "answer_rate": 0.8, "handoff_rate": 0.2, "latency_ms": {"p50": 1.0, "p95": 2.0}, "routes": {},
             "handoff_reasons": {}, "per_day": {"2026-12-05": {"answer": 3}, "2026-12-06": {"answer": 5, "handoff": 2}}, "per_tenant": {},
             "top_users": [], "cost_usd": {}, "spend": {}, "queue": [],
             "handoffs": {"total": 0, "claimed": 0, "minutes_to_claim": {"p50": 0.0, "p95": 0.0}, "rating_mean": None, "ratings": 0}}
    page = render_dashboard(stats)
    assert 'aria-label="messages per day: 2026-12-05: 3, 2026-12-06: 7"' in page
    assert "<b>3</b>" in page and "<b>7</b>" in page
