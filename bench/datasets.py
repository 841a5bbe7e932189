"""Evaluation material built from data written by others (../shared/data), never copied here."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
COVID_DIR = SHARED_DATA / "kb" / "covid_qa"
BITEXT_CSV = SHARED_DATA / "kb" / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
PRESIDIO_JSON = SHARED_DATA / "pii" / "presidio_synth_dev.json"
SAMPLE_CASES = Path(__file__).resolve().parent / "cases" / "sample_kb.jsonl"
COVID_KB_NAME = "covid_faq.jsonl"


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: str  # "answer" | "handoff"
    sources: tuple[str, ...] = ()
    reason: str | None = None

    def to_json(self) -> str:
        data: dict[str, object] = {"question": self.question, "expect": self.expect}
        if self.sources:
            data["sources"] = list(self.sources)
        if self.reason:
            data["reason"] = self.reason
        return json.dumps(data)


def shared_data_missing() -> str | None:
    return None if SHARED_DATA.is_dir() else f"shared test data not found at {SHARED_DATA}"


def write_covid_kb(folder: Path) -> tuple[Path, list[Case]]:
    """The 213 FAQ entries as a JSONL FAQ table, and the 244 paraphrase cases pointing at them."""
    rows = list(csv.DictReader((COVID_DIR / "faq_covidbert.csv").open(encoding="utf-8")))
    folder.mkdir(parents=True, exist_ok=True)
    kb = folder / COVID_KB_NAME
    by_question: dict[str, list[str]] = {}
    with kb.open("w", encoding="utf-8") as out:
        for i, row in enumerate(rows, 1):
            row_id = f"faq-{i:03d}"
            by_question.setdefault(row["question"].strip(), []).append(f"{COVID_KB_NAME}#{row_id}")
            out.write(json.dumps({"id": row_id, "question": row["question"], "answer": row["answer"], "url": row["link"]}) + "\n")
    cases = []
    for pair in csv.DictReader((COVID_DIR / "eval_question_similarity_en.csv").open(encoding="utf-8")):
        if pair["similar"].strip() != "1":
            continue
        sources = by_question.get(pair["question_1"].strip())
        if sources:
            cases.append(Case(question=pair["question_2"], expect="answer", sources=tuple(sources)))
    return kb, cases


def covid_questions() -> list[str]:
    rows = csv.DictReader((COVID_DIR / "eval_question_similarity_en.csv").open(encoding="utf-8"))
    return [r["question_2"] for r in rows if r["similar"].strip() == "1"]


def bitext_requests() -> list[tuple[str, str]]:
    """(intent, customer request) pairs."""
    rows = csv.DictReader(BITEXT_CSV.open(encoding="utf-8"))
    return [(r["intent"], r["instruction"]) for r in rows]


def sample_cases() -> list[Case]:
    cases = []
    for line in SAMPLE_CASES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            cases.append(Case(question=d["question"], expect=d["expect"], sources=tuple(d.get("sources", ())), reason=d.get("reason")))
    return cases
