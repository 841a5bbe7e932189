"""/admin/quality's server time on 90 days of generated history for 10 tenants.

    python bench/bench_admin_quality.py [--per-day 200] [--postgres]

Generated (random, seeded): per tenant and day `--per-day` outcome events (70 % answers, the rest
handoffs with a reason), feedback on a tenth of the answers, a graded row for a tenth of them, and
a handoff row per handed-over message; then the page (figures and SVG) is built 30 times for all
tenants together and for one tenant, and the p50 / p95 printed. The goal: p95 <= 300 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bench.scratch_db import scratch_database
from bot.app.admin_quality import quality_figures, render_quality
from bot.app.admin_trends import render_trends, trend_figures
from bot.core.database import open_database
from bot.core.ops_tables import AnswerGrade
from bot.core.tables import AuditEvent, Handoff

REASONS = ("no_answer", "customer_request", "low_confidence", "policy", "error")


def generate(engine: object, *, tenants: int, days: int, per_day: int, now: datetime) -> int:
    rng = random.Random(18)
    rows = 0
    message_id = 0
    for t in range(tenants):
        tenant = f"tenant{t}"
        audit, grades, handoffs = [], [], []
        for d in range(days):
            day = now - timedelta(days=d)
            for _ in range(per_day):
                at = day - timedelta(seconds=rng.randrange(86400))
                conversation = uuid.uuid4().hex
                answered = rng.random() < 0.7
                data = {"outcome": "answer" if answered else "handoff", "handoff_reason": None if answered else rng.choice(REASONS),
                        "latency_ms": rng.uniform(20, 400)}
                audit.append({"tenant": tenant, "conversation_id": conversation, "kind": "outcome", "data": json.dumps(data, sort_keys=True),
                              "created_at": at})
                if answered and rng.random() < 0.1:
                    audit.append({"tenant": tenant, "conversation_id": conversation, "kind": "feedback",
                                  "data": json.dumps({"helpful": rng.random() < 0.8, "message_id": 1}, sort_keys=True), "created_at": at})
                if answered and rng.random() < 0.1:
                    message_id += 1
                    grades.append({"message_id": message_id, "conversation_id": conversation, "tenant": tenant, "score": rng.random(),
                                   "support": rng.random(), "relevance": rng.random(), "citations_valid": True, "judge": None,
                                   "helpful": None, "handoff_after": False, "created_at": at})
                if not answered:
                    handoffs.append({"conversation_id": conversation, "tenant": tenant, "reason": data["handoff_reason"], "status": "resolved",
                                     "attempts": 0, "packet": "{}", "created_at": at})
        with engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(insert(AuditEvent), audit)
            conn.execute(insert(AnswerGrade), grades)
            conn.execute(insert(Handoff), handoffs)
        rows += len(audit) + len(grades) + len(handoffs)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="a fresh database on postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        with scratch_database(scratch=scratch, postgres=args.postgres, prefix="supportbot_quality") as url:
            engine = open_database(url, upgrade=True)
            try:
                started = time.perf_counter()
                rows = generate(engine, tenants=10, days=90, per_day=args.per_day, now=now)
                print(f"{'PostgreSQL' if args.postgres else 'SQLite'}: {rows} rows generated in {time.perf_counter() - started:.1f}s")
                for scope in (None, "tenant3"):
                    times = []
                    for _ in range(30):
                        t0 = time.perf_counter()
                        render_quality(quality_figures(engine, days=90, tenant=scope, now=now))
                        times.append((time.perf_counter() - t0) * 1000)
                    times.sort()
                    print(f"  /admin/quality?days=90{'&tenant=' + scope if scope else ''}: p50 {times[14]:.0f} ms  p95 {times[28]:.0f} ms")
                    times = []
                    for _ in range(30):  # the /admin dashboard's charts over time (bot/app/admin_trends.py)
                        t0 = time.perf_counter()
                        render_trends(trend_figures(engine, days=90, tenant=scope, now=now))
                        times.append((time.perf_counter() - t0) * 1000)
                    times.sort()
                    print(f"  /admin charts over time, 90 days{', ' + scope if scope else ''}: p50 {times[14]:.0f} ms  p95 {times[28]:.0f} ms")
            finally:
                engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
