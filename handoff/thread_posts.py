"""The staff thread's post queue: every post to a handoff's staff thread, stored first and posted in order.

The transcript, relayed customer messages and files go to the `staff_post` table first and are
posted in order once the thread exists and Slack takes it, so what arrives before the card is up,
during an outage or across a restart appears after the card, once.
Slack refusing a post for good (`StaffPostRefused`: an archived channel, text it won't take) is not
retried on every tick: a thread post is marked failed and the posts after it go on (text too long is
split and posted in pieces instead). Slack asking to wait (`StaffDeskBusy` with a Retry-After) pauses
the handoff's posts, and the card's too (handoff/service.py pauses a refused card the same way). The
pause is stored with the handoff (`Handoff.not_before`), so a restart waits it out instead of trying at once.
Refusals are logged, audited and counted (supportbot_handoff_post_failures_total).
On PostgreSQL, where several processes share the queue, one process at a time posts a handoff's
waiting posts (`HandoffRecords.take_posts`); within a process the thread's lock orders them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.channel import CustomerFile
from bot.core.tables import AuditLog, Handoff
from bot.core.handoff_policy import HandoffPolicy
from handoff.records import HandoffRecords, aware
from bot.core.text import split_message
from bot.core.desk import StaffDeskBusy, StaffPostRefused  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from bot.core.ports import Conversations as ConversationService
    from bot.core.desk import StaffDesk

logger = logging.getLogger(__name__)

SPLIT_AT = 3000  # a thread post Slack finds too long goes out in pieces of at most this many characters
# a handoff's thread posts are taken by one process for this long (`HandoffRecords.take_posts`): longer than a flush takes
POSTING_TAKE = timedelta(minutes=2)


class ThreadPosts:
    """Owned by the handoff service: `desk()` is its current staff desk (None while there is none)."""

    def __init__(
        self, *, records: HandoffRecords, desk: Callable[[], StaffDesk | None], conversations: ConversationService, audit: AuditLog,
        policy: Callable[[str], HandoffPolicy], now: Callable[[], datetime], observe: Callable[..., None],
    ) -> None:
        self._records = records
        self._desk = desk
        self._conversations = conversations
        self._audit = audit
        self._policy = policy
        self._now = now
        self._observe = observe
        self._thread_locks: dict[int, asyncio.Lock] = {}
        self._flushes: set[asyncio.Task[None]] = set()

    async def add(self, handoff: Handoff, text: str, *, kind: str = "note") -> None:
        """Post in the handoff's staff thread after whatever is still waiting. Stored first: kept for
        `tick` when there is no thread yet or Slack is down, also across a restart. `kind="said"`: the
        customer's (redacted) words, shown restored when policy lets staff see personal data."""
        await asyncio.to_thread(self._records.add_post, handoff.id or 0, kind=kind, body=text)
        if self._thread_locks.get(handoff.id or 0, asyncio.Lock()).locked():
            self.flush_soon(handoff)  # e.g. files being uploaded: the customer's message doesn't wait for them
        else:
            await self.flush(handoff)

    def flush_soon(self, handoff: Handoff) -> None:
        task = asyncio.create_task(self.flush(handoff))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def flush(self, handoff: Handoff) -> None:
        """Post the handoff's waiting thread posts in order, one at a time (the lock keeps them in order
        and each posted once); stop at the first Slack can't take now (`tick` goes on later), skip one it refuses for good."""
        key = handoff.id or 0
        if self._desk() is None:  # no Slack: the posts wait stored (a read here ran for every message to a waiting handoff)
            return
        async with self._thread_locks.setdefault(key, asyncio.Lock()):
            handoff = await asyncio.to_thread(self._records.get, key) or handoff  # the thread may have opened meanwhile
            if self._desk() is None or not handoff.thread_ts or self.paused(handoff):
                return
            until = self._now() + POSTING_TAKE
            if not await asyncio.to_thread(self._records.take_posts, key, until=until):
                return  # another process is posting them (what it has not read yet, it or the next tick posts)
            try:
                await self._post_waiting(handoff)
            finally:
                await asyncio.to_thread(self._records.end_posts, key, until=until)

    async def _post_waiting(self, handoff: Handoff) -> None:
        """`flush`'s posting, in the process that took it."""
        key = handoff.id or 0
        while (post := await asyncio.to_thread(self._records.next_post, key)) is not None:
            post_id, kind, body = post
            try:
                await self._post(handoff, kind, body)
            except StaffPostRefused as exc:  # for good: this one is skipped, the posts after it go on
                if exc.error == "msg_too_long" and kind != "file" and len(body) > SPLIT_AT:
                    await asyncio.to_thread(self._records.split_post, post_id, split_message(body, SPLIT_AT))
                    continue
                logger.error("Slack refused a %s post in the staff thread of handoff %s (%s); it is skipped", kind, handoff.id, exc.error)
                await asyncio.to_thread(self._records.mark_failed, post_id, error=exc.error)
                await self.refused(handoff, kind, exc.error)
                continue
            except Exception as exc:
                logger.warning("could not post in the staff thread of handoff %s (%s); posts wait", handoff.id, type(exc).__name__)
                await self.wait_if_asked(handoff, exc)
                return
            # marked once Slack took it: a crash right between the two posts it again at the next
            # start (once), the same trade the reply delivery makes (bot/engine/dispatch.py); never lost
            await asyncio.to_thread(self._records.mark_posted, post_id)
            if handoff.not_before is not None:  # a pause that ran out: Slack takes posts again
                handoff = await asyncio.to_thread(self._records.save, handoff, not_before=None)

    def paused(self, handoff: Handoff) -> bool:
        """Read from the handoff as stored (callers pass a row they just read), so it holds across a restart."""
        until = aware(handoff.not_before)
        return until is not None and self._now() < until

    async def pause(self, handoff: Handoff, *, until: datetime) -> None:
        """Nothing of this handoff (card or thread posts) goes to Slack before `until`. A successful card
        clears it (handoff/service.py), as does a thread post after it ran out."""
        await asyncio.to_thread(self._records.save, handoff, not_before=until)

    async def wait_if_asked(self, handoff: Handoff, exc: Exception) -> None:
        """Slack said how long to wait (Retry-After on `ratelimited`): nothing goes to it before."""
        if isinstance(exc, StaffDeskBusy) and exc.retry_after:
            await self.pause(handoff, until=self._now() + timedelta(seconds=exc.retry_after))

    async def refused(self, handoff: Handoff, kind: str, error: str) -> None:
        """Audited and counted with Slack's error code and what was posted, never its text."""
        self._observe("post_failed", reason=kind, error=error)
        await asyncio.to_thread(
            self._audit.record, tenant=handoff.tenant, conversation_id=handoff.conversation_id, kind="staff_post_failed",
            handoff=handoff.id, post=kind, error=error,
        )

    async def _post(self, handoff: Handoff, kind: str, body: str) -> None:
        desk = self._desk()
        assert desk is not None
        if kind == "file":
            # the desk names a file it can't fetch or upload in the thread instead; only a refused post raises
            await desk.share_files(handoff, [CustomerFile.from_json(json.loads(body))])
            return
        if kind == "said" and self._policy(handoff.tenant).staff_sees_pii:  # restored for this post only, stored redacted
            body = await asyncio.to_thread(self._conversations.restore, handoff.conversation_id, body)
        await desk.post_in_thread(handoff, body)
