"""BM25's top k by MaxScore (knowledge/lite_topk.py): the same rows, scores and order as scoring every
posting (`lite_bm25.scoped_search`), on generated corpora with common words, ties and scopes; and a
common word's postings are not all scored."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from knowledge import lite_bm25, lite_topk

PAIR = np.dtype([("term", "<u4"), ("tf", "<f4")])


def _index(rows: list[dict[int, float]]):
    from milvus_lite.index.sparse_inverted import SparseInvertedIndex

    if not lite_bm25.install():
        pytest.skip("an installed milvus-lite this search was not checked against keeps its own")
    column = pa.array([np.array(sorted(r.items()), dtype=PAIR).tobytes() if r else b"" for r in rows], type=pa.binary())
    index = SparseInvertedIndex()
    assert lite_bm25.compact(index, column)
    return index


def _both(index, queries: list[dict[int, float]], top_k: int, mask: np.ndarray, monkeypatch: pytest.MonkeyPatch, budget: float = float("inf"),
          dense: float | None = None, cheap: float | None = None):
    """(pruned, exhaustive) results of `scoped_search`, and how many questions were pruned."""
    stats = lite_bm25.scope_statistics([(index, mask)], queries)
    pruned_calls = []
    search = lite_topk.search

    def counted(*args, **kwargs):
        found = search(*args, **kwargs)
        pruned_calls.append(found is not None)
        return found

    monkeypatch.setattr(lite_topk, "PRUNE_FROM", 0)
    monkeypatch.setattr(lite_topk, "_GIVE_UP", 1.0)  # prune however many words it takes (when to stop trying is a cost)
    monkeypatch.setattr(lite_topk, "_BUDGET", budget)  # finite: pruning may stop short and finish (`_finished`)
    if dense is not None:
        monkeypatch.setattr(lite_topk, "DENSE_SHARE", dense)  # counts by row for no word, some, or every word
    if cheap is not None:
        monkeypatch.setattr(lite_topk, "_CHEAP", cheap)  # 0: non-essential words left out whenever there are any
    monkeypatch.setattr(lite_topk, "search", counted)
    pruned = lite_bm25.scoped_search(index, queries, top_k, mask, stats)
    monkeypatch.setattr(lite_topk, "search", lambda *a, **k: None)
    exhaustive = lite_bm25.scoped_search(index, queries, top_k, mask, stats)
    monkeypatch.setattr(lite_topk, "search", search)
    return pruned, exhaustive, sum(pruned_calls)


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[dict[int, float]], list[dict[int, float]], int, list[bool]]:
    words = draw(st.integers(3, 30))
    # a word's chance to be in a row falls with its rank (a few words in most rows, most words in few)
    share = [min(0.95, 1.5 / (w + 1) ** draw(st.sampled_from([0.5, 1.0, 1.5]))) for w in range(words)]
    n = draw(st.integers(1, 400))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    rows: list[dict[int, float]] = []
    for _ in range(n):
        if rows and rng.random() < 0.15:  # a copy word for word: tied scores
            rows.append(dict(rows[int(rng.integers(len(rows)))]))
            continue
        row = {1000 + w: float(rng.integers(1, 6) if rng.random() < 0.3 else 1) for w in range(words) if rng.random() < share[w]}
        rows.append(row)
    queries = [{1000 + int(w): float(draw(st.sampled_from([1.0, 1.0, 2.0]))) for w in draw(st.lists(st.integers(0, words + 2), min_size=1, max_size=8))}
               for _ in range(draw(st.integers(1, 4)))]
    top_k = draw(st.integers(1, 25))
    mask = [bool(v) for v in rng.random(n) < draw(st.sampled_from([1.0, 0.9, 0.5, 0.1]))]
    return rows, queries, top_k, mask


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(corpora(), st.sampled_from([float("inf"), 0.25, 0.02, 0.0]), st.sampled_from([0.0, 0.25, 2.0]), st.sampled_from([0.0, 0.2]))
def test_pruned_top_k_is_exhaustive_bm25_s_rows_scores_and_order(monkeypatch: pytest.MonkeyPatch, corpus, budget: float, dense: float,
                                                                  cheap: float) -> None:
    rows, queries, top_k, mask = corpus
    index = _index(rows)
    pruned, exhaustive, count = _both(index, queries, top_k, np.array(mask, dtype=bool), monkeypatch, budget, dense, cheap)
    event(f"questions pruned: {count} of {len(queries)}")
    assert np.array_equal(pruned[0], exhaustive[0])
    assert np.array_equal(pruned[1], exhaustive[1])  # the same floats, bit for bit


def test_a_common_word_s_postings_are_not_all_scored_and_the_answer_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question of a rare word and a word most chunks hold (a product name, say): the chunks that hold the
    rare word are scored, the common word's other thousands are not, and the top 10 is exhaustive BM25's."""
    rng = np.random.default_rng(7)
    rows = [{1: 1.0, **({2: float(rng.integers(1, 4))} if n % 50 == 0 else {}), **{int(w): 1.0 for w in rng.integers(10, 500, 12)}}
            for n in range(20_000)]
    index = _index(rows)
    mask = np.ones(len(rows), dtype=bool)
    mask[::3] = False  # another tenant's rows
    scored: list[int] = []
    own_scores = lite_topk._scores

    def counted(words, rows, *args, **kwargs):
        scored.append(len(rows))
        return own_scores(words, rows, *args, **kwargs)

    monkeypatch.setattr(lite_topk, "_scores", counted)
    queries = [{1: 1.0, 2: 1.0}, {2: 1.0, 1: 2.0, 11: 1.0}]
    pruned, exhaustive, pruned_questions = _both(index, queries, 10, mask, monkeypatch)
    assert np.array_equal(pruned[0], exhaustive[0]) and np.array_equal(pruned[1], exhaustive[1])
    assert (pruned[0] >= 0).all()
    assert pruned_questions == 2
    assert sum(scored) < 1_000  # of ~13,000 chunks in scope holding word 1


def test_a_question_pruning_cannot_settle_soon_costs_one_search_and_a_bounded_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four words each in about a quarter of the chunks, a few chunks counting one many times (high bounds):
    the rarest word's chunks never push theta above the others' bounds. Pruning, shipped settings, stops
    after looking up at most `_BUDGET` of the question's postings, reads no taken word's postings again (no
    second, exhaustive search), and the top 10 is exhaustive BM25's."""
    rng = np.random.default_rng(11)
    rows = [{w: float(30 if rng.random() < 0.002 else rng.integers(1, 3)) for w in (1, 2, 3, 4) if rng.random() < 0.25 + 0.01 * w}
            | {int(w): 1.0 for w in rng.integers(10, 500, 8)} for _ in range(40_000)]
    index = _index(rows)
    mask = np.ones(len(rows), dtype=bool)
    query = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}
    postings = sum(index._df[w] for w in query)
    stats = lite_bm25.scope_statistics([(index, mask)], [query])
    looked_up: list[int] = []
    own_scores = lite_topk._scores

    def counted(words, rows, *args, **kwargs):  # binary searches: a word whose counts are kept by row is read at once
        maps = kwargs.get("maps") or [None] * len(words)
        looked_up.append(len(rows) * sum(m is None for m in maps))
        return own_scores(words, rows, *args, **kwargs)

    read_again = []
    monkeypatch.setattr(lite_topk, "_scores", counted)
    monkeypatch.setattr(lite_bm25, "_arrays", lambda *a: read_again.append(a) or pytest.fail("scored afresh"))
    pruned = lite_bm25.scoped_search(index, [query], 10, mask, stats)
    monkeypatch.undo()
    assert not read_again
    assert sum(looked_up) <= (lite_topk._BUDGET + lite_topk._SURVIVORS) * postings
    monkeypatch.setattr(lite_topk, "search", lambda *a, **k: None)
    exhaustive = lite_bm25.scoped_search(index, [query], 10, mask, stats)
    assert np.array_equal(pruned[0], exhaustive[0]) and np.array_equal(pruned[1], exhaustive[1])


def test_a_scope_s_counts_are_kept_and_give_the_same_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second question in a scope reads the counts of its words kept from the first; another scope
    counts its own."""
    rows = [{1: 1.0, 2: 2.0} if n % 2 else {1: 3.0} for n in range(1000)]
    index = _index(rows)
    everyone, half = np.ones(1000, dtype=bool), np.arange(1000) % 4 == 0
    first = lite_bm25.scope_statistics([(index, everyone)], [{1: 1.0, 2: 1.0}])
    assert (first.documents, first.frequency) == (1000, {1: 1000, 2: 500})
    monkeypatch.setattr(lite_bm25, "_arrays", lambda *a: pytest.fail("a kept count was counted again"))
    assert lite_bm25.scope_statistics([(index, everyone)], [{2: 1.0, 1: 1.0}]) == first
    monkeypatch.undo()
    other = lite_bm25.scope_statistics([(index, half)], [{1: 1.0, 2: 1.0}])
    assert (other.documents, other.frequency) == (250, {1: 250, 2: 0})
    assert other.mean_length == first.mean_length == 3.0


def _replicated(copies: int = 40) -> list[dict[int, float]]:
    """Rows as bench/bench_growth.py `--replicate` makes them: a base of 500 varied rows copied `copies` times
    (the copy's own number word), every row holding word 1 ("applies"), most a product word (2-5), the rest
    words of a long tail, some counted twice."""
    rng = np.random.default_rng(17)
    base = [{1: 1.0, int(rng.integers(2, 6)): 1.0, **{int(w): float(rng.integers(1, 3)) for w in rng.zipf(1.3, 14) + 10 if w < 5000}}
            for _ in range(500)]
    return [{**row, 9000 + copy: 1.0} for copy in range(copies) for row in base]


QUESTIONS = [{1: 1.0, 2: 1.0, 11: 1.0, 12: 1.0, 40: 1.0}, {3: 1.0, 1: 1.0, 10: 1.0, 13: 1.0, 17: 1.0, 25: 1.0},
             {4: 1.0, 11: 1.0, 14: 1.0, 1: 1.0, 90: 1.0, 300: 1.0}, {5: 1.0, 1: 1.0, 10: 1.0, 11: 1.0, 12: 1.0, 13: 1.0}]


def test_the_words_of_almost_every_chunk_are_not_all_scored_when_pruning_stops_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions whose pruning stops short (shipped settings) on a replicated corpus: the word every chunk
    holds and the product words, whose bounds add up to less than theta, are not scored posting by posting;
    the top 20 is exhaustive BM25's, rows, scores and order."""
    rows = _replicated()
    index = _index(rows)
    mask = np.ones(len(rows), dtype=bool)
    stats = lite_bm25.scope_statistics([(index, mask)], QUESTIONS)
    scored: list[int] = []
    own = lite_topk._weighted

    def counted(scale, t, dl, *args):
        scored.append(np.size(t))
        return own(scale, t, dl, *args)

    monkeypatch.setattr(lite_topk, "_weighted", counted)
    pruned = lite_bm25.scoped_search(index, QUESTIONS, 20, mask, stats)
    monkeypatch.undo()
    monkeypatch.setattr(lite_topk, "search", lambda *a, **k: None)
    exhaustive = lite_bm25.scoped_search(index, QUESTIONS, 20, mask, stats)
    assert np.array_equal(pruned[0], exhaustive[0]) and np.array_equal(pruned[1], exhaustive[1])
    postings = sum(index._df.get(w, 0) for q in QUESTIONS for w in q)
    assert sum(scored) < 0.25 * postings  # scoring the words left over all their postings (before): 0.35


def test_a_bound_too_low_is_caught_by_the_comparison_with_exhaustive_bm25(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above have teeth: a common word that a few short chunks hold many times outranks the rare
    word's chunks; with the true bounds the pruned top 10 is exhaustive BM25's, with the common word's bound
    taken from a twentieth of its largest count and 20 times its shortest chunk (too low) it is not."""
    rng = np.random.default_rng(5)
    rows = [{1: 30.0} if n % 997 == 5 else {**({1: 1.0} if n % 2 else {}), **({2: 1.0} if n % 4 == 0 else {}),
                                             **{int(w): 1.0 for w in rng.integers(10, 300, 6)}} for n in range(6000)]
    index = _index(rows)
    mask = np.ones(len(rows), dtype=bool)
    queries = [{2: 1.0, 1: 5.0}, {1: 5.0, 2: 1.0, 11: 1.0}]
    pruned, exhaustive, count = _both(index, queries, 10, mask, monkeypatch)
    assert count == len(queries)
    assert np.array_equal(pruned[0], exhaustive[0]) and np.array_equal(pruned[1], exhaustive[1])
    starts, top, shortest = index._supportbot_bounds
    monkeypatch.setattr(index, "_supportbot_bounds", (starts, top * 0.05, shortest * 20))
    broken, exhaustive, _ = _both(index, queries, 10, mask, monkeypatch)
    assert not (np.array_equal(broken[0], exhaustive[0]) and np.array_equal(broken[1], exhaustive[1]))
