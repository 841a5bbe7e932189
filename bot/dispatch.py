"""Channel messages into durable conversations, and replies back out through their channel.

A channel adapter hands a normalized `InboundMessage` to `Dispatcher.accept` and acks at once; the
message is stored (deduplicated by its platform id) before `accept` returns, and answered in a task,
in order per conversation. Each platform conversation (a Telegram chat, a Slack thread) maps to one
conversation id. Commands and buttons are handled here, one table for all channels.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bot.conversations import ConversationService
from channels.base import Button, Channel, ConversationRef, InboundMessage, Link, Reply

logger = logging.getLogger(__name__)

GREETING = "Hi! I answer questions from our help center, with links to read more. Ask me anything, or send /human to talk to a person."
ATTACHMENT_NOTE = (
    "Thanks, I've kept your file for our support team. I can only read text myself, so please tell me in a few words "
    "what the problem is, or send /human to talk to a person."
)
HUMAN_REQUEST = "I want to talk to a person"
FEEDBACK_BUTTONS = (Button(label="👍 Helpful", action="helpful"), Button(label="👎 Not helpful", action="not_helpful"),
                    Button(label="Talk to a person", action="human"))


def conversation_id_for(ref: ConversationRef) -> str:
    key = f"{ref.channel}\0{ref.tenant}\0{ref.address}\0{ref.thread or ''}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"supportbot:{key}").hex


class Dispatcher:
    def __init__(self, *, conversations: ConversationService, audit: Callable[..., None]) -> None:
        self._conversations = conversations
        self._audit = audit
        self._channels: dict[tuple[str, str | None], Channel] = {}
        self._refs: dict[str, ConversationRef] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._token_feeds: dict[str, Callable[[], None]] = {}  # conversation -> unsubscribe
        self._commands: dict[str, Callable[[InboundMessage, str], Awaitable[None]]] = {
            "start": self._start,
            "help": self._start,
            "human": self._human,
            "helpful": self._feedback,
            "not_helpful": self._feedback,
        }
        conversations.on_every_message(self._deliver)

    def register(self, channel: Channel, *, tenant: str | None = None) -> None:
        """A channel for one tenant (e.g. that tenant's Telegram bot), or for all when tenant is None."""
        self._channels[(channel.name, tenant)] = channel

    def _has_channel(self, channel: str, tenant: str) -> bool:
        return (channel, tenant) in self._channels or (channel, None) in self._channels

    def _channel(self, ref: ConversationRef) -> Channel | None:
        return self._channels.get((ref.channel, ref.tenant)) or self._channels.get((ref.channel, None))

    async def accept(self, inbound: InboundMessage) -> None:
        """Store now, answer later (in order). Returns once the message is durable."""
        ref = inbound.ref
        conversation_id = conversation_id_for(ref)
        self._refs[conversation_id] = ref
        await asyncio.to_thread(
            self._conversations.create, tenant=ref.tenant, channel=ref.channel, user=inbound.user, conversation_id=conversation_id,
            address=ref.address, thread=ref.thread,
        )
        handler = self._commands.get(inbound.command or "")
        if handler is not None:
            await handler(inbound, conversation_id)
            return
        if inbound.attachments:  # kept for staff: a handoff lists them
            kinds = sorted({a.kind for a in inbound.attachments})
            files = [{"kind": a.kind, "file_id": a.file_id, "size": a.size} for a in inbound.attachments]
            await asyncio.to_thread(self._audit, tenant=ref.tenant, conversation_id=conversation_id, kind="attachment", kinds=kinds, files=files)
        if inbound.attachments and not inbound.text.strip():
            handoff = self._conversations.handoff
            if handoff is not None and await asyncio.to_thread(handoff.with_people, conversation_id):
                # people own the conversation: they hear about the file, the bot says nothing
                await handoff.relay_customer(conversation_id, f"[sent {', '.join(kinds)}]")
                return
            await self._send(ref, Reply(text=ATTACHMENT_NOTE, role="system", buttons=(FEEDBACK_BUTTONS[2],)))
            return
        text = inbound.text.strip()
        if not text:
            return
        limit = self._conversations.max_chars
        if len(text) > limit:
            await self._send(ref, Reply(text=f"That message is too long for me ({len(text)} characters; the limit is {limit}). Could you shorten it?", role="system"))
            return
        await self._submit(conversation_id, text, inbound.platform_id)

    async def _submit(self, conversation_id: str, text: str, client_id: str | None) -> None:
        self._stream_tokens(conversation_id)  # before answering starts
        submitted, task = await self._conversations.accept(conversation_id=conversation_id, text=text, client_id=client_id)
        if submitted.duplicate:
            logger.info("duplicate delivery %s ignored", client_id)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _stream_tokens(self, conversation_id: str) -> None:
        """Channels that can show an answer as it is generated (Telegram edits) get the model's tokens."""
        ref = self._refs.get(conversation_id)
        channel = self._channel(ref) if ref is not None else None
        push = getattr(channel, "push_token", None)
        if push is None or ref is None or conversation_id in self._token_feeds:
            return

        async def feed(event: dict[str, Any]) -> None:
            if event.get("type") == "token":
                await push(ref, event["text"])

        self._token_feeds[conversation_id] = self._conversations.subscribe(conversation_id, feed)

    async def drain(self) -> None:
        """Wait for accepted messages to be answered (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _start(self, inbound: InboundMessage, conversation_id: str) -> None:
        await self._send(inbound.ref, Reply(text=GREETING, role="system"))

    async def _human(self, inbound: InboundMessage, conversation_id: str) -> None:
        await self._submit(conversation_id, inbound.text.strip() or HUMAN_REQUEST, inbound.platform_id)

    async def _feedback(self, inbound: InboundMessage, conversation_id: str) -> None:
        helpful = inbound.command == "helpful"
        await asyncio.to_thread(
            self._audit, tenant=inbound.ref.tenant, conversation_id=conversation_id, kind="feedback", helpful=helpful, message_id=inbound.payload
        )
        await self._send(inbound.ref, Reply(text="Thanks for the feedback!" if helpful else "Thanks for telling me. Send /human if you'd like a person to help.", role="system"))
        if self._conversations.handoff is not None:
            await self._conversations.handoff.feedback(conversation_id, helpful=helpful)

    async def _deliver(self, event: dict[str, Any]) -> None:
        """A reply (or staff message) stored for a conversation: send it on that conversation's channel."""
        conversation_id = event["conversation_id"]
        ref = self._refs.get(conversation_id)
        if ref is None:
            party = await self._conversations.find(conversation_id)  # in memory once seen
            if party is None or not self._has_channel(party.channel, party.tenant):
                return  # the widget reads replies over its own socket
            ref = await asyncio.to_thread(self._ref_from_store, conversation_id)
        if ref is None or self._channel(ref) is None:
            return
        message = event["message"]
        if message.get("role") == "bot" and conversation_id in self._token_feeds:
            self._token_feeds.pop(conversation_id)()  # the answer is complete
        citations = tuple(Link(title=c["title"], url=c.get("url")) for c in message.get("citations") or ())
        buttons = FEEDBACK_BUTTONS if message.get("outcome") == "answer" else ()
        reply = Reply(text=message["text"], citations=citations, buttons=tuple(Button(b.label, b.action, str(message.get("id") or "")) for b in buttons),
                      role=message.get("role", "bot"), author=message.get("author"))
        await self._send(ref, reply)

    def _ref_from_store(self, conversation_id: str) -> ConversationRef | None:
        conversation = self._conversations.get(conversation_id)
        if conversation is None or not conversation.address:
            return None
        return ConversationRef(channel=conversation.channel, tenant=conversation.tenant, address=conversation.address, thread=conversation.thread)

    async def _send(self, ref: ConversationRef, reply: Reply) -> None:
        channel = self._channel(ref)
        if channel is None:
            return
        try:
            await channel.send(ref, reply)
        except Exception:
            logger.exception("sending on %s failed", ref.channel)
