"""What a customer sees while a model writes: streamed tokens through the widget's WebSocket (from the
local tier's NDJSON and the remote tier's SSE), text that fails its citation check taken back and
replaced by the checked reply, and the customer's own values in place of placeholders."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import ConversationEvent, LiveEvent, LiveKind
from bot.engine.streaming import CustomerStream, PlaceholderBuffer
from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings
from tests.fakes.model_servers import FAIL, FakeOllama, FakeOpenAI

SIMPLE = "I forgot my password and can't sign in, what now?"
HARD = "I followed the SAML guide but users from Okta still can't log in and provisioning fails, what else should we check and why?"
GOOD = "Click Forgot password? on the sign-in page and follow the link we send. [1]"


@pytest.fixture(scope="module")
async def client(servers: tuple[FakeOllama, FakeOpenAI], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    ollama, openai = servers
    app = build_app(make_settings(
        tmp_path_factory.mktemp("streaming"), OLLAMA_HOST=ollama.url, SUPPORTBOT_LOCAL_MODEL="qwen2.5:0.5b",
        OPENAI_BASE_URL=openai.url + "/v1", OPENAI_API_KEY="sk-test", SUPPORTBOT_REMOTE_MODEL="gpt-4o-mini", SUPPORTBOT_MODEL_TIMEOUT="3",
    ))
    async with TestClient(TestServer(app)) as test_client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield test_client


@pytest.fixture(autouse=True)
def fresh(servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    for server in servers:
        server.replies.clear()
        server.requests.clear()


async def converse(client: TestClient, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every WebSocket event up to the bot's reply, and the reply."""
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    ws = await client.ws_connect(f"/api/v1/conversations/{created['conversation_id']}/stream?token={created['token']}")
    response = await client.post(
        f"/api/v1/conversations/{created['conversation_id']}/messages", json={"text": text},
        headers={"Authorization": f"Bearer {created['token']}"},
    )
    reply = (await response.json())["reply"]
    events = []
    while True:
        event = json.loads((await ws.receive(timeout=10)).data)
        events.append(event)
        if event["type"] == "message" and event["message"]["role"] == "bot":
            break
    await ws.close()
    return events, reply


def bubbles(events: list[dict[str, Any]]) -> list[str]:
    """What the widget's streaming bubble showed, bubble by bubble (widget.js: a token appends, a
    retract removes the bubble, the bot's message replaces it)."""
    shown, current = [], None
    for event in events:
        if event["type"] == "token":
            current = (current or "") + event["text"]
        elif event["type"] in ("retract", "message") and current is not None:
            shown.append(current)
            current = None
    return shown


async def test_remote_tokens_stream_over_sse_to_the_widget(client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    _, openai = servers
    answer = "Check that the SAML certificate in Okta matches the one in your admin settings, then retry provisioning. [1]"
    openai.replies += [answer]
    events, reply = await converse(client, HARD)
    assert len(openai.requests) == 1 and openai.requests[0]["stream"] is True
    tokens = [e["text"] for e in events if e["type"] == "token"]
    assert len(tokens) > 5 and "".join(tokens) == answer
    assert reply["route"] == "remote" or reply["text"] != answer  # the gate may still hand off; the stream was the remote's
    assert not any(e["type"] == "retract" for e in events)


async def test_an_answer_with_a_bad_citation_is_taken_back_and_the_checked_reply_replaces_it(
    client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]
) -> None:
    ollama, _ = servers
    ollama.replies += ["Passwords are reset by calling 555-0100 [7]", GOOD]
    events, reply = await converse(client, SIMPLE)
    kinds = [e["type"] for e in events]
    assert "retract" in kinds and kinds.index("retract") < len(kinds) - 1
    shown = bubbles(events)
    assert "555-0100" in shown[0]  # it was streamed ...
    last_retract = len(kinds) - 1 - kinds[::-1].index("retract")
    after = "".join(e["text"] for e in events[last_retract:] if e["type"] == "token")
    assert "555-0100" not in after and after == GOOD  # ... then taken back before the retry streamed
    assert reply["route"] == "local" and reply["text"] == GOOD and events[-1]["message"]["text"] == GOOD


async def test_a_failed_tiers_text_never_runs_into_the_next_tiers(client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    ollama, openai = servers
    openai.replies += ["Call 555-0199 for SAML help [9]", "Still 555-0199 [9]"]  # never checks out: the local tier answers
    ollama.replies += [GOOD]
    events, reply = await converse(client, HARD)
    assert len(openai.requests) == 2 and "<passages>" in ollama.requests[0]["messages"][1]["content"]
    assert [e["type"] for e in events].count("retract") == 2
    assert all("555-0199" not in b for b in bubbles(events)[2:])
    assert bubbles(events)[-1] == GOOD and "555-0199" not in reply["text"]


async def test_a_stream_cut_off_mid_answer_is_taken_back_before_the_retry(client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    ollama, _ = servers
    ollama.replies += [FAIL, GOOD]  # a failed attempt (no tokens) then the retry: nothing to take back
    events, reply = await converse(client, SIMPLE)
    assert bubbles(events) == [GOOD] and reply["text"] == GOOD


async def test_not_in_passages_is_never_shown_while_streaming(client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]) -> None:
    ollama, _ = servers
    ollama.replies += ["NOT_IN_PASSAGES"]
    events, reply = await converse(client, SIMPLE)
    assert not [e for e in events if e["type"] == "token"]
    assert "NOT_IN_PASSAGES" not in json.dumps(events) and reply["handoff_reason"] == "no_answer"


async def test_streamed_tokens_show_the_customers_own_values_never_placeholders(
    client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]
) -> None:
    ollama, _ = servers
    ollama.replies += ["We sent a reset link to <EMAIL_1>. Click Forgot password? on the sign-in page. [1]"]
    events, reply = await converse(client, "My email is maria.lopez@example.com and I forgot my password, what now?")
    assert "<EMAIL_1>" in ollama.everything_sent() and "maria.lopez@example.com" not in ollama.everything_sent()
    streamed = "".join(e["text"] for e in events if e["type"] == "token")
    assert "maria.lopez@example.com" in streamed and "<EMAIL" not in streamed
    assert streamed == reply["text"]


async def test_a_placeholder_split_across_tokens_is_restored_whole() -> None:
    published: list[ConversationEvent] = []

    async def publish(event: ConversationEvent) -> None:
        published.append(event)

    async def restore(text: str) -> str:
        return text.replace("<PERSON_1>", "Maria Lopez")

    stream = CustomerStream(publish=publish, restore=restore)
    for token in ["Hi <", "PERS", "ON_", "1>, a < b and <3 ", "[1]"]:
        await stream(token)
    texts = [e.text for e in published if isinstance(e, LiveEvent)]
    assert "".join(texts) == "Hi Maria Lopez, a < b and <3 [1]" and not any("<P" in t for t in texts)
    await stream.retract()
    assert published[-1] == LiveEvent(LiveKind.RETRACT) and stream.shown == ""
    buffer = PlaceholderBuffer()
    assert buffer.feed("x <EMAIL") == "x " and buffer.feed("_1>") == "<EMAIL_1>"


async def test_telegram_blanks_a_taken_back_stream_and_the_final_reply_replaces_it() -> None:
    from bot.core.channel import ConversationRef, Reply
    from channels.telegram import TelegramChannel
    from channels.telegram_stream import RETRACTED
    from tests.fakes.telegram_api import FakeTelegramApi

    telegram = FakeTelegramApi()
    await telegram.start()
    try:
        channel = TelegramChannel(token="123:T", tenant="default", api_url=telegram.base_url, webhook_secret=None, submit=None)  # type: ignore[arg-type]
        await channel.start()
        ref = ConversationRef(channel="telegram", tenant="default", address="4242")
        for token in ["Call ", "555-0100 ", "[7]"]:
            await channel.push_token(ref, token)
        await channel.retract(ref)
        await channel.send(ref, Reply(text=GOOD, role="bot"))
        await channel.stop()
    finally:
        await telegram.close()
    assert len(telegram.of("sendMessage")) == 1  # one message: blanked, then edited into the final reply
    edits = [e["text"] for e in telegram.of("editMessageText")]
    assert RETRACTED in edits and "follow the link we send" in edits[-1] and "555-0100" not in edits[-1]


async def test_metrics_count_routes_tokens_cost_failures_and_breakers_without_personal_data(
    client: TestClient, servers: tuple[FakeOllama, FakeOpenAI]
) -> None:
    ollama, openai = servers
    openai.replies += [FAIL, FAIL]  # the remote tier fails: the local one answers
    ollama.replies += [GOOD]
    await converse(client, HARD + " My email is maria.lopez@example.com.")
    await converse(client, "what will the weather be like in Lisbon tomorrow afternoon?")
    text = await (await client.get("/metrics")).text()

    def value(line: str) -> float:
        found = [row for row in text.splitlines() if row.startswith(line + " ")]
        assert found, f"{line} not in /metrics"
        return float(found[0].rsplit(" ", 1)[1])

    assert value('supportbot_routing_decisions_total{reason="hard question",tier="remote"}') >= 1
    assert value('supportbot_routing_decisions_total{reason="weak evidence",tier="handoff"}') >= 1
    assert value('supportbot_model_failures_total{kind="error",provider="openai"}') >= 1
    assert value('supportbot_model_tokens_total{direction="out",tier="local"}') > 0
    assert value('supportbot_model_breaker_state{provider="ollama",state="closed"}') == 1
    assert value('supportbot_model_breaker_state{provider="openai",state="open"}') == 0
    assert "maria" not in text.lower() and "0.40" not in text
