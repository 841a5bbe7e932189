"""What staff do on a handoff, from any desk (the `StaffActions` port of bot/core/ports.py): claim it,
reply to the customer, send the bot's draft, resolve it or hand it back to the bot; and which handoff a
desk thread belongs to. Each step is persisted, audited, published as a domain event, shown on the card
and told to the customer. Split from handoff/service.py: `HandoffService` inherits `HandoffStaffActions`
and builds everything it reads (the attributes and methods listed on the class).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.desk import (
    ReplyOutcome,
    StaffAction,
    StaffDesk,
    StaffMember,
    claimed_by,
    claimer_of,
)
from bot.core.events import Claimed, EventBus, Resolved, ReturnedToBot, StaffReplied
from bot.core.handoff_states import ACTIVE, UNCLAIMED, HandoffStatus, State
from bot.core.messages import Role
from bot.core.packet import Packet
from bot.core.tables import AuditLog, Handoff
from handoff.cards import HandoffCards
from handoff.records import HandoffRecords, aware
from handoff.thread_posts import ThreadPosts

if TYPE_CHECKING:
    from bot.core.ports import Conversations as ConversationService


# a claim whose conversation is still waiting this long after it was stored was left unfinished by a
# process that died (a claim's later steps take milliseconds)
CLAIM_FINISH_AFTER = timedelta(seconds=10)


class HandoffStaffActions:
    """The staff half of handoff/service.py `HandoffService`, which inherits it."""

    # built by HandoffService.__init__
    _records: HandoffRecords
    _conversations: ConversationService
    _audit: AuditLog
    _events: EventBus
    _cards: HandoffCards
    _posts: ThreadPosts
    _observe: Callable[..., None]
    _now: Callable[[], datetime]
    # HandoffService's own steps these call: get, packet, desk, _lock, _set_state, _say
    get: Callable[[int], Handoff | None]
    state: Callable[[str], State]
    packet: Callable[[Handoff], Packet]
    desk: StaffDesk | None
    _lock: Callable[[str], asyncio.Lock]
    _set_state: Callable[..., None]
    _say: Callable[..., Any]
    _tell_queue: Callable[..., Any]

    async def claim(self, handoff_id: int, *, staff: str, staff_name: str | None = None) -> Handoff | None:
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None:
            return None
        if handoff.status not in UNCLAIMED:
            await self._finish_claim(handoff)
            return handoff
        async with self._lock(handoff.conversation_id):
            claimed = await asyncio.to_thread(self._records.move, handoff, only_from=UNCLAIMED, status=HandoffStatus.CLAIMED,
                                              claimed_by=staff_name or staff, claimed_by_id=staff, claimed_at=self._now(),
                                              reminded_at=None)  # released later, it is reminded of afresh
            if claimed is None:  # someone else claimed (or closed) it first: theirs stands, the customer hears once
                return await asyncio.to_thread(self.get, handoff_id)
            handoff = claimed
            self._observe("claimed", reason=handoff.reason, waited_seconds=(self._now() - aware(handoff.created_at)).total_seconds())  # type: ignore[operator]
            await asyncio.to_thread(self._set_state, handoff.conversation_id, State.WITH_HUMAN, actor=f"staff:{staff}", handoff=handoff_id)
        await self._events.publish(Claimed(tenant=handoff.tenant, conversation_id=handoff.conversation_id, handoff_id=handoff_id, staff=staff))
        await self._cards.update_card(handoff)
        if staff_name:
            await self._say(handoff.conversation_id, "joined", name=staff_name)
        else:
            await self._say(handoff.conversation_id, "someone_joined")
        return handoff

    async def finish_claims(self) -> int:
        """The handoff timer's part (run once across processes, bot/app/processes.py): every claim a dead
        process left half done for `CLAIM_FINISH_AFTER` is finished, without waiting for someone to press
        Claim again (the customer heard nothing, the card still offered Claim). How many were finished."""
        finished = 0
        for handoff in await asyncio.to_thread(self._records.half_done_claims, claimed_before=self._now() - CLAIM_FINISH_AFTER):
            if await self._finish_claim(handoff, checked=True):
                finished += 1
        return finished

    async def _finish_claim(self, handoff: Handoff, *, checked: bool = False) -> Handoff | None:
        """A claim stored by a process that died before it moved the conversation to staff, told the
        customer and updated the card (they are steps after the claim's own transaction): finished by the
        handoff timer (`finish_claims`) or the next press of Claim on it, on any desk, for the one who
        claimed. Not before `CLAIM_FINISH_AFTER`, so a claim still under way on another process is not told
        twice; the conversation's move is conditional (handoff/records.py `set_state`), so two finishers tell
        the customer once. Returns the handoff when this call finished it, None when there was nothing to do
        (`claim` gives the handoff back either way). `checked`: the caller read it half done already."""
        claimed_at = aware(handoff.claimed_at)
        if not checked and (handoff.status != HandoffStatus.CLAIMED or claimed_at is None or self._now() - claimed_at < CLAIM_FINISH_AFTER
                            or await asyncio.to_thread(self.state, handoff.conversation_id) is not State.WAITING):
            return None
        async with self._lock(handoff.conversation_id):
            changed = await asyncio.to_thread(self._records.set_state, handoff.conversation_id, State.WITH_HUMAN)
            if changed is None:
                return None
            await asyncio.to_thread(self._audit.record, tenant=handoff.tenant, conversation_id=handoff.conversation_id, kind="state",
                                    before=changed[0], after=State.WITH_HUMAN.value, actor="claim_finished", handoff=handoff.id)
        await self._cards.update_card(handoff)
        await self._say(handoff.conversation_id, "joined", name=handoff.claimed_by)
        return handoff

    def by_desk_thread(self, thread: str) -> Handoff | None:
        """The handoff whose staff thread a desk knows as `thread` (for Slack: a message's thread_ts)."""
        return self._records.by_thread(thread)

    async def reply(
        self, handoff_id: int, *, staff: StaffMember, text: str, client_id: str, despite: str | None = None,
    ) -> ReplyOutcome:
        """A staff message: to the customer, on their channel. Unclaimed? It claims. Written on another
        desk than the one holding the staff thread (the console beside Slack), it is posted in that
        thread too, so everyone on the handoff sees it. A repeated `client_id` (a retry) does nothing.
        Claimed by someone else: not sent (CLAIMED_BY_ANOTHER, the desk says who has it) unless `despite`
        is that claimer (`claimer_of`): the staff member was told and chose to write beside them; the
        claim stays theirs. Told of Alice and confirmed, a reply meant for Alice's customer is not sent
        beside Bob, who took it over meanwhile: they are told again."""
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None or handoff.status not in ACTIVE:
            return ReplyOutcome.CLOSED
        if handoff.status == HandoffStatus.CLAIMED and not claimed_by(handoff, staff) and despite != claimer_of(handoff):
            return ReplyOutcome.CLAIMED_BY_ANOTHER
        if handoff.status in UNCLAIMED:
            await self.claim(handoff.id or 0, staff=staff.id, staff_name=staff.name)
        posted = await self._conversations.post_message(
            handoff.conversation_id, role=Role.AGENT, text=text, author=staff.name or "Support team", client_id=client_id, redact=True
        )
        if posted is None:  # Slack sent the same reply again: it reached the customer once, and is audited once
            return ReplyOutcome.SENT
        await asyncio.to_thread(self._audit.record, tenant=handoff.tenant, conversation_id=handoff.conversation_id, kind="staff_reply", staff=staff.id)
        await self._events.publish(StaffReplied(tenant=handoff.tenant, conversation_id=handoff.conversation_id, handoff_id=handoff.id or 0, staff=staff.id))
        if staff.desk != getattr(self.desk, "name", None) and self.desk is not None:  # stored redacted, as every thread post
            await self._posts.add(handoff, f"*{staff.name or staff.id} ({staff.desk}):* {posted.text}")
        return ReplyOutcome.SENT

    async def act(
        self, action: StaffAction, handoff_id: int, *, staff: StaffMember, client_id: str, seen: str | None = None,
    ) -> Handoff | None:
        """One staff action from any desk. None when there is no such handoff; else the handoff as it is after.
        `seen`: for a take-over, the claimer the staff member saw when they pressed it (`claimer_of`)."""
        handlers = {
            StaffAction.CLAIM: lambda: self.claim(handoff_id, staff=staff.id, staff_name=staff.name),
            StaffAction.RESOLVE: lambda: self.resolve(handoff_id, staff=staff.id),
            StaffAction.RETURN: lambda: self.return_to_bot(handoff_id, staff=staff.id),
            StaffAction.RELEASE: lambda: self.release(handoff_id, staff=staff.id),
            StaffAction.TAKE_OVER: lambda: self.take_over(handoff_id, staff=staff, seen=seen),
            StaffAction.DRAFT: lambda: self._send_draft(handoff_id, staff=staff, client_id=client_id),
        }
        return await handlers[action]()

    async def send_draft(
        self, handoff_id: int, *, staff: StaffMember, client_id: str, despite: str | None = None,
    ) -> ReplyOutcome:
        """The packet's draft reply to the customer, as a reply of `staff` (`reply`): unclaimed, it claims;
        claimed by someone else, it is held back as any reply is (CLAIMED_BY_ANOTHER: the desk says who
        has it; the console offers "Send anyway", which sends it with `despite`). The button is on every
        card, a shared one on Slack too, so a colleague's press used to reach the claimer's customer unseen."""
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None:
            return ReplyOutcome.CLOSED
        return await self.reply(handoff_id, staff=staff, text=self.packet(handoff).draft, client_id=client_id, despite=despite)

    async def _send_draft(self, handoff_id: int, *, staff: StaffMember, client_id: str) -> Handoff | None:
        """`act`'s DRAFT: `send_draft`, the handoff as it is after (a desk that tells what became of the
        draft calls `send_draft` itself)."""
        await self.send_draft(handoff_id, staff=staff, client_id=client_id)
        return await asyncio.to_thread(self.get, handoff_id)

    async def release(self, handoff_id: int, *, staff: str) -> Handoff | None:
        """A claimed handoff back to the queue (its claimer must leave, or it is someone else's field):
        unclaimed again, its conversation waiting, the card with Claim and its place, and the customer
        told their place. Anyone on the desk may release it; one not claimed is returned as it is."""
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None or handoff.status != HandoffStatus.CLAIMED:
            return handoff
        async with self._lock(handoff.conversation_id):
            released = await asyncio.to_thread(self._records.move, handoff, only_from=(HandoffStatus.CLAIMED,), status=HandoffStatus.OPEN,
                                               claimed_by=None, claimed_by_id=None, claimed_at=None)
            if released is None:  # resolved or returned meanwhile
                return await asyncio.to_thread(self.get, handoff_id)
            handoff = released
            await asyncio.to_thread(self._set_state, handoff.conversation_id, State.WAITING, actor=f"staff:{staff}", handoff=handoff_id)
        position, _ = await asyncio.to_thread(self._records.queue_position, handoff)
        await self._cards.update_card(handoff, position=position)
        await self._tell_queue(handoff, again=False)
        return handoff

    async def take_over(self, handoff_id: int, *, staff: StaffMember, seen: str | None = None) -> Handoff | None:
        """Someone else's claim becomes this staff member's (Alice leaves for the day; Bob goes on with her
        customer): the customer is told who joined, the card shows the new claimer, the staff thread
        (Slack) says who took over from whom. Releasing and claiming again told a customer in the middle
        of a conversation their place in the queue, and let anyone claim it in between. Unclaimed, it is a
        claim; closed or theirs already, nothing changes.
        `seen`: the claimer the staff member saw when they pressed Take over (`claimer_of`, carried by the
        console's form and the Slack button). It is taken only from them: when someone else has it by
        now (Lee and Dana both saw Alice's claim and pressed at once; Lee's came first), it is not taken
        from Lee unseen, and `lost_claim` tells Dana who has it. None (a form or card drawn before the
        claimer was carried): taken from whoever has it."""
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None:
            return None
        if handoff.status in UNCLAIMED:
            return await self.claim(handoff_id, staff=staff.id, staff_name=staff.name)
        if handoff.status != HandoffStatus.CLAIMED or claimed_by(handoff, staff):
            return handoff
        if seen is not None and claimer_of(handoff) != seen:  # it changed hands after they looked
            return handoff
        before = handoff.claimed_by_id or handoff.claimed_by
        async with self._lock(handoff.conversation_id):
            taken = await asyncio.to_thread(self._records.move, handoff, only_from=(HandoffStatus.CLAIMED,), only_claimer=handoff.claimed_by_id,
                                            claimed_by=staff.name or staff.id, claimed_by_id=staff.id)
            if taken is None:  # resolved, released or taken over by someone else meanwhile
                return await asyncio.to_thread(self.get, handoff_id)
            await asyncio.to_thread(self._audit.record, tenant=taken.tenant, conversation_id=taken.conversation_id, kind="handoff_taken_over",
                                    handoff=handoff_id, before=before, actor=f"staff:{staff.id}")
        await self._cards.update_card(taken)
        if self.desk is not None:
            await self._posts.add(taken, f"*{staff.name or staff.id}* took this handoff over from {handoff.claimed_by or 'someone'}.")
        if staff.name:
            await self._say(taken.conversation_id, "joined", name=staff.name)
        else:
            await self._say(taken.conversation_id, "someone_joined")
        return taken

    async def resolve(self, handoff_id: int, *, staff: str) -> Handoff | None:
        return await self._close(handoff_id, staff=staff, status=HandoffStatus.RESOLVED, state=State.CLOSED, event=Resolved,
                                 observed="resolved", phrase="rating_prompt", rating_request=True)

    async def return_to_bot(self, handoff_id: int, *, staff: str) -> Handoff | None:
        return await self._close(handoff_id, staff=staff, status=HandoffStatus.RETURNED, state=State.BOT, event=ReturnedToBot,
                                 observed="returned", phrase="back_to_bot")

    async def _close(
        self, handoff_id: int, *, staff: str, status: HandoffStatus, state: State, event: type[Resolved] | type[ReturnedToBot],
        observed: str, phrase: str, rating_request: bool = False,
    ) -> Handoff | None:
        """End an active handoff (resolved, or back to the bot): the record, the conversation's state, the
        event, the staff card and the customer's notice. An ended or unknown one is returned as it is."""
        handoff = await asyncio.to_thread(self.get, handoff_id)
        if handoff is None or handoff.status not in ACTIVE:
            return handoff
        async with self._lock(handoff.conversation_id):
            closed = await asyncio.to_thread(self._records.move, handoff, only_from=ACTIVE, status=status, closed_at=self._now())
            if closed is None:  # ended meanwhile by someone else
                return await asyncio.to_thread(self.get, handoff_id)
            handoff = closed
            self._observe(observed, reason=handoff.reason)
            await asyncio.to_thread(self._set_state, handoff.conversation_id, state, actor=f"staff:{staff}", handoff=handoff_id)
        await self._events.publish(event(tenant=handoff.tenant, conversation_id=handoff.conversation_id, handoff_id=handoff_id, staff=staff))
        await self._cards.update_card(handoff)
        await self._say(handoff.conversation_id, phrase, rating_request=rating_request)
        return handoff
