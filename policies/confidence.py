"""The confidence gate: answer, or hand off because the knowledge base does not cover it.

Evidence, all from retrieval (plus the model's own signals when a model answered):
- similarity: the best cosine of the question to the top passage's body or title;
- agreement: how many of the three searches (dense, title, BM25) put that document first;
- lexical: whether the question's words occur in the passage at all (BM25 > 0), relative to the best;
- margin: how far the top document is ahead of the runner-up in fused score;
- unknown terms: words of the question the knowledge base never uses and that are no common
  English word ("gmail", "covid" asked of a help center): a sign the question is about something else.
"""

from __future__ import annotations

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


def assess(
    passages: list[Passage], *, answer_support: float = 1.0, not_in_sources: bool = False, unknown_names: int = 0, unknown_words: int = 0
) -> Evidence:
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
    if not_in_sources:
        confidence = min(confidence, 0.2)
    return Evidence(similarity=similarity, agreement=agreement, lexical=lexical, margin=margin, confidence=confidence)


def should_answer(evidence: Evidence, thresholds: Thresholds) -> bool:
    return evidence.similarity >= thresholds.min_dense and evidence.confidence >= thresholds.min_confidence
