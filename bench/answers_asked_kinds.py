"""Scratch measurement (issue #15): policies/asked_kinds.py's rule replayed on recorded cases.

    python bench/answers_asked_kinds.py RECORDS... [--split tune|report|dev|clinc_test|all] [--list]

RECORDS from bench/bench_answers.py `--records` (R.json, and R.kb4.json etc. for the report-only help centers) or
bench/answers_clinc_inscope.py. For the cases of the split given (TUNE unless told) that the pipeline answered or
clarified, those the rule hands over (the question asks for a kind its first retrieved article's passages, as
recorded in `top_text`, never speak of), by label (right, wrong: answered or clarified without a right article,
off-topic), per knowledge base; `--list` prints them (read it on TUNE or dev only).
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policies.asked_kinds import unanswered_kinds


def label(rec: dict[str, Any]) -> str:
    if rec["kind"] != "answer":
        return rec["kind"]
    given = [rec["cited"]] if rec["outcome"] == "answer" else rec["options"]
    return "right" if set(given) & set(rec["sources"]) else "wrong"


def main() -> int:
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "tune"
    paths = [a for a in sys.argv[1:] if a.endswith(".json")]
    records = [r for p in paths for r in json.loads(Path(p).read_text()) if split == "all" or r["split"] == split]
    hit: collections.Counter[tuple[str, str]] = collections.Counter()
    live: collections.Counter[tuple[str, str]] = collections.Counter()
    for rec in records:
        if rec["outcome"] == "handoff" or not rec["retrieved"] or rec.get("evidence") is None:
            continue
        live[(rec["kb"], label(rec))] += 1
        kinds = unanswered_kinds(rec["question"], rec.get("top_text") or "")
        if kinds:
            hit[(rec["kb"], label(rec))] += 1
            if "--list" in sys.argv:
                print(rec["kb"], label(rec), rec["outcome"], [str(k) for k in kinds], rec["question"])
    for kb in sorted({kb for kb, _ in live}):
        print(f"{kb:8s} handed over (right, wrong, off-topic, person) "
              f"{tuple(hit[(kb, lab)] for lab in ('right', 'wrong', 'offtopic', 'person'))} of answered or clarified "
              f"{tuple(live[(kb, lab)] for lab in ('right', 'wrong', 'offtopic', 'person'))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
