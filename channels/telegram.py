"""Telegram: webhook (or polling) updates in, HTML-formatted replies out, via python-telegram-bot.

The webhook acks at once: it checks the secret header, parses the update, hands the normalized
message (channels/telegram_updates.py) to `submit` (the durable inbox) and returns 200. Replies are split at Telegram's 4,096
character limit, escaped for HTML parse mode, streamed by editing one message at most once a second
(channels/telegram_stream.py), and a 429 is honoured by waiting `retry_after`. An answer an earlier
process was streaming when it died is edited into the message it left (`resume_stream`), not sent
again under that fragment.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.core.channel import (
    Attachment,
    Button,
    ConversationRef,
    FileContent,
    InboundMessage,
    Reply,
)
from bot.core.errors import InputError
from bot.core.links import absolute_url
from bot.core.messages import Role
from bot.core.text import split_message
from channels.json_payloads import storable
from channels.telegram_stream import LiveAnswers
from channels.telegram_updates import MAX_TEXT, lenient, normalize

logger = logging.getLogger(__name__)

MAX_DOWNLOAD = 20 * 1024 * 1024  # the largest file the Bot API's getFile serves
POLL_ATTEMPTS = 5  # tries to store one polled update before it is skipped (so one bad update can't stall the bot)
Submit = Callable[[InboundMessage], Awaitable[None]]


def api_base(api_url: str) -> str:
    """SUPPORTBOT_TELEGRAM_API_URL as python-telegram-bot's base URL (which ends in `/bot`; the token
    follows): `http://host:8081`, `http://host:8081/` and `http://host:8081/bot` all work."""
    url = api_url.rstrip("/")
    return url if url.endswith("/bot") else url + "/bot"


def make_bot(*, token: str, api_url: str) -> Bot:
    base = api_base(api_url)
    return Bot(token=token, base_url=base, base_file_url=base.removesuffix("bot") + "file/bot")


async def set_webhook(*, token: str, api_url: str, url: str, secret: str) -> None:
    """Point the bot at our webhook (`supportbot telegram set-webhook`), signed with the secret token."""
    async with make_bot(token=token, api_url=api_url) as bot:
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=["message", "edited_message", "callback_query"])


def render_html(reply: Reply) -> str:
    text = html.escape(reply.text_beside_citations)  # the sources are listed below
    if reply.author and reply.role == Role.AGENT:
        text = f"<b>{html.escape(reply.author)}</b>: {text}"
    # only a safe absolute http(s) URL becomes a link (bot/core/links.py): a stored URL may predate the
    # check at ingest, and Telegram can't resolve a link relative to the help site
    links = [
        f'<a href="{html.escape(url, quote=True)}">{html.escape(c.title)}</a>' if (url := absolute_url(c.url)) else html.escape(c.title)
        for c in reply.citations
    ]
    if links:
        text += "\n\n" + "\n".join(f"• {link}" for link in links)
    return text


def forbidden() -> web.Response:
    """The one answer for a wrong or missing secret, a polling bot, and a tenant without a bot, so the
    webhook tells nobody which tenants have one."""
    return web.json_response({"error": "forbidden"}, status=401)


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    def key(b: Button) -> InlineKeyboardButton:
        return InlineKeyboardButton(b.label, callback_data=f"{b.action}:{b.value}"[:64])

    # a clarification's articles, one row each (titles are long); the other buttons share a row
    rows = [[key(b)] for b in buttons if b.action == "choose"]
    rest = [key(b) for b in buttons if b.action != "choose"]
    return InlineKeyboardMarkup(rows + ([rest] if rest else []))



class TelegramChannel:
    name = "telegram"

    def __init__(self, *, token: str, tenant: str, api_url: str, webhook_secret: str | None, submit: Submit) -> None:
        self.tenant = tenant
        self._secret = webhook_secret
        self._submit = submit
        self.bot = make_bot(token=token, api_url=api_url)
        self._live = LiveAnswers(bot=self.bot, call=self._call, limit=MAX_TEXT)

    async def start(self) -> None:
        await self.bot.initialize()

    async def stop(self) -> None:
        await self.bot.shutdown()

    # inbound -------------------------------------------------------------------------------
    async def handle_webhook(self, request: web.Request) -> web.Response:
        if self._secret is None:  # a polling bot: nothing may push unsigned updates to it
            return forbidden()
        supplied = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(supplied.encode("utf-8", "surrogateescape"), self._secret.encode()):
            logger.warning("telegram webhook with a wrong secret token refused")
            return forbidden()
        try:
            data = storable(json.loads(await request.read()))
        except (ValueError, RecursionError) as exc:  # not UTF-8 or JSON, a number past int's digit limit, too deep
            logger.warning("undecodable telegram webhook body refused: %s", type(exc).__name__)
            return web.json_response({"error": "body is not JSON"}, status=400)
        # From here on the answer is 200 whatever the update holds: Telegram redelivers anything else
        # again and again. Logs name the update id and the error type only, never the content.
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            logger.warning("telegram webhook body without an update_id ignored")
            return web.json_response({"ok": True})
        try:
            update = Update.de_json(lenient(data), self.bot)
        except Exception as exc:  # the library raises whatever the bad field provokes
            logger.warning("telegram update %s could not be parsed (%s); ignored", data["update_id"], type(exc).__name__)
            return web.json_response({"ok": True})
        await self.accept(update)  # a failure to store it is a 500: Telegram delivers it again
        return web.json_response({"ok": True})

    async def accept(self, update: Update) -> None:
        if update.callback_query is not None:
            try:  # stop the button's spinner at once
                await self.bot.answer_callback_query(update.callback_query.id)
            except TelegramError:
                logger.warning("could not answer a callback query")
        try:
            inbound = normalize(update, tenant=self.tenant)
        except Exception as exc:  # a field of an unexpected type or shape: drop this update, not the channel
            logger.warning("telegram update %s not understood (%s); ignored", update.update_id, type(exc).__name__)
            return
        if inbound is None:
            logger.info("telegram update %s of an unhandled kind ignored", update.update_id)
            return
        await self._submit(inbound)

    async def poll(self, *, stop: asyncio.Event, timeout: int = 20, pause: float = 2.0) -> None:
        """Long polling for local use (no public URL needed).

        The offset (which tells Telegram an update is done) moves past an update only once `accept`
        has stored it; if storing fails, the batch is fetched again after a pause, and an update
        that fails POLL_ATTEMPTS times (pauses doubling from `pause`) is skipped with a log line so later
        ones still get through.
        """
        offset = None
        failures: dict[int, int] = {}  # update id -> failed attempts
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
                try:
                    await self.accept(update)
                except Exception as exc:
                    tries = failures[update.update_id] = failures.get(update.update_id, 0) + 1
                    if tries < POLL_ATTEMPTS:
                        logger.warning("telegram update %s could not be stored (%s, try %d); fetching it again", update.update_id, type(exc).__name__, tries)
                        await asyncio.sleep(min(pause * 2 ** (tries - 1), 30.0))
                        break
                    logger.error("telegram update %s skipped after %d failed tries (%s)", update.update_id, tries, type(exc).__name__)
                failures.pop(update.update_id, None)
                offset = update.update_id + 1

    # files, for staff -----------------------------------------------------------------------
    async def fetch_file(self, attachment: Attachment) -> FileContent:
        """A customer's photo or document (getFile, then the download), for the staff thread.

        The bytes and not a link: a Bot API file URL carries the bot token, so it must not be posted.
        """
        if not attachment.file_id:
            raise InputError("this attachment has no Telegram file id")
        if attachment.size is not None and attachment.size > MAX_DOWNLOAD:
            raise InputError(f"the file is larger than Telegram lets bots download ({MAX_DOWNLOAD // (1024 * 1024)} MB)")
        try:
            file = await self._call(self.bot.get_file, file_id=attachment.file_id)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            raise InputError(f"Telegram did not hand out the file ({type(exc).__name__})") from exc
        name = attachment.name or (file.file_path or "").rsplit("/", 1)[-1] or f"{attachment.kind}.bin"
        return FileContent(name=name, data=data)

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
        live = self._live.take(ref)
        if live is not None and live.message is not None and reply.role == Role.BOT:
            try:  # the streamed message becomes the final answer
                await self._live.finish(ref, live, split_message(render_html(reply)), markup=keyboard(reply.buttons))
                return
            except BadRequest as exc:
                if not live.resumed:
                    raise
                # the fragment a crash left was deleted, or is too old to edit: the answer goes anew
                logger.info("could not edit the interrupted answer (%s); sending it anew", type(exc).__name__)
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

    def resume_stream(self, ref: ConversationRef, message_id: str) -> None:
        """An earlier process was streaming an answer into this message when it died: the next reply
        (`send`) edits it into that message instead of leaving the fragment and sending a new one."""
        self._live.resume(ref, message_id)

    async def push_token(self, ref: ConversationRef, token: str) -> str | None:
        """A token of an answer being generated for this chat; `send` of the finished reply completes it.
        Returns the id of the message the answer is streamed into when this token created it (else None)."""
        return await self._live.push(ref, token)

    async def retract(self, ref: ConversationRef) -> None:
        """The streamed text did not check out: the message shows a placeholder until the next
        stream or the final reply (`send`) edits it; nothing unchecked stays on screen."""
        await self._live.retract(ref)
