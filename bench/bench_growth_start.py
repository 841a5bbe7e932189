"""A start of `supportbot serve` on a kept store: seconds until /readyz says ready, then each of a few
tenants' first question, one at a time, two trees interleaved (A B A B) so the machine's load lands on both.

    python bench/bench_growth_start.py TREE_A STORE_A TREE_B STORE_B [--starts 3] [--port 9200] [--forget]

STORE_A and STORE_B are configuration dirs that bench/bench_growth.py `--keep` (or `--replicate`) left,
copies of one another (Milvus Lite admits one process per data dir); each serve runs alone, so a start is
not slowed by the other tree's. `--forget` removes the saved lists (`*.lists` beside the index files,
knowledge/lite_scan.py) before every start, to measure a start that makes them. Printed per start: the
tree, ready seconds, the slowest and median first question, and the load average (1 min) at the start.

Measured 2026-12-07 (branch perf27 d7c1a7b against main a76f5c2, the same Milvus child code as perf26; stores:
copies of /tmp/perf26/big100k, 100k chunks, the dense collection two segments of 82,000 and 18,000 rows):
  `python bench/bench_growth_start.py MAIN /tmp/perf27/big100k-before PERF27 /tmp/perf27/big100k --starts 3 --port 9210`
  04:28-04:32 UTC, load 6.9-9.1 at the starts, the lists read from their saved files:
    main   ready 17.3 / 18.3 / 17.5 s, first question 6.7 / 5.5 / 7.1 s (the lists made alongside it)
    perf27 ready 13.0 / 12.5 / 15.9 s, first question 2.2 / 2.5 / 2.6 s
  the same with `--forget --starts 2` (perf27 makes the lists while the collection loads, before ready), 04:32-04:34,
  load 6.2-9.1:
    main   ready 19.3 / 22.3 s, first question 9.9 / 8.0 s
    perf27 ready 34.8 / 24.3 s, first question 4.7 / 2.4 s
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.growth_measurement import FIRSTS, ask, wait_ready
from bench.bench_growth_interleaved import Side


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree_a", type=Path)
    parser.add_argument("store_a", type=Path)
    parser.add_argument("tree_b", type=Path)
    parser.add_argument("store_b", type=Path)
    parser.add_argument("--starts", type=int, default=3, help="starts of each tree")
    parser.add_argument("--port", type=int, default=9200)
    parser.add_argument("--forget", action="store_true", help="remove the saved lists before every start")
    parser.add_argument("--start-timeout", type=float, default=1800)
    args = parser.parse_args()
    sides = [Side(args.store_a, args.port, args.tree_a.resolve()), Side(args.store_b, args.port + 1, args.tree_b.resolve())]
    results: dict[str, list[tuple[float, float]]] = {}
    for n in range(args.starts):
        for side in sides if n % 2 == 0 else sides[::-1]:
            if args.forget:
                for saved in (side.work / "data").glob("**/indexes/*.lists"):
                    saved.unlink()
            load = os.getloadavg()[0]
            side.start()
            try:
                asyncio.run(wait_ready(side.base, side.work / "serve.log", timeout=args.start_timeout))
                ready = time.monotonic() - side.started
                firsts = side.rng.sample(list(side.rows), min(len(side.rows), FIRSTS))
                first = [asyncio.run(ask(side.base, [side.question(t)], concurrency=1))[0][0] for t in firsts]
            finally:
                side.stop()
            results.setdefault(side.name, []).append((ready, max(first)))
            print(f"{side.name:<40} start {n + 1}: ready in {ready:5.1f} s, first questions max {max(first):6.0f} ms "
                  f"median {statistics.median(first):5.0f} ms; load {load:.1f}", flush=True)
    for name, found in results.items():
        print(f"{name:<40} ready median {statistics.median(r for r, _ in found):5.1f} s, "
              f"slowest first question median {statistics.median(f for _, f in found):6.0f} ms", flush=True)


if __name__ == "__main__":
    main()
