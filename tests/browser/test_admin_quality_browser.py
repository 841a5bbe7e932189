"""/admin/quality and /admin/rollout in headless Chromium against `supportbot serve`: the charts are
drawn (SVG with axes and points, sized on the page), the kill switch button turns the bot off, and a
screenshot of each page is kept in artifacts/."""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, serving
from tests.databases import database_env

TOKEN = "admin-browser-secret"


def _post(url: str, body: dict[str, object], headers: dict[str, str] | None = None) -> dict[str, object]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def _ask(base: str, text: str) -> dict[str, object]:
    started = _post(f"{base}/api/v1/conversations", {"widget_key": "demo"})
    auth = {"Authorization": f"Bearer {started['token']}"}
    reply = _post(f"{base}/api/v1/conversations/{started['conversation_id']}/messages", {"text": text, "client_message_id": uuid.uuid4().hex},
                  auth)["reply"]
    return {"reply": reply, "auth": auth, "conversation": started["conversation_id"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("admin-quality")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(tenants), "SUPPORTBOT_ADMIN_TOKEN": TOKEN,
           "SUPPORTBOT_GRADE_SAMPLE": "1", **database_env(Path(folder / "data"))}
    with serving(env) as base:
        yield base


def test_the_quality_charts_and_the_kill_switch_in_a_browser(server: str, browser: object) -> None:
    first = _ask(server, "How do I turn on two-factor authentication?")
    assert first["reply"]["outcome"] == "answer"  # type: ignore[index]
    _post(f"{server}/api/v1/conversations/{first['conversation']}/feedback", {"message_id": first["reply"]["id"], "helpful": True},  # type: ignore[index]
          first["auth"])  # type: ignore[arg-type]
    _ask(server, "I want to talk to a real person")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/admin/quality?days=14&token={TOKEN}")
        charts = page.locator("svg.chart")
        assert charts.count() == 4
        for n in range(4):
            box = charts.nth(n).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("svg.chart circle.point").count() >= 2  # today's automation and grade points
        assert page.locator("svg.chart rect.bar").count() >= 1  # a handoff reason
        page.screenshot(path=str(ARTIFACTS / "admin-quality.png"), full_page=True)

        page.goto(f"{server}/admin/rollout?token={TOKEN}")
        assert page.locator("section[data-tenant=default] .stage").inner_text() == "on"
        page.set_extra_http_headers({"Authorization": f"Bearer {TOKEN}"})  # the form posts carry the token as the CLI's calls do
        page.locator("section[data-tenant=default] button.kill").click()
        page.wait_for_load_state()
        assert page.locator("section[data-tenant=default] .stage").inner_text() == "off"
        assert "kill switch" in page.locator("section[data-tenant=default] ul").inner_text()
        page.screenshot(path=str(ARTIFACTS / "admin-rollout.png"), full_page=True)
    finally:
        page.close()
    import time
    time.sleep(0.6)  # past the stage's half-second cache
    assert _ask(server, "How do I turn on two-factor authentication?")["reply"]["handoff_reason"] == "policy"  # type: ignore[index]


def test_the_rollout_form_starts_from_the_stage_as_it_is(server: str, browser: object) -> None:
    """Every tenant's form showed 'off' (the first option) whatever its stage: Change pressed to write down a
    reason, or to edit the percent, turned the bot off for every customer of the tenant."""
    request = urllib.request.Request(f"{server}/api/v1/admin/rollout/default", data=json.dumps({"stage": "percent", "percent": 30}).encode(),
                                     method="POST", headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60):
        pass
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{server}/admin/rollout?token={TOKEN}")
        tenant = page.locator("section[data-tenant=default]")
        assert tenant.locator(".stage").inner_text() == "percent 30%"
        assert tenant.locator("select[name=stage]").input_value() == "percent"
        assert tenant.locator("input[name=percent]").input_value() == "30"
        page.set_extra_http_headers({"Authorization": f"Bearer {TOKEN}"})  # as the kill switch's test: the form posts carry the token
        tenant.get_by_placeholder("why").fill("watching the first week")
        tenant.get_by_role("button", name="Change").click()
        page.wait_for_load_state()
        tenant = page.locator("section[data-tenant=default]")
        assert tenant.locator(".stage").inner_text() == "percent 30%"
        assert "watching the first week" in tenant.locator("ul").inner_text()
    finally:
        page.close()
