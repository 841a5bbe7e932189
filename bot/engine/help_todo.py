"""The help center's to-do list: the questions handed to people most often because the knowledge base
had no answer (handoff reasons `no_answer` and `low_confidence`), grouped by meaning.

The questions are the handoff cards' intents (stored redacted: placeholders, never personal data),
counted per distinct text by the database (GROUP BY), the most frequent `MAX_DISTINCT` of them
embedded with the app's own embedder and grouped greedily: each question, most frequent first, joins
the first group whose first (most frequent) question is within `SIMILAR` cosine of it, else starts one.
Greedy single-pass grouping instead of a clustering library: a few hundred short texts, an order that
puts the commonest wording first as the group's name, and no new dependency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, String, cast, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, col, select

from bot.core.ports import Embedder
from bot.core.records import HandoffReason
from bot.core.tables import Handoff

REASONS = (HandoffReason.NO_ANSWER.value, HandoffReason.LOW_CONFIDENCE.value)
MAX_DISTINCT = 300  # the most frequent distinct wordings embedded per page view (about a second on one core)
# cosine of all-MiniLM-L6-v2 (the bundled model) from which two questions are counted as one to-do;
# chosen on CLINC150 train intents (best pairwise F1, bench/bench_todo_clusters.py): held-out precision 0.71, recall 0.69
SIMILAR = 0.35
_TOPIC = re.compile(r"^\[[^\]]*\]\s*")


@dataclass(frozen=True, slots=True)
class TodoItem:
    question: str  # the group's most frequent wording
    handoffs: int
    wordings: tuple[str, ...]  # the others, most frequent first
    tenants: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"question": self.question, "handoffs": self.handoffs, "wordings": list(self.wordings), "tenants": list(self.tenants)}


def unanswered(engine: Engine, *, days: int, tenant: str | None = None, now: datetime | None = None,
               limit: int = MAX_DISTINCT) -> list[tuple[str, str, int]]:
    """(tenant, question, handoffs) per distinct question, most frequent first: one aggregate query."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    packet = col(Handoff.packet)
    intent = (func.json_extract(packet, "$.intent") if engine.dialect.name == "sqlite"
              else cast(packet, JSONB)["intent"].astext)
    query = (select(Handoff.tenant, cast(intent, String), func.count())
             .where(col(Handoff.reason).in_(REASONS), col(Handoff.created_at) >= since))
    if tenant:
        query = query.where(Handoff.tenant == tenant)
    query = query.group_by(Handoff.tenant, intent).order_by(func.count().desc()).limit(limit)
    with Session(engine) as session:
        rows = session.exec(query).all()
    return [(str(t), _TOPIC.sub("", str(q or "")).strip(), int(n)) for t, q, n in rows if q]


def clusters(vectors: np.ndarray, *, similar: float = SIMILAR) -> list[list[int]]:
    """Greedy grouping of unit-length vectors in their order: the indices of each group, first one first."""
    heads: list[int] = []  # index of each group's first question
    members: list[list[int]] = []
    for i in range(len(vectors)):
        if heads:
            scores = vectors[heads] @ vectors[i]
            best = int(np.argmax(scores))
            if scores[best] >= similar:
                members[best].append(i)
                continue
        heads.append(i)
        members.append([i])
    return members


def group(rows: Sequence[tuple[str, str, int]], vectors: np.ndarray, *, similar: float = SIMILAR) -> list[TodoItem]:
    """`rows` (tenant, question, handoffs) most frequent first, `vectors` their unit-length embeddings in that order."""
    items = []
    for found in clusters(vectors, similar=similar):
        wordings = list(dict.fromkeys(rows[i][1] for i in found))
        items.append(TodoItem(question=wordings[0], handoffs=sum(rows[i][2] for i in found), wordings=tuple(wordings[1:6]),
                              tenants=tuple(sorted({rows[i][0] for i in found}))))
    return sorted(items, key=lambda item: -item.handoffs)


def todo_list(engine: Engine, embedder: Embedder, *, days: int, tenant: str | None = None, limit: int = 20) -> list[TodoItem]:
    """Blocking (a query and an embedding): call it in a thread."""
    rows = unanswered(engine, days=days, tenant=tenant)
    if not rows:
        return []
    vectors = embedder.embed([q for _, q, _ in rows])
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return group(rows, vectors)[:limit]
