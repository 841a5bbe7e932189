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


def test_a_compact_index_holds_the_library_s_postings_and_statistics_and_scores_the_same(tmp_path: Path) -> None:
    """`lite_bm25.compact` builds a flushed segment's index from its packed BM25 column into two arrays:
    the same words, chunks in the same order, frequencies, lengths and counts as the library's build from a
    dict per row, and so the same hits and scores."""
    from milvus_lite.analyzer.sparse import bytes_to_sparse
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex
    from milvus_lite.server_manager import server_manager_instance

    if not lite_bm25.install():
        pytest.skip("an installed milvus-lite this search was not checked against keeps its own")
    uri = str(tmp_path / "milvus.db")
    store = MilvusStore(uri=uri, dim=8)
    store.open()
    try:
        paragraphs = _paragraphs()
        chunks = [Chunk(id=f"c{n}", doc_id=f"d{n}", source=f"{n}.md", title=paragraphs[n % len(paragraphs)][0], url=None, heading="",
                        text=paragraphs[n % len(paragraphs)][1] + ("" if n % 3 else f" Case {n}."), position=0) for n in range(300)]
        # one chunk without any word BM25 keeps: an empty row
        chunks.append(Chunk(id="empty", doc_id="d-empty", source="e.md", title="", url=None, heading="", text="the of and", position=0))
        vectors = np.zeros((len(chunks), 8), dtype=np.float32)
        store.insert(tenant="acme", access="public", chunks=chunks, dense=vectors, title_dense=vectors, lead_dense=vectors)
        store.flush()
        _, db, _ = server_manager_instance._servers[str(Path(uri).resolve())]
        collection = db.get_collection(COLLECTION)
        segments = [s for s in collection._read_snapshot()[0] if s.num_rows]
        queries = collection._prepare_sparse_queries(["how do I reset my password?", "export data to CSV", "invoices", "xyzzy"], "sparse")
    finally:
        store.close()
    assert segments
    for segment in segments:
        column = segment.table.column("sparse")
        library, compact = SparseInvertedIndex(), SparseInvertedIndex()
        library.build([bytes_to_sparse(r) for r in column.to_pylist()])
        assert lite_bm25.compact(compact, column)
        assert (compact.doc_count, compact.avgdl, compact._df) == (library.doc_count, library.avgdl, library._df)
        assert compact._doc_lengths.dtype == library._doc_lengths.dtype and np.array_equal(compact._doc_lengths, library._doc_lengths)
        assert set(compact._posting_lists) == set(library._posting_lists)
        postings = sum(len(v) for v in library._posting_lists.values())
        assert sum(a.nbytes for a in compact._supportbot_csr) == 5 * postings  # a chunk's row (4 bytes), its count (1)
        for term in library._posting_lists:
            ours, theirs = lite_bm25._arrays(compact, term), lite_bm25._arrays(library, term)
            assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))  # the same values
            assert np.shares_memory(ours[0], compact._supportbot_csr[0])  # a view of the index's arrays, not a copy per search
        mask = np.ones(segment.num_rows, dtype=bool)
        mask[::5] = False
        for valid in (None, mask):
            found = [index.search(queries, 20, valid_mask=valid) for index in (compact, library)]
            assert np.array_equal(found[0][0], found[1][0]) and np.array_equal(found[0][1], found[1][1])
            assert (found[0][0] >= 0).sum() > 20
        stats = lite_bm25.scope_statistics([(library, mask)], queries)
        assert lite_bm25.scope_statistics([(compact, mask)], queries) == stats
        ours, theirs = (lite_bm25.scoped_search(index, queries, 20, mask, stats) for index in (compact, library))
        assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])
