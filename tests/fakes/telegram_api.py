"""A loopback stand-in for the Telegram Bot API (api.telegram.org/bot<token>/<method>): records
every call, answers in the Bot API's shapes, can answer 429 with retry_after, and can be told to fail
(an outage: HTTP 500 for the methods in `failing`; those calls go to `failed`, not `calls`)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

BOT = {"id": 777000, "is_bot": True, "first_name": "Paperkite Support", "username": "paperkite_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class FakeTelegramApi(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any], float]] = []
        self.throttle: dict[str, int] = {}  # method -> how many 429s to answer before succeeding
        self.failing: set[str] = set()  # methods answered with HTTP 500
        self.failed: list[tuple[str, dict[str, Any], float]] = []
        self.pending_updates: list[dict[str, Any]] = []  # served by getUpdates (polling)
        self._ids = itertools.count(5000)
        self.base_url = ""

    def of(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args, _ in self.calls if name == method]

    def times(self, method: str) -> list[float]:
        return [at for name, _, at in self.calls if name == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text() if request.can_read_body else ""
        if request.content_type == "application/json":
            args = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw))
        for key in ("reply_markup",):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        if method in self.failing:
            self.failed.append((method, args, time.monotonic()))
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500)
        self.calls.append((method, args, time.monotonic()))
        if self.throttle.get(method, 0) > 0:
            self.throttle[method] -= 1
            return web.json_response(
                {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}, status=429
            )
        result = self._result(method, args)
        if method == "getUpdates" and not result:
            await asyncio.sleep(0.1)  # a long poll with nothing to say
        return web.json_response({"ok": True, "result": result})

    def _result(self, method: str, args: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            offset = int(args.get("offset") or 0)
            served = [u for u in self.pending_updates if u["update_id"] >= offset]
            self.pending_updates = served
            return served
        if method in ("sendMessage", "editMessageText"):
            chat = int(args.get("chat_id") or 0)
            return {"message_id": int(args.get("message_id") or next(self._ids)), "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"}, "from": BOT, "text": args.get("text", "")}
        return True

    def routes(self, app: web.Application) -> None:
        app.router.add_post(r"/bot{token}/{method}", self._handle)

    async def start(self) -> str:
        self.base_url = await self.serve() + "/bot"
        return self.base_url
