"""Replies on their way to a platform (Telegram, Slack): sent in order per conversation, exactly once.

A reply is stored `delivery="queued"` before it gets here and marked sent once the platform took it.
If the platform fails, that reply and every later one of the conversation wait in a backlog that a task
retries with backoff, in order; what a crash left unsent is sent again at start
(`ConversationService.recover`). A message sent or waiting already is skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState
from tenacity.wait import wait_base, wait_exponential

from bot.core.channel import Channel, ConversationRef, Reply

logger = logging.getLogger(__name__)

# a platform outage: retry at once, then after 1, 2, 4 ... seconds, at most every 5 minutes, while the server runs
RETRY_WAIT = wait_exponential(multiplier=1, min=1, max=300)
_SENT_MEMORY = 10_000  # ids sent by this process: a resend at start that races a live send is skipped


@dataclass(frozen=True, slots=True)
class Outgoing:
    ref: ConversationRef
    reply: Reply
    message_id: int | None  # the stored message, marked sent once the platform took it


class Outbox:
    def __init__(self, *, channel_for: Callable[[ConversationRef], Channel | None], mark_sent: Callable[[int], None],
                 retry_wait: wait_base = RETRY_WAIT) -> None:
        self._channel_for = channel_for
        self._store_sent = mark_sent
        self._retry_wait = retry_wait
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)  # one send at a time per conversation
        self._backlogs: dict[str, list[Outgoing]] = {}  # conversation -> what waits for its platform, in order
        self._retries: set[asyncio.Task[None]] = set()
        self._outgoing: set[int] = set()  # message ids being sent or waiting in a backlog
        self._sent: OrderedDict[int, None] = OrderedDict()

    async def send(self, conversation_id: str, outgoing: Outgoing) -> None:
        """Send now, or after what already waits for this conversation's platform."""
        message_id = outgoing.message_id
        if message_id is not None:
            if message_id in self._outgoing or message_id in self._sent:
                return
            self._outgoing.add(message_id)
        async with self._locks[conversation_id]:
            backlog = self._backlogs.get(conversation_id)
            if backlog is not None:
                backlog.append(outgoing)
                return
            try:
                await self._send(outgoing)
            except Exception as exc:
                logger.warning("sending on %s failed (%s); retrying with backoff", outgoing.ref.channel, type(exc).__name__)
                self._backlogs[conversation_id] = [outgoing]
                task = asyncio.create_task(self._retry(conversation_id))
                self._retries.add(task)
                task.add_done_callback(self._retries.discard)
                return
            await self._mark_sent(message_id)

    async def _retry(self, conversation_id: str) -> None:
        backlog = self._backlogs[conversation_id]
        async for attempt in AsyncRetrying(wait=self._retry_wait, before_sleep=_log_retry):  # until the platform is back
            with attempt:
                async with self._locks[conversation_id]:
                    while backlog:
                        await self._send(backlog[0])
                        await self._mark_sent(backlog.pop(0).message_id)
                    del self._backlogs[conversation_id]

    async def _send(self, outgoing: Outgoing) -> None:
        channel = self._channel_for(outgoing.ref)
        if channel is not None:
            await channel.send(outgoing.ref, outgoing.reply)

    async def _mark_sent(self, message_id: int | None) -> None:
        if message_id is None:
            return
        self._sent[message_id] = None
        if len(self._sent) > _SENT_MEMORY:
            self._sent.popitem(last=False)
        self._outgoing.discard(message_id)
        try:
            await asyncio.to_thread(self._store_sent, message_id)
        except Exception:  # sent all the same; at worst it is sent again after a restart
            logger.exception("could not mark message %d sent", message_id)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    logger.warning("sending still failing (%s, attempt %d); next try in %.0f s", type(error).__name__, state.attempt_number,
                   state.next_action.sleep if state.next_action else 0)
