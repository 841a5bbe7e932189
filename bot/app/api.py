"""The conversation API used by the web widget (REST + WebSocket), with its error contract.

Errors are JSON `{"error": ...}`: invalid JSON (or lone surrogates, absurd numbers or nesting) 400,
missing, wrong or expired token 401 (the same for an unknown conversation: no oracle), conversation
gone 404, empty text 400, a body or text over the limit 413 (naming it), too many calls 429 with
Retry-After, origin not allowed 403. A repeated `client_message_id` returns the first reply.
Every body is bounded before it is parsed; every field is type- and size-checked before anything is
stored. Limits per client address and widget key: bot/app/limits.py.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web

from bot.app.limits import (
    Action,
    BurstExceeded,
    ClientLimiter,
    LimitExceeded,
    RateLimiter,
    client_address,
)
from bot.app.metrics import Metrics
from bot.app.request_checks import (
    CONTROL,
    MAX_ID,
    MAX_KEY_CHARS,
    MAX_VISITOR_TOKEN_CHARS,
    TENANT,
    check_origin,
    error,
    is_blank,
    optional_string,
    read_json,
    tenant_for_widget_key,
    tenant_without_key,
)
from bot.app.tokens import Tokens
from bot.core.config import Settings
from bot.core.handoff_states import HUMAN_OWNED, State
from bot.core.messages import ConversationEvent, Message, Posted, Relayed, Role
from bot.core.records import Outcome
from bot.engine.conversations import ConversationService

CREATE_BODY_BYTES = 16 * 1024
FEEDBACK_BODY_BYTES = 1024
# open sockets per conversation in one process: a customer's tabs and a reconnect overlapping the socket it
# replaces, not the thousands one token could otherwise hold open (each a subscriber and a task)
MAX_SOCKETS_PER_CONVERSATION = 8
SOCKET_MESSAGE_BYTES = 4096  # the widget sends nothing on its socket; aiohttp would take 4 MB frames
HANDOFF_REQUEST = "I want to talk to a person"


class ConversationApi:
    def __init__(self, *, settings: Settings, conversations: ConversationService, tokens: Tokens, metrics: Metrics,
                 limiter: RateLimiter | None = None, client_limiter: ClientLimiter | None = None) -> None:
        self._settings = settings
        self._conversations = conversations
        self._tokens = tokens
        self._metrics = metrics
        self._limiter = limiter or RateLimiter()
        self._clients = client_limiter or ClientLimiter(limits=settings.limits)
        self._handoff_requests: set[str] = set()  # conversations whose request for a person is being handled
        self._sockets: dict[str, int] = {}  # conversation id -> its sockets open in this process

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
        # the token first: a wrong token for a conversation that exists and any token for one that
        # doesn't read the same, so nobody learns which (Telegram and Slack ids can be computed)
        if not self._tokens.check(conversation_id, token):
            raise error(401, "the token is not valid for this conversation (or has expired)")
        conversation = await self._conversations.find(conversation_id)
        if conversation is None:  # a valid token for a conversation no longer stored
            raise error(404, "unknown conversation")
        tenant = self._settings.tenant(conversation.tenant)
        request[TENANT] = tenant
        check_origin(request, tenant)
        return conversation

    async def _limit(
        self, request: web.Request, action: Action, *, widget_key: str, anonymous: bool = False, conversation_id: str | None = None,
    ) -> None:
        """The client limits of `action`; with `conversation_id`, that conversation's burst limit first
        (on the limit table in the same statement: bot/app/limit_table.py)."""
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"), trust_forwarded=self._settings.trust_forwarded_for)
        try:
            await self._clients.check(action, address=address, widget_key=widget_key, anonymous=anonymous,
                                      burst=(self._limiter, conversation_id) if conversation_id is not None else None)
        except BurstExceeded as exc:  # per conversation, across processes (bot/app/limits.py)
            self._metrics.rejected.labels(status="429").inc()
            raise error(429, "too many messages; please wait a moment", **{"Retry-After": str(max(1, round(exc.retry_after)))}) from None
        except LimitExceeded as exc:
            self._metrics.rejected.labels(status="429").inc()
            raise error(429, f"too many requests from this {exc.scope}; please wait a moment",
                        **{"Retry-After": str(max(1, round(exc.retry_after + 0.5)))}) from None

    async def create(self, request: web.Request) -> web.Response:
        body = await read_json(request, max_bytes=CREATE_BODY_BYTES) if request.can_read_body else {}
        key = optional_string(body, "widget_key", max_chars=MAX_KEY_CHARS)
        visitor = optional_string(body, "visitor_token", max_chars=MAX_VISITOR_TOKEN_CHARS)
        tenant = tenant_for_widget_key(self._settings, key) if key else tenant_without_key(self._settings, request)
        request[TENANT] = tenant
        check_origin(request, tenant)
        await self._limit(request, Action.CONVERSATION, widget_key=key or next(iter(tenant.widget_keys), f"tenant:{tenant.name}"))
        user, groups = None, ()
        if visitor:
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

    def _tenant_key(self, conversation: Any) -> str:
        # a conversation does not record which of its tenant's widget keys opened it: they share a count
        return f"tenant:{conversation.tenant}"

    async def post_message(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        # JSON may spell one character in up to 12 bytes (a surrogate pair of \u escapes); the body may hold
        # the longer message people take while they own the conversation (see `max_chars_for`)
        body = await read_json(request, max_bytes=self._conversations.max_chars_for(with_people=True) * 12 + 4096)
        text = body.get("text")
        if "text" not in body:
            raise error(400, 'the message is missing: send {"text": "..."}')
        if not isinstance(text, str):
            raise error(400, "text must be a string")
        if is_blank(text):
            raise error(400, "the message is empty")
        text = CONTROL.sub("", text).strip()
        limit = self._conversations.max_chars
        if len(text) > limit:
            handoff = self._conversations.handoff
            with_people = handoff is not None and await asyncio.to_thread(handoff.with_people, conversation.id)
            limit = self._conversations.max_chars_for(with_people=with_people)
        if len(text) > limit:
            raise error(413, f"the message is {len(text)} characters long; the limit is {limit} characters")
        client_id = optional_string(body, "client_message_id", max_chars=MAX_KEY_CHARS)
        await self._limit(request, Action.MESSAGE, widget_key=self._tenant_key(conversation),
                          anonymous=conversation.channel == "widget" and conversation.user is None, conversation_id=conversation.id)
        reply, _ = await self._conversations.submit(conversation_id=conversation.id, text=text, client_id=client_id)
        return _reply_response(reply)

    async def list_messages(self, request: web.Request) -> web.Response:
        conversation = await self._authorize(request)
        def read() -> tuple[list[Message], str]:
            # the state beside them: a widget restored after a reload knows at once whether people have the conversation
            current = self._conversations.get(conversation.id)
            return self._conversations.history(conversation.id), str(current.state if current is not None else State.BOT)

        messages, state = await asyncio.to_thread(read)
        return web.json_response({"messages": [m.to_json() for m in messages], "state": state})

    async def feedback(self, request: web.Request) -> web.Response:
        """Recorded once per answer; "not helpful" counts towards a handoff only for a real answer."""
        conversation = await self._authorize(request)
        body = await read_json(request, max_bytes=FEEDBACK_BODY_BYTES)
        helpful, message_id = body.get("helpful"), body.get("message_id")
        if not isinstance(helpful, bool):
            raise error(400, "helpful must be true or false")
        if isinstance(message_id, bool) or not isinstance(message_id, int) or not 1 <= message_id <= MAX_ID:
            raise error(400, "message_id must be the id (a positive integer) of one of the bot's answers")
        await self._limit(request, Action.FEEDBACK, widget_key=self._tenant_key(conversation))
        history = await asyncio.to_thread(self._conversations.history, conversation.id, for_customer=False)
        answer = next((m for m in history if m.id == message_id), None)
        if answer is None or answer.role is not Role.BOT or answer.outcome is not Outcome.ANSWER:
            raise error(404, "no answer of the bot in this conversation has that message_id")
        services = self._conversations._services  # noqa: SLF001 - the audit log lives there
        events = await asyncio.to_thread(services.audit.events, conversation_id=conversation.id)
        if any(e.kind == "feedback" and json.loads(e.data).get("message_id") == message_id for e in events):
            return web.Response(status=204)  # rated already: the first verdict stands
        await asyncio.to_thread(
            services.audit.record, tenant=conversation.tenant, conversation_id=conversation.id, kind="feedback",
            message_id=message_id, helpful=helpful,
        )
        if self._conversations.grader is not None:  # kept beside the answer's grade (bot/engine/online_grading.py)
            await asyncio.to_thread(self._conversations.grader.signal_feedback, message_id=message_id, helpful=helpful)
        if self._conversations.handoff is not None:
            await self._conversations.handoff.feedback(conversation.id, helpful=helpful)
        return web.Response(status=204)

    async def request_human(self, request: web.Request) -> web.Response:
        """One handoff per conversation: asking again while people own it (or while the first request
        is being handled) queues nothing more for staff."""
        conversation = await self._authorize(request)
        if conversation.id in self._handoff_requests:  # the first request is being handled: no copy
            current = await asyncio.to_thread(self._conversations.get, conversation.id)
            return web.json_response({"message_id": None, "reply": None, "relayed": False, "state": current.state if current else State.BOT})
        self._handoff_requests.add(conversation.id)
        try:
            current = await asyncio.to_thread(self._conversations.get, conversation.id)
            state = current.state if current is not None else State.BOT
            if state in HUMAN_OWNED:
                if state == State.WAITING and self._conversations.handoff is not None:
                    # asked again while waiting: their place and wait now, when either changed (a system message, on the socket)
                    await self._conversations.handoff.tell_queue_again(conversation.id)
                return web.json_response({"message_id": None, "reply": None, "relayed": False, "state": state})
            # counted only when it would reach staff: asking again while waiting costs nobody anything
            await self._limit(request, Action.HANDOFF, widget_key=self._tenant_key(conversation))
            reply, _ = await self._conversations.submit(conversation_id=conversation.id, text=HANDOFF_REQUEST, client_id=None)
        finally:
            self._handoff_requests.discard(conversation.id)
        return _reply_response(reply)

    async def stream(self, request: web.Request) -> web.WebSocketResponse:
        conversation = await self._authorize(request, allow_query=True)
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=SOCKET_MESSAGE_BYTES)
        if not ws.can_prepare(request).ok:
            raise error(426, "this is a WebSocket endpoint: connect with Upgrade: websocket", Upgrade="websocket")
        if self._sockets.get(conversation.id, 0) >= MAX_SOCKETS_PER_CONVERSATION:
            self._metrics.rejected.labels(status="429").inc()
            raise error(429, f"this conversation has {MAX_SOCKETS_PER_CONVERSATION} sockets open already; close one first",
                        **{"Retry-After": "5"})
        self._sockets[conversation.id] = self._sockets.get(conversation.id, 0) + 1
        try:
            return await self._serve_socket(ws, request, conversation)
        finally:
            if (left := self._sockets.pop(conversation.id) - 1) > 0:
                self._sockets[conversation.id] = left

    async def _serve_socket(self, ws: web.WebSocketResponse, request: web.Request, conversation: Any) -> web.WebSocketResponse:
        await ws.prepare(request)
        self._metrics.sockets.inc()

        told: list[str] = []  # the state this socket was last told

        async def tell_state() -> None:
            current = await asyncio.to_thread(self._conversations.get, conversation.id)
            state = str(current.state if current else State.BOT)
            if not ws.closed and told[-1:] != [state]:
                told.append(state)
                await ws.send_json({"type": "state", "state": state})

        async def send(event: ConversationEvent) -> None:
            if ws.closed:
                return
            await ws.send_json(event.to_json())
            # the state changes with one of the bot's own notices (queued, joined, resolved, back to the bot, released):
            # told after it, so the widget shows "Talk to a person" only while the bot has the conversation
            if isinstance(event, Posted) and event.message.role is Role.SYSTEM:
                await tell_state()

        try:
            unsubscribe = await self._conversations.follow(conversation.id, send)  # before the state is read: nothing falls between
            try:
                await tell_state()
                async for message in ws:  # the widget only listens; pings keep it alive
                    if message.type == WSMsgType.ERROR:
                        break
            finally:
                unsubscribe()
        finally:
            self._metrics.sockets.dec()  # also when the socket closed while its conversation was being followed
        return ws


def _reply_response(reply: Message | Relayed) -> web.Response:
    if isinstance(reply, Relayed):  # people own the conversation: the message went to them, no bot reply
        return web.json_response({"message_id": None, "reply": None, "relayed": True, "state": reply.state.value})
    return web.json_response({"message_id": reply.id, "reply": {**reply.to_json(), "message_id": reply.id}, "relayed": False})
