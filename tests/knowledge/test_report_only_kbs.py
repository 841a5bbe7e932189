"""The evaluation help centers written for bench/bench_answers.py (bench/kb4, an invented time-tracking product;
bench/kb5, an invented electronics shop; bench/kb6, an invented webhooks API with a developer side: reported only;
bench/kb10, an invented language-learning app, bench/kb11, an invented coworking-space operator, and
bench/kb12, an invented car-sharing service, bench/kb13, an invented pet-insurance and vet-booking service, bench/kb14,
an invented household electricity and gas supplier, bench/kb16, an invented meal-kit subscription service: reported only;
bench/kb7, an invented broadband and mobile provider, bench/kb9, an invented HR and payroll product, and bench/kb15, an
invented payroll and HR product (Payrollo), split TUNE /
REPORT) load as a tenant's articles would, and every case names an article that exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.chunking import chunk_document
from knowledge.loaders import load_file

BENCH = Path(__file__).resolve().parents[2] / "bench"
SITES = {
    "kb4": "https://help.hourglen.example/",
    "kb5": "https://help.ampella.example/",
    "kb6": "https://help.ferrolink.example/",
    "kb7": "https://help.tellora.example/",
    "kb9": "https://help.payloom.example/",
    "kb10": "https://help.fluento.example/",
    "kb11": "https://help.deskwell.example/",
    "kb12": "https://help.kerbly.example/",
    "kb13": "https://help.pawlio.example/",
    "kb14": "https://help.voltana.example/",
    "kb15": "https://help.payrollo.example/",
    "kb16": "https://help.larderly.example/",
}
# answerable, off-topic and requests for a person each KB's cases hold at least
MINIMUMS = {"kb4": (200, 60, 15), "kb5": (200, 60, 15), "kb6": (150, 50, 12), "kb7": (300, 60, 15), "kb9": (250, 70, 12), "kb10": (250, 60, 12),
            "kb11": (280, 60, 14), "kb12": (300, 60, 14), "kb13": (350, 60, 14),
            "kb14": (350, 60, 14), "kb15": (300, 60, 14), "kb16": (350, 60, 14)}


def _cases(kb: str) -> list[dict]:
    return [json.loads(line) for line in (BENCH / "cases" / f"{kb}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("kb", sorted(SITES))
def test_every_article_loads_with_a_title_a_link_and_sections(kb: str) -> None:
    paths = sorted((BENCH / kb).glob("*.md"))
    assert 20 <= len(paths) <= 30
    for path in paths:
        [doc] = load_file(path, source=f"{kb}/{path.name}")
        assert doc.title == path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert doc.url and doc.url.startswith(SITES[kb])
        assert len(doc.sections) >= 3, path.name
        assert chunk_document(doc, tenant=kb), path.name


@pytest.mark.parametrize("kb", sorted(SITES))
def test_the_cases_point_at_their_articles_and_cover_the_three_kinds(kb: str) -> None:
    cases = _cases(kb)
    questions = [c["question"].lower() for c in cases]
    assert len(set(questions)) == len(questions)
    answerable = [c for c in cases if c["expect"] == "answer"]
    least_answerable, least_off_topic, least_person = MINIMUMS[kb]
    assert len(answerable) >= least_answerable
    assert sum(c.get("reason") == "no_answer" for c in cases) >= least_off_topic
    assert sum(c.get("reason") == "customer_request" for c in cases) >= least_person
    for case in answerable:
        assert case["sources"], case
        for source in case["sources"]:
            assert source.startswith(f"{kb}/") and (BENCH / source).is_file(), source


def test_no_report_only_kb_asks_what_another_asks() -> None:
    asked = {kb: {c["question"].lower() for c in _cases(kb)} for kb in SITES}
    for kb in SITES:
        for other in SITES:
            if other != kb:
                assert not asked[kb] & asked[other], (kb, other)
