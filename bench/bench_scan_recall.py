"""Recall and time of the blended vectors' approximate first pass (knowledge/lite_scan.py) against the
exact search, on a real store's vectors, in this process.

    python bench/bench_scan_recall.py DATA_DIR [--rows 10000] [--questions 200] [--probes 8,16,24,32] [--candidates 10]
                                      [--tenants 0] [--seed 2]

DATA_DIR is a data dir an ingest filled (one bench/bench_growth.py `--keep` or `--replicate` left: its
`.../data`). The blended vectors of its dense collection (the first `--rows` of them, all by default)
are written as one index file and mapped as the store maps a segment's (`lite_memory.mapped_vectors`),
and the 8-bit copy with its lists is made over it (its making timed). The questions are real
embeddings: varied copies of the corpus's questions (bench/bench_growth.py `base_rows`, a product and
edition woven in, as its `ask` does). With `--tenants N` the rows are dealt to N tenants (row i to
tenant i mod N) and each question searches one tenant's rows (the filter's mask), as the product's
tenant filter does.

Per setting: recall@k (k = 10, the product's candidates) of the approximate search against the exact
one, counted two ways: ids (how many of the exact top k ids it returned) and by score (how many of its
hits score at least the exact k-th best: a store made by `--replicate` holds each vector many times,
so the exact top k is one of many equally good sets of ids); the CPU time per search (one question per
call, as a lone customer's is); and whether any hit lies outside the question's tenant (must be 0).

Measured 2026-12-07 03:50-03:55 UTC (branch perf26, load average 12-15 on the 2 cores shared with other
sessions), on the store `bench_growth.py --replicate KEPT BIG --factor 100` made from a kept 1k configuration
(so 100,000 rows hold ~1,000 distinct vectors, each 100 times: a miss of the best vector's list loses all
ten hits of a question at once, hence the "min 0.00"), 200 questions, seed 2, candidates 10 x k:
  `--rows 10000` (100 lists; these 10,000 rows hold only 100 distinct vectors): copy and lists made in 1.2 s;
    exact 1.23 ms CPU per search; probes 4: recall@10 0.980, 0.34 ms; 8: 0.985, 0.35 ms; 12: 0.990,
    0.39 ms; 24: 0.995, 0.47 ms (by id = by score); hits outside the tenant 0
  all 100,000 rows (316 lists): made in 10.6 s; exact 11.08 ms CPU per search; probes 8: recall@10 0.950,
    0.63 ms; 16: 0.980, 0.85 ms; 24: 0.980, 1.05 ms; 48: 0.980, 1.69 ms; hits outside the tenant 0
PROBES = 24 was chosen on these (the generated corpus, not an evaluation set). Not measured: a store of
10k-100k distinct chunks (an ingest of that many takes hours here), and `--tenants` > 1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_growth import asked_questions
from knowledge import lite_memory, lite_scan
from knowledge.store_schema import DENSE_COLLECTION

K = 10


def stored_vectors(uri: str, rows: int) -> np.ndarray:
    from pymilvus import MilvusClient

    client = MilvusClient(uri)
    client.load_collection(DENSE_COLLECTION)
    iterator = client.query_iterator(DENSE_COLLECTION, batch_size=2000, filter="", output_fields=["blend"])
    found: list[list[float]] = []
    while (page := iterator.next()) and (not rows or len(found) < rows):
        found.extend(r["blend"] for r in page)
    iterator.close()
    client.close()
    return np.asarray(found[: rows or None], dtype=np.float32)


def run(copy: lite_scan.ScanCopy, queries: np.ndarray, masks: list[np.ndarray | None]) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    ids, distances, seconds = [], [], 0.0
    for query, mask in zip(queries, masks, strict=True):
        started = time.thread_time()
        found, found_distances = copy.search(query[None], K, mask)
        seconds += time.thread_time() - started
        ids.append(found[0])
        distances.append(found_distances[0])
    return ids, distances, seconds / len(queries) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rows", type=int, default=0, help="the first N stored rows (0: all)")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--probes", default="8,16,24,32")
    parser.add_argument("--candidates", default="10", help="x k rows re-scored exactly, comma-separated")
    parser.add_argument("--tenants", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    from knowledge.embedding import FastEmbedder

    vectors = stored_vectors(str(args.data_dir / "milvus.db"), args.rows)
    rng = random.Random(args.seed)
    texts = asked_questions(rng, args.questions)
    queries = FastEmbedder(cache_dir=args.data_dir / "models").embed(texts).astype(np.float32)
    tenant_of = np.arange(len(vectors)) % args.tenants if args.tenants else np.zeros(len(vectors), dtype=np.int64)
    asked_in = [rng.randrange(max(1, args.tenants)) for _ in texts]
    masks = [tenant_of == t if args.tenants else None for t in asked_in]
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as folder:
        path = str(Path(folder) / "blend.npy")
        np.save(path, vectors)
        mapped = lite_memory.mapped_vectors(path)
        started = time.perf_counter()
        copy = lite_scan.ScanCopy(mapped)
        flat = time.perf_counter() - started
        copy.listed.wait()
        made = time.perf_counter() - started
        print(f"{len(vectors)} rows, {len(set(map(bytes, vectors)))} distinct vectors, {max(1, args.tenants)} tenant(s); "
              f"copy made in {flat:.1f} s, its {copy.lists} lists {made:.1f} s after the start", flush=True)
        lite_scan.APPROX_ROWS = 1 << 62  # the exact search
        exact_ids, exact_distances, exact_ms = run(copy, queries, masks)
        print(f"exact: {exact_ms:.2f} ms CPU per search", flush=True)
        lite_scan.APPROX_ROWS = 0
        for candidates in (int(c) for c in args.candidates.split(",")):
            lite_scan.CANDIDATES = candidates
            for probes in (int(p) for p in args.probes.split(",")):
                lite_scan.PROBES = probes
                ids, distances, ms = run(copy, queries, masks)
                by_id = [len(set(a.tolist()) & set(e.tolist())) / K for a, e in zip(ids, exact_ids, strict=True)]
                by_score = [float(np.sum(d <= e[-1] + 1e-6)) / K for d, e in zip(distances, exact_distances, strict=True)]
                outside = sum(int(np.sum(tenant_of[a[a >= 0]] != t)) for a, t in zip(ids, asked_in, strict=True))
                print(f"probes {probes:3d} candidates {candidates:2d}x: recall@{K} by id {np.mean(by_id):.4f} by score {np.mean(by_score):.4f} "
                      f"(min {min(by_score):.2f}, {sum(r < 1 for r in by_score)} of {len(by_score)} below 1); "
                      f"{ms:.2f} ms CPU per search; hits outside the tenant: {outside}", flush=True)


if __name__ == "__main__":
    main()
