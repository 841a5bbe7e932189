"""/admin's handoff figures: claims and resolutions per day, from aggregate queries on the handoff table
(claims and resolutions change after the day they began, so a day is folded into `admin_handoff_day` only
once it is HANDOFF_SETTLE old), and the queue of conversations with people now.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Integer, cast, func, select
from sqlalchemy.exc import IntegrityError

from bot.app.admin_rollup import HANDOFF_SETTLE, MARKER, day_bounds
from bot.core.admin_tables import AdminHandoffDay
from bot.core.tables import Conversation, Handoff

CLAIM_BUCKET_MIN = 1.0  # minutes to claim, in one-minute buckets
QUEUE_ROWS = 200  # the table's rows; the card counts them all


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


def handoff_figures(engine: Engine, *, day_list: list[str], tenant: str | None, now: datetime
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


def waiting_queue(engine: Engine, *, tenant: str | None) -> tuple[list[dict[str, Any]], int]:
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
