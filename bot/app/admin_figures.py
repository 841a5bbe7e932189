"""/admin's figures over a window of days, from the daily rollup (bot/app/admin_rollup.py) plus the
last minutes counted live, and from aggregate queries on the handoff table (claims and resolutions
change after the day they began, so they are not rolled up). Nothing loads every event.

Percentiles (latency, minutes to claim) are read off bucket counts: each is its bucket's upper edge,
at most a bucket above the exact value, never below it.
"""

from __future__ import annotations

import heapq
import json
import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Integer, cast, func, select
from sqlalchemy.exc import IntegrityError

from bot.app.admin_rollup import (
    BUCKET_MS,
    HANDOFF_SETTLE,
    MARKER,
    DayFigures,
    Span,
    day_bounds,
    first_event,
    markers,
    refresh,
    span_figures,
)
from bot.core.admin_tables import AdminDay, AdminHandoffDay, AdminUserDay
from bot.core.ops_tables import AnswerGrade, EvalRun
from bot.core.stats import bucket_quantile as quantile
from bot.core.tables import Conversation, Handoff

CLAIM_BUCKET_MIN = 1.0  # minutes to claim, in one-minute buckets
TOP_USERS = 20
QUEUE_ROWS = 200  # the table's rows; the card counts them all


def window_days(*, days: int, now: datetime) -> list[str]:
    start = (now - timedelta(days=days)).date()
    return [(start + timedelta(days=n + 1)).isoformat() for n in range(days)]


def _add(into: dict[Any, Any], counts: dict[Any, Any]) -> None:
    for k, v in counts.items():
        into[k] = into.get(k, 0) + v


Merged = tuple[dict[str, DayFigures], dict[str, DayFigures], dict[str, dict[str, tuple[int, float]]]]


def _merge_rows(engine: Engine, *, days: list[str], tenant: str | None) -> Merged:
    """The rollup's rows of `days` summed per day (the scope's tenants together) and per tenant, and
    (model calls, USD) per tenant and day. Plain dict sums, not a DayFigures per row."""
    per_day: dict[str, DayFigures] = defaultdict(DayFigures)
    per_tenant: dict[str, DayFigures] = defaultdict(DayFigures)
    spend: dict[str, dict[str, tuple[int, float]]] = defaultdict(dict)
    if not days:
        return per_day, per_tenant, spend
    query = select(AdminDay.day, AdminDay.tenant, AdminDay.figures).where(AdminDay.day.in_(days), AdminDay.tenant != MARKER)
    with engine.connect() as conn:
        for d, t, text in conn.execute(query.where(AdminDay.tenant == tenant) if tenant else query):
            data, day, whole = json.loads(text), per_day[d], per_tenant[t]
            for name in ("outcomes", "routes", "reasons", "feedback", "counts"):
                _add(getattr(day, name), data[name])
            _add(day.latency, {int(k): v for k, v in data["latency"].items()})
            _add(day.ratings, {int(k): v for k, v in data["ratings"].items()})
            day.cost_usd += data["cost_usd"]
            _add(whole.outcomes, data["outcomes"])
            _add(whole.counts, data["counts"])
            whole.cost_usd += data["cost_usd"]
            if data["counts"].get("calls"):
                spend[t][d] = (data["counts"]["calls"], data["cost_usd"])
    return per_day, per_tenant, spend


def _rolled(engine: Engine, *, key: bytes, day_list: list[str], tenant: str | None, now: datetime
            ) -> tuple[dict[str, DayFigures], dict[str, DayFigures], dict[str, dict[str, tuple[int, float]]], Span, list[str]]:
    """Per day (all tenants of the scope together) and per tenant, from the rollup's rows plus what is
    newer than each day's marker counted from the tables; the live span (for its users); the closed days.
    The closed days' sums are kept in memory (CLOSED_DAYS) until another day closes: their rows no longer change."""
    first = first_event(engine)
    refresh(engine, key=key, days=day_list, now=now, first=first)
    folded = markers(engine, first=day_list[0])  # as refresh left them (or another process since)
    closed = [d for d in day_list if folded.get(d) == day_bounds(d)[1]]
    kept = CLOSED_DAYS.get((str(engine.url), tenant, "days", *_closed_key(closed)), lambda: _merge_rows(engine, days=closed, tenant=tenant))
    per_day, per_tenant, spend = _merge_rows(engine, days=[d for d in day_list if d not in set(closed)], tenant=tenant)
    for d, figures in kept[0].items():
        per_day[d] = figures  # closed days are not open days: no key is in both; read only below
    for t, figures in kept[1].items():
        per_tenant[t].add(figures)
    for t, days in kept[2].items():
        spend[t].update(days)
    live = Span()
    with engine.connect() as conn:
        for day in day_list:
            start, end = day_bounds(day)
            since, until = folded.get(day, start), min(end, now)
            if first is not None and end > first and since < until:
                span = span_figures(conn, engine, start=since, end=until, key=key, tenant=tenant)
                for (d, t), figures in span.days.items():
                    if d not in per_day or d in kept[0]:
                        per_day[d] = DayFigures() if d not in per_day else _copy(per_day[d])
                    per_day[d].add(figures)
                    per_tenant[t].add(figures)
                    if figures.counts.get("calls"):
                        calls, cost = spend[t].get(d, (0, 0.0))
                        spend[t][d] = (calls + figures.counts["calls"], cost + figures.cost_usd)
                for k, row in span.users.items():
                    live.users[k] = [a + b for a, b in zip(live.users[k], row, strict=True)]
    return per_day, per_tenant, spend, live, closed


def _copy(figures: DayFigures) -> DayFigures:
    out = DayFigures()
    out.add(figures)
    return out


def _closed_key(closed: list[str]) -> tuple[str, str, int]:
    return (closed[0], closed[-1], len(closed)) if closed else ("", "", 0)


class ClosedDays:
    """Sums over the closed days of a window, kept in memory (a few, the latest used last) until a day
    closes and the key changes: the rows of closed days are written once, so the sums stay right."""

    def __init__(self, *, size: int = 32) -> None:
        self._size = size
        self._kept: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], compute: Any) -> Any:
        with self._lock:
            if key in self._kept:
                self._kept[key] = self._kept.pop(key)
                return self._kept[key]
        value = compute()
        with self._lock:
            while len(self._kept) >= self._size:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = value
        return value


CLOSED_DAYS = ClosedDays()


def _user_sums(engine: Engine, *, tenant: str | None, days: list[str]) -> dict[tuple[str, str], list[float]]:
    """Messages and spend per (tenant, user) over `days`: the one figure whose cost grows with the number of users."""
    if not days:
        return {}
    query = (select(AdminUserDay.tenant, AdminUserDay.user, func.sum(AdminUserDay.messages), func.sum(AdminUserDay.cost_usd))
             .where(AdminUserDay.day.in_(days)).group_by(AdminUserDay.tenant, AdminUserDay.user))
    with engine.connect() as conn:
        return {(t, u): [int(m or 0), float(c or 0.0)] for t, u, m, c in conn.execute(
            query.where(AdminUserDay.tenant == tenant) if tenant else query)}



def _ranked(engine: Engine, *, tenant: str | None, days: list[str]) -> tuple[dict[tuple[str, str], list[float]], list[Any], list[Any]]:
    """The closed days' sums per user, and the users ranked by messages and by spend (kept per day in CLOSED_DAYS)."""
    sums = _user_sums(engine, tenant=tenant, days=days)
    return sums, sorted(sums, key=lambda k: -sums[k][0]), sorted(sums, key=lambda k: -sums[k][1])


def _users(engine: Engine, *, days: list[str], closed: list[str], tenant: str | None, live: Span
           ) -> tuple[list[tuple[str, int]], dict[str, float]]:
    """The most active users (messages) and the biggest spenders (USD) of the window, as `tenant/pseudonym`.
    The closed days' ranking is kept; the K users of the open days can only move up, so a user outside the
    closed days' first N + K cannot enter the top N: only those and the open days' users are summed."""
    sums, by_messages, by_cost = CLOSED_DAYS.get((str(engine.url), tenant, "users", *_closed_key(closed)),
                                                  lambda: _ranked(engine, tenant=tenant, days=closed))
    recent: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for k, (m, c) in _user_sums(engine, tenant=tenant, days=[d for d in days if d not in set(closed)]).items():
        recent[k][0] += m
        recent[k][1] += c
    for (_, t, u), (m, _, c) in live.users.items():
        recent[(t, u)][0] += int(m)
        recent[(t, u)][1] += c

    def total(k: tuple[str, str]) -> list[float]:
        before, now = sums.get(k, [0, 0.0]), recent.get(k, [0, 0.0])
        return [before[0] + now[0], before[1] + now[1]]

    reach = len(recent)
    candidates = {*by_messages[:TOP_USERS + reach], *by_cost[:10 + reach], *recent}
    totals = {k: total(k) for k in candidates}
    active = heapq.nlargest(TOP_USERS, ((f"{t}/{u}", int(v[0])) for (t, u), v in totals.items() if v[0]), key=lambda kv: kv[1])
    spend = heapq.nlargest(10, ((f"{t}/{u}", round(v[1], 6)) for (t, u), v in totals.items() if v[1] > 0), key=lambda kv: kv[1])
    return active, dict(spend)


def handoff_rows(conn: Any, engine: Engine, *, since: datetime, until: datetime | None, tenant: str | None
                 ) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (day, tenant): handoffs begun, claimed (and minutes summed), resolved (and minutes from claim
    summed), and claims per CLAIM_BUCKET_MIN bucket, by one aggregate query over the handoff table."""
    sqlite = engine.dialect.name == "sqlite"

    def minutes(later: Any, earlier: Any) -> Any:
        if sqlite:
            return (func.julianday(later) - func.julianday(earlier)) * 1440.0
        return func.extract("epoch", later - earlier) / 60.0

    waited, resolved = minutes(Handoff.claimed_at, Handoff.created_at), minutes(Handoff.closed_at, Handoff.claimed_at)
    day = func.substr(Handoff.created_at, 1, 10) if sqlite else func.date(Handoff.created_at)
    bucket = cast(waited / CLAIM_BUCKET_MIN, Integer) if sqlite else func.floor(waited / CLAIM_BUCKET_MIN)
    where = [Handoff.created_at >= since, *((Handoff.created_at < until,) if until else ()), *((Handoff.tenant == tenant,) if tenant else ())]
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for d, t, b, n, c, w, r, rw in conn.execute(
            select(day, Handoff.tenant, bucket, func.count(), func.count(Handoff.claimed_at), func.sum(waited), func.count(Handoff.closed_at),
                   func.sum(resolved)).where(*where).group_by(day, Handoff.tenant, bucket)):
        row = out.setdefault((str(d)[:10], t), {"n": 0, "claimed": 0, "wait": 0.0, "resolved": 0, "resolve": 0.0, "buckets": {}})
        row["n"] += n
        if b is None:
            continue  # not claimed (yet)
        row["claimed"] += c
        row["wait"] += float(w or 0.0)
        row["resolved"] += r
        row["resolve"] += float(rw or 0.0)
        row["buckets"][str(max(0, int(b)))] = row["buckets"].get(str(max(0, int(b))), 0) + c
    return out


def _handoffs(engine: Engine, *, day_list: list[str], tenant: str | None, now: datetime
              ) -> tuple[dict[str, list[float]], Counter[int], int, int]:
    """Per day [claimed, minutes to claim summed, resolved, minutes to resolve summed], claim buckets, total, claimed:
    the week-old days from the rollup (admin_handoff_day), the rest from the handoff table."""
    settled = fold_handoffs(engine, days=day_list, now=now)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with engine.connect() as conn:
        query = select(AdminHandoffDay.day, AdminHandoffDay.tenant, AdminHandoffDay.figures).where(
            AdminHandoffDay.day.in_(settled), AdminHandoffDay.tenant != MARKER)
        for d, t, f in conn.execute(query.where(AdminHandoffDay.tenant == tenant) if tenant else query):
            rows[(d, t)] = json.loads(f)
        open_days = [d for d in day_list if d not in set(settled)]
        if open_days:
            rows.update(handoff_rows(conn, engine, since=day_bounds(open_days[0])[0], until=None, tenant=tenant))
    per_day: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0.0])
    buckets: Counter[int] = Counter()
    total = claimed = 0
    for (d, _), row in rows.items():
        total += row["n"]
        claimed += row["claimed"]
        into = per_day[d]
        into[0] += row["claimed"]
        into[1] += row["wait"]
        into[2] += row["resolved"]
        into[3] += row["resolve"]
        for b, n in row["buckets"].items():
            buckets[int(b)] += n
    return per_day, buckets, total, claimed


def fold_handoffs(engine: Engine, *, days: list[str], now: datetime) -> list[str]:
    """Write the handoff figures of the window's days older than HANDOFF_SETTLE (once: a marker row per
    day, whose insert fails for a second writer); returns the days that are folded."""
    with engine.connect() as conn:
        done = set(conn.execute(select(AdminHandoffDay.day).where(AdminHandoffDay.tenant == MARKER, AdminHandoffDay.day >= days[0])).scalars())
    for day in days:
        start, end = day_bounds(day)
        if day in done or end > now - HANDOFF_SETTLE:
            continue
        try:
            with engine.begin() as conn:
                conn.execute(AdminHandoffDay.__table__.insert().values(day=day, tenant=MARKER, figures="{}"))
                rows = handoff_rows(conn, engine, since=start, until=end, tenant=None)
                if rows:
                    conn.execute(AdminHandoffDay.__table__.insert(), [{"day": d, "tenant": t, "figures": json.dumps(f)} for (d, t), f in rows.items()])
            done.add(day)
        except IntegrityError:
            done.add(day)  # another process folded it
    return sorted(done)


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


def _queue(engine: Engine, *, tenant: str | None) -> tuple[list[dict[str, Any]], int]:
    """The QUEUE_ROWS longest-waiting conversations with people now (on the state index), with their
    latest handoff, and how many there are in all."""
    with_people = Conversation.state.in_(["waiting_for_human", "with_human"])
    scope = (with_people, Conversation.tenant == tenant) if tenant else (with_people,)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(Conversation).where(*scope)).scalar() or 0)
        waiting = list(conn.execute(select(Conversation).where(*scope).order_by(Conversation.updated_at).limit(QUEUE_ROWS)).mappings())
        current: dict[str, Any] = {}
        ids = [c["id"] for c in waiting]
        for n in range(0, len(ids), 500):
            for h in conn.execute(select(Handoff).where(Handoff.conversation_id.in_(ids[n:n + 500])).order_by(Handoff.id)).mappings():
                current[h["conversation_id"]] = h
    return [{"conversation_id": c["id"], "tenant": c["tenant"], "channel": c["channel"], "state": c["state"],
             "since": c["updated_at"].isoformat(), "reason": current[c["id"]]["reason"] if c["id"] in current else None,
             "topic": current[c["id"]]["topic"] if c["id"] in current else None,
             "claimed_by": current[c["id"]]["claimed_by"] if c["id"] in current else None} for c in waiting], total


def dashboard_figures(engine: Engine, *, key: bytes, days: int, tenant: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The /admin page's and /api/v1/admin/stats' figures (the keys collect_stats always had, and the charts' series)."""
    now = now or datetime.now(UTC)
    day_list = window_days(days=days, now=now)
    per_day, per_tenant, spend_days, live, closed = _rolled(engine, key=key, day_list=day_list, tenant=tenant, now=now)
    everything = DayFigures()
    for figures in per_day.values():
        everything.add(figures)
    active, user_spend = _users(engine, days=day_list, closed=closed, tenant=tenant, live=live)
    claims, claim_buckets, handoff_total, claimed = _handoffs(engine, day_list=day_list, tenant=tenant, now=now)
    queue, queue_total = _queue(engine, tenant=tenant)
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
