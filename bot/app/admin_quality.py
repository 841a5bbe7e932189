"""/admin/quality: grades, feedback, automation and handoff reasons over time, as SVG charts, and the
stored evaluation runs (the release gate's). Every figure comes from an aggregate query (GROUP BY
day), never from loading the events into memory.

`GET /admin/quality?days=N&tenant=T` (the page) and `GET /api/v1/admin/quality` (the same figures as JSON).
"""

from __future__ import annotations

import asyncio
import html
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import Engine, case, func
from sqlmodel import Session, col, select

from bot.app.admin_charts import bar_chart, line_chart
from bot.app.admin_session import authorized, unauthorized
from bot.core.ops_tables import AnswerGrade, EvalRun
from bot.core.ports import Embedder
from bot.core.tables import AuditEvent, Handoff
from bot.engine.help_todo import TodoItem, todo_list


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _day_of(engine: Engine, column: Any) -> Any:
    """The UTC day of a stored time: SQLite keeps times as ISO text in UTC, whose first ten characters
    are the day (cheaper than its date(), which parses each row); PostgreSQL's date() of a timestamp."""
    return func.substr(column, 1, 10) if engine.dialect.name == "sqlite" else func.date(column)


def quality_figures(engine: Engine, *, days: int, tenant: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    data = col(AuditEvent.data)

    def scoped(query: Any, tenant_column: Any) -> Any:
        return query.where(tenant_column == tenant) if tenant else query

    with Session(engine) as session:
        # one pass over the audit trail for both kinds (on the (kind, created_at) index)
        outcome_day = _day_of(engine, AuditEvent.created_at)
        is_outcome, is_feedback = AuditEvent.kind == "outcome", AuditEvent.kind == "feedback"
        counted = session.exec(scoped(
            select(outcome_day, func.sum(case((is_outcome, 1), else_=0)),
                   func.sum(case((is_outcome & data.like('%"outcome": "answer"%'), 1), else_=0)),
                   func.sum(case((is_feedback & data.like('%"helpful": true%'), 1), else_=0)),
                   func.sum(case((is_feedback & data.like('%"helpful": false%'), 1), else_=0)))
            .where(col(AuditEvent.kind).in_(["outcome", "feedback"]), col(AuditEvent.created_at) >= since), AuditEvent.tenant)
            .group_by(outcome_day)).all()
        outcomes = [(d, n, a) for d, n, a, _, _ in counted]
        feedback = [(d, h, u) for d, _, _, h, u in counted]
        grade_day = _day_of(engine, AnswerGrade.created_at)
        grades = session.exec(scoped(
            select(grade_day, func.count(), func.avg(AnswerGrade.score), func.avg(AnswerGrade.relevance))
            .where(col(AnswerGrade.created_at) >= since), AnswerGrade.tenant).group_by(grade_day)).all()
        reasons = session.exec(scoped(select(Handoff.reason, func.count()).where(col(Handoff.created_at) >= since), Handoff.tenant)
                               .group_by(Handoff.reason)).all()
        runs = session.exec(scoped(select(EvalRun.tenant, EvalRun.name, EvalRun.created_at, EvalRun.figures), EvalRun.tenant)
                            .order_by(col(EvalRun.id).desc()).limit(10)).all()
    start = since.date()
    day_list = [(start + timedelta(days=n + 1)).isoformat() for n in range(days)]
    by_outcome = {_day(d): (int(n), int(a or 0)) for d, n, a in outcomes}
    by_feedback = {_day(d): (int(h or 0), int(u or 0)) for d, h, u in feedback}
    by_grade = {_day(d): (int(n), float(s), float(r)) for d, n, s, r in grades}
    return {
        "days": day_list,
        "messages": [by_outcome.get(d, (0, 0))[0] for d in day_list],
        "automation": [round(a / n, 4) if n else None for n, a in (by_outcome.get(d, (0, 0)) for d in day_list)],
        "helpful": [by_feedback.get(d, (0, 0))[0] for d in day_list],
        "not_helpful": [by_feedback.get(d, (0, 0))[1] for d in day_list],
        "graded": [by_grade[d][0] if d in by_grade else 0 for d in day_list],
        "mean_grade": [round(by_grade[d][1], 4) if d in by_grade else None for d in day_list],
        "mean_relevance": [round(by_grade[d][2], 4) if d in by_grade else None for d in day_list],
        "handoff_reasons": {str(r): int(n) for r, n in sorted(reasons, key=lambda rn: -rn[1])},
        "eval_runs": [{"tenant": t, "name": n, "at": c.isoformat(), "figures": json.loads(f)} for t, n, c, f in runs],
    }


def render_todo(items: list[dict[str, Any]]) -> str:
    """The help center's to-do list: what people were asked most often that the knowledge base could not answer."""
    rows = "".join(
        f"<tr><td>{int(item['handoffs'])}</td><td>{html.escape(item['question'])}"
        + (f"<br><small>also: {html.escape(' · '.join(item['wordings']))}</small>" if item["wordings"] else "")
        + f"</td><td>{html.escape(', '.join(item['tenants']))}</td></tr>"
        for item in items)
    return ('<h2 id="todo">Help center to-do: questions handed over without an answer</h2>'
            "<p><small>Handoffs because the knowledge base had no answer or too little confidence, grouped by meaning "
            "(redacted text).</small></p><table class=\"todo\"><tr><th>handoffs</th><th>question</th><th>tenants</th></tr>"
            + (rows or "<tr><td colspan=3>nothing yet</td></tr>") + "</table>")


def render_quality(figures: dict[str, Any]) -> str:
    days = figures["days"]
    charts = [
        line_chart(title="Messages answered by the bot (share of all)", days=days, series={"answered": figures["automation"]},
                   y_label="share", y_max=1.0, percent=True),
        line_chart(title="Graded answers: mean local grade and relevance", days=days,
                   series={"grade": figures["mean_grade"], "relevance": figures["mean_relevance"]}, y_label="0..1", y_max=1.0),
        line_chart(title="Customer feedback", days=days, series={"helpful": figures["helpful"], "not helpful": figures["not_helpful"]},
                   y_label="answers"),
        bar_chart(title="Handoffs by reason", bars=figures["handoff_reasons"], x_label="handoffs"),
    ]
    rows = "".join(
        f"<tr><td>{html.escape(r['tenant'])}</td><td>{html.escape(r['name'])}</td><td>{html.escape(r['at'][:16])}</td>"
        + "".join(f"<td>{'–' if r['figures'].get(k) is None else html.escape(str(r['figures'][k]))}</td>"
                  for k in ("answered_right", "answered_wrong", "offtopic_answered", "handoff_recall", "mean_grade")) + "</tr>"
        for r in figures["eval_runs"])
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>supportbot quality</title><style>'
            "body{font:15px/1.5 system-ui,sans-serif;margin:24px;max-width:900px}svg.chart{width:100%;height:auto;background:#fff;"
            "border:1px solid #e5e7eb;border-radius:8px;margin:8px 0}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}"
            '</style></head><body><h1>Answer quality</h1><p><a href="/admin">dashboard</a> · <a href="/admin/rollout">rollout</a> · <a href="/admin/proposals">FAQ proposals</a> · <a href="#todo">help center to-do</a></p>'
            + "".join(charts)
            + "<h2>Evaluation runs (release gate)</h2><table><tr><th>tenant</th><th>run</th><th>at</th><th>right</th><th>wrong</th>"
              "<th>off-topic answered</th><th>handoff recall</th><th>mean grade</th></tr>" + (rows or "<tr><td>none yet</td></tr>")
            + "</table>" + (render_todo(figures["todo"]) if "todo" in figures else "") + "</body></html>")


def register_quality_admin(app: web.Application, *, engine: Engine, token: str | None, embedder: Embedder | None = None) -> None:
    """`embedder`: the app's own, to group the to-do list's questions by meaning (no list without it)."""
    if not token:
        return

    def gathered(days: int, tenant: str | None) -> dict[str, Any]:
        figures = quality_figures(engine, days=days, tenant=tenant)
        if embedder is not None:
            items: list[TodoItem] = todo_list(engine, embedder, days=days, tenant=tenant)
            figures["todo"] = [item.to_json() for item in items]
        return figures

    def guard(request: web.Request) -> tuple[int, str | None]:
        if not authorized(request, token):
            raise unauthorized(request)
        try:
            days = int(request.query.get("days", "30"))
        except ValueError:
            days = 0
        if not 1 <= days <= 366:
            raise web.HTTPBadRequest(text=json.dumps({"error": "days must be a whole number from 1 to 366"}), content_type="application/json")
        return days, request.query.get("tenant") or None

    async def page(request: web.Request) -> web.Response:
        days, tenant = guard(request)
        figures = await asyncio.to_thread(gathered, days, tenant)
        return web.Response(text=render_quality(figures), content_type="text/html",
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    async def api(request: web.Request) -> web.Response:
        days, tenant = guard(request)
        return web.json_response(await asyncio.to_thread(gathered, days, tenant))

    app.router.add_get("/admin/quality", page)
    app.router.add_get("/api/v1/admin/quality", api)
