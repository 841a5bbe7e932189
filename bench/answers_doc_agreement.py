"""Rank agreement read per article instead of per chunk: measured on the TUNE split, not adopted.

    python bench/answers_doc_agreement.py --hits H.pkl     # first run asks every case (~8 min), keeps the candidates

The gate's strongest input, `agreement` (knowledge/retrieval.py `fuse`: the reciprocal-rank agreement of the
dense, title and BM25 searches, weight 7.3 in the answer model), is computed over *chunks*: in a help center
whose articles have two or three chunks, the other chunks of the right article take ranks in each list, so the
right article first in every search can still read 0.7-0.8 (handed over at a confidence of 0.1-0.35). Variant
`per article`: each search's ranks over documents (a document's best chunk in that list), the same reciprocal-rank
sum; the ordering (`relevance`) is unchanged, only `score` and so `agreement` change (COVID-QA's long answers are
split into chunks too, so it moves as well).

The pipeline is asked every case of the five fitted KBs (bench/bench_answers.py `record`, without the report-only
ones) with the retriever's candidates kept; the decisions are then replayed offline (`fuse`, `best_per_document`,
`assess`, `decide`, the recorded unknown words, profile and person flag). The replay of the shipped ordering agrees
with the pipeline on every case. Only TUNE figures are printed (the choice was made on them alone).

Measured 2026-12-06 (helper answers24, main at eef587c; load 9-17 on the shared 2-core machine), TUNE right / wrong
/ clarified / off-topic answered (goals >= 0.80 / <= 0.05 / <= 0.15 / <= 0.05):
    shipped                                        0.743 / 0.038 / 0.139 / 0.049  (kb7 0.652 / 0.012 / 0.177 / 0.029)
    per article, shipped models and thresholds     0.797 / 0.050 / 0.152 / 0.061  (kb7 0.793 / 0.024 / 0.213 / 0.086,
                                                   Bitext wrong 0.045 -> 0.069, kb9's 0.069 -> 0.075)
    per article, min_confidence 0.6                0.788 / 0.038 / 0.182 / 0.060  (the same wrong as shipped: it dominates
                                                   on right against wrong, but clarifies past 0.15 and kb7's off-topic 3 -> 9)
    per article, best of the grid (min_confidence x min_split_confidence x min_choice_confidence x split_gap) with
      wrong <= 0.040, clarified <= 0.15, off-topic <= 0.05: 0.738 / 0.038 / 0.122 / 0.049 (below shipped);
      with off-topic <= 0.07 allowed: 0.757 / 0.038 / 0.145 / 0.054 (kb7 off-topic 0.077, COVID-QA right 0.605 -> 0.597)
    per article for the answer only (answer at its confidence >= c, else the shipped decision): c 0.55 0.760 / 0.050;
      c 0.6 0.750 / 0.042; c 0.65 0.747 / 0.041 (kb9 wrong 0.069 -> 0.075 throughout)
    per article for the unsure pair only (a shipped handoff clarified when its per-article confidence reaches s and
      `unsure_pair` finds a pair within split_gap g): s 0.35 g 0.3 0.771 / 0.038 / 0.175 / 0.058; s 0.5 g 0.2 0.747 /
      0.038 / 0.145 / 0.052 (no KB's right or wrong worse; kb7 off-topic 3 -> 5 of 104)
    both models refitted on the five KBs' TUNE with it (bench/answers_fit.py `fit_models`), the same grid and bounds
      (wrong <= 0.038, clarified <= 0.15, off-topic <= 0.049): 0.723 / 0.038 / 0.142 / 0.049, against 0.724 for the same
      refit on the shipped agreement (a /tmp script over this file's records, not kept)
REPORT, read once after the choice (`--report`; the grid is not searched there): shipped 0.707 / 0.029 / 0.140 / 0.057;
per article at the shipped thresholds 0.787 / 0.038 / 0.185 / 0.080 (kb7 0.577 -> 0.763 with wrong 0.032 -> 0.051 and
off-topic answered 0.060 -> 0.147); at min_confidence 0.6 0.781 / 0.032 / 0.204 / 0.078: the same trade as on TUNE.
Not adopted: the gain is real on right against wrong (the same wrong at min_confidence 0.6 with 0.045 more right), but it
comes through clarifications (kb7's unsure pair) the 0.15 budget does not hold and off-topic questions of the
multi-chunk help centers that then clear the gate too; under the goals' bounds nothing is left, or kb7's off-topic
answered pays for it. The models were fitted on chunk-level agreement: a refit of both models and the thresholds on it
(bench/answers_fit.py) is the next step, not done here (the refits of bench/bench_answers.py's notes found no grid point
meeting the worst KB's criterion since kb9 joined).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.answers_recording as recording
import bench.bench_answers as answers
from bench.datasets import shared_data_missing
from bot.core.config import Thresholds
from bot.core.passages import Passage, Profile
from knowledge import retrieval
from knowledge.retrieval import RRF_K, FusionWeights, best_per_document, fuse
from knowledge.store_reads import Hit
from policies.confidence import Evidence, Verdict, assess, decide, unsure_pair

Record = dict[str, Any]
Decision = tuple[str, list[str]]


def collect(folder: Path) -> list[Record]:
    """bench_answers' records of the five fitted KBs, each with the candidates its (last) search returned."""
    calls: list[tuple[str, list[Hit]]] = []

    def search_many(self: retrieval.Retriever, *, tenant: str, access_keys: Sequence[str], vectors: Any, texts: Sequence[str],
                    limit: int = 5) -> list[list[Passage]]:
        found = self._store.search_many(tenant=tenant, access_keys=access_keys, vectors=vectors, texts=texts, limit=self._candidates)
        calls.extend(zip(texts, found, strict=True))
        return [best_per_document(fuse(hits, weights=self._weights, question=text), limit=limit) for hits, text in zip(found, texts, strict=True)]

    asked = recording._asked

    async def kept(services: Any, case: answers.BenchCase) -> Record:
        before = len(calls)
        rec = await asked(services, case)
        text, hits = calls[-1] if len(calls) > before else (None, None)
        return rec | {"_text": text, "_hits": hits}

    retrieval.Retriever.search_many = search_many  # type: ignore[method-assign]  # this process only
    recording._asked = kept
    return asyncio.run(answers.record(folder))


def _doc_ranks(hits: Sequence[Hit], value: Callable[[Hit], float]) -> tuple[list[int], dict[str, float]]:
    best: dict[str, float] = {}
    for h in hits:
        best[h.chunk.doc_id] = max(best.get(h.chunk.doc_id, -math.inf), value(h))
    rank = {doc: n for n, doc in enumerate(sorted(best, key=lambda d: -best[d]))}
    return [rank[h.chunk.doc_id] for h in hits], best


def fuse_per_article(hits: Sequence[Hit], *, weights: FusionWeights | None = None, question: str = "") -> list[Passage]:
    """`fuse`, its `score` (rank agreement) from each search's ranks over documents instead of chunks."""
    weights = weights or FusionWeights()
    dense, _ = _doc_ranks(hits, lambda h: h.dense)
    title, _ = _doc_ranks(hits, lambda h: h.title)
    lexical, words = _doc_ranks(hits, lambda h: h.lexical if h.lexical > 0 else -math.inf)
    best = (weights.dense + weights.title + weights.lexical) / RRF_K
    score = {}
    for n, h in enumerate(hits):
        s = weights.dense / (RRF_K + dense[n]) + weights.title / (RRF_K + title[n])
        if words[h.chunk.doc_id] > 0:
            s += weights.lexical / (RRF_K + lexical[n])
        score[h.chunk.id] = s / best
    return [replace(p, score=score[p.chunk.id]) for p in fuse(hits, weights=weights, question=question)]


def evidence(rec: Record, fusion: Callable[..., list[Passage]]) -> tuple[list[Passage], Evidence] | None:
    e = rec["evidence"]
    if e is None or rec["_hits"] is None:
        return None
    passages = best_per_document(fusion(rec["_hits"], question=rec["_text"]), limit=5)
    profile = Profile(background=e["background"], spread=e["spread"], foreground=e["foreground"])
    return passages, assess(passages, profile=profile, not_in_sources=e["capped"], unknown_names=e["unknown_names"],
                            unknown_words=e["unknown_words"], person_named=e["person_named"])


def decision(rec: Record, found: tuple[list[Passage], Evidence] | None, thresholds: Thresholds) -> Decision:
    if found is None:
        return answers.shipped(rec)
    passages, ev = found
    if not passages:
        return "handoff", []
    verdict, picked = decide(ev, thresholds)
    if verdict is Verdict.ANSWER:
        return "answer", [passages[0].source]
    if verdict is Verdict.CLARIFY:
        return "clarify", [passages[n].source for n in picked]
    return "handoff", []


def line(rows: dict[str, dict[str, Any]]) -> str:
    return "  ".join(f"{kb} {f['right']:.3f}/{f['wrong']:.3f}/{f['clarified']:.3f}/{f['offtopic_answered'] or 0:.3f}" for kb, f in rows.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=Path, required=True, help="reuse (or write) the records with their candidates here (pickle)")
    parser.add_argument("--report", action="store_true", help="the REPORT split instead (never to choose on)")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    if args.hits.exists():
        records = pickle.loads(args.hits.read_bytes())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            records = collect(Path(tmp))
        args.hits.write_bytes(pickle.dumps(records))
    # the choice is made on TUNE alone; `--report` prints REPORT's figures of the two orderings (read after the choice)
    tune = [r for r in records if r["split"] == ("report" if args.report else "tune")]
    shipped_ev = {id(r): evidence(r, fuse) for r in tune}
    article_ev = {id(r): evidence(r, fuse_per_article) for r in tune}

    def rows(decide_one: Callable[[Record], Decision]) -> dict[str, dict[str, Any]]:
        out = {kb: answers.figures((r, decide_one(r)) for r in tune if r["kb"] == kb) for kb in answers.KBS}
        return out | {"all": answers.figures((r, decide_one(r)) for r in tune)}

    base = Thresholds()
    agree = sum(decision(r, shipped_ev[id(r)], base)[0] == r["outcome"] for r in tune)
    print(f"{'REPORT' if args.report else 'TUNE'} right / wrong / clarified / off-topic answered; replay of the shipped ordering agrees on {agree} of {len(tune)}")
    print("shipped (replayed)                 " + line(rows(lambda r: decision(r, shipped_ev[id(r)], base))))
    for c in (0.55, 0.6, 0.65, 0.7):
        t = replace(base, min_confidence=c)
        print(f"shipped, min_confidence {c:<4}       " + line(rows(lambda r, t=t: decision(r, shipped_ev[id(r)], t))))
        print(f"per article, min_confidence {c:<4}   " + line(rows(lambda r, t=t: decision(r, article_ev[id(r)], t))))
    grid = []  # the grid's best is a choice: on TUNE only
    for c, s, h, g in [] if args.report else itertools.product((0.55, 0.6, 0.65, 0.7), (0.35, 0.4, 0.45, 0.5, 0.55), (0.2, 0.3), (0.2, 0.3)):
        t = replace(base, min_confidence=c, min_split_confidence=min(s, c), min_choice_confidence=h, split_gap=g)
        grid.append(((c, s, h, g), rows(lambda r, t=t: decision(r, article_ev[id(r)], t))))
    for offtopic in (0.05, 0.07):
        ok = [(p, f) for p, f in grid if f["all"]["wrong"] <= 0.04 and f["all"]["clarified"] <= 0.15 and f["all"]["offtopic_answered"] <= offtopic]
        if ok:
            p, f = max(ok, key=lambda pf: pf[1]["all"]["right"])
            print(f"per article, grid best (wrong<=0.04, clarified<=0.15, off-topic<={offtopic}) {p}: " + line(f))

    def answer_only(rec: Record, c: float) -> Decision:
        found = article_ev[id(rec)]
        if found and found[0] and found[1].similarity >= base.min_dense and not found[1].capped and found[1].confidence >= c:
            return "answer", [found[0][0].source]
        return decision(rec, shipped_ev[id(rec)], base)

    def pair_only(rec: Record, s: float, g: float) -> Decision:
        shipped = decision(rec, shipped_ev[id(rec)], base)
        found = article_ev[id(rec)]
        if shipped[0] != "handoff" or not found or not found[0]:
            return shipped
        passages, ev = found
        if ev.similarity < base.min_dense or ev.capped or ev.person_named or ev.unknown_names or ev.confidence < s:
            return shipped
        pair = unsure_pair(ev, replace(base, split_gap=g))
        return ("clarify", [passages[n].source for n in pair]) if pair else shipped

    for c in (0.55, 0.6, 0.65):
        print(f"per article for the answer only, c {c:<4}   " + line(rows(lambda r, c=c: answer_only(r, c))))
    for s, g in itertools.product((0.35, 0.4, 0.45, 0.5, 0.55), (0.2, 0.3)):
        print(f"per article for the unsure pair, s {s} g {g}   " + line(rows(lambda r, s=s, g=g: pair_only(r, s, g))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
