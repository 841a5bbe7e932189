"""Requests for a person found by the person-request stage, on a dev set written for it (issue #15).

    python bench/bench_person_requests.py [--show] [--tune R.json]

bench/dev_person_requests.jsonl (helper intent38, 2026-12-07; committed before it was first asked): 208 requests to
reach a person in varied phrasings (put through, connect, transfer, a named role, escalate, "human please", typos,
polite and angry, with the reason beside it) labelled `person`, and 226 near-misses a help center answers (how to
contact support, support hours, whether a person reviews a claim, who can see my data, team members and roles,
staff, vets, tutors and drivers as a service) labelled `answer`. Each is run through the pipeline's person-request
stage as shipped (bot/engine/message_stages.py `HumanRequestStage`, the real embedder, default thresholds) and counted
as handed over as a customer request or not: recall on `person`, precision over everything taken for one.

`--tune R.json`: also the TUNE split's requests for a person in records of `python bench/bench_answers.py --records`
(their questions only, asked again here; never a report split or a report-only help center).
Dev data: rules may be chosen on it.

Measured 2026-12-07 (helper intent38): main fa77423 -> policies/person_requests.py (411d958): recall 144/208 -> 207/208,
near-misses taken 23/226 -> 8/226; TUNE requests found by the stage 85 -> 86 of 87. The rest in docs/measurements/answers.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.records import Identity, Outcome, Turn
from bot.core.tenants import TenantConfig
from bot.engine.message_stages import HumanRequestStage
from knowledge.embedding import FastEmbedder
from policies.intent import HumanRequestDetector

ROOT = Path(__file__).resolve().parents[1]


class _Settings:
    """The stage reads only a tenant's thresholds and examples: the defaults, for one tenant with none of its own."""

    def __init__(self) -> None:
        self.tenants: dict[str, TenantConfig] = {}

    def tenant(self, name: str) -> TenantConfig:
        return TenantConfig(name=name)


async def handed_over(texts: list[str]) -> list[bool]:
    embedder = FastEmbedder(cache_dir=Path(tempfile.gettempdir()) / "supportbot-bench-models")
    embedder.warm_up()

    async def vector_of(text: str) -> np.ndarray:
        return embedder.embed([text])[0]

    stage = HumanRequestStage(detector=HumanRequestDetector(embedder=embedder), settings=_Settings(), vector_of=vector_of)  # type: ignore[arg-type]
    stage.warm_up()
    found = []
    for text in texts:
        turn = Turn(identity=Identity(tenant="dev"), text=text)
        turn.vector = await vector_of(text)
        await stage.run(turn)
        found.append(turn.outcome is Outcome.HANDOFF)
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print each message counted wrong")
    ap.add_argument("--tune", type=Path, default=None)
    args = ap.parse_args()
    rows = [json.loads(s) for s in (ROOT / "bench/dev_person_requests.jsonl").read_text(encoding="utf-8").splitlines() if s.strip()]
    found = asyncio.run(handed_over([r["text"] for r in rows]))
    tp = sum(f and r["label"] == "person" for r, f in zip(rows, found, strict=True))
    fp = sum(f and r["label"] != "person" for r, f in zip(rows, found, strict=True))
    n = sum(r["label"] == "person" for r in rows)
    print(f"dev: recall {tp}/{n} = {tp / n:.3f}, taken for a request {fp}/{len(rows) - n}, precision {tp / max(1, tp + fp):.3f}")
    if args.show:
        for r, f in zip(rows, found, strict=True):
            if f != (r["label"] == "person"):
                print(f"  {'missed' if r['label'] == 'person' else 'taken '}  {r['text']}")
    if args.tune is not None:
        tune = sorted({r["question"] for r in json.loads(args.tune.read_text()) if r["split"] == "tune" and r["kind"] == "person"})
        got = asyncio.run(handed_over(tune))
        print(f"TUNE requests for a person found by the stage: {sum(got)}/{len(tune)}")
        if args.show:
            for q, f in zip(tune, got, strict=True):
                if not f:
                    print(f"  missed  {q}")


if __name__ == "__main__":
    main()
