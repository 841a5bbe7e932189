"""What bench/bench_growth.py measures of a configuration: `supportbot serve` started on its data dir
and timed to /readyz, a few tenants' first and second questions, then widget questions from 4
customers at a time; the RSS of the serve process and its Milvus Lite child, and the store's size on
disk."""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

import aiohttp

from bench.bench_faults import environ, start
from bench.growth_corpus import Row
from tests.bot.test_restart import free_port

FIRSTS = 10  # tenants whose first and second questions are timed, one at a time


def size_on_disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and "models" not in p.relative_to(folder).parts)


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """`field` of /proc/PID/status in MB: VmRSS, or its parts RssAnon (the heap) and RssFile (pages of
    files: shared libraries and the store's memory-mapped vectors, which the kernel can drop again)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in found.read_text().split()] if found.exists() else []


async def ask(base: str, questions: list[tuple[str, str]], *, concurrency: int = 4) -> tuple[list[float], int]:
    """(reply latencies in ms, errors) for each (widget key, question), `concurrency` at a time."""
    latencies: list[float] = []
    errors = 0
    queue = list(questions)
    async with aiohttp.ClientSession() as http:

        async def customer() -> None:
            nonlocal errors
            while queue:
                key, question = queue.pop()
                async with http.post(f"{base}/api/v1/conversations", json={"widget_key": key}) as response:
                    created = await response.json()
                started = time.perf_counter()
                async with http.post(f"{base}/api/v1/conversations/{created['conversation_id']}/messages", json={"text": question},
                                     headers={"Authorization": f"Bearer {created['token']}"}) as response:
                    await response.read()
                if response.status != 200:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(customer() for _ in range(concurrency)))
    return latencies, errors


async def wait_ready(base: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"serve not ready after {timeout:.0f} s; see {log}")


class Served(NamedTuple):
    start_seconds: float  # from the process's start to /readyz 200
    latencies: list[float]  # ms, of the `--asks` questions
    errors: int
    serve_rss: float  # MB
    child_rss: float  # MB, the Milvus Lite child
    child_file: float  # MB of child_rss that are pages of files (RssFile)
    first_ms: list[float]  # a tenant's first question, one at a time
    second_ms: list[float]  # the same tenants' second question


def serve_and_ask(work: Path, corpus_rows: dict[str, list[Row]], args: argparse.Namespace, env: dict[str, str]) -> Served:
    """`supportbot serve` on the configuration's data dir, a few tenants' first and second questions,
    then `--asks` questions."""
    data_dir, tenants_file = work / "data", work / "tenants.toml"
    port = args.port or free_port()
    serve_env = environ(data_dir, **(env | {"SUPPORTBOT_TENANTS_FILE": str(tenants_file)}))
    started = time.monotonic()
    server = start(["serve", "--port", str(port)], serve_env, work / "serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(wait_ready(base, work / "serve.log", timeout=args.start_timeout))
        start_seconds = time.monotonic() - started
        rng = random.Random(5)
        tenants = list(corpus_rows)

        def question(tenant: str | None = None) -> tuple[str, str]:
            tenant = tenant or rng.choice(tenants)
            return tenant, rng.choice(corpus_rows[tenant]).question

        # a tenant's first question (what it reads of its knowledge base is measured then), one at a
        # time, then its second: before any other question, so no tenant of these was asked yet
        firsts = rng.sample(tenants, min(len(tenants), FIRSTS))
        first_ms = [asyncio.run(ask(base, [question(t)], concurrency=1))[0][0] for t in firsts]
        second_ms = [asyncio.run(ask(base, [question(t)], concurrency=1))[0][0] for t in firsts]
        asyncio.run(ask(base, [question() for _ in range(20)]))  # warm-up
        latencies, errors = asyncio.run(ask(base, [question() for _ in range(args.asks)]))
        serve_rss = rss_mb(server.pid)
        child_rss = sum(rss_mb(c) for c in children(server.pid))
        child_file = sum(rss_mb(c, "RssFile") for c in children(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return Served(start_seconds, latencies, errors, serve_rss, child_rss, child_file, first_ms, second_ms)
