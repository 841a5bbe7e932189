"""The demo page for a tenant of one's own tenants file (`/?widget_key=KEY`), in Debian's Chromium: the page names
that tenant, not the sample help center, and its widget chats with that tenant."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import serving


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("preview-browser")
    tenants = folder / "tenants.toml"
    tenants.write_text('[tenants.halden.widget]\nkeys = ["halden-site"]\n', encoding="utf-8")
    with serving({"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(tenants)}) as base:
        yield base


def test_a_tenants_preview_page_names_it_and_its_widget_hands_over_to_a_person(server: str, browser: object) -> None:
    # qa12: the page showed the sample help center (Paperkite's title, articles and links) around tenant halden's widget
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.goto(server + "/?widget_key=halden-site")
    assert page.title().startswith("halden") and "Paperkite" not in page.content()
    page.get_by_role("button", name="Open support chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("I want to talk to a real person")
    box.press("Enter")
    page.get_by_role("log", name="Conversation").get_by_text("in the queue", exact=False).wait_for(timeout=60_000)
    # without a key, no tenant has the page's key 'demo': the page says how to open it, with no widget refusing messages
    page.goto(server + "/")
    assert "?widget_key=" in page.content() and page.get_by_role("button", name="Open support chat").count() == 0
