"""Learning from staff in the Slack desk (issue #18): a resolved handoff's card offers "Propose as FAQ",
which opens a modal (views.open) prefilled with the redacted question and staff's answer; staff edit
and submit it (view_submission) and it becomes a proposal an operator sees in /admin, redacted again.
The real slack-bolt app behind /slack/events, requests signed as Slack signs them, the interaction
payloads bolt's own recorded ones (block_actions, view_submission) pointed at our card, and the Web API
a loopback fake (tests/fakes/slack_api.py)."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient

from bot.app.app_keys import HANDOFF
from tests.conftest import SHARED_DATA, make_settings, running_app
from tests.fakes.loopback import started, until
from tests.fakes.slack_api import TEAM, FakeSlackApi, sign
from tests.handoff.slack_steps import (
    SECRET,
    STAFF,
    action,
    block_actions,
    button_value,
    card_for,
    slack_post,
    staff_message,
    widget,
)

TOKEN = "admin-token-for-slack-proposals"
REPLY = "Open Settings, then Export, and choose Download workspace. It arrives as a zip file."


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlackApi]:
    async with started(FakeSlackApi()) as (fake,):
        yield fake


@pytest.fixture(scope="module")
async def client(slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text('[tenants.default.widget]\nkeys = ["demo"]\n')
    settings = make_settings(
        tmp_path_factory.mktemp("slack-faq"), SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
        SUPPORTBOT_SLACK_API_URL=slack.base_url, SUPPORTBOT_HANDOFF_CHANNEL=STAFF, SUPPORTBOT_TENANTS_FILE=str(tenants),
        SUPPORTBOT_ADMIN_TOKEN=TOKEN,
    )
    async with running_app(settings, timeout=180) as client:
        yield client


def view_submission(view: dict[str, Any], *, question: str, answer: str, user: str = "UALICE") -> dict[str, Any]:
    """A modal submitted as Slack sends it: bolt's recorded `view_submission` payload carrying our view
    (its callback_id and private_metadata, as Slack hands them back) and what staff typed."""
    recorded = json.loads((SHARED_DATA / "slack/bolt-python-scenario-payloads/test_view_submission.json").read_text())
    body = copy.deepcopy(recorded["payloads"]["body"])
    body["user"].update(id=user, username=user.lower(), name=user.lower(), team_id=TEAM)
    body["team"]["id"] = TEAM
    body["view"].update(
        callback_id=view["callback_id"], private_metadata=view["private_metadata"], blocks=view["blocks"],
        state={"values": {"question": {"text": {"type": "plain_text_input", "value": question}},
                          "answer": {"text": {"type": "plain_text_input", "value": answer}}}},
    )
    return body


async def submit(client: TestClient, body: dict[str, Any]) -> tuple[int, str]:
    encoded = urlencode({"payload": json.dumps(body)})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, encoded)}
    response = await client.post("/slack/events", data=encoded.encode(), headers=headers)
    return response.status, await response.text()


async def click(client: TestClient, action_id: str, value: str, *, message_ts: str, channel: str = STAFF) -> int:
    body = block_actions(action_id, value, channel=channel, message_ts=message_ts)
    body["trigger_id"] = f"trigger-{time.time()}"
    return await slack_post(client, urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")


async def handed_over(client: TestClient, slack: FakeSlackApi) -> tuple[int, str]:
    """A widget customer with an e-mail address in their question, handed over: (handoff id, the card's ts)."""
    conversation, auth, ws, _ = await widget(client)
    before = len(slack.of("chat.postMessage"))
    await client.post(f"/api/v1/conversations/{conversation}/messages",
                      json={"text": "My email is jane.doe@example.com, how do I export my workspace?"}, headers=auth)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "I want to talk to a person"}, headers=auth)
    handoff_id = int(button_value(await until(lambda: card_for(slack, STAFF, before)), "handoff_claim"))
    await ws.close()
    handoff = await asyncio.to_thread(client.app[HANDOFF].get, handoff_id)
    return handoff_id, str(handoff.thread_ts)


async def resolved(client: TestClient, slack: FakeSlackApi) -> tuple[int, str]:
    handoff_id, card = await handed_over(client, slack)
    assert await action(client, "handoff_claim", str(handoff_id)) == 200
    await until(lambda: client.app[HANDOFF].get(handoff_id).status == "claimed")
    assert await staff_message(client, thread_ts=card, text=REPLY, ts=f"{time.time():.6f}") == 200
    await until(lambda: [m for m in client.app[HANDOFF]._conversations.history(client.app[HANDOFF].get(handoff_id).conversation_id)
                         if m.role == "agent"])
    assert await action(client, "handoff_resolve", str(handoff_id)) == 200
    await until(lambda: client.app[HANDOFF].get(handoff_id).status == "resolved")
    return handoff_id, card


async def proposals(client: TestClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/admin/proposals", headers={"Authorization": f"Bearer {TOKEN}"})
    return list((await response.json())["proposals"])


def opened_for(slack: FakeSlackApi, handoff_id: int) -> list[dict[str, Any]]:
    views = [json.loads(a["view"]) if isinstance(a["view"], str) else a["view"] for a in slack.of("views.open")]
    return [v for v in views if json.loads(v["private_metadata"])["handoff"] == handoff_id]


def initial(view: dict[str, Any], block_id: str) -> str:
    return str(next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"].get("initial_value", ""))


async def test_a_resolved_card_is_proposed_through_a_modal_prefilled_redacted_and_stored_redacted_again(
    client: TestClient, slack: FakeSlackApi,
) -> None:
    handoff_id, card = await resolved(client, slack)
    # the resolved card offers the proposal (and none of the handling buttons any more)
    updated = await until(lambda: [u for u in slack.of("chat.update") if u.get("ts") == card and "Propose as FAQ" in json.dumps(u["blocks"])])
    assert button_value(updated[-1], "faq_propose") == str(handoff_id) and "handoff_claim" not in json.dumps(updated[-1]["blocks"])

    assert await click(client, "faq_propose", str(handoff_id), message_ts=card) == 200
    view = (await until(lambda: opened_for(slack, handoff_id)))[-1]
    assert slack.of("views.open")[-1]["trigger_id"].startswith("trigger-")  # the click's own trigger, within Slack's 3 s
    question, answer = initial(view, "question"), initial(view, "answer")
    assert "export my workspace" in question and "<EMAIL_1>" in question and "jane.doe" not in json.dumps(view)
    assert answer == REPLY

    # staff edit it, and type someone's address back in: stored with a placeholder, never the address
    edited = f"{REPLY} Still stuck? Write to maria.lopez@example.com."
    status, text = await submit(client, view_submission(view, question=question, answer=edited))
    assert status == 200 and "errors" not in text  # an empty answer closes the modal
    rows = [p for p in await proposals(client) if p["handoff_id"] == handoff_id]
    assert len(rows) == 1
    row = rows[0]
    assert row["tenant"] == "default" and row["status"] == "proposed" and row["proposed_by"] == "Alice"
    assert row["answer"].startswith(REPLY) and "<EMAIL_" in row["answer"] and "maria.lopez" not in row["answer"]
    assert "jane.doe" not in row["question"]
    told = await until(lambda: [m for m in slack.of("chat.postMessage") if m.get("thread_ts") == card and "FAQ entry" in m.get("text", "")])
    assert f"#{row['id']}" in told[-1]["text"]


async def test_what_cannot_be_proposed_is_refused_and_said_where_staff_look(client: TestClient, slack: FakeSlackApi) -> None:
    # a handoff still open: its card has no such button, and a click made up for it opens nothing
    open_id, open_card = await handed_over(client, slack)
    assert await click(client, "faq_propose", str(open_id), message_ts=open_card) == 200
    refusal = await until(lambda: [e for e in slack.of("chat.postEphemeral") if "resolved" in e.get("text", "")])
    assert "can't be proposed" in refusal[-1]["text"] and not opened_for(slack, open_id)

    handoff_id, card = await resolved(client, slack)
    # the button of one card can't open another handoff's modal (the card is the tenant check, as the console's account is)
    assert await click(client, "faq_propose", str(handoff_id), message_ts=open_card) == 200
    await until(lambda: len([e for e in slack.of("chat.postEphemeral") if "not on this card" in e.get("text", "")]) == 1)
    assert not opened_for(slack, handoff_id)

    assert await click(client, "faq_propose", str(handoff_id), message_ts=card) == 200
    view = (await until(lambda: opened_for(slack, handoff_id)))[-1]
    before = len(await proposals(client))
    # an emptied answer: the modal stays, with the reason under the field
    status, text = await submit(client, view_submission(view, question="How do I export my workspace?", answer="   "))
    assert status == 200 and json.loads(text) == {"response_action": "errors", "errors": {"answer": "A proposed answer has 1 to 4000 characters."}}
    # a form whose card is another channel's (as if the modal were made up): refused, nothing stored
    forged = {**view, "private_metadata": json.dumps({"handoff": handoff_id, "place": "COTHER", "thread": card})}
    status, text = await submit(client, view_submission(forged, question="How do I export?", answer=REPLY))
    assert json.loads(text)["response_action"] == "errors" and "not on this card" in json.loads(text)["errors"]["question"]
    # a signature that doesn't match: 401, nothing stored
    body = urlencode({"payload": json.dumps(view_submission(view, question="Q?", answer="A."))})
    response = await client.post("/slack/events", data=body.encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"})
    assert response.status == 401
    assert len(await proposals(client)) == before
