"""/admin/conversations (bot/app/admin_conversations.py, admin_conversation_pages.py) on the whole app:
conversations held through the widget API are found by a word of their stored text, listed per tenant,
and shown with their transcript and audit trail, with placeholders where the customer wrote personal
values; bad parameters are a JSON 400 that says what was wrong."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings, running_app

ADMIN = "admin-conversations-secret"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
TENANTS = '[tenants.default.widget]\nkeys = ["demo"]\n[tenants.acme.widget]\nkeys = ["acme-key"]\n'


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text(TENANTS)
    settings = make_settings(tmp_path_factory.mktemp("conversations"), SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_ADMIN_TOKEN=ADMIN)
    async with running_app(settings, timeout=300) as client:
        yield client


async def say(client: TestClient, text: str, *, key: str = "demo") -> str:
    started = await (await client.post("/api/v1/conversations", json={"widget_key": key})).json()
    auth = {"Authorization": f"Bearer {started['token']}"}
    response = await client.post(f"/api/v1/conversations/{started['conversation_id']}/messages",
                                 json={"text": text, "client_message_id": uuid.uuid4().hex}, headers=auth)
    assert response.status == 200, await response.text()
    return str(started["conversation_id"])


async def listed(client: TestClient, **params: str) -> list[str]:
    response = await client.get("/api/v1/admin/conversations", params=params, headers=AUTH)
    assert response.status == 200, await response.text()
    return [c["id"] for c in (await response.json())["conversations"]]


async def test_a_word_finds_the_conversation_and_the_tenant_scopes_the_list(client: TestClient) -> None:
    kayak = await say(client, "Where is the invoice for my blue kayak?", key="acme-key")
    password = await say(client, "How do I reset my password?")
    assert await listed(client, tenant="acme", q="KAYAK") == [kayak]  # any case, a word of the stored text
    assert await listed(client, tenant="default", q="kayak") == []  # another tenant's conversation is not listed
    assert password in await listed(client, tenant="default") and kayak not in await listed(client, tenant="default")
    assert await listed(client, tenant="acme", q="100%_") == []  # LIKE's wildcards are searched as characters
    page = await client.get("/admin/conversations", params={"tenant": "acme", "q": "kayak"}, headers=AUTH)
    html = await page.text()
    assert page.status == 200 and f'href="/admin/conversations/{kayak}?tenant=acme"' in html and "blue kayak" in html


async def test_the_transcript_shows_placeholders_and_the_audit_trail_never_the_values(client: TestClient) -> None:
    conversation = await say(client, "My email is jane.roe@example.com and my name is Jane Roe, I want to talk to a person")
    response = await client.get(f"/api/v1/admin/conversations/{conversation}", params={"tenant": "default"}, headers=AUTH)
    found = await response.json()
    customer = [m["text"] for m in found["messages"] if m["role"] == "customer"]
    assert customer and "<EMAIL_1>" in customer[0]
    page = await (await client.get(f"/admin/conversations/{conversation}", params={"tenant": "default"}, headers=AUTH)).text()
    for value in ("jane.roe", "example.com", "Jane Roe"):
        assert value not in page and value not in str(found)
    assert "&lt;EMAIL_1&gt;" in page
    kinds = [step["kind"] for step in found["trail"]]
    assert "outcome" in kinds and "handoff" in kinds and "state" in kinds  # the bot's outcome, then the handoff
    outcome = next(step for step in found["trail"] if step["kind"] == "outcome")
    assert outcome["outcome"] == "handoff" and found["handoffs"][0]["reason"] == outcome["handoff_reason"]
    assert conversation in await listed(client, tenant="default", outcome="handed_over")
    assert conversation not in await listed(client, tenant="default", outcome="bot_only")
    # the conversation is the default tenant's: asked for under another tenant, there is none
    other = await client.get(f"/api/v1/admin/conversations/{conversation}", params={"tenant": "acme"}, headers=AUTH)
    assert other.status == 404


@pytest.mark.parametrize(("params", "says"), [
    ({"tenant": "default", "page": "two"}, "page"),
    ({"tenant": "default", "page": "0"}, "page"),
    ({"tenant": "default", "page": "99999999999"}, "page"),
    ({"tenant": "nowhere"}, "unknown tenant"),
    ({"tenant": "default", "q": "x" * 201}, "at most 200"),
    ({"tenant": "default", "outcome": "maybe"}, "outcome"),
    ({"tenant": "default", "state": "lost"}, "state"),
    ({"tenant": "default", "from": "2026-13-01"}, "from"),
    ({"tenant": "default", "from": "2026-11-02", "to": "2026-11-01"}, "after"),
    ({"tenant": "default", "channel": "<script>"}, "channel"),
])
async def test_bad_parameters_are_a_clear_400(client: TestClient, params: dict[str, str], says: str) -> None:
    for path in ("/api/v1/admin/conversations", "/admin/conversations"):
        response = await client.get(path, params=params, headers=AUTH)
        assert response.status == 400 and says in (await response.json())["error"]


async def test_the_dashboards_link_to_the_list_lets_the_operator_pick_a_tenant(client: TestClient) -> None:
    dashboard = await (await client.get("/admin", headers=AUTH)).text()
    assert 'href="/admin/conversations"' in dashboard
    page = await client.get("/admin/conversations", headers=AUTH)  # several tenants, none chosen: a page, not an error
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    assert 'href="/admin/conversations?tenant=acme"' in html and 'href="/admin/conversations?tenant=default"' in html
    api = await client.get("/api/v1/admin/conversations", headers=AUTH)  # the API still names the missing parameter
    assert api.status == 400 and "tenant is required" in (await api.json())["error"]


async def test_the_list_and_transcripts_need_the_admin_token(client: TestClient) -> None:
    assert (await client.get("/admin/conversations", params={"tenant": "default"})).status == 401
    assert (await client.get("/api/v1/admin/conversations/x", params={"tenant": "default"}, headers={"Authorization": "Bearer no"})).status == 401
    assert (await client.get("/api/v1/admin/conversations/x", params={"tenant": "nowhere"}, headers=AUTH)).status == 400
    assert (await client.get("/api/v1/admin/conversations/" + "x" * 101, params={"tenant": "default"}, headers=AUTH)).status == 400
    assert (await client.get("/api/v1/admin/conversations/unknown", params={"tenant": "default"}, headers=AUTH)).status == 404


async def test_with_one_tenant_the_transcript_needs_no_tenant_parameter(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The list took the only tenant as the tenant; the transcript answered 400 'tenant is required'."""
    app = build_app(make_settings(tmp_path_factory.mktemp("one-tenant"), SUPPORTBOT_ADMIN_TOKEN=ADMIN))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=300)
        conversation = await say(client, "How do I export my data?")
        response = await client.get(f"/api/v1/admin/conversations/{conversation}", headers=AUTH)
        assert response.status == 200, await response.text()
        assert (await response.json())["id"] == conversation
