"""Answered right, answered wrong, clarified, handed over: on three knowledge bases, tuned on one split, reported on another.

    python bench/bench_answers.py [--fit [--adopt]] [--records FILE [--probes FILE]] [--failures] [--json]

`--probes FILE` (when the records are being written): each knowledge base is also asked its own
probe questions (bench/answers_probes.py: titles, headings, lead sentences, general off-topic
questions written for the bench), kept apart from the cases, for the self-calibration experiments
of bench/answers_probes.py.

Knowledge bases: sample, covid, bitext, kb7, kb9 and kb15 fitted on (TUNE / REPORT), kb4 to kb14 but kb7 and kb9,
and kb16 REPORT only; each is described in bench/answers_kbs.py's docstring (where it comes from, its confused pairs and cases,
when it was written and committed).
Off-topic cases: CLINC150's out-of-scope requests (1,200, dealt to the three KBs in turn) and
cross-KB questions (COVID paraphrases asked of `sample` and `bitext`; `sample` and `bitext`
questions asked of `covid`; `sample` and `bitext` are both customer-account help centers, so
their questions are not off-topic for each other and are not crossed).

Splits: each case is TUNE or REPORT by a fixed hash of (kb, question) (`split_of`), about half each.

What was chosen on which data, and the dated history of this bench's figures (what was measured, when, on which
branch and data), are in docs/measurements/answers.md.
The knowledge bases and cases are built in bench/answers_kbs.py, the cases asked and kept as records in
bench/answers_recording.py, the figures counted and printed in bench/answers_report.py; every name of
theirs is still importable from here.

`offtopic_said_back`: of the off-topic questions, the share answered with no article (a greeting or farewell said back
before any search, policies/pleasantries.py: "good morning!", "ok bye", "???"); they stay counted in `offtopic_answered`
(the goal's figure), this column only says how many of them no article answered.

Printed: the pipeline as shipped on REPORT (per KB and all), the same on TUNE (a training score,
labelled so), the leave-one-KB-out figures, and kb4's and kb5's (with `--failures`, their misses by cause). `--records FILE` keeps the per-case results
(JSON) so `--fit` can be rerun without asking every question again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_adopt import adopt
from bench.answers_fit import TARGETS, choose, fit, fit_models
from bench.answers_kbs import (  # noqa: F401  (re-exported: other benches import them from here)
    KB4,
    KB4_CLINC,
    KB4_COVID,
    KB5,
    KB5_CLINC,
    KB6,
    KB6_CLINC,
    KB7,
    KB7_CLINC,
    KB8,
    KB8_CLINC,
    KB9,
    KB10,
    KB11,
    KB12,
    KB13,
    KB14,
    KB15,
    KB16,
    KB_TENANT,
    KBS,
    LATE_REPORT_ONLY,
    SEED,
    TENANTS,
    BenchCase,
    build_cases,
    build_kb4_cases,
    build_kb5_cases,
    build_kb6_cases,
    build_kb8_cases,
    build_kb10_cases,
    build_kb11_cases,
    build_kb12_cases,
    build_kb13_cases,
    build_kb14_cases,
    build_kb16_cases,
    report_only_path,
    split_of,
)
from bench.answers_recording import _asked, record  # noqa: F401  (_asked re-exported)
from bench.answers_replay import decided, replay, rescore, shipped  # noqa: F401  (re-exported)
from bench.answers_report import cause, figures, print_failures, print_table  # noqa: F401  (re-exported)
from bench.datasets import shared_data_missing
from bot.core.config import Thresholds
from policies.confidence import ANSWER_MODEL, CHOICE_MODEL, LogisticModel

GOALS = {"right_min": 0.80, "wrong_max": 0.05, "offtopic_answered_max": 0.05, "person_handed_over_min": 0.97, "clarified_max": 0.15}


def report_only_figures(kb4: list[dict[str, Any]], fits: dict[str, tuple[LogisticModel, LogisticModel, Thresholds]]) -> dict[str, Any]:
    """kb4's figures on its own cases, as shipped and under each fit given (none of them saw kb4), and
    the off-topic questions from elsewhere (CLINC150, COVID-QA) answered."""
    own = [r for r in kb4 if r["origin"] == "own"]
    rows = {"shipped": figures((r, shipped(r)) for r in own)}
    for name, (answer, choice, t) in fits.items():
        rows[name] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in own)
    other = {origin: figures((r, shipped(r)) for r in kb4 if r["origin"] == origin)["offtopic_answered"]
             for origin in ("clinc", "covid") if any(r["origin"] == origin for r in kb4)}
    return {"rows": rows, "other_offtopic_answered_shipped": other}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit models and thresholds on TUNE and print them (for the code)")
    parser.add_argument("--adopt", action="store_true", help="with --fit: write the fitted models and defaults into the code (bench/answers_adopt.py)")
    parser.add_argument("--records", type=Path, default=None, help="reuse (or write) the per-case results here")
    parser.add_argument("--probes", type=Path, default=None, help="with --records being written: ask the KBs' probe questions too, keep them here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--failures", action="store_true", help="list kb4's and kb5's answerable questions not answered right, by cause")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    started = time.perf_counter()
    kept: dict[str, list[dict[str, Any]]] = {kb: [] for kb in (KB4, KB5, KB6, KB8, KB10, KB11, KB12, KB13, KB14, KB16)}
    report_only = tuple(kept.items())
    if args.records and args.records.exists():
        records = json.loads(args.records.read_text())
        for kb, recs in report_only:  # (records written before a report-only KB was added have none of it)
            if report_only_path(args.records, kb).exists():
                recs.extend(json.loads(report_only_path(args.records, kb).read_text()))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            probes: list[dict[str, Any]] | None = [] if args.probes else None
            records = asyncio.run(record(Path(tmp), probes=probes, report_only=kept[KB4], report_only_kb5=kept[KB5],
                                         report_only_kb6=kept[KB6], report_only_kb8=kept[KB8], report_only_kb10=kept[KB10],
                                         report_only_kb11=kept[KB11], report_only_kb12=kept[KB12], report_only_kb13=kept[KB13],
                                         report_only_kb14=kept[KB14], report_only_kb16=kept[KB16]))
            if args.probes:
                args.probes.write_text(json.dumps(probes))
        if args.records:
            args.records.write_text(json.dumps(records))
            for kb, recs in report_only:
                report_only_path(args.records, kb).write_text(json.dumps(recs))
    out: dict[str, Any] = {"goals": GOALS}
    for split in ("report", "tune"):
        rows = {kb: figures((r, shipped(r)) for r in records if r["split"] == split and r["kb"] == kb) for kb in KBS}
        rows["all"] = figures((r, shipped(r)) for r in records if r["split"] == split)
        out[f"shipped_{split}"] = rows
    # the replay must agree with the pipeline, or the leave-one-out figures would not be the pipeline's
    shipped_thresholds = Thresholds()
    agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in records)
    out["replay_agrees_with_pipeline"] = round(agree / len(records), 4)
    for kb, recs in report_only:
        if recs:
            agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in recs)
            out[f"replay_agrees_with_pipeline_{kb}"] = round(agree / len(recs), 4)
    loko: dict[str, Any] = {}
    fits = {}
    for held in KBS:
        answer, choice, t = fits[held] = fit([r for r in records if r["kb"] != held and r["split"] == "tune"])
        loko[held] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["kb"] == held)
        loko[held]["tuned"] = {"min_confidence": t.min_confidence, "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap,
                               "min_split_confidence": t.min_split_confidence}
    held_out = [(r, replay(r, answer=m[0], choice=m[1], thresholds=m[2])) for held, m in fits.items() for r in records if r["kb"] == held]
    loko["pooled"] = figures(held_out) | {"tuned": "-"}
    out["leave_one_kb_out"] = loko
    # the fit on every fitted-on KB's TUNE cases (bench/answers_fit.py): the models, then the grid's point
    tune = [r for r in records if r["split"] == "tune"]
    answer, choice = fit_models(tune)
    chosen = choose(tune, answer, choice)
    on_tune = (answer, choice, chosen.thresholds)
    # the grid's figures are the replay's (tests/bench/test_answers_fit.py): checked here too, on the real records, at the chosen point
    fitted_tune = {kb: figures((r, replay(r, answer=answer, choice=choice, thresholds=chosen.thresholds)) for r in tune if r["kb"] == kb)
                   for kb in KBS}
    if any(fitted_tune[kb][mark] != value for kb, f in chosen.figures.items() for mark, value in f.items()):
        raise SystemExit(f"the fit's grid and the replay disagree on the TUNE cases: {chosen.figures} against {fitted_tune}")
    if any(recs for _, recs in report_only):  # reported only: the shipped gate, a fit on all the fitted-on KBs' TUNE, and each leave-one-out fit
        for kb, recs in report_only:
            if recs:
                out[kb] = report_only_figures(recs, {"fit on TUNE": on_tune, **{f"fit w/o {held}": m for held, m in fits.items()}})
    latencies = sorted(r["latency_ms"] for r in records)
    out["latency_ms"] = {"p50": latencies[len(latencies) // 2], "p99": latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]}
    if args.fit:
        t = chosen.thresholds
        out["fitted_on_tune"] = {"features": list(_feature_names()), "ANSWER_MODEL": [answer.bias, list(answer.weights)],
                                 "CHOICE_MODEL": [choice.bias, list(choice.weights)], "min_confidence": t.min_confidence,
                                 "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap,
                                 "min_split_confidence": t.min_split_confidence, "excess_over_targets": chosen.excess}
        print(f"the targets {TARGETS} exceeded by at most {chosen.excess} on any KB's TUNE cases at the point chosen", file=sys.stderr)
        out["fitted_on_tune_figures"] = fitted_tune | {"all": figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in tune)}
        if args.adopt:
            adopt(answer, choice, t)
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
    for kb, f in ((kb, f) for kb, f in loko.items() if kb in KBS):
        print(f"  {kb} held out, thresholds tuned: {f['tuned']}")
    for kb, recs in report_only:
        if not recs:
            continue
        print_table(f"{kb} (bench/{kb}, REPORT only, never fitted on): its own cases as shipped, then replayed under fits on the other KBs' TUNE",
                    out[kb]["rows"])
        print(f"  {kb} off-topic answered as shipped, questions from elsewhere: {out[kb]['other_offtopic_answered_shipped']}; "
              f"replay agrees with the pipeline on {out[f'replay_agrees_with_pipeline_{kb}']:.2%}")
        if args.failures:
            print(f"== {kb} as shipped: answerable questions not answered right, by cause; off-topic questions not handed over")
            print_failures((r, shipped(r)) for r in recs if r["origin"] == "own")
    if args.fit:
        print_table("fitted now on TUNE, replayed on TUNE (training score: what the fit chose on; the grid's figures)",
                    out["fitted_on_tune_figures"])
        print_table("fitted now on TUNE, replayed on REPORT", out["fitted_replayed_on_report"])
        print("fitted on TUNE (put into policies/confidence.py and bot/core/config.py):")
        print("  " + json.dumps(out["fitted_on_tune"]))
    print(f"replay agrees with the pipeline on {out['replay_agrees_with_pipeline']:.2%} of cases; "
          f"ask latency p50 {out['latency_ms']['p50']} ms, p99 {out['latency_ms']['p99']} ms; {out['seconds']} s")
    return 0


def _feature_names() -> tuple[str, ...]:
    from policies.confidence import FEATURES

    return FEATURES


if __name__ == "__main__":
    raise SystemExit(main())
