"""Telegram: an answer shown as it is generated, in one message edited at most once a second.

`LiveAnswers` keeps, per chat, the message an answer is streamed into: tokens grow it, a retraction
blanks it (`RETRACTED`) until the next token or the final reply, and the final reply is edited into
it. A message an earlier process was streaming into when it died can be taken over (`resume`).
`TelegramChannel` owns one and hands it the bot and its 429-honouring `call`.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.channel import ConversationRef

EDIT_INTERVAL = 1.0
RETRACTED = "…"  # what a streamed message shows once its unchecked text is taken back
Call = Callable[..., Awaitable[Any]]  # `TelegramChannel._call`: a Bot API method and its arguments


@dataclass(frozen=True, slots=True)
class _MessageId:
    """Enough of a sent message to edit it (what `LiveAnswers.edit` reads of a python-telegram-bot `Message`)."""

    chat_id: int
    message_id: int


class _LiveMessage:
    def __init__(self) -> None:
        self.text = ""
        self.message: Any = None
        self.last_edit = 0.0
        self.lock = asyncio.Lock()
        self.resumed = False  # a message left by an earlier process (`resume`)


class LiveAnswers:
    """The answers being streamed, one message per chat; `limit` is the longest text a message holds."""

    def __init__(self, *, bot: Bot, call: Call, limit: int) -> None:
        self._bot = bot
        self._call = call
        self._limit = limit
        self._streams: dict[str, _LiveMessage] = {}  # chat -> the answer being streamed into it

    def take(self, ref: ConversationRef) -> _LiveMessage | None:
        """The answer streamed into this chat, which a reply now completes (it is forgotten here)."""
        return self._streams.pop(ref.address, None)

    def resume(self, ref: ConversationRef, message_id: str) -> None:
        live = _LiveMessage()
        live.message = _MessageId(chat_id=int(ref.address), message_id=int(message_id))
        live.resumed = True
        self._streams[ref.address] = live

    async def push(self, ref: ConversationRef, token: str) -> str | None:
        live = self._streams.setdefault(ref.address, _LiveMessage())
        async with live.lock:
            live.text += token
            if not live.text.strip() or len(live.text) > self._limit - 100:
                return None
            now = time.monotonic()
            if live.message is None:
                live.message = await self._call(self._bot.send_message, chat_id=int(ref.address), text=html.escape(live.text), parse_mode=ParseMode.HTML)
                live.last_edit = now
                return str(live.message.message_id)
            if now - live.last_edit >= EDIT_INTERVAL:
                await self.edit(live.message, html.escape(live.text))
                live.last_edit = now
            return None

    async def retract(self, ref: ConversationRef) -> None:
        live = self._streams.get(ref.address)
        if live is None:
            return
        async with live.lock:
            live.text = ""
            if live.message is not None:
                await self.edit(live.message, RETRACTED)
                live.last_edit = time.monotonic()

    async def finish(self, ref: ConversationRef, live: _LiveMessage, parts: list[str], *, markup: InlineKeyboardMarkup | None) -> None:
        """The final reply (rendered and split into `parts`) replaces the streamed text; parts beyond
        the first follow as new messages, and the buttons go under the last one."""
        async with live.lock:
            await self.edit(live.message, parts[0], markup=markup if len(parts) == 1 else None)
            for index, part in enumerate(parts[1:], 1):
                await self._call(
                    self._bot.send_message, chat_id=int(ref.address), text=part, parse_mode=ParseMode.HTML,
                    reply_markup=markup if index == len(parts) - 1 else None,
                )

    async def edit(self, message: Any, text: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
        try:
            await self._call(
                self._bot.edit_message_text, chat_id=message.chat_id, message_id=message.message_id, text=text,
                parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True,
            )
        except BadRequest as exc:  # "message is not modified" is not an error for us
            if "not modified" not in str(exc).lower():
                raise
