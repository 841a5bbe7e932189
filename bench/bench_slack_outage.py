"""Customers keep writing on Slack through a 60-second outage of Slack's Web API: how many messages
are acknowledged, answered, answered twice and lost, and how long the last answer takes once
Slack is back.

    python bench/bench_slack_outage.py [--outage 60] [--rate 2] [--before 10] [--after 10]

The whole app in-process (aiohttp test server) with the real slack-bolt app at /slack/events; Slack's
Web API is the loopback fake from tests/fakes, which stops listening for the outage (connections are
refused, as when Slack's edge is unreachable). Every message is a correctly signed DM in its own
channel, sent at `--rate` per second before, during and after the outage. The goal (issue #19): no
message lost, none answered twice. The answer comes when the delivery retry next fires after Slack is
back (its backoff is capped, so at most a few minutes after a long outage).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.chat_app import chat_client, slack_dm  # noqa: E402
from tests.fakes.loopback import started  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi, sign  # noqa: E402
from tests.fakes.telegram_api import FakeTelegramApi  # noqa: E402
from tests.handoff.slack_steps import SECRET  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
QUESTIONS = ("How do I reset my password?", "How do I turn on two-factor authentication?", "Where can I download my invoice?")


def answers(slack: FakeSlackApi, channel: str) -> int:
    return sum(1 for call in slack.of("chat.postMessage") if call.get("channel") == channel)


async def run(*, outage: float, rate: float, before: float, after: float) -> None:
    telegram, slack = FakeTelegramApi(), FakeSlackApi()
    sent: list[tuple[str, float]] = []
    acknowledged = 0
    with tempfile.TemporaryDirectory() as tmp:
        async with started(telegram, slack):
            async with chat_client(Path(tmp), telegram, slack, bot_token="123456:BENCH", webhook_secret="bench") as client:

                async def write(seconds: float) -> None:
                    nonlocal acknowledged
                    end = time.monotonic() + seconds
                    while time.monotonic() < end:
                        n = len(sent)
                        channel = f"D9{n:05d}"
                        body = slack_dm(SHARED, QUESTIONS[n % len(QUESTIONS)], channel=channel, ts=100000 + n)
                        raw = json.dumps(body)
                        response = await client.post("/slack/events", data=raw,
                                                     headers={"Content-Type": "application/json", **sign(SECRET, raw)})
                        acknowledged += response.status == 200
                        sent.append((channel, time.monotonic()))
                        await asyncio.sleep(1 / rate)

                await write(before)
                await slack.go_down()
                down_at = time.monotonic()
                await write(outage)
                await slack.come_back()
                back_at = time.monotonic()
                print(f"Slack's Web API refused connections for {back_at - down_at:.0f} s")
                await write(after)
                deadline = time.monotonic() + 600
                while time.monotonic() < deadline and any(answers(slack, channel) == 0 for channel, _ in sent):
                    await asyncio.sleep(0.5)
                all_answered_at = time.monotonic()
                await asyncio.sleep(2.0)  # a second answer would come now, if any
    counts = [answers(slack, channel) for channel, _ in sent]
    during = [answers(slack, channel) for channel, at in sent if down_at <= at < back_at]
    print(f"messages sent:        {len(sent)} ({len(during)} during the outage)")
    print(f"acknowledged (200):   {acknowledged}")
    print(f"answered:             {sum(1 for c in counts if c >= 1)}")
    print(f"answered twice:       {sum(1 for c in counts if c > 1)}")
    print(f"lost (no answer):     {sum(1 for c in counts if c == 0)}")
    print(f"last answer {all_answered_at - back_at:.1f} s after Slack came back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=60.0, help="seconds Slack's Web API refuses connections")
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second")
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(run(outage=args.outage, rate=args.rate, before=args.before, after=args.after))


if __name__ == "__main__":
    main()
