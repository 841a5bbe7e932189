"""The handoff service: escalate, queue, claim, relay, resolve, hand back. Every step persisted and audited.

It owns the conversation state (bot/core/handoff_states.py). While people own a conversation the bot never
answers: customer messages are relayed to the staff thread. The staff side is a `StaffDesk` (the
Slack staff channel, channels/slack_staff.py); when it is missing or down, handoffs stay queued and
are announced by `tick()` once it is back, and the customer is told a person will follow up anyway.
Every post to a staff thread (the transcript, relayed customer messages and files) goes through its
stored, ordered queue (`ThreadPosts`, handoff/thread_posts.py); a card that was posted is never posted again.
The card itself (announcing it, reminders, updates, the timers that retry) is handoff/cards.py's.
What staff do on a handoff from any desk (claim, reply, the draft, resolve, hand back) is handoff/staff_actions.py's;
what the customer's messages, files, rating and feedback do around a handoff is handoff/customer_side.py's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.core import texts
from bot.core.config import Settings
from bot.core.desk import StaffDesk
from bot.core.events import EventBus
from bot.core.handoff_policy import HandoffPolicy
from bot.core.handoff_states import HUMAN_OWNED, State
from bot.core.language import LATEST_SAID
from bot.core.late import Late
from bot.core.messages import Message, Role
from bot.core.packet import Packet, build_packet
from bot.core.records import HandoffReason
from bot.core.tables import AuditLog, Conversation, Handoff, utcnow
from handoff.cards import HandoffCards
from handoff.customer_side import HandoffCustomerSide
from handoff.escalation_reads import ATTACHMENT, OUTCOME, EscalationReads
from handoff.records import OPEN, HandoffRecords, packet_of
from handoff.staff_actions import HandoffStaffActions
from handoff.summary import HandoffSummarizer

# the errors a `StaffDesk` raises, importable from here too (channels/slack_staff.py does)
from handoff.thread_posts import StaffPostRefused as StaffPostRefused
from handoff.thread_posts import ThreadPosts
from handoff.wait_estimate import SCALE, Told, Wait, not_above

if TYPE_CHECKING:
    from bot.core.ports import Conversations as ConversationService
    from policies.topics import TopicDetector

logger = logging.getLogger(__name__)

QUEUE_TOLD = "queue_told"  # audit kind: a customer was told their place and wait (handoff, position, rank: None when no estimate)


class HandoffService(HandoffStaffActions, HandoffCustomerSide):
    def __init__(
        self, *, engine: Engine, settings: Settings, conversations: ConversationService, audit: AuditLog,
        topics: TopicDetector | None = None, now: Callable[[], datetime] = utcnow,
        observe: Callable[..., None] | None = None, summarizer: HandoffSummarizer | None = None, events: EventBus | None = None,
        desk: Late[StaffDesk] | None = None,
    ) -> None:
        """`observe(step, reason=..., waited_seconds=..., error=...)`: metrics hook (bot.app.metrics.Metrics.handoff)."""
        self._observe = observe or (lambda *a, **k: None)
        self._events = events or EventBus()  # staff-side domain events (bot/core/events.py)
        self._summarizer = summarizer  # writes the staff summary with a model the tenant allows (else built from the messages)
        self._records = HandoffRecords(engine, now=now)
        self._reads = EscalationReads(engine)  # an escalation's reads, one statement
        self._settings = settings
        self._conversations = conversations
        self._audit = audit
        self._topics = topics
        self._now = now
        # the Slack desk, whose buttons call this service: the composition root fills the slot once it
        # exists (bot/app/channel_setup.py); empty without Slack (the web console reads the queue itself)
        self._desk: Late[StaffDesk] = desk or Late("the staff desk")
        self._locks: dict[str, asyncio.Lock] = {}
        self._posts = ThreadPosts(
            records=self._records, desk=lambda: self.desk, conversations=conversations, audit=audit,
            policy=self.policy, now=now, observe=self._observe,
        )
        self._cards = HandoffCards(
            records=self._records, desk=lambda: self.desk, posts=self._posts, conversations=conversations, audit=audit,
            policy=self.policy, lock=self._lock, now=now,
        )

    @property
    def desk(self) -> StaffDesk | None:
        return self._desk.get()

    # state -----------------------------------------------------------------------------------
    def policy(self, tenant: str) -> HandoffPolicy:
        return self._settings.tenant(tenant).handoff

    def state(self, conversation_id: str) -> State:
        conversation = self._conversations.get(conversation_id)
        return State(conversation.state) if conversation is not None else State.BOT

    def with_people(self, conversation_id: str) -> bool:
        return self.state(conversation_id) in HUMAN_OWNED

    def _set_state(self, conversation_id: str, target: State, *, actor: str, **data: Any) -> None:
        changed = self._records.set_state(conversation_id, target)
        if changed is not None:
            before, tenant = changed
            self._audit.record(tenant=tenant, conversation_id=conversation_id, kind="state", before=before, after=target.value, actor=actor, **data)

    def current(self, conversation_id: str) -> Handoff | None:
        return self._records.current(conversation_id)

    def get(self, handoff_id: int) -> Handoff | None:
        return self._records.get(handoff_id)

    def queue_position(self, handoff: Handoff) -> tuple[int, Wait | None]:
        """(place in the tenant's queue, the wait to tell from recent claims, None when too few: handoff/wait_estimate.py)."""
        return self._records.queue_position(handoff)

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        return self._locks.setdefault(conversation_id, asyncio.Lock())

    # escalation --------------------------------------------------------------------------------
    async def escalate(
        self, conversation_id: str, *, reason: HandoffReason, topic: str | None = None, draft: str | None = None, ends_turn: bool = False,
    ) -> Handoff | None:
        """Hand the conversation to people (once: a conversation already with people stays as it is).
        `draft`: the bot's own answer, shown to staff as the card's draft (rollout stage shadow). `ends_turn`: the
        caller holds the conversation's turn and ends it with the escalation, whose last write (the queue notice)
        may then release the turn's lease with it (bot/engine/conversations.py `post_message`)."""
        async with self._lock(conversation_id):
            conversation, messages, files, found, detected = await asyncio.to_thread(
                self._what_staff_need, conversation_id, detect_topic=topic is None)
            if conversation is None or State(conversation.state) in HUMAN_OWNED:
                return None
            topic = topic if topic is not None else detected
            policy = self.policy(conversation.tenant)
            customer = {"channel": conversation.channel, "tenant": conversation.tenant}
            if policy.staff_sees_pii:
                customer["user"] = conversation.user
            topic_conf = policy.topic(topic)
            packet = build_packet(
                messages=messages, reason=reason, topic=topic, customer=customer, mention=topic_conf.mention if topic_conf else None,
                attachments=[{**f, "channel": conversation.channel} for f in files], draft_hint=draft, found=found,
            )
            if self._summarizer is not None:
                summary = await self._summarizer.summarize(
                    messages, tenant=conversation.tenant, user=conversation.user, conversation_id=conversation.id
                )
                if summary:
                    packet.summary = summary
            handoff, queue = await asyncio.to_thread(self._create, conversation, reason, topic, packet)
        await self._cards.announce(handoff)
        # the customer's latest messages, newest first, as `ConversationService.language` reads them: not read again
        said = [m.text for m in reversed(messages) if m.role is Role.CUSTOMER][:LATEST_SAID]
        await self._tell_queue(handoff, again=False, said=said, queue=queue, ends_turn=ends_turn)
        return handoff

    def _what_staff_need(
        self, conversation_id: str, *, detect_topic: bool,
    ) -> tuple[Conversation | None, list[Message], list[dict[str, Any]], list[dict[str, Any]], str | None]:
        """The conversation, its messages, the files the customer sent, the passages the bot found for
        the question it handed over (the audit's last outcome; its reply cites none) and, with
        `detect_topic`, the topic of the customer's last three messages, in one thread hop and one
        statement (handoff/escalation_reads.py; were three statements, and before that three hops and
        four statements; the messages and events are not used when people own the conversation already)."""
        read = self._reads.read(conversation_id)
        conversation, messages = read.conversation, read.messages
        if conversation is None or State(conversation.state) in HUMAN_OWNED:
            return conversation, [], [], [], None
        outcomes = read.events[OUTCOME]
        found = list(outcomes[-1].get("passages") or []) if outcomes and outcomes[-1].get("outcome") == "handoff" else []
        topic = None
        if detect_topic and self._topics is not None:
            said = [m.text for m in reversed(messages) if m.role is Role.CUSTOMER]
            if said:
                topic = self._topics.detect_text(" ".join(said[-3:]), tenant=conversation.tenant)
        return conversation, messages, [f for data in read.events[ATTACHMENT] for f in data.get("files", [])], found, topic

    def _create(self, conversation: Conversation, reason: HandoffReason, topic: str | None, packet: Packet) -> tuple[Handoff, tuple[int, Wait | None]]:
        topic_conf = self.policy(conversation.tenant).topic(topic)
        handoff = Handoff(
            conversation_id=conversation.id, tenant=conversation.tenant, reason=reason.value, topic=topic,
            staff_channel=(topic_conf.channel if topic_conf and topic_conf.channel else self._settings.handoff_channel),
            packet=json.dumps(packet.to_json()), created_at=self._now(),
        )
        # with the conversation's state, the audit events, the grade's mark and the queue as it stands
        handoff, queue = self._records.open(handoff, actor="bot")
        self._observe("escalated", reason=reason.value)
        return handoff, queue

    def packet(self, handoff: Handoff) -> Packet:
        return packet_of(handoff)

    def of_tenant(self, tenant: str) -> list[Handoff]:
        """A tenant's active handoffs, oldest first, then its latest closed ones: for desks that read the queue (the web console)."""
        return self._records.of_tenant(tenant)

    async def staff_view(self, handoff: Handoff) -> tuple[Packet, list[Message]]:
        """The card and the whole conversation as staff may see them: redacted, or with the customer's
        own values where the tenant's policy lets staff see personal data (as the Slack thread shows them)."""
        packet = await self._cards.staff_packet(handoff)
        messages = await asyncio.to_thread(self._conversations.history, handoff.conversation_id, for_customer=False)
        if self.policy(handoff.tenant).staff_sees_pii:
            restore = self._conversations.restore
            messages = [m.with_text(await asyncio.to_thread(restore, handoff.conversation_id, m.text)) for m in messages]
        return packet, messages

    async def redacted_history(self, handoff: Handoff) -> list[Message]:
        """The conversation as stored: placeholders for personal data, whatever the tenant lets staff see."""
        return await asyncio.to_thread(self._conversations.history, handoff.conversation_id, for_customer=False)

    async def tell_queue_again(self, conversation_id: str, *, always: bool = False) -> bool:
        """The customer asked for a person again while they wait (the widget's button): their place and
        wait now, when either changed since they were last told (False: nothing new, nothing said). The
        wait is never longer than told before while the place is no worse (wait_estimate.not_above).
        `always` (they wrote it: a message with no answer reads as ignored): "still in the queue" when nothing changed."""
        handoff = await asyncio.to_thread(self.current, conversation_id)
        if handoff is None or handoff.status not in OPEN:
            return False
        if await self._tell_queue(handoff, again=True):
            return True
        if always:
            await self._say(conversation_id, "queue_still")
            return True
        return False

    async def _tell_queue(
        self, handoff: Handoff, *, again: bool, said: list[str] | None = None, queue: tuple[int, Wait | None] | None = None,
        ends_turn: bool = False,
    ) -> bool:
        """`said`: the customer's latest messages, when the caller has them (`ConversationService.language`);
        `queue`: the place and wait, when the caller read them (an escalation's write returns them); `ends_turn`:
        the notice is the last write of the conversation's turn (`escalate`)."""
        policy = self.policy(handoff.tenant)
        now = self._now()
        closed = policy.hours is not None and not policy.hours.is_open(now)
        if closed and again:
            return False  # told when staff are back at the escalation; nothing has moved since

        def reads() -> tuple[str, Told | None]:
            """The customer's language and what to tell them, in one thread hop (None: out of hours, or
            nothing changed since they were last told); stored as told with the notice, below."""
            lang = self._conversations.language(handoff.conversation_id, said=said)
            if closed:
                return lang, None
            position, wait = queue if queue is not None else self.queue_position(handoff)
            before = self._told(handoff) if again else None  # the first notice: nothing told yet, nothing to read
            wait = not_above(wait, position=position, told=before)
            told = Told(position=position, rank=wait.rank if wait is not None else None)
            return lang, (None if told == before else told)

        lang, told = await asyncio.to_thread(reads)
        if told is None and not closed:
            return False
        if told is None:
            assert policy.hours is not None
            text = texts.offline_notice(policy.hours.next_open(now), lang)
        elif told.rank is None:
            text = texts.text("queue_position_no_estimate", lang, position=told.position)
        else:
            step = SCALE[told.rank][1]
            text = texts.text("queue_position", lang, position=told.position, wait=texts.wait_phrase(step.kind, step.minutes, lang))
        # the notice and its QUEUE_TOLD event in one write (they were two statements): what the customer was
        # told is what was stored as told, and a notice that could not be written is not stored as told
        audit = None if told is None else (QUEUE_TOLD, {"handoff": handoff.id, "position": told.position, "rank": told.rank})
        await self._conversations.post_message(handoff.conversation_id, role=Role.SYSTEM, text=text, audit=audit, ends_turn=ends_turn)
        return True

    def _told(self, handoff: Handoff) -> Told | None:
        """What the customer was last told about this handoff's place and wait (audited as QUEUE_TOLD)."""
        told = [d for d in self._audit.data_of(conversation_id=handoff.conversation_id, kind=QUEUE_TOLD) if d.get("handoff") == handoff.id]
        return Told(position=int(told[-1]["position"]), rank=told[-1].get("rank")) if told else None

    async def _say(self, conversation_id: str, key: str, *, rating_request: bool = False, **fields: str) -> None:
        """One of the bot's own texts (bot/core/texts.py) to the customer, in their language."""
        lang = await asyncio.to_thread(self._conversations.language, conversation_id)
        await self._conversations.post_message(
            conversation_id, role=Role.SYSTEM, text=texts.text(key, lang, **fields), rating_request=rating_request,
        )

    # timers (handoff/cards.py) ----------------------------------------------------------------------
    async def tick(self) -> None:
        """Finish the claims a dead process left half done, announce what the desk could not take before,
        post what waits for threads, remind staff of handoffs nobody claimed, and tell those handoffs'
        customers their place when it changed since they were told (they moved up as others were claimed;
        nothing said when it did not change)."""
        await self.finish_claims()
        for handoff in await self._cards.tick():
            await self._tell_queue(handoff, again=True)

    async def run_timers(self, every: timedelta = timedelta(seconds=30)) -> None:
        """`tick` every `every`, at start too: a restart during a Slack outage leaves cards and thread posts to send."""
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("handoff timers failed; trying again later")
            await asyncio.sleep(every.total_seconds())
