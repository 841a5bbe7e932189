"""Questions that ask for a kind of thing a help center's article does not give: whether something is lawful, or a
recommendation.

"Is it legal for my boss not to pay overtime?" asked of a payroll help center lands on its timesheets article, which
says how overtime is tracked, with high confidence: the question shares its subject. What the customer wants is a
ruling of law, and an article that never speaks of law (nor of what is legal, of lawyers or suing) does not give one;
likewise "can you recommend a good accountant" is a request for advice that an article which never recommends
anything does not answer. So a question that asks for one of these kinds (`KINDS`: a cue word, or any stem of one) is
handed over as no answer, not answered or clarified (bot/engine/confidence_stage.py), when the passages of the article
it would be answered from use no word of that kind. A help center that does speak of it ("our lawyers", "we recommend
weekly backups") keeps answering.

Word lists, not meaning, for the same reason as policies/pleasantries.py: a list is exact, and the model's similarity
is what ranks such a question near the article in the first place. The kinds were chosen on the TUNE split of
bench/bench_answers.py (records of main at a053df8; `python bench/answers_asked_kinds.py R.json`): of the TUNE cases
the pipeline answered or clarified, the two kinds hand over 2 off-topic questions (a good accountant, the safest
airplane) and no answerable one (the boss who does not pay overtime stays: its article says overtime follows federal
law); on CLINC150's in-scope requests asked of kb7 and kb9 (bench/answers_clinc_inscope.py, its val part) none. Each
list holds the cue words of its kind with their usual inflections.
Left out, measured there: "best" (every TUNE question with it is off-topic, but "the best way to ..." is how a customer
asks how, and articles say "best" of their own advice), "should" (11 answerable questions answered or clarified have
it), "rules" and "regulations" (a help center's own rules; an answerable COVID-QA question asks for travel
regulations), and "legal" before a noun ("my legal name", "the legal entity"): a thing's name, not a question of law.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.words import stems

WORD = re.compile(r"[a-z][a-z'’-]*[a-z]")


class AskedKind(StrEnum):
    LAW = "law"  # whether something is lawful: a ruling the help center is in no position to give
    ADVICE = "advice"  # a recommendation or an opinion: which one is best, safest, worth it


# cue words of each kind; a passage that uses any of them (or a stem of one) speaks of that kind
KINDS: dict[AskedKind, frozenset[str]] = {
    AskedKind.LAW: frozenset({
        "legal", "illegal", "legally", "illegally", "lawful", "unlawful", "law", "laws", "lawyer", "lawyers", "attorney",
        "attorneys", "sue", "suing", "lawsuit",
    }),
    AskedKind.ADVICE: frozenset({
        "recommend", "recommends", "recommended", "recommendation", "recommendations", "advice", "advise", "advisable", "safest",
    }),
}
# "legal" right before a noun names a thing ("my legal name", "the legal entity", "legal hold"), it asks nothing: only
# "legal" that ends the clause or is followed by a function word ("is it legal", "legal to", "legal for my boss") counts
LEGAL_BEFORE = re.compile(r"\b(?:il)?legal\b(?=\s*(?:$|[?.!,;:])|\s+(?:to|for|if|in|when|that|or|and|here|there|now)\b)")
ADJECTIVES = frozenset({"legal", "illegal"})


def _stemmed(text: str) -> set[str]:
    return {s for w in WORD.findall(text.lower()) for s in stems(w)}


def asked_kinds(question: str) -> set[AskedKind]:
    """The kinds the question asks for (each cue word as written; "legal" only where it asks, `LEGAL_BEFORE`)."""
    lower = question.lower()
    said = set(WORD.findall(lower))
    found = {kind for kind, cues in KINDS.items() if (said - ADJECTIVES) & cues}
    if said & ADJECTIVES and LEGAL_BEFORE.search(lower):
        found.add(AskedKind.LAW)
    return found


def unanswered_kinds(question: str, passages: str) -> list[AskedKind]:
    """Of the kinds the question asks for, those the passages never speak of (no cue word of the kind, nor a stem of
    one): the question is then not answered by them, however close it is to them."""
    asked = asked_kinds(question)
    if not asked:
        return []
    written = _stemmed(passages)
    return [kind for kind in sorted(asked) if not any(stems(cue) & written for cue in KINDS[kind])]
