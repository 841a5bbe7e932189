"""Handoffs and conversation states in the database: the synchronous side of the handoff service.

Call these from a thread. Nothing here talks to Slack or to the customer; handoff/service.py does,
and decides when these run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, update
from sqlmodel import Session, col, select

from bot.storage import Conversation, Handoff
from handoff.packet import Attempt, Packet
from handoff.states import State, check

OPEN = ("queued", "open")  # waiting for someone to claim
DEFAULT_CLAIM_MINUTES = 5.0

# statements built once: escalation is on the per-message path of every conversation that asks for a person
_STATE = select(Conversation.state, Conversation.tenant).where(col(Conversation.id) == bindparam("b_conversation"))
_SET_STATE = (
    update(Conversation).where(col(Conversation.id) == bindparam("b_conversation"))
    .values(state=bindparam("b_state"), updated_at=bindparam("b_now"))
)
_INSERT_HANDOFF = insert(Handoff)
_AHEAD = select(func.count()).select_from(Handoff).where(
    Handoff.tenant == bindparam("b_tenant"), col(Handoff.status).in_(OPEN), col(Handoff.id) <= bindparam("b_handoff")
)
_RECENT_CLAIMS = (
    select(Handoff.claimed_at, Handoff.created_at).where(Handoff.tenant == bindparam("b_tenant"), col(Handoff.claimed_at).is_not(None))
    .order_by(col(Handoff.id).desc()).limit(20)
)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives datetimes back without their zone; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def packet_of(handoff: Handoff) -> Packet:
    data = json.loads(handoff.packet)
    data["attempts"] = [Attempt(**a) for a in data.get("attempts", [])]
    return Packet(**data)


class HandoffRecords:
    def __init__(self, engine: Engine, *, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    def set_state(self, conversation_id: str, target: State) -> tuple[str, str] | None:
        """Move the conversation to `target` (checked against the state machine). Returns (state
        before, tenant) when it changed, None when it was already there or is unknown."""
        with self._engine.begin() as conn:
            row = conn.execute(_STATE, {"b_conversation": conversation_id}).first()
            if row is None or row.state == target.value:
                return None
            check(row.state, target)
            conn.execute(_SET_STATE, {"b_conversation": conversation_id, "b_state": target.value, "b_now": self._now()})
            return row.state, row.tenant

    def add(self, handoff: Handoff) -> Handoff:
        values = handoff.model_dump(exclude={"id"})
        with self._engine.begin() as conn:
            handoff.id = conn.execute(_INSERT_HANDOFF, values).inserted_primary_key[0]
        return handoff

    def current(self, conversation_id: str) -> Handoff | None:
        with Session(self._engine) as session:
            return session.exec(
                select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(col(Handoff.id).desc())
            ).first()

    def get(self, handoff_id: int) -> Handoff | None:
        with Session(self._engine) as session:
            return session.get(Handoff, handoff_id)

    def by_thread(self, thread_ts: str) -> Handoff | None:
        with Session(self._engine) as session:
            return session.exec(select(Handoff).where(Handoff.thread_ts == thread_ts)).first()

    def waiting(self) -> list[Handoff]:
        """Handoffs nobody has claimed yet, of every tenant."""
        with Session(self._engine) as session:
            return list(session.exec(select(Handoff).where(col(Handoff.status).in_(OPEN))).all())

    def save(self, handoff: Handoff, **changes: Any) -> Handoff:
        with Session(self._engine) as session:
            row = session.get(Handoff, handoff.id)
            assert row is not None
            for key, value in changes.items():
                setattr(row, key, value)
            session.add(row)
            session.commit()
            session.refresh(row)
            return row

    def queue_position(self, handoff: Handoff) -> tuple[int, int]:
        """(place in the tenant's queue, estimated wait in minutes from recent claim times)."""
        with self._engine.connect() as conn:
            ahead = conn.execute(_AHEAD, {"b_tenant": handoff.tenant, "b_handoff": handoff.id or 0}).scalar_one()
            recent = conn.execute(_RECENT_CLAIMS, {"b_tenant": handoff.tenant}).all()
        waits = [((aware(h.claimed_at) - aware(h.created_at)).total_seconds() / 60) for h in recent if h.claimed_at and h.created_at]  # type: ignore[operator]
        per_person = sum(waits) / len(waits) if waits else DEFAULT_CLAIM_MINUTES
        position = max(1, ahead)
        return position, max(1, round(position * per_person))
