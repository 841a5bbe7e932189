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
once the copy is also an inverted file (faiss `IndexIVFScalarQuantizer`, the same 8-bit codes, no residuals, which replaces the flat copy: one
list per sqrt(rows) of the rows, grouped by spherical k-means over a sample of them), the `PROBES`
lists nearest the question are read (more when the search's filter passes a smaller share of the
rows, so that about as many of its rows are read), and the best `CANDIDATES` x k of their rows are
scored exactly as above. The exact scan of every code cost ~20 ms of the store process's CPU per
question at 100,000 chunks, the largest part of its time (issue #17). The filter (tenant, access
keys) stays exact: the rows it does not pass are never scored (faiss's id selector), so a question
sees no row of another tenant or level, only perhaps not the very best of its own (recall measured
by bench/bench_scan_recall.py). Where the probes would read half the lists or more, or find fewer
than k rows, the exact search above is done instead. A Milvus server needs none of this.

Making the lists (k-means, every row assigned) took 3-10 s at 100,000 rows here. Made alongside the first
question, they kept it waiting: 8.7 s against 2.4 s without them (bench/bench_growth_interleaved.py). So
the searched collection's copies are made while it is loaded (knowledge/lite_memory.py `load_index`, in
`load_collection`, before `serve` says ready), lists included, and kept beside the index file
(`<index file>.lists`: a header naming the file, each row's bound, then faiss's `write_index`), so that
the next start reads them instead (`SavedLists`). The header holds what identifies the segment's vectors
(the file's size and modification time, a digest of its first and last rows) and the copy's parameters;
a file whose header differs in anything is made again and replaced, and a `.lists` file whose index
file is gone (a compaction) is removed when another is written. A copy made on a search (a collection
not loaded through `load_index`) makes its lists in a thread as before, the searches exact until then.
At 100,000 chunks (bench/bench_growth_start.py's docstring): a start's first question 5.5-7.1 s -> 2.2-2.6 s,
ready 17-18 s -> 12.5-16 s with the lists saved, 19-22 s -> 24-35 s on the start that makes them.
"""

from __future__ import annotations

import hashlib
import json
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
# lists read per question when every row may be returned (of sqrt(rows): 316 at 100,000; below 36,900 rows,
# half the lists or more: the exact search). 24 found 0.79 of the exact top 10 over 100,000 distinct chunks'
# vectors, 96 0.955 (bench/bench_scan_recall.py --vectors, chosen on the TUNE questions)
PROBES = 96
CANDIDATES = 10  # x k rows of the probed lists re-scored exactly
TRAINING_ROWS = 64  # x the lists: rows (every n-th) the lists' k-means is trained on
SAVED = ".lists"  # the saved lists: beside the index file, a name Milvus Lite's sidecar parser ignores
SAVED_FORMAT = 1  # raised when what is saved, or how the lists are made, changes

_lock = threading.Lock()
_made: weakref.WeakSet[ScanCopy] = weakref.WeakSet()


class ScanCopy:
    """One mapped vector file's 8-bit copy, with each row's error bound."""

    def __init__(self, vectors: np.ndarray, *, now: bool = False) -> None:
        """`now`: the lists made before this returns (on load), not in a thread (on a search)."""
        import faiss

        self.vectors = vectors
        rows, dim = vectors.shape
        self.lists = max(1, int(np.sqrt(rows)))
        self.ivf: Any = None  # the inverted file, once made (`_make_lists`) or read (`_read_saved`)
        self.listed = threading.Event()
        self.identity = self._identity()
        self.flat: Any = None
        if self._read_saved():
            self.listed.set()
            return
        self.flat = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
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
        # the lists take longer (k-means, every row assigned: ~10 s at 100,000 rows on a busy core): on a search
        # made meanwhile, the searches exact over the flat copy until then
        if now:
            self._make_lists(trained, codes, np.concatenate(sample))
        else:
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
            self._save(ivf)
        except (AttributeError, TypeError, RuntimeError, OSError) as exc:  # a faiss whose API differs; a file gone
            logger.warning("no lists over the 8-bit copy of %s (%s): its searches stay exact", self.vectors.filename, exc)
        finally:
            self.listed.set()

    def _identity(self) -> dict[str, Any]:
        """What the saved lists must have been made from: this file's vectors (size, modification time, a
        digest of its first and last rows) and these parameters."""
        rows, dim = self.vectors.shape
        found = os.fstat(self.vectors._supportbot_fd)
        digest = hashlib.blake2b(digest_size=16)
        for start in sorted({0, max(0, rows - BLOCK_ROWS)}):
            digest.update(self._read(start, min(rows, start + BLOCK_ROWS)).tobytes())
        return {"format": SAVED_FORMAT, "file": os.path.basename(self.vectors.filename), "size": found.st_size,
                "mtime_ns": found.st_mtime_ns, "rows": rows, "dim": dim, "lists": self.lists, "training": TRAINING_ROWS,
                "rounding": ROUNDING, "digest": digest.hexdigest()}

    def _read_saved(self) -> bool:
        """The lists and bounds saved for this very file (True), or nothing read (False)."""
        import faiss

        path = self.vectors.filename + SAVED
        rows, dim = self.vectors.shape
        try:
            with open(path, "rb") as saved:
                if json.loads(saved.readline(4096)) != self.identity:
                    logger.info("%s was made from other vectors or parameters: made again", path)
                    return False
                bound = np.frombuffer(saved.read(rows * 4), dtype="<f4")
                ivf = faiss.read_index(faiss.PyCallbackIOReader(saved.read))
        except FileNotFoundError:
            return False
        except (OSError, ValueError, RuntimeError) as exc:  # unreadable, cut short, not faiss's
            logger.warning("the saved lists %s are unreadable (%s): made again", path, exc)
            return False
        if len(bound) != rows or ivf.ntotal != rows or ivf.d != dim or getattr(ivf, "nlist", None) != self.lists:
            logger.warning("the saved lists %s do not fit %s: made again", path, self.vectors.filename)
            return False
        self.bound, self.widest_bound, self.ivf = bound, float(bound.max()) if rows else 0.0, ivf
        return True

    def _save(self, ivf: Any) -> None:
        """Write the lists and bounds beside the index file (whole or not at all), and remove the saved lists
        of index files gone (compacted segments)."""
        import faiss

        path = self.vectors.filename + SAVED
        partial = f"{path}.{os.getpid()}.partial"
        try:
            with open(partial, "wb") as saved:
                saved.write(json.dumps(self.identity).encode() + b"\n")
                saved.write(self.bound.astype("<f4").tobytes())
                faiss.write_index(ivf, faiss.PyCallbackIOWriter(saved.write))
            os.replace(partial, path)
            folder = os.path.dirname(path)
            for name in os.listdir(folder):
                if name.endswith(SAVED) and not os.path.exists(os.path.join(folder, name[: -len(SAVED)])):
                    os.remove(os.path.join(folder, name))
        except (OSError, RuntimeError) as exc:  # a read-only store: the next start makes them again
            logger.warning("the lists over %s not saved (%s)", self.vectors.filename, exc)
            if os.path.exists(partial):
                os.remove(partial)

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


def scan_copy(vectors: np.ndarray, *, now: bool = False) -> ScanCopy | None:
    """The 8-bit copy of a mapped vector file (read from its saved lists, or made: on load `now`, with its
    lists, else on its first search), or None where the exact scan is kept: a small or unmapped array, or no faiss."""
    if vectors.shape[0] < MIN_ROWS or not hasattr(vectors, "_supportbot_fd"):
        return None
    found = getattr(vectors, "_supportbot_scan", None)
    if found is not None:
        return found
    with _lock:
        found = getattr(vectors, "_supportbot_scan", None)
        if found is None:
            try:
                found = ScanCopy(vectors, now=now)
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


def on_load(path: str, vectors: np.ndarray, metric: str) -> None:
    """A segment's index file just loaded: the copy of a searched collection's vectors, lists included, made
    (or read) now, before `load_collection` returns, so that no question waits for it."""
    from knowledge.store_schema import DENSE_COLLECTION

    # the one collection searched by its vectors
    if metric == "IP" and f"{os.sep}collections{os.sep}{DENSE_COLLECTION}{os.sep}" in os.path.abspath(path):
        scan_copy(vectors, now=True)


def lists_made(timeout: float) -> bool:
    """Wait until every copy made so far has its lists (or gave up on them); False on the timeout."""
    return all(copy.listed.wait(timeout) for copy in list(_made))
