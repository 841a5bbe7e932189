"""Operators' side of the server: `/admin` dashboard, stats API, and ingest through the server.

Everything here needs `SUPPORTBOT_ADMIN_TOKEN` (as a bearer token, or `?token=` once, which sets a
cookie for the dashboard). The cookie holds a session that expires (`SESSION_SECONDS`), signed with a
key derived from the token, never the token itself; it is Secure, HttpOnly and SameSite=Strict, for
/admin only. Without the setting these routes answer 404: admin is off. Errors are JSON.
Figures come from the audit trail, which holds no raw personal data, and spend from the usage
table (one row per model call: tokens and cost).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlmodel import Session, col, select

from bot.app.admin_ingest import handle_ingest
from bot.app.admin_trends import render_trends, trend_figures
from bot.app.composition import Services
from bot.core.handoff_states import HUMAN_OWNED
from bot.core.tables import AuditEvent, Conversation, Handoff
from bot.core.clock import utc
from bot.core.stats import percentile

COOKIE = "supportbot_admin"
SESSION_SECONDS = 12 * 3600
MAX_DAYS = 3650


def _session_mac(token: str, expires: int) -> str:
    return hmac.new(hashlib.sha256(b"supportbot-admin-session:" + token.encode()).digest(), str(expires).encode(), hashlib.sha256).hexdigest()


def session_cookie(token: str, *, now: float | None = None) -> str:
    """`<expires>.<mac>`: proves the holder signed in with the token, without holding it."""
    expires = int(time.time() if now is None else now) + SESSION_SECONDS
    return f"{expires}.{_session_mac(token, expires)}"


def _session_valid(value: str, token: str) -> bool:
    expires, _, mac = value.partition(".")
    if not expires.isascii() or not expires.isdigit() or len(expires) > 12:
        return False
    return hmac.compare_digest(_session_mac(token, int(expires)).encode(), mac.encode("utf-8", "replace")) and int(expires) > time.time()


def _authorized(request: web.Request, token: str) -> bool:
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or request.query.get("token", "")
    if supplied:
        return hmac.compare_digest(supplied.encode("utf-8", "replace"), token.encode())
    return _session_valid(request.cookies.get(COOKIE, ""), token)


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def parse_days(request: web.Request) -> int:
    """`?days=`: a whole number of days from 1 to MAX_DAYS (14 when absent)."""
    value = request.query.get("days", "14").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 5 or not 1 <= int(value) <= MAX_DAYS:
        raise _bad_request(f"days must be a whole number from 1 to {MAX_DAYS}, not {value[:40]!r}")
    return int(value)


def parse_tenant(request: web.Request, services: Services) -> str | None:
    tenant = request.query.get("tenant") or None
    if tenant is not None and tenant not in services.settings.tenants:
        raise _bad_request(f"unknown tenant {tenant[:100]!r}")
    return tenant


_percentile = percentile


def collect_stats(services: Services, *, days: int = 14, tenant: str | None = None) -> dict[str, Any]:
    since = datetime.now(UTC) - timedelta(days=days)
    with Session(services.engine) as session:
        query = select(AuditEvent).where(AuditEvent.kind == "outcome", col(AuditEvent.created_at) >= since)
        if tenant:
            query = query.where(AuditEvent.tenant == tenant)
        events = list(session.exec(query))
        waiting = list(session.exec(select(Conversation).where(col(Conversation.state).in_(HUMAN_OWNED))))
        handoffs = list(session.exec(select(Handoff).where(col(Handoff.created_at) >= since)))
        ratings = [json.loads(e.data).get("score") for e in session.exec(
            select(AuditEvent).where(AuditEvent.kind == "rating", col(AuditEvent.created_at) >= since)
        )]
    current = {h.conversation_id: h for h in sorted(handoffs, key=lambda h: h.id or 0)}
    claim_minutes = [
        (_utc(h.claimed_at) - _utc(h.created_at)).total_seconds() / 60 for h in handoffs if h.claimed_at is not None
    ]
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    per_tenant: dict[str, Counter[str]] = defaultdict(Counter)
    per_user: Counter[str] = Counter()
    latencies: list[float] = []
    routes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for event in events:
        data = json.loads(event.data)
        day = event.created_at.strftime("%Y-%m-%d")
        outcome = data.get("outcome", "?")
        per_day[day][outcome] += 1
        per_tenant[event.tenant][outcome] += 1
        per_user[f"{event.tenant}/{data.get('user') or '-'}"] += 1
        routes[data.get("route", "?")] += 1
        if data.get("handoff_reason"):
            reasons[data["handoff_reason"]] += 1
        if "latency_ms" in data:
            latencies.append(float(data["latency_ms"]))
    spend = services.budget.report(since=since, tenant=tenant or None)
    total = len(events)
    answered = sum(c["answer"] for c in per_tenant.values())
    return {
        "days": days,
        "messages": total,
        "answer_rate": round(answered / total, 4) if total else None,
        "handoff_rate": round((total - answered) / total, 4) if total else None,
        "latency_ms": {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95)},
        "routes": dict(routes),
        "handoff_reasons": dict(reasons),
        "per_day": {d: dict(c) for d, c in sorted(per_day.items())},
        "per_tenant": {t: dict(c) for t, c in sorted(per_tenant.items())},
        "top_users": per_user.most_common(20),
        "cost_usd": {t: v["cost_usd"] for t, v in spend.items()},
        # per tenant: total, per tier, per user and per day (with each day's users)
        "spend": spend,
        "queue": [
            {"conversation_id": c.id, "tenant": c.tenant, "channel": c.channel, "state": c.state, "since": c.updated_at.isoformat(),
             "reason": current[c.id].reason if c.id in current else None, "topic": current[c.id].topic if c.id in current else None,
             "claimed_by": current[c.id].claimed_by if c.id in current else None}
            for c in sorted(waiting, key=lambda c: c.updated_at)
        ],
        "handoffs": {
            "total": len(handoffs),
            "claimed": len(claim_minutes),
            "minutes_to_claim": {"p50": round(_percentile(claim_minutes, 0.5), 2), "p95": round(_percentile(claim_minutes, 0.95), 2)},
            "rating_mean": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "ratings": len(ratings),
        },
    }


def _utc(moment: datetime | None) -> datetime:
    assert moment is not None
    return utc(moment)


def _table(rows: list[list[Any]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def render_dashboard(stats: dict[str, Any], *, trends: str = "") -> str:
    """`trends`: the charts over time (bot/app/admin_trends.py), shown under the cards."""
    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.0%}"

    days = stats["per_day"]
    peak = max((sum(c.values()) for c in days.values()), default=1)
    bars = "".join(
        f'<div class="bar" title="{html.escape(d)}: {sum(c.values())}"><span style="height:{100 * sum(c.values()) / peak:.0f}%"></span>'
        f"<small>{html.escape(d[5:])}</small></div>"
        for d, c in days.items()
    )
    cards = [
        ("Messages", str(stats["messages"])), ("Answered", pct(stats["answer_rate"])), ("Handed off", pct(stats["handoff_rate"])),
        ("Latency p50", f"{stats['latency_ms']['p50']:.0f} ms"), ("Latency p95", f"{stats['latency_ms']['p95']:.0f} ms"),
        ("In queue", str(len(stats["queue"]))),
        ("Claimed in (p50)", f"{stats['handoffs']['minutes_to_claim']['p50']:.1f} min"),
        ("Rating", "–" if stats["handoffs"]["rating_mean"] is None else f"{stats['handoffs']['rating_mean']:.1f} / 5"),
    ]
    card_html = "".join(f'<div class="card"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for k, v in cards)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>supportbot admin</title><style>
body{{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}}header{{background:#1d2433;color:#fff;padding:14px 24px}}
main{{padding:24px;max-width:1100px;margin:auto}}.cards{{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}}
.card{{background:#fff;border-radius:10px;padding:14px;box-shadow:0 1px 2px #0001}}.card b{{display:block;font-size:24px}}.card span{{color:#5b6478}}
section{{background:#fff;border-radius:10px;padding:16px;margin-top:16px;box-shadow:0 1px 2px #0001}}table{{border-collapse:collapse;width:100%}}
td,th{{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef2}}.chart{{display:flex;gap:6px;align-items:flex-end;height:140px}}
svg.chart{{width:100%;height:auto;margin:8px 0}}.bar{{flex:1;display:flex;flex-direction:column;justify-content:flex-end;height:100%;text-align:center}}.bar span{{background:#3b6ef5;border-radius:4px 4px 0 0;display:block}}
</style></head><body><header><strong>supportbot</strong> · admin · last {stats['days']} days</header><main>
<div class="cards">{card_html}</div>
<p><a href="/admin/quality">answer quality and help center to-do</a> · <a href="/admin/proposals">FAQ proposals</a> · <a href="/admin/rollout">rollout</a></p>
{trends}
<section><h2>Messages per day</h2><div class="chart" role="img" aria-label="messages per day">{bars}</div></section>
<section><h2>Handoff queue</h2>{_table([[q['conversation_id'], q['tenant'], q['channel'], q['state'], q['reason'] or '', q['topic'] or '', q['claimed_by'] or '', q['since']] for q in stats['queue']], ['conversation', 'tenant', 'channel', 'state', 'reason', 'topic', 'claimed by', 'since'])}</section>
<section><h2>Tenants</h2>{_table([[t, c.get('answer', 0), c.get('handoff', 0), stats['cost_usd'].get(t, 0.0)] for t, c in stats['per_tenant'].items()], ['tenant', 'answered', 'handed off', 'cost (USD)'])}</section>
<section><h2>Model spend per day</h2>{_table(_spend_rows(stats['spend']), ['day', 'tenant', 'cost (USD)', 'model calls', 'top users (USD)'])}</section>
<section><h2>Routes and handoff reasons</h2>{_table([[k, v] for k, v in {**stats['routes'], **{'reason: ' + r: n for r, n in stats['handoff_reasons'].items()}}.items()], ['what', 'count'])}</section>
<section><h2>Most active users</h2>{_table([[u, n] for u, n in stats['top_users']], ['tenant/user (pseudonym)', 'messages'])}</section>
</main></body></html>"""


def _spend_rows(spend: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for tenant, data in spend.items():
        for day, spent in data["days"].items():
            top = sorted(spent["users"].items(), key=lambda kv: -kv[1])[:3]
            rows.append([day, tenant, f"{spent['cost_usd']:.4f}", spent["calls"], ", ".join(f"{u} {c:.4f}" for u, c in top)])
    return sorted(sorted(rows, key=lambda row: row[1]), key=lambda row: row[0], reverse=True)  # newest day first


def register_admin(app: web.Application, *, get_services: Callable[[], Services], token: str | None) -> None:
    """Mount /admin and the admin API. With no token configured the routes are not mounted (404)."""
    if not token:
        return

    def guard(request: web.Request) -> None:
        if not _authorized(request, token):
            raise web.HTTPUnauthorized(text=json.dumps({"error": "admin token required"}), content_type="application/json")

    async def dashboard(request: web.Request) -> web.Response:
        guard(request)
        days = parse_days(request)
        stats = await asyncio.to_thread(collect_stats, get_services(), days=days)
        trends = await asyncio.to_thread(trend_figures, get_services().engine, days=min(days, 366))
        # the page shows personal-ish figures: no caching, and the ?token= URL goes to no other site
        response = web.Response(text=render_dashboard(stats, trends=render_trends(trends)), content_type="text/html",
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        if "token" in request.query:
            # Secure even on plain http: browsers keep Secure cookies for http://localhost, and a
            # deployment is expected behind TLS
            response.set_cookie(COOKIE, session_cookie(token), httponly=True, secure=True, samesite="Strict", path="/admin",
                                max_age=SESSION_SECONDS)
        return response

    async def stats(request: web.Request) -> web.Response:
        guard(request)
        services = get_services()
        data = await asyncio.to_thread(collect_stats, services, days=parse_days(request), tenant=parse_tenant(request, services))
        return web.json_response(data)

    async def ingest(request: web.Request) -> web.Response:
        """Uploaded files, or paths under SUPPORTBOT_INGEST_ROOT (bot/app/admin_ingest.py); the CLI sends its work here."""
        guard(request)
        return await handle_ingest(request, get_services())

    app.router.add_get("/admin", dashboard)
    app.router.add_get("/api/v1/admin/stats", stats)
    app.router.add_post("/api/v1/admin/ingest", ingest)
