"""Time from escalation to the staff card posted in Slack (loopback), p50/p99.

    python bench/bench_handoff.py [--count 100] [--concurrency 10]

The whole app in-process (aiohttp test server), Slack's Web API played by the loopback fake from
tests/fakes. Each widget conversation asks a question, then asks for a person; the clock runs from
sending "agent please" to the fake Slack API receiving the card's chat.postMessage.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bot.core.config import Settings  # noqa: E402
from bot.app.app_keys import HANDOFF, READY  # noqa: E402
from bot.app.web import build_app
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(count: int, concurrency: int) -> None:
    slack = FakeSlackApi()
    await slack.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({
            "SUPPORTBOT_DATA_DIR": tmp, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench",
            "SUPPORTBOT_SLACK_API_URL": slack.base_url, "SUPPORTBOT_HANDOFF_CHANNEL": "CSTAFF",
        })
        app = build_app(settings)
        async with TestClient(TestServer(app)) as client:
            await asyncio.wait_for(app[READY].wait(), timeout=300)
            latencies: list[float] = []
            gate = asyncio.Semaphore(concurrency)

            async def one() -> None:
                async with gate:
                    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
                    auth = {"Authorization": f"Bearer {created['token']}"}
                    path = f"/api/v1/conversations/{created['conversation_id']}/messages"
                    await client.post(path, json={"text": "How do I export my workspace?"}, headers=auth)
                    before = time.monotonic()
                    await client.post(path, json={"text": "agent please"}, headers=auth)
                    handoff = await asyncio.to_thread(app[HANDOFF].current, created["conversation_id"])
                    title = f"Handoff #{handoff.id}:"
                    for (name, args), at in zip(slack.calls, slack.received_at, strict=True):
                        if name == "chat.postMessage" and str(args.get("text", "")).startswith(title):
                            latencies.append((at - before) * 1000)
                            break

            started = time.monotonic()
            await asyncio.gather(*(one() for _ in range(count)))
            seconds = time.monotonic() - started
    await slack.close()
    print(f"escalation -> staff card posted: {len(latencies)} of {count} handoffs, {concurrency} at a time, {seconds:.1f} s (loopback)")
    print(f"  p50 {pct(latencies, 50):.1f} ms   p99 {pct(latencies, 99):.1f} ms   mean {statistics.fmean(latencies):.1f} ms")
    print("  handoff precision/recall on the sample cases: supportbot eval bench/cases/sample_kb.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.count, args.concurrency))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
