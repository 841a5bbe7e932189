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


# --- redaction material ------------------------------------------------------------------------
CLINC_JSON = SHARED_DATA / "clinc150" / "data_full.json"
PEER_DIR = SHARED_DATA / "peer" / "promptfoo"
PII_TEMPLATES = SHARED_DATA / "pii" / "presidio_evaluator_data_generator_raw_data_templates.txt"
SOFTWARE_QUESTIONS = Path(__file__).resolve().parent / "ordinary" / "software_questions.txt"


def presidio_records(half: str | None = None) -> list[dict]:
    """The shared PII file; `half="tune"` keeps the records at even positions (0, 2, ...), `half="report"`
    the odd ones. Rules and lists are chosen on the tune half; figures are reported on the other."""
    records = json.loads(PRESIDIO_JSON.read_text(encoding="utf-8"))
    if half is None:
        return records
    if half not in ("tune", "report"):
        raise ValueError(f"half must be 'tune' or 'report', not {half!r}")
    return records[0 if half == "tune" else 1 :: 2]


def covid_all_questions() -> list[str]:
    """Every distinct question of the COVID-QA evaluation pairs (the FAQ's own and the paraphrases)."""
    rows = csv.DictReader((COVID_DIR / "eval_question_similarity_en.csv").open(encoding="utf-8"))
    seen: dict[str, None] = {}
    for r in rows:
        for q in (r["question_1"], r["question_2"]):
            seen.setdefault(q.strip(), None)
    return [q for q in seen if q]


def peer_messages() -> list[str]:
    """The customer messages of promptfoo's support tickets and its shopping-assistant questions."""
    out = [r["customer_message"] for r in csv.DictReader((PEER_DIR / "eval-customer-support-rubric" / "tests.csv").open(encoding="utf-8"))]
    out += [r["question"] for r in csv.DictReader((PEER_DIR / "assistant-cli" / "tests.csv").open(encoding="utf-8"))]
    return [m for m in out if m.strip()]


def clinc_requests() -> list[str]:
    """Every request of CLINC150 (in-scope and out-of-scope, all splits)."""
    data = json.loads(CLINC_JSON.read_text(encoding="utf-8"))
    return [text for split in data.values() for text, _ in split]


def software_questions() -> list[str]:
    """Questions about real software products and services, written for this project."""
    lines = SOFTWARE_QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def ordinary_messages() -> dict[str, list[str]]:
    """Messages with no personal data in them (as far as their authors meant): redaction should leave them be."""
    return {
        "bitext": [text for _, text in bitext_requests()],
        "covid_qa": covid_all_questions(),
        "peer": peer_messages(),
        "sample_kb": [c.question for c in sample_cases()],
        "clinc150": clinc_requests(),
        "software": software_questions(),
    }


def write_bitext_kb(folder: Path, *, every: int = 9) -> tuple[Path, list[Case]]:
    """One article per Bitext intent (its title the intent, its text the intent's first three distinct
    responses) and, as cases, every `every`-th request pointing at its intent's article."""
    rows = list(csv.DictReader(BITEXT_CSV.open(encoding="utf-8")))
    by_intent: dict[str, list[str]] = {}
    for r in rows:
        texts = by_intent.setdefault(r["intent"], [])
        if r["response"] not in texts and len(texts) < 3:
            texts.append(r["response"])
    kb = folder / "bitext_kb"
    kb.mkdir(parents=True, exist_ok=True)
    for intent, texts in by_intent.items():
        (kb / f"{intent}.md").write_text(f"# {intent.replace('_', ' ').capitalize()}\n\n" + "\n\n".join(texts) + "\n", encoding="utf-8")
    cases = [Case(question=r["instruction"], expect="answer", sources=(f"bitext_kb/{r['intent']}.md",)) for r in rows[::every]]
    return kb, cases
