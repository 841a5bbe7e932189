"""Tables of operations (issue #18): stored evaluation runs for the release gate, and each tenant's
rollout stage as changed at run time (the tenants file's `rollout` is the stage until then).

Kept apart from bot/core/tables.py (which imports this module, so one metadata holds every table).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Field, SQLModel, UniqueConstraint, col, select


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


class AnswerGrade(SQLModel, table=True):
    """A live answer graded in the background (a sample of them), with the customer's own signals
    as they come: helpful or not, whether the next message was handed to a person, and the rating
    the customer then gave people's help."""

    __tablename__ = "answer_grade"
    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(index=True, unique=True)  # the bot's reply
    conversation_id: str = Field(index=True)
    tenant: str = Field(index=True)
    score: float  # the local grade (policies/grading.py), 0..1
    support: float
    relevance: float
    citations_valid: bool
    judge: str | None = None  # JSON of the judge's grade, or {"ungraded": why}; None without a judge
    helpful: bool | None = None
    handoff_after: bool = False
    rating: int | None = None  # 1-5: the customer's rating of people's help, when this answer was handed over
    created_at: datetime = Field(default_factory=_now, index=True)


HANDOFF_AFTER = timedelta(minutes=30)  # a handoff this soon after an answer counts against the answer
# built once (it runs on every handoff, in the handoff's own write: handoff/records.py `open`): the
# conversation's latest grade of the last HANDOFF_AFTER (bind "c": the conversation, "since")
_LATEST_GRADE = (select(AnswerGrade.id).where(AnswerGrade.conversation_id == bindparam("c"), col(AnswerGrade.created_at) >= bindparam("since"))
                 .order_by(col(AnswerGrade.id).desc()).limit(1).scalar_subquery())
MARK_HANDOFF_AFTER = update(AnswerGrade).where(col(AnswerGrade.id) == _LATEST_GRADE).values(handoff_after=True)


class FaqProposal(SQLModel, table=True):
    """A FAQ entry staff proposed from a resolved handoff (issue #18, learning from staff): redacted
    question and answer, waiting for an operator; approved ones are in the knowledge base as
    `faq/proposal-<id>.md`, rejected ones and those that failed the release gate stay out (`note` says why)."""

    __tablename__ = "faq_proposal"
    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(index=True)
    handoff_id: int = Field(index=True)
    question: str
    answer: str
    status: str = Field(default="proposed", index=True)  # proposed | approved | rejected | failed_gate
    proposed_by: str = ""
    note: str = ""  # the gate's verdict, or why it could not run
    created_at: datetime = Field(default_factory=_now)
    decided_at: datetime | None = None
