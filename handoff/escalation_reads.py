"""What an escalation reads before it writes, in one statement: the conversation, its messages, and its
audit events of the kinds the staff packet needs (the files the customer sent, the bot's outcomes).

They were three statements in one thread hop (the conversation by id, its history, its events): three
round trips and pool checkouts on PostgreSQL, at bench/bench_scale.py's load ~0.6 of a message's ~5.5
statements. Here the three selects are one UNION ALL, each row the width of all three with the other
tables' columns NULL (typed, so PostgreSQL unites the columns and each reads back as its table's type),
tagged by its part and ordered by part, then id: the conversation's row first, then the messages and the
events, each oldest first, as the three reads returned them. On PostgreSQL it runs on psycopg directly
(bot/core/direct.py); on SQLite through SQLAlchemy's Core, one statement all the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from bot.core.autocommit import autocommit
from bot.core.direct import DirectStatement
from bot.core.messages import Message
from bot.core.tables import AuditEvent, Conversation, StoredMessage

ATTACHMENT, OUTCOME = "attachment", "outcome"  # the audit kinds read: the files the customer sent, the bot's outcomes

_CONVERSATION = Conversation.__table__  # type: ignore[attr-defined]
_MESSAGE = StoredMessage.__table__  # type: ignore[attr-defined]
_AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
_MESSAGE_COLUMNS = ("role", "text", "created_at", "reply_to", "payload")  # what `Message.from_row` reads, and the id
_EVENT_COLUMNS = ("kind", "data")
# every row's columns, by label: the conversation's, the message's, the event's
_SHAPE: list[tuple[str, Any]] = (
    [(f"c_{c.name}", c.type) for c in _CONVERSATION.c]
    + [(f"m_{name}", _MESSAGE.c[name].type) for name in _MESSAGE_COLUMNS]
    + [(f"e_{name}", _AUDIT.c[name].type) for name in _EVENT_COLUMNS]
)
_CONVERSATION_PART, _MESSAGE_PART, _EVENT_PART = 0, 1, 2


def _branch(part: int, seq: ColumnElement[Any], own: dict[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """One select's columns in `_SHAPE`'s order: its own, a typed NULL for the others'."""
    return [literal_column(str(part), Integer).label("part"), seq.label("seq")] + [
        own[label].label(label) if label in own else cast(null(), kind).label(label) for label, kind in _SHAPE
    ]


_READ = union_all(
    select(*_branch(_CONVERSATION_PART, literal_column("0", Integer), {f"c_{c.name}": c for c in _CONVERSATION.c}))
    .where(_CONVERSATION.c.id == bindparam("b_conversation")),
    select(*_branch(_MESSAGE_PART, _MESSAGE.c.id, {f"m_{name}": _MESSAGE.c[name] for name in _MESSAGE_COLUMNS}))
    .where(_MESSAGE.c.conversation_id == bindparam("b_conversation")),
    select(*_branch(_EVENT_PART, _AUDIT.c.id, {f"e_{name}": _AUDIT.c[name] for name in _EVENT_COLUMNS}))
    .where(_AUDIT.c.conversation_id == bindparam("b_conversation"), or_(_AUDIT.c.kind == ATTACHMENT, _AUDIT.c.kind == OUTCOME)),
).order_by(literal_column("part"), literal_column("seq"))
_PART, _SEQ = 0, 1
_AT = {label: i + 2 for i, (label, _) in enumerate(_SHAPE)}


@dataclass(frozen=True, slots=True)
class StaffReads:
    """A conversation as an escalation reads it (None: no such conversation), its messages as stored
    (redacted), oldest first, and the data of its events by kind (`ATTACHMENT`, `OUTCOME`), oldest first."""

    conversation: Conversation | None
    messages: list[Message]
    events: dict[str, list[dict[str, Any]]]


class EscalationReads:
    def __init__(self, engine: Engine) -> None:
        self._single = autocommit(engine)
        self._direct = DirectStatement(engine, _READ) if engine.dialect.name == "postgresql" else None

    def read(self, conversation_id: str) -> StaffReads:
        """One statement. Call from a thread."""
        values = {"b_conversation": conversation_id}
        if self._direct is not None:
            rows: list[Any] = self._direct.rows(values)
        else:
            with self._single.connect() as conn:
                rows = list(conn.execute(_READ, values))
        conversation: Conversation | None = None
        messages: list[Message] = []
        events: dict[str, list[dict[str, Any]]] = {ATTACHMENT: [], OUTCOME: []}
        for row in rows:
            if row[_PART] == _CONVERSATION_PART:
                conversation = Conversation(**{c.name: row[_AT[f"c_{c.name}"]] for c in _CONVERSATION.c})
            elif row[_PART] == _MESSAGE_PART:
                fields = {name: row[_AT[f"m_{name}"]] for name in _MESSAGE_COLUMNS}
                messages.append(Message.from_row(SimpleNamespace(id=row[_SEQ], **fields)))
            else:
                events[row[_AT["e_kind"]]].append(json.loads(row[_AT["e_data"]]))
        return StaffReads(conversation, messages, events)
