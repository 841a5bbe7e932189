"""Evaluation material built from data written by others (../shared/data), never copied here."""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
COVID_DIR = SHARED_DATA / "kb" / "covid_qa"
BITEXT_CSV = SHARED_DATA / "kb" / "bitext_customer_support" / "Bitext_Sample_Customer_Support_Training_Dataset.csv"
PRESIDIO_JSON = SHARED_DATA / "pii" / "presidio_synth_dev.json"
SAMPLE_CASES = Path(__file__).resolve().parent / "cases" / "sample_kb.jsonl"
# a fourth help center written for the bench (an invented product), reported only, never fitted on
KB4_DIR = Path(__file__).resolve().parent / "kb4"
KB4_CASES = Path(__file__).resolve().parent / "cases" / "kb4.jsonl"
# a fifth, of another kind (an invented electronics shop), written the same way, reported only
KB5_DIR = Path(__file__).resolve().parent / "kb5"
KB5_CASES = Path(__file__).resolve().parent / "cases" / "kb5.jsonl"
# another written the same way, blind, by a fresh operator (an invented webhooks API with a developer side), reported only
KB6_DIR = Path(__file__).resolve().parent / "kb6"
KB6_CASES = Path(__file__).resolve().parent / "cases" / "kb6.jsonl"
# a sixth help center written the same way (an invented broadband and mobile provider), split TUNE / REPORT like the
# first three: the one help center written like customers' traffic that choices may be made on
KB7_DIR = Path(__file__).resolve().parent / "kb7"
KB7_CASES = Path(__file__).resolve().parent / "cases" / "kb7.jsonl"
# another written blind by a fresh operator (an invented smart-home device maker), reported only
KB8_DIR = Path(__file__).resolve().parent / "kb8"
KB8_CASES = Path(__file__).resolve().parent / "cases" / "kb8.jsonl"
# a second help center split TUNE / REPORT like kb7 (an invented HR and payroll product for small businesses), with
# near-domain off-topic questions (what its customers ask that it does not cover)
KB9_DIR = Path(__file__).resolve().parent / "kb9"
KB9_CASES = Path(__file__).resolve().parent / "cases" / "kb9.jsonl"
# another written blind by a fresh operator (an invented language-learning app), reported only
KB10_DIR = Path(__file__).resolve().parent / "kb10"
KB10_CASES = Path(__file__).resolve().parent / "cases" / "kb10.jsonl"
# another written blind by a fresh operator (an invented coworking-space operator), reported only
KB11_DIR = Path(__file__).resolve().parent / "kb11"
KB11_CASES = Path(__file__).resolve().parent / "cases" / "kb11.jsonl"
# another written blind by a fresh operator (an invented car-sharing service), reported only
KB12_DIR = Path(__file__).resolve().parent / "kb12"
KB12_CASES = Path(__file__).resolve().parent / "cases" / "kb12.jsonl"
# another written blind by a fresh operator (an invented pet-insurance and vet-booking service), reported only
KB13_DIR = Path(__file__).resolve().parent / "kb13"
KB13_CASES = Path(__file__).resolve().parent / "cases" / "kb13.jsonl"
# another written blind by a fresh operator (an invented household energy supplier), reported only
KB14_DIR = Path(__file__).resolve().parent / "kb14"
KB14_CASES = Path(__file__).resolve().parent / "cases" / "kb14.jsonl"
# a third help center split TUNE / REPORT like kb7 and kb9 (an invented payroll and HR product for small businesses,
# Payrollo), with near-domain off-topic questions
KB15_DIR = Path(__file__).resolve().parent / "kb15"
KB15_CASES = Path(__file__).resolve().parent / "cases" / "kb15.jsonl"
# another written blind by a fresh operator (an invented meal-kit subscription service), reported only
KB16_DIR = Path(__file__).resolve().parent / "kb16"
KB16_CASES = Path(__file__).resolve().parent / "cases" / "kb16.jsonl"
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


def sample_cases(path: Path = SAMPLE_CASES) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            cases.append(Case(question=d["question"], expect=d["expect"], sources=tuple(d.get("sources", ())), reason=d.get("reason")))
    return cases


def kb4_cases() -> list[Case]:
    """The cases of bench/kb4 (`KB4_DIR`): sources "kb4/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB4_CASES)


def kb5_cases() -> list[Case]:
    """The cases of bench/kb5 (`KB5_DIR`): sources "kb5/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB5_CASES)


def kb6_cases() -> list[Case]:
    """The cases of bench/kb6 (`KB6_DIR`): sources "kb6/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB6_CASES)


def kb7_cases() -> list[Case]:
    """The cases of bench/kb7 (`KB7_DIR`): sources "kb7/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB7_CASES)


def kb8_cases() -> list[Case]:
    """The cases of bench/kb8 (`KB8_DIR`): sources "kb8/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB8_CASES)


def kb9_cases() -> list[Case]:
    """The cases of bench/kb9 (`KB9_DIR`): sources "kb9/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB9_CASES)


def kb10_cases() -> list[Case]:
    """The cases of bench/kb10 (`KB10_DIR`): sources "kb10/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB10_CASES)


def kb11_cases() -> list[Case]:
    """The cases of bench/kb11 (`KB11_DIR`): sources "kb11/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB11_CASES)


def kb12_cases() -> list[Case]:
    """The cases of bench/kb12 (`KB12_DIR`): sources "kb12/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB12_CASES)


def kb13_cases() -> list[Case]:
    """The cases of bench/kb13 (`KB13_DIR`): sources "kb13/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB13_CASES)


def kb14_cases() -> list[Case]:
    """The cases of bench/kb14 (`KB14_DIR`): sources "kb14/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB14_CASES)


def kb15_cases() -> list[Case]:
    """The cases of bench/kb15 (`KB15_DIR`): sources "kb15/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB15_CASES)


def kb16_cases() -> list[Case]:
    """The cases of bench/kb16 (`KB16_DIR`): sources "kb16/<article>.md"; handoffs "no_answer" (off-topic) or "customer_request"."""
    return sample_cases(KB16_CASES)


# --- redaction material ------------------------------------------------------------------------
CLINC_JSON = SHARED_DATA / "clinc150" / "data_full.json"
PEER_DIR = SHARED_DATA / "peer" / "promptfoo"
PII_TEMPLATES = SHARED_DATA / "pii" / "presidio_evaluator_data_generator_raw_data_templates.txt"
SOFTWARE_QUESTIONS = Path(__file__).resolve().parent / "ordinary" / "software_questions.txt"
BRAND_QUESTIONS = Path(__file__).resolve().parent / "ordinary" / "brand_questions.txt"


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


def software_questions(path: Path = SOFTWARE_QUESTIONS) -> list[str]:
    """Questions about real software products and services, written for this project."""
    lines = path.read_text(encoding="utf-8").splitlines()
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
        "brands": software_questions(BRAND_QUESTIONS),
    }


BITEXT_KB_DIR = "bitext_kb"
BITEXT_PERSON_INTENT = "contact_human_agent"  # a request for a person: a case that must be handed over
# "how do I reach customer service?" is answered by its article or handed over, both fine: no case
BITEXT_EITHER_INTENTS = frozenset({"contact_customer_service"})
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")


def write_bitext_kb(folder: Path, *, responses_per_article: int = 3, cases_per_intent: int = 16, seed: int = 15) -> tuple[Path, list[Case], list[str]]:
    """One Markdown article per intent (title from the intent's name, body from a few of its canned
    responses); cases are other rows' requests, pointing at their intent's article. Also returns the
    requests for a person (`contact_human_agent`), which get no article."""
    rows = list(csv.DictReader(BITEXT_CSV.open(encoding="utf-8")))
    by_intent: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_intent.setdefault(row["intent"], []).append(row)
    rng = random.Random(seed)
    kb = folder / BITEXT_KB_DIR
    kb.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    person: list[str] = []
    for intent, group in sorted(by_intent.items()):
        if intent == BITEXT_PERSON_INTENT:
            person = [r["instruction"] for r in group]
            continue
        group = group[:]
        rng.shuffle(group)
        used, rest = group[:responses_per_article], group[responses_per_article:]
        title = intent.replace("_", " ").capitalize()
        body = "\n\n".join(_PLACEHOLDER.sub(r"\1", r["response"]).strip() for r in used)
        (kb / f"{intent}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        if intent in BITEXT_EITHER_INTENTS:
            continue
        source = f"{BITEXT_KB_DIR}/{intent}.md"
        cases += [Case(question=r["instruction"], expect="answer", sources=(source,)) for r in rest[:cases_per_intent]]
    return kb, cases, person


def clinc_out_of_scope() -> list[str]:
    """CLINC150's 1,200 out-of-scope requests (train, val and test parts together)."""
    data = json.loads(CLINC_JSON.read_text(encoding="utf-8"))
    return [text for part in ("oos_train", "oos_val", "oos_test") for text, _ in data[part]]
