"""Handoffs and conversation states in the database: the synchronous side of the handoff service.

Call these from a thread. Nothing here talks to Slack or to the customer; handoff/service.py does,
and decides when these run.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    String,
    TextualSelect,
    bindparam,
    column,
    func,
    insert,
    or_,
    text,
    true,
    update,
)
from sqlmodel import Session, col, select

from bot.core.autocommit import autocommit
from bot.core.clock import utc
from bot.core.handoff_states import (
    ACTIVE,
    ALLOWED,
    UNCLAIMED,
    HandoffStatus,
    State,
    check,
)
from bot.core.ops_tables import HANDOFF_AFTER, MARK_HANDOFF_AFTER, AnswerGrade
from bot.core.packet import Packet, stored_attempts
from bot.core.tables import (
    AuditEvent,
    Conversation,
    Handoff,
    StaffPost,
    utcnow,
    write_events,
)
from handoff.staff_posts import StaffPostQueue
from handoff.wait_estimate import CLAIM_WINDOW, Wait, estimate, minutes_per_person

OPEN = UNCLAIMED  # waiting for someone to claim (bot/core/handoff_states.py)

# statements built once: escalation is on the per-message path of every conversation that asks for a person
_STATE = select(Conversation.state, Conversation.tenant).where(col(Conversation.id) == bindparam("b_conversation"))
_SET_STATE = (
    update(Conversation).where(col(Conversation.id) == bindparam("b_conversation"))
    .values(state=bindparam("b_state"), updated_at=bindparam("b_now"))
)
_SET_STATE_FROM = _SET_STATE.where(col(Conversation.state) == bindparam("b_before"))
_INSERT_HANDOFF = insert(Handoff)
_HANDOFF = Handoff.__table__.c  # type: ignore[attr-defined]
_AHEAD = select(func.count()).select_from(Handoff).where(
    Handoff.tenant == bindparam("b_tenant"), col(Handoff.status).in_(OPEN), col(Handoff.id) <= bindparam("b_handoff")
)
_FIRST_POSITION = select(func.min(StaffPost.position)).where(StaffPost.handoff_id == bindparam("b_handoff"))
_RECENT_CLAIMS = (
    select(Handoff.claimed_at, Handoff.created_at).where(Handoff.tenant == bindparam("b_tenant"), col(Handoff.claimed_at).is_not(None))
    .order_by(col(Handoff.claimed_at).desc()).limit(CLAIM_WINDOW)  # read newest first from ix_handoff_tenant_claimed_at
)


def _queue() -> Any:
    """`_AHEAD` and `_RECENT_CLAIMS` in one statement (a row per recent claim, each with the count; one
    row of nulls beside it when there is none): an escalation's statements cost the client more than
    the database their work (bench/bench_scale.py)."""
    ahead = _AHEAD.with_only_columns(func.count().label("ahead")).subquery("a")
    recent = _RECENT_CLAIMS.subquery("r")
    return select(ahead.c.ahead, recent.c.claimed_at, recent.c.created_at).select_from(ahead.outerjoin(recent, true()))


_QUEUE = _queue()


@dataclass(frozen=True, slots=True)
class ReminderTaken:
    """A reminder this process took (`HandoffRecords.take_reminder`); `before`: the `reminded_at` it replaced,
    to give the slot back with when the reminder could not be sent."""

    before: datetime | None


_HOLE = uuid.uuid4().hex  # stands for a value only the statement knows, in audit data written by `_OPEN`


def _json_parts(data: dict[str, Any]) -> list[str]:
    """`data` as `write_events` stores it (bot/core/tables.py `event_rows`), split where its values are
    `_HOLE`: the statement fills each gap with JSON of its own."""
    return json.dumps(data, default=str, sort_keys=True).split(json.dumps(_HOLE))


def _open_statement() -> TextualSelect:
    """PostgreSQL: `HandoffRecords.open` in one statement (was BEGIN, four statements and COMMIT on every
    escalation): the handoff's insert, the conversation's move to waiting (from the state read in the
    statement's snapshot, as the transaction's SELECT read it), and the audit events, in the order the
    transaction wrote them, their data's handoff id and state before filled in by the statement.
    Returns the handoff's id and the state before (null when it did not change); with them the grader's
    mark of the conversation's latest recent grade, and the queue as `queue_position` reads it, a row per
    recent claim (they were two statements more on every escalation)."""
    columns = [c for c in Handoff.__table__.columns if c.name != "id"]  # type: ignore[attr-defined]
    names = ", ".join(f'"{c.name}"' for c in columns)
    values = ", ".join(f":h_{c.name}" for c in columns)
    statement = text(
        f"WITH h AS (INSERT INTO handoff ({names}) VALUES ({values}) RETURNING id), "
        "old AS (SELECT state FROM conversation WHERE id = :b_conversation), "
        "moved AS (UPDATE conversation SET state = :b_waiting, updated_at = :b_now FROM old "
        "WHERE conversation.id = :b_conversation AND old.state <> :b_waiting RETURNING old.state AS before), "
        "ev AS (INSERT INTO auditevent (tenant, conversation_id, kind, data, created_at) "
        "SELECT :e_tenant, :b_conversation, e.kind, e.data, :e_now FROM ("
        "SELECT 1 AS n, 'handoff' AS kind, CAST(:p0 AS TEXT) || h.id || CAST(:p1 AS TEXT) AS data FROM h "
        "UNION ALL SELECT 2, 'state', CAST(:q0 AS TEXT) || to_json(moved.before)::text || CAST(:q1 AS TEXT) || h.id || CAST(:q2 AS TEXT) "
        "FROM moved, h) AS e ORDER BY e.n), "
        # the conversation's latest recent grade marked as handed over (was the grader's statement of its own)
        "g AS (UPDATE answer_grade SET handoff_after = true WHERE id = (SELECT id FROM answer_grade "
        "WHERE conversation_id = :b_conversation AND created_at >= :g_since ORDER BY id DESC LIMIT 1)), "
        # the queue as `_QUEUE` reads it (a statement after this one was): those ahead (the new one is not in
        # the statement's snapshot: counted by the caller) and the tenant's recent claims
        "a AS (SELECT count(*) AS ahead FROM handoff, h WHERE handoff.tenant = :e_tenant "
        f"AND handoff.status IN ({', '.join(repr(s.value) for s in OPEN)}) AND handoff.id < h.id), "
        "r AS (SELECT claimed_at, created_at FROM handoff WHERE tenant = :e_tenant AND claimed_at IS NOT NULL "
        f"ORDER BY claimed_at DESC LIMIT {CLAIM_WINDOW}) "
        "SELECT h.id, moved.before, a.ahead, r.claimed_at, r.created_at FROM h CROSS JOIN a LEFT JOIN moved ON true LEFT JOIN r ON true"
    )
    audit = AuditEvent.__table__.c  # type: ignore[attr-defined]
    return statement.bindparams(
        *(bindparam(f"h_{c.name}", type_=c.type) for c in columns),
        bindparam("b_now", type_=Conversation.__table__.c.updated_at.type),  # type: ignore[attr-defined]
        bindparam("e_now", type_=audit.created_at.type),
        bindparam("g_since", type_=AnswerGrade.__table__.c.created_at.type),  # type: ignore[attr-defined]
    ).columns(
        column("id", Integer), column("before", String), column("ahead", Integer),
        column("claimed_at", _HANDOFF.claimed_at.type), column("created_at", _HANDOFF.created_at.type),
    )


_OPEN = _open_statement()
# every state may go to waiting (handoff/records.py `open` checks it on SQLite): the statement need not ask
_ANY_MAY_WAIT = all(State.WAITING in ALLOWED[state] for state in State if state is not State.WAITING)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives datetimes back without their zone; they were written in UTC."""
    return None if moment is None else utc(moment)


def packet_of(handoff: Handoff) -> Packet:
    data = json.loads(handoff.packet)
    data["attempts"] = stored_attempts(data.get("attempts", []), reason=data.get("reason", ""))
    return Packet(**data)


class HandoffRecords(StaffPostQueue):
    def __init__(self, engine: Engine, *, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._single = autocommit(engine)  # reads: on PostgreSQL without BEGIN and ROLLBACK around them
        self._several = engine.dialect.name == "postgresql"  # processes share the database only there
        self._now = now
        # PostgreSQL: an escalation's writes one statement (data-modifying CTEs); SQLite has none
        self._in_one = engine.dialect.name == "postgresql" and _ANY_MAY_WAIT

    def set_state(self, conversation_id: str, target: State) -> tuple[str, str] | None:
        """Move the conversation to `target` (checked against the state machine). Returns (state
        before, tenant) when it changed, None when it was already there or is unknown, or when another
        process moved it between the read and the write (the update is conditional on the state read:
        two processes finishing one claim both read 'waiting', and only one of them may tell the customer)."""
        with self._engine.begin() as conn:
            row = conn.execute(_STATE, {"b_conversation": conversation_id}).first()
            if row is None or row.state == target.value:
                return None
            check(row.state, target)
            moved = conn.execute(_SET_STATE_FROM, {"b_conversation": conversation_id, "b_state": target.value, "b_now": self._now(),
                                                   "b_before": row.state})
            return (row.state, row.tenant) if moved.rowcount == 1 else None

    def open(self, handoff: Handoff, *, actor: str) -> tuple[Handoff, tuple[int, Wait | None]]:
        """Store a new handoff, move its conversation to waiting and write both audit events (the
        handoff's, and the state change's when it changed), in one transaction: they were three, and a
        crash between them could leave a handoff whose conversation the bot still answered. The
        conversation's latest recent grade is marked as handed over in it (bot/engine/online_grading.py),
        and the queue read as `queue_position` reads it: returned with the handoff, to tell the customer."""
        values = handoff.model_dump(exclude={"id"})
        since = datetime.now(UTC) - HANDOFF_AFTER  # the grades' clock (bot/engine/online_grading.py marked with it)
        if self._in_one:
            return self._open_in_one(handoff, values, actor=actor, since=since)
        with self._engine.begin() as conn:
            handoff.id = conn.execute(_INSERT_HANDOFF, values).inserted_primary_key[0]
            events: list[tuple[str, dict[str, Any]]] = [("handoff", {"reason": handoff.reason, "topic": handoff.topic, "handoff": handoff.id})]
            row = conn.execute(_STATE, {"b_conversation": handoff.conversation_id}).first()
            if row is not None and row.state != State.WAITING.value:
                check(row.state, State.WAITING)
                conn.execute(_SET_STATE, {"b_conversation": handoff.conversation_id, "b_state": State.WAITING.value, "b_now": self._now()})
                events.append(("state", {"before": row.state, "after": State.WAITING.value, "actor": actor, "reason": handoff.reason,
                                         "handoff": handoff.id}))
            write_events(conn, events, tenant=handoff.tenant, conversation_id=handoff.conversation_id)
            conn.execute(MARK_HANDOFF_AFTER, {"c": handoff.conversation_id, "since": since})
            rows = conn.execute(_QUEUE, {"b_tenant": handoff.tenant, "b_handoff": handoff.id or 0}).all()
        return handoff, self._queue_of(rows[0].ahead, rows)

    def _open_in_one(self, handoff: Handoff, values: dict[str, Any], *, actor: str, since: datetime) -> tuple[Handoff, tuple[int, Wait | None]]:
        """`open` on PostgreSQL: one statement (`_OPEN`), atomic by itself."""
        p = _json_parts({"reason": handoff.reason, "topic": handoff.topic, "handoff": _HOLE})
        q = _json_parts({"before": _HOLE, "after": State.WAITING.value, "actor": actor, "reason": handoff.reason, "handoff": _HOLE})
        parameters = {f"h_{name}": value for name, value in values.items()} | {
            "b_conversation": handoff.conversation_id, "b_waiting": State.WAITING.value, "b_now": self._now(),
            "e_tenant": handoff.tenant, "e_now": utcnow(), "p0": p[0], "p1": p[1], "q0": q[0], "q1": q[1], "q2": q[2], "g_since": since,
        }
        with self._single.connect() as conn:
            rows = conn.execute(_OPEN, parameters).all()
        handoff.id = rows[0].id
        return handoff, self._queue_of(rows[0].ahead + 1, rows)  # + the new handoff, which its own statement does not see

    def _queue_of(self, ahead: int, rows: Any) -> tuple[int, Wait | None]:
        """(place, wait) from a count of those ahead and rows of recent claims (`_QUEUE`'s shape)."""
        claims = [(aware(row.created_at), aware(row.claimed_at)) for row in rows if row.claimed_at is not None and row.created_at is not None]
        position = max(1, ahead)
        return position, estimate(position, minutes_per_person(claims, now=self._now()))  # type: ignore[arg-type]

    def add(self, handoff: Handoff) -> Handoff:
        values = handoff.model_dump(exclude={"id"})
        with self._engine.begin() as conn:
            handoff.id = conn.execute(_INSERT_HANDOFF, values).inserted_primary_key[0]
        return handoff

    def current(self, conversation_id: str) -> Handoff | None:
        with Session(self._single) as session:
            return session.exec(
                select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(col(Handoff.id).desc())
            ).first()

    def get(self, handoff_id: int) -> Handoff | None:
        with Session(self._single) as session:
            return session.get(Handoff, handoff_id)

    def by_thread(self, thread_ts: str) -> Handoff | None:
        with Session(self._single) as session:
            return session.exec(select(Handoff).where(Handoff.thread_ts == thread_ts)).first()

    def waiting(self) -> list[Handoff]:
        """Handoffs nobody has claimed yet, of every tenant."""
        with Session(self._single) as session:
            return list(session.exec(select(Handoff).where(col(Handoff.status).in_(OPEN))).all())

    def take_reminder(self, handoff_id: int, *, due: datetime, only_from: tuple[str, ...]) -> ReminderTaken | None:
        """Take the handoff's next reminder for this process: one conditional UPDATE moves `reminded_at` to
        now while it is still unclaimed (`only_from`) and staff were last told of it (reminded, else its card
        posted, else its creation) before `due`. Of processes that try at once one changes the row; the
        others find it told since and send nothing (None)."""
        told = func.coalesce(col(Handoff.reminded_at), col(Handoff.announced_at), col(Handoff.created_at))
        with self._engine.begin() as conn:
            before = conn.execute(select(Handoff.reminded_at).where(col(Handoff.id) == handoff_id)).first()
            taken = conn.execute(
                update(Handoff).where(col(Handoff.id) == handoff_id, col(Handoff.status).in_(only_from), told < due)
                .values(reminded_at=self._now())
            )
        if taken.rowcount != 1 or before is None:
            return None
        return ReminderTaken(before=aware(before.reminded_at))

    def take_card(self, handoff_id: int, *, until: datetime) -> bool:
        """Take the posting of a queued handoff's card for this process until `until` (stored as its
        `not_before`, which every process's timer waits out): one conditional UPDATE, so of processes that
        try at once (an escalation and another process's timer, two timers) one posts it. A process that
        dies meanwhile leaves it to the next round after `until`; a card posted or tried clears or replaces it."""
        now = self._now()
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(Handoff).where(col(Handoff.id) == handoff_id, col(Handoff.status) == HandoffStatus.QUEUED,
                                      or_(col(Handoff.not_before).is_(None), col(Handoff.not_before) <= now))
                .values(not_before=until)
            )
        return taken.rowcount == 1

    def give_back_reminder(self, handoff_id: int, *, reminded_at: datetime | None) -> None:
        """The reminder `take_reminder` took could not be sent (Slack down): the next round tries again."""
        with self._engine.begin() as conn:
            conn.execute(update(Handoff).where(col(Handoff.id) == handoff_id).values(reminded_at=reminded_at))

    def half_done_claims(self, *, claimed_before: datetime) -> list[Handoff]:
        """Claimed handoffs whose conversation still waits for a person, claimed before `claimed_before`: a
        process stored the claim and died before the steps after it (the conversation to staff, the
        customer told, the card). One statement, on the status index."""
        with Session(self._single) as session:
            return list(session.exec(
                select(Handoff).join(Conversation, col(Conversation.id) == col(Handoff.conversation_id))
                .where(col(Handoff.status) == HandoffStatus.CLAIMED, col(Handoff.claimed_at) < claimed_before,
                       col(Conversation.state) == State.WAITING.value)
            ).all())

    def of_tenant(self, tenant: str, *, closed: int = 20, active: int = 500) -> list[Handoff]:
        """What a desk's queue shows of a tenant: its active handoffs (waiting or claimed), oldest first,
        however old (the longest waiting first, when more than `active` wait), then its latest `closed`
        closed ones, newest first. The tenant's latest 200 handoffs of any status, as it was, dropped a
        customer still waiting (or one claimed and left open) once 200 newer handoffs had come."""
        is_active = col(Handoff.status).in_(ACTIVE)
        with Session(self._single) as session:
            shown = list(session.exec(select(Handoff).where(Handoff.tenant == tenant, is_active).order_by(col(Handoff.id)).limit(active)).all())
            done = select(Handoff).where(Handoff.tenant == tenant, ~is_active).order_by(col(Handoff.id).desc()).limit(closed)
            return shown + list(session.exec(done).all())

    def save(self, handoff: Handoff, **changes: Any) -> Handoff:
        return self.open_thread(handoff, first=[], **changes)

    def move(self, handoff: Handoff, *, only_from: tuple[str, ...], only_claimer: str | None = None, **changes: Any) -> Handoff | None:
        """`changes` (a new status) only while the handoff's status is one of `only_from`, read under a row
        lock; None when it is not: two desks, people or processes acted at once and the other came first
        (two claims, or a claim and a resolution; each had read the handoff before either saved).
        `only_claimer`: and only while this is still its claimer's id (a take-over: two at once, one stands)."""
        return self._change(handoff, first=[], only_from=only_from, status_from=None, changes=changes, only_claimer=only_claimer)

    def open_thread(
        self, handoff: Handoff, *, first: list[tuple[str, str]], status_from: tuple[str, ...] | None = None, **changes: Any,
    ) -> Handoff:
        """Changes to a handoff; with `first`, the card was posted: its ts and the thread's opening posts (`(kind, body)`, before whatever
        was queued while there was no thread) in one transaction, so a crash can't keep one without the other.
        `status_from`: a `status` in `changes` applies only while the stored one is one of these (a claim made on
        the console while Slack took the card stays a claim); the other changes apply anyway."""
        changed = self._change(handoff, first=first, only_from=None, status_from=status_from, changes=changes)
        assert changed is not None
        return changed

    def _change(
        self, handoff: Handoff, *, first: list[tuple[str, str]], only_from: tuple[str, ...] | None, status_from: tuple[str, ...] | None,
        changes: dict[str, Any], only_claimer: str | None = None,
    ) -> Handoff | None:
        with Session(self._engine) as session:
            # locked (PostgreSQL; SQLite has one writer at a time) when the status decides, so a second desk waits and reads the first's
            row = session.get(Handoff, handoff.id, with_for_update=only_from is not None or status_from is not None)
            assert row is not None
            if only_from is not None and (row.status not in only_from or (only_claimer is not None and row.claimed_by_id != only_claimer)):
                return None
            if status_from is not None and row.status not in status_from:
                changes = {k: v for k, v in changes.items() if k != "status"}
            for key, value in changes.items():
                setattr(row, key, value)
            session.add(row)
            if first:
                lowest = session.connection().execute(_FIRST_POSITION, {"b_handoff": handoff.id}).scalar_one()
                start = min(lowest if lowest is not None else 1, 1) - len(first)
                for offset, (kind, body) in enumerate(first):
                    session.add(StaffPost(handoff_id=handoff.id or 0, position=start + offset, kind=kind, body=body, created_at=self._now()))
            session.commit()
            session.refresh(row)
            return row

    def queue_position(self, handoff: Handoff) -> tuple[int, Wait | None]:
        """(place in the tenant's queue, the wait to tell from its recent claims: None when they are too
        few to say; handoff/wait_estimate.py says why it is a median, on a coarse scale)."""
        with self._single.connect() as conn:
            rows = conn.execute(_QUEUE, {"b_tenant": handoff.tenant, "b_handoff": handoff.id or 0}).all()
        return self._queue_of(rows[0].ahead, rows)
