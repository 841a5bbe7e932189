"""Redaction: recall per kind on labelled PII, every change to ordinary messages, and throughput.

    python bench/bench_redaction.py [--misses KIND] [--show all|tune|report|none] [--unseen N] [--seed S]

Recall: an entity counts as caught when none of its text survives, i.e. every letter and digit of
its span lies inside a redacted span. Three sets:
- the shared PII file (../shared/data/pii/presidio_synth_dev.json) split by position: records at
  even positions are the TUNE half (rules and lists were chosen looking at these), records at odd
  positions the REPORT half (never looked at to choose anything);
- UNSEEN sentences: presidio's templates filled with Faker names and addresses of 21 locales
  (bench/unseen_pii.py), seed 1000 and up; development looked at seeds below 100 only (the name lists,
  street types and context rules of policies/name_words.py were chosen on seeds 11-20 and the tune halves).

Ordinary messages (no personal data meant in them): Bitext requests, COVID-QA questions, promptfoo's
peer tickets, the sample KB's evaluation questions, CLINC150, bench/ordinary/software_questions.txt and
bench/ordinary/brand_questions.txt (brand, product and service names made of ordinary words or of people's names).
Every changed message counts, whatever was redacted (a real name in an ordinary message counts too),
and every one is printed. Each set is split by position the same way (even = tune, odd = report).

Two sets written blind by privacy13 and committed (4c6520d) before redaction was run on them (bench/blind_sets.py; halves
by a hash of the text): 569 ordinary questions about smart-home devices, games, banking and payment apps, travel, admin
consoles, developer tools, phones, laptops and cars (bench/ordinary/blind_questions.txt: products named like people,
model, order and ticket numbers, versions, amounts, paths, error codes), printed apart and counted with no exclusions and
no tenant terms; and 167 messages with personal data marked inline (bench/blind_pii_messages.txt: signatures, "this is X
from Y", family members, titled names, addresses with units in several countries, phones, IBANs, cards), recall per half.
The sets that have a knowledge base (sample KB, COVID-QA, Bitext: one article per intent from its
responses) are redacted as their tenant would be, with the knowledge base's terms (knowledge/terms.py);
all are also shown with no terms at all (a tenant with an empty knowledge base).

The dated history of this bench's figures (what was measured, when, on which branch and data) is in
docs/measurements/redaction.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.blind_sets import (  # noqa: E402
    blind_pii_records,
    blind_pii_records_2,
    blind_pii_records_3,
    blind_pii_records_4,
    blind_pii_records_5,
    blind_pii_records_6,
    blind_pii_records_8,
    blind_pii_records_9,
    blind_pii_records_10,
    blind_pii_records_11,
    blind_pii_records_12,
    blind_pii_records_13,
    blind_pii_records_14,
    blind_pii_records_15,
    blind_pii_records_16,
    blind_questions,
    blind_questions_2,
    blind_questions_3,
    blind_questions_4,
    blind_questions_5,
    blind_questions_7,
    blind_questions_8,
    blind_questions_9,
    blind_questions_10,
    blind_questions_11,
    blind_questions_12,
    blind_questions_13,
    blind_questions_14,
    blind_questions_15,
)
from bench.datasets import (  # noqa: E402
    BITEXT_CSV,
    COVID_DIR,
    ordinary_messages,
    presidio_records,
    shared_data_missing,
)
from bench.unseen_pii import generate  # noqa: E402
from bot.core.config import DEFAULT_SPACY_MODEL  # noqa: E402
from knowledge.terms import terms_of  # noqa: E402
from policies.redaction import SpacyRedactor  # noqa: E402

# presidio's names -> ours; kinds we do not redact (organisations, dates, titles...) are left out
KINDS = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "STREET_ADDRESS": "STREET_ADDRESS",
}
GOALS = {"PERSON": 0.92, "STREET_ADDRESS": 0.85}
ORDINARY_GOAL = 0.005
SAMPLE_KB = Path(__file__).resolve().parents[1] / "knowledge" / "sample_kb"


def caught(text: str, start: int, end: int, covered: list[tuple[int, int]]) -> bool:
    return all(any(s <= i < e for s, e in covered) for i in range(start, end) if text[i].isalnum())


def recall(redactor: SpacyRedactor, records: list[dict], *, label: str, misses: str | None) -> bool:
    results = redactor.redact_batch([r["full_text"] for r in records])
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    for record, result in zip(records, results, strict=True):
        covered = [(e.start, e.end) for e in result.entities]
        for span in record["spans"]:
            kind = span["entity_type"]
            if kind not in KINDS:
                continue
            total[kind] += 1
            if caught(record["full_text"], span["start_position"], span["end_position"], covered):
                hit[kind] += 1
            elif misses == kind:
                print(f"MISS [{label}] {span['entity_value']!r}\n   in {record['full_text']!r}\n   -> {result.redacted!r}")
    print(f"{label}: {len(records)} texts")
    ok = True
    for kind in KINDS:
        if total[kind]:
            goal = GOALS.get(kind, 0.99)
            value = hit[kind] / total[kind]
            ok &= value >= goal
            print(f"  {kind:15s} recall {value:.3f}  ({hit[kind]}/{total[kind]})  goal >= {goal}  {'ok' if value >= goal else 'BELOW'}")
    return ok


def kb_terms() -> dict[str, frozenset[str]]:
    """Each knowledge base's terms, built as `ingest` builds them (title, heading, text of each article)."""
    from knowledge.loaders import load_file

    docs = [d for p in sorted(SAMPLE_KB.iterdir()) if p.suffix in (".md", ".csv") for d in load_file(p, p.name)]
    sample = terms_of([(d.title, " / ".join(s.heading), s.text) for d in docs for s in d.sections])
    covid_rows = csv.DictReader((COVID_DIR / "faq_covidbert.csv").open(encoding="utf-8"))
    covid = terms_of([(r["question"], r.get("category", ""), r["answer"]) for r in covid_rows])
    by_intent: dict[str, list[str]] = defaultdict(list)
    for r in csv.DictReader(BITEXT_CSV.open(encoding="utf-8")):
        by_intent[r["intent"]].append(r["response"])
    bitext = terms_of([(intent.replace("_", " "), "", "\n".join(texts)) for intent, texts in by_intent.items()])
    return {"sample_kb": sample, "covid_qa": covid, "bitext": bitext}


def ordinary(redactor: SpacyRedactor, *, show: str) -> bool:
    sets = ordinary_messages()
    terms = kb_terms()
    rows = []
    changed_all: list[tuple[str, str, str, str]] = []
    for name, texts in sets.items():
        for with_terms in ([False, True] if name in terms else [False]):
            redactor.use_terms((lambda _t, n=name: terms[n]) if with_terms else None)
            results = redactor.redact_batch(texts, tenant="bench" if with_terms else None)
            for half, offset in (("tune", 0), ("report", 1)):
                part = results[offset::2]
                changed = [r for r in part if r.redacted != r.text]
                chars = sum(len(r.text) for r in part)
                changed_chars = sum(e.end - e.start for r in part for e in r.entities)
                rows.append((name, with_terms, half, len(part), len(changed), changed_chars, chars))
                if with_terms or name not in terms:
                    changed_all += [(name, half, r.text, r.redacted) for r in changed]
    redactor.use_terms(None)
    for name, half, text, redacted in changed_all:
        if show in ("all", half):
            print(f"  CHANGED [{name}/{half}] {text!r}\n       -> {redacted!r}")
    print("ordinary messages changed (every change counts; even positions = tune, odd = report)")
    print(f"  {'set':10s} {'terms':8s} {'half':7s} {'messages':>8s} {'changed':>8s} {'share':>7s} {'chars':>7s}")
    for name, with_terms, half, n, changed, cc, chars in rows:
        print(f"  {name:10s} {'KB' if with_terms else 'none':8s} {half:7s} {n:8d} {changed:8d} {changed / n:7.4f} {cc / chars:7.4f}")
    ok = True
    for half in ("tune", "report"):
        # each set as its tenant would run it: with its knowledge base's terms where it has one
        chosen = [r for r in rows if r[2] == half and (r[1] or r[0] not in terms)]
        n, changed = sum(r[3] for r in chosen), sum(r[4] for r in chosen)
        cc, chars = sum(r[5] for r in chosen), sum(r[6] for r in chosen)
        share = changed / n
        ok &= share <= ORDINARY_GOAL
        print(f"  ALL        {'as run':8s} {half:7s} {n:8d} {changed:8d} {share:7.4f} {cc / chars:7.4f}  goal <= {ORDINARY_GOAL}  "
              f"{'ok' if share <= ORDINARY_GOAL else 'ABOVE'}")
        plain = [r for r in rows if r[2] == half and not r[1]]
        n, changed = sum(r[3] for r in plain), sum(r[4] for r in plain)
        print(f"  ALL        {'none':8s} {half:7s} {n:8d} {changed:8d} {changed / n:7.4f}")
    return ok


def blind_ordinary(redactor: SpacyRedactor, *, show: str) -> bool:
    """The blind questions (bench/blind_sets.py), with no tenant terms, every change counted, per half."""
    ok = True
    lines = []
    # (set, half shown as, the half whose --show prints it, its questions)
    sets = [("blind", "tune", "tune", blind_questions("tune")), ("blind", "report", "report", blind_questions("report")),
            ("blind2", "whole", "report", blind_questions_2()), ("blind3", "whole", "report", blind_questions_3()),
            ("blind4", "whole", "report", blind_questions_4()), ("blind5", "whole", "report", blind_questions_5()),
            ("blind7", "whole", "report", blind_questions_7()), ("blind8", "whole", "report", blind_questions_8()),
            ("blind9", "whole", "report", blind_questions_9()), ("blind10", "whole", "report", blind_questions_10()),
            ("blind11", "whole", "report", blind_questions_11()), ("blind12", "whole", "report", blind_questions_12()),
            ("blind13", "whole", "report", blind_questions_13()), ("blind14", "whole", "report", blind_questions_14()),
            ("blind15", "whole", "report", blind_questions_15())]
    for name, half, shown_with, questions in sets:
        results = redactor.redact_batch(questions)
        changed = [r for r in results if r.redacted != r.text]
        if show in ("all", shown_with):
            for r in changed:
                print(f"  CHANGED [{name}/{shown_with}] {r.text!r}\n       -> {r.redacted!r}")
        share = len(changed) / len(results)
        ok &= share <= ORDINARY_GOAL
        lines.append(f"  {name:10s} none     {half:7s} {len(results):8d} {len(changed):8d} {share:7.4f}  goal <= {ORDINARY_GOAL}  "
                     f"{'ok' if share <= ORDINARY_GOAL else 'ABOVE'}")
    print("blind ordinary questions changed (bench/ordinary/blind_questions.txt, halves by hash; "
          "blind_questions_2.txt to _5.txt, _7.txt to _15.txt, report only, whole; every change counts)")
    print("\n".join(lines))
    return ok


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Faker builds its Italian city list from a set: without a fixed hash seed the same --seed gives
        # other sentences in each run (PERSON recall then moves by a name or so between identical runs)
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", help="print the misses of one kind (presidio name)")
    parser.add_argument("--misses-in", default="report,unseen", help="where to print misses: tune, report, unseen, blind-tune, blind-report, blind2, blind3, blind4, blind5, blind6, blind8, blind9, blind10, blind11, blind12, blind13, blind14, blind15, blind16 (comma-separated)")
    parser.add_argument("--show", default="all", choices=["all", "tune", "report", "none"], help="which changed ordinary messages to print")
    parser.add_argument("--unseen", type=int, default=2000, help="how many unseen sentences")
    parser.add_argument("--seed", type=int, default=1000, help="seed of the unseen sentences (>= 1000 for reported figures)")
    parser.add_argument("--skip-ordinary", action="store_true")
    parser.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    redactor = SpacyRedactor(model=args.model)
    redactor.warm_up()
    where = set(args.misses_in.split(","))
    ok = recall(redactor, presidio_records("tune"), label="presidio TUNE half (even positions)", misses=args.misses if "tune" in where else None)
    ok &= recall(redactor, presidio_records("report"), label="presidio REPORT half (odd positions)",
                 misses=args.misses if "report" in where else None)
    ok &= recall(redactor, generate(n=args.unseen, seed=args.seed), label=f"UNSEEN Faker sentences (seed {args.seed})",
                 misses=args.misses if "unseen" in where else None)
    for half in ("tune", "report"):
        ok &= recall(redactor, blind_pii_records(half), label=f"BLIND written messages, {half} half (bench/blind_pii_messages.txt)",
                     misses=args.misses if f"blind-{half}" in where else None)
    ok &= recall(redactor, blind_pii_records_2(), label="BLIND written messages 2, report only (bench/blind_pii_messages_2.txt)",
                 misses=args.misses if "blind2" in where else None)
    ok &= recall(redactor, blind_pii_records_3(), label="BLIND written messages 3, report only (bench/blind_pii_messages_3.txt)",
                 misses=args.misses if "blind3" in where else None)
    ok &= recall(redactor, blind_pii_records_4(), label="BLIND written messages 4, report only (bench/blind_pii_messages_4.txt)",
                 misses=args.misses if "blind4" in where else None)
    ok &= recall(redactor, blind_pii_records_5(), label="BLIND written messages 5, report only (bench/blind_pii_messages_5.txt)",
                 misses=args.misses if "blind5" in where else None)
    ok &= recall(redactor, blind_pii_records_6(), label="BLIND written messages 6, report only (bench/blind_pii_messages_6.txt)",
                 misses=args.misses if "blind6" in where else None)
    ok &= recall(redactor, blind_pii_records_8(), label="BLIND written messages 8, report only (bench/blind_pii_messages_8.txt)",
                 misses=args.misses if "blind8" in where else None)
    ok &= recall(redactor, blind_pii_records_9(), label="BLIND written messages 9, report only (bench/blind_pii_messages_9.txt)",
                 misses=args.misses if "blind9" in where else None)
    ok &= recall(redactor, blind_pii_records_10(), label="BLIND written messages 10, report only (bench/blind_pii_messages_10.txt)",
                 misses=args.misses if "blind10" in where else None)
    ok &= recall(redactor, blind_pii_records_11(), label="BLIND written messages 11, report only (bench/blind_pii_messages_11.txt)",
                 misses=args.misses if "blind11" in where else None)
    ok &= recall(redactor, blind_pii_records_12(), label="BLIND written messages 12, report only (bench/blind_pii_messages_12.txt)",
                 misses=args.misses if "blind12" in where else None)
    ok &= recall(redactor, blind_pii_records_13(), label="BLIND written messages 13, report only (bench/blind_pii_messages_13.txt)",
                 misses=args.misses if "blind13" in where else None)
    ok &= recall(redactor, blind_pii_records_14(), label="BLIND written messages 14, report only (bench/blind_pii_messages_14.txt)",
                 misses=args.misses if "blind14" in where else None)
    ok &= recall(redactor, blind_pii_records_15(), label="BLIND written messages 15, report only (bench/blind_pii_messages_15.txt)",
                 misses=args.misses if "blind15" in where else None)
    ok &= recall(redactor, blind_pii_records_16(), label="BLIND written messages 16, report only (bench/blind_pii_messages_16.txt)",
                 misses=args.misses if "blind16" in where else None)
    if not args.skip_ordinary:
        ok &= ordinary(redactor, show=args.show)
        ok &= blind_ordinary(redactor, show=args.show)
        texts = [text for _, text in zip(range(5000), ordinary_messages()["clinc150"])]
        started = time.perf_counter()
        redactor.redact_batch(texts)
        seconds = time.perf_counter() - started
        print(f"throughput: {len(texts) / seconds:.0f} short messages/s (batched, {len(texts)} CLINC150 requests)  goal >= 500")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
