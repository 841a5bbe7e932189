"""Who hears of a conversation's messages: widget sockets of this process (`subscribe`), channel senders
(`on_every_message`), and the other processes' sockets (`Forward` for stored messages, `ForwardLive` for
the live events of an answer being written: typing, streamed tokens, a retract; bot/engine/relay.py).

A message reaches listeners with the customer's own values put back (bot/engine/personal_data.py);
`redacted` keeps the stored copy for listeners that must not see them (staff relays). A message for a
platform channel that pushes (`ChannelRegistry.pushes`) is stored `delivery="queued"` until its sender marks it sent,
so a crash or an outage resends it (`_resend`, from ConversationService.recover).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.core.messages import ConversationEvent, LiveEvent, LiveKind, Message, OutboundMessage, Posted
from bot.engine.channel_registry import ChannelRegistry
from bot.engine.messages import MessageStore
from bot.engine.personal_data import ConversationPrivacy
from policies.placeholders import PLACEHOLDER_RE

logger = logging.getLogger("bot.engine.conversations")  # the name these lines were always logged under

Listener = Callable[[ConversationEvent], Awaitable[None]]  # widget sockets of a conversation
Sender = Callable[[OutboundMessage], Awaitable[None]]  # channel senders: every conversation's messages
Forward = Callable[[str, int], Awaitable[None]]  # (conversation id, stored message id) to the other processes
ForwardLive = Callable[[str, LiveEvent], None]  # (conversation id, a live event with redacted text): never waits
SOCKET_CHANNEL = "widget"  # the one channel whose customers hold sockets (bot/app/api.py `stream`)


class WrittenRelay(Protocol):
    """The relay's part in the replies' write (bot/engine/relay.py `PostgresRelay`): the write sends a
    stored reply's notification itself, after what the relay was sent before."""

    def stored_prefix(self, conversation_id: str) -> str: ...

    def live_payload(self, conversation_id: str, event: LiveEvent) -> str: ...

    async def written(self) -> None: ...

    async def watch(self, conversation_id: str) -> None: ...

    def unwatch(self, conversation_id: str) -> None: ...


class ConversationDelivery:
    """The delivery half of bot/engine/conversations.py `ConversationService`, which inherits it."""

    def __init__(
        self, *, messages: MessageStore, privacy: ConversationPrivacy, forward: Forward | None, channels: ChannelRegistry,
        forward_live: ForwardLive | None = None, relay: WrittenRelay | None = None,
    ) -> None:
        self._messages = messages
        self._privacy = privacy
        # messages and live events for widget sockets held by other processes (bot/engine/relay.py); None: one process
        self._forward = forward
        self._forward_live = forward_live
        # PostgreSQL, several processes: the bot's replies are announced by the statement storing them (one
        # statement a message fewer than through `forward`); None: through `forward`
        self._written_relay = relay
        self._listeners: dict[str, set[Listener]] = defaultdict(set)
        self._global_listeners: list[Sender] = []
        # the platform channels (shared with bot/engine/dispatch.py): messages a sender pushes to a platform
        # are stored `delivery="queued"` until it marks them sent
        self._channels = channels

    # listeners -----------------------------------------------------------------------------
    def subscribe(self, conversation_id: str, listener: Listener) -> Callable[[], None]:
        self._listeners[conversation_id].add(listener)
        return lambda: self._listeners[conversation_id].discard(listener)

    async def follow(self, conversation_id: str, listener: Listener) -> Callable[[], None]:
        """`subscribe` for a socket: with several processes, the others' messages and live events on the
        conversation reach this one from the time this returns (bot/engine/relay.py `watch`) until the
        returned call ends it."""
        unsubscribe = self.subscribe(conversation_id, listener)
        relay = self._written_relay
        if relay is None:
            return unsubscribe
        try:
            await relay.watch(conversation_id)
        except BaseException:
            unsubscribe()
            relay.unwatch(conversation_id)
            raise

        def unfollow() -> None:
            unsubscribe()
            relay.unwatch(conversation_id)

        return unfollow

    def on_every_message(self, listener: Sender) -> None:
        """For channels and handoff relays that deliver messages to other places."""
        self._global_listeners.append(listener)

    def listened(self, conversation_id: str) -> bool:
        """Does a socket of this process follow the conversation?"""
        return bool(self._listeners.get(conversation_id))

    async def deliver_forwarded(self, conversation_id: str, message_id: int) -> None:
        """A message another process stored, for this process's sockets on the conversation (bot/engine/relay.py)."""
        if not self.listened(conversation_id):
            return
        message = await asyncio.to_thread(self._messages.message, conversation_id, message_id)
        if message is not None:
            shown = await self._privacy.for_customer_async(conversation_id, message)
            await self.publish(conversation_id, Posted(shown))

    def known_channel(self, conversation_id: str) -> str | None:
        """The conversation's channel when known without a read (bot/engine/conversation_records.py
        keeps the parties it has seen); None: not known."""
        return None

    def _sockets_possible(self, channel: str | None) -> bool:
        """Only the widget's conversations have sockets (its stream takes the widget's conversation
        token): a Telegram or Slack conversation's messages need not cross to the other processes,
        whose listeners would parse each one for nothing."""
        return channel in (None, SOCKET_CHANNEL)

    def share_live(self, conversation_id: str, event: LiveEvent) -> None:
        """A live event (redacted text only) for the other processes' sockets on the conversation."""
        if self._forward_live is not None and self._sockets_possible(self.known_channel(conversation_id)):
            self._forward_live(conversation_id, event)

    async def relay_with_write(self, conversation_id: str, channel: str | None) -> str | None:
        """The notification a reply's write sends the other processes' sockets (`NewReply.relay`), once
        what was sent before it is written; None: none to send (one process, or no sockets possible)."""
        if self._written_relay is None or self._forward is None or not self._sockets_possible(channel):
            return None
        await self._written_relay.written()
        return self._written_relay.stored_prefix(conversation_id)

    async def typing_with_write(self, conversation_id: str) -> str | None:
        """The "typing" notification a customer message's write sends the other processes' sockets
        (`Claim.told`), once what was sent before it is written; None: none to send."""
        if self._written_relay is None or self._forward_live is None or not self._sockets_possible(self.known_channel(conversation_id)):
            return None
        await self._written_relay.written()
        return self._written_relay.live_payload(conversation_id, LiveEvent(LiveKind.TYPING))

    async def typing(self, conversation_id: str, *, shared: bool = False) -> None:
        """The bot is writing: for the sockets of every process. `shared`: the message's write told the
        other processes already (`typing_with_write`)."""
        await self.publish(conversation_id, LiveEvent(LiveKind.TYPING))
        if not shared:
            self.share_live(conversation_id, LiveEvent(LiveKind.TYPING))

    async def deliver_live(self, conversation_id: str, event: LiveEvent) -> None:
        """Another process's live event, for this process's sockets: tokens with the customer's own values put back."""
        if not self.listened(conversation_id):
            return
        if event.kind is LiveKind.TOKEN and PLACEHOLDER_RE.search(event.text):
            event = LiveEvent.token(await asyncio.to_thread(self._privacy.restore, conversation_id, event.text))
        await self.publish(conversation_id, event)

    async def publish(self, conversation_id: str, event: ConversationEvent) -> None:
        for listener in list(self._listeners.get(conversation_id, ())):
            try:
                await listener(event)
            except Exception:  # a dead socket must not stop the others
                logger.warning("a listener of conversation %s failed", conversation_id)

    async def _channel(self, conversation_id: str) -> str | None:
        """The conversation's channel (bot/engine/conversation_records.py: from memory once seen); None here."""
        return None

    def _delivery(self, party: Any) -> str | None:
        return "queued" if party is not None and self._channels.pushes(party.channel, party.tenant) else None

    def mark_sent(self, message_id: int) -> None:
        """A platform channel sent this message: `recover` won't send it again."""
        self._messages.mark_sent(message_id)

    async def _deliver(self, conversation_id: str, message: Message, *, relayed: bool = False) -> None:
        """Widget sockets and channel senders reach the customer: they get the restored text;
        `redacted` keeps the stored copy for listeners that must not see it (staff relays). `relayed`:
        its write told the other processes already (`relay_with_write`)."""
        shown = await self._privacy.for_customer_async(conversation_id, message)
        await self.publish(conversation_id, Posted(shown))
        if not relayed and self._forward is not None and self._sockets_possible(await self._channel(conversation_id)):
            await self._forward(conversation_id, message.id)
        for listener in self._global_listeners:
            await listener(OutboundMessage(conversation_id, shown=shown, redacted=message))

    async def _resend(self, conversation_id: str, messages: list[Message]) -> None:
        """What a crash (or a platform outage) left unsent, to the channel senders; widget sockets read the store."""
        for message in messages:
            try:
                shown = await self._privacy.for_customer_async(conversation_id, message)
                for listener in self._global_listeners:
                    await listener(OutboundMessage(conversation_id, shown=shown, redacted=message))
            except Exception:
                logger.exception("could not resend message %s", message.id)
