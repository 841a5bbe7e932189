"""`ask` latency on two kept stores at once, interleaved: the 1k -> 100k ratio of issue #17 under one load.

    python bench/bench_growth_interleaved.py SMALL BIG [--rounds 20] [--asks 20] [--port 9701]
                                             [--before TREE SMALL2 BIG2]

SMALL and BIG are configuration dirs that bench/bench_growth.py `--keep` (or `--replicate`) left. Both
`supportbot serve` run at once (this tree's code, one port each); each answers its tenants' first and
second questions and a warm-up, and then the rounds alternate between them, the order flipped every
round (SMALL BIG, BIG SMALL, ...), `--asks` questions a round with 4 customers at a time, so a swing of
the machine's load (2 cores shared with other sessions) lands on both sides alike. Separate runs of
bench_growth.py could not give the ratio: the 1k side once ran at load 19-28 and the 100k side at 6-8.
Printed: each side's p50/p99 over all its rounds, the p99 ratio BIG / SMALL, the median of the rounds'
own p99 ratios, RSS of each serve and its Milvus child after the rounds, and the load average (1 min)
sampled at every round.
With `--before TREE SMALL2 BIG2`, two more `serve` run at once on copies of the stores (Milvus Lite
admits one process per data dir) with TREE's code (another work tree, e.g. a checkout of main), and
the rounds go through all four (this tree's SMALL BIG, TREE's SMALL2 BIG2, then the other way round),
so a before/after comparison is measured under the same load.

Measured 2026-12-07 (branch perf25, 4ba3fbb; the 2 cores shared with other helpers), stores: `bench_growth.py
--sizes 1000 --tenants 0 --asks 30 --keep` (1k chunks, ingest 1.8 chunks/s at load ~10) copied to SMALL, and
`bench_growth.py --replicate KEPT BIG --factor 100` (100k chunks, 100,000 documents, 4.3 GB, 32 minutes);
`python bench/bench_growth_interleaved.py SMALL BIG --rounds 30 --asks 20`, twice:
  01:31-01:35 UTC, load 13.1-16.3 (median 14.9), BIG's first start under this code (it measures, then keeps):
    1k   p50  74.7 ms p99 303.3 ms (600 asks); RSS serve 591 MB, Milvus child 187 MB
    100k p50 329.2 ms p99 990.3 ms (600 asks); RSS serve 862 MB, Milvus child 423 MB; first question 58.3 s
    p99 100k / 1k 3.26x (median of the rounds' ratios 4.11x), p50 4.41x
  01:35-01:39 UTC, load 8.9-12.0 (median 9.9), the next start (BIG's measures read back):
    1k   p50  76.7 ms p99 307.2 ms (600 asks); RSS serve 587 MB, Milvus child 185 MB
    100k p50 305.1 ms p99 903.0 ms (600 asks); RSS serve 796 MB, Milvus child 382 MB; first question 6.0 s
    p99 100k / 1k 2.94x (median of the rounds' ratios 4.13x), p50 3.98x
Against issue #17's goal (1k -> 100k: p99 at most 2x, RSS per process at most +300 MB): RSS met (serve +271 /
+209 MB, child +236 / +197 MB); p99 not: ~3x with the load shared alike, p50 ~4x.

Branch perf26 (2026-12-07; stores rebuilt the same way: 1k ingest 7.3 chunks/s, then `--replicate --factor
100`, 4.4 GB; the 100k tenant's dense collection is two segments, 82,000 and 18,000 rows), before/after in
the same rounds: `python bench/bench_growth_interleaved.py /tmp/perf26/copy1k /tmp/perf26/big100k --before
MAIN_TREE /tmp/perf26/copy1k-before /tmp/perf26/big100k-before --rounds 20 --asks 20` (MAIN_TREE a checkout of
main 86b7bfa; the other two stores copies of the first two):
  04:14-04:17 UTC, load 3.6-4.8 (median 4.4), this tree at 8451242 (lists over the 8-bit copy, PROBES 24,
  CANDIDATES 10, from 10k rows a segment; filter masks kept per segment file):
    main   1k p50 69.0 p99 160.1 ms | 100k p50 242.4 p99 479.4 ms | p99 2.99x (rounds' median 3.72x), p50 3.51x
           RSS serve 589 -> 752 MB, Milvus child 186 -> 373 MB
    perf26 1k p50 63.5 p99 139.8 ms | 100k p50 168.9 p99 365.7 ms | p99 2.62x (rounds' median 2.54x), p50 2.66x
           RSS serve 633 -> 829 MB, Milvus child 189 -> 421 MB (the inverted file's ids and lists: +48 MB vs main)
    a tenant's first question at 100k: main 2.4 s, perf26 8.7 s (the lists made meanwhile in the store process)
  04:04-04:10 UTC, load 7.1-12.0 (median 8.8), d02e5a1 (the lists made before the first search):
    main   100k p50 251.2 p99 517.6 ms, p99 3.15x (rounds' median 3.99x) | perf26 100k p50 164.5 p99 381.2 ms,
    p99 3.57x over all rounds (its 1k side's p99 106.8 ms) but rounds' median 3.16x, p50 2.90x
Left at 100k (py-spy of the Milvus child under the asks, d02e5a1): BM25 28% of its samples (lite_bm25
scoped_search 14%, posting lists made into arrays 6.5%, scope statistics 4%), the dense search 13% (of it
the 18k segment's exact scan 6%, before APPROX_ROWS came down to 10k), reads by id (Lite's `get`, the
servicer's path for `id in [...]`) and their serialisation ~14%; serve: load_entries 9%, the embedder 9%.

Branch perf27 (2026-12-07; copies of perf26's stores in /tmp/perf27; the dense collection's copies and lists made
while it loads and saved beside the index files, read back on the next start; BM25 posting lists scored from
views of the compact index's arrays), before/after in the same rounds, the lists already saved:
`python bench/bench_growth_interleaved.py /tmp/perf27/copy1k /tmp/perf27/big100k --before /work/main
/tmp/perf27/copy1k-before /tmp/perf27/big100k-before --rounds 20 --asks 20 --port 9220` (main a76f5c2):
  04:34-04:39 UTC, load 13.5-16.4 (median 14.7), perf27 at 451629f's code:
    main   1k p50 57.6 p99 235.0 ms | 100k p50 210.5 p99 658.8 ms | p99 2.80x (rounds' median 3.91x), p50 3.65x
           RSS serve 630 -> 785 MB, Milvus child 187 -> 371 MB
    perf27 1k p50 52.9 p99 139.3 ms | 100k p50 191.0 p99 473.3 ms | p99 3.40x (rounds' median 3.26x), p50 3.61x
           RSS serve 679 -> 887 MB, Milvus child 191 -> 415 MB
  04:42-04:48 UTC, the same command again, load 11.0-14.3 (median 13.4):
    main   1k p50 65.5 p99 186.4 ms | 100k p50 202.5 p99 448.8 ms | p99 2.41x (rounds' median 3.65x), p50 3.09x
           RSS serve 568 -> 822 MB, Milvus child 148 -> 371 MB
    perf27 1k p50 63.4 p99 181.8 ms | 100k p50 235.3 p99 529.5 ms | p99 2.91x (rounds' median 3.82x), p50 3.71x
           RSS serve 565 -> 722 MB, Milvus child 147 -> 324 MB
  So the BM25 change is within this load's noise (100k p50 -9% in one run, +16% in the other); the ratios swing
  with the 1k side's p99. The first
  questions printed here are not comparable between trees: the four start at once and are asked one after
  another, so a later side's tenant measures are done by then (bench/bench_growth_start.py starts one at a time).

Branch perf28 (2026-12-07; stores rebuilt in /tmp/perf28: `bench_growth.py --sizes 1000 --tenants 0 --asks 30 --keep`, ingest
1.5 chunks/s at load ~15, then `--replicate KEPT big100k --factor 100`, 4.4 GB, 33 min; copies for the other tree), BM25's
top k by MaxScore (knowledge/lite_topk.py, exact) and a scope's counts kept, before/after in the same rounds:
`python bench/bench_growth_interleaved.py /tmp/perf28/copy1k /tmp/perf28/big100k --before OLD /tmp/perf28/copy1k-before
/tmp/perf28/big100k-before --rounds R --asks 20 --port 41730` (OLD a checkout of main a053df8; perf28 at 82a3fb9):
  06:54-06:57 UTC, R 12, load 9.4-9.8 (median 9.5), the stores' first start:
    main   1k p50 55.9 p99 134.2 ms | 100k p50 183.9 p99 398.9 ms | p99 2.97x (rounds' median 3.37x), p50 3.29x
           RSS serve 651 -> 834 MB, Milvus child 194 -> 384 MB
    perf28 1k p50 62.0 p99 191.4 ms | 100k p50 140.1 p99 319.9 ms | p99 1.67x (rounds' median 2.70x), p50 2.26x
           RSS serve 653 -> 843 MB, Milvus child 191 -> 412 MB
  06:57-06:59 UTC, R 16, load 7.6-8.9 (median 8.0), the next start:
    main   1k p50 79.8 p99 193.7 ms | 100k p50 295.3 p99 633.9 ms | p99 3.27x (rounds' median 3.83x), p50 3.70x
           RSS serve 628 -> 773 MB, Milvus child 189 -> 371 MB
    perf28 1k p50 83.3 p99 191.4 ms | 100k p50 226.7 p99 491.2 ms | p99 2.57x (rounds' median 3.21x), p50 2.72x
           RSS serve 628 -> 774 MB, Milvus child 191 -> 370 MB
  So at 100k, against main in the same rounds: p50 -24% / -23%, p99 -20% / -23%; the 1k side unchanged (no word of a
  1k segment has the 4,096 postings pruning starts at). The p99 ratio is still above 2x.

Branch perf31 (2026-12-07; stores rebuilt in /tmp/perf31 as perf28's: 1k ingest 4.0 chunks/s, `--replicate --factor 100`
30 min, 4.4 GB; copies for the other tree), BM25's pruning that stops short leaves out the non-essential words (bench/
bench_bm25_topk.py: pruned p99 13 -> 8.5 ms CPU, p50 2.7 -> 1.8), before/after in the same rounds: `python
bench/bench_growth_interleaved.py /tmp/perf31/copy1k /tmp/perf31/big100k --before OLD /tmp/perf31/copy1k-before
/tmp/perf31/big100k-before --rounds 16 --asks 20 --port P` (OLD a checkout of main 63ba30d; perf31 at 7b4bc10):
  10:15-10:18 UTC, load 9.5-10.3 (median 10.0), the stores' first start:
    main   1k p50 56.7 p99 134.4 ms | 100k p50 166.0 p99 458.8 ms | p99 3.41x (rounds' median 3.51x), p50 2.92x
           RSS serve 618 -> 836 MB, Milvus child 192 -> 395 MB
    perf31 1k p50 54.6 p99 142.1 ms | 100k p50 162.3 p99 360.9 ms | p99 2.54x (rounds' median 3.33x), p50 2.97x
           RSS serve 622 -> 812 MB, Milvus child 194 -> 419 MB
  10:19-10:21 UTC, load 10.7-15.3 (median 12.4), the next start:
    main   1k p50 57.3 p99 514.8 ms | 100k p50 211.5 p99 744.4 ms | p99 1.45x (rounds' median 4.63x), p50 3.69x
           RSS serve 591 -> 730 MB, Milvus child 191 -> 374 MB
    perf31 1k p50 60.5 p99 321.6 ms | 100k p50 212.3 p99 933.5 ms | p99 2.90x (rounds' median 4.10x), p50 3.51x
           RSS serve 590 -> 738 MB, Milvus child 191 -> 377 MB
  10:24-10:26 UTC, `--rounds 24`, load 7.4-9.8 (median 9.2), a third start:
    main   1k p50 52.3 p99 131.8 ms | 100k p50 135.0 p99 307.7 ms | p99 2.34x (rounds' median 3.22x), p50 2.58x
           RSS serve 591 -> 767 MB, Milvus child 191 -> 374 MB
    perf31 1k p50 45.2 p99  88.4 ms | 100k p50 114.8 p99 254.3 ms | p99 2.88x (rounds' median 2.58x), p50 2.54x
           RSS serve 624 -> 856 MB, Milvus child 193 -> 400 MB
  So the ask-level p99 swings with the load by more than the change (the second run's 1k p99 reached 515 ms on main);
  100k against main in the same rounds: p99 -21% / +25% / -17%, p50 -2% / 0% / -15%; the 1k -> 100k ratio
  over all rounds is set by the 1k side's few slowest asks (the rounds' median: 3.33 / 4.10 / 2.58x vs main 3.51 / 4.63 / 3.22x). Where the 100k side's time goes now (py-spy, 40 Hz, 60 s of the first run, perf31's
  100k serve and its Milvus child): the child's searches are 9% of its samples (the dense IVF pass 5%, BM25 3%), reads
  by id (`Query`) and their conversion to records 21%; in serve, `load_entries` 14.5% and `window_vectors` 10%. The
  BM25 and dense searches no longer dominate the 100k tail; the reads of the hits' chunks and windows do.

Branch perf32 (2026-12-07; perf31's stores, as above), a read by id's vectors as float32 end to end (knowledge/
lite_wire.py: Milvus Lite's reply packs a float-vector column at once, the same bytes; the client asks for
`strict_float32`). Why the reads grow with the store: not the lookup (a read by id is `Collection.get`, a dict per
segment) but the chunk cache's hit rate: an entry is 17.4 kB (the 1k store read whole), so its 160 MB cap holds ~9,400
chunks: the 1k store whole, at 100k a fraction of the hits 320 questions bring; each miss paid ~1 ms of CPU for a
chunk's 4,000-7,000 floats made Python objects twice (server row and reply, client row). In-process, 40 reads of 60
random chunks with an empty cache (bench/bench_read_by_id.py): CPU p50 56.9 -> 22.2 ms at 1k, 59.6 -> 18.6 ms at 100k
(the same at both sizes before and after). Before/after in the same rounds: `python bench/bench_growth_interleaved.py
/tmp/perf31/copy1k /tmp/perf31/big100k --before OLD /tmp/perf31/copy1k-before /tmp/perf31/big100k-before --rounds 16
--asks 20 --port P` (OLD a checkout of main 59a4912; perf32 at ce6eb25):
  10:31-10:35 UTC, load 10.4-11.3 (median 10.8):
    main   1k p50 48.3 p99  93.5 ms | 100k p50 128.4 p99 315.9 ms | p99 3.38x (rounds' median 3.09x), p50 2.66x
           RSS serve 633 -> 817 MB, Milvus child 193 -> 407 MB
    perf32 1k p50 46.5 p99 170.3 ms | 100k p50  90.4 p99 162.2 ms | p99 0.95x (rounds' median 1.86x), p50 1.94x
           RSS serve 621 -> 780 MB, Milvus child 188 -> 422 MB
  10:37-10:41 UTC, load 14.4-15.5 (median 15.0):
    main   1k p50 59.4 p99 216.4 ms | 100k p50 157.9 p99 362.6 ms | p99 1.68x (rounds' median 2.68x), p50 2.66x
           RSS serve 590 -> 738 MB, Milvus child 188 -> 377 MB
    perf32 1k p50 53.3 p99 134.9 ms | 100k p50 114.8 p99 272.1 ms | p99 2.02x (rounds' median 1.95x), p50 2.16x
           RSS serve 588 -> 720 MB, Milvus child 186 -> 370 MB
  10:44-10:49 UTC, load 11.7-12.7 (median 11.9):
    main   1k p50 55.6 p99 206.0 ms | 100k p50 161.8 p99 514.9 ms | p99 2.50x (rounds' median 2.96x), p50 2.91x
           RSS serve 592 -> 739 MB, Milvus child 192 -> 373 MB
    perf32 1k p50 56.3 p99 136.2 ms | 100k p50 113.9 p99 315.5 ms | p99 2.32x (rounds' median 2.12x), p50 2.02x
           RSS serve 588 -> 721 MB, Milvus child 185 -> 384 MB
  So at 100k against main in the same rounds: p50 -30% / -27% / -30%, p99 -49% / -25% / -39%; the 1k side's p50
  unchanged (its hits come from the cache). The rounds' median p99 ratio 1.86 / 1.95 / 2.12x (main 3.09 / 2.68 /
  2.96x), p50 ratio 1.94 / 2.16 / 2.02x; over all rounds the p99 ratio is still set by the 1k side's few slowest asks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_faults import ROOT, environ
from bench.growth_corpus import Row
from bench.growth_measurement import FIRSTS, ask, children, rss_mb, wait_ready
from bench.growth_report import pct


class Side:
    """One kept configuration served: its questions and what its asks measured."""

    def __init__(self, work: Path, port: int, tree: Path = ROOT) -> None:
        self.work = work
        self.tree = tree
        self.name = f"{work.name} ({tree.name})"
        self.base = f"http://127.0.0.1:{port}"
        self.port = port
        self.rows = {
            path.stem: [Row(r["question"], r["answer"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
            for path in sorted((work / "corpus").glob("*.jsonl"))
        }
        self.rng = random.Random(5)
        self.latencies: list[float] = []
        self.round_p99: list[float] = []
        self.errors = 0
        self.server: subprocess.Popen[bytes] | None = None
        self.ready_seconds = float("nan")
        self.started = 0.0

    def question(self, tenant: str | None = None) -> tuple[str, str]:
        tenant = tenant or self.rng.choice(list(self.rows))
        return tenant, self.rng.choice(self.rows[tenant]).question

    def start(self) -> None:
        env = environ(self.work / "data", SUPPORTBOT_SAMPLE_KB="0", SUPPORTBOT_TENANTS_FILE=str(self.work / "tenants.toml"),
                      PYTHONPATH=str(self.tree))
        self.started = time.monotonic()
        with open(self.work / "serve.log", "ab") as out:
            self.server = subprocess.Popen([sys.executable, "-m", "bot.app.cli.main", "serve", "--port", str(self.port)],
                                           cwd=self.tree, env=env, stdout=out, stderr=out)

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()

    def rss(self) -> tuple[float, float]:
        assert self.server is not None
        return rss_mb(self.server.pid), sum(rss_mb(c) for c in children(self.server.pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("big", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--asks", type=int, default=20, help="questions per side per round")
    parser.add_argument("--port", type=int, default=9701, help="the first side's port; the second's is the next")
    parser.add_argument("--start-timeout", type=float, default=1800)
    parser.add_argument("--before", nargs=3, type=Path, metavar=("TREE", "SMALL2", "BIG2"),
                        help="also serve copies of the stores with another tree's code, in the same rounds")
    args = parser.parse_args()
    sides = [Side(args.small, args.port), Side(args.big, args.port + 1)]
    if args.before:
        tree, small2, big2 = args.before
        sides += [Side(small2, args.port + 2, tree.resolve()), Side(big2, args.port + 3, tree.resolve())]
    loads: list[float] = []
    try:
        for side in sides:
            side.start()
        for side in sides:
            asyncio.run(wait_ready(side.base, side.work / "serve.log", timeout=args.start_timeout))
            side.ready_seconds = time.monotonic() - side.started
        for side in sides:
            firsts = side.rng.sample(list(side.rows), min(len(side.rows), FIRSTS))
            first = [asyncio.run(ask(side.base, [side.question(t)], concurrency=1))[0][0] for t in firsts]
            asyncio.run(ask(side.base, [side.question() for _ in range(20)]))  # warm-up
            print(f"{side.name}: ready in {side.ready_seconds:.1f} s, a tenant's first question {max(first):.0f} ms", flush=True)
        for n in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for side in sides if n % 2 == 0 else sides[::-1]:
                latencies, errors = asyncio.run(ask(side.base, [side.question() for _ in range(args.asks)]))
                side.latencies += latencies
                side.errors += errors
                side.round_p99.append(pct(latencies, 99))
        loads.append(os.getloadavg()[0])
        rss = [side.rss() for side in sides]
    finally:
        for side in sides:
            side.stop()
    for side, (serve, child) in zip(sides, rss, strict=True):
        print(f"{side.name:<32} {sum(map(len, side.rows.values())):6d} questions to draw from | ask p50 {pct(side.latencies, 50):7.1f} ms "
              f"p99 {pct(side.latencies, 99):7.1f} ms ({len(side.latencies)} asks, {side.errors} errors) | RSS serve {serve:5.0f} MB, "
              f"Milvus child {child:5.0f} MB", flush=True)
    for small, big in zip(sides[::2], sides[1::2], strict=True):
        ratios = [b / s for s, b in zip(small.round_p99, big.round_p99, strict=True)]
        print(f"p99 {big.name} / {small.name}: {pct(big.latencies, 99) / pct(small.latencies, 99):.2f}x over all rounds, "
              f"median of the rounds' ratios {statistics.median(ratios):.2f}x ({args.rounds} rounds of {args.asks} asks a side); "
              f"p50 ratio {pct(big.latencies, 50) / pct(small.latencies, 50):.2f}x", flush=True)
    print(f"load average (1 min) at each round min {min(loads):.1f} median {statistics.median(loads):.1f} max {max(loads):.1f}", flush=True)


if __name__ == "__main__":
    main()
