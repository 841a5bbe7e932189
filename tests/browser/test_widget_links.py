"""The widget renders a citation as a link only for an http(s) URL (absolute or relative to the help
page): a stored `javascript:` or `data:` URL shows as plain text. Chromium with the API answered by
Playwright's request routing (no server needed), so the renderer itself is what is tested."""

from __future__ import annotations

import json
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[2] / "channels" / "widget_static" / "widget.js"
SITE = "https://help.acme.example"
CITATIONS = [
    {"source": "a.md", "title": "Script", "url": "javascript:document.title='pwned'", "score": 0.9},
    {"source": "b.md", "title": "Upper", "url": "  JavaScript:alert(1)", "score": 0.8},
    {"source": "c.md", "title": "Control", "url": "\u0001javascript:alert(1)", "score": 0.8},
    {"source": "d.md", "title": "Data", "url": "data:text/html,<script>alert(1)</script>", "score": 0.7},
    {"source": "e.md", "title": "VB", "url": "vbscript:msgbox(1)", "score": 0.7},
    {"source": "f.md", "title": "Absolute", "url": "https://help.acme.example/refunds", "score": 0.6},
    {"source": "g.md", "title": "Relative", "url": "/billing/invoices", "score": 0.5},
]


def test_citation_links_are_http_or_site_relative_only(browser: object) -> None:
    page = opened_with(browser, CITATIONS)
    sources = page.get_by_role("log", name="Conversation").locator(".msg.bot .sources")
    links = {a.inner_text(): a.get_attribute("href") for a in sources.locator("a").all()}
    assert links == {"Absolute": "https://help.acme.example/refunds", "Relative": "https://help.acme.example/billing/invoices"}
    shown = sources.inner_text()
    for title in ("Script", "Upper", "Control", "Data", "VB"):
        assert title in shown  # the title stays, as plain text
    page.close()


def test_sources_without_a_link_stand_each_on_a_line_of_their_own(browser: object) -> None:
    """A help center ingested from files without `url` front matter cites titles without links: they were
    inline, so the box read "SourcesJuniper room sensor › PricesThe Morgan plan" (seen on a new help center)."""
    page = opened_with(browser, [{"source": "articles/juniper.md", "title": "Juniper room sensor › Prices", "url": None, "score": 0.9},
                                 {"source": "articles/morgan.md", "title": "The Morgan plan", "url": None, "score": 0.8},
                                 {"source": "f.md", "title": "Absolute", "url": "https://help.acme.example/refunds", "score": 0.6}])
    sources = page.get_by_role("log", name="Conversation").locator(".msg.bot .sources")
    boxes = [sources.locator(selector).bounding_box() for selector in ("strong", "span >> nth=0", "span >> nth=1", "a")]
    for above, below in zip(boxes, boxes[1:]):
        assert below["y"] >= above["y"] + above["height"] - 1, (above, below)  # each below the one before, none beside it
    assert sources.inner_text().splitlines() == ["Sources", "Juniper room sensor › Prices", "The Morgan plan", "Absolute"]
    page.close()


def test_the_articles_offered_while_waiting_for_a_person_are_links_named_by_their_titles(browser: object) -> None:
    """The handoff notice of a question the bot was unsure of lists articles to read meanwhile as
    "• <title> (<url>)": the absolute URL showed raw after its title and a site-relative one was no link.
    Each is now its title as a link, as an answer's sources are, and only for an http(s) or relative URL."""
    text = ("I'm not sure enough to answer this, so I'm passing it to a person from our support team.\n\n"
            "While you wait, these articles might help:\n• Refunds (and returns) (https://help.acme.example/refunds)\n"
            "• Invoices (/billing/invoices)\n• Script (javascript:alert(1))\nMore at https://help.acme.example/ today.")
    reply = {"id": 2, "role": "bot", "outcome": "handoff", "handoff_reason": "low_confidence", "text": text, "citations": []}
    page = opened_with(browser, [], reply=reply, shown=".msg.bot")
    bubble = page.get_by_role("log", name="Conversation").locator(".msg.bot")
    links = {a.inner_text(): a.get_attribute("href") for a in bubble.locator("a").all()}
    assert links == {"Refunds (and returns)": "https://help.acme.example/refunds", "Invoices": "https://help.acme.example/billing/invoices",
                     "https://help.acme.example/": "https://help.acme.example/"}
    assert all(a.get_attribute("rel") == "noopener noreferrer" for a in bubble.locator("a").all())
    assert bubble.inner_text().splitlines()[-4:] == ["• Refunds (and returns)", "• Invoices", "• Script (javascript:alert(1))",
                                                     "More at https://help.acme.example/ today."]
    page.close()


def opened_with(browser: object, citations: list[dict[str, object]], *, reply: dict[str, object] | None = None,
                shown: str = ".msg.bot .sources") -> object:
    """A help page with the widget, the API answered by routing: one answer citing `citations` (or `reply`), shown."""
    page = browser.new_page()  # type: ignore[attr-defined]

    def answer(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        path = request.url.removeprefix(SITE)
        if path == "/":
            body, kind = '<html><body><h1>Help</h1><script src="/widget.js" data-widget-key="k"></script></body></html>', "text/html"
        elif path == "/widget.js":
            body, kind = WIDGET.read_text(), "application/javascript"
        elif path == "/api/v1/conversations":
            body, kind = json.dumps({"conversation_id": "c1", "token": "t1"}), "application/json"
        elif path == "/api/v1/conversations/c1/messages":
            answer = reply or {"id": 2, "role": "bot", "outcome": "answer", "text": "Here you go.", "citations": citations}
            body, kind = json.dumps({"reply": answer}), "application/json"
        else:
            route.abort()  # type: ignore[attr-defined]
            return
        route.fulfill(status=200, body=body, content_type=kind)  # type: ignore[attr-defined]

    page.route(f"{SITE}/**", answer)
    page.goto(SITE + "/")
    page.get_by_role("button", name="Open support chat").click()
    box = page.get_by_role("textbox", name="Your message")
    box.fill("refunds?")
    box.press("Enter")
    page.get_by_role("log", name="Conversation").locator(shown).wait_for(timeout=15_000)
    return page
