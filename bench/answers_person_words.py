"""Which messages `names_a_person` (policies/intent.py) takes for naming a person of the support side, on dev data only.

    python bench/answers_person_words.py R.json [--show]

R.json: records of `python bench/bench_answers.py --records R.json` (only their TUNE split is read). Sources, each
counted as flagged by the old test (any person word, `_PERSON_WORD`) and by `names_a_person`:
- bench/ordinary/dev_people_questions_answers33.txt: ordinary questions about people of the customer's own world
  (should not be flagged), bench/ordinary/dev_person_requests_answers33.txt: requests for a person (should be);
- bench/ordinary/dev_questions*.txt: ordinary questions written for the redaction work (should not be);
- the TUNE split's answerable and off-topic questions (should not be) and its requests for a person (should be; a
  request the detector already hands over never reaches the flag);
- CLINC150's train split (../shared/data/clinc150/data_full.json, `train`, all 15,000 in-scope requests; none is a
  request for a support person, none in any evaluation set): should not be flagged, bar requests such as "i need to
  speak to customer service".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policies.intent import _PERSON_WORD, names_a_person

ROOT = Path(__file__).resolve().parents[1]


def lines(path: Path) -> list[str]:
    return [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip() and not s.startswith("#")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("records", type=Path)
    ap.add_argument("--show", action="store_true", help="print each message whose flag the new test changes")
    args = ap.parse_args()
    ordinary = ROOT / "bench" / "ordinary"
    tune = [r for r in json.loads(args.records.read_text()) if r["split"] == "tune"]
    clinc = json.loads((ROOT.parent / "shared" / "data" / "clinc150" / "data_full.json").read_text())["train"]
    sources: list[tuple[str, bool, list[str]]] = [
        ("dev people questions (answers33)", False, lines(ordinary / "dev_people_questions_answers33.txt")),
        ("dev person requests (answers33)", True, lines(ordinary / "dev_person_requests_answers33.txt")),
        ("dev_questions*.txt (ordinary)", False, [q for p in sorted(ordinary.glob("dev_questions*.txt")) for q in lines(p)]),
        ("TUNE answerable", False, [r["question"] for r in tune if r["kind"] == "answer"]),
        ("TUNE off-topic", False, [r["question"] for r in tune if r["kind"] == "offtopic"]),
        ("TUNE requests for a person", True, [r["question"] for r in tune if r["kind"] == "person"]),
        ("TUNE requests not handed over as such", True,
         [r["question"] for r in tune if r["kind"] == "person" and r.get("reason") != "customer_request"]),
        ("CLINC150 train (in scope)", False, [q for q, _ in clinc]),
    ]
    print(f"{'source':40} {'n':>6} {'old flagged':>12} {'new flagged':>12}  (should be flagged?)")
    for name, should, texts in sources:
        old = [t for t in texts if _PERSON_WORD.search(t)]
        new = [t for t in texts if names_a_person(t)]
        print(f"{name:40} {len(texts):6d} {len(old):12d} {len(new):12d}  ({'yes' if should else 'no'})")
        if args.show:
            for t in texts:
                if (t in new) != should or (should and t not in new):
                    print(f"    {'FLAGGED' if t in new else 'missed '}  {t}")


if __name__ == "__main__":
    main()
