"""The Slack side: one slack-bolt app at `/slack/events` for staff handoff threads and Slack customers.

Staff: each handoff opens a thread in the staff channel with a Block Kit card (Claim, Resolve, Return
to bot, Send draft; posted by channels/slack_desk.py). A resolved handoff's card offers "Propose as FAQ":
a modal (views.open) prefilled with the redacted question and staff's answer, which staff edit and
submit (view_submission) as a FAQ proposal an operator approves in /admin. Claiming updates the card; anything staff write in the thread reaches the
customer on their channel; customer messages appear in the thread. Slack retries are harmless (every
relayed message is deduplicated by its Slack ts); what staff type reaches customers as plain text
(Slack's markup undone). Requests are verified with the signing secret over the raw body (401 for
forged or stale signatures), and a signed body bolt could not read is a 400, never a 500
(channels/slack_payloads.py). A customer message is stored even while Slack's Web API is
unreachable (BotIdentity, channels/slack_identity.py). Socket Mode is used when SLACK_APP_TOKEN is set.
Customers: DMs, mentions and messages in threads that already are conversations (the dispatcher knows
them) go to the dispatcher as normalized messages (channels/slack.py), the tenant told by their workspace
(channels/slack_workspaces.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.channel import ConversationRef, InboundMessage
from bot.core.config import Settings
from bot.core.desk import ReplyOutcome, StaffAction, StaffMember, lost_claim
from bot.core.errors import InputError
from channels import slack_payloads
from channels.slack import SlackCustomerChannel, customer_command, mentioned_users, plain_text
from channels.slack_desk import (
    PROPOSAL_VIEW,
    PROPOSE_ACTION,
    FaqProposals,
    SlackStaffDesk,
    draft_not_sent_text,
    lost_claim_text,
    pressed,
    proposal_view,
)
from channels.slack_identity import BotIdentity
from channels.slack_workspaces import staff_channels, tenant_for_team

if TYPE_CHECKING:
    from bot.core.ports import Inbox as Dispatcher
    from bot.core.ports import StaffActions as HandoffService

logger = logging.getLogger(__name__)
# staff message subtypes that are a reply to the customer: plain, also sent to the channel, with a file
_STAFF_SUBTYPES = {None, "thread_broadcast", "file_share"}


class SlackApp:
    """The bolt app and its routes; built by the composition root when Slack is configured."""

    def __init__(self, *, settings: Settings, handoff: HandoffService, dispatcher: Dispatcher, proposals: FaqProposals | None = None) -> None:
        self.client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        self.identity = BotIdentity(client=self.client)
        # process_before_response: a message is stored before Slack hears 200 (or, in Socket Mode, its
        # envelope ack). Acking first would lose a customer message or a staff reply to a crash in
        # between, and Slack would not send it again. Storing takes milliseconds, well within Slack's
        # 3 s; a late ack only costs a retry, which the per-ts deduplication absorbs. Button clicks
        # are acked first (see `_register`).
        # `authorize`: bolt's own single-workspace authorization asks Slack (auth.test) before any
        # listener runs, so while Slack's Web API is unreachable every event got a 500 and was not
        # stored. The bot's identity is asked in the background instead (BotIdentity) and events are
        # stored whether Slack answers or not; replies wait in the durable outbox.
        # request_verification_enabled=False: `handle` checks the signature over the raw body, then
        # hands bolt the checked and cleaned payload (Socket Mode is authenticated by the app token).
        self.bolt = AsyncApp(
            client=AsyncWebClient(base_url=settings.slack_api_url), authorize=self.identity.authorizer(),
            request_verification_enabled=False, process_before_response=True,
        )
        self.desk = SlackStaffDesk(client=self.client, fetch_file=dispatcher.fetch_file, proposals=proposals is not None)
        self._proposals = proposals
        self.customers = SlackCustomerChannel(client=self.client, known_thread=dispatcher.knows, held_thread=dispatcher.thread_with_people)
        self._settings = settings
        self._handoff = handoff
        self._dispatcher = dispatcher
        self._staff_channels = staff_channels(settings)
        self._names: dict[str, str] = {}
        self._register()

    def socket_mode(self, app_token: str) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
        """Events over Slack's Socket Mode (no public URL): its connect and close, for the app's start and stop."""
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        socket = AsyncSocketModeHandler(self.bolt, app_token)
        return socket.connect_async, socket.close_async

    async def _name(self, user_id: str) -> str:
        if user_id not in self._names:
            try:
                # bounded: a staff reply is stored after this, and Slack may be unreachable
                info = await asyncio.wait_for(self.client.users_info(user=user_id), 5.0)
                user = info.get("user") or {}
                profile = user.get("profile") or {}
                self._names[user_id] = profile.get("display_name") or user.get("real_name") or user.get("name") or user_id
            except Exception:
                return user_id
        return self._names[user_id]

    def _register(self) -> None:
        bolt = self.bolt
        # Button clicks are acked at once and handled after (bolt's lazy listeners): Slack never resends
        # a click, so storing first would save nothing, while a claim or an escalation with its model
        # summary may take longer than the 3 s Slack gives a click. Messages are stored before the ack.
        bolt.action(re.compile(rf"^handoff_({'|'.join(StaffAction)})$"))(ack=self._ack, lazy=[self._on_handoff_action])
        bolt.action(re.compile(r"^customer_"))(ack=self._ack, lazy=[self._on_customer_action])
        if self._proposals is not None:
            # the modal opens after the ack (Slack's trigger_id stays good for 3 s); its submission is
            # answered in the response itself, since that is how a modal shows what is wrong with a field
            bolt.action(PROPOSE_ACTION)(ack=self._ack, lazy=[self._on_propose])
            bolt.view(PROPOSAL_VIEW)(self._on_proposal)
        bolt.action(re.compile(r".*"))(ack=self._ack, lazy=[self._on_unknown_action])
        bolt.event("message")(self._on_message)
        bolt.event("app_mention")(self._on_message)
        bolt.event(re.compile(r".*"))(self._on_other_event)  # acknowledged, so Slack doesn't retry them

    async def _ack(self, ack: Callable[[], Awaitable[None]]) -> None:
        await ack()

    async def _on_other_event(self, event: dict[str, Any]) -> None:
        logger.debug("Slack event %s ignored", event.get("type"))

    async def _on_handoff_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        user = body.get("user", {}).get("id", "")
        name = await self._name(user)
        handoff_id, seen = pressed(str(action.get("value") or ""))
        kind = StaffAction(action["action_id"].removeprefix("handoff_"))
        staff = StaffMember(id=user, name=name, desk=self.desk.name)
        if kind is StaffAction.DRAFT:
            await self._send_draft(body, handoff_id, staff=staff, client_id=f"{kind.value}-{action.get('action_ts')}")
            return
        result = await self._handoff.act(kind, handoff_id, staff=staff, client_id=f"{kind.value}-{action.get('action_ts')}",
                                         seen=seen if kind is StaffAction.TAKE_OVER else None)
        if result is None:
            await self._ephemeral(body, "That handoff no longer exists.")
        elif kind in (StaffAction.CLAIM, StaffAction.TAKE_OVER) and (lost := lost_claim(result, staff, action=kind)) is not None:
            # the card says "Claimed by Alice" to everyone; only this told Bob that his own press did nothing
            await self._ephemeral(body, lost_claim_text(result, lost))

    async def _send_draft(self, body: dict[str, Any], handoff_id: int, *, staff: StaffMember, client_id: str) -> None:
        """Send draft on a card: to the customer, unless someone else has claimed the handoff. The card is
        shared by the whole channel, so a colleague's press would have written to the claimer's customer
        beside them; held back as a message in the thread is (`_not_relayed`), told to the presser alone."""
        outcome = await self._handoff.send_draft(handoff_id, staff=staff, client_id=client_id)
        if outcome is ReplyOutcome.SENT:
            return
        handoff = await asyncio.to_thread(self._handoff.get, handoff_id)  # as it is now: who has it
        await self._ephemeral(body, draft_not_sent_text(handoff, handoff_id, outcome))

    async def _on_customer_action(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        message = body.get("message") or {}
        thread = message.get("thread_ts") or message.get("ts") or (body.get("container") or {}).get("message_ts")
        tenant = tenant_for_team(self._settings, (body.get("user") or {}).get("team_id"), (body.get("team") or {}).get("id"))
        if not channel or tenant is None:
            return
        await self._dispatcher.accept(
            InboundMessage(
                ref=ConversationRef(channel="slack", tenant=tenant, address=str(channel), thread=str(thread or "")),
                platform_id=f"action-{action.get('action_ts')}", user=(body.get("user") or {}).get("id"),
                text="", command=customer_command(action["action_id"]), payload=action.get("value"),
            )
        )

    async def _on_propose(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """"Propose as FAQ" on a card: the modal, prefilled, for the handoff of the card clicked (only)."""
        assert self._proposals is not None
        place = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
        thread = str((body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts") or "")
        try:
            handoff_id = int(action.get("value") or 0)
            draft = await self._proposals.draft(handoff_id, place=place, thread=thread)
        except (ValueError, InputError) as exc:
            await self._ephemeral(body, f"This can't be proposed as a FAQ entry: {exc}.")
            return
        view = proposal_view(handoff_id=handoff_id, place=place, thread=thread, draft=draft)
        await self.client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)

    async def _on_proposal(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], view: dict[str, Any]) -> None:
        """The modal submitted: a proposal, or the modal again with what is wrong under the field."""
        assert self._proposals is not None
        values = (view.get("state") or {}).get("values") or {}
        question, answer = (str(((values.get(block) or {}).get("text") or {}).get("value") or "") for block in ("question", "answer"))
        try:
            card = json.loads(view.get("private_metadata") or "{}")
            handoff_id, place, thread = int(card["handoff"]), str(card["place"]), str(card["thread"])
        except (ValueError, KeyError, TypeError):
            await ack(response_action="errors", errors={"question": "This form is not from a handoff's card."})
            return
        user = str((body.get("user") or {}).get("id") or "")
        try:
            proposal = await self._proposals.propose(handoff_id, place=place, thread=thread, question=question, answer=answer,
                                                     by=await self._name(user))
        except InputError as exc:
            await ack(response_action="errors", errors={"answer" if "answer" in str(exc) else "question": f"{str(exc).capitalize()}."})
            return
        await ack()
        try:  # everyone on the handoff sees it was proposed (best effort: the proposal is stored either way)
            await self.client.chat_postMessage(channel=place, thread_ts=thread, text=(
                f"{await self._name(user)} proposed this exchange as FAQ entry #{proposal}; an operator reviews it in /admin."))
        except Exception as exc:
            logger.warning("could not tell the handoff thread of FAQ proposal %s (%s)", proposal, type(exc).__name__)

    async def _on_unknown_action(self, body: dict[str, Any]) -> None:
        await self._ephemeral(body, "Sorry, I don't know what to do with that button. It may be from an older version of this app.")

    async def _ephemeral(self, body: dict[str, Any], text: str) -> None:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id")
        if channel and user:
            await self._tell(channel=channel, user=user, text=text)

    async def _tell(self, *, channel: str, user: str, text: str, thread: str | None = None) -> None:
        """An ephemeral message (in `thread` when given): for `user`'s eyes only."""
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user, text=text, **({"thread_ts": thread} if thread else {}))
        except Exception:
            logger.warning("could not send an ephemeral reply")

    async def _not_relayed(self, handoff_id: int, *, user: str, channel: str, thread: str) -> None:
        """A message in the thread of a handoff someone else claimed stays in the thread, for the team: it is
        not sent to the customer beside the claimer's own replies. Slack cannot hold a message back to ask
        "send anyway?" (the console does), and in a claimed handoff's thread a colleague's message is most
        often a word to the claimer; told to the writer alone, with who has it and how to reply themselves."""
        handoff = await asyncio.to_thread(self._handoff.by_desk_thread, thread)  # as it is now: who has it
        holder = (handoff.claimed_by if handoff is not None else None) or "someone else"
        text = (f"Not sent to the customer: {holder} has claimed handoff #{handoff_id} and is talking with them, so your message "
                f"stays in this thread for the team. To reply to the customer yourself, press Take over on the card, then write again.")
        await self._tell(channel=channel, user=user, text=text, thread=thread)

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        channel = event.get("channel")
        bot_user = context.get("bot_user_id")
        if channel in self._staff_channels:
            await self._on_staff_message(event, channel=str(channel), bot_user=bot_user)
            return
        tenant = tenant_for_team(self._settings, event.get("user_team"), event.get("team"), body.get("team_id"))
        if tenant is None:
            logger.info("a Slack event from a workspace no tenant claims was ignored")
            return
        inbound = await self.customers.inbound(event, tenant=tenant, bot_user_id=bot_user)
        if inbound is not None:
            await self._dispatcher.accept(inbound)

    async def _on_staff_message(self, event: dict[str, Any], *, channel: str, bot_user: str | None) -> None:
        """Staff writing in a handoff thread: to the customer. A reply also sent to the channel
        (`thread_broadcast`) is a reply; a file's comment is sent and the writer told the file itself is
        not; an edit is not sent again (the customer has read the first text) and the writer is told so.
        Whatever does not reach the customer is told to its writer alone, never dropped unsaid."""
        subtype = event.get("subtype")
        if subtype == "message_changed":
            await self._staff_edit(event, channel=channel, bot_user=bot_user)
            return
        if subtype not in _STAFF_SUBTYPES or event.get("bot_id") or (bot_user and event.get("user") == bot_user) or not event.get("thread_ts"):
            return
        thread = str(event["thread_ts"])
        handoff = await asyncio.to_thread(self._handoff.by_desk_thread, thread)
        if handoff is None:
            return
        user = str(event.get("user") or "")
        raw = str(event.get("text") or "")
        if raw.strip():
            # the customer reads it on the widget, Telegram or as plain text: Slack's markup undone
            names = {m: name for m in mentioned_users(raw) if (name := await self._name(m)) != m}  # an id is no name
            outcome = await self._handoff.reply(
                handoff.id or 0, staff=StaffMember(id=user, name=await self._name(user), desk=self.desk.name),
                text=plain_text(raw, names=names), client_id=f"slack-{event.get('ts')}",
            )
            if outcome is ReplyOutcome.CLAIMED_BY_ANOTHER:
                await self._not_relayed(handoff.id or 0, user=user, channel=channel, thread=thread)
                return
            if outcome is ReplyOutcome.CLOSED:
                await self._tell(channel=channel, user=user, thread=thread, text=(
                    f"Not sent to the customer: handoff #{handoff.id} is closed (resolved or returned to the bot). "
                    "The customer can write again; their next message opens a new conversation with the bot."))
                return
        if event.get("files"):
            await self._tell(channel=channel, user=user, thread=thread, text=(
                "Files are not sent to the customer" + (" (your words were)" if raw.strip() else "")
                + ": describe what it shows, or paste a link to it, in a message in this thread."))

    async def _staff_edit(self, event: dict[str, Any], *, channel: str, bot_user: str | None) -> None:
        """A staff reply edited in the thread: the customer already has its first text, and a chat message
        they have read cannot be changed on every channel; told to the writer, who can send the correction."""
        edited = event.get("message") if isinstance(event.get("message"), dict) else {}
        thread, user = edited.get("thread_ts"), edited.get("user")
        if not thread or not user or edited.get("bot_id") or user == bot_user or thread == edited.get("ts"):
            return
        handoff = await asyncio.to_thread(self._handoff.by_desk_thread, str(thread))
        if handoff is None:
            return
        await self._tell(channel=channel, user=str(user), thread=str(thread), text=(
            "Your edit did not reach the customer: they have the message as first sent. "
            "To correct it, write the correction as a new message in this thread."))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Unsigned, forged or stale: 401; signed but no Slack payload of a shape bolt can read: 400
        (channels/slack_payloads.py); else bolt, which answers once the message is stored."""
        raw = await request.read()
        secret = self._settings.slack_signing_secret
        if not secret or not slack_payloads.signed(raw, request.headers, secret=secret):
            return web.json_response({"error": "invalid signature"}, status=401)
        parsed = slack_payloads.parse(raw, request.content_type)
        if parsed is None:
            logger.warning("a malformed Slack request was refused")
            return web.json_response({"error": "malformed request"}, status=400)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"content-length", "content-encoding"}}
        bolt_request = AsyncBoltRequest(body=parsed.body, query=request.query_string, headers=headers)
        try:
            response = await self.bolt.async_dispatch(bolt_request)
        except Exception as exc:  # bolt itself choked on the payload; listeners' errors come back as a 500 response
            logger.warning("a Slack request bolt could not process was refused (%s)", type(exc).__name__)
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(response)
