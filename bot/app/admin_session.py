"""Who may use /admin: the admin token, the session cookie it buys, the sign-in page, and the headers on every admin page.

The token comes as a bearer token, or `?token=` once on a page, which sets a cookie for the dashboard and sends
the browser to the page's address without it (303); a browser without either gets a sign-in page that sets it
(`unauthorized`). The cookie holds a session that expires (`SESSION_SECONDS`), signed with a key derived from the
token, never the token itself; it is Secure, HttpOnly and SameSite=Strict, for /admin only. Split out of
bot/app/admin.py (the dashboard and its API) so that every admin page module checks sign-in the same way.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

COOKIE = "supportbot_admin"
SESSION_SECONDS = 12 * 3600


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


def authorized(request: web.Request, token: str) -> bool:
    header = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    supplied = header or request.query.get("token", "")
    if supplied:
        right = hmac.compare_digest(supplied.encode("utf-8", "replace"), token.encode())
        if right and not header and request.method in ("GET", "HEAD") and request.path.startswith("/admin"):
            raise _signed_in(request, token)
        return right
    if not _session_valid(request.cookies.get(COOKIE, ""), token):
        return False
    if request.method not in SAFE_METHODS and _from_another_origin(request):
        # SameSite=Strict keeps the cookie from other sites, not from the server's siblings
        # (help.acme.example is the same site as support.acme.example): a form there could change a
        # rollout stage or approve a proposal with the operator's session. The admin forms carry no
        # CSRF token, so the browser's own word on where the form came from decides.
        raise web.HTTPForbidden(text=json.dumps({"error": "a form from another site cannot act on /admin; use the admin pages"}),
                                content_type="application/json")
    return True


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _signed_in(request: web.Request, token: str) -> web.HTTPSeeOther:
    """A page opened with `?token=`: the session cookie, and the same page again without the token, so it
    stays out of the address bar, the history and bookmarks (the page itself was served under it)."""
    rest = request.rel_url.without_query_params("token")
    return _with_session(web.HTTPSeeOther(str(rest), headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}), token)


def _with_session(response: web.HTTPSeeOther, token: str) -> web.HTTPSeeOther:
    # Secure even on plain http: browsers keep Secure cookies for http://localhost, and a deployment is expected behind TLS
    response.set_cookie(COOKIE, session_cookie(token), httponly=True, secure=True, samesite="Strict", path="/admin", max_age=SESSION_SECONDS)
    return response


def _from_another_origin(request: web.Request) -> bool:
    """What the browser says about the request's origin: `Sec-Fetch-Site` (every current browser) when
    sent, else the `Origin` header against the Host the request was sent to. Neither (a script, curl):
    not a browser's cross-site form."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != request.headers.get("Host", "").lower()


# every admin page is plain server-rendered HTML with inline styles and no script: a policy that lets
# nothing else run or load, and no other site frame the rollout kill switch (clickjacking)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


async def admin_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare`: the headers above on every /admin response that has none of its own."""
    if request.path == "/admin" or request.path.startswith("/admin/"):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)


_SIGN_IN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>supportbot admin: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>body{{font:15px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1f2430}}
input{{font:inherit;width:100%;padding:.5rem;margin:.4rem 0 1rem;box-sizing:border-box}}button{{font:inherit;padding:.5rem 1rem}}.problem{{color:#a11}}</style></head>
<body><main><h1>supportbot admin</h1>{problem}<form method="post" action="/admin/sign-in">
<label for="token">Admin token (the server's <code>SUPPORTBOT_ADMIN_TOKEN</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{next}"><button type="submit">Sign in</button></form></main></body></html>"""


def _sign_in(*, target: str, problem: str = "") -> web.HTTPUnauthorized:
    shown = f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else ""
    page = _SIGN_IN_PAGE.format(problem=shown, next=html.escape(_next_page(target), quote=True))
    return web.HTTPUnauthorized(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})


def unauthorized(request: web.Request) -> web.HTTPUnauthorized:
    """What a request without the admin token gets: a browser opening a page, a sign-in form (it
    used to get `{"error": "admin token required"}` and no way in); anything else, JSON saying how
    to send the token."""
    if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):
        return _sign_in(target=str(request.rel_url.without_query_params("token")))  # a wrong ?token= is not kept in the form
    return web.HTTPUnauthorized(text=json.dumps({"error": "admin token required: send it as 'Authorization: Bearer TOKEN' "
                                                          "(SUPPORTBOT_ADMIN_TOKEN), or sign in at /admin in a browser"}),
                                content_type="application/json")


def _next_page(path: str) -> str:
    """Where the sign-in goes on to: an /admin page of this server, nothing else (no open redirect)."""
    return path if path.startswith("/admin") and not path.startswith("/admin/sign-in") and "\\" not in path else "/admin"


def sign_in_handler(token: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """POST /admin/sign-in: the form's token against the server's; right, the session cookie and on to the page asked for."""
    async def sign_in(request: web.Request) -> web.Response:
        form = await request.post()
        supplied, target = str(form.get("token") or ""), _next_page(str(form.get("next") or "/admin"))
        if not hmac.compare_digest(supplied.encode("utf-8", "replace"), token.encode()):
            await asyncio.sleep(1)  # a guess costs a second
            raise _sign_in(target=target, problem="That is not the admin token.")
        raise _with_session(web.HTTPSeeOther(target), token)

    return sign_in
