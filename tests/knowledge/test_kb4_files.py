"""The fourth evaluation help center (bench/kb4, reported only by bench/bench_answers.py) loads as a
tenant's articles would, and every case names an article that exists."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.chunking import chunk_document
from knowledge.loaders import load_file

BENCH = Path(__file__).resolve().parents[2] / "bench"
KB4 = BENCH / "kb4"
CASES = BENCH / "cases" / "kb4.jsonl"


def test_every_kb4_article_loads_with_a_title_a_link_and_sections() -> None:
    paths = sorted(KB4.glob("*.md"))
    assert 20 <= len(paths) <= 30
    for path in paths:
        [doc] = load_file(path, source=f"kb4/{path.name}")
        assert doc.title == path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert doc.url and doc.url.startswith("https://help.hourglen.example/")
        assert len(doc.sections) >= 3, path.name
        assert chunk_document(doc, tenant="kb4"), path.name


def test_kb4_cases_point_at_its_articles_and_cover_the_three_kinds() -> None:
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [c["question"].lower() for c in cases]
    assert len(set(questions)) == len(questions)
    answerable = [c for c in cases if c["expect"] == "answer"]
    assert len(answerable) >= 200
    assert sum(c.get("reason") == "no_answer" for c in cases) >= 60
    assert sum(c.get("reason") == "customer_request" for c in cases) >= 15
    for case in answerable:
        assert case["sources"], case
        for source in case["sources"]:
            assert (BENCH / source).is_file(), source
