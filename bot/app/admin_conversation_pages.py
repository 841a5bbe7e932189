"""The pages and routes of /admin/conversations (the queries are in bot/app/admin_conversations.py).

Behind the admin token as every /admin page (bearer token, or the /admin session cookie); bad
parameters answer a JSON 400 naming what was wrong, an unknown conversation a JSON 404. The list page
without a tenant (the dashboard's link) lists the tenants to pick from when there are several.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.app.admin_conversations import (
    OUTCOMES,
    STATES,
    BadQuery,
    ListQuery,
    list_conversations,
    parse_query,
    transcript,
)
from bot.app.composition import Services

STYLE = ("body{font:15px/1.5 system-ui,sans-serif;margin:24px;max-width:1100px;color:#1d2433}td,th{padding:4px 8px;"
         "border-bottom:1px solid #eee;text-align:left;vertical-align:top}form{margin:12px 0}input,select{margin-right:6px}"
         ".msg{border-radius:8px;padding:8px 12px;margin:6px 0;background:#f3f4f6}.msg.bot{background:#eef3ff}.msg.agent{background:#eefaf0}"
         ".meta{color:#5b6478;font-size:13px}.trail li{margin:2px 0}")


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def _page(title: str, body: str) -> web.Response:
    return web.Response(text=f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
                             f"<style>{STYLE}</style></head><body>{body}</body></html>", content_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _options(values: list[str], chosen: str | None, *, blank: str) -> str:
    return f'<option value="">{html.escape(blank)}</option>' + "".join(
        f'<option{" selected" if v == chosen else ""}>{html.escape(v)}</option>' for v in values)


def conversation_list_html(services: Services, *, query: dict[str, str], key: bytes) -> str:
    """The list page for these parameters (what bench/bench_admin.py times). Synchronous; BadQuery on bad ones."""
    tenants = list(services.settings.tenants)
    parsed = parse_query(query, tenants=tenants)
    return render_list(list_conversations(services.engine, parsed, key=key), parsed, tenants=tenants)


def render_list(listing: dict[str, Any], query: ListQuery, *, tenants: list[str]) -> str:
    e = html.escape
    form = (f'<form method="get" action="/admin/conversations" role="search"><select name="tenant">{_options(tenants, query.tenant, blank="tenant")}'
            f'</select><input name="q" placeholder="word in the text" maxlength="200" value="{e(query.text or "")}">'
            f'<select name="outcome">{_options(list(OUTCOMES), query.outcome, blank="any outcome")}</select>'
            f'<select name="state">{_options(list(STATES), query.state, blank="any state")}</select>'
            f'<input name="channel" placeholder="channel" size="9" value="{e(query.channel or "")}">'
            f'<input name="from" type="date" value="{query.since or ""}"><input name="to" type="date" value="{query.until or ""}">'
            "<button>Search</button></form>")
    rows = "".join(
        f'<tr class="conversation"><td><a href="/admin/conversations/{e(c["id"])}?tenant={e(query.tenant)}">{e(c["started"][:16])}</a></td>'
        f'<td>{e(c["channel"])}</td><td>{e(c["state"])}</td><td>{e(", ".join(c["outcomes"]))}'
        f'{" · " + e(c["handoff_reason"]) if c["handoff_reason"] else ""}</td><td>{e(c["user"] or "–")}</td><td>{e(c["first_message"])}</td></tr>'
        for c in listing["conversations"])
    keep = {k: v for k, v in {"tenant": query.tenant, "q": query.text, "outcome": query.outcome, "state": query.state,
                              "channel": query.channel, "from": query.since, "to": query.until}.items() if v}
    pages = []
    if query.page > 1:
        pages.append(f'<a rel="prev" href="/admin/conversations?{e(urlencode({**keep, "page": query.page - 1}))}">newer</a>')
    if listing["next_page"]:
        pages.append(f'<a rel="next" href="/admin/conversations?{e(urlencode({**keep, "page": listing["next_page"]}))}">older</a>')
    return (f'<h1>Conversations of {e(query.tenant)}</h1><p><a href="/admin">dashboard</a></p>{form}'
            "<table><thead><tr><th>started</th><th>channel</th><th>state</th><th>outcome</th><th>user (pseudonym)</th><th>first message</th>"
            f"</tr></thead><tbody>{rows or '<tr><td colspan=6>no conversation matches</td></tr>'}</tbody></table>"
            f'<p class="pages">page {query.page} {" · ".join(pages)}</p>')


def _describe(step: dict[str, Any]) -> str:
    rest = {k: v for k, v in step.items() if k not in ("at", "kind")}
    return ", ".join(f"{k}: {v if not isinstance(v, list | dict) else json.dumps(v)}" for k, v in rest.items())


def render_transcript(found: dict[str, Any]) -> str:
    e = html.escape
    messages = "".join(
        f'<div class="msg {e(m["role"])}"><div class="meta">{e(m["at"][:19])} · {e(m["role"])}'
        + (f' · {e(str(m["outcome"]))}' if "outcome" in m else "")
        + (f' · confidence {float(m["confidence"]):.2f}' if isinstance(m.get("confidence"), int | float) else "")
        + (f' · sources: {e(", ".join(str(s) for s in m["sources"]))}' if m.get("sources") else "")
        + f'</div>{e(m["text"])}</div>' for m in found["messages"])
    handoffs = "".join(f'<li>#{h["id"]} {e(h["reason"])} ({e(h["status"])}) at {e(h["at"][:19])}'
                       + (f', claimed by {e(str(h["claimed_by"]))} at {e(h["claimed_at"][:19])}' if h["claimed_at"] else "")
                       + (f', resolved at {e(h["closed_at"][:19])}' if h["closed_at"] else "") + "</li>" for h in found["handoffs"])
    trail = "".join(f'<li><b>{e(s["kind"])}</b> {e(s["at"][:19])} {e(_describe(s))}</li>' for s in found["trail"])
    return (f'<h1>Conversation {e(found["id"][:12])}</h1><p><a href="/admin/conversations?tenant={e(found["tenant"])}">all conversations</a></p>'
            f'<p class="meta">tenant {e(found["tenant"])} · {e(found["channel"])} · {e(found["state"])} · user {e(found["user"] or "–")}'
            f' · started {e(found["started"][:19])}</p><p class="meta">Texts as stored: personal values are placeholders; the vault stays closed.</p>'
            f'<section class="transcript"><h2>Transcript</h2>{messages or "<p>no messages</p>"}</section>'
            f'<section><h2>Handoffs</h2><ul>{handoffs or "<li>none</li>"}</ul></section>'
            f'<section><h2>Audit trail</h2><ul class="trail">{trail or "<li>nothing</li>"}</ul></section>')


def register_conversation_pages(app: web.Application, *, get_services: Callable[[], Services], guard: Callable[[web.Request], None],
                                key: Callable[[Services], bytes]) -> None:
    """`guard`: the admin token check (bot/app/admin.py); `key`: the audit trail's pseudonym key."""

    def query_of(request: web.Request, services: Services) -> ListQuery:
        try:
            return parse_query(request.query, tenants=list(services.settings.tenants))
        except BadQuery as exc:
            raise _bad(str(exc)) from None

    async def listing(request: web.Request, *, as_json: bool) -> web.Response:
        guard(request)
        services = get_services()
        tenants = sorted(services.settings.tenants)
        if not as_json and not request.query.get("tenant") and len(tenants) > 1:  # the dashboard's link: pick one
            links = "".join(f'<li><a href="/admin/conversations?{html.escape(urlencode({"tenant": t}))}">{html.escape(t)}</a></li>' for t in tenants)
            return _page("supportbot conversations", f'<h1>Conversations</h1><p><a href="/admin">dashboard</a></p>'
                                                     f"<p>Whose conversations?</p><ul class=\"tenants\">{links}</ul>")
        query = query_of(request, services)
        found = await asyncio.to_thread(list_conversations, services.engine, query, key=key(services))
        if as_json:
            return web.json_response(found)
        return _page("supportbot conversations", render_list(found, query, tenants=list(services.settings.tenants)))

    async def one(request: web.Request, *, as_json: bool) -> web.Response:
        guard(request)
        services = get_services()
        tenants = list(services.settings.tenants)
        # one tenant: it is the tenant, as the list takes it (`parse_query`)
        tenant = request.query.get("tenant") or (tenants[0] if len(tenants) == 1 else "")
        if tenant not in tenants:
            raise _bad(f"tenant is required and must be known, not {tenant[:100]!r}")
        conversation_id = request.match_info["conversation_id"]
        if len(conversation_id) > 100:
            raise _bad("a conversation id is at most 100 characters")
        # an id with a NUL is no conversation's (PostgreSQL's text cannot hold one: its query failed, a 500)
        found = None if "\x00" in conversation_id else await asyncio.to_thread(
            transcript, services.engine, conversation_id=conversation_id, tenant=tenant, key=key(services))
        if found is None:
            raise web.HTTPNotFound(text=json.dumps({"error": f"no conversation {conversation_id[:100]!r} in tenant {tenant!r}"}),
                                   content_type="application/json")
        if as_json:
            return web.json_response(found)
        return _page("supportbot conversation", render_transcript(found))

    async def list_page(request: web.Request) -> web.Response:
        return await listing(request, as_json=False)

    async def list_api(request: web.Request) -> web.Response:
        return await listing(request, as_json=True)

    async def transcript_page(request: web.Request) -> web.Response:
        return await one(request, as_json=False)

    async def transcript_api(request: web.Request) -> web.Response:
        return await one(request, as_json=True)

    app.router.add_get("/admin/conversations", list_page)
    app.router.add_get("/api/v1/admin/conversations", list_api)
    app.router.add_get("/admin/conversations/{conversation_id}", transcript_page)
    app.router.add_get("/api/v1/admin/conversations/{conversation_id}", transcript_api)
