"""The OpenAPI description of the conversation API, served at /api/v1/openapi.json (and fuzzed in tests)."""

from __future__ import annotations

from typing import Any

_ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_AUTH = [{"conversationToken": []}]
_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
_REPLY = {"description": "the bot's reply", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Posted"}}}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "supportbot conversation API", "version": "1"},
    "paths": {
        "/api/v1/conversations": {
            "post": {
                "summary": "Start a conversation",
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"widget_key": {"type": "string"}, "visitor_token": {"type": "string"}}}}}},
                "responses": {
                    "201": {"description": "created", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["conversation_id", "token", "tenant"],
                        "properties": {"conversation_id": {"type": "string"}, "token": {"type": "string"}, "tenant": {"type": "string"}}}}}},
                    "400": _ERROR, "401": _ERROR, "403": _ERROR,
                },
            }
        },
        "/api/v1/conversations/{id}/messages": {
            "parameters": _ID,
            "post": {
                "summary": "Send a customer message and get the reply",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"],
                    "properties": {"text": {"type": "string"}, "client_message_id": {"type": "string"}}}}}},
                "responses": {"200": _REPLY, "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR, "413": _ERROR, "429": _ERROR},
            },
            "get": {
                "summary": "The conversation so far",
                "security": _AUTH,
                "responses": {"200": {"description": "messages", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}}}}}},
                    "401": _ERROR, "403": _ERROR, "404": _ERROR},
            },
        },
        "/api/v1/conversations/{id}/feedback": {
            "parameters": _ID,
            "post": {
                "summary": "Was an answer helpful?",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["helpful"], "properties": {"message_id": {"type": "integer"}, "helpful": {"type": "boolean"}}}}}},
                "responses": {"204": {"description": "recorded"}, "400": _ERROR, "401": _ERROR, "403": _ERROR, "404": _ERROR},
            },
        },
        "/api/v1/conversations/{id}/handoff": {
            "parameters": _ID,
            "post": {"summary": "Ask for a person", "security": _AUTH,
                     "responses": {"200": _REPLY, "401": _ERROR, "403": _ERROR, "404": _ERROR, "429": _ERROR}},
        },
    },
    "components": {
        "securitySchemes": {"conversationToken": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Citation": {"type": "object", "properties": {
                "source": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string", "nullable": True}, "score": {"type": "number"}}},
            "Message": {"type": "object", "required": ["id", "role", "text"], "properties": {
                "id": {"type": "integer"}, "role": {"type": "string", "enum": ["customer", "bot", "agent", "system"]},
                "text": {"type": "string"}, "created_at": {"type": "string"},
                "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
                "outcome": {"type": "string", "enum": ["answer", "handoff"]}}},
            "Posted": {"type": "object", "required": ["message_id", "reply"], "properties": {
                "message_id": {"type": "integer"}, "reply": {"$ref": "#/components/schemas/Message"}}},
        },
    },
}
