"""Where a question's time goes in Milvus Lite at a store's size: the three calls `MilvusStore.search_many`
makes (the blended-vector search, the BM25 search, the read of the hits' chunks by id), timed one by one
in this process on a store `bench/bench_growth.py --keep` or `--replicate` left, with Milvus Lite's own
search paths and with this tree's (knowledge/lite_bm25.py, knowledge/lite_live.py), and whether both
return the same ids, distances, chunks and rows.

    python bench/bench_lite_search.py DIR [--tenant big] [--questions 30]

Questions are chunks of the tenant (their blended vector, their title as the text). Each path runs the
questions twice: the first pass is cold for the BM25 words (a posting list becomes arrays on a word's
first use), the second warm; after each pass, the query that reads the tenant's whole knowledge base on
its first question (knowledge/tenant_cache.py). Thread CPU time is printed beside wall time: this machine is shared, and
CPU time is what the load changes least. Figures: bench/growth_report.py's docstring.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as in `serve`'s Milvus Lite child (knowledge/milvus_child.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from knowledge import lite_bm25, lite_live
from knowledge.store import BLEND_DENSE, BLEND_LEAD, BLEND_TITLE, _scope
from knowledge.store_schema import COLLECTION, DATA_COLLECTION, DENSE_COLLECTION

STAGES = ("dense", "bm25", "read")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a configuration dir (its data/milvus.db)")
    parser.add_argument("--tenant", default="big")
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()
    from milvus_lite.db import MilvusLite
    from milvus_lite.engine import collection
    from milvus_lite.index.brute_force import BruteForceIndex
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex

    if not (lite_bm25.install() and lite_live.install()):
        raise SystemExit("this milvus-lite version keeps its own search paths")
    patched = [(collection, "execute_search_with_index"), (collection.Collection, "_search_sparse"), (BruteForceIndex, "search")]
    ours = [getattr(owner, name) for owner, name in patched] + [SparseInvertedIndex.search]
    library = [f._supportbot_library for f in ours[:3]] + [SparseInvertedIndex._library_search]  # type: ignore[attr-defined]

    def use(functions: list) -> None:
        for (owner, name), function in zip([*patched, (SparseInvertedIndex, "search")], functions, strict=True):
            setattr(owner, name, function)

    db = MilvusLite(str(args.dir / "data" / "milvus.db"))
    dense_c, bm25_c, data_c = (db.get_collection(name) for name in (DENSE_COLLECTION, COLLECTION, DATA_COLLECTION))
    for c in (dense_c, bm25_c, data_c):
        c.load()
    rows = data_c.query(expr=_scope(tenant=args.tenant, access_keys=None), output_fields=["title", "dense", "title_dense", "lead_dense"], limit=2000)
    asked = random.Random(1).sample(rows, args.questions)
    vectors = [(BLEND_DENSE * np.asarray(r["dense"]) + BLEND_TITLE * np.asarray(r["title_dense"]) + BLEND_LEAD * np.asarray(r["lead_dense"]))
               .astype(np.float32).tolist() for r in asked]
    scope = _scope(tenant=args.tenant, access_keys=["public"])

    def question(n: int) -> tuple[tuple, dict[str, tuple[float, float]]]:
        took = {}
        wall, cpu = time.perf_counter(), time.thread_time()
        dense = dense_c.search([vectors[n]], top_k=10, expr=scope, output_fields=["id"], anns_field="blend")[0]
        took["dense"] = (time.perf_counter() - wall, time.thread_time() - cpu)
        wall, cpu = time.perf_counter(), time.thread_time()
        words = bm25_c.search([asked[n]["title"]], top_k=20, expr=scope, output_fields=["id"], anns_field="sparse")[0]
        took["bm25"] = (time.perf_counter() - wall, time.thread_time() - cpu)
        wall, cpu = time.perf_counter(), time.thread_time()
        read = data_c.get(list(dict.fromkeys([h["id"] for h in dense] + [h["id"] for h in words])))
        took["read"] = (time.perf_counter() - wall, time.thread_time() - cpu)
        return ([(h["id"], h["distance"]) for h in dense], [(h["id"], h["distance"]) for h in words], [r["id"] for r in read]), took

    print(f"{args.dir.name}: tenant {args.tenant}, {args.questions} questions", flush=True)
    found = {}
    for name, functions in (("library", library), ("this tree", ours)):
        use(functions)
        for segment in bm25_c._read_snapshot()[0]:  # a fresh BM25 index per path: its posting lists cold again
            segment.sparse_indexes.clear()
        for rerun in ("cold", "warm"):
            results, times = zip(*(question(n) for n in range(args.questions)), strict=True)
            found[name, rerun] = list(results)
            line = " | ".join(
                f"{stage} p50 {1000 * float(np.median([t[stage][0] for t in times])):6.1f} ms wall, "
                f"{1000 * float(np.median([t[stage][1] for t in times])):6.1f} ms CPU" for stage in STAGES
            )
            wall, cpu = time.perf_counter(), time.thread_time()
            whole = data_c.query(expr=_scope(tenant=args.tenant, access_keys=None), output_fields=["title", "heading", "text"], limit=16384)
            line += f" | the tenant's chunks ({len(whole)}, as MilvusStore.chunk_parts reads them) {time.perf_counter() - wall:5.2f} s wall, {time.thread_time() - cpu:5.2f} s CPU"
            found[name, rerun].append([r["text"] for r in whole])
            print(f"  {name:<9} {rerun}: {line}", flush=True)
    print(f"  same ids, distances, chunks and rows: {found['library', 'warm'] == found['this tree', 'warm'] == found['this tree', 'cold']}")


if __name__ == "__main__":
    main()
