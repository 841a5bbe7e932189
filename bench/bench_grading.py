"""How far the local grader (policies/grading.py) agrees with labels of right and wrong answers.

    python bench/bench_grading.py [--records FILE] [--json]

Labelled answers: the bot is made to answer every question (a tenant whose gate answers everything:
`min_dense = 0`, `min_confidence = 0`, clarification off), so wrong answers occur as well as right
ones. The labels come from the data, not from the grader: an answer to an answerable question is
right when the article it cites is one the case names (bench/cases/sample_kb.jsonl, written by hand
for the sample help center; COVID-QA's paraphrase pairs, ../shared/data/kb/covid_qa), and an answer
to an off-topic question (CLINC150's out-of-scope requests, 60 per knowledge base) is wrong.

The grader's call: "right" when `relevance` (the share of the question's content words found in the
answer or its cited passages) reaches a threshold. The threshold is chosen on the TUNE split (the
same fixed hash of (kb, question) as bench/bench_answers.py) by accuracy; agreement is reported on
the REPORT split: accuracy, Cohen's kappa, and the confusion counts, beside always saying "right".
`support` is printed too: extractive answers copy their cited passage, so support says little about
right and wrong here (it catches invented sentences, which an extractive answer has none of).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_answers import SEED, split_of
from bench.datasets import (
    clinc_out_of_scope,
    sample_cases,
    shared_data_missing,
    write_covid_kb,
)

ANSWER_ALL = "[thresholds]\nmin_dense = 0.0\nmin_confidence = 0.0\nmin_choice_confidence = 1.0\n"
TENANTS = "".join(f"[tenants.{t}]\n" + ANSWER_ALL.replace("[thresholds]", f"[tenants.{t}.thresholds]") for t in ("default", "covid"))
OFFTOPIC_PER_KB = 60


def cases(folder: Path) -> tuple[list[dict[str, Any]], Path]:
    covid_kb, covid = write_covid_kb(folder / "covid")
    out = [{"kb": "covid", "kind": "answer", "question": c.question, "sources": list(c.sources)} for c in covid]
    out += [{"kb": "sample", "kind": "answer", "question": c.question, "sources": list(c.sources)} for c in sample_cases() if c.expect == "answer"]
    oos = clinc_out_of_scope()
    random.Random(SEED).shuffle(oos)
    for n, kb in enumerate(("sample", "covid")):
        out += [{"kb": kb, "kind": "offtopic", "question": q, "sources": []} for q in oos[n * OFFTOPIC_PER_KB:(n + 1) * OFFTOPIC_PER_KB]]
    return out, covid_kb


async def record(folder: Path) -> list[dict[str, Any]]:
    from bot.app.composition import build_services
    from bot.core.config import Settings
    from bot.engine.pipeline import Identity
    from bot.engine.release_gate import local_grade

    todo, covid_kb = cases(folder / "kb")
    (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
    settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml")})
    services = build_services(settings)
    services.start()
    try:
        services.ingestor.ingest([covid_kb], tenant="covid", display_base=covid_kb.parent)
        services.after_ingest("covid")
        records = []
        for case in todo:
            tenant = "default" if case["kb"] == "sample" else "covid"
            result = await services.assistant.ask(case["question"], identity=Identity(tenant=tenant, user="bench", channel="bench"))
            if result.outcome.value != "answer":  # a request for a person, a human-only topic: not an answer to label
                continue
            cited = [c.source for c in result.citations]
            label = case["kind"] == "answer" and bool(cited) and cited[0] in case["sources"]
            grade = local_grade(result)
            texts = result.details.get("passage_texts") or {}
            records.append({**case, "split": split_of(case["kb"], case["question"]), "label_right": label, "cited": cited,
                            "grade": grade.to_json() if grade else None, "answer": result.answer,
                            "passages": {source: texts[source] for source in cited if source in texts}})
        return records
    finally:
        services.close()


def labelled_answers(path: Path | None) -> list[dict[str, Any]]:
    """The labelled answers, recorded now or read back from `path` (written there when it does not exist yet)."""
    if path and path.exists():
        records = json.loads(path.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory() as scratch:
            records = asyncio.run(record(Path(scratch)))
        if path:
            path.write_text(json.dumps(records), encoding="utf-8")
    return [r for r in records if r["grade"]]


def agreement(records: list[dict[str, Any]], threshold: float | None = None, *,
              says_right: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """How far a call of "right" agrees with the labels: the local grader's relevance reaching `threshold`,
    or any other rule (`says_right`, e.g. a judge's grade; bench/bench_judge.py)."""
    if says_right is None:
        assert threshold is not None
        says_right = lambda r: r["grade"]["relevance"] >= threshold
    called = [says_right(r) for r in records]
    tp = sum(1 for r, c in zip(records, called, strict=True) if c and r["label_right"])
    fp = sum(1 for r, c in zip(records, called, strict=True) if c and not r["label_right"])
    fn = sum(1 for r, c in zip(records, called, strict=True) if not c and r["label_right"])
    tn = len(records) - tp - fp - fn
    n = len(records) or 1
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 0.0
    return {"n": len(records), "accuracy": round(observed, 3), "kappa": round(kappa, 3),
            "grader_right_label_right": tp, "grader_right_label_wrong": fp, "grader_wrong_label_right": fn, "grader_wrong_label_wrong": tn,
            "always_right_accuracy": round(sum(r["label_right"] for r in records) / n, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, help="keep the labelled answers here (read back when it exists)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if (missing := shared_data_missing()) is not None:
        print(missing, file=sys.stderr)
        return 2
    records = labelled_answers(args.records)
    tune = [r for r in records if r["split"] == "tune"]
    report = [r for r in records if r["split"] == "report"]
    steps = [n / 20 for n in range(21)]
    chosen = max(steps, key=lambda t: (agreement(tune, t)["accuracy"], -t))
    out = {"labelled": len(records), "right": sum(r["label_right"] for r in records), "threshold_chosen_on_tune": chosen,
           "tune_training_score": agreement(tune, chosen), "report": agreement(report, chosen),
           "report_per_kb": {kb: agreement([r for r in report if r["kb"] == kb], chosen) for kb in ("sample", "covid")},
           "mean_support": {lab: round(sum(r["grade"]["support"] for r in records if r["label_right"] == lab)
                                       / max(1, sum(r["label_right"] == lab for r in records)), 3) for lab in (True, False)}}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"labelled answers: {out['labelled']} ({out['right']} right); relevance threshold chosen on TUNE: {chosen}")
    for name in ("tune_training_score", "report"):
        a = out[name]
        print(f"  {name:<20} n {a['n']:>4}  accuracy {a['accuracy']:.3f}  kappa {a['kappa']:.3f}  (always 'right': {a['always_right_accuracy']:.3f})  "
              f"TP {a['grader_right_label_right']} FP {a['grader_right_label_wrong']} FN {a['grader_wrong_label_right']} TN {a['grader_wrong_label_wrong']}")
    for kb, a in out["report_per_kb"].items():
        print(f"  report {kb:<13} n {a['n']:>4}  accuracy {a['accuracy']:.3f}  kappa {a['kappa']:.3f}")
    print(f"  mean support: labelled right {out['mean_support'][True]}, labelled wrong {out['mean_support'][False]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
