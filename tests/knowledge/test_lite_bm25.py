"""Milvus Lite's BM25, vectorised (knowledge/lite_bm25.py): the same chunks, scores and order as the
library's own search, on the product's collections, with tenants, access keys and tied scores."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from knowledge import lite_bm25
from knowledge.chunking import Chunk
from knowledge.store import COLLECTION, MilvusStore

SAMPLE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "sample_kb"


def _paragraphs() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SAMPLE_KB.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), path.stem)
        found += [(title, p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip() and not p.startswith("#")]
    return found


def test_vectorised_bm25_finds_the_same_chunks_with_the_same_scores_in_the_same_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex

    if not lite_bm25.install():
        pytest.skip("an installed milvus-lite this search was not checked against keeps its own")
    library = SparseInvertedIndex._library_search  # type: ignore[attr-defined]
    rng = random.Random(3)
    store = MilvusStore(uri=str(tmp_path / "milvus.db"), dim=8)
    store.open()
    # the library's search over segments, which calls the index's search per segment (knowledge/lite_live.py
    # scores flushed rows with the scope's statistics instead, tests/knowledge/test_lite_live.py)
    from milvus_lite.engine import collection

    own_segments = getattr(collection.Collection._search_sparse, "_supportbot_library", None)
    if own_segments is not None:
        monkeypatch.setattr(collection.Collection, "_search_sparse", own_segments)
    try:
        paragraphs = _paragraphs()
        for tenant, access in (("acme", "public"), ("acme", "staff"), ("globex", "public")):
            chunks = []
            for n in range(240):
                title, text = paragraphs[n % len(paragraphs)]
                # every fourth copy word for word (tied scores); the others with a word or two of their own
                extra = "" if n % 4 == 0 else f" Applies to {rng.choice(['Starter', 'Team', 'Business'])} plans, case {n}."
                chunks.append(Chunk(id=f"{tenant}-{access}-{n}", doc_id=f"{tenant}-d{n}", source=f"{n}.md", title=title, url=None,
                                    heading="", text=text + extra, position=0))
            vectors = np.random.default_rng(n).standard_normal((len(chunks), 8)).astype(np.float32)
            store.insert(tenant=tenant, access=access, chunks=chunks, dense=vectors, title_dense=vectors, lead_dense=vectors)
        store.flush()
        questions = [
            "how do I reset my password?", "can I export my data to CSV on the Team plan?", "invite people to my workspace",
            "where are my invoices", "two-factor authentication", "API rate limits", "cancel subscription Business", "xyzzy plugh",
        ]

        def answers() -> list[list[tuple[str, float]]]:
            found = []
            for tenant, keys in (("acme", ["public"]), ("acme", ["public", "staff"]), ("globex", ["public"])):
                scope = f'tenant == "{tenant}" and access in [{", ".join(repr(k).replace(chr(39), chr(34)) for k in keys)}]'
                hits = store._client.search(COLLECTION, data=questions, anns_field="sparse", limit=50, filter=scope, output_fields=["id"])
                found += [[(h["id"], h["distance"]) for h in per_question] for per_question in hits]
            return found

        vectorised = answers()
        monkeypatch.setattr(SparseInvertedIndex, "search", library)
        own = answers()
    finally:
        store.close()
    assert vectorised == own
    assert sum(len(a) for a in own) > 500  # the questions found plenty (and ties: copies word for word)
    assert any(len(a) >= 2 and a[0][1] == a[1][1] for a in own)
    assert not own[questions.index("xyzzy plugh")]
