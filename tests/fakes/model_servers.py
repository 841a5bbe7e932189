"""Loopback stand-ins for model servers, speaking their real wire protocols:
OpenAI's `/v1/chat/completions` with SSE streaming (and usage in the last chunk), and Ollama's
`/api/chat` with NDJSON streaming (plus `/api/tags`). They record every request body.

What they answer is scripted per test: `replies` is a queue of behaviours consumed one per request
(a string to answer with, `FAIL` for HTTP 500, `("slow", seconds, text)` to wait before answering,
`("drip", seconds, text)` to wait that long between tokens); when the queue is empty
they act as a tiny "grounded model" that quotes the first sentence of passage [1] and cites it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

FAIL = "__fail__"


def grounded_default(messages: list[dict[str, Any]]) -> str:
    user = messages[-1]["content"]
    match = re.search(r"<passages>\n\[1\] [^\n]*\n(.+?)(?:\n\n\[2\]|\n</passages>)", user, re.DOTALL)
    if not match:
        return "NOT_IN_PASSAGES"
    first = re.split(r"(?<=[.!?])\s", match.group(1).strip())[0]
    return f"{first} [1]"


class _Server(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []
        self.replies: list[Any] = []
        self.url = ""
        self.drip = 0.0
        self.refuse_structured_output = False  # a server without structured output: 400 for a request that asks for it

    def _next(self, messages: list[dict[str, Any]]) -> tuple[str, float]:
        behaviour = self.replies.pop(0) if self.replies else None
        self.drip = 0.0
        if behaviour is None:
            return grounded_default(messages), 0.0
        if isinstance(behaviour, tuple):
            kind, delay, text = behaviour
            if kind == "drip":
                self.drip = float(delay)
                return text, 0.0
            return text, float(delay)
        return behaviour, 0.0

    async def start(self) -> str:
        self.url = await self.serve()
        return self.url

    def everything_sent(self) -> str:
        return json.dumps(self.requests)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\S+\s*|\s+", text) or [""]


class FakeOpenAI(_Server):
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        if self.refuse_structured_output and "response_format" in body:
            return web.json_response({"error": {"message": "response_format is not supported", "type": "invalid_request_error"}}, status=400)
        text, delay = self._next(body["messages"])
        if text == FAIL:
            return web.json_response({"error": {"message": "upstream exploded", "type": "server_error"}}, status=500)
        if delay:
            await asyncio.sleep(delay)
        created = int(time.time())
        if not body.get("stream"):
            return web.json_response({
                "id": "chatcmpl-1", "object": "chat.completion", "created": created, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 100, "completion_tokens": len(_tokens(text)), "total_tokens": 100 + len(_tokens(text))},
            })
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": created, "model": body["model"]}
        for token in _tokens(text):
            if self.drip:
                await asyncio.sleep(self.drip)
            chunk = {**base, "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None}]}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        done = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        await response.write(f"data: {json.dumps(done)}\n\n".encode())
        prompt_tokens = sum(len(m["content"]) for m in body["messages"]) // 4
        usage = {**base, "choices": [], "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(_tokens(text)),
                                                  "total_tokens": prompt_tokens + len(_tokens(text))}}
        await response.write(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
        await response.write_eof()
        return response


class FakeOllama(_Server):
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/chat", self._chat)
        app.router.add_get("/api/tags", self._tags)

    async def _tags(self, _: web.Request) -> web.Response:
        return web.json_response({"models": [{"name": "qwen2.5:0.5b", "model": "qwen2.5:0.5b", "size": 1}]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        text, delay = self._next(body["messages"])
        if text == FAIL:
            return web.json_response({"error": "model runner crashed"}, status=500)
        if delay:
            await asyncio.sleep(delay)
        response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await response.prepare(request)
        stamp = "2026-11-24T00:00:00Z"
        for token in _tokens(text):
            if self.drip:
                await asyncio.sleep(self.drip)
            line = {"model": body["model"], "created_at": stamp, "message": {"role": "assistant", "content": token}, "done": False}
            await response.write((json.dumps(line) + "\n").encode())
        final = {"model": body["model"], "created_at": stamp, "message": {"role": "assistant", "content": ""}, "done": True,
                 "done_reason": "stop", "prompt_eval_count": sum(len(m["content"]) for m in body["messages"]) // 4,
                 "eval_count": len(_tokens(text))}
        await response.write((json.dumps(final) + "\n").encode())
        await response.write_eof()
        return response
