"""The dashboard's daily rollup: what /admin reads instead of every event (issue #18, p95 <= 300 ms).

Per UTC day and tenant, the audit trail's outcomes, routes, handoff reasons, latency buckets,
feedback and ratings, the conversations and handoffs begun, and the model spend are counted by
aggregate queries over the day's rows and kept as one row (`admin_day`, bot/core/admin_tables.py);
per day, tenant and user pseudonym the messages and spend (`admin_user_day`).

Refreshed incrementally when the page is read (`refresh`): for each day of the window, what came
after the day's marker (`upto`) and before `now - SETTLE` is added, and the marker moved on, in one
transaction that first moves the marker from the value it read (compare and set): a second process
doing the same finds the marker moved and adds nothing, so nothing is counted twice. SETTLE leaves
time for events written with an earlier time than their commit (an outcome carries its message's
time, and the answer may take a minute); what is newer than the marker is counted live from the
tables (`live_figures`), a few minutes of events. Rows written more than SETTLE after their own
time would be missed by the rollup: none of the writers does that.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Engine,
    Float,
    Integer,
    and_,
    cast,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bot.core.admin_tables import MARKER, AdminDay, AdminUserDay
from bot.core.clock import utc
from bot.core.tables import AuditEvent, Conversation, Handoff, Usage
from bot.engine.assistant import pseudonym

SETTLE = timedelta(minutes=10)
# a handoff's claim and resolution are written on its row later: its day's figures are kept once it is a
# week old (a claim or resolution later than that is not in that day's figures)
HANDOFF_SETTLE = timedelta(days=7)
BUCKET_MS = 5  # latency buckets, as bot/app/admin_trends.py's


@dataclass(slots=True)
class DayFigures:
    """One day of one tenant (or the sum of several): counters only, so adding two is adding their counts."""

    outcomes: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    latency: Counter[int] = field(default_factory=Counter)  # BUCKET_MS-wide bucket -> messages
    feedback: Counter[str] = field(default_factory=Counter)  # helpful | not_helpful
    ratings: Counter[int] = field(default_factory=Counter)  # score -> ratings
    counts: Counter[str] = field(default_factory=Counter)  # conversations, handed_over (conversations), calls
    cost_usd: float = 0.0

    def add(self, other: DayFigures) -> None:
        for name in ("outcomes", "routes", "reasons", "latency", "feedback", "ratings", "counts"):
            getattr(self, name).update(getattr(other, name))
        self.cost_usd += other.cost_usd

    def to_json(self) -> str:
        return json.dumps({"outcomes": self.outcomes, "routes": self.routes, "reasons": self.reasons, "latency": self.latency,
                           "feedback": self.feedback, "ratings": self.ratings, "counts": self.counts, "cost_usd": self.cost_usd})

    @classmethod
    def from_json(cls, text: str) -> DayFigures:
        data = json.loads(text)
        return cls(outcomes=Counter(data["outcomes"]), routes=Counter(data["routes"]), reasons=Counter(data["reasons"]),
                   latency=Counter({int(k): v for k, v in data["latency"].items()}), feedback=Counter(data["feedback"]),
                   ratings=Counter({int(k): v for k, v in data["ratings"].items()}), counts=Counter(data["counts"]),
                   cost_usd=float(data["cost_usd"]))


@dataclass(slots=True)
class Span:
    """What a time range adds: figures per (day, tenant), and per (day, tenant, user) [messages, calls, cost]."""

    days: dict[tuple[str, str], DayFigures] = field(default_factory=lambda: defaultdict(DayFigures))
    users: dict[tuple[str, str, str], list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0.0]))


def _day_of(engine: Engine, column: Any) -> Any:
    # SQLite keeps times as ISO text in UTC: its first ten characters are the day (cheaper than date())
    return func.substr(column, 1, 10) if engine.dialect.name == "sqlite" else func.date(column)


def _field(engine: Engine, name: str) -> Any:
    # the key as a literal (our own constant names), not a bound parameter: PostgreSQL matches a GROUP BY
    # expression to the selected one by its text, and each bound parameter would get a name of its own
    if engine.dialect.name == "sqlite":
        return func.json_extract(AuditEvent.data, literal_column(f"'$.{name}'"))
    return cast(AuditEvent.data, JSONB).op("->>")(literal_column(f"'{name}'"))


def _day(value: Any) -> str:
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]


def span_figures(conn: Any, engine: Engine, *, start: datetime, end: datetime, key: bytes, tenant: str | None = None) -> Span:
    """Everything counted over [start, end), by aggregate queries (GROUP BY day, tenant and a key)."""
    span = Span()
    sqlite = engine.dialect.name == "sqlite"

    def where(column_at: Any, column_tenant: Any, *more: Any) -> Any:
        return and_(column_at >= start, column_at < end, *((column_tenant == tenant,) if tenant else ()), *more)

    day = _day_of(engine, AuditEvent.created_at)
    outcome = AuditEvent.kind == "outcome"
    for d, t, what, route, reason, n in conn.execute(
            select(day, AuditEvent.tenant, _field(engine, "outcome"), _field(engine, "route"), _field(engine, "handoff_reason"), func.count())
            .where(where(AuditEvent.created_at, AuditEvent.tenant, outcome)).group_by(day, AuditEvent.tenant, *(_field(engine, k) for k in (
                "outcome", "route", "handoff_reason")))):
        figures = span.days[(_day(d), t)]
        figures.outcomes[str(what)] += n
        figures.routes[str(route)] += n
        if reason:
            figures.reasons[str(reason)] += n
    latency = cast(_field(engine, "latency_ms"), Float) / BUCKET_MS
    bucket = cast(latency, Integer) if sqlite else func.floor(latency)  # SQLite's CAST truncates; PostgreSQL's rounds
    for d, t, b, n in conn.execute(select(day, AuditEvent.tenant, bucket, func.count())
                                   .where(where(AuditEvent.created_at, AuditEvent.tenant, outcome, _field(engine, "latency_ms").is_not(None)))
                                   .group_by(day, AuditEvent.tenant, bucket)):
        span.days[(_day(d), t)].latency[int(b)] += n
    for d, t, user, n in conn.execute(select(day, AuditEvent.tenant, _field(engine, "user"), func.count())
                                      .where(where(AuditEvent.created_at, AuditEvent.tenant, outcome))
                                      .group_by(day, AuditEvent.tenant, _field(engine, "user"))):
        span.users[(_day(d), t, str(user or "-"))][0] += n
    helpful, score = _field(engine, "helpful"), _field(engine, "score")
    for d, t, kind, h, s, n in conn.execute(select(day, AuditEvent.tenant, AuditEvent.kind, helpful, score, func.count())
                                            .where(where(AuditEvent.created_at, AuditEvent.tenant, AuditEvent.kind.in_(["feedback", "rating"])))
                                            .group_by(day, AuditEvent.tenant, AuditEvent.kind, helpful, score)):
        figures = span.days[(_day(d), t)]
        if kind == "feedback" and h is not None:
            figures.feedback["helpful" if str(h).lower() in ("1", "true") else "not_helpful"] += n
        elif kind == "rating" and s is not None:
            figures.ratings[int(float(s))] += n
    day = _day_of(engine, Conversation.created_at)
    for d, t, n in conn.execute(select(day, Conversation.tenant, func.count()).where(where(Conversation.created_at, Conversation.tenant))
                                .group_by(day, Conversation.tenant)):
        span.days[(_day(d), t)].counts["conversations"] += n
    day = _day_of(engine, Handoff.created_at)
    for d, t, n in conn.execute(select(day, Handoff.tenant, func.count(func.distinct(Handoff.conversation_id)))
                                .where(where(Handoff.created_at, Handoff.tenant)).group_by(day, Handoff.tenant)):
        span.days[(_day(d), t)].counts["handed_over"] += n
    day = _day_of(engine, Usage.created_at)
    for d, t, user, n, cost in conn.execute(select(day, Usage.tenant, Usage.user, func.count(), func.sum(Usage.cost_usd))
                                            .where(where(Usage.created_at, Usage.tenant)).group_by(day, Usage.tenant, Usage.user)):
        figures = span.days[(_day(d), t)]
        figures.counts["calls"] += n
        figures.cost_usd += float(cost or 0.0)
        row = span.users[(_day(d), t, pseudonym(key, tenant=t, user=user) or "-")]
        row[1] += n
        row[2] += float(cost or 0.0)
    return span


def _upsert(engine: Engine) -> Any:
    return sqlite_insert if engine.dialect.name == "sqlite" else pg_insert


def _store(conn: Any, engine: Engine, span: Span) -> None:
    """Add a span to the stored rows (inside the caller's transaction, which holds the day's marker)."""
    wanted = sorted({d for d, _ in span.days})
    stored = {(d, t): DayFigures.from_json(f) for d, t, f in conn.execute(
        select(AdminDay.day, AdminDay.tenant, AdminDay.figures).where(AdminDay.day.in_(wanted), AdminDay.tenant != MARKER))} if wanted else {}
    insert = _upsert(engine)
    for (d, t), figures in span.days.items():
        total = stored.get((d, t), DayFigures())
        total.add(figures)
        statement = insert(AdminDay).values(day=d, tenant=t, figures=total.to_json())
        conn.execute(statement.on_conflict_do_update(index_elements=["day", "tenant"], set_={"figures": statement.excluded.figures}))
    if span.users:
        statement = insert(AdminUserDay)
        statement = statement.on_conflict_do_update(index_elements=["tenant", "user", "day"], set_={
            "messages": AdminUserDay.messages + statement.excluded.messages, "calls": AdminUserDay.calls + statement.excluded.calls,
            "cost_usd": AdminUserDay.cost_usd + statement.excluded.cost_usd})
        conn.execute(statement, [{"day": d, "tenant": t, "user": u, "messages": int(m), "calls": int(c), "cost_usd": cost}
                                 for (d, t, u), (m, c, cost) in span.users.items()])


def day_bounds(day: str) -> tuple[datetime, datetime]:
    start = datetime.combine(datetime.fromisoformat(day).date(), time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def markers(engine: Engine, *, first: str) -> dict[str, datetime]:
    with engine.connect() as conn:
        return {d: utc(u) for d, u in conn.execute(select(AdminDay.day, AdminDay.upto).where(AdminDay.tenant == MARKER, AdminDay.day >= first))
                if u is not None}


def first_event(engine: Engine) -> datetime | None:
    """The earliest outcome, conversation or model call (on their time indexes): days before it hold nothing."""
    with engine.connect() as conn:
        found = [conn.execute(select(func.min(AuditEvent.created_at)).where(AuditEvent.kind == "outcome")).scalar(),
                 conn.execute(select(func.min(Conversation.created_at))).scalar(), conn.execute(select(func.min(Usage.created_at))).scalar()]
    moments = [utc(m) for m in found if m is not None]
    return min(moments) if moments else None


def refresh(engine: Engine, *, key: bytes, days: list[str], now: datetime, first: datetime | None = None) -> int:
    """Fold what settled since each day's marker into the rollup; returns how many days moved on.
    `first`: the earliest event (first_event); days that end before it are skipped."""
    horizon = now - SETTLE
    seen = markers(engine, first=days[0]) if days else {}
    moved = 0
    for day in days:
        start, end = day_bounds(day)
        if first is None or end <= first:
            continue
        target = min(end, horizon)
        since = seen.get(day, start)
        if since >= target:
            continue
        try:
            with engine.begin() as conn:
                if day in seen:
                    claimed = conn.execute(update(AdminDay).where(AdminDay.day == day, AdminDay.tenant == MARKER, AdminDay.upto == since)
                                           .values(upto=target))
                    if claimed.rowcount != 1:  # another process moved it first: its rows hold this span
                        conn.rollback()
                        continue
                else:
                    conn.execute(AdminDay.__table__.insert().values(day=day, tenant=MARKER, figures="{}", upto=target))
                _store(conn, engine, span_figures(conn, engine, start=since, end=target, key=key))
            moved += 1
        except IntegrityError:
            continue  # another process made the day's marker at the same moment; its transaction folds the span
    return moved
