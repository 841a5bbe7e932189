"""A handoff's card on the staff desk: announcing it (once), reminding staff of a card nobody claimed,
keeping it up to date, and the timers that retry what the desk could not take.

Split from handoff/service.py (the state transitions: escalate, claim, reply, resolve, return), which
owns one `HandoffCards` and calls it after each transition. A card Slack refuses for good
(`StaffPostRefused`: e.g. an archived channel) is not retried on every tick but every `CARD_RETRY_AFTER`
(also across a restart: the pause is stored with the handoff), as an operator may fix the channel; it is
logged, audited and counted (supportbot_handoff_post_failures_total) like a refused thread post.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.desk import DeskThread, StaffDesk, StaffDeskBusy
from bot.core.handoff_policy import HandoffPolicy
from bot.core.handoff_states import HandoffStatus
from bot.core.packet import Packet
from bot.core.tables import AuditLog, Handoff
from handoff.records import HandoffRecords, aware, packet_of
from handoff.thread_posts import StaffPostRefused, ThreadPosts

if TYPE_CHECKING:
    from bot.core.ports import Conversations as ConversationService

logger = logging.getLogger("handoff.service")  # the name these lines were always logged under

CARD_RETRY_AFTER = timedelta(minutes=10)  # a card Slack refused for good: tried again this often, not every tick
# a card's posting is taken by one process for this long (`HandoffRecords.take_card`): longer than Slack's slowest answer
CARD_TAKE = timedelta(minutes=2)


class HandoffCards:
    def __init__(
        self, *, records: HandoffRecords, desk: Callable[[], StaffDesk | None], posts: ThreadPosts, conversations: ConversationService,
        audit: AuditLog, policy: Callable[[str], HandoffPolicy], lock: Callable[[str], asyncio.Lock], now: Callable[[], datetime],
    ) -> None:
        """`lock(conversation_id)`: the handoff service's per-conversation lock, under which a card is posted once."""
        self._records = records
        self._desk = desk
        self._posts = posts
        self._conversations = conversations
        self._audit = audit
        self._policy = policy
        self._lock = lock
        self._now = now

    async def announce(self, handoff: Handoff, *, reminder: bool = False) -> bool:
        """Post the card (or a reminder) once. `escalate` and the timer's `tick` may both come here for
        the same handoff (a tick while the first card is on its way): under the conversation's lock, the
        one that comes second sees the card stored and posts nothing. A reminder comes here once it was
        taken in the database (`_remind`), and is sent while the handoff is still unclaimed."""
        if self._desk() is None:  # nowhere to post (no Slack): not even a read, on every escalation
            return False
        async with self._lock(handoff.conversation_id):
            fresh = await asyncio.to_thread(self._records.get, handoff.id or 0)
            # a reminder was taken in the database already (`_remind`): it is sent while nobody has claimed the handoff
            if fresh is None or (fresh.status != HandoffStatus.QUEUED if not reminder else fresh.status != HandoffStatus.OPEN):
                return False
            # the lock above is this process's; another process's escalation or timer may be posting it too
            if not reminder and not await asyncio.to_thread(self._records.take_card, fresh.id or 0, until=self._now() + CARD_TAKE):
                return False
            return await self._post_card(fresh, reminder=reminder)

    async def _post_card(self, handoff: Handoff, *, reminder: bool) -> bool:
        desk = self._desk()
        if desk is None or not handoff.staff_channel:
            return False
        position, _ = await asyncio.to_thread(self._records.queue_position, handoff)
        packet = await self.staff_packet(handoff)
        try:
            thread: DeskThread = await desk.announce(handoff, packet, position=position, reminder=reminder)
        except StaffPostRefused as exc:  # e.g. an archived channel: people must fix it, tried again less often
            logger.error(
                "Slack refused the %s of handoff %s in channel %s (%s); trying again every %d minutes",
                "reminder" if reminder else "card", handoff.id, handoff.staff_channel, exc.error, CARD_RETRY_AFTER.total_seconds() // 60,
            )
            await self._posts.pause(handoff, until=self._now() + CARD_RETRY_AFTER)
            await asyncio.to_thread(self._records.save, handoff, attempts=handoff.attempts + 1)
            await self._posts.refused(handoff, "reminder" if reminder else "card", exc.error)
            return False
        except Exception as exc:  # Slack down: stay queued, `tick` tries again
            logger.warning("could not announce handoff %s (%s); it stays queued", handoff.id, type(exc).__name__)
            await self._posts.wait_if_asked(handoff, exc)
            retry: dict[str, Any] = {} if isinstance(exc, StaffDeskBusy) and exc.retry_after else {"not_before": None}  # the take ends
            await asyncio.to_thread(self._records.save, handoff, attempts=handoff.attempts + 1, **retry)
            return False
        # Slack took it: a pause (a refused card, a Retry-After) is over, stored with the rest
        changes: dict[str, Any] = {"announced_at": self._now(), "attempts": handoff.attempts + 1, "not_before": None}
        if reminder:
            await asyncio.to_thread(self._records.save, handoff, **changes)
            return True
        # saved at once, with the transcript and the card's files opening the thread (before what was
        # relayed while it was queued): whatever fails next, the card is not posted a second time
        first = [("note", desk.transcript(packet))] + [("file", json.dumps(f)) for f in packet.attachments]
        handoff = await asyncio.to_thread(self._records.open_thread, handoff, first=first, **changes, status=HandoffStatus.OPEN, status_from=(HandoffStatus.QUEUED,), staff_channel=thread.place, thread_ts=thread.thread)
        self._posts.flush_soon(handoff)  # in a task: fetching and uploading files takes a while
        return True

    async def staff_packet(self, handoff: Handoff) -> Packet:
        """The packet as staff see it: with the contact the customer left, shown as policy allows."""
        packet = packet_of(handoff)
        if handoff.contact:
            if self._policy(handoff.tenant).staff_sees_pii:  # decrypted for this display only, never stored in clear
                shown = await asyncio.to_thread(self._conversations.restore, handoff.conversation_id, handoff.contact)
            else:
                shown = f"{handoff.contact} (an e-mail address, hidden by policy)"
            packet = dataclasses.replace(packet, customer={**packet.customer, "contact": shown})
        return packet

    async def update_card(self, handoff: Handoff, *, position: int | None = None) -> None:
        """The whole card drawn again from the handoff as it is now, in the current layout (a card posted
        by an older release takes the new one at its next change). `position`: an unclaimed one's place."""
        desk = self._desk()
        if desk is None or not handoff.thread_ts:
            return
        try:
            await desk.update_card(handoff, await self.staff_packet(handoff), position=position)
        except Exception as exc:
            logger.warning("could not update the card of handoff %s (%s)", handoff.id, type(exc).__name__)

    async def tick(self) -> list[Handoff]:
        """Announce what Slack could not take before, then post what waits for threads (also what a
        previous run left: the first tick runs at start); remind staff of handoffs nobody claimed, on
        Slack in the card's thread, and on the web console (with no Slack, the only desk) as the queue's
        flag (handoff/console_pages.py). Returns the handoffs staff were reminded of (their customers waited as long).
        Each reminder is taken in the database (`HandoffRecords.take_reminder`): however many processes
        tick, and whichever holds the timer's lease, a handoff is reminded of once per interval."""
        reminded: list[Handoff] = []
        desk = self._desk()
        now = self._now()
        # one statement a round, whatever waits: a read per waiting handoff every tick took the thread pool
        # and the database from the customers' messages (bench/bench_scale.py on PostgreSQL)
        for handoff in await asyncio.to_thread(self._records.waiting):
            if desk is not None and self._posts.paused(handoff):
                continue
            if desk is not None and handoff.status == HandoffStatus.QUEUED:
                await self.announce(handoff)
                continue
            due = now - self._policy(handoff.tenant).reannounce_after
            told = aware(handoff.reminded_at or handoff.announced_at or handoff.created_at)
            if told is not None and told < due and await self._remind(handoff, due=due, slack=desk is not None):
                reminded.append(handoff)
        if desk is None:
            return reminded  # nothing here can be posted: no thread posts to look for
        for handoff_id in await asyncio.to_thread(self._records.unposted):
            found = await asyncio.to_thread(self._records.get, handoff_id)
            if found is not None:
                await self._posts.flush(found)
        return reminded

    async def _remind(self, handoff: Handoff, *, due: datetime, slack: bool) -> bool:
        """One reminder, when this process takes it: in the Slack thread (the card redrawn with its place
        now), or, with no Slack, only as `reminded_at`, which the console's queue shows. Not sent (Slack
        down, refused): the slot is given back and the next round tries again."""
        # on Slack a reminder goes into the card's thread: only a handoff whose card was posted (open) has one
        only_from = (HandoffStatus.OPEN,) if slack else (HandoffStatus.QUEUED, HandoffStatus.OPEN)
        taken = await asyncio.to_thread(self._records.take_reminder, handoff.id or 0, due=due, only_from=only_from)
        if taken is None:  # another process reminded staff of it since this one read the queue, or it was claimed
            return False
        if slack:
            if not await self.announce(handoff, reminder=True):
                await asyncio.to_thread(self._records.give_back_reminder, handoff.id or 0, reminded_at=taken.before)
                return False
            # the card said "number 3 in the queue" since it was posted: its place now, as the reminder says
            position, _ = await asyncio.to_thread(self._records.queue_position, handoff)
            await self.update_card(handoff, position=position)
        await asyncio.to_thread(self._audit.record, tenant=handoff.tenant, conversation_id=handoff.conversation_id, kind="handoff_reminder",
                                handoff=handoff.id, desk="slack" if slack else "console")
        return True
