"""Memory for many open, idle widget WebSockets: the server's RSS before and after opening them.

    python bench/bench_websockets.py [--sockets 1000]

Starts `supportbot serve` as its own process, creates one conversation per socket through the API,
opens every conversation's stream, waits for the server to settle, and reads the server's resident
memory from /proc. Then it sends a message on a few sockets to show they are alive.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bench.bench_http import SUPPORTBOT, free_port, wait_ready  # noqa: E402
from bench.load_limits import lifted_limits  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run(base: str, pid: int, count: int) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        # create the conversations first (the REST calls are not what is measured)
        created = []
        for _ in range(count):
            async with session.post(f"{base}/api/v1/conversations", json={"widget_key": "demo"}) as response:
                created.append(await response.json())
        await asyncio.sleep(2)
        before = rss_mb(pid)
        started = time.perf_counter()
        sockets = await asyncio.gather(
            *(session.ws_connect(f"{base}/api/v1/conversations/{c['conversation_id']}/stream?token={c['token']}") for c in created)
        )
        opened = time.perf_counter() - started
        await asyncio.sleep(5)
        after = rss_mb(pid)
        print(f"{len(sockets)} idle WebSockets open (opened in {opened:.1f} s)")
        print(f"  server RSS {before:.0f} MB before, {after:.0f} MB after: {after - before:.1f} MB extra "
              f"({(after - before) * 1024 / len(sockets):.1f} KB per socket)   goal < 200 MB")
        # alive: a message on a few of them arrives on their socket
        alive = 0
        for c, ws in list(zip(created, sockets, strict=True))[:5]:
            auth = {"Authorization": f"Bearer {c['token']}"}
            await session.post(f"{base}/api/v1/conversations/{c['conversation_id']}/messages", json={"text": "how do I reset my password?"}, headers=auth)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = await ws.receive(timeout=10)
                if json.loads(message.data).get("type") == "message":
                    alive += 1
                    break
        print(f"  {alive} of 5 sockets checked received their reply")
        await asyncio.gather(*(ws.close() for ws in sockets))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.sockets * 2 + 200)), hard))
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "SUPPORTBOT_DATA_DIR": tmp, "HF_HUB_OFFLINE": "1", **lifted_limits()}
        server = subprocess.Popen([str(SUPPORTBOT), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.sockets * 2 + 200), hard)))
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_ready(base))
            asyncio.run(run(base, server.pid, args.sockets))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
