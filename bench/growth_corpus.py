"""The generated corpus of bench/bench_growth.py: question/answer rows from the sample help center,
COVID-QA and Bitext, varied copies of them (a product, edition and reference number of their own, so
every row is its own content), the questions customers ask about them, and the JSON-lines file an
ingest reads."""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import BITEXT_CSV, COVID_DIR

ROOT = Path(__file__).resolve().parents[1]


PRODUCTS = ["Paperkite", "Kitebase", "Papernest", "Inkwell", "Foldwise", "Quillbox", "Sheetline", "Notara"]


EDITIONS = ["Starter", "Team", "Business", "Enterprise", "Education", "Nonprofit"]


@dataclass(frozen=True, slots=True)
class Row:
    question: str
    answer: str


def _short(text: str, limit: int = 600) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[: cut + 1] if cut > 100 else text[:limit]


def base_rows() -> list[Row]:
    rows: list[Row] = []
    for path in sorted((ROOT / "knowledge" / "sample_kb").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), path.stem)
        for paragraph in re.split(r"\n\s*\n", text):
            if not paragraph.startswith("#") and len(paragraph) > 80:
                rows.append(Row(f"{title}?", _short(paragraph)))
    with (COVID_DIR / "faq_covidbert.csv").open(encoding="utf-8") as f:
        rows += [Row(r["question"], _short(r["answer"])) for r in csv.DictReader(f) if r["question"] and r["answer"]]
    with BITEXT_CSV.open(encoding="utf-8") as f:
        seen: set[str] = set()
        for r in csv.DictReader(f):
            if r["instruction"] not in seen:
                seen.add(r["instruction"])
                rows.append(Row(r["instruction"], _short(re.sub(r"\{\{[^}]*\}\}", "the account page", r["response"]))))
    return rows


def asked_questions(rng: random.Random, count: int) -> list[str]:
    """`count` questions a tenant's customers ask: the corpus's questions, each about a product and edition
    (bench/bench_index_recall.py, bench/bench_scan_recall.py)."""
    base = base_rows()
    texts = []
    for _ in range(count):
        row = rng.choice(base)
        texts.append(f"{row.question} ({rng.choice(PRODUCTS)} {rng.choice(EDITIONS)})")
    return texts


def varied(base: list[Row], index: int) -> Row:
    """Row `index` of the endless corpus: a base row with a product, edition and reference of its own."""
    row = base[index % len(base)]
    copy = index // len(base)
    product, edition = PRODUCTS[copy % len(PRODUCTS)], EDITIONS[(copy // len(PRODUCTS)) % len(EDITIONS)]
    return Row(f"{row.question} ({product} {edition})" if copy else row.question,
               f"{row.answer} This applies to {product} {edition}, reference {index:07d}.")


def write_rows(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for n, row in enumerate(rows):
            f.write(json.dumps({"id": f"r{n}", "question": row.question, "answer": row.answer}) + "\n")
