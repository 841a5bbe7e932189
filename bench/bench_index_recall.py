"""Recall@10 and time of the blended-vector index against exact search, on a real store's vectors.

    python bench/bench_index_recall.py DATA_DIR [--questions 300] [--seed 2] [--ef 64,128] [--m 16]

DATA_DIR is a data dir an ingest filled (e.g. one `bench/bench_growth.py --keep` left: its
`.../data`). Every row of its blended-vector collection (id, tenant, access, vector) is copied into
two collections of a scratch Milvus Lite store, one with an exact FLAT index and one with HNSW
(the parameters given), with the product's layout (tenant as partition key, 16 partitions). The
questions are real embeddings: varied copies of the corpus's questions (bench/growth_corpus.py
`base_rows`, a product and edition woven in, as its `ask` does), each searched within the tenant
of a random stored chunk, with the product's filter (tenant and access). Recall@10 = how many of
the exact top 10 the index returns in its top 10; also the mean time per search call (one question
per call, as a lone customer's question is).
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
from knowledge.store_schema import DENSE_COLLECTION


def stored_rows(uri: str) -> list[dict]:
    from pymilvus import MilvusClient

    client = MilvusClient(uri)
    client.load_collection(DENSE_COLLECTION)
    iterator = client.query_iterator(DENSE_COLLECTION, batch_size=2000, filter="", output_fields=["id", "tenant", "access", "doc_id", "blend"])
    rows: list[dict] = []
    while page := iterator.next():
        rows.extend(page)
    iterator.close()
    client.close()
    return rows


def scratch(client: object, name: str, *, dim: int, index_type: str, params: dict) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)  # type: ignore[attr-defined]
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("tenant", DataType.VARCHAR, max_length=128, is_partition_key=True)
    schema.add_field("access", DataType.VARCHAR, max_length=1024)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
    schema.add_field("blend", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()  # type: ignore[attr-defined]
    index.add_index("blend", index_type=index_type, metric_type="IP", params=params)
    client.create_collection(name, schema=schema, index_params=index, num_partitions=16)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef", default="64", help="HNSW search breadths to try, comma-separated")
    parser.add_argument("--tenants", type=int, default=0,
                        help="deal the stored rows out to this many tenants (row i to tenant i mod N): a tenant's filter then keeps a small part of its partition")
    args = parser.parse_args()
    from pymilvus import MilvusClient

    from knowledge.embedding import FastEmbedder

    rows = stored_rows(str(args.data_dir / "milvus.db"))
    if args.tenants:
        rows = [r | {"tenant": f"t{i % args.tenants:04d}"} for i, r in enumerate(rows)]
    tenants = sorted({r["tenant"] for r in rows})
    print(f"{len(rows)} chunks, {len(tenants)} tenants in {args.data_dir}", flush=True)
    rng = random.Random(args.seed)
    texts = asked_questions(rng, args.questions)
    asked_in = [rng.choice(rows)["tenant"] for _ in texts]
    embedder = FastEmbedder(cache_dir=args.data_dir / "models")
    queries = embedder.embed(texts)
    dim = queries.shape[1]
    with tempfile.TemporaryDirectory(prefix="bench-index-") as folder:
        client = MilvusClient(str(Path(folder) / "scratch.db"))
        scratch(client, "exact", dim=dim, index_type="FLAT", params={})
        scratch(client, "hnsw", dim=dim, index_type="HNSW", params={"M": args.m, "efConstruction": args.ef_construction})
        for name in ("exact", "hnsw"):
            for start in range(0, len(rows), 2000):
                client.insert(name, [{k: r[k] for k in ("id", "tenant", "access", "doc_id")} | {"blend": list(r["blend"])}
                                     for r in rows[start : start + 2000]])
            started = time.perf_counter()
            client.flush(name)
            client.release_collection(name)
            for attempt in range(5):
                try:
                    client.load_collection(name)
                    break
                except Exception:  # Milvus Lite 3.2.2 may read an index file its flush is still writing: again
                    if attempt == 4:
                        raise
                    time.sleep(2)
            print(f"{name}: flushed and indexed in {time.perf_counter() - started:.1f} s", flush=True)

        def search(name: str, params: dict) -> tuple[list[list[str]], float]:
            found, seconds = [], 0.0
            for vector, tenant in zip(queries, asked_in, strict=True):
                started = time.perf_counter()
                hits = client.search(name, data=[vector.tolist()], anns_field="blend", limit=10, search_params={"params": params},
                                     filter=f'tenant == "{tenant}" and access in ["public"]', output_fields=["id"])
                seconds += time.perf_counter() - started
                found.append([h["id"] for h in hits[0]])
            return found, seconds / len(queries) * 1000

        exact, exact_ms = search("exact", {})
        search("hnsw", {"ef": 64})  # warm-up
        print(f"exact FLAT: {exact_ms:.1f} ms per search", flush=True)
        for ef in (int(e) for e in args.ef.split(",")):
            approx, ms = search("hnsw", {"ef": ef})
            recall = [len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True) if e]
            print(f"HNSW M={args.m} efConstruction={args.ef_construction} ef={ef}: recall@10 {np.mean(recall):.4f} "
                  f"(min {min(recall):.2f}, {sum(r < 1 for r in recall)} of {len(recall)} questions below 1), {ms:.1f} ms per search", flush=True)
        client.close()


if __name__ == "__main__":
    main()
