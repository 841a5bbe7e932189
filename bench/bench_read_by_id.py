"""In-process timing of a question's hits read by id (`load_entries` with an empty chunk cache: every hit a
miss), 60 random chunks of the largest tenant a read; the first 3 reads are a warm-up.

    cd TREE && python bench/bench_read_by_id.py DATA_DIR/milvus.db [READS]

Run from the tree whose code is measured (its knowledge/ comes first); the store must not be open elsewhere
(Milvus Lite admits one process per data dir). Results: bench/bench_growth_interleaved.py, branch perf32.
"""

import random
import statistics
import sys
import time

sys.path.insert(0, ".")
from knowledge.chunk_cache import ChunkCache
from knowledge.store import MilvusStore, load_entries
from knowledge.store_schema import DATA_COLLECTION

store = MilvusStore(uri=sys.argv[1], dim=384)
t0 = time.perf_counter()
store.open()
opened = time.perf_counter() - t0
c = store._client
rows = c.query(DATA_COLLECTION, filter="", output_fields=["id", "tenant", "access"], limit=16384)
tenant = max({r["tenant"] for r in rows}, key=lambda t: sum(r["tenant"] == t for r in rows))
rows = [r for r in rows if r["tenant"] == tenant]
keys = sorted({r["access"] for r in rows})
rng = random.Random(7)
wall, cpu = [], []
for n in range(int(sys.argv[2]) if len(sys.argv) > 2 else 40):
    ids = {r["id"] for r in rng.sample(rows, 60)}
    w, p = time.perf_counter(), time.process_time()
    found = load_entries(c, ChunkCache(), ids, tenant=tenant, access_keys=keys)
    if n >= 3:  # warm-up
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - p) * 1000)
    assert len(found) == len(ids)


def q(xs: list[float], f: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(f * len(xs)))]


print(f"{sys.argv[1]}: {len(rows)} rows sampled, opened in {opened:.0f} s | read of 60 by id: wall p50 {statistics.median(wall):.1f} p99 {q(wall, .99):.1f} ms, CPU p50 {statistics.median(cpu):.1f} p99 {q(cpu, .99):.1f} ms ({len(wall)} reads)")
store.close()
