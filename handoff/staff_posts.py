"""The staff thread's posts, durable until Slack took them: the synchronous side of handoff/thread_posts.py.

Each handoff's posts wait in `staffpost` in order (position, then id) until Slack takes them; one process
at a time posts a thread's posts (`take_posts`). `HandoffRecords` (handoff/records.py) inherits these, and
writes a thread's opening posts itself, in the transaction that stores the card.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, insert, or_, update
from sqlmodel import Session, col, select

from bot.core.tables import Handoff, StaffPost

FAILED = "failed:"  # a post Slack refused for good: its kind becomes "failed:<kind>:<Slack's error>", never posted

_INSERT_POST = insert(StaffPost)
_LAST_POSITION = select(func.max(StaffPost.position)).where(StaffPost.handoff_id == bindparam("b_handoff"))
_WAITING = (col(StaffPost.posted_at).is_(None), col(StaffPost.kind).not_like(f"{FAILED}%"))
_NEXT_POST = (
    select(StaffPost.id, StaffPost.kind, StaffPost.body).where(StaffPost.handoff_id == bindparam("b_handoff"), *_WAITING)
    .order_by(col(StaffPost.position), col(StaffPost.id)).limit(1)
)
_UNPOSTED = select(StaffPost.handoff_id).where(*_WAITING).distinct()
_MARK_POSTED = update(StaffPost).where(col(StaffPost.id) == bindparam("b_post")).values(posted_at=bindparam("b_now"))


class StaffPostQueue:
    """The posts waiting for a handoff's staff thread (set up by `HandoffRecords.__init__`)."""

    _engine: Engine
    _single: Engine  # reads without BEGIN and ROLLBACK around them on PostgreSQL (bot/core/autocommit.py)
    _several: bool  # several processes may share the database (PostgreSQL)
    _now: Callable[[], datetime]

    def add_post(self, handoff_id: int, *, kind: str, body: str) -> None:
        """After everything already waiting for this thread."""
        with self._engine.begin() as conn:
            last = conn.execute(_LAST_POSITION, {"b_handoff": handoff_id}).scalar_one()
            conn.execute(_INSERT_POST, {"handoff_id": handoff_id, "position": (last or 0) + 1, "kind": kind, "body": body, "created_at": self._now()})

    def take_posts(self, handoff_id: int, *, until: datetime) -> bool:
        """Take the posting of the handoff's thread posts for this process until `until`: one conditional
        UPDATE, so two processes (one relaying the customer's message, the other's timer) do not post the
        same waiting posts each. On SQLite (one process, whose lock orders its flushes) nothing is sent."""
        if not self._several:
            return True
        now = self._now()
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(Handoff).where(col(Handoff.id) == handoff_id,
                                      or_(col(Handoff.posting_until).is_(None), col(Handoff.posting_until) <= now))
                .values(posting_until=until)
            )
        return taken.rowcount == 1

    def end_posts(self, handoff_id: int, *, until: datetime) -> None:
        """The posting `take_posts` took until `until` is over (left alone when it ran out and another took it)."""
        if not self._several:
            return
        with self._engine.begin() as conn:
            conn.execute(update(Handoff).where(col(Handoff.id) == handoff_id, col(Handoff.posting_until) == until).values(posting_until=None))

    def next_post(self, handoff_id: int) -> tuple[int, str, str] | None:
        """(post id, kind, body) of the oldest post Slack has not taken yet."""
        with self._single.connect() as conn:
            row = conn.execute(_NEXT_POST, {"b_handoff": handoff_id}).first()
        return (row.id, row.kind, row.body) if row is not None else None

    def mark_posted(self, post_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(_MARK_POSTED, {"b_post": post_id, "b_now": self._now()})

    def mark_failed(self, post_id: int, *, error: str) -> None:
        """Slack refused it for good: kept (not posted), with its error, and no longer waited for."""
        with Session(self._engine) as session:
            row = session.get(StaffPost, post_id)
            assert row is not None
            row.kind = f"{FAILED}{row.kind}:{error}"
            session.add(row)
            session.commit()

    def split_post(self, post_id: int, pieces: list[str]) -> None:
        """The post becomes its first piece and the rest follow it, before anything after it: same
        position, later ids (posts are taken by position, then id). One transaction."""
        with Session(self._engine) as session:
            row = session.get(StaffPost, post_id)
            assert row is not None and pieces
            row.body = pieces[0]
            session.add(row)
            for piece in pieces[1:]:
                session.add(StaffPost(handoff_id=row.handoff_id, position=row.position, kind=row.kind, body=piece, created_at=self._now()))
            session.commit()

    def failed_posts(self, handoff_id: int) -> list[tuple[str, str]]:
        """(kind, Slack's error) of the handoff's posts Slack refused for good, in order."""
        with Session(self._single) as session:
            rows = session.exec(
                select(StaffPost.kind).where(StaffPost.handoff_id == handoff_id, col(StaffPost.kind).like(f"{FAILED}%"))
                .order_by(col(StaffPost.position), col(StaffPost.id))
            ).all()
        return [tuple(kind.removeprefix(FAILED).split(":", 1)) for kind in rows]  # type: ignore[misc]

    def unposted(self) -> list[int]:
        """Handoffs with posts still waiting for their thread (e.g. left by a run that stopped during an outage)."""
        with self._single.connect() as conn:
            return [row.handoff_id for row in conn.execute(_UNPOSTED)]
