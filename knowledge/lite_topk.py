"""BM25's top k without scoring every posting of a common word: MaxScore over a compact index, exact.

`lite_bm25.scoped_search` scores every posting of every question word. At 100,000 chunks in one tenant a
question word that one chunk in eight holds (a product name, a word like "account") has 12,500 postings and
more, scored per question although its weight (idf) is small: BM25 took ~28% of the Milvus child's samples
(the growth history in bench/growth_report.py's docstring, perf27). This is MaxScore (Turtle & Flood 1995; Lucene's
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
(perf28's tail: p99 25 ms pruned against 13 ms exhaustive at 100,000 chunks).

`_finished` first leaves out MaxScore's non-essential words (`_essential`): the words not taken whose bounds,
smallest first, add up to less than theta. They are the most common ones (at 100,000 replicated chunks a word
of every chunk, a product name in most: half of a question's postings and more, of almost no weight), and a
chunk holding only those cannot rank. The other words' postings give each chunk a partial sum; a chunk whose
partial sum plus the left-out words' bounds reaches theta survives and is scored exactly like a candidate. A
word in a quarter of the rows or more keeps its counts by row (`_dense_map`, a byte a row), so a survivor's
count of it is one read, not a binary search (a word in a quarter of the rows: at most four bytes a posting of such
words, kept per index and word once a question used it). At 100,000 replicated chunks, against the pruning before
(bench/bench_bm25_topk.py's docstring, perf31): p50 2.7 -> 1.8 ms, p99 13 -> 8.5 ms CPU, mean -42%, same top 20. When the index was not built by
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
DENSE_SHARE = 0.25  # a word in at least this share of a segment's rows gets its counts by row (`_dense_map`)
_SURVIVORS = 1.0  # survivor x word binary searches allowed in `_essential`, as a share of the question's postings
_CHEAP = 0.2  # the non-essential words are left out only when they hold at least this share of the words left's postings
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
    maps: list[np.ndarray | None] = []  # a very common word's counts by row (`_dense_map`), else None
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
        maps.append(_dense_map(index, start, end) if end - start >= DENSE_SHARE * len(index._doc_lengths) else None)
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
            return _finished(words, rarest[:taken], candidates, scores, mask, top_k, k1, b, avgdl, lengths, maps)
        taken_postings += len(rows)
        rows = rows[mask[rows]].astype(np.int64)
        new = np.setdiff1d(rows, candidates, assume_unique=True)
        lookups = sum(m is None for m in maps)  # a look-up in a map is one read, not a binary search
        if spent + len(new) * lookups > budget:  # scoring these would cost more than pruning can save
            return _finished(words, rarest[:taken], candidates, scores, mask, top_k, k1, b, avgdl, lengths, maps)
        left -= words[i][3]
        if len(new):
            spent += len(new) * lookups
            candidates = np.concatenate([candidates, new])
            scores = np.concatenate([scores, _scores(words, new, k1, b, avgdl, lengths=lengths, maps=maps)])
        if len(candidates) >= top_k:
            theta = _kth(scores, top_k)
            if left * (1.0 + _MARGIN) < theta:
                break
    order = np.argsort(candidates, kind="stable")  # row order, as `scoped_search` finds its hits
    return _ranked(candidates[order], scores[order], top_k)


def _kth(scores: np.ndarray, k: int) -> float:
    """The `k`-th best of `scores` (at least `k` of them)."""
    return float(np.partition(scores, len(scores) - k)[len(scores) - k])


def _weighted(scale: Any, t: Any, dl: Any, k1: float, b: float, avgdl: float) -> Any:
    """A word's BM25 share: `scale` (idf x weight) for counts `t` in chunks of lengths `dl`, the expression of
    `scoped_search` in its order (the same floats, which the exact top k depends on)."""
    return scale * t * (k1 + 1.0) / (t + k1 * (1.0 - b + b * dl / avgdl))


def _ranked(rows: np.ndarray, scores: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best `top_k` of `rows` (ascending) by `scores`, ties in row order, as `scoped_search` ranks."""
    if len(rows) > top_k:
        keep = scores >= _kth(scores, top_k)
        rows, scores = rows[keep], scores[keep]
    ranked = np.argsort(-scores, kind="stable")[:top_k]
    return rows[ranked], scores[ranked]


def _finished(words: list[tuple[np.ndarray, np.ndarray, float, float]], taken: list[int], candidates: np.ndarray, scores: np.ndarray,
              mask: np.ndarray, top_k: int, k1: float, b: float, avgdl: float, lengths: np.ndarray,
              maps: list[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """Pruning stopped short: the words not taken scored over all their postings in scope, as `scoped_search`
    does, and the candidates' exact scores put over theirs. A chunk that is no candidate holds none of the
    taken words, so its sum is the same floats in the same order as there; the postings of the taken (rarest)
    words are not read again: giving up costs only the candidates' lookups, not a second search."""
    skip = set(taken)
    if len(candidates) >= top_k:
        theta = _kth(scores, top_k)
        cheap = _cheap_words(words, skip, theta)
        if cheap and (found := _essential(words, skip, cheap, theta, candidates, scores, mask, top_k, k1, b, avgdl, lengths, maps)) is not None:
            return found
    total = np.zeros(len(lengths), dtype=np.float64)
    hit = np.zeros(len(lengths), dtype=bool)
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


def _cheap_words(words: list[tuple[np.ndarray, np.ndarray, float, float]], skip: set[int], theta: float) -> list[int]:
    """The words not taken whose bounds, smallest first, add up to less than theta (the candidates' k-th best
    score; MaxScore's non-essential words: a chunk holding only these cannot rank), when they hold at least
    `_CHEAP` of the words' postings."""
    left = sorted((i for i in range(len(words)) if i not in skip), key=lambda i: words[i][3])
    cheap, bound = [], 0.0
    for i in left:
        bound += words[i][3]
        if bound * (1.0 + _MARGIN) >= theta:
            break
        cheap.append(i)
    held = sum(len(words[i][0]) for i in cheap)
    return cheap if cheap and held >= _CHEAP * sum(len(words[i][0]) for i in left) else []


def _essential(words: list[tuple[np.ndarray, np.ndarray, float, float]], skip: set[int], cheap: list[int], theta: float,
               candidates: np.ndarray, scores: np.ndarray, mask: np.ndarray, top_k: int, k1: float, b: float, avgdl: float,
               lengths: np.ndarray, maps: list[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray] | None:
    """`_finished` without scoring the non-essential words' postings: the other words' postings are scored
    (a partial sum, an order of its own: only a bound), a chunk whose partial sum plus the cheap words' bounds
    reaches theta is a survivor, and the survivors are scored exactly over every word (`_scores`, the same
    floats as `scoped_search`'s). A chunk that is neither a candidate nor a survivor scores below theta, so
    below the k-th best. None (score everything) when the survivors' binary searches would pass `_SURVIVORS`."""
    rest = sum(words[i][3] for i in cheap)
    part = np.zeros(len(lengths), dtype=np.float64)
    hit = np.zeros(len(lengths), dtype=bool)
    postings = 0
    for i, (ids, tfs, scale, _) in enumerate(words):
        postings += len(ids)
        if i in skip or i in cheap:
            continue
        keep = mask[ids]
        ids = ids[keep]
        part[ids] += _weighted(scale, tfs[keep].astype(np.float64), lengths[ids].astype(np.float64), k1, b, avgdl)
        hit[ids] = True
    hit[candidates] = False
    found = np.flatnonzero(hit)
    if len(found) >= top_k:  # a chunk scores at least its partial sum: a floor perhaps above the candidates' theta
        floor = part[found] * (1.0 - _MARGIN)
        theta = max(theta, _kth(floor, top_k))
    survivors = found[(part[found] + rest) * (1.0 + _MARGIN) >= theta]
    if len(survivors) * sum(m is None for m in maps) > _SURVIVORS * postings:
        return None
    rows = np.concatenate([candidates, survivors])
    scores = np.concatenate([scores, _scores(words, survivors, k1, b, avgdl, lengths=lengths, maps=maps)])
    order = np.argsort(rows, kind="stable")
    return _ranked(rows[order], scores[order], top_k)


def _dense_map(index: Any, start: int, end: int) -> np.ndarray:
    """A very common word's counts by row (0 where a row lacks it), in the postings' own type, kept per index
    and word: a candidate's count read at once instead of by binary search. Only for words in at least
    `DENSE_SHARE` of the rows, so at most 1 / DENSE_SHARE bytes a posting (the index's arrays hold 5)."""
    kept: dict[int, np.ndarray] | None = getattr(index, "_supportbot_maps", None)
    if kept is None:
        kept = index.__dict__.setdefault("_supportbot_maps", {})
    found = kept.get(start)
    if found is None:
        docs, tfs = index._supportbot_csr
        found = np.zeros(len(index._doc_lengths), dtype=tfs.dtype)
        found[docs[start:end]] = tfs[start:end]
        kept[start] = found
    return found


def _scores(words: list[tuple[np.ndarray, np.ndarray, float, float]], rows: np.ndarray, k1: float, b: float, avgdl: float, *,
            lengths: np.ndarray, maps: list[np.ndarray | None] | None = None) -> np.ndarray:
    """The BM25 scores of `rows` (ascending) over every question word, summed in the question's order with
    `scoped_search`'s expression: the same floats."""
    scores = np.zeros(len(rows), dtype=np.float64)
    for n, (ids, tfs, scale, _) in enumerate(words):
        counts = maps[n] if maps is not None else None
        if counts is not None:  # the same counts as the postings', read by row
            found = counts[rows]
            held = found > 0
            if held.any():
                scores[held] += _weighted(scale, found[held].astype(np.float64), lengths[rows[held]].astype(np.float64), k1, b, avgdl)
            continue
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
