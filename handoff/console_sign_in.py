"""Who is at the web console (handoff/console.py): the session cookie and the account it signed in
(handoff/console_session.py), the CSRF-checked form every post carries, and the sign-in and sign-out pages.

A request without a session is sent to sign-in; every form post carries the session's CSRF token
(refused with 403 without it, or from another origin); a wrong password and an unknown name get the
same answer after the same delay.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from handoff.console_pages import sign_in_page
from handoff.console_session import COOKIE, Session, Sessions, is_https
from handoff.staff_accounts import StaffAccount, StaffDirectory

logger = logging.getLogger("handoff.console")  # the name these lines were always logged under

FAILED_SIGN_IN_DELAY = 1.0  # seconds before a failed sign-in is answered: guessing passwords is slow
# The delay alone held no one back who sent guesses side by side: each was an scrypt check (16 MB and
# tens of ms of a core) on the thread pool every request of the server shares, so a sign-in flood took
# the cores and the pool from customers' answers, and tried ~100 passwords a second. Now at most
# VERIFYING checks run at once, and an address with FAILURES_ALLOWED failures in FAILURE_WINDOW
# seconds is refused (429) without a check until the oldest of them is that old.
VERIFYING = 2
FAILURES_ALLOWED = 10
FAILURE_WINDOW = 300.0
TRACKED_ADDRESSES = 10_000  # the oldest address is forgotten past this (a flood from many addresses costs memory only so far)
SIGN_IN = "/console/sign-in"
# where sign-in may send staff back to: a handoff's page, nothing else (no other site, no other path)
RETURN_TO = re.compile(r"/console/handoffs/\d{1,19}")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class ConsoleSignIn:
    """The console's sessions and sign-in; `WebConsole` asks it who is signed in before every page and post."""

    def __init__(self, *, directory: StaffDirectory, secret: bytes, failed_sign_in_delay: float = FAILED_SIGN_IN_DELAY,
                 address: Callable[[web.Request], str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        """`address`: the client's address as the server's limits take it (behind a trusted proxy, X-Forwarded-For)."""
        self._directory = directory
        self.sessions = Sessions(secret)
        self._delay = failed_sign_in_delay
        self._address = address or (lambda request: request.remote or "")
        self._clock = clock
        self._verifying = asyncio.Semaphore(VERIFYING)
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _wait_needed(self, address: str) -> float:
        """Seconds until `address` may try again (0: now)."""
        failures = self._failures.get(address)
        if failures is None:
            return 0.0
        now = self._clock()
        while failures and failures[0] <= now - FAILURE_WINDOW:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return 0.0
        return failures[0] + FAILURE_WINDOW - now if len(failures) >= FAILURES_ALLOWED else 0.0

    def _failed(self, address: str) -> None:
        self._failures.setdefault(address, deque()).append(self._clock())
        self._failures.move_to_end(address)
        while len(self._failures) > TRACKED_ADDRESSES:
            self._failures.popitem(last=False)

    # sessions -----------------------------------------------------------------------------------
    def session(self, request: web.Request) -> Session | None:
        return self.sessions.decode(request.cookies.get(COOKIE))

    def account(self, session: Session | None) -> StaffAccount | None:
        """The signed-in account, while it exists with the password the session was signed in with."""
        if session is None or not session.signed_in:
            return None
        account = self._directory.find(session.tenant or "", session.staff or "")
        return account if account is not None and account.fingerprint == session.fingerprint else None

    def html(self, text: str, *, status: int = 200, session: Session | None = None, request: web.Request | None = None) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html", headers=HEADERS)
        if session is not None and request is not None:
            self.sessions.set_cookie(response, session, secure=is_https(request))
        return response

    async def signed_in(self, request: web.Request) -> tuple[Session, StaffAccount]:
        session = self.session(request)
        account = self.account(session)
        if session is None or account is None:
            # a handoff's link (from Slack, a colleague, a bookmark) opens that handoff once signed in
            back = request.path if request.method == "GET" and RETURN_TO.fullmatch(request.path) else None
            raise web.HTTPSeeOther(f"{SIGN_IN}?next={quote(back)}" if back else SIGN_IN, headers=HEADERS)
        return session, account

    async def form(self, request: web.Request, session: Session | None) -> dict[str, str]:
        """The posted form, once its CSRF token (and, when the browser says, its origin) checks out."""
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            raise web.HTTPForbidden(text="cross-origin form refused", headers=HEADERS)
        try:
            form = {k: str(v) for k, v in (await request.post()).items()}
        except ValueError:  # bytes that are not UTF-8, a broken multipart body: the browser never sends them
            raise web.HTTPBadRequest(text="the form could not be read (not UTF-8 form data)", headers=HEADERS) from None
        if not self.sessions.csrf_ok(session, form.get("csrf")):
            raise web.HTTPForbidden(text="the form's CSRF token is missing or out of date: reload the page and try again", headers=HEADERS)
        return form

    # sign-in ------------------------------------------------------------------------------------
    async def sign_in_form(self, request: web.Request) -> web.Response:
        session = self.session(request)
        back = _return_to(request.query.get("next"))
        if self.account(session) is not None:
            raise web.HTTPSeeOther(back, headers=HEADERS)
        if session is None or session.signed_in:  # a visitor without one (or with an outdated account) gets a fresh one
            session = self.sessions.anonymous()
        return await self._sign_in_answer(request, session, next_page=back)

    async def _sign_in_answer(self, request: web.Request, session: Session, *, status: int = 200, **fields: Any) -> web.Response:
        no_staff = await asyncio.to_thread(self._directory.count) == 0
        page = sign_in_page(csrf=self.sessions.csrf_token(session), no_staff=no_staff, **fields)
        return self.html(page, status=status, session=session, request=request)

    async def sign_in(self, request: web.Request) -> web.Response:
        session = self.session(request)
        form = await self.form(request, session)
        assert session is not None
        tenant, name, password = form.get("tenant", "").strip(), form.get("name", "").strip(), form.get("password", "")
        address = self._address(request)
        if (wait := self._wait_needed(address)) > 0:
            minutes = max(1, round(wait / 60))
            logger.info("console sign-in refused: too many failed sign-ins from one address")
            answer = await self._sign_in_answer(request, session, status=429, tenant=tenant, name=name, next_page=_return_to(form.get("next")),
                                                ask_team=bool(tenant), error=f"Too many failed sign-ins from here: try again in {minutes} min.")
            answer.headers["Retry-After"] = str(max(1, round(wait)))
            return answer
        async with self._verifying:
            if tenant:  # typed when asked (a name on two teams), or posted by a form of its own
                account = await asyncio.to_thread(self._directory.verify, tenant, name, password)
                accounts = [account] if account is not None else []
            else:
                accounts = await asyncio.to_thread(self._directory.verify_named, name, password)
        if not tenant:
            if len(accounts) > 1:  # the password was right: which team is all that is missing
                return await self._sign_in_answer(request, session, status=401, name=name, ask_team=True, next_page=_return_to(form.get("next")),
                                                  error="Type your team too.")
            account = accounts[0] if accounts else None
        if account is None:
            # the same words, status and delay for an unknown team or name and a wrong password
            logger.info("a console sign-in failed")
            self._failed(address)
            await asyncio.sleep(self._delay)
            return await self._sign_in_answer(request, session, status=401, tenant=tenant, name=name, error="Wrong name or password.",
                                              next_page=_return_to(form.get("next")), ask_team=bool(tenant))
        signed = self.sessions.signed_in(tenant=account.tenant, staff=account.name, fingerprint=account.fingerprint)
        response = web.HTTPSeeOther(_return_to(form.get("next")), headers=HEADERS)
        self.sessions.set_cookie(response, signed, secure=is_https(request))
        raise response

    async def sign_out(self, request: web.Request) -> web.Response:
        session = self.session(request)
        await self.form(request, session)
        response = web.HTTPSeeOther(SIGN_IN, headers=HEADERS)
        self.sessions.clear_cookie(response)
        raise response


def _return_to(asked: str | None) -> str:
    """Where to go after signing in: the handoff asked for when it is one, else the queue."""
    return asked if asked and RETURN_TO.fullmatch(asked) else "/console"
