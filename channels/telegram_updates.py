"""What reaches the bot from Telegram: an update made parseable for python-telegram-bot (`lenient`),
then normalized into one `InboundMessage` (`normalize`): a message or its edit, a caption, a command,
attachments, a sticker (as its emoji: no file), or a button press.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot.core.channel import Attachment, ConversationRef, InboundMessage

logger = logging.getLogger("channels.telegram")  # the name these lines were always logged under

MAX_TEXT = 4096  # Telegram's limit for a message's text: no longer update comes, a longer reply is split


def lenient(data: Any, *, key: str = "") -> Any:
    """Fill fields older or hand-written updates omit (Telegram's own doc examples lack `is_bot`
    and chat `type`), so python-telegram-bot can parse them; nothing else is changed."""
    if isinstance(data, dict):
        out = {k: lenient(v, key=k) for k, v in data.items()}
        if key in {"from", "from_user", "user", "forward_from"} and "id" in out:
            out.setdefault("is_bot", False)
            out.setdefault("first_name", "")
        if "file_id" in out:
            out.setdefault("file_unique_id", out["file_id"])
            if key in {"audio", "voice", "video", "video_note"}:
                out.setdefault("duration", 0)
        if key == "sticker":  # older stickers (before Bot API 5.x/6.x) lack these: parsed, not dropped
            out.setdefault("type", "regular")
            out.setdefault("is_animated", False)
            out.setdefault("is_video", False)
        if key == "callback_query":
            out.setdefault("chat_instance", "")
        if key == "chat" and "id" in out:
            out.setdefault("type", "private" if int(out["id"]) > 0 else "group")
        return out
    if isinstance(data, list):
        return [lenient(v) for v in data]
    return data


_ATTACHMENT_KINDS = ("photo", "document", "audio", "voice", "video", "video_note", "animation")
# a sticker without an emoji of its own (Telegram's field is optional) is still a picture sent to say something
STICKER_WITHOUT_EMOJI = "\U0001f5bc"  # 🖼


def normalize(update: Update, *, tenant: str) -> InboundMessage | None:
    """One Telegram update as one inbound message, or None for kinds the bot doesn't handle."""
    if update.callback_query is not None:
        query = update.callback_query
        user = query.from_user
        if query.message is None and user is None:
            return None
        # a button in a private chat: the chat id is the user's id when the message is not included
        chat_id = query.message.chat.id if query.message else user.id
        action, _, value = (query.data if isinstance(query.data, str) else "").partition(":")
        return InboundMessage(
            ref=ConversationRef(channel="telegram", tenant=tenant, address=str(chat_id)),
            platform_id=f"update-{update.update_id}",
            user=str(user.id) if user else None,
            text="",
            command=action or None,
            payload=value or None,
            display_name=user.first_name if user else None,
        )
    message = update.message or update.edited_message
    if message is None or message.chat is None:
        return None
    edited = update.edited_message is not None
    # python-telegram-bot keeps whatever type the JSON had: a hand-made update may carry a number
    text = next((t for t in (message.text, message.caption) if isinstance(t, str) and t), "")
    if len(text) > MAX_TEXT:  # Telegram itself never sends more; the dispatcher asks to shorten it
        logger.warning("telegram update %s has %d characters, over Telegram's %d", update.update_id, len(text), MAX_TEXT)
    command, text = _command(text)
    if not text and message.sticker is not None:
        # a sticker is a big emoji, not a file: its emoji is what the customer said (acknowledged as an
        # emoji alone is, shown to staff in a handoff), not "I can only read text"
        text = message.sticker.emoji if isinstance(message.sticker.emoji, str) and message.sticker.emoji else STICKER_WITHOUT_EMOJI
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
    if not text and not command and not attachments:  # a location, contact, poll, service message...
        return None
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


def _command(text: str) -> tuple[str | None, str]:
    """`/start@paperkite_bot rest` -> ("start", "rest"); a lone "/" (or "/ x", "/@bot") is plain text."""
    words = text[1:].split(maxsplit=1) if text.startswith("/") and not text[1:2].isspace() else []
    name = words[0].split("@", 1)[0].lower() if words else ""
    if not name:
        return None, text
    return name, words[1] if len(words) > 1 else ""
