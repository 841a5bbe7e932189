"""Slack for customers: direct messages to the app and mentions in shared channels (B2B).

Each thread is one conversation: a DM or mention starts a thread under the customer's message and
the bot answers there. The app's own messages, edits, deletions and other subtypes are noise and
are dropped; a file share gets a polite note that the bot reads text only.
The staff side (the handoff channel) lives in handoff/; both share one bolt app at /slack/events.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from channels.base import Attachment, Button, ConversationRef, InboundMessage, Reply

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
# message subtypes that are not a customer writing something new
_NOISE = {"message_changed", "message_deleted", "bot_message", "channel_join", "channel_leave", "thread_broadcast", "message_replied"}
FILE_NOTE = "Thanks for the file. I can only read text, so please describe the problem in a message; if you need a person to look at the file, say so and I'll pass it on."
MAX_TEXT = 3000  # Slack's limit for a text block


def normalize_event(event: Mapping[str, Any], *, tenant: str, bot_user_id: str | None, staff_channel: str | None) -> InboundMessage | None:
    """A Slack `message` or `app_mention` event from a customer as one inbound message, else None."""
    kind = event.get("type")
    if kind not in {"message", "app_mention"}:
        return None
    subtype = event.get("subtype")
    if subtype in _NOISE or event.get("bot_id") or (bot_user_id and event.get("user") == bot_user_id):
        return None
    channel = event.get("channel")
    if not channel or channel == staff_channel:
        return None  # the staff channel is handled by handoff/
    channel_type = event.get("channel_type")
    text = str(event.get("text") or "")
    if kind == "message" and channel_type not in {"im", "mpim"} and not event.get("thread_ts"):
        # in shared channels the bot speaks only when mentioned (app_mention) or in its own threads
        return None
    if kind == "message" and channel_type not in {"im", "mpim"} and bot_user_id and f"<@{bot_user_id}>" in text:
        return None  # the app_mention event for the same message will carry it
    attachments = tuple(
        Attachment(kind="document", name=f.get("name"), file_id=f.get("id"), size=f.get("size"))
        for f in event.get("files") or ()
    )
    thread = str(event.get("thread_ts") or event.get("ts") or "")
    return InboundMessage(
        ref=ConversationRef(channel="slack", tenant=tenant, address=str(channel), thread=thread),
        platform_id=str(event.get("client_msg_id") or f"{channel}-{event.get('ts')}"),
        user=event.get("user"),
        text=_MENTION.sub("", text).strip(),
        attachments=attachments,
    )


def blocks_for(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    text = reply.text if reply.role != "agent" or not reply.author else f"*{reply.author}*: {reply.text}"
    for start in range(0, max(len(text), 1), MAX_TEXT):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _escape(text[start : start + MAX_TEXT]) or " "}})
    if reply.citations:
        links = " · ".join(f"<{c.url}|{_escape(c.title)}>" if c.url else _escape(c.title) for c in reply.citations)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Sources: {links}"}]})
    if reply.buttons:
        blocks.append({"type": "actions", "block_id": "supportbot_feedback", "elements": [_button(b) for b in reply.buttons]})
    return blocks


def _button(button: Button) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": button.label}, "action_id": f"customer_{button.action}", "value": button.value or button.action}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackCustomerChannel:
    name = "slack"

    def __init__(self, *, client: AsyncWebClient) -> None:
        self._client = client

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        await self._client.chat_postMessage(
            channel=ref.address, thread_ts=ref.thread, text=reply.text[:MAX_TEXT], blocks=blocks_for(reply), unfurl_links=False
        )
