"""What the customer's side of a handoff does: a message while people own the conversation goes into
the staff thread (and an e-mail address left in it becomes the handoff's contact), files join the thread
in order, a resolved conversation's "1".."5" is its rating, and two "not helpful" answers since the bot
last took over hand it to people. Split from handoff/service.py: `HandoffService` inherits
`HandoffCustomerSide` and builds everything it reads (the attributes and methods listed on the class).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.channel import Attachment, CustomerFile
from bot.core.handoff_policy import HandoffPolicy
from bot.core.handoff_states import ACTIVE, HUMAN_OWNED, HandoffStatus, State
from bot.core.records import HandoffReason
from bot.core.tables import AuditLog, Handoff
from handoff.cards import HandoffCards
from handoff.records import HandoffRecords, aware
from handoff.thread_posts import ThreadPosts
from policies.pii_patterns import EMAIL

if TYPE_CHECKING:
    from bot.core.ports import Conversations as ConversationService

EMAIL_PLACEHOLDER = re.compile(rf"<{EMAIL}_\d+>")  # an address the customer left, as stored (redacted)
_STARS = {"\u2b50", "\u2605"}  # a rating given in stars (⭐, ★), with or without the emoji variation selector


class HandoffCustomerSide:
    """The customer half of handoff/service.py `HandoffService`, which inherits it."""

    # built by HandoffService.__init__
    _records: HandoffRecords
    _conversations: ConversationService
    _audit: AuditLog
    _cards: HandoffCards
    _posts: ThreadPosts
    # HandoffService's own steps these call
    current: Callable[[str], Handoff | None]
    state: Callable[[str], State]
    policy: Callable[[str], HandoffPolicy]
    escalate: Callable[..., Any]
    _set_state: Callable[..., None]
    _say: Callable[..., Any]

    # while people own the conversation -----------------------------------------------------------
    async def relay_customer(self, conversation_id: str, text: str) -> None:
        """A customer message while people own the conversation: into the staff thread, not to the bot."""
        handoff = await asyncio.to_thread(self.current, conversation_id)
        if handoff is None:
            return
        await asyncio.to_thread(self._audit.record, tenant=handoff.tenant, conversation_id=conversation_id, kind="relayed_to_staff", handoff=handoff.id)
        await self._posts.add(handoff, f"*Customer:* {text}", kind="said")
        address = EMAIL_PLACEHOLDER.search(text)
        if address is not None and handoff.contact != address.group(0):  # e.g. left for a reply outside business hours
            handoff = await asyncio.to_thread(self._records.save, handoff, contact=address.group(0))
            await asyncio.to_thread(self._audit.record, tenant=handoff.tenant, conversation_id=conversation_id, kind="contact_left", handoff=handoff.id)
            if self.policy(handoff.tenant).staff_sees_pii:  # stored as the placeholder, shown restored
                await self._posts.add(handoff, f"*Contact for a reply:* {handoff.contact}", kind="said")
            else:
                packet = await self._cards.staff_packet(handoff)
                await self._posts.add(handoff, f"*Contact for a reply:* {packet.customer['contact']}")
            await self._cards.update_card(handoff)
            # stored with the placeholder; the customer sees their own address again
            await self._say(conversation_id, "contact_kept", address=address.group(0))

    async def share_files(self, conversation_id: str, files: Sequence[Attachment]) -> None:
        """Files a customer sent while people own the conversation: into its staff thread, in order with
        their messages (when the card is not posted yet, right after it and its transcript)."""
        handoff = await asyncio.to_thread(self.current, conversation_id)
        conversation = await asyncio.to_thread(self._conversations.get, conversation_id)
        if handoff is None or conversation is None or handoff.status not in ACTIVE:
            return
        for item in files:  # one post each: a file Slack took is not uploaded again when a later one fails
            body = json.dumps(CustomerFile(channel=conversation.channel, attachment=item).to_json())
            await asyncio.to_thread(self._records.add_post, handoff.id or 0, kind="file", body=body)
        await self._posts.flush(handoff)

    # after a resolution, and feedback --------------------------------------------------------------
    def take_rating(self, conversation_id: str, text: str) -> int | None:
        """A closed conversation's next message "1".."5" is the rating asked for; returns it, or None."""
        handoff = self.current(conversation_id)
        stripped = text.strip().rstrip("!.").replace("\ufe0f", "").replace(" ", "")
        if stripped and len(stripped) <= 5 and set(stripped) <= _STARS:  # "⭐⭐⭐⭐" is a 4, as the customer meant it
            stripped = str(len(stripped))
        if handoff is None or handoff.status != HandoffStatus.RESOLVED or stripped not in {"1", "2", "3", "4", "5"}:
            return None
        self._audit.record(tenant=handoff.tenant, conversation_id=conversation_id, kind="rating", handoff=handoff.id, score=int(stripped))
        self._records.save(handoff, status=HandoffStatus.RATED)
        return int(stripped)

    def ratings(self, handoffs: Sequence[Handoff]) -> dict[int, int]:
        """The customers' ratings (1-5) of the rated ones among `handoffs`: handoff id -> score (the console
        showed a rated handoff as "Resolved", its rating only as a "5" somewhere in the transcript)."""
        rated = {h.conversation_id for h in handoffs if h.status == HandoffStatus.RATED}
        found = self._audit.data_of_many(conversation_ids=sorted(rated), kind="rating")
        return {int(d["handoff"]): int(d["score"]) for d in found if isinstance(d.get("handoff"), int) and isinstance(d.get("score"), int)}

    def reopen_for_bot(self, conversation_id: str) -> None:
        if self.state(conversation_id) is State.CLOSED:
            self._set_state(conversation_id, State.BOT, actor="customer")

    async def feedback(self, conversation_id: str, *, helpful: bool) -> Handoff | None:
        """Two "not helpful" answers since the bot last took over: people take it from here."""
        if helpful or self.state(conversation_id) in HUMAN_OWNED:
            return None
        since = await asyncio.to_thread(self._bot_since, conversation_id)
        events = await asyncio.to_thread(self._audit.events, conversation_id=conversation_id, kind="feedback")
        unhappy = [e for e in events if json.loads(e.data).get("helpful") is False and (since is None or aware(e.created_at) >= since)]
        if len(unhappy) >= 2:
            return await self.escalate(conversation_id, reason=HandoffReason.NOT_HELPFUL)
        return None

    def _bot_since(self, conversation_id: str) -> datetime | None:
        handoff = self.current(conversation_id)
        return aware(handoff.closed_at) if handoff is not None else None
