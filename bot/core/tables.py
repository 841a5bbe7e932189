"""Relational storage: the sqlmodel tables (SQLite by default, PostgreSQL by URL; bot/core/database.py opens them).

A table, column or index added here needs an Alembic revision (`python -m bot.migrations "what changed"`
writes it from the difference); `supportbot db upgrade` applies it to existing databases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Dialect,
    Engine,
    Index,
    bindparam,
    event,
    insert,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, UniqueConstraint, select
from sqlmodel.sql.sqltypes import AutoString

from bot.core.autocommit import autocommit
from bot.core.handoff_states import HandoffStatus, State
from bot.core.tiers import Tier


def utcnow() -> datetime:
    return datetime.now(UTC)


class EnumText(TypeDecorator[StrEnum]):
    """A `StrEnum` stored as its value in the plain string column it always had (no migration): rows
    read back as the enum, and a value outside it is refused when written, not found later."""

    impl = AutoString
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self._enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self._enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self._enum(value)


class Tenant(SQLModel, table=True):
    name: str = Field(primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    """One ingested file or FAQ row; its chunks live in the vector store under `doc_id`."""

    __table_args__ = (UniqueConstraint("tenant", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(index=True)
    source: str
    doc_id: str = Field(index=True)
    content_hash: str
    groups: str = "public"  # canonical access key: sorted, comma-separated
    title: str = ""
    url: str | None = None
    chunk_count: int = 0
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class Conversation(SQLModel, table=True):
    # the admin's conversation list reads a tenant's newest first (bot/app/admin_conversations.py)
    __table_args__ = (Index("ix_conversation_tenant_created_at", "tenant", "created_at"),)
    id: str = Field(primary_key=True)
    tenant: str = Field(index=True)
    channel: str = "cli"
    user: str | None = None
    # access groups proven when the conversation began (a widget visitor's signed claims):
    # sorted, comma-separated; the tenants file adds its own groups at each message
    groups: str | None = None
    address: str | None = None  # where the conversation lives on its platform (chat id, channel id)
    thread: str | None = None
    # who owns it (bot/core/handoff_states.py); indexed: /admin's queue is the conversations with people
    state: State = Field(default=State.BOT, sa_type=EnumText(State), index=True)
    # the platform message an answer is being streamed into (a Telegram message id): after a crash the
    # answer is edited into it instead of sent again under the fragment. None once the answer arrived.
    streaming: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


ONE_ANSWER_INDEX = "ux_message_one_bot_reply"
TEXT_SEARCH_INDEX = "ix_message_text_trgm"


class StoredMessage(SQLModel, table=True):
    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id"),
        # one bot answer per customer message, whichever process wrote it (a process that stalled past
        # its conversation's lease cannot add a second one: bot/engine/turns.py)
        Index(ONE_ANSWER_INDEX, "reply_to", unique=True, sqlite_where=text("role = 'bot'"), postgresql_where=text("role = 'bot'")),
        # /admin/conversations' word search (`text ILIKE '%word%'`): on PostgreSQL a trigram index answers it
        # instead of reading every message (a word no message has: 142 ms -> 0.1 ms over 400k messages);
        # SQLite has no such index and reads the tenant's conversations newest first
        Index(TEXT_SEARCH_INDEX, "text", postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True)
    client_id: str | None = None
    role: str  # customer | bot | agent | system
    text: str  # the redacted copy
    status: str = Field(default="done", index=True)  # pending | done (indexed: processes look for pending ones every second)
    reply_to: int | None = Field(default=None, index=True)
    payload: str | None = None  # JSON of the reply (citations, outcome)
    # queued: still to be sent on the conversation's platform (Telegram, Slack) | sent. None: nothing to
    # send (customer messages; widget replies, which the widget reads from the store; rows older than this column)
    delivery: str | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


# the trigram operators the search index uses (pg_trgm ships with PostgreSQL and is a trusted extension: the
# database's owner may create it); revision 0019 does the same for existing databases
event.listen(StoredMessage.__table__, "before_create", DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class Handoff(SQLModel, table=True):
    """One escalation of one conversation to people, and its Slack thread."""

    # a customer's place in the queue, on every escalation (handoff/records.py queue_position): the tenant's
    # waiting handoffs up to one (read from the index alone) and its latest claims
    __table_args__ = (
        Index("ix_handoff_tenant_status_id", "tenant", "status", "id"),
        Index("ix_handoff_tenant_claimed_at", "tenant", "claimed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True)
    tenant: str = Field(index=True)
    reason: str
    topic: str | None = None
    status: HandoffStatus = Field(default=HandoffStatus.QUEUED, index=True, sa_type=EnumText(HandoffStatus))
    staff_channel: str | None = None
    thread_ts: str | None = None  # the card's ts: the staff thread
    claimed_by: str | None = None  # the claimer's name, as shown; whose claim it is is `claimed_by_id`
    claimed_by_id: str | None = None  # the claimer's stable id (`StaffMember.id`: a Slack user id, console:<tenant>:<account>)
    claimed_at: datetime | None = None
    closed_at: datetime | None = None
    announced_at: datetime | None = None
    # staff's last reminder that nobody has claimed it (a post in its Slack thread, a flag in the console's queue): one
    # process takes each reminder by moving this forward in one conditional UPDATE (handoff/records.py take_reminder)
    reminded_at: datetime | None = None
    attempts: int = 0
    packet: str = "{}"  # JSON, redacted
    created_at: datetime = Field(default_factory=utcnow, index=True)
    contact: str | None = None  # the e-mail placeholder the customer left for a reply; its value stays in the conversation's vault
    # nothing of this handoff (card or thread posts) goes to Slack before this: a card Slack refused for
    # good, a Retry-After. Stored so that a restart (a crash loop, a deploy) waits it out too
    not_before: datetime | None = None
    # one process posts this handoff's thread posts until then (handoff/staff_posts.py take_posts; PostgreSQL, several processes)
    posting_until: datetime | None = None


class StaffPost(SQLModel, table=True):
    """One post for a handoff's staff thread, waiting until Slack took it (survives a restart during an
    outage). Posted in `position` order; a handoff's opening posts (transcript, files) go before the rest."""

    __tablename__ = "staff_post"
    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(index=True)
    position: int
    # note: posted as written | said: the customer's words, redacted (shown restored when policy allows)
    # | file: one of the customer's files, JSON as in `Packet.attachments`
    kind: str
    body: str
    posted_at: datetime | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Usage(SQLModel, table=True):
    """One model call: tokens from the API's usage fields and what they cost."""

    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(index=True)
    user: str | None = Field(default=None, index=True)
    conversation_id: str | None = None
    tier: Tier = Field(sa_type=EnumText(Tier))  # local | remote
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Lease(SQLModel, table=True):
    """Work one process holds for a while (a conversation's turn, a timer's round): taken when free or
    expired, renewed while held (bot/engine/leases.py). A process that dies loses it when it expires."""

    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime = Field(index=True)


class LimitCount(SQLModel, table=True):
    """Hits of a client limit counted per tenth of its window, for limits several processes share
    (bot/app/limit_table.py): a key has at most eleven rows, whatever the traffic."""

    __tablename__ = "limit_count"
    key: str = Field(primary_key=True)
    bucket: int = Field(primary_key=True, sa_type=BigInteger)  # the bucket's start, ms since the epoch
    n: int = 0


class LimitBurst(SQLModel, table=True):
    """A conversation's burst limit as a token bucket (GCRA): one row per key holding the bucket's
    "theoretical arrival time" (bot/app/limit_table.py); a time in the past is a full bucket."""

    __tablename__ = "limit_burst"
    key: str = Field(primary_key=True)
    tat: float  # seconds since the epoch


VAULT_PLACEHOLDER_INDEX = "ux_vault_conversation_placeholder"


class VaultEntry(SQLModel, table=True):
    """One redacted value of one conversation: encrypted, found again by a keyed hash, expiring."""

    __tablename__ = "vault"
    __table_args__ = (
        UniqueConstraint("conversation_id", "lookup"),
        # one value per placeholder: concurrent writers numbering the same kind can't both win
        # (an index, not a constraint: revision 0008 added it to existing databases)
        Index(VAULT_PLACEHOLDER_INDEX, "conversation_id", "placeholder", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True)
    placeholder: str
    kind: str
    # HMAC of kind and normalized value: same value, same placeholder, no plaintext. An expired entry
    # keeps its placeholder (so its number is never given to another value) and loses the rest.
    lookup: str
    ciphertext: str  # Fernet token of the original value; "" once expired and purged
    expires_at: datetime = Field(index=True)


class AuditEvent(SQLModel, table=True):
    """Append-only; never holds raw personal data (texts are redacted before they get here)."""

    # the dashboard's rollup and the rollout window count one kind over a time range (bot/app/admin_rollup.py)
    __table_args__ = (Index("ix_auditevent_kind_created_at", "kind", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    tenant: str = Field(index=True)
    conversation_id: str | None = Field(default=None, index=True)
    kind: str
    data: str = "{}"
    created_at: datetime = Field(default_factory=utcnow)


_INSERT_AUDIT = insert(AuditEvent)


def event_rows(
    events: Sequence[tuple[str, dict[str, Any]]], *, tenant: str, conversation_id: str | None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The audit table's columns for events of one conversation (see `write_events`)."""
    now = now or utcnow()
    return [
        {"tenant": tenant, "conversation_id": conversation_id, "kind": kind, "data": json.dumps(data, default=str, sort_keys=True), "created_at": now}
        for kind, data in events
    ]


def write_events(conn: Any, events: Sequence[tuple[str, dict[str, Any]]], *, tenant: str, conversation_id: str | None) -> None:
    """Audit events inside the caller's transaction (a reply and its audit trail commit together)."""
    if events:
        conn.execute(_INSERT_AUDIT, event_rows(events, tenant=tenant, conversation_id=conversation_id))


def insert_events(conn: Any, rows: list[dict[str, Any]]) -> None:
    """Rows from `event_rows` (of any conversations) inside the caller's transaction, in one statement."""
    if rows:
        conn.execute(_INSERT_AUDIT, rows)


_AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
_DATA_OF_KIND = (select(_AUDIT.c.data).where(_AUDIT.c.conversation_id == bindparam("c"), _AUDIT.c.kind == bindparam("k"))
                 .order_by(_AUDIT.c.id))


class AuditLog:
    """Writes audit events. Callers pass already-redacted data."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._single = autocommit(engine)  # one event is one statement: on PostgreSQL without BEGIN and COMMIT

    def record(self, *, tenant: str, kind: str, conversation_id: str | None = None, **data: Any) -> None:
        self.record_many([(kind, data)], tenant=tenant, conversation_id=conversation_id)

    def record_many(self, events: list[tuple[str, dict[str, Any]]], *, tenant: str, conversation_id: str | None = None) -> None:
        """Several events of one conversation in one transaction (Core: this is on every message's path);
        one event, a statement atomic by itself (an escalation's queue notice writes one)."""
        with (self._single if len(events) == 1 else self._engine).begin() as conn:
            write_events(conn, events, tenant=tenant, conversation_id=conversation_id)

    def events(self, *, conversation_id: str, kind: str | None = None) -> list[AuditEvent]:
        """A conversation's events, oldest first; of one kind only with `kind` (a turn writes several
        events, and a caller that wants one kind need not load every row)."""
        with Session(self._single) as session:  # a read: on PostgreSQL without BEGIN and ROLLBACK
            query = select(AuditEvent).where(AuditEvent.conversation_id == conversation_id)
            if kind is not None:
                query = query.where(AuditEvent.kind == kind)
            return list(session.exec(query.order_by(AuditEvent.id)))  # type: ignore[arg-type]

    def data_of(self, *, conversation_id: str, kind: str) -> list[dict[str, Any]]:
        """The data of a conversation's events of one kind, oldest first: one statement built once (an
        escalation reads the files the customer sent; the ORM query built per call cost more than its
        round trip)."""
        with self._single.connect() as conn:
            return [json.loads(row[0]) for row in conn.execute(_DATA_OF_KIND, {"c": conversation_id, "k": kind})]

    def data_of_many(self, *, conversation_ids: Sequence[str], kind: str) -> list[dict[str, Any]]:
        """The data of the events of one kind of several conversations, oldest first, in one statement (a
        desk's queue reads the ratings of the closed handoffs it shows)."""
        if not conversation_ids:
            return []
        query = select(_AUDIT.c.data).where(_AUDIT.c.conversation_id.in_(list(conversation_ids)), _AUDIT.c.kind == kind).order_by(_AUDIT.c.id)
        with self._single.connect() as conn:
            return [json.loads(row[0]) for row in conn.execute(query)]


# the operations tables (bot/core/ops_tables.py) on the same metadata, for create_all and the migrations
from bot.core.admin_tables import AdminDay, AdminHandoffDay, AdminUserDay  # noqa: F401,E402
from bot.core.ops_tables import AnswerGrade, EvalRun, RolloutState  # noqa: F401
