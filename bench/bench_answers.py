"""Answered right, answered wrong, clarified, handed over: on three knowledge bases, tuned on one split, reported on another.

    python bench/bench_answers.py [--fit] [--records FILE] [--json]

Knowledge bases (built from ../shared/data into a throwaway data dir, nothing copied into the repo):
- `sample`: the sample help center (knowledge/sample_kb), cases bench/cases/sample_kb.jsonl (its
  `no_answer` handoff cases are off-topic, its `customer_request` ones requests for a person);
- `covid`: the 213 COVID-QA FAQ entries, its 244 paraphrases as cases;
- `bitext`: one article per Bitext intent (title from the intent, body from three of its canned
  responses), 16 other requests per intent as cases; `contact_human_agent` requests are requests for
  a person (no article); `contact_customer_service` has an article but no cases (answering it and
  handing over are both right).
Off-topic cases: CLINC150's out-of-scope requests (1,200, dealt to the three KBs in turn) and
cross-KB questions (COVID paraphrases asked of `sample` and `bitext`; `sample` and `bitext`
questions asked of `covid`; `sample` and `bitext` are both customer-account help centers, so
their questions are not off-topic for each other and are not crossed).

Splits: each case is TUNE or REPORT by a fixed hash of (kb, question) (`split_of`), about half each.

What was chosen on which data (all on TUNE only; REPORT and the held-out KB never):
- the weights of `ANSWER_MODEL` and `CHOICE_MODEL` in policies/confidence.py: logistic regressions
  fitted with `--fit` on the TUNE split of all three KBs;
- the default thresholds in bot/settings.py (`min_confidence`, `min_choice_confidence`,
  `clarify_gap`): the grid search of `--fit` on the same TUNE split, maximizing "right" (an answer
  from a right article, or a clarification offering one) subject to, pooled over the three KBs,
  answered wrong <= 0.05, off-topic not handed over <= 0.05 and clarified <= 0.15 of answerable
  (pooled: COVID-QA's error can hide under Bitext's, see the per-KB rows below);
- the features of the models (policies/confidence.py `features`): among variants fitted the same
  way, the one with the highest pooled right on TUNE (0.675; plain gaps only 0.655, without the
  background 0.650; six variants). How each variant decides the questions of
  tests/policies/test_gate.py was printed alongside, so it was seen; the choice follows the TUNE
  figure, and two of the six answer those questions (the chosen one, and the same without plain gaps);
- knowledge/profile.py's rule that an FAQ row and the article it links to are one article: a
  reading of how the sample help center is built (its rows link to its articles), not a fit;
- leave-one-KB-out: for each KB, models and thresholds fitted the same way on the TUNE split of the
  other two, then reported on all of the held-out KB's cases (replayed from the recorded evidence
  with `policies.confidence.decide`, the function the pipeline uses).
`min_dense` (0.40) and everything before the confidence gate were chosen earlier on other data
(bench_quality, bench_retrieval) and are not changed here.

- the ordering's word signals (knowledge/retrieval.py `coverage`, `name_coverage`): top-1 on the
  answerable TUNE cases, bench/bench_retrieval_kbs.py; read by the models as extra features they
  lowered TUNE right (0.709 -> 0.701), so the models keep the ten features; features normalised by the
  profile's spread were +0.006 (two cases) at best, within noise, not adopted.

Figures (`python bench/bench_answers.py --records /tmp/ans/final.json`, recorded with the shipped
retrieval, models and defaults; the replay agrees with the pipeline on 99.94% of cases):

    REPORT split, as shipped   right  wrong  clarified  handed over  off-topic answered  person handed over
      sample  (37 / 116)       0.811  0.000  0.189      0.135        0.060               1.00 (4)
      covid   (125 / 142)      0.720  0.088  0.208      0.120        0.000               -
      bitext  (198 / 114)      0.773  0.035  0.141      0.182        0.026               1.00 (90)
      pooled  (360 / 372)      0.758  0.050  0.169      0.156        0.027               1.00 (94)
    leave one KB out (tuned on the other two KBs' TUNE, reported on all of the held-out KB)
      sample  (70 / 247)       0.643  0.000  0.114      0.300        0.032               1.00
      covid   (244 / 300)      0.754  0.197  0.103      0.029        0.010               -
      bitext  (400 / 230)      0.520  0.018  0.055      0.460        0.004               1.00
    TUNE split (training score): pooled right 0.709, wrong 0.048, clarified 0.150, off-topic 0.007;
      one Bitext request for a person of 71 not handed over (0.986).

Before the word signals (same bench, same split): REPORT pooled right 0.708, wrong 0.053, clarified
0.169, off-topic 0.022; leave one out sample 0.771 / 0.014, covid 0.775 / 0.156, bitext 0.555 / 0.015
(right / wrong). So REPORT gained 5 points of right, and leave-one-out lost (pooled over the three held-out
KBs right 0.651 -> 0.612, wrong 0.063 -> 0.077): the thresholds a fit on two KBs picks move a lot with
small changes of their records (sample held out: 0.775/0.8/0.14 -> 0.8/0.45/0.1).

Not met: right >= 0.80 except the sample KB on REPORT; COVID-QA's wrong (0.088 REPORT, 0.197 held out)
and clarified (0.208) are above the goals, and the pooled REPORT clarified (0.169) too.

Printed: the pipeline as shipped on REPORT (per KB and all), the same on TUNE (a training score,
labelled so), and the leave-one-KB-out figures. `--records FILE` keeps the per-case results
(JSON) so `--fit` can be rerun without asking every question again.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import (  # noqa: E402
    clinc_out_of_scope,
    covid_questions,
    sample_cases,
    shared_data_missing,
    write_bitext_kb,
    write_covid_kb,
)
from bot.settings import Thresholds  # noqa: E402
from policies.confidence import ANSWER_MODEL, CHOICE_MODEL, Evidence, LogisticModel, Verdict, decide, features  # noqa: E402

TENANTS = "[tenants.default]\n[tenants.covid]\n[tenants.bitext]\n"
KB_TENANT = {"sample": "default", "covid": "covid", "bitext": "bitext"}
KBS = tuple(KB_TENANT)
SEED = 15
GOALS = {"right_min": 0.80, "wrong_max": 0.05, "offtopic_answered_max": 0.05, "person_handed_over_min": 0.97, "clarified_max": 0.15}
TARGETS = {"wrong": 0.05, "offtopic": 0.05, "clarified": 0.15}  # what --fit allows on TUNE


@dataclass(frozen=True, slots=True)
class BenchCase:
    kb: str
    kind: str  # "answer" | "offtopic" | "person"
    question: str
    sources: tuple[str, ...] = ()

    @property
    def split(self) -> str:
        return split_of(self.kb, self.question)


def split_of(kb: str, question: str) -> str:
    digest = hashlib.sha256(f"{SEED}|{kb}|{question}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def build_cases(folder: Path) -> tuple[list[BenchCase], dict[str, Path]]:
    rng = random.Random(SEED)
    covid_kb, covid = write_covid_kb(folder / "covid")
    bitext_kb, bitext, person = write_bitext_kb(folder / "bitext")
    cases = [BenchCase("covid", "answer", c.question, c.sources) for c in covid]
    cases += [BenchCase("bitext", "answer", c.question, c.sources) for c in bitext]
    cases += [BenchCase("bitext", "person", q) for q in person]
    sample = sample_cases()
    for c in sample:
        kind = "answer" if c.expect == "answer" else "person" if c.reason == "customer_request" else "offtopic"
        cases.append(BenchCase("sample", kind, c.question, c.sources))
    oos = clinc_out_of_scope()
    rng.shuffle(oos)
    for n, kb in enumerate(KBS):
        cases += [BenchCase(kb, "offtopic", q) for q in oos[n * 150 : (n + 1) * 150]]
    covid_qs = covid_questions()
    rng.shuffle(covid_qs)
    cases += [BenchCase("sample", "offtopic", q) for q in covid_qs[:80]]
    cases += [BenchCase("bitext", "offtopic", q) for q in covid_qs[80:160]]
    cases += [BenchCase("covid", "offtopic", c.question) for c in sample if c.expect == "answer"]
    bitext_qs = [c.question for c in bitext]
    rng.shuffle(bitext_qs)
    cases += [BenchCase("covid", "offtopic", q) for q in bitext_qs[:80]]
    return cases, {"covid": covid_kb, "bitext": bitext_kb}


async def record(folder: Path) -> list[dict[str, Any]]:
    from bot.pipeline import Identity
    from bot.services import build_services
    from bot.settings import Settings

    cases, kbs = build_cases(folder / "kb")
    (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")})
    services = build_services(settings)
    services.start()
    try:
        for tenant in ("covid", "bitext"):
            services.ingestor.ingest([kbs[tenant]], tenant=tenant, display_base=kbs[tenant].parent)
            services.after_ingest(tenant)
        records = []
        for case in cases:
            result = await services.assistant.ask(case.question, identity=Identity(tenant=KB_TENANT[case.kb], user="bench", channel="bench"))
            records.append({
                "kb": case.kb, "kind": case.kind, "question": case.question, "sources": list(case.sources), "split": case.split,
                "outcome": result.outcome.value, "reason": result.handoff_reason.value if result.handoff_reason else None,
                "cited": result.citations[0].source if result.citations else None, "options": [o.source for o in result.options],
                "retrieved": result.details.get("retrieved", []), "evidence": result.details.get("evidence"),
                "latency_ms": round(result.latency_ms, 2),
            })
        return records
    finally:
        services.close()


# replaying recorded evidence under other models and thresholds -------------------------------
def _values(evidence: dict[str, Any]) -> list[float]:
    return features(Evidence.from_json(evidence))


def rescore(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel) -> Evidence | None:
    """The recorded evidence with these models' probabilities (None: the gate never saw this case)."""
    e = rec["evidence"]
    if e is None or not e["relevance"]:
        return None
    values = _values(e)
    return replace(
        Evidence.from_json(e), confidence=0.2 if e["capped"] else answer.probability(values),
        choice_confidence=0.2 if e["capped"] else choice.probability(values),
    )


def decided(rec: dict[str, Any], evidence: Evidence | None, thresholds: Thresholds) -> tuple[str, list[str]]:
    """(outcome, cited or offered sources) as the pipeline decides with these thresholds."""
    if evidence is None:  # stopped before the confidence gate (a person request, a human-only topic) or nothing found
        return (rec["outcome"], []) if rec["evidence"] is None else ("handoff", [])
    verdict, picked = decide(evidence, thresholds)
    if verdict is Verdict.ANSWER:
        return "answer", rec["retrieved"][:1]
    if verdict is Verdict.CLARIFY:
        return "clarify", [rec["retrieved"][n] for n in picked if n < len(rec["retrieved"])]
    return "handoff", []


def replay(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel, thresholds: Thresholds) -> tuple[str, list[str]]:
    return decided(rec, rescore(rec, answer=answer, choice=choice), thresholds)


def shipped(rec: dict[str, Any]) -> tuple[str, list[str]]:
    if rec["outcome"] == "answer":
        return "answer", [rec["cited"]] if rec["cited"] else []
    if rec["outcome"] == "clarify":
        return "clarify", rec["options"]
    return rec["outcome"], []


def figures(pairs: Iterable[tuple[dict[str, Any], tuple[str, list[str]]]]) -> dict[str, Any]:
    n = {"answer": 0, "offtopic": 0, "person": 0}
    right = wrong = clarified = clarified_right = handed = off_not_handed = person_handed = 0
    for rec, (outcome, sources) in pairs:
        n[rec["kind"]] += 1
        if rec["kind"] == "answer":
            hit = bool(set(sources) & set(rec["sources"]))
            if outcome == "answer":
                right += hit
                wrong += not hit
            elif outcome == "clarify":
                clarified += 1
                clarified_right += hit
                right += hit
            else:
                handed += 1
        elif rec["kind"] == "offtopic":
            off_not_handed += outcome != "handoff"
        else:
            person_handed += outcome == "handoff"

    def share(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "answerable": n["answer"], "right": share(right, n["answer"]), "wrong": share(wrong, n["answer"]),
        "clarified": share(clarified, n["answer"]), "clarified_with_right_option": share(clarified_right, n["answer"]),
        "handed_over": share(handed, n["answer"]), "offtopic": n["offtopic"], "offtopic_answered": share(off_not_handed, n["offtopic"]),
        "person": n["person"], "person_handed_over": share(person_handed, n["person"]),
    }


# fitting (TUNE only) -----------------------------------------------------------------------
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


def fit(records: Sequence[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel, Thresholds]:
    gated = [r for r in records if r["evidence"] is not None and r["evidence"]["relevance"] and not r["evidence"]["capped"]]
    x = np.array([_values(r["evidence"]) for r in gated])
    top1 = np.array([float(r["kind"] == "answer" and bool(set(r["retrieved"][:1]) & set(r["sources"]))) for r in gated])
    topk = np.array([float(r["kind"] == "answer" and bool(set(r["retrieved"][:3]) & set(r["sources"]))) for r in gated])
    answer, choice = fit_logistic(x, top1), fit_logistic(x, topk)
    best: tuple[float, Thresholds] | None = None
    scored = [(r, rescore(r, answer=answer, choice=choice)) for r in records]
    for min_conf in np.arange(0.30, 0.96, 0.025):
        for min_choice in np.arange(0.30, 0.96, 0.05):
            for gap in (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.14, 0.18):
                t = replace(Thresholds(), min_confidence=round(float(min_conf), 3), min_choice_confidence=round(float(min_choice), 3),
                            clarify_gap=gap)
                f = figures((r, decided(r, e, t)) for r, e in scored)  # pooled over the KBs given
                if (f["wrong"] or 0) > TARGETS["wrong"] or (f["offtopic_answered"] or 0) > TARGETS["offtopic"] or (
                        f["clarified"] or 0) > TARGETS["clarified"]:
                    continue
                if best is None or (f["right"] or 0) > best[0]:
                    best = (f["right"] or 0, t)
    if best is None:
        raise SystemExit("no thresholds meet the targets on TUNE")
    return answer, choice, best[1]


def print_table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    print(f"== {title}")
    cols = ("answerable", "right", "wrong", "clarified", "handed_over", "offtopic", "offtopic_answered", "person", "person_handed_over")
    print("  " + f"{'':<8}" + "".join(f"{c:>19}" for c in cols))
    for name, f in rows.items():
        print("  " + f"{name:<8}" + "".join(f"{'-' if f[c] is None else f[c]:>19}" for c in cols))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit models and thresholds on TUNE and print them (for the code)")
    parser.add_argument("--records", type=Path, default=None, help="reuse (or write) the per-case results here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    started = time.perf_counter()
    if args.records and args.records.exists():
        records = json.loads(args.records.read_text())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            records = asyncio.run(record(Path(tmp)))
        if args.records:
            args.records.write_text(json.dumps(records))
    out: dict[str, Any] = {"goals": GOALS}
    for split in ("report", "tune"):
        rows = {kb: figures((r, shipped(r)) for r in records if r["split"] == split and r["kb"] == kb) for kb in KBS}
        rows["all"] = figures((r, shipped(r)) for r in records if r["split"] == split)
        out[f"shipped_{split}"] = rows
    # the replay must agree with the pipeline, or the leave-one-out figures would not be the pipeline's
    shipped_thresholds = Thresholds()
    agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in records)
    out["replay_agrees_with_pipeline"] = round(agree / len(records), 4)
    loko: dict[str, Any] = {}
    for held in KBS:
        answer, choice, t = fit([r for r in records if r["kb"] != held and r["split"] == "tune"])
        loko[held] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["kb"] == held)
        loko[held]["tuned"] = {"min_confidence": t.min_confidence, "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap}
    out["leave_one_kb_out"] = loko
    latencies = sorted(r["latency_ms"] for r in records)
    out["latency_ms"] = {"p50": latencies[len(latencies) // 2], "p99": latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]}
    if args.fit:
        answer, choice, t = fit([r for r in records if r["split"] == "tune"])
        out["fitted_on_tune"] = {"features": list(_feature_names()), "ANSWER_MODEL": [answer.bias, list(answer.weights)],
                                 "CHOICE_MODEL": [choice.bias, list(choice.weights)], "min_confidence": t.min_confidence,
                                 "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap}
        rows = {kb: figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["split"] == "report" and r["kb"] == kb)
                for kb in KBS}
        rows["all"] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["split"] == "report")
        out["fitted_replayed_on_report"] = rows
    out["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"goals: {GOALS}")
    print_table("as shipped, REPORT split (never tuned on)", out["shipped_report"])
    print_table("as shipped, TUNE split (training score: what the defaults were chosen on)", out["shipped_tune"])
    print_table("leave one KB out: tuned on the other two KBs' TUNE split, reported on all of this KB", loko)
    for kb, f in loko.items():
        print(f"  {kb} held out, thresholds tuned: {f['tuned']}")
    if args.fit:
        print_table("fitted now on TUNE, replayed on REPORT", out["fitted_replayed_on_report"])
        print("fitted on TUNE (put into policies/confidence.py and bot/settings.py):")
        print("  " + json.dumps(out["fitted_on_tune"]))
    print(f"replay agrees with the pipeline on {out['replay_agrees_with_pipeline']:.2%} of cases; "
          f"ask latency p50 {out['latency_ms']['p50']} ms, p99 {out['latency_ms']['p99']} ms; {out['seconds']} s")
    return 0


def _feature_names() -> tuple[str, ...]:
    from policies.confidence import FEATURES

    return FEATURES


if __name__ == "__main__":
    raise SystemExit(main())
