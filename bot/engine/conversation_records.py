"""Conversation records: which tenant, channel and user a conversation belongs to, created once
(channels derive ids from the platform, so creating again returns the stored one) and kept in
memory, since none of it ever changes."""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core.autocommit import autocommit
from bot.core.direct import DirectStatement
from bot.core.handoff_states import HUMAN_OWNED
from bot.core.tables import Conversation, utcnow


@dataclass(frozen=True, slots=True)
class Party:
    """What never changes about a conversation: safe to keep in memory."""

    id: str
    tenant: str
    channel: str
    user: str | None


_PARTY_CACHE = 50_000
_INSERT_CONVERSATION = insert(Conversation)
_TABLE = Conversation.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(c.name for c in _TABLE.c)
_NEW_COLUMNS = ("id", "tenant", "channel", "user", "address", "thread", "state", "created_at", "updated_at", "groups")  # `create`'s
# a conversation by id in Core, not the ORM's Session.get: an escalation reads it twice, and a process reads
# each conversation another process opened (~0.5 ms of client CPU a read through the ORM, bench/bench_scale.py)
_BY_ID = select(_TABLE).where(_TABLE.c.id == bindparam("b_conversation"))


class ConversationRecords:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._single = autocommit(engine)  # every call here is one statement
        self._parties: OrderedDict[str, Party] = OrderedDict()
        # PostgreSQL: the read by id and a new conversation's write on psycopg directly (bot/core/direct.py)
        postgres = engine.dialect.name == "postgresql"
        self._by_id = DirectStatement(engine, _BY_ID) if postgres else None
        self._insert = DirectStatement(engine, _INSERT_CONVERSATION, column_keys=_NEW_COLUMNS) if postgres else None

    def create(
        self, *, tenant: str, channel: str, user: str | None = None, conversation_id: str | None = None,
        address: str | None = None, thread: str | None = None, groups: tuple[str, ...] = (),
    ) -> Conversation:
        """A new conversation, or the stored one with that id (channels derive ids from the platform).
        `groups`: access groups the caller has verified (signed visitor claims), kept for every message."""
        now = utcnow()
        values = {"id": conversation_id or uuid.uuid4().hex, "tenant": tenant, "channel": channel, "user": user, "address": address,
                  "thread": thread, "state": "bot", "created_at": now, "updated_at": now,
                  "groups": ",".join(sorted(set(groups))) or None}
        try:
            if self._insert is not None:
                self._insert.run(values)
            else:
                with self._single.begin() as conn:  # Core, not the ORM: a widget visitor's first request pays for this
                    conn.execute(_INSERT_CONVERSATION, values)
        except IntegrityError:
            existing = self.get(values["id"])
            if existing is None:
                raise
            return existing
        conversation = Conversation(**values)
        self._remember(conversation)
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        if self._by_id is not None:
            rows = self._by_id.rows({"b_conversation": conversation_id})
            row = dict(zip(_COLUMNS, rows[0], strict=True)) if rows else None
        else:
            with self._single.connect() as conn:
                found = conn.execute(_BY_ID, {"b_conversation": conversation_id}).first()
            row = dict(found._mapping) if found is not None else None
        if row is None:
            return None
        conversation = Conversation(**row)
        self._remember(conversation)
        return conversation

    def held_by_people(self, *, tenant: str, channel: str, address: str) -> Conversation | None:
        """The newest conversation at `address` (a Slack DM) that people own (waiting for or with a
        person), or None. Synchronous."""
        query = (select(Conversation).where(col(Conversation.tenant) == tenant, col(Conversation.channel) == channel,
                                            col(Conversation.address) == address, col(Conversation.state).in_(list(HUMAN_OWNED)))
                 .order_by(col(Conversation.created_at).desc()).limit(1))
        with Session(self._single) as session:
            return session.exec(query).first()

    def set_streaming(self, conversation_id: str, message: str | None) -> None:
        """The platform message an answer is being streamed into (None: the answer was delivered)."""
        with self._single.begin() as conn:
            conn.execute(update(Conversation).where(col(Conversation.id) == conversation_id).values(streaming=message))

    def _remember(self, conversation: Conversation) -> Party:
        party = Party(id=conversation.id, tenant=conversation.tenant, channel=conversation.channel, user=conversation.user)
        self._parties[party.id] = party
        self._parties.move_to_end(party.id)
        if len(self._parties) > _PARTY_CACHE:
            self._parties.popitem(last=False)
        return party

    def party(self, conversation_id: str) -> Party | None:
        """Tenant, channel and user of a conversation (from memory when seen before; else the database)."""
        party = self._parties.get(conversation_id)
        if party is not None:
            return party
        conversation = self.get(conversation_id)
        return self._parties.get(conversation_id) if conversation is not None else None

    def known_channel(self, conversation_id: str) -> str | None:
        party = self._parties.get(conversation_id)
        return party.channel if party is not None else None

    async def _channel(self, conversation_id: str) -> str | None:
        party = await self.find(conversation_id)
        return party.channel if party is not None else None

    async def find(self, conversation_id: str) -> Party | None:
        party = self._parties.get(conversation_id)
        return party if party is not None else await asyncio.to_thread(self.party, conversation_id)
