"""`ask` latency in a warm process, per stage and total, extractive answers (no model generation).

    python bench/bench_ask.py [--rounds 3]

Runs the sample knowledge base's cases (bench/cases/sample_kb.jsonl) through the full pipeline of
the default tenant, after a warm-up pass, and prints p50/p90/p99 per stage and in total.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import sample_cases  # noqa: E402
from bot.engine.pipeline import Identity  # noqa: E402
from bot.app.composition import build_services  # noqa: E402
from bot.core.config import Settings  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run(rounds: int) -> None:
    questions = [c.question for c in sample_cases()]
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings.from_env({"SUPPORTBOT_DATA_DIR": tmp}))
        services.start()
        try:
            identity = Identity(tenant="default", user="bench", channel="bench")
            for q in questions:  # warm-up
                await services.assistant.ask(q, identity=identity)
            stages: dict[str, list[float]] = defaultdict(list)
            totals: list[float] = []
            for _ in range(rounds):
                for q in questions:
                    result = await services.assistant.ask(q, identity=identity)
                    totals.append(result.latency_ms)
                    for name, ms in result.timings_ms.items():
                        stages[name].append(ms)
        finally:
            services.close()
    print(f"ask, warm, {len(totals)} questions ({len(questions)} distinct x {rounds}); milliseconds")
    print(f"  {'stage':12s} {'p50':>7s} {'p90':>7s} {'p99':>7s} {'mean':>7s}")
    for name, values in stages.items():
        print(f"  {name:12s} {pct(values, 50):7.2f} {pct(values, 90):7.2f} {pct(values, 99):7.2f} {statistics.fmean(values):7.2f}")
    print(f"  {'total':12s} {pct(totals, 50):7.2f} {pct(totals, 90):7.2f} {pct(totals, 99):7.2f} {statistics.fmean(totals):7.2f}")
    print("  goal: total p50 <= 30 ms, p99 <= 80 ms (total includes the audit write)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args().rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
