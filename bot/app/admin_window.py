"""The daily rollup (bot/app/admin_rollup.py) read over a window of days: the figures per day and per
tenant, the model spend per tenant and day, and the most active and most spending users, with what is
newer than each day's marker counted live. The closed days' sums are kept in memory (`CLOSED_DAYS`):
their rows no longer change.
"""

from __future__ import annotations

import heapq
import json
import threading
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from bot.app.admin_rollup import (
    MARKER,
    DayFigures,
    Span,
    day_bounds,
    first_event,
    markers,
    refresh,
    span_figures,
)
from bot.core.admin_tables import AdminDay, AdminUserDay

TOP_USERS = 20


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


def rolled(engine: Engine, *, key: bytes, day_list: list[str], tenant: str | None, now: datetime
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


def ranked_users(engine: Engine, *, days: list[str], closed: list[str], tenant: str | None, live: Span
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
