"""The local grader: what can be measured about an answer without a judge model.

Per answer sentence, the share of its content words found in the passages the answer cites (a
sentence counts as supported from `SUPPORTED` on); citation validity (every cited source is among
the passages retrieved for the question); and relevance, the share of the question's content words
found in the answer or its cited passages. Token overlap, no entailment model: a sentence copied
from the wrong article is "supported" by it, which is why `relevance` is kept beside `support`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.words import prefix, stop_words

_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
SUPPORTED = 0.6  # a sentence with at least this share of its content words in the cited passages
_PREFIX = 5  # inflections: the same first five letters count ("refunds", "refunded")


def content_words(text: str) -> list[str]:
    stop = stop_words()
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in stop]


def _key(word: str) -> str:
    return prefix(word, _PREFIX)


def sentences(text: str) -> list[str]:
    """The answer's sentences that say something (two content words or more; a list marker is not one)."""
    return [s.strip() for s in _SENTENCE.split(text) if len(content_words(s)) >= 2]


@dataclass(frozen=True, slots=True)
class LocalGrade:
    sentences: int
    supported: int  # sentences with at least SUPPORTED of their content words in the cited passages
    support: float  # mean over sentences of that share, 0..1
    citations_valid: bool
    invalid_citations: tuple[str, ...]
    relevance: float  # share of the question's content words in the answer or its cited passages

    @property
    def score(self) -> float:
        """One figure, 0..1: support, and 0 when a citation points outside what was retrieved."""
        return round(self.support if self.citations_valid else 0.0, 4)

    def to_json(self) -> dict[str, Any]:
        return {"sentences": self.sentences, "supported": self.supported, "support": self.support,
                "citations_valid": self.citations_valid, "invalid_citations": list(self.invalid_citations),
                "relevance": self.relevance, "score": self.score}


def grade_answer(*, question: str, answer: str, cited: Sequence[str], passages: Mapping[str, str]) -> LocalGrade:
    """`cited`: the sources the answer cites; `passages`: source -> text of what was retrieved."""
    invalid = tuple(s for s in cited if s not in passages)
    evidence = {_key(w) for s in cited if s in passages for w in content_words(passages[s])}
    shares = []
    for sentence in sentences(answer):
        words = content_words(sentence)
        shares.append(sum(_key(w) in evidence for w in words) / len(words))
    asked = set(content_words(question))
    seen = evidence | {_key(w) for w in content_words(answer)}
    relevance = sum(_key(w) in seen for w in asked) / len(asked) if asked else 0.0
    return LocalGrade(
        sentences=len(shares), supported=sum(s >= SUPPORTED for s in shares),
        support=round(sum(shares) / len(shares), 4) if shares else 0.0,
        citations_valid=bool(cited) and not invalid, invalid_citations=invalid, relevance=round(relevance, 4),
    )
