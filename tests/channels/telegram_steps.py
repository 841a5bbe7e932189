"""Steps the Telegram channel tests share: an update made from one of the Bot API documentation's
examples (each with an update id of its own: the channels' bot is built once per package), posting it
to the webhook, and what the loopback Bot API sent to a chat."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app.app_keys import DISPATCHER
from tests.channels.conftest import WEBHOOK_SECRET
from tests.fakes.telegram_api import FakeTelegramApi

CHAT = 1111111


_update_ids = iter(range(50_000, 60_000))


def update_from(example: dict[str, Any], *, text: str | None = None, chat: int = CHAT, message_id: int | None = None) -> dict[str, Any]:
    update = copy.deepcopy(example)
    update["update_id"] = next(_update_ids)
    message = update.get("message") or update.get("edited_message")
    if message is not None:
        message["chat"]["id"] = chat
        message["message_id"] = message_id if message_id is not None else update["update_id"]
        if text is not None:
            message["text"] = text
    return update


async def post(client: TestClient, update: Any, *, secret: str = WEBHOOK_SECRET) -> int:
    body = update if isinstance(update, str) else json.dumps(update)
    response = await client.post("/telegram/default/webhook", data=body, headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    await client.app[DISPATCHER].drain()
    return response.status


def sent_to(telegram: FakeTelegramApi, chat: int) -> list[dict[str, Any]]:
    return [a for a in telegram.of("sendMessage") if int(a.get("chat_id", 0)) == chat]


def _conversation_of(chat: int) -> str:
    from bot.engine.dispatch import conversation_id_for
    from bot.core.channel import ConversationRef

    return conversation_id_for(ConversationRef(channel="telegram", tenant="default", address=str(chat)))
