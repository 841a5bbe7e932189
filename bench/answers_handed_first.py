"""Handed over with the right article first, read against the articles' words: measured on TUNE (issue #15).

    python bench/bench_answers.py --records R.json --json     # once: every case asked, the evidence kept
    python bench/answers_handed_first.py R.json              # then: TUNE only, the region's AUCs (and /tmp/answers43/region.json)
    python bench/answers_handed_first.py R.json --grid       # policies/word_lead.py replayed from each min_words_confidence

The region: TUNE cases the shipped gate hands over under `min_confidence` (evidence, not capped, at or above
`min_dense`, no veto), replayed with bench/answers_replay.py `decided`. Each is labelled A (answerable, right article
first), C (answerable, right article 2nd-3rd), B (answerable, no right article in the first three) or O (off-topic).
Answering A is right, answering C or B is wrong, answering or offering anything for O is off-topic answered.
The quantities read here that the records alone do not hold come from the articles' own text (rebuilt as
bench/answers_coverage.py `documents` does) and the question's content words (bot/engine/answering.py
`content_words`), each weighted by its inverse document frequency in the knowledge base:
- `title`, `title_other`: the share of the question's words in the top article's title (and headings), in the first
  other article's;
- `doc`, `doc_other`: the same over the whole article; `sent`: over the top article's best sentence (its title too);
- `own`: the heaviest question word the top article has and the first other article lacks; `elsewhere`: the heaviest
  one the first other article has and the top one lacks (a word that points at another article);
- `missing`: the heaviest question word the top article lacks (one the knowledge base uses);
- `views_won`: on how many of body, title and BM25 the top leads the first other article (recorded evidence).
The figures (2026-12-07, helper answers43, records of main at 48bbc61) and what was adopted from them
(policies/word_lead.py) are in docs/measurements/answers.md, "The question's words, held by the top article alone".
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_coverage import KBS, documents
from bench.answers_replay import decided
from bot.core.config import Thresholds
from bot.engine.answering import _sentences, content_words
from policies.confidence import SAME_ARTICLE, Evidence


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def label(rec: dict[str, Any]) -> str:
    if rec["kind"] != "answer":
        return "O" if rec["kind"] == "offtopic" else rec["kind"]
    first = rec["retrieved"][:3]
    if first[:1] and first[0] in rec["sources"]:
        return "A"
    return "C" if set(first) & set(rec["sources"]) else "B"


class Words:
    """Each knowledge base's articles as sets of content words, with the words' inverse document frequency."""

    def __init__(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            docs = documents(Path(tmp))
        self.title: dict[tuple[str, str], set[str]] = {}
        self.doc: dict[tuple[str, str], set[str]] = {}
        self.sentences: dict[tuple[str, str], list[set[str]]] = {}
        self.df: dict[str, Counter[str]] = {}
        self.n: dict[str, int] = {}
        for kb in KBS:
            self.df[kb], self.n[kb] = Counter(), len(docs[kb])
            for source, (title, sections) in docs[kb].items():
                key = (kb, source)
                self.title[key] = content_words(title) | set().union(*(content_words(h) for h, _ in sections))
                self.doc[key] = self.title[key] | set().union(*(content_words(t) for _, t in sections))
                self.sentences[key] = [self.title[key] | content_words(u) for _, t in sections for u in _sentences(t)] or [self.title[key]]
                self.df[kb].update(self.doc[key])

    def idf(self, kb: str, word: str) -> float:
        df = self.df[kb][word]
        return math.log((self.n[kb] + 1) / df) if df else 0.0  # a word the knowledge base never uses weighs nothing here


def measure(rec: dict[str, Any], words: Words) -> dict[str, float] | None:
    kb, retrieved = rec["kb"], rec["retrieved"]
    top = (kb, retrieved[0])
    if top not in words.doc:
        return None
    e = Evidence.from_json(rec["evidence"])
    kin = list(e.kin) + [0.0] * (len(retrieved) - len(e.kin))
    other_at = next((n for n in range(1, min(len(retrieved), len(e.relevance))) if kin[n] < SAME_ARTICLE and retrieved[n] != retrieved[0]), None)
    other = (kb, retrieved[other_at]) if other_at is not None else None
    asked = {w: words.idf(kb, w) for w in content_words(rec["question"])}
    total = sum(asked.values()) or 1.0

    def share(have: set[str]) -> float:
        return sum(v for w, v in asked.items() if w in have) / total

    odoc = words.doc.get(other, set()) if other else set()
    otitle = words.title.get(other, set()) if other else set()
    views = e.views
    won = 0.0
    if other_at is not None and len(views) > other_at:
        won = sum(views[0][i] > views[other_at][i] for i in (0, 1, 3))
    return {
        "confidence": e.confidence, "choice": e.choice_confidence, "similarity": e.similarity, "agreement": e.agreement,
        "gap": e.gap, "other_gap": (e.relevance[0] - e.relevance[other_at]) if other_at is not None else 1.0,
        "coverage": e.coverage[0] if e.coverage else 0.0,
        "coverage_lead": (e.coverage[0] - e.coverage[other_at]) if other_at is not None and len(e.coverage) > other_at else 0.0,
        "title": share(words.title[top]), "title_other": share(otitle), "title_lead": share(words.title[top]) - share(otitle),
        "doc": share(words.doc[top]), "doc_other": share(odoc), "doc_lead": share(words.doc[top]) - share(odoc),
        "sent": max(share(s) for s in words.sentences[top]),
        "own": max([v for w, v in asked.items() if w in words.doc[top] and w not in odoc] or [0.0]),
        "elsewhere": max([v for w, v in asked.items() if w in odoc and w not in words.doc[top]] or [0.0]),
        "missing": max([v for w, v in asked.items() if v > 0 and w not in words.doc[top]] or [0.0]),
        "views_won": won,
    }


def region(records: list[dict[str, Any]], thresholds: Thresholds) -> list[dict[str, Any]]:
    rows = []
    for rec in records:
        if rec.get("split") != "tune" or rec["kb"] not in KBS or rec["kind"] not in ("answer", "offtopic"):
            continue
        e = rec["evidence"]
        if e is None or not e["relevance"] or e["capped"] or e["similarity"] < thresholds.min_dense:
            continue
        outcome, _ = decided(rec, Evidence.from_json(e), thresholds)
        rows.append({"rec": rec, "outcome": outcome, "label": label(rec)})
    return rows


def main() -> int:
    records = json.loads(Path(sys.argv[1]).read_text())
    if "--grid" in sys.argv:
        grid(records)
        return 0
    thresholds = Thresholds()
    words = Words()
    rows = region(records, thresholds)
    for row in rows:
        row["x"] = measure(row["rec"], words)
    rows = [r for r in rows if r["x"] is not None]
    handed = [r for r in rows if r["outcome"] == "handoff" and not r["rec"].get("near_domain") and not r["rec"].get("asked_kinds")]
    print("TUNE region (handed over under min_confidence):", Counter(r["label"] for r in handed))
    print("  per KB:", {kb: dict(Counter(r["label"] for r in handed if r["rec"]["kb"] == kb)) for kb in KBS})
    names = list(handed[0]["x"]) if handed else []
    print(f"{'quantity':14s} A>B+C   A>O   | answered: right>wrong")
    answered = [r for r in rows if r["outcome"] == "answer"]
    for name in names:
        a = [r["x"][name] for r in handed if r["label"] == "A"]
        bc = [r["x"][name] for r in handed if r["label"] in ("B", "C")]
        o = [r["x"][name] for r in handed if r["label"] == "O"]
        ra = [r["x"][name] for r in answered if r["label"] == "A"]
        wa = [r["x"][name] for r in answered if r["label"] in ("B", "C")]
        print(f"{name:14s} {auc(a, bc):.3f}  {auc(a, o):.3f}  | {auc(ra, wa):.3f}")
    Path("/tmp/answers43/region.json").write_text(
        json.dumps([{"kb": r["rec"]["kb"], "question": r["rec"]["question"], "label": r["label"], "outcome": r["outcome"], **r["x"]} for r in rows]))
    return 0


def grid(records: list[dict[str, Any]], *, split: str = "tune") -> None:
    """The pipeline's decisions replayed with policies/word_lead.py from each `min_words_confidence` (1.0: off), per KB."""
    from dataclasses import replace as with_

    from bench.answers_report import figures

    for c in (1.0, 0.2, 0.25, 0.3, 0.35, 0.4):
        t = with_(Thresholds(), min_words_confidence=c)
        per = {}
        for kb in (*KBS, "all"):
            chosen = [r for r in records if r["split"] == split and (kb == "all" or r["kb"] == kb)]
            per[kb] = figures((r, decided(r, Evidence.from_json(r["evidence"]) if r["evidence"] and r["evidence"]["relevance"] else None, t))
                              for r in chosen)
        print(f"{split} min_words_confidence {c}: " + "  ".join(
            f"{kb} {f['right']:.3f}/{f['wrong']:.3f}/{f['clarified']:.3f}/{f['offtopic_answered']:.3f}" for kb, f in per.items()))


if __name__ == "__main__":
    raise SystemExit(main())
