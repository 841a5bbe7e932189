"""The conversation API used by the web widget (REST + WebSocket), with its error contract.

Errors are JSON `{"error": ...}`: invalid JSON 400, missing or wrong token 401, unknown
conversation 404, empty text 400, text over the limit 413 (naming it), too many messages 429 with
Retry-After, origin not allowed 403. A repeated `client_message_id` returns the first reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.conversations import ConversationService
from bot.metrics import Metrics
from bot.settings import Settings, TenantConfig


def error(status: int, message: str, **headers: str) -> web.HTTPException:
    classes: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 404: web.HTTPNotFound,
        413: web.HTTPRequestEntityTooLarge, 429: web.HTTPTooManyRequests,
    }
    cls = classes[status]
    if cls is web.HTTPRequestEntityTooLarge:
        exc: web.HTTPException = web.HTTPRequestEntityTooLarge(max_size=0, actual_size=0, text=json.dumps({"error": message}), content_type="application/json")
    else:
        exc = cls(text=json.dumps({"error": message}), content_type="application/json", headers=headers or None)
    return exc


class Tokens:
    """Signed per-conversation tokens: HMAC-SHA256 of the conversation id."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def issue(self, conversation_id: str) -> str:
        return hmac.new(self._secret, conversation_id.encode(), hashlib.sha256).hexdigest()

    def check(self, conversation_id: str, token: str) -> bool:
        return hmac.compare_digest(self.issue(conversation_id), token)


@dataclass(slots=True)
class RateLimiter:
    """A token bucket per conversation: `burst` messages at once, then one every `interval` s."""

    burst: int = 8
    interval: float = 1.0
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str) -> float:
        """0 if allowed, else the seconds to wait."""
        now = time.monotonic()
        tokens, last = self._state.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) / self.interval)
        if tokens < 1:
            self._state[key] = (tokens, now)
            return (1 - tokens) * self.interval
        self._state[key] = (tokens - 1, now)
        return 0.0


def tenant_for_widget_key(settings: Settings, key: str | None) -> TenantConfig:
    for tenant in settings.tenants.values():
        if key and key in tenant.widget_keys:
            return tenant
    raise error(401, "unknown widget key")


def check_origin(request: web.Request, tenant: TenantConfig) -> None:
    origin = request.headers.get("Origin")
    if origin and tenant.allowed_origins and origin not in tenant.allowed_origins and "*" not in tenant.allowed_origins:
        raise error(403, f"origin {origin} is not allowed for this widget")


async def read_json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise error(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise error(400, "the body must be a JSON object")
    return body


class ConversationApi:
    def __init__(self, *, settings: Settings, conversations: ConversationService, tokens: Tokens, metrics: Metrics,
                 limiter: RateLimiter | None = None) -> None:
        self._settings = settings
        self._conversations = conversations
        self._tokens = tokens
        self._metrics = metrics
        self._limiter = limiter or RateLimiter()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/v1/conversations", self.create),
            web.post("/api/v1/conversations/{id}/messages", self.post_message),
            web.get("/api/v1/conversations/{id}/messages", self.list_messages),
            web.post("/api/v1/conversations/{id}/feedback", self.feedback),
            web.post("/api/v1/conversations/{id}/handoff", self.request_human),
            web.get("/api/v1/conversations/{id}/stream", self.stream),
        ]

    async def _authorize(self, request: web.Request, *, allow_query: bool = False) -> Any:
        conversation_id = request.match_info["id"]
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if not token and allow_query:
            token = request.query.get("token", "")
        if not token:
            raise error(401, "a conversation token is required (Authorization: Bearer <token>)")
        conversation = await self._conversations.find(conversation_id)
        if conversation is None:
            raise error(404, "unknown conversation")
        if not self._tokens.check(conversation_id, token):
            raise error(401, "the token does not match this conversation")
        check_origin(request, self._settings.tenant(conversation.tenant))
        return conversation

    async def create(self, request: web.Request) -> web.Response:
        body = await read_json(request) if request.can_read_body else {}
        tenant = tenant_for_widget_key(self._settings, body.get("widget_key") or "demo")
        check_origin(request, tenant)
        visitor = body.get("visitor_token")
        user, groups = None, ()
        if isinstance(visitor, str) and visitor:
            from policies.claims import InvalidClaims, verify_visitor_token

            try:
                claims = verify_visitor_token(visitor, tenant=tenant)
            except InvalidClaims as exc:
                raise error(401, str(exc)) from None
            # the signed groups (and plan, as `plan-<plan>`) stay with the conversation: every
            # message of it is answered with them
            user, groups = claims.user, claims.groups
        conversation = await asyncio.to_thread(
            self._conversations.create, tenant=tenant.name, channel="widget", user=user, groups=groups
        )
        return web.json_response(
            {"conversation_id": conversation.id, "token": self._tokens.issue(conversation.id), "tenant": tenant.name}, status=201
        )

    async def post_message(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        body = await read_json(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise error(400, "the message is empty")
        limit = self._settings.max_question_chars
        if len(text) > limit:
            raise error(413, f"the message is {len(text)} characters long; the limit is {limit} characters")
        client_id = body.get("client_message_id")
        if client_id is not None and not isinstance(client_id, str):
            raise error(400, "client_message_id must be a string")
        wait = self._limiter.take(conversation.id)
        if wait:
            self._metrics.rejected.labels(status="429").inc()
            raise error(429, "too many messages; please wait a moment", **{"Retry-After": str(max(1, round(wait)))})
        reply, _ = await self._conversations.submit(conversation_id=conversation.id, text=text.strip(), client_id=client_id)
        return _reply_response(reply)

    async def list_messages(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        messages = await asyncio.to_thread(self._conversations.history, conversation.id)
        return web.json_response({"messages": messages})

    async def feedback(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        body = await read_json(request)
        if not isinstance(body.get("helpful"), bool):
            raise error(400, "helpful must be true or false")
        services = self._conversations._services  # noqa: SLF001 - the audit log lives there
        await asyncio.to_thread(
            services.audit.record, tenant=conversation.tenant, conversation_id=conversation.id, kind="feedback",
            message_id=body.get("message_id"), helpful=body["helpful"],
        )
        if self._conversations.handoff is not None:
            await self._conversations.handoff.feedback(conversation.id, helpful=body["helpful"])
        return web.Response(status=204)

    async def request_human(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        reply, _ = await self._conversations.submit(conversation_id=conversation.id, text="I want to talk to a person", client_id=None)
        return _reply_response(reply)

    async def stream(self, request: web.Request) -> web.WebSocketResponse:
        conversation = await self._authorize(request, allow_query=True)
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        self._metrics.sockets.inc()

        async def send(event: dict[str, Any]) -> None:
            if not ws.closed:
                await ws.send_json(event)

        unsubscribe = self._conversations.subscribe(conversation.id, send)
        try:
            current = await asyncio.to_thread(self._conversations.get, conversation.id)
            await ws.send_json({"type": "state", "state": current.state if current else "bot"})
            async for message in ws:  # the widget only listens; pings keep it alive
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            unsubscribe()
            self._metrics.sockets.dec()
        return ws


def _reply_response(reply: dict[str, Any]) -> web.Response:
    if reply.get("relayed"):  # people own the conversation: the message went to them, no bot reply
        return web.json_response({"message_id": None, "reply": None, "relayed": True, "state": reply.get("state")})
    return web.json_response({"message_id": reply.get("id"), "reply": {**reply, "message_id": reply.get("id")}})
