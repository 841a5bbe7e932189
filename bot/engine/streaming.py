"""An answer's tokens on their way to the customer while a model writes it.

Streamed text is not checked yet: the citations are validated only when the model is done. So a
stream can be taken back: `retract()` tells the channel to drop what it showed (the widget removes
the growing bubble, Telegram blanks the growing message), and the checked final reply, or the next
tier's stream, takes its place. A token sink is any `async (token) -> None`; one that also has an
`async retract()` can be taken back (sinks without it, as in tests and `supportbot ask`, only
collect).

The model sees placeholders (`<PERSON_1>`), the customer sees their own values: `CustomerStream`
restores them in streamed text as in the final reply, holding back a partial `<PERS` until the
placeholder is complete, so a placeholder is never shown half restored. Sockets of the conversation
held by other processes get the same tokens through `share`, as the model wrote them (placeholders
whole, nothing restored: the receiving process restores them, bot/engine/relay.py).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.messages import ConversationEvent, LiveEvent, LiveKind
from policies.placeholders import PLACEHOLDER_RE

MAX_PLACEHOLDER = 40  # longer than any `<KIND_n>`: the `<` was just text
_PARTIAL = re.compile(r"<[A-Z_0-9]*\Z")


async def retract(sink: Any) -> None:
    """Take back what `sink` has shown, when it can."""
    undo = getattr(sink, "retract", None)
    if undo is not None:
        await undo()


class PlaceholderBuffer:
    """Cuts streamed text so that a placeholder is never split: a trailing `<KIN` waits for its `>`."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, text: str) -> str:
        held = self._held + text
        start = held.rfind("<")
        if start >= 0 and len(held) - start <= MAX_PLACEHOLDER and _PARTIAL.match(held, start):
            self._held = held[start:]
            return held[:start]
        self._held = ""
        return held

    def clear(self) -> None:
        self._held = ""


class CustomerStream:
    """The token sink of one conversation: restored tokens and retractions published to its listeners."""

    def __init__(
        self, *, publish: Callable[[ConversationEvent], Awaitable[None]], restore: Callable[[str], Awaitable[str]],
        share: Callable[[LiveEvent], None] | None = None,
    ) -> None:
        self._publish = publish
        self._restore = restore
        self._share = share
        self._buffer = PlaceholderBuffer()
        self.shown = ""  # what the customer sees now (tests, logs of lengths only)

    async def __call__(self, token: str) -> None:
        ready = self._buffer.feed(token)
        if not ready:
            return
        if self._share is not None:
            self._share(LiveEvent.token(ready))
        if PLACEHOLDER_RE.search(ready):
            ready = await self._restore(ready)
        self.shown += ready
        await self._publish(LiveEvent.token(ready))

    async def retract(self) -> None:
        self._buffer.clear()
        self.shown = ""
        if self._share is not None:
            self._share(LiveEvent(LiveKind.RETRACT))
        await self._publish(LiveEvent(LiveKind.RETRACT))
