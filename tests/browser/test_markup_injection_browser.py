"""Customer text and help-center text carrying markup, in a real browser, on every page that shows them:
the widget (a customer's own message, the answer from a hostile article, a staff reply), the staff
console's queue and handoff card, and the operator's /admin transcript. Nothing injected runs (no script,
no `onerror`, no `javascript:` link), and the text shows as the characters that were typed."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, server_env, serving

TOKEN = "markup-injection-admin-secret"
PASSWORD = "a long staff password"
# each payload sets window.__xss when it runs; the text the customer typed must show as it was typed
CUSTOMER = ('Refund for my quokka brush? <script>window.__xss="script"</script><img src=x onerror="window.__xss=\'img\'">'
            ' [click](javascript:window.__xss="md") javascript:window.__xss="bare" <a href="javascript:window.__xss=1">a</a>')
ARTICLE = """---
title: Quokka brush refunds <img src=x onerror="window.__xss='title'">
url: javascript:window.__xss='url'
---

# Quokka brush refunds <script>window.__xss="heading"</script>

A quokka grooming brush can be refunded within 30 days of delivery. <img src=x onerror="window.__xss='body'">
Read [the refund form](javascript:window.__xss='mdlink') or <a href="javascript:window.__xss='a'">this page</a>.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("markup")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    (folder / "kb").mkdir()
    (folder / "kb" / "quokka-refunds.md").write_text(ARTICLE)
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_ADMIN_TOKEN": TOKEN}
    for command, given in ((["staff", "add", "--tenant", "default", "alice", "--password-stdin"], PASSWORD + "\n"),
                           (["ingest", str(folder / "kb"), "--tenant", "default"], None)):
        done = subprocess.run([sys.executable, "-m", "bot.app.cli.main", *command], check=False, input=given, cwd=ROOT, env=server_env(**env),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    with serving(env) as base:
        yield base


def _untouched(page: object, fired: list[str]) -> None:
    assert page.evaluate("window.__xss") is None  # type: ignore[attr-defined]
    assert fired == []
    hrefs = page.evaluate(  # type: ignore[attr-defined]
        """() => { const all = []; const walk = (root) => { root.querySelectorAll('a[href]').forEach(a => all.push(a.getAttribute('href')));
                   root.querySelectorAll('*').forEach(e => e.shadowRoot && walk(e.shadowRoot)); }; walk(document); return all; }""")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], hrefs


def _watch(page: object) -> list[str]:
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    return fired


def test_markup_from_customers_and_articles_runs_nowhere(server: str, browser: object) -> None:
    customer_context = browser.new_context(viewport={"width": 1100, "height": 800})  # type: ignore[attr-defined]
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    customer, staff = customer_context.new_page(), staff_context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    customer_fired, staff_fired = _watch(customer), _watch(staff)
    try:
        customer.goto(server + "/")
        customer.get_by_role("button", name="Open support chat").click()
        box = customer.get_by_role("textbox", name="Your message")
        box.fill("Can I get a refund for a quokka grooming brush?")
        box.press("Enter")
        log = customer.get_by_role("log", name="Conversation")
        log.locator(".msg.bot").first.wait_for(timeout=60_000)
        box.fill(CUSTOMER)
        box.press("Enter")
        log.locator(".msg.bot").nth(1).wait_for(timeout=60_000)
        assert "<script>window.__xss" in log.inner_text()  # shown as typed
        if customer.get_by_role("button", name="Talk to a person").count():
            customer.get_by_role("button", name="Talk to a person").click()
        log.get_by_text("in the queue", exact=False).wait_for(timeout=60_000)
        _untouched(customer, customer_fired)

        staff.goto(server + "/console")
        staff.get_by_label("Name").fill("alice")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        queued = staff.locator("#queue a", has_text="quokka")
        queued.first.wait_for(timeout=30_000)
        _untouched(staff, staff_fired)
        queued.first.click()
        staff.locator("#transcript").wait_for(timeout=30_000)
        assert '<img src=x onerror="window.__xss' in staff.locator("#transcript").inner_text()
        staff.get_by_role("button", name="Claim").click()
        staff.locator("#status", has_text="Claimed by alice").wait_for(timeout=30_000)
        staff.get_by_label("Reply to the customer").fill('Sure <img src=x onerror="window.__xss=\'staff\'"> see javascript:window.__xss=9')
        staff.get_by_role("button", name="Send reply").click()
        log.locator(".msg.agent", has_text="Sure <img").wait_for(timeout=30_000)
        staff.screenshot(path=str(ARTIFACTS / "markup-console.png"), full_page=True)
        customer.screenshot(path=str(ARTIFACTS / "markup-widget.png"), full_page=True)
        _untouched(staff, staff_fired)
        _untouched(customer, customer_fired)

        staff.goto(f"{server}/admin?token={TOKEN}")  # signs in: the session cookie serves the next pages
        staff.goto(f"{server}/admin/conversations?tenant=default")
        staff.locator("tr.conversation a").first.click()
        staff.locator("section.transcript").wait_for(timeout=30_000)
        assert "<script>window.__xss" in staff.locator("section.transcript").inner_text()
        staff.screenshot(path=str(ARTIFACTS / "markup-admin.png"), full_page=True)
        _untouched(staff, staff_fired)
    finally:
        customer_context.close()
        staff_context.close()


def test_the_api_never_hands_an_article_url_that_is_not_http(server: str) -> None:
    request = urllib.request.Request(f"{server}/api/v1/conversations", data=json.dumps({"widget_key": "demo"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        started = json.loads(response.read())
    asked = urllib.request.Request(f"{server}/api/v1/conversations/{started['conversation_id']}/messages",
                                   data=json.dumps({"text": "How long do I have to return a quokka grooming brush?"}).encode(),
                                   headers={"Content-Type": "application/json", "Authorization": f"Bearer {started['token']}"}, method="POST")
    with urllib.request.urlopen(asked, timeout=120) as response:
        reply = json.loads(response.read())["reply"]
    # a citation's URL is http(s), site-relative or none; the article's `javascript:` url never reaches a client
    assert all(not (c.get("url") or "").strip().lower().startswith("javascript:") for c in reply.get("citations", [])), reply

