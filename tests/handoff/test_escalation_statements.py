"""What one escalation costs the database (issue #17: at bench/bench_scale.py's load 0.3 of messages are
handed over, and an escalation's statements were ~1.6 of a message's ~5.6 on PostgreSQL). Counted at the
driver (psycopg's cursors: SQLAlchemy's statements, bot/core/direct.py's and the relay's alike), only those
the escalation's own task and its thread hops make (a context variable: the app's timers run beside it).
What the escalation must still write is checked with the count: the handoff and its audit events, the
conversation waiting, the customer told their place (the message and its QUEUE_TOLD audit), and the
conversation's latest recent grade marked as handed over (bot/engine/online_grading.py)."""

from __future__ import annotations

import contextvars
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlmodel import Session, col

from bot.app.app_keys import CONVERSATIONS, SERVICES, SETTINGS
from bot.core.ops_tables import AnswerGrade
from bot.core.records import HandoffReason
from bot.core.tables import AuditEvent
from handoff.service import QUEUE_TOLD, HandoffService
from tests.conftest import make_settings, running_app
from tests.databases import on_postgres
from tests.handoff.test_handoff_robustness import say

pytestmark = pytest.mark.skipif(not on_postgres(), reason="statements counted on PostgreSQL (SQLite's are in-process)")

_COUNTING: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("counting", default=None)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements the current task (and the threads it hands work to: asyncio.to_thread copies the
    context) sends while the list is being filled."""
    for cursor in (psycopg.Cursor, psycopg.AsyncCursor):
        for name in ("execute", "executemany"):
            original = getattr(cursor, name)

            def counted(self: Any, query: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                seen = _COUNTING.get()
                if seen is not None:
                    seen.append(str(query))
                return _original(self, query, *args, **kwargs)

            monkeypatch.setattr(cursor, name, counted)
    statements: list[str] = []
    yield statements


@pytest.fixture
async def client(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestClient]:
    async with running_app(make_settings(tmp_path_factory.mktemp("escalation"))) as client:
        yield client


async def test_an_escalation_on_postgresql_writes_all_it_did_in_three_statements(client: TestClient, sent: list[str]) -> None:
    app = client.app
    engine = app[SERVICES].engine
    # no socket of its own (bench/bench_scale.py's customers hold none: a socket reads the state on each message)
    created = await (await client.post("/api/v1/conversations", json={"widget_key": "demo"})).json()
    conversation, auth = created["conversation_id"], {"Authorization": f"Bearer {created['token']}"}
    answered = await say(client, conversation, auth, "How do I delete a page?")
    assert answered["reply"]["outcome"] != "handoff"
    with Session(engine) as session:  # the answer's grade, as the grader writes a sampled one
        session.add(AnswerGrade(message_id=answered["reply"]["id"], conversation_id=conversation, tenant="default", score=0.9, support=0.9,
                                relevance=0.9, citations_valid=True))
        session.commit()
    service = HandoffService(engine=engine, settings=app[SETTINGS], conversations=app[CONVERSATIONS], audit=app[SERVICES].audit)

    token = _COUNTING.set(sent)
    try:
        handoff = await service.escalate(conversation, reason=HandoffReason.CUSTOMER_REQUEST, topic="")
    finally:
        _COUNTING.reset(token)

    # the reads (the conversation, its messages, its audit events: one statement, handoff/escalation_reads.py), the
    # handoff's write with the grade's mark and the queue, the notice with its audit event and its notification to
    # the other processes' sockets: three (were five: the reads three statements; before that eight, the queue's
    # read, the audit event and the notification each a statement; the grader's mark a ninth)
    assert len(sent) == 3, "\n\n".join(sent)
    assert handoff is not None and handoff.status == "queued" and service.state(conversation).value == "waiting_for_human"
    with Session(engine) as session:
        kinds = [(e.kind, json.loads(e.data)) for e in session.exec(select(AuditEvent).where(AuditEvent.conversation_id == conversation)
                                                                    .order_by(col(AuditEvent.id))).scalars()]
        marked = session.exec(select(AnswerGrade.handoff_after).where(AnswerGrade.conversation_id == conversation)).scalars().all()
    assert [k for k, _ in kinds][-3:] == ["handoff", "state", QUEUE_TOLD]
    assert kinds[-1][1] == {"handoff": handoff.id, "position": 1, "rank": None}
    assert marked == [True]
    told = [m for m in app[CONVERSATIONS].history(conversation) if m.role == "system"]
    assert told and "1" in told[-1].text  # first in the queue
