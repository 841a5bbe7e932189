"""Domain events and the in-process bus they are published on.

The engine publishes the customer side (`MessageStored`, `Answered`, `Clarified`, `HandedOver`, `Rated`),
handoff/ the staff side (`Claimed`, `StaffReplied`, `Resolved`, `ReturnedToBot`), each after what it
reports is stored. Listeners (metrics, desks, later connectors) subscribe in the composition root
(bot/app/composition.py). Events carry ids and kinds only, never message text: a connector that
needs the text reads it through the engine, which restores or withholds personal data as it must.

A listener's error is logged (its kind, not the event's content) and counted; it never reaches the
publisher, so a broken connector cannot stop a reply or a handoff.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MessageStored:
    """A customer's message is stored (redacted), before it is answered."""

    tenant: str
    conversation_id: str
    message_id: int
    channel: str


@dataclass(frozen=True, slots=True)
class Answered:
    """The bot's answer is stored and on its way to the customer."""

    tenant: str
    conversation_id: str
    message_id: int
    route: str  # extractive, local, remote


@dataclass(frozen=True, slots=True)
class Clarified:
    """The bot asked which of a few articles the customer means."""

    tenant: str
    conversation_id: str
    message_id: int


@dataclass(frozen=True, slots=True)
class HandedOver:
    """The bot handed the conversation to people (`reason`: a HandoffReason value)."""

    tenant: str
    conversation_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Claimed:
    tenant: str
    conversation_id: str
    handoff_id: int
    staff: str


@dataclass(frozen=True, slots=True)
class StaffReplied:
    tenant: str
    conversation_id: str
    handoff_id: int
    staff: str


@dataclass(frozen=True, slots=True)
class Resolved:
    tenant: str
    conversation_id: str
    handoff_id: int
    staff: str


@dataclass(frozen=True, slots=True)
class ReturnedToBot:
    tenant: str
    conversation_id: str
    handoff_id: int
    staff: str


@dataclass(frozen=True, slots=True)
class Rated:
    """The customer rated the help they had from people (1-5)."""

    tenant: str
    conversation_id: str
    rating: int


Event = MessageStored | Answered | Clarified | HandedOver | Claimed | StaffReplied | Resolved | ReturnedToBot | Rated
E = TypeVar("E", MessageStored, Answered, Clarified, HandedOver, Claimed, StaffReplied, Resolved, ReturnedToBot, Rated)
Handler = Callable[[E], Awaitable[None]]


class EventBus:
    """In-process and async: `publish` awaits each listener of the event's kind in the order they
    subscribed. Across processes (issue #17) a forwarder subscribes here and sends them on."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Callable[[object], Awaitable[None]]]] = {}
        self.published: Counter[str] = Counter()  # per event kind
        self.failures: Counter[str] = Counter()  # per event kind: listeners that raised

    def subscribe(self, kind: type[E], handler: Handler[E]) -> None:
        self._handlers.setdefault(kind, []).append(handler)  # type: ignore[arg-type]

    async def publish(self, event: Event) -> None:
        name = type(event).__name__
        self.published[name] += 1
        for handler in list(self._handlers.get(type(event), ())):
            try:
                await handler(event)
            except Exception as exc:  # a listener's bug is its own: logged and counted, never the publisher's
                self.failures[name] += 1
                logger.error("listener %s of %s failed with %s", getattr(handler, "__qualname__", handler), name, type(exc).__name__)
