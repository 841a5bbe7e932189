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
from policies.confidence import FEATURES

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--variant", default="shipped", choices=list(variants.VARIANTS))
    args = parser.parse_args()
    records = json.loads(args.records.read_text())
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
