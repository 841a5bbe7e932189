"""Fitting the confidence models and choosing the default thresholds, on recorded evidence (TUNE only).

Used by bench/bench_answers.py (`fit`). The criterion is the worst knowledge base's, not the pooled
figure: pooled, COVID-QA's wrong answers hid under Bitext's right ones, and the thresholds a fit on
two knowledge bases picked did not hold on the third. So a point of the grid passes when on *every*
knowledge base given: answered wrong <= 0.05, clarified <= 0.15 of answerable, off-topic not handed
over <= 0.05; among the points whose neighbours (one step of `min_confidence`, of `min_choice_confidence`
and of `min_split_confidence`, the same `clarify_gap`) pass as well, the one with the highest right on the
worst knowledge base wins (ties: the first in grid order, lowest thresholds). When no point passes, the
targets are all exceeded by the same least amount that lets one pass (`Choice.excess`, printed by the bench):
the point chosen is the one whose largest excess over a target, on any knowledge base, neighbours included,
is least, and among those the highest right on the worst knowledge base, as above (with every target met
the excess is 0 and this is the rule above).

Each point is scored as the pipeline decides (2026-12-07, issue #15): every case replayed with
bench/answers_replay.py `decided`, that is `policies.confidence.decide` (the clarification, the unsure pair
under `min_split_confidence`, the third option) and the vetoes the recording kept (policies/near_domain.py,
asked_kinds.py), so the grid's figures at a point are those the replay prints for it
(tests/bench/test_answers_fit.py; bench/bench_answers.py checks the chosen point again on the real records).
Until then the grid was scored with numpy by a copy of the first rule only: at the shipped thresholds it read
COVID-QA's TUNE cases clarified 0.151 where the pipeline clarifies 0.227.
`split_gap` and `split_kin` are not on the grid (bench/answers_split.py chose them on TUNE).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise, product
from typing import Any

import numpy as np

from bench.answers_replay import decided, rescore
from bench.answers_report import MARKS, marks
from bot.core.config import Thresholds
from policies.confidence import Evidence, LogisticModel, features

MIN_CONFIDENCE = np.round(np.arange(0.30, 0.96, 0.025), 3)
MIN_CHOICE = np.round(np.arange(0.10, 0.96, 0.05), 3)
# 1.0: the unsure pair never asked (it is asked only under `min_confidence`, at most 0.95 here)
MIN_SPLIT = np.round(np.append(np.arange(0.10, 0.96, 0.05), 1.0), 3)
GAPS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.22, 0.26)
AXES = {"min_confidence": MIN_CONFIDENCE, "min_choice_confidence": MIN_CHOICE, "min_split_confidence": MIN_SPLIT}
SHAPE = (len(GAPS), len(MIN_CONFIDENCE), len(MIN_CHOICE), len(MIN_SPLIT))
# the probability of the case each threshold is compared with in `policies.confidence.decide`
CUTS = {"min_confidence": "confidence", "min_choice_confidence": "choice_confidence", "min_split_confidence": "confidence"}
TARGETS = {"wrong": 0.05, "offtopic_answered": 0.05, "clarified": 0.15}  # what a fit allows on each KB's TUNE cases


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


def _runs(values: np.ndarray, cut: float | None) -> list[tuple[int, int]]:
    """The runs of consecutive grid values below, at and above the case's probability `cut` (None: one run)."""
    if cut is None:
        return [(0, len(values))]
    edges = sorted({0, int(np.searchsorted(values, cut, side="left")), int(np.searchsorted(values, cut, side="right")), len(values)})
    return list(pairwise(edges))


def kb_counts(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> np.ndarray:
    """How many cases count towards each of `MARKS` at every point of the grid, shape (mark, gap, min_confidence,
    min_choice_confidence, min_split_confidence), each case decided by the replay's own `decided`
    (`policies.confidence.decide` and the recorded vetoes) at the point's thresholds.

    `decide` reads each of these thresholds only by comparing it with one of the case's probabilities (`CUTS`), so
    along each axis the decision is the same for all the grid values below that probability, and for all above it:
    `decided` is called once per run of values (with the run's first one) and its outcome given to the whole box of
    runs (added into a difference array, summed at the end). `check_grid` replays points in full to catch a `decide`
    that reads them otherwise."""
    lengths = [len(values) for values in AXES.values()]
    diff = np.zeros((len(MARKS), len(GAPS), *(n + 1 for n in lengths)), np.int64)
    boxes: list[tuple[int, int, int, int, int, int, int, int]] = []
    made: dict[tuple[int, int, int, int], Thresholds] = {}
    base = Thresholds()
    for rec in records:
        evidence = rescore(rec, answer=answer, choice=choice)
        runs = [_runs(values, None if evidence is None else getattr(evidence, CUTS[name])) for name, values in AXES.items()]
        for g, gap in enumerate(GAPS):
            for (c0, c1), (h0, h1), (s0, s1) in product(*runs):
                if (t := made.get((g, c0, h0, s0))) is None:
                    t = made[g, c0, h0, s0] = replace(base, clarify_gap=gap, min_confidence=float(MIN_CONFIDENCE[c0]),
                                                      min_choice_confidence=float(MIN_CHOICE[h0]), min_split_confidence=float(MIN_SPLIT[s0]))
                boxes.extend((m, g, c0, c1, h0, h1, s0, s1) for m, v in enumerate(marks(rec, *decided(rec, evidence, t))) if v)
    if boxes:
        b = np.array(boxes)
        for corner in product((0, 1), repeat=3):  # inclusion-exclusion: +1 at the box's low corner, alternating signs
            sign = (-1) ** sum(corner)
            np.add.at(diff, (b[:, 0], b[:, 1], b[:, 2 + corner[0]], b[:, 4 + corner[1]], b[:, 6 + corner[2]]), sign)
    return diff.cumsum(axis=2).cumsum(axis=3).cumsum(axis=4)[:, :, : lengths[0], : lengths[1], : lengths[2]]


def kb_grid(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> dict[str, np.ndarray]:
    """Each of `MARKS` as a share of its kind's cases (answerable, off-topic, requests for a person) at every point
    (NaN where the knowledge base has none of that kind, as `figures` says None)."""
    counts = kb_counts(records, answer, choice)
    n = {kind: sum(r["kind"] == kind for r in records) for kind in ("answer", "offtopic", "person")}
    per = dict(zip(MARKS, ("answer", "answer", "answer", "offtopic", "person"), strict=True))
    return {mark: counts[m] / n[per[mark]] if n[per[mark]] else np.full(SHAPE, np.nan) for m, mark in enumerate(MARKS)}


def at(grid: dict[str, np.ndarray], t: Thresholds) -> dict[str, float | None]:
    """The grid's figures at these thresholds (each a value of its axis), rounded as `figures` rounds them."""
    index = (GAPS.index(t.clarify_gap), *(int(np.flatnonzero(np.isclose(values, getattr(t, name)))[0]) for name, values in AXES.items()))
    return {mark: None if np.isnan(v := float(grid[mark][index])) else round(v, 4) for mark in MARKS}


def _box_max(a: np.ndarray) -> np.ndarray:
    """Each point's largest value over itself and its neighbours: one step of each threshold axis, the same gap."""
    padded = np.pad(a, ((0, 0), (1, 1), (1, 1), (1, 1)), mode="edge")
    out = a.copy()
    for dc, dh, ds in product(range(3), repeat=3):
        out = np.maximum(out, padded[:, dc : dc + a.shape[1], dh : dh + a.shape[2], ds : ds + a.shape[3]])
    return out


@dataclass(frozen=True, slots=True)
class Choice:
    thresholds: Thresholds
    # by how much the targets were exceeded at the worst (0: every KB met every target, neighbours too)
    excess: float
    figures: dict[str, dict[str, float | None]]  # each KB's TUNE figures at the chosen point, from the grid


def choose(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> Choice:
    """The point of the grid chosen by the worst KB's criterion (the module's docstring)."""
    kbs = sorted({r["kb"] for r in records})
    grids = {kb: kb_grid([r for r in records if r["kb"] == kb], answer, choice) for kb in kbs}
    excess = np.zeros(SHAPE)
    for grid in grids.values():
        for mark, target in TARGETS.items():
            excess = np.fmax(excess, grid[mark] - target)  # (a KB with no off-topic cases: NaN, no excess)
    excess = _box_max(excess)  # a point passes only with its neighbours
    least = max(float(excess.min()), 0.0)
    worst = np.min([grid["right"] for grid in grids.values()], axis=0)
    score = np.where(excess <= least + 1e-9, worst, -1.0)
    g, c, h, sp = np.unravel_index(int(np.argmax(score)), score.shape)
    t = replace(Thresholds(), clarify_gap=GAPS[g], min_confidence=float(MIN_CONFIDENCE[c]), min_choice_confidence=float(MIN_CHOICE[h]),
                min_split_confidence=float(MIN_SPLIT[sp]))
    return Choice(thresholds=t, excess=round(least, 4), figures={kb: at(grid, t) for kb, grid in grids.items()})


def choose_thresholds(records: Sequence[dict[str, Any]], answer: LogisticModel, choice: LogisticModel) -> Thresholds:
    return choose(records, answer, choice).thresholds


def fit(records: Sequence[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel, Thresholds]:
    answer, choice = fit_models(records)
    return answer, choice, choose_thresholds(records, answer, choice)
