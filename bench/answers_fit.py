"""Fitting the confidence models and choosing the default thresholds, on recorded evidence (TUNE only).

Used by bench/bench_answers.py (`fit`). The criterion is the worst knowledge base's, not the pooled
figure: pooled, COVID-QA's wrong answers hid under Bitext's right ones, and the thresholds a fit on
two knowledge bases picked did not hold on the third. So a point of the grid passes when on *every*
knowledge base given: answered wrong <= 0.05, clarified <= 0.15 of answerable, off-topic not handed
over <= 0.05; among the points whose neighbours (one step of `min_confidence` and of
`min_choice_confidence`, the same `clarify_gap`) pass as well, the one with the highest right on the
worst knowledge base wins (ties: the first in grid order, lowest thresholds). The grid is scored with
numpy; the chosen point is then replayed with `policies.confidence.decide` for every figure printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from bot.core.config import Thresholds
from policies.confidence import Evidence, LogisticModel, choices, features

MIN_CONFIDENCE = np.round(np.arange(0.30, 0.96, 0.025), 3)
MIN_CHOICE = np.round(np.arange(0.10, 0.96, 0.05), 3)
GAPS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.22, 0.26)
TARGETS = {"wrong": 0.05, "offtopic": 0.05, "clarified": 0.15}  # what a fit allows on each KB's TUNE cases


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50) -> LogisticModel:
    """Newton's method on the L2-regularized log loss, features standardized (the weights returned are for raw features)."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    reg = np.eye(z.shape[1]) * l2
    reg[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - y) + reg @ w
        hess = z.T @ (z * (p * (1 - p))[:, None]) + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[1:] / std
    bias = w[0] - float((w[1:] * mean / std).sum())
    return LogisticModel(bias=round(float(bias), 4), weights=tuple(round(float(v), 4) for v in weights))


def _hit(rec: dict[str, Any], sources: Sequence[str]) -> bool:
    return rec["kind"] == "answer" and bool(set(sources) & set(rec["sources"]))


def fit_models(records: Sequence[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel]:
    """ANSWER_MODEL: the top document is right; CHOICE_MODEL: one of the top three is (0 for off-topic)."""
    gated = [r for r in records if r["evidence"] is not None and r["evidence"]["relevance"] and not r["evidence"]["capped"]]
    x = np.array([features(Evidence.from_json(r["evidence"])) for r in gated])
    top1 = np.array([float(_hit(r, r["retrieved"][:1])) for r in gated])
    topk = np.array([float(_hit(r, r["retrieved"][:3])) for r in gated])
    return fit_logistic(x, top1), fit_logistic(x, topk)


def _kb_grid(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> dict[str, np.ndarray]:
    """right, wrong, clarified (of answerable) and off-topic answered (of off-topic), each (gap, min_conf, min_choice)."""
    shape = (len(GAPS), len(MIN_CONFIDENCE), len(MIN_CHOICE))
    out = {k: np.zeros(shape) for k in ("right", "wrong", "clarified", "offtopic")}
    n_answer = sum(r["kind"] == "answer" for r in records)
    n_off = sum(r["kind"] == "offtopic" for r in records)
    floor = Thresholds().min_dense
    for r in records:
        if r["kind"] == "person":
            continue
        e = r["evidence"]
        if e is None or not e["relevance"]:  # decided before the gate, or nothing found: a handoff for every threshold
            if r["kind"] == "offtopic" and (e is not None or r["outcome"] != "handoff"):
                out["offtopic"] += 1 / n_off
            continue
        if e["capped"] or e["similarity"] < floor:
            continue
        evidence = Evidence.from_json(e)
        values = features(evidence)
        answers = answer.probability(values) >= MIN_CONFIDENCE  # (min_conf,)
        asks = choice.probability(values) >= MIN_CHOICE  # (min_choice,)
        for g, gap in enumerate(GAPS):
            picked = choices(evidence, replace(Thresholds(), clarify_gap=gap))
            clarify = (~answers)[:, None] & asks[None, :] & (len(picked) >= 2)
            if r["kind"] == "offtopic":
                out["offtopic"][g] += (answers[:, None] | clarify) / n_off
                continue
            top_right = _hit(r, r["retrieved"][:1])
            offered_right = _hit(r, [r["retrieved"][n] for n in picked if n < len(r["retrieved"])])
            out["right" if top_right else "wrong"][g] += answers[:, None] / n_answer
            out["right"][g] += clarify * offered_right / n_answer
            out["clarified"][g] += clarify / n_answer
    return out


def choose_thresholds(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> Thresholds:
    by_kb = [_kb_grid([r for r in records if r["kb"] == kb], answer, choice) for kb in sorted({r["kb"] for r in records})]
    ok = np.ones((len(GAPS), len(MIN_CONFIDENCE), len(MIN_CHOICE)), bool)
    for f in by_kb:
        ok &= (f["wrong"] <= TARGETS["wrong"] + 1e-9) & (f["offtopic"] <= TARGETS["offtopic"] + 1e-9) & (f["clarified"] <= TARGETS["clarified"] + 1e-9)
    padded = np.pad(ok, ((0, 0), (1, 1), (1, 1)), mode="edge")
    flat = ok.copy()
    for a in range(3):
        for b in range(3):
            flat &= padded[:, a : a + ok.shape[1], b : b + ok.shape[2]]
    worst = np.min([f["right"] for f in by_kb], axis=0)
    score = np.where(flat, worst, -1.0)
    g, c, h = np.unravel_index(int(np.argmax(score)), score.shape)
    if score[g, c, h] < 0:
        raise SystemExit("no thresholds meet the targets on every KB's TUNE cases")
    return replace(Thresholds(), min_confidence=float(MIN_CONFIDENCE[c]), min_choice_confidence=float(MIN_CHOICE[h]), clarify_gap=GAPS[g])


def fit(records: Sequence[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel, Thresholds]:
    answer, choice = fit_models(records)
    return answer, choice, choose_thresholds(records, answer, choice)
