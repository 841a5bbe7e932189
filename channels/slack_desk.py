"""The staff desk in Slack: a handoff's Block Kit card (Claim, Resolve, Return to bot, Send draft; once
resolved, Propose as FAQ, which opens `proposal_view`) in the staff channel, its thread, and what is
posted there. Slack's answers are sorted here into
"not now" (`StaffDeskBusy`, retried later) and "never" (`StaffPostRefused`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.channel import CustomerFile, FileContent
from bot.core.clock import utc
from bot.core.desk import (
    ACTION_LABELS,
    STATUS_TEXT,
    DeskThread,
    ReplyOutcome,
    StaffAction,
    StaffDeskBusy,
    StaffPostRefused,
    claimer_of,
    shown_actions,
)
from bot.core.errors import InputError
from bot.core.handoff_states import ACTIVE, SETTLED, UNCLAIMED, HandoffStatus
from bot.core.packet import Packet, nothing_tried
from bot.core.tables import Handoff
from bot.core.text import escape_angles

logger = logging.getLogger(__name__)

FetchFile = Callable[..., Awaitable[FileContent]]  # (channel=, tenant=, attachment=): `Dispatcher.fetch_file`
# Slack's error codes that say "not now" rather than "never"; any other code refuses the post for good
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
PROPOSE_ACTION = "faq_propose"
PROPOSAL_VIEW = "faq_proposal"  # the modal's callback_id
# Slack's plain_text_input takes at most 3000 characters (the proposal table takes 4000 for an answer)
MAX_QUESTION, MAX_ANSWER = 500, 3000


class Draft(Protocol):
    question: str
    answer: str


class FaqProposals(Protocol):
    """A resolved handoff's exchange as a proposed FAQ entry (handoff/faq_proposals.py `DeskProposals`):
    the handoff is named by its card (channel and message ts); InputError says why it can't be."""

    async def draft(self, handoff_id: int, *, place: str, thread: str) -> Draft: ...

    async def propose(self, handoff_id: int, *, place: str, thread: str, question: str, answer: str, by: str) -> int: ...


_escape = escape_angles  # Slack reads `<...>` as a link or mention: a placeholder like <EMAIL_1> must show as written


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _escape(text)[:2900] or " "}


def _mention(group: str) -> str:
    return f"<!subteam^{group}>"


def slack_time(moment: datetime) -> str:
    """Hours and minutes as each reader's Slack shows them, in their own zone (Slack's date formatting);
    clients that can't format dates show the UTC fallback. Staff across zones all read their own clock."""
    at = utc(moment)
    return f"<!date^{int(at.timestamp())}^{{time}}|{at:%H:%M} UTC>"


@contextmanager
def _slack_answers() -> Iterator[None]:
    """Slack's `{"ok": false, "error": ...}` as the handoff service's errors: busy (HTTP 5xx or 429, or
    a code in TRANSIENT_ERRORS; with Retry-After when Slack sent it) or refused for good. Network
    errors pass as they are: the service waits for Slack on any other exception."""
    try:
        yield
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        status = exc.response.status_code
        if status >= 500 or status == 429 or not error or error in TRANSIENT_ERRORS:
            wait = str(exc.response.headers.get("Retry-After") or "")
            raise StaffDeskBusy(error or f"http_{status}", retry_after=float(wait) if wait.isdigit() else None) from exc
        raise StaffPostRefused(error) from exc


def card_blocks(handoff: Handoff, packet: Packet, *, position: int | None = None, proposals: bool = False) -> list[dict[str, Any]]:
    status = _escape(STATUS_TEXT.get(handoff.status, handoff.status))
    if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by:
        when = f" at {slack_time(handoff.claimed_at)}" if isinstance(handoff.claimed_at, datetime) else ""
        status = f"Claimed by {_escape(handoff.claimed_by)}{when}"
    elif position is not None and handoff.status in UNCLAIMED:
        status = f"{status} · number {position} in the queue"
    attempts = "\n".join(
        f"• {a.text[:200]} ({a.outcome}, confidence {a.confidence})"
        + "".join(f"\n   ↳ {s.get('title')} ({s.get('source')}, score {s.get('score')})" for s in a.sources)
        for a in packet.attempts
    ) or f"• {nothing_tried(packet)}"
    customer = ", ".join(f"{k}: {v}" for k, v in packet.customer.items() if v)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Handoff #{handoff.id}: {packet.reason_text}"[:150]}},
        {"type": "section", "text": _mrkdwn(f"*Intent:* {packet.intent}\n*Summary:* {packet.summary}")},
        {"type": "section", "fields": [_mrkdwn(f"*Why:* {packet.reason_text}"), _mrkdwn(f"*Customer:* {customer}"),
                                       _mrkdwn(f"*Topic:* {packet.topic or '-'}"), {"type": "mrkdwn", "text": f"*Status:* {status}"}]},
        {"type": "section", "text": _mrkdwn(f"*What the bot tried:*\n{attempts}")},
        {"type": "section", "text": _mrkdwn(f"*Draft reply:* {packet.draft}")},
    ]
    if packet.mention:  # in the blocks too: a message with blocks shows them, not its fallback text
        blocks.insert(1, {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{_mention(packet.mention)} this is for you"}]})
    if packet.attachments:
        files = ", ".join(f"{a.get('kind')} ({a.get('channel')} file {a.get('file_id')})" for a in packet.attachments)
        blocks.insert(len(blocks) - 1, {"type": "context", "elements": [_mrkdwn(f"Files from the customer: {files}")]})
    if handoff.status in ACTIVE:
        # action ids `handoff_<action>`: channels/slack_staff.py turns them back into StaffAction
        buttons = [
            {"type": "button", **({"style": "primary"} if action is StaffAction.CLAIM else {}),
             "text": {"type": "plain_text", "text": label}, "action_id": f"handoff_{action.value}", "value": button_value(handoff, action)}
            for action, label in ((a, ACTION_LABELS[a]) for a in shown_actions(handoff.status))
        ]
        blocks.append({"type": "actions", "block_id": "handoff_actions", "elements": buttons})
    elif proposals and handoff.status in SETTLED:  # a card with "Propose as FAQ" (handoff/faq_proposals.py)
        button = {"type": "button", "text": {"type": "plain_text", "text": "Propose as FAQ"}, "action_id": PROPOSE_ACTION, "value": str(handoff.id)}
        blocks.append({"type": "actions", "block_id": "handoff_learning", "elements": [button]})
    return blocks


def button_value(handoff: Handoff, action: StaffAction) -> str:
    """A card button's value: the handoff's id; Take over's adds the claimer the card shows ("12:U123"),
    so a press on a card drawn before the handoff changed hands takes it from nobody unseen."""
    claimer = claimer_of(handoff) if action is StaffAction.TAKE_OVER else None
    return f"{handoff.id}:{claimer}" if claimer else str(handoff.id)


def pressed(value: str) -> tuple[int, str | None]:
    """`button_value` read back: (handoff id, the claimer Take over saw); id 0 for a value that is no id."""
    handoff, _, seen = (value or "").partition(":")
    return (int(handoff) if handoff.isdigit() else 0), (seen or None)


def lost_claim_text(handoff: Handoff, lost: str) -> str:
    """What the slower of two claims (or take-overs) is told, for their eyes only: who has the handoff (and
    since when), or that it was closed first, and what to do; `lost` is a code of bot/core/desk.py `lost_claim`."""
    if lost == "taken_over_first":
        holder = _escape(handoff.claimed_by or "someone else")
        return (f"Not taken over: {holder} has handoff #{handoff.id} now; it changed hands after the card you pressed was drawn. "
                f"Check with {holder} in its thread first, or press Take over again to take it from {holder}.")
    if lost == "closed_before_take_over":
        status = STATUS_TEXT.get(handoff.status, handoff.status).lower()
        return f"Not taken over: handoff #{handoff.id} was {_escape(status)} before your take-over."
    if lost == "claimed_first":
        when = f" at {slack_time(handoff.claimed_at)}" if isinstance(handoff.claimed_at, datetime) else ""
        return (f"Not claimed: {_escape(handoff.claimed_by or 'someone else')} claimed handoff #{handoff.id} first{when}. "
                "It is theirs now; you can still write in its thread.")
    status = STATUS_TEXT.get(handoff.status, handoff.status).lower()
    return f"Not claimed: handoff #{handoff.id} was {_escape(status)} before your claim."


def draft_not_sent_text(handoff: Handoff | None, handoff_id: int, outcome: ReplyOutcome) -> str:
    """What a press of Send draft that did not reach the customer is told, for the presser's eyes only:
    someone else has the handoff (`CLAIMED_BY_ANOTHER`: who, and how to send it yourself, as a message
    held back in the thread is told), or it is closed. `handoff`: as it is now, when the card is known."""
    if outcome is ReplyOutcome.CLAIMED_BY_ANOTHER:
        holder = _escape((handoff.claimed_by if handoff is not None else None) or "someone else")
        return (f"Draft not sent to the customer: {holder} has claimed handoff #{handoff_id} and is talking with them. "
                "To send it yourself, press Take over on the card, then Send draft again.")
    status = STATUS_TEXT.get(handoff.status, handoff.status).lower() if handoff is not None else "closed"
    return f"Draft not sent: handoff #{handoff_id} is {_escape(status)} now, so the customer would not get it."


def _text_input(block_id: str, label: str, value: str, *, max_length: int, lines: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "multiline": lines, "max_length": max_length}
    if value:  # Slack refuses an empty initial_value
        element["initial_value"] = value[:max_length]
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label}, "element": element}


def proposal_view(*, handoff_id: int, place: str, thread: str, draft: Draft) -> dict[str, Any]:
    """The "Propose as FAQ" modal: the redacted question and staff's answer, to edit. The card it came
    from rides along in private_metadata (Slack hands it back unchanged on submit; checked again there)."""
    hint = ("Personal data shows as placeholders such as <EMAIL_1> and is removed again when you submit. "
            "An operator approves the entry in /admin before customers see it.")
    return {
        "type": "modal", "callback_id": PROPOSAL_VIEW,
        "private_metadata": json.dumps({"handoff": handoff_id, "place": place, "thread": thread}),
        "title": {"type": "plain_text", "text": f"FAQ from handoff #{handoff_id}"[:24]},
        "submit": {"type": "plain_text", "text": "Propose"}, "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "context", "elements": [{"type": "plain_text", "text": hint}]},
            _text_input("question", "Question", draft.question, max_length=MAX_QUESTION, lines=True),
            _text_input("answer", "Answer", draft.answer, max_length=MAX_ANSWER, lines=True),
        ],
    }


def transcript_text(packet: Packet) -> str:
    """The packet's transcript (its last messages); says how many came before it, which staff read on
    the web console: a long conversation's thread began mid-way as if it were the start."""
    lines = [f"*{m['role']}:* {m['text']}" for m in packet.transcript]
    earlier = ""
    if packet.left_out:
        earlier = (f"; the last {len(packet.transcript)} messages, the {packet.left_out} before them are on the web console"
                   if packet.left_out > 1 else f"; the last {len(packet.transcript)} messages, the one before them is on the web console")
    return f"Transcript (personal data redacted{earlier}):\n" + "\n".join(lines)


class SlackStaffDesk:
    """The `StaffDesk` of the handoff service, on the Slack Web API."""

    name = "Slack"

    def __init__(self, *, client: AsyncWebClient, fetch_file: FetchFile | None = None, proposals: bool = False) -> None:
        """`proposals`: a resolved handoff's card offers "Propose as FAQ" (handled by channels/slack_staff.py)."""
        self._client = client
        self._fetch_file = fetch_file
        self._proposals = proposals

    async def announce(self, handoff: Handoff, packet: Packet, *, position: int, reminder: bool = False) -> DeskThread:
        channel = handoff.staff_channel or ""
        if reminder and handoff.thread_ts:
            with _slack_answers():
                await self._client.chat_postMessage(
                    channel=channel, thread_ts=handoff.thread_ts, reply_broadcast=True,
                    text=f"Still waiting for someone to claim handoff #{handoff.id} (number {position} in the queue).",
                )
            return DeskThread(place=channel, thread=handoff.thread_ts)
        text = f"Handoff #{handoff.id}: {packet.intent}"
        if packet.mention:
            text = f"{_mention(packet.mention)} {text}"
        with _slack_answers():
            response = await self._client.chat_postMessage(channel=channel, text=text, blocks=card_blocks(handoff, packet, position=position), unfurl_links=False)
        return DeskThread(place=str(response.get("channel") or channel), thread=str(response["ts"]))

    def transcript(self, packet: Packet) -> str:
        return transcript_text(packet)  # whole: one Slack finds too long is posted in pieces (handoff/service.py)

    async def update_card(self, handoff: Handoff, packet: Packet, *, position: int | None = None) -> None:
        """The card replaced whole (chat.update with every block), so its layout is always this release's."""
        with _slack_answers():
            await self._client.chat_update(
                channel=handoff.staff_channel or "", ts=handoff.thread_ts or "", text=f"Handoff #{handoff.id}: {packet.intent}",
                blocks=card_blocks(handoff, packet, position=position, proposals=self._proposals),
            )

    async def post_in_thread(self, handoff: Handoff, text: str) -> None:
        """`text` is shown as written (customer words, placeholders), with *bold* labels. Not cut short:
        Slack answers msg_too_long to what it won't take, and the service posts that in pieces."""
        with _slack_answers():
            await self._client.chat_postMessage(channel=handoff.staff_channel or "", thread_ts=handoff.thread_ts, text=_escape(text))

    async def tell_channel(self, channel: str, text: str) -> None:
        """A notice for the whole staff channel, outside any handoff (a rollout step back)."""
        await self._client.chat_postMessage(channel=channel, text=_escape(text), unfurl_links=False)

    async def share_files(self, handoff: Handoff, files: Sequence[CustomerFile]) -> None:
        """Each file fetched from the customer's channel and uploaded into the thread (files.getUploadURLExternal,
        the upload, files.completeUploadExternal). One that can't be (too large, a channel that can't
        hand files out, Slack refusing) is named in the thread instead, with why; the card lists them all."""
        for item in files:
            attachment = item.attachment
            kind, file_id = attachment.kind, attachment.file_id
            try:
                if self._fetch_file is None:
                    raise InputError("files can't be fetched here")
                content = await self._fetch_file(channel=item.channel, tenant=handoff.tenant, attachment=attachment)
                await self._client.files_upload_v2(
                    channel=handoff.staff_channel or "", thread_ts=handoff.thread_ts, file=content.data, filename=content.name,
                    title=f"{kind} from the customer",
                )
                continue
            except InputError as exc:
                why = str(exc)
            except Exception as exc:
                logger.warning("uploading a customer's file to handoff %s failed (%s)", handoff.id, type(exc).__name__)
                why = f"the upload failed ({type(exc).__name__})"
            await self.post_in_thread(handoff, f"File from the customer: {kind} ({item.channel} file {file_id}), not attached: {why}")
