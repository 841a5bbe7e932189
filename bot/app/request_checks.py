"""What the conversation API (bot/app/api.py) checks in a request before anything is stored: the JSON
error it answers with (`error`), the widget key's tenant and the allowed origins, the body bounded and
parsed (`read_json`), string fields typed and sized, text that shows nothing (`is_blank`), and the
field limits the OpenAPI document states (bot/app/openapi.py)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.app.operations import DEMO_WIDGET_KEY
from bot.core.config import Settings, TenantConfig

TENANT = web.RequestKey("tenant", TenantConfig)  # the tenant a call turned out to be for (bot/app/cors.py reads it)
MAX_ID = 2**63 - 1
MAX_KEY_CHARS = 200  # widget keys and client message ids
MAX_VISITOR_TOKEN_CHARS = 8192
# characters that show nothing: text made only of these (and spaces) is empty
INVISIBLE = re.compile(r"[\s\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e"
                       r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]+")
# control characters (NUL among them: PostgreSQL refuses it in text) go before a message is stored
CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]")


def error(status: int, message: str, **headers: str) -> web.HTTPException:
    classes: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 404: web.HTTPNotFound,
        426: web.HTTPUpgradeRequired, 429: web.HTTPTooManyRequests,
    }
    if status == 413:
        return web.HTTPRequestEntityTooLarge(max_size=0, actual_size=0, text=json.dumps({"error": message}), content_type="application/json")
    return classes[status](text=json.dumps({"error": message}), content_type="application/json", headers=headers or None)


def tenant_for_widget_key(settings: Settings, key: str | None) -> TenantConfig:
    for tenant in settings.tenants.values():
        if key and key in tenant.widget_keys:
            return tenant
    raise error(401, "unknown widget key")


def tenant_without_key(settings: Settings, request: web.Request) -> TenantConfig:
    """The tenant of a new conversation whose call names no widget key (a site's own client, or a widget
    tag without data-widget-key): the tenant whose `allowed_origins` lists the call's Origin, when exactly
    one does; else, for a call from no site or from the API's own pages, the demo key's tenant (the
    contract's bare `POST /api/v1/conversations`); else the one tenant allowing any origin ("*"). Two
    tenants that fit are a 400 (which one is meant cannot be told) and a site no tenant allows a 403,
    where this used to open a conversation of the demo key's tenant whatever the Origin."""
    origin = request.headers.get("Origin")
    if origin:
        listing = [t for t in settings.tenants.values() if origin in t.allowed_origins]
        if not listing and not _same_site(origin, request):
            listing = [t for t in settings.tenants.values() if "*" in t.allowed_origins]
            if not listing:
                raise error(403, f"origin {origin[:200]} is not allowed for any widget (no tenant lists it in [tenants.NAME.widget] allowed_origins)")
        if len(listing) > 1:
            raise error(400, f"no widget_key was sent, and origin {origin[:200]} is allowed for {len(listing)} widgets: "
                             "send the widget_key (data-widget-key) of the one meant")
        if listing:
            return listing[0]
    try:
        return tenant_for_widget_key(settings, DEMO_WIDGET_KEY)
    except web.HTTPUnauthorized:
        raise error(401, "no widget_key was sent: send one of a tenant's widget keys ([tenants.NAME.widget] keys)") from None


def _same_site(origin: str, request: web.Request) -> bool:
    """Whether `origin` is the API's own host (the demo page at /), as the request reached it."""
    return urlsplit(origin).netloc.lower() == request.host.lower()


def origin_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    return origin in allowed or "*" in allowed


# hosts of a page on the machine the browser runs on: the operator's own (a help site in development), no
# stranger's site; a client that wants to can leave Origin out anyway
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TOLD_ORIGINS = 100  # sites refused for a tenant without allowed_origins logged per process, at most
_told: set[tuple[str, str]] = set()
log = logging.getLogger(__name__)


def check_origin(request: web.Request, tenant: TenantConfig) -> None:
    """A call from a site (Origin) the tenant does not allow is a 403. A tenant that lists no
    `allowed_origins` never said where its widget lives: it works on the API's own pages (the demo page,
    the README's first command) and on pages of the browser's own machine (localhost), and for calls
    without an Origin (a server-side client); any other site is refused, with the line to add, and logged
    once per site (it used to be taken silently)."""
    origin = request.headers.get("Origin")
    if not origin:
        return
    if tenant.allowed_origins:
        if not origin_allowed(origin, tenant.allowed_origins):
            raise error(403, f"origin {origin[:200]} is not allowed for this widget")
        return
    if _same_site(origin, request) or (urlsplit(origin).hostname or "").lower() in LOOPBACK_HOSTS:
        return
    if (tenant.name, origin) not in _told and len(_told) < TOLD_ORIGINS:
        _told.add((tenant.name, origin))
        log.warning("refused tenant %s's widget on the site %s: the tenant lists no allowed_origins, so its widget works "
                    "only on this server's own pages and on localhost; add the site to [tenants.%s.widget] allowed_origins "
                    "(said once per site)", tenant.name, origin[:200], tenant.name)
    raise error(403, f"origin {origin[:200]} is not allowed for this widget: its tenant lists no allowed_origins "
                     f'(add allowed_origins = ["{origin[:200]}"] to [tenants.{tenant.name}.widget] in the tenants file)')


def is_blank(text: str) -> bool:
    """Nothing a person could read: spaces, zero-width and control characters only."""
    return not INVISIBLE.sub("", text)


async def read_json(request: web.Request, *, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object, or a clear 400/413 (never a 500, whatever the bytes)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise error(413, f"the body is {request.content_length} bytes; the limit here is {max_bytes} bytes")
    raw = await request.read()
    if len(raw) > max_bytes:
        raise error(413, f"the body is {len(raw)} bytes; the limit here is {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(400, "the body is not valid UTF-8") from None
    try:
        body = json.loads(text)
        # a lone surrogate ("\ud800") parses but can be neither stored nor sent back
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise error(400, "the body is nested too deeply") from None
    except UnicodeError:
        raise error(400, "the body holds text that is not valid Unicode (a lone surrogate)") from None
    except ValueError:  # not JSON, or a number of more than 4,300 digits
        raise error(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise error(400, "the body must be a JSON object")
    return body


def optional_string(body: dict[str, Any], name: str, *, max_chars: int) -> str | None:
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):  # null too: an absent field is left out, not null
        raise error(400, f"{name} must be a string")
    if len(value) > max_chars:
        raise error(400, f"{name} is longer than {max_chars} characters")
    if CONTROL.search(value):  # an identifier or a token: a NUL in one was a 500 on PostgreSQL (text cannot hold it)
        raise error(400, f"{name} holds a control character")
    return value
