"""Tables of operations (issue #18): stored evaluation runs for the release gate, and each tenant's
rollout stage as changed at run time (the tenants file's `rollout` is the stage until then).

Kept apart from bot/storage.py (which imports this module, so one metadata holds every table).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint


def _now() -> datetime:
    return datetime.now(UTC)


class EvalRun(SQLModel, table=True):
    """One `supportbot eval --save NAME` run: its figures and per-case outcomes and grades (JSON)."""

    __tablename__ = "eval_run"
    __table_args__ = (UniqueConstraint("tenant", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(index=True)
    name: str
    cases_file: str = ""
    config: str = "{}"  # the thresholds the run used
    figures: str = "{}"
    cases: str = "[]"  # [{question, kind, outcome, verdict, sources, grade}]
    created_at: datetime = Field(default_factory=_now)


class RolloutState(SQLModel, table=True):
    """A tenant's rollout stage set from the CLI or /admin; read by every process (a short cache)."""

    __tablename__ = "rollout_state"
    tenant: str = Field(primary_key=True)
    stage: str
    percent: float = 100.0
    beta: str = "[]"  # JSON list of identities and access groups that get the bot in `beta`
    changed_by: str = ""
    reason: str = ""
    updated_at: datetime = Field(default_factory=_now)
