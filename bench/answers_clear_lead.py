"""A clarification whose first article leads on every view, answered (policies/clear_lead.py): replayed on recorded evidence.

    python bench/answers_clear_lead.py R.json     # the records of `bench/bench_answers.py --records R.json`

Each set's figures with the rule off (the evidence's views withheld, so `leads_every_view` cannot say yes) and on, by
the pipeline's own `decide` (models and thresholds as shipped). The rule was chosen on the TUNE split (sample,
COVID-QA, Bitext, kb7, kb9) by reading its clarified questions (`--tune-cases` lists them, TUNE only: which article
was offered first, whether it was right, what the rule does). REPORT and the report-only help centers are printed
as aggregates, read after the choice.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_kbs import KB4, KBS, LATE_REPORT_ONLY, report_only_path
from bench.bench_answers import decided, figures
from bot.core.config import Thresholds
from policies.confidence import Evidence

REPORT_ONLY = (KB4, *LATE_REPORT_ONLY)
KEYS = ("right", "wrong", "clarified", "handed_over", "offtopic_answered", "person_handed_over")


def outcome(rec: dict[str, Any], *, rule: bool) -> tuple[str, list[str]]:
    e = rec["evidence"]
    evidence = Evidence.from_json(e) if e is not None and e["relevance"] else None
    if evidence is not None and not rule:
        evidence = replace(evidence, views=())
    return decided(rec, evidence, Thresholds())


def rows(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        if rec["kb"] in REPORT_ONLY:
            if rec.get("origin", "own") == "own":
                groups.setdefault(rec["kb"], []).append(rec)
            continue
        groups.setdefault(f"{rec['split']} {rec['kb']}", []).append(rec)
        groups.setdefault(f"{rec['split']} all", []).append(rec)
    return groups


def tune_cases(records: list[dict[str, Any]]) -> None:
    """The answerable TUNE questions clarified with the rule off: where the right article was offered, what the rule does."""
    for rec in records:
        if rec["split"] != "tune" or rec["kb"] not in KBS or rec["kind"] != "answer":
            continue
        before, offered = outcome(rec, rule=False)
        if before != "clarify":
            continue
        at = [n for n, s in enumerate(offered) if s in rec["sources"]]
        where = "first" if 0 in at else "later" if at else "none"
        print(f"{where:6} {outcome(rec, rule=True)[0]:8} {rec['kb']:7} {rec['question'][:70]!r}")


def main(path: Path, *, cases: bool) -> None:
    records = json.loads(path.read_text())
    for kb in REPORT_ONLY:
        if report_only_path(path, kb).exists():
            records += json.loads(report_only_path(path, kb).read_text())
    if cases:
        tune_cases(records)
        return
    print(f"{'':14}" + "".join(f"{k:>26}" for k in KEYS))
    for name, recs in rows(records).items():
        off = figures((r, outcome(r, rule=False)) for r in recs)
        on = figures((r, outcome(r, rule=True)) for r in recs)
        print(f"{name:14}" + "".join(f"{f'{off[k]} -> {on[k]}' if off[k] is not None else '-':>26}" for k in KEYS))


if __name__ == "__main__":
    main(Path(sys.argv[1]), cases="--tune-cases" in sys.argv[2:])
