"""The real `ollama` and `openai` clients against a loopback server that answers byte for byte what a
broken server would: invalid JSON mid-stream, a stream cut off before its end, 429, an HTML page with
status 200, tokens dripping too slowly; and the circuit breaker's single trial call."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.engine.models import CircuitBreaker, ModelError, OllamaModel, OpenAIModel
from tests.fakes.loopback import LoopbackServer

MESSAGES = [{"role": "user", "content": "how do I reset my password?"}]
TOKENS = ["Click ", "Forgot ", "password ", "[1]"]
HTML = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


def ndjson(tokens: list[str], *, done: bool = True) -> list[bytes]:
    lines = [{"model": "m", "created_at": "2026-11-24T00:00:00Z", "message": {"role": "assistant", "content": t}, "done": False} for t in tokens]
    if done:
        lines.append({"model": "m", "created_at": "2026-11-24T00:00:00Z", "message": {"role": "assistant", "content": ""}, "done": True,
                      "done_reason": "stop", "prompt_eval_count": 12, "eval_count": len(tokens)})
    return [(json.dumps(line) + "\n").encode() for line in lines]


def sse(tokens: list[str], *, done: bool = True) -> list[bytes]:
    base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [{**base, "choices": [{"index": 0, "delta": {"content": t}, "finish_reason": None}]} for t in tokens]
    events = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks]
    if done:
        events.append(f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}\n\n".encode())
        usage = {**base, "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": len(tokens), "total_tokens": 12 + len(tokens)}}
        events.append(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
    return events


class WireServer(LoopbackServer):
    """Answers each request with the next scripted (status, content type, body parts, seconds between parts)."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[tuple[int, str, list[bytes], float]] = []
        self.requests = 0
        self.url = ""

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/chat", self._answer)
        app.router.add_post("/v1/chat/completions", self._answer)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.requests += 1
        status, kind, parts, pause = self.script.pop(0)
        response = web.StreamResponse(status=status, headers={"Content-Type": kind})
        await response.prepare(request)
        for part in parts:
            if pause:
                await asyncio.sleep(pause)
            await response.write(part)
        await response.write_eof()
        return response


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[WireServer]:
    wire = WireServer()
    wire.url = await wire.serve()
    yield wire
    await wire.close()


@pytest.fixture(autouse=True)
def fresh(server: WireServer) -> None:
    server.script.clear()
    server.requests = 0


def ollama(server: WireServer, **kw: Any) -> OllamaModel:
    return OllamaModel(host=server.url, model="m", timeout=kw.pop("timeout", 2.0), **kw)


def openai(server: WireServer, **kw: Any) -> OpenAIModel:
    return OpenAIModel(base_url=server.url + "/v1", api_key="sk-test", model="m", timeout=kw.pop("timeout", 2.0), **kw)


STREAM = {"ollama": ("application/x-ndjson", ndjson), "openai": ("text/event-stream", sse)}
CLIENTS = {"ollama": ollama, "openai": openai}


class Sink:
    """A channel's view of a stream: tokens append, a retract clears."""

    def __init__(self) -> None:
        self.shown = ""
        self.retracts = 0

    async def __call__(self, token: str) -> None:
        self.shown += token

    async def retract(self) -> None:
        self.shown = ""
        self.retracts += 1


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_a_whole_stream_is_an_answer_with_its_usage(server: WireServer, provider: str) -> None:
    kind, body = STREAM[provider]
    server.script.append((200, kind, body(TOKENS), 0.0))
    sink = Sink()
    reply = await CLIENTS[provider](server).chat(MESSAGES, on_token=sink)
    assert reply.text == "".join(TOKENS) == sink.shown and reply.tokens_in == 12 and reply.tokens_out == 4


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_invalid_json_in_the_stream_is_a_model_error(server: WireServer, provider: str) -> None:
    kind, body = STREAM[provider]
    broken = b"{not json\n" if provider == "ollama" else b"data: {not json\n\n"
    server.script.append((200, kind, [*body(TOKENS[:2], done=False), broken, *body(TOKENS[2:])], 0.0))
    model = CLIENTS[provider](server, attempts=1)
    with pytest.raises(ModelError):
        await model.chat(MESSAGES)


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_a_stream_cut_off_before_its_end_is_retried_and_its_tokens_taken_back(server: WireServer, provider: str) -> None:
    kind, body = STREAM[provider]
    server.script += [(200, kind, body(["Call ", "555-0100 "], done=False), 0.0), (200, kind, body(TOKENS), 0.0)]
    sink = Sink()
    reply = await CLIENTS[provider](server).chat(MESSAGES, on_token=sink)
    assert server.requests == 2 and sink.retracts == 1
    assert reply.text == "".join(TOKENS) == sink.shown  # the cut-off start did not run into the retry
    server.script += [(200, kind, body(TOKENS[:2], done=False), 0.0)] * 2
    with pytest.raises(ModelError):  # cut off every time: never taken as a complete answer
        await CLIENTS[provider](server).chat(MESSAGES)


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_429_is_retried_with_backoff(server: WireServer, provider: str) -> None:
    kind, body = STREAM[provider]
    limited = json.dumps({"error": {"message": "rate limited", "type": "rate_limit"}} if provider == "openai" else {"error": "rate limited"})
    server.script += [(429, "application/json", [limited.encode()], 0.0), (200, kind, body(TOKENS), 0.0)]
    reply = await CLIENTS[provider](server).chat(MESSAGES)
    assert server.requests == 2 and reply.text == "".join(TOKENS)


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_an_html_page_with_status_200_is_a_model_error(server: WireServer, provider: str) -> None:
    server.script += [(200, "text/html", [HTML], 0.0)] * 2
    sink = Sink()
    with pytest.raises(ModelError):
        await CLIENTS[provider](server).chat(MESSAGES, on_token=sink)
    assert "nginx" not in sink.shown


@pytest.mark.parametrize("provider", ["ollama", "openai"])
async def test_a_server_dripping_tokens_slowly_is_cut_off_at_the_deadline(server: WireServer, provider: str) -> None:
    kind, body = STREAM[provider]
    server.script.append((200, kind, body(TOKENS * 10), 0.1))  # each read is quick, the whole answer takes 4 s
    started = time.monotonic()
    with pytest.raises(ModelError, match="TimeoutError"):
        await CLIENTS[provider](server, timeout=0.8, attempts=1).chat(MESSAGES)
    assert time.monotonic() - started < 2.0


async def test_a_half_open_breaker_lets_exactly_one_trial_call_through(server: WireServer) -> None:
    now = [0.0]
    model = ollama(server, attempts=1, breaker=CircuitBreaker(failures=1, reset_after=30, clock=lambda: now[0]))
    server.script.append((500, "application/json", [b'{"error": "crashed"}'], 0.0))
    with pytest.raises(ModelError):
        await model.chat(MESSAGES)
    assert model.breaker.state == "open"
    now[0] = 31.0
    server.script.append((200, "application/x-ndjson", ndjson(TOKENS), 0.2))  # the trial is slow
    results = await asyncio.gather(*(model.chat(MESSAGES) for _ in range(3)), return_exceptions=True)
    assert server.requests == 2  # the first failure and one trial, not three
    assert sum(1 for r in results if isinstance(r, ModelError)) == 2 and model.breaker.state == "closed"
    # a failed trial opens the breaker again for a whole pause
    model.breaker.failure()
    now[0] = 62.0
    server.script.append((500, "application/json", [b'{"error": "crashed"}'], 0.0))
    with pytest.raises(ModelError):
        await model.chat(MESSAGES)
    assert model.breaker.state == "open"
