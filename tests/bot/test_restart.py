"""A crash never drops a customer's message: SIGKILL the server mid-stream, restart, all answered."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

SUPPORTBOT = Path(sys.executable).parent / "supportbot"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not SUPPORTBOT.exists(), reason="supportbot console script not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, **env: str) -> subprocess.Popen[bytes]:
    # the code of this checkout, not whichever one the console script was installed from
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    environ = {**os.environ, "PYTHONPATH": path, "SUPPORTBOT_DATA_DIR": str(data_dir), "SUPPORTBOT_SECRET_KEY": "restart-test", **env}
    return subprocess.Popen([str(SUPPORTBOT), "serve", "--port", str(port)], env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_ready(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError("server did not become ready")


def store_processes(data_dir: Path) -> list[int]:
    """Milvus Lite child processes serving this data dir (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"knowledge.milvus_child" in cmdline and any(str(data_dir).encode() in part for part in cmdline):
            found.append(int(entry.name))
    return found


def no_store_process_left(data_dir: Path) -> bool:
    deadline = time.monotonic() + 10
    while store_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not store_processes(data_dir)


async def test_sigkill_mid_stream_then_restart_answers_every_accepted_message(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # each message waits 0.4 s before processing, so the kill lands with messages stored but unanswered
    server = start_server(tmp_path, port, SUPPORTBOT_PROCESSING_DELAY="0.4")
    accepted: dict[str, list[str]] = {}
    try:
        await wait_ready(base)
        assert len(store_processes(tmp_path)) == 1  # the store runs in a child process of the server
        async with aiohttp.ClientSession() as session:
            conversations = []
            for _ in range(4):
                async with session.post(f"{base}/api/v1/conversations", json={"widget_key": "demo"}) as response:
                    data = await response.json()
                conversations.append((data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}))

            async def send(conversation: str, auth: dict[str, str], n: int) -> None:
                text = f"question {n}: how do I export my data?"
                try:
                    async with session.post(f"{base}/api/v1/conversations/{conversation}/messages", json={"text": text, "client_message_id": f"c{n}"}, headers=auth) as r:
                        await r.read()
                except aiohttp.ClientError:
                    pass  # the server died under us: the message may or may not have been stored

            tasks = [asyncio.create_task(send(c, a, n)) for c, a in conversations for n in range(5)]
            await asyncio.sleep(1.5)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            await asyncio.gather(*tasks)
    finally:
        if server.poll() is None:
            server.kill()
    assert no_store_process_left(tmp_path)  # the store's process died with the server: nothing holds the store

    server = start_server(tmp_path, port)
    try:
        await wait_ready(base)
        async with aiohttp.ClientSession() as session:
            for conversation, auth in conversations:
                deadline = time.monotonic() + 60
                while True:
                    async with session.get(f"{base}/api/v1/conversations/{conversation}/messages", headers=auth) as response:
                        messages = (await response.json())["messages"]
                    customers = [m for m in messages if m["role"] == "customer"]
                    bots = [m for m in messages if m["role"] == "bot"]
                    if len(bots) == len(customers) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.3)
                accepted[conversation] = [m["text"] for m in customers]
                assert len(bots) == len(customers), f"{len(customers) - len(bots)} stored messages were never answered"
                # exactly one answer each, given in the order the messages were accepted
                assert [b["reply_to"] for b in bots] == [c["id"] for c in customers]
        assert sum(len(v) for v in accepted.values()) > 0
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert no_store_process_left(tmp_path)


def telegram_update(update_id: int, *, chat: int, text: str) -> dict[str, object]:
    sender = {"id": chat, "is_bot": False, "first_name": "Test"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
                                                "from": sender, "text": text}}


async def test_sigkill_before_a_telegram_reply_is_sent_then_restart_sends_it_exactly_once(tmp_path: Path) -> None:
    from tests.fakes.loopback import until
    from tests.fakes.telegram_api import FakeTelegramApi

    telegram = FakeTelegramApi()
    await telegram.start()
    chat = 4242
    env = {"TELEGRAM_BOT_TOKEN": "123456:RESTART", "TELEGRAM_WEBHOOK_SECRET": "s", "SUPPORTBOT_TELEGRAM_API_URL": telegram.base_url}
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def sent() -> list[dict[str, object]]:
        return [a for a in telegram.of("sendMessage") if int(a.get("chat_id", 0)) == chat]

    def refused() -> list[dict[str, object]]:
        return [a for name, a, _ in telegram.failed if name == "sendMessage" and int(a.get("chat_id", 0)) == chat]

    # Telegram is down: the first answer is stored but can't be sent; the second message is stored
    # and still waiting to be answered (0.4 s processing delay) when the server is killed
    telegram.failing.add("sendMessage")
    server = start_server(tmp_path, port, SUPPORTBOT_PROCESSING_DELAY="0.4", **env)
    try:
        await wait_ready(base)
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/telegram/default/webhook", json=telegram_update(1, chat=chat, text="how do I export my data?"), headers=headers) as r:
                assert r.status == 200
            await until(refused, timeout=30)
            async with session.post(f"{base}/telegram/default/webhook", json=telegram_update(2, chat=chat, text="how do I reset my password?"), headers=headers) as r:
                assert r.status == 200  # stored: acknowledged to Telegram, which won't deliver it again
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    assert sent() == []
    telegram.failing.clear()

    server = start_server(tmp_path, port, **env)
    try:
        await wait_ready(base)
        await until(lambda: len(sent()) >= 2, timeout=60)
        await asyncio.sleep(3)  # a second copy would show up by now
        replies = sent()
        assert len(replies) == 2, "each answer is sent exactly once"
        assert "export" in str(replies[0]["text"]).lower() and "password" in str(replies[1]["text"]).lower()  # in order
    finally:
        server.terminate()
        server.wait(timeout=20)
        await telegram.close()
