"""Records shared across layers (frozen, slotted): a turn's outcome, handoff reason, answer, citations and
the customer's identity; what a model answered and what it cost.

Channel records live beside the channel port (bot/core/channel.py), handoff records beside the staff
desk port (bot/core/desk.py, bot/core/packet.py); domain events in bot/core/events.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelReply:
    text: str
    tokens_in: int
    tokens_out: int
    model: str
    tier: str
    seconds: float
    first_token_seconds: float | None = None


class Outcome(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"  # which of a few articles does the customer mean? (`Turn.options`)
    HANDOFF = "handoff"
    DROP = "drop"


class HandoffReason(StrEnum):
    NO_ANSWER = "no_answer"
    CUSTOMER_REQUEST = "customer_request"
    LOW_CONFIDENCE = "low_confidence"
    POLICY = "policy"
    MODEL_FAILURE = "model_failure"
    ERROR = "error"
    NOT_HELPFUL = "not_helpful"  # the customer pressed "not helpful" twice (handoff/service.py)


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    title: str
    url: str | None
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "title": self.title, "url": self.url, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class Option:
    """An article offered when the evidence is split between a few ("which one do you mean?")."""

    source: str
    title: str

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "title": self.title}


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    citations: tuple[Citation, ...]
    route: str
    # the model's own "the passages don't say" signal; extractive answers never set it
    not_in_sources: bool = False
    support: float = 1.0  # share of the answer the cited passages support


@dataclass(frozen=True, slots=True)
class Identity:
    tenant: str
    user: str | None = None
    groups: tuple[str, ...] = ()
    channel: str = "cli"
