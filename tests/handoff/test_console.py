"""The built-in staff desk (/console) over HTTP, beside the Slack desk (the loopback Slack fake):
sign-in and its bad inputs, CSRF, tenant isolation, the whole loop with a widget customer, and both
desks seeing the same state."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF, SETTINGS
from handoff.staff_accounts import add_account, hash_password
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import FakeSlackApi
from tests.handoff.slack_steps import (
    SECRET,
    STAFF,
    action,
    button_value,
    card_for,
    staff_message,
    widget,
)

ALICE_PASSWORD = "correct horse battery"
BOB_PASSWORD = "another long password"
CAROL_PASSWORD = "a third long password"


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    """Two tenants: alice (in the tenants file) staffs `default`, bob (added with the CLI's helper to
    the data dir's staff file) staffs `acme`. Slack is configured too: both desks are on."""
    tenants = tmp_path_factory.mktemp("console-tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(ALICE_PASSWORD)}"\ndisplay_name = "Alice"\n'
        f'[tenants.default.staff.carol]\npassword_hash = "{hash_password(CAROL_PASSWORD)}"\ndisplay_name = "Carol"\n'
        # another Alice: two accounts, one display name
        f'[tenants.default.staff.alice2]\npassword_hash = "{hash_password(CAROL_PASSWORD)}"\ndisplay_name = "Alice"\n'
        '[tenants.acme.widget]\nkeys = ["acme"]\n'
    )
    settings = make_settings(
        tmp_path_factory.mktemp("console"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants),
    )
    add_account(settings, tenant="acme", name="bob", password=BOB_PASSWORD, display_name="Bob")
    async with running_app(settings, timeout=180) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class Staff:
    """One browser: its own cookie jar."""

    def __init__(self, client: TestClient) -> None:
        self.base = str(client.make_url("")).rstrip("/")
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str, **kw: Any) -> aiohttp.ClientResponse:
        return await self.http.get(self.base + path, allow_redirects=False, **kw)

    async def post(self, path: str, data: dict[str, str], **kw: Any) -> aiohttp.ClientResponse:
        return await self.http.post(self.base + path, data=data, allow_redirects=False, **kw)

    async def csrf(self, path: str = "/console/sign-in") -> str:
        return csrf_of(await (await self.http.get(self.base + path)).text())

    async def sign_in(self, *, tenant: str, name: str, password: str) -> aiohttp.ClientResponse:
        token = await self.csrf()
        return await self.post("/console/sign-in", {"csrf": token, "tenant": tenant, "name": name, "password": password})

    async def act(self, handoff_id: int | str, what: str, **extra: str) -> aiohttp.ClientResponse:
        token = await self.csrf("/console")
        return await self.post(f"/console/handoffs/{handoff_id}/act", {"csrf": token, "action": what, **extra})

    async def reply(self, handoff_id: int | str, text: str) -> aiohttp.ClientResponse:
        token = await self.csrf("/console")
        return await self.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": token, "text": text, "client_id": str(time.time())})

    async def view(self, handoff_id: int | str) -> dict[str, Any]:
        response = await self.get(f"/console/api/handoffs/{handoff_id}")
        assert response.status == 200
        return dict(await response.json())

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
async def alice(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="default", name="alice", password=ALICE_PASSWORD)).status == 303
    yield staff
    await staff.close()


@pytest.fixture
async def bob(client: TestClient) -> AsyncIterator[Staff]:
    staff = Staff(client)
    assert (await staff.sign_in(tenant="acme", name="bob", password=BOB_PASSWORD)).status == 303
    yield staff
    await staff.close()


@pytest.fixture
async def carol(client: TestClient) -> AsyncIterator[Staff]:
    """A second staff member of `default`, in another browser."""
    staff = Staff(client)
    assert (await staff.sign_in(tenant="default", name="carol", password=CAROL_PASSWORD)).status == 303
    yield staff
    await staff.close()


async def hand_over(client: TestClient, key: str = "demo") -> tuple[str, dict[str, str], Any, list[dict[str, Any]], int]:
    """A widget customer who asks a question, then for a person: (conversation, auth, socket, heard, handoff id)."""
    conversation, auth, ws, heard = await widget(client, key)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I export my workspace?"}, headers=auth)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    return conversation, auth, ws, heard, int(handoff.id)


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


async def test_the_whole_loop_from_the_console_and_both_desks_share_one_state(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    card = await until(lambda: card_for(slack, STAFF, before))
    assert int(button_value(card, "handoff_claim")) == handoff_id

    # the card and the transcript on the console
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "export my workspace" in page and "the customer asked for a person" in page and "Draft reply" in page
    assert "Claim" in page and "Send draft" in page and "Return to bot" in page
    view = await alice.view(handoff_id)
    assert view["status"] in ("queued", "open") and any(m["role"] == "customer" for m in view["messages"])

    # claimed on the console: the Slack card says so, the customer is told
    assert (await alice.act(handoff_id, "claim")).status == 303
    update = await until(lambda: [u for u in slack.of("chat.update") if "Claimed by Alice" in json.dumps(u.get("blocks"))])
    assert update
    assert await until(lambda: [m for m in heard if "Alice" in m["text"] and "joined" in m["text"]])

    # a reply on the console reaches the customer live, and the Slack thread
    assert (await alice.reply(handoff_id, "Hi! I can export it for you today.")).status == 303
    agent = await until(lambda: [m for m in heard if m["role"] == "agent"])
    assert agent[0]["text"] == "Hi! I can export it for you today." and agent[0]["author"] == "Alice"
    thread = (await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)).thread_ts
    assert await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("thread_ts") == thread and "(web console)" in a.get("text", "")])

    # taken over on the Slack card (a Slack user is another staff member than a console account: a message in the
    # thread of a handoff someone else claimed would stay with the team), then a reply in the Slack thread and the
    # customer's answer show in the console's transcript
    assert await action(client, "handoff_take_over", button_value(update[-1], "handoff_take_over")) == 200
    assert await until(lambda: (h := client.app[HANDOFF].get(handoff_id)) is not None and h.claimed_by_id == "UALICE")
    assert await staff_message(client, thread_ts=thread, text="The export is on its way, sent from Slack.", ts="3000.000001") == 200
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "thank you both"}, headers=auth)

    async def transcript_has_both() -> bool:
        texts = [m["text"][:50] for m in (await alice.view(handoff_id))["messages"]][-4:]
        return "The export is on its way, sent from Slack." in texts and "thank you both" in texts

    for _ in range(100):
        if await transcript_has_both():
            break
        await asyncio.sleep(0.1)
    assert await transcript_has_both(), [m["text"][:50] for m in (await alice.view(handoff_id))["messages"]][-4:]

    # the draft goes out as a staff reply; Alice on Slack has the handoff now, so from the console account it is
    # held back naming her, the draft in the reply box, until confirmed with "Send anyway"
    held = await alice.act(handoff_id, "draft")
    page = await held.text()
    assert held.status == 409 and "Draft not sent yet: Alice has claimed this handoff" in page and 'name="despite" value="UALICE"' in page
    draft = client.app[HANDOFF].packet(await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)).draft
    sent = await alice.post(f"/console/handoffs/{handoff_id}/reply", {"csrf": csrf_of(page), "text": draft, "client_id": "draft-1", "despite": "UALICE"})
    assert sent.status == 303
    assert await until(lambda: [m for m in heard if m["role"] == "agent" and m["text"].startswith("Hi, thanks for waiting")])

    # resolved in Slack: the console shows it, and offers no more actions
    assert await action(client, "handoff_resolve", str(handoff_id)) == 200
    for _ in range(100):
        if (await alice.view(handoff_id))["status"] == "resolved":
            break
        await asyncio.sleep(0.1)
    view = await alice.view(handoff_id)
    assert view["status"] == "resolved" and view["status_text"] == "Resolved"
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "Send reply" not in page and 'value="claim"' not in page
    assert await until(lambda: [m for m in heard if m.get("rating_request")])
    events = [e for e in client.app[HANDOFF]._audit.events(conversation_id=conversation) if e.kind == "staff_reply"]  # noqa: SLF001
    assert {json.loads(e.data)["staff"] for e in events} == {"console:default:alice", "UALICE"}
    await ws.close()


async def test_return_to_bot_from_the_console_and_sign_out(client: TestClient, alice: Staff) -> None:
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    assert (await alice.act(handoff_id, "return")).status == 303
    assert await until(lambda: [m for m in heard if m["role"] == "system" and "chatting with the bot again" in m["text"]])
    again = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on two-factor authentication?"}, headers=auth)).json()
    assert again["reply"]["outcome"] == "answer"
    token = await alice.csrf("/console")
    assert (await alice.post("/console/sign-out", {"csrf": token})).status == 303
    assert (await alice.get("/console")).status == 303
    await ws.close()


async def test_the_customers_rating_shows_on_the_resolved_handoff(client: TestClient, alice: Staff) -> None:
    # the queue and the page said "Resolved" after the customer rated; the rating was only a "5" in the transcript
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    assert (await alice.act(handoff_id, "resolve")).status == 303
    assert await until(lambda: [m for m in heard if m.get("rating_request")])
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "4"}, headers=auth)
    for _ in range(100):
        if (await alice.view(handoff_id))["status"] == "rated":
            break
        await asyncio.sleep(0.1)
    assert (await alice.view(handoff_id))["status_text"] == "Resolved · rated 4 of 5"
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert '<p class="status" id="status">Resolved · rated 4 of 5</p>' in page
    rows = (await (await alice.get("/console/api/queue")).json())["handoffs"]
    assert [r["status_text"] for r in rows if r["id"] == handoff_id] == ["Resolved · rated 4 of 5"]
    await ws.close()


async def test_two_staff_claiming_at_the_same_moment_one_claim_wins(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Both pressed Claim at once: the customer was told 'Alice ... has joined' and 'Carol ... has joined',
    and the card named whoever was saved last (each read the handoff unclaimed, then saved its claim)."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    answers = await asyncio.gather(alice.act(handoff_id, "claim"), carol.act(handoff_id, "claim"))
    assert [a.status for a in answers] == [303, 303]
    await asyncio.sleep(1.0)
    joined = [m["text"] for m in heard if m["role"] == "system" and "joined" in m["text"]]
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    assert len(joined) == 1, joined
    assert handoff.status == "claimed" and handoff.claimed_by in joined[0]
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_a_claim_at_the_moment_another_resolves_leaves_one_consistent_state(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Resolve and Claim pressed at once: the claim, saved after the resolution, reopened the handoff as
    claimed on a closed conversation (or failed on its state change), and the customer heard both."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    answers = await asyncio.gather(alice.act(handoff_id, "resolve"), carol.act(handoff_id, "claim"))
    assert [a.status for a in answers] == [303, 303]
    await asyncio.sleep(1.0)
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    state = (await asyncio.to_thread(client.app[HANDOFF]._conversations.get, conversation)).state  # noqa: SLF001
    assert (handoff.status, state) in {("resolved", "closed"), ("claimed", "with_human")}, (handoff.status, state)
    if handoff.status == "claimed":
        await alice.act(handoff_id, "resolve")
    await ws.close()


def _between(page: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), page, re.S)
    assert found, f"no {start!r} in the page"
    return found.group(1)


async def test_a_customer_asking_for_a_person_first_thing_shows_the_bot_tried_nothing(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    """'What the bot tried' listed the bot's own handoff notice ("Sure, I'm passing you to a person...",
    handoff, confidence 0.0) as if it were a failed answer, on the console and on the Slack card."""
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, heard = await widget(client)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff"
    notice = reply["reply"]["text"]
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    page = await (await alice.get(f"/console/handoffs/{handoff.id}")).text()
    tried = _between(page, '<ul class="attempts">', "</ul>")
    assert notice[:30] not in tried and "confidence" not in tried
    assert "Nothing: the customer asked for a person" in tried
    card = await until(lambda: card_for(slack, STAFF, before))
    on_slack = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*What the bot tried:*"))
    assert notice[:30] not in on_slack and "Nothing: the customer asked for a person" in on_slack
    await alice.act(int(handoff.id), "resolve")
    await ws.close()


async def test_why_and_what_the_bot_tried_say_the_same_reason(client: TestClient, slack: FakeSlackApi, alice: Staff) -> None:
    """A question the help center does not cover: the card's "Why" said "the help center does not cover this"
    while "What the bot tried" said "it was not sure enough to answer" (and "unsure") for the same handoff,
    on the console and on the Slack card. Both now come from the reason the handoff recorded."""
    before = len(slack.of("chat.postMessage"))
    conversation, auth, ws, _ = await widget(client)
    reply = await (await client.post(f"/api/v1/conversations/{conversation}/messages",
                                      json={"text": "What is the capital of Australia?"}, headers=auth)).json()
    assert reply["reply"]["outcome"] == "handoff" and reply["reply"]["handoff_reason"] == "no_answer", reply
    handoff = await until(lambda: client.app[HANDOFF].current(conversation))
    page = await (await alice.get(f"/console/handoffs/{handoff.id}")).text()
    assert "<dt>Why</dt><dd>the help center does not cover this</dd>" in page
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert "score 0." in tried, tried  # the articles it found are still listed
    assert "not sure" not in tried and "unsure" not in tried and "do not cover this" in tried, tried
    card = await until(lambda: card_for(slack, STAFF, before))
    on_slack = next(b["text"]["text"] for b in card["blocks"] if b.get("text", {}).get("text", "").startswith("*What the bot tried:*"))
    assert "not sure" not in on_slack and "unsure" not in on_slack and "do not cover this" in on_slack, on_slack
    await alice.act(int(handoff.id), "resolve")
    await ws.close()


async def test_after_an_answer_the_card_lists_the_answer_not_the_handoff_notice(client: TestClient, alice: Staff) -> None:
    """"How do I export my workspace?" answered, then "I want to talk to a person": the card listed the
    handoff notice as a second attempt."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert tried.count("(answer, confidence") == 1 and "(handoff," not in tried
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_the_draft_does_not_offer_again_the_answer_the_customer_turned_down(client: TestClient, alice: Staff) -> None:
    """"How do I export my workspace?" answered, then "I want to talk to a person": "Send draft" offered the
    very answer the customer had just turned down; now only the greeting."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    answer = next(m["text"] for m in heard if m["role"] == "bot")
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    draft = _between(page, '<dd class="draft">', "</dd>")
    assert draft == "Hi, thanks for waiting, I&#x27;m looking into this for you now.", draft
    assert answer[:40] not in draft
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_the_slower_of_two_claims_is_told_someone_else_claimed_first(client: TestClient, alice: Staff, carol: Staff) -> None:
    """Alice and Carol had the handoff open in two tabs; Alice claimed, then Carol pressed Claim: Carol's
    page only said "Claimed by Alice", as if her press had done it."""
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    first = await alice.act(handoff_id, "claim")
    assert first.status == 303 and "error" not in first.headers["Location"]
    second = await carol.act(handoff_id, "claim")
    assert second.status == 303
    page = await (await carol.get(second.headers["Location"])).text()
    assert "Claimed by Alice" in page and "Not claimed: Alice claimed this handoff first." in page
    assert "Not claimed" not in await (await alice.get(first.headers["Location"])).text()
    await alice.act(handoff_id, "resolve")
    late = await carol.act(handoff_id, "claim")
    assert "closed before your claim" in await (await carol.get(late.headers["Location"])).text()
    await ws.close()


async def test_a_claim_is_told_lost_to_another_account_with_the_same_display_name(client: TestClient, alice: Staff) -> None:
    """Two accounts both shown as "Alice": the second one's Claim on the first one's handoff was taken as
    her own (claims were compared by the name shown), so she was not told that it was someone else's."""
    other = Staff(client)
    assert (await other.sign_in(tenant="default", name="alice2", password=CAROL_PASSWORD)).status == 303
    conversation, _, ws, heard, handoff_id = await hand_over(client)
    first = await alice.act(handoff_id, "claim")
    assert first.status == 303 and "error" not in first.headers["Location"]
    second = await other.act(handoff_id, "claim")
    assert second.headers["Location"].endswith("?error=claimed_first")
    assert "Not claimed: Alice claimed this handoff first." in await (await other.get(second.headers["Location"])).text()
    again = await alice.act(handoff_id, "claim")  # the claimer's own second press is hers
    assert "error" not in again.headers["Location"]
    await alice.act(handoff_id, "resolve")
    await other.close()
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


@pytest.mark.parametrize(("asked", "said"), [
    ("can I talk to a person?", ("still in the queue", "number")), ("¿Puedo hablar con una persona, por favor?", ("Sigues en la cola", "puesto")),
])
async def test_asking_for_a_person_again_while_waiting_is_answered_with_the_queue(client: TestClient, alice: Staff, asked: str,
                                                                                  said: tuple[str, str]) -> None:
    """"can I talk to a person?" typed while already in the queue reached staff and got the customer no reply at all
    (found by a fresh operator's pass): now they hear their place, or that they are still in the queue; an ordinary
    message meanwhile only reaches staff, as before. So in Spanish, in Spanish (a channel trial found it English-only)."""
    conversation, auth, ws, heard, handoff_id = await hand_over(client)
    await until(lambda: any("in the queue" in m.get("text", "") for m in heard))
    told = len(heard)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "also my invoice is wrong"}, headers=auth)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": asked}, headers=auth)
    again = await until(lambda: [m for m in heard[told:] if m.get("role") == "system"] or None)
    assert len(again) == 1 and any(s in again[0]["text"] for s in said), again
    await alice.act(handoff_id, "resolve")
    await ws.close()


async def test_a_widget_customers_long_message_reaches_the_console_during_a_handoff(client: TestClient, alice: Staff) -> None:
    """Over 2000 characters the widget got 413 "too long" while a person held the conversation (staff16's
    trial): a person reads it whole; the bot, outside a handoff, still names both lengths."""
    conversation, auth, ws, _, handoff_id = await hand_over(client)
    marks = [a + b for a in "abcdefghi" for b in "klmnopqrst"]  # 90 words to find, none a number redaction may take
    long_text = " ".join(f"The import stopped again at mark {m}, nothing was saved." for m in marks)
    assert 4000 < len(long_text) < 12_000
    sent = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": long_text}, headers=auth)
    assert sent.status == 200 and (await sent.json())["relayed"] is True
    for _ in range(100):
        if any(m["role"] == "customer" and "mark it," in m["text"] for m in (await alice.view(handoff_id))["messages"]):
            break
        await asyncio.sleep(0.1)
    shown = [m["text"] for m in (await alice.view(handoff_id))["messages"] if m["role"] == "customer" and "mark ak," in m["text"]]
    assert shown and all(f"mark {m}," in shown[0] for m in marks)
    await ws.close()
    fresh, fresh_auth, fresh_ws, _ = await widget(client, "demo")
    refused = await client.post(f"/api/v1/conversations/{fresh}/messages", json={"text": long_text}, headers=fresh_auth)
    assert refused.status == 413
    assert (await refused.json())["error"] == f"the message is {len(long_text)} characters long; the limit is 2000 characters"
    await fresh_ws.close()


async def test_a_closed_handoff_is_read_only_and_lists_what_the_bot_tried_once(client: TestClient, alice: Staff) -> None:
    """A question asked twice and answered twice, then a person: "What the bot tried" listed the same answer
    twice, and once resolved the page still offered the draft reply (staff15's trial)."""
    conversation, auth, ws, heard = await widget(client)
    for text in ("How do I export my workspace?", "How do I export my workspace?", "I want to talk to a person"):
        await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)
    handoff_id = int((await until(lambda: client.app[HANDOFF].current(conversation))).id)
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    tried = _between(page, '<ul class="attempts">', "</dd>")
    assert tried.count("(answer, confidence") == 1, tried
    assert "Draft reply" in page  # open: the draft is there to send
    assert (await alice.act(handoff_id, "resolve")).status == 303
    page = await (await alice.get(f"/console/handoffs/{handoff_id}")).text()
    assert "Draft reply" not in page and '<dd class="draft">' not in page
    assert "<textarea" not in _between(page, '<section class="transcript"', "</section>")
    assert 'action="/console/handoffs/' + str(handoff_id) + '/act"' not in page
    assert _between(page, '<ul class="attempts">', "</dd>").count("(answer, confidence") == 1
    await ws.close()
