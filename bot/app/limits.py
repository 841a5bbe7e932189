"""Limits per client: how many conversations, messages, feedback posts and handoff requests one client
address, and one widget key, may make in a window (settings: `ClientLimits`), plus an hourly message
budget for anonymous widget visitors, who have no per-user budget; and `RateLimiter`, the burst limit
of one conversation (a few messages at once, then a steady rate).

Each client limit is a sliding window (at most `limit` hits in any `window` seconds, never twice that
across a window's edge as a token bucket would allow). A conversation's burst limit is a token bucket
(kept as its "theoretical arrival time", GCRA: one number per key). Both live behind `LimitStore`:
`MemoryLimitStore` for a single process and the tests, `TableLimitStore` (bot/app/limit_table.py) for
several processes on PostgreSQL, where a customer whose messages reach different processes is held to
one count.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.core.client_limits import ClientLimits, Rate


class Action(StrEnum):
    CONVERSATION = "conversation"
    MESSAGE = "message"
    FEEDBACK = "feedback"
    HANDOFF = "handoff"


@dataclass(frozen=True, slots=True)
class LimitExceeded(Exception):
    """Too many hits: the client may try again in `retry_after` seconds."""

    scope: str
    retry_after: float


@dataclass(frozen=True, slots=True)
class BurstExceeded(Exception):
    """A conversation's burst limit refused a message: it may go in `retry_after` seconds."""

    retry_after: float


@dataclass(frozen=True, slots=True)
class Hit:
    """One count `LimitStore.hit_each` takes: `key` may have `limit` hits in `window` seconds."""

    key: str
    limit: int
    window: float


class LimitStore(Protocol):
    async def hit(self, key: str, *, limit: int, window: float) -> float:
        """Count one hit for `key` if fewer than `limit` happened in the last `window` s: 0.0. Else
        count nothing and return the seconds until one is allowed."""
        ...

    async def hit_each(self, hits: Sequence[Hit]) -> tuple[int, float]:
        """`hit` for each in order, stopping at the first refused: (its index, its wait), or (-1, 0.0)
        when every one was counted. The ones after a refused hit are not counted."""
        ...

    async def take(self, key: str, *, burst: int, interval: float) -> float:
        """Take one token of `key`'s bucket (`burst` tokens, one more every `interval` s): 0.0. Else
        take nothing and return the seconds until a token is there."""
        ...

    async def take_then_hit_each(self, key: str, *, burst: int, interval: float, hits: Sequence[Hit]) -> tuple[float, int, float]:
        """`take`, then, only when it gave a token, `hit_each(hits)`: (take's wait, and hit_each's two
        values, (-1, 0.0) when the take was refused)."""
        ...


def next_arrival(tat: float | None, now: float, *, burst: int, interval: float) -> tuple[float, float]:
    """GCRA, a token bucket kept as one number: the time the bucket would be full again (`tat`). A
    message is let through while `tat` is no more than `burst - 1` intervals ahead of now. Returns
    (the wait, 0.0 when let through; the new `tat`)."""
    tat = max(tat if tat is not None else now, now)
    ahead = tat - now - (burst - 1) * interval
    if ahead > 0:
        return max(ahead, 0.001), tat
    return 0.0, tat + interval


class MemoryLimitStore:
    """Hit times per key, in this process. Keys unused longest are forgotten past `max_keys`, so a flood
    of addresses cannot grow memory without bound (it can only make the oldest keys start afresh)."""

    def __init__(self, *, max_keys: int = 200_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._arrivals: OrderedDict[str, float] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    async def hit(self, key: str, *, limit: int, window: float) -> float:
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
            if len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
        self._hits.move_to_end(key)
        while hits and now - hits[0] >= window:
            hits.popleft()
        if len(hits) >= limit:
            return max(hits[0] + window - now, 0.001)
        hits.append(now)
        return 0.0

    async def hit_each(self, hits: Sequence[Hit]) -> tuple[int, float]:
        for index, hit in enumerate(hits):
            wait = await self.hit(hit.key, limit=hit.limit, window=hit.window)
            if wait:
                return index, wait
        return -1, 0.0

    async def take_then_hit_each(self, key: str, *, burst: int, interval: float, hits: Sequence[Hit]) -> tuple[float, int, float]:
        wait = await self.take(key, burst=burst, interval=interval)
        return (wait, -1, 0.0) if wait else (0.0, *await self.hit_each(hits))

    async def take(self, key: str, *, burst: int, interval: float) -> float:
        wait, tat = next_arrival(self._arrivals.get(key), self._clock(), burst=burst, interval=interval)
        if not wait:
            self._arrivals[key] = tat
            self._arrivals.move_to_end(key)
            if len(self._arrivals) > self._max_keys:
                self._arrivals.popitem(last=False)
        return wait


@dataclass(slots=True)
class RateLimiter:
    """A conversation's burst limit: `burst` messages at once, then one every `interval` s. Counted in
    `store`: on PostgreSQL the limit table, so it holds whichever process each message reaches."""

    burst: int = 8
    interval: float = 1.0
    store: LimitStore = field(default_factory=lambda: MemoryLimitStore())

    async def take(self, conversation_id: str) -> float:
        """0.0 if the message may go, else the seconds to wait."""
        return await self.store.take(self.key(conversation_id), burst=self.burst, interval=self.interval)

    @staticmethod
    def key(conversation_id: str) -> str:
        return f"burst:{conversation_id}"


def client_address(remote: str | None, forwarded_for: str | None, *, trust_forwarded: bool) -> str:
    """The address limits are counted against. An IPv6 client usually holds a whole /64, so that is
    one client; behind a trusted proxy, the address the proxy saw (the last X-Forwarded-For entry)."""
    candidate = remote or "unknown"
    if trust_forwarded and forwarded_for:
        candidate = forwarded_for.split(",")[-1].strip() or candidate
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return candidate[:64]
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


class ClientLimiter:
    """Checks one action against the client address's limit, then the widget key's (a tenant's keys
    share one count for calls on an existing conversation, which does not record its key). A refused
    call is not counted where it was refused."""

    def __init__(self, *, limits: ClientLimits, store: LimitStore | None = None) -> None:
        self._limits = limits
        self._store: LimitStore = store or MemoryLimitStore()

    def _rates(self, action: Action) -> tuple[Rate, Rate]:
        limits = self._limits
        return {
            Action.CONVERSATION: (limits.conversations_per_address, limits.conversations_per_widget_key),
            Action.MESSAGE: (limits.messages_per_address, limits.messages_per_widget_key),
            Action.FEEDBACK: (limits.feedback_per_address, limits.feedback_per_widget_key),
            Action.HANDOFF: (limits.handoffs_per_address, limits.handoffs_per_widget_key),
        }[action]

    async def check(
        self, action: Action, *, address: str, widget_key: str, anonymous: bool = False, burst: tuple[RateLimiter, str] | None = None,
    ) -> None:
        """Raise LimitExceeded when the address, the widget key (or, for an anonymous visitor's
        message, the anonymous budget of the address) has had its share. `burst`: a conversation's
        burst limit (the limiter, the conversation), taken first; its refusal raises BurstExceeded and
        counts nothing more. On one store (the limit table) the burst and the counts go in one statement."""
        per_address, per_key = self._rates(action)
        checks = [(f"{action}:address:{address}", per_address, "address"), (f"{action}:key:{widget_key}", per_key, "widget key")]
        if anonymous and action is Action.MESSAGE:
            checks.append((f"anonymous:{address}", self._limits.anonymous_messages, "anonymous visitor budget"))
        # in one go: on the limit table, one thread hop and one connection for all of them
        hits = [Hit(key, rate.limit, rate.window) for key, rate, _ in checks]
        if burst is None:
            refused, wait = await self._store.hit_each(hits)
        else:
            limiter, conversation_id = burst
            if limiter.store is self._store:
                taken, refused, wait = await self._store.take_then_hit_each(
                    limiter.key(conversation_id), burst=limiter.burst, interval=limiter.interval, hits=hits)
            else:  # each in its own store (one process's memory)
                taken = await limiter.take(conversation_id)
                refused, wait = (-1, 0.0) if taken else await self._store.hit_each(hits)
            if taken:
                raise BurstExceeded(retry_after=taken)
        if refused >= 0:
            raise LimitExceeded(scope=checks[refused][2], retry_after=wait)
