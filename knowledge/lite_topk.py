"""BM25's top k without scoring every posting of a common word: MaxScore over a compact index, exact.

`lite_bm25.scoped_search` scores every posting of every question word. At 100,000 chunks in one tenant a
question word that one chunk in eight holds (a product name, a word like "account") has 12,500 postings and
more, scored per question although its weight (idf) is small: BM25 took ~28% of the Milvus child's samples
(bench/bench_growth.py's docstring, perf27). This is MaxScore (Turtle & Flood 1995; Lucene's
MaxScoreBulkScorer, tantivy's block WAND use the same per-word bounds), done over arrays:

- each word's upper bound: its postings' largest count and shortest chunk, made once per index (`bounds`,
  when `lite_bm25.compact` builds it); for a search, the word's largest possible contribution under the
  scope's statistics follows (BM25 grows with the count and falls with the chunk's length);
- the words are taken rarest first: the chunks holding any taken word are the candidates, each scored
  exactly over every question word (a candidate's count of a word not taken is found by binary search in
  that word's postings, which are in row order), and the k-th best score among them, theta, is a floor;
- a chunk that holds none of the taken words scores at most the sum of the other words' bounds; once that
  sum is below theta (strictly, with a margin far above float rounding), no such chunk can enter the top k
  nor tie with its k-th, so the top k of the candidates is the top k of all.

The candidates' scores are computed with the same expression, word by word in the question's order, as
`scoped_search`, so they are the same floats bit for bit, and ties keep row order as there: the same rows
and distances (tests/knowledge/test_lite_topk.py compares both on generated corpora and on the product's
store). When the words left would cost about as much as scoring everything (`_GIVE_UP`), or the candidates'
lookups would pass a share of the question's postings (`_BUDGET`), pruning stops and `_finished` scores the
words not taken over all their postings, keeping the candidates' scores: the worst case is one exhaustive
search of the common words plus that bounded share, not pruning's lookups and then a whole second search
(perf28's tail: p99 25 ms pruned against 13 ms exhaustive at 100,000 chunks). When the index was not built by
`compact`, or a question has a word of no weight or no common word, `search` returns None and the caller
scores every posting as before.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PRUNE_FROM = 4096  # a question's most common word's postings in a segment below which every posting is scored (cheap anyway)
_GIVE_UP = 0.5  # stop pruning when the words taken hold more than this share of the question's postings
_BUDGET = 0.25  # candidate x word lookups allowed, as a share of the question's postings in the segment (see `_finished`)
_MARGIN = 1e-6  # relative: a bound is widened by this (float rounding of a score is ~1e-15 relative)


def bounds(starts: np.ndarray, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per word (its postings `docs[start:next start]`, `starts` ascending): the largest count and the
    shortest chunk length among its postings, as float64 (the same values as the counts and lengths)."""
    if not len(starts) or not len(docs):
        empty = np.zeros(0, dtype=np.float64)
        return starts, empty, empty
    top = np.maximum.reduceat(tfs, starts).astype(np.float64)
    shortest = np.minimum.reduceat(lengths[docs], starts).astype(np.float64)
    return starts, top, shortest


def search(index: Any, query: dict[int, float], top_k: int, mask: np.ndarray, documents: int, frequency: dict[int, int],
           avgdl: float) -> tuple[np.ndarray, np.ndarray] | None:
    """The top `top_k` rows of one segment (`index` built by `lite_bm25.compact`) for one question and their
    scores, as `scoped_search` ranks them; None when pruning would not pay (the caller scores everything)."""
    held = getattr(index, "_supportbot_bounds", None)
    csr = getattr(index, "_supportbot_csr", None)
    if held is None or csr is None or top_k <= 0:
        return None
    k1, b = float(index.k1), float(index.b)
    if not (k1 > 0 and 0 <= b <= 1 and avgdl > 0):
        return None
    starts, top, shortest = held
    words = []  # (rows, counts, idf * weight, bound), in the question's order
    for term, weight in query.items():
        df = frequency.get(term, 0)
        span = index._posting_lists.get(term)
        if not df or not span:
            continue
        if not float(weight) > 0:
            return None
        start, end = span
        slot = int(np.searchsorted(starts, start))
        idf = math.log((documents - df + 0.5) / (df + 0.5) + 1.0)  # as `scoped_search` computes it
        scale = idf * float(weight)
        t, dl = top[slot], shortest[slot]
        bound = _weighted(scale, t, dl, k1, b, avgdl) * (1.0 + _MARGIN)
        words.append((csr[0][start:end], csr[1][start:end], scale, bound))
    total = sum(len(w[0]) for w in words)
    if len(words) < 2 or max(len(w[0]) for w in words) < PRUNE_FROM:
        return None
    taken_postings, spent, budget = 0, 0, _BUDGET * total
    rarest = sorted(range(len(words)), key=lambda i: len(words[i][0]))
    left = sum(w[3] for w in words)  # bound of a chunk holding none of the words taken
    candidates = np.zeros(0, dtype=np.int64)
    scores = np.zeros(0, dtype=np.float64)
    lengths = index._doc_lengths
    for taken, i in enumerate(rarest):
        rows = words[i][0]
        if taken_postings + len(rows) > _GIVE_UP * total:
            return _finished(words, rarest[:taken], candidates, scores, mask, top_k, k1, b, avgdl, lengths)
        taken_postings += len(rows)
        rows = rows[mask[rows]].astype(np.int64)
        new = np.setdiff1d(rows, candidates, assume_unique=True)
        if spent + len(new) * len(words) > budget:  # scoring these would cost more than pruning can save
            return _finished(words, rarest[:taken], candidates, scores, mask, top_k, k1, b, avgdl, lengths)
        left -= words[i][3]
        if len(new):
            spent += len(new) * len(words)
            candidates = np.concatenate([candidates, new])
            scores = np.concatenate([scores, _scores(words, new, k1, b, avgdl, lengths=lengths)])
        if len(candidates) >= top_k:
            theta = np.partition(scores, len(scores) - top_k)[len(scores) - top_k]
            if left * (1.0 + _MARGIN) < theta:
                break
    order = np.argsort(candidates, kind="stable")  # row order, as `scoped_search` finds its hits
    return _ranked(candidates[order], scores[order], top_k)


def _weighted(scale: Any, t: Any, dl: Any, k1: float, b: float, avgdl: float) -> Any:
    """A word's BM25 share: `scale` (idf x weight) for counts `t` in chunks of lengths `dl`, the expression of
    `scoped_search` in its order (the same floats, which the exact top k depends on)."""
    return scale * t * (k1 + 1.0) / (t + k1 * (1.0 - b + b * dl / avgdl))


def _ranked(rows: np.ndarray, scores: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best `top_k` of `rows` (ascending) by `scores`, ties in row order, as `scoped_search` ranks."""
    if len(rows) > top_k:
        keep = scores >= np.partition(scores, len(scores) - top_k)[len(scores) - top_k]
        rows, scores = rows[keep], scores[keep]
    ranked = np.argsort(-scores, kind="stable")[:top_k]
    return rows[ranked], scores[ranked]


def _finished(words: list[tuple[np.ndarray, np.ndarray, float, float]], taken: list[int], candidates: np.ndarray, scores: np.ndarray,
              mask: np.ndarray, top_k: int, k1: float, b: float, avgdl: float, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pruning stopped short: the words not taken scored over all their postings in scope, as `scoped_search`
    does, and the candidates' exact scores put over theirs. A chunk that is no candidate holds none of the
    taken words, so its sum is the same floats in the same order as there; the postings of the taken (rarest)
    words are not read again: giving up costs only the candidates' lookups, not a second search."""
    total = np.zeros(len(lengths), dtype=np.float64)
    hit = np.zeros(len(lengths), dtype=bool)
    skip = set(taken)
    for i, (ids, tfs, scale, _) in enumerate(words):
        if i in skip:
            continue
        keep = mask[ids]
        ids = ids[keep]
        t = tfs[keep].astype(np.float64)
        total[ids] += _weighted(scale, t, lengths[ids].astype(np.float64), k1, b, avgdl)
        hit[ids] = True
    total[candidates] = scores
    hit[candidates] = True
    found = np.flatnonzero(hit)
    return _ranked(found, total[found], top_k)


def _scores(words: list[tuple[np.ndarray, np.ndarray, float, float]], rows: np.ndarray, k1: float, b: float, avgdl: float, *,
            lengths: np.ndarray) -> np.ndarray:
    """The BM25 scores of `rows` (ascending) over every question word, summed in the question's order with
    `scoped_search`'s expression: the same floats."""
    scores = np.zeros(len(rows), dtype=np.float64)
    for ids, tfs, scale, _ in words:
        at = np.searchsorted(ids, rows)
        inside = at < len(ids)
        held = np.zeros(len(rows), dtype=bool)
        held[inside] = ids[at[inside]] == rows[inside]
        if not held.any():
            continue
        which = rows[held]
        t = tfs[at[held]].astype(np.float64)
        scores[held] += _weighted(scale, t, lengths[which].astype(np.float64), k1, b, avgdl)
    return scores
