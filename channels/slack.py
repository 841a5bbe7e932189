"""Slack for customers: direct messages to the app and mentions in shared channels (B2B).

Each thread is one conversation: a DM or mention starts a thread under the customer's message and
the bot answers there; a message written in the DM itself while people hold one of its conversations
goes to that conversation (`held_thread`), so it reaches the person, not a second handoff. In a shared channel the bot answers a thread message only when it mentions
the bot or the thread already is a conversation (`known_thread`, a lookup the channel is given):
a shared channel is full of threads between other people. Only a customer writing something new
is read (no subtype, a file share, a thread reply also sent to the channel); the app's own
messages, edits, deletions, joins, topic changes and the like are dropped. A file share gets a
polite note that the bot reads text only.
The staff side (the handoff channel) lives in handoff/; both share one bolt app at /slack/events.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import emoji
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import texts
from bot.core.channel import Attachment, Button, ConversationRef, InboundMessage, Reply
from bot.core.links import absolute_url
from bot.core.messages import Role
from bot.core.text import escape_angles

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
# message subtypes that are a customer writing something new; every other subtype (edits, deletions,
# bot messages, joins, topic changes, and whatever Slack adds next) is noise
_CUSTOMER_SUBTYPES = {None, "file_share", "thread_broadcast"}
_DIRECT = {"im", "mpim"}
KnownThread = Callable[[ConversationRef], Awaitable[bool]]  # is this thread already a conversation?
HeldThread = Callable[[ConversationRef], Awaitable[str | None]]  # the thread people own at this address, if any
MAX_TEXT = 3000  # Slack's limit for a text block


def in_shared_thread(event: Mapping[str, Any]) -> bool:
    """A plain message in a thread of a (shared) channel: answered only if the thread is a conversation."""
    return event.get("type") == "message" and event.get("channel_type") not in _DIRECT and bool(event.get("thread_ts"))


def ref_of(event: Mapping[str, Any], *, tenant: str) -> ConversationRef:
    thread = str(event.get("thread_ts") or event.get("ts") or "")
    return ConversationRef(channel="slack", tenant=tenant, address=str(event.get("channel") or ""), thread=thread)


def normalize_event(
    event: Mapping[str, Any], *, tenant: str, bot_user_id: str | None, staff_channel: str | None, thread_known: bool = False
) -> InboundMessage | None:
    """A Slack `message` or `app_mention` event from a customer as one inbound message, else None.

    `thread_known`: the caller found that this event's thread already is a conversation (see
    `SlackCustomerChannel.inbound`); without it, thread messages in channels are not the bot's.
    """
    kind = event.get("type")
    if kind not in {"message", "app_mention"}:
        return None
    subtype = event.get("subtype")
    if not isinstance(subtype, str | None) or subtype not in _CUSTOMER_SUBTYPES:
        return None
    if event.get("bot_id") or (bot_user_id and event.get("user") == bot_user_id):
        return None
    channel = event.get("channel")
    if not isinstance(channel, str) or not channel or channel == staff_channel:
        return None  # the staff channel is handled by handoff/
    text = event.get("text") if isinstance(event.get("text"), str) else ""
    if kind == "message" and event.get("channel_type") not in _DIRECT:
        # in shared channels the bot speaks only when mentioned (app_mention) or in its own threads
        if not event.get("thread_ts") or not thread_known:
            return None
        if bot_user_id and f"<@{bot_user_id}>" in text:
            return None  # the app_mention event for the same message will carry it
    attachments = tuple(
        Attachment(kind="document", name=f.get("name"), file_id=f.get("id"), size=f.get("size"))
        for f in event.get("files") or ()
        if isinstance(f, Mapping)
    )
    return InboundMessage(
        ref=ref_of(event, tenant=tenant),
        platform_id=str(event.get("client_msg_id") or f"{channel}-{event.get('ts')}"),
        user=event.get("user"),
        # Slack's text for an emoji is its shortcode (`:+1:`): as the emoji, a thumbs-up alone is
        # acknowledged as on other channels, not searched as the word "+1" and handed to a person
        text=_emoji(_MENTION.sub("", text)).strip(),
        attachments=attachments,
    )


def blocks_for(reply: Reply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    said = reply.text_beside_citations  # the sources are listed below
    text = said if reply.role != Role.AGENT or not reply.author else f"*{reply.author}*: {said}"
    for start in range(0, max(len(text), 1), MAX_TEXT):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _escape(text[start : start + MAX_TEXT]) or " "}})
    if reply.citations:
        links = " · ".join(_citation(c.title, c.url) for c in reply.citations)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": texts.text("sources", reply.lang, links=links)}]})
    choices = [b for b in reply.buttons if b.action == "choose"]
    # a clarification's articles, one row each (an action id may occur once per block; titles are long)
    for n, button in enumerate(choices):
        blocks.append({"type": "actions", "block_id": f"supportbot_choose_{n}", "elements": [_button(button)]})
    rest = [b for b in reply.buttons if b.action != "choose"]
    if rest:
        # an action id may occur once per block: a repeated action (the rating's 1 to 5) numbers its buttons
        repeated = {b.action for b in rest if sum(o.action == b.action for o in rest) > 1}
        elements = [_button(b, suffix=f".{n}" if b.action in repeated else "") for n, b in enumerate(rest)]
        blocks.append({"type": "actions", "block_id": "supportbot_feedback", "elements": elements})
    return blocks


def _citation(title: str, url: str | None) -> str:
    """`<url|title>` for a safe absolute http(s) URL (bot/core/links.py), else the title alone: a stored
    URL may predate the check at ingest, and Slack can't resolve a link relative to the help site."""
    link = absolute_url(url)
    if link is None:
        return _escape(title)
    # inside <...> the URL must not close the link early or start the label: `|`, `<`, `>` percent-encoded
    link = link.replace("&", "&amp;").replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"<{link}|{_escape(title)}>"


def _button(button: Button, *, suffix: str = "") -> dict[str, Any]:
    # Slack cuts nothing itself: a button's text may have at most 75 characters
    label = button.label if len(button.label) <= 75 else button.label[:74] + "…"
    return {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": f"customer_{button.action}{suffix}",
            "value": button.value or button.action}


def customer_command(action_id: str) -> str:
    """The command of a customer's button press: `customer_rate.2` -> `rate` (see `blocks_for`)."""
    return action_id.removeprefix("customer_").split(".", 1)[0]


_escape = escape_angles


_TOKEN = re.compile(r"<([^<>\s][^<>]*)>")
_USER_TOKEN = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def mentioned_users(text: str) -> list[str]:
    """The user ids a Slack message mentions (`<@U123>`), to look their names up for `plain_text`."""
    return list(dict.fromkeys(_USER_TOKEN.findall(text)))


def plain_text(text: str, *, names: Mapping[str, str] | None = None) -> str:
    """A message typed in Slack as a customer on another channel should read it: Slack's markup
    (https://api.slack.com/reference/surfaces/formatting) undone. `<https://x|label>` becomes
    "label (https://x)", `<mailto:a@b>` "a@b", `<@U123>` "@Name" (from `names`, else its label, else
    "@someone": an id means nothing to a customer), `<#C1|general>` "#general", `<!here>` "@here",
    and `&amp;`, `&lt;`, `&gt;` their characters; an emoji's shortcode (`:+1::skin-tone-3:`, Slack's text for
    an emoji however it was typed) its emoji ("👍🏼"), a workspace's own (`:partyparrot:`) left as typed. Bold
    and italic markers stay as typed."""
    names = names or {}

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (names.get(target[1:]) or label.lstrip("@") or "someone")
        if target.startswith("#"):
            return "#" + (label or "channel")
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word in _SPECIAL:
                return _SPECIAL[word]
            return label  # a date's fallback text, a user group's handle (`@support`), else nothing
        if target.startswith("mailto:"):
            address = target.removeprefix("mailto:")
            return address if not label or label == address else f"{label} ({address})"
        if label and label != target:
            return f"{label} ({target})"
        return target

    return _emoji(_TOKEN.sub(token, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


_SKIN_TONE = re.compile(r":skin-tone-([2-6]):")


def _emoji(text: str) -> str:
    """Slack's shortcodes as emoji: the `emoji` package's names and aliases (GitHub's and Slack's
    `:thumbsup:`, `:white_check_mark:`), and Slack's skin tones as the Unicode modifiers that follow."""
    if ":" not in text:
        return text
    return _SKIN_TONE.sub(lambda m: chr(0x1F3FB + int(m.group(1)) - 2), emoji.emojize(text, language="alias"))


class SlackCustomerChannel:
    name = "slack"

    def __init__(self, *, client: AsyncWebClient, known_thread: KnownThread | None = None, held_thread: HeldThread | None = None) -> None:
        self._client = client
        self._known_thread = known_thread
        self._held_thread = held_thread

    async def inbound(self, event: Mapping[str, Any], *, tenant: str, bot_user_id: str | None) -> InboundMessage | None:
        """`normalize_event`, after looking up whether a channel thread is already a conversation."""
        known = False
        if in_shared_thread(event) and self._known_thread is not None:
            known = await self._known_thread(ref_of(event, tenant=tenant))
        if event.get("channel_type") in _DIRECT and not event.get("thread_ts") and self._held_thread is not None:
            # written in the DM itself, not in a thread: while a person has (or is about to take) the
            # DM's conversation, it goes there, to that person, instead of opening a second handoff
            held = await self._held_thread(ref_of(event, tenant=tenant))
            if held:
                event = {**event, "thread_ts": held}
        return normalize_event(event, tenant=tenant, bot_user_id=bot_user_id, staff_channel=None, thread_known=known)

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        await self._client.chat_postMessage(
            channel=ref.address, thread_ts=ref.thread, text=reply.text[:MAX_TEXT], blocks=blocks_for(reply), unfurl_links=False
        )
