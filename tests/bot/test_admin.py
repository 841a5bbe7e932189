from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.admin import register_admin
from bot.assistant import pseudonym
from bot.pipeline import Identity
from bot.services import Services

TOKEN = "admin-secret"


@pytest.fixture
async def client(core: Services) -> AsyncIterator[TestClient]:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=TOKEN)
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_dashboard_needs_the_admin_token(client: TestClient) -> None:
    assert (await client.get("/admin")).status == 401
    assert (await client.get("/api/v1/admin/stats", headers={"Authorization": "Bearer wrong"})).status == 401


async def test_dashboard_shows_answer_and_handoff_rates(client: TestClient, core: Services) -> None:
    for question in ("how do I reset my password?", "I want to talk to a person"):
        await core.assistant.ask(question, identity=Identity(tenant="default", user="u-42"))
    response = await client.get("/api/v1/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    stats = await response.json()
    assert stats["messages"] >= 2
    assert stats["handoff_reasons"].get("customer_request", 0) >= 1
    # users appear as the audit trail names them: a keyed pseudonym, never their id (which may be an e-mail)
    expected = "default/" + pseudonym(core.assistant._pseudonym_key, tenant="default", user="u-42")
    assert any(user == expected for user, _ in stats["top_users"]) and "u-42" not in json.dumps(stats["top_users"])
    page = await client.get(f"/admin?token={TOKEN}")
    text = await page.text()
    assert page.status == 200 and "Handoff queue" in text and "Messages per day" in text
    # the cookie set by ?token= (a session, not the token) lets the operator reload without the token in the URL
    session = page.cookies["supportbot_admin"].value
    assert TOKEN not in session
    assert (await client.get("/admin", headers={"Cookie": f"supportbot_admin={session}"})).status == 200


async def test_admin_is_off_without_a_token(core: Services) -> None:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=None)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/admin")).status == 404
