"""Where right answers are lost when the gate is fitted on other knowledge bases (leave one KB out).

    python bench/bench_answers.py --records FILE     # once: ask every question, keep the evidence
    python bench/bench_answers_losses.py FILE [--variant NAME]

For each knowledge base held out (models and thresholds fitted on the other two KBs' TUNE split, as
bench/bench_answers.py does), every answerable question of it is classed by what the gate did and
what retrieval had: handed over with the right article first / in the top three / not there;
answered wrong with the right article in the top three or not; stopped before the gate. Then the
gate's inputs (policies/confidence.py `features`) and the model's probability, as medians, for the
answered-right, answered-wrong and handed-over-though-first-was-right questions and the off-topic
ones answered: what a better-separated input would have to tell apart. `--variant` takes a name of
bench/bench_answers_variants.py `VARIANTS` (default: the shipped gate).

Measured 2026-12-02 on the records of the pipeline on main that day (held out pooled right 0.696):
of the 714 answerable questions, 101 (0.141) were handed over although the right article was first
(sample 21 of 70, COVID-QA 34 of 244, Bitext 46 of 400) and 51 (0.071) although it was second or
third; 23 of the 26 wrong answers had the right article second or third. Medians of the inputs:
answered right agreement 0.97, gap to the next article 1.18 spreads, confidence 0.91; answered wrong
0.96, 0.59, 0.78; handed over though first was right 0.81, 0.34, 0.24; off-topic answered 0.92, 0.87,
0.71. A wrong answer looks like a right one with a smaller gap; a lost right one looks like an
off-topic question (sample: agreement 0.85 against 0.74, gaps 0.31-0.49 against 0.13-0.22 spreads).

`--separation` (added 2026-12-02, issue #15): within each KB's TUNE cases that reach the gate, how
well a quantity tells a right top document from a wrong one, and from an off-topic question (AUC:
the chance a right case scores above the other), `python bench/bench_answers_losses.py R.json
--separation` on the records of main that day (bench/bench_answers.py --records R.json):

    quantity                  right vs wrong (sample / COVID-QA / Bitext)   right vs off-topic
    the shipped confidence    1.00 (1 wrong) / 0.72 / 0.82                  0.92 / 0.92 / 0.95
    gap to the next article   0.97 / 0.73 / 0.84                            0.87 / 0.81 / 0.91
    raw best cosine           0.35 / 0.60 / 0.75                            0.96 / 1.00 / 0.99
    height over background    0.84 / 0.62 / 0.74                            0.98 / 1.00 / 0.99

Within one KB the levels (raw cosine, height) tell off-topic questions apart almost perfectly (they
were dropped as inputs because their levels do not carry from one KB to another), but the
thresholds are bound by wrong answers, and for right against wrong no recorded quantity does better
than the gap to the next article, which the confidence already reads: what is left to gain there is
in the ordering itself (a better top document), not in the gate.

Looked at again 2026-12-07 (helper answers27, issue #15) for the class this script counts first, handed over under
`min_confidence` with the right article first (TUNE: 81, kb7 38, COVID-QA 22), against the same region's questions
whose top article is wrong (37) and its off-topic ones (25): bench/answers_handover.py. No recorded quantity, nor a
logistic model of seventeen of them fitted leave-one-KB-out (AUC 0.45), tells the right top article from the wrong one
there; a per-KB offset from the KB's own probes and a refit of both models on the five KBs' TUNE both lose on TUNE
(figures in its docstring). Nothing adopted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.answers_fit as fitting
import bench.bench_answers as answers
import bench.bench_answers_variants as variants
from policies.confidence import ANSWER_MODEL, FEATURES, SAME_ARTICLE, Evidence, distinct_gaps, features

Records = list[dict[str, Any]]


def _rank_of_right(rec: dict[str, Any]) -> int | None:
    for n, source in enumerate(rec["retrieved"]):
        if source in rec["sources"]:
            return n
    return None


def losses(records: Records) -> dict[str, Any]:
    out: dict[str, Any] = {}
    inputs: dict[str, list[list[float]]] = {k: [] for k in ("right", "wrong", "lost_first_right", "offtopic_answered")}
    for held in answers.KBS:
        answer, choice, t = fitting.fit([r for r in records if r["kb"] != held and r["split"] == "tune"])
        classes: Counter[str] = Counter()
        for rec in (r for r in records if r["kb"] == held and r["kind"] in ("answer", "offtopic")):
            outcome, sources = answers.replay(rec, answer=answer, choice=choice, thresholds=t)
            evidence = answers.rescore(rec, answer=answer, choice=choice)
            row = [*answers._values(rec["evidence"]), evidence.confidence, evidence.choice_confidence] if evidence else None
            if rec["kind"] == "offtopic":
                if outcome != "handoff" and row:
                    inputs["offtopic_answered"].append(row)
                continue
            rank = _rank_of_right(rec)
            where = "first" if rank == 0 else "top3" if rank is not None and rank < 3 else "lower" if rank is not None else "absent"
            hit = bool(set(sources) & set(rec["sources"]))
            if evidence is None:
                classes[f"before the gate ({rec['outcome']})"] += 1
            elif outcome == "answer":
                classes[f"answered {'right' if hit else 'wrong'}, right article {where}"] += 1
                if row:
                    inputs["right" if hit else "wrong"].append(row)
            elif outcome == "clarify":
                classes[f"clarified {'with' if hit else 'without'} the right article, right article {where}"] += 1
            else:
                classes[f"handed over, right article {where}"] += 1
                if where == "first" and row:
                    inputs["lost_first_right"].append(row)
        n = sum(r["kb"] == held and r["kind"] == "answer" for r in records)
        out[held] = {"answerable": n, "classes": {k: (v, round(v / n, 3)) for k, v in sorted(classes.items())}}
    width = max((len(v[0]) for v in inputs.values() if v), default=0)
    names = [*FEATURES, *(f"extra_{n}" for n in range(width - 2 - len(FEATURES))), "confidence", "choice_confidence"]
    out["medians"] = {k: dict(zip(names, np.round(np.median(np.array(v), axis=0), 3).tolist(), strict=True)) if v else {}
                      for k, v in inputs.items()}
    out["medians_n"] = {k: len(v) for k, v in inputs.items()}
    return out


def _auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    a, b = np.array(pos)[:, None], np.array(neg)[None, :]
    return float((a > b).mean() + 0.5 * (a == b).mean())


SEPARATING: dict[str, Any] = {
    "the shipped confidence": lambda e: ANSWER_MODEL.probability(features(e)),
    "gap to the next article": lambda e: distinct_gaps(e.relevance, e.kin, near=SAME_ARTICLE)[0],
    "raw best cosine": lambda e: e.similarity,
    "height over background": lambda e: e.relevance[0] - e.background,
}


def separation(records: Records) -> None:
    """Within each KB's TUNE cases that reach the gate: AUC of right top document against wrong, and against off-topic."""
    for kb in answers.KBS:
        print(f"== {kb} (TUNE)")
        gated = [r for r in records if r["kb"] == kb and r["split"] == "tune" and r["kind"] != "person" and r["evidence"]
                 and r["evidence"]["relevance"] and not r["evidence"]["capped"]]
        for name, value in SEPARATING.items():
            right, wrong, off = [], [], []
            for r in gated:
                v = value(Evidence.from_json(r["evidence"]))
                (off if r["kind"] == "offtopic" else right if fitting._hit(r, r["retrieved"][:1]) else wrong).append(v)
            print(f"  {name:<26} right vs wrong {_auc(right, wrong):.2f}  right vs off-topic {_auc(right, off):.2f}"
                  f"  (n {len(right)} / {len(wrong)} / {len(off)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--variant", default="shipped", choices=list(variants.VARIANTS))
    parser.add_argument("--separation", action="store_true", help="print the within-KB AUCs of the docstring instead")
    args = parser.parse_args()
    records = json.loads(args.records.read_text())
    if args.separation:
        separation(records)
        return 0
    with variants.patched(*variants.VARIANTS[args.variant]):
        out = losses(records)
    for kb in answers.KBS:
        print(f"== {kb} held out ({out[kb]['answerable']} answerable)")
        for name, (count, share) in out[kb]["classes"].items():
            print(f"  {name:<62} {count:>4}  {share:.3f}")
    print("== medians of the gate's inputs (held-out fits), by what the gate did")
    for kind, medians in out["medians"].items():
        print(f"  {kind:<18} n={out['medians_n'][kind]:<4} " + "  ".join(f"{k}={v}" for k, v in medians.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
