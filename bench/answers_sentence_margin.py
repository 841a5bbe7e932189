"""Scratch measurement: would the extractive answer's sentence agreement separate right from wrong?

    python bench/answers_sentence_margin.py RECORDS   # RECORDS from bench/bench_answers.py --records

For every recorded case, the question is embedded (the pipeline's model) with every sentence of its
top three retrieved documents (the three evaluation knowledge bases rebuilt from ../shared/data, as
bench/bench_answers.py builds them); two inputs are added to the gate's: the best sentence cosine of
the top document minus that of the better of the next two (`sentence_margin`), and the share of the
question's content words the top document has minus the better of the next two's (`word_margin`).
The gate is then fitted and scored exactly as bench/bench_answers_variants.py does. Not in the
pipeline (it would embed every sentence of three documents per question); measured to decide
whether it is worth putting there.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.bench_answers_variants as variants
from bench.datasets import write_bitext_kb, write_covid_kb
from bot.engine.answering import _sentences, content_words
from knowledge.embedding import FastEmbedder
from knowledge.loaders import SourceDoc, load_file
from policies import confidence
from policies.confidence import Evidence

SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"


def documents(folder: Path) -> dict[str, SourceDoc]:
    covid, _ = write_covid_kb(folder / "covid")
    bitext, _, _ = write_bitext_kb(folder / "bitext")
    found = {d.source: d for d in load_file(covid, covid.name)}
    for base, kb in ((bitext.name, bitext), (SAMPLE_KB.name, SAMPLE_KB)):
        for path in sorted(p for p in kb.iterdir() if p.suffix in {".md", ".csv"}):
            found.update((d.source, d) for d in load_file(path, f"{base}/{path.name}"))
    return found


def add_margins(records: list[dict[str, Any]], docs: dict[str, SourceDoc], embedder: FastEmbedder) -> None:
    """Writes the two margins into each record's evidence `named` field (no gate input reads it)."""
    spans, sentences = {}, []
    for source, doc in docs.items():
        units = [u for s in doc.sections for u in _sentences(s.text) if len(u) > 3][:60] or [doc.title]
        spans[source] = (len(sentences), len(sentences) + len(units), content_words(f"{doc.title} {' '.join(units)}"))
        sentences += units
    vectors = embedder.embed(sentences)
    questions = embedder.embed([r["question"] for r in records])
    for rec, q in zip(records, questions, strict=True):
        if rec["evidence"] is None:
            continue
        asked = content_words(rec["question"])
        best, cover = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        for n, source in enumerate(rec["retrieved"][:3]):
            if source in spans:
                a, b, words = spans[source]
                best[n] = float((vectors[a:b] @ q).max())
                cover[n] = len(asked & words) / len(asked) if asked else 0.0
        rec["evidence"]["named"] = [best[0] - max(best[1:]), cover[0] - max(cover[1:])]


def _with(*index: int) -> Any:
    def values(e: Evidence) -> list[float]:
        extra = list(e.named) + [0.0, 0.0]
        return confidence.features(e) + [extra[i] for i in index]

    return variants._with_features(values)


def main() -> int:
    records = json.loads(Path(sys.argv[1]).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    embedder = FastEmbedder(cache_dir=Path(tempfile.gettempdir()) / "supportbot-bench-models")
    add_margins(records, docs, embedder)
    print("right / wrong / clarified / off-topic answered (as bench/bench_answers_variants.py)")
    for name, changes in (("shipped", ()), ("sentence_margin", _with(0)), ("word_margin", _with(1)), ("both", _with(0, 1))):
        with variants.patched(*changes):
            rows = variants.score(records)
        print(f"{name:16s} " + "   ".join(f"{k}: {variants._row(f)}" for k, f in rows.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
