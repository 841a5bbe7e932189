"""BM25's top k by MaxScore (knowledge/lite_topk.py) against scoring every posting, on real stores.

    python bench/bench_bm25_topk.py answers [bench_answers.py's arguments, e.g. --records R.json]
    python bench/bench_bm25_topk.py store DIR [--tenant big] [--questions 200] [--repeat 3]

`answers`: bench/bench_answers.py as it is, in this process, with every segment's BM25 search of the run
(`lite_bm25.scoped_search`) made both ways, pruned wherever pruning applies at all (`PRUNE_FROM` 0, no
give-up; the shipped `_BUDGET`, so questions that stop short are finished by `lite_topk._finished`) and exhaustive, and compared row for row and score for score; the pruned result is the one the
bench goes on with. Each search's scope statistics (kept counts) are compared with a count afresh. Printed at the end: searches, questions pruned, and any that differ (there must be none).

`store`: a store bench/bench_growth.py `--keep` or `--replicate` left; `--questions` BM25 searches (top 20,
as `MilvusStore.search_many`) in its tenant's scope in this process (Milvus Lite with this tree's search
paths), half the corpus's own questions and half varied by product and edition (growth_corpus.asked_questions):
each made both ways with the shipped settings (exhaustive, pruned, exhaustive, pruned), compared, and timed
(thread CPU, best of `--repeat` per question).

Measured 2026-12-07 (branch perf28, 82a3fb9; stores of bench/bench_growth_interleaved.py's perf28 figures):
- `answers --records /tmp/perf28/R.json` (06:21-06:41 UTC, load 9-20): 4,335 BM25 searches checked (4,685 questions,
  4,461 of them pruned), 0 differing from exhaustive: the answer bench's top k is the same search by search (its
  figures are those of the code before). (The scope statistics' check was added after that run.)
- `store /tmp/perf28/copy1k --questions 200 --repeat 2`: no question pruned (no word of 4,096 postings); exhaustive
  p50 0.75 ms, "pruned" 0.76 ms. With the first rule (pruning from 4,096 postings of all the words): 0.82 -> 1.02 ms:
  hence the rule on the most common word.
- `store /tmp/perf28/big100k --questions 200 --repeat 2` (07:00 UTC, load ~7): 200 of 200 identical top 20; BM25
  search CPU exhaustive p50 6.90 p90 9.98 p99 12.99 mean 6.72 ms, pruned p50 3.50 p90 12.17 p99 25.12 mean 5.34 ms.
  The tail is questions where pruning goes deep (many candidates scored by lookups) and then gives up or barely
  succeeds. Tried on the same store, not kept (not measured in the growth bench): giving up when candidates x words
  exceed 25% of the postings: p50 3.90 p90 12.09 p99 17.08 mean 5.68 ms; 10%: p50 5.47 p90 9.92 p99 12.83 mean 5.35 ms.

Measured 2026-12-07 (branch perf30; `lite_topk._BUDGET`, and a question that stops short finished over the words
not taken instead of searched again): `store /tmp/perf28/big100k --questions 200 --repeat 2`, main (4190085) and this
branch interleaved 07:19-07:21 UTC, load 5.7-6.4, each run's own exhaustive pass beside it (ms, p50/p99/mean):
main   exhaustive 5.29/9.40/5.11 pruned 2.67/18.43/4.16; exhaustive 4.99/8.84/4.77 pruned 2.30/16.33/3.58
perf30 exhaustive 5.14/9.09/4.89 pruned 2.63/13.12/3.94; exhaustive 5.90/11.09/5.78 pruned 3.03/13.64/4.46
200 of 200 identical top 20 in every run; candidate x word lookups per question 77,656 -> 24,969. p99 pruned over
exhaustive 1.85-1.96x -> 1.23-1.44x, p50 unchanged (~0.5x). `_BUDGET` chosen on this store's questions (the bench's
generated corpus, no evaluation set): 0.1 p50 4.8-5.2 p99 11.5-13.1; 0.15 p50 3.6 p99 12.0-12.2; 0.5 p50 2.4-2.5
p99 15.2-15.4 (same window). What is left of the tail: 183 of 400 searches stop short, their lookups (up to a
quarter of the postings, each ~2.5 postings' cost) spent for nothing. `store /tmp/perf28/copy1k`: nothing pruned,
0.60 -> 0.63 ms p50 (noise; the path is not taken).

Measured 2026-12-07 (branch perf31, 7b4bc10: when pruning stops short, the non-essential words left out and the
survivors of the partial sums scored; counts by row for words in a quarter of the rows or more), stores rebuilt in
/tmp/perf31 (`bench_growth.py --sizes 1000 --tenants 0 --keep`, then `--replicate KEPT big100k --factor 100`, 4.4 GB,
30 min, and a copy): `store DIR --questions 200 --repeat 2`, main (63ba30d) and this branch interleaved
10:22-10:25 UTC, load 8.2-12.4 (ms, p50/p90/p99/mean of the pruned search; each run's exhaustive pass ~5.0/7.2/9.0/4.9):
  main   2.75/9.17/13.22/4.22; 2.62/8.79/12.79/4.09
  perf31 1.82/4.83/ 8.93/2.45; 1.79/4.75/ 8.20/2.39
200 of 200 identical top 20 in every run. The pruned p99 is now below the exhaustive one (it was 1.4x it).
`_SURVIVORS` (1.0) and `_CHEAP` (0.2) were chosen on a generated corpus in process (the 1k rows x 100 copies
through Milvus Lite's analyzer, the bench's own questions; no evaluation set): survivors' budget 0.25 p99 10.6 ms,
0.5 10.1, 1.0 8.4, 2.0 10.1 (one run each, noise ~1 ms); leaving out the non-essential words by impact order
instead (a share of theta per word, Fagin's threshold algorithm) read too many postings there: p99 31-55 ms, not kept.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from knowledge import lite_bm25, lite_topk


def checked_scoped_search() -> dict[str, int]:
    """Replace `lite_bm25.scoped_search` with one that makes each search both ways and compares them."""
    tally = {"searches": 0, "questions": 0, "pruned": 0, "differ": 0, "statistics": 0, "statistics_differ": 0}
    exhaustive_search = lite_bm25.scoped_search
    kept_statistics = lite_bm25.scope_statistics

    def statistics(parts, queries):  # the kept counts against counting every posting again (the code before them)
        kept = kept_statistics(parts, queries)
        documents, length, frequency = 0, 0.0, {}
        for index, mask in parts:
            documents += int(mask.sum())
            length += float(index._doc_lengths[mask].astype(np.float64).sum())
            for term in {term for query in queries for term in query}:
                if index._posting_lists.get(term):
                    frequency[term] = frequency.get(term, 0) + int(mask[lite_bm25._arrays(index, term)[0]].sum())
        tally["statistics"] += 1
        tally["statistics_differ"] += kept != lite_bm25.ScopeStatistics(documents, length / documents if documents else 0.0, frequency)
        return kept

    own_topk = lite_topk.search

    def counted_topk(*args, **kwargs):
        found = own_topk(*args, **kwargs)
        tally["pruned"] += found is not None
        return found

    def both(index, queries, top_k, mask, stats):
        lite_topk.search = lambda *a, **k: None
        try:
            reference = exhaustive_search(index, queries, top_k, mask, stats)
        finally:
            lite_topk.search = counted_topk
        shipped = lite_topk.PRUNE_FROM, lite_topk._GIVE_UP
        lite_topk.PRUNE_FROM, lite_topk._GIVE_UP = 0, 1.0
        try:
            pruned = exhaustive_search(index, queries, top_k, mask, stats)
        finally:
            lite_topk.PRUNE_FROM, lite_topk._GIVE_UP = shipped
        tally["searches"] += 1
        tally["questions"] += len(queries)
        if not (np.array_equal(pruned[0], reference[0]) and np.array_equal(pruned[1], reference[1])):
            tally["differ"] += 1
        return pruned

    lite_topk.search = counted_topk
    lite_bm25.scoped_search = both
    lite_bm25.scope_statistics = statistics
    return tally


def on_answers(rest: list[str]) -> None:
    tally = checked_scoped_search()
    from bench import bench_answers

    sys.argv = ["bench_answers.py", *rest]
    code = bench_answers.main()
    print(f"BM25 searches checked: {tally['searches']} ({tally['questions']} questions, {tally['pruned']} pruned); "
          f"differing from exhaustive: {tally['differ']}; scope statistics checked {tally['statistics']}, differing from counted "
          f"afresh: {tally['statistics_differ']}", flush=True)
    sys.exit(code or (1 if tally["differ"] or tally["statistics_differ"] else 0))


def on_store(directory: Path, tenant: str, questions: int, repeat: int) -> None:
    import json
    import random

    from milvus_lite.db import MilvusLite

    from bench.growth_corpus import asked_questions
    from knowledge import lite_live
    from knowledge.store import _scope
    from knowledge.store_schema import COLLECTION

    if not (lite_bm25.install() and lite_live.install()):
        raise SystemExit("this milvus-lite version keeps its own search paths")
    db = MilvusLite(str(directory / "data" / "milvus.db"))
    bm25_c = db.get_collection(COLLECTION)
    bm25_c.load()
    # half the corpus's own questions (what bench_growth's asks send), half the same varied by product and edition
    rows = [json.loads(line)["question"] for line in (directory / "corpus" / f"{tenant}.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(1)
    asked = [rng.choice(rows) for _ in range(questions - questions // 2)] + asked_questions(rng, questions // 2)
    scope = _scope(tenant=tenant, access_keys=["public"])
    started = time.perf_counter()
    bm25_c.search(asked[:1], top_k=20, expr=scope, output_fields=["id"], anns_field="sparse")  # the index made (or read)
    print(f"{directory.name}: {len(asked)} questions; first search (the index made) {time.perf_counter() - started:.1f} s", flush=True)
    shipped_search = lite_topk.search
    scored = {"pruned": 0}
    own_scores = lite_topk._scores

    def counted_scores(words, rows, *args, **kwargs):
        scored["pruned"] += len(rows) * len(words)
        return own_scores(words, rows, *args, **kwargs)

    lite_topk._scores = counted_scores
    results: dict[str, list] = {}
    timing: dict[str, list[float]] = {}
    passes = 0
    for name, search in (("exhaustive", lambda *a, **k: None), ("pruned", shipped_search)) * 2:
        lite_topk.search = search
        best: list[float] = []
        for _ in range(repeat):
            found, cpu = [], []
            for question in asked:
                began = time.thread_time()
                hits = bm25_c.search([question], top_k=20, expr=scope, output_fields=["id"], anns_field="sparse")[0]
                cpu.append((time.thread_time() - began) * 1000)
                found.append([(h["id"], h["distance"]) for h in hits])
            best = cpu if not best else [min(a, c) for a, c in zip(best, cpu, strict=True)]
            passes += name == "pruned"
        results[name] = found
        timing.setdefault(name, []).extend(best)
    lite_topk.search = shipped_search
    same = sum(a == b for a, b in zip(results["pruned"], results["exhaustive"], strict=True))
    for name, cpu in timing.items():
        print(f"{name:<10} BM25 search CPU per question (best of {repeat}): p50 {np.percentile(cpu, 50):6.2f} ms "
              f"p90 {np.percentile(cpu, 90):6.2f} ms p99 {np.percentile(cpu, 99):6.2f} ms mean {np.mean(cpu):6.2f} ms ({len(cpu)} searches)")
    print(f"identical top 20 (ids and distances) on {same} of {len(asked)} questions; candidate x word scores by pruning "
          f"per question {scored['pruned'] / max(1, passes * len(asked)):.0f}", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "answers":
        on_answers(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["store"])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--tenant", default="big")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    on_store(args.dir, args.tenant, args.questions, args.repeat)


if __name__ == "__main__":
    main()
