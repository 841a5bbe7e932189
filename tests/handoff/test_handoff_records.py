"""A handoff's status when two desks or processes act on it at once (handoff/records.py `move` and
`open_thread`'s `status_from`): whoever came first stands. Each process reads the handoff, then saves;
the saves read the stored status again under a row lock. On the database the suite runs on; the
threads racing for one row only on PostgreSQL (SQLite has one process, whose per-conversation lock
orders them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.core.database import open_database
from bot.core.handoff_states import ACTIVE, UNCLAIMED, HandoffStatus, State
from bot.core.tables import AuditEvent, Conversation, Handoff
from handoff.records import HandoffRecords
from tests.databases import database_url, on_postgres

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[HandoffRecords, HandoffRecords]]:
    """Two processes' records on one database (an engine each)."""
    url = database_url(tmp_path / "db.sqlite")
    first, second = open_database(url, upgrade=True), open_database(url, upgrade=True)
    engines: list[Engine] = [first, second]
    yield HandoffRecords(first, now=lambda: NOW), HandoffRecords(second, now=lambda: NOW)
    for engine in engines:
        engine.dispose()


def _queued(records: HandoffRecords) -> Handoff:
    return records.add(Handoff(conversation_id="c-1", tenant="acme", reason="customer_request", created_at=NOW, status=HandoffStatus.QUEUED))


def test_a_card_posted_after_a_claim_on_the_other_process_leaves_the_claim(two: tuple[HandoffRecords, HandoffRecords]) -> None:
    """Slack took the card (process B) while Alice claimed on the console (process A): the card's save set
    the handoff back to open, unclaimed, while the customer had been told Alice joined."""
    a, b = two
    read_by_b = _queued(b)  # B starts announcing it
    assert a.move(a.get(read_by_b.id or 0), only_from=UNCLAIMED, status=HandoffStatus.CLAIMED, claimed_by="Alice") is not None  # type: ignore[arg-type]
    after = b.open_thread(read_by_b, first=[("note", "transcript")], status=HandoffStatus.OPEN, status_from=(HandoffStatus.QUEUED,),
                          staff_channel="CSTAFF", thread_ts="1000.1")
    assert (after.status, after.claimed_by, after.thread_ts) == ("claimed", "Alice", "1000.1")


def test_a_claim_or_close_read_before_another_desk_acted_changes_nothing(two: tuple[HandoffRecords, HandoffRecords]) -> None:
    a, b = two
    handoff = _queued(a)
    stale = b.get(handoff.id or 0)
    assert a.move(handoff, only_from=UNCLAIMED, status=HandoffStatus.CLAIMED, claimed_by="Alice") is not None
    assert b.move(stale, only_from=UNCLAIMED, status=HandoffStatus.CLAIMED, claimed_by="Bob") is None  # type: ignore[arg-type]
    assert a.move(handoff, only_from=ACTIVE, status=HandoffStatus.RESOLVED) is not None
    assert b.move(stale, only_from=ACTIVE, status=HandoffStatus.RETURNED) is None  # type: ignore[arg-type]
    assert (a.get(handoff.id or 0).status, a.get(handoff.id or 0).claimed_by) == ("resolved", "Alice")  # type: ignore[union-attr]


@pytest.mark.skipif(not on_postgres(), reason="two processes share a database only on PostgreSQL")
def test_claims_racing_on_two_processes_make_one_claim(two: tuple[HandoffRecords, HandoffRecords]) -> None:
    a, b = two
    for n in range(10):
        handoff = a.add(Handoff(conversation_id=f"c-{n}", tenant="acme", reason="customer_request", created_at=NOW, status=HandoffStatus.OPEN))
        seen_a, seen_b = a.get(handoff.id or 0), b.get(handoff.id or 0)
        with ThreadPoolExecutor(2) as pool:
            won = list(pool.map(lambda pair: pair[0].move(pair[1], only_from=UNCLAIMED, status=HandoffStatus.CLAIMED, claimed_by=pair[2]),
                                [(a, seen_a, "Alice"), (b, seen_b, "Bob")]))
        assert sum(w is not None for w in won) == 1
        winner = next(w for w in won if w is not None)
        assert a.get(handoff.id or 0).claimed_by == winner.claimed_by  # type: ignore[union-attr]


def test_opening_a_handoff_moves_its_conversation_to_waiting_and_audits_both(two: tuple[HandoffRecords, HandoffRecords]) -> None:
    """`open` (one statement on PostgreSQL, a transaction on SQLite): the handoff stored, the conversation
    waiting for people, the handoff's audit event and then the state change's, each naming the handoff;
    a conversation already waiting keeps its state and gets no state event."""
    records, _ = two
    engine = records._engine
    with Session(engine) as session:
        session.add(Conversation(id="c-bot", tenant="acme", channel="widget", state=State.BOT, created_at=NOW, updated_at=NOW))
        session.add(Conversation(id="c-waiting", tenant="acme", channel="widget", state=State.WAITING, created_at=NOW, updated_at=NOW))
        session.commit()
    first, (place, _) = records.open(Handoff(conversation_id="c-bot", tenant="acme", reason="customer_request", topic="billing", created_at=NOW), actor="bot")
    second, (second_place, _) = records.open(Handoff(conversation_id="c-waiting", tenant="acme", reason="low_confidence", created_at=NOW), actor="bot")
    assert (place, second_place) == (1, 2)  # the queue as it stands, read in the same write
    assert first.id is not None and second.id == first.id + 1
    assert (records.get(first.id).reason, records.get(first.id).topic, records.get(first.id).status) == ("customer_request", "billing", "queued")  # type: ignore[union-attr]
    with Session(engine) as session:
        states = {c.id: c.state for c in session.exec(select(Conversation))}
        events = [(e.conversation_id, e.kind, json.loads(e.data)) for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    assert states == {"c-bot": "waiting_for_human", "c-waiting": "waiting_for_human"}
    assert events == [
        ("c-bot", "handoff", {"reason": "customer_request", "topic": "billing", "handoff": first.id}),
        ("c-bot", "state", {"before": "bot", "after": "waiting_for_human", "actor": "bot", "reason": "customer_request", "handoff": first.id}),
        ("c-waiting", "handoff", {"reason": "low_confidence", "topic": None, "handoff": second.id}),
    ]
