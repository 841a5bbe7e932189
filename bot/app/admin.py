"""Operators' side of the server: `/admin` dashboard, stats API, and ingest through the server.

Everything here needs `SUPPORTBOT_ADMIN_TOKEN` (as a bearer token, or `?token=` once on a page, which sets a
cookie for the dashboard and sends the browser to the page's address without it (303); a browser without either gets a sign-in page that sets it, `unauthorized`). The cookie holds a session that expires (`SESSION_SECONDS`), signed with a
key derived from the token, never the token itself; it is Secure, HttpOnly and SameSite=Strict, for
/admin only. Without the setting these routes answer 404: admin is off. Errors are JSON.
Figures come from the audit trail, which holds no raw personal data, and spend from the usage
table (one row per model call: tokens and cost).
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.app.admin_conversation_pages import conversation_list_html as _list_html
from bot.app.admin_conversation_pages import register_conversation_pages
from bot.app.admin_figures import dashboard_figures
from bot.app.admin_ingest import handle_ingest, handle_remove
from bot.app.admin_session import (
    admin_security_headers,
    authorized,
    sign_in_handler,
    unauthorized,
)
from bot.app.admin_trends import render_trends
from bot.app.composition import Services
from bot.core.config import load_secret
from bot.engine.assistant import audit_key

logger = logging.getLogger(__name__)

MAX_DAYS = 3650
WARM_DAYS = 90

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


def pseudonym_key(services: Services) -> bytes:
    """The audit trail's pseudonym key (bot/engine/assistant.py): per-user figures name users as the trail does."""
    return audit_key(load_secret(services.settings))


def collect_stats(services: Services, *, days: int = 14, tenant: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The dashboard's figures from the daily rollup and aggregate queries (bot/app/admin_figures.py)."""
    return dashboard_figures(services.engine, key=pseudonym_key(services), days=days, tenant=tenant, now=now)


def dashboard_html(services: Services, *, days: int = 14, tenant: str | None = None, now: datetime | None = None) -> str:
    """The whole /admin page (what the handler sends, and what bench/bench_admin.py times). Synchronous."""
    stats = collect_stats(services, days=days, tenant=tenant, now=now)
    return render_dashboard(stats, trends=render_trends(stats["trends"], per_user=stats["spend_per_user"], reasons=stats["handoff_reasons"]),
                            tenant=tenant, tenants=sorted(services.settings.tenants))


def conversation_list_html(services: Services, *, query: dict[str, str], now: datetime | None = None) -> str:
    """/admin/conversations for these parameters (bench/bench_admin.py times it). Synchronous."""
    return _list_html(services, query=query, key=pseudonym_key(services))


def _table(rows: list[list[Any]], header: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def _scope(*, days: int, tenant: str | None, tenants: list[str]) -> tuple[str, str]:
    """The line saying whose figures these are, with the other scopes one click away (a `?tenant=` page
    looked like the whole server's, and no link led back to it), and the query the page's links keep."""
    def link(t: str | None) -> str:
        query = urlencode({"days": days, **({"tenant": t} if t else {})})
        return f'<a href="/admin?{html.escape(query)}">{html.escape(t or "all tenants")}</a>'

    if tenant:
        others = " · ".join(link(t) for t in tenants if t != tenant)
        line = (f'<p class="scope">Showing tenant <strong>{html.escape(tenant)}</strong> only · back to {link(None)}'
                + (f" · other tenants: {others}" if others else "") + "</p>")
        return line, "?" + html.escape(urlencode({"tenant": tenant}))
    if len(tenants) < 2:
        return "", ""
    return f'<p class="scope">Showing <strong>all tenants</strong> · one tenant only: {" · ".join(link(t) for t in tenants)}</p>', ""


def render_dashboard(stats: dict[str, Any], *, trends: str = "", tenant: str | None = None, tenants: list[str] | None = None) -> str:
    """`trends`: the charts over time (bot/app/admin_trends.py), shown under the cards. `tenant`: the one
    tenant the figures are of (None: every tenant); `tenants`: every tenant, for the links between scopes."""
    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.0%}"

    days = stats["per_day"]
    peak = max((sum(c.values()) for c in days.values()), default=1)
    # each bar with its count written on it (a lone day's bar filled the width, its count only in a tooltip)
    bars = "".join(
        f'<div class="bar" title="{html.escape(d)}: {sum(c.values())}"><b>{sum(c.values())}</b>'
        f'<span style="height:{100 * sum(c.values()) / peak:.0f}%"></span><small>{html.escape(d[5:])}</small></div>'
        for d, c in days.items()
    )
    bars_label = html.escape("messages per day: " + (", ".join(f"{d}: {sum(c.values())}" for d, c in days.items()) or "none"), quote=True)
    cards = [
        ("Messages", str(stats["messages"])), ("Answered", pct(stats["answer_rate"])), ("Handed off", pct(stats["handoff_rate"])),
        ("Latency p50", f"{stats['latency_ms']['p50']:.0f} ms"), ("Latency p95", f"{stats['latency_ms']['p95']:.0f} ms"),
        ("In queue", str(stats.get("queue_total", len(stats["queue"])))),
        ("Claimed in (p50)", f"{stats['handoffs']['minutes_to_claim']['p50']:.1f} min"),
        ("Rating", "–" if stats["handoffs"]["rating_mean"] is None else f"{stats['handoffs']['rating_mean']:.1f} / 5"),
    ]
    card_html = "".join(f'<div class="card"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for k, v in cards)
    scope, keep = _scope(days=stats["days"], tenant=tenant, tenants=tenants or ([tenant] if tenant else []))
    whose = f" · tenant {html.escape(tenant)}" if tenant else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>supportbot admin{whose}</title><style>
body{{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}}header{{background:#1d2433;color:#fff;padding:14px 24px}}
main{{padding:24px;max-width:1100px;margin:auto}}.cards{{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}}
.card{{background:#fff;border-radius:10px;padding:14px;box-shadow:0 1px 2px #0001}}.card b{{display:block;font-size:24px}}.card span{{color:#5b6478}}
section{{background:#fff;border-radius:10px;padding:16px;margin-top:16px;box-shadow:0 1px 2px #0001}}table{{border-collapse:collapse;width:100%}}
td,th{{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef2}}.chart{{display:flex;gap:6px;align-items:flex-end;height:140px}}
svg.chart{{width:100%;height:auto;margin:8px 0}}.bar{{flex:1;display:flex;flex-direction:column;justify-content:flex-end;height:100%;text-align:center}}.bar span{{background:#3b6ef5;border-radius:4px 4px 0 0;display:block}}.bar b{{font-size:12px;font-weight:600}}
</style></head><body><header><strong>supportbot</strong> · admin{whose} · last {stats['days']} days</header><main>
{scope}<div class="cards">{card_html}</div>
<p><a href="/admin/conversations{keep}">conversations</a> · <a href="/admin/quality{keep}">answer quality and help center to-do</a> · <a href="/admin/proposals">FAQ proposals</a> · <a href="/admin/rollout">rollout</a></p>
{trends}
<section><h2>Messages per day</h2><div class="chart" role="img" aria-label="{bars_label}">{bars}</div></section>
<section><h2>Handoff queue</h2>{_table([[q['conversation_id'], q['tenant'], q['channel'], q['state'], q['reason'] or '', q['topic'] or '', q['claimed_by'] or '', q['since']] for q in stats['queue']], ['conversation', 'tenant', 'channel', 'state', 'reason', 'topic', 'claimed by', 'since'])}</section>
<section><h2>Tenants</h2>{_table([[t, c.get('answer', 0), c.get('handoff', 0), stats['cost_usd'].get(t, 0.0)] for t, c in stats['per_tenant'].items()], ['tenant', 'answered', 'handed off', 'cost (USD)'])}</section>
<section><h2>Model spend per day</h2>{_table(_spend_rows(stats['spend']), ['day', 'tenant', 'cost (USD)', 'model calls'])}</section>
<section><h2>Model spend per user</h2>{_table([[u, f'{c:.4f}'] for u, c in stats.get('spend_per_user', {}).items()], ['tenant/user (pseudonym)', 'cost (USD)'])}</section>
<section><h2>Routes and handoff reasons</h2>{_table([[k, v] for k, v in {**stats['routes'], **{'reason: ' + r: n for r, n in stats['handoff_reasons'].items()}}.items()], ['what', 'count'])}</section>
<section><h2>Most active users</h2>{_table([[u, n] for u, n in stats['top_users']], ['tenant/user (pseudonym)', 'messages'])}</section>
</main></body></html>"""


def _spend_rows(spend: dict[str, Any]) -> list[list[Any]]:
    """The latest 60 (day, tenant) rows, newest day first (the chart above shows the whole window)."""
    rows = [(day, tenant, spent) for tenant, data in spend.items() for day, spent in data["days"].items()]
    rows.sort(key=lambda row: row[1])
    rows.sort(key=lambda row: row[0], reverse=True)
    return [[day, tenant, f"{spent['cost_usd']:.4f}", spent["calls"]] for day, tenant, spent in rows[:60]]


ADMIN_OFF = ("the admin dashboard and API are off: set SUPPORTBOT_ADMIN_TOKEN (a long random value) where `supportbot serve` "
             "reads its settings and restart it; /admin then asks for the token")


async def _admin_off(request: web.Request) -> web.Response:
    if request.path.startswith("/api/"):
        return web.json_response({"error": ADMIN_OFF}, status=404)
    page = f"<!doctype html><title>Admin is off</title><h1>Admin is off</h1><p>{html.escape(ADMIN_OFF)}.</p>"
    return web.Response(text=page, status=404, content_type="text/html", headers={"Cache-Control": "no-store"})


def register_admin(app: web.Application, *, get_services: Callable[[], Services], token: str | None) -> None:
    """Mount /admin and the admin API. With no token configured they are not mounted: their paths answer
    404 saying how to turn them on (a bare "Not Found" at /admin, listed by the README, read as a broken install)."""
    app.on_response_prepare.append(admin_security_headers)
    if not token:
        app.router.add_route("*", "/admin", _admin_off)
        app.router.add_route("*", "/admin/{tail:.*}", _admin_off)
        app.router.add_route("*", "/api/v1/admin/{tail:.*}", _admin_off)
        return

    def guard(request: web.Request) -> None:
        if not authorized(request, token):
            raise unauthorized(request)

    async def dashboard(request: web.Request) -> web.Response:
        guard(request)
        days = parse_days(request)
        services = get_services()
        page = await asyncio.to_thread(dashboard_html, services, days=min(days, 366), tenant=parse_tenant(request, services))
        # the page shows personal-ish figures: no caching, and its address goes to no other site
        return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    async def stats(request: web.Request) -> web.Response:
        guard(request)
        services = get_services()
        data = await asyncio.to_thread(collect_stats, services, days=parse_days(request), tenant=parse_tenant(request, services))
        data.pop("trends", None)
        return web.json_response(data)

    async def ingest(request: web.Request) -> web.Response:
        """Uploaded files, or paths under SUPPORTBOT_INGEST_ROOT (bot/app/admin_ingest.py); the CLI sends its work here."""
        guard(request)
        return await handle_ingest(request, get_services())

    async def remove(request: web.Request) -> web.Response:
        """Documents out of a tenant's knowledge base (bot/app/admin_ingest.py); `supportbot ingest --remove` sends its work here."""
        guard(request)
        return await handle_remove(request, get_services())

    async def warm_rollup(app: web.Application) -> AsyncIterator[None]:
        """Fold the last WARM_DAYS days into the rollup in the background at start, so that the first page
        after an upgrade (or a quiet day) does not fold 90 days of history while the operator waits."""
        def fold() -> None:
            try:
                collect_stats(get_services(), days=WARM_DAYS)
            except Exception:  # a dashboard warm-up never stops the server; the page folds what is left
                logger.exception("admin: folding the dashboard's history at start failed")

        task = asyncio.create_task(asyncio.to_thread(fold))
        yield
        if not task.done():
            task.cancel()

    app.cleanup_ctx.append(warm_rollup)
    register_conversation_pages(app, get_services=get_services, guard=guard, key=pseudonym_key)
    app.router.add_get("/admin", dashboard)
    app.router.add_post("/admin/sign-in", sign_in_handler(token))
    app.router.add_get("/api/v1/admin/stats", stats)
    app.router.add_post("/api/v1/admin/ingest", ingest)
    app.router.add_post("/api/v1/admin/remove", remove)
