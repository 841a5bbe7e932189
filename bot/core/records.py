"""Records shared across layers (frozen, slotted): a turn's outcome, handoff reason, answer, citations and
the customer's identity; what a model answered and what it cost; and the turn itself (mutable: the
pipeline's stages fill it in, policies/routing.py reads it).

Channel records live beside the channel port (bot/core/channel.py), handoff records beside the staff
desk port (bot/core/desk.py, bot/core/packet.py); domain events in bot/core/events.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from bot.core.passages import Passage
from bot.core.tiers import Tier as Tier  # re-exported: records name it


@dataclass(frozen=True, slots=True)
class ModelReply:
    text: str
    tokens_in: int
    tokens_out: int
    model: str
    tier: Tier
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
    NOT_HELPFUL = "not_helpful"  # the customer pressed "not helpful" twice (handoff/service.py), or typed it (policies/pleasantries.py)


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
    # where the message came from: "widget", "telegram", "slack", ...; "cli" is the operator's own `ask` and `eval`
    # (audited apart from customers' traffic, bot/engine/assistant.py `OPERATOR_CHANNEL`); "direct" a program's call
    channel: str = "direct"


@dataclass(slots=True)
class Turn:
    """One customer message on its way through the pipeline; stages fill it in."""

    identity: Identity
    text: str
    conversation_id: str | None = None
    redacted: str = ""
    entity_counts: dict[str, int] = field(default_factory=dict)
    vector: np.ndarray | None = None
    # the words searched for, when they are not the redacted text's: its misspellings of the knowledge
    # base's own words respelled (bot/engine/stages.py `RespellStage`); in memory only, never stored
    searched: str = ""
    access_keys: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    answer: Answer | None = None
    options: tuple[Option, ...] = ()
    # the customer chose this source among the options offered: answer from it (bot/engine/conversations.py)
    chosen_source: str | None = None
    confidence: float = 0.0
    outcome: Outcome | None = None
    handoff_reason: HandoffReason | None = None
    route: str = "none"
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    def stop(self, outcome: Outcome, *, reason: HandoffReason | None = None) -> None:
        self.outcome = outcome
        self.handoff_reason = reason
        if outcome is Outcome.HANDOFF:
            self.route = "handoff"
