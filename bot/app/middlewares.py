"""The server's middlewares: every error answered as JSON (`json_errors`, with the log filter for bodies
that cannot be decoded) and 503 for API and webhook calls before the models are loaded (`not_before_ready`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from bot.app.app_keys import READY

logger = logging.getLogger("bot.app.web")  # the name these lines were always logged under


def undecodable_body(record: logging.LogRecord) -> bool:
    """aiohttp drains an unread body after the response and logs the decoding error it meets there as
    "Unhandled exception" with a traceback; json_errors has answered it already (400), so that line goes."""
    return not (record.exc_info and isinstance(record.exc_info[1], RequestPayloadError))


@web.middleware
async def json_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Every error is JSON `{"error": ...}` and a response (so the CORS middleware can mark it); an
    unexpected exception is logged once and answered 500, never left as aiohttp's text page."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() not in {"content-type", "content-length"}}
        if exc.content_type == "application/json" and exc.text:
            return web.Response(status=exc.status, text=exc.text, content_type="application/json", headers=headers)
        if exc.content_type == "text/html" and exc.text:  # a page meant for people (a staff console's own)
            return web.Response(status=exc.status, text=exc.text, content_type="text/html", headers=headers)
        message = (exc.text or exc.reason or "error").strip()
        message = message.split(": ", 1)[1] if message.startswith(f"{exc.status}: ") else message
        return web.json_response({"error": message}, status=exc.status, headers=headers)
    except RequestPayloadError as exc:  # bytes the body reader cannot decode (a Content-Encoding they do not have)
        reason = str(exc).strip().splitlines()[-1].strip() if str(exc).strip() else "broken body"
        response = web.json_response({"error": f"the body could not be read ({reason})"}, status=400)
        response.force_close()  # the rest of the body cannot be read either: no keep-alive (see undecodable_body)
        return response
    except Exception:
        logger.exception("unexpected error answering %s %s", request.method, request.path)
        return web.json_response({"error": "internal error; it has been logged"}, status=500)


@web.middleware
async def not_before_ready(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    if request.path.startswith(("/api/", "/slack/", "/telegram/")) and not request.app[READY].is_set() and request.path != "/api/v1/openapi.json":
        return web.json_response({"error": "starting up, try again shortly"}, status=503, headers={"Retry-After": "2"})
    return await handler(request)
