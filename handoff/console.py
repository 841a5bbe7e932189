"""The built-in staff desk at `/console`: sign in, the tenant's handoff queue, a handoff's card and
live transcript; claim, reply, send the draft, resolve, return to the bot.

It is the desk a fresh install has (no Slack needed) and, when Slack is configured, a second desk on
the same state: it reads handoffs and conversations from the database and acts through the handoff
service, as the Slack desk does, so a claim in one shows in the other (and a reply written here is
posted in the Slack thread too). The transcript and the queue are kept live by polling small JSON
endpoints: that works the same with several web processes behind a load balancer, with nothing
shared in memory.

Staff see only their own tenant's handoffs: another tenant's is "not found", for every page and
action. A request without a session is sent to sign-in (the JSON endpoints answer 401); sessions, the
CSRF-checked forms and the sign-in pages are handoff/console_sign_in.py.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.core.desk import (
    ReplyOutcome,
    StaffAction,
    StaffMember,
    claimed_by,
    claimer_of,
    lost_claim,
)
from bot.core.errors import InputError
from handoff.console_notices import StepBackNotices
from handoff.console_pages import (
    handoff_page,
    not_found_page,
    notice_row,
    proposal_form,
    queue_page,
    queue_rows,
    status_text,
    transcript_rows,
)
from handoff.console_sign_in import (
    FAILED_SIGN_IN_DELAY,
    HEADERS,
    SIGN_IN,
    ConsoleSignIn,
)
from handoff.faq_proposals import RESOLVED, ProposalBook, prefill
from handoff.service import HandoffService
from handoff.staff_accounts import StaffAccount, StaffDirectory

STATIC = Path(__file__).resolve().parent / "console_static"
DESK = "web console"
MAX_REPLY = 4000
MAX_ROW_ID = 2**63 - 1  # the largest id a database row can have (SQLite and PostgreSQL bigint)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Redact = Callable[[str, str], Awaitable[str]]  # (text, tenant) -> the text with personal data replaced


class WebConsole:
    def __init__(
        self, *, handoff: HandoffService, directory: StaffDirectory, secret: bytes,
        failed_sign_in_delay: float = FAILED_SIGN_IN_DELAY, proposals: ProposalBook | None = None, redact: Redact | None = None,
        notices: StepBackNotices | None = None, address: Callable[[web.Request], str] | None = None,
    ) -> None:
        """`proposals` and `redact`: resolved handoffs can be proposed as FAQ entries (both needed).
        `notices`: the queue shows the tenant's automatic step back to shadow until staff acknowledge it."""
        self._handoff = handoff
        self._gate = ConsoleSignIn(directory=directory, secret=secret, failed_sign_in_delay=failed_sign_in_delay, address=address)
        self._proposals = proposals if redact is not None else None
        self._redact = redact
        self._notices = notices

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/console", self._queue),
            web.get("/console/", self._queue),
            web.get(SIGN_IN, self._gate.sign_in_form),
            web.post(SIGN_IN, self._gate.sign_in),
            web.post("/console/sign-out", self._gate.sign_out),
            web.get("/console/handoffs/{id:\\d+}", self._handoff_page),
            web.post("/console/handoffs/{id:\\d+}/act", self._act),
            web.post("/console/handoffs/{id:\\d+}/reply", self._reply),
            web.post("/console/handoffs/{id:\\d+}/propose", self._propose),
            web.post("/console/notices/{id:\\d+}/acknowledge", self._acknowledge),
            web.get("/console/api/queue", self._queue_json),
            web.get("/console/api/handoffs/{id:\\d+}", self._handoff_json),
            web.get("/console/static/console.js", _static("console.js", "application/javascript; charset=utf-8")),
            web.get("/console/static/console.css", _static("console.css", "text/css; charset=utf-8")),
        ]

    # the queue ----------------------------------------------------------------------------------
    async def _rows(self, account: StaffAccount) -> list[dict[str, Any]]:
        handoffs = await asyncio.to_thread(self._handoff.of_tenant, account.tenant)
        packets = {h.id or 0: self._handoff.packet(h) for h in handoffs}
        ratings = await asyncio.to_thread(self._handoff.ratings, handoffs)
        return queue_rows(handoffs, packets, datetime.now(UTC), staff=self._staff(account), ratings=ratings)

    async def _rating(self, handoff: Any) -> int | None:
        return (await asyncio.to_thread(self._handoff.ratings, [handoff])).get(int(handoff.id or 0))

    async def _notice(self, account: StaffAccount) -> dict[str, Any] | None:
        if self._notices is None:
            return None
        return notice_row(await asyncio.to_thread(self._notices.pending, account.tenant))

    async def _queue(self, request: web.Request) -> web.Response:
        session, account = await self._gate.signed_in(request)
        page = queue_page(account=account, csrf=self._gate.sessions.csrf_token(session), rows=await self._rows(account), notice=await self._notice(account))
        return self._gate.html(page)

    async def _queue_json(self, request: web.Request) -> web.Response:
        account = self._gate.account(self._gate.session(request))
        if account is None:
            return web.json_response({"error": "sign in"}, status=401, headers=HEADERS)
        return web.json_response({"handoffs": await self._rows(account), "notice": await self._notice(account)}, headers=HEADERS)

    async def _acknowledge(self, request: web.Request) -> web.Response:
        """"Got it" on the step-back banner: gone for the tenant's staff, and audited with who. Another
        tenant's notice (or one acknowledged already) changes nothing."""
        session, account = await self._gate.signed_in(request)
        await self._gate.form(request, session)
        if self._notices is not None:
            notice_id = _row_id(request)
            if notice_id is not None:
                await asyncio.to_thread(self._notices.acknowledge, account.tenant, notice_id, by=account.display_name)
        raise web.HTTPSeeOther("/console", headers=HEADERS)

    # one handoff --------------------------------------------------------------------------------
    async def _own(self, request: web.Request, account: StaffAccount) -> Any:
        """The handoff of the URL when it is the staff member's tenant's; None (shown as not found) otherwise."""
        handoff_id = _row_id(request)
        handoff = None if handoff_id is None else await asyncio.to_thread(self._handoff.get, handoff_id)
        return handoff if handoff is not None and handoff.tenant == account.tenant else None

    async def _handoff_page(self, request: web.Request) -> web.Response:
        session, account = await self._gate.signed_in(request)
        csrf = self._gate.sessions.csrf_token(session)
        handoff = await self._own(request, account)
        if handoff is None:
            return self._gate.html(not_found_page(account=account, csrf=csrf), status=404)
        packet, messages = await self._handoff.staff_view(handoff)
        error = request.query.get("error")  # a code: each part of the page shows only its own texts for it
        extra = await self._proposal_section(handoff, csrf=csrf, error=error)
        page = handoff_page(account=account, csrf=csrf, handoff=handoff, packet=packet, messages=messages, extra=extra, error=error,
                            focus=_focus(request, handoff, self._staff(account)), rating=await self._rating(handoff))
        return self._gate.html(page)

    async def _proposal_section(self, handoff: Any, *, csrf: str, error: str | None) -> str:
        """A resolved handoff's "propose as FAQ entry" form, prefilled from the redacted transcript
        (not the one staff see, which may show the customer's own values)."""
        if self._proposals is None or handoff.status not in RESOLVED:
            return ""
        redacted = await self._handoff.redacted_history(handoff)
        earlier = await asyncio.to_thread(self._proposals.of_handoff, int(handoff.id))
        return proposal_form(handoff_id=int(handoff.id), csrf=csrf, prefill=prefill(redacted), earlier=earlier, error=error)

    async def _handoff_json(self, request: web.Request) -> web.Response:
        account = self._gate.account(self._gate.session(request))
        if account is None:
            return web.json_response({"error": "sign in"}, status=401, headers=HEADERS)
        handoff = await self._own(request, account)
        if handoff is None:
            return web.json_response({"error": "no such handoff"}, status=404, headers=HEADERS)
        _, messages = await self._handoff.staff_view(handoff)
        body = {"id": handoff.id, "status": handoff.status, "status_text": status_text(handoff, rating=await self._rating(handoff)),
                "messages": transcript_rows(messages)}
        return web.json_response(body, headers=HEADERS)

    def _staff(self, account: StaffAccount) -> StaffMember:
        return StaffMember(id=account.staff_id, name=account.display_name, desk=DESK)

    async def _act(self, request: web.Request) -> web.Response:
        session, account = await self._gate.signed_in(request)
        form = await self._gate.form(request, session)
        handoff = await self._own(request, account)
        try:
            action = StaffAction(form.get("action", ""))
        except ValueError:
            raise web.HTTPBadRequest(text="unknown action", headers=HEADERS) from None
        if handoff is None:
            return self._gate.html(not_found_page(account=account, csrf=self._gate.sessions.csrf_token(session)), status=404)
        client_id = f"console-{form.get('client_id') or secrets.token_hex(8)}"
        staff = self._staff(account)
        if action is StaffAction.DRAFT:
            return await self._send_draft(request, session, account, handoff, client_id=client_id)
        # the claimer the page showed when Take over was pressed: it is taken from them only (bot/core/desk.py `lost_claim`)
        seen = (form.get("seen") or None) if action is StaffAction.TAKE_OVER else None
        after = await self._handoff.act(action, handoff.id, staff=staff, client_id=client_id, seen=seen)
        error = lost_claim(after, staff, action=action) if action in (StaffAction.CLAIM, StaffAction.TAKE_OVER) else None
        raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}" + (f"?error={error}" if error else f"?done={action.value}"), headers=HEADERS)

    async def _reply(self, request: web.Request) -> web.Response:
        session, account = await self._gate.signed_in(request)
        form = await self._gate.form(request, session)
        handoff = await self._own(request, account)
        if handoff is None:
            return self._gate.html(not_found_page(account=account, csrf=self._gate.sessions.csrf_token(session)), status=404)
        # a browser sends each line break as CRLF but counts it as one character against the box's maxlength
        text = form.get("text", "").replace("\r\n", "\n").strip()
        if not text or len(text) > MAX_REPLY:
            problem = f"Not sent: a reply has 1 to {MAX_REPLY} characters (this one has {len(text)})."
            return await self._unsent(request, session, account, handoff, text=text, problem=problem, status=400)
        # the form's own id: a double click or a resent form reaches the customer once
        client_id = f"console-{form.get('client_id') or secrets.token_hex(8)}"
        # `despite`: the claimer the staff member was warned of and chose to write beside ("Send anyway")
        outcome = await self._handoff.reply(handoff.id, staff=self._staff(account), text=text, client_id=client_id,
                                            despite=form.get("despite") or None)
        if outcome is not ReplyOutcome.SENT:
            now = await asyncio.to_thread(self._handoff.get, int(handoff.id)) or handoff
            return await self._held_back(request, session, account, now, outcome, text=text, what="Not sent")
        # `sent`: console.js drops the draft it kept for this form only now (a sign-in or a refused form in between keeps it)
        raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}?sent={quote(form.get('client_id', '')[:64])}", headers=HEADERS)

    async def _send_draft(self, request: web.Request, session: Any, account: StaffAccount, handoff: Any, *, client_id: str) -> web.Response:
        """Send draft: to the customer as the staff member's reply, or, someone else having claimed the
        handoff, held back as a reply is (409): the draft in the reply box, who has it, and "Send anyway"."""
        outcome = await self._handoff.send_draft(handoff.id, staff=self._staff(account), client_id=client_id)
        if outcome is ReplyOutcome.SENT:
            raise web.HTTPSeeOther(f"/console/handoffs/{handoff.id}?done={StaffAction.DRAFT.value}", headers=HEADERS)
        now = await asyncio.to_thread(self._handoff.get, int(handoff.id)) or handoff
        return await self._held_back(request, session, account, now, outcome, text=self._handoff.packet(now).draft, what="Draft not sent",
                                     where=" It is in the reply box:")

    async def _held_back(
        self, request: web.Request, session: Any, account: StaffAccount, now: Any, outcome: ReplyOutcome, *, text: str, what: str,
        where: str = "",
    ) -> web.Response:
        """A reply or draft not sent (409), `text` back in the reply box: someone else has claimed the handoff (who,
        and "Send anyway" beside them), or it is closed."""
        if outcome is ReplyOutcome.CLAIMED_BY_ANOTHER:
            holder = now.claimed_by or "someone else"
            problem = (f"{what} yet: {holder} has claimed this handoff and is talking with the customer.{where} "
                       f"Send anyway to write beside {holder} (it stays {holder}'s), or Take over first to make it yours.")
            return await self._unsent(request, session, account, now, text=text, problem=problem, status=409, despite=claimer_of(now))
        problem = f"{what}: this handoff is {status_text(now).lower()} now, so the customer would not get it."
        return await self._unsent(request, session, account, now, text=text, problem=problem, status=409)

    async def _unsent(
        self, request: web.Request, session: Any, account: StaffAccount, handoff: Any, *, text: str, problem: str, status: int,
        despite: str | None = None,
    ) -> web.Response:
        """The handoff's page again, saying why the reply was not sent, with its text kept (a redirect would drop it).
        `despite`: the claimer it was not sent beside; the form sends it again with "Send anyway"."""
        csrf = self._gate.sessions.csrf_token(session)
        packet, messages = await self._handoff.staff_view(handoff)
        extra = await self._proposal_section(handoff, csrf=csrf, error=None)
        page = handoff_page(account=account, csrf=csrf, handoff=handoff, packet=packet, messages=messages, extra=extra, unsent=text, problem=problem,
                            despite=despite, rating=await self._rating(handoff))
        return self._gate.html(page, status=status)


    async def _propose(self, request: web.Request) -> web.Response:
        session, account = await self._gate.signed_in(request)
        form = await self._gate.form(request, session)
        handoff = await self._own(request, account)
        if handoff is None or self._proposals is None or self._redact is None:
            return self._gate.html(not_found_page(account=account, csrf=self._gate.sessions.csrf_token(session)), status=404)
        page = f"/console/handoffs/{handoff.id}"
        if handoff.status not in RESOLVED:
            raise web.HTTPSeeOther(f"{page}?error=not_resolved", headers=HEADERS)
        # redacted again: an edit may have typed a name, an e-mail or an address back in
        question = await self._redact(form.get("question", ""), account.tenant)
        answer = await self._redact(form.get("answer", ""), account.tenant)
        try:
            await asyncio.to_thread(self._proposals.propose, tenant=account.tenant, handoff_id=int(handoff.id), question=question,
                                    answer=answer, by=account.display_name)
        except InputError:  # the one it raises: a question or an answer empty or too long
            raise web.HTTPSeeOther(f"{page}?error=size", headers=HEADERS) from None
        raise web.HTTPSeeOther(f"{page}#proposals", headers=HEADERS)


def _focus(request: web.Request, handoff: Any, staff: StaffMember) -> str | None:
    """Where the keyboard's focus goes on a handoff's page after the staff member's own step (the page
    is drawn anew, and the focus fell to the top of it: Tab seven times back to the reply box after each
    reply sent, and a screen reader heard nothing of what the step did): to the reply box after a reply
    sent, or a claim or take-over that made the handoff theirs; to the status line after any other step."""
    done = request.query.get("done")
    if request.query.get("sent") is not None or (done in (StaffAction.CLAIM, StaffAction.TAKE_OVER) and claimed_by(handoff, staff)):
        return "reply"
    return "status" if done in set(StaffAction) else None


def _row_id(request: web.Request) -> int | None:
    """The URL's id (the route takes digits only), or None when no row can have it: the database
    driver would refuse a number that large (a 500) instead of finding nothing."""
    value = int(request.match_info["id"])
    return value if value <= MAX_ROW_ID else None


def _static(name: str, content_type: str) -> Handler:
    async def handler(_: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / name, headers={"Content-Type": content_type, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})

    return handler
