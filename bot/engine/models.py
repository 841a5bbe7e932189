"""Model clients for the generative tiers: local (Ollama) and remote (any OpenAI-compatible API).

Both stream tokens to an optional callback and report usage (tokens in and out from the API's own
usage fields). Each attempt has a deadline for the whole call (`timeout`: a server that drips tokens
slowly is cut off, not only one that stalls between reads). Transient failures (connection errors,
timeouts, 5xx, 429, a stream cut off before its end) are retried with backoff (tenacity); tokens a
failed attempt already streamed are taken back first (bot/engine/streaming.py). A circuit breaker per
provider stops calling a provider that keeps failing and, after a pause, lets exactly one trial call
through. Only redacted text is ever given to these clients.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.core.errors import ModelError as ModelError  # re-exported: the one model error (bot/core/errors.py)
from bot.engine.streaming import retract
from bot.core.ports import ChatModel as ChatModel, OnToken as OnToken  # re-exported: the ports live in bot/core
from bot.core.records import ModelReply as ModelReply, Tier

MAX_TOKENS = 400  # a support answer is short; a model that rambles is cut off


class TruncatedStream(ConnectionError):
    """The stream ended before the server said it was done (a dropped connection, a crashed runner)."""


class CircuitBreaker:
    """Open after `failures` failures in a row; after `reset_after` seconds half-open: exactly one
    trial call goes through (the others are refused until it ends); its success closes the breaker,
    its failure opens it for another pause."""

    def __init__(self, *, failures: int = 3, reset_after: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = failures
        self._reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._trial or self._clock() - self._opened_at < self._reset_after:
            return "open"
        return "half_open"

    @property
    def open(self) -> bool:
        return self.state == "open"

    def allow(self) -> bool:
        """Whether a call may go now; in the half-open state the caller becomes the one trial."""
        state = self.state
        if state == "half_open":
            self._trial = True
        return state != "open"

    def success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial = False

    def abandon(self) -> None:
        """A call given up by its caller (cancelled) says nothing about the provider."""
        self._trial = False

    def failure(self) -> None:
        self._failures += 1
        if self._trial or self._failures >= self._limit:
            self._opened_at = self._clock()
        self._trial = False


def _transient(exc: BaseException) -> bool:
    import httpx
    import openai

    if isinstance(exc, (httpx.TransportError, openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError, TimeoutError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500
    try:
        import ollama

        if isinstance(exc, ollama.ResponseError):
            return exc.status_code >= 500 or exc.status_code == 429
    except ImportError:  # pragma: no cover
        pass
    return isinstance(exc, ConnectionError)


class _Guarded:
    """Retries and the circuit breaker around one provider's call."""

    tier: Tier  # each client's class says which
    model = ""

    def __init__(self, *, attempts: int = 2, breaker: CircuitBreaker | None = None, deadline: float | None = None) -> None:
        self._attempts = attempts
        self._deadline = deadline
        self.breaker = breaker or CircuitBreaker()

    async def chat(self, messages: Sequence[dict[str, str]], *, on_token: OnToken | None = None,
                   schema: Mapping[str, Any] | None = None, max_tokens: int = MAX_TOKENS) -> ModelReply:
        if not self.breaker.allow():
            raise ModelError(f"{self.tier} model is paused after repeated failures")
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._attempts), wait=wait_exponential(multiplier=0.2, max=2),
                retry=retry_if_exception(_transient), reraise=True,
            ):
                with attempt:
                    if attempt.retry_state.attempt_number > 1 and on_token is not None:
                        await retract(on_token)  # the broken attempt's tokens go before the retry's come
                    async with asyncio.timeout(self._deadline):
                        reply = await self._call(messages, on_token, schema, max_tokens)
        except ModelError:
            self.breaker.failure()
            raise
        except asyncio.CancelledError:
            self.breaker.abandon()
            raise
        except Exception as exc:
            self.breaker.failure()
            raise ModelError(f"{self.tier} model failed: {type(exc).__name__}") from exc
        self.breaker.success()
        return reply

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None,
                    schema: Mapping[str, Any] | None, max_tokens: int) -> ModelReply:
        raise NotImplementedError


class OpenAIModel(_Guarded):
    """The remote tier: any server speaking OpenAI's chat completions API, streamed (SSE)."""

    tier = Tier.REMOTE

    def __init__(self, *, base_url: str | None, api_key: str | None, model: str, timeout: float = 30.0, **kw: Any) -> None:
        super().__init__(**{"deadline": timeout, **kw})
        from openai import AsyncOpenAI

        self.model = model
        self._client = AsyncOpenAI(base_url=base_url, api_key=api_key or "unset", timeout=timeout, max_retries=0)

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None,
                    schema: Mapping[str, Any] | None, max_tokens: int) -> ModelReply:
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        usage: Any = None
        finished = False
        extra: dict[str, Any] = {}
        if schema is not None:  # structured output (OpenAI, vLLM, llama.cpp's server, LM Studio, Ollama's /v1)
            extra["response_format"] = {"type": "json_schema", "json_schema": {"name": "reply", "strict": True, "schema": dict(schema)}}
        stream = await self._client.chat.completions.create(
            model=self.model, messages=list(messages), stream=True, temperature=0.1, max_tokens=max_tokens,  # type: ignore[arg-type]
            stream_options={"include_usage": True}, **extra,
        )
        async for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices or ():
                finished = finished or choice.finish_reason is not None
                token = choice.delta.content if choice.delta else None
                if token:
                    if first is None:
                        first = time.perf_counter() - started
                    parts.append(token)
                    if on_token is not None:
                        await on_token(token)
        if not finished:  # an SSE stream (or an HTML error page) that never said why it stopped
            raise TruncatedStream(f"the {self.tier} model's stream ended without a finish reason")
        text = "".join(parts)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0) or estimate_tokens(" ".join(m["content"] for m in messages))
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0) or estimate_tokens(text)
        return ModelReply(text, tokens_in, tokens_out, self.model, self.tier, time.perf_counter() - started, first)


class OllamaModel(_Guarded):
    """The local tier: an Ollama server (`/api/chat`, NDJSON streaming)."""

    tier = Tier.LOCAL

    def __init__(self, *, host: str | None, model: str, timeout: float = 30.0, **kw: Any) -> None:
        super().__init__(**{"deadline": timeout, **kw})
        from ollama import AsyncClient

        self.model = model
        self._client = AsyncClient(host=host, timeout=timeout)

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None,
                    schema: Mapping[str, Any] | None, max_tokens: int) -> ModelReply:
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        tokens_in = tokens_out = 0
        done = False
        async for chunk in await self._client.chat(model=self.model, messages=list(messages), stream=True,
                                                   options={"temperature": 0.1, "num_predict": max_tokens},
                                                   format=dict(schema) if schema is not None else None):
            token = chunk.message.content if chunk.message else ""
            if token:
                if first is None:
                    first = time.perf_counter() - started
                parts.append(token)
                if on_token is not None:
                    await on_token(token)
            if chunk.done:
                done = True
                tokens_in = int(chunk.prompt_eval_count or 0)
                tokens_out = int(chunk.eval_count or 0)
        if not done:
            raise TruncatedStream(f"the {self.tier} model's stream ended without its `done` line")
        text = "".join(parts)
        return ModelReply(
            text, tokens_in or estimate_tokens(" ".join(m["content"] for m in messages)), tokens_out or estimate_tokens(text),
            self.model, self.tier, time.perf_counter() - started, first,
        )


def estimate_tokens(text: str) -> int:
    """Tokens when a server reports no usage, and for prompt budgets: about four characters each
    (English text with common tokenizers; the one approximation used everywhere)."""
    return max(1, len(text) // 4)
