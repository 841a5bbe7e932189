"""A clarification whose first article leads on every view: answered instead (issue #15, "ask instead of guessing",
keeps asking for real ambiguity).

The gate asks "this one or that one?" when the top article is not trusted enough and others are close behind in the
ordering score (policies/confidence.py `decide`). That score sums several views of the question against each
candidate (knowledge/retrieval.py): the cosine to its body, to its title, the BM25 score relative to the best
candidate, and the share of the question's distinctive words it contains (`coverage`). A sum can be close while
every one of its parts points the same way: the first article is then the better one by each measure, and the
closeness only says the margins are small. When the others win on any view (the question's words are in another
article's title, or only another article uses its rarer words) the evidence is really split, and the question is
still asked.

Chosen on the TUNE split only (bench/bench_answers.py records of main at eaf05bf, replayed by bench/answers_clear_lead.py;
docs/measurements/answers.md "A clear lead"): of the 91 answerable TUNE questions clarified, 61 offered the right article
first, 25 second or third, 5 none. Leading on every view picks 14: 13 with the right article first and one that offered
no right article (now a wrong answer), none of the 25. From confidence 0.35 (`Thresholds.min_lead_confidence`) it keeps
the 13 (at 0.35-0.55) and drops that one (0.24). Requiring the lead sentence's cosine too kept 7 of the 13; without the
title view, 20 right for 4 wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

# the parts of `Evidence.views` (knowledge/retrieval.py): cosine to the body, to the title, to the lead sentence, BM25
# relative to the best candidate. The lead sentence is left out: it is often the title said again, or a greeting
# (Bitext's canned responses), and requiring it too halved what the rule kept on TUNE without removing a wrong answer
DENSE, TITLE, LEXICAL = 0, 1, 3


def leads_every_view(*, views: Sequence[Sequence[float]], coverage: Sequence[float], picked: Sequence[int]) -> bool:
    """Whether the first of the offered documents (`picked`: positions in `views` and `coverage`, policies/confidence.py
    `Evidence`, the top document first) is ahead of each other offered one on the body cosine, the title cosine and
    BM25, and contains at least as large a share of the question's distinctive words. False when the evidence does not
    say (records from before the views were kept)."""
    if len(picked) < 2 or picked[0] != 0 or len(views) <= max(picked) or len(coverage) <= max(picked):
        return False
    top = views[0]
    return all(
        top[DENSE] > views[n][DENSE] and top[TITLE] > views[n][TITLE] and top[LEXICAL] > views[n][LEXICAL]
        and coverage[0] >= coverage[n]
        for n in picked[1:]
    )
