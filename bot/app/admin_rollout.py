"""/admin/rollout: each tenant's rollout stage and its recent changes, changed without a restart.

`GET /admin/rollout` is a page with one form per tenant; `POST /admin/rollout/{tenant}` (a form or
JSON {"stage", "percent"?, "beta"?, "reason"?}) sets the stage through `RolloutBook.set` (validated,
audited, seen by every process within a second). Bad input is a 400 naming the tenant; nothing changes.
The admin token guards both (bot/app/admin.py: bearer token or the /admin session cookie).
"""

from __future__ import annotations

import asyncio
import html
import json
from typing import Any, NoReturn

from aiohttp import web

from bot.app.admin_session import authorized, unauthorized
from bot.app.request_checks import read_json
from bot.core.errors import SupportbotError
from bot.engine.rollout import RolloutBook
from policies.rollout import Stage

BODY_BYTES = 64 * 1024


def register_rollout_admin(app: web.Application, *, book: RolloutBook, tenants: list[str], token: str | None) -> None:
    if not token:
        return

    def guard(request: web.Request) -> None:
        if not authorized(request, token):
            raise unauthorized(request)

    def state() -> list[dict[str, Any]]:
        out = []
        for tenant in tenants:
            policy = book.current(tenant, fresh=True)  # what the database says now, not this process's cache
            out.append({"tenant": tenant, "stage": policy.stage.value, "percent": policy.percent, "beta": list(policy.beta),
                        "changes": book.changes(tenant=tenant, limit=5)})
        return out

    async def page(request: web.Request) -> web.Response:
        guard(request)
        rows = await asyncio.to_thread(state)
        return web.Response(text=_render(rows, error=request.query.get("error")), content_type="text/html",
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    async def listing(request: web.Request) -> web.Response:
        guard(request)
        return web.json_response({"tenants": await asyncio.to_thread(state)})

    def refuse(to_page: bool, message: str) -> NoReturn:
        """Back to the page with the message shown (its form), or a 400 naming it (the API). Nothing changes."""
        if to_page:
            raise web.HTTPSeeOther(f"/admin/rollout?error={_quote(message)}")
        raise web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")

    async def change(request: web.Request) -> web.Response:
        guard(request)
        tenant = request.match_info["tenant"]
        is_form = request.content_type != "application/json"
        to_page = is_form and not request.path.startswith("/api/")  # the API answers JSON, whatever it was sent
        # any bytes (deep nesting, bad UTF-8, not an object) are a clear 400 (bot/app/request_checks.py)
        try:
            data: Any = dict(await request.post()) if is_form else await read_json(request, max_bytes=BODY_BYTES)
        except ValueError:  # a form body that is not UTF-8 (or a broken multipart one)
            raise web.HTTPBadRequest(text=json.dumps({"error": "the form could not be read (not UTF-8 form data)"}),
                                     content_type="application/json") from None
        raw = data.get("percent")
        percent = None if raw in (None, "") else _number(raw)
        if percent is None and raw not in (None, ""):
            shown = repr(raw[:40]) if isinstance(raw, str) else str(raw)[:40]
            refuse(to_page, f"tenant {tenant[:100]!r}: percent must be a number from 0 to 100, not {shown}")
        beta = data.get("beta") or []
        if not isinstance(beta, str) and not (isinstance(beta, list) and all(isinstance(b, str) for b in beta)):
            refuse(to_page, f"tenant {tenant[:100]!r}: beta must be a list of identities and access groups (or one comma-separated string)")
        beta = beta.split(",") if isinstance(beta, str) else beta
        for key in ("stage", "reason"):
            if not isinstance(data.get(key, ""), str):
                raise web.HTTPBadRequest(text=json.dumps({"error": f"tenant {tenant[:100]!r}: {key} must be a string"}),
                                         content_type="application/json")
        try:
            policy = await asyncio.to_thread(book.set, tenant=tenant, stage=str(data.get("stage", "")), percent=percent, beta=beta,
                                             by="admin", reason=str(data.get("reason", "")))
        except SupportbotError as exc:
            refuse(to_page, str(exc))
        if to_page:
            raise web.HTTPSeeOther("/admin/rollout")
        return web.json_response({"tenant": tenant, "stage": policy.stage.value, "percent": policy.percent, "beta": list(policy.beta)})

    app.router.add_get("/admin/rollout", page)
    app.router.add_get("/api/v1/admin/rollout", listing)
    app.router.add_post("/admin/rollout/{tenant}", change)
    app.router.add_post("/api/v1/admin/rollout/{tenant}", change)


def _number(value: Any) -> float | None:
    """A percentage as JSON gives it (a number) or a form does (text); None for anything else, true included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().removesuffix("%"))
        except ValueError:
            return None
    return None


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:300])


def _render(rows: list[dict[str, Any]], *, error: str | None) -> str:
    body = []
    for row in rows:
        t = html.escape(row["tenant"])
        # the form starts from the tenant's stage as it is: Change pressed to note a reason (or to edit the
        # percent) turned the bot off, the first option, which every form showed whatever the stage
        options = "".join(f'<option{" selected" if s.value == row["stage"] else ""}>{s.value}</option>' for s in Stage)
        percent = "" if row.get("percent") is None else f'{row["percent"]:g}'
        beta = ", ".join(row.get("beta") or [])
        changes = "".join(f"<li>{html.escape(c['at'][:19])} {html.escape(c['from'])} → {html.escape(c['to'])} by {html.escape(str(c['by']))}"
                          f"{': ' + html.escape(str(c['reason'])) if c.get('reason') else ''}</li>" for c in row["changes"])
        shown = row["stage"] + (f" {row['percent']:g}%" if row["stage"] == "percent" else "")
        body.append(
            f'<section data-tenant="{t}"><h2>{t}: <span class="stage">{html.escape(shown)}</span></h2>'
            f'<form method="post" action="/admin/rollout/{t}"><select name="stage">{options}</select> '
            f'<input name="percent" placeholder="percent" size="6" value="{html.escape(percent)}"> '
            f'<input name="beta" placeholder="beta: ids or groups" value="{html.escape(beta)}"> '
            f'<input name="reason" placeholder="why"> <button>Change</button></form>'
            f'<form method="post" action="/admin/rollout/{t}"><input type="hidden" name="stage" value="off">'
            f'<input type="hidden" name="reason" value="kill switch"><button class="kill">Kill switch (off)</button></form>'
            f"<ul>{changes}</ul></section>")
    alert = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>supportbot rollout</title><style>'
            "body{font:15px/1.5 system-ui,sans-serif;margin:24px;max-width:900px}.error{color:#b00020}.kill{background:#b00020;color:#fff}"
            "section{border-bottom:1px solid #ddd;padding:8px 0}</style></head><body><h1>Rollout per tenant</h1>"
            + alert + "".join(body) + "</body></html>")
