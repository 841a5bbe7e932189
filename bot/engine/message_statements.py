"""The statements of bot/engine/messages.py's `MessageStore`, built once at import.

The per-message path uses SQLAlchemy Core statements built once, not the ORM: at a hundred messages
a second the ORM's bookkeeping and per-call statement building were a fifth of the server's time.
On PostgreSQL the load and the replies' write are one statement each (`LOAD`, `REPLIES`); on SQLite
the statements they stand for run one by one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    String,
    TextClause,
    bindparam,
    func,
    insert,
    literal_column,
    null,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import col, select

from bot.core.tables import AuditEvent, Conversation, Lease, StoredMessage

BY_CLIENT_ID = select(StoredMessage.id).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.client_id == bindparam("b_client")
)
PENDING_BEFORE = select(StoredMessage.id).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.status == "pending", col(StoredMessage.id) < bindparam("b_message")
).order_by(col(StoredMessage.id))
PENDING_OF = select(StoredMessage.conversation_id, StoredMessage.id).where(
    StoredMessage.status == "pending", col(StoredMessage.conversation_id).in_(bindparam("b_conversations", expanding=True))
).order_by(col(StoredMessage.id))
CONVERSATIONS = select(Conversation).where(col(Conversation.id).in_(bindparam("b_conversations", expanding=True)))
ALL_PENDING = select(StoredMessage.conversation_id, StoredMessage.id).where(StoredMessage.status == "pending").order_by(col(StoredMessage.id))
REPLY_TO = select(StoredMessage).where(StoredMessage.reply_to == bindparam("b_message")).limit(1)
MESSAGE = select(StoredMessage).where(col(StoredMessage.id) == bindparam("b_message"))
HISTORY = select(StoredMessage).where(StoredMessage.conversation_id == bindparam("b_conversation")).order_by(col(StoredMessage.id))
RECENT = select(StoredMessage).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), col(StoredMessage.id) < bindparam("b_message")
).order_by(col(StoredMessage.id).desc()).limit(bindparam("b_limit"))
SAID = select(StoredMessage.text).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.role == "customer"
).order_by(col(StoredMessage.id).desc()).limit(bindparam("b_limit"))
LAST_BOT = select(StoredMessage).where(
    StoredMessage.conversation_id == bindparam("b_conversation"), StoredMessage.role == "bot", col(StoredMessage.id) < bindparam("b_message")
).order_by(col(StoredMessage.id).desc()).limit(1)
CONVERSATION = select(Conversation).where(col(Conversation.id) == bindparam("b_conversation"))
INSERT = insert(StoredMessage)
# many rows in one execute, ids in the rows' order (SQLite runs it row by row: the statement's
# setup, most of the cost, is paid once)
INSERT_MANY = insert(StoredMessage).returning(col(StoredMessage.id), sort_by_parameter_order=True)
MARK_DONE = update(StoredMessage).where(col(StoredMessage.id) == bindparam("b_message")).values(status="done")
UNDELIVERED = select(StoredMessage).where(StoredMessage.delivery == "queued").order_by(col(StoredMessage.id))
MARK_SENT = update(StoredMessage).where(col(StoredMessage.id) == bindparam("b_message")).values(delivery="sent")
TOUCH = update(Conversation).where(col(Conversation.id) == bindparam("b_conversation")).values(updated_at=bindparam("b_now"))


def _load_in_one() -> Any:
    """PostgreSQL: `MessageStore.load`'s four reads as one statement (a statement costs the client more CPU
    than the server its work, bench/bench_scale.py): the inbound message, its conversation, its reply
    if it has one (a lateral join) and, when asked, the conversation's pending messages before it (an
    array). Columns are labelled m_*, c_*; of the reply only its id (r_id), read whole apart in the rare
    case there is one (a turn taken over after a crash): each column of a result costs the client CPU on
    every execution (psycopg builds the cursor's description anew), and the reply's were a third of them.
    No row when the message is not stored."""
    messages = StoredMessage.__table__  # type: ignore[attr-defined]
    conversations = Conversation.__table__  # type: ignore[attr-defined]
    inbound, conversation, earlier = messages.alias("m"), conversations.alias("c"), messages.alias("p")
    reply = select(messages.c.id).where(messages.c.reply_to == bindparam("b_message")).limit(1).lateral("r")
    pending = select(func.array_agg(aggregate_order_by(earlier.c.id, earlier.c.id))).where(
        bindparam("b_earlier", type_=Boolean), earlier.c.conversation_id == bindparam("b_conversation"), earlier.c.status == "pending",
        earlier.c.id < bindparam("b_message"),
    ).scalar_subquery()
    # the bot's latest reply before the message, and the question it answered: what `Offer.choice` reads
    previous = select(messages.c.payload, messages.c.reply_to).where(
        messages.c.conversation_id == bindparam("b_conversation"), messages.c.role == "bot", messages.c.id < bindparam("b_message"),
    ).order_by(messages.c.id.desc()).limit(1).lateral("b")
    asked = messages.alias("q")
    asked_text = select(asked.c.text).where(asked.c.id == previous.c.reply_to).scalar_subquery()
    columns = ([c.label(f"m_{c.name}") for c in inbound.c] + [c.label(f"c_{c.name}") for c in conversation.c]
               + [reply.c.id.label("r_id"), pending.label("pending"), previous.c.payload.label("b_payload"),
                  previous.c.reply_to.label("b_reply_to"), asked_text.label("b_asked")])
    return (select(*columns).select_from(
        inbound.outerjoin(conversation, conversation.c.id == bindparam("b_conversation")).outerjoin(reply, true()).outerjoin(previous, true()))
        .where(inbound.c.id == bindparam("b_message")))


LOAD = _load_in_one()
NEW_MESSAGE_COLUMNS = ("conversation_id", "client_id", "role", "text", "status", "reply_to", "payload", "delivery", "created_at")

# PostgreSQL: a conversation's customer messages are stored one at a time, each holding the conversation's
# lock (a transaction-scoped advisory lock: pg_advisory_xact_lock's two-key space, this class and the id's
# hash; the one-key space of bot/core/database.py `exclusive` is apart) from before its id is drawn until it
# commits. So a conversation's message ids follow the order their messages commit in, and a statement that
# begins after taking the lock sees every message of the conversation with a lower id. Without it a message's
# id was drawn before another's whose insert committed first: the turn that took the later message's lease
# read the earlier one as not stored yet and answered the later first (tests/bot/test_message_order.py).
ORDER_LOCK_CLASS = 1935830321  # any int4 constant: 'sbm1' in ASCII
ORDER_LOCK = f"SELECT pg_advisory_xact_lock({ORDER_LOCK_CLASS}, hashtext(%(conversation_id)s))"


def _insert_in_order() -> Any:
    """PostgreSQL: a customer message's insert, taking the conversation's lock (`ORDER_LOCK`) before its id is
    drawn, in one statement (the lock's CTE is the row the insert selects from); returns the id."""
    messages = StoredMessage.__table__  # type: ignore[attr-defined]
    values = {name: bindparam(name, type_=messages.c[name].type) for name in NEW_MESSAGE_COLUMNS}
    locked = select(func.pg_advisory_xact_lock(literal_column(str(ORDER_LOCK_CLASS)), func.hashtext(values["conversation_id"]))
                    .label("locked")).cte("locked")
    return (insert(messages).from_select(list(NEW_MESSAGE_COLUMNS), select(*values.values()).select_from(locked))
            .returning(messages.c.id))


INSERT_IN_ORDER = _insert_in_order()


def claim_and_load(take: Any) -> Any:
    """PostgreSQL: a customer message's insert, its conversation's lease taken (`take`, a data-modifying CTE
    returning a row when taken) and the "typing" notification (`b_told` on `b_told_channel`, none when
    NULL) in one statement, which also reads what `LOAD` reads for the message (the pending messages
    before it always): a message's write and its load were two statements and two round trips, one after
    the other in one thread hop (bot/engine/turns.py `Turn.enter_with`). The new row comes from the
    insert's RETURNING (a statement does not see its own writes); the rest is what was committed when the
    statement began, which holds every message of the conversation with a lower id as long as it runs after
    `ORDER_LOCK` in its transaction (bot/core/direct.py `rows_after`). Its columns are
    `LOAD`'s (no reply: the message is new) and then `taken` and `told`, the rows of each (1 or 0);
    what was read counts only when the lease was taken."""
    messages = StoredMessage.__table__  # type: ignore[attr-defined]
    conversations = Conversation.__table__  # type: ignore[attr-defined]
    taken = take.cte("taken")
    notification = bindparam("b_told", type_=String)
    told = select(func.pg_notify(bindparam("b_told_channel", type_=String), notification)).where(notification.is_not(None)).cte("told")
    inbound = (insert(messages).values({name: bindparam(name, type_=messages.c[name].type) for name in NEW_MESSAGE_COLUMNS})
               .returning(*messages.c).cte("m"))
    conversation, earlier, asked = conversations.alias("c"), messages.alias("p"), messages.alias("q")
    pending = select(func.array_agg(aggregate_order_by(earlier.c.id, earlier.c.id))).where(
        earlier.c.conversation_id == inbound.c.conversation_id, earlier.c.status == "pending", earlier.c.id < inbound.c.id,
    ).scalar_subquery()
    previous = select(messages.c.payload, messages.c.reply_to).where(
        messages.c.conversation_id == inbound.c.conversation_id, messages.c.role == "bot", messages.c.id < inbound.c.id,
    ).order_by(messages.c.id.desc()).limit(1).lateral("b")
    asked_text = select(asked.c.text).where(asked.c.id == previous.c.reply_to).scalar_subquery()
    columns = ([inbound.c[c.name].label(f"m_{c.name}") for c in messages.c] + [c.label(f"c_{c.name}") for c in conversation.c]
               + [null().label("r_id"), pending.label("pending"), previous.c.payload.label("b_payload"),
                  previous.c.reply_to.label("b_reply_to"), asked_text.label("b_asked"),
                  select(func.count()).select_from(taken).scalar_subquery().label("taken"),
                  select(func.count()).select_from(told).scalar_subquery().label("told")])
    return select(*columns).add_cte(taken).add_cte(told).select_from(
        inbound.outerjoin(conversation, conversation.c.id == inbound.c.conversation_id).outerjoin(previous, true()))


def _replies_in_one() -> TextClause:
    """PostgreSQL: `add_replies`' four statements and their transaction as one statement (data-modifying
    CTEs over arrays, a row of each per reply or event; a statement costs the client more CPU than the
    server its work, bench/bench_scale.py): the replies, their inbounds marked done, their conversations
    touched and the audit events, all or nothing as the transaction was. Rows go in in the order given;
    returns (id, reply_to, notifications sent) of each reply (one reply per inbound: a unique index).
    `relays`: for each reply, its notification to the other processes up to the reply's id
    (bot/engine/relay.py `stored_prefix`), or NULL for none, on its conversation's channel (`channels`,
    relay.py `channel_of`): sent by the statement, when it commits (`told` runs because the result reads its count).
    `released`, `holders`: leases (name, holder) the statement deletes as it commits, NULL for none: each the
    turn's lease whose last write this is (bot/engine/turns.py `Turn.release_with_write`; was a statement of
    its own after the reply, ~0.37 a message at bench/bench_scale.py's load, each with its thread hop)."""
    messages = StoredMessage.__table__  # type: ignore[attr-defined]
    conversations = Conversation.__table__  # type: ignore[attr-defined]
    audit = AuditEvent.__table__  # type: ignore[attr-defined]
    lease = Lease.__table__  # type: ignore[attr-defined]

    def array(column: Any) -> str:
        return f"{column.type.compile(dialect=postgresql.dialect())}[]"

    m = messages.c
    return text(f"""
        WITH reply AS (
            INSERT INTO {messages.name} (conversation_id, client_id, role, text, status, reply_to, payload, delivery, created_at)
            SELECT v.c1, NULL, 'bot', v.c2, 'done', v.c3, v.c4, v.c5, v.c6
            FROM unnest(CAST(:conversations AS {array(m.conversation_id)}), CAST(:texts AS {array(m.text)}),
                        CAST(:inbounds AS {array(m.reply_to)}), CAST(:payloads AS {array(m.payload)}),
                        CAST(:deliveries AS {array(m.delivery)}), CAST(:nows AS {array(m.created_at)}))
                 WITH ORDINALITY AS v(c1, c2, c3, c4, c5, c6, n)
            ORDER BY v.n
            RETURNING id, reply_to
        ), done AS (
            UPDATE {messages.name} SET status = 'done' WHERE id = ANY(CAST(:inbounds AS {array(m.id)}))
        ), touched AS (
            UPDATE {conversations.name} SET updated_at = v.c2
            FROM unnest(CAST(:conversations AS {array(conversations.c.id)}), CAST(:nows AS {array(conversations.c.updated_at)})) AS v(c1, c2)
            WHERE {conversations.name}.id = v.c1
        ), audit AS (
            INSERT INTO {audit.name} (tenant, conversation_id, kind, data, created_at)
            SELECT v.c1, v.c2, v.c3, v.c4, v.c5
            FROM unnest(CAST(:e_tenants AS {array(audit.c.tenant)}), CAST(:e_conversations AS {array(audit.c.conversation_id)}),
                        CAST(:e_kinds AS {array(audit.c.kind)}), CAST(:e_data AS {array(audit.c.data)}),
                        CAST(:e_nows AS {array(audit.c.created_at)}))
                 WITH ORDINALITY AS v(c1, c2, c3, c4, c5, n)
            ORDER BY v.n
        ), told AS (
            SELECT pg_notify(r.channel, r.prefix || reply.id || '}}')
            FROM reply JOIN unnest(CAST(:inbounds AS {array(m.id)}), CAST(:relays AS TEXT[]), CAST(:channels AS TEXT[]))
                            AS r(inbound, prefix, channel)
                 ON r.inbound = reply.reply_to
            WHERE r.prefix IS NOT NULL
        ), released AS (
            DELETE FROM {lease.name}
            USING unnest(CAST(:released AS TEXT[]), CAST(:holders AS TEXT[])) AS l(name, holder)
            WHERE {lease.name}.name = l.name AND {lease.name}.holder = l.holder
        )
        SELECT id, reply_to, (SELECT count(*) FROM told) FROM reply""")


REPLIES = _replies_in_one()


def _insert_with_event() -> Any:
    """PostgreSQL: a message and one audit event about it in one statement (a data-modifying CTE; was an
    insert each: an escalation's queue notice and its QUEUE_TOLD event), and its notification to the other
    processes' sockets (`b_told`: bot/engine/relay.py `stored_prefix`, on `b_told_channel`; sent as the
    statement commits, as `REPLIES` sends a reply's; was a statement of the relay's). Returns the message's id.
    `b_released`, `b_holder`: a lease (name, holder) the statement deletes as it commits, NULL for none: the
    turn's lease when this is the turn's last write (an escalation's queue notice, bot/engine/turns.py
    `Turn.release_with_write`; was a statement of its own after the escalation, as `REPLIES`' `released`)."""
    message = StoredMessage.__table__.c  # type: ignore[attr-defined]
    audit = AuditEvent.__table__.c  # type: ignore[attr-defined]
    columns = [c for c in message if c.name != "id"]
    statement = text(
        f"WITH m AS (INSERT INTO message ({', '.join(f'{chr(34)}{c.name}{chr(34)}' for c in columns)}) "
        f"VALUES ({', '.join(f':{c.name}' for c in columns)}) RETURNING id), "
        "ev AS (INSERT INTO auditevent (tenant, conversation_id, kind, data, created_at) "
        "VALUES (:e_tenant, :e_conversation_id, :e_kind, :e_data, :e_created_at)), "
        "told AS (SELECT pg_notify(CAST(:b_told_channel AS TEXT), CAST(:b_told AS TEXT) || m.id || '}') FROM m WHERE CAST(:b_told AS TEXT) IS NOT NULL), "
        f"released AS (DELETE FROM {Lease.__table__.name} "  # type: ignore[attr-defined]
        "WHERE name = CAST(:b_released AS TEXT) AND holder = CAST(:b_holder AS TEXT)) "
        "SELECT id, (SELECT count(*) FROM told) FROM m"
    )
    return statement.bindparams(
        *(bindparam(c.name, type_=c.type) for c in columns),
        *(bindparam(f"e_{c.name}", type_=c.type) for c in audit if c.name != "id"),
    )


INSERT_WITH_EVENT = _insert_with_event()
