"""Handoff details staff and customers notice: nothing acknowledged before it is stored, Slack
outages that lose nothing and post no second card, refunds over a limit, the e-mail a customer
leaves, the audit trail, the claim time, the wait, a redacted transcript, topic channels, Slack DMs."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.app_keys import CONVERSATIONS, HANDOFF, READY
from bot.app.web import build_app
from bot.engine.dispatch import conversation_id_for
from channels.slack import normalize_event
from tests.conftest import make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import TEAM, FakeSlackApi
from tests.handoff.slack_steps import (
    SECRET,
    STAFF,
    action,
    button_value,
    card_for,
    slack_post,
    staff_message,
    widget,
)

CLOSED_HOURS = 'business_hours = { days = "mon-fri", start = "00:00", end = "00:00", timezone = "Europe/Berlin" }\n'


class ThreadOutageSlack(FakeSlackApi):
    """Slack that takes cards but, while `threads_down`, no posts in threads (a partial outage)."""

    def __init__(self) -> None:
        super().__init__()
        self.threads_down = False
        self.thread_posts: list[dict[str, Any]] = []  # the ones Slack took (`calls` also holds refused attempts)
        self.post_delay = 0.0  # seconds Slack takes to answer chat.postMessage (a slow Slack under load)

    async def _handle(self, request: web.Request) -> web.Response:
        if self.post_delay and request.match_info["method"] == "chat.postMessage":
            await asyncio.sleep(self.post_delay)
        return await super()._handle(request)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and args.get("thread_ts"):
            if self.threads_down:
                raise web.HTTPInternalServerError(text='{"ok": false, "error": "internal_error"}', content_type="application/json")
            self.thread_posts.append(args)
        return super()._answer(method, args)


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[ThreadOutageSlack]:
    async with started(ThreadOutageSlack()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(slack: ThreadOutageSlack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        '[tenants.default.handoff.topics.billing]\nchannel = "CBILLING"\n'
        'examples = ["I was charged twice", "my card was billed wrong", "there is a wrong charge on my invoice"]\n'
        '[tenants.default.handoff.topics.refunds]\nhuman_only = true\nmax_amount = 100\n'
        'examples = ["I want a refund", "please refund my payment", "can I get my money back"]\n'
        f'[tenants.night.widget]\nkeys = ["night"]\n[tenants.night.handoff]\n{CLOSED_HOURS}'
        f'[tenants.nightpii.widget]\nkeys = ["nightpii"]\n[tenants.nightpii.handoff]\nstaff_sees_pii = true\n{CLOSED_HOURS}'
    )
    settings = make_settings(
        tmp_path_factory.mktemp("robust"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants),
    )
    async with running_app(settings) as client:
        yield client


@pytest.fixture(autouse=True)
def slack_up(slack: ThreadOutageSlack) -> None:
    slack.threads_down = False
    slack.post_delay = 0.0
    slack.failing.clear()


async def say(client: TestClient, conversation: str, auth: dict[str, str], text: str) -> dict[str, Any]:
    return await (await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": text}, headers=auth)).json()


def cards_of(slack: FakeSlackApi, handoff_id: int) -> list[dict[str, Any]]:
    return [a for a in slack.of("chat.postMessage") if a.get("blocks") and not a.get("thread_ts") and a.get("text", "").startswith(f"Handoff #{handoff_id}:")]


def in_thread(slack: ThreadOutageSlack, thread_ts: str, contains: str = "") -> list[str]:
    return [a.get("text", "") for a in slack.thread_posts if a.get("thread_ts") == thread_ts and contains in a.get("text", "")]


async def escalated(client: TestClient, slack: ThreadOutageSlack, key: str = "demo", first: str = "How do I delete a page?") -> tuple[str, dict[str, str], list[dict[str, Any]], Any]:
    """A widget customer who asked something, then for a person; returns once the card is posted."""
    conversation, auth, ws, received = await widget(client, key)
    await say(client, conversation, auth, first)
    await say(client, conversation, auth, "I want to talk to a person")
    handoffs = client.app[HANDOFF]
    handoff = await until(lambda: (h := handoffs.current(conversation)) is not None and h.thread_ts and h)
    return conversation, auth, received, handoff


async def test_a_staff_reply_and_a_slack_customer_message_are_stored_when_slack_hears_200(client: TestClient, slack: ThreadOutageSlack, shared_data: Any) -> None:
    conversations = client.app[CONVERSATIONS]
    # a customer DMs the app: the message is in the database by the time the 200 goes back
    body = json.loads((shared_data / "slack/bolt-python-scenario-payloads/test_message.json").read_text())["payloads"]["message_body"]
    body["event"].update(text="I was charged twice, can I talk to a person?", channel="D7001", channel_type="im", ts="7001.000100", user="UCUSTOMER")
    body["event"].pop("client_msg_id", None)
    body.update(team_id=TEAM, event_id="Ev7001")
    assert await slack_post(client, json.dumps(body), "application/json") == 200
    inbound = normalize_event(body["event"], tenant="default", bot_user_id=None, staff_channel=None)
    assert inbound is not None
    dm = conversation_id_for(inbound.ref)
    stored = conversations.history(dm, for_customer=False)  # on purpose without yielding: what is there now
    assert [m.text for m in stored if m.role == "customer"] == ["I was charged twice, can I talk to a person?"]

    # the billing topic's channel gets the card; a staff reply there reaches the customer's DM thread
    handoff = await until(lambda: (h := client.app[HANDOFF].current(dm)) is not None and h.thread_ts and h, timeout=30)
    assert handoff.staff_channel == "CBILLING" and cards_of(slack, handoff.id)[0]["channel"] == "CBILLING"
    assert await staff_message(client, thread_ts=handoff.thread_ts, text="Refund is on its way.", ts="7002.000001", channel="CBILLING") == 200
    stored = conversations.history(dm, for_customer=False)
    assert [m.text for m in stored if m.role == "agent"] == ["Refund is on its way."]  # stored before the 200
    sent = await until(lambda: [a for a in slack.of("chat.postMessage") if a.get("channel") == "D7001" and "Refund is on its way." in json.dumps(a)])
    assert sent[-1]["thread_ts"] == "7001.000100"


async def test_states_are_audited_in_order_and_staff_see_the_claim_time_and_the_customer_the_wait(client: TestClient, slack: ThreadOutageSlack) -> None:
    conversation, auth, received, handoff = await escalated(client, slack)
    notice = await until(lambda: [m["text"] for m in received if "in the queue" in m["text"]])
    # no claims yet in this data dir: the place, and no invented wait (handoff/wait_estimate.py)
    assert re.search(r"number \d+ in the queue; (the estimated wait is (under|about|more than) \d+ minutes|a person from our support team will reply here)",
                     notice[0])

    assert await action(client, "handoff_claim", str(handoff.id)) == 200
    claimed = await until(lambda: (h := client.app[HANDOFF].get(handoff.id)) is not None and h.claimed_at and h)
    update = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == handoff.thread_ts and "Claimed by" in json.dumps(u["blocks"])])
    at = claimed.claimed_at.replace(tzinfo=UTC)
    # Slack's date token: each reader sees their own clock, and the UTC time where a client can't format it
    assert f"Claimed by Alice at <!date^{int(at.timestamp())}^{{time}}|{at:%H:%M} UTC>" in json.dumps(update[-1]["blocks"])

    assert await action(client, "handoff_resolve", str(handoff.id)) == 200
    await until(lambda: [m for m in received if m.get("rating_request")])
    events = client.app[HANDOFF]._audit.events(conversation_id=conversation)  # noqa: SLF001
    moves = [(json.loads(e.data)["before"], json.loads(e.data)["after"]) for e in events if e.kind == "state"]
    assert moves == [("bot", "waiting_for_human"), ("waiting_for_human", "with_human"), ("with_human", "closed")]


async def test_the_transcript_staff_get_is_redacted(client: TestClient, slack: ThreadOutageSlack) -> None:
    _, _, _, handoff = await escalated(client, slack, first="I'm Jane Roe, jane.roe@example.com, and my export fails")
    transcript = await until(lambda: in_thread(slack, handoff.thread_ts, "Transcript"))
    assert "&lt;EMAIL_1&gt;" in transcript[0] and "export fails" in transcript[0]
    assert "jane.roe@example.com" not in json.dumps(slack.calls) and "Jane Roe" not in json.dumps(slack.calls)


@pytest.mark.parametrize(("key", "staff_sees_pii"), [("night", False), ("nightpii", True)])
async def test_an_email_left_outside_business_hours_is_the_handoffs_contact_as_policy_allows(
    client: TestClient, slack: ThreadOutageSlack, key: str, staff_sees_pii: bool
) -> None:
    address = f"{key}.owl@example.com"
    conversation, auth, received, handoff = await escalated(client, slack, key=key)
    await until(lambda: [m for m in received if "offline" in m["text"]])
    await say(client, conversation, auth, f"please mail me at {address}")
    stored = await until(lambda: (h := client.app[HANDOFF].get(handoff.id)) is not None and h.contact and h)
    assert stored.contact == "<EMAIL_1>"  # the database keeps the placeholder; the address stays in the vault
    assert await until(lambda: [m for m in received if m["role"] == "system" and f"will reply to {address}" in m["text"]])
    contact = await until(lambda: in_thread(slack, handoff.thread_ts, "Contact for a reply"))
    card = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == handoff.thread_ts and "contact:" in json.dumps(u["blocks"])])
    if staff_sees_pii:
        assert address in contact[0] and address in json.dumps(card[-1]["blocks"])
    else:
        assert "&lt;EMAIL_1&gt;" in contact[0] and "hidden by policy" in contact[0]
        assert address not in json.dumps(slack.calls)


async def test_what_slack_could_not_take_is_posted_once_it_is_back_and_the_card_only_once(client: TestClient, slack: ThreadOutageSlack) -> None:
    handoffs = client.app[HANDOFF]
    # the card goes out but the transcript does not: the retry posts the transcript, not a second card
    slack.threads_down = True
    conversation, auth, received, handoff = await escalated(client, slack, first="How do I restore a deleted page?")
    assert await until(lambda: [m for m in received if "in the queue" in m["text"]])  # the customer is told anyway
    # the customer keeps writing during the outage: nothing is lost
    for text in ("still there?", "it's urgent"):
        assert (await say(client, conversation, auth, text))["relayed"] is True
    await handoffs.tick()
    assert in_thread(slack, handoff.thread_ts) == [] and len(cards_of(slack, handoff.id)) == 1
    slack.threads_down = False
    await handoffs.tick()
    posts = in_thread(slack, handoff.thread_ts)
    assert posts[0].startswith("Transcript") and posts[1:] == ["*Customer:* still there?", "*Customer:* it's urgent"]
    await handoffs.tick()
    assert len(in_thread(slack, handoff.thread_ts)) == 3 and len(cards_of(slack, handoff.id)) == 1


async def test_the_timer_firing_while_the_first_card_is_on_its_way_posts_no_second_card(client: TestClient, slack: ThreadOutageSlack) -> None:
    # seen under load: the card was posted twice and the customer's files went to the first one's thread
    handoffs = client.app[HANDOFF]
    slack.post_delay = 1.0
    conversation, auth, _, _ = await widget(client)
    await say(client, conversation, auth, "How do I delete a page?")
    asking = asyncio.ensure_future(say(client, conversation, auth, "I want to talk to a person"))
    queued = await until(lambda: handoffs.current(conversation))
    await asyncio.gather(*(handoffs.tick() for _ in range(3)))  # the timer, while Slack takes its time with the card
    await asking
    handoff = await until(lambda: (h := handoffs.get(queued.id)) is not None and h.thread_ts and h)
    await handoffs.tick()
    assert len(cards_of(slack, handoff.id)) == 1


async def test_a_slack_retry_of_a_staff_reply_is_audited_once(client: TestClient, slack: ThreadOutageSlack) -> None:
    conversation, _, received, handoff = await escalated(client, slack)
    for retry in (None, "1", "2"):
        assert await staff_message(client, thread_ts=handoff.thread_ts, text="On it!", ts="8100.000001", retry=retry) == 200
    events = client.app[HANDOFF]._audit.events(conversation_id=conversation)  # noqa: SLF001
    assert [e.kind for e in events].count("staff_reply") == 1
    assert len([m for m in received if m["role"] == "agent"]) == 1


@pytest.mark.parametrize(("amount", "to_people"), [("$40", False), ("$900", True), ("€1.250,00", True)])
async def test_refunds_over_the_tenants_limit_go_to_people(client: TestClient, amount: str, to_people: bool) -> None:
    conversation, auth, _, _ = await widget(client)
    reply = (await say(client, conversation, auth, f"I want a refund of {amount} for my annual plan, how do refunds work?"))["reply"]
    if to_people:
        assert reply["outcome"] == "handoff" and reply["handoff_reason"] == "policy"
    else:
        assert reply["outcome"] == "answer" and "refund" in reply["text"].lower()


async def test_a_failing_model_still_ends_in_a_card_for_staff(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.fakes.model_servers import FAIL, FakeOllama

    slack, ollama = FakeSlackApi(), FakeOllama()
    await slack.start()
    await ollama.start()
    ollama.replies += [FAIL] * 20  # the model answers HTTP 500 to everything
    settings = make_settings(
        tmp_path_factory.mktemp("model-down"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SUPPORTBOT_SLACK_API_URL=slack.base_url,
        SUPPORTBOT_HANDOFF_CHANNEL=STAFF, OLLAMA_HOST=ollama.url, SUPPORTBOT_LOCAL_MODEL="qwen2.5:0.5b", SUPPORTBOT_MODEL_TIMEOUT="2",
    )
    app = build_app(settings)
    try:
        async with TestClient(TestServer(app)) as client:
            await asyncio.wait_for(app[READY].wait(), timeout=120)
            conversation, auth, _, _ = await widget(client)
            first = (await say(client, conversation, auth, "How do I turn on two-factor authentication?"))["reply"]
            assert first["outcome"] == "answer" and first["route"] == "extractive"  # the model failed; the help center answered
            reply = (await say(client, conversation, auth, "agent please"))["reply"]
            assert reply["outcome"] == "handoff"
            card = await until(lambda: card_for(slack, STAFF), timeout=20)
            assert ollama.requests  # the summary was asked of the model, which failed
            assert "two-factor authentication" in json.dumps(card["blocks"])  # the built summary stands in
            assert button_value(card, "handoff_claim")
    finally:
        await slack.close()
        await ollama.close()

