"""A loopback stand-in for the Slack Web API (slack.com/api/...): records every call, answers in
Slack's shapes, and can be told to fail. Plus request signing as Slack does it (v0 HMAC-SHA256)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes.loopback import LoopbackServer

BOT_USER = "UBOT"
TEAM = "T111"
USERS = {
    "UALICE": ("alice", "Alice Staff", "Alice"), "UBOB": ("bob", "Bob Staff", "Bob"),
    # two people whose Slack display names are the same
    "USAMA": ("sam.a", "Sam Adams", "Sam"), "USAMB": ("sam.b", "Sam Baker", "Sam"),
}


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class FakeSlackApi(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.received_at: list[float] = []  # time.monotonic() of each call, same order as `calls`
        self.failing: set[str] = set()  # methods answered with HTTP 500 (an outage)
        # Slack refusing with HTTP 200 and `{"ok": false, "error": code}`, as it does ("ratelimited": HTTP 429
        # with Retry-After): `refusing` answers every call of a method so, `refuse_next` its next calls, one code each
        self.refusing: dict[str, str] = {}
        self.refuse_next: dict[str, list[str]] = {}
        self.retry_after = 30  # seconds, sent with "ratelimited"
        self.delays: dict[str, float] = {}  # seconds a method takes to answer (Slack under load), by method
        self.text_limit = 40_000  # chat.postMessage text longer than this: msg_too_long, as Slack answers
        self.refused: list[dict[str, Any]] = []  # the args of calls answered with an error (they are in `calls` too)
        self.envelopes: list[dict[str, Any]] = []  # Socket Mode: sent to the connected app, in order
        self.acks: list[dict[str, Any]] = []  # Socket Mode: what the app answered
        self._ts = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._upload_slots: dict[str, dict[str, Any]] = {}  # file id -> filename, length, bytes once uploaded
        self.files: list[dict[str, Any]] = []  # completed uploads: id, filename, title, channel, thread_ts, data
        self.base_url = ""

    def of(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(dict(parse_qsl(raw)))
        if isinstance(args.get("blocks"), str):
            args["blocks"] = json.loads(args["blocks"])
        self.calls.append((method, args))
        self.received_at.append(time.monotonic())
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        if method in self.failing:
            self.refused.append(args)
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        error = self.refuse_next[method].pop(0) if self.refuse_next.get(method) else self.refusing.get(method)
        if error is None and method == "chat.postMessage" and len(str(args.get("text") or "")) > self.text_limit:
            error = "msg_too_long"
        if error is not None:
            self.refused.append(args)
            if error == "ratelimited":
                return web.json_response({"ok": False, "error": error}, status=429, headers={"Retry-After": str(self.retry_after)})
            return web.json_response({"ok": False, "error": error})
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base_url.replace("http://", "ws://").replace("/api/", "/link")}
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "supportbot", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B111"}
        if method == "chat.postMessage":
            ts = f"{next(self._ts)}.000100"
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"text": args.get("text"), "ts": ts, "user": BOT_USER}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{next(self._ts)}.000200"}
        if method == "files.getUploadURLExternal":  # step 1 of files_upload_v2: a URL to upload the bytes to
            if not args.get("filename") or not str(args.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{next(self._file_ids):06d}"
            self._upload_slots[file_id] = {"filename": args["filename"], "length": int(args["length"]), "data": None}
            return {"ok": True, "upload_url": f"{self.base_url.removesuffix('/api/')}/upload/v1/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":  # step 3: share what was uploaded, in a channel or thread
            listed = json.loads(args.get("files") or "[]")
            slots = [self._upload_slots.get(str(f.get("id"))) for f in listed]
            if not listed or any(slot is None or slot["data"] is None for slot in slots):
                return {"ok": False, "error": "file_not_found"}
            done = []
            for f, slot in zip(listed, slots):
                assert slot is not None
                record = {"id": f["id"], "filename": slot["filename"], "title": f.get("title"), "channel": args.get("channel_id"),
                          "thread_ts": args.get("thread_ts"), "data": slot["data"]}
                self.files.append(record)
                done.append({"id": f["id"], "name": slot["filename"], "title": f.get("title"), "size": len(slot["data"])})
            return {"ok": True, "files": done}
        if method == "views.open":  # the modal as Slack shows it: the view sent, with its id
            view = json.loads(args["view"]) if isinstance(args.get("view"), str) else dict(args.get("view") or {})
            return {"ok": True, "view": {**view, "id": f"V{next(self._ts)}", "state": {"values": {}}}}
        if method == "users.info":
            name, real, display = USERS.get(str(args.get("user")), ("someone", "Someone", ""))
            return {"ok": True, "user": {"id": args.get("user"), "name": name, "real_name": real, "profile": {"display_name": display}}}
        return {"ok": True}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, push queued envelopes, record the app's acks."""
        import asyncio

        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A111"}})

        async def push() -> None:
            while not ws.closed:
                while self.envelopes:
                    await ws.send_json(self.envelopes.pop(0))
                await asyncio.sleep(0.05)

        pusher = asyncio.get_running_loop().create_task(push())
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        pusher.cancel()
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2 of files_upload_v2: the bytes, POSTed to the URL step 1 handed out."""
        slot = self._upload_slots.get(request.match_info["file_id"])
        data = await request.read()
        if slot is None or "upload" in self.failing:
            return web.Response(status=404 if slot is None else 500, text="upload failed")
        if len(data) != slot["length"]:
            return web.Response(status=400, text="length mismatch")
        slot["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)

    async def start(self) -> str:
        self.base_url = await self.serve() + "/api/"
        return self.base_url

    async def go_down(self) -> None:
        """An outage: the port refuses connections (nothing listens) until `come_back`."""
        assert self._runner is not None
        for site in list(self._runner.sites):
            await site.stop()

    async def come_back(self) -> None:
        """Listen again on the same port: the app's configured Slack API URL works again."""
        assert self._runner is not None
        port = int(self.base_url.removesuffix("/api/").rsplit(":", 1)[1])
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
