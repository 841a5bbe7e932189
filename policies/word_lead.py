"""A question about to be handed over whose top article alone holds most of its distinctive words: answered from it
(issue #15, answerable questions handed over with the right article first).

Below `min_confidence` the gate hands over what it neither trusts nor can split into "this one or that one?"
(policies/confidence.py `decide`). Of those the retrieval got right, many rank first only narrowly in the ordering
score, a sum of cosines that follow the form of a question as much as its subject. The share of the question's
distinctive words each candidate contains (knowledge/retrieval.py `coverage`: each word weighted by 1 / the number of
candidate documents that use it) reads the subject: when the top article holds a larger share than every other
article retrieved ("can I get a text when my parcel ships?", only the shipping article says "text"), the narrow lead
is the subject's, and the top article is answered from, from confidence `Thresholds.min_words_confidence`. When another
article holds as much or more (the question's rarer words are elsewhere too), the question is handed over as before.

Chosen on the TUNE split only (bench/answers_handed_first.py over the records of bench/bench_answers.py, main at
48bbc61; docs/measurements/answers.md "The question's words, held by the top article alone"): of the TUNE questions
handed over under `min_confidence`, from confidence 0.3 the rule answers 15 whose top article is right, 1 whose top
article is wrong and 3 off-topic questions (TUNE right 0.734 -> 0.751, wrong 0.040 -> 0.041, off-topic answered 0.040 ->
0.045, replayed); from 0.25, 24 / 3 / 3; from 0.35, 8 / 0 / 3. Answering every such question from 0.3 instead, words or
not: 40 / 12 / 5. Nothing recorded tells the 3 off-topic ones (each shares its words with one article only) from the
right ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.passages import SAME_ARTICLE


def holds_the_words(*, coverage: Sequence[float], kin: Sequence[float]) -> bool:
    """Whether the top candidate (position 0 of `coverage`, policies/confidence.py `Evidence`) contains a larger share of
    the question's distinctive words than every other article among the candidates (`kin` under `SAME_ARTICLE`).
    False when it holds none of them, when there is no other article to compare with, or when the evidence does not say
    (records from before the coverage was kept)."""
    if len(coverage) < 2 or coverage[0] <= 0.0:
        return False
    kin = list(kin) + [0.0] * (len(coverage) - len(kin))
    others = [coverage[n] for n in range(1, len(coverage)) if kin[n] < SAME_ARTICLE]
    return bool(others) and coverage[0] > max(others)
