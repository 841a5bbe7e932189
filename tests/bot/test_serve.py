"""`supportbot serve` as an operator runs it: a real process, its logs, its signals.

One server per module (starting one loads the models): the tests run in file order and the last
one stops it with SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
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

from tests.bot.test_restart import free_port, store_processes, wait_ready

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "admin-token-never-printed"
BODY_TIMEOUT = 1.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    data_dir: Path
    log: Path

    def records(self) -> list[dict[str, Any]]:
        lines = [line for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert all(line.startswith("{") for line in lines), [line for line in lines if not line.startswith("{")]
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("serve")
    log = data_dir.parent / "serve.log"
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_", "TELEGRAM_", "OLLAMA_", "OPENAI_"))}
    environ |= {
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        "SUPPORTBOT_DATA_DIR": str(data_dir), "SUPPORTBOT_LOG_FORMAT": "json", "SUPPORTBOT_ADMIN_TOKEN": ADMIN_TOKEN,
        "SUPPORTBOT_BODY_TIMEOUT": str(BODY_TIMEOUT),
    }
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli.main", "serve", "--port", str(port)], cwd=ROOT, env=environ,
            stdout=subprocess.DEVNULL, stderr=stderr,
        )
    running = Server(process, f"http://127.0.0.1:{port}", port, data_dir, log)
    try:
        asyncio.run(wait_ready(running.base))
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def ready_record(server: Server) -> dict[str, Any]:
    deadline = time.monotonic() + 10  # the line follows readiness by a moment
    while time.monotonic() < deadline:
        found = [r for r in server.records() if r["message"].startswith("supportbot ready at")]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("no start-up line")


def test_logs_are_json_lines_and_the_start_up_line_says_where_and_what(server: Server) -> None:
    record = ready_record(server)
    records = server.records()
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert sum(r["message"].startswith("supportbot ready at") for r in records) == 1
    assert record["level"] == "INFO"
    assert record["url"] == f"http://127.0.0.1:{server.port}/"
    assert record["data_dir"] == str(server.data_dir)
    assert record["tenants"] == ["default"] and record["tiers"] == ["extractive"] and record["desks"] == ["console (/console)"]
    for part in (record["url"], str(server.data_dir), "tenants: default", "answers: extractive", "customers: widget (/)", "staff desks: console (/console)"):
        assert part in record["message"]
    assert ADMIN_TOKEN not in server.log.read_text(encoding="utf-8")


def test_without_a_secret_key_the_start_warns_once_naming_the_setting(server: Server) -> None:
    warnings = [r for r in server.records() if "SUPPORTBOT_SECRET_KEY" in r["message"]]
    assert len(warnings) == 1 and warnings[0]["level"] == "WARNING"
    assert "restart invalidates every token and the vault" in warnings[0]["message"]


def stall(port: int, path: str) -> socket.socket:
    """Headers promising 1,000 bytes of body, then 10 of them, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    sock.sendall(head.encode() + b'{"widget_')
    return sock


def closed_after(sock: socket.socket) -> float:
    started = time.monotonic()
    while sock.recv(4096):  # whatever the server says before closing (nothing, for a read cut off)
        pass
    return time.monotonic() - started


@pytest.mark.parametrize("path", ["/api/v1/conversations", "/healthz"])  # a handler reading the body; one answering without
def test_a_stalled_request_body_is_cut_off_after_the_body_timeout(server: Server, path: str) -> None:
    sockets = [stall(server.port, path) for _ in range(20)]
    try:
        waited = [closed_after(sock) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
    assert max(waited) < BODY_TIMEOUT + 3, waited
    text = server.log.read_text(encoding="utf-8")
    assert "request body was not complete" in text and "Traceback" not in text


async def test_a_slow_but_complete_body_is_answered(server: Server) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    body = b'{"widget_key": "demo"}'
    writer.write(b"POST /api/v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
    for n in range(0, len(body), 8):
        writer.write(body[n:n + 8])
        await writer.drain()
        await asyncio.sleep(BODY_TIMEOUT / 5)
    status = await reader.readline()
    writer.close()
    assert b" 201 " in status


async def ask(session: aiohttp.ClientSession, base: str, text: str) -> tuple[int, dict[str, Any]]:
    async with session.post(f"{base}/api/v1/conversations", json={"widget_key": "demo"}) as response:
        created = await response.json()
    auth = {"Authorization": f"Bearer {created['token']}"}
    url = f"{base}/api/v1/conversations/{created['conversation_id']}/messages"
    async with session.post(url, json={"text": text}, headers=auth) as response:
        return response.status, await response.json()


async def test_readyz_fails_while_the_store_process_is_dead_and_recovers(server: Server) -> None:
    [child] = store_processes(server.data_dir)
    os.kill(child, signal.SIGKILL)
    statuses: list[int] = []
    async with aiohttp.ClientSession() as session:
        meanwhile = asyncio.create_task(ask(session, server.base, "How do I export my data?"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (503 in statuses and statuses[-1] == 200):
            async with session.get(f"{server.base}/readyz") as response:
                statuses.append(response.status)
            await asyncio.sleep(0.05)
        assert 503 in statuses and statuses[-1] == 200, statuses[-5:]
        assert server.process.poll() is None
        assert len(store_processes(server.data_dir)) == 1
        # a message sent while the store was down got an answer or a person, not a 500
        status, _ = await meanwhile
        assert status == 200
        # the store answers searches again
        status, body = await ask(session, server.base, "How do I reset my password?")
    assert status == 200
    assert body["reply"]["outcome"] == "answer" and body["reply"]["citations"]


async def test_sigterm_with_an_open_websocket_exits_within_5_seconds(server: Server) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{server.base}/api/v1/conversations", json={"widget_key": "demo"}) as response:
            created = await response.json()
        url = f"{server.base}/api/v1/conversations/{created['conversation_id']}/stream?token={created['token']}"
        async with session.ws_connect(url) as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "state"
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            message = await ws.receive(timeout=10)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
            assert ws.close_code == aiohttp.WSCloseCode.GOING_AWAY
            status = await asyncio.to_thread(server.process.wait, 10)
    assert time.monotonic() - started < 5.0
    assert status == 0
    assert not store_processes(server.data_dir)
    said = [r["message"] for r in server.records()]  # a rolling restart's operator saw nothing until the process was gone
    assert any(m.startswith("stopping: no new connections taken") for m in said) and said[-1] == "stopped", said[-5:]


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    # before: asyncio's "OSError: [Errno 98] error while attempting to bind" traceback, exit 1
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_", "TELEGRAM_", "OLLAMA_", "OPENAI_"))}
    environ |= {"PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
                "SUPPORTBOT_DATA_DIR": str(tmp_path / "data"), "SUPPORTBOT_SAMPLE_KB": "false", "SUPPORTBOT_SECRET_KEY": "port-test"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "serve", "--port", str(port)], check=False, cwd=ROOT, env=environ,
                              capture_output=True, timeout=240)
    err = done.stderr.decode()
    assert done.returncode == 2, err[-2000:]
    assert f"error: cannot listen on 127.0.0.1:{port}: address already in use" in err and "Traceback" not in err, err[-2000:]
    # and it says so before loading anything (qa12: it loaded the models and opened the stores for ~45 s, and
    # printed the error in the middle of that, before failing): no model loaded, no store made in the data dir
    assert "embedding model" not in err and "loading models" not in err, err[-2000:]
    assert not (tmp_path / "data" / "supportbot.db").exists()
