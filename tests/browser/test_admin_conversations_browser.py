"""/admin and /admin/conversations in headless Chromium against `supportbot serve`: the dashboard's
charts are drawn (spend per user among them), a search in the conversation list finds the conversation
by a word, and its transcript shows the placeholder, never the e-mail address the customer wrote, with
the audit trail. Screenshots of the dashboard, the list and the transcript are kept in artifacts/."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, serving
from tests.databases import database_env

TOKEN = "admin-conversations-browser-secret"


def _post(url: str, body: dict[str, object], headers: dict[str, str] | None = None) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def _say(base: str, text: str) -> str:
    started = _post(f"{base}/api/v1/conversations", {"widget_key": "demo"})
    _post(f"{base}/api/v1/conversations/{started['conversation_id']}/messages", {"text": text, "client_message_id": uuid.uuid4().hex},
          {"Authorization": f"Bearer {started['token']}"})
    return str(started["conversation_id"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("admin-conversations")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_ADMIN_TOKEN": TOKEN,
           **database_env(Path(folder / "data"))}
    with serving(env) as base:
        yield base


def test_search_a_conversation_and_read_its_transcript_in_a_browser(server: str, browser: object) -> None:
    wanted = _say(server, "My e-mail is lena.park@example.org, where is the invoice for the walnut desk?")
    _say(server, "How do I turn on two-factor authentication?")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/admin?days=14&token={TOKEN}")  # signs in: the session cookie serves the next pages
        charts = page.locator("svg.chart")
        assert charts.count() >= 8
        for n in range(charts.count()):
            box = charts.nth(n).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 80
        assert page.locator('svg.chart[aria-label^="Model spend per user"]').count() == 1
        assert page.locator('svg.chart[aria-label^="Automation rate"] circle.point').count() >= 1  # today's point
        page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)

        page.click("text=conversations")
        page.fill("input[name=q]", "walnut")
        page.click("form[role=search] button")
        page.wait_for_load_state()
        rows = page.locator("tr.conversation")
        assert rows.count() == 1 and "walnut desk" in rows.first.inner_text()
        assert "lena.park" not in page.content() and "&lt;EMAIL_1&gt;" in page.content()
        page.screenshot(path=str(ARTIFACTS / "admin-conversations.png"), full_page=True)

        rows.first.locator("a").click()
        page.wait_for_load_state()
        assert wanted[:12] in page.locator("h1").inner_text()
        transcript = page.locator("section.transcript").inner_text()
        assert "<EMAIL_1>" in transcript and "lena.park" not in page.content() and "example.org" not in page.content()
        trail = page.locator("ul.trail").inner_text()
        assert "outcome" in trail and "received" in trail
        page.screenshot(path=str(ARTIFACTS / "admin-transcript.png"), full_page=True)
    finally:
        page.close()


def test_the_token_in_the_address_is_gone_once_signed_in(server: str, browser: object) -> None:
    """/admin?token=... kept the token in the address bar and in the history (and so in any bookmark or
    screenshot): the browser is signed in and sent on to the page without it."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        opened = page.goto(f"{server}/admin?days=7&token={TOKEN}")
        assert opened is not None and opened.status == 200 and "Handoff queue" in page.content()
        assert page.url == f"{server}/admin?days=7" and TOKEN not in page.url
        page.goto(f"{server}/admin/conversations?tenant=default")  # the session serves the next pages
        assert "Sign in" not in page.content()
        page.go_back()
        page.go_back()  # the history holds the page without the token, then the blank page: no address with the token
        assert page.url == "about:blank", page.url
    finally:
        context.close()


def test_a_nul_in_the_search_or_the_conversation_id_is_refused_not_an_error(server: str, browser: object) -> None:
    """A NUL (%00) in the search box's text or the transcript's URL was a 500 on PostgreSQL, whose text cannot hold one."""
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/admin?token={TOKEN}")
        searched = page.goto(f"{server}/admin/conversations?tenant=default&q=invoice%00")
        assert searched is not None and searched.status == 400 and "NUL" in page.content()
        opened = page.goto(f"{server}/admin/conversations/abc%00def?tenant=default")
        assert opened is not None and opened.status == 404
    finally:
        page.close()


def test_an_operator_opening_admin_in_a_browser_is_asked_for_the_token(server: str, browser: object) -> None:
    """Found trying supportbot as a new operator: /admin in a browser answered {"error": "admin token
    required"} and nothing said how to get in (`?token=` is nowhere in the README). It shows a sign-in
    form now, which comes back to the page asked for."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/admin/quality")
        token = page.get_by_label("Admin token", exact=False)
        token.fill("not-the-token")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text() == "That is not the admin token."
        page.get_by_label("Admin token", exact=False).fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Answer quality").wait_for(timeout=30_000)
        assert page.url == f"{server}/admin/quality"
        page.goto(f"{server}/admin")  # the session serves the other pages
        assert page.get_by_text("supportbot · admin", exact=False).count() >= 1
    finally:
        page.close()
