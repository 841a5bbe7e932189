"""Telegram: webhook (or polling) updates in, HTML-formatted replies out, via python-telegram-bot.

The webhook acks at once: it checks the secret header, parses the update, hands the normalized
message to `submit` (the durable inbox) and returns 200. Replies are split at Telegram's 4,096
character limit, escaped for HTML parse mode, streamed by editing one message at most once a second,
and a 429 is honoured by waiting `retry_after`.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError

from channels.base import Attachment, Button, ConversationRef, InboundMessage, Reply

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
EDIT_INTERVAL = 1.0
Submit = Callable[[InboundMessage], Awaitable[None]]


def render_html(reply: Reply) -> str:
    text = html.escape(reply.text)
    if reply.author and reply.role == "agent":
        text = f"<b>{html.escape(reply.author)}</b>: {text}"
    links = [
        f'<a href="{html.escape(c.url, quote=True)}">{html.escape(c.title)}</a>' if c.url else html.escape(c.title)
        for c in reply.citations
    ]
    if links:
        text += "\n\n" + "\n".join(f"• {link}" for link in links)
    return text


def split_message(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at paragraph, line or word boundaries, never inside an HTML tag or entity."""
    parts: list[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        # don't cut through an entity (&amp;) or a tag (<a href=...>)
        amp, semi = window.rfind("&", 0, cut), window.rfind(";", 0, cut)
        if amp > semi:
            cut = amp
        lt, gt = window.rfind("<", 0, cut), window.rfind(">", 0, cut)
        if lt > gt:
            cut = lt
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=f"{b.action}:{b.value}"[:64]) for b in buttons]])


def _lenient(data: Any, *, key: str = "") -> Any:
    """Fill fields older or hand-written updates omit (Telegram's own doc examples lack `is_bot`
    and chat `type`), so python-telegram-bot can parse them; nothing else is changed."""
    if isinstance(data, dict):
        out = {k: _lenient(v, key=k) for k, v in data.items()}
        if key in {"from", "from_user", "user", "forward_from"} and "id" in out:
            out.setdefault("is_bot", False)
            out.setdefault("first_name", "")
        if "file_id" in out:
            out.setdefault("file_unique_id", out["file_id"])
            if key in {"audio", "voice", "video", "video_note"}:
                out.setdefault("duration", 0)
        if key == "callback_query":
            out.setdefault("chat_instance", "")
        if key == "chat" and "id" in out:
            out.setdefault("type", "private" if int(out["id"]) > 0 else "group")
        return out
    if isinstance(data, list):
        return [_lenient(v) for v in data]
    return data


_ATTACHMENT_KINDS = ("photo", "document", "audio", "voice", "video", "video_note", "sticker", "animation")


def normalize(update: Update, *, tenant: str) -> InboundMessage | None:
    """One Telegram update as one inbound message, or None for kinds the bot doesn't handle."""
    if update.callback_query is not None:
        query = update.callback_query
        # a button in a private chat: the chat id is the user's id when the message is not included
        chat_id = query.message.chat.id if query.message else query.from_user.id
        action, _, value = (query.data or "").partition(":")
        return InboundMessage(
            ref=ConversationRef(channel="telegram", tenant=tenant, address=str(chat_id)),
            platform_id=f"update-{update.update_id}",
            user=str(query.from_user.id),
            text="",
            command=action or None,
            payload=value or None,
            display_name=query.from_user.first_name,
        )
    message = update.message or update.edited_message
    if message is None or message.chat is None:
        return None
    edited = update.edited_message is not None
    text = message.text or message.caption or ""
    command = None
    if text.startswith("/"):
        command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
        text = text.split(maxsplit=1)[1] if " " in text else ""
    attachments = []
    for kind in _ATTACHMENT_KINDS:
        item = getattr(message, kind, None)
        if not item:
            continue
        if isinstance(item, tuple):  # photos come in several sizes: keep the largest
            item = item[-1]
        attachments.append(
            Attachment(kind=kind, name=getattr(item, "file_name", None), file_id=getattr(item, "file_id", None), size=getattr(item, "file_size", None))
        )
    user = message.from_user
    return InboundMessage(
        ref=ConversationRef(channel="telegram", tenant=tenant, address=str(message.chat.id)),
        # an edit is a new message to answer, with its own id (the edit date tells edits apart)
        platform_id=f"msg-{message.chat.id}-{message.message_id}" + (f"-edit-{int(message.edit_date.timestamp())}" if edited and message.edit_date else ""),
        user=str(user.id) if user else None,
        text=text,
        attachments=tuple(attachments),
        command=command,
        display_name=user.first_name if user else None,
    )


RETRACTED = "…"  # what a streamed message shows once its unchecked text is taken back


class _LiveMessage:
    def __init__(self) -> None:
        self.text = ""
        self.message: Any = None
        self.last_edit = 0.0
        self.lock = asyncio.Lock()


class TelegramChannel:
    name = "telegram"

    def __init__(self, *, token: str, tenant: str, api_url: str, webhook_secret: str | None, submit: Submit) -> None:
        self.tenant = tenant
        self._secret = webhook_secret
        self._submit = submit
        base = api_url if api_url.endswith("/bot") or api_url.endswith("bot") else api_url.rstrip("/") + "/bot"
        self.bot = Bot(token=token, base_url=base, base_file_url=base.removesuffix("bot") + "file/bot")
        self._streams: dict[str, _LiveMessage] = {}  # chat -> the answer being streamed into it

    async def start(self) -> None:
        await self.bot.initialize()

    async def stop(self) -> None:
        await self.bot.shutdown()

    # inbound -------------------------------------------------------------------------------
    async def handle_webhook(self, request: web.Request) -> web.Response:
        if self._secret is not None:
            supplied = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(supplied.encode(), self._secret.encode()):
                logger.warning("telegram webhook with a wrong secret token refused")
                return web.json_response({"error": "forbidden"}, status=401)
        try:
            data = await request.json()
            if not isinstance(data, dict) or "update_id" not in data:
                raise ValueError("not an update")
            update = Update.de_json(_lenient(data), self.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
            logger.warning("malformed telegram update refused: %s", type(exc).__name__)
            return web.json_response({"error": "malformed update"}, status=400)
        await self.accept(update)
        return web.json_response({"ok": True})

    async def accept(self, update: Update) -> None:
        if update.callback_query is not None:
            try:  # stop the button's spinner at once
                await self.bot.answer_callback_query(update.callback_query.id)
            except TelegramError:
                logger.warning("could not answer a callback query")
        inbound = normalize(update, tenant=self.tenant)
        if inbound is None:
            logger.info("telegram update %s of an unhandled kind ignored", update.update_id)
            return
        await self._submit(inbound)

    async def poll(self, *, stop: asyncio.Event, timeout: int = 20) -> None:
        """Long polling for local use (no public URL needed)."""
        offset = None
        while not stop.is_set():
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=timeout)
            except RetryAfter as exc:
                await asyncio.sleep(float(exc.retry_after if not hasattr(exc.retry_after, "total_seconds") else exc.retry_after.total_seconds()))
                continue
            except TelegramError:
                logger.warning("telegram polling failed; retrying")
                await asyncio.sleep(2)
                continue
            for update in updates:
                offset = update.update_id + 1
                await self.accept(update)

    # outbound ------------------------------------------------------------------------------
    async def _call(self, method: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        for _ in range(3):
            try:
                return await method(**kwargs)
            except RetryAfter as exc:
                delay = exc.retry_after
                await asyncio.sleep(delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay))
        return await method(**kwargs)

    async def send(self, ref: ConversationRef, reply: Reply) -> None:
        live = self._streams.pop(ref.address, None)
        if live is not None and live.message is not None and reply.role == "bot":
            await self._finish(ref, live, reply)  # the streamed message becomes the final answer
            return
        parts = split_message(render_html(reply))
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self._call(
                self.bot.send_message, chat_id=int(ref.address), text=part, parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons) if last else None, disable_web_page_preview=True,
            )

    async def typing(self, ref: ConversationRef) -> None:
        try:
            await self.bot.send_chat_action(chat_id=int(ref.address), action="typing")
        except TelegramError:
            pass

    async def stream(self, ref: ConversationRef, tokens: AsyncIterator[str], *, final: Reply) -> None:
        """Show an answer as it is generated: one message, edited at most once a second."""
        async for token in tokens:
            await self.push_token(ref, token)
        await self.send(ref, final)

    async def push_token(self, ref: ConversationRef, token: str) -> None:
        """A token of an answer being generated for this chat; `send` of the finished reply completes it."""
        live = self._streams.setdefault(ref.address, _LiveMessage())
        async with live.lock:
            live.text += token
            if not live.text.strip() or len(live.text) > MAX_TEXT - 100:
                return
            now = time.monotonic()
            if live.message is None:
                live.message = await self._call(self.bot.send_message, chat_id=int(ref.address), text=html.escape(live.text), parse_mode=ParseMode.HTML)
                live.last_edit = now
            elif now - live.last_edit >= EDIT_INTERVAL:
                await self._edit(live.message, html.escape(live.text))
                live.last_edit = now

    async def retract(self, ref: ConversationRef) -> None:
        """The streamed text did not check out: the message shows a placeholder until the next
        stream or the final reply (`send`) edits it; nothing unchecked stays on screen."""
        live = self._streams.get(ref.address)
        if live is None:
            return
        async with live.lock:
            live.text = ""
            if live.message is not None:
                await self._edit(live.message, RETRACTED)
                live.last_edit = time.monotonic()

    async def _finish(self, ref: ConversationRef, live: _LiveMessage, final: Reply) -> None:
        parts = split_message(render_html(final))
        async with live.lock:
            await self._edit(live.message, parts[0], markup=keyboard(final.buttons) if len(parts) == 1 else None)
            for index, part in enumerate(parts[1:], 1):
                await self._call(
                    self.bot.send_message, chat_id=int(ref.address), text=part, parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(final.buttons) if index == len(parts) - 1 else None,
                )

    async def _edit(self, message: Any, text: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
        try:
            await self._call(
                self.bot.edit_message_text, chat_id=message.chat_id, message_id=message.message_id, text=text,
                parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True,
            )
        except BadRequest as exc:  # "message is not modified" is not an error for us
            if "not modified" not in str(exc).lower():
                raise
