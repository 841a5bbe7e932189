"""What the console tells a tenant's staff outside any handoff: that the bot was stepped back to shadow.

The automatic step back (bot/engine/rollout.py `RollbackWatch`) is audited as a `rollout_changed`
event by "automatic step back"; the console shows the tenant's latest one as a banner on the queue
until a staff member acknowledges it, which is audited too (`step_back_acknowledged`, with who). Both
live in the audit table, so every process's console shows the same banner, whichever process stepped
the tenant back, and no other table is needed. Where Slack is configured the handoff channel is told
as well (bot/app/rollout_notice.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.tables import AuditEvent, AuditLog

STEPPED_BY = "automatic step back"  # RollbackWatch's name in the rollout_changed events it writes
ACKNOWLEDGED = "step_back_acknowledged"


@dataclass(frozen=True, slots=True)
class StepBack:
    id: int  # the audit event's
    at: datetime
    reason: str


class StepBackNotices:
    """The audit table, read and written for the console's step-back banner. Synchronous."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._audit = AuditLog(engine)

    def pending(self, tenant: str) -> StepBack | None:
        """The tenant's latest automatic step back, unless staff acknowledged it (or a later one)."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(AuditEvent).where(AuditEvent.tenant == tenant, col(AuditEvent.conversation_id).is_(None),
                                         col(AuditEvent.kind).in_(("rollout_changed", ACKNOWLEDGED)))
                .order_by(col(AuditEvent.id).desc()).limit(50)
            )
            for row in rows:
                if row.kind == ACKNOWLEDGED:
                    return None
                data = json.loads(row.data)
                if data.get("by") == STEPPED_BY:
                    return StepBack(id=int(row.id or 0), at=row.created_at, reason=str(data.get("reason") or ""))
        return None

    def acknowledge(self, tenant: str, step: int, *, by: str) -> bool:
        """Staff saw step `step`: the banner goes, for everyone on the tenant. False when it is not the
        tenant's pending one (another tenant's, or acknowledged already)."""
        current = self.pending(tenant)
        if current is None or current.id != step:
            return False
        self._audit.record(tenant=tenant, kind=ACKNOWLEDGED, step=step, by=by)
        return True
