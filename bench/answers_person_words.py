"""Which messages `names_a_person` (policies/intent.py) takes for naming a person of the support side, on dev data only.

    python bench/answers_person_words.py R.json [--show]
    python bench/answers_person_words.py --compare BEFORE.json AFTER.json   # figures of two recordings, and the blind KBs beside them

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

Measured 2026-12-07 (helper answers33, issue #15), old test -> `names_a_person` flagged: dev people questions 49 -> 0 of
71, dev requests 30 -> 30 of 30, dev_questions*.txt 33 -> 0 of 1,012, TUNE answerable 44 -> 2 of 664 (both "your support
team" hours), TUNE off-topic 35 -> 0 of 553, TUNE requests 78 -> 87 of 87 (the 2 not handed over as requests: 2 -> 2),
CLINC150 train 253 -> 61 of 15,000 (each names the other side or the bot: "are you a real person", "i need to talk to
someone", "call someone", "who is your manager"). The rules were chosen on these sources only.
Then, once, `python bench/bench_answers.py --records` on main 63ba30d (twice: helper answers32's recording and a fresh
one, identical) and on this branch (`--compare`): every change is a message whose flag changed (21 cases), each
answerable handed over -> clarified; right / clarified REPORT 0.702 -> 0.714 / 0.131 -> 0.144, TUNE 0.744 -> 0.746 /
0.137 -> 0.139, kb9 (report) 0.803 -> 0.824, kb4 0.741 -> 0.763, kb6 0.837 -> 0.842, kb8 0.621 -> 0.625, kb5 and kb10 unchanged; wrong unchanged
everywhere, requests for a person handed over 1.00 everywhere; off-topic answered unchanged but on TUNE, 0.036 -> 0.038
(one kb7 question with "support" as a verb, now clarified with two wrong articles).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_answers import figures, report_only_path, shipped
from policies.intent import _PERSON_WORD, names_a_person

ROOT = Path(__file__).resolve().parents[1]


def lines(path: Path) -> list[str]:
    return [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip() and not s.startswith("#")]


BLIND = ("kb4", "kb5", "kb6", "kb8", "kb10")
SHOWN = ("right", "wrong", "clarified", "offtopic_answered", "person_handed_over")


def compare(before: Path, after: Path) -> None:
    """Each set's figures (bench/bench_answers.py `figures`, as shipped) before and after, and the cases that changed."""
    print(f"{'set':18} " + " ".join(f"{k:>24}" for k in SHOWN) + "   (before -> after)")
    pairs = [(None, before, after)] + [(kb, report_only_path(before, kb), report_only_path(after, kb)) for kb in BLIND]
    for kb, b, a in pairs:
        if not (b.exists() and a.exists()):
            print(f"{kb}: no recording")
            continue
        old, new = json.loads(b.read_text()), json.loads(a.read_text())
        groups = ([(f"{kb} own", lambda r: r.get("origin", "own") == "own"),
                   (f"{kb} elsewhere", lambda r: r.get("origin", "own") != "own")] if kb else
                  [("REPORT", lambda r: r["split"] == "report"), ("TUNE", lambda r: r["split"] == "tune")]
                  + [(f"{k} report", lambda r, k=k: r["split"] == "report" and r["kb"] == k) for k in sorted({r["kb"] for r in old})])
        for name, keep in groups:
            f0 = figures((r, shipped(r)) for r in old if keep(r))
            f1 = figures((r, shipped(r)) for r in new if keep(r))
            print(f"{name:18} " + " ".join(f"{str(f0[k]) + ' -> ' + str(f1[k]):>24}" for k in SHOWN))
        was = {(r["kb"], r["kind"], r["question"], tuple(r["sources"])): r for r in old}
        for r in new:
            o = was.get((r["kb"], r["kind"], r["question"], tuple(r["sources"])))
            if o is not None and shipped(o) != shipped(r):
                print(f"    {r['kb']} {r['split']} {r['kind']}: {shipped(o)[0]} -> {shipped(r)[0]} "
                      f"(right option: {bool(set(shipped(r)[1]) & set(r['sources']))})  {r['question'][:90]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("records", type=Path, nargs="?")
    ap.add_argument("--show", action="store_true", help="print each message whose flag the new test changes")
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args()
    if args.compare:
        compare(*args.compare)
        return
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
