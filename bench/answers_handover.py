"""Handed over with the right article first: can the gate tell these from its wrong answers? Measured on TUNE, not adopted.

    python bench/bench_answers.py --records R.json --probes P.json   # once: every case and each KB's probes
    python bench/answers_handover.py R.json P.json                    # then: replayed, TUNE only

The largest class of TUNE's lost answers (issue #15) is a question handed over under `min_confidence` (reason
`low_confidence`) although the right article was first. Answering it, or asking about it, pays off only if the gate
can tell it ("A") from the same region's questions whose top article is wrong ("B": answered, they are wrong answers)
and from its off-topic ones ("O": answered or clarified, they are off-topic answered). Four checks, each replayed from
the records with the pipeline's own `decide` (bench/bench_answers.py `replay`), on TUNE only:

1. `separation`: per KB and pooled, how many A / B / O the region holds, and the AUC (the chance an A scores above a B,
   or above an O) of each quantity the records hold: the shipped confidence and choice confidence, the inputs of
   policies/confidence.py `features`, levels (raw similarity, height over the KB's background in spreads), per-view
   leads of the top document over the next four (body, title, lead), the word coverage's lead, the next document's kin,
   and in how many views the top one leads; then a logistic model of them all, fitted on four KBs' region and scored
   on the fifth's (leave one KB out), against B and against B and O together.
2. `calibration`: a self-calibration per KB from its own probes (bench/answers_probes.py: titles, headings, lead
   sentences, with their documents as labels): the answer and choice models' logits shifted by the offset b that makes
   the answer model's mean probability on the KB's probes equal their share answered right (times lambda), then every
   TUNE case decided at the shipped thresholds.
3. `refit`: both models refitted on the five KBs' TUNE (bench/answers_fit.py `fit_models`) and the thresholds
   (`min_confidence`, `min_split_confidence`, `split_gap`) chosen on a grid with pooled bounds (wrong <= 0.04,
   clarified <= 0.15, off-topic answered no more than shipped); the same with the shipped models; and leave one KB out
   (fitted and chosen on four KBs' TUNE, scored on the fifth's).
4. `budget`: where the right article is among the options of TUNE's clarified questions, and what clarifying the whole
   region would cost: the unsure pair already spends the 0.15 budget at about 0.9 right per clarification. Also, of the
   region's answerable questions with exactly one of the first two articles right, how often the fused ordering and each
   single view (body, title, lead cosine, BM25) put that one first.

Measured 2026-12-07 (helper answers27; records of main at 86b7bfa, `python bench/bench_answers.py --records R.json
--probes P.json`, 420 s at load average 8-12 on the shared 2-core machine: TUNE right / wrong / clarified / off-topic
answered 0.746 / 0.038 / 0.139 / 0.051, REPORT 0.713 / 0.029 / 0.140 / 0.057; replay agrees 99.96%), TUNE only:
- the region holds A 81 (kb7 38, COVID-QA 22, Bitext 11, kb9 7, sample 3), B 37 (COVID-QA 17, kb7 9, Bitext 7, kb9 4)
  and O 25 (kb7 14, sample 5). A against B, pooled AUC: the shipped confidence 0.55, choice 0.55, agreement 0.52, the
  gap to the next article 0.63, raw similarity 0.55, height 0.51, body / title / lead leads 0.59 / 0.53 / 0.59, the
  coverage's lead 0.58, kin 0.47, views won 0.59; within one KB the best is 0.77 (Bitext's body lead, on 18 cases).
  All seventeen in one logistic model, leave one KB out: 0.45 against B, 0.57 against B and O. Levels tell A from O within a KB (similarity 0.89-1.00, as bench/bench_answers_losses.py `--separation` found for all cases) but
  not A from B: in this region a right top article and a wrong one look alike to everything recorded. Answering the
  whole region would add 81 right and 37 wrong (TUNE wrong 0.038 -> 0.094) and 25 off-topic questions.
- the probes' offsets: sample +1.07, COVID-QA +1.53, Bitext +10 (its 50 probes, intent names, all right: the search
  for the offset runs to its bound), kb7 +2.44, kb9 +0.26 (91-100% of each KB's probes right against a mean answer
  probability of 0.77-0.97: the probes are easier than customers' questions everywhere). TUNE at the shipped
  thresholds, lambda 0.25: right 0.744 -> 0.794 but wrong 0.038 -> 0.072 (Bitext 0.045 -> 0.109, COVID-QA 0.034 ->
  0.076) and off-topic answered 0.051 -> 0.067 (kb7 0.029 -> 0.086); lambda 0.5 / 1: wrong 0.090 / 0.105. The one KB
  it helps (kb7 0.658 -> 0.793 at wrong 0.037) is not told apart from the ones it hurts by anything the probes show.
- refit: both models refitted on the five KBs' TUNE, best grid point 0.726 / 0.036 / 0.149 / 0.047 (min_confidence
  0.65, min_split_confidence 0.3, split_gap 0.2) against the shipped 0.744 / 0.038 / 0.137 / 0.051, which is the
  shipped models' best point of the same grid (0.55 / 0.35 / 0.3). Leave one KB out: refitted 0.706 / 0.039 / 0.134 /
  0.051, shipped models with the grid chosen on the other four 0.746 / 0.038 / 0.151 / 0.051.
- budget: TUNE's 92 clarified answerable questions offer the right article first 63 times, second 22, third 2, not at
  all 5 (and 8 off-topic questions are clarified). Clarifying the region with its top three would add 108 right but
  0.178 of answerable to clarified (0.139 now, 0.15 allowed) and 25 off-topic questions (0.051 now, 0.05 allowed);
  a one-article "did you mean" would be right for 81 of its 118 answerable questions.
Also looked at with /tmp scripts over the same files (not kept): how often the top document is a wrong one among the first
one or three for the KB's probes of other documents (a "hub"), AUC A vs B 0.44-0.61 per KB and 0.44-0.49 pooled, over all
gated TUNE answers right top against wrong top 0.46-0.73; and the KB's probes' mean rank agreement (top right) as a unit for
`agreement` (kb7's multi-chunk articles): 0.953-0.964 on every KB's probes, customers' right TUNE answers 0.90-0.94, so there is
no per-KB level to divide by. A new measure, asked again through the pipeline (bench_answers' `record` with the
retriever's search repeated for the searched text with each of its first eight content words left out, TUNE cases): how
often the top document stays first (stability). In the region A against B 0.66 pooled, but 0.73 COVID-QA, 0.47 Bitext,
0.59 kb7, 0.52 kb9; among the questions answered, right against wrong 0.68 (under 0.5 stability: 11 right, 2 wrong, 1
off-topic): the best of all here pooled and still far from a rule that answers two right for each wrong, at eight more
embeddings and searches a question.
Nothing adopted, no behaviour changed. What is left for this class is the ordering (a better top article: in this
region the fused ordering already picks the right one of the first two more often than any single view, 75 of 92
against 52-61) or a reader of the passage; none of the gate's inputs can buy it back within the wrong bound.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.answers_fit as fitting
import bench.bench_answers as answers
from bench.bench_answers_losses import _auc
from bot.core.config import Thresholds
from policies.confidence import (
    ANSWER_MODEL,
    CHOICE_MODEL,
    DEFAULT_SPREAD,
    MIN_SPREAD,
    Evidence,
    features,
)

Records = list[dict[str, Any]]
PROBE_KINDS = ("probe_title", "probe_heading", "probe_lead")


def quantities(rec: dict[str, Any]) -> dict[str, float]:
    """What the records hold about a case's top document against the others."""
    e = rec["evidence"]
    evidence = Evidence.from_json(e)
    spread = e["spread"] if e["spread"] >= MIN_SPREAD else DEFAULT_SPREAD
    views = e["views"]
    lead_of = [(views[0][k] - max(v[k] for v in views[1:])) if len(views) > 1 else 0.0 for k in range(3)]
    coverage = e["coverage"] or [0.0]
    return {
        "confidence": e["confidence"], "choice": e["choice_confidence"],
        **dict(zip(("agreement", "lexical", "unknown_names", "unknown_words", "gap_2", "gap_3", "gap_other_article"), features(evidence), strict=True)),
        "similarity": e["similarity"], "height": (e["relevance"][0] - e["background"]) / spread,
        "body_lead": lead_of[0], "title_lead": lead_of[1], "lead_lead": lead_of[2],
        "coverage_lead": coverage[0] - max(coverage[1:] or [0.0]), "kin_next": (list(e["kin"]) + [0.0, 0.0])[1],
        "views_won": float(sum(views[0][k] >= max(v[k] for v in views) for k in range(4))) if views else 0.0,
    }


def region(records: Records) -> list[tuple[dict[str, Any], str]]:
    """TUNE's questions handed over under `min_confidence`: A (right article first), B (another first), O (off-topic)."""
    out = []
    for r in records:
        if r["split"] != "tune" or r["kind"] == "person" or r["outcome"] != "handoff" or r["reason"] != "low_confidence" or not r["evidence"]:
            continue
        out.append((r, "O" if r["kind"] == "offtopic" else "A" if fitting._hit(r, r["retrieved"][:1]) else "B"))
    return out


def separation(records: Records) -> None:
    cases = [(r, c, quantities(r)) for r, c in region(records)]
    names = list(cases[0][2])
    for kb in (*answers.KBS, "pooled"):
        sub = [(c, q) for r, c, q in cases if kb == "pooled" or r["kb"] == kb]
        count = Counter(c for c, _ in sub)
        print(f"== {kb}: A {count['A']}, B {count['B']}, O {count['O']}  (AUC A vs B / A vs O)")
        for name in names:
            a, b, o = ([q[name] for c, q in sub if c == k] for k in "ABO")
            print(f"  {name:<18} {_auc(a, b):.2f} / {_auc(a, o):.2f}")
    for negatives in ("B", "BO"):
        scored = []
        for held in answers.KBS:
            train = [(c, q) for r, c, q in cases if r["kb"] != held and c in "A" + negatives]
            x = np.array([[q[n] for n in names] for _, q in train])
            model = fitting.fit_logistic(x, np.array([c == "A" for c, _ in train], float))
            scored += [(r["kb"], c, model.probability([q[n] for n in names])) for r, c, q in cases if r["kb"] == held]
        per_kb = "  ".join(f"{kb} {_auc([s for k, c, s in scored if k == kb and c == 'A'], [s for k, c, s in scored if k == kb and c in negatives]):.2f}"
                           for kb in answers.KBS)
        pooled = _auc([s for _, c, s in scored if c == "A"], [s for _, c, s in scored if c in negatives])
        print(f"== all of them in one logistic model, leave one KB out, A vs {negatives}: pooled {pooled:.2f}  ({per_kb})")


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def probe_offset(probes: Records, kb: str) -> tuple[float, int, float]:
    """The shift of the answer model's logit that makes its mean probability on the KB's own probes their share right."""
    floor = Thresholds().min_dense
    asked = [p for p in probes if p["kb"] == kb and p["kind"] in PROBE_KINDS and p["evidence"] and p["evidence"]["relevance"]
             and not p["evidence"]["capped"] and p["evidence"]["similarity"] >= floor]
    if not asked:
        return 0.0, 0, float("nan")
    z = np.array([_logit(ANSWER_MODEL.probability(features(Evidence.from_json(p["evidence"])))) for p in asked])
    right = float(np.mean([bool(p["retrieved"]) and p["retrieved"][0] in p["sources"] for p in asked]))
    low, high = -10.0, 10.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if float(np.mean(1 / (1 + np.exp(-(z + mid))))) < right else (low, mid)
    return (low + high) / 2, len(asked), right


def calibration(records: Records, probes: Records) -> None:
    tune = [r for r in records if r["split"] == "tune"]
    offsets = {kb: probe_offset(probes, kb) for kb in answers.KBS}
    print("== per-KB offsets from the KB's own probes: " + ", ".join(f"{kb} {b:+.2f} ({n} probes, {right:.2f} right)" for kb, (b, n, right) in offsets.items()))
    for lam in (0.0, 0.25, 0.5, 1.0):
        pairs = []
        for r in tune:
            evidence = answers.rescore(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL)
            if evidence is not None and not r["evidence"]["capped"]:
                shift = lam * offsets[r["kb"]][0]
                evidence = replace(evidence, confidence=1 / (1 + math.exp(-(_logit(evidence.confidence) + shift))),
                                   choice_confidence=1 / (1 + math.exp(-(_logit(evidence.choice_confidence) + shift))))
            pairs.append((r, answers.decided(r, evidence, Thresholds())))
        print(f"  lambda {lam:<4} " + _row(answers.figures(pairs)) + "   " + "  ".join(
            f"{kb} {_row(answers.figures(p for p in pairs if p[0]['kb'] == kb), short=True)}" for kb in answers.KBS))


GRID = [replace(Thresholds(), min_confidence=c, min_split_confidence=s, split_gap=g)
        for c in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8) for s in (0.25, 0.3, 0.35, 0.4, 0.45) for g in (0.2, 0.3)]


def _choose(records: Records, answer: Any, choice: Any, off_topic: float) -> tuple[dict[str, Any], Thresholds] | None:
    best = None
    for t in GRID:
        f = answers.figures((r, answers.replay(r, answer=answer, choice=choice, thresholds=t)) for r in records)
        if f["wrong"] <= 0.04 and f["clarified"] <= 0.15 and f["offtopic_answered"] <= off_topic + 1e-9 and (best is None or f["right"] > best[0]["right"]):
            best = (f, t)
    return best


def refit(records: Records) -> None:
    tune = [r for r in records if r["split"] == "tune"]
    shipped = answers.figures((r, answers.replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=Thresholds())) for r in tune)
    print(f"== shipped, replayed: {_row(shipped)}")
    for name, models in (("refitted on the five KBs' TUNE", fitting.fit_models(tune)), ("shipped models", (ANSWER_MODEL, CHOICE_MODEL))):
        best = _choose(tune, *models, shipped["offtopic_answered"])
        print(f"== {name}, best of the grid: " + (f"{_row(best[0])} at {_key(best[1])}" if best else "none passes"))
    for name, refitted in (("refitted", True), ("shipped models", False)):
        pairs = []
        for held in answers.KBS:
            rest = [r for r in tune if r["kb"] != held]
            models = fitting.fit_models(rest) if refitted else (ANSWER_MODEL, CHOICE_MODEL)
            off = answers.figures((r, answers.shipped(r)) for r in rest)["offtopic_answered"]
            best = _choose(rest, *models, off)
            t = best[1] if best else Thresholds()
            pairs += [(r, answers.replay(r, answer=models[0], choice=models[1], thresholds=t)) for r in tune if r["kb"] == held]
        print(f"== leave one KB out, {name} (grid chosen on the other four): {_row(answers.figures(pairs))}")


def budget(records: Records) -> None:
    where: Counter[str] = Counter()
    for r in records:
        if r["split"] == "tune" and r["outcome"] == "clarify":
            rank = next((n for n, s in enumerate(r["options"]) if s in r["sources"]), None) if r["kind"] == "answer" else None
            where["off-topic" if r["kind"] == "offtopic" else "person" if r["kind"] == "person" else f"right option {rank}"] += 1
    print("== TUNE's clarifications, where the right article is among the options: " + ", ".join(f"{k} {v}" for k, v in sorted(where.items())))
    cases = region(records)
    n = sum(r["split"] == "tune" and r["kind"] == "answer" for r in records)
    in_three = sum(c == "B" and any(s in r["sources"] for s in r["retrieved"][:3]) for r, c in cases)
    count = Counter(c for _, c in cases)
    one_of_two = [r for r, c in cases if c != "O" and len(r["evidence"]["views"]) > 1 and sum(s in r["sources"] for s in r["retrieved"][:2]) == 1]
    firsts = {"fused ordering": sum(r["retrieved"][0] in r["sources"] for r in one_of_two)}
    for k, view in enumerate(("body", "title", "lead", "bm25")):
        firsts[view] = sum(r["retrieved"][int(r["evidence"]["views"][1][k] > r["evidence"]["views"][0][k])] in r["sources"] for r in one_of_two)
    print(f"== of the region's {len(one_of_two)} with one of the first two right, put first by: " + ", ".join(f"{k} {v}" for k, v in firsts.items()))
    print(f"== the region clarified with the top three: +{count['A'] + in_three} right of {n} answerable, clarified +{(count['A'] + count['B']) / n:.3f},"
          f" {count['O']} more off-topic questions not handed over")


def _key(t: Thresholds) -> str:
    return f"min_confidence {t.min_confidence}, min_split_confidence {t.min_split_confidence}, split_gap {t.split_gap}"


def _row(f: dict[str, Any], *, short: bool = False) -> str:
    keys = ("right", "wrong", "clarified", "offtopic_answered")
    return "/".join(f"{f[k]:.3f}" for k in keys) if short else " / ".join(f"{k} {f[k]:.3f}" for k in keys)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("probes", type=Path, nargs="?")
    args = parser.parse_args()
    records = json.loads(args.records.read_text())
    separation(records)
    if args.probes:
        calibration(records, json.loads(args.probes.read_text()))
    refit(records)
    budget(records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
