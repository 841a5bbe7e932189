"""Online grading: a sample of live answers graded in the background, never delaying the customer.

`OnlineGrader.after_reply` is called once the reply is stored and delivered; for a sampled answer
(`SUPPORTBOT_GRADE_SAMPLE`, a share 0..1, chosen by a hash of the reply's id so every process makes
the same choice) a task grades it locally (policies/grading.py) and with the judge when one is
configured (bot/engine/grading.py: redacted, metered, budgeted; ungraded when it fails), and stores the
grade (table `answer_grade`). The customer's own signals are added to the row as they come:
`signal_feedback` (helpful / not helpful), `after_reply` of the next message (handed to a person
right after the answer) and `signal_rating` (the customer's rating of people's help after that handoff,
from the `Rated` event). Failures are logged, never raised to the conversation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    String,
    bindparam,
    cast,
    exists,
    insert,
    null,
    union_all,
    update,
)
from sqlmodel import Session, col, select

from bot.core.autocommit import autocommit
from bot.core.events import Rated
from bot.core.messages import Message
from bot.core.ops_tables import HANDOFF_AFTER, MARK_HANDOFF_AFTER, AnswerGrade
from bot.core.tables import AuditEvent, Handoff
from bot.engine.assistant import AskResult
from bot.engine.release_gate import local_grade

logger = logging.getLogger(__name__)


def sampled(message_id: int, share: float) -> bool:
    digest = hashlib.sha256(f"grade\x00{message_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


# a sampled answer's grade and the customer's signals read after it (`OnlineGrader._add`)
_GRADES = AnswerGrade.__table__  # type: ignore[attr-defined]
_INSERT_GRADE = insert(_GRADES).returning(_GRADES.c.id)
# the customer's signals in one read (were two statements): the data of each of the conversation's feedback events,
# then one row with no data when it was handed over since the answer
_SIGNALS = union_all(
    select(AuditEvent.data).where(AuditEvent.conversation_id == bindparam("c"), AuditEvent.kind == "feedback"),
    select(cast(null(), String).label("data")).where(
        exists().where(Handoff.conversation_id == bindparam("c"), col(Handoff.created_at) >= bindparam("since"))),
)


class OnlineGrader:
    def __init__(self, *, engine: Engine, share: float, judge: Any = None) -> None:
        self._engine = engine
        self._single = autocommit(engine)  # made once: an engine's execution_options cost ~60 µs a call (bench/bench_scale.py)
        self._share = share
        self._judge = judge
        self._tasks: set[asyncio.Task[None]] = set()
        self.failures = 0

    def after_reply(
        self, result: AskResult, *, reply: Message, conversation_id: str, tenant: str, user: str | None, mark_handoff: bool = True,
    ) -> None:
        """Non-blocking: schedules the work and returns. `mark_handoff`: a handed-over turn marks the
        conversation's latest grade here; False when the escalation's own write marks it (handoff/records.py `open`)."""
        task = asyncio.create_task(self._after(result, reply=reply, conversation_id=conversation_id, tenant=tenant, user=user,
                                               mark_handoff=mark_handoff))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the grading under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _after(
        self, result: AskResult, *, reply: Message, conversation_id: str, tenant: str, user: str | None, mark_handoff: bool = True,
    ) -> None:
        try:
            if mark_handoff and result.outcome.value == "handoff":
                await asyncio.to_thread(self._mark_handoff_after, conversation_id)
            message_id = reply.id
            if result.outcome.value != "answer" or not sampled(message_id, self._share):
                return
            grade = await asyncio.to_thread(local_grade, result)
            if grade is None:
                return
            judged = None
            if self._judge is not None:
                verdict = await self._judge.grade(tenant=tenant, question=result.question, answer=result.answer,
                                                  passages=result.details.get("passage_texts") or {},
                                                  cited=[c.source for c in result.citations], user=user, conversation_id=conversation_id)
                judged = json.dumps(verdict.to_json())
            row = AnswerGrade(message_id=message_id, conversation_id=conversation_id, tenant=tenant, score=grade.score, support=grade.support,
                              relevance=grade.relevance, citations_valid=grade.citations_valid, judge=judged)
            await asyncio.to_thread(self._add, row, answered_at=reply.created_at)
        except Exception as exc:  # noqa: BLE001 - grading is a by-product: it never takes a conversation down
            self.failures += 1
            logger.error("grading an answer failed: %s", type(exc).__name__)

    def _add(self, row: AnswerGrade, *, answered_at: datetime) -> None:
        """The grade, then the customer's signals that came while it was being made (the judge can take
        seconds): the verdict on this answer and a handoff since, in one read. Committed first, so a signal that
        comes after this read finds the row (`signal_feedback`, `_mark_handoff_after`). Each a statement of its
        own, without a transaction (PostgreSQL: no BEGIN, COMMIT or ROLLBACK, and psycopg keeps the
        connection's prepared statements, which it forgets at each ROLLBACK: bot/core/autocommit.py)."""
        conversation_id, message_id = row.conversation_id, row.message_id
        values = {c.name: getattr(row, c.name) for c in _GRADES.c if c.name != "id"}
        with self._single.connect() as conn:
            grade_id = conn.execute(_INSERT_GRADE, values).scalar_one()
            conn.commit()  # SQLite's (on PostgreSQL each statement is committed as it runs)
            read = conn.execute(_SIGNALS, {"c": conversation_id, "since": answered_at}).scalars().all()
            signals: dict[str, Any] = {}
            verdicts = [json.loads(data) for data in read if data is not None]
            helpful = next((d["helpful"] for d in verdicts if d.get("message_id") == message_id), None)
            if helpful is not None:
                signals["helpful"] = helpful
            if None in read:
                signals["handoff_after"] = True
            if signals:
                conn.execute(update(AnswerGrade).where(col(AnswerGrade.id) == grade_id).values(**signals))
            conn.commit()
        row.id = grade_id

    def _mark_handoff_after(self, conversation_id: str) -> None:
        """One statement (its latest recent grade, if any), on every handoff: no read and write in a transaction."""
        with self._single.begin() as connection:
            connection.execute(MARK_HANDOFF_AFTER, {"c": conversation_id, "since": datetime.now(UTC) - HANDOFF_AFTER})

    def signal_feedback(self, *, message_id: int, helpful: bool) -> None:
        """The customer's verdict on an answer, kept beside its grade (when it was sampled). Synchronous."""
        with Session(self._engine) as session:
            session.execute(update(AnswerGrade).where(col(AnswerGrade.message_id) == message_id).values(helpful=helpful))
            session.commit()

    def signal_rating(self, *, conversation_id: str, rating: int) -> None:
        """The customer's rating of people's help (after a resolved handoff), kept on the conversation's
        last graded answer that was handed over and not yet rated. Synchronous."""
        with Session(self._engine) as session:
            latest = session.exec(select(AnswerGrade.id).where(AnswerGrade.conversation_id == conversation_id,
                                                                col(AnswerGrade.handoff_after), col(AnswerGrade.rating).is_(None))
                                  .order_by(col(AnswerGrade.id).desc()).limit(1)).first()
            if latest is not None:
                session.execute(update(AnswerGrade).where(col(AnswerGrade.id) == latest).values(rating=rating))
                session.commit()

    async def on_rated(self, event: Rated) -> None:
        """The event bus's listener for `Rated` (bot/core/events.py)."""
        await asyncio.to_thread(self.signal_rating, conversation_id=event.conversation_id, rating=event.rating)

    def summary(self, *, tenant: str, since: datetime) -> dict[str, Any]:
        """Aggregates for the dashboard: graded answers, mean local grade, and the grade by the customer's signal."""
        from sqlalchemy import func

        with Session(self._engine) as session:
            rows = session.exec(select(AnswerGrade.helpful, AnswerGrade.handoff_after, func.count(), func.avg(AnswerGrade.score))
                                .where(AnswerGrade.tenant == tenant, col(AnswerGrade.created_at) >= since)
                                .group_by(AnswerGrade.helpful, AnswerGrade.handoff_after)).all()
        total = sum(r[2] for r in rows)
        mean = sum(r[2] * (r[3] or 0.0) for r in rows) / total if total else None
        return {"graded": total, "mean_grade": None if mean is None else round(mean, 4),
                "by_signal": [{"helpful": h, "handoff_after": a, "answers": n, "mean_grade": round(float(m or 0.0), 4)} for h, a, n, m in rows]}


def online_grader(services: Any) -> OnlineGrader | None:
    """The grader for the composition root: None when the sample is 0; with the judge when one is configured."""
    from bot.engine.grading import Judge, judge_model

    settings = services.settings
    if settings.grade_sample <= 0:
        return None
    model = judge_model(settings)
    judge = None
    if model is not None:
        redactor = services.redactor
        judge = Judge(model=model, budget=services.budget, settings=settings,
                      redact=lambda text, tenant: redactor.redact_sync(text, tenant=tenant).redacted if redactor is not None else text)
    return OnlineGrader(engine=services.engine, share=settings.grade_sample, judge=judge)
