"""Each tenant's rollout stage at run time (policies/rollout.py says what the stages mean).

The stage lives in the database (`rollout_state`), set by `supportbot rollout` or /admin, so every
process sees a change without a restart: `RolloutBook.current` reads it with a cache of `ttl`
seconds (0.5 by default: the kill switch holds for the next message within a second, on every
process). A tenant never set there has the tenants file's `[tenants.x.rollout]`. Every change is
audited (kind `rollout_changed`: from, to, percent, by whom, why) in the same transaction.

`RollbackWatch` steps a tenant back to `shadow` when, over a sliding window, the share of answers
marked "not helpful", the share of messages that ended in an error, or the share of the answers
graded in the background (`answer_grade`) that were graded low crosses its threshold (settings:
SUPPORTBOT_ROLLBACK_*); counted from the audit trail and the grades with aggregate queries, so what
every process answered counts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, case, func
from sqlmodel import Session, col, select

from bot.core.autocommit import autocommit
from bot.core.config import Settings
from bot.core.errors import error_kind
from bot.core.ops_tables import AnswerGrade, RolloutState
from bot.core.tables import AuditEvent, write_events
from bot.engine.assistant import AskResult
from bot.engine.pipeline import HandoffReason, Outcome
from policies.rollout import RolloutPolicy, Route, Stage, checked, route_for

logger = logging.getLogger(__name__)


# a tenant's stage, read every `ttl` in every process: one statement built once
_STATE = select(RolloutState.stage, RolloutState.percent, RolloutState.beta).where(RolloutState.tenant == bindparam("b_tenant"))


class RolloutBook:
    def __init__(self, *, engine: Engine, settings: Settings, ttl: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        # reads without a transaction (PostgreSQL: no BEGIN and ROLLBACK; psycopg forgets a connection's
        # prepared statements at each ROLLBACK, the message path's among them: bot/core/autocommit.py)
        self._single = autocommit(engine)
        self._settings = settings
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, RolloutPolicy]] = {}

    def _configured(self, tenant: str) -> RolloutPolicy:
        rollout = self._settings.tenant(tenant).rollout
        return RolloutPolicy(stage=Stage(rollout.stage), percent=rollout.percent, beta=tuple(rollout.beta_groups))

    def current(self, tenant: str, *, fresh: bool = False) -> RolloutPolicy:
        """Synchronous (a database read at most every `ttl` seconds per tenant; `fresh`: now)."""
        now = self._clock()
        cached = self._cache.get(tenant)
        if cached is not None and now - cached[0] < self._ttl and not fresh:
            return cached[1]
        with self._single.connect() as conn:
            row = conn.execute(_STATE, {"b_tenant": tenant}).first()
        policy = self._configured(tenant) if row is None else RolloutPolicy(
            stage=Stage(row.stage), percent=row.percent, beta=tuple(json.loads(row.beta)))
        self._cache[tenant] = (now, policy)
        return policy

    def cached(self, tenant: str) -> RolloutPolicy | None:
        """What `current` returns without reading the database; None when that needs a read (call `current`
        from a thread then). On the event loop: saves a message's turn a thread hop."""
        cached = self._cache.get(tenant)
        return cached[1] if cached is not None and self._clock() - cached[0] < self._ttl else None

    def route(self, *, tenant: str, customer: str, user: str | None, groups: Sequence[str]) -> Route:
        return route_for(self.current(tenant), tenant=tenant, customer=customer, user=user, groups=groups)

    def set(self, *, tenant: str, stage: str, percent: float | None = None, beta: Sequence[str] = (), by: str, reason: str = "") -> RolloutPolicy:
        """Validate (refused naming the tenant), store and audit a new stage. Synchronous."""
        self._settings.tenant(tenant)  # an unknown tenant: ConfigError with the known names
        policy = checked(tenant=tenant, stage=stage, percent=percent, beta=beta)
        with Session(self._engine) as session:
            row = session.get(RolloutState, tenant)
            before = self._configured(tenant).stage.value if row is None else row.stage
            if row is None:
                row = RolloutState(tenant=tenant, stage=policy.stage.value)
            row.stage, row.percent, row.beta = policy.stage.value, policy.percent, json.dumps(list(policy.beta))
            row.changed_by, row.reason, row.updated_at = by, reason, datetime.now(UTC)
            session.add(row)
            write_events(session.connection(), [("rollout_changed", {
                "from": before, "to": policy.stage.value, "percent": policy.percent, "beta": len(policy.beta), "by": by, "reason": reason,
            })], tenant=tenant, conversation_id=None)
            session.commit()
        self._cache.pop(tenant, None)
        logger.info("tenant %s: rollout %s -> %s (%s)", tenant, before, policy.stage.value, by)
        return policy

    def changes(self, *, tenant: str, limit: int = 20) -> list[dict[str, Any]]:
        with Session(self._engine) as session:
            rows = session.exec(select(AuditEvent).where(AuditEvent.tenant == tenant, AuditEvent.kind == "rollout_changed")
                                .order_by(col(AuditEvent.id).desc()).limit(limit))
            return [{"at": r.created_at.isoformat(), **json.loads(r.data)} for r in rows]


def staff_only(question: str, *, notice: str, stage: str) -> AskResult:
    """What a customer gets when people answer (stage off, or not among beta or percent): the handoff notice."""
    return AskResult(
        question=question, outcome=Outcome.HANDOFF, answer=notice, confidence=0.0, citations=(), route="handoff",
        handoff_reason=HandoffReason.POLICY, latency_ms=0.0, details={"rollout": stage},
        events=(("outcome", {"outcome": "handoff", "route": "handoff", "handoff_reason": HandoffReason.POLICY.value, "rollout": stage}),),
    )


def shadowed(result: AskResult, *, notice: str) -> tuple[AskResult, str | None]:
    """In `shadow` the bot's answer becomes a draft for staff; the customer gets the handoff notice.
    A bot handoff (a request for a person, no answer) stays as it was, with no draft."""
    if result.outcome is not Outcome.ANSWER:
        return result, None
    events = tuple((kind, {**data, "outcome": "handoff", "handoff_reason": HandoffReason.POLICY.value, "rollout": "shadow",
                           "drafted": True}) if kind == "outcome" else (kind, data) for kind, data in result.events)
    handed = AskResult(
        question=result.question, outcome=Outcome.HANDOFF, answer=notice, confidence=result.confidence, citations=(),
        route=result.route, handoff_reason=HandoffReason.POLICY, latency_ms=result.latency_ms, timings_ms=result.timings_ms,
        details={**result.details, "rollout": "shadow"}, events=events,
    )
    return handed, result.answer


@dataclass(frozen=True, slots=True)
class WindowCounts:
    outcomes: int
    answers: int
    errors: int
    not_helpful: int
    graded: int = 0  # answers graded in the background (bot/engine/online_grading.py)
    graded_low: int = 0  # of them, graded low (relevance under `rollback_low_relevance`)

    @property
    def error_rate(self) -> float:
        return self.errors / self.outcomes if self.outcomes else 0.0

    @property
    def not_helpful_rate(self) -> float:
        return self.not_helpful / self.answers if self.answers else 0.0

    @property
    def low_grade_rate(self) -> float:
        return self.graded_low / self.graded if self.graded else 0.0


class RollbackWatch:
    """Checks a tenant at most every `every` seconds (call `check` after a message, in the background)."""

    def __init__(self, *, engine: Engine, book: RolloutBook, settings: Settings, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = autocommit(engine)  # reads only: no transaction (see RolloutBook)
        self._book = book
        self._settings = settings
        self._every = every
        self._clock = clock
        self._checked: dict[str, float] = {}

    def counts(self, tenant: str, *, now: datetime | None = None) -> WindowCounts:
        since = (now or datetime.now(UTC)) - timedelta(seconds=self._settings.rollback_window_seconds)
        data = col(AuditEvent.data)
        with Session(self._engine) as session:
            def count(kind: str, *patterns: str) -> int:
                query = select(func.count()).where(AuditEvent.tenant == tenant, AuditEvent.kind == kind, col(AuditEvent.created_at) >= since)
                for pattern in patterns:
                    query = query.where(data.like(pattern))
                return int(session.exec(query).one())

            # the audit rows are JSON written with sorted keys (bot/core/tables.py event_rows): '"key": value'
            low = case((col(AnswerGrade.relevance) < self._settings.rollback_low_relevance, 1), else_=0)
            graded, graded_low = session.exec(select(func.count(), func.coalesce(func.sum(low), 0))
                                              .where(AnswerGrade.tenant == tenant, col(AnswerGrade.created_at) >= since)).one()
            return WindowCounts(outcomes=count("outcome"), answers=count("outcome", '%"outcome": "answer"%'),
                                errors=count("outcome", '%"handoff_reason": "error"%'), not_helpful=count("feedback", '%"helpful": false%'),
                                graded=int(graded), graded_low=int(graded_low))

    def due(self, tenant: str) -> bool:
        """Whether `check` would look at the tenant now (at most every `every` seconds): asked on the event
        loop first, so the messages in between cost no task and no thread hop (one each a message before,
        for a check that returned at once)."""
        return self._clock() - self._checked.get(tenant, -self._every) >= self._every

    def check(self, tenant: str) -> str | None:
        """Step the tenant back to shadow when a rate crossed its threshold; the reason, or None. Synchronous."""
        now = self._clock()
        if not self.due(tenant):
            return None
        self._checked[tenant] = now
        if self._book.current(tenant).stage in (Stage.OFF, Stage.SHADOW):
            return None
        n = self.counts(tenant)
        s = self._settings
        reason = None
        if n.answers >= s.rollback_min_answers and n.not_helpful_rate >= s.rollback_not_helpful:
            reason = f"{n.not_helpful} of {n.answers} answers marked not helpful in the last {s.rollback_window_seconds:g} s"
        elif n.outcomes >= s.rollback_min_answers and n.error_rate >= s.rollback_error_rate:
            reason = f"{n.errors} of {n.outcomes} messages ended in an error in the last {s.rollback_window_seconds:g} s"
        elif n.graded >= s.rollback_min_answers and n.low_grade_rate >= s.rollback_low_grades:
            reason = f"{n.graded_low} of {n.graded} graded answers graded low in the last {s.rollback_window_seconds:g} s"
        if reason is None:
            return None
        self._book.set(tenant=tenant, stage=Stage.SHADOW.value, by="automatic step back", reason=reason)
        logger.warning("tenant %s stepped back to shadow: %s", tenant, reason)
        return reason

    async def watch(self, tenant: str, *, on_step_back: Callable[[str, str], Awaitable[None]] | None) -> None:
        """`check` off the event loop (run it in a task: it never delays a reply); a step back is told
        to `on_step_back(tenant, reason)`. Never raises: a check that fails must not take a conversation down."""
        try:
            reason = await asyncio.to_thread(self.check, tenant)
        except Exception as exc:  # noqa: BLE001
            logging.getLogger("bot.engine.conversations").error("the rollback check of a tenant failed: %s", error_kind(exc))
            return
        if reason is not None and on_step_back is not None:
            await on_step_back(tenant, reason)
