"""The console's queue with the keyboard and a screen reader, in a real browser: the live queue keeps
the staff member's place while they tab through it, and says which handoffs arrived, once, instead of
reading the whole list out again every poll."""

from __future__ import annotations

import re
import time

# `server`: the fixture, for this module's own served instance
from tests.browser.test_console_browser import _handed_over, _signed_in, server

__all__ = ["server"]

POLLS = 5.0  # seconds: two and a half of console.js's polls


def _focused_href(page: object) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")  # type: ignore[attr-defined]


def test_tabbing_through_the_live_queue_keeps_the_focus_where_it_is(server: str, browser: object) -> None:
    """Carol tabbed to the second handoff in the queue; two seconds later the poll redrew the list and
    the focus fell back to the page: the next Tab started again from the top, whatever she had reached."""
    for _ in range(3):
        _handed_over(server)
    page = _signed_in(browser, server, "alice")
    try:
        links = page.locator("#queue a")
        assert links.count() >= 3
        page.locator("header a.brand").focus()
        targets = []
        while len(targets) < 2:  # Tab from the top of the page to the second handoff in the queue
            page.keyboard.press("Tab")
            href = _focused_href(page)
            if href and href.startswith("/console/handoffs/"):
                targets.append(href)
        second = links.nth(1).get_attribute("href")
        assert targets[-1] == second
        time.sleep(POLLS)
        assert _focused_href(page) == second
        # a new customer arrives meanwhile: the list changes, the focus stays on the same handoff
        _handed_over(server)
        page.locator("#queue a").nth(3).wait_for(timeout=30_000)
        assert _focused_href(page) == second
        page.keyboard.press("Enter")
        page.wait_for_url(server + second)
    finally:
        page.context.close()


def test_a_screen_reader_hears_each_new_handoff_once_not_the_whole_queue_each_poll(server: str, browser: object) -> None:
    """The queue was an aria-live region rewritten every two seconds: a screen reader read every
    waiting handoff out again and again. Now the list is quiet and a status line names what arrived."""
    page = _signed_in(browser, server, "alice")
    try:
        queue = page.locator("#queue")
        assert queue.get_attribute("aria-live") is None
        page.evaluate(
            "window.changes = 0; new MutationObserver(function (m) { window.changes += m.length; })"
            ".observe(document.getElementById('queue'), {childList: true, subtree: true, characterData: true})"
        )
        time.sleep(POLLS)
        assert page.evaluate("window.changes") == 0  # nothing changed, nothing redrawn (nothing re-read)
        news = page.get_by_role("status")
        assert news.inner_text() == ""
        _handed_over(server)
        page.locator("#queue-news", has_text=re.compile(r"New handoff #\d+")).wait_for(state="attached", timeout=30_000)
        newest = page.locator("#queue a").first
        said = f"New handoff #{newest.get_attribute('href').rsplit('/', 1)[-1]}: {newest.locator('.intent').inner_text()}"
        assert news.text_content() == said == "New handoff #" + said.split("#")[1]
        assert "I want to talk to a person" in said
        time.sleep(POLLS)
        assert news.text_content() == said  # said once: the next polls leave it as it is
    finally:
        page.context.close()
