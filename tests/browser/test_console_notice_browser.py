"""The step-back banner in a real browser (issue #18 §4, no Slack): staff keep /console open; answers
marked not helpful step the tenant back to shadow; the banner appears without a reload (console.js
polls the queue's JSON), "Got it" takes it away. A screenshot is kept under artifacts/."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, server_env, serving

PASSWORD = "a long staff password"
QUESTION = "How do I turn on two-factor authentication?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"SUPPORTBOT_DATA_DIR": str(tmp_path_factory.mktemp("notice-browser")), "SUPPORTBOT_ROLLBACK_MIN_ANSWERS": "2",
           "SUPPORTBOT_ROLLBACK_NOT_HELPFUL": "0.5", "SUPPORTBOT_ROLLBACK_CHECK_SECONDS": "0"}
    added = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "staff", "add", "--tenant", "default", "alice", "--password-stdin"],
                           input=PASSWORD + "\n", cwd=ROOT, env=server_env(**env), capture_output=True, text=True, timeout=120, check=False)
    assert added.returncode == 0, added.stderr
    with serving(env) as base:
        yield base


def call(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def ask(server: str) -> tuple[str, str, dict[str, Any]]:
    created = call(f"{server}/api/v1/conversations", {"widget_key": "demo"})
    conversation, token = created["conversation_id"], created["token"]
    reply = call(f"{server}/api/v1/conversations/{conversation}/messages", {"text": QUESTION}, token)["reply"]
    return conversation, token, reply


def test_staff_see_the_step_back_appear_live_and_dismiss_it(server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    staff = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        staff.goto(server + "/console")
        staff.get_by_label("Name").fill("alice")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.get_by_role("heading", name="Handoffs").wait_for(timeout=30_000)
        assert staff.locator(".notice").count() == 0

        for _ in range(2):  # two answers marked not helpful: over the threshold
            conversation, token, reply = ask(server)
            assert reply["outcome"] == "answer"
            call(f"{server}/api/v1/conversations/{conversation}/feedback", {"message_id": reply["id"], "helpful": False}, token)
        ask(server)  # the check runs after a message

        banner = staff.get_by_role("alert")
        banner.get_by_text("stepped back to shadow", exact=False).wait_for(timeout=30_000)  # no reload: console.js
        assert "answers marked not helpful" in banner.inner_text()
        staff.screenshot(path=str(ARTIFACTS / "console-step-back.png"), full_page=True)
        banner.get_by_role("button", name="Got it").click()
        staff.get_by_role("heading", name="Handoffs").wait_for(timeout=30_000)
        assert staff.locator(".notice").count() == 0
        staff.reload()
        assert staff.locator(".notice").count() == 0
    finally:
        context.close()
