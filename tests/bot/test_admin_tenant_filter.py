"""/admin?tenant=X shows only that tenant's rows, says which tenant it shows, and links back to all."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from tests.bot.test_admin_conversations import TENANTS, say
from tests.conftest import make_settings, running_app

ADMIN = "admin-tenant-filter-secret"
AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text(TENANTS)
    settings = make_settings(tmp_path_factory.mktemp("filter"), SUPPORTBOT_TENANTS_FILE=str(tenants), SUPPORTBOT_ADMIN_TOKEN=ADMIN)
    async with running_app(settings, timeout=300) as client:
        yield client


def _section(page: str, title: str) -> str:
    found = re.search(rf"<h2>{re.escape(title)}</h2>(.*?)</section>", page, re.DOTALL)
    assert found, f"no {title!r} section"
    return found.group(1)


async def test_the_dashboard_of_one_tenant_shows_only_its_rows_says_so_and_links_back_to_all(client: TestClient) -> None:
    """/admin?tenant=acme looked like the whole server's dashboard: nothing said whose figures they were and no
    link led back to every tenant's (an operator took it for a filter that did not work)."""
    await say(client, "How do I reset my password?", key="acme-key")
    await say(client, "I want to talk to a person", key="acme-key")
    await say(client, "I want to talk to a person")  # default
    everyone = await (await client.get("/admin", headers=AUTH)).text()
    assert "Showing <strong>all tenants</strong>" in everyone and 'href="/admin?days=14&amp;tenant=acme"' in everyone
    page = await client.get("/admin", params={"tenant": "acme"}, headers=AUTH)
    acme = await page.text()
    assert page.status == 200
    assert "Showing tenant <strong>acme</strong> only" in acme and "admin · tenant acme · last 14 days" in acme
    assert 'back to <a href="/admin?days=14">all tenants</a>' in acme
    assert 'href="/admin/conversations?tenant=acme"' in acme  # the list opens on the same tenant
    # its rows only: the queue, the tenants table, the users
    for title in ("Handoff queue", "Tenants", "Most active users"):
        rows = _section(acme, title)
        assert "acme" in rows and "<td>default" not in rows, (title, rows)
        assert "<td>default" in _section(everyone, title), title
    assert ">2</b><span>Messages<" in acme
    assert (await client.get("/admin", params={"tenant": "nobody"}, headers=AUTH)).status == 400
