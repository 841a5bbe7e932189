"""Model clients for the generative tiers: local (Ollama) and remote (any OpenAI-compatible API).

Both stream tokens to an optional callback and report usage (tokens in and out from the API's own
usage fields). Transient failures (connection errors, timeouts, 5xx, 429) are retried with backoff
(tenacity); a circuit breaker per provider stops calling a provider that keeps failing and lets one
call through again after a pause. Only redacted text is ever given to these clients.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

OnToken = Callable[[str], Awaitable[None]]
MAX_TOKENS = 400  # a support answer is short; a model that rambles is cut off


class ModelError(Exception):
    """A tier could not answer (down, timed out, refused, circuit open)."""


@dataclass(frozen=True, slots=True)
class ModelReply:
    text: str
    tokens_in: int
    tokens_out: int
    model: str
    tier: str
    seconds: float
    first_token_seconds: float | None = None


class ChatModel(Protocol):
    tier: str
    model: str

    async def chat(self, messages: Sequence[dict[str, str]], *, on_token: OnToken | None = None) -> ModelReply: ...


class CircuitBreaker:
    """Open after `failures` failures in a row; half-open (one trial call) after `reset_after` seconds."""

    def __init__(self, *, failures: int = 3, reset_after: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = failures
        self._reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def open(self) -> bool:
        if self._opened_at is None:
            return False
        if self._clock() - self._opened_at >= self._reset_after:
            return False  # half-open: let one call try
        return True

    def success(self) -> None:
        self._failures = 0
        self._opened_at = None

    def failure(self) -> None:
        self._failures += 1
        if self._failures >= self._limit:
            self._opened_at = self._clock()


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

    tier = "model"
    model = ""

    def __init__(self, *, attempts: int = 2, breaker: CircuitBreaker | None = None) -> None:
        self._attempts = attempts
        self.breaker = breaker or CircuitBreaker()

    async def chat(self, messages: Sequence[dict[str, str]], *, on_token: OnToken | None = None) -> ModelReply:
        if self.breaker.open:
            raise ModelError(f"{self.tier} model is paused after repeated failures")
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._attempts), wait=wait_exponential(multiplier=0.2, max=2),
                retry=retry_if_exception(_transient), reraise=True,
            ):
                with attempt:
                    reply = await self._call(messages, on_token)
        except ModelError:
            self.breaker.failure()
            raise
        except Exception as exc:
            self.breaker.failure()
            raise ModelError(f"{self.tier} model failed: {type(exc).__name__}") from exc
        self.breaker.success()
        return reply

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None) -> ModelReply:
        raise NotImplementedError


class OpenAIModel(_Guarded):
    """The remote tier: any server speaking OpenAI's chat completions API, streamed (SSE)."""

    tier = "remote"

    def __init__(self, *, base_url: str | None, api_key: str | None, model: str, timeout: float = 30.0, **kw: Any) -> None:
        super().__init__(**kw)
        from openai import AsyncOpenAI

        self.model = model
        self._client = AsyncOpenAI(base_url=base_url, api_key=api_key or "unset", timeout=timeout, max_retries=0)

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None) -> ModelReply:
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        usage: Any = None
        stream = await self._client.chat.completions.create(
            model=self.model, messages=list(messages), stream=True, temperature=0.1, max_tokens=MAX_TOKENS,  # type: ignore[arg-type]
            stream_options={"include_usage": True},
        )
        async for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices or ():
                token = choice.delta.content if choice.delta else None
                if token:
                    if first is None:
                        first = time.perf_counter() - started
                    parts.append(token)
                    if on_token is not None:
                        await on_token(token)
        text = "".join(parts)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0) or _estimate(" ".join(m["content"] for m in messages))
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0) or _estimate(text)
        return ModelReply(text, tokens_in, tokens_out, self.model, self.tier, time.perf_counter() - started, first)


class OllamaModel(_Guarded):
    """The local tier: an Ollama server (`/api/chat`, NDJSON streaming)."""

    tier = "local"

    def __init__(self, *, host: str | None, model: str, timeout: float = 30.0, **kw: Any) -> None:
        super().__init__(**kw)
        from ollama import AsyncClient

        self.model = model
        self._client = AsyncClient(host=host, timeout=timeout)

    async def _call(self, messages: Sequence[dict[str, str]], on_token: OnToken | None) -> ModelReply:
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        tokens_in = tokens_out = 0
        async for chunk in await self._client.chat(model=self.model, messages=list(messages), stream=True, options={"temperature": 0.1, "num_predict": MAX_TOKENS}):
            token = chunk.message.content if chunk.message else ""
            if token:
                if first is None:
                    first = time.perf_counter() - started
                parts.append(token)
                if on_token is not None:
                    await on_token(token)
            if chunk.done:
                tokens_in = int(chunk.prompt_eval_count or 0)
                tokens_out = int(chunk.eval_count or 0)
        text = "".join(parts)
        return ModelReply(
            text, tokens_in or _estimate(" ".join(m["content"] for m in messages)), tokens_out or _estimate(text),
            self.model, self.tier, time.perf_counter() - started, first,
        )


def _estimate(text: str) -> int:
    """Tokens when a server reports no usage: about four characters each."""
    return max(1, len(text) // 4)
