"""Steps the console tests share: the staff accounts' passwords, a browser with its own cookie jar
(signing in, acting on and replying to a handoff), and a widget customer handed over to staff."""

from __future__ import annotations

import re
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from tests.fakes.loopback import until
from tests.handoff.slack_steps import widget

ALICE_PASSWORD = "correct horse battery"


BOB_PASSWORD = "another long password"


CAROL_PASSWORD = "a third long password"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class Staff:
    """One browser: its own cookie jar."""

    def __init__(self, client: TestClient) -> None:
        self.base = str(client.make_url("")).rstrip("/")
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.http.get(self.base + path, allow_redirects=False, **kw)

    async def post(self, path: str, data: dict[str, str], **kw: Any) -> aiohttp.ClientResponse:
        return await self.http.post(self.base + path, data=data, allow_redirects=False, **kw)

    async def csrf(self, path: str = "/console/sign-in") -> str:
        return csrf_of(await (await self.http.get(self.base + path)).text())

    async def sign_in(self, *, tenant: str, name: str, password: str) -> aiohttp.ClientResponse:
        token = await self.csrf()
        return await self.post("/console/sign-in", {"csrf": token, "tenant": tenant, "name": name, "password": password})

    async def act(self, handoff_id: int | str, what: str, **extra: str) -> aiohttp.ClientResponse:
        token = await self.csrf("/console")
        return await self.post(f"/console/handoffs/{handoff_id}/act", {"csrf": token, "action": what, **extra})

    async def reply(self, handoff_id: int | str, text: str) -> aiohttp.ClientResponse:
        token = await self.csrf("/console")
        return await self.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": token, "text": text, "client_id": str(time.time())})

    async def view(self, handoff_id: int | str) -> dict[str, Any]:
        response = await self.get(f"/console/api/handoffs/{handoff_id}")
        assert response.status == 200
        return dict(await response.json())

    async def close(self) -> None:
        await self.http.close()


async def hand_over(client: TestClient, key: str = "demo") -> tuple[str, dict[str, str], Any, list[dict[str, Any]], int]:
    """A widget customer who asks a question, then for a person: (conversation, auth, socket, heard, handoff id)."""
    conversation, auth, ws, heard = await widget(client, key)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I export my workspace?"}, headers=auth)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    return conversation, auth, ws, heard, int(handoff.id)
