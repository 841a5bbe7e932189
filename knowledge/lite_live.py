"""Milvus Lite 3's searches without a walk over every stored row in Python per search.

Milvus Lite 3 is written in Python. Before it scores anything, each dense and each BM25 search
decides which rows of every segment are live: for every row of the collection, in a Python loop,
whether a newer version of its id exists elsewhere (upserts) and whether a tombstone deletes it. So
a search cost grew with the whole store, whatever the tenant searched: at 100,000 chunks in one
tenant these loops were most of a question's time (the growth history in bench/growth_report.py's docstring). Which rows
are live changes only when the store does (a flush, a compaction, a delete), not per search, so here
it is computed once per state of the store and kept: a boolean per row (100 kB per 100,000 chunks).

The state is the set of segment files (immutable Parquet files: a flush or a compaction makes new
ones) and the tombstones. While the collection's in-memory table holds rows or deletes not yet
flushed (during an ingest), searches take the library's own path; so do searches that name
partitions, and library versions this was not checked against. What each search does with the live
rows is the library's, in the same order: the scalar filter per segment, the same index call, the
same tie-breaking and the same projection of hits, so the results are the library's (tests/knowledge/
test_lite_live.py compares both on a real store). A Milvus server needs none of this.

One thing differs, on purpose: BM25 over flushed rows is scored with the statistics of the rows the
search may return (live, and passing its filter: the tenant and the access keys), summed over every
segment (knowledge/lite_bm25.py `scope_statistics`), where the library scores each segment with its own
(its TODO in `Collection._search_sparse`). With the library's, a chunk's score depended on which chunks
happened to be flushed with it: the same question ranked a tenant's articles differently after a
re-ingest of an unrelated article, after a background compaction, or with another tenant's documents in
the same segment (a tenant's words changing another's answers). Elasticsearch calls the fix
DFS_QUERY_THEN_FETCH. Ties then go by chunk id, not by which segment came first. Cost (/tmp script, one run,
2026-12-06: sample help center paragraphs with random words, three tenants, four flushes, 40 questions, CPU
per BM25 search in one tenant, before -> after): 3k chunks 4.15 -> 3.15 ms, 30k 5.11 -> 4.11 ms, 120k 6.81 ->
9.10 ms (the scope's lengths summed over every row of every segment per search).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from knowledge import lite_bm25, lite_memory, lite_scan

logger = logging.getLogger(__name__)

CHECKED_VERSIONS = frozenset({"3.2.2"})  # milvus-lite versions whose search paths this reproduces
_STATES = 8  # live masks kept: the current state of each collection (three) and a few older ones

_FILTER_BYTES = 32 * 1024 * 1024  # filter masks kept (a byte a row: 320 masks of 100,000 rows)

_lock = threading.Lock()
_filtered: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
_filtered_bytes = 0
_live: OrderedDict[tuple[str, ...], tuple[dict[Any, int], list[np.ndarray]]] = OrderedDict()


def live_masks(segments: Sequence[Any], tombstones: Any) -> list[np.ndarray]:
    """For each segment, which of its rows are live: the newest version of their id among all the
    segments, and not deleted by a later tombstone (the library's rule, with nothing unflushed)."""
    key = tuple(segment.file_path for segment in segments)
    deleted: dict[Any, int] = tombstones._map
    with _lock:
        found = _live.get(key)
        if found is not None and found[0] == deleted:
            _live.move_to_end(key)
            return found[1]
    newest: dict[Any, int] = {}
    for segment in segments:
        for pk, seq in zip(segment.pks, segment.seqs.tolist(), strict=True):
            if seq > newest.get(pk, -1):
                newest[pk] = seq
    masks = []
    for segment in segments:
        seqs = segment.seqs.tolist()
        masks.append(np.fromiter(
            (newest[pk] == seq and deleted.get(pk, -1) <= seq for pk, seq in zip(segment.pks, seqs, strict=True)),
            dtype=bool, count=len(seqs),
        ))
    with _lock:
        _live[key] = (dict(deleted), masks)
        _live.move_to_end(key)
        while len(_live) > _STATES:
            _live.popitem(last=False)
    return masks


def filter_mask(segment: Any, compiled_filter: Any, indexed_filter_plan: Any) -> np.ndarray:
    """Which rows of a flushed segment pass a search's filter (the library's `evaluate_segment_filter`),
    kept per segment file and filter text: a segment file never changes, and a question's filter is its
    tenant and access keys, the same for every question of that scope. Milvus Lite evaluated it over
    every row of every segment (Arrow) per search: 7.5% of the store process's samples at 100,000
    chunks (issue #17). Bounded by `_FILTER_BYTES`, least recently used out."""
    global _filtered_bytes
    from milvus_lite.search.indexed_filter import evaluate_segment_filter

    pks = segment.pks
    key = (segment.file_path, len(pks), pks[0] if pks else None, pks[-1] if pks else None, compiled_filter.source, compiled_filter.backend)
    with _lock:
        found = _filtered.get(key)
        if found is not None:
            _filtered.move_to_end(key)
            return found
    found = np.asarray(evaluate_segment_filter(segment, compiled_filter, indexed_filter_plan), dtype=bool)
    found.setflags(write=False)
    with _lock:
        if key not in _filtered:
            _filtered[key] = found
            _filtered_bytes += found.nbytes
        while _filtered_bytes > _FILTER_BYTES and len(_filtered) > 1:
            _filtered_bytes -= _filtered.popitem(last=False)[1].nbytes
    return found


def _settled(memtable: Any, partition_names: Sequence[str] | None) -> bool:
    """Whether the cached path applies: nothing unflushed, every partition searched."""
    return not partition_names and memtable.size() == 0


def _dense_search(library: Any) -> Any:
    """`execute_search_with_index` (milvus_lite/search/executor_indexed.py) with the live rows cached."""
    from milvus_lite.index.brute_force import BruteForceIndex

    def search(
        query_vectors: np.ndarray, segments: Any, memtable: Any, delta_index: Any, top_k: int, metric_type: str, pk_field: str,
        vector_field: str, partition_names: list[str] | None = None, compiled_filter: Any = None, output_fields: list[str] | None = None,
        indexed_filter_plan: Any = None, project_record_fn: Any = None, search_params: dict[str, Any] | None = None,
    ) -> list[list[dict[str, Any]]]:
        if not _settled(memtable, partition_names) or project_record_fn is None:
            return library(
                query_vectors=query_vectors, segments=segments, memtable=memtable, delta_index=delta_index, top_k=top_k,
                metric_type=metric_type, pk_field=pk_field, vector_field=vector_field, partition_names=partition_names,
                compiled_filter=compiled_filter, output_fields=output_fields, indexed_filter_plan=indexed_filter_plan,
                project_record_fn=project_record_fn, search_params=search_params,
            )
        if query_vectors.ndim == 1:
            query_vectors = query_vectors.reshape(1, -1)
        query_vectors = query_vectors.astype(np.float32, copy=False)
        nq = int(query_vectors.shape[0])
        segments = [s for s in segments if s.num_rows > 0]
        if nq == 0 or top_k <= 0 or not segments:
            return [[] for _ in range(nq)]
        live = live_masks(segments, delta_index)
        candidates: list[list[tuple[float, int, int]]] = [[] for _ in range(nq)]
        for source, segment in enumerate(segments):
            vectors, present = segment.vector_data(vector_field)
            mask = live[source]
            if compiled_filter is not None:
                mask = mask & filter_mask(segment, compiled_filter, indexed_filter_plan)
            if present is not None:
                mask = mask & present
            if not mask.any():
                continue
            index = segment.indexes.get(vector_field)
            if index is None:
                index = BruteForceIndex.build(vectors, metric_type)
            ids, distances = index.search(query_vectors, top_k, valid_mask=None if mask.all() else mask, params=search_params)
            for q in range(nq):
                for j in range(top_k):
                    row = int(ids[q, j])
                    if row < 0:
                        break
                    candidates[q].append((float(distances[q, j]), source, row))
        results = []
        for q in range(nq):
            ranked = sorted(candidates[q])[:top_k]  # (distance, source, row): the library's order on ties
            hits = []
            for distance, source, row in ranked:
                record = segments[source].row_to_dict(row)
                pk = record[pk_field] if pk_field in record else segments[source].pks[row]
                hits.append({"id": pk, "distance": distance, "entity": project_record_fn(record)})
            results.append(hits)
        return results

    search._supportbot_library = library  # type: ignore[attr-defined]
    return search


def _sparse_search(library: Any) -> Any:
    """`Collection._search_sparse` (milvus_lite/engine/collection.py) with the live rows cached."""

    def search(
        self: Any, query_vectors: list[Any], vector_field: str, top_k: int, metric_type: str, partition_names: list[str] | None,
        expr: str | None, output_fields: list[str] | None, timezone: str | None = None,
    ) -> list[list[dict[str, Any]]]:
        if not _settled(self._memtable, partition_names):
            return library(self, query_vectors, vector_field, top_k, metric_type, partition_names, expr, output_fields, timezone)
        from milvus_lite.analyzer.sparse import bytes_to_sparse
        from milvus_lite.engine.projection import build_projection_plan, project_record
        from milvus_lite.index.sparse_factory import (
            _search_prepared_sparse_index,
            create_sparse_index,
            sparse_index_matches,
        )
        from milvus_lite.index.sparse_inverted import SparseInvertedIndex
        projection_plan = build_projection_plan(output_fields, self._schema, api_kind="search")
        spec = self._index_specs.get(vector_field)
        index_params = spec.build_params if spec else {}
        queries = self._prepare_sparse_queries(query_vectors, vector_field)
        nq = len(queries)
        compiled_filter = self._compile_filter(expr, timezone=timezone) if expr else None
        indexed_filter_plan = self._indexed_filter_plan(compiled_filter)
        segments, delta = self._read_snapshot()
        live = live_masks(segments, delta)
        parts: list[tuple[Any, Any, np.ndarray]] = []  # (segment, its index, its rows in the search's scope)
        for segment, alive in zip(segments, live, strict=True):
            table = segment.table
            if table is None or len(table) == 0:
                continue
            index = segment.sparse_indexes.get(vector_field)
            if not sparse_index_matches(index, metric_type, index_params):
                index = create_sparse_index(metric_type, index_params)
                table = lite_memory.restore_sparse(segment, vector_field)
                compacted = lite_bm25.compact(index, table.column(vector_field))
                if not compacted:
                    index.build([bytes_to_sparse(r) if isinstance(r, bytes) else (r or {}) for r in table.column(vector_field).to_pylist()])
                segment.sparse_indexes[vector_field] = index
                if compacted:  # the index holds the column's postings: the column itself is not kept in memory
                    lite_memory.drop_indexed_sparse(segment, vector_field)
                    table = segment.table
            mask = alive
            if compiled_filter is not None:
                mask = mask & filter_mask(segment, compiled_filter, indexed_filter_plan)
            if mask.any():
                parts.append((segment, index, mask))
        scoped = metric_type == "BM25" and all(isinstance(index, SparseInvertedIndex) for _, index, _ in parts)
        stats = lite_bm25.scope_statistics([(index, mask) for _, index, mask in parts], queries) if scoped else None
        candidates: list[list[tuple[float, Any, int, Any]]] = [[] for _ in range(nq)]
        for segment, index, mask in parts:
            if stats is not None:
                ids, distances = lite_bm25.scoped_search(index, queries, top_k, mask, stats)
            else:
                ids, distances = _search_prepared_sparse_index(index, queries, top_k, valid_mask=mask)
            for q in range(nq):
                for j in range(top_k):
                    row = int(ids[q, j])
                    if row < 0:
                        break
                    candidates[q].append((float(distances[q, j]), segment.pks[row], row, segment.table))
        results = []
        for q in range(nq):
            # live rows are one version per id, so the library's dedup keeps each. With the scope's statistics
            # a score does not depend on the segment, so ties go by id (not by which segment came first)
            ranked = sorted(candidates[q], key=(lambda c: (c[0], str(c[1]))) if stats is not None else (lambda c: c[0]))[:top_k]
            hits = []
            for distance, pk, row, table in ranked:
                record = {name: table.column(name)[row].as_py() for name in table.column_names if name not in ("_seq", "_partition")}
                hits.append({"id": pk, "distance": distance, "entity": project_record(record, self._schema, projection_plan)})
            results.append(hits)
        return results

    search._supportbot_library = library  # type: ignore[attr-defined]
    return search


def _flat_search(library: Any) -> Any:
    """`BruteForceIndex.search` (milvus_lite/index/brute_force.py) without a copy of every vector when
    every row is searched: the library gathers the valid rows (`vectors[arange(N)]` when all are)
    before the product, 150 MB per search at 100,000 chunks of 384 floats. Same distances (the same
    matrix product on the same values), same selection; a partial mask keeps the library's path."""
    from milvus_lite.search.distance import compute_distances

    def search(
        self: Any, queries: np.ndarray, top_k: int, valid_mask: np.ndarray | None = None, params: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        copy = lite_scan.scan_copy(self._vectors) if self.metric == "IP" and top_k > 0 else None
        if copy is not None:  # a large segment: its 8-bit copy, re-scored exactly (knowledge/lite_scan.py)
            queries = queries.reshape(1, -1) if queries.ndim == 1 else queries
            return copy.search(queries.astype(np.float32, copy=False), top_k, valid_mask)
        if valid_mask is not None or self.num_vectors == 0 or top_k <= 0:
            return library(self, queries, top_k, valid_mask=valid_mask, params=params)
        if queries.ndim == 1:
            queries = queries.reshape(1, -1)
        queries = queries.astype(np.float32, copy=False)
        nq = int(queries.shape[0])
        ids = np.full((nq, top_k), -1, dtype=np.int64)
        distances = np.full((nq, top_k), np.inf, dtype=np.float32)
        k = min(top_k, self.num_vectors)
        found = compute_distances(queries, self._vectors, self.metric)
        if found.ndim == 1:
            found = found.reshape(1, -1)
        for q in range(nq):
            row = found[q]
            if k < self.num_vectors:
                part = np.argpartition(row, k - 1)[:k]
                order = part[np.argsort(row[part])]
            else:
                order = np.argsort(row)
            ids[q, : len(order)] = order
            distances[q, : len(order)] = row[order]
        return ids, distances

    search._supportbot_library = library  # type: ignore[attr-defined]
    return search


def install() -> bool:
    """Use the cached live rows for Milvus Lite's dense and BM25 searches in this process (the one
    that runs Milvus Lite). False, and the library's own searches, for a version it was not checked against."""
    if not lite_bm25.checked_version(CHECKED_VERSIONS, otherwise="its own search paths"):
        return False
    from milvus_lite.engine import collection
    from milvus_lite.index.brute_force import BruteForceIndex
    if not hasattr(collection.execute_search_with_index, "_supportbot_library"):
        collection.execute_search_with_index = _dense_search(collection.execute_search_with_index)
    if not hasattr(BruteForceIndex.search, "_supportbot_library"):
        BruteForceIndex.search = _flat_search(BruteForceIndex.search)
    if not hasattr(collection.Collection._search_sparse, "_supportbot_library"):
        collection.Collection._search_sparse = _sparse_search(collection.Collection._search_sparse)
    return True
