"""Durable conversations: store every inbound message before work starts, answer in order.

An inbound message is redacted (its originals go to the conversation's encrypted vault) and written
(status `pending`, deduplicated by its client or platform id) before it is processed, so the stored
copy never holds personal data; the customer's own values are put back only in what is sent to that
customer (bot/engine/personal_data.py). The reply is written and the inbound marked `done` in one transaction
(bot/engine/messages.py holds the message table's reads and writes). Messages are processed one at a time
per conversation (a FIFO lock each). At start, pending messages left by a
crash are answered, oldest first. Listeners (widget sockets, channel senders) get every new message
(bot/engine/delivery.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.core import texts
from bot.engine.assistant import AskResult, handoff_notice
from bot.core.batching import Batcher
from bot.engine.conversation_records import ConversationRecords
from bot.engine.channel_registry import ChannelRegistry
from bot.engine.delivery import ConversationDelivery, Forward, ForwardLive
from bot.core.language import ENGLISH, conversation_language
from bot.engine.inbound import InboundStore, Submitted, PendingInbound
from bot.engine.messages import Loaded, MessageStore, NewReply
from bot.engine.personal_data import ConversationPrivacy
from bot.core.errors import error_kind, safe_traceback
from bot.engine.pipeline import Citation, HandoffReason, Identity, Outcome
from bot.engine.rollout import RollbackWatch, RolloutBook, shadowed, staff_only
from bot.engine.services import Services
from bot.engine.streaming import CustomerStream
from bot.core.events import Answered, Clarified, HandedOver, MessageStored, Rated
from bot.core.handoff_states import HUMAN_OWNED, State
from bot.core.late import Late
from bot.core.messages import Message, Relayed, Role
from bot.engine.turns import ConversationTurns
from policies.pii_patterns import Entity
from policies.rollout import Route, route_for

logger = logging.getLogger(__name__)


class ConversationService(ConversationRecords, ConversationDelivery):
    def __init__(
        self, *, services: Services, processing_delay: float = 0.0, on_result: Callable[[AskResult, str], None] | None = None,
        turns: ConversationTurns | None = None, forward: Forward | None = None, forward_live: ForwardLive | None = None,
        handoff: Late[Any] | None = None, grader: Any = None, on_step_back: Callable[[str, str], Awaitable[None]] | None = None,
        channels: ChannelRegistry | None = None,
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

    def history(self, conversation_id: str, *, for_customer: bool = True) -> list[Message]:
        messages = self._messages.history(conversation_id)
        return [self._privacy.for_customer(conversation_id, m) for m in messages] if for_customer else messages

    def stored_message(self, conversation_id: str, message_id: int) -> Message | None:
        """One message of this conversation as stored (redacted); None when it is not this conversation's."""
        return self._messages.message(conversation_id, message_id)

    def language(self, conversation_id: str) -> str:
        """The customer's language, from their latest messages (bot/core/language.py), else the tenant's:
        for the bot's own texts."""
        party = self.party(conversation_id)
        default = self.tenant_language(party.tenant) if party is not None else ENGLISH
        return conversation_language(self._messages.said(conversation_id), default=default)

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

            async def acknowledge(submitted: Submitted) -> None:
                stored.set_result(submitted)
                if not submitted.duplicate:
                    self._originals[submitted.inbound_id] = text
                    party = await self.find(conversation_id)  # in memory since `_detect`
                    if party is not None:
                        await self._services.events.publish(MessageStored(
                            tenant=party.tenant, conversation_id=conversation_id, message_id=submitted.inbound_id, channel=party.channel))
                    await self.typing(conversation_id)

            if self._locks.shared and not lock.locked():
                # processes sharing a database always store first (the turn may be another process's, and a
                # message is acknowledged stored): the write, the lease's first try and the load in one hop (on
                # PostgreSQL the write and the lease one statement)
                submitted, loaded = await lock.enter_with(
                    lambda claim: self._store.store(conversation_id=conversation_id, text=text, client_id=client_id, entities=entities, claim=claim),
                    lambda submitted: self._messages.load(conversation_id, submitted.inbound_id, earlier=True),
                    meanwhile=acknowledge,
                )
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

    async def process(self, conversation_id: str, inbound_id: int) -> Message | Relayed:
        async with self._locks[conversation_id]:
            # answer in the order messages were stored, whichever request got the lock first
            loaded = await asyncio.to_thread(self._messages.load, conversation_id, inbound_id, earlier=True)
            return await self._answer_in_order(conversation_id, inbound_id, loaded)

    async def _answer_in_order(self, conversation_id: str, inbound_id: int, loaded: Loaded) -> Message | Relayed:
        """Messages stored before this one and still pending go first (for the lock's holder)."""
        for earlier in loaded.earlier:
            await self._process_one(conversation_id, earlier)
        return await self._process_one(conversation_id, inbound_id, loaded=None if loaded.earlier else loaded)

    async def _process_one(self, conversation_id: str, inbound_id: int, *, loaded: Loaded | None = None) -> Message | Relayed:
        if loaded is None:
            loaded = await asyncio.to_thread(self._messages.load, conversation_id, inbound_id)
        if loaded.reply is not None:
            return loaded.reply
        inbound, conversation = loaded.inbound, loaded.conversation
        assert inbound is not None and conversation is not None
        if self._delay:
            await asyncio.sleep(self._delay)
        # a pending message of a conversation the bot owns (nearly all): nothing for people to do
        if self.handoff is not None and (inbound.status == "done" or conversation.state != State.BOT):
            handled = await self._human_side(conversation, inbound)
            if handled is not None:
                return handled
        started = time.perf_counter()
        draft: str | None = None
        drafted: AskResult | None = None
        try:
            # groups proven at the start (signed claims) and those the tenants file gives the place it is in
            # (never anything the messages say)
            groups = tuple(g for g in (conversation.groups or "").split(",") if g) + self._services.settings.tenant(
                conversation.tenant
            ).channel_groups_for(conversation.channel, conversation.address)
            identity = Identity(tenant=conversation.tenant, user=conversation.user, groups=groups, channel=conversation.channel)
            counts = json.loads(inbound.payload).get("entities", {}) if inbound.payload else {}
            # streamed tokens show the customer's own values and can be taken back (bot/engine/streaming.py)
            on_token = CustomerStream(publish=lambda event: self.publish(conversation_id, event),
                                      restore=lambda text: asyncio.to_thread(self._privacy.restore, conversation_id, text),
                                      share=lambda event: self.share_live(conversation_id, event))

            offer, offer_read = loaded.offer, loaded.offer_read

            def context() -> tuple[list[dict[str, str]] | None, tuple[str, str] | None, Any]:
                """What the turn reads before answering, in one thread hop."""
                history = self._messages.recent(conversation_id, before=int(inbound.id)) if self._services.models else None
                # one of the articles a clarification offered (the offer is the stored reply: it survives restarts)
                choice = offer.choice(inbound.text) if offer is not None else None
                if not offer_read:
                    choice = self._messages.choice(conversation_id, inbound_id=int(inbound.id), text=inbound.text)
                return history, choice, self.rollout.current(conversation.tenant)

            cached = self.rollout.cached(conversation.tenant)
            if cached is not None and offer_read and not self._services.models:  # nothing to read: no hop
                history, choice, stage = None, offer.choice(inbound.text) if offer is not None else None, cached
            else:
                history, choice, stage = await asyncio.to_thread(context)
            question, chosen = choice if choice is not None else (inbound.text, None)
            typed = self._originals.pop(inbound_id, None)
            route = route_for(stage, tenant=conversation.tenant, customer=conversation.user or conversation_id, user=conversation.user,
                              groups=groups)
            notice = handoff_notice(HandoffReason.POLICY, question=inbound.text, default=self.tenant_language(conversation.tenant))
            if route is Route.STAFF:  # rollout off (the kill switch), or a customer not among beta or percent
                result = staff_only(inbound.text, notice=notice, stage=stage.stage.value)
            else:
                result = await self._services.assistant.ask(
                    question, identity=identity, conversation_id=conversation_id, redacted=counts, history=history,
                    on_token=on_token if route is Route.BOT else None,  # a shadow draft is for staff only
                    original=typed if choice is None else None,  # a choice asks the offer's question again, not the button's text
                    record=False,  # its audit events go in with the reply, in one transaction
                    chosen_source=chosen,
                )
                if route is Route.SHADOW:
                    drafted = result  # graded as an answer would be (the draft is the bot's answer)
                    result, draft = shadowed(result, notice=notice)
        except Exception as exc:  # around the pipeline (its stages have their own boundary): e.g. a tenant no longer configured
            result = self._failed(inbound.text, exc, tenant=conversation.tenant, where="conversation", started=started)
        # the stored text is the redacted one: safe to log
        logger.debug(
            "conversation %s: %r -> %s (%s, confidence %.2f, %.0f ms)", conversation_id, inbound.text, result.outcome.value,
            result.handoff_reason.value if result.handoff_reason else result.route, result.confidence, result.latency_ms,
        )
        payload = result.to_json()
        payload.pop("question", None)
        new_reply = NewReply(conversation_id, inbound_id, result.answer, payload, result.events, conversation.tenant, self._delivery(conversation))
        try:
            reply = await self._replies.submit(None, new_reply)
        except Exception as exc:
            # another process answered it meanwhile (it took the turn over while this one stalled past
            # its lease; the one-answer index refused ours): the first answer stands
            answered = await asyncio.to_thread(self._messages.load, conversation_id, inbound_id)
            if answered.reply is not None:
                logger.warning("message %d was answered by another process meanwhile; keeping that answer", inbound_id)
                return answered.reply
            # the reply could not be stored (a payload or event the database refuses): the apology alone
            # is, and the message is done; only a database that takes nothing at all leaves it pending
            # (then the next start answers it, which is what a database outage needs)
            result = self._failed(inbound.text, exc, tenant=conversation.tenant, where="reply", started=started)
            apology = dataclasses.replace(new_reply, text=result.answer, payload={"outcome": result.outcome.value, "handoff_reason": "error"}, events=())
            reply = (await asyncio.to_thread(self._messages.add_replies, [apology]))[0]
        if self._on_result is not None:  # counted once the turn's reply is stored, as it was answered
            self._on_result(result, conversation.channel)
        await self._published(result, tenant=conversation.tenant, conversation_id=conversation_id, message_id=reply.id)
        await self._deliver(conversation_id, reply)
        if self.grader is not None:  # schedules, never waits
            self.grader.after_reply(drafted if draft is not None and drafted is not None else result, reply=reply, conversation_id=conversation_id, tenant=conversation.tenant, user=conversation.user)
        if self.handoff is not None and result.handoff_reason is not None:
            try:
                await self.handoff.escalate(conversation_id, reason=result.handoff_reason, topic=result.details.get("topic"), draft=draft)
            except Exception as exc:  # the reply is out and the message done: logged, not raised to the channel
                logger.error("conversation %s could not be handed over: %s\n%s", conversation_id, error_kind(exc), safe_traceback(exc))
        self._watch(conversation.tenant)
        return reply

    async def _published(self, result: AskResult, *, tenant: str, conversation_id: str, message_id: int) -> None:
        """The turn's domain event, once its reply is stored and sent (bot/core/events.py)."""
        events = self._services.events
        if result.outcome is Outcome.ANSWER:
            await events.publish(Answered(tenant=tenant, conversation_id=conversation_id, message_id=message_id, route=result.route))
        elif result.outcome is Outcome.CLARIFY:
            await events.publish(Clarified(tenant=tenant, conversation_id=conversation_id, message_id=message_id))
        elif result.outcome is Outcome.HANDOFF:
            reason = result.handoff_reason.value if result.handoff_reason is not None else "unknown"
            await events.publish(HandedOver(tenant=tenant, conversation_id=conversation_id, reason=reason))

    def _watch(self, tenant: str) -> None:
        """In the background (never delaying the reply): step the tenant back to shadow if its rates say so."""
        task = asyncio.create_task(self._rollback.watch(tenant, on_step_back=self.on_step_back))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _failed(self, question: str, exc: Exception, *, tenant: str, where: str, started: float) -> AskResult:
        """The error boundary outside the stages: an apology and a person, logged without the message, counted."""
        logger.error("answering a message failed in %s with %s\n%s", where, error_kind(exc), safe_traceback(exc))
        reason = HandoffReason.ERROR
        return AskResult(
            question=question, outcome=Outcome.HANDOFF,
            answer=handoff_notice(reason, question=question, default=self.tenant_language(tenant)),
            confidence=0.0, citations=(), route="handoff", handoff_reason=reason, latency_ms=(time.perf_counter() - started) * 1000,
            details={"failed_stage": where, "stage_error": error_kind(exc)},
            events=(("outcome", {"outcome": "handoff", "route": "handoff", "handoff_reason": reason.value, "error": error_kind(exc)}),),
        )

    async def _human_side(self, conversation: Any, inbound: Any) -> Message | Relayed | None:
        """People own the conversation: relay, don't answer. Just resolved: the rating asked for."""
        state = State(conversation.state)
        inbound_id = int(inbound.id or 0)
        if inbound.status == "done":  # relayed (or rated) already: a repeated delivery reaches people once
            return Relayed(state)
        if state in HUMAN_OWNED:
            # queued for the staff thread (durably) before the message counts as handled: a crash in
            # between relays it once more rather than never
            await self.handoff.relay_customer(conversation.id, inbound.text)
            await asyncio.to_thread(self._messages.mark_done, inbound_id)
            return Relayed(state)
        if state is State.CLOSED:
            rating = await asyncio.to_thread(self.handoff.take_rating, conversation.id, inbound.text)
            if rating is not None:
                await asyncio.to_thread(self._messages.mark_done, inbound_id)
                await self._services.events.publish(Rated(tenant=conversation.tenant, conversation_id=conversation.id, rating=int(rating)))
                thanks = texts.text("rating_thanks", await asyncio.to_thread(self.language, conversation.id))
                posted = await self.post_message(conversation.id, role=Role.SYSTEM, text=thanks, reply_to=inbound_id)
                assert posted is not None  # no client id: never a duplicate
                return posted
            await asyncio.to_thread(self.handoff.reopen_for_bot, conversation.id)
        return None

    async def post_message(
        self, conversation_id: str, *, role: Role, text: str, author: str | None = None, client_id: str | None = None,
        redact: bool = False, buttons: Sequence[str] = (), rating_request: bool = False, reply_to: int | None = None,
        outcome: Outcome | None = None, citations: Sequence[Citation] = (),
    ) -> Message | None:
        """A message from staff or the system, stored (redacted when `redact`) and pushed to the customer;
        `buttons`: actions offered under it, `rating_request`: it asks for a rating; `outcome` and
        `citations`: an answer written elsewhere, shown as the bot's are. A repeated `client_id` (a
        platform retry) stores and sends nothing again: None."""

        def store() -> Message | None:
            if client_id and self._messages.by_client_id(conversation_id, client_id) is not None:
                return None
            stored_text = self._store.redact(conversation_id, text)[0] if redact else text
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
            return self._messages.add(
                conversation_id, role=Role(role).value, text=stored_text, client_id=client_id, reply_to=reply_to, payload=data,
                delivery=self._delivery(self.party(conversation_id)),
            )

        message = await asyncio.to_thread(store)
        if message is not None:
            await self._deliver(conversation_id, message)
        return message

    # recovery ------------------------------------------------------------------------------
    async def recover(self) -> int:
        """Send what a crash (or a platform outage) left unsent, then answer what it left unanswered:
        in order per conversation, conversations in parallel. Returns how many were answered."""
        unsent: dict[str, list[Message]] = defaultdict(list)
        for conversation_id, message in await asyncio.to_thread(self._messages.undelivered):
            unsent[conversation_id].append(message)
        by_conversation: dict[str, list[int]] = defaultdict(list)
        for conversation_id, inbound_id in await asyncio.to_thread(self._messages.pending):
            by_conversation[conversation_id].append(inbound_id)

        async def drain(conversation_id: str, ids: list[int]) -> None:
            if conversation_id in unsent:
                async with self._locks[conversation_id]:  # before any newer answer of this conversation
                    await self._resend(conversation_id, unsent[conversation_id])
            for inbound_id in ids:
                try:
                    await self.process(conversation_id, inbound_id)
                except Exception:
                    logger.exception("could not answer pending message %d", inbound_id)

        await asyncio.gather(*(drain(c, by_conversation.get(c, [])) for c in by_conversation.keys() | unsent.keys()))
        return sum(len(ids) for ids in by_conversation.values())
