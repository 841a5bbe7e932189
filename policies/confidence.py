"""The confidence gate: answer, or hand off because the knowledge base does not cover it.

Evidence, all from retrieval (plus the model's own signals when a model answered):
- similarity: the best cosine of the question to the top passage's body or title;
- agreement: how many of the three searches (dense, title, BM25) put that document first;
- lexical: whether the question's words occur in the passage at all (BM25 > 0), relative to the best;
- margin: how far the top document is ahead of the runner-up in fused score;
- unknown terms: words of the question the knowledge base never uses and that are no common
  English word ("gmail", "covid" asked of a help center): a sign the question is about something else;
- shared words, for a question not in English when the embedding model knows only English
  (all-MiniLM-L6-v2): its cosines between two Spanish texts are high whatever they are about
  ("¿Cuánto cuesta el plan Business?" scored 0.52 against a Spanish page on passwords), so such a
  question is answered only from a passage that shares a content word with it (`shares_words`;
  BM25 alone would count "el" or "la").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.settings import Thresholds
from knowledge.retrieval import Passage


@dataclass(frozen=True, slots=True)
class Evidence:
    similarity: float
    agreement: float
    lexical: float
    margin: float
    confidence: float

    def to_json(self) -> dict[str, float]:
        return {k: round(getattr(self, k), 4) for k in ("similarity", "agreement", "lexical", "margin", "confidence")}


# words the knowledge base never uses and that are no common word (knowledge/vocabulary.py): a name
# ("Gmail", "Salesforce", "COVID") says the question is about something else; a lowercase word is
# often just chat ("wifi", "coworkers")
UNKNOWN_NAME_FACTOR = 0.5
UNKNOWN_WORD_FACTOR = 0.9


# confidence left to an answer the gate must not give (the model said it's not in the passages, or a
# question the embedding model can't read shares no word with the passage)
NOT_COVERED = 0.2


def assess(
    passages: list[Passage], *, answer_support: float = 1.0, not_in_sources: bool = False, unknown_names: int = 0, unknown_words: int = 0,
    wordless: bool = False,
) -> Evidence:
    """`wordless`: a question the embedding model can't read shares no word with the top passage (see above)."""
    if not passages:
        return Evidence(0.0, 0.0, 0.0, 0.0, 0.0)
    top = passages[0]
    best_lexical = max(p.lexical for p in passages)
    lexical = top.lexical / best_lexical if best_lexical > 0 else 0.0
    # fused score is 1.0 for a document ranked first by every search
    agreement = top.score
    margin = top.score - passages[1].score if len(passages) > 1 else top.score
    similarity = top.similarity
    confidence = 0.75 * similarity + 0.15 * agreement + 0.10 * lexical
    confidence *= max(0.0, min(1.0, answer_support))
    confidence *= UNKNOWN_NAME_FACTOR ** min(unknown_names, 2) * UNKNOWN_WORD_FACTOR ** min(unknown_words, 3)
    if not_in_sources or wordless:
        confidence = min(confidence, NOT_COVERED)
    return Evidence(similarity=similarity, agreement=agreement, lexical=lexical, margin=margin, confidence=confidence)


_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@functools.cache
def _stop_words() -> frozenset[str]:
    """Function words of the languages the bot's own texts come in (spaCy's lists)."""
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES
    from spacy.lang.fr.stop_words import STOP_WORDS as FR
    from spacy.lang.it.stop_words import STOP_WORDS as IT
    from spacy.lang.pt.stop_words import STOP_WORDS as PT

    return frozenset().union(DE, EN, ES, FR, IT, PT)


def _content_words(text: str) -> set[str]:
    stop = _stop_words()
    return {w for w in (m.lower() for m in _WORD.findall(text)) if w not in stop}


def shares_words(question: str, passage: str) -> bool:
    """Whether a content word of the question (3+ letters, no function word) occurs in the passage,
    inflected or not: the same first five letters count ("restablecerla", "restablecer")."""
    asked = _content_words(question)
    if not asked:
        return False
    found = _content_words(passage)
    stems = {w[:5] for w in found if len(w) >= 5}
    return any(w in found or (len(w) >= 5 and w[:5] in stems) for w in asked)


def should_answer(evidence: Evidence, thresholds: Thresholds) -> bool:
    return evidence.similarity >= thresholds.min_dense and evidence.confidence >= thresholds.min_confidence
