"""Handoff topics by meaning: which team a conversation belongs to, and topics only people handle.

A tenant lists example phrases per topic (`[tenants.x.handoff.topics.<name>]`, see
bot/core/handoff_policy.py). A message belongs to the topic whose examples it is closest to, if close enough.
The engine's `HumanOnlyStage` (bot/engine/message_stages.py) stops the pipeline with a `policy` handoff for
topics marked `human_only` (for a topic with `max_amount`, only when the message names a larger sum:
"refunds over $100").
"""

from __future__ import annotations

import threading

import numpy as np

from bot.core.config import Settings
from bot.core.handoff_policy import Topic
from bot.core.ports import Embedder

MIN_SIMILARITY = 0.55


class TopicDetector:
    def __init__(self, *, embedder: Embedder, settings: Settings) -> None:
        self._embedder = embedder
        self._settings = settings
        self._vectors: dict[str, list[tuple[Topic, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def _topics(self, tenant: str) -> list[tuple[Topic, np.ndarray]]:
        with self._lock:
            if tenant not in self._vectors:
                policy = self._settings.tenant(tenant).handoff
                self._vectors[tenant] = [(t, self._embedder.embed(list(t.examples))) for t in policy.topics if t.examples]
            return self._vectors[tenant]

    def warm_up(self) -> None:
        for tenant in self._settings.tenants:
            self._topics(tenant)

    def detect(self, vector: np.ndarray, *, tenant: str) -> tuple[Topic | None, float]:
        """(the closest topic if close enough, similarity)."""
        best: tuple[Topic | None, float] = (None, 0.0)
        for topic, examples in self._topics(tenant):
            score = float(np.max(examples @ vector))
            if score > best[1]:
                best = (topic, score)
        return best if best[1] >= MIN_SIMILARITY else (None, best[1])

    def detect_text(self, text: str, *, tenant: str) -> str | None:
        if not self._topics(tenant):
            return None
        topic, _ = self.detect(self._embedder.embed([text])[0], tenant=tenant)
        return topic.name if topic else None
