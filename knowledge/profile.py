"""A knowledge base's own score levels, so that a confidence learnt on some knowledge bases holds on others.

How high the ordering score of a wrong article runs depends on the knowledge base: in an FAQ of 200
questions about one virus, the runner-up to any question scores high; in a help center of 30
articles on different subjects it scores low. A confidence model reading raw scores learns the
levels of the knowledge bases it was fitted on. So each scope (tenant, access keys) measures itself:
every document's title is asked as a question (up to `PROBES` documents), and the scores of the best
*other* document that is neither a near-duplicate of the asked one nor part of the same article
(`same_article`: an FAQ row and the article it links to) give the level a wrong answer reaches
here (`background`, the median) and how much it varies (`spread`, the interquartile range).
policies/confidence.py reads the question's scores relative to them.

Measured at start and again after an ingest for what an unnamed customer of each tenant may read
(bot/app/composition.py `warm_profiles`, `after_ingest`), and on first use for any other scope (a customer
with more groups); forgotten after an ingest (`refresh`, an `AccessPolicy.on_refresh` listener). It
costs one embedding batch and one search batch (~0.3 s for 100 titles).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.chunking import Chunk
from knowledge.retrieval import Passage
from knowledge.vocabulary import Scope, scope_of

PROBES = 100
# two chunks whose dense vectors are this alike say the same thing (an FAQ row and its article);
# chosen on the TUNE split with bench/bench_answers.py
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True, slots=True)
class Profile:
    background: float = 0.0  # median ordering score of the best other, different document for a title asked as a question
    spread: float = 0.0  # its interquartile range
    probes: int = 0


def same_article(a: Chunk, b: Chunk) -> bool:
    """The same document, or an FAQ row and the article of the knowledge base it links to.

    A row of a table (its source has a "#row" part) whose URL is the URL of a whole document (a file)
    summarises that document: in the sample help center, "Is there a free trial?" and the plans
    article. Rows that merely share a URL with each other are different answers (COVID-QA: 36 rows
    link to one CDC page)."""
    if a.doc_id == b.doc_id:
        return True
    if not a.url or a.url != b.url:
        return False
    return "#" not in a.source or "#" not in b.source


def kin(passages: Sequence[Passage]) -> tuple[float, ...]:
    """How alike each passage is to the first: 1.0 for the same article (`same_article`), else the
    cosine of their chunks (0.0 without vectors)."""
    if not passages:
        return ()
    top = passages[0]

    def alike(p: Passage) -> float:
        if same_article(p.chunk, top.chunk):
            return 1.0
        return float(p.vector @ top.vector) if p.vector is not None and top.vector is not None else 0.0

    return tuple(alike(p) for p in passages)




class TenantProfiles:
    def __init__(
        self, *, titles: Callable[[str, Sequence[str]], dict[str, str]], embed: Callable[[Sequence[str]], np.ndarray],
        search: Callable[[str, Sequence[str], np.ndarray, Sequence[str]], list[list[Passage]]],
    ) -> None:
        self._titles = titles  # (tenant, access keys) -> doc_id -> title
        self._embed = embed
        self._search = search  # (tenant, access keys, vectors, texts) -> passages per question, best per document
        self._profiles: dict[Scope, Profile] = {}
        self._lock = threading.Lock()

    def refresh(self, tenant: str | None = None) -> None:
        with self._lock:
            for scope in [s for s in self._profiles if tenant is None or s[0] == tenant]:
                self._profiles.pop(scope, None)

    def cached(self, tenant: str, access_keys: Iterable[str]) -> Profile | None:
        with self._lock:
            return self._profiles.get(scope_of(tenant, access_keys))

    def get(self, tenant: str, access_keys: Iterable[str]) -> Profile:
        """Synchronous (embedding, Milvus); run it in a thread."""
        scope = scope_of(tenant, access_keys)
        found = self.cached(*scope)
        if found is None:
            found = self._measure(scope)
            with self._lock:
                self._profiles[scope] = found
        return found

    def _measure(self, scope: Scope) -> Profile:
        tenant, keys = scope
        titles = self._titles(tenant, keys) if keys else {}
        # a fixed sample of documents (by a hash of their id), the same on every start
        docs = sorted(titles, key=lambda d: hashlib.sha256(d.encode()).digest())[:PROBES]
        if len(docs) < 3:
            return Profile()
        texts = [titles[d] for d in docs]
        found = self._search(tenant, keys, self._embed(texts), texts)
        levels = []
        for doc, passages in zip(docs, found, strict=True):
            own = [p for p in passages if p.chunk.doc_id == doc][:1]
            others = [p for p in passages if p.chunk.doc_id != doc]
            if own:
                others = [p for p in others if kin([own[0], p])[1] < NEAR_DUPLICATE]
            if others:
                levels.append(others[0].relevance)
        if len(levels) < 3:
            return Profile()
        q1, median, q3 = np.percentile(levels, [25, 50, 75])
        return Profile(background=float(median), spread=float(q3 - q1), probes=len(levels))
