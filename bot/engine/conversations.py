"""Durable conversations: store every inbound message before work starts, answer in order.

An inbound message is redacted (its originals go to the conversation's encrypted vault) and written
(status `pending`, deduplicated by its client or platform id) before it is processed, so the stored
copy never holds personal data; the customer's own values are put back only in what is sent to that
customer (bot/engine/personal_data.py). The reply is written and the inbound marked `done` in one transaction
(bot/engine/messages.py holds the message table's reads and writes). Messages are processed one at a time
per conversation (a FIFO lock each). At start, pending messages left by a
crash are answered, oldest first. Listeners (widget sockets, channel senders) get every new message
(bot/engine/delivery.py). Answering a stored message, and the recovery at start, are
bot/engine/conversation_answering.py's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.core.batching import Batcher
from bot.core.config import HANDOFF_MAX_CHARS
from bot.core.events import MessageStored
from bot.core.language import ENGLISH, conversation_language
from bot.core.late import Late
from bot.core.messages import Message, Relayed, Role
from bot.core.tables import event_rows
from bot.engine.assistant import AskResult
from bot.engine.channel_registry import ChannelRegistry
from bot.engine.conversation_answering import ConversationAnswering
from bot.engine.conversation_records import ConversationRecords
from bot.engine.delivery import ConversationDelivery, Forward, ForwardLive, WrittenRelay
from bot.engine.inbound import InboundStore, PendingInbound, Submitted
from bot.engine.leases import Claim
from bot.engine.message_store_records import Loaded, NewReply
from bot.engine.messages import MessageStore
from bot.engine.personal_data import ConversationPrivacy
from bot.engine.pipeline import Citation, Outcome
from bot.engine.rollout import RollbackWatch, RolloutBook
from bot.engine.services import Services
from bot.engine.turns import ConversationTurns
from policies.pii_patterns import Entity


class ConversationService(ConversationRecords, ConversationDelivery, ConversationAnswering):
    def __init__(
        self, *, services: Services, processing_delay: float = 0.0, on_result: Callable[[AskResult, str], None] | None = None,
        turns: ConversationTurns | None = None, forward: Forward | None = None, forward_live: ForwardLive | None = None,
        handoff: Late[Any] | None = None, grader: Any = None, on_step_back: Callable[[str, str], Awaitable[None]] | None = None,
        channels: ChannelRegistry | None = None, relay: WrittenRelay | None = None,
    ) -> None:
        super().__init__(services.engine)
        self._services = services
        self._on_result = on_result
        self._messages = MessageStore(services.engine)
        # messages of concurrent conversations (a redaction batch's come out together) are stored in
        # one transaction and one thread hop; so are their replies (a search batch's answers)
        self._inbound: Batcher[None, PendingInbound, Loaded | Submitted] = Batcher(lambda _, items: self._store.store_and_load_many(items), max_batch=64)
        self._replies: Batcher[None, NewReply, Message] = Batcher(lambda _, replies: self._messages.add_replies_apart(replies), max_batch=64)
        self._privacy = ConversationPrivacy(services)
        self._store = InboundStore(messages=self._messages, privacy=self._privacy, tenant_of=self._tenant_of)
        # `channels`: the dispatcher's (the composition root passes the same registry to both); none: no
        # platform channel, every reply is read from the store (the widget, the CLI, tests)
        self.channels = channels or ChannelRegistry()
        ConversationDelivery.__init__(
            self, messages=self._messages, privacy=self._privacy, forward=forward, channels=self.channels, forward_live=forward_live,
            relay=relay,
        )
        # one message at a time per conversation: in this process, and across processes when they share
        # PostgreSQL (bot/engine/turns.py: the conversation's lease)
        self._locks = turns or ConversationTurns()
        self._delay = processing_delay  # test hook: widens the crash window on purpose
        self._tasks: set[asyncio.Task[Any]] = set()
        # inbound id -> the message as the customer typed it, while this process answers it: only the
        # search embeds it (bot/engine/stages.py EmbedStage), never stored, logged or sent; after a restart
        # the stored, redacted text is all there is
        self._originals: dict[int, str] = {}
        # the handoff service (handoff.service.HandoffService), which needs this service too: the
        # composition root fills the slot once both exist; empty when handoff is off
        self._handoff: Late[Any] = handoff or Late("the handoff service")
        # each tenant's rollout stage, read from the database every half second at most (bot/engine/rollout.py)
        self.rollout = RolloutBook(engine=services.engine, settings=services.settings)
        self._rollback = RollbackWatch(engine=services.engine, book=self.rollout, settings=services.settings,
                                       every=services.settings.rollback_check_seconds)
        # told when a tenant was stepped back to shadow (the composition root tells staff)
        self.on_step_back = on_step_back
        # grades a sample of answers in the background (bot/engine/online_grading.py); None: no grading
        self.grader = grader

    @property
    def handoff(self) -> Any:
        """The handoff service, or None when handoff is off (or not connected yet)."""
        return self._handoff.get()

    # conversations -------------------------------------------------------------------------
    @property
    def max_chars(self) -> int:
        return self._services.settings.max_question_chars

    def max_chars_for(self, *, with_people: bool) -> int:
        """The longest customer message taken: the operator's limit while the bot answers; while people own
        the conversation at least `HANDOFF_MAX_CHARS`, since a person reads it, not a search or a model."""
        return max(self.max_chars, HANDOFF_MAX_CHARS) if with_people else self.max_chars

    def history(self, conversation_id: str, *, for_customer: bool = True) -> list[Message]:
        messages = self._messages.history(conversation_id)
        return [self._privacy.for_customer(conversation_id, m) for m in messages] if for_customer else messages

    def stored_message(self, conversation_id: str, message_id: int) -> Message | None:
        """One message of this conversation as stored (redacted); None when it is not this conversation's."""
        return self._messages.message(conversation_id, message_id)

    def language(self, conversation_id: str, *, said: Sequence[str] | None = None) -> str:
        """The customer's language, from their latest messages (bot/core/language.py), else the tenant's:
        for the bot's own texts. `said`: those messages (redacted, as stored; newest first) when the caller
        has just read them, as an escalation has: not read again."""
        party = self.party(conversation_id)
        default = self.tenant_language(party.tenant) if party is not None else ENGLISH
        return conversation_language(self._messages.said(conversation_id) if said is None else said, default=default)

    def tenant_language(self, tenant: str) -> str:
        """The tenant's language for the bot's own texts (English for a tenant no longer configured)."""
        config = self._services.settings.tenants.get(tenant)
        return config.language if config is not None else ENGLISH

    def restore(self, conversation_id: str, text: str) -> str:
        """For a customer's eyes only (staff replies relayed to them)."""
        return self._privacy.restore(conversation_id, text)

    def _tenant_of(self, conversation_id: str) -> str | None:
        party = self.party(conversation_id)
        return party.tenant if party else None

    async def _detect(self, conversation_id: str, text: str) -> list[Entity] | None:
        party = await self.find(conversation_id)
        return await self._privacy.detect(party.tenant if party else None, text)

    # inbound (stored by bot/engine/inbound.py) ---------------------------------------------------
    def store_inbound(self, *, conversation_id: str, text: str, client_id: str | None, entities: list[Entity] | None = None) -> Submitted:
        """Durably accept a customer message; a repeated client id returns the first one."""
        return self._store.store(conversation_id=conversation_id, text=text, client_id=client_id, entities=entities)

    async def accept(self, *, conversation_id: str, text: str, client_id: str | None) -> tuple[Submitted, asyncio.Task[Message | Relayed]]:
        """Store a customer message durably and start answering it in order. Returns once it is
        stored, with the task that answers it (a duplicate's task gives the first reply)."""
        stored: asyncio.Future[Submitted] = asyncio.get_running_loop().create_future()
        # a task of its own: a client that hangs up must not cancel the work (the reply is stored for it)
        task = asyncio.create_task(self._store_then_process(conversation_id, text, client_id, stored))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(stored), task

    async def _store_then_process(self, conversation_id: str, text: str, client_id: str | None, stored: asyncio.Future[Submitted]) -> Message | Relayed:
        try:
            entities = await self._detect(conversation_id, text)
            lock = self._locks[conversation_id]

            claims: list[Claim] = []  # the turn's lease, taken with the write: it sent the "typing" notification too

            async def acknowledge(submitted: Submitted) -> None:
                stored.set_result(submitted)
                if not submitted.duplicate:
                    self._originals[submitted.inbound_id] = text
                    party = await self.find(conversation_id)  # in memory since `_detect`
                    if party is not None:
                        await self._services.events.publish(MessageStored(
                            tenant=party.tenant, conversation_id=conversation_id, message_id=submitted.inbound_id, channel=party.channel))
                    await self.typing(conversation_id, shared=bool(claims) and claims[0].taken is not None and claims[0].told is not None)

            if self._locks.shared and not lock.locked():
                # processes sharing a database always store first (the turn may be another process's, and a
                # message is acknowledged stored): the write, the lease's first try and the load in one hop (on
                # PostgreSQL the write and the lease one statement)
                told = await self.typing_with_write(conversation_id)

                def store(claim: Claim | None) -> Submitted:
                    if claim is not None:
                        claim.told = told
                        claims.append(claim)
                    return self._store.store(conversation_id=conversation_id, text=text, client_id=client_id, entities=entities, claim=claim)

                def load(submitted: Submitted) -> Loaded:
                    # on PostgreSQL the write that took the lease read it too (`MessageStore.add`): no statement more
                    found = claims[0].found if claims and not submitted.duplicate else None
                    return found if found is not None else self._messages.load(conversation_id, submitted.inbound_id, earlier=True)

                submitted, loaded = await lock.enter_with(store, load, meanwhile=acknowledge)
                try:
                    if loaded is None:
                        loaded = await asyncio.to_thread(self._messages.load, conversation_id, submitted.inbound_id, earlier=True)
                    return await self._answer_in_order(conversation_id, submitted.inbound_id, loaded)
                finally:
                    self._originals.pop(submitted.inbound_id, None)
                    await lock.__aexit__(None, None, None)
            # answering an earlier message: store now, take a turn after it
            if lock.locked() or self._locks.shared:
                submitted = await asyncio.to_thread(
                    self.store_inbound, conversation_id=conversation_id, text=text, client_id=client_id, entities=entities
                )
                await acknowledge(submitted)
                try:
                    return await self.process(conversation_id, submitted.inbound_id)
                finally:
                    self._originals.pop(submitted.inbound_id, None)
            async with lock:  # nobody is answering this conversation: store and load in one trip
                result = await self._inbound.submit(None, PendingInbound(conversation_id, text, client_id, entities))
                if isinstance(result, Submitted):  # a duplicate: its first reply, when it has one
                    stored.set_result(result)
                    return await self._process_one(conversation_id, result.inbound_id)
                inbound_id = int(result.inbound.id)
                stored.set_result(Submitted(inbound_id=inbound_id, duplicate=False))
                party = result.conversation
                await self._services.events.publish(MessageStored(
                    tenant=party.tenant, conversation_id=conversation_id, message_id=inbound_id, channel=party.channel))
                self._originals[inbound_id] = text
                try:
                    await self.typing(conversation_id)
                    return await self._answer_in_order(conversation_id, inbound_id, result)
                finally:
                    self._originals.pop(inbound_id, None)
        except BaseException as exc:
            if not stored.done():  # not stored: the caller hears why
                if isinstance(exc, asyncio.CancelledError):
                    stored.cancel()
                else:
                    stored.set_exception(exc)
            raise

    async def submit(self, *, conversation_id: str, text: str, client_id: str | None) -> tuple[Message | Relayed, bool]:
        """Store, then answer in order. Returns (the bot's reply message, or `Relayed` when people own the
        conversation; whether it was a duplicate)."""
        submitted, task = await self.accept(conversation_id=conversation_id, text=text, client_id=client_id)
        reply = await asyncio.shield(task)
        if isinstance(reply, Relayed):
            return reply, submitted.duplicate
        return await self._privacy.for_customer_async(conversation_id, reply), submitted.duplicate

    async def post_message(
        self, conversation_id: str, *, role: Role, text: str, author: str | None = None, client_id: str | None = None,
        redact: bool = False, buttons: Sequence[str] = (), rating_request: bool = False, reply_to: int | None = None,
        outcome: Outcome | None = None, citations: Sequence[Citation] = (), audit: tuple[str, dict[str, Any]] | None = None,
        ends_turn: bool = False,
    ) -> Message | None:
        """A message from staff or the system, stored (redacted when `redact`) and pushed to the customer;
        `buttons`: actions offered under it, `rating_request`: it asks for a rating; `outcome` and
        `citations`: an answer written elsewhere, shown as the bot's are. A repeated `client_id` (a
        platform retry) stores and sends nothing again: None. `audit`: an event (kind, data) about the
        message, written with it (one statement on PostgreSQL). `ends_turn`: the caller holds the conversation's
        turn and this is the turn's last write (an escalation's queue notice): with `audit`, on PostgreSQL, the
        write also releases the turn's lease when nothing after it is ordered with the next turn, as a reply's
        write does (bot/engine/conversation_answering.py)."""

        def store() -> Message | None:
            if client_id and self._messages.by_client_id(conversation_id, client_id) is not None:
                return None
            # a staff member's own name in their reply is theirs, not the customer's: kept
            stored_text = self._store.redact(conversation_id, text, author=author if Role(role) is Role.AGENT else None)[0] if redact else text
            # the stored payload, as it always was (bot/core/messages.py `Message.from_row` reads it)
            data: dict[str, Any] = {}
            if citations:
                data["citations"] = [c.to_json() for c in citations]
            if outcome is not None:
                data["outcome"] = outcome.value
            if buttons:
                data["buttons"] = list(buttons)
            if rating_request:
                data["rating_request"] = True
            if author:
                data["author"] = author
            party = self.party(conversation_id)
            event = None
            if audit is not None and party is not None:
                event = event_rows([audit], tenant=party.tenant, conversation_id=conversation_id)[0]
            return self._messages.add(
                conversation_id, role=Role(role).value, text=stored_text, client_id=client_id, reply_to=reply_to, payload=data,
                delivery=self._delivery(party), event=event, relay=relay, release=release if event is not None else None,
            )

        # a message written with its audit event tells the other processes' sockets in that write too (PostgreSQL)
        relayed = audit is not None and self._messages.relays_in_write
        relay = await self.relay_with_write(conversation_id, await self._channel(conversation_id)) if relayed else None
        # the turn's lease goes with its last write when nothing after it is ordered with the next turn: nothing to
        # send on a platform, no socket of this process to push it to (as `ConversationAnswering` decides for a reply)
        turn = self._locks[conversation_id] if ends_turn and audit is not None and self._messages.releases_in_write else None
        party = await self.find(conversation_id) if turn is not None else None
        release = (turn.release_with_write() if turn is not None and party is not None and self._delivery(party) is None
                   and not self.listened(conversation_id) else None)
        message = await asyncio.to_thread(store)
        if message is not None:
            if turn is not None and release is not None:
                turn.released()
            await self._deliver(conversation_id, message, relayed=relay is not None)
        return message
