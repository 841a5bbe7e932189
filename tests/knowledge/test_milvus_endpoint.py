"""One Milvus endpoint for several processes, with real processes: `supportbot ask` while `serve` runs
(through the running server's store process), and `serve` on an endpoint it does not own
(`supportbot vectors serve`) that is down at start, comes up, goes away and comes back."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from knowledge.milvus_endpoint import endpoint_file
from tests.bot.test_restart import free_port, wait_ready
from tests.databases import database_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
QUESTION = "how do I reset my password?"


def environ(data_dir: Path, **env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_", "TELEGRAM_", "OLLAMA_", "OPENAI_"))}
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return base | {"PYTHONPATH": path, "SUPPORTBOT_DATA_DIR": str(data_dir), "SUPPORTBOT_SECRET_KEY": "endpoint-test"} | database_env(data_dir) | env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.app.cli.main", *args], cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def ask(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "ask", QUESTION, "--tenant", "default", "--json"], check=False, cwd=ROOT, env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout)


async def readiness(base: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/readyz") as response:
        return response.status, await response.json()


async def wait_for(base: str, status: int, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            got, body = await readiness(base)
            if got == status:
                return body
        except aiohttp.ClientError:
            pass
        assert time.monotonic() < deadline, f"/readyz never answered {status}"
        await asyncio.sleep(0.3)


async def chat(base: str, text: str) -> dict[str, object]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/api/v1/conversations", json={}) as response:
            created = await response.json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        async with session.post(f"{base}/api/v1/conversations/{created['conversation_id']}/messages", json={"text": text}, headers=headers) as response:
            assert response.status == 200, await response.text()
            return await response.json()


async def test_ask_works_while_serve_runs_and_the_advertisement_goes_with_the_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    server = start(["serve", "--port", str(port)], environ(data_dir), tmp_path / "serve.log")
    try:
        await wait_ready(f"http://127.0.0.1:{port}", timeout=240)
        assert endpoint_file(data_dir / "milvus.db").exists()
        # before: "the knowledge store is in use by another process"
        answer = await asyncio.to_thread(ask, environ(data_dir))
        assert answer["outcome"] == "answer", answer
        assert "password" in str(answer["answer"]).lower()
        # ingest too, through the same store process; the server notices the new document and answers from it
        article = tmp_path / "kb" / "aquarium-mode.md"
        article.parent.mkdir()
        article.write_text("# Turning on aquarium mode\n\nTo turn on aquarium mode, open Settings, choose Display and switch "
                           "Aquarium mode on. The fish swim behind your dashboard until you switch it off again.\n")
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot.app.cli.main", "ingest", str(article), "--tenant", "default"], check=False, cwd=ROOT,
            env=environ(data_dir), capture_output=True, timeout=300,
        )
        assert done.returncode == 0 and "1 added" in done.stdout.decode(), done.stderr.decode()[-2000:]
        deadline = time.monotonic() + 30
        while "knowledge base of tenant default changed" not in (tmp_path / "serve.log").read_text():
            assert time.monotonic() < deadline, "the server never noticed the ingest"
            await asyncio.sleep(0.5)
        reply = (await chat(f"http://127.0.0.1:{port}", "how do I turn on aquarium mode?"))["reply"]
        assert reply["outcome"] == "answer" and "aquarium" in reply["text"].lower(), reply
    finally:
        stop(server)
    assert not endpoint_file(data_dir / "milvus.db").exists()


async def test_serve_on_an_endpoint_it_does_not_own_waits_for_it_and_follows_its_outages(tmp_path: Path) -> None:
    vectors_dir, serve_dir = tmp_path / "vectors", tmp_path / "serve"
    vector_port, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    uri = {"SUPPORTBOT_MILVUS_URI": f"http://127.0.0.1:{vector_port}"}
    # the endpoint is down when serve starts: no crash, 503 naming the store, until it comes up
    server = start(["serve", "--port", str(port)], environ(serve_dir, **uri), tmp_path / "serve.log")
    vectors: subprocess.Popen[bytes] | None = None
    try:
        body = await wait_for(base, 503, timeout=60)
        await asyncio.sleep(3)
        assert server.poll() is None
        assert (await readiness(base))[0] == 503
        vectors = start(["vectors", "serve", "--port", str(vector_port)], environ(vectors_dir), tmp_path / "vectors.log")
        await wait_for(base, 200, timeout=240)
        assert (await chat(base, QUESTION))["reply"]["outcome"] == "answer"  # type: ignore[index]
        # the CLI uses the same endpoint while serve runs
        assert (await asyncio.to_thread(ask, environ(serve_dir, **uri)))["outcome"] == "answer"

        stop(vectors)  # gone: readiness drops, the server stays up, a question gets the apology and a person
        body = await wait_for(base, 503, timeout=30)
        assert body["store"] == "down"
        logged = len((tmp_path / "serve.log").read_text().splitlines())
        await asyncio.sleep(5)  # five probes of the endpoint, each failing
        # said once (and again when it answers), not with pymilvus's traceback of each probe: ~150 lines a second
        outage = (tmp_path / "serve.log").read_text().splitlines()[logged:]
        assert len(outage) < 10 and not any("Traceback" in line for line in outage), "\n".join(outage[:40])
        assert (await chat(base, QUESTION))["reply"]["outcome"] == "handoff"  # type: ignore[index]
        vectors = start(["vectors", "serve", "--port", str(vector_port)], environ(vectors_dir), tmp_path / "vectors.log")
        await wait_for(base, 200, timeout=120)
        assert (await chat(base, QUESTION))["reply"]["outcome"] == "answer"  # type: ignore[index]
        assert server.poll() is None
    finally:
        stop(server)
        if vectors is not None:
            stop(vectors)


@pytest.mark.parametrize("reuse_port", [False, True], ids=["plain listener", "another gRPC-style listener"])
def test_vectors_serve_on_a_port_in_use_says_so_and_does_not_share_it(tmp_path: Path, reuse_port: bool) -> None:
    # before: a plain listener gave gRPC's "Failed to bind" traceback; one with SO_REUSEPORT (another store's
    # `vectors serve`) was joined silently, and the kernel split that port's clients between two stores
    with socket.socket() as taken:
        if reuse_port:
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "bot.app.cli.main", "vectors", "serve", "--port", str(port)], check=False, cwd=ROOT,
                              env=environ(tmp_path / "data"), capture_output=True, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 2, err[-2000:]
    assert f"port {port} on 127.0.0.1 is in use" in err and "Traceback" not in err, err[-2000:]
    assert not endpoint_file(tmp_path / "data" / "milvus.db").exists()


def test_vectors_serve_runs_with_one_blas_thread_in_its_own_process_keeping_a_count_the_operator_set(tmp_path: Path) -> None:
    # as the Milvus Lite child of `serve` does: OpenBLAS's idle threads spun between the searches' matrix
    # products (vectors serve's CPU a message 3.6 -> 1.8-2.1 ms under bench/bench_scale.py's load)
    env = {k: v for k, v in environ(tmp_path / "data").items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    vectors = start(["vectors", "serve", "--port", str(free_port())], env | {"OPENBLAS_NUM_THREADS": "3"}, tmp_path / "vectors.log")
    try:
        deadline = time.monotonic() + 120
        while not endpoint_file(tmp_path / "data" / "milvus.db").exists():  # advertised once it listens
            assert vectors.poll() is None and time.monotonic() < deadline, (tmp_path / "vectors.log").read_text()[-2000:]
            time.sleep(0.2)
        # the same process (the pid its starter knows), its environment completed before numpy loaded again
        names = dict(line.split("=", 1) for line in Path(f"/proc/{vectors.pid}/environ").read_text().split("\0") if "=" in line)
        assert (names["OPENBLAS_NUM_THREADS"], names["OMP_NUM_THREADS"], names["MKL_NUM_THREADS"]) == ("3", "1", "1")
    finally:
        stop(vectors)
