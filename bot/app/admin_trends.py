"""/admin's charts over time (issue #18, a dashboard people read): minutes from handoff to claim,
answer latency p50/p99, and model spend per tenant, one point per day, drawn with bot/app/admin_charts.py.

Time to claim and spend are averaged and summed by the database (GROUP BY day). Latency percentiles
are not portable SQL (PostgreSQL has percentile_cont, SQLite nothing like it): the database counts
messages per day and BUCKET_MS-wide latency bucket, and the percentiles are read off those counts
(each is its bucket's upper edge: at most BUCKET_MS above the exact value, never below it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Float, Integer, cast, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, col, select

from bot.app.admin_charts import bar_chart, line_chart
from bot.core.stats import bucket_quantile
from bot.core.tables import AuditEvent, Handoff, Usage

BUCKET_MS = 5


def _day_of(engine: Engine, column: Any) -> Any:
    # SQLite keeps times as ISO text in UTC: its first ten characters are the day
    return func.substr(column, 1, 10) if engine.dialect.name == "sqlite" else func.date(column)


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def trend_figures(engine: Engine, *, days: int, tenant: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        waited = (func.julianday(Handoff.claimed_at) - func.julianday(Handoff.created_at)) * 1440.0
        latency = func.json_extract(AuditEvent.data, "$.latency_ms")
    else:
        waited = func.extract("epoch", col(Handoff.claimed_at) - col(Handoff.created_at)) / 60.0
        latency = cast(cast(AuditEvent.data, JSONB)["latency_ms"].astext, Float)
    with Session(engine) as session:
        claim_day = _day_of(engine, Handoff.created_at)
        query = (select(claim_day, func.avg(waited), func.count()).where(col(Handoff.created_at) >= since, col(Handoff.claimed_at).is_not(None)))
        claims = session.exec((query.where(Handoff.tenant == tenant) if tenant else query).group_by(claim_day)).all()
        event_day = _day_of(engine, AuditEvent.created_at)
        # SQLite's CAST to INTEGER truncates (floor, for a latency); PostgreSQL's rounds, so floor() there
        scaled = cast(latency, Float) / BUCKET_MS
        bucket = cast(scaled, Integer) if sqlite else func.floor(scaled)
        query = (select(event_day, bucket, func.count())
                 .where(AuditEvent.kind == "outcome", col(AuditEvent.created_at) >= since, latency.is_not(None)))
        latencies = session.exec((query.where(AuditEvent.tenant == tenant) if tenant else query).group_by(event_day, bucket)).all()
        spend_day = _day_of(engine, Usage.created_at)
        query = select(spend_day, Usage.tenant, func.sum(Usage.cost_usd)).where(col(Usage.created_at) >= since)
        spend = session.exec((query.where(Usage.tenant == tenant) if tenant else query).group_by(spend_day, Usage.tenant)).all()
    start = since.date()
    day_list = [(start + timedelta(days=n + 1)).isoformat() for n in range(days)]
    by_claim = {_day(d): float(m) for d, m, _ in claims if m is not None}
    per_day: dict[str, dict[int, int]] = defaultdict(dict)
    for d, b, n in latencies:
        per_day[_day(d)][int(b)] = int(n)
    per_tenant: dict[str, dict[str, float]] = defaultdict(dict)
    for d, t, cost in spend:
        per_tenant[str(t)][_day(d)] = float(cost or 0.0)
    return {
        "days": day_list,
        "minutes_to_claim": [round(by_claim[d], 2) if d in by_claim else None for d in day_list],
        "latency_p50": [bucket_quantile(per_day[d], 0.5, width=BUCKET_MS) if per_day.get(d) else None for d in day_list],
        "latency_p99": [bucket_quantile(per_day[d], 0.99, width=BUCKET_MS) if per_day.get(d) else None for d in day_list],
        "spend": {t: [round(v.get(d, 0.0), 6) for d in day_list] for t, v in sorted(per_tenant.items())},
    }




def render_trends(figures: dict[str, Any], *, per_user: dict[str, float] | None = None, reasons: dict[str, int] | None = None) -> str:
    """The charts over time; with the dashboard's figures (bot/app/admin_figures.py) also automation,
    resolution after handoff, feedback and ratings, and bars of spend per user and handoffs by reason."""
    days = figures["days"]
    charts = []
    if "automation" in figures:
        charts.append(line_chart(title="Automation rate (conversations without a person)", days=days, series={"automated": figures["automation"]},
                                 y_label="share", y_max=1.0, percent=True))
    claim = {"to claim": figures["minutes_to_claim"]}
    if "minutes_to_resolve" in figures:
        claim["claim to resolve"] = figures["minutes_to_resolve"]
    charts += [
        line_chart(title="Minutes from handoff to claim (mean per day)" + (" and to resolution" if len(claim) > 1 else ""), days=days,
                   series=claim, y_label="minutes"),
        line_chart(title="Answer latency", days=days, series={"p50": figures["latency_p50"], "p99": figures["latency_p99"]},
                   y_label="ms"),
        line_chart(title="Model spend per tenant", days=days, series=figures["spend"] or {"no spend": [0.0] * len(days)},
                   y_label="USD per day"),
    ]
    if per_user is not None:
        charts.append(bar_chart(title="Model spend per user (top 10, pseudonyms)", bars={u: round(c, 4) for u, c in per_user.items()},
                                x_label="USD over the window"))
    if reasons is not None:
        charts.append(bar_chart(title="Handoffs by reason", bars=reasons, x_label="handoffs"))
    if "helpful" in figures:
        charts.append(line_chart(title="Customer feedback", days=days, series={"helpful": figures["helpful"], "not helpful": figures["not_helpful"]},
                                 y_label="answers"))
        charts.append(line_chart(title="Rating after a handoff (mean per day)", days=days, series={"rating": figures["rating"]},
                                 y_label="1..5", y_max=5.0))
    if "answered_right" in figures:
        charts.append(line_chart(title="Answered right / wrong (release gate runs, share of answerable cases)", days=days,
                                 series={"right": figures["answered_right"], "wrong": figures["answered_wrong"]},
                                 y_label="share", y_max=1.0, percent=True))
        charts.append(line_chart(title="Live answers graded: mean local grade", days=days, series={"grade": figures["mean_grade"]},
                                 y_label="0..1", y_max=1.0))
    return '<section class="trends"><h2>Over time</h2>' + "".join(charts) + "</section>"
