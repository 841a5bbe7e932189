"""The confidence gate: answer, or hand off because the knowledge base does not cover it.

Evidence, all from retrieval (plus the model's own signals when a model answered):
- similarity: the best cosine of the question to the top passage's body or title;
- agreement: how many of the three searches (dense, title, BM25) put that document first;
- lexical: whether the question's words occur in the passage at all (BM25 > 0), relative to the best;
- margin: how far the top document is ahead of the runner-up in fused score.
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


def assess(passages: list[Passage], *, answer_support: float = 1.0, not_in_sources: bool = False) -> Evidence:
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
    if not_in_sources:
        confidence = min(confidence, 0.2)
    return Evidence(similarity=similarity, agreement=agreement, lexical=lexical, margin=margin, confidence=confidence)


def should_answer(evidence: Evidence, thresholds: Thresholds) -> bool:
    return evidence.similarity >= thresholds.min_dense and evidence.confidence >= thresholds.min_confidence
