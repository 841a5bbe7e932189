"""Channel messages into durable conversations, and replies back out through their channel.

A channel adapter hands a normalized `InboundMessage` to `Dispatcher.accept` and acks at once; the
message is stored (deduplicated by its platform id) before `accept` returns, and answered in a task,
in order per conversation. Each platform conversation (a Telegram chat, a Slack thread) maps to one
conversation id. Commands, files and buttons are handled here, one table for all channels; their
replies are stored under the inbound's platform id too, so a repeated delivery is answered once.

Replies go out through `bot/engine/channel_replies.py` (`ChannelReplies`, which the dispatcher holds) and
`bot/engine/outbox.py`: in order per conversation, exactly once, retried through
platform outages.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tenacity.wait import wait_base

from bot.core import texts
from bot.core.channel import (
    Attachment,
    Channel,
    ConversationRef,
    FileContent,
    InboundMessage,
)
from bot.core.errors import InputError
from bot.core.language import telling_language
from bot.core.messages import Role
from bot.engine.channel_replies import RATINGS, ChannelReplies
from bot.engine.conversations import ConversationService
from bot.engine.outbox import RETRY_WAIT

logger = logging.getLogger(__name__)

# what a customer who sends /human alone (or presses the button) says: English, as the request
# detector's examples are (policies/intent.py)
HUMAN_REQUEST = "I want to talk to a person"


def conversation_id_for(ref: ConversationRef) -> str:
    key = f"{ref.channel}\0{ref.tenant}\0{ref.address}\0{ref.thread or ''}"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"supportbot:{key}").hex


class Dispatcher:
    def __init__(self, *, conversations: ConversationService, audit: Callable[..., None], retry_wait: wait_base = RETRY_WAIT) -> None:
        """Sends through the conversation service's channel registry (`conversations.channels`), which the
        composition root gave it at construction: what registers here is what it treats as pushed."""
        self._conversations = conversations
        self._audit = audit
        self._channels = conversations.channels
        self._refs: dict[str, ConversationRef] = {}  # shared with the replies: which platform conversation each one is
        self._replies = ChannelReplies(conversations=conversations, refs=self._refs, retry_wait=retry_wait)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._commands: dict[str, Callable[[InboundMessage, str], Awaitable[None]]] = {
            "start": self._start,
            "help": self._start,
            "human": self._human,
            "helpful": self._feedback,
            "not_helpful": self._feedback,
            "choose": self._choose,  # one of the articles a clarification offered (value "<message id>:<index>")
            "none": self._human,  # "none of these": a person
            "rate": self._rate,  # a rating button under "how did we do?" (value "1".."5")
        }
        conversations.on_every_message(self._replies.deliver)

    def register(self, channel: Channel, *, tenant: str | None = None) -> None:
        """A channel for one tenant (e.g. that tenant's Telegram bot), or for all when tenant is None."""
        self._channels.register(channel, tenant=tenant)

    async def knows(self, ref: ConversationRef) -> bool:
        """Is there a conversation for `ref` already (a Slack thread the bot answers in)?"""
        conversation_id = conversation_id_for(ref)
        if conversation_id in self._refs:
            return True
        return await asyncio.to_thread(self._conversations.get, conversation_id) is not None

    async def thread_with_people(self, ref: ConversationRef) -> str | None:
        """The thread of the conversation at `ref`'s address that people own, if any: a Slack customer
        who writes in the DM itself while waiting for a person (not in the thread the bot answered in)
        is still talking to that person, not starting a second handoff."""
        held = await asyncio.to_thread(self._conversations.held_by_people, tenant=ref.tenant, channel=ref.channel, address=ref.address)
        return held.thread if held is not None else None

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
        if len(text) > self._conversations.max_chars:
            # while people own the conversation a person reads it (relayed whole, split for Slack's thread)
            handoff = self._conversations.handoff
            with_people = handoff is not None and await asyncio.to_thread(handoff.with_people, conversation_id)
            limit = self._conversations.max_chars_for(with_people=with_people)
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
        self._replies.stream_tokens(conversation_id)  # before answering starts
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

    async def _rate(self, inbound: InboundMessage, conversation_id: str) -> None:
        """A rating button: the customer says the number, as they could have typed it (the handoff
        takes a resolved conversation's next "1".."5" as its rating, handoff/customer_side.py)."""
        if (inbound.payload or "") in RATINGS:
            await self._submit(conversation_id, str(inbound.payload), inbound.platform_id)

    async def _feedback(self, inbound: InboundMessage, conversation_id: str) -> None:
        helpful = inbound.command == "helpful"
        if not await self._say(inbound, conversation_id, await self._text(inbound, conversation_id, "feedback_thanks" if helpful else "feedback_sorry")):
            return  # the same press delivered again counts once
        await asyncio.to_thread(
            self._audit, tenant=inbound.ref.tenant, conversation_id=conversation_id, kind="feedback", helpful=helpful, message_id=inbound.payload
        )
        if self._conversations.handoff is not None:
            await self._conversations.handoff.feedback(conversation_id, helpful=helpful)
