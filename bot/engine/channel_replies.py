"""Replies out to the platform channels: each reply (or staff message) stored for a conversation is sent
on that conversation's channel, with the buttons under it in its language; channels that show an answer
as it is generated get the model's tokens, and an answer a crash left half-streamed is edited into the
message it was streaming into. Sending goes through bot/engine/outbox.py (in order, exactly once,
retried). Split from bot/engine/dispatch.py, whose `Dispatcher` holds one and shares its references.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

from tenacity.wait import wait_base

from bot.core import texts
from bot.core.channel import Button, Channel, ConversationRef, Link, Reply
from bot.core.language import telling_language
from bot.core.messages import (
    ConversationEvent,
    LiveEvent,
    LiveKind,
    OutboundMessage,
    Role,
)
from bot.core.records import Outcome
from bot.engine.conversations import ConversationService
from bot.engine.message_stages import PLEASANTRY
from bot.engine.outbox import RETRY_WAIT, Outbox, Outgoing

# under an answer, in this order; each labelled "button_<action>" (bot/core/texts.py)
FEEDBACK_ACTIONS = ("helpful", "not_helpful", "human")
RATINGS = ("1", "2", "3", "4", "5")  # the buttons under a resolved handoff's "how did we do?"
_CHECKED_MEMORY = 10_000  # conversations whose stored stream this process looked at


class ChannelReplies:
    def __init__(self, *, conversations: ConversationService, refs: dict[str, ConversationRef], retry_wait: wait_base = RETRY_WAIT) -> None:
        """`refs`: the dispatcher's platform conversations by conversation id (it fills them as messages arrive)."""
        self._conversations = conversations
        self._refs = refs
        self._outbox = Outbox(channel_for=self.channel, mark_sent=conversations.mark_sent, retry_wait=retry_wait)
        self._channels = conversations.channels
        self._token_feeds: dict[str, Callable[[], None]] = {}  # conversation -> unsubscribe
        self._streaming: set[str] = set()  # conversations this process streams an answer into (stored, see `_streamed`)
        self._stream_checked: OrderedDict[str, None] = OrderedDict()  # conversations whose stored stream was looked at

    def channel(self, ref: ConversationRef) -> Channel | None:
        return self._channels.get(ref.channel, ref.tenant)

    def stream_tokens(self, conversation_id: str) -> None:
        """Channels that can show an answer as it is generated (Telegram edits) get the model's tokens."""
        ref = self._refs.get(conversation_id)
        channel = self.channel(ref) if ref is not None else None
        push = getattr(channel, "push_token", None)
        if push is None or ref is None or conversation_id in self._token_feeds:
            return

        retract = getattr(channel, "retract", None)

        async def feed(event: ConversationEvent) -> None:
            if not isinstance(event, LiveEvent):
                return
            if event.kind is LiveKind.TOKEN:
                message = await push(ref, event.text)
                if message is not None:  # remembered: after a crash the answer is edited into it (`_streamed`)
                    await asyncio.to_thread(self._conversations.set_streaming, conversation_id, message)
                    self._streaming.add(conversation_id)
            elif event.kind is LiveKind.RETRACT and retract is not None:
                await retract(ref)  # unchecked model text taken back (bot/engine/streaming.py)

        self._token_feeds[conversation_id] = self._conversations.subscribe(conversation_id, feed)

    async def deliver(self, event: OutboundMessage) -> None:
        """A reply (or staff message) stored for a conversation: send it on that conversation's channel."""
        conversation_id = event.conversation_id
        ref = self._refs.get(conversation_id)
        if ref is None:
            party = await self._conversations.find(conversation_id)  # in memory once seen
            if party is None or not self._channels.pushes(party.channel, party.tenant):
                return  # the widget reads replies over its own socket
            ref = await asyncio.to_thread(self._ref_from_store, conversation_id)
        if ref is None or self.channel(ref) is None:
            return
        message = event.shown
        if message.role is Role.BOT and conversation_id in self._token_feeds:
            self._token_feeds.pop(conversation_id)()  # the answer is complete
        citations = tuple(Link(title=c.title, url=c.url) for c in message.citations or ())
        # "was this helpful?" under an answer from the help center, not under "Hi! What can I help you with?"
        rated = message.outcome is Outcome.ANSWER and message.route != PLEASANTRY
        actions = message.buttons or (FEEDBACK_ACTIONS if rated else ())
        # the buttons (and a channel's own labels, e.g. Slack's "Sources") speak the language of the message they are under
        lang = telling_language(message.text) or self._conversations.tenant_language(ref.tenant)
        message_ref = str(message.id or "")
        buttons = tuple(Button(texts.text(f"button_{a}", lang), a, message_ref) for a in FEEDBACK_ACTIONS if a in actions)
        if message.rating_request:  # "how did we do?": a button each for 1 to 5, pressed as if typed
            buttons = tuple(Button(str(n), "rate", str(n)) for n in RATINGS)
        if message.outcome is Outcome.CLARIFY:  # an article each, then "none of these" (a person)
            buttons = tuple(Button(o.title, "choose", f"{message_ref}:{n}") for n, o in enumerate(message.options or ()))
            buttons += (Button(texts.text("button_none", lang), "none", message_ref),)
        streamed = await self._streamed(conversation_id, ref)
        resume = getattr(self.channel(ref), "resume_stream", None)
        if streamed and resume is not None and message.role is Role.BOT:
            resume(ref, streamed)  # the answer goes into the fragment a crash left, not under it
        reply = Reply(
            text=message.text, citations=citations, buttons=buttons, role=message.role, author=message.author, lang=lang,
        )
        await self._outbox.send(conversation_id, Outgoing(ref, reply, message.id))
        if streamed or (message.role is Role.BOT and conversation_id in self._streaming):
            self._streaming.discard(conversation_id)
            await asyncio.to_thread(self._conversations.set_streaming, conversation_id, None)  # the answer is in

    async def _streamed(self, conversation_id: str, ref: ConversationRef) -> str | None:
        """The message an answer was being streamed into when an earlier process died (a Telegram
        message id), looked up once per conversation and process; None when there is none or this
        process streams into it (the channel holds it then)."""
        if conversation_id in self._stream_checked or conversation_id in self._streaming:
            return None
        if getattr(self.channel(ref), "resume_stream", None) is None:
            return None
        self._stream_checked[conversation_id] = None
        if len(self._stream_checked) > _CHECKED_MEMORY:
            self._stream_checked.popitem(last=False)
        conversation = await asyncio.to_thread(self._conversations.get, conversation_id)
        return conversation.streaming if conversation is not None else None

    def _ref_from_store(self, conversation_id: str) -> ConversationRef | None:
        conversation = self._conversations.get(conversation_id)
        if conversation is None or not conversation.address:
            return None
        return ConversationRef(channel=conversation.channel, tenant=conversation.tenant, address=conversation.address, thread=conversation.thread)
