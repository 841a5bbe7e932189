"""The built-in staff desk (/console) over HTTP: sign-in and its bad inputs, sessions, CSRF, tenant
isolation. The whole loop and claims: test_console_claims.py; what a handoff's page shows:
test_console_handoff_page.py. The app and its staff signed in: conftest.py; a browser of their own and a
customer handed over: console_steps.py."""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF, SETTINGS
from handoff.staff_accounts import add_account
from tests.handoff.console_steps import (
    ALICE_PASSWORD,
    BOB_PASSWORD,
    CAROL_PASSWORD,
    Staff,
    hand_over,
)


async def test_without_a_session_every_page_sends_to_sign_in(client: TestClient) -> None:
    visitor = Staff(client)
    try:
        for path, to in (("/console", "/console/sign-in"), ("/console/handoffs/1", "/console/sign-in?next=/console/handoffs/1")):
            response = await visitor.get(path)
            assert response.status == 303 and response.headers["Location"] == to
        assert (await visitor.get("/console/api/queue")).status == 401
        assert (await visitor.post("/console/handoffs/1/act", {"action": "claim"})).status == 303
        page = await visitor.get("/console/sign-in")
        assert page.status == 200 and "Sign in" in await page.text()
        cookie = page.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
        # a forged or tampered cookie is no session
        visitor.http.cookie_jar.update_cookies({"supportbot_console": "eyJ4IjoxfQ.forged"})
        assert (await visitor.get("/console")).status == 303
    finally:
        await visitor.close()


async def test_a_wrong_password_gets_the_same_answer_as_an_unknown_name_after_a_delay(client: TestClient) -> None:
    answers = []
    for tenant, name, password in (("default", "alice", "not her password"), ("default", "mallory", "any password at all"),
                                   ("acme", "alice", ALICE_PASSWORD)):  # alice is not acme's
        visitor = Staff(client)
        try:
            started_at = time.monotonic()
            response = await visitor.sign_in(tenant=tenant, name=name, password=password)
            took = time.monotonic() - started_at
            # the CSRF token, and the team and name typed (shown again in the form) differ
            body = re.sub(r'value="[^"]*"| selected', "", await response.text())
            answers.append((response.status, body))
            assert took >= 1.0
            assert (await visitor.get("/console")).status == 303  # not signed in
        finally:
            await visitor.close()
    assert answers[0][0] == 401 and "Wrong name or password." in answers[0][1]
    assert all(answer == answers[0] for answer in answers)


async def test_sign_in_lists_no_team_and_finds_the_team_by_name_and_password(client: TestClient) -> None:
    """The page opened by anyone names none of the server's tenants (a shared server's customers); bob signs in
    to acme with his name and password only; a name with the same password on two teams is asked for its team."""
    page = await (await client.get("/console/sign-in")).text()
    assert "acme" not in page and "default" not in page and 'name="tenant"' not in page

    async def sign_in(visitor: Staff, **fields: str) -> aiohttp.ClientResponse:
        return await visitor.post("/console/sign-in", {"csrf": await visitor.csrf(), **fields})

    bob = Staff(client)
    try:
        assert (await sign_in(bob, name="bob", password=BOB_PASSWORD)).status == 303
        assert (await bob.get("/console")).status == 200
    finally:
        await bob.close()
    add_account(client.app[SETTINGS], tenant="acme", name="dana", password=CAROL_PASSWORD, display_name="Dana")
    add_account(client.app[SETTINGS], tenant="default", name="dana", password=CAROL_PASSWORD, display_name="Dana")
    dana = Staff(client)
    try:
        asked = await sign_in(dana, name="dana", password=CAROL_PASSWORD)
        assert asked.status == 401
        form = await asked.text()
        assert "Type your team too." in form and 'name="tenant"' in form and "acme" not in form
        assert (await dana.get("/console")).status == 303  # not signed in yet
        assert (await sign_in(dana, name="dana", password=CAROL_PASSWORD, tenant="acme")).status == 303
        assert (await dana.get("/console")).status == 200
    finally:
        await dana.close()


async def test_a_form_post_without_the_csrf_token_is_refused(client: TestClient, alice: Staff) -> None:
    conversation, _, ws, _, handoff_id = await hand_over(client)
    assert (await alice.post(f"/console/handoffs/{handoff_id}/act", {"action": "claim"})).status == 403
    assert (await alice.post(f"/console/handoffs/{handoff_id}/act", {"action": "claim", "csrf": "guessed"})).status == 403
    assert (await alice.post(f"/console/handoffs/{handoff_id}/reply", {"text": "hi"})).status == 403
    token = await alice.csrf("/console")
    other_site = {"Origin": "https://evil.example"}
    assert (await alice.post(f"/console/handoffs/{handoff_id}/act", {"action": "claim", "csrf": token}, headers=other_site)).status == 403
    assert (await alice.post("/console/sign-out", {})).status == 403
    # the sign-in form too (no cookie, no token)
    assert (await Staff(client).post("/console/sign-in", {"tenant": "default", "name": "alice", "password": ALICE_PASSWORD})).status == 403
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    assert handoff.status in ("queued", "open")  # nothing was done
    await alice.act(handoff_id, "return")
    await ws.close()


async def test_a_sign_in_body_that_is_not_utf8_form_data_is_a_clear_400(client: TestClient) -> None:
    # before, the form parser's UnicodeDecodeError was answered 500
    response = await client.post("/console/sign-in", data=b"name=\xd0\xff&password=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400 and "not UTF-8 form data" in await response.text()


async def test_an_id_too_large_for_any_row_is_not_found_not_an_error(alice: Staff) -> None:
    huge = "9" * 30
    assert (await alice.get(f"/console/handoffs/{huge}")).status == 404
    assert (await alice.get(f"/console/api/handoffs/{huge}")).status == 404
    assert (await alice.act(huge, "claim")).status == 404
    assert (await alice.reply(huge, "hello")).status == 404
    token = await alice.csrf("/console")
    assert (await alice.post(f"/console/notices/{huge}/acknowledge", {"csrf": token})).status == 303  # nothing to acknowledge


async def test_staff_of_one_tenant_cannot_see_claim_or_answer_anothers_handoff(client: TestClient, alice: Staff, bob: Staff) -> None:
    conversation, _, ws, heard, handoff_id = await hand_over(client)  # a `default` customer
    queue = await (await bob.get("/console/api/queue")).json()
    assert handoff_id not in [h["id"] for h in queue["handoffs"]]
    assert (await bob.get(f"/console/handoffs/{handoff_id}")).status == 404
    assert (await bob.get(f"/console/api/handoffs/{handoff_id}")).status == 404
    assert (await bob.act(handoff_id, "claim")).status == 404
    assert (await bob.reply(handoff_id, "Hi, Bob here")).status == 404
    assert (await bob.act(handoff_id, "resolve")).status == 404
    await asyncio.sleep(0.3)
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    assert handoff.status in ("queued", "open") and not [m for m in heard if m["role"] == "agent"]
    # alice, of `default`, sees it
    queue = await (await alice.get("/console/api/queue")).json()
    assert handoff_id in [h["id"] for h in queue["handoffs"] if h["active"]]
    await alice.act(handoff_id, "return")
    await ws.close()


async def test_a_links_error_text_is_never_shown_only_the_consoles_own_messages(client: TestClient, alice: Staff) -> None:
    """/console/handoffs/<id>?error=<any text> showed that text on the page as an error: a link could make
    the console tell staff anything ("Your session expired, sign in at ...")."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    planted = "Your session expired: sign in again at evil.example"
    page = await (await alice.get(f"/console/handoffs/{handoff_id}", params={"error": planted})).text()
    assert "evil.example" not in page and 'role="alert"' not in page
    await alice.act(handoff_id, "resolve")
    resolved = await (await alice.get(f"/console/handoffs/{handoff_id}", params={"error": planted})).text()
    assert "evil.example" not in resolved and 'role="alert"' not in resolved
    await ws.close()
