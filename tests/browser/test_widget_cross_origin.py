"""The widget on a customer's own help site: the page on one origin, the API on another (two ports),
in Debian's headless Chromium. From an origin the tenant lists, the widget answers (preflight, JSON
calls with a bearer token, the WebSocket); from one it does not list, the browser refuses the calls
and the server stores nothing.

The server runs this checkout's code (`python -m bot.app.cli.main`), not whatever the console script points at.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.test_restart import free_port
from tests.browser.conftest import serving


class HelpSite:
    """A customer's help site: one static page that embeds the widget from the API's origin (`key`: the
    tag's data-widget-key; None, a tag without one)."""

    def __init__(self, api: str, key: str | None = "demo") -> None:
        attribute = f' data-widget-key="{key}"' if key else ""
        page = (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>Acme help</title><main>Docs</main>'
                f'<script src="{api}/widget.js"{attribute}></script></html>').encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_: object) -> None:
                pass

        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, HelpSite, HelpSite, Path, HelpSite]]:
    """(the API's base URL, the listed help site, an unlisted one, the data dir, tenant acme's site whose widget
    tag names no key)."""
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    listed, unlisted, keyless = HelpSite(api), HelpSite(api), HelpSite(api, key=None)
    data = tmp_path_factory.mktemp("cross-origin")
    tenants = data / "tenants.toml"
    tenants.write_text(f'[tenants.default.widget]\nkeys = ["demo"]\nallowed_origins = ["{listed.origin}"]\n'
                       f'[tenants.acme.widget]\nkeys = ["acme-key"]\nallowed_origins = ["{keyless.origin}"]\n')
    try:
        with serving({"SUPPORTBOT_DATA_DIR": str(data), "SUPPORTBOT_TENANTS_FILE": str(tenants)}, port=api_port):
            yield api, listed, unlisted, data, keyless
    finally:
        listed.close()
        unlisted.close()
        keyless.close()


def test_the_widget_answers_on_a_listed_origin(sites: tuple[str, HelpSite, HelpSite, Path, HelpSite], browser: object) -> None:
    api, listed, _, _, _ = sites
    page = browser.new_page()  # type: ignore[attr-defined]
    # Chromium sends the preflights itself (Playwright does not show them): the calls that needed one
    # (JSON, a bearer token) are what it let through
    calls: list[tuple[str, int, str | None]] = []
    page.on("response", lambda r: calls.append((r.request.method, r.status, r.request.headers.get("authorization")))
            if r.url.startswith(api + "/api/") else None)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))
    page.goto(listed.origin + "/")
    assert page.evaluate("location.origin") != api
    page.get_by_role("button", name="Open support chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("how do I reset my password?")
    box.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    log.locator(".msg.bot .sources a").first.wait_for(timeout=60_000)
    assert "password" in log.locator(".msg.bot").first.inner_text().lower()
    page.get_by_role("button", name="Talk to a person").click()
    log.get_by_text("passing you to a person", exact=False).wait_for(timeout=60_000)
    log.get_by_text("in the queue", exact=False).wait_for(timeout=30_000)
    assert ("POST", 201, None) in calls
    assert any(method == "POST" and status == 200 and (auth or "").startswith("Bearer ") for method, status, auth in calls), calls
    # the WebSocket from the other origin works too (its first event is the conversation's state)
    page.wait_for_function("() => true", timeout=1000)
    assert any('"type": "state"' in frame or '"type":"state"' in frame for frame in frames), frames
    page.close()


def test_the_browser_refuses_the_widget_on_an_unlisted_origin(sites: tuple[str, HelpSite, HelpSite, Path, HelpSite], browser: object) -> None:
    api, _, unlisted, _, _ = sites
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(unlisted.origin + "/")
    page.get_by_role("button", name="Open support chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("how do I reset my password?")
    box.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    # not "please try again", which can never help: the chat is not available here, and the console says why
    # (the widget tells a refused site from a server that is down)
    log.get_by_text("this chat is not available", exact=False).wait_for(timeout=30_000)
    assert log.locator(".msg.bot").count() == 0
    assert any("CORS" in error or "Access-Control" in error for error in errors), errors
    assert any(f'add "{unlisted.origin}" to the allowed_origins' in error for error in errors), errors
    # the server's own answer to that preflight names no origin
    request = urllib.request.Request(f"{api}/api/v1/conversations", method="OPTIONS", headers={
        "Origin": unlisted.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            headers = dict(response.headers)
    except urllib.error.HTTPError as refused:
        headers = dict(refused.headers)
        assert json.loads(refused.read())["error"]
    assert "Access-Control-Allow-Origin" not in headers
    page.close()


def test_a_widget_tag_without_a_key_opens_the_tenant_that_lists_the_site(sites: tuple[str, HelpSite, HelpSite, Path, HelpSite],
                                                                         browser: object) -> None:
    # before: the widget sent the key "demo" when its tag named none, so acme's site chatted with the default
    # tenant's help center (here refused by the browser, as the default tenant does not list acme's site)
    api, _, _, _, keyless = sites
    page = browser.new_page()  # type: ignore[attr-defined]
    opened: list[dict[str, object]] = []
    page.on("response", lambda r: opened.append(r.json()) if r.url == f"{api}/api/v1/conversations" and r.status == 201 else None)
    page.goto(keyless.origin + "/")
    page.get_by_role("button", name="Open support chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("how do I reset my password?")
    box.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    log.locator(".msg.bot").first.wait_for(timeout=60_000)  # acme has no articles: a person takes it
    assert [o["tenant"] for o in opened] == ["acme"], opened
    assert "could not be sent" not in log.inner_text()
    page.close()
