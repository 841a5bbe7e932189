"""An in-memory channel: the whole bot driven in-process, as errbot's test backend does.

A test (or a REPL) says something as a customer with `say`, and reads what the bot, staff or the
system sent back with `next_reply`; `ask` does both. Messages go through the real dispatcher,
conversations, pipeline, handoff and outbox; only the platform is replaced. It is also the smallest
example of a channel adapter (docs/architecture.md, "Files to touch"): it implements the `Channel`
port of bot/core/channel.py and hands messages to the `Inbox` port (bot/core/ports.py).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict

from bot.core.channel import ConversationRef, InboundMessage, Reply
from bot.core.ports import Inbox

NAME = "memory"


class MemoryChannel:
    name = NAME

    def __init__(self, *, inbox: Inbox, tenant: str = "default") -> None:
        self._inbox = inbox
        self._tenant = tenant
        self._ids = itertools.count(1)
        self._replies: defaultdict[str, asyncio.Queue[Reply]] = defaultdict(asyncio.Queue)
        self.sent: list[tuple[ConversationRef, Reply]] = []  # everything sent, in order

    def ref(self, address: str = "tester") -> ConversationRef:
        return ConversationRef(channel=NAME, tenant=self._tenant, address=address)

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        self.sent.append((ref, reply))
        self._replies[ref.address].put_nowait(reply)

    async def say(self, text: str, *, address: str = "tester", user: str | None = None, command: str | None = None,
                  payload: str | None = None) -> str:
        """A customer's message, stored once this returns (answered in the background). Returns its platform id."""
        platform_id = f"mem-{next(self._ids)}"
        await self._inbox.accept(InboundMessage(
            ref=self.ref(address), platform_id=platform_id, user=user or address, text=text, command=command, payload=payload,
        ))
        return platform_id

    async def next_reply(self, *, address: str = "tester", timeout: float = 60.0) -> Reply:
        """The next message sent to this customer (the bot's answer, a staff reply, a system notice)."""
        return await asyncio.wait_for(self._replies[address].get(), timeout)

    async def ask(self, text: str, *, address: str = "tester", timeout: float = 60.0) -> Reply:
        await self.say(text, address=address)
        return await self.next_reply(address=address, timeout=timeout)
