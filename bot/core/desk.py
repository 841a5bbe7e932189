"""The staff desk seam: the port a desk that is sent handoffs implements, and the records and actions
every desk shares.

Two desks exist: Slack (channels/slack_desk.py, pushed to: a card and a thread per handoff) and the
built-in web console (handoff/console.py, which reads the same state from the database and so needs
no port). Whichever desk staff use, they act through `HandoffService.act` and `HandoffService.reply`
with a `StaffAction` and a `StaffMember`, so a claim in one desk shows in the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.core.channel import CustomerFile
from bot.core.errors import SupportbotError
from bot.core.handoff_states import ACTIVE, HandoffStatus
from bot.core.packet import Packet
from bot.core.tables import Handoff

# a handoff's status as every desk shows it
STATUS_TEXT = {
    HandoffStatus.QUEUED: "Waiting to be claimed", HandoffStatus.OPEN: "Waiting to be claimed", HandoffStatus.CLAIMED: "Claimed",
    HandoffStatus.RESOLVED: "Resolved", HandoffStatus.RETURNED: "Returned to the bot", HandoffStatus.RATED: "Resolved",
}


class StaffAction(StrEnum):
    """What staff can do with a handoff, on every desk (the Slack buttons' action ids are `handoff_<value>`)."""

    CLAIM = "claim"
    DRAFT = "draft"  # send the packet's draft reply to the customer
    RESOLVE = "resolve"
    RETURN = "return"  # back to the bot
    RELEASE = "release"  # a claimed handoff back to the queue, for someone else to claim
    TAKE_OVER = "take_over"  # someone else's claim becomes mine: the customer goes on with me, never back to the queue


class ReplyOutcome(StrEnum):
    """What became of a staff member's reply (handoff/staff_actions.py `reply`)."""

    SENT = "sent"  # to the customer (or sent before: a retry reached them once)
    CLOSED = "closed"  # the handoff is resolved, returned or unknown: the customer would not get it
    # someone else has claimed the handoff and the reply was not confirmed against that claimer: not sent,
    # so two staff members don't write to one customer unaware of each other (each desk says who has it)
    CLAIMED_BY_ANOTHER = "claimed_by_another"


# each action's button, in the order every desk shows them
ACTION_LABELS = {
    StaffAction.CLAIM: "Claim", StaffAction.DRAFT: "Send draft", StaffAction.RELEASE: "Release to the queue",
    StaffAction.TAKE_OVER: "Take over", StaffAction.RESOLVE: "Resolve", StaffAction.RETURN: "Return to bot",
}
_WHILE_CLAIMED = (StaffAction.RELEASE, StaffAction.TAKE_OVER)


def shown_actions(status: str, *, mine: bool = False) -> list[StaffAction]:
    """The buttons a handoff's card shows in `status`, in order: Claim while nobody has it; once someone
    has it, Release (it goes back to the queue for another to claim) and Take over (the one who presses
    it has it now; not shown to its claimer: `mine`, which a desk drawn for one person knows and a shared
    Slack card does not); none once it is closed."""
    if status not in ACTIVE:
        return []
    claimed = status == HandoffStatus.CLAIMED
    return [
        a for a in ACTION_LABELS
        if not (a is StaffAction.CLAIM and claimed) and not (a in _WHILE_CLAIMED and not claimed) and not (a is StaffAction.TAKE_OVER and mine)
    ]


@dataclass(frozen=True, slots=True)
class StaffMember:
    """Who acts: `id` is stable and audited (a Slack user id, `console:<tenant>:<account>`); `name` is
    what the customer and the other desk are shown ("Alice from our support team has joined")."""

    id: str
    name: str | None = None
    desk: str = "slack"


# what a take-over that did not make the handoff the staff member's is told, by `lost_claim`'s code for a claim
_TAKE_OVER_LOST = {"claimed_first": "taken_over_first", "closed_first": "closed_before_take_over"}


def lost_claim(after: Handoff | None, staff: StaffMember, *, action: StaffAction = StaffAction.CLAIM) -> str | None:
    """Why a claim (or a take-over) did not make the handoff this staff member's, as every desk tells the slower one:
    "claimed_first" (someone else's claim came first: `after.claimed_by` has it) or "closed_first"
    (resolved or returned before it); None when it is theirs (a second click of their own too) or unknown.
    For `action` TAKE_OVER the codes are "taken_over_first" (someone else has it now, not the claimer
    the staff member saw: handoff/staff_actions.py `take_over` refuses to take it from them unseen) and
    "closed_before_take_over", so each desk says "Not taken over" with what to do next.
    Claims are decided under a row lock in handoff/, so two claims at once leave exactly one standing,
    and the card's "Claimed by Alice" alone did not tell the other that their press did nothing.
    Whose claim it is goes by the stable id (`claimed_by_id`), never the name shown: two staff members
    named "Sam" are two people (a claim stored before the id was kept goes by its name)."""
    if after is None or (after.status == HandoffStatus.CLAIMED and claimed_by(after, staff)):
        return None
    code = "claimed_first" if after.status == HandoffStatus.CLAIMED else "closed_first" if after.status not in ACTIVE else None
    return _TAKE_OVER_LOST[code] if code is not None and action is StaffAction.TAKE_OVER else code


def claimer_of(handoff: Handoff) -> str | None:
    """Who holds a claimed handoff, as a desk sends it back with a take-over or a reply confirmed despite
    the claim (`seen`): the stable id, or the name for a claim stored before the id was kept."""
    return handoff.claimed_by_id or handoff.claimed_by


def claimed_by(handoff: Handoff, staff: StaffMember) -> bool:
    """Whether `handoff`'s claim is this staff member's: by their stable id (a Slack user id, a console account)."""
    if handoff.claimed_by_id is not None:
        return handoff.claimed_by_id == staff.id
    return handoff.claimed_by == (staff.name or staff.id)


@dataclass(frozen=True, slots=True)
class DeskThread:
    """Where a desk keeps a handoff's conversation with staff, in the desk's own terms (for Slack: the
    channel and the card's ts). The handoff service stores it and gives it back; it never reads it."""

    place: str
    thread: str


class StaffDesk(Protocol):
    """A desk handoffs are pushed to. Raises `StaffDeskBusy` (try later) or `StaffPostRefused` (never)
    from handoff/thread_posts.py; any other exception counts as "down, try later"."""

    name: str

    async def announce(self, handoff: Handoff, packet: Packet, *, position: int, reminder: bool = False) -> DeskThread:
        """Post the card (or a reminder in its thread); returns where its thread is."""
        ...

    def transcript(self, packet: Packet) -> str:
        """The redacted transcript as the first post in the thread."""
        ...

    async def update_card(self, handoff: Handoff, packet: Packet, *, position: int | None = None) -> None:
        """Draw the card again, whole, as the handoff is now (`position`: an unclaimed one's place in the queue)."""
        ...

    async def post_in_thread(self, handoff: Handoff, text: str) -> None: ...

    async def share_files(self, handoff: Handoff, files: Sequence[CustomerFile]) -> None:
        """The customer's files into the thread, each as well as it can."""
        ...


class StaffPostRefused(SupportbotError):
    """Slack refused a post for good (`error`: its code, e.g. channel_not_found): the same post won't
    get through by trying again."""

    def __init__(self, error: str) -> None:
        super().__init__(f"Slack refused the post: {error}")
        self.error = error


class StaffDeskBusy(SupportbotError):
    """Slack could not take a post now (rate limited, its own trouble): try again, not before
    `retry_after` seconds when it said so."""

    def __init__(self, error: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"Slack is busy: {error}")
        self.error = error
        self.retry_after = retry_after
