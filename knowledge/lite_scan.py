"""Milvus Lite's exact inner-product search of a large segment, over an 8-bit copy of its vectors.

The blended vectors (knowledge/store.py DENSE_COLLECTION) are searched FLAT: every search reads every
vector of the segment, 384 float32 a chunk. With the vectors memory-mapped from their index file
(knowledge/lite_memory.py) every page of it stays in the store process's RSS once searched: 154 MB at
100,000 chunks, the largest single part of what the Milvus child grew by (bench/bench_growth.py).

Here a segment of at least `MIN_ROWS` rows is scanned over a copy with one byte a dimension (faiss's
scalar quantizer, `QT_8bit`: per dimension its minimum and step; 38 MB at 100,000 chunks) and the
best candidates are scored again exactly from the float32 file (`os.pread`, a row at a time: no page
of the mapping is touched). The result is the exact search's, not an approximation: for each row the
copy's error is bounded, |q.v - q.v8| <= |q| |v - v8| (Cauchy-Schwarz), with |v - v8| measured per row
when the copy is made, and a little more for float32 rounding. A row whose score from the copy plus
its bound is below the k-th best lower bound cannot be among the k best, so every row that can is
scored exactly (the candidates are widened until that holds; past `WIDEST` rows, or without faiss, the
float32 file is scanned in blocks read with `pread`). The exact scores are the library's product
(`compute_distances`) on the same float32 values; hits of exactly equal score go by row, where the
library's `argpartition` left them in an order of its own.

A search over at least `APPROX_ROWS` rows of a segment (every segment with a copy) is approximate instead,
once the copy is also an inverted file (made in a thread after the copy: k-means and every row assigned
took 3-10 s at 100,000 rows here; the searches stay exact until then, and nothing is kept on disk, so
each start makes it again) (faiss `IndexIVFScalarQuantizer`, the same 8-bit codes, no residuals, which replaces the flat copy: one
list per sqrt(rows) of the rows, grouped by spherical k-means over a sample of them), the `PROBES`
lists nearest the question are read (more when the search's filter passes a smaller share of the
rows, so that about as many of its rows are read), and the best `CANDIDATES` x k of their rows are
scored exactly as above. The exact scan of every code cost ~20 ms of the store process's CPU per
question at 100,000 chunks, the largest part of its time (issue #17). The filter (tenant, access
keys) stays exact: the rows it does not pass are never scored (faiss's id selector), so a question
sees no row of another tenant or level, only perhaps not the very best of its own (recall measured
by bench/bench_scan_recall.py). Where the probes would read half the lists or more, or find fewer
than k rows, the exact search above is done instead. A Milvus server needs none of this.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

MIN_ROWS = 10_000  # below this, the exact scan of the mapping is cheap and small (1.5 MB per 1,000 chunks)
FIRST_WIDTH = 256  # candidates read from the copy first, per question
WIDEST = 16_384  # candidates past which the float32 file is scanned exactly instead
BLOCK_ROWS = 2048  # rows read at a time when the copy is made or the file scanned (3 MB of float32)
ROUNDING = 1e-4  # |q| |v| x this covers float32 rounding of both products (384 x 2^-24 x 2 is 4.6e-5)
APPROX_ROWS = 10_000  # a search over at least this many rows takes the approximate first pass (MIN_ROWS: every 8-bit copy)
PROBES = 24  # lists read per question when every row may be returned (of sqrt(rows): 316 at 100,000)
CANDIDATES = 10  # x k rows of the probed lists re-scored exactly
TRAINING_ROWS = 64  # x the lists: rows (every n-th) the lists' k-means is trained on

_lock = threading.Lock()
_made: weakref.WeakSet[ScanCopy] = weakref.WeakSet()


class ScanCopy:
    """One mapped vector file's 8-bit copy, with each row's error bound."""

    def __init__(self, vectors: np.ndarray) -> None:
        import faiss

        self.vectors = vectors
        rows, dim = vectors.shape
        self.lists = max(1, int(np.sqrt(rows)))
        self.ivf: Any = None  # the inverted file, once made (`_make_lists`, in a thread of its own)
        self.listed = threading.Event()
        self.flat: Any = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        low = np.full(dim, np.inf, dtype=np.float32)
        high = np.full(dim, -np.inf, dtype=np.float32)
        stride = max(1, rows // (TRAINING_ROWS * self.lists))
        sample = []
        for start, block in zip(range(0, rows, BLOCK_ROWS), self._blocks(), strict=True):
            low, high = np.minimum(low, block.min(axis=0)), np.maximum(high, block.max(axis=0))
            sample.append(block[(-start) % stride :: stride])
        # what QT_8bit's training keeps (RS_minmax): each dimension's minimum, then its range
        trained = np.concatenate([low, high - low]).astype(np.float32)
        self.flat.sq.trained = faiss.Float32Vector()
        faiss.copy_array_to_vector(trained, self.flat.sq.trained)
        self.flat.is_trained = True
        # the codes made a block at a time into one array of their exact size, then given to the index at once
        # (faiss's `add` grows its buffer by doubling: up to twice the 38 MB, and the freed copies in the heap)
        codes = np.empty((rows, self.flat.code_size), dtype=np.uint8)
        self.bound = np.empty(rows, dtype=np.float32)
        for start, block in zip(range(0, rows, BLOCK_ROWS), self._blocks(), strict=True):
            codes[start : start + len(block)] = self.flat.sa_encode(block)
            error = np.linalg.norm((block - self.flat.sa_decode(codes[start : start + len(block)])).astype(np.float64), axis=1)
            size = np.linalg.norm(block.astype(np.float64), axis=1)
            self.bound[start : start + len(block)] = np.nextafter((error + ROUNDING * size).astype(np.float32), np.float32(np.inf))
        faiss.copy_array_to_vector(codes.reshape(-1), self.flat.codes)
        self.flat.ntotal = rows
        self.widest_bound = float(self.bound.max()) if rows else 0.0
        # the lists take longer (k-means, every row assigned: ~10 s at 100,000 rows on a busy core): made
        # meanwhile, the searches exact over the flat copy until then, so the first question isn't kept waiting
        threading.Thread(target=self._make_lists, args=(trained, codes, np.concatenate(sample)), name="scan-lists", daemon=True).start()

    def _make_lists(self, trained: np.ndarray, codes: np.ndarray, sample: np.ndarray) -> None:
        import faiss

        try:
            rows, dim = self.vectors.shape
            # spherical k-means (the search is by inner product) over every n-th row
            kmeans = faiss.Kmeans(dim, self.lists, niter=10, spherical=True, seed=1, verbose=False)
            kmeans.train(np.ascontiguousarray(sample))
            quantizer = faiss.IndexFlatIP(dim)
            quantizer.add(kmeans.centroids)
            ivf = faiss.IndexIVFScalarQuantizer(quantizer, dim, self.lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT, False)
            ivf.sq.trained = faiss.Float32Vector()
            faiss.copy_array_to_vector(trained, ivf.sq.trained)
            ivf.is_trained = True
            assigned = np.concatenate([quantizer.assign(block, 1).reshape(-1) for block in self._blocks()])
            # each list filled at once, to its exact size (the same codes as the flat copy's: no residuals)
            order = np.argsort(assigned, kind="stable")
            ends = np.searchsorted(assigned[order], np.arange(1, self.lists + 1))
            for number, (first, end) in enumerate(zip([0, *ends[:-1]], ends, strict=True)):
                if end > first:
                    members = np.ascontiguousarray(order[first:end])
                    listed = np.ascontiguousarray(codes[members])  # held while faiss copies it (a swig pointer holds nothing)
                    ivf.invlists.add_entries(number, len(members), faiss.swig_ptr(members), faiss.swig_ptr(listed))
            ivf.ntotal = rows
            self._quantizer = quantizer  # the inverted file does not own it
            self.ivf = ivf
            self.flat = None  # the lists, all of them probed, are the exact search's copy from now on
        except (AttributeError, TypeError, RuntimeError, OSError) as exc:  # a faiss whose API differs; a file gone
            logger.warning("no lists over the 8-bit copy of %s (%s): its searches stay exact", self.vectors.filename, exc)
        finally:
            self.listed.set()

    def _blocks(self) -> Any:
        rows = self.vectors.shape[0]
        for start in range(0, rows, BLOCK_ROWS):
            yield self._read(start, min(rows, start + BLOCK_ROWS))

    def _read(self, start: int, end: int) -> np.ndarray:
        """Rows start..end of the vectors, read from the file (not through the mapping)."""
        width = self.vectors.shape[1] * 4
        data = os.pread(self.vectors._supportbot_fd, (end - start) * width, self.vectors.offset + start * width)
        if len(data) != (end - start) * width:
            raise OSError(f"short read of {self.vectors.filename} rows {start}-{end}")
        return np.frombuffer(data, dtype="<f4").reshape(end - start, -1)

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        return np.concatenate([self._read(int(r), int(r) + 1) for r in rows]) if len(rows) else np.zeros((0, self.vectors.shape[1]), np.float32)

    def _exact(self, query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The library's distances (`compute_distances`, -q.v for the inner product) of one query to these vectors."""
        from milvus_lite.search.distance import compute_distances

        return compute_distances(query, vectors, "IP").reshape(-1)

    def search(self, queries: np.ndarray, top_k: int, valid: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """`BruteForceIndex.search` for the inner product: (ids, distances), distance = -q.v, best first."""
        import faiss

        nq = int(queries.shape[0])
        ids = np.full((nq, top_k), -1, dtype=np.int64)
        distances = np.full((nq, top_k), np.inf, dtype=np.float32)
        rows = self.vectors.shape[0]
        count = rows if valid is None else int(valid.sum())
        k = min(top_k, count)
        if k == 0:
            return ids, distances
        selector = None
        if valid is not None:
            bits = np.packbits(valid, bitorder="little")
            selector = faiss.IDSelectorBitmap(rows, faiss.swig_ptr(bits))
        ivf, flat = self.ivf, self.flat
        if ivf is None:
            index, every = flat, faiss.SearchParameters(sel=selector) if selector is not None else None
        else:
            index = ivf
            every = faiss.SearchParametersIVF(sel=selector, nprobe=self.lists) if selector is not None else faiss.SearchParametersIVF(nprobe=self.lists)
        # the lists probed: as many of the filter's rows read as PROBES lists hold of all rows
        probes = int(np.ceil(PROBES * rows / count))
        approximate = ivf is not None and count >= APPROX_ROWS and 2 * probes < self.lists
        some = faiss.SearchParametersIVF(sel=selector, nprobe=probes) if selector is not None else faiss.SearchParametersIVF(nprobe=probes)
        for q in range(nq):
            query = queries[q : q + 1]
            chosen = self._nearest(ivf, query, k, some) if approximate else None
            if chosen is not None:
                exact = self._exact(query, self._rows(chosen))
                order = np.lexsort((chosen, exact))[:k]
                ids[q, :k] = chosen[order]
                distances[q, :k] = exact[order]
                continue
            norm = float(np.linalg.norm(query.astype(np.float64)))
            chosen = self._candidates(index, query, norm, k, count, every)
            if chosen is None:  # the copy can't narrow it down: every row, exactly
                chosen = np.arange(rows) if valid is None else np.flatnonzero(valid)
                exact = np.concatenate([self._exact(query, block) for block in self._blocks()])[chosen]
            else:
                chosen = np.sort(chosen)
                exact = self._exact(query, self._rows(chosen))
            order = np.lexsort((chosen, exact))[:k]
            ids[q, :k] = chosen[order]
            distances[q, :k] = exact[order]
        return ids, distances

    def _nearest(self, index: Any, query: np.ndarray, k: int, params: Any) -> np.ndarray | None:
        """The approximate first pass: the best CANDIDATES x k rows of the probed lists, by the copy
        (sorted by row; None where the lists hold fewer than k of the filter's rows)."""
        _, found = index.search(query, CANDIDATES * k, params=params)
        found = found[0][found[0] >= 0]
        return np.sort(found) if len(found) >= k else None

    def _candidates(self, index: Any, query: np.ndarray, norm: float, k: int, count: int, params: Any) -> np.ndarray | None:
        """The rows that can be among the k best for this query (None: too many to tell)."""
        width = FIRST_WIDTH
        while width <= WIDEST:
            width = min(width, count)
            scores, found = index.search(query, width, params=params)
            scores, found = scores[0], found[0]
            keep = found >= 0
            scores, found = scores[keep].astype(np.float64), found[keep]
            if len(found) < k:
                return None
            slack = norm * self.bound[found].astype(np.float64)
            floor = np.partition(scores - slack, len(scores) - k)[len(scores) - k]  # the k-th best lower bound
            if len(found) >= count or float(scores.min()) + norm * self.widest_bound < floor:
                return found[scores + slack >= floor]
            width *= 4
        return None


def scan_copy(vectors: np.ndarray) -> ScanCopy | None:
    """The 8-bit copy of a mapped vector file (made on its first search), or None where the exact scan is
    kept: a small or unmapped array, or no faiss."""
    if vectors.shape[0] < MIN_ROWS or not hasattr(vectors, "_supportbot_fd"):
        return None
    found = getattr(vectors, "_supportbot_scan", None)
    if found is not None:
        return found
    with _lock:
        found = getattr(vectors, "_supportbot_scan", None)
        if found is None:
            try:
                found = ScanCopy(vectors)
            except ImportError:
                logger.info("faiss is not installed: dense searches scan every float32 vector")
                found = False
            except (AttributeError, TypeError, RuntimeError) as exc:  # a faiss whose API differs from 1.15's
                logger.warning("no 8-bit copy of %s (%s): its searches scan every float32 vector", vectors.filename, exc)
                found = False
            vectors._supportbot_scan = found  # type: ignore[attr-defined]
            if found:
                _made.add(found)
    return found or None


def lists_made(timeout: float) -> bool:
    """Wait until every copy made so far has its lists (or gave up on them); False on the timeout."""
    return all(copy.listed.wait(timeout) for copy in list(_made))
