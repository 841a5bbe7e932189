"""The customer's signals that come while a sampled answer is being graded (bot/engine/online_grading.py
`OnlineGrader`): the judge can take seconds, and the customer may say the answer did not help and ask for a
person meanwhile. Both land on the grade when it is stored, read after it is committed in one statement
(were two). On the database the suite runs on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from bot.core.database import open_database
from bot.core.messages import Message, Role
from bot.core.ops_tables import AnswerGrade
from bot.core.records import Citation, Outcome
from bot.core.tables import AuditLog, Handoff
from bot.engine.assistant import AskResult
from bot.engine.online_grading import OnlineGrader
from tests.databases import database_url

ANSWER = "Open Settings, then Security, and turn on two-factor authentication. [1]"
PASSAGE = "To turn on two-factor authentication, open Settings, then Security, and switch it on."


class _Verdict:
    def to_json(self) -> dict[str, Any]:
        return {"faithfulness": 5, "relevance": 5, "tone": 5, "reason": "quotes the article"}


class _SlowJudge:
    """A judge that answers only when told to: the customer's signals come while it works."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()

    async def grade(self, **_: Any) -> _Verdict:
        self.asked.set()
        await self.answer.wait()
        return _Verdict()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url(tmp_path / "db.sqlite"), upgrade=True)
    yield engine
    engine.dispose()


async def test_feedback_and_a_handoff_while_the_judge_works_land_on_the_grade_read_in_one_statement(engine: Engine) -> None:
    judge = _SlowJudge()
    grader = OnlineGrader(engine=engine, share=1.0, judge=judge)
    answered_at = datetime.now(UTC)
    reply = Message(id=41, role=Role.BOT, text=ANSWER, created_at=answered_at)
    result = AskResult(question="How do I turn on two-factor authentication?", outcome=Outcome.ANSWER, answer=ANSWER, confidence=0.9,
                       citations=(Citation(source="security.md", title="Security", url=None, score=0.9),), route="extractive",
                       handoff_reason=None, latency_ms=5.0, details={"passage_texts": {"security.md": PASSAGE}})
    grader.after_reply(result, reply=reply, conversation_id="c-1", tenant="acme", user=None)
    await asyncio.wait_for(judge.asked.wait(), 30)

    # meanwhile: "not helpful" on this answer (and on another one), then a person asked for
    audit = AuditLog(engine)
    audit.record(tenant="acme", conversation_id="c-1", kind="feedback", message_id=40, helpful=True)
    audit.record(tenant="acme", conversation_id="c-1", kind="feedback", message_id=41, helpful=False)
    grader.signal_feedback(message_id=41, helpful=False)  # no grade yet: nothing to update
    with Session(engine) as session:
        session.add(Handoff(conversation_id="c-1", tenant="acme", reason="customer_request", created_at=datetime.now(UTC)))
        session.commit()

    statements: list[str] = []

    def sent(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql)

    event.listen(engine, "before_cursor_execute", sent)
    judge.answer.set()
    await grader.drain()
    event.remove(engine, "before_cursor_execute", sent)

    with Session(engine) as session:
        [grade] = session.exec(select(AnswerGrade).where(AnswerGrade.message_id == 41)).all()
    assert grade.helpful is False and grade.handoff_after is True and grade.judge is not None
    assert grader.failures == 0
    # the grade's insert, the signals' read, the update with them (the read was two statements)
    assert len(statements) == 3, "\n\n".join(statements)


async def test_a_grade_without_signals_is_stored_as_graded(engine: Engine) -> None:
    judge = _SlowJudge()
    judge.answer.set()
    grader = OnlineGrader(engine=engine, share=1.0, judge=judge)
    # a handoff of the conversation before the answer is no signal about it
    with Session(engine) as session:
        session.add(Handoff(conversation_id="c-2", tenant="acme", reason="customer_request", created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.commit()
    reply = Message(id=7, role=Role.BOT, text=ANSWER, created_at=datetime.now(UTC))
    result = AskResult(question="How do I turn on two-factor authentication?", outcome=Outcome.ANSWER, answer=ANSWER, confidence=0.9,
                       citations=(Citation(source="security.md", title="Security", url=None, score=0.9),), route="extractive",
                       handoff_reason=None, latency_ms=5.0, details={"passage_texts": {"security.md": PASSAGE}})
    grader.after_reply(result, reply=reply, conversation_id="c-2", tenant="acme", user=None)
    await grader.drain()
    with Session(engine) as session:
        [grade] = session.exec(select(AnswerGrade).where(AnswerGrade.message_id == 7)).all()
    assert grade.helpful is None and grade.handoff_after is False and grader.failures == 0
