"""/admin's figures over a window of days, from the daily rollup (bot/app/admin_rollup.py, read over the
window by bot/app/admin_window.py) plus the last minutes counted live, and from aggregate queries on the
handoff table (bot/app/admin_handoff_figures.py: claims and resolutions change after the day they began,
so they are not rolled up). Nothing loads every event.

Percentiles (latency, minutes to claim) are read off bucket counts: each is its bucket's upper edge,
at most a bucket above the exact value, never below it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select

from bot.app.admin_handoff_figures import (
    CLAIM_BUCKET_MIN,
    handoff_figures,
    waiting_queue,
)
from bot.app.admin_rollup import BUCKET_MS, DayFigures, day_bounds
from bot.app.admin_window import ranked_users, rolled, window_days
from bot.core.ops_tables import AnswerGrade, EvalRun
from bot.core.stats import bucket_quantile as quantile


def _graded(engine: Engine, *, day_list: list[str], tenant: str | None) -> dict[str, list[float | None]]:
    """Per day: the mean local grade of the live answers graded (answer_grade), and the answered right /
    wrong shares of the release gate's runs stored that day (eval_run; the day's last run)."""
    since = day_bounds(day_list[0])[0]
    sqlite = engine.dialect.name == "sqlite"
    day = func.substr(AnswerGrade.created_at, 1, 10) if sqlite else func.date(AnswerGrade.created_at)
    query = select(day, func.avg(AnswerGrade.score)).where(AnswerGrade.created_at >= since).group_by(day)
    runs = select(EvalRun.created_at, EvalRun.figures).where(EvalRun.created_at >= since).order_by(EvalRun.id)
    with engine.connect() as conn:
        grades = {str(d)[:10]: float(m) for d, m in conn.execute(query.where(AnswerGrade.tenant == tenant) if tenant else query) if m is not None}
        gate = {r.created_at.isoformat()[:10]: json.loads(r.figures) for r in conn.execute(runs.where(EvalRun.tenant == tenant) if tenant else runs)}
    return {"mean_grade": [round(grades[d], 4) if d in grades else None for d in day_list],
            "answered_right": [gate[d].get("answered_right") if d in gate else None for d in day_list],
            "answered_wrong": [gate[d].get("answered_wrong") if d in gate else None for d in day_list]}


def dashboard_figures(engine: Engine, *, key: bytes, days: int, tenant: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The /admin page's and /api/v1/admin/stats' figures (the keys collect_stats always had, and the charts' series)."""
    now = now or datetime.now(UTC)
    day_list = window_days(days=days, now=now)
    per_day, per_tenant, spend_days, live, closed = rolled(engine, key=key, day_list=day_list, tenant=tenant, now=now)
    everything = DayFigures()
    for figures in per_day.values():
        everything.add(figures)
    active, user_spend = ranked_users(engine, days=day_list, closed=closed, tenant=tenant, live=live)
    claims, claim_buckets, handoff_total, claimed = handoff_figures(engine, day_list=day_list, tenant=tenant, now=now)
    queue, queue_total = waiting_queue(engine, tenant=tenant)
    total = sum(everything.outcomes.values())
    answered = everything.outcomes.get("answer", 0)
    ratings = sum(everything.ratings.values())

    def series(pick: Any) -> list[Any]:
        return [pick(per_day[d]) if d in per_day else None for d in day_list]

    return {
        "days": days,
        "day_list": day_list,
        "messages": total,
        "answer_rate": round(answered / total, 4) if total else None,
        "handoff_rate": round((total - answered) / total, 4) if total else None,
        "latency_ms": {"p50": quantile(everything.latency, 0.5, width=BUCKET_MS) or 0.0,
                       "p95": quantile(everything.latency, 0.95, width=BUCKET_MS) or 0.0},
        "routes": dict(everything.routes),
        "handoff_reasons": dict(everything.reasons.most_common()),
        "per_day": {d: dict(per_day[d].outcomes) for d in day_list if d in per_day and per_day[d].outcomes},
        "per_tenant": {t: dict(f.outcomes) for t, f in sorted(per_tenant.items()) if f.outcomes},
        "top_users": active,
        "cost_usd": {t: round(f.cost_usd, 6) for t, f in sorted(per_tenant.items()) if f.counts.get("calls")},
        "spend": {t: {"cost_usd": round(per_tenant[t].cost_usd, 6), "calls": per_tenant[t].counts.get("calls", 0),
                      "days": {d: {"cost_usd": round(c, 6), "calls": n} for d, (n, c) in sorted(v.items()) if n}}
                  for t, v in sorted(spend_days.items()) if per_tenant[t].counts.get("calls")},
        "spend_per_user": user_spend,
        "queue": queue,
        "queue_total": queue_total,
        "handoffs": {
            "total": handoff_total,
            "claimed": claimed,
            "minutes_to_claim": {"p50": quantile(claim_buckets, 0.5, width=CLAIM_BUCKET_MIN) or 0.0,
                                 "p95": quantile(claim_buckets, 0.95, width=CLAIM_BUCKET_MIN) or 0.0},
            "rating_mean": round(sum(s * n for s, n in everything.ratings.items()) / ratings, 2) if ratings else None,
            "ratings": ratings,
        },
        "trends": {
            "days": day_list,
            "automation": series(lambda f: round(1 - f.counts["handed_over"] / f.counts["conversations"], 4) if f.counts["conversations"] else None),
            "minutes_to_claim": [round(claims[d][1] / claims[d][0], 2) if claims.get(d) and claims[d][0] else None for d in day_list],
            "minutes_to_resolve": [round(claims[d][3] / claims[d][2], 2) if claims.get(d) and claims[d][2] else None for d in day_list],
            "latency_p50": series(lambda f: quantile(f.latency, 0.5, width=BUCKET_MS)),
            "latency_p99": series(lambda f: quantile(f.latency, 0.99, width=BUCKET_MS)),
            "spend": {t: [round(v[d][1], 6) if d in v else 0.0 for d in day_list] for t, v in sorted(spend_days.items())
                      if per_tenant[t].counts.get("calls")},
            "helpful": series(lambda f: f.feedback.get("helpful", 0)),
            "not_helpful": series(lambda f: f.feedback.get("not_helpful", 0)),
            **_graded(engine, day_list=day_list, tenant=tenant),
            "rating": series(lambda f: round(sum(s * n for s, n in f.ratings.items()) / sum(f.ratings.values()), 2) if f.ratings else None),
        },
    }
