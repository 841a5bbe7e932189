"""The message table of durable conversations: what `ConversationService` reads and writes per message.

The per-message path runs statements built once (bot/engine/message_statements.py), not the ORM.
Methods are synchronous (database I/O): call them from a thread.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.core.autocommit import autocommit
from bot.core.connections import again_if_disconnected
from bot.core.database import text_array
from bot.core.direct import DirectStatement
from bot.core.language import LATEST_SAID
from bot.core.messages import Message
from bot.core.tables import (
    Conversation,
    StoredMessage,
    event_rows,
    insert_events,
    utcnow,
)
from bot.engine.leases import Claim
from bot.engine.message_statements import (
    ALL_PENDING,
    BY_CLIENT_ID,
    CONVERSATION,
    CONVERSATIONS,
    HISTORY,
    INSERT,
    INSERT_IN_ORDER,
    INSERT_MANY,
    INSERT_WITH_EVENT,
    LAST_BOT,
    LOAD,
    MARK_DONE,
    MARK_SENT,
    MESSAGE,
    ORDER_LOCK,
    PENDING_BEFORE,
    PENDING_OF,
    RECENT,
    REPLIES,
    REPLY_TO,
    SAID,
    TOUCH,
    UNDELIVERED,
    claim_and_load,
)
from bot.engine.message_store_records import (
    Loaded,
    NewInbound,
    NewReply,
    Offer,
    named_option,
    offered_choice,
)
from bot.engine.relay import channel_of

_MESSAGE_COLUMNS = tuple(c.name for c in StoredMessage.__table__.c)  # type: ignore[attr-defined]
_CONVERSATION_COLUMNS = tuple(c.name for c in Conversation.__table__.c)  # type: ignore[attr-defined]
_LOAD_INDEX = {c.key: i for i, c in enumerate(LOAD.selected_columns)}  # a `LOAD` row's column -> its position
_CLAIM_TAKEN = len(LOAD.selected_columns)  # `claim_and_load`'s columns: `LOAD`'s, then taken and told


def _recent(conn: Any, conversation_id: str, *, before: int, limit: int) -> list[dict[str, str]]:
    """A conversation's messages before `before` (at most `limit`, the latest), oldest first, as role and text."""
    rows = conn.execute(RECENT, {"b_conversation": conversation_id, "b_message": before, "b_limit": limit}).all()
    return [{"role": m.role, "text": m.text} for m in reversed(rows)]


def _part(row: tuple[Any, ...], prefix: str, names: tuple[str, ...]) -> SimpleNamespace | None:
    """The m_/c_ columns of a `LOAD` row as a row of that table (None for an outer join's empty side)."""
    if row[_LOAD_INDEX[prefix + "id"]] is None:
        return None
    return SimpleNamespace(**{name: row[_LOAD_INDEX[prefix + name]] for name in names})


def _loaded(row: tuple[Any, ...]) -> Loaded:
    """What a `LOAD` row (or `claim_and_load`'s, whose columns begin as `LOAD`'s) says of a message not answered yet."""
    at = _LOAD_INDEX
    payload = row[at["b_payload"]]
    offer = Offer(payload, row[at["b_reply_to"]], row[at["b_asked"]]) if payload is not None else None
    return Loaded([int(p) for p in row[at["pending"]] or ()], None, _part(row, "m_", _MESSAGE_COLUMNS), _part(row, "c_", _CONVERSATION_COLUMNS),
                  offer, True)


def _row(
    conversation_id: str, *, role: str, text: str, status: str, client_id: str | None = None, reply_to: int | None = None,
    payload: dict[str, Any] | None = None, delivery: str | None = None,
) -> dict[str, Any]:
    """The message table's columns for a new message."""
    return {"conversation_id": conversation_id, "client_id": client_id, "role": role, "text": text, "status": status,
            "reply_to": reply_to, "payload": json.dumps(payload) if payload else None, "delivery": delivery, "created_at": utcnow()}


class MessageStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine  # for transactions of several statements
        self._single = autocommit(engine)  # for reads and one-statement writes: no BEGIN, COMMIT or ROLLBACK on PostgreSQL
        # PostgreSQL: the load one statement, the replies' write one statement; SQLite has neither lateral
        # joins, arrays nor data-modifying CTEs: a statement each
        self._load_in_one = engine.dialect.name == "postgresql"
        self._claims: dict[int, DirectStatement] = {}  # id of a lease's take -> the insert taking it (`_claiming`)
        # PostgreSQL: the statements every message makes, on psycopg directly (bot/core/direct.py)
        self._load = DirectStatement(engine, LOAD) if self._load_in_one else None
        self._write_replies = DirectStatement(engine, REPLIES) if self._load_in_one else None
        # a customer message's insert holding its conversation's lock (message_statements.py `ORDER_LOCK`)
        self._insert_in_order = DirectStatement(engine, INSERT_IN_ORDER) if self._load_in_one else None

    @property
    def releases_in_write(self) -> bool:
        """Do `add_replies` (each reply's `release`) and `add` with an event (its `release`) delete a lease with
        what they write (PostgreSQL), or not (SQLite: `add_replies` ignores it)?"""
        return self._write_replies is not None

    @property
    def relays_in_write(self) -> bool:
        """Does `add_replies` send each reply's `relay` notification (PostgreSQL), or drop it (SQLite)?"""
        return self._write_replies is not None

    def _claiming(self, take: Any) -> DirectStatement:
        """PostgreSQL: the message's insert with a lease's take as a data-modifying CTE, returning what
        `load` reads for it and whether the lease was taken (message_statements.py `claim_and_load`);
        built once per lease statement. The claim's notification (`b_told`, NULL for none; on the
        conversation's channel, `b_told_channel`) is sent by the same statement."""
        statement = self._claims.get(id(take))
        if statement is None:
            statement = self._claims[id(take)] = DirectStatement(self._engine, claim_and_load(take))
        return statement

    def by_client_id(self, conversation_id: str, client_id: str) -> int | None:
        with self._single.connect() as conn:
            return conn.execute(BY_CLIENT_ID, {"b_conversation": conversation_id, "b_client": client_id}).scalar()

    def add(
        self, conversation_id: str, *, role: str, text: str, status: str = "done", client_id: str | None = None,
        reply_to: int | None = None, payload: dict[str, Any] | None = None, delivery: str | None = None, claim: Claim | None = None,
        event: dict[str, Any] | None = None, relay: str | None = None, release: tuple[str, str] | None = None,
    ) -> Message | None:
        """Store one message; None when its client id is already stored (a retry or a race).
        `delivery="queued"`: a platform channel must still send it (see `undelivered`). `claim`: a lease
        taken in the same statement on PostgreSQL (`claim.taken` says whether it was; a refused write
        takes nothing); elsewhere left untried. `event`: an audit row (bot/core/tables.py `event_rows`)
        written with the message, atomically (one statement on PostgreSQL), which then also sends `relay`
        (the message's notification up to its id, bot/engine/relay.py `stored_prefix`; dropped elsewhere) and
        deletes `release`, a lease (name, holder), as it commits (the turn's last write: `Turn.release_with_write`;
        only with an event on PostgreSQL, `releases_in_write`)."""
        assert release is None or (event is not None and self._load_in_one), "a lease is released only by a write with its event on PostgreSQL"
        values = _row(conversation_id, role=role, text=text, status=status, client_id=client_id, reply_to=reply_to, payload=payload, delivery=delivery)
        try:
            if claim is not None and self._load_in_one:  # one statement: the lease's take a CTE of the insert, and the load
                # after the conversation's lock, in its transaction: the load sees every message stored before this one
                (row,) = self._claiming(claim.statement).rows_after(ORDER_LOCK, {"conversation_id": conversation_id},
                                                                    values | claim.values | {"b_told": claim.told, "b_told_channel": channel_of(conversation_id)})
                message_id, claim.taken = row[_LOAD_INDEX["m_id"]], bool(row[_CLAIM_TAKEN])
                if claim.taken:
                    claim.found = _loaded(row)
            elif event is not None and self._load_in_one:
                with self._single.connect() as conn:
                    told = {"b_told": relay, "b_told_channel": channel_of(conversation_id),
                            "b_released": release[0] if release else None, "b_holder": release[1] if release else None}
                    message_id = conn.execute(INSERT_WITH_EVENT, values | {f"e_{k}": v for k, v in event.items()} | told).first()[0]
            elif event is not None:  # SQLite: the two inserts in one transaction
                with self._engine.begin() as conn:
                    message_id = conn.execute(INSERT, values).inserted_primary_key[0]
                    insert_events(conn, [event])
            elif status == "pending" and self._insert_in_order is not None:  # a message to answer: its id in commit order
                message_id = self._insert_in_order.rows(values)[0][0]
            else:
                with self._single.begin() as conn:
                    message_id = conn.execute(INSERT, values).inserted_primary_key[0]
        except IntegrityError:
            if client_id is None:
                raise
            return None
        return Message.from_row(SimpleNamespace(id=message_id, **values))

    def add_and_load(self, conversation_id: str, *, text: str, client_id: str | None, payload: dict[str, Any] | None) -> Loaded | None:
        """Store a customer's message (pending) and read what processing it needs, on one connection:
        for a caller that holds the conversation's processing lock. None when the client id is stored."""
        values = _row(conversation_id, role="customer", text=text, status="pending", client_id=client_id, payload=payload)
        try:
            with self._engine.begin() as conn:  # the reads in the writing transaction: one BEGIN and COMMIT for all
                self._lock_order(conn, [conversation_id])
                message_id = conn.execute(INSERT, values).inserted_primary_key[0]
                pending = list(conn.execute(PENDING_BEFORE, {"b_conversation": conversation_id, "b_message": message_id}).scalars())
                conversation = conn.execute(CONVERSATION, {"b_conversation": conversation_id}).first()
        except IntegrityError:
            if client_id is None:
                raise
            return None
        return Loaded(pending, None, SimpleNamespace(id=message_id, **values), conversation)

    def add_and_load_many(self, inbounds: Sequence[NewInbound]) -> list[Loaded]:
        """`add_and_load` for messages of several conversations (each conversation's lock held by its
        caller): one transaction, one read of their pending messages and one of their conversations.
        IntegrityError, and nothing stored, when a client id is stored already: then one at a time."""
        rows = [_row(i.conversation_id, role="customer", text=i.text, status="pending", client_id=i.client_id, payload=i.payload)
                for i in inbounds]
        ids = {i.conversation_id for i in inbounds}
        with self._engine.begin() as conn:  # the reads in the writing transaction: one BEGIN and COMMIT for all
            self._lock_order(conn, ids)
            message_ids = list(conn.execute(INSERT_MANY, rows).scalars())
            pending: dict[str, list[int]] = {}
            for row in conn.execute(PENDING_OF, {"b_conversations": list(ids)}):
                pending.setdefault(row.conversation_id, []).append(int(row.id))
            conversations = {row.id: row for row in conn.execute(CONVERSATIONS, {"b_conversations": list(ids)})}
        return [
            Loaded([p for p in pending.get(row["conversation_id"], ()) if p < message_id], None, SimpleNamespace(id=message_id, **row),
                   conversations.get(row["conversation_id"]))
            for message_id, row in zip(message_ids, rows, strict=True)
        ]

    def _lock_order(self, conn: Any, conversation_ids: Collection[str]) -> None:
        """PostgreSQL: the conversations' locks (message_statements.py `ORDER_LOCK`) for the transaction's
        inserts and reads after them; in one order, so two transactions never wait for each other's."""
        if self._load_in_one:
            for conversation_id in sorted(conversation_ids):
                conn.exec_driver_sql(ORDER_LOCK, {"conversation_id": conversation_id})

    def add_replies(self, replies: Sequence[NewReply]) -> list[Message]:
        """Replies of several conversations in one transaction, each with its inbound marked done and
        its audit events (concurrent conversations' replies share the statements and the commit)."""
        rows = [_row(r.conversation_id, role="bot", text=r.text, status="done", reply_to=r.inbound_id, payload=r.payload, delivery=r.delivery)
                for r in replies]
        audit = [e for r, row in zip(replies, rows, strict=True)
                 for e in event_rows(r.events, tenant=r.tenant, conversation_id=r.conversation_id, now=row["created_at"])]
        if self._write_replies is not None:  # PostgreSQL: one statement, no transaction around it
            # the arrays of text as one literal string each (`text_array`: psycopg's own dumping of a list of
            # str costs the client more than the rest of the statement)
            values = {
                "conversations": text_array(row["conversation_id"] for row in rows), "texts": text_array(row["text"] for row in rows),
                "inbounds": [r.inbound_id for r in replies], "payloads": text_array(row["payload"] for row in rows),
                "deliveries": text_array(row["delivery"] for row in rows), "nows": [row["created_at"] for row in rows],
                "e_tenants": text_array(e["tenant"] for e in audit), "e_conversations": text_array(e["conversation_id"] for e in audit),
                "e_kinds": text_array(e["kind"] for e in audit), "e_data": text_array(e["data"] for e in audit),
                "e_nows": [e["created_at"] for e in audit],
                "relays": text_array(r.relay for r in replies),  # each reply's notification, sent as it commits
                "channels": text_array(channel_of(r.conversation_id) for r in replies),  # on its conversation's channel
                # the turns' leases deleted as the replies commit (their last write: `Turn.release_with_write`)
                "released": text_array(r.release[0] if r.release else None for r in replies),
                "holders": text_array(r.release[1] if r.release else None for r in replies),
            }
            by_inbound = {int(inbound): int(reply_id) for reply_id, inbound, _ in self._write_replies.rows(values)}
            ids = [by_inbound[r.inbound_id] for r in replies]
            return [Message.from_row(SimpleNamespace(id=reply_id, **row)) for reply_id, row in zip(ids, rows, strict=True)]
        with self._engine.begin() as conn:
            if len(rows) == 1:
                ids = [conn.execute(INSERT, rows[0]).inserted_primary_key[0]]
            else:
                ids = list(conn.execute(INSERT_MANY, rows).scalars())
            conn.execute(MARK_DONE, [{"b_message": r.inbound_id} for r in replies])
            conn.execute(TOUCH, [{"b_conversation": r.conversation_id, "b_now": row["created_at"]} for r, row in zip(replies, rows, strict=True)])
            insert_events(conn, audit)
        return [Message.from_row(SimpleNamespace(id=reply_id, **row)) for reply_id, row in zip(ids, rows, strict=True)]

    def add_replies_apart(self, replies: Sequence[NewReply]) -> list[Message | BaseException]:
        """`add_replies` in one transaction; if it fails, each reply alone, so one bad reply fails only its own turn.
        A connection found dead is tried once more: a reply can't be stored twice (one answer per message,
        a unique index), so a commit that went through unheard makes the retry fail, and the caller finds the reply."""
        try:
            return list(again_if_disconnected(lambda: self.add_replies(replies)))
        except Exception as exc:
            if len(replies) == 1:
                return [exc]
        results: list[Message | BaseException] = []
        for reply in replies:
            try:
                results.extend(self.add_replies([reply]))
            except Exception as exc:
                results.append(exc)
        return results

    def mark_done(self, inbound_id: int) -> None:
        with self._single.begin() as conn:
            conn.execute(MARK_DONE, {"b_message": inbound_id})

    def load(self, conversation_id: str, inbound_id: int, *, earlier: bool = False) -> Loaded:
        if self._load is not None:
            rows = self._load.rows({"b_conversation": conversation_id, "b_message": inbound_id, "b_earlier": earlier})
            if rows:
                row, at = rows[0], _LOAD_INDEX
                pending = [int(p) for p in row[at["pending"]] or ()]
                if row[at["r_id"]] is not None:  # answered already (a turn taken over after a crash): the reply read whole
                    with self._single.connect() as conn:
                        return Loaded(pending, Message.from_row(conn.execute(REPLY_TO, {"b_message": inbound_id}).first()), None, None)
                return _loaded(row)
            # not stored: the reads one by one, as below, say so as they always did
        with self._single.connect() as conn:
            pending: list[int] = []
            if earlier:
                pending = list(conn.execute(PENDING_BEFORE, {"b_conversation": conversation_id, "b_message": inbound_id}).scalars())
            reply = conn.execute(REPLY_TO, {"b_message": inbound_id}).first()
            if reply is not None:
                return Loaded(pending, Message.from_row(reply), None, None)
            inbound = conn.execute(MESSAGE, {"b_message": inbound_id}).first()
            conversation = conn.execute(CONVERSATION, {"b_conversation": conversation_id}).first()
            return Loaded(pending, None, inbound, conversation)

    def history(self, conversation_id: str) -> list[Message]:
        with self._single.connect() as conn:
            return [Message.from_row(m) for m in conn.execute(HISTORY, {"b_conversation": conversation_id})]

    def recent(self, conversation_id: str, *, before: int, limit: int = 10) -> list[dict[str, str]]:
        """The conversation before a message (redacted, as stored), oldest first, for a model's context."""
        with self._single.connect() as conn:
            return _recent(conn, conversation_id, before=before, limit=limit)

    def recent_nearby(self, conversation_id: str, *, before: int, within: timedelta, limit: int = 10) -> list[dict[str, str]]:
        """`recent` of the same customer's newest other conversation at the same place, when it was active within
        `within` ([] otherwise): on Slack each message written in a DM itself (not in the bot's thread) opens a
        thread, so a conversation of its own, and "and on mobile?" written there leans on the one before."""
        with self._single.connect() as conn:
            here = conn.execute(CONVERSATION, {"b_conversation": conversation_id}).first()
            if here is None or here.address is None:
                return []
            same_user = Conversation.user.is_(None) if here.user is None else col(Conversation.user) == here.user  # type: ignore[union-attr]
            other = conn.execute(select(Conversation.id).where(
                col(Conversation.tenant) == here.tenant, col(Conversation.channel) == here.channel, col(Conversation.address) == here.address,
                same_user, col(Conversation.id) != conversation_id, col(Conversation.updated_at) >= utcnow() - within,
            ).order_by(col(Conversation.updated_at).desc()).limit(1)).scalar()
            return [] if other is None else _recent(conn, other, before=before, limit=limit)

    def message(self, conversation_id: str, message_id: int) -> Message | None:
        """One stored message of this conversation (None: no such message here)."""
        with self._single.connect() as conn:
            row = conn.execute(MESSAGE, {"b_message": message_id}).first()
        return Message.from_row(row) if row is not None and row.conversation_id == conversation_id else None

    def choice(self, conversation_id: str, *, inbound_id: int, text: str) -> tuple[str, str | None] | None:
        """(the question asked, the source chosen) when this message picks one of the articles the
        bot's latest reply before it offered (a clarification): by its title, as its button says,
        or by its number; "none of these" typed is a request for a person (`offered_choice`). None for
        anything else."""
        with self._single.connect() as conn:
            last = conn.execute(LAST_BOT, {"b_conversation": conversation_id, "b_message": inbound_id}).first()
            if last is None or not last.payload or last.reply_to is None:
                return None
            if named_option(last.payload, text) is None:  # "none of these" typed, or no answer to the offer
                return offered_choice(last.payload, None, text)
            asked = conn.execute(MESSAGE, {"b_message": last.reply_to}).first()
        return offered_choice(last.payload, asked.text if asked is not None else None, text)

    def said(self, conversation_id: str, *, limit: int = LATEST_SAID) -> list[str]:
        """The customer's latest messages (redacted, as stored), newest first: what their language is guessed from."""
        with self._single.connect() as conn:
            return list(conn.execute(SAID, {"b_conversation": conversation_id, "b_limit": limit}).scalars())

    def undelivered(self) -> list[tuple[str, Message]]:
        """(conversation, message) of every message a platform channel has yet to send, oldest first."""
        with self._single.connect() as conn:
            return [(row.conversation_id, Message.from_row(row)) for row in conn.execute(UNDELIVERED)]

    def mark_sent(self, message_id: int) -> None:
        with self._single.begin() as conn:
            conn.execute(MARK_SENT, {"b_message": message_id})

    def pending(self) -> list[tuple[str, int]]:
        """(conversation, message) of every message stored but not yet answered, oldest first."""
        with self._single.connect() as conn:
            return [(row.conversation_id, int(row.id)) for row in conn.execute(ALL_PENDING)]
