"""Milvus Lite's searches with the live rows cached (knowledge/lite_live.py): the same hits, distances
and order as the library's own dense searches (and BM25 while rows wait unflushed), on the product's
collections, with tenants, access keys, replaced and deleted chunks, and again after the store changes.
BM25 over flushed rows is scored with the search's own scope's statistics: the same scores however the
store was flushed and whatever other tenants store, and the library's scores where one segment holds
just that scope."""

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


def _scope(tenant: str, keys: list[str]) -> str:
    return f'tenant == "{tenant}" and access in [{", ".join(f"{chr(34)}{k}{chr(34)}" for k in keys)}]'


def _bm25(store: MilvusStore, tenant: str, keys: list[str], questions: list[str] = QUESTIONS) -> list[list[tuple[str, float]]]:
    hits = store._client.search(COLLECTION, data=questions, anns_field="sparse", limit=30, filter=_scope(tenant, keys), output_fields=["id"])
    return [[(h["id"], h["distance"]) for h in per_question] for per_question in hits]


def _answers(store: MilvusStore, *, sparse: bool = True) -> list[list[tuple[str, float]]]:
    vectors = np.random.default_rng(7).standard_normal((len(QUESTIONS), 8)).tolist()
    found = []
    for tenant, keys in SCOPES:
        searches = [store._client.search(DENSE_COLLECTION, data=vectors, anns_field="blend", limit=30, filter=_scope(tenant, keys), output_fields=["id", "doc_id"])]
        if sparse:
            searches.append(store._client.search(COLLECTION, data=QUESTIONS, anns_field="sparse", limit=30, filter=_scope(tenant, keys), output_fields=["id"]))
        for hits in searches:
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

    def both(*, sparse: bool = False) -> tuple[list, list]:
        ours = _answers(store, sparse=sparse)
        monkeypatch.setattr(collection, "execute_search_with_index", library[0])
        monkeypatch.setattr(collection.Collection, "_search_sparse", library[1])
        monkeypatch.setattr(BruteForceIndex, "search", library[2])
        own = _answers(store, sparse=sparse)
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
        unflushed = both(sparse=True)  # the library's path while rows wait in memory
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


def _stored(tmp_path: Path, name: str, batches: list[list[tuple[str, str, list[Chunk]]]]) -> MilvusStore:
    (tmp_path / name).mkdir()
    store = MilvusStore(uri=str(tmp_path / name / "milvus.db"), dim=8)
    store.open()
    for batch in batches:  # each batch flushed: a segment of its own per partition
        for seed, (tenant, access, chunks) in enumerate(batch):
            _insert(store, tenant, access, chunks, seed)
        store.flush()
    return store


def test_bm25_scores_do_not_depend_on_how_the_store_was_flushed_or_on_other_tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Milvus Lite scores BM25 with each segment's own statistics (its TODO in Collection._search_sparse), so
    a chunk's score, and which chunk comes first, changed with the flushes that happened to cut the store into
    segments, with another tenant's documents sharing a segment, and with re-ingests."""
    from milvus_lite.engine import collection

    if not lite_live.install():
        pytest.skip("an installed milvus-lite this was not checked against keeps its own search paths")
    lite_bm25.install()
    acme = _chunks("acme", "public", count=150)
    # one segment holding acme's chunks alone, and the same chunks in three flushes among another tenant's
    alone = _stored(tmp_path, "alone", [[("acme", "public", acme)]])
    mixed = _stored(tmp_path, "mixed", [
        [("acme", "public", acme[:40]), ("globex", "public", _chunks("globex", "public", count=200))],
        [("acme", "public", acme[40:90])],
        [("acme", "public", acme[90:]), ("acme", "staff", _chunks("acme", "staff", count=60))],
    ])
    try:
        scoped_alone, scoped_mixed = _bm25(alone, "acme", ["public"]), _bm25(mixed, "acme", ["public"])
        monkeypatch.setattr(collection.Collection, "_search_sparse", collection.Collection._search_sparse._supportbot_library)
        library_alone, library_mixed = _bm25(alone, "acme", ["public"]), _bm25(mixed, "acme", ["public"])
    finally:
        alone.close()
        mixed.close()
    assert sum(len(a) for a in scoped_alone) > 40
    # the same chunks, scores and order however the store was cut up, with globex and acme's staff rows beside
    assert [[hit for hit, _ in a] for a in scoped_mixed] == [[hit for hit, _ in a] for a in scoped_alone]
    for ours, theirs in zip(scoped_mixed, scoped_alone, strict=True):
        assert [d for _, d in ours] == pytest.approx([d for _, d in theirs], rel=1e-5)
    # where one segment holds just the scope, the library's own scores
    for ours, theirs in zip(scoped_alone, library_alone, strict=True):
        assert sorted(d for _, d in ours) == pytest.approx(sorted(d for _, d in theirs), rel=1e-4)
        assert {hit for hit, d in ours if d < theirs[-1][1]} <= {hit for hit, _ in theirs}
    # and the library's own path scores the mixed store otherwise: what was wrong
    assert library_mixed != library_alone
