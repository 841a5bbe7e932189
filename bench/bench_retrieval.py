"""Which retrieval lever helps by how much, on COVID-QA (213 FAQ entries, 244 paraphrases).

    python bench/bench_retrieval.py

Collects the candidate lists once per question (the blended vector and BM25; every candidate carries
its cosines to the question+answer, the title and the lead = title + first sentence of the answer,
and its BM25), then ranks them with each fusion variant and prints top-1 / top-3.
The variant named `shipped` is what knowledge/retrieval.py does.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_quality import build  # noqa: E402
from bench.datasets import Case, shared_data_missing  # noqa: E402
from knowledge.retrieval import FusionWeights, Passage, best_per_document, fuse  # noqa: E402
from knowledge.store import Hit  # noqa: E402


def by_score(key: Callable[[Hit, float], float]) -> Callable[[list[Hit]], list[str]]:
    def rank(hits: list[Hit]) -> list[str]:
        top_bm25 = max((h.lexical for h in hits), default=0.0) or 1.0
        ordered = sorted(hits, key=lambda h: -key(h, h.lexical / top_bm25))
        passages = [Passage(chunk=h.chunk, score=0, dense=h.dense, title=h.title, lexical=h.lexical) for h in ordered]
        return [p.source for p in best_per_document(passages, limit=3)]

    return rank


def by_rrf(weights: FusionWeights) -> Callable[[list[Hit]], list[str]]:
    return lambda hits: [p.source for p in best_per_document(fuse(hits, weights=weights), limit=3)]


VARIANTS: dict[str, Callable[[list[Hit]], list[str]]] = {
    "dense (question+answer) only": by_score(lambda h, b: h.dense),
    "title only": by_score(lambda h, b: h.title),
    "bm25 only": by_score(lambda h, b: b),
    "dense + title (sum of cosines)": by_score(lambda h, b: h.dense + h.title),
    "dense + title + 0.1 bm25 (scores)": by_score(lambda h, b: h.dense + h.title + 0.1 * b),
    "dense + title + 0.2 bm25 (scores)": by_score(lambda h, b: h.dense + h.title + 0.2 * b),
    "0.5 dense + title + 0.1 bm25 (scores)": by_score(lambda h, b: 0.5 * h.dense + h.title + 0.1 * b),
    "0.3 dense + title + 0.1 bm25 (scores)": by_score(lambda h, b: 0.3 * h.dense + h.title + 0.1 * b),
    "0.5 dense + title + 0.05 bm25 (scores)": by_score(lambda h, b: 0.5 * h.dense + h.title + 0.05 * b),
    "0.5 dense + title + 0.15 bm25 (scores)": by_score(lambda h, b: 0.5 * h.dense + h.title + 0.15 * b),
    "max(dense, title) + 0.1 bm25 (scores)": by_score(lambda h, b: max(h.dense, h.title) + 0.1 * b),
    "lead only": by_score(lambda h, b: h.lead),
    "0.5 dense + title + 0.5 lead + 0.1 bm25": by_score(lambda h, b: 0.5 * h.dense + h.title + 0.5 * h.lead + 0.1 * b),
    "0.5 dense + .75 (title + lead) + .1 bm25": by_score(lambda h, b: 0.5 * h.dense + 0.75 * h.title + 0.75 * h.lead + 0.1 * b),
    "0.5 dense + 0.5 title + lead + 0.1 bm25": by_score(lambda h, b: 0.5 * h.dense + 0.5 * h.title + h.lead + 0.1 * b),
    "rrf dense/title/bm25 equal": by_rrf(FusionWeights(1.0, 1.0, 1.0)),
    "shipped": by_rrf(FusionWeights()),
}


def collect(folder: Path, *, limit: int = 20) -> tuple[list[Case], list[list[Hit]]]:
    """The COVID-QA tenant built in `folder`, and each paraphrase's candidates from the store."""
    services, cases = build(folder)
    try:
        vectors = services.embedder.embed([c.question for c in cases])
        groups = services.access.groups_for(tenant="covid", user=None)
        keys = services.access.access_keys(tenant="covid", groups=groups)[0]
        return cases, [
            services.store.search(tenant="covid", access_keys=keys, vector=v, text=c.question, limit=limit)
            for c, v in zip(cases, vectors, strict=True)
        ]
    finally:
        services.close()


def main() -> int:
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        cases, candidates = collect(Path(tmp))
    print(f"COVID-QA: {len(cases)} paraphrases, 20 candidates per search")
    for name, rank in VARIANTS.items():
        top1 = top3 = 0
        for case, hits in zip(cases, candidates, strict=True):
            ranked = rank(hits)
            top1 += bool(ranked[:1] and ranked[0] in case.sources)
            top3 += bool(set(ranked[:3]) & set(case.sources))
        print(f"  {name:40s} top-1 {top1 / len(cases):.3f}  top-3 {top3 / len(cases):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
