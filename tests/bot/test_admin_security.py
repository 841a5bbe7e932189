"""The operator's /admin pages against other sites: a form on a sibling site (same site, another origin:
help.acme.example beside support.acme.example, where the SameSite=Strict session cookie is still sent)
cannot act with the operator's session, and no admin page can be framed or run a script it did not ship.
The requests carry the headers a browser sends for such a form (Sec-Fetch-Site, Origin)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.admin import register_admin
from bot.app.admin_rollout import register_rollout_admin
from bot.app.admin_session import COOKIE, session_cookie
from bot.app.composition import Services
from bot.engine.rollout import RolloutBook

TOKEN = "admin-secret-for-these-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def client(core: Services) -> AsyncIterator[TestClient]:
    app = web.Application()
    register_admin(app, get_services=lambda: core, token=TOKEN)
    register_rollout_admin(app, book=RolloutBook(engine=core.engine, settings=core.settings), tenants=list(core.settings.tenants),
                           token=TOKEN)
    async with TestClient(TestServer(app)) as client:
        client.session.cookie_jar.update_cookies({COOKIE: session_cookie(TOKEN)})  # signed in, as the operator's browser is
        yield client


async def _stage(client: TestClient, tenant: str) -> str:
    listing = await (await client.get("/api/v1/admin/rollout", headers=ADMIN)).json()
    return next(row["stage"] for row in listing["tenants"] if row["tenant"] == tenant)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("browser_says", [
    {"Sec-Fetch-Site": "same-site", "Origin": "https://help.acme.example"},  # a sibling site: the cookie is sent
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    {"Origin": "https://help.acme.example"},  # a browser without Sec-Fetch-Site
    {"Origin": "null"},  # a sandboxed frame or a data: page
])
async def test_a_form_from_another_site_cannot_switch_the_bot_off_with_the_operators_session(
        client: TestClient, core: Services, browser_says: dict[str, str]) -> None:
    tenant = next(iter(core.settings.tenants))
    before = await _stage(client, tenant)
    response = await client.post(f"/admin/rollout/{tenant}", data="stage=off&reason=csrf", headers={**FORM, **browser_says},
                                 allow_redirects=False)
    assert response.status == 403
    assert await _stage(client, tenant) == before != "off"
    refused = await client.post("/admin/proposals/1/approve", headers={**FORM, **browser_says}, allow_redirects=False)
    assert refused.status in (403, 404)  # proposals are mounted by another module; never acted on


async def test_the_admin_pages_own_forms_still_work(client: TestClient, core: Services) -> None:
    tenant = next(iter(core.settings.tenants))
    host = f"{client.server.host}:{client.server.port}"
    for browser_says in ({"Sec-Fetch-Site": "same-origin", "Origin": f"http://{host}"}, {"Origin": f"http://{host}"}, {}):
        response = await client.post(f"/admin/rollout/{tenant}", data="stage=shadow&reason=trial", headers={**FORM, **browser_says},
                                     allow_redirects=False)
        assert response.status == 303, await response.text()
        assert await _stage(client, tenant) == "shadow"
        await client.post(f"/api/v1/admin/rollout/{tenant}", json={"stage": "on"}, headers=ADMIN)
    # the bearer token is no ambient credential: a script holding it acts from anywhere
    response = await client.post(f"/api/v1/admin/rollout/{tenant}", json={"stage": "shadow"},
                                 headers={**ADMIN, "Sec-Fetch-Site": "cross-site", "Origin": "https://ops.example"})
    assert response.status == 200


@pytest.mark.parametrize("path", ["/admin", "/admin/rollout", "/admin/conversations"])
async def test_admin_pages_cannot_be_framed_or_run_injected_script(client: TestClient, path: str) -> None:
    signed_in = await client.get(path)
    async with aiohttp.ClientSession() as stranger:  # no session: the sign-in page a browser gets
        sign_in = await stranger.get(client.make_url(path), headers={"Accept": "text/html"})
    assert (signed_in.status, sign_in.status) == (200, 401)
    for response in (signed_in, sign_in):
        policy = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy and "script-src" not in policy, (path, policy)
        assert response.headers.get("X-Frame-Options") == "DENY"
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
