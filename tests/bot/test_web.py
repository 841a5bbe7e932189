"""The conversation API as the widget (or any client) uses it, against the real app in-process."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from bot.app.app_keys import READY
from bot.app.web import build_app
from tests.conftest import make_settings


@pytest.fixture(scope="module")
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    tenants = tmp_path_factory.mktemp("tenants") / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        '[tenants.locked.widget]\nkeys = ["locked-key"]\nallowed_origins = ["https://help.locked.example"]\n'
    )
    app = build_app(make_settings(tmp_path_factory.mktemp("web"), SUPPORTBOT_TENANTS_FILE=str(tenants), **ROOMY))
    async with TestClient(TestServer(app)) as client:
        await asyncio.wait_for(app[READY].wait(), timeout=120)
        yield client


# the tests here make many conversations from one address; the limits have tests of their own
ROOMY = {f"SUPPORTBOT_LIMIT_{name}": "100000" for name in (
    "CONVERSATIONS_PER_ADDRESS", "MESSAGES_PER_ADDRESS", "FEEDBACK_PER_ADDRESS", "HANDOFFS_PER_ADDRESS", "ANONYMOUS_MESSAGES")}


async def start(client: TestClient, key: str = "demo", **headers: str) -> tuple[str, dict[str, str]]:
    response = await client.post("/api/v1/conversations", json={"widget_key": key}, headers=headers)
    assert response.status == 201, await response.text()
    data = await response.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}


async def test_health_readiness_page_and_widget(client: TestClient) -> None:
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/readyz")).status == 200
    page = await client.get("/")
    assert page.status == 200 and 'src="/widget.js"' in await page.text()
    script = await client.get("/widget.js")
    assert script.status == 200 and "javascript" in script.headers["Content-Type"]
    assert (await client.get("/favicon.ico")).status == 204  # browsers ask for it on every page: no 404 in their console


async def test_the_demo_page_carries_a_tenants_widget_key_when_asked(client: TestClient) -> None:
    """With a tenants file of one's own (no key 'demo'), the page at / was the only place to try the
    widget and every message there got "please try again". `?widget_key=` puts a key of the tenants file
    on it; a key the file does not list is never written into the page."""
    page = await (await client.get("/", params={"widget_key": "locked-key"})).text()
    assert 'data-widget-key="locked-key"' in page and 'data-widget-key="demo"' not in page
    for other in ("nosuch", '"><script>alert(1)</script>', ""):
        page = await (await client.get("/", params={"widget_key": other})).text()
        assert 'data-widget-key="demo"' in page and "alert(1)" not in page


async def test_a_question_gets_an_answer_with_citations_and_history(client: TestClient) -> None:
    conversation, auth = await start(client)
    response = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "How do I turn on 2FA?", "client_message_id": "m1"}, headers=auth)
    assert response.status == 200
    reply = (await response.json())["reply"]
    assert reply["outcome"] == "answer" and reply["citations"]
    assert reply["citations"][0]["url"].startswith("https://help.paperkite.example/")
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert [m["role"] for m in history["messages"]] == ["customer", "bot"]


async def test_a_repeated_client_message_id_returns_the_original_reply(client: TestClient) -> None:
    conversation, auth = await start(client)
    body = {"text": "How much does the Team plan cost?", "client_message_id": "same"}
    first, second = await asyncio.gather(
        client.post(f"/api/v1/conversations/{conversation}/messages", json=body, headers=auth),
        client.post(f"/api/v1/conversations/{conversation}/messages", json=body, headers=auth),
    )
    assert (await first.json())["message_id"] == (await second.json())["message_id"]
    history = await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json()
    assert len(history["messages"]) == 2


async def test_messages_sent_at_once_are_each_answered_once_in_the_order_stored(client: TestClient) -> None:
    conversation, auth = await start(client)
    url = f"/api/v1/conversations/{conversation}/messages"
    questions = ["How do I turn on 2FA?", "How much does the Team plan cost?", "How do I reset my password?", "Can I export my pages?"]
    bodies = [{"text": q, "client_message_id": f"c{n}"} for n, q in enumerate(questions)]
    bodies.append(bodies[1])  # a retry racing its original
    responses = await asyncio.gather(*(client.post(url, json=b, headers=auth) for b in bodies))
    assert [r.status for r in responses] == [200] * len(bodies)
    replies = [(await r.json())["reply"] for r in responses]
    assert replies[1]["id"] == replies[4]["id"]  # the retry got the original's reply
    history = (await (await client.get(url, headers=auth)).json())["messages"]
    asked = [m for m in history if m["role"] == "customer"]
    answered = [m for m in history if m["role"] == "bot"]
    assert sorted(m["text"] for m in asked) == sorted(questions)  # each stored once
    assert [m["reply_to"] for m in answered] == [m["id"] for m in asked]  # each answered once, in stored order
    for body, reply in zip(bodies, replies, strict=True):
        assert reply["reply_to"] == next(m["id"] for m in asked if m["text"] == body["text"])


async def test_many_conversations_at_once_with_a_retry_among_them_are_each_answered_once(client: TestClient) -> None:
    # concurrent conversations' messages (and replies) are stored together; a retry among them
    # (its client id stored already) must neither fail the others nor be stored twice
    questions = ["How do I turn on 2FA?", "How much does the Team plan cost?", "How do I reset my password?", "Can I export my pages?"]
    first, first_auth = await start(client)
    url = f"/api/v1/conversations/{first}/messages"
    original = await (await client.post(url, json={"text": questions[0], "client_message_id": "r1"}, headers=first_auth)).json()
    others = [await start(client) for _ in range(8)]
    posts = [client.post(f"/api/v1/conversations/{c}/messages", json={"text": questions[n % 4], "client_message_id": "m"}, headers=auth)
             for n, (c, auth) in enumerate(others)]
    posts.insert(4, client.post(url, json={"text": questions[0], "client_message_id": "r1"}, headers=first_auth))
    responses = await asyncio.gather(*posts)
    assert [r.status for r in responses] == [200] * len(posts)
    bodies = [await r.json() for r in responses]
    assert bodies.pop(4)["message_id"] == original["message_id"]
    for n, ((conversation, auth), body) in enumerate(zip(others, bodies, strict=True)):
        history = (await (await client.get(f"/api/v1/conversations/{conversation}/messages", headers=auth)).json())["messages"]
        assert [m["role"] for m in history] == ["customer", "bot"]
        assert history[0]["text"] == questions[n % 4] and history[1]["id"] == body["message_id"] == body["reply"]["id"]
        assert history[1]["reply_to"] == history[0]["id"]
    history = (await (await client.get(url, headers=first_auth)).json())["messages"]
    assert [m["role"] for m in history] == ["customer", "bot"]


async def test_bad_input_gets_clear_errors(client: TestClient) -> None:
    conversation, auth = await start(client)
    url = f"/api/v1/conversations/{conversation}/messages"
    bad_json = await client.post(url, data="{not json", headers={**auth, "Content-Type": "application/json"})
    assert bad_json.status == 400 and "JSON" in (await bad_json.json())["error"]
    assert (await client.post(url, json={"text": "hi"})).status == 401
    assert (await client.post(url, json={"text": "hi"}, headers={"Authorization": "Bearer forged"})).status == 401
    # another conversation's token: the same 401 as a wrong token (tests/bot/test_http_hardening.py)
    assert (await client.post("/api/v1/conversations/nope/messages", json={"text": "hi"}, headers=auth)).status == 401
    assert (await client.post(url, json={"text": "   "}, headers=auth)).status == 400
    too_long = await client.post(url, json={"text": "a" * 5000}, headers=auth)
    assert too_long.status == 413 and "2000" in (await too_long.json())["error"]


async def test_too_many_messages_get_429_with_retry_after(client: TestClient) -> None:
    conversation, auth = await start(client)
    url = f"/api/v1/conversations/{conversation}/messages"
    statuses = []
    for i in range(12):
        response = await client.post(url, json={"text": f"question number {i} about invoices"}, headers=auth)
        statuses.append(response.status)
        if response.status == 429:
            assert int(response.headers["Retry-After"]) >= 1
            break
    assert 429 in statuses


async def test_origins_not_allowed_are_refused(client: TestClient) -> None:
    refused = await client.post("/api/v1/conversations", json={"widget_key": "locked-key"}, headers={"Origin": "https://evil.example"})
    assert refused.status == 403
    await start(client, "locked-key", Origin="https://help.locked.example")
    assert (await client.post("/api/v1/conversations", json={"widget_key": "unknown"})).status == 401


async def test_a_tenant_that_lists_no_origins_is_refused_on_another_site_with_the_line_to_add(
    client: TestClient, caplog: pytest.LogCaptureFixture,
) -> None:
    """A tenant without `allowed_origins` never said where its widget lives, yet took calls from any site server-side
    (staff15's trial). Now another site gets a 403 naming the line to add, logged once per site; the server's own
    pages (the README's first command), pages on localhost and calls without an Origin still work."""
    conversation, auth = await start(client)  # no Origin: a server-side client
    with caplog.at_level(logging.WARNING, logger="bot.app.request_checks"):
        for _ in range(2):
            refused = await client.post("/api/v1/conversations", json={"widget_key": "demo"}, headers={"Origin": "https://stranger.example"})
            assert refused.status == 403
        error = (await refused.json())["error"]
        assert 'allowed_origins = ["https://stranger.example"]' in error and "[tenants.default.widget]" in error
        later = await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "hello"},
                                  headers={**auth, "Origin": "https://stranger.example"})
        assert later.status == 403
    said = [r.getMessage() for r in caplog.records if "stranger.example" in r.getMessage()]
    assert len(said) == 1 and "allowed_origins" in said[0], said
    own = f"http://{client.server.host}:{client.server.port}"
    for origin in (own, "http://localhost:3000", "http://[::1]:8080"):
        mine, mine_auth = await start(client, Origin=origin)
        posted = await client.post(f"/api/v1/conversations/{mine}/messages", json={"text": "hello"}, headers={**mine_auth, "Origin": origin})
        assert posted.status == 200, (origin, await posted.text())


async def test_websocket_receives_typing_and_the_reply(client: TestClient) -> None:
    conversation, auth = await start(client)
    token = auth["Authorization"].split()[1]
    async with client.ws_connect(f"/api/v1/conversations/{conversation}/stream?token={token}") as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "state"
        await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "Can I restore a deleted page?"}, headers=auth)
        events = [await ws.receive_json(timeout=10), await ws.receive_json(timeout=10)]
    assert [e["type"] for e in events] == ["typing", "message"]
    assert events[1]["message"]["role"] == "bot"


async def test_one_token_cannot_hold_open_sockets_without_end(client: TestClient) -> None:
    """One conversation's token opened as many sockets as it asked for (each a subscriber and a task
    in the server): 200 from one script were all accepted. A handful stay open (tabs, a reconnect);
    past them a 429, and a closed one makes room again. A socket's frames are small: the widget sends none."""
    conversation, auth = await start(client)
    url = f"/api/v1/conversations/{conversation}/stream?token={auth['Authorization'].split()[1]}"
    opened, refused = [], None
    try:
        for _ in range(40):
            try:
                ws = await client.ws_connect(url)
            except aiohttp.WSServerHandshakeError as exc:
                refused = exc
                break
            opened.append(ws)
            assert (await ws.receive_json(timeout=5))["type"] == "state"
        assert refused is not None and refused.status == 429 and 1 < len(opened) <= 10, (len(opened), refused)
        await opened.pop().close()
        again = await client.ws_connect(url)
        opened.append(again)
        assert (await again.receive_json(timeout=5))["type"] == "state"
        await again.send_str("x" * 100_000)
        assert (await again.receive(timeout=5)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    finally:
        for ws in opened:
            await ws.close()
    # another conversation's sockets are not counted with these
    other, other_auth = await start(client)
    async with client.ws_connect(f"/api/v1/conversations/{other}/stream?token={other_auth['Authorization'].split()[1]}") as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "state"


async def test_metrics_count_outcomes_without_personal_data(client: TestClient) -> None:
    conversation, auth = await start(client)
    await client.post(f"/api/v1/conversations/{conversation}/messages", json={"text": "my email is jane.doe@example.com, talk to a human"}, headers=auth)
    text = await (await client.get("/metrics")).text()
    assert 'supportbot_outcomes_total{outcome="handoff"' in text
    assert "jane" not in text and "example.com" not in text


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=300), st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=50), st.integers(), st.none(), st.booleans()), max_size=4)))
async def test_fuzzed_bodies_never_cause_a_server_error(client: TestClient, body: object) -> None:
    conversation, auth = await start(client)
    url = f"/api/v1/conversations/{conversation}/messages"
    if isinstance(body, bytes):
        response = await client.post(url, data=body, headers={**auth, "Content-Type": "application/json"})
    else:
        response = await client.post(url, json=body, headers=auth)
    assert response.status < 500, await response.text()
    assert response.status in {200, 400, 413, 429}


async def test_openapi_description_is_published(client: TestClient) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/conversations/{id}/messages" in spec["paths"]


# what broke the server before (issue 19, item 6), mixed into otherwise ordinary bodies
HOSTILE_SCALARS = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.just("\ud800"), st.just("a\udfffb"), st.just("\u200b\u2060\ufeff"), st.just("\x00" * 3), st.just(" \x00\u200b "),
    st.just(10**4000), st.text(alphabet="\u200b\u200c\u200d\u2060\ufeff\x00 \t", max_size=20),
)
HOSTILE_VALUES = st.recursive(HOSTILE_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                              max_leaves=8)
FIELDS = ("text", "client_message_id", "message_id", "helpful", "widget_key", "visitor_token")


def _encode(body: object) -> bytes:
    """JSON as a hostile client would send it: lone surrogates kept as escapes (numbers over 4,300
    digits come as text from the strategy: Python will not write them)."""
    return json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.sampled_from(["messages", "feedback", "handoff", "create"]),
    body=st.one_of(
        st.fixed_dictionaries({}, optional={name: HOSTILE_VALUES for name in FIELDS}),
        HOSTILE_VALUES,
        st.integers(min_value=1, max_value=3000).map(lambda depth: "[" * depth + "]" * depth),
        st.integers(min_value=4300, max_value=6000).map(lambda digits: '{"text": ' + "7" * digits + "}"),
        st.binary(max_size=200),
    ),
)
async def test_fuzzed_calls_of_every_endpoint_get_json_and_never_a_server_error(client: TestClient, endpoint: str, body: object) -> None:
    conversation, auth = await start(client)
    url = "/api/v1/conversations" if endpoint == "create" else f"/api/v1/conversations/{conversation}/{endpoint}"
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass") if isinstance(body, str) else _encode(body)
    response = await client.post(url, data=raw, headers={**auth, "Content-Type": "application/json"})
    assert response.status < 500, await response.text()
    if response.status != 204:
        assert response.content_type == "application/json"
        data = await response.json()
        assert "error" in data if response.status >= 400 else isinstance(data, dict)


async def test_a_start_that_fails_says_so_in_the_log_instead_of_staying_unready_in_silence(
        tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture) -> None:
    from bot.app.app_keys import SERVICES, STARTUP

    app = build_app(make_settings(tmp_path_factory.mktemp("web-broken")))

    class BrokenStart:  # the real services, but their start fails as a store that lost a collection did
        def __init__(self, services: object) -> None:
            self._services = services

        def __getattr__(self, name: str) -> object:
            return getattr(self._services, name)

        def start(self, **_: object) -> None:
            raise RuntimeError("collection 'chunks' does not exist")

    app[SERVICES] = BrokenStart(app[SERVICES])  # type: ignore[assignment]
    async with TestClient(TestServer(app)) as broken:
        await asyncio.gather(app[STARTUP], return_exceptions=True)
        assert (await broken.get("/readyz")).status == 503
    assert "the start failed" in caplog.text and "chunks' does not exist" in caplog.text
