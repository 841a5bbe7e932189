"""Answering a stored customer message, in order: the bot's turn (who asks, the rollout's route, the
assistant, the reply stored with its events, published, delivered and graded, a handoff when the answer
calls for one) or the people's (relayed to staff, or the rating they asked for); and, at start, what a
crash left unsent or unanswered. Split from bot/engine/conversations.py: `ConversationService` inherits
`ConversationAnswering` and builds everything it reads (the attributes listed on the class).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.core import texts
from bot.core.batching import Batcher
from bot.core.errors import error_kind, safe_traceback
from bot.core.events import Answered, Clarified, HandedOver, Rated
from bot.core.handoff_states import HUMAN_OWNED, State
from bot.core.messages import Message, Relayed, Role
from bot.engine.assistant import AskResult, handoff_notice
from bot.engine.message_store_records import Loaded, NewReply, previous_question
from bot.engine.messages import MessageStore
from bot.engine.personal_data import ConversationPrivacy
from bot.engine.pipeline import HandoffReason, Identity, Outcome
from bot.engine.rollout import RollbackWatch, RolloutBook, shadowed, staff_only
from bot.engine.services import Services
from bot.engine.streaming import CustomerStream
from bot.engine.turns import ConversationTurns
from policies.follow_ups import follow_up
from policies.intent import (
    asks_for_a_person_in_another_language,
    names_a_person_to_reach,
)
from policies.rollout import Route, route_for

logger = logging.getLogger("bot.engine.conversations")  # the name these lines were always logged under
# how long the exchange before stays what a follow-up written as a new Slack DM message leans on (`recent_nearby`)
FOLLOW_UP_WINDOW = timedelta(minutes=30)


class ConversationAnswering:
    """The answering half of bot/engine/conversations.py `ConversationService`, which inherits it."""

    # built by ConversationService.__init__
    _services: Services
    _messages: MessageStore
    _privacy: ConversationPrivacy
    _replies: Batcher[None, NewReply, Message]
    _locks: ConversationTurns
    _delay: float
    _tasks: set[asyncio.Task[Any]]
    _originals: dict[int, str]
    _rollback: RollbackWatch
    _on_result: Callable[[AskResult, str], None] | None
    rollout: RolloutBook
    on_step_back: Callable[[str, str], Awaitable[None]] | None
    grader: Any

    async def process(self, conversation_id: str, inbound_id: int) -> Message | Relayed:
        async with self._locks[conversation_id]:
            # answer in the order messages were stored, whichever request got the lock first
            loaded = await asyncio.to_thread(self._messages.load, conversation_id, inbound_id, earlier=True)
            return await self._answer_in_order(conversation_id, inbound_id, loaded)

    async def _answer_in_order(self, conversation_id: str, inbound_id: int, loaded: Loaded) -> Message | Relayed:
        """Messages stored before this one and still pending go first (for the lock's holder)."""
        for earlier in loaded.earlier:
            await self._process_one(conversation_id, earlier)
        return await self._process_one(conversation_id, inbound_id, loaded=None if loaded.earlier else loaded, last=True)

    async def _process_one(self, conversation_id: str, inbound_id: int, *, loaded: Loaded | None = None, last: bool = False) -> Message | Relayed:
        """`last`: the turn ends with this message (its caller leaves the turn on return), so a reply with nothing
        after it under the turn may release the turn's lease in its own write (`Turn.release_with_write`)."""
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

            following = follow_up(inbound.text)  # "and as PDF?": the question before may be needed (policies/follow_ups.py)

            def context() -> tuple[list[dict[str, str]] | None, tuple[str, str] | None, Any, str | None]:
                """What the turn reads before answering, in one thread hop."""
                recent = self._messages.recent(conversation_id, before=int(inbound.id)) if self._services.models or following else None
                # one of the articles a clarification offered (the offer is the stored reply: it survives restarts)
                choice = offer.choice(inbound.text) if offer is not None else None
                if not offer_read:
                    choice = self._messages.choice(conversation_id, inbound_id=int(inbound.id), text=inbound.text)
                history = recent if self._services.models else None
                previous = previous_question(recent) if following else None
                if following and previous is None:  # a Slack DM's new thread: the exchange just before, in the DM's thread before
                    previous = previous_question(self._messages.recent_nearby(conversation_id, before=int(inbound.id), within=FOLLOW_UP_WINDOW))
                return history, choice, self.rollout.current(conversation.tenant), previous

            cached = self.rollout.cached(conversation.tenant)
            if cached is not None and offer_read and not self._services.models and not following:  # nothing to read: no hop
                history, choice, stage, previous = None, offer.choice(inbound.text) if offer is not None else None, cached, None
            else:
                history, choice, stage, previous = await asyncio.to_thread(context)
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
                    chosen_source=chosen, previous=previous,
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
        delivery = self._delivery(conversation)
        relay = await self.relay_with_write(conversation_id, conversation.channel)
        # the turn's lease goes with its last write when nothing the turn does after it is ordered with the
        # conversation's next turn: no escalation, nothing to send on a platform (a widget reads the store), no
        # socket of this process to push it to (the other processes' sockets hear of it from the write, in commit
        # order; a local push after the lease is free could follow the next turn's reply from another process)
        turn = self._locks[conversation_id] if last and self._messages.releases_in_write else None
        release = (turn.release_with_write() if turn is not None and result.handoff_reason is None and delivery is None
                   and not self.listened(conversation_id) else None)
        new_reply = NewReply(conversation_id, inbound_id, result.answer, payload, result.events, conversation.tenant, delivery,
                             relay=relay, release=release)
        try:
            reply = await self._replies.submit(None, new_reply)
            if turn is not None and release is not None:
                turn.released()
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
            apology = dataclasses.replace(new_reply, text=result.answer, payload={"outcome": result.outcome.value, "handoff_reason": "error"}, events=(),
                                          release=None)  # the turn's exit releases the lease
            reply = (await asyncio.to_thread(self._messages.add_replies, [apology]))[0]
        if self._on_result is not None:  # counted once the turn's reply is stored, as it was answered
            self._on_result(result, conversation.channel)
        await self._published(result, tenant=conversation.tenant, conversation_id=conversation_id, message_id=reply.id)
        await self._deliver(conversation_id, reply, relayed=new_reply.relay is not None and self._messages.relays_in_write)
        if self.grader is not None:  # schedules, never waits
            self.grader.after_reply(drafted if draft is not None and drafted is not None else result, reply=reply, conversation_id=conversation_id, tenant=conversation.tenant, user=conversation.user,
                                    mark_handoff=self.handoff is None)  # an escalation's write marks the grade itself
        if self.handoff is not None and result.handoff_reason is not None:
            try:
                # the escalation's last write releases the turn's lease when the turn ends with it
                await self.handoff.escalate(conversation_id, reason=result.handoff_reason, topic=result.details.get("topic"), draft=draft,
                                            ends_turn=last)
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
        if not self._rollback.due(tenant):  # checked a moment ago: no task, no thread hop
            return
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
            if state is State.WAITING and (names_a_person_to_reach(inbound.text) or asks_for_a_person_in_another_language(inbound.text)):
                # "can I talk to a person?" typed while in the queue got no reply at all: their place, or that they are in it
                await self.handoff.tell_queue_again(conversation.id, always=True)
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

