"""The Slack side: one slack-bolt app at `/slack/events` for staff handoff threads and Slack customers.

Staff: each handoff opens a thread in the staff channel with a Block Kit card (Claim, Resolve, Return
to bot, Send draft; posted by handoff/slack_desk.py). Claiming updates the card; anything staff write in the thread reaches the
customer on their channel; customer messages appear in the thread. Slack retries are harmless (every
relayed message is deduplicated by its Slack ts). Requests are verified with the signing secret
(bolt answers 401 to forged or stale signatures). Socket Mode is used when SLACK_APP_TOKEN is set.
Customers: DMs, mentions and messages in threads that already are conversations (the dispatcher knows
them) go to the dispatcher as normalized messages (channels/slack.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from channels.base import ConversationRef, InboundMessage
from channels.slack import SlackCustomerChannel
from handoff.desk import StaffAction, StaffMember
from handoff.slack_desk import SlackStaffDesk

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher
    from handoff.service import HandoffService

logger = logging.getLogger(__name__)

def staff_channels(settings: Settings) -> set[str]:
    from handoff.policy import policy_from

    channels = {settings.handoff_channel} if settings.handoff_channel else set()
    for tenant in settings.tenants.values():
        channels |= {t.channel for t in policy_from(tenant.raw).topics if t.channel}
    return channels


def tenant_for_team(settings: Settings, *team_ids: str | None) -> str | None:
    """The tenant of the first given Slack workspace a tenant claims (`[tenants.x.slack] team_id`).
    Pass the most specific team first: in a shared channel the customer's own workspace is the
    event's `user_team`, not the workspace the app is installed in. A workspace nobody claims goes to
    `default` (or the only tenant) only while no tenant is bound to a workspace: once tenants are,
    a stranger's workspace must not read any tenant's help center."""
    bound = {str(t.raw.get("slack", {}).get("team_id", "")): name for name, t in settings.tenants.items() if t.raw.get("slack", {}).get("team_id")}
    for team_id in team_ids:
        if team_id and team_id in bound:
            return bound[team_id]
    if bound:
        return None
    return "default" if "default" in settings.tenants else (next(iter(settings.tenants)) if len(settings.tenants) == 1 else None)


class SlackApp:
    """The bolt app and its routes; built by the composition root when Slack is configured."""

    def __init__(self, *, settings: Settings, handoff: HandoffService, dispatcher: Dispatcher) -> None:
        self.client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        # process_before_response: a message is stored before Slack hears 200 (or, in Socket Mode, its
        # envelope ack). Acking first would lose a customer message or a staff reply to a crash in
        # between, and Slack would not send it again. Storing takes milliseconds, well within Slack's
        # 3 s; a late ack only costs a retry, which the per-ts deduplication absorbs. Button clicks
        # are acked first (see `_register`).
        if settings.slack_signing_secret:
            self.bolt = AsyncApp(client=self.client, signing_secret=settings.slack_signing_secret, process_before_response=True)
        else:  # Socket Mode only: no HTTP endpoint is mounted, Slack's socket is authenticated by the app token
            self.bolt = AsyncApp(client=self.client, request_verification_enabled=False, process_before_response=True)
        self.desk = SlackStaffDesk(client=self.client, fetch_file=dispatcher.fetch_file)
        self._verifier = SignatureVerifier(settings.slack_signing_secret) if settings.slack_signing_secret else None
        self.customers = SlackCustomerChannel(client=self.client, known_thread=dispatcher.knows)
        self._settings = settings
        self._handoff = handoff
        self._dispatcher = dispatcher
        self._staff_channels = staff_channels(settings)
        self._names: dict[str, str] = {}
        self._register()

    async def _name(self, user_id: str) -> str:
        if user_id not in self._names:
            try:
                info = await self.client.users_info(user=user_id)
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
        try:
            handoff_id = int(action.get("value") or 0)
        except ValueError:
            handoff_id = 0
        kind = StaffAction(action["action_id"].removeprefix("handoff_"))
        staff = StaffMember(id=user, name=name, desk=self.desk.name)
        result = await self._handoff.act(kind, handoff_id, staff=staff, client_id=f"{kind.value}-{action.get('action_ts')}")
        if result is None:
            await self._ephemeral(body, "That handoff no longer exists.")

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
                text="", command=action["action_id"].removeprefix("customer_"), payload=action.get("value"),
            )
        )

    async def _on_unknown_action(self, body: dict[str, Any]) -> None:
        await self._ephemeral(body, "Sorry, I don't know what to do with that button. It may be from an older version of this app.")

    async def _ephemeral(self, body: dict[str, Any], text: str) -> None:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id")
        if channel and user:
            try:
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text)
            except Exception:
                logger.warning("could not send an ephemeral reply")

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]) -> None:
        channel = event.get("channel")
        bot_user = context.get("bot_user_id")
        if channel in self._staff_channels:
            # staff writing in a handoff thread: to the customer
            if event.get("subtype") or event.get("bot_id") or (bot_user and event.get("user") == bot_user) or not event.get("thread_ts"):
                return
            user = str(event.get("user") or "")
            handoff = await asyncio.to_thread(self._handoff.by_desk_thread, str(event["thread_ts"]))
            if handoff is not None:
                await self._handoff.reply(
                    handoff.id or 0, staff=StaffMember(id=user, name=await self._name(user), desk=self.desk.name),
                    text=str(event.get("text") or ""), client_id=f"slack-{event.get('ts')}",
                )
            return
        tenant = tenant_for_team(self._settings, event.get("user_team"), event.get("team"), body.get("team_id"))
        if tenant is None:
            logger.info("a Slack event from a workspace no tenant claims was ignored")
            return
        inbound = await self.customers.inbound(event, tenant=tenant, bot_user_id=bot_user)
        if inbound is not None:
            await self._dispatcher.accept(inbound)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Forged or stale signature: 401; a signed body that is not a Slack payload: 400; else bolt."""
        body = await request.text()
        if self._verifier is None or not self._verifier.is_valid_request(body, dict(request.headers)):
            return web.json_response({"error": "invalid signature"}, status=401)
        if not _well_formed(body, request.content_type):
            logger.warning("a malformed Slack request was refused")
            return web.json_response({"error": "malformed request"}, status=400)
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))


def _well_formed(body: str, content_type: str) -> bool:
    import json
    from urllib.parse import parse_qs

    try:
        if content_type == "application/json":
            return isinstance(json.loads(body), dict)
        form = parse_qs(body)
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return "command" in form or "ssl_check" in form or bool(form)
    except (ValueError, IndexError):
        return False
