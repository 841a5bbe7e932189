"""Routing: overhead per message, the share of each tier, and model spend per 1,000 questions with the
default policy against sending everything to the remote tier.

    python bench/bench_routing.py [--limit 300]

Both model tiers are loopback servers speaking the Ollama and OpenAI protocols (tests/fakes), so
token counts are the prompts' real sizes (the fake reports prompt tokens as characters / 4) and the
answers are short quotes. Spend uses SUPPORTBOT_PRICES if set, else the built-in default remote price.
Question sets: COVID-QA paraphrases (tenant with the COVID FAQ) and Bitext customer requests
(tenant with the sample help center).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import bitext_requests, shared_data_missing, write_covid_kb  # noqa: E402
from bot.engine.pipeline import Identity  # noqa: E402
from bot.app.composition import build_services  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from policies.routing import Router  # noqa: E402
from tests.fakes.model_servers import FakeOllama, FakeOpenAI  # noqa: E402

TENANTS = """
[tenants.default]
[tenants.default_remote.routing]
prefer = "remote"
[tenants.covid]
[tenants.covid_remote.routing]
prefer = "remote"
"""

decide_ms: list[float] = []
_decide = Router.decide


def timed_decide(self: Router, *args: object, **kwargs: object) -> object:
    started = time.perf_counter()
    try:
        return _decide(self, *args, **kwargs)  # type: ignore[arg-type]
    finally:
        decide_ms.append((time.perf_counter() - started) * 1000)


Router.decide = timed_decide  # type: ignore[method-assign]


async def run(limit: int) -> None:
    ollama, openai = FakeOllama(), FakeOpenAI()
    await ollama.start()
    await openai.start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tenants.toml").write_text(TENANTS)
        settings = Settings.from_env({
            "SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml"),
            "OLLAMA_HOST": ollama.url, "SUPPORTBOT_LOCAL_MODEL": "local-small", "OPENAI_BASE_URL": openai.url + "/v1",
            "OPENAI_API_KEY": "bench", "SUPPORTBOT_REMOTE_MODEL": "remote-large",
            **({"SUPPORTBOT_PRICES": os.environ["SUPPORTBOT_PRICES"]} if "SUPPORTBOT_PRICES" in os.environ else {}),
        })
        services = build_services(settings)
        await asyncio.to_thread(services.start)
        kb, cases = write_covid_kb(folder / "covid")
        sample = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"
        for tenant, path, base in (("covid", kb, kb.parent), ("covid_remote", kb, kb.parent), ("default_remote", sample, sample.parent)):
            await asyncio.to_thread(services.ingestor.ingest, [path], tenant=tenant, display_base=base)
            services.access.refresh(tenant)
        rng = random.Random(3)
        bitext = [text for _, text in bitext_requests()]
        rng.shuffle(bitext)
        sets = {"COVID-QA": ("covid", [c.question for c in cases][:limit]), "Bitext": ("default", bitext[:limit])}
        print(f"{'set':10s} {'policy':12s} {'questions':>9s}  {'extractive':>10s} {'local':>6s} {'remote':>6s} {'no route':>8s}  {'USD per 1,000':>13s}")
        for name, (tenant, questions) in sets.items():
            for policy, which in (("default", tenant), ("all remote", f"{tenant}_remote")):
                routes: Counter[str] = Counter()
                cost = 0.0
                for q in questions:
                    result = await services.assistant.ask(q, identity=Identity(tenant=which, user="bench", channel="bench"))
                    # the tier the router chose; "handoff" when the pipeline stopped before routing (person asked for, no passages)
                    routes[(result.details.get("routing") or {}).get("tier", "handoff")] += 1
                    cost += float(result.details.get("cost_usd", 0.0))
                n = len(questions)
                share = {k: routes[k] / n for k in ("extractive", "local", "remote", "handoff")}
                print(f"{name:10s} {policy:12s} {n:9d}  {share['extractive']:10.0%} {share['local']:6.0%} {share['remote']:6.0%} "
                      f"{share['handoff']:8.0%}  {cost / n * 1000:13.4f}")
        services.close()
    await ollama.close()
    await openai.close()
    print(f"routing decision: p50 {statistics.median(decide_ms):.2f} ms, p99 {sorted(decide_ms)[int(0.99 * (len(decide_ms) - 1))]:.2f} ms "
          f"over {len(decide_ms)} messages (goal p50 <= 2 ms); goal: <= 30% of questions to the remote tier")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="questions per set")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    asyncio.run(run(args.limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
