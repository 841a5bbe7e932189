"""Two real `supportbot serve` processes on one PostgreSQL database (issue #17, the live parts): a
customer whose socket is on one process sees the answer written on the other as it is written (typing,
streamed tokens with their own values put back, then the stored reply that replaces them), the staff
console on either process shows what staff did on the other, and a conversation's burst limit is one
count whichever process each message reaches.

The local model tier is a loopback Ollama (tests/fakes/model_servers.py) that writes its tokens slowly,
so that a stream has a beginning and an end to tell apart. Ports of their own per process, as in
tests/bot/test_processes.py, so each test says which process gets what.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.app.composition import Services
from bot.core.database import open_database
from bot.core.messages import LiveEvent, LiveKind
from bot.engine.conversation_records import ConversationRecords
from bot.engine.conversations import ConversationService
from bot.engine.message_store_records import NewReply
from bot.engine.messages import MessageStore
from bot.engine.relay import PostgresRelay, merged
from handoff.staff_accounts import hash_password
from tests.bot.test_processes import _environ, _start, create, send
from tests.bot.test_restart import free_port, wait_ready
from tests.databases import DEFAULT_SERVER, POSTGRES, PostgresDatabases
from tests.fakes.loopback import started
from tests.fakes.model_servers import FakeOllama

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
SIMPLE = "My email is maria.lopez@example.com and I forgot my password, what now?"
WRITTEN = "We sent a reset link to <EMAIL_1>. Click Forgot password? on the sign-in page. [1]"  # as tests/models/test_streaming.py
DRIP = 0.08  # seconds between tokens: its 15 tokens take over a second to write


class SlowOllama(FakeOllama):
    """Every answer is written token by token, DRIP seconds apart."""

    def _next(self, messages: list[dict[str, Any]]) -> tuple[str, float]:
        text, delay = super()._next(messages)
        self.drip = DRIP
        return text, delay


# one maker of databases for the module (names count up per maker: two makers in one process would clash),
# the run's own when the whole run is on PostgreSQL
DATABASES = POSTGRES or PostgresDatabases(DEFAULT_SERVER)


@pytest.fixture(scope="module", autouse=True)
def databases() -> Iterator[PostgresDatabases]:
    """Set up first, so dropped last: after the cluster's processes stopped."""
    yield DATABASES
    if DATABASES is not POSTGRES:
        DATABASES.drop_all()


@dataclass
class Cluster:
    a: str
    b: str
    ollama: SlowOllama


@pytest.fixture(scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    root = tmp_path_factory.mktemp("live")
    url = DATABASES.url_for(str(root))
    tenants = root / "tenants.toml"
    tenants.write_text(
        '[tenants.default.widget]\nkeys = ["demo"]\n'
        f'[tenants.default.staff.alice]\npassword_hash = "{hash_password(PASSWORD)}"\ndisplay_name = "Alice"\n'
    )
    processes: dict[str, subprocess.Popen[bytes]] = {}
    async with started(SlowOllama()) as (ollama,):
        vector_port, a_port, b_port = free_port(), free_port(), free_port()
        shared = {
            "SUPPORTBOT_DATABASE_URL": url, "SUPPORTBOT_DATABASE_UPGRADE": "1", "SUPPORTBOT_MILVUS_URI": f"http://127.0.0.1:{vector_port}",
            "SUPPORTBOT_TRUST_FORWARDED_FOR": "1", "SUPPORTBOT_TENANTS_FILE": str(tenants), "OLLAMA_HOST": ollama.url,
            "SUPPORTBOT_LOCAL_MODEL": "qwen2.5:0.5b", "SUPPORTBOT_MODEL_TIMEOUT": "10",
            "SUPPORTBOT_RATE_LIMIT_PER_MINUTE": "6",  # a burst of 8, then one every 10 s: nothing comes back during a test
        }
        try:
            processes["vectors"] = _start(["vectors", "serve", "--port", str(vector_port)], _environ(root / "vectors"), root / "vectors.log")
            processes["a"] = _start(["serve", "--port", str(a_port)], _environ(root / "data", **shared), root / "a.log")
            a, b = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
            await wait_ready(a, timeout=300)  # the first one ingests the sample help center; the second finds it there
            processes["b"] = _start(["serve", "--port", str(b_port)], _environ(root / "data", **shared), root / "b.log")
            await wait_ready(b, timeout=300)
            await asyncio.sleep(1.0)  # both relays listening
            yield Cluster(a=a, b=b, ollama=ollama)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    await asyncio.to_thread(process.wait, timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


async def events_until_reply(ws: aiohttp.ClientWebSocketResponse, *, timeout: float = 30) -> list[tuple[float, dict[str, Any]]]:
    """Each event the socket gets (with when), up to and including the bot's stored reply."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        event = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
        seen.append((time.monotonic(), event))
        if event.get("type") == "message" and event["message"]["role"] == "bot":
            return seen


async def test_a_socket_on_one_process_sees_the_answer_written_on_the_other_as_it_is_written(cluster: Cluster) -> None:
    cluster.ollama.replies.append(WRITTEN)
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.b, address="10.1.0.1")
        token = headers["Authorization"].split()[1]
        async with session.ws_connect(f"{cluster.a}/api/v1/conversations/{conversation}/stream?token={token}") as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "state"
            posted = asyncio.ensure_future(send(session, cluster.b, conversation, headers, SIMPLE))
            seen = await events_until_reply(ws)
            sent = await posted
    kinds = [event["type"] for _, event in seen]
    tokens = [(at, event["text"]) for at, event in seen if event["type"] == "token"]
    reply_at, reply = seen[-1][0], seen[-1][1]["message"]
    assert kinds[0] == "typing"
    assert "retract" not in kinds and reply["id"] == sent["message_id"]
    streamed = "".join(text for _, text in tokens)
    # as written on b, with the customer's own address back in it on a, and the stored reply the same
    assert streamed == reply["text"] and "maria.lopez@example.com" in streamed and "<EMAIL" not in streamed
    assert len(tokens) > 3
    # live: the first words came while the rest was still being written, not all at once with the reply
    assert reply_at - tokens[0][0] > 0.5


class Desk:
    """One staff member's browser on the console, which either process may serve (one cookie for both)."""

    def __init__(self) -> None:
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def csrf(self, url: str) -> str:
        page = await (await self.http.get(url)).text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, "no CSRF token on the page"
        return found.group(1)

    async def sign_in(self, base: str) -> None:
        token = await self.csrf(f"{base}/console/sign-in")
        form = {"csrf": token, "tenant": "default", "name": "alice", "password": PASSWORD}
        response = await self.http.post(f"{base}/console/sign-in", data=form, allow_redirects=False)
        assert response.status == 303

    async def act(self, base: str, handoff_id: int, action: str) -> None:
        token = await self.csrf(f"{base}/console")
        form = {"csrf": token, "action": action, "client_id": f"{action}-{time.time()}"}
        assert (await self.http.post(f"{base}/console/handoffs/{handoff_id}/act", data=form, allow_redirects=False)).status == 303

    async def reply(self, base: str, handoff_id: int, text: str) -> None:
        token = await self.csrf(f"{base}/console")
        form = {"csrf": token, "text": text, "client_id": f"reply-{time.time()}"}
        assert (await self.http.post(f"{base}/console/handoffs/{handoff_id}/reply", data=form, allow_redirects=False)).status == 303

    async def json(self, url: str) -> dict[str, Any]:
        response = await self.http.get(url)
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def test_what_staff_do_on_one_process_shows_at_once_in_the_console_and_socket_on_the_other(cluster: Cluster) -> None:
    """The console reads the queue and a handoff's transcript from the database (polled every 2 s by
    console.js), so a claim, a reply and a resolution made on one process show on the next poll of
    the other; the customer's socket gets the notices and the reply through the relay."""
    desk = Desk()
    try:
        async with aiohttp.ClientSession() as session:
            conversation, headers = await create(session, cluster.a, address="10.2.0.1")
            token = headers["Authorization"].split()[1]
            async with session.ws_connect(f"{cluster.a}/api/v1/conversations/{conversation}/stream?token={token}") as ws:
                heard: list[dict[str, Any]] = []

                async def listen() -> None:
                    async for message in ws:
                        event = message.json()
                        if event.get("type") == "message":
                            heard.append(event["message"])

                listening = asyncio.ensure_future(listen())
                await send(session, cluster.b, conversation, headers, "I want to talk to a person")
                await desk.sign_in(cluster.a)
                deadline = time.monotonic() + 15
                while not (active := [h for h in (await desk.json(f"{cluster.b}/console/api/queue"))["handoffs"] if h["active"]]):
                    assert time.monotonic() < deadline, "the handoff never reached the queue"
                    await asyncio.sleep(0.2)
                handoff_id = int(active[0]["id"])

                await desk.act(cluster.b, handoff_id, "claim")
                seen_on_a = await desk.json(f"{cluster.a}/console/api/handoffs/{handoff_id}")
                assert seen_on_a["status"] == "claimed" and "Alice" in seen_on_a["status_text"]
                await desk.reply(cluster.a, handoff_id, "Hi, Alice here: I can help with that.")
                transcript_on_b = (await desk.json(f"{cluster.b}/console/api/handoffs/{handoff_id}"))["messages"]
                assert transcript_on_b[-1]["role"] == "agent" and "I can help" in transcript_on_b[-1]["text"]
                await desk.act(cluster.a, handoff_id, "resolve")
                rows_on_b = (await desk.json(f"{cluster.b}/console/api/queue"))["handoffs"]
                assert next(h for h in rows_on_b if h["id"] == handoff_id)["status"] == "resolved"

                # the customer's socket is on a; the claim was made on b: the notice crossed over
                deadline = time.monotonic() + 10
                while not [m for m in heard if m.get("rating_request")]:
                    assert time.monotonic() < deadline, f"the socket heard only {[m['text'] for m in heard]}"
                    await asyncio.sleep(0.1)
                listening.cancel()
        texts = [m["text"] for m in heard]
        assert any("Alice" in t and "joined" in t for t in texts) and "Hi, Alice here: I can help with that." in texts
    finally:
        await desk.http.close()


async def test_a_conversations_burst_limit_holds_whichever_process_each_message_reaches(cluster: Cluster) -> None:
    """12 messages at once, alternating processes, each from its own address (so no client limit is
    reached): 8 go through, 4 are refused with Retry-After. Per process, each would have let 8 through."""
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.a, address="10.3.0.1")
        await send(session, cluster.a, conversation, headers, "I want to talk to a person")  # then messages only go to staff: quick

        async def one(n: int) -> tuple[int, str | None]:
            base = cluster.a if n % 2 else cluster.b
            async with session.post(f"{base}/api/v1/conversations/{conversation}/messages", json={"text": f"one more thing ({n})"},
                                    headers={**headers, "X-Forwarded-For": f"10.3.1.{n}"}) as response:
                return response.status, response.headers.get("Retry-After")

        answers = await asyncio.gather(*(one(n) for n in range(12)))
    statuses = [status for status, _ in answers]
    assert statuses.count(200) == 7 and statuses.count(429) == 5  # the request for a person took the first of 8
    assert all(wait is not None and 1 <= int(wait) <= 10 for status, wait in answers if status == 429)


@pytest.fixture
def conninfo(tmp_path_factory: pytest.TempPathFactory) -> str:
    return DATABASES.url_for(str(tmp_path_factory.mktemp("relay")))


async def test_live_events_reach_the_other_relay_in_order_with_neighbouring_tokens_as_one(conninfo: str) -> None:
    """The relay alone, two of them standing for two processes: tokens gathered while a batch is written
    go as one notification, and nothing overtakes anything (the stored reply comes after its tokens)."""
    one, two = PostgresRelay(conninfo=conninfo, origin="one"), PostgresRelay(conninfo=conninfo, origin="two")
    heard: list[tuple[str, Any]] = []

    async def message(conversation: str, message_id: int) -> None:
        heard.append(("message", message_id))

    async def live(conversation: str, event: LiveEvent) -> None:
        heard.append((event.kind.value, event.text))

    two.on_message(message)
    two.on_live(live)
    listener = asyncio.ensure_future(two.listen())
    try:
        await asyncio.wait_for(two.listening.wait(), 10)
        await two.watch("c1")  # a socket of the second process follows c1
        one.send_live("c1", LiveEvent(LiveKind.TYPING))
        for word in ["Click ", "Forgot ", "password? ", "<EMAIL_1>"]:
            one.send_live("c1", LiveEvent.token(word))
        one.send_live("c1", LiveEvent(LiveKind.RETRACT))
        one.send_live("c1", LiveEvent.token("Again."))
        await one.send("c1", 42)
        for event in (LiveEvent(LiveKind.TYPING), LiveEvent(LiveKind.RETRACT), LiveEvent(LiveKind.TYPING)):
            one.send_live("c1", event)  # one batch, one statement: equal events are not one
        await one.send("c1", 43)
        deadline = time.monotonic() + 5
        while not heard or heard[-1] != ("message", 43):
            assert time.monotonic() < deadline, f"heard only {heard}"
            await asyncio.sleep(0.05)
    finally:
        listener.cancel()
        await one.close()
        await two.close()
    words = "".join(text for kind, text in heard if kind == "token")
    assert words == "Click Forgot password? <EMAIL_1>Again."
    kinds = [kind for kind, _ in heard]
    assert kinds[-5:] == ["message", "typing", "retract", "typing", "message"]
    kinds = kinds[:-4]
    assert kinds.index("typing") < kinds.index("token") < kinds.index("retract") < len(kinds) - 2 and kinds[-1] == "message"
    assert kinds.count("token") < 5  # neighbours went together
    with pytest.raises(ValueError):  # a stored message goes by its id, never as text: no live event carries one
        LiveEvent.from_json({"type": "message", "text": "a stored message goes by its id, never as text"})
    assert len(merged([{"o": "x", "c": "c1", "e": {"type": "token", "text": "é" * 3000}}] * 3)) == 3  # each under PostgreSQL's limit


async def test_only_widget_conversations_are_relayed_to_the_other_processes(core: Services) -> None:
    """Sockets are the widget's alone: a Telegram conversation's typing and reply are not sent to the
    other processes (each would parse them for nothing); a widget conversation's are."""
    stored: list[str] = []
    live: list[str] = []

    async def forward(conversation_id: str, message_id: int) -> None:
        stored.append(conversation_id)

    conversations = ConversationService(services=core, forward=forward, forward_live=lambda c, event: live.append(c))
    for channel in ("telegram", "widget"):
        conversations.create(tenant="default", channel=channel, user=None, address=f"{channel}-1", conversation_id=f"relayed-{channel}")
        await conversations.submit(conversation_id=f"relayed-{channel}", text="how do I reset my password?", client_id=None)
    assert set(stored) == {"relayed-widget"} and set(live) == {"relayed-widget"}


async def test_a_reply_written_with_its_notification_reaches_the_other_relay_after_what_was_sent_before(conninfo: str) -> None:
    """The stored reply's notification goes with the replies' write (bot/engine/messages.py `add_replies`,
    `NewReply.relay`), not through the relay's own statement: the other process still hears the reply's
    id, after the tokens the relay was sent before it (`written` waits for them), and a reply written
    without one is not announced."""
    engine = open_database(conninfo.replace("postgresql://", "postgresql+psycopg://", 1), upgrade=True)
    one, two = PostgresRelay(conninfo=conninfo, origin="one"), PostgresRelay(conninfo=conninfo, origin="two")
    heard: list[tuple[str, Any]] = []

    async def message(conversation: str, message_id: int) -> None:
        heard.append(("message", message_id))

    async def live(conversation: str, event: LiveEvent) -> None:
        heard.append((event.kind.value, event.text))

    two.on_message(message)
    two.on_live(live)
    listener = asyncio.ensure_future(two.listen())
    try:
        ConversationRecords(engine).create(tenant="default", channel="widget", conversation_id="c1")
        store = MessageStore(engine)
        inbounds = [store.add("c1", role="customer", text=f"question {n}", status="pending") for n in range(2)]
        await asyncio.wait_for(two.listening.wait(), 10)
        await two.watch("c1")
        for word in ["Click ", "Forgot ", "password?"]:
            one.send_live("c1", LiveEvent.token(word))
        await one.written()
        reply = NewReply("c1", inbounds[0].id, "Click Forgot password?", {"outcome": "answer"}, (), "default",
                         relay=one.stored_prefix("c1"))
        (stored,) = await asyncio.to_thread(store.add_replies, [reply])
        silent = NewReply("c1", inbounds[1].id, "Another.", {"outcome": "answer"}, (), "default")
        await asyncio.to_thread(store.add_replies, [silent])
        one.send_live("c1", LiveEvent(LiveKind.TYPING))  # a marker: whatever was announced came before it
        deadline = time.monotonic() + 5
        while not heard or heard[-1][0] != "typing":
            assert time.monotonic() < deadline, f"heard only {heard}"
            await asyncio.sleep(0.05)
    finally:
        listener.cancel()
        await one.close()
        await two.close()
        engine.dispose()
    assert "".join(text for kind, text in heard if kind == "token") == "Click Forgot password?"
    assert [kind for kind, _ in heard][-2:] == ["message", "typing"] and ("message", stored.id) in heard
    assert [kind for kind, _ in heard].count("message") == 1
