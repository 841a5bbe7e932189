"""The OpenAPI description of the conversation API, served at /api/v1/openapi.json.

Checked against the server two ways (tests/bot/test_openapi.py): its paths and methods are exactly the
routes ConversationApi mounts, and schemathesis drives the live server from it, requiring every
status, header and body to be the one described here (and never a 5xx).
"""

from __future__ import annotations

from typing import Any

from bot.app.api import CREATE_BODY_BYTES
from bot.app.request_checks import MAX_ID, MAX_KEY_CHARS, MAX_VISITOR_TOKEN_CHARS

_RETRY = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _error(description: str, *, retry: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": _JSON_ERROR}
    if retry:
        response["headers"] = _RETRY
    return response


BAD = _error("invalid JSON, a lone surrogate, too deep nesting or a number of over 4,300 digits, or a field of the wrong type or size")
UNAUTHORIZED = _error("no token, or one that is not valid for this conversation or has expired (the same for an unknown conversation)")
FORBIDDEN = _error("the request's Origin is not one of the tenant's allowed_origins")
NOT_FOUND = _error("a valid token for a conversation no longer stored")
TOO_LARGE = _error("the body, or the text, is over the limit (the message names it)")
TOO_MANY = _error("too many calls from this client address, widget key or conversation", retry=True)
STARTING = _error("the server is starting up", retry=True)
_AUTH = [{"conversationToken": []}]
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}]
_POSTED = {"description": "the bot's reply; or, while people own the conversation, `relayed` with no reply",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Posted"}}}}
_COMMON = {"401": UNAUTHORIZED, "403": FORBIDDEN, "404": NOT_FOUND, "503": STARTING}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "supportbot conversation API", "version": "2"},
    "paths": {
        "/api/v1/conversations": {
            "post": {
                "summary": "Start a conversation",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "widget_key": {"type": "string", "maxLength": MAX_KEY_CHARS, "description": (
                            "names the tenant. Without it: the tenant whose allowed_origins lists the request's Origin, when "
                            "exactly one does (two: 400; none: 403); with no Origin, or from the server's own pages, the "
                            "tenant of the key `demo`")},
                        "visitor_token": {"type": "string", "maxLength": MAX_VISITOR_TOKEN_CHARS,
                                          "description": "the host site's signed claims about its visitor (a JWT)"}}}}}},
                "responses": {
                    "201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}},
                    "400": _error("as for every call, or no widget_key and the Origin listed by two tenants"),
                    "401": _error("unknown widget key, or a visitor token that does not verify"),
                    "403": _error("the request's Origin is not one of the tenant's allowed_origins (without a widget_key: of any tenant's)"),
                    "413": _error(f"the body is over {CREATE_BODY_BYTES} bytes"), "429": TOO_MANY, "503": STARTING,
                },
            }
        },
        "/api/v1/conversations/{id}/messages": {
            "parameters": _ID,
            "post": {
                "summary": "Send a customer message and get the reply",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"], "properties": {
                        "text": {"type": "string", "minLength": 1, "pattern": "\\S",
                                 "description": ("not only spaces, zero-width or control characters; at most the server's limit "
                                                 "(SUPPORTBOT_MAX_QUESTION_CHARS; at least 12,000 while people hold the conversation)")},
                        "client_message_id": {"type": "string", "maxLength": MAX_KEY_CHARS}}}}}},
                "responses": {"200": _POSTED, "400": BAD, **_COMMON, "413": TOO_LARGE, "429": TOO_MANY},
            },
            "get": {
                "summary": "The conversation so far",
                "security": _AUTH,
                "responses": {"200": {"description": "messages", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["messages"],
                    "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                                   "state": {"type": "string", "enum": ["bot", "waiting_for_human", "with_human", "closed"]}}}}}},
                    **_COMMON},
            },
        },
        "/api/v1/conversations/{id}/feedback": {
            "parameters": _ID,
            "post": {
                "summary": "Was an answer helpful? (once per answer; a repeat is ignored)",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["message_id", "helpful"], "properties": {
                        "message_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "one of the bot's answers"},
                        "helpful": {"type": "boolean"}}}}}},
                "responses": {"204": {"description": "recorded"}, "400": BAD, **_COMMON,
                              "404": _error("no answer of the bot in this conversation has that id (or the conversation is gone)"),
                              "413": _error("the body is over 1,024 bytes"), "429": TOO_MANY},
            },
        },
        "/api/v1/conversations/{id}/handoff": {
            "parameters": _ID,
            "post": {"summary": "Ask for a person (once: asking again while people own the conversation queues nothing; while "
                                "it waits, the place and wait are told again, as a message, when they changed)",
                     "security": _AUTH, "responses": {"200": _POSTED, **_COMMON, "429": TOO_MANY}},
        },
        "/api/v1/conversations/{id}/stream": {
            "parameters": _ID,
            "get": {
                "summary": "Live events (WebSocket): typing, streamed tokens, retractions, messages, state changes",
                "description": "Connect with Upgrade: websocket; the token may go in `?token=` (browsers cannot set headers on "
                               "WebSockets). Events are JSON objects with a `type`: `state` first, then `typing`, `token`, "
                               "`retract`, `message`, and `state` again after a notice of the bot's own that came with a change of it.",
                "security": _AUTH,
                "parameters": [{"name": "token", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"101": {"description": "switching to the WebSocket protocol"}, **_COMMON,
                              "426": _error("not a WebSocket handshake")},
            },
        },
    },
    "components": {
        "securitySchemes": {"conversationToken": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Created": {"type": "object", "required": ["conversation_id", "token", "tenant"], "properties": {
                "conversation_id": {"type": "string"}, "token": {"type": "string", "description": "expires; send as a bearer token"},
                "tenant": {"type": "string"}}},
            "Citation": {"type": "object", "properties": {
                "source": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string", "nullable": True},
                "score": {"type": "number"}}},
            "Message": {"type": "object", "required": ["id", "role", "text"], "properties": {
                "id": {"type": "integer"}, "role": {"type": "string", "enum": ["customer", "bot", "agent", "system"]},
                "text": {"type": "string"}, "created_at": {"type": "string"}, "reply_to": {"type": "integer"},
                "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
                "body": {"type": "string", "description": "an answer's text without the source line that ends it, for a client "
                                                          "that shows `citations` itself (the widget); only when there is one"},
                "outcome": {"type": "string", "enum": ["answer", "clarify", "handoff", "drop"]},
                "handoff_reason": {"type": "string", "nullable": True}, "confidence": {"type": "number"},
                "route": {"type": "string"}, "author": {"type": "string", "nullable": True}}},
            "Posted": {"type": "object", "required": ["message_id", "reply", "relayed"], "properties": {
                "message_id": {"type": "integer", "nullable": True},
                "reply": {"allOf": [{"$ref": "#/components/schemas/Message"}], "nullable": True},
                "relayed": {"type": "boolean", "description": "true: people own the conversation and the message went to them"},
                "state": {"type": "string", "enum": ["bot", "waiting_for_human", "with_human", "closed"],
                          "description": "the conversation's state, when there is no reply"}}},
        },
    },
}
