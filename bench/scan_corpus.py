"""A generated store of many DISTINCT chunks, embedded as the store blends them, for bench/bench_scan_recall.py.

    python bench/scan_corpus.py OUT_DIR [--chunks 100000] [--per-document 10] [--seed 29]

bench/bench_growth.py `--replicate` copies ~1k chunks many times: its vectors are near-duplicates, which
says little about the approximate search of a store of distinct chunks. Here every chunk is its own mix:
sentences recombined from different articles and sources (the sample help center, bench/kb4-kb16, COVID-QA
answers, Bitext responses under ../shared/data), their numbers replaced and a generated product name woven
in. Quality of text is not the point, distinctness of the vectors is. `--per-document` chunks share one
document's title and lead (its first sentence), as an ingested article's chunks do.

The vectors are the store's blend (knowledge/store.py `_blend`: 0.5 x chunk + 0.75 x title + 0.75 x lead)
of the bundled embedder's vectors, embedded 32 texts a call (the product embeds one text a call; batched
int8 vectors differ from those by cosine ~0.98, which changes nothing about the recall of a search over
them, and is ~2x faster here). Embeddings are cached in OUT_DIR a block at a time (`blocks/`), so a run
cut short keeps what it embedded and the next run goes on from there; `OUT_DIR/blend.npy` holds the
blended vectors of every complete document so far.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
BLOCK = 2000  # texts embedded and cached at a time
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NUMBER = re.compile(r"\b\d+\b")
_SYLLABLES = ("ka", "lo", "mer", "vin", "sta", "qu", "ro", "tel", "bra", "no", "zen", "fi", "dor", "pla", "cor", "mi")
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")


def _article_sentences(path: Path) -> tuple[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((line.lstrip("# ").strip() for line in lines if line.startswith("# ")), path.stem.replace("-", " "))
    body = " ".join(line.strip("-*# ").replace("**", "") for line in lines if line.strip() and not line.startswith(("# ", "URL:")))
    return title, [s.strip() for s in _SENTENCE.split(body) if 30 <= len(s.strip()) <= 300]


def material() -> tuple[list[str], list[str]]:
    """(titles, sentences): every distinct one of the shared knowledge bases."""
    titles: list[str] = []
    sentences: list[str] = []
    folders = [ROOT / "knowledge" / "sample_kb", *sorted(ROOT.glob("bench/kb[0-9]*"))]
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            title, found = _article_sentences(path)
            titles.append(title)
            sentences += found
    with open(SHARED / "kb" / "covid_qa" / "faq_covidbert.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            titles.append(row["question"].strip())
            sentences += [s.strip() for s in _SENTENCE.split(row["answer"]) if 30 <= len(s.strip()) <= 300]
    with open(SHARED / "kb" / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            titles.append(row["instruction"].strip())
            text = _PLACEHOLDER.sub("", row["response"])
            sentences += [s.strip() for s in _SENTENCE.split(text) if 30 <= len(s.strip()) <= 300]
    return sorted(set(titles)), sorted(set(sentences))


def documents(count: int, per_document: int, seed: int) -> list[tuple[str, str, list[str]]]:
    """`count` documents of (title, lead, chunks), every text its own."""
    titles, sentences = material()
    rng = random.Random(seed)

    def vary(text: str, product: str) -> str:
        text = _NUMBER.sub(lambda _: str(rng.randrange(1, 1000)), text)
        return text.replace("Fluento", product) if "Fluento" in text else text

    made = []
    for _ in range(count):
        product = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randrange(2, 4))).capitalize()
        title = f"{vary(rng.choice(titles), product)} ({product} {rng.choice(['Pro', 'Team', 'Home', 'Basic', 'Plus'])})"
        lead = vary(rng.choice(sentences), product)
        chunks = [" ".join(vary(rng.choice(sentences), product) for _ in range(rng.randrange(2, 5))) for _ in range(per_document)]
        made.append((title, lead, chunks))
    return made


def embedded(out: Path, texts: list[str], *, cached_only: bool = False) -> np.ndarray:
    """The texts' vectors, cached a block at a time under `out/blocks` (`cached_only`: those cached so far)."""
    from knowledge import embedding

    embedding.CALL_BATCH = 32  # see the docstring
    embedder = embedding.FastEmbedder(cache_dir=out / "models")
    (out / "blocks").mkdir(parents=True, exist_ok=True)
    parts = []
    for start in range(0, len(texts), BLOCK):
        path = out / "blocks" / f"{start:08d}.npy"
        if not path.exists():
            if cached_only:
                break
            np.save(path, embedder.embed(texts[start : start + BLOCK]).astype(np.float32))
            print(f"embedded {start + BLOCK} of {len(texts)}", flush=True)
        parts.append(np.load(path))
    return np.concatenate(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=10)
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--recombine", type=int, default=0,
                        help="also write N rows recombined from the embedded vectors (blend-recombined.npy)")
    parser.add_argument("--cached-only", action="store_true", help="blend what is embedded so far, embed nothing")
    args = parser.parse_args()
    docs = documents(args.chunks // args.per_document, args.per_document, args.seed)
    # one document's texts side by side (title, lead, chunks): a cut-short run has whole documents
    texts = [t for title, lead, chunks in docs for t in (title, lead, *chunks)]
    print(f"{len(docs)} documents, {len(texts)} texts, {len(set(texts))} distinct", flush=True)
    width = 2 + args.per_document
    vectors = embedded(args.out, texts, cached_only=args.cached_only)
    whole = len(vectors) // width
    from knowledge.store import _blend

    shaped = vectors[: whole * width].reshape(whole, width, -1)
    blend = _blend(shaped[:, 2:], shaped[:, :1], shaped[:, 1:2]).reshape(-1, vectors.shape[1])
    np.save(args.out / "blend.npy", blend)
    print(f"{len(blend)} blended vectors -> {args.out / 'blend.npy'}")
    if args.recombine:
        np.save(args.out / "blend-recombined.npy", recombined(shaped, args.recombine, args.per_document, args.seed))
        print(f"{args.recombine} recombined vectors -> {args.out / 'blend-recombined.npy'}")


def recombined(shaped: np.ndarray, rows: int, per_document: int, seed: int) -> np.ndarray:
    """`rows` blended vectors of documents recombined from the embedded ones: one document's title, another's
    lead, chunks drawn from any (the store's blend of them), for more distinct rows than embedding them would
    take time for here (the embedder makes ~25 texts/s on this loaded machine)."""
    from knowledge.store import _blend

    rng = np.random.default_rng(seed)
    documents, dim = len(shaped), shaped.shape[2]
    count = -(-rows // per_document)
    title, lead = rng.integers(0, documents, count), rng.integers(0, documents, count)
    lead = np.where(lead == title, (lead + 1) % documents, lead)
    chunks = shaped[:, 2:].reshape(-1, dim)[rng.integers(0, documents * per_document, (count, per_document))]
    return _blend(chunks, shaped[title, None, 0], shaped[lead, None, 1]).reshape(-1, dim)[:rows]


if __name__ == "__main__":
    main()
