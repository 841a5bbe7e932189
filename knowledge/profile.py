"""A knowledge base's own score levels, so that a confidence learnt on some knowledge bases holds on others.

How high the ordering score of a wrong article runs depends on the knowledge base: in an FAQ of 200
questions about one virus, the runner-up to any question scores high; in a help center of 30
articles on different subjects it scores low. A confidence model reading raw scores learns the
levels of the knowledge bases it was fitted on. So each scope (tenant, access keys) measures itself:
every document's title is asked as a question (up to `PROBES` documents), and the scores of the best
*other* document that is neither a near-duplicate of the asked one nor part of the same article
(`same_article`: an FAQ row and the article it links to) give the level a wrong answer reaches
here (`background`, the median) and how much it varies (`spread`, the interquartile range).
policies/confidence.py reads the question's scores relative to `spread`. The median score of the
asked document itself (`foreground`, the level a right answer reaches here) is kept in the evidence
for bench/bench_answers_variants.py; no decision reads it (gaps in its units gained nothing).

Measured on a scope's first question (not at start: measuring every tenant there made the start grow
with tenants x store size, issue #17), and again right after an ingest for what an unnamed customer of
the ingested tenant may read (bot/engine/services.py `after_ingest`); forgotten after an ingest
(`refresh`, an `AccessPolicy.on_refresh` listener), and never kept if measured while an ingest landed
(knowledge/tenant_cache.py). It costs one embedding batch and one search batch (~0.3 s for 100 titles).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Sequence

import numpy as np

# the profile record and how alike passages are live in the ground layer (policies/confidence.py
# reads them); re-exported here
from bot.core.passages import NEAR_DUPLICATE as NEAR_DUPLICATE, Passage, Profile as Profile
from bot.core.passages import kin as kin, same_article as same_article
from knowledge.kept_measures import KeptMeasures
from knowledge.tenant_cache import TenantCache
from knowledge.vocabulary import Scope, scope_of

PROBES = 100


class TenantProfiles:
    def __init__(
        self, *, titles: Callable[[str, Sequence[str]], dict[str, str]], embed: Callable[[Sequence[str]], np.ndarray],
        search: Callable[[str, Sequence[str], np.ndarray, Sequence[str]], list[list[Passage]]], kept: KeptMeasures | None = None,
    ) -> None:
        self._titles = titles  # (tenant, access keys) -> doc_id -> title
        self._embed = embed
        self._search = search  # (tenant, access keys, vectors, texts) -> passages per question, best per document
        self._profiles: TenantCache[Scope, Profile] = TenantCache(tenant_of=lambda scope: scope[0])
        self._kept = kept  # measured once per state of the knowledge base, not once per start (knowledge/kept_measures.py)

    def refresh(self, tenant: str | None = None) -> None:
        self._profiles.forget(tenant)

    def cached(self, tenant: str, access_keys: Iterable[str]) -> Profile | None:
        return self._profiles.cached(scope_of(tenant, access_keys))

    def get(self, tenant: str, access_keys: Iterable[str]) -> Profile:
        """Synchronous (embedding, Milvus); run it in a thread. Concurrent first questions of one scope measure once."""
        scope = scope_of(tenant, access_keys)
        if self._kept is None:
            return self._profiles.get(scope, lambda: self._measure(scope))
        kept = self._kept
        return self._profiles.get(scope, lambda: kept.through(
            "levels", list(scope), tenant=scope[0], measure=lambda: self._measure(scope), encode=dataclasses.asdict, decode=lambda d: Profile(**d),
        ))

    def _measure(self, scope: Scope) -> Profile:
        tenant, keys = scope
        titles = self._titles(tenant, keys) if keys else {}
        # a fixed sample of documents (by a hash of their id), the same on every start
        docs = sorted(titles, key=lambda d: hashlib.sha256(d.encode()).digest())[:PROBES]
        if len(docs) < 3:
            return Profile()
        texts = [titles[d] for d in docs]
        found = self._search(tenant, keys, self._embed(texts), texts)
        levels, own_levels = [], []
        for doc, passages in zip(docs, found, strict=True):
            own = [p for p in passages if p.chunk.doc_id == doc][:1]
            others = [p for p in passages if p.chunk.doc_id != doc]
            if own:
                own_levels.append(own[0].relevance)
                others = [p for p in others if kin([own[0], p])[1] < NEAR_DUPLICATE]
            if others:
                levels.append(others[0].relevance)
        if len(levels) < 3:
            return Profile()
        q1, median, q3 = np.percentile(levels, [25, 50, 75])
        foreground = float(np.median(own_levels)) if len(own_levels) >= 3 else 0.0
        return Profile(background=float(median), spread=float(q3 - q1), foreground=foreground, probes=len(levels))
