"""CORS for the widget on a customer's own help site, with each tenant's `allowed_origins` only.

A small middleware rather than aiohttp-cors: aiohttp-cors fixes the allowed origins per route when
the app is built, while here they depend on the tenant, which is known only inside the handler (from
the widget key in the body, or the conversation the token is for). So:
- a preflight (OPTIONS with Access-Control-Request-Method) is answered here for an origin some tenant
  lists (a preflight carries neither the body nor the token, so the tenant cannot be known yet, and
  asking the conversation's tenant would tell who has a conversation);
- every actual response, errors, 429 and 503 included, gets Access-Control-Allow-Origin when the
  origin is one the request's tenant lists (a handler puts the tenant under `TENANT`), or, before a
  tenant is known (bad JSON, unknown key, starting up), one some tenant lists; so the widget can read
  the error and its Retry-After;
- `Vary: Origin` on all of them, so no cache hands one origin's answer to another.
Nothing is sent with credentials: the widget's token travels in the Authorization header.
A tenant without `allowed_origins` allows its widget on the API's own origin only; `"*"` allows any.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from bot.app.request_checks import TENANT, origin_allowed
from bot.core.config import TenantConfig

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type"
EXPOSE_HEADERS = "Retry-After"
MAX_AGE = "600"
TOLD_ORIGINS = 100  # refused sites logged per process, at most (anyone can send any Origin)
log = logging.getLogger(__name__)


def cors_middleware(*, paths: tuple[str, ...], tenants: Iterable[TenantConfig]) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """CORS for requests whose path starts with one of `paths` (other routes, such as /admin or a staff
    console, stay same-origin)."""
    any_tenant = tuple(sorted({origin for tenant in tenants for origin in tenant.allowed_origins}))
    told: set[str] = set()  # the refused sites logged already

    def add_vary(response: web.StreamResponse) -> None:
        vary = response.headers.get("Vary")
        if not vary:
            response.headers["Vary"] = "Origin"
        elif "origin" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Origin"

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(paths):
            return await handler(request)
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS" and origin and "Access-Control-Request-Method" in request.headers:
            if not origin_allowed(origin, any_tenant):
                if origin not in told and len(told) < TOLD_ORIGINS:  # the browser shows the site only "failed"
                    told.add(origin)
                    log.warning("refused the widget's calls from the site %s: no tenant lists it in its [tenants.NAME.widget] "
                                "allowed_origins (said once per site)", origin[:200])
                refused = web.json_response({"error": f"origin {origin[:200]} is not allowed"}, status=403)
                add_vary(refused)
                return refused
            preflight = web.Response(status=204, headers={
                "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS, "Access-Control-Max-Age": MAX_AGE,
            })
            add_vary(preflight)
            return preflight
        response = await handler(request)  # errors are responses already (the JSON error middleware runs inside)
        if response.prepared:  # a WebSocket: browsers do not apply CORS to it (the handler checks Origin)
            return response
        add_vary(response)
        tenant: TenantConfig | None = request.get(TENANT)
        allowed = tenant.allowed_origins if tenant is not None else any_tenant
        if origin and origin_allowed(origin, allowed):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        return response

    return cors
