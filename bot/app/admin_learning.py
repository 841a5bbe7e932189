"""/admin/proposals: FAQ entries staff proposed from resolved handoffs, approved or rejected by an operator.

`GET /admin/proposals` lists them (waiting first) with a form each; `POST /admin/proposals/{id}/approve`
runs the release gate with the entry added and ingests it (bot/app/faq_approval.py), `.../reject` keeps
it out. Both answer with the page again (303), whose note says what the gate found. `GET
/api/v1/admin/proposals` is the same list as JSON. The admin token guards all of them, as the other
/admin pages (bearer token or the /admin session cookie, which is SameSite=Strict).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.app.admin_session import authorized, unauthorized
from bot.app.composition import Services
from bot.app.faq_approval import approve
from bot.core.errors import InputError
from bot.core.ops_tables import FaqProposal
from handoff.faq_proposals import ProposalBook


def redact_for(services: Services) -> Callable[[str, str], Awaitable[str]]:
    """(text, tenant) -> the text with personal data replaced, as every stored message is."""
    redactor = services.redactor

    async def redact(text: str, tenant: str) -> str:
        if redactor is None:  # redaction is off for this deployment: nothing is redacted anywhere
            return text
        return (await redactor.redact(text, tenant=tenant)).redacted

    return redact


def _row(p: FaqProposal) -> dict[str, Any]:
    return {"id": p.id, "tenant": p.tenant, "handoff_id": p.handoff_id, "question": p.question, "answer": p.answer, "status": p.status,
            "proposed_by": p.proposed_by, "note": p.note, "created_at": p.created_at.isoformat()}


def register_learning_admin(app: web.Application, *, get_services: Callable[[], Services], token: str | None) -> None:
    if not token:
        return
    gate_lock = asyncio.Lock()  # one approval at a time: two gates at once would each see the other's entry

    def guard(request: web.Request) -> None:
        if not authorized(request, token):
            raise unauthorized(request)

    def book() -> ProposalBook:
        return ProposalBook(get_services().engine)

    async def page(request: web.Request) -> web.Response:
        guard(request)
        rows = [_row(p) for p in await asyncio.to_thread(book().listing)]
        return web.Response(text=render_proposals(rows, message=request.query.get("message")), content_type="text/html",
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    async def listing(request: web.Request) -> web.Response:
        guard(request)
        return web.json_response({"proposals": [_row(p) for p in await asyncio.to_thread(book().listing)]})

    async def decide(request: web.Request) -> web.Response:
        guard(request)
        proposal_id, verb = int(request.match_info["id"]), request.match_info["verb"]
        try:
            if verb == "approve":
                async with gate_lock:
                    decision = await approve(get_services(), book(), proposal_id)
                message = f"#{proposal_id}: {decision.status}. {decision.note}"
            else:
                current = await asyncio.to_thread(book().get, proposal_id)
                if current is None or current.status == "approved":
                    raise InputError(f"no FAQ proposal #{proposal_id} waiting" if current is None
                                     else f"FAQ proposal #{proposal_id} is already in the knowledge base")
                await asyncio.to_thread(book().decide, proposal_id, status="rejected", note="rejected by an operator")
                message = f"#{proposal_id}: rejected"
        except InputError as exc:
            message = str(exc)
        if request.content_type == "application/json" or "json" in request.query:
            return web.json_response({"message": message, "proposal": _row(p) if (p := book().get(proposal_id)) else None})
        from urllib.parse import quote

        raise web.HTTPSeeOther(f"/admin/proposals?message={quote(message[:1500])}")

    app.router.add_get("/admin/proposals", page)
    app.router.add_get("/api/v1/admin/proposals", listing)
    # at most 18 digits: every row id fits (a longer number is a 404, not a 500 from the database driver)
    app.router.add_post("/admin/proposals/{id:\\d{1,18}}/{verb:approve|reject}", decide)


def render_proposals(rows: list[dict[str, Any]], *, message: str | None) -> str:
    items = []
    for r in rows:
        pid = int(r["id"])
        buttons = ""
        if r["status"] in ("proposed", "failed_gate"):
            buttons = (f'<form method="post" action="/admin/proposals/{pid}/approve"><button class="approve">Approve (runs the release gate)</button></form>'
                       f'<form method="post" action="/admin/proposals/{pid}/reject"><button class="reject">Reject</button></form>')
        note = f'<p class="note">{html.escape(r["note"])}</p>' if r["note"] else ""
        items.append(
            f'<section class="proposal {html.escape(r["status"])}" data-id="{pid}"><h2>#{pid} · {html.escape(r["tenant"])} · '
            f'<span class="status">{html.escape(r["status"])}</span></h2>'
            f'<p><small>from handoff #{int(r["handoff_id"])} by {html.escape(r["proposed_by"])}, {html.escape(r["created_at"][:16])}</small></p>'
            f'<h3>Question</h3><pre>{html.escape(r["question"])}</pre><h3>Answer</h3><pre>{html.escape(r["answer"])}</pre>{note}{buttons}</section>')
    alert = f'<p role="status" class="message">{html.escape(message)}</p>' if message else ""
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>supportbot FAQ proposals</title><style>'
            "body{font:15px/1.5 system-ui,sans-serif;margin:24px;max-width:900px}pre{white-space:pre-wrap;background:#f5f6f8;padding:8px}"
            ".message{background:#fff6d5;padding:8px}.failed_gate .status{color:#b00020}.approved .status{color:#0a7a2f}"
            "section{border-bottom:1px solid #ddd;padding:8px 0}form{display:inline-block;margin-right:8px}</style></head><body>"
            '<h1>FAQ entries proposed by staff</h1><p><a href="/admin">dashboard</a> · <a href="/admin/quality">quality</a></p>'
            + alert + ("".join(items) or "<p>No proposals yet: staff propose them from a resolved handoff in the console.</p>")
            + "</body></html>")
