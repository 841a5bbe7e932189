"""Milvus Lite's searches with the live rows cached (knowledge/lite_live.py): the same hits, distances
and order as the library's own dense and BM25 searches, on the product's collections, with tenants,
access keys, replaced and deleted chunks, and again after the store changes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knowledge import lite_bm25, lite_live
from knowledge.chunking import Chunk
from knowledge.store import COLLECTION, DENSE_COLLECTION, MilvusStore

SAMPLE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "sample_kb"
# globex is alone in its partition (every row searched: no mask); acme's keys split its rows
SCOPES = (("acme", ["public"]), ("acme", ["public", "staff"]), ("globex", ["public"]))
QUESTIONS = ["how do I reset my password?", "can I export my data to CSV on the Team plan?", "invite people", "xyzzy plugh"]


def _chunks(tenant: str, access: str, *, count: int, version: int = 0) -> list[Chunk]:
    paragraphs = []
    for path in sorted(SAMPLE_KB.glob("*.md")):
        paragraphs += [p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip() and not p.startswith("#")]
    return [
        Chunk(id=f"{tenant}-{access}-{n}", doc_id=f"{tenant}-d{n}", source=f"{n}.md", title=f"Article {n}", url=None, heading="",
              text=paragraphs[n % len(paragraphs)] + (f" Revised {version}." if version else ""), position=0)
        for n in range(count)
    ]


def _insert(store: MilvusStore, tenant: str, access: str, chunks: list[Chunk], seed: int) -> None:
    vectors = np.random.default_rng(seed).standard_normal((len(chunks), 8)).astype(np.float32)
    store.insert(tenant=tenant, access=access, chunks=chunks, dense=vectors, title_dense=vectors, lead_dense=vectors)


def _answers(store: MilvusStore) -> list[list[tuple[str, float]]]:
    vectors = np.random.default_rng(7).standard_normal((len(QUESTIONS), 8)).tolist()
    found = []
    for tenant, keys in SCOPES:
        scope = f'tenant == "{tenant}" and access in [{", ".join(f"{chr(34)}{k}{chr(34)}" for k in keys)}]'
        for hits in (
            store._client.search(COLLECTION, data=QUESTIONS, anns_field="sparse", limit=30, filter=scope, output_fields=["id"]),
            store._client.search(DENSE_COLLECTION, data=vectors, anns_field="blend", limit=30, filter=scope, output_fields=["id", "doc_id"]),
        ):
            found += [[(h["id"], h["distance"], h["entity"].get("doc_id")) for h in per_question] for per_question in hits]
    return found


def test_cached_live_rows_give_the_library_s_hits_before_and_after_the_store_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from milvus_lite.engine import collection
    from milvus_lite.index.brute_force import BruteForceIndex

    lite_bm25.install()
    if not lite_live.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own search paths")
    cached = (collection.execute_search_with_index, collection.Collection._search_sparse, BruteForceIndex.search)
    library = tuple(patched._supportbot_library for patched in cached)  # type: ignore[attr-defined]

    def both() -> tuple[list, list]:
        ours = _answers(store)
        monkeypatch.setattr(collection, "execute_search_with_index", library[0])
        monkeypatch.setattr(collection.Collection, "_search_sparse", library[1])
        monkeypatch.setattr(BruteForceIndex, "search", library[2])
        own = _answers(store)
        monkeypatch.setattr(collection, "execute_search_with_index", cached[0])
        monkeypatch.setattr(collection.Collection, "_search_sparse", cached[1])
        monkeypatch.setattr(BruteForceIndex, "search", cached[2])
        return ours, own

    lite_live._live.clear()
    store = MilvusStore(uri=str(tmp_path / "milvus.db"), dim=8)
    store.open()
    try:
        for seed, (tenant, access) in enumerate((("acme", "public"), ("acme", "staff"), ("globex", "public"))):
            _insert(store, tenant, access, _chunks(tenant, access, count=120), seed)
        store.flush()
        first = both()
        assert lite_live._live  # the searches took the cached path
        # a flush of replaced chunks (newer versions of the same ids in a new segment) and deleted documents
        _insert(store, "acme", "public", _chunks("acme", "public", count=40, version=1), 11)
        store.delete_documents(tenant="acme", doc_ids=[f"acme-d{n}" for n in range(40, 60)])
        unflushed = both()  # the library's path while rows wait in memory
        store.flush()
        second = both()
    finally:
        store.close()
    for ours, own in (first, unflushed, second):
        assert ours == own
    assert sum(len(a) for a in first[1]) > 300
    assert first[1] != second[1]  # the change is seen: the cache follows the store
    deleted = {f"acme-public-{n}" for n in range(40, 60)}
    assert not deleted & {hit for answer in second[1] for hit, _, _ in answer}
