"""Redaction recall per entity kind, needless changes to ordinary messages, and throughput.

    python bench/bench_redaction.py [--misses KIND]

Recall on presidio's synthetic set (../shared/data/pii/presidio_synth_dev.json): an entity counts
as caught when none of its text survives, i.e. every letter and digit of its span lies inside a
redacted span. Needless changes: the share of Bitext customer requests that redaction alters.
Throughput: short messages per second through `redact_batch`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.datasets import PRESIDIO_JSON, bitext_requests, shared_data_missing  # noqa: E402
from bot.settings import DEFAULT_SPACY_MODEL  # noqa: E402
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
GOALS = {"PERSON": 0.90, "STREET_ADDRESS": 0.80}


def caught(text: str, start: int, end: int, covered: list[tuple[int, int]]) -> bool:
    return all(any(s <= i < e for s, e in covered) for i in range(start, end) if text[i].isalnum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", help="print the misses of one kind (presidio name)")
    parser.add_argument("--model", default=DEFAULT_SPACY_MODEL)
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    records = json.loads(PRESIDIO_JSON.read_text(encoding="utf-8"))
    redactor = SpacyRedactor(model=args.model)
    redactor.warm_up()
    texts = [r["full_text"] for r in records]
    results = redactor.redact_batch(texts)
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
            elif args.misses == kind:
                print(f"MISS {span['entity_value']!r}\n   in {record['full_text']!r}\n   -> {result.redacted!r}")
    print(f"presidio synthetic: {len(records)} texts")
    for kind in KINDS:
        if total[kind]:
            goal = GOALS.get(kind, 0.99)
            recall = hit[kind] / total[kind]
            print(f"  {kind:15s} recall {recall:.3f}  ({hit[kind]}/{total[kind]})  goal >= {goal}  {'ok' if recall >= goal else 'BELOW'}")

    ordinary = [text for _, text in bitext_requests()]
    started = time.perf_counter()
    changed_results = redactor.redact_batch(ordinary)
    seconds = time.perf_counter() - started
    changed = [r for r in changed_results if r.redacted != r.text]
    # some Bitext requests do name a person ("the bill from Mr. Smith", "invoices from Anna Freeman"):
    # redacting those is right, so the needless share leaves out messages whose only entities are
    # full names (a title and a surname, or two capitalised words)
    full_name = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+|[A-Z][a-z]+ [A-Z][a-z]+)$")
    needless = [r for r in changed if not all(e.kind == "PERSON" and full_name.match(e.text) for e in r.entities)]
    print(f"bitext ordinary requests: {len(ordinary)}, changed {len(changed) / len(ordinary):.4f}, "
          f"needlessly (not a person's full name) {len(needless) / len(ordinary):.4f}  goal <= 0.02")
    print(f"    values redacted: {Counter(e.text for r in changed for e in r.entities).most_common(12)}")
    for r in needless[:8]:
        print(f"    {r.text!r} -> {r.redacted!r}")
    print(f"throughput: {len(ordinary) / seconds:.0f} short messages/s (batched, {len(ordinary)} messages)  goal >= 500")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
