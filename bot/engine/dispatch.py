"""Channel messages into durable conversations, and replies back out through their channel.

A channel adapter hands a normalized `InboundMessage` to `Dispatcher.accept` and acks at once; the
message is stored (deduplicated by its platform id) before `accept` returns, and answered in a task,
in order per conversation. Each platform conversation (a Telegram chat, a Slack thread) maps to one
conversation id. Commands, files and buttons are handled here, one table for all channels; their
replies are stored under the inbound's platform id too, so a repeated delivery is answered once.

Replies go out through `bot/engine/outbox.py`: in order per conversation, exactly once, retried through
platform outages.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from tenacity.wait import wait_base

from bot.core import texts
from bot.engine.conversations import ConversationService
from bot.core.errors import InputError
from bot.core.language import telling_language
from bot.engine.outbox import RETRY_WAIT, Outbox, Outgoing
from bot.core.channel import Attachment, Button, Channel, ConversationRef, FileContent, InboundMessage, Link, Reply
from bot.core.messages import ConversationEvent, LiveEvent, LiveKind, OutboundMessage, Role
from bot.core.records import Outcome

logger = logging.getLogger(__name__)

# what a customer who sends /human alone (or presses the button) says: English, as the request
# detector's examples are (policies/intent.py)
HUMAN_REQUEST = "I want to talk to a person"
# under an answer, in this order; each labelled "button_<action>" (bot/core/texts.py)
FEEDBACK_ACTIONS = ("helpful", "not_helpful", "human")
_CHECKED_MEMORY = 10_000  # conversations whose stored stream this process looked at


def conversation_id_for(ref: ConversationRef) -> str:
    key = f"{ref.channel}\0{ref.tenant}\0{ref.address}\0{ref.thread or ''}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"supportbot:{key}").hex


class Dispatcher:
    def __init__(self, *, conversations: ConversationService, audit: Callable[..., None], retry_wait: wait_base = RETRY_WAIT) -> None:
        """Sends through the conversation service's channel registry (`conversations.channels`), which the
        composition root gave it at construction: what registers here is what it treats as pushed."""
        self._conversations = conversations
        self._audit = audit
        self._outbox = Outbox(channel_for=self._channel, mark_sent=conversations.mark_sent, retry_wait=retry_wait)
        self._channels = conversations.channels
        self._refs: dict[str, ConversationRef] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._token_feeds: dict[str, Callable[[], None]] = {}  # conversation -> unsubscribe
        self._streaming: set[str] = set()  # conversations this process streams an answer into (stored, see `_streamed`)
        self._stream_checked: OrderedDict[str, None] = OrderedDict()  # conversations whose stored stream was looked at
        self._commands: dict[str, Callable[[InboundMessage, str], Awaitable[None]]] = {
            "start": self._start,
            "help": self._start,
            "human": self._human,
            "helpful": self._feedback,
            "not_helpful": self._feedback,
            "choose": self._choose,  # one of the articles a clarification offered (value "<message id>:<index>")
            "none": self._human,  # "none of these": a person
        }
        conversations.on_every_message(self._deliver)

    def register(self, channel: Channel, *, tenant: str | None = None) -> None:
        """A channel for one tenant (e.g. that tenant's Telegram bot), or for all when tenant is None."""
        self._channels.register(channel, tenant=tenant)

    def _channel(self, ref: ConversationRef) -> Channel | None:
        return self._channels.get(ref.channel, ref.tenant)

    async def knows(self, ref: ConversationRef) -> bool:
        """Is there a conversation for `ref` already (a Slack thread the bot answers in)?"""
        conversation_id = conversation_id_for(ref)
        if conversation_id in self._refs:
            return True
        return await asyncio.to_thread(self._conversations.get, conversation_id) is not None

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
        text = inbound.text.strip()
        if inbound.attachments and not text:
            await self._attachments(inbound, conversation_id)
            return
        if not text:
            return
        limit = self._conversations.max_chars
        if len(text) > limit:
            lang = telling_language(text) or await self._language(conversation_id)
            await self._say(inbound, conversation_id, texts.text("too_long", lang, length=len(text), limit=limit))
            return
        if await self._submit(conversation_id, text, inbound.platform_id) and inbound.attachments:
            await self._keep_files(inbound, conversation_id)

    async def _attachments(self, inbound: InboundMessage, conversation_id: str) -> None:
        """Files without words: kept for staff (a handoff lists them); the customer hears what the bot can read."""
        handoff = self._conversations.handoff
        with_people = handoff is not None and await asyncio.to_thread(handoff.with_people, conversation_id)
        if with_people:
            # people own the conversation: they hear about the file (through the inbox: stored, relayed once), the bot says nothing
            kinds = ", ".join(sorted({a.kind for a in inbound.attachments}))
            fresh = await self._submit(conversation_id, f"[sent {kinds}]", inbound.platform_id)
        else:
            note = await self._text(inbound, conversation_id, "attachment_note")
            fresh = await self._say(inbound, conversation_id, note, buttons=("human",))
        if fresh:
            await self._keep_files(inbound, conversation_id, with_people=with_people)

    async def _keep_files(self, inbound: InboundMessage, conversation_id: str, *, with_people: bool | None = None) -> None:
        """A customer's files: recorded (a handoff's card lists them) and, while people own the
        conversation, shared in the staff thread at once, captioned or not."""
        handoff = self._conversations.handoff
        if with_people is None:
            with_people = handoff is not None and await asyncio.to_thread(handoff.with_people, conversation_id)
        await self._record_files(inbound, conversation_id)
        if with_people and handoff is not None:  # into the staff thread, in a task: downloads and uploads take a while
            task = asyncio.create_task(handoff.share_files(conversation_id, inbound.attachments))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _record_files(self, inbound: InboundMessage, conversation_id: str) -> None:
        """In the audit trail: a handoff's card lists them (handoff/service.py `escalate`)."""
        kinds = sorted({a.kind for a in inbound.attachments})
        files = [a.to_json() for a in inbound.attachments]
        await asyncio.to_thread(self._audit, tenant=inbound.ref.tenant, conversation_id=conversation_id, kind="attachment", kinds=kinds, files=files)

    async def fetch_file(self, *, channel: str, tenant: str, attachment: Attachment) -> FileContent:
        """A customer's file from the channel it came on, e.g. for the staff thread. `InputError` when
        that channel can't hand files out (or not this one)."""
        fetch = getattr(self._channels.get(channel, tenant), "fetch_file", None)
        if fetch is None:
            raise InputError(f"files sent on {channel} can't be fetched")
        content: FileContent = await fetch(attachment)
        return content

    async def _submit(self, conversation_id: str, text: str, client_id: str | None) -> bool:
        """Into the durable inbox. False when the platform delivered this message before (answered once)."""
        self._stream_tokens(conversation_id)  # before answering starts
        submitted, task = await self._conversations.accept(conversation_id=conversation_id, text=text, client_id=client_id)
        if submitted.duplicate:
            logger.info("duplicate delivery %s ignored", client_id)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return not submitted.duplicate

    async def _say(self, inbound: InboundMessage, conversation_id: str, text: str, *, buttons: tuple[str, ...] = ()) -> bool:
        """The bot's answer to a command, file or button: stored under the inbound's platform id (so a
        repeated delivery is answered once) and sent like any reply. False for a repeat."""
        message = await self._conversations.post_message(
            conversation_id, role=Role.SYSTEM, text=text, client_id=inbound.platform_id, buttons=buttons,
        )
        if message is None:
            logger.info("duplicate delivery %s ignored", inbound.platform_id)
            return False
        return True

    def _stream_tokens(self, conversation_id: str) -> None:
        """Channels that can show an answer as it is generated (Telegram edits) get the model's tokens."""
        ref = self._refs.get(conversation_id)
        channel = self._channel(ref) if ref is not None else None
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

    async def drain(self) -> None:
        """Wait for accepted messages to be answered (tests, shutdown). Sends retried after a platform
        failure are not waited for: they stay queued in the store and are sent again at start."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _language(self, conversation_id: str) -> str:
        return await asyncio.to_thread(self._conversations.language, conversation_id)

    async def _text(self, inbound: InboundMessage, conversation_id: str, key: str) -> str:
        """One of the bot's own texts in the conversation's language, with the channel's way to ask for a person."""
        lang = await self._language(conversation_id)
        return texts.text(key, lang, ask=texts.ask_for_a_person(inbound.ref.channel, lang))

    async def _start(self, inbound: InboundMessage, conversation_id: str) -> None:
        await self._say(inbound, conversation_id, await self._text(inbound, conversation_id, "greeting"))

    async def _human(self, inbound: InboundMessage, conversation_id: str) -> None:
        await self._submit(conversation_id, inbound.text.strip() or HUMAN_REQUEST, inbound.platform_id)

    async def _choose(self, inbound: InboundMessage, conversation_id: str) -> None:
        """A clarification's button: the customer says the article's title, as they could have typed it
        (bot/engine/messages.py `MessageStore.choice` matches it to the options that message offered)."""
        message_id, _, index = (inbound.payload or "").partition(":")
        if not (message_id.isdigit() and index.isdigit()):
            return
        message = await asyncio.to_thread(self._conversations.stored_message, conversation_id, int(message_id))
        options = (message.options if message is not None else None) or ()
        if int(index) < len(options):
            await self._submit(conversation_id, options[int(index)].title, inbound.platform_id)

    async def _feedback(self, inbound: InboundMessage, conversation_id: str) -> None:
        helpful = inbound.command == "helpful"
        if not await self._say(inbound, conversation_id, await self._text(inbound, conversation_id, "feedback_thanks" if helpful else "feedback_sorry")):
            return  # the same press delivered again counts once
        await asyncio.to_thread(
            self._audit, tenant=inbound.ref.tenant, conversation_id=conversation_id, kind="feedback", helpful=helpful, message_id=inbound.payload
        )
        if self._conversations.handoff is not None:
            await self._conversations.handoff.feedback(conversation_id, helpful=helpful)

    # outbound ------------------------------------------------------------------------------
    async def _deliver(self, event: OutboundMessage) -> None:
        """A reply (or staff message) stored for a conversation: send it on that conversation's channel."""
        conversation_id = event.conversation_id
        ref = self._refs.get(conversation_id)
        if ref is None:
            party = await self._conversations.find(conversation_id)  # in memory once seen
            if party is None or not self._channels.pushes(party.channel, party.tenant):
                return  # the widget reads replies over its own socket
            ref = await asyncio.to_thread(self._ref_from_store, conversation_id)
        if ref is None or self._channel(ref) is None:
            return
        message = event.shown
        if message.role is Role.BOT and conversation_id in self._token_feeds:
            self._token_feeds.pop(conversation_id)()  # the answer is complete
        citations = tuple(Link(title=c.title, url=c.url) for c in message.citations or ())
        actions = message.buttons or (FEEDBACK_ACTIONS if message.outcome is Outcome.ANSWER else ())
        # the buttons (and a channel's own labels, e.g. Slack's "Sources") speak the language of the message they are under
        lang = telling_language(message.text) or self._conversations.tenant_language(ref.tenant)
        message_ref = str(message.id or "")
        buttons = tuple(Button(texts.text(f"button_{a}", lang), a, message_ref) for a in FEEDBACK_ACTIONS if a in actions)
        if message.outcome is Outcome.CLARIFY:  # an article each, then "none of these" (a person)
            buttons = tuple(Button(o.title, "choose", f"{message_ref}:{n}") for n, o in enumerate(message.options or ()))
            buttons += (Button(texts.text("button_none", lang), "none", message_ref),)
        streamed = await self._streamed(conversation_id, ref)
        resume = getattr(self._channel(ref), "resume_stream", None)
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
        if getattr(self._channel(ref), "resume_stream", None) is None:
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
