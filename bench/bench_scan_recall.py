"""Recall and time of the blended vectors' approximate first pass (knowledge/lite_scan.py) against the
exact search, on a real store's vectors, in this process.

    python bench/bench_scan_recall.py DATA_DIR [--rows 10000] [--questions 200] [--probes 8,16,24,32] [--candidates 10]
                                      [--tenants 0] [--seed 2]
    python bench/bench_scan_recall.py --vectors OUT_DIR/blend.npy --split tune|report [--rows N] [--probes ...] [--repeat 2]

With `--vectors`, the rows are a generated store of distinct chunks (bench/scan_corpus.py, which embeds
them) and the questions are the real ones of bench/cases/*.jsonl, half of them (`--split`: bench/bench_answers.py
`split_of` by file and question) to choose settings on, the other half to report; before the searches,
the nearest-neighbour cosine of a sample of rows (is the store dominated by near-duplicates?). Each
setting is run `--repeat` times interleaved with the exact search (A B A B), and the wall time of each
search gives p50/p99.

DATA_DIR is a data dir an ingest filled (one bench/bench_growth.py `--keep` or `--replicate` left: its
`.../data`). The blended vectors of its dense collection (the first `--rows` of them, all by default)
are written as one index file and mapped as the store maps a segment's (`lite_memory.mapped_vectors`),
and the 8-bit copy with its lists is made over it (its making timed). The questions are real
embeddings: varied copies of the corpus's questions (bench/growth_corpus.py `base_rows`, a product and
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
PROBES = 24 was chosen on these (the generated corpus, not an evaluation set).

Distinct chunks, measured 2026-12-07 07:02-07:13 UTC (branch perf29, load average 3.3-7.3, candidates 10 x k):
bench/scan_corpus.py embedded 1,833 documents of 10 distinct chunks (22,000 texts in 16 min at ~25 texts/s:
100k chunks would have taken ~80 min, so not done), `blend.npy`, 18,330 rows; `--recombine 100000` made
100,000 rows of 10,000 documents recombined from those vectors (title of one, lead of another, any chunks).
Nearest other row's cosine: p50 0.93, p99 0.965, none >= 0.99 (chunks of one document share its title
and lead vectors: 1.5 of the blend's 2.0 weight), 99,981 distinct vectors of 100,000.
  TUNE questions (1,247), 100,000 recombined rows, 316 lists, load 4.2-4.6: exact 5.7 ms CPU; probes 24:
    recall@10 0.789, recall@1 0.821, 0.8 ms; 80: 0.942, 1.8 ms; 96: 0.956, 2.4 ms; 112: 0.966, 2.7 ms;
    128: 0.974, 2.9 ms. PROBES = 96 chosen there (the fewest of the grid with recall@10 >= 0.95). An earlier
    recombination (from the first 10,000 embedded rows) gave 48: 0.910, 64: 0.935, 80: 0.957 on TUNE, and
    candidates 20 x k changed no recall at all (the lists read miss, not the 8-bit scores); a k-means
    trained on 2x the rows +0.008, niter 25 or non-spherical k-means +0.000 (not changed).
  REPORT questions (1,320), `--probes 24,96 --repeat 2` (exact, 24, 96, exact, 24, 96, exact), load 4.6-5.1:
    100,000 recombined rows: exact 4.5 ms CPU (wall p50 4.3, p99 9.0-9.8 ms); probes 24: recall@10 0.786,
    recall@1 0.809, wall p50 0.67-0.68 p99 1.1-4.9 ms; probes 96: recall@10 0.955, recall@1 0.959, wall
    p50 1.77-1.78 p99 5.6-6.3 ms (CPU 1.8 ms, 2.5x less than exact); hits outside the tenant 0
    18,330 embedded rows (135 lists), load 3.3-3.4: exact 1.2-1.3 ms CPU (wall p50 1.1-1.2 ms); probes 24:
    recall@10 0.857, recall@1 0.868, wall p50 0.56 ms; probes 96 reads more than half the lists: exact.
Not measured: 100,000 chunks each embedded (the recombined rows reuse 18,330 chunk vectors), `--tenants` > 1.
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

from bench.growth_corpus import asked_questions
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


def case_questions(split: str) -> list[str]:
    """The real questions of bench/cases/*.jsonl in one half (`split_of` by file name and question)."""
    import json

    from bench.bench_answers import split_of

    found = []
    for path in sorted((Path(__file__).parent / "cases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            question = json.loads(line).get("question", "") if line.strip() else ""  # follow_ups: pairs, left out
            if question and split_of(path.stem, question) == split:
                found.append(question)
    return sorted(set(found))


def neighbours(vectors: np.ndarray, sample: int = 1000) -> str:
    """Quantiles of a sample of rows' cosine to their nearest other row."""
    rng = np.random.default_rng(0)
    picked = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    best = np.full(len(picked), -np.inf)
    for start in range(0, len(unit), 8192):
        scores = unit[picked] @ unit[start : start + 8192].T
        own = (picked >= start) & (picked < start + 8192)
        scores[np.flatnonzero(own), picked[own] - start] = -np.inf
        best = np.maximum(best, scores.max(axis=1))
    q = np.quantile(best, [0.1, 0.5, 0.9, 0.99])
    return (f"nearest other row's cosine (sample of {len(picked)}): p10 {q[0]:.3f} p50 {q[1]:.3f} p90 {q[2]:.3f} p99 {q[3]:.3f}; "
            f">= 0.99: {np.mean(best >= 0.99):.3f}, >= 0.95: {np.mean(best >= 0.95):.3f}")


def run(copy: lite_scan.ScanCopy, queries: np.ndarray, masks: list[np.ndarray | None]) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    ids, distances, seconds = [], [], 0.0
    run.walls = []  # type: ignore[attr-defined]
    for query, mask in zip(queries, masks, strict=True):
        started, wall = time.thread_time(), time.perf_counter()
        found, found_distances = copy.search(query[None], K, mask)
        run.walls.append(time.perf_counter() - wall)  # type: ignore[attr-defined]
        seconds += time.thread_time() - started
        ids.append(found[0])
        distances.append(found_distances[0])
    return ids, distances, seconds / len(queries) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path, nargs="?")
    parser.add_argument("--vectors", type=Path, help="a generated store's blend.npy (bench/scan_corpus.py)")
    parser.add_argument("--split", default="tune", choices=["tune", "report"])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each setting, interleaved with the exact one")
    parser.add_argument("--rows", type=int, default=0, help="the first N stored rows (0: all)")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--probes", default="8,16,24,32")
    parser.add_argument("--candidates", default="10", help="x k rows re-scored exactly, comma-separated")
    parser.add_argument("--tenants", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    from knowledge.embedding import FastEmbedder

    rng = random.Random(args.seed)
    if args.vectors:
        vectors = np.load(args.vectors)[: args.rows or None]
        texts = case_questions(args.split)
        models = args.vectors.parent / "models"
        print(neighbours(vectors), flush=True)
    else:
        vectors = stored_vectors(str(args.data_dir / "milvus.db"), args.rows)
        texts = asked_questions(rng, args.questions)
        models = args.data_dir / "models"
    cached = args.vectors.parent / f"questions-{args.split}.npz" if args.vectors else None
    if cached and cached.exists() and np.load(cached)["texts"].tolist() == texts:
        queries = np.load(cached)["vectors"]
    else:
        queries = FastEmbedder(cache_dir=models).embed(texts).astype(np.float32)
        if cached:
            np.savez(cached, texts=np.asarray(texts), vectors=queries)
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
        print(f"{len(vectors)} rows, {len(set(map(bytes, vectors)))} distinct vectors, {max(1, args.tenants)} tenant(s), "
              f"{len(texts)} questions; "
              f"copy made in {flat:.1f} s, its {copy.lists} lists {made:.1f} s after the start", flush=True)
        def exact() -> tuple[list[np.ndarray], list[np.ndarray]]:
            lite_scan.APPROX_ROWS = 1 << 62  # the exact search
            found_ids, found_distances, ms = run(copy, queries, masks)
            walls = np.asarray(run.walls) * 1000  # type: ignore[attr-defined]
            print(f"exact: {ms:.2f} ms CPU per search, wall p50 {np.percentile(walls, 50):.2f} p99 {np.percentile(walls, 99):.2f} ms", flush=True)
            lite_scan.APPROX_ROWS = 0
            return found_ids, found_distances

        exact_ids, exact_distances = exact()
        for _ in range(args.repeat):
            for candidates in (int(c) for c in args.candidates.split(",")):
                lite_scan.CANDIDATES = candidates
                for probes in (int(p) for p in args.probes.split(",")):
                    lite_scan.PROBES = probes
                    ids, distances, ms = run(copy, queries, masks)
                    walls = np.asarray(run.walls) * 1000  # type: ignore[attr-defined]
                    by_id = [len(set(a.tolist()) & set(e.tolist())) / K for a, e in zip(ids, exact_ids, strict=True)]
                    by_score = [float(np.sum(d <= e[-1] + 1e-6)) / K for d, e in zip(distances, exact_distances, strict=True)]
                    at_1 = np.mean([a[0] == e[0] or d[0] <= e[0] + 1e-6 for a, d, e in zip(ids, distances, exact_distances, strict=True)])
                    outside = sum(int(np.sum(tenant_of[a[a >= 0]] != t)) for a, t in zip(ids, asked_in, strict=True))
                    print(f"probes {probes:3d} candidates {candidates:2d}x: recall@{K} by id {np.mean(by_id):.4f} by score {np.mean(by_score):.4f} "
                          f"(min {min(by_score):.2f}, {sum(r < 1 for r in by_score)} of {len(by_score)} below 1), recall@1 {at_1:.4f}; "
                          f"{ms:.2f} ms CPU per search, wall p50 {np.percentile(walls, 50):.2f} p99 {np.percentile(walls, 99):.2f} ms; "
                          f"hits outside the tenant: {outside}", flush=True)
            if args.repeat > 1:
                exact()

if __name__ == "__main__":
    main()
