"""Two real `supportbot serve` processes on one PostgreSQL database and one Milvus endpoint
(`supportbot vectors serve`): any process takes any request, each message is answered once and in
order, a socket on one process gets the reply computed on the other, duplicates reaching both are
answered once, limits hold across both, and a process SIGKILLed with a message in flight has it
taken over by the other once its lease expires.

The processes listen on ports of their own so that each test can say which process gets what (they
set SO_REUSEPORT, which lets them share one port in production; checked on the listening socket).
One cluster per module: the tests run in file order, the SIGKILL last.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.bot.test_restart import free_port, wait_ready
from tests.databases import DEFAULT_SERVER, PostgresDatabases

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
QUESTION = "how do I reset my password?"
DELAY = {"a": "1.0", "b": "0.2"}  # seconds each process waits before answering: messages overlap, a kill finds one in flight
TAKEOVER = 20.0  # lease (6 s) + sweep interval (1 s) + answering, with room for a loaded machine


@dataclass
class Cluster:
    a: str
    b: str
    a_port: int
    processes: dict[str, subprocess.Popen[bytes]]
    logs: Path


def _environ(data_dir: Path, **env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_", "TELEGRAM_", "OLLAMA_", "OPENAI_"))}
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return base | {"PYTHONPATH": path, "SUPPORTBOT_DATA_DIR": str(data_dir), "SUPPORTBOT_SECRET_KEY": "processes-test"} | env


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.app.cli.main", *args], cwd=ROOT, env=env, stdout=out, stderr=out)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    databases = PostgresDatabases(DEFAULT_SERVER)
    root = tmp_path_factory.mktemp("processes")
    url = databases.url_for(str(root))
    vector_port, a_port, b_port = free_port(), free_port(), free_port()
    shared = {
        "SUPPORTBOT_DATABASE_URL": url, "SUPPORTBOT_DATABASE_UPGRADE": "1", "SUPPORTBOT_MILVUS_URI": f"http://127.0.0.1:{vector_port}",
        "SUPPORTBOT_TRUST_FORWARDED_FOR": "1", "SUPPORTBOT_LOG_LEVEL": "INFO",
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        processes["vectors"] = _start(["vectors", "serve", "--port", str(vector_port)], _environ(root / "vectors"), root / "vectors.log")
        processes["a"] = _start(["serve", "--port", str(a_port)], _environ(root / "data", **shared, SUPPORTBOT_PROCESSING_DELAY=DELAY["a"]), root / "a.log")
        a, b = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
        asyncio.run(wait_ready(a, timeout=300))  # the first one ingests the sample help center; the second finds it there
        processes["b"] = _start(["serve", "--port", str(b_port)], _environ(root / "data", **shared, SUPPORTBOT_PROCESSING_DELAY=DELAY["b"]), root / "b.log")
        asyncio.run(wait_ready(b, timeout=300))
        yield Cluster(a=a, b=b, a_port=a_port, processes=processes, logs=root)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        databases.drop_all()


async def create(session: aiohttp.ClientSession, base: str, *, address: str = "10.0.0.1") -> tuple[str, dict[str, str]]:
    async with session.post(f"{base}/api/v1/conversations", json={}, headers={"X-Forwarded-For": address}) as response:
        assert response.status in (200, 201), await response.text()
        created = await response.json()
    return created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}


async def send(session: aiohttp.ClientSession, base: str, conversation: str, headers: dict[str, str], text: str, client_id: str | None = None) -> dict[str, Any]:
    body = {"text": text, **({"client_message_id": client_id} if client_id else {})}
    async with session.post(f"{base}/api/v1/conversations/{conversation}/messages", json=body, headers=headers) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def history(session: aiohttp.ClientSession, base: str, conversation: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    async with session.get(f"{base}/api/v1/conversations/{conversation}/messages", headers=headers) as response:
        assert response.status == 200, await response.text()
        return (await response.json())["messages"]


def test_both_processes_listen_with_so_reuseport(cluster: Cluster) -> None:
    # a third socket may bind the port only because the server's listening socket set SO_REUSEPORT too
    with socket.socket() as extra:
        extra.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        extra.bind(("127.0.0.1", cluster.a_port))


async def test_limits_hold_across_processes(cluster: Cluster) -> None:
    accepted = 0
    async with aiohttp.ClientSession() as session:
        for n in range(30):  # the default: 20 conversations a minute per address, whichever process counts them
            base = cluster.a if n % 2 else cluster.b
            async with session.post(f"{base}/api/v1/conversations", json={}, headers={"X-Forwarded-For": "10.9.9.9"}) as response:
                accepted += response.status in (200, 201)
                assert response.status in (200, 201, 429)
    assert accepted == 20


async def test_a_socket_on_one_process_gets_the_reply_computed_on_the_other(cluster: Cluster) -> None:
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.b)
        token = headers["Authorization"].split()[1]
        async with session.ws_connect(f"{cluster.a}/api/v1/conversations/{conversation}/stream?token={token}") as ws:
            await asyncio.sleep(0.5)  # the socket is registered
            sent = await send(session, cluster.b, conversation, headers, QUESTION)
            deadline = time.monotonic() + 15
            while True:
                event = await ws.receive_json(timeout=max(0.1, deadline - time.monotonic()))
                if event.get("type") == "message" and event["message"]["role"] == "bot":
                    break
        assert event["message"]["id"] == sent["message_id"]
        assert "password" in event["message"]["text"].lower()  # restored and shown as the answering process showed it


async def test_each_message_is_answered_once_and_in_order_across_processes(cluster: Cluster) -> None:
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.a)
        texts = [f"question {n}: {QUESTION}" for n in range(6)]

        async def one(n: int) -> dict[str, Any]:
            await asyncio.sleep(0.3 * n)  # sent in this order, to alternate processes, before earlier ones are answered
            return await send(session, cluster.a if n % 2 == 0 else cluster.b, conversation, headers, texts[n], client_id=f"m{n}")

        await asyncio.gather(*(one(n) for n in range(6)))
        messages = await history(session, cluster.b, conversation, headers)
    customers = [m for m in messages if m["role"] == "customer"]
    bots = [m for m in messages if m["role"] == "bot"]
    # stored in the order they arrived (under load a request sent 0.3 s later can arrive first: what "in order"
    # means is the order stored, which the replies must follow)
    assert sorted(m["text"] for m in customers) == sorted(texts)
    assert len(bots) == len(customers)  # none answered twice
    assert [b["reply_to"] for b in bots] == [c["id"] for c in customers]  # answered in the order they were stored


async def test_a_duplicate_delivery_reaching_both_processes_is_answered_once(cluster: Cluster) -> None:
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.a)
        first, second = await asyncio.gather(
            send(session, cluster.a, conversation, headers, QUESTION, client_id="same-delivery"),
            send(session, cluster.b, conversation, headers, QUESTION, client_id="same-delivery"),
        )
        messages = await history(session, cluster.a, conversation, headers)
    assert [m["role"] for m in messages] == ["customer", "bot"]
    assert first["message_id"] == second["message_id"] == messages[1]["id"]


async def test_a_message_in_flight_on_a_killed_process_is_answered_by_the_other(cluster: Cluster) -> None:
    async with aiohttp.ClientSession() as session:
        conversation, headers = await create(session, cluster.b)
        # a waits 1 s before answering: the message is stored and its turn held when the kill lands
        in_flight = asyncio.ensure_future(send(session, cluster.a, conversation, headers, QUESTION, client_id="in-flight"))
        deadline = time.monotonic() + 10
        while not [m for m in await history(session, cluster.b, conversation, headers) if m["role"] == "customer"]:
            assert time.monotonic() < deadline, "the message was never stored"
            await asyncio.sleep(0.05)
        cluster.processes["a"].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        with pytest.raises(aiohttp.ClientError):
            await in_flight
        assert not [m for m in await history(session, cluster.b, conversation, headers) if m["role"] == "bot"]
        while True:
            messages = await history(session, cluster.b, conversation, headers)
            if [m for m in messages if m["role"] == "bot"]:
                break
            assert time.monotonic() - killed_at < TAKEOVER, "the other process never took the message over"
            await asyncio.sleep(0.5)
        # the client's retry of the same delivery, now to the live process, gets that one answer
        retried = await send(session, cluster.b, conversation, headers, QUESTION, client_id="in-flight")
        messages = await history(session, cluster.b, conversation, headers)
    assert [m["role"] for m in messages] == ["customer", "bot"]
    assert retried["message_id"] == messages[1]["id"]
    assert "taking over message" in (cluster.logs / "b.log").read_text()


async def test_a_dead_process_message_is_taken_over_behind_a_thousand_pending_ones_live_processes_hold(tmp_path: Path) -> None:
    """Under a backlog (more than a thousand pending messages whose turns live processes hold) the sweeper
    still finds the one message a dead process left: it looked at the thousand oldest pending messages
    first and only then at which of them were held, so the orphan behind them waited for the backlog."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from bot.app.processes import shared_processes, sweep_orphans
    from bot.core.database import open_database
    from bot.core.tables import Lease, StoredMessage
    from bot.engine.turns import lease_name

    databases = PostgresDatabases(DEFAULT_SERVER)
    engine = open_database(databases.url_for(str(tmp_path)).replace("postgresql://", "postgresql+psycopg://", 1), upgrade=True)
    try:
        shared = shared_processes(engine)
        assert shared is not None
        now = datetime.now(UTC)
        busy = [f"busy-{n}" for n in range(1001)]
        with engine.begin() as conn:
            conn.execute(insert(StoredMessage.__table__), [  # type: ignore[attr-defined]
                {"conversation_id": c, "role": "customer", "text": "q", "status": "pending", "created_at": now - timedelta(seconds=60)}
                for c in [*busy, "orphaned"]])
            conn.execute(insert(Lease.__table__), [  # type: ignore[attr-defined]
                {"name": lease_name(c), "holder": "a live process", "expires_at": now + timedelta(hours=1)} for c in busy])
        taken: list[str] = []

        class Recorder:
            async def process(self, conversation_id: str, inbound_id: int) -> Any:
                taken.append(conversation_id)

        sweeping = asyncio.create_task(sweep_orphans(engine=engine, shared=shared, conversations=Recorder(), every=0.05))
        deadline = time.monotonic() + 5
        while not taken and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        sweeping.cancel()
        await asyncio.gather(sweeping, return_exceptions=True)
        assert taken and set(taken) == {"orphaned"}
    finally:
        engine.dispose()
        databases.drop_all()
