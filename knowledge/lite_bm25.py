"""Milvus Lite 3's BM25 search, the same scores computed per posting list instead of per posting.

Milvus Lite 3 is written in Python, and its BM25 search (`SparseInvertedIndex.search`) walks every
posting of every query word one at a time in Python. Its cost is the number of chunks that contain
the question's words, so it grows with the knowledge base: at 4,000 chunks in one tenant it was the
largest part of the store's time per question (py-spy of the Milvus child under `bench/bench_growth.py`
asks), and one search took 72-95 ms at 4,000 chunks and 1-1.5 s at 100,000 on a loaded 2-core machine
(8.7 ms and 82-107 ms here; the growth history in bench/growth_report.py's docstring). Here each posting list becomes two arrays
(chunk, term frequency) on first use and a word is scored for all its chunks at once with numpy.

The scores are the library's, bit for bit, and so is the order: the library mixes Python floats and
numpy float32 scalars, which numpy (NEP 50) computes in float32; the same operations in the same
order on float32 arrays give the same values, and ties keep the order in which chunks were first
scored (Python's `sorted(..., reverse=True)` is stable; so is the sort here). tests/knowledge/
test_lite_bm25.py compares both on a real index.

Milvus Lite has no hook for this, so `install` replaces the method on the class, only for the
versions whose search it was checked against (anything else keeps the library's own). A Milvus
server (`SUPPORTBOT_MILVUS_URI=http://...`) has its own BM25 in C++ and needs none of this.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from knowledge import lite_topk

logger = logging.getLogger(__name__)

CHECKED_VERSIONS = frozenset({"3.2.2"})  # milvus-lite versions whose SparseInvertedIndex.search this reproduces


def _arrays(index: Any, term: int) -> tuple[np.ndarray, np.ndarray]:
    """A posting list as (chunk positions, term frequencies), made once per index and word (an index
    is built once per segment and never changed: a new segment gets a new index); an index `compact`
    built holds them as slices of two arrays already, returned as they are (views, no copy: the chunks
    int32, the frequencies in their narrowest type): the callers keep the rows in scope first and widen
    the frequencies of those only (`_widened`). Widening every posting of a question's words, twice a
    search (statistics, then scores), was 6.5% of the Milvus child's samples at 100,000 chunks."""
    csr = getattr(index, "_supportbot_csr", None)
    if csr is not None:
        start, end = index._posting_lists[term]
        return csr[0][start:end], csr[1][start:end]
    cache: dict[int, tuple[np.ndarray, np.ndarray]] | None = getattr(index, "_supportbot_arrays", None)
    if cache is None:
        cache = {}
        index._supportbot_arrays = cache
    found = cache.get(term)
    if found is None:
        pairs = np.array(index._posting_lists[term], dtype=np.float64).reshape(-1, 2)  # (chunk, tf): exact in float64
        found = (pairs[:, 0].astype(np.int64), pairs[:, 1].copy())
        cache[term] = found
    return found


def _widened(tfs: np.ndarray) -> np.ndarray:
    """Term frequencies as float64 (the same whole numbers)."""
    return tfs if tfs.dtype == np.float64 else tfs.astype(np.float64)


def search(self: Any, query_sparse_vectors: list[dict[int, float]], top_k: int, valid_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`SparseInvertedIndex.search` (milvus_lite/index/sparse_inverted.py), vectorised per word."""
    from milvus_lite.index.sparse_common import empty_results, validate_mask

    valid_mask = validate_mask(valid_mask, len(self._doc_lengths))
    nq = len(query_sparse_vectors)
    all_ids, all_dists = empty_results(nq, top_k)
    if self.doc_count == 0:
        return all_ids, all_dists
    n_docs = self.doc_count
    k1, b = self.k1, self.b
    avgdl = self.avgdl if self.avgdl > 0 else 1.0
    lengths = self._doc_lengths
    for qi in range(nq):
        query_terms = query_sparse_vectors[qi]
        if not query_terms:
            continue
        scores: np.ndarray | None = None
        seen = np.zeros(len(lengths), dtype=bool)
        order: list[np.ndarray] = []  # chunks in the order they were first scored (the library's dict order)
        for term_hash, query_weight in query_terms.items():
            if not self._posting_lists.get(term_hash):
                continue
            df = self._df[term_hash]
            idf = math.log((n_docs - df + 0.5) / (df + 0.5) + 1.0)
            ids, tfs = _arrays(self, term_hash)
            if valid_mask is not None:
                keep = valid_mask[ids]
                ids, tfs = ids[keep], tfs[keep]
            if not len(ids):
                continue
            tfs = _widened(tfs)
            # the library's expression, operation for operation: a Python float `tf` meets float32 `dl`
            dl = lengths[ids]
            tf_norm = (tfs * (k1 + 1.0)).astype(np.float32) / (tfs.astype(np.float32) + k1 * (1.0 - b + b * dl / avgdl))
            contribution = idf * tf_norm * query_weight
            if scores is None:
                scores = np.zeros(len(lengths), dtype=contribution.dtype)
            elif contribution.dtype != scores.dtype:
                scores = scores.astype(np.result_type(scores, contribution))
            scores[ids] += contribution
            new = ids[~seen[ids]]
            seen[new] = True
            order.append(new)
        if scores is None or not order:
            continue
        candidates = np.concatenate(order)
        found = scores[candidates]
        if len(found) > top_k:  # only those at or above the k-th best score can rank: a stable sort of them keeps the order
            keep = found >= np.partition(found, len(found) - top_k)[len(found) - top_k]
            candidates, found = candidates[keep], found[keep]
        ranked = candidates[np.argsort(-found, kind="stable")][:top_k]
        all_ids[qi, : len(ranked)] = ranked
        all_dists[qi, : len(ranked)] = -scores[ranked]
    return all_ids, all_dists


def compact(index: Any, column: Any) -> bool:
    """Build `index` (an empty `SparseInvertedIndex`) from a flushed segment's BM25 column (Arrow binary,
    each row the library's packed (uint32 term, float32 tf) pairs) with numpy, holding every posting in
    two arrays (5 bytes a posting: `_narrowest`) instead of a Python list of tuples per word (about 100 bytes a posting:
    several hundred MB at 100,000 chunks in the store's process) built from a dict per row. Same
    statistics and postings, in the same order (each word's chunks in row order), so `search` and
    `scoped_search` score as before. False (nothing done) for a column that is not packed bytes or where
    the library's own search is in use, whose loop needs the lists."""
    import pyarrow as pa
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex

    if SparseInvertedIndex.search is not search or not isinstance(index, SparseInvertedIndex):
        return False
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_binary(array.type) or array.null_count:
        return False
    rows = len(array)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=rows + 1, offset=array.offset * 4)
    data = array.buffers()[2]
    if (offsets[-1] - offsets[0]) % 8 or np.any(np.diff(offsets) % 8):
        return False
    pairs = np.frombuffer(data, dtype=np.dtype([("term", "<u4"), ("tf", "<f4")]), count=int(offsets[-1] - offsets[0]) // 8, offset=int(offsets[0])) if data is not None else np.zeros(0, dtype=[("term", "<u4"), ("tf", "<f4")])
    counts = np.diff(offsets) // 8
    docs = np.repeat(np.arange(rows, dtype=np.int32), counts)
    terms, tfs = pairs["term"], pairs["tf"]
    order = np.argsort(terms, kind="stable")  # by word, each word's chunks in row order (the library's append order)
    terms, docs, tfs = terms[order], docs[order], np.ascontiguousarray(tfs[order])
    distinct, starts, df = np.unique(terms, return_index=True, return_counts=True)
    ends = starts + df
    lengths = np.bincount(np.repeat(np.arange(rows), counts), weights=pairs["tf"].astype(np.float64), minlength=rows)
    index._posting_lists = {int(t): (int(a), int(e)) for t, a, e in zip(distinct.tolist(), starts.tolist(), ends.tolist(), strict=True)}
    index._df = {int(t): int(d) for t, d in zip(distinct.tolist(), df.tolist(), strict=True)}
    index._doc_lengths = lengths.astype(np.float32)
    index.doc_count = rows
    index.avgdl = float(lengths.sum()) / rows if rows else 0.0
    index._supportbot_csr = (docs, _narrowest(tfs))
    index._supportbot_bounds = lite_topk.bounds(starts, docs, tfs, index._doc_lengths)
    return True


def _narrowest(tfs: np.ndarray) -> np.ndarray:
    """Term frequencies (whole counts, as float32) in the smallest unsigned type that holds each exactly:
    almost all are below 256, so one byte a posting instead of four (`_arrays` widens a list to float64 when
    scored, the same values). ~7M postings at 100,000 chunks: ~20 MB less of the store process's heap."""
    for kind in (np.uint8, np.uint16):
        narrow = tfs.astype(kind)
        if len(tfs) == 0 or (tfs.min() >= 0 and tfs.max() <= np.iinfo(kind).max and np.array_equal(narrow.astype(np.float32), tfs)):
            return narrow
    return tfs


@dataclass(frozen=True, slots=True)
class ScopeStatistics:
    """BM25's statistics over the rows one search may return, across every segment: how many there are,
    their mean length, and in how many of them each query word occurs."""

    documents: int
    mean_length: float
    frequency: dict[int, int]


def scope_statistics(parts: Sequence[tuple[Any, np.ndarray]], queries: Sequence[dict[int, float]]) -> ScopeStatistics:
    """`parts`: each segment's BM25 index with the mask of its rows in the search's scope (live, and
    passing the search's filter: the tenant and the access keys). A segment's share (its rows in scope,
    their lengths' sum, each word's chunks in scope) is kept per scope on its index (`_scope_counts`):
    counting a common word's chunks in scope walked all its postings on every question."""
    documents = 0
    length = 0.0
    frequency: dict[int, int] = {}
    terms = {term for query in queries for term in query}
    for index, mask in parts:
        rows, summed, counts = _scope_counts(index, mask)
        documents += rows
        length += summed
        for term in terms:
            if index._posting_lists.get(term):
                count = counts.get(term)
                if count is None:
                    ids, _ = _arrays(index, term)
                    count = counts[term] = int(mask[ids].sum())
                frequency[term] = frequency.get(term, 0) + count
    return ScopeStatistics(documents, length / documents if documents else 0.0, frequency)


_SCOPES = 16  # scopes (tenant and access keys, over a state of the store) whose counts an index keeps
_scopes_lock = threading.Lock()


def _scope_counts(index: Any, mask: np.ndarray) -> tuple[int, float, dict[int, int]]:
    """(rows in scope, the sum of their lengths, a word's chunks in scope as counted so far) for `mask` over
    `index`'s rows, kept on the index per mask (its bits' digest) for the last `_SCOPES` masks used. An index
    never changes (a new segment gets a new one); a word's count is added the first time it is asked."""
    key = (len(mask), hashlib.blake2b(np.packbits(mask).tobytes(), digest_size=16).digest())
    with _scopes_lock:
        kept: OrderedDict[tuple[int, bytes], tuple[int, float, dict[int, int]]] | None = getattr(index, "_supportbot_scopes", None)
        if kept is None:
            kept = index._supportbot_scopes = OrderedDict()
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return found
    found = (int(mask.sum()), float(index._doc_lengths[mask].astype(np.float64).sum()), {})
    with _scopes_lock:
        kept[key] = found
        while len(kept) > _SCOPES:
            kept.popitem(last=False)
    return found


def scoped_search(index: Any, queries: Sequence[dict[int, float]], top_k: int, mask: np.ndarray, stats: ScopeStatistics) -> tuple[np.ndarray, np.ndarray]:
    """One segment's BM25 hits scored with the scope's statistics (`scope_statistics`) instead of the
    segment's own, so a chunk's score is the same whichever segment holds it and whatever else the
    store holds. Ties keep the segment's row order; the caller breaks them by id. A question whose words
    hold many postings in a compact index is ranked by MaxScore (knowledge/lite_topk.py): the same rows and
    scores without scoring every posting of its common words."""
    from milvus_lite.index.sparse_common import empty_results

    nq = len(queries)
    all_ids, all_dists = empty_results(nq, top_k)
    if stats.documents == 0 or not mask.any():
        return all_ids, all_dists
    k1, b = float(index.k1), float(index.b)
    avgdl = stats.mean_length if stats.mean_length > 0 else 1.0
    lengths = index._doc_lengths  # float32: the rows scored widened to float64 (the same values), not every row per search
    for qi, query in enumerate(queries):
        pruned = lite_topk.search(index, query, top_k, mask, stats.documents, stats.frequency, avgdl)
        if pruned is not None:  # the same rows and scores without scoring every posting of a common word
            all_ids[qi, : len(pruned[0])] = pruned[0]
            all_dists[qi, : len(pruned[0])] = -pruned[1]
            continue
        scores = np.zeros(len(lengths), dtype=np.float64)
        hit = np.zeros(len(lengths), dtype=bool)
        for term, weight in query.items():
            df = stats.frequency.get(term, 0)
            if not df or not index._posting_lists.get(term):
                continue
            ids, tfs = _arrays(index, term)
            keep = mask[ids]
            ids, tfs = ids[keep], _widened(tfs[keep])
            if not len(ids):
                continue
            idf = math.log((stats.documents - df + 0.5) / (df + 0.5) + 1.0)
            scores[ids] += idf * float(weight) * tfs * (k1 + 1.0) / (tfs + k1 * (1.0 - b + b * lengths[ids].astype(np.float64) / avgdl))
            hit[ids] = True
        found = np.flatnonzero(hit)
        if not len(found):
            continue
        if len(found) > top_k:  # only those at or above the k-th best score can rank (a common word hits thousands)
            values = scores[found]
            found = found[values >= np.partition(values, len(values) - top_k)[len(values) - top_k]]
        ranked = found[np.argsort(-scores[found], kind="stable")][:top_k]
        all_ids[qi, : len(ranked)] = ranked
        all_dists[qi, : len(ranked)] = -scores[ranked]
    return all_ids, all_dists


def checked_version(checked: frozenset[str], *, otherwise: str) -> bool:
    """Whether the installed milvus-lite is one of the `checked` versions a patch reproduces; if not, says in the
    log that `otherwise` (the library's own code) is used. False without milvus-lite."""
    try:
        from milvus_lite import __version__
    except ImportError:
        return False
    if __version__ not in checked:
        logger.info("milvus-lite %s: %s is used (checked: %s)", __version__, otherwise, ", ".join(sorted(checked)))
        return False
    return True


def install() -> bool:
    """Use `search` for Milvus Lite's BM25 in this process (the one that runs Milvus Lite: `serve`'s
    child, `vectors serve`, or a CLI command with the store in-process). False, and the library's
    own search, for a version it was not checked against."""
    if not checked_version(CHECKED_VERSIONS, otherwise="its own BM25 search"):
        return False
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex
    if SparseInvertedIndex.search is not search:
        SparseInvertedIndex._library_search = SparseInvertedIndex.search
        SparseInvertedIndex.search = search
    return True
