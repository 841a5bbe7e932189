"""The README's first run, in a real browser: `supportbot staff add`, then `supportbot serve` with no
other settings (no Slack). Two browser contexts: a customer on the widget asks for a person; a staff
member signs in to /console, claims, replies; the reply appears in the widget; the customer's answer
appears live in the console; staff resolve. Screenshots are kept under artifacts/."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, server_env, serving

PASSWORD = "a long staff password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("console-browser")
    tenants = folder / "tenants.toml"
    # the unsure pair off: the card test below needs a question handed over as unsure (with the pair, the bot would
    # ask which of two articles is meant: tests/bot/test_clarify.py)
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n[tenants.default.thresholds]\nmin_split_confidence = 1.0\nmin_words_confidence = 1.0\n')
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(tenants)}
    added = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "staff", "add", "--tenant", "default", "alice", "--password-stdin"],
                           input=PASSWORD + "\n", cwd=ROOT, env=server_env(**env), capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    added = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "staff", "add", "--tenant", "default", "bob", "--password-stdin"],
                           input=PASSWORD + "\n", cwd=ROOT, env=server_env(**env), capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    with serving(env) as base:
        yield base


def test_widget_customer_to_console_staff_and_back(server: str, browser: object) -> None:
    customer_context = browser.new_context(viewport={"width": 1100, "height": 800})  # type: ignore[attr-defined]
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    customer, staff = customer_context.new_page(), staff_context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        # the customer asks, then asks for a person
        customer.goto(server + "/")
        customer.get_by_role("button", name="Open support chat").click()
        box = customer.get_by_role("textbox", name="Your message")
        box.fill("how do I export my workspace?")
        box.press("Enter")
        log = customer.get_by_role("log", name="Conversation")
        log.locator(".msg.bot").first.wait_for(timeout=60_000)
        customer.get_by_role("button", name="Talk to a person").click()
        log.get_by_text("in the queue", exact=False).wait_for(timeout=60_000)
        assert customer.get_by_role("button", name="Talk to a person").count() == 0  # queued: asking again asks for nothing

        # staff: no session, so the console sends them to sign in
        staff.goto(server + "/console")
        assert staff.url.endswith("/console/sign-in")
        staff.get_by_label("Name").fill("alice")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        queued = staff.locator("#queue a", has_text="export my workspace")
        queued.first.wait_for(timeout=30_000)
        queued.first.click()
        assert "the customer asked for a person" in staff.locator(".card").inner_text()
        staff.get_by_role("button", name="Claim").click()
        staff.locator("#status", has_text="Claimed by alice").wait_for(timeout=30_000)
        log.get_by_text("joined the conversation", exact=False).wait_for(timeout=30_000)

        # the reply reaches the widget live
        staff.get_by_label("Reply to the customer").fill("Hi! I can export it for you today.")
        staff.get_by_role("button", name="Send reply").click()
        reply = log.locator(".msg.agent", has_text="I can export it for you today")
        reply.wait_for(timeout=30_000)
        assert "alice" in reply.inner_text()

        # the customer's answer appears in the console without a reload
        box.fill("great, thank you!")
        box.press("Enter")
        staff.locator("#transcript .msg.customer", has_text="great, thank you!").wait_for(timeout=30_000)
        staff.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
        customer.screenshot(path=str(ARTIFACTS / "console-widget.png"), full_page=True)

        # resolve: the console says so, the customer is asked for a rating
        staff.get_by_role("button", name="Resolve").click()
        staff.locator("#status", has_text="Resolved").wait_for(timeout=30_000)
        log.get_by_text("How did we do?", exact=False).wait_for(timeout=30_000)
        assert staff.get_by_role("button", name="Send reply").count() == 0
        # the bot has the conversation again (told on the socket with the notice): a person can be asked for anew
        customer.get_by_role("button", name="Talk to a person").wait_for(timeout=30_000)

        # the customer rates; back on the page later, the prompt is not offered again
        customer.get_by_role("button", name="Rate 4 of 5").click()
        log.get_by_text("Thanks for rating", exact=False).wait_for(timeout=30_000)
        customer.reload()
        customer.get_by_role("button", name="Open support chat").click()
        log = customer.get_by_role("log", name="Conversation")
        log.get_by_text("How did we do?", exact=False).wait_for(timeout=30_000)
        log.get_by_text("Thanks for rating", exact=False).wait_for(timeout=30_000)
        assert customer.get_by_role("button", name="Rate 4 of 5").count() == 0
    finally:
        customer_context.close()
        staff_context.close()


def _call(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def _handed_over(server: str) -> tuple[str, str]:
    """A widget customer who asked for a person: (conversation id, token)."""
    created = _call(f"{server}/api/v1/conversations", {"widget_key": "demo"})
    conversation, token = created["conversation_id"], created["token"]
    reply = _call(f"{server}/api/v1/conversations/{conversation}/messages", {"text": "I want to talk to a person", "client_message_id": uuid.uuid4().hex}, token)
    assert reply["reply"]["outcome"] == "handoff"
    return conversation, token


def _customer_sees(server: str, conversation: str, token: str) -> list[str]:
    return [m["text"] for m in _call(f"{server}/api/v1/conversations/{conversation}/messages", token=token)["messages"]]


def _signed_in(browser: object, server: str, name: str = "alice") -> Any:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()  # type: ignore[attr-defined]
    page.goto(server + "/console")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#queue").wait_for()
    return page


def _newest_href(page: Any) -> str:
    """The link of the latest handoff in the queue (those waiting are listed by their places: the latest last of them)."""
    return max(page.locator("#queue a").evaluate_all("links => links.map(a => a.getAttribute('href'))"), key=lambda h: int(h.rsplit("/", 1)[-1]))


def _open_newest(page: Any, server: str) -> None:
    page.goto(server + _newest_href(page))


def test_a_reply_to_a_handoff_resolved_meanwhile_is_kept_and_said_not_sent(server: str, browser: object) -> None:
    """Two tabs on one handoff: the reply written in one while the other resolves was dropped without a word
    (the page came back 'Resolved', the text gone, the customer never got it)."""
    conversation, token = _handed_over(server)
    writer, closer = _signed_in(browser, server), _signed_in(browser, server)
    try:
        _open_newest(writer, server)
        _open_newest(closer, server)
        writer.get_by_label("Reply to the customer").fill("Let me look at your invoice and come back to you.")
        closer.get_by_role("button", name="Resolve").click()
        closer.locator("#status", has_text="Resolved").wait_for(timeout=30_000)
        writer.get_by_role("button", name="Send reply").click()
        problem = writer.get_by_role("alert")
        problem.wait_for(timeout=30_000)
        assert "Not sent" in problem.inner_text() and "resolved" in problem.inner_text()
        assert writer.get_by_label("Your reply (not sent)").input_value() == "Let me look at your invoice and come back to you."
        assert not any("invoice" in text for text in _customer_sees(server, conversation, token))
    finally:
        writer.context.close()
        closer.context.close()


def test_a_long_reply_with_line_breaks_reaches_the_customer_and_an_empty_one_is_kept_with_a_reason(server: str, browser: object) -> None:
    """The box allows 4000 characters counting a line break as one; the browser sends each as two, and a
    long reply of many lines (within the box's limit) was refused with a bare JSON error, its text lost."""
    conversation, token = _handed_over(server)
    staff = _signed_in(browser, server)
    try:
        _open_newest(staff, server)
        long = "\n".join(f"step {n}: check the setting and save it again" for n in range(1, 200))[:3990].strip()
        staff.get_by_label("Reply to the customer").fill(long)
        staff.get_by_role("button", name="Send reply").click()
        staff.locator("#transcript .msg.agent", has_text="step 1: check").wait_for(timeout=30_000)
        assert long in _customer_sees(server, conversation, token)

        staff.get_by_label("Reply to the customer").fill("   \n  ")
        staff.get_by_role("button", name="Send reply").click()
        problem = staff.get_by_role("alert")
        problem.wait_for(timeout=30_000)
        assert "Not sent" in problem.inner_text()
        assert staff.get_by_role("button", name="Send reply").count() == 1  # still on the handoff, ready to write again
    finally:
        staff.context.close()


def test_the_card_of_a_handoff_the_bot_was_unsure_of_shows_what_it_found(server: str, browser: object) -> None:
    """'What the bot tried' showed only its notice ('I'm not sure enough to answer this...'): staff could not
    see which articles it had found, with what scores, before it handed over."""
    created = _call(f"{server}/api/v1/conversations", {"widget_key": "demo"})
    question = {"text": "My card 4111 1111 1111 1111 was charged twice, can you refund?", "client_message_id": uuid.uuid4().hex}
    reply = _call(f"{server}/api/v1/conversations/{created['conversation_id']}/messages", question, created["token"])["reply"]
    assert reply["outcome"] == "handoff" and reply["handoff_reason"] != "customer_request", reply
    staff = _signed_in(browser, server)
    try:
        staff.locator("#queue a", has_text="charged twice").first.click()
        tried = staff.locator(".attempts")
        # said as the reason the handoff recorded, which the card's "Why" shows too
        said = {"low_confidence": "not sure enough", "no_answer": "do not cover this"}[reply["handoff_reason"]]
        assert said in tried.inner_text(), tried.inner_text()
        found = tried.locator("ul li")
        assert found.count() >= 1
        assert "score 0." in found.first.inner_text() and "sample_kb/" in found.first.inner_text()
    finally:
        staff.context.close()


def test_a_reply_being_written_when_the_session_ends_is_back_in_the_box_after_signing_in(server: str, browser: object) -> None:
    """The session ended (12 hours, a password change, a sign-out elsewhere) while a reply was being written:
    the console's next poll sent the page to sign-in and the text was gone."""
    conversation, token = _handed_over(server)
    staff = _signed_in(browser, server)
    try:
        _open_newest(staff, server)
        handoff = staff.url
        staff.get_by_label("Reply to the customer").type("I have refunded the second charge.")
        staff.context.clear_cookies()  # the session is over
        staff.wait_for_url("**/console/sign-in?next=*", timeout=30_000)
        staff.get_by_label("Name").fill("alice")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.wait_for_url(handoff)  # back on the handoff
        box = staff.get_by_label("Reply to the customer")
        assert box.input_value() == "I have refunded the second charge."
        staff.get_by_role("button", name="Send reply").click()
        staff.locator("#transcript .msg.agent", has_text="refunded the second charge").wait_for(timeout=30_000)
        assert "I have refunded the second charge." in _customer_sees(server, conversation, token)
        staff.goto(handoff)  # sent: not offered again
        assert staff.get_by_label("Reply to the customer").input_value() == ""
    finally:
        staff.context.close()


def test_staff_read_their_own_name_in_their_reply_and_the_customers_name_stays_hidden(server: str, browser: object) -> None:
    """'Hi, alice here' was stored and shown to staff (console, Slack thread) as 'Hi, <PERSON_1> here': staff
    could not tell whether the customer got a placeholder. The customer's name typed by staff stays redacted."""
    conversation, token = _handed_over(server)
    staff = _signed_in(browser, server)
    try:
        _open_newest(staff, server)
        staff.get_by_label("Reply to the customer").fill("Hi, alice here. Maria Gonzalez, I will check your invoice now.")
        staff.get_by_role("button", name="Send reply").click()
        shown = staff.locator("#transcript .msg.agent", has_text="check your invoice")
        shown.wait_for(timeout=30_000)
        assert "Hi, alice here." in shown.inner_text()
        assert "Maria" not in shown.inner_text() and "<PERSON_" in shown.inner_text()
        assert "Hi, alice here. Maria Gonzalez, I will check your invoice now." in _customer_sees(server, conversation, token)
    finally:
        staff.context.close()


def test_a_long_unbroken_link_from_the_customer_wraps_inside_the_card_and_the_transcript(server: str, browser: object) -> None:
    """A 600-character link made the handoff page 5,800 pixels wide: the card and the message ran off the
    screen and staff scrolled sideways to read the rest, or the buttons."""
    created = _call(f"{server}/api/v1/conversations", {"widget_key": "demo"})
    for text in ("my link https://example.com/" + "x" * 600 + " does not work", "I want to talk to a person"):
        _call(f"{server}/api/v1/conversations/{created['conversation_id']}/messages", {"text": text, "client_message_id": uuid.uuid4().hex}, created["token"])
    staff = _signed_in(browser, server)
    try:
        staff.locator("#queue a", has_text="my link").first.wait_for(timeout=30_000)
        assert staff.evaluate("document.documentElement.scrollWidth") <= 1200
        staff.locator("#queue a", has_text="my link").first.click()
        staff.locator("#transcript .msg.customer", has_text="does not work").wait_for(timeout=30_000)
        assert staff.evaluate("document.documentElement.scrollWidth") <= 1200
        card = staff.locator(".card").bounding_box()
        assert card is not None and card["x"] + card["width"] <= 1200
    finally:
        staff.context.close()


def test_message_times_are_shown_on_the_staff_members_clock(server: str, browser: object) -> None:
    """The transcript showed the server's UTC hours and minutes with nothing to say so: to staff in Berlin a
    customer who wrote a minute ago seemed to have written an hour ago."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _handed_over(server)
    page = browser.new_context(viewport={"width": 1200, "height": 900}, timezone_id="Asia/Kolkata", locale="en-GB").new_page()  # type: ignore[attr-defined]
    try:
        page.goto(server + "/console")
        page.get_by_label("Name").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.locator("#queue").wait_for()
        _open_newest(page, server)
        first = page.locator("#transcript .msg .at").first
        written = datetime.fromisoformat(first.get_attribute("datetime")).astimezone(ZoneInfo("Asia/Kolkata"))
        assert first.inner_text() == f"{written:%H:%M}"  # today, on the staff member's clock (UTC+5:30)
    finally:
        page.context.close()


def test_a_handoffs_link_opened_without_a_session_opens_that_handoff_after_signing_in(server: str, browser: object) -> None:
    """A link to a handoff (from Slack, a colleague, a bookmark) led to sign-in and then to the queue, where
    staff had to find the handoff again. Only a handoff's page is returned to: no other path or site."""
    _handed_over(server)
    first = _signed_in(browser, server)
    link = server + first.locator("#queue a").first.get_attribute("href")
    first.context.close()
    page = browser.new_context().new_page()  # type: ignore[attr-defined]
    try:
        page.goto(link)
        assert "/console/sign-in?next=" in page.url
        page.get_by_label("Name").fill("alice")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()  # a wrong password keeps where to go
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(link)
        assert page.locator(".card").count() == 1
        page.context.clear_cookies()
        page.goto(server + "/console/sign-in?next=//evil.example/console/handoffs/1")
        page.get_by_label("Name").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/console")
    finally:
        page.context.close()


def test_the_slower_claimer_is_told_someone_else_claimed_first(server: str, browser: object) -> None:
    """Alice and Bob on one handoff in two browsers; Alice claimed, then Bob (writing a reply, so his page
    had not reloaded) pressed Claim: his page just said "Claimed by alice", as if his press had done it."""
    _handed_over(server)
    alice, bob = _signed_in(browser, server), _signed_in(browser, server, "bob")
    try:
        _open_newest(alice, server)
        _open_newest(bob, server)
        bob.get_by_label("Reply to the customer").fill("Looking at it")
        alice.get_by_role("button", name="Claim").click()
        alice.locator("#status", has_text="Claimed by alice").wait_for(timeout=30_000)
        assert alice.get_by_role("alert").count() == 0
        bob.get_by_role("button", name="Claim").click()
        problem = bob.get_by_role("alert")
        problem.wait_for(timeout=30_000)
        assert problem.inner_text() == "Not claimed: alice claimed this handoff first."  # named: Bob knows whom to ask
        assert "Claimed by alice" in bob.locator("#status").inner_text()
    finally:
        alice.context.close()
        bob.context.close()


def test_send_draft_on_a_handoff_someone_else_claimed_is_held_back_until_confirmed(server: str, browser: object) -> None:
    """Alice claimed; Bob, on his own page of it, pressed Send draft and the draft went to Alice's customer at
    once (a reply he typed there was held back). Now Bob's page says Alice has it, with the draft in the
    reply box and "Send anyway"; pressed, it goes, and the handoff stays Alice's."""
    conversation, token = _handed_over(server)
    alice, bob = _signed_in(browser, server), _signed_in(browser, server, "bob")
    try:
        _open_newest(alice, server)
        alice.get_by_role("button", name="Claim").click()
        alice.locator("#status", has_text="Claimed by alice").wait_for(timeout=30_000)
        draft = alice.locator("dd.draft").inner_text()
        _open_newest(bob, server)
        bob.get_by_role("button", name="Send draft").click()
        problem = bob.locator("#reply-problem")
        problem.wait_for(timeout=30_000)
        assert problem.inner_text().startswith("Draft not sent yet: alice has claimed this handoff and is talking with the customer.")
        assert bob.get_by_label("Reply to the customer").input_value() == draft
        assert draft not in _customer_sees(server, conversation, token)
        bob.get_by_role("button", name="Send anyway").click()
        bob.locator("#status", has_text="Claimed by alice").wait_for(timeout=30_000)
        assert _customer_sees(server, conversation, token).count(draft) == 1
    finally:
        alice.context.close()
        bob.context.close()
